using Dedup.Indexing;

namespace Dedup.Tests.Indexing;

public sealed class SnapshotTests : IDisposable
{
    private const int K = 64;
    private readonly string _folder = Directory.CreateTempSubdirectory("dedup-snapshot-tests-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static (MinHashLshIndex Index, List<uint[]> Signatures) BuildMinHash(int seed, int count = 200)
    {
        var random = new Random(seed);
        var index = new MinHashLshIndex(new LshIndexOptions { NumPermutations = K, Threshold = 0.7 });
        var signatures = new List<uint[]>();
        for (int i = 0; i < count; i++)
        {
            uint[] s = i % 3 == 0 && i > 0 ? TestSignatures.Perturb(random, signatures[i - 1], random.Next(K / 4)) : TestSignatures.Random(random, K);
            signatures.Add(s);
            index.Add($"doc-{i}-ü", s);
        }

        index.Remove("doc-5-ü");
        return (index, signatures);
    }

    private static byte[] SaveMinHash(MinHashLshIndex index)
    {
        using var stream = new MemoryStream();
        index.Save(stream);
        return stream.ToArray();
    }

    [Fact]
    public void MinHash_round_trip_answers_every_query_the_same()
    {
        var (index, signatures) = BuildMinHash(1);
        string path = Path.Combine(_folder, "lsh.snap");
        index.SaveToFile(path);
        MinHashLshIndex loaded = MinHashLshIndex.LoadFromFile(path);

        Assert.Equal(index.Count, loaded.Count);
        Assert.Equal(index.Parameters, loaded.Parameters);
        Assert.Equal(index.NumPermutations, loaded.NumPermutations);
        Assert.Equal(0.7, loaded.Options.Threshold);
        foreach (uint[] s in signatures)
        {
            Assert.Equal(index.Query(s), loaded.Query(s));
        }

        Assert.False(loaded.Contains("doc-5-ü"));
        Assert.Equal(SaveMinHash(index), SaveMinHash(loaded));
    }

    [Fact]
    public void SimHash_round_trip_answers_every_query_the_same()
    {
        var random = new Random(2);
        var index = new SimHashIndex(new SimHashIndexOptions { MaxDistance = 4 });
        var fps = Enumerable.Range(0, 300).Select(_ => (ulong)random.NextInt64() & 0xFFFF_0000_FFFF_FFFFUL).ToArray();
        for (int i = 0; i < fps.Length; i++)
        {
            index.Add($"s{i}", fps[i]);
        }

        string path = Path.Combine(_folder, "sim.snap");
        index.SaveToFile(path);
        SimHashIndex loaded = SimHashIndex.LoadFromFile(path);
        Assert.Equal(4, loaded.MaxDistance);
        Assert.Equal(index.Count, loaded.Count);
        foreach (ulong fp in fps)
        {
            Assert.Equal(index.Query(fp ^ 3), loaded.Query(fp ^ 3));
        }
    }

    [Fact]
    public void A_truncated_snapshot_throws_naming_truncation_at_every_cut()
    {
        byte[] bytes = SaveMinHash(BuildMinHash(3, count: 20).Index);
        foreach (int cut in new[] { 0, 3, 8, 11, 30, 56, 100, bytes.Length / 2, bytes.Length - 9, bytes.Length - 1 })
        {
            var e = Assert.Throws<InvalidDataException>(() => MinHashLshIndex.Load(new MemoryStream(bytes, 0, cut)));
            Assert.Contains("truncated", e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_flipped_byte_anywhere_throws_and_never_returns_an_index()
    {
        byte[] bytes = SaveMinHash(BuildMinHash(4, count: 20).Index);
        var random = new Random(4);
        var positions = Enumerable.Range(0, 200).Select(_ => random.Next(12, bytes.Length)).Concat([bytes.Length - 1, bytes.Length - 8, 60, 70]);
        foreach (int position in positions)
        {
            byte[] corrupt = (byte[])bytes.Clone();
            corrupt[position] ^= (byte)(1 << random.Next(8));
            var e = Assert.Throws<InvalidDataException>(() => MinHashLshIndex.Load(new MemoryStream(corrupt)));
            Assert.Contains("MinHash LSH index snapshot is invalid", e.Message, StringComparison.Ordinal);
        }

        // A flipped signature byte specifically is reported as a checksum mismatch.
        byte[] sigFlip = (byte[])bytes.Clone();
        sigFlip[56 + 4 + "doc-0-ü"u8.Length + 10] ^= 0x40;
        var checksum = Assert.Throws<InvalidDataException>(() => MinHashLshIndex.Load(new MemoryStream(sigFlip)));
        Assert.Contains("checksum", checksum.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Wrong_magic_throws_naming_the_magic_bytes()
    {
        byte[] bytes = SaveMinHash(BuildMinHash(5, count: 5).Index);
        bytes[0] = (byte)'X';
        var e = Assert.Throws<InvalidDataException>(() => MinHashLshIndex.Load(new MemoryStream(bytes)));
        Assert.Contains("magic", e.Message, StringComparison.Ordinal);

        // A SimHash snapshot is not a MinHash one.
        using var sim = new MemoryStream();
        new SimHashIndex().Save(sim);
        sim.Position = 0;
        Assert.Contains("magic", Assert.Throws<InvalidDataException>(() => MinHashLshIndex.Load(sim)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_future_format_version_throws_naming_both_versions()
    {
        byte[] bytes = SaveMinHash(BuildMinHash(6, count: 5).Index);
        bytes[8] = 2;
        var damaged = Assert.Throws<InvalidDataException>(() => MinHashLshIndex.Load(new MemoryStream(bytes)));
        Assert.Contains("its format version reads 2", damaged.Message, StringComparison.Ordinal); // the checksum fails: damage
        bytes = SnapshotBytes.Sealed(bytes); // a snapshot a newer library wrote (its checksum holds)
        var e = Assert.Throws<InvalidDataException>(() => MinHashLshIndex.Load(new MemoryStream(bytes)));
        Assert.Contains("version 2 is newer", e.Message, StringComparison.Ordinal);
        Assert.Contains("(1)", e.Message, StringComparison.Ordinal);

        using var sim = new MemoryStream();
        new SimHashIndex().Save(sim);
        byte[] simBytes = sim.ToArray();
        simBytes[8] = 9;
        Assert.Contains("version 9 is newer", Assert.Throws<InvalidDataException>(() => SimHashIndex.Load(new MemoryStream(SnapshotBytes.Sealed(simBytes)))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SimHash_truncation_and_corruption_throw()
    {
        var index = new SimHashIndex();
        for (int i = 0; i < 10; i++)
        {
            index.Add($"k{i}", (ulong)i * 0x9E3779B97F4A7C15UL);
        }

        using var stream = new MemoryStream();
        index.Save(stream);
        byte[] bytes = stream.ToArray();
        Assert.Contains("truncated", Assert.Throws<InvalidDataException>(() => SimHashIndex.Load(new MemoryStream(bytes, 0, bytes.Length - 3))).Message, StringComparison.Ordinal);
        bytes[bytes.Length - 12] ^= 1;
        Assert.Contains("checksum", Assert.Throws<InvalidDataException>(() => SimHashIndex.Load(new MemoryStream(bytes))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bytes_after_the_checksum_in_a_file_are_rejected_and_a_stream_is_left_just_after_the_snapshot()
    {
        byte[] bytes = SaveMinHash(BuildMinHash(7, count: 5).Index);
        string path = Path.Combine(_folder, "extra.snap");
        File.WriteAllBytes(path, [.. bytes, 0x00]);
        Assert.Contains("follow the checksum", Assert.Throws<InvalidDataException>(() => MinHashLshIndex.LoadFromFile(path)).Message, StringComparison.Ordinal);

        using var stream = new MemoryStream([.. bytes, .. bytes]);
        MinHashLshIndex.Load(stream);
        Assert.Equal(bytes.Length, stream.Position);
        Assert.Equal(5, MinHashLshIndex.Load(stream).Count);
    }

    [Fact]
    public void A_save_that_fails_midway_leaves_the_previous_file_intact_and_no_temporary_file()
    {
        var (index, _) = BuildMinHash(8);
        string path = Path.Combine(_folder, "atomic.snap");
        index.SaveToFile(path);
        byte[] previous = File.ReadAllBytes(path);

        index.Add("a-new-document", new uint[K]);
        Assert.Throws<IOException>(() => index.SaveToFile(path, inner => new FailingStream(inner, failAfter: previous.Length / 2)));

        Assert.Equal(previous, File.ReadAllBytes(path));
        Assert.Equal(["atomic.snap"], Directory.GetFiles(_folder).Select(Path.GetFileName));
        Assert.Equal(index.Count - 1, MinHashLshIndex.LoadFromFile(path).Count);

        index.SaveToFile(path);
        Assert.True(MinHashLshIndex.LoadFromFile(path).Contains("a-new-document"));

        var sim = new SimHashIndex();
        sim.Add("x", 1);
        string simPath = Path.Combine(_folder, "atomic-sim.snap");
        sim.SaveToFile(simPath);
        byte[] simPrevious = File.ReadAllBytes(simPath);
        sim.Add("y", 2);
        Assert.Throws<IOException>(() => sim.SaveToFile(simPath, inner => new FailingStream(inner, failAfter: 10)));
        Assert.Equal(simPrevious, File.ReadAllBytes(simPath));
    }

    /// <summary>Passes writes through until <c>failAfter</c> bytes, then throws as a full disk would.</summary>
    internal sealed class FailingStream(Stream inner, long failAfter) : Stream
    {
        private long _written;

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => _written; set => throw new NotSupportedException(); }

        public override void Flush() => inner.Flush();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            if (_written + buffer.Length > failAfter)
            {
                int allowed = (int)(failAfter - _written);
                inner.Write(buffer[..allowed]);
                _written = failAfter;
                throw new IOException("Simulated failure: no space left on device.");
            }

            inner.Write(buffer);
            _written += buffer.Length;
        }
    }
}
