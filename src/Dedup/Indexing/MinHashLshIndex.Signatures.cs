using Dedup.Sketches;

namespace Dedup.Indexing;

/// <content>Overloads that take the library's <see cref="MinHashSignature"/>.</content>
public sealed partial class MinHashLshIndex
{
    /// <summary>The scheme and seed of the first <see cref="MinHashSignature"/> this index object was given, which every later one must share.</summary>
    private SignatureKind? _signatureKind;

    /// <summary>
    /// Adds (or replaces) a document by its signature; returns false when the key was already present and was replaced.
    /// The first signature given to this index object (to <see cref="Add(string, MinHashSignature)"/> or
    /// <see cref="Query(MinHashSignature, double)"/>) fixes the scheme and seed: signatures of another hasher cannot be
    /// compared, as <see cref="MinHashSignature.Jaccard"/> says, and are refused. (The raw-value overloads cannot check this.)
    /// </summary>
    /// <exception cref="ArgumentException">The signature's K differs from the index's, or its scheme or seed from the first signature's.</exception>
    public bool Add(string key, MinHashSignature signature)
    {
        CheckKind(signature);
        return Add(key, signature.Values);
    }

    /// <summary>The indexed documents whose signatures collide with <paramref name="signature"/> in a band, with their estimated Jaccard, best first.</summary>
    /// <exception cref="ArgumentException">The signature's K differs from the index's, or its scheme or seed from the first signature's (see <see cref="Add(string, MinHashSignature)"/>).</exception>
    public IReadOnlyList<MinHashCandidate> Query(MinHashSignature signature, double minJaccard = 0.0)
    {
        CheckKind(signature);
        return Query(signature.Values, minJaccard);
    }

    private void CheckKind(MinHashSignature signature)
    {
        ArgumentNullException.ThrowIfNull(signature);

        // Set once, by the first signature (allocated then only: the tuple boxed at every call was an allocation a document).
        SignatureKind first = Volatile.Read(ref _signatureKind)
            ?? Interlocked.CompareExchange(ref _signatureKind, new SignatureKind(signature.Scheme, signature.Seed), null)
            ?? _signatureKind!;
        if (first.Scheme != signature.Scheme || first.Seed != signature.Seed)
        {
            throw new ArgumentException(
                $"The signature was made by a {signature.Scheme} hasher with seed {signature.Seed:X}; this index holds signatures of a {first.Scheme} hasher with seed {first.Seed:X}, which cannot be compared with it.",
                nameof(signature));
        }
    }

    /// <summary>A hasher's scheme and seed.</summary>
    private sealed record SignatureKind(MinHashScheme Scheme, ulong Seed);
}
