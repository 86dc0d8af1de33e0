using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace Dedup.Detection;

/// <summary>
/// Asks the memory for what a loop will read soon, so that reads far apart in a large array are under way together
/// instead of each waited for in turn. A hint only: nothing where the processor has no prefetch instruction, and
/// nothing for an index outside the array. The collector may move the array just after its address is taken; a hint to
/// where it was reads nothing and faults on nothing.
/// </summary>
internal static class MemoryHint
{
    /// <summary>Hints that <c>array[index]</c> will be read soon.</summary>
    public static unsafe void Prefetch<T>(T[] array, int index)
        where T : unmanaged
    {
        if ((uint)index < (uint)array.Length)
        {
            Prefetch(Unsafe.AsPointer(ref array[index]));
        }
    }

    /// <summary>Hints that the line at <paramref name="address"/> will be read soon.</summary>
    public static unsafe void Prefetch(void* address)
    {
        if (Sse.IsSupported)
        {
            Sse.Prefetch0(address);
        }
    }
}
