using System.Buffers.Binary;
using System.IO.Hashing;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Dedup.Text;

/// <summary>
/// Token hashes: the seeded XxHash3-64 of a token's folded UTF-16 code units (little-endian), equal to
/// <see cref="XxHash3.HashToUInt64(ReadOnlySpan{byte}, long)"/>. Inputs of at most 16 bytes (words of up to eight
/// characters, most of news text) are hashed inline by the XXH3 short-input formulas, and inputs of 17 to 64 bytes
/// (words of 9 to 32 characters) by its medium-input formula, which spares the call and its setup on every token;
/// longer inputs go to System.IO.Hashing. Property tests check every formula against the library.
/// </summary>
internal static class TokenHash
{
    private const ulong Prime64_1 = 0x9E3779B185EBCA87UL;
    private const ulong Prime64_2 = 0xC2B2AE3D27D4EB4FUL;
    private const ulong Prime64_3 = 0x165667B19E3779F9UL;
    private const ulong PrimeMx1 = 0x165667919E3779F9UL;
    private const ulong PrimeMx2 = 0x9FB21C651E98DF25UL;

    // Words of XXH3's default secret (kSecret) that the 0..16-byte formulas read: bytes 0..7 as two uint32 for
    // 1..3 bytes, 8..23 for 4..8 bytes, 24..55 for 9..16 bytes, 56..71 for 0 bytes.
    private const uint Secret0 = 0x396CFEB8U;
    private const uint Secret4 = 0xBE4BA423U;
    private const ulong Secret0Word = ((ulong)Secret4 << 32) | Secret0;
    private const ulong Secret8 = 0x1CAD21F72C81017CUL;
    private const ulong Secret16 = 0xDB979083E96DD4DEUL;
    private const ulong Secret24 = 0x1F67B3B7A4A44072UL;
    private const ulong Secret32 = 0x78E5C0CC4EE679CBUL;
    private const ulong Secret40 = 0x2172FFCC7DD05A82UL;
    private const ulong Secret48 = 0x8E2443F7744608B8UL;
    private const ulong Secret56 = 0x4C263A81E69035E0UL;
    private const ulong Secret64 = 0xCB00C391BB52283CUL;

    /// <summary>The seeded XxHash3-64 of the UTF-16 code units of <paramref name="chars"/>.</summary>
    /// <remarks>The tokenizer's walk hashes with <see cref="Keys"/> computed once per text; this entry point per call.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Hash(ReadOnlySpan<char> chars, ulong seed)
    {
        ReadOnlySpan<byte> bytes = MemoryMarshal.AsBytes(chars);
        return bytes.Length <= 16 ? Short(bytes, seed)
            : bytes.Length <= 64 ? Medium(bytes, seed)
            : XxHash3.HashToUInt64(bytes, unchecked((long)seed));
    }

    /// <summary>XXH3-64 of 17..64 bytes with the default secret and <paramref name="seed"/>.</summary>
    public static ulong Medium(ReadOnlySpan<byte> input, ulong seed)
    {
        int length = input.Length;
        if (length is < 17 or > 64)
        {
            throw new ArgumentOutOfRangeException(nameof(input), length, "The medium formula takes 17 to 64 bytes.");
        }

        ulong first0 = BinaryPrimitives.ReadUInt64LittleEndian(input);
        ulong first1 = BinaryPrimitives.ReadUInt64LittleEndian(input[8..]);
        ulong last0 = BinaryPrimitives.ReadUInt64LittleEndian(input[(length - 16)..]);
        ulong last1 = BinaryPrimitives.ReadUInt64LittleEndian(input[(length - 8)..]);
        if (length <= 32)
        {
            return Of17To32(first0, first1, last0, last1, length, seed);
        }

        return Of33To64(
            first0,
            first1,
            BinaryPrimitives.ReadUInt64LittleEndian(input[16..]),
            BinaryPrimitives.ReadUInt64LittleEndian(input[24..]),
            BinaryPrimitives.ReadUInt64LittleEndian(input[(length - 32)..]),
            BinaryPrimitives.ReadUInt64LittleEndian(input[(length - 24)..]),
            last0,
            last1,
            length,
            seed);
    }

    /// <summary>XXH3-64 of 17..32 bytes from its first and its last sixteen bytes (two little-endian words each).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Of17To32(ulong first0, ulong first1, ulong last0, ulong last1, int length, ulong seed) =>
        Of17To32Keyed(first0, first1, last0, last1, length, Plus(Secret0Word, seed), Minus(Secret8, seed), Plus(Secret16, seed), Minus(Secret24, seed));

