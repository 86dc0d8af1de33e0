using System.Buffers.Binary;

namespace Dedup.Detection;

/// <summary>Which of an article's sets (see <see cref="PackedSets"/>).</summary>
internal enum SetKind
{
    /// <summary>The word shingles.</summary>
    Words = 0,

    /// <summary>The skeleton shingles.</summary>
    Skeleton = 1,

    /// <summary>The lead shingles.</summary>
    Lead = 2,

    /// <summary>The paraphrase terms.</summary>
    Terms = 3,
}

/// <summary>
/// A batch scan's shingle sets and paraphrase terms, each article's four one after another, <see cref="EliasFano"/>-coded:
/// about a fifth smaller than the sets as arrays of 32-bit values, with no array header at all.
/// The scan holds every article's sets from its first step to its last (any article may be a candidate of any
/// other), so they are most of its memory: they are kept outside the managed heap, one article after another in slabs
/// of 64 MB, freed when this is disposed. As a million small arrays they were copied twice by the collector on their
/// way to the oldest generation, left it fragmented, and took a header each.
/// </summary>
/// <remarks>
/// An article's bytes: the offsets of its skeleton, lead and terms (32-bit, little-endian; the words start after
/// them), the four encoded sets, and <see cref="EliasFano.Padding"/> bytes. Filtering the boilerplate out of a set
/// writes it back in its own place, with the low bits it had (it then takes no more room). Reading is thread-safe;
/// <see cref="Add"/> and <see cref="RemoveBoilerplate"/> may run on several threads for different articles.
/// </remarks>
internal sealed unsafe class PackedSets : IDisposable
{
    private const int Header = 12;

    /// <summary>Bytes a slab holds (more for an article larger than that).</summary>
    private const int SlabSize = 1 << 26;

    /// <summary>Where each article's bytes are (length 0: none added).</summary>
    private Location[] _articles;

    private readonly NativeSlabs<byte> _slabs;

    /// <summary>Room for <paramref name="count"/> articles, none added yet; slabs of <paramref name="slabSize"/> bytes (tests make them small).</summary>
    public PackedSets(int count, int slabSize = SlabSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(slabSize, 1);
        _articles = new Location[count];
        Count = count;

        // The first slab is no larger than the articles could need at a few kilobytes each (a small scan).
        _slabs = new NativeSlabs<byte>(slabSize, (int)Math.Min(slabSize, 4096L * Math.Max(1, count)));
    }

    /// <summary>The number of articles there is room for (fewer after <see cref="Shrink"/>).</summary>
    public int Count { get; private set; }

    /// <summary>
    /// Makes room for <paramref name="count"/> articles, those added kept (a scan of a stream learns its number of articles
    /// as it reads them). Not thread-safe: nothing may add or read meanwhile.
    /// </summary>
    public void EnsureCapacity(int count)
    {
        if (count > _articles.Length)
        {
            Array.Resize(ref _articles, (int)Math.Min(Array.MaxLength, Math.Max(count, 2L * _articles.Length)));
        }

        Count = Math.Max(Count, count);
    }

