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

    private static int Count256(ReadOnlySpan<uint> a, ReadOnlySpan<uint> b) =>
        Vector256.IsHardwareAccelerated ? CountBlocks<Blocks256>(a, b) : Count128(a, b);

    private static int Count128(ReadOnlySpan<uint> a, ReadOnlySpan<uint> b) =>
        Vector128.IsHardwareAccelerated ? CountBlocks<Blocks128>(a, b) : CountSharedScalar(a, b);

    /// <summary>
    /// The block walk: the values two blocks of <typeparamref name="TBlocks"/>'s width share, then the block (or both)
    /// whose last value is the smaller advanced; what is left after the last whole blocks goes to the next narrower path.
    /// </summary>
    private static int CountBlocks<TBlocks>(ReadOnlySpan<uint> a, ReadOnlySpan<uint> b)
        where TBlocks : struct, IBlocks
    {
        ref uint ra = ref MemoryMarshal.GetReference(a);
        ref uint rb = ref MemoryMarshal.GetReference(b);
        int width = TBlocks.Width;
        int i = 0, j = 0, shared = 0;
        int endA = a.Length - width, endB = b.Length - width;
        while (i <= endA && j <= endB)
        {
            ref uint blockA = ref Unsafe.Add(ref ra, i);
            ref uint blockB = ref Unsafe.Add(ref rb, j);
            shared += TBlocks.Shared(ref blockA, ref blockB);
            uint lastA = Unsafe.Add(ref blockA, width - 1);
            uint lastB = Unsafe.Add(ref blockB, width - 1);
            i += lastA <= lastB ? width : 0;
            j += lastB <= lastA ? width : 0;
        }

        return shared + TBlocks.Rest(a[i..], b[j..]);
    }

    /// <summary>A width of blocks: how many values two blocks share, and the path for what is left.</summary>
    private interface IBlocks
    {
        static abstract int Width { get; }

        static abstract int Shared(ref uint a, ref uint b);

        static abstract int Rest(ReadOnlySpan<uint> a, ReadOnlySpan<uint> b);
    }

    /// <summary>Blocks of eight: each of a's values, broadcast, against b's block (a lane of b equals at most one of them: the values are distinct).</summary>
    private readonly struct Blocks256 : IBlocks
    {
        public static int Width => 8;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static int Shared(ref uint a, ref uint b)
        {
            Vector256<uint> vb = Vector256.LoadUnsafe(ref b);
            Vector256<uint> hits = (Vector256.Equals(vb, Vector256.Create(a)) | Vector256.Equals(vb, Vector256.Create(Unsafe.Add(ref a, 1))))
                | (Vector256.Equals(vb, Vector256.Create(Unsafe.Add(ref a, 2))) | Vector256.Equals(vb, Vector256.Create(Unsafe.Add(ref a, 3))))
                | (Vector256.Equals(vb, Vector256.Create(Unsafe.Add(ref a, 4))) | Vector256.Equals(vb, Vector256.Create(Unsafe.Add(ref a, 5))))
                | (Vector256.Equals(vb, Vector256.Create(Unsafe.Add(ref a, 6))) | Vector256.Equals(vb, Vector256.Create(Unsafe.Add(ref a, 7))));
            return BitOperations.PopCount(hits.ExtractMostSignificantBits());
        }

        public static int Rest(ReadOnlySpan<uint> a, ReadOnlySpan<uint> b) => Count128(a, b);
    }

    /// <summary>Blocks of four: a's block against b's and its three rotations, so every one of the 16 pairs.</summary>
    private readonly struct Blocks128 : IBlocks
    {
        public static int Width => 4;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static int Shared(ref uint a, ref uint b)
        {
            Vector128<uint> va = Vector128.LoadUnsafe(ref a);
            Vector128<uint> vb = Vector128.LoadUnsafe(ref b);
            Vector128<uint> hits = Vector128.Equals(va, vb)
                | Vector128.Equals(va, Vector128.Shuffle(vb, Vector128.Create(1u, 2, 3, 0)))
                | Vector128.Equals(va, Vector128.Shuffle(vb, Vector128.Create(2u, 3, 0, 1)))
                | Vector128.Equals(va, Vector128.Shuffle(vb, Vector128.Create(3u, 0, 1, 2)));
            return BitOperations.PopCount(hits.ExtractMostSignificantBits());
        }

        public static int Rest(ReadOnlySpan<uint> a, ReadOnlySpan<uint> b) => CountSharedScalar(a, b);
    }
}
