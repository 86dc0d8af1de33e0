using System.Buffers;
using System.Runtime.CompilerServices;

namespace Dedup.Text;

/// <summary>
/// Collects token hashes into a buffer rented from <see cref="ArrayPool{T}.Shared"/> (grown when full), with
/// stopwords optionally left out. A left-out token is written and then overwritten, so there is no branch per token on
/// its traits: whether a word is a stopword is a coin toss in running text, and a mispredicted branch costs more than
/// the store. Return the buffer with <see cref="Dispose"/>.
/// </summary>
internal struct PooledHashSink : ITokenSink, IDisposable
{
    private readonly TokenTraits _skipped;
    private ulong[] _buffer;
    private int _count;

    /// <summary>Rents a buffer for about <paramref name="expectedTokens"/> tokens.</summary>
    public PooledHashSink(int expectedTokens, bool skipStopwords)
    {
        _buffer = ArrayPool<ulong>.Shared.Rent(Math.Max(16, expectedTokens));
        _skipped = skipStopwords ? TokenTraits.Stopword : TokenTraits.None;
    }

    /// <summary>A sink with a buffer that holds the tokens of most texts of <paramref name="textLength"/> characters (news text has about one token in six).</summary>
    public static PooledHashSink ForText(int textLength, bool skipStopwords) => new((textLength / 4) + 16, skipStopwords);

    /// <summary>The hashes collected so far.</summary>
    public readonly Span<ulong> Hashes => _buffer.AsSpan(0, _count);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void OnToken(in Token token)
    {
        ulong[] buffer = _buffer;
        int count = _count;
        if ((uint)count >= (uint)buffer.Length)
        {
            buffer = Grow();
        }

        buffer[count] = token.Hash;
        _count = count + Unsafe.BitCast<bool, byte>((token.Traits & _skipped) == 0);
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
