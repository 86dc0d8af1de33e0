using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Dedup.Detection;

/// <summary>
/// The Elias–Fano code of an ascending sequence of 32-bit values: each value's low bits written as they are, its high
/// bits as a unary gap in a bit vector. A set of n hashes spread over 32 bits takes about 2 + log2(2^32 / n) bits a
/// value (for 400 shingles, 25 bits in place of 32), and decodes in a nanosecond or two a value, in order, so two
/// sets are compared by decoding both and merging them as before.
/// </summary>
/// <remarks>
/// The layout: the count (7 bits a byte, low first), then, for a count above 0, the number of low bits l, the length in
/// bytes of the high part (7 bits a byte), the low parts (l bits a value, little-endian, packed), and the high part (a
/// bit at position (value >> l) + index for each value). The decoder reads 8 bytes at a time: whatever holds an
/// encoded sequence must have <see cref="Padding"/> readable bytes after it.
/// </remarks>
internal static class EliasFano
{
    /// <summary>Readable bytes a buffer must have after its last encoded sequence.</summary>
    public const int Padding = 8;

    /// <summary>Low bits that fill three bytes a value: decoded a byte-aligned read at a time (<see cref="Decode"/>).</summary>
    public const int ByteAlignedLowBits = 24;

    /// <summary>
    /// Values past its count a destination of <see cref="Decode"/> needs room for to take the vector step on every byte
    /// of a sequence's high part (a step writes eight values, of which the byte may hold fewer).
    /// </summary>
    public const int DecodeSlack = 8;

    /// <summary>
    /// For each byte of a high part, eight bytes: for its j-th set bit, the bit's position less j (the rest zero). A
    /// value's high part is the position of its bit less its index, so a byte at bit position p with i values before it
    /// gives the values p - i + entry[j].
    /// </summary>
    private static readonly ulong[] HighByteTable = BuildHighByteTable();

    /// <summary>
    /// The low bits for a sequence of <paramref name="count"/> values: about log2(2^32 / count) for up to 256 values,
    /// <see cref="ByteAlignedLowBits"/> for more (a shingle set of a few hundred values loses nothing by it; a far
    /// larger one a bit or two a value, and decodes faster).
    /// </summary>
    public static int LowBits(int count) => count <= 1 ? 31 : Math.Max(ByteAlignedLowBits, 31 - BitOperations.Log2((uint)count));

    /// <summary>The most bytes <see cref="Encode"/> writes for <paramref name="count"/> values with <paramref name="lowBits"/> low bits.</summary>
    public static int MaxLength(int count, int lowBits)
    {
        if (count == 0)
        {
            return 1;
        }

        long highBits = count + (1L << (32 - lowBits));
        long length = 5 + 1 + 5 + (((long)count * lowBits + 7) >> 3) + ((highBits + 7) >> 3);
        return checked((int)length);
    }

    /// <summary>The most bytes <see cref="Encode"/> writes for <paramref name="count"/> values with the default low bits.</summary>
    public static int MaxLength(int count) => MaxLength(count, LowBits(count));

    /// <summary>
    /// Writes <paramref name="values"/> (ascending) to <paramref name="destination"/> with <paramref name="lowBits"/> low
    /// bits (-1 for <see cref="LowBits"/>), and returns the bytes written. Re-encoding a subsequence with the low bits of
    /// the whole never takes more bytes than the whole did, so a filtered set is written back where it was.
    /// </summary>
    /// <exception cref="ArgumentException">The values are not ascending, or the destination is too small.</exception>
    public static int Encode(ReadOnlySpan<uint> values, Span<byte> destination, int lowBits = -1)
    {
        int n = values.Length;
        if (n == 0)
        {
            return WriteVarint(destination, 0, 0);
        }

        (int l, int lowStart, int highStart, int end) = WriteHeader(values, destination, lowBits);

        // The low parts gather in a register, written out four bytes at a time; the high part's bits a 64-bit word at a
        // time, each word written once its last bit is in (positions only rise). One value's bits no longer wait for
        // the store of the one before (EncodeReference or'ed each into memory).
        Span<byte> low = destination[lowStart..highStart];
        Span<byte> high = destination[highStart..end];
        high.Clear();
        uint mask = l == 0 ? 0 : (1u << l) - 1;
        uint previous = 0;
        ulong pending = 0;
        int pendingBits = 0;
        int lowAt = 0;
        ulong word = 0;
        int wordIndex = 0;
        for (int i = 0; i < n; i++)
        {
            uint v = values[i];
            if (v < previous)
            {
                throw new ArgumentException($"The values must be ascending; value {i} ({v}) is below the one before ({previous}).", nameof(values));
            }

            previous = v;
            pending |= (ulong)(v & mask) << pendingBits;
            pendingBits += l;
            if (pendingBits >= 32)
            {
                System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(low[lowAt..], (uint)pending);
                lowAt += 4;
                pending >>= 32;
                pendingBits -= 32;
            }

            long p = (long)(v >> l) + i;
            int w = (int)(p >> 6);
            if (w != wordIndex)
            {
                WriteHighWord(high, wordIndex, word);
                word = 0;
                wordIndex = w;
            }

            word |= 1UL << (int)(p & 63);
        }

        for (; pendingBits > 0; pendingBits -= 8, pending >>= 8)
        {
            low[lowAt++] = (byte)pending;
        }

        WriteHighWord(high, wordIndex, word);
        return end;
    }

