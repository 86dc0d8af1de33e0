using System.Runtime.Intrinsics;

namespace Dedup.Kernels;

/// <summary>
/// The loop drivers shared by all kernels: one per loop shape, each in its own file beside the operator interface
/// it drives (<c>KernelDriver.SpanScalarIntoSpan.cs</c>, <c>KernelDriver.WindowIntoSpan.cs</c>,
/// <c>KernelDriver.FoldIntoLanes.cs</c>, <c>KernelDriver.FoldBitsIntoLanes.cs</c>). Each owns width selection,
/// tails and the blocking of accumulators; the operators only say what happens to one element or vector.
/// </summary>
/// <remarks>
/// Tails: an element-wise shape finishes with an overlapping last vector, computed before the first store so
/// that identical input and output spans stay correct; a lane shape hands its leftover lanes to the next
/// narrower width, down to scalar. A forced width runs even where it is not accelerated (.NET emulates it).
/// Callers validate arguments and handle partially overlapping spans themselves.
/// </remarks>
internal static partial class KernelDriver
{
    /// <summary>The number of vectors of accumulators a lane shape keeps in registers at once.</summary>
    private const int Block = 4;

    /// <summary>Maps <see cref="KernelWidth.Auto"/> to the widest accelerated width; other widths map to themselves.</summary>
    public static KernelWidth Resolve(KernelWidth width) => width switch
    {
        KernelWidth.Auto when Vector512.IsHardwareAccelerated => KernelWidth.Vector512,
        KernelWidth.Auto when Vector256.IsHardwareAccelerated => KernelWidth.Vector256,
        KernelWidth.Auto when Vector128.IsHardwareAccelerated => KernelWidth.Vector128,
        KernelWidth.Auto => KernelWidth.Scalar,
        KernelWidth.Scalar or KernelWidth.Vector128 or KernelWidth.Vector256 or KernelWidth.Vector512 => width,
        _ => throw new ArgumentOutOfRangeException(nameof(width), width, "Unknown kernel width."),
    };
}
