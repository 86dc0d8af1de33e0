namespace Dedup.Kernels;

/// <summary>
/// Which vector width a kernel uses. <see cref="Auto"/> picks the widest accelerated width;
/// the others force a path, so tests can exercise every one on any machine that runs it.
/// </summary>
internal enum KernelWidth
{
    /// <summary>The widest width for which <c>VectorN.IsHardwareAccelerated</c> is true.</summary>
    Auto = 0,

    /// <summary>The scalar reference.</summary>
    Scalar = 1,

    /// <summary><see cref="System.Runtime.Intrinsics.Vector128{T}"/>.</summary>
    Vector128 = 2,

    /// <summary><see cref="System.Runtime.Intrinsics.Vector256{T}"/>.</summary>
    Vector256 = 3,

    /// <summary><see cref="System.Runtime.Intrinsics.Vector512{T}"/>.</summary>
    Vector512 = 4,
}
