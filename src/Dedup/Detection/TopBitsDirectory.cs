using System.Numerics;
using System.Runtime.CompilerServices;

namespace Dedup.Detection;

/// <summary>
/// Where the keys of each value of their top bits start in an array of well-mixed keys sorted ascending: a key is
/// found by reading its bucket's two starts and the one or two keys between them, where a binary search over millions
/// of keys misses the cache a dozen times (<see cref="PostingIndex"/>, <see cref="BoilerplateModel.SortedLookup"/>).
/// </summary>
internal static class TopBitsDirectory
{
    /// <summary>The bits of the directory of <paramref name="count"/> keys: one or two buckets a key (1 to 30 bits).</summary>
    public static int BitsFor(int count) => Math.Clamp(64 - BitOperations.LeadingZeroCount((ulong)Math.Max(1, count)), 1, 30);

    /// <summary>
    /// Entry b is the index of the first key whose top <paramref name="bits"/> bits (below the first
    /// <paramref name="skip"/>, which all the keys share) are b or more; entry 2^bits is the number of keys. The keys of
    /// bucket b are at [entry b, entry b + 1).
    /// </summary>
    public static int[] Build<T>(ReadOnlySpan<T> sortedKeys, int bits, int skip = 0)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        int shift = (Unsafe.SizeOf<T>() * 8) - bits;
        var directory = new int[(1 << bits) + 1];
        foreach (T key in sortedKeys)
        {
            directory[int.CreateTruncating((key << skip) >>> shift) + 1]++;
        }

        for (int b = 1; b < directory.Length; b++)
        {
            directory[b] += directory[b - 1];
        }

        return directory;
    }
}