    /// <summary>
    /// Writes the header of a sequence of at least one value (its count, its low bits, the length of its high part) and
    /// gives where the low parts start, where the high part starts and where the sequence ends.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="lowBits"/> is above 31.</exception>
    /// <exception cref="ArgumentException">The destination is too small.</exception>
    private static (int LowBits, int LowStart, int HighStart, int End) WriteHeader(ReadOnlySpan<uint> values, Span<byte> destination, int lowBits)
    {
        int n = values.Length;
        int at = WriteVarint(destination, 0, (uint)n);
        int l = lowBits < 0 ? LowBits(n) : lowBits;
        if (l > 31)
        {
            throw new ArgumentOutOfRangeException(nameof(lowBits), lowBits, "At most 31 low bits.");
        }

        long highBitCount = (long)(values[^1] >> l) + n;
        int highBytes = checked((int)((highBitCount + 7) >> 3));
        int lowBytes = checked((int)(((long)n * l + 7) >> 3));
        destination[at++] = (byte)l;
        at = WriteVarint(destination, at, (uint)highBytes);
        int lowStart = at;
        int highStart = lowStart + lowBytes;
        int end = highStart + highBytes;
        if (end > destination.Length)
        {
            throw new ArgumentException($"{n} values need {end} bytes; the destination has {destination.Length}.", nameof(destination));
        }

        return (l, lowStart, highStart, end);
    }

    /// <summary>Writes the high part's 64-bit word <paramref name="index"/> (its bytes within the part; the last may be cut short).</summary>
    private static void WriteHighWord(Span<byte> high, int index, ulong word)
    {
        int start = 8 * index;
        if (start + 8 <= high.Length)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(high[start..], word);
            return;
        }

