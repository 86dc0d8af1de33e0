using System.Buffers.Binary;
using System.IO.Hashing;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Dedup.Indexing;

/// <summary>Band keys and signature agreement, shared by the MinHash index and its snapshots.</summary>
internal static class SignatureMath
{
    /// <summary>
    /// Writes band <c>b</c>'s key, <c>XxHash3(little-endian bytes of rows [b·r, (b+1)·r), seed: b)</c>,
    /// to <c>destination[b]</c> for every band.
    /// </summary>
    public static void ComputeBandKeys(ReadOnlySpan<uint> signature, int bands, int rows, Span<ulong> destination)
    {
        if (BitConverter.IsLittleEndian)
        {
            for (int b = 0; b < bands; b++)
            {
                destination[b] = XxHash3.HashToUInt64(MemoryMarshal.AsBytes(signature.Slice(b * rows, rows)), b);
            }

            return;
        }

        byte[] buffer = new byte[rows * sizeof(uint)];
        for (int b = 0; b < bands; b++)
        {
            for (int i = 0; i < rows; i++)
            {
                BinaryPrimitives.WriteUInt32LittleEndian(buffer.AsSpan(i * sizeof(uint)), signature[(b * rows) + i]);
            }

            destination[b] = XxHash3.HashToUInt64(buffer, b);
        }
    }

    /// <summary>The number of positions at which <paramref name="a"/> and <paramref name="b"/> hold equal values.</summary>
    public static int CountEqual(ReadOnlySpan<uint> a, ReadOnlySpan<uint> b)
    {
        int n = Math.Min(a.Length, b.Length);
        int count = 0;
        int i = 0;
        ref uint ra = ref MemoryMarshal.GetReference(a);
        ref uint rb = ref MemoryMarshal.GetReference(b);
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= n - Vector256<uint>.Count; i += Vector256<uint>.Count)
            {
                Vector256<uint> eq = Vector256.Equals(Vector256.LoadUnsafe(ref ra, (nuint)i), Vector256.LoadUnsafe(ref rb, (nuint)i));
                count += BitOperations.PopCount(eq.ExtractMostSignificantBits());
            }
        }

        if (Vector128.IsHardwareAccelerated)
        {
            for (; i <= n - Vector128<uint>.Count; i += Vector128<uint>.Count)
            {
                Vector128<uint> eq = Vector128.Equals(Vector128.LoadUnsafe(ref ra, (nuint)i), Vector128.LoadUnsafe(ref rb, (nuint)i));
                count += BitOperations.PopCount(eq.ExtractMostSignificantBits());
            }
        }

        for (; i < n; i++)
        {
            if (a[i] == b[i])
            {
                count++;
            }
        }

        return count;
    }
}