    /// <summary>XXH3-64 of 17..32 bytes, with the seed's keys computed beforehand.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Of17To32(ulong first0, ulong first1, ulong last0, ulong last1, int length, in Keys keys) =>
        Of17To32Keyed(first0, first1, last0, last1, length, keys.Medium0, keys.Medium1, keys.Medium2, keys.Medium3);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Of17To32Keyed(ulong first0, ulong first1, ulong last0, ulong last1, int length, ulong key0, ulong key1, ulong key2, ulong key3)
    {
        unchecked
        {
            ulong acc = (ulong)length * Prime64_1;
            acc += Mix16(first0, first1, key0, key1);
            acc += Mix16(last0, last1, key2, key3);
            return Avalanche(acc);
        }
    }

    /// <summary>XXH3-64 of 33..64 bytes from its first and its last 32 bytes (four little-endian words each).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Of33To64(ulong first0, ulong first1, ulong first2, ulong first3, ulong last0, ulong last1, ulong last2, ulong last3, int length, ulong seed) =>
        Of33To64(first0, first1, first2, first3, last0, last1, last2, last3, length, new Keys(seed)); // all eight keys are used

    /// <summary>XXH3-64 of 33..64 bytes, with the seed's keys computed beforehand.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Of33To64(ulong first0, ulong first1, ulong first2, ulong first3, ulong last0, ulong last1, ulong last2, ulong last3, int length, in Keys keys)
    {
        unchecked
        {
            ulong acc = (ulong)length * Prime64_1;
            acc += Mix16(first2, first3, keys.Medium4, keys.Medium5);
            acc += Mix16(last0, last1, keys.Medium6, keys.Medium7);
            acc += Mix16(first0, first1, keys.Medium0, keys.Medium1);
            acc += Mix16(last2, last3, keys.Medium2, keys.Medium3);
            return Avalanche(acc);
        }
    }

    /// <summary>XXH3's mix16B: the folded 128-bit product of sixteen input bytes keyed by sixteen secret bytes and the seed (the keys).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Mix16(ulong input0, ulong input1, ulong key0, ulong key1)
    {
        unchecked
        {
            ulong high = Math.BigMul(input0 ^ key0, input1 ^ key1, out ulong low);
            return low ^ high;
        }
    }

    /// <summary>
    /// The seed's share of every formula up to 64 bytes (secret words plus or minus the seed), computed once per seed:
    /// the tokenizer computes them once per text instead of once per token.
    /// </summary>
    internal readonly struct Keys
    {
        public Keys(ulong seed)
        {
            OneToThree = OneToThreeOf(seed);
            FourToEight = FourToEightOf(seed);
            NineToSixteenLow = NineToSixteenLowOf(seed);
            NineToSixteenHigh = NineToSixteenHighOf(seed);
            Medium0 = Plus(Secret0Word, seed);
            Medium1 = Minus(Secret8, seed);
            Medium2 = Plus(Secret16, seed);
            Medium3 = Minus(Secret24, seed);
            Medium4 = Plus(Secret32, seed);
            Medium5 = Minus(Secret40, seed);
            Medium6 = Plus(Secret48, seed);
            Medium7 = Minus(Secret56, seed);
        }

        /// <summary>The 1..3-byte formula's bitflip.</summary>
        public ulong OneToThree { get; }

        // Each formula's keys alone, for a hash computed once with a seed (the seed overloads compute only their own).
        internal static ulong OneToThreeOf(ulong seed) => Plus(Secret0 ^ Secret4, seed);

        internal static ulong FourToEightOf(ulong seed) => Minus(Secret8 ^ Secret16, seed ^ ((ulong)BinaryPrimitives.ReverseEndianness((uint)seed) << 32));

        internal static ulong NineToSixteenLowOf(ulong seed) => Plus(Secret24 ^ Secret32, seed);

        internal static ulong NineToSixteenHighOf(ulong seed) => Minus(Secret40 ^ Secret48, seed);

        /// <summary>The 4..8-byte formula's bitflip.</summary>
        public ulong FourToEight { get; }

        /// <summary>The 9..16-byte formula's bitflip of the first eight bytes.</summary>
        public ulong NineToSixteenLow { get; }

        /// <summary>The 9..16-byte formula's bitflip of the last eight bytes.</summary>
        public ulong NineToSixteenHigh { get; }

        /// <summary>Keys of mix16B: secret words 0..7 (bytes 0..63) plus the seed (even words) or minus it (odd words).</summary>
        public ulong Medium0 { get; }

        /// <inheritdoc cref="Medium0"/>
        public ulong Medium1 { get; }

        /// <inheritdoc cref="Medium0"/>
        public ulong Medium2 { get; }

        /// <inheritdoc cref="Medium0"/>
        public ulong Medium3 { get; }

        /// <inheritdoc cref="Medium0"/>
        public ulong Medium4 { get; }

        /// <inheritdoc cref="Medium0"/>
        public ulong Medium5 { get; }

        /// <inheritdoc cref="Medium0"/>
        public ulong Medium6 { get; }

        /// <inheritdoc cref="Medium0"/>
        public ulong Medium7 { get; }
    }

