using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Dedup.Detection;

/// <summary>
/// The stored form of one indexed article: what a detector snapshot holds per article and what a signature store
/// (e.g. Redis) keeps, so that an article's features are encoded and decoded in this one place.
/// </summary>
/// <remarks>
/// Layout (varint = unsigned LEB128, at most 5 bytes for a 32-bit value and 10 for a 64-bit one): varint UTF-8 id length
/// and the id's bytes; varint published UTC ticks + 1 (0 when unknown) and, when known, varint zigzag offset minutes;
/// u64 exact hash and u64 SimHash fingerprint (little-endian); varint content tokens; varint characters; varint insertion order; then the word
/// shingles, the skeleton shingles, the lead shingles and the paraphrase terms, each as a sorted set: varint count and,
/// when not empty, a byte k and the Golomb-Rice code with parameter 2^k of the gaps (the first value, then every value's
/// difference from the one before minus one: the values are strictly ascending), each gap as its quotient by 2^k in unary
/// (ones ended by a zero) and its k low bits, the bits packed least significant first and the last byte zero-padded.
/// Shingle hashes are uniform, so a set of n values costs about log2(2^32 / n) + 2 bits a value (25 for a 400-shingle
/// article), against 32 as fixed-width integers and 28–32 as varints of the gaps. A record checks its own structure (lengths, set order, publication time) and gives an
/// <see cref="InvalidDataException"/> naming what is wrong; integrity against corruption is the container's checksum.
/// </remarks>
internal static class ArticleRecord
{
    /// <summary>The longest id a record holds, in UTF-8 bytes.</summary>
    public const int MaxIdBytes = 1 << 20;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>An upper bound of the bytes <see cref="Write(Span{byte}, ArticleFeatures)"/> writes for <paramref name="f"/>.</summary>
    public static int MaxByteCount(ArticleFeatures f) =>
        5 + StrictUtf8.GetMaxByteCount(f.Id.Length) + 10 + 5 + 8 + 8 + 5 + 5 + 10
        + (int)(SetByteBound(f.Words) + SetByteBound(f.Skeleton) + SetByteBound(f.Lead) + SetByteBound(f.ParaphraseTerms));

    /// <summary>Encodes an article into <paramref name="writer"/>.</summary>
    /// <returns>The number of bytes written.</returns>
    /// <exception cref="InvalidOperationException">The id is longer than <see cref="MaxIdBytes"/> in UTF-8 or is not valid UTF-16.</exception>
    public static int Write(IBufferWriter<byte> writer, ArticleFeatures f)
    {
        ArgumentNullException.ThrowIfNull(writer);
        Span<byte> span = writer.GetSpan(MaxByteCount(f));
        int n = Write(span, f);
        writer.Advance(n);
        return n;
    }

    /// <summary>Encodes an article into <paramref name="destination"/>, which holds at least <see cref="MaxByteCount"/> bytes.</summary>
    /// <returns>The number of bytes written.</returns>
    /// <exception cref="InvalidOperationException">The id is longer than <see cref="MaxIdBytes"/> in UTF-8 or is not valid UTF-16.</exception>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is too small.</exception>
    public static int Write(Span<byte> destination, ArticleFeatures f)
    {
        ArgumentNullException.ThrowIfNull(f);
        if (destination.Length < MaxByteCount(f))
        {
            throw new ArgumentException($"The destination holds {destination.Length} bytes; the record may need {MaxByteCount(f)}.", nameof(destination));
        }

        int idBytes;
        try
        {
            idBytes = StrictUtf8.GetByteCount(f.Id);
        }
        catch (EncoderFallbackException e)
        {
            throw new InvalidOperationException($"The id '{f.Id}' is not valid UTF-16 (a lone surrogate) and cannot be stored.", e);
        }

        if (idBytes > MaxIdBytes)
        {
            throw new InvalidOperationException($"The id of {idBytes} UTF-8 bytes exceeds the limit of {MaxIdBytes}.");
        }

        int at = WriteVarint(destination, (uint)idBytes);
        at += StrictUtf8.GetBytes(f.Id, destination[at..]);
        if (f.Published is { } p)
        {
            at += WriteVarint(destination[at..], (ulong)p.UtcTicks + 1);
            at += WriteVarint(destination[at..], ZigZag((int)p.Offset.TotalMinutes));
        }
        else
        {
            at += WriteVarint(destination[at..], 0UL);
        }

        BinaryPrimitives.WriteUInt64LittleEndian(destination[at..], f.ExactHash);
        at += 8;
        BinaryPrimitives.WriteUInt64LittleEndian(destination[at..], f.SimHash);
        at += 8;
        at += WriteVarint(destination[at..], (uint)f.ContentTokens);
        at += WriteVarint(destination[at..], (uint)f.Characters);
        at += WriteVarint(destination[at..], (ulong)f.Order);
        at += WriteSet(destination[at..], f.Words);
        at += WriteSet(destination[at..], f.Skeleton);
        at += WriteSet(destination[at..], f.Lead);
        at += WriteSet(destination[at..], f.ParaphraseTerms);
        return at;
    }