        for (int k = start; k < high.Length; k++, word >>= 8)
        {
            high[k] = (byte)word;
        }
    }

    /// <summary>
    /// The reference for <see cref="Encode"/> (tests): each value's low bits or'ed into the low part through one 8-byte
    /// access, and its high bit set in place, a value at a time.
    /// </summary>
    internal static int EncodeReference(ReadOnlySpan<uint> values, Span<byte> destination, int lowBits = -1)
    {
        int n = values.Length;
        if (n == 0)
        {
            return WriteVarint(destination, 0, 0);
        }

        (int l, int lowStart, int highStart, int end) = WriteHeader(values, destination, lowBits);

        Span<byte> low = destination[lowStart..highStart];
        Span<byte> high = destination[highStart..end];
        low.Clear();
        high.Clear();
        uint mask = l == 0 ? 0 : (1u << l) - 1;
        uint previous = 0;
        for (int i = 0; i < n; i++)
        {
            uint v = values[i];
            if (v < previous)
            {
                throw new ArgumentException($"The values must be ascending; value {i} ({v}) is below the one before ({previous}).", nameof(values));
            }

            previous = v;
            long bit = (long)i * l;
            int b = (int)(bit >> 3);
            ulong part = (ulong)(v & mask) << (int)(bit & 7);
            if (b + 8 <= destination.Length - lowStart)
            {
                // At most l + 7 <= 38 bits, or'ed in through one 8-byte access (the high part, still clear, follows).
                ref byte at8 = ref Unsafe.Add(ref MemoryMarshal.GetReference(low), b);
                ulong word = Unsafe.ReadUnaligned<ulong>(ref at8);
                Unsafe.WriteUnaligned(ref at8, word | (BitConverter.IsLittleEndian ? part : System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(part)));
            }
            else
            {
                for (int k = 0; part != 0; k++, part >>= 8)
                {
                    low[b + k] |= (byte)part;
                }
            }

            long p = (long)(v >> l) + i;
            high[(int)(p >> 3)] |= (byte)(1 << (int)(p & 7));
        }

        return end;
    }

    /// <summary>The number of values of the sequence at the start of <paramref name="encoded"/>.</summary>
    public static int Count(ReadOnlySpan<byte> encoded)
    {
        int at = 0;
        return (int)ReadVarint(encoded, ref at);
    }

    /// <summary>The low bits the sequence at the start of <paramref name="encoded"/> was written with (0 for an empty one).</summary>
    public static int LowBitsOf(ReadOnlySpan<byte> encoded)
    {
        int at = 0;
        return ReadVarint(encoded, ref at) == 0 ? 0 : encoded[at];
    }

    /// <summary>
    /// Decodes the sequence at the start of <paramref name="encoded"/> (which must run on for <see cref="Padding"/>
    /// bytes past it) into <paramref name="destination"/>, and returns its count.
    /// </summary>
    /// <exception cref="ArgumentException">The destination is smaller than the count, or the encoding is cut short.</exception>
    public static int Decode(ReadOnlySpan<byte> encoded, Span<uint> destination)
    {
        Layout layout = Layout.Of(encoded);
        int n = layout.Count;
        if (n > destination.Length)
        {
            throw new ArgumentException($"The sequence holds {n} values; the destination has room for {destination.Length}.", nameof(destination));
        }

        if (n > 0 && layout.LowBits == ByteAlignedLowBits)
        {
            return DecodeByteAligned(encoded, layout, destination);
        }

        int index = 0, bit = 0;
        int count = DecodeRange(encoded, layout, ref index, ref bit, 1UL << 32, destination);
        if (count != n)
        {
            throw new ArgumentException($"The encoded sequence holds {count} of its {n} values.", nameof(encoded));
        }

        return n;
    }

    /// <summary>
    /// <see cref="Decode"/> of a sequence with <see cref="ByteAlignedLowBits"/>: the high parts first, then each value's
    /// three low bytes or'ed in. With room for <see cref="DecodeSlack"/> values past the count, the high part is read a
    /// byte at a time, the values of its bits from a table (<see cref="HighByteTable"/>) a vector step each; the
    /// scalar loop, a bit at a time, is the reference, takes the bytes the destination has no slack for, and is the
    /// fallback without intrinsics.
    /// </summary>
    private static int DecodeByteAligned(ReadOnlySpan<byte> encoded, in Layout layout, Span<uint> destination)
    {
        int n = layout.Count;
        int highBytes = layout.HighBytes;
        int highStart = layout.HighStart;
        ref byte origin = ref MemoryMarshal.GetReference(encoded);
        ref uint output = ref MemoryMarshal.GetReference(destination);

        // The high part must hold exactly one bit a value: then no step below writes past the values and the slack.
        int ones = 0;
        for (int w = 0; w < (highBytes + 7) >> 3; w++)
        {
            ulong bits = ReadWord(ref origin, highStart + (8 * w));
            int valid = (8 * highBytes) - (64 * w);
            ones += BitOperations.PopCount(valid < 64 ? bits & ((1UL << valid) - 1) : bits);
        }

        if (ones != n)
        {
            throw new ArgumentException($"The encoded sequence holds {ones} values in place of its {n}.", nameof(encoded));
        }

        ref byte high = ref Unsafe.Add(ref origin, highStart);
        int i = 0;
        int b = 0;
        if (Vector128.IsHardwareAccelerated && BitConverter.IsLittleEndian)
        {
            // A byte's bits give up to eight values: (the byte's first bit position less the values before it) plus
            // the table's entry for each bit, shifted to the high bits. All eight lanes are written; those past the
            // byte's values are overwritten by the next byte's, or fall in the slack.
            ref ulong table = ref MemoryMarshal.GetArrayDataReference(HighByteTable);
            for (; b < highBytes && i + DecodeSlack <= destination.Length; b++)
            {
                uint v = Unsafe.Add(ref high, b);
                Vector128<ushort> entry = Vector128.WidenLower(Vector128.CreateScalarUnsafe(Unsafe.Add(ref table, v)).AsByte());
                Vector128<uint> start = Vector128.Create((uint)((8 * b) - i));
                ((Vector128.WidenLower(entry) + start) << ByteAlignedLowBits).StoreUnsafe(ref output, (nuint)i);
                ((Vector128.WidenUpper(entry) + start) << ByteAlignedLowBits).StoreUnsafe(ref output, (nuint)(i + 4));
                i += BitOperations.PopCount(v);
            }
        }

        for (; b < highBytes; b++)
        {
            // The value's high part is its bit's position less its index.
            uint v = Unsafe.Add(ref high, b);
            int part = (8 * b) - i;
            while (v != 0)
            {
                Unsafe.Add(ref output, i++) = (uint)(part + BitOperations.TrailingZeroCount(v)) << ByteAlignedLowBits;
                v &= v - 1;
                part--;
            }
        }

        ref byte low = ref Unsafe.Add(ref origin, layout.LowStart);
        int k = 0;
        if (Vector128.IsHardwareAccelerated && BitConverter.IsLittleEndian)
        {
            // Four values a step: their twelve low bytes spread to four 32-bit lanes (a lane's fourth byte from index
            // 0x80: zero). A step reads 16 bytes from the step's first; the high part (one byte or more) and the
            // padding follow the low part, so the last step's read stays in the encoding.
            Vector128<byte> spread = Vector128.Create((byte)0, 1, 2, 0x80, 3, 4, 5, 0x80, 6, 7, 8, 0x80, 9, 10, 11, 0x80);
            for (; k + 4 <= n; k += 4)
            {
                Vector128<uint> lows = Vector128.Shuffle(Vector128.LoadUnsafe(ref low, (nuint)(3 * k)), spread).AsUInt32();
                (Vector128.LoadUnsafe(ref output, (nuint)k) | lows).StoreUnsafe(ref output, (nuint)k);
            }
        }

        for (; k < n; k++)
        {
            uint word = Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref low, 3 * k));
            if (!BitConverter.IsLittleEndian)
            {
                word = System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(word);
            }

            Unsafe.Add(ref output, k) |= word & 0xFF_FFFF;
        }

        return n;
    }

    /// <summary>
    /// Decodes the values from the <paramref name="index"/>th on that are below <paramref name="limit"/> into
    /// <paramref name="destination"/> (which must have room for the rest of the sequence), and returns how many: a
    /// sequence is read a range of values at a time, resuming where the last range stopped. <paramref name="index"/> and
    /// <paramref name="bit"/> (the high part's bit to resume from; 0 with index 0) are moved past the values read.
    /// </summary>
    /// <exception cref="ArgumentException">The encoding is cut short.</exception>
    public static int DecodeBelow(ReadOnlySpan<byte> encoded, ref int index, ref int bit, ulong limit, Span<uint> destination)
        => DecodeRange(encoded, Layout.Of(encoded), ref index, ref bit, limit, destination);

    /// <summary>
    /// Asks the processor to bring in the cache lines a <see cref="DecodeBelow"/> from <paramref name="index"/> and
    /// <paramref name="bit"/> reads first (a hint: nothing is read past the sequence, nothing happens without the
    /// instruction). Reads the sequence's header, which should already be in the cache.
    /// </summary>
    public static unsafe void Prefetch(ReadOnlySpan<byte> encoded, int index, int bit)
    {
        if (!System.Runtime.Intrinsics.X86.Sse.IsSupported || index < 0)
        {
            return;
        }

        Layout layout = Layout.Of(encoded);
        if (index >= layout.Count)
        {
            return;
        }

        ref byte origin = ref MemoryMarshal.GetReference(encoded);
        System.Runtime.Intrinsics.X86.Sse.Prefetch0(Unsafe.AsPointer(ref Unsafe.Add(ref origin, layout.LowStart + (int)(((long)index * layout.LowBits) >> 3))));
        System.Runtime.Intrinsics.X86.Sse.Prefetch0(Unsafe.AsPointer(ref Unsafe.Add(ref origin, layout.HighStart + (bit >> 3))));
    }

    private static int DecodeRange(ReadOnlySpan<byte> encoded, in Layout layout, ref int index, ref int bit, ulong limit, Span<uint> destination)
    {
        int n = layout.Count;
        if (index >= n)
        {
            return 0;
        }

        int l = layout.LowBits;
        int lowStart = layout.LowStart;
        int highStart = layout.HighStart;
        int highWords = (layout.HighBytes + 7) >> 3;
        if (destination.Length < n - index)
        {
            throw new ArgumentException($"{n - index} values are left; the destination has room for {destination.Length}.", nameof(destination));
        }

        ref byte origin = ref MemoryMarshal.GetReference(encoded);
        ref uint output = ref MemoryMarshal.GetReference(destination);
        ulong mask = (1UL << l) - 1;
        int i = index;
        int written = 0;
        long lowBit = (long)i * l;
        for (int w = bit >> 6; w < highWords && i < n; w++)
        {
            ulong bits = ReadWord(ref origin, highStart + (8 * w));
            if (w == bit >> 6)
            {
                bits &= ulong.MaxValue << (bit & 63);
            }

            while (bits != 0)
            {
                int p = (64 * w) + BitOperations.TrailingZeroCount(bits);
                ulong lowPart = (ReadWord(ref origin, lowStart + (int)(lowBit >> 3)) >> (int)(lowBit & 7)) & mask;
                ulong value = ((ulong)(uint)(p - i) << l) | lowPart;
                if (value >= limit)
                {
                    index = i;
                    bit = p;
                    return written;
                }

                Unsafe.Add(ref output, written++) = (uint)value;
                bits &= bits - 1;
                lowBit += l;
                if (++i == n)
                {
                    index = n;
                    bit = p + 1;
                    return written;
                }
            }
        }

        throw new ArgumentException($"The encoded sequence holds {i} of its {n} values.", nameof(encoded));
    }

    /// <summary>
    /// Where the parts of an encoded sequence are: its count, low bits, the high part's length in bytes, and the
    /// offsets of the low and high parts; checked against the buffer, padding included.
    /// </summary>
    private readonly record struct Layout(int Count, int LowBits, int HighBytes, int LowStart, int HighStart)
    {
        public static Layout Of(ReadOnlySpan<byte> encoded)
        {
            int at = 0;
            int n = (int)ReadVarint(encoded, ref at);
            if (n == 0)
            {
                return default;
            }

            int l = encoded[at++];
            int highBytes = (int)ReadVarint(encoded, ref at);
            int highStart = at + (int)(((long)n * l + 7) >> 3);

            // The decoders read whole 8-byte words of the high part, and 8 bytes from each value's low part.
            if (l > 31 || highStart + (8 * ((highBytes + 7) >> 3)) > encoded.Length || at + ((((long)(n - 1) * l) >> 3) + 8) > encoded.Length)
            {
                throw new ArgumentException("The encoded sequence is cut short (or lacks its padding).", nameof(encoded));
            }

            return new Layout(n, l, highBytes, at, highStart);
        }
    }

    private static ulong[] BuildHighByteTable()
    {
        var table = new ulong[256];
        for (int v = 0; v < 256; v++)
        {
            int j = 0;
            for (int bit = 0; bit < 8; bit++)
            {
                if ((v & (1 << bit)) != 0)
                {
                    table[v] |= (ulong)(bit - j) << (8 * j);
                    j++;
                }
            }
        }

        return table;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong ReadWord(ref byte origin, int offset)
    {
        ulong word = Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref origin, offset));
        return BitConverter.IsLittleEndian ? word : System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(word);
    }

    private static int WriteVarint(Span<byte> destination, int at, uint value) => at + ArticleRecord.WriteVarint(destination[at..], value);

    private static uint ReadVarint(ReadOnlySpan<byte> source, ref int at)
    {
        uint value = 0;
        for (int shift = 0; shift < 35; shift += 7)
        {
            byte b = source[at++];
            value |= (uint)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }

        throw new ArgumentException("A count in the encoded sequence is malformed.", nameof(source));
    }
}
