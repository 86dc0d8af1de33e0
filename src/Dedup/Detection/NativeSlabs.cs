using System.Runtime.InteropServices;

namespace Dedup.Detection;

/// <summary>
/// An append-only store outside the managed heap: runs of elements reserved one after another in large slabs, each
/// its own mapping (given back to the system when freed, where a small native block is kept by the allocator for
/// reuse), all freed at once when disposed. A batch scan keeps its packed sets (<see cref="PackedSets"/>) and the
/// candidate index's samples (<see cref="SampledKeys"/>) here: a million small arrays on the managed heap were copied by
/// the collector on their way to the oldest generation, fragmented it, and were only given back at a full collection.
/// Reserving is thread-safe; a run may be read from any thread once its place is published.
/// </summary>
/// <typeparam name="T">An unmanaged element type.</typeparam>
internal sealed unsafe class NativeSlabs<T> : IDisposable
    where T : unmanaged
{
    private readonly int _slabLength;
    private readonly int _firstSlabLength;
    private readonly Lock _gate = new();

    /// <summary>The slabs, replaced by a larger array as slabs are added (a reader may hold the last one: its entries stay valid).</summary>
    private nint[] _slabs = new nint[16];
    private int _count;
    private int _length;
    private int _used;
    private bool _disposed;

    /// <param name="slabLength">Elements a slab holds (more for a run larger than that).</param>
    /// <param name="firstSlabLength">Elements the first slab holds: less for a store that may stay small.</param>
    public NativeSlabs(int slabLength, int firstSlabLength)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(slabLength, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(firstSlabLength, 1);
        _slabLength = slabLength;
        _firstSlabLength = firstSlabLength;
    }

    /// <summary>Whether the slabs were freed.</summary>
    public bool IsDisposed => _disposed;

    /// <summary>Room for <paramref name="count"/> elements after the last run, or at the start of a new slab.</summary>
    /// <exception cref="ObjectDisposedException">The slabs were freed.</exception>
    public (int Slab, int Offset) Reserve(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_count == 0 || _used + count > _length)
            {
                if (_count == _slabs.Length)
                {
                    nint[] larger = new nint[2 * _slabs.Length];
                    _slabs.CopyTo(larger, 0);
                    Volatile.Write(ref _slabs, larger);
                }

                _length = Math.Max(count, _count == 0 ? _firstSlabLength : _slabLength);
                _slabs[_count++] = (nint)NativeMemory.Alloc((nuint)_length, (nuint)sizeof(T));
                _used = 0;
            }

            (int Slab, int Offset) place = (_count - 1, _used);
            _used += count;
            return place;
        }
    }

    /// <summary>The first element of a run.</summary>
    /// <exception cref="ObjectDisposedException">The slabs were freed.</exception>
    public T* Pointer(int slab, int offset)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return (T*)Volatile.Read(ref _slabs)[slab] + offset;
    }

    /// <summary>A run of <paramref name="length"/> elements.</summary>
    /// <exception cref="ObjectDisposedException">The slabs were freed.</exception>
    public Span<T> Span(int slab, int offset, int length) => new(Pointer(slab, offset), length);

    /// <summary>Frees every slab; nothing may be read after.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            for (int s = 0; s < _count; s++)
            {
                NativeMemory.Free((void*)_slabs[s]);
                _slabs[s] = 0;
            }

            _count = 0;
        }
    }
}
