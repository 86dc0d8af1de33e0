using System.Buffers;
using System.Runtime.InteropServices;

namespace Dedup.Detection;

/// <summary>
/// A large scratch buffer outside the managed heap, freed when disposed. A batch scan's steps each need hundreds of
/// megabytes of scratch at a million articles (the corpus model's occurrences, the candidate index's partitions), and
/// a managed array of that size is only given back at a full collection, which a scan that allocates little else
/// does not trigger: the next step's scratch was then allocated beside the last's garbage. Freed here, it is gone.
/// It has no finalizer (a span over it may outlive the object: CA2015): every use disposes it.
/// </summary>
/// <typeparam name="T">An unmanaged element type.</typeparam>
internal sealed unsafe class NativeBuffer<T> : MemoryManager<T>
    where T : unmanaged
{
    private T* _pointer;

    /// <summary>Allocates <paramref name="length"/> elements, zeroed when <paramref name="zeroed"/>.</summary>
    /// <exception cref="OutOfMemoryException">The memory is not there.</exception>
    public NativeBuffer(int length, bool zeroed = false)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        Length = length;
        nuint count = (nuint)Math.Max(1, length);
        _pointer = (T*)(zeroed ? NativeMemory.AllocZeroed(count, (nuint)sizeof(T)) : NativeMemory.Alloc(count, (nuint)sizeof(T)));
    }

    /// <summary>The number of elements.</summary>
    public int Length { get; }

    /// <summary>The elements.</summary>
    /// <exception cref="ObjectDisposedException">The buffer was disposed.</exception>
    public Span<T> Span => GetSpan();

    /// <inheritdoc/>
    public override Span<T> GetSpan()
    {
        ObjectDisposedException.ThrowIf(_pointer is null, this);
        return new Span<T>(_pointer, Length);
    }

    /// <inheritdoc/>
    public override MemoryHandle Pin(int elementIndex = 0)
    {
        ObjectDisposedException.ThrowIf(_pointer is null, this);
        ArgumentOutOfRangeException.ThrowIfGreaterThan((uint)elementIndex, (uint)Length, nameof(elementIndex));
        return new MemoryHandle(_pointer + elementIndex);
    }

    /// <inheritdoc/>
    public override void Unpin()
    {
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (_pointer is not null)
        {
            NativeMemory.Free(_pointer);
            _pointer = null;
        }
    }
}
