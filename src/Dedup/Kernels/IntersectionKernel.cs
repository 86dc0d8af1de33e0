using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Dedup.Kernels;

/// <summary>The number of values two sorted arrays of distinct values share: the core of exact set verification.</summary>
/// <remarks>
/// <para>
/// A small array against one at least <see cref="GallopRatio"/> times its size (an article's lead against its words)
/// is searched value by value (binary search over what is left of the larger), not merged through the whole larger one.
/// </para>
/// <para>
/// Otherwise the vector path compares a block of four values of each side at once: one side against the other and its
/// three rotations, so every one of the 16 pairs, and then advances the block (or both) whose last value is the smaller.
/// A shared value is in the two current blocks exactly once, since neither block moves past it while the other is
/// before it. What is left after the last whole blocks is merged by the scalar reference. With 256-bit vectors the
/// blocks are of eight: each of one side's eight values, broadcast, is compared with the other's block (no
/// rotations), and half as many steps each wait on the comparison of two blocks' last values. There is no 512-bit
/// path: blocks of sixteen measured slower than blocks of eight on the AMD EPYC (Zen 4) the benchmarks run on, whose
/// 512-bit operations take two 256-bit halves (benchmarks/README.md, "Thirty-sixth stop"); 512-bit width takes the
/// 256-bit path.
/// </para>
/// </remarks>
internal static class IntersectionKernel
{
    /// <summary>From this ratio of sizes the smaller array is searched in the larger instead of merged with it.</summary>
    public const int GallopRatio = 8;

    /// <summary>How many values <paramref name="a"/> and <paramref name="b"/> (each sorted ascending, without repeats) share.</summary>
    public static int CountShared(ReadOnlySpan<uint> a, ReadOnlySpan<uint> b, KernelWidth width = KernelWidth.Auto)
    {
        if (a.Length > b.Length)
        {
            ReadOnlySpan<uint> t = a;
            a = b;
            b = t;
        }

        if (a.Length == 0)
        {
            return 0;
        }

        if ((long)a.Length * GallopRatio <= b.Length)
        {
            return CountBySearch(a, b);
        }

        return KernelDriver.Resolve(width) switch
        {
            KernelWidth.Scalar => CountSharedScalar(a, b),
            KernelWidth.Vector128 => Count128(a, b),
            _ => Count256(a, b),
        };
    }

    /// <summary>The scalar reference: a branch-free merge.</summary>
    public static int CountSharedScalar(ReadOnlySpan<uint> a, ReadOnlySpan<uint> b)
    {
        int i = 0, j = 0, shared = 0;
        while (i < a.Length && j < b.Length)
        {
            uint x = a[i];
            uint y = b[j];
            shared += x == y ? 1 : 0;
            i += x <= y ? 1 : 0;
            j += y <= x ? 1 : 0;
        }

        return shared;
    }

    /// <summary>Each value of the small side looked up in what is left of the large side.</summary>
    private static int CountBySearch(ReadOnlySpan<uint> small, ReadOnlySpan<uint> large)
    {
        int shared = 0;
        foreach (uint v in small)
        {
            int at = large.BinarySearch(v);
            if (at >= 0)
            {
                shared++;
                large = large[(at + 1)..];
            }
            else
            {
                large = large[~at..];
            }

            if (large.IsEmpty)
            {
                break;
            }
        }

        return shared;
    }

    private static int Count256(ReadOnlySpan<uint> a, ReadOnlySpan<uint> b)
    {
        if (!Vector256.IsHardwareAccelerated)
        {
            return Count128(a, b);
        }

        ref uint ra = ref MemoryMarshal.GetReference(a);
        ref uint rb = ref MemoryMarshal.GetReference(b);
        int i = 0, j = 0, shared = 0;
        int endA = a.Length - 8, endB = b.Length - 8;
        while (i <= endA && j <= endB)
        {
            ref uint block = ref Unsafe.Add(ref ra, i);
            Vector256<uint> vb = Vector256.LoadUnsafe(ref rb, (nuint)j);
            Vector256<uint> hits = (Vector256.Equals(vb, Vector256.Create(block)) | Vector256.Equals(vb, Vector256.Create(Unsafe.Add(ref block, 1))))
                | (Vector256.Equals(vb, Vector256.Create(Unsafe.Add(ref block, 2))) | Vector256.Equals(vb, Vector256.Create(Unsafe.Add(ref block, 3))))
                | (Vector256.Equals(vb, Vector256.Create(Unsafe.Add(ref block, 4))) | Vector256.Equals(vb, Vector256.Create(Unsafe.Add(ref block, 5))))
                | (Vector256.Equals(vb, Vector256.Create(Unsafe.Add(ref block, 6))) | Vector256.Equals(vb, Vector256.Create(Unsafe.Add(ref block, 7))));
            shared += BitOperations.PopCount(hits.ExtractMostSignificantBits());
            uint lastA = Unsafe.Add(ref block, 7);
            uint lastB = Unsafe.Add(ref rb, j + 7);
            i += lastA <= lastB ? 8 : 0;
            j += lastB <= lastA ? 8 : 0;
        }

        return shared + Count128(a[i..], b[j..]);
    }

    private static int Count128(ReadOnlySpan<uint> a, ReadOnlySpan<uint> b)
    {
        if (!Vector128.IsHardwareAccelerated)
        {
            return CountSharedScalar(a, b);
        }

        ref uint ra = ref MemoryMarshal.GetReference(a);
        ref uint rb = ref MemoryMarshal.GetReference(b);
        int i = 0, j = 0, shared = 0;
        int endA = a.Length - 4, endB = b.Length - 4;
        while (i <= endA && j <= endB)
        {
            Vector128<uint> va = Vector128.LoadUnsafe(ref ra, (nuint)i);
            Vector128<uint> vb = Vector128.LoadUnsafe(ref rb, (nuint)j);
            Vector128<uint> hits = Vector128.Equals(va, vb)
                | Vector128.Equals(va, Vector128.Shuffle(vb, Vector128.Create(1u, 2, 3, 0)))
                | Vector128.Equals(va, Vector128.Shuffle(vb, Vector128.Create(2u, 3, 0, 1)))
                | Vector128.Equals(va, Vector128.Shuffle(vb, Vector128.Create(3u, 0, 1, 2)));
            shared += BitOperations.PopCount(hits.ExtractMostSignificantBits());
            uint lastA = Unsafe.Add(ref ra, i + 3);
            uint lastB = Unsafe.Add(ref rb, j + 3);
            i += lastA <= lastB ? 4 : 0;
            j += lastB <= lastA ? 4 : 0;
        }

        return shared + CountSharedScalar(a[i..], b[j..]);
    }
}