    /// <summary>Encodes an article into a new array of its exact length.</summary>
    public static byte[] ToArray(ArticleFeatures f)
    {
        byte[] rented = ArrayPool<byte>.Shared.Rent(MaxByteCount(f));
        try
        {
            int n = Write(rented, f);
            return rented.AsSpan(0, n).ToArray();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>Decodes a record written by <see cref="Write(Span{byte}, ArticleFeatures)"/>; the whole span must be the record.</summary>
    /// <exception cref="InvalidDataException">The bytes are not a valid record; the message names the problem.</exception>
    public static ArticleFeatures Read(ReadOnlySpan<byte> record)
    {
        ArticleFeatures f = Read(record, out int consumed);
        if (consumed != record.Length)
        {
            throw Error($"{record.Length - consumed} bytes follow the record of article '{f.Id}'.");
        }

        return f;
    }

    /// <summary>Decodes a record at the start of <paramref name="data"/>.</summary>
    /// <param name="data">The record, perhaps followed by other bytes.</param>
    /// <param name="consumed">The record's length.</param>
    /// <exception cref="InvalidDataException">The bytes are not a valid record; the message names the problem.</exception>
    public static ArticleFeatures Read(ReadOnlySpan<byte> data, out int consumed)
    {
        int at = 0;
        uint idBytes = ReadVarint32(data, ref at);
        if (idBytes > MaxIdBytes || idBytes > (uint)(data.Length - at))
        {
            throw Error($"an id of {idBytes} bytes at offset {at} exceeds the limit or the record.");
        }

        string id;
        try
        {
            id = StrictUtf8.GetString(data.Slice(at, (int)idBytes));
        }
        catch (DecoderFallbackException e)
        {
            throw new InvalidDataException($"The article record is invalid: the id at offset {at} is not valid UTF-8.", e);
        }

        at += (int)idBytes;
        ulong ticksPlusOne = ReadVarint64(data, ref at);
        DateTimeOffset? published = null;
        if (ticksPlusOne != 0)
        {
            ulong ticks = ticksPlusOne - 1;
            long offset = UnZigZag(ReadVarint32(data, ref at));
            if (ticks > (ulong)DateTimeOffset.MaxValue.UtcTicks || offset is < -14 * 60 or > 14 * 60
                || (long)ticks + (offset * TimeSpan.TicksPerMinute) < DateTime.MinValue.Ticks
                || (long)ticks + (offset * TimeSpan.TicksPerMinute) > DateTime.MaxValue.Ticks)
            {
                throw Error($"article '{id}' has an invalid publication time.");
            }

            published = new DateTimeOffset((long)ticks, TimeSpan.Zero).ToOffset(TimeSpan.FromMinutes(offset));
        }

        if (data.Length - at < 16)
        {
            throw Error($"the record of article '{id}' ends inside its exact hash or its SimHash fingerprint.");
        }

        ulong exact = BinaryPrimitives.ReadUInt64LittleEndian(data[at..]);
        at += 8;
        ulong simHash = BinaryPrimitives.ReadUInt64LittleEndian(data[at..]);
        at += 8;
        uint tokens = ReadVarint32(data, ref at);
        uint characters = ReadVarint32(data, ref at);
        ulong order = ReadVarint64(data, ref at);
        if (tokens > int.MaxValue || characters > int.MaxValue || order > long.MaxValue)
        {
            throw Error($"article '{id}' has a count out of range.");
        }

        uint[] words = ReadSet(data, ref at);
        uint[] skeleton = ReadSet(data, ref at);
        uint[] lead = ReadSet(data, ref at);
        uint[] terms = ReadSet(data, ref at);
        consumed = at;
        return new ArticleFeatures(id, published, exact, simHash, words, skeleton, lead, terms, (int)tokens, (int)characters) { Order = (long)order };
    }

    private static InvalidDataException Error(string message) => new($"The article record is invalid: {message}");

    private static uint ZigZag(int value) => (uint)((value << 1) ^ (value >> 31));

    private static int UnZigZag(uint value) => (int)(value >> 1) ^ -(int)(value & 1);

    /// <summary>The Rice parameter of a sorted set: about log2 of its mean gap times ln 2 (the optimum for geometric gaps).</summary>
    private static int RiceParameter(uint[] values)
    {
        double mean = ((double)values[^1] + 1) / values.Length;
        return Math.Clamp((int)Math.Floor(Math.Log2(Math.Max(1, mean * 0.69))), 0, 31);
    }

    /// <summary>An upper bound of the bytes <see cref="WriteSet"/> writes.</summary>
    private static long SetByteBound(uint[] values)
    {
        if (values.Length == 0)
        {
            return 1;
        }

        int k = RiceParameter(values);

        // n remainders of k bits and n stop bits, plus the quotients' ones: at most the largest value over 2^k.
        long bits = ((long)values.Length * (k + 1)) + (((long)values[^1] + 1) >> k);
        return 5 + 1 + ((bits + 7) / 8);
    }

    private static int WriteSet(Span<byte> destination, uint[] values)
    {
        int at = WriteVarint(destination, (uint)values.Length);
        if (values.Length == 0)
        {
            return at;
        }

        int k = RiceParameter(values);
        destination[at++] = (byte)k;
        var bits = new BitWriter(destination[at..]);
        uint previous = 0;
        ulong mask = (1UL << k) - 1;
        for (int i = 0; i < values.Length; i++)
        {
            uint v = values[i];
            uint gap = i == 0 ? v : v - previous - 1;
            previous = v;
            uint q = gap >> k;
            if (q <= 24)
            {
                // q ones, the stop bit (0) and the k low bits in one write (at most 56 bits).
                bits.Write(((1UL << (int)q) - 1) | ((gap & mask) << ((int)q + 1)), (int)q + 1 + k);
                continue;
            }

            for (; q >= 24; q -= 24)
            {
                bits.Write((1UL << 24) - 1, 24);
            }

            bits.Write(((1UL << (int)q) - 1) | ((gap & mask) << ((int)q + 1)), (int)q + 1 + k);
        }

        return at + bits.Finish();
    }

    private static uint[] ReadSet(ReadOnlySpan<byte> data, ref int at)
    {
        uint n = ReadVarint32(data, ref at);
        if (n == 0)
        {
            return [];
        }

        // Every value takes at least one bit.
        if (n > (ulong)(data.Length - at) * 8)
        {
            throw Error($"a set of {n} values at offset {at} runs past the end of the record.");
        }

        if (at >= data.Length || data[at] > 31)
        {
            throw Error($"a set's Rice parameter at offset {at} is missing or above 31.");
        }

        int k = data[at++];
        var bits = new BitReader(data[at..]);
        uint[] values = new uint[n];
        ulong previous = 0;
        for (int i = 0; i < values.Length; i++)
        {
            ulong q = bits.ReadUnary();
            if (q > uint.MaxValue)
            {
                throw Error($"a set before offset {at + bits.BytesUsed} leaves the 32-bit range.");
            }

            ulong v = (q << k) | bits.Read(k);
            if (i > 0)
            {
                v += previous + 1;
            }

            if (v > uint.MaxValue)
            {
                throw Error($"a set before offset {at + bits.BytesUsed} is not sorted or leaves the 32-bit range.");
            }

            values[i] = (uint)v;
            previous = v;
        }

        at += bits.BytesUsed;
        return values;
    }

    /// <summary>Writes bits least significant first into bytes.</summary>
    private ref struct BitWriter(Span<byte> destination)
    {
        private readonly Span<byte> _destination = destination;
        private ulong _buffer;
        private int _count;
        private int _at;

        /// <summary>Writes the low <paramref name="bits"/> (at most 56) of <paramref name="value"/>, which holds no higher bits.</summary>
        public void Write(ulong value, int bits)
        {
            _buffer |= value << _count;
            _count += bits;
            while (_count >= 8)
            {
                _destination[_at++] = (byte)_buffer;
                _buffer >>= 8;
                _count -= 8;
            }
        }

        /// <summary>Writes the last partial byte (zero-padded); returns the bytes written.</summary>
        public int Finish()
        {
            if (_count > 0)
            {
                _destination[_at++] = (byte)_buffer;
                _buffer = 0;
                _count = 0;
            }

            return _at;
        }
    }

    /// <summary>Reads bits least significant first, a word at a time; running past the end is invalid data.</summary>
    private ref struct BitReader(ReadOnlySpan<byte> data)
    {
        private readonly ReadOnlySpan<byte> _data = data;
        private ulong _buffer;
        private int _count;
        private int _at;

        /// <summary>Bytes holding the bits consumed so far, the partial last one included.</summary>
        public readonly int BytesUsed => ((_at * 8) - _count + 7) / 8;

        /// <summary>Reads <paramref name="bits"/> (at most 32) bits.</summary>
        public uint Read(int bits)
        {
            if (_count < bits)
            {
                Refill();
                if (_count < bits)
                {
                    throw Error("the record ends inside a shingle set.");
                }
            }

            uint value = (uint)(_buffer & ((1UL << bits) - 1));
            _buffer >>= bits;
            _count -= bits;
            return value;
        }

        /// <summary>Reads a unary number: the ones before the next zero, which is consumed too.</summary>
        public ulong ReadUnary()
        {
            ulong ones = 0;
            while (true)
            {
                if (_count == 0)
                {
                    Refill();
                    if (_count == 0)
                    {
                        throw Error("the record ends inside a shingle set.");
                    }
                }

                int run = System.Numerics.BitOperations.TrailingZeroCount(~_buffer);
                if (run < _count)
                {
                    _buffer = run + 1 >= 64 ? 0 : _buffer >> (run + 1); // a shift by 64 would be a shift by 0
                    _count -= run + 1;
                    return ones + (ulong)run;
                }

                ones += (ulong)_count;
                _buffer = 0;
                _count = 0;
            }
        }

        private void Refill()
        {
            while (_count <= 56 && _at < _data.Length)
            {
                _buffer |= (ulong)_data[_at++] << _count;
                _count += 8;
            }
        }
    }

    /// <summary>Writes <paramref name="value"/> seven bits a byte, low first (the high bit marks a byte that is not the last); returns the bytes written.</summary>
    internal static int WriteVarint(Span<byte> destination, ulong value)
    {
        int i = 0;
        while (value >= 0x80)
        {
            destination[i++] = (byte)(value | 0x80);
            value >>= 7;
        }

        destination[i++] = (byte)value;
        return i;
    }

    private static uint ReadVarint32(ReadOnlySpan<byte> data, ref int at)
    {
        ulong v = ReadVarint64(data, ref at);
        return v <= uint.MaxValue ? (uint)v : throw Error($"a value before offset {at} exceeds 32 bits.");
    }

    private static ulong ReadVarint64(ReadOnlySpan<byte> data, ref int at)
    {
        ulong value = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            if (at >= data.Length)
            {
                throw Error($"the record ends inside a number at offset {at}.");
            }

            byte b = data[at++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }

        throw Error($"a number before offset {at} is longer than 10 bytes.");
    }
}