    /// <summary>Makes the first <paramref name="count"/> articles all there are (the room for more is left unused).</summary>
    public void Shrink(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, Count);
        Count = count;
    }

    /// <summary>Encodes an article's sets (each ascending) as article <paramref name="index"/>.</summary>
    public void Add(int index, ReadOnlySpan<uint> words, ReadOnlySpan<uint> skeleton, ReadOnlySpan<uint> lead, ReadOnlySpan<uint> terms)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)_articles.Length, nameof(index));
        int length = Header + EliasFano.MaxLength(words.Length) + EliasFano.MaxLength(skeleton.Length) + EliasFano.MaxLength(lead.Length) + EliasFano.MaxLength(terms.Length) + EliasFano.Padding;
        byte[] rented = System.Buffers.ArrayPool<byte>.Shared.Rent(length);
        try
        {
            Span<byte> buffer = rented.AsSpan(0, length);
            int at = Header;
            at += EliasFano.Encode(words, buffer[at..]);
            BinaryPrimitives.WriteInt32LittleEndian(buffer, at);
            at += EliasFano.Encode(skeleton, buffer[at..]);
            BinaryPrimitives.WriteInt32LittleEndian(buffer[4..], at);
            at += EliasFano.Encode(lead, buffer[at..]);
            BinaryPrimitives.WriteInt32LittleEndian(buffer[8..], at);
            at += EliasFano.Encode(terms, buffer[at..]);
            buffer[at..(at + EliasFano.Padding)].Clear();
            Location place = Reserve(at + EliasFano.Padding);
            buffer[..place.Length].CopyTo(Bytes(place));
            _articles[index] = place;
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>
    /// Makes article <paramref name="index"/> read the sets of article <paramref name="source"/> (an exact copy of its
    /// text): one place for both. Only the source's sets may then be filtered (<see cref="RemoveBoilerplate"/>), which
    /// the copy sees.
    /// </summary>
    public void Share(int index, int source) =>
        _articles[index] = _articles[source] is { Length: > 0 } place ? place : throw new InvalidOperationException($"Article {source} has no sets to share.");

    /// <summary>Whether two articles read one place of sets (<see cref="Share"/>).</summary>
    public bool SameSets(int a, int b) => _articles[a] is { Length: > 0 } place && place == _articles[b];

    /// <summary>The number of values in a set of an article.</summary>
    public int CountOf(int index, SetKind kind) => EliasFano.Count(Encoded(index, kind));

    /// <summary>
    /// Decodes a set of an article into <paramref name="buffer"/> (replaced by a larger array when too small) and
    /// returns the values.
    /// </summary>
    public ReadOnlySpan<uint> Read(int index, SetKind kind, ref uint[] buffer)
    {
        ReadOnlySpan<byte> encoded = Encoded(index, kind);
        int count = EliasFano.Decode(encoded, RoomFor(ref buffer, EliasFano.Count(encoded) + EliasFano.DecodeSlack));
        return buffer.AsSpan(0, count);
    }

    /// <summary>
    /// Decodes the values of a set of an article from the <paramref name="position"/>th on that are below
    /// <paramref name="limit"/> (see <see cref="EliasFano.DecodeBelow"/>); <paramref name="position"/> is moved past
    /// them, to -1 when none are left.
    /// </summary>
    public ReadOnlySpan<uint> ReadBelow(int index, SetKind kind, ref int position, ref int bit, ulong limit, ref uint[] buffer)
    {
        ReadOnlySpan<byte> encoded = Encoded(index, kind);
        int count = EliasFano.Count(encoded);
        int read = EliasFano.DecodeBelow(encoded, ref position, ref bit, limit, RoomFor(ref buffer, count));
        if (position == count)
        {
            position = -1;
        }

        return buffer.AsSpan(0, read);
    }

    /// <summary>
    /// Hints that <see cref="PrefetchSets"/> of article <paramref name="index"/> comes soon: where its sets are (an entry
    /// of an array of one per article, far apart for far-apart articles, and read before their lines can be asked for).
    /// </summary>
    public void PrefetchPlace(int index) => MemoryHint.Prefetch(_articles, index);

    /// <summary>
    /// Hints that the sets of article <paramref name="index"/> will be read soon: their first line (the offsets), or
    /// every line when <paramref name="whole"/>.
    /// </summary>
    public void PrefetchSets(int index, bool whole = false)
    {
        if ((uint)index < (uint)_articles.Length && _articles[index] is { Length: > 0 } place && !_slabs.IsDisposed)
        {
            byte* start = Start(place);
            int end = whole ? place.Length : 1;
            for (int at = 0; at < end; at += 64)
            {
                MemoryHint.Prefetch(start + at);
            }
        }
    }

    /// <summary>
    /// Hints that a <see cref="ReadBelow"/> of the article's set from <paramref name="position"/> and <paramref name="bit"/>
    /// comes soon, in three steps a pass over the articles takes a few articles apart (each step's reads hit the lines
    /// the one before brought in): 0, the article's first line (its offsets); 1, the set's first line (its header);
    /// 2, the lines the read starts on. A pass of the corpus model reads a little of every article's set, and the
    /// articles are far apart in memory: waiting for each in turn was most of a pass.
    /// </summary>
    public void Prefetch(int index, SetKind kind, int step, int position, int bit)
    {
        if (!System.Runtime.Intrinsics.X86.Sse.IsSupported || (uint)index >= (uint)_articles.Length || _articles[index] is not { Length: > 0 } place || position < 0 || _slabs.IsDisposed)
        {
            return;
        }

        switch (step)
        {
            case 0:
                MemoryHint.Prefetch(Start(place));
                break;
            case 1:
                MemoryHint.Prefetch(Start(place) + Bounds(Bytes(place), kind).Start);
                break;
            default:
                Span<byte> packed = Bytes(place);
                EliasFano.Prefetch(packed[Bounds(packed, kind).Start..], position, bit);
                break;
        }
    }

    /// <summary>
    /// Takes the boilerplate of <paramref name="model"/> out of an article's word, skeleton and lead sets, writing each
    /// back in its place.
    /// </summary>
    public void RemoveBoilerplate(int index, BoilerplateModel model, ref uint[] buffer)
    {
        foreach (SetKind kind in (ReadOnlySpan<SetKind>)[SetKind.Words, SetKind.Skeleton, SetKind.Lead])
        {
            int count = Read(index, kind, ref buffer).Length;
            Span<uint> values = buffer.AsSpan(0, count);
            int kept = kind == SetKind.Skeleton ? model.RemoveSkeletonBoilerplate(values) : model.RemoveWordBoilerplate(values);
            if (kept == count)
            {
                continue;
            }

            Span<byte> packed = Bytes(_articles[index]);
            (int start, int end) = Bounds(packed, kind);
            EliasFano.Encode(values[..kept], packed[start..end], EliasFano.LowBitsOf(packed[start..]));
        }
    }

    /// <summary>Frees the sets; no article may be read after.</summary>
    public void Dispose() => _slabs.Dispose();

    /// <summary>
    /// One thread's decoded sets: two slots (the two articles of a pair), each holding the four sets of one article,
    /// read again only when the slot is given another article.
    /// </summary>
    internal sealed class Reader(PackedSets sets)
    {
        private const int Kinds = 4;

        private readonly uint[][] _buffers = [[], [], [], [], [], [], [], []];
        private readonly int[] _lengths = new int[2 * Kinds];
        private readonly int[] _loaded = [-1, -1];

        /// <summary>One bit a set of each slot (slot × 4 + kind): decoded since its article was loaded.</summary>
        private int _decoded;

        /// <summary>
        /// Makes article <paramref name="index"/> the one of <paramref name="slot"/> (0 or 1). Its sets are decoded when
        /// first asked for (most candidates of a scan are told apart by their words and terms alone), and kept until
        /// another article is loaded into the slot.
        /// </summary>
        public void Load(int slot, int index)
        {
            if (_loaded[slot] == index)
            {
                return;
            }

            _loaded[slot] = index;
            _decoded &= ~(((1 << Kinds) - 1) << (slot * Kinds));
        }

        /// <summary>A set of the article in <paramref name="slot"/>, decoded on the first call since it was loaded.</summary>
        public ReadOnlySpan<uint> Get(int slot, SetKind kind)
        {
            int at = (slot * Kinds) + (int)kind;
            if ((_decoded & (1 << at)) == 0)
            {
                if (_loaded[slot] < 0)
                {
                    throw new InvalidOperationException($"No article is loaded into slot {slot}.");
                }

                _lengths[at] = sets.Read(_loaded[slot], kind, ref _buffers[at]).Length;
                _decoded |= 1 << at;
            }

            return _buffers[at].AsSpan(0, _lengths[at]);
        }

        /// <summary>The sets of the article in <paramref name="slot"/> as a verification reads them, with its paraphrase terms' distinct counts.</summary>
        public SetView View(int slot, (int Terms, int Facts) termCounts) =>
            new(Get(slot, SetKind.Words), Get(slot, SetKind.Skeleton), Get(slot, SetKind.Lead), Get(slot, SetKind.Terms), termCounts);
    }

    /// <summary>The buffer, replaced by a larger one when it has room for fewer than <paramref name="count"/> values.</summary>
    private static uint[] RoomFor(ref uint[] buffer, int count)
    {
        if (buffer.Length < count)
        {
            buffer = new uint[Math.Max(count, 2 * buffer.Length)];
        }

        return buffer;
    }

    private ReadOnlySpan<byte> Encoded(int index, SetKind kind)
    {
        Location place = _articles[index];
        if (place.Length == 0)
        {
            throw new InvalidOperationException($"Article {index} has no sets.");
        }

        Span<byte> packed = Bytes(place);
        return packed[Bounds(packed, kind).Start..];
    }

    private Location Reserve(int length)
    {
        (int slab, int offset) = _slabs.Reserve(length);
        return new Location(slab, offset, length);
    }

    private byte* Start(Location place) => _slabs.Pointer(place.Slab, place.Offset);

    private Span<byte> Bytes(Location place) => new(Start(place), place.Length);

    /// <summary>Where a set's bytes start and its room ends (the next set's start; the padding for the last).</summary>
    private static (int Start, int End) Bounds(ReadOnlySpan<byte> packed, SetKind kind)
    {
        int k = (int)kind;
        int start = k == 0 ? Header : BinaryPrimitives.ReadInt32LittleEndian(packed[(4 * (k - 1))..]);
        int end = k == 3 ? packed.Length - EliasFano.Padding : BinaryPrimitives.ReadInt32LittleEndian(packed[(4 * k)..]);
        return (start, end);
    }

    /// <summary>An article's bytes: the slab, where in it they start, and how many.</summary>
    private readonly record struct Location(int Slab, int Offset, int Length);
}
