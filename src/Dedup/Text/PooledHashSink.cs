using System.Buffers;
using System.Runtime.CompilerServices;

namespace Dedup.Text;

/// <summary>
/// A sink that reads each token's hash alone, never its <see cref="Token.Traits"/>: the vector tokenizer leaves them
/// <see cref="TokenTraits.None"/> for it (words it hands to the reference keep theirs), sparing the stopword lookup.
/// </summary>
internal interface IHashOnlySink : ITokenSink
{
}

/// <summary>
/// Collects every token's hash into a buffer rented from <see cref="ArrayPool{T}.Shared"/> (grown when full), reading no
/// traits (<see cref="IHashOnlySink"/>). Return the buffer with <see cref="Dispose"/>.
/// </summary>
/// <remarks>
/// The count does not depend on a token's traits. It did, when this sink also left stopwords out without a branch
/// (count + 1 unless a stopword): each token's store then waited for the previous token's stopword lookup, a chain
/// through the whole text. Text to one-permutation MinHash-128 took 5,550 ns an article of 390 tokens; 4,900 with the
/// count alone made independent, 4,600–4,800 with the lookup spared too (`breakdown`, thread CPU).
/// </remarks>
internal struct PooledHashSink : IHashOnlySink, IDisposable
{
    private ulong[] _buffer;
    private int _count;

    /// <summary>Rents a buffer for about <paramref name="expectedTokens"/> tokens.</summary>
    public PooledHashSink(int expectedTokens) => _buffer = ArrayPool<ulong>.Shared.Rent(Math.Max(16, expectedTokens));

    /// <summary>A sink with a buffer that holds the tokens of most texts of <paramref name="textLength"/> characters (news text has about one token in six).</summary>
    public static PooledHashSink ForText(int textLength) => new((textLength / 4) + 16);

    /// <summary>The hashes collected so far.</summary>
    public readonly Span<ulong> Hashes => _buffer.AsSpan(0, _count);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void OnToken(in Token token) => Append(token.Hash);

    /// <summary>Appends a hash.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Append(ulong hash)
    {
        ulong[] buffer = _buffer;
        int count = _count;
        if ((uint)count >= (uint)buffer.Length)
        {
            buffer = Grow();
        }

        buffer[count] = hash;
        _count = count + 1;
    }

    /// <summary>Appends a hash that the next one overwrites when <paramref name="drop"/> (without a branch).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void AppendUnless(ulong hash, bool drop)
    {
        ulong[] buffer = _buffer;
        int count = _count;
        if ((uint)count >= (uint)buffer.Length)
        {
            buffer = Grow();
        }

        buffer[count] = hash;
        _count = count + 1 - Unsafe.BitCast<bool, byte>(drop);
    }

    /// <summary>Returns the buffer to the pool.</summary>
    public void Dispose()
    {
        ulong[] buffer = _buffer;
        _buffer = [];
        _count = 0;
        if (buffer.Length > 0)
        {
            ArrayPool<ulong>.Shared.Return(buffer);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private ulong[] Grow()
    {
        ulong[] larger = ArrayPool<ulong>.Shared.Rent((int)Math.Min(Array.MaxLength, Math.Max(16L, 2L * _buffer.Length)));
        _buffer.AsSpan(0, _count).CopyTo(larger);
        if (_buffer.Length > 0)
        {
            ArrayPool<ulong>.Shared.Return(_buffer);
        }

        _buffer = larger;
        return larger;
    }
}

/// <summary>
/// Collects the hashes of the tokens that are no stopwords into a buffer rented from <see cref="ArrayPool{T}.Shared"/>.
/// A stopword's hash is written and then overwritten, so there is no branch per token on its traits: whether a word is
/// a stopword is a coin toss in running text, and a mispredicted branch costs more than the store. (Each token's store
/// thus waits for the previous token's stopword lookup; every token stored with a mark and the stopwords left out in a
/// pass at the end cost more: text to SimHash-64 5,300 → 5,800–6,000 ns an article.) Return the buffer with
/// <see cref="Dispose"/>.
/// </summary>
internal struct PooledContentHashSink : ITokenSink, IDisposable
{
    private PooledHashSink _hashes;

    /// <summary>A sink with a buffer that holds the tokens of most texts of <paramref name="textLength"/> characters.</summary>
    public PooledContentHashSink(int textLength) => _hashes = PooledHashSink.ForText(textLength);

    /// <summary>The hashes of the tokens that are no stopwords, in text order.</summary>
    public readonly Span<ulong> Content => _hashes.Hashes;

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void OnToken(in Token token) => _hashes.AppendUnless(token.Hash, (token.Traits & TokenTraits.Stopword) != 0);

    /// <summary>Returns the buffer to the pool.</summary>
    public void Dispose() => _hashes.Dispose();
}
