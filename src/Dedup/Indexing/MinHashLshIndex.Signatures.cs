using Dedup.Sketches;

namespace Dedup.Indexing;

/// <content>Overloads that take the library's <see cref="MinHashSignature"/>.</content>
public sealed partial class MinHashLshIndex
{
    /// <summary>Adds (or replaces) a document by its signature; returns false when the key was already present and was replaced.</summary>
    /// <exception cref="ArgumentException">The signature's K differs from the index's.</exception>
    public bool Add(string key, MinHashSignature signature)
    {
        ArgumentNullException.ThrowIfNull(signature);
        return Add(key, signature.Values);
    }

    /// <summary>The indexed documents whose signatures collide with <paramref name="signature"/> in a band, with their estimated Jaccard, best first.</summary>
    /// <exception cref="ArgumentException">The signature's K differs from the index's.</exception>
    public IReadOnlyList<MinHashCandidate> Query(MinHashSignature signature, double minJaccard = 0.0)
    {
        ArgumentNullException.ThrowIfNull(signature);
        return Query(signature.Values, minJaccard);
    }
}