    /// <summary>XXH3-64 of 0..16 bytes with the default secret and <paramref name="seed"/>.</summary>
    public static ulong Short(ReadOnlySpan<byte> input, ulong seed)
    {
        int length = input.Length;
        if (length > 8)
        {
            return Of9To16(BinaryPrimitives.ReadUInt64LittleEndian(input), BinaryPrimitives.ReadUInt64LittleEndian(input[(length - 8)..]), length, seed);
        }

        if (length >= 4)
        {
            return Of4To8(BinaryPrimitives.ReadUInt32LittleEndian(input), BinaryPrimitives.ReadUInt32LittleEndian(input[(length - 4)..]), length, seed);
        }

        if (length > 0)
        {
            return Of1To3(input[0], input[length >> 1], input[length - 1], length, seed);
        }

        return Xxh64Avalanche(seed ^ Secret56 ^ Secret64);
    }

    /// <summary>XXH3-64 of 9..16 bytes from its first and its last eight bytes (little-endian).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Of9To16(ulong first, ulong last, int length, ulong seed) =>
        Of9To16Keyed(first, last, length, Keys.NineToSixteenLowOf(seed), Keys.NineToSixteenHighOf(seed));

    /// <summary>XXH3-64 of 9..16 bytes, with the seed's keys computed beforehand.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Of9To16(ulong first, ulong last, int length, in Keys keys) =>
        Of9To16Keyed(first, last, length, keys.NineToSixteenLow, keys.NineToSixteenHigh);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Of9To16Keyed(ulong first, ulong last, int length, ulong lowKey, ulong highKey)
    {
        unchecked
        {
            ulong low = first ^ lowKey;
            ulong high = last ^ highKey;
            ulong product = Math.BigMul(low, high, out ulong productLow);
            ulong acc = (ulong)length + BinaryPrimitives.ReverseEndianness(low) + high + (productLow ^ product);
            return Avalanche(acc);
        }
    }

    /// <summary>XXH3-64 of 4..8 bytes from its first and its last four bytes (little-endian).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Of4To8(uint first, uint last, int length, ulong seed) => Of4To8Keyed(first, last, length, Keys.FourToEightOf(seed));

    /// <summary>XXH3-64 of 4..8 bytes, with the seed's keys computed beforehand.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Of4To8(uint first, uint last, int length, in Keys keys) => Of4To8Keyed(first, last, length, keys.FourToEight);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Of4To8Keyed(uint first, uint last, int length, ulong key)
    {
        unchecked
        {
            ulong keyed = (last + ((ulong)first << 32)) ^ key;
            return RrmxMx(keyed, (ulong)length);
        }
    }

    /// <summary>XXH3-64 of 1..3 bytes from its first, middle and last byte.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Of1To3(uint c1, uint c2, uint c3, int length, ulong seed) => Of1To3Keyed(c1, c2, c3, length, Keys.OneToThreeOf(seed));

    /// <summary>XXH3-64 of 1..3 bytes, with the seed's keys computed beforehand.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Of1To3(uint c1, uint c2, uint c3, int length, in Keys keys) => Of1To3Keyed(c1, c2, c3, length, keys.OneToThree);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Of1To3Keyed(uint c1, uint c2, uint c3, int length, ulong key)
    {
        unchecked
        {
            uint combined = (c1 << 16) | (c2 << 24) | c3 | ((uint)length << 8);
            return Xxh64Avalanche(combined ^ key);
        }
    }

    private static ulong Plus(ulong secret, ulong seed) => unchecked(secret + seed);

    private static ulong Minus(ulong secret, ulong seed) => unchecked(secret - seed);

    [MethodImpl(MethodImplOptions.AggressiveInlining)] // Native AOT left these calls in the tokenizer (a sixth of its time)
    private static ulong Xxh64Avalanche(ulong h)
    {
        unchecked
        {
            h ^= h >> 33;
            h *= Prime64_2;
            h ^= h >> 29;
            h *= Prime64_3;
            return h ^ (h >> 32);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)] // Native AOT left these calls in the tokenizer (a sixth of its time)
    private static ulong Avalanche(ulong h)
    {
        unchecked
        {
            h ^= h >> 37;
            h *= PrimeMx1;
            return h ^ (h >> 32);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)] // Native AOT left these calls in the tokenizer (a sixth of its time)
    private static ulong RrmxMx(ulong h, ulong length)
    {
        unchecked
        {
            h ^= BitOperations.RotateLeft(h, 49) ^ BitOperations.RotateLeft(h, 24);
            h *= PrimeMx2;
            h ^= (h >> 35) + length;
            h *= PrimeMx2;
            return h ^ (h >> 28);
        }
    }
}
