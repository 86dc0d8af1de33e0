using Dedup.Detection;
using Dedup.Tests.Detection;

namespace Dedup.Tests;

/// <summary>
/// <see cref="CopyDetector.LoadAsync(Stream, DetectorOptions?, CancellationToken)"/> and
/// <see cref="CopyDetector.LoadFromFileAsync(string, DetectorOptions?, CancellationToken)"/>: the detector and the
/// exceptions of the synchronous loads, the stream read by asynchronous calls alone, and cancellation. A failure here
/// means the asynchronous load reads or parses a snapshot otherwise than <c>Load</c> does, or blocks on the stream.
/// </summary>
public sealed class SnapshotLoadAsyncTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("dedup-load-async-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>
    /// The detector <c>Load</c> gives, read from a stream whose synchronous reads throw and whose asynchronous ones give 1
    /// to 7 bytes (or 1) at a time, a third of them completing later: a snapshot of more than three 64 KiB buffers with
    /// the kept clusters, and one with a title, a publication time and a removal. A stream that can seek is left just
    /// after the snapshot, where <c>Load</c> leaves it.
    /// </summary>
    [Theory]
    [InlineData(7, false)]
    [InlineData(7, true)]
    [InlineData(1, false)]
    public async Task LoadAsync_gives_the_detector_Load_gives_reading_the_stream_only_asynchronously(int maxChunk, bool seekable)
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        foreach (CopyDetector original in new[] { AsyncSaveTests.Filled(new CopyDetector()), DetectorSnapshotTests.Sample() })
        {
            using (original)
            {
                byte[] expected = SnapshotBytes.Of(original);
                byte[] followed = [.. expected, .. "after"u8];
                var plain = new MemoryStream(followed);
                using CopyDetector synchronous = CopyDetector.Load(plain);
                var stream = new TricklingStream(followed, seekable, maxChunk);

                using CopyDetector loaded = await CopyDetector.LoadAsync(stream, cancellationToken: ct);

                Assert.Equal(expected, SnapshotBytes.Of(loaded));
                AssertSameDetector(synchronous, loaded);
                if (seekable)
                {
                    Assert.Equal((expected.Length, expected.Length), (plain.Position, stream.Position));
                }
            }
        }
    }

    /// <summary>
    /// Every older format this library reads, each with a shorter header (no settings that shape the articles, no id, no
    /// tokenizer flags) or no indexed times, read a byte at a time as <c>Load</c> reads it.
    /// </summary>
    [Fact]
    public async Task Older_formats_load_as_Load_loads_them()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        byte[] bytes = FilledSnapshot();

        foreach (byte[] old in new[] { SnapshotBytes.AsVersion8(bytes), SnapshotBytes.AsVersion7(bytes), SnapshotBytes.AsVersion6(bytes), SnapshotBytes.AsVersion5(bytes) })
        {
            using CopyDetector synchronous = CopyDetector.Load(new MemoryStream(old));
            using CopyDetector loaded = await CopyDetector.LoadAsync(new TricklingStream(old, maxChunk: 1), cancellationToken: ct);
            AssertSameDetector(synchronous, loaded);
        }
    }

    /// <summary>
    /// A snapshot cut or with a byte flipped anywhere in its header, at a spread of places through its records and in its
    /// checksum, or with any bit of its format version flipped (read to its end to check the checksum), a newer or an
    /// unsupported version: the asynchronous load throws the exception <c>Load</c> throws, message and all, from a stream
    /// that can seek and (cut) from one that cannot, which cannot tell how much follows.
    /// </summary>
    [Fact]
    public async Task A_truncated_or_damaged_snapshot_gives_the_exception_Load_gives()
    {
        byte[] bytes = SnapshotBytes.Of(DetectorSnapshotTests.Sample());
        int[] places =
        [
            .. Enumerable.Range(0, 48 + 64),
            .. Enumerable.Range(0, 60).Select(i => 48 + 64 + ((bytes.Length - 48 - 64) * i / 60)),
            .. Enumerable.Range(bytes.Length - 9, 9),
        ];
        foreach (int cut in places.Distinct())
        {
            await AssertFailsAsLoadFails(bytes[..cut], seekable: true, $"cut at {cut}");
            await AssertFailsAsLoadFails(bytes[..cut], seekable: false, $"cut at {cut}, not seekable");
        }

        foreach (int at in places.Distinct())
        {
            byte[] damaged = (byte[])bytes.Clone();
            damaged[at] ^= 0x20;
            await AssertFailsAsLoadFails(damaged, seekable: true, $"byte {at} flipped");
        }

        for (int bit = 0; bit < 32; bit++)
        {
            byte[] damaged = (byte[])bytes.Clone();
            damaged[8 + (bit / 8)] ^= (byte)(1 << (bit % 8));
            await AssertFailsAsLoadFails(damaged, seekable: false, $"version bit {bit} flipped");
        }

        foreach (uint version in new uint[] { CopyDetector.SnapshotFormatVersion + 1, 2 })
        {
            byte[] other = (byte[])bytes.Clone();
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(other.AsSpan(8), version);
            await AssertFailsAsLoadFails(SnapshotBytes.Sealed(other), seekable: false, $"version {version}");
        }
    }

    /// <summary>Settings that do not fit the snapshot or are out of range, a callback that returns null and null arguments: the exceptions <c>Load</c> throws.</summary>
    [Fact]
    public async Task Settings_and_arguments_are_refused_as_Load_refuses_them()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        byte[] bytes = SnapshotBytes.Of(DetectorSnapshotTests.Sample());
        var otherShingles = new DetectorOptions { ShingleSize = 4 };
        Func<DetectorOptions, DetectorOptions> noStopwords = saved => saved with { Stopwords = Dedup.Text.StopwordSet.None };
        Func<DetectorOptions, DetectorOptions> outOfRange = saved => saved with { Threshold = 2 };
        Func<DetectorOptions, DetectorOptions> returnsNull = _ => null!;
        (Func<Stream, CopyDetector> Load, Func<Stream, ValueTask<CopyDetector>> LoadAsync)[] calls =
        [
            (s => CopyDetector.Load(s, otherShingles), s => CopyDetector.LoadAsync(s, otherShingles, ct)),
            (s => CopyDetector.Load(s, noStopwords), s => CopyDetector.LoadAsync(s, noStopwords, ct)),
            (s => CopyDetector.Load(s, outOfRange), s => CopyDetector.LoadAsync(s, outOfRange, ct)),
            (s => CopyDetector.Load(s, returnsNull), s => CopyDetector.LoadAsync(s, returnsNull, ct)),
            (s => CopyDetector.Load(s, (Func<DetectorOptions, DetectorOptions>)null!), s => CopyDetector.LoadAsync(s, (Func<DetectorOptions, DetectorOptions>)null!, ct)),
            (_ => CopyDetector.Load(null!), _ => CopyDetector.LoadAsync(null!, cancellationToken: ct)),
            (_ => CopyDetector.Load(null!, outOfRange), _ => CopyDetector.LoadAsync(null!, outOfRange, ct)),
        ];
        for (int i = 0; i < calls.Length; i++)
        {
            Exception? expected = Record.Exception(() => calls[i].Load(new MemoryStream(bytes)));
            Exception? actual = await Record.ExceptionAsync(() => calls[i].LoadAsync(new TricklingStream(bytes, seekable: true)).AsTask());
            AssertSameException(expected, actual, $"call {i}");
        }
    }

    /// <summary>
    /// The file <c>LoadFromFile</c> reads, with the options given or changed, and what it refuses: a missing file, a folder,
    /// an empty path, bytes after the checksum, a damaged file (named by its path), and the snapshot of an index whose
    /// journal holds more than it.
    /// </summary>
    [Fact]
    public async Task LoadFromFileAsync_reads_what_LoadFromFile_reads_and_refuses_what_it_refuses()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        string path = Path.Combine(_folder, "saved.ddet");
        using (CopyDetector sample = DetectorSnapshotTests.Sample())
        {
            sample.SaveToFile(path);
        }

        byte[] bytes = await File.ReadAllBytesAsync(path, ct);
        using (CopyDetector synchronous = CopyDetector.LoadFromFile(path))
        using (CopyDetector loaded = await CopyDetector.LoadFromFileAsync(path, cancellationToken: ct))
        {
            Assert.Equal(bytes, SnapshotBytes.Of(loaded));
            AssertSameDetector(synchronous, loaded);
        }

        using (CopyDetector given = await CopyDetector.LoadFromFileAsync(path, new DetectorOptions { Threshold = 0.6 }, ct))
        using (CopyDetector changed = await CopyDetector.LoadFromFileAsync(path, saved => saved with { Threshold = 0.5 }, ct))
        {
            Assert.Equal((0.6, 0.5), (given.Options.Threshold, changed.Options.Threshold));
        }

        string followed = Path.Combine(_folder, "followed.ddet");
        await File.WriteAllBytesAsync(followed, [.. bytes, 0], ct);
        string damaged = Path.Combine(_folder, "damaged.ddet");
        byte[] flipped = (byte[])bytes.Clone();
        flipped[bytes.Length / 2] ^= 0x5A;
        await File.WriteAllBytesAsync(damaged, flipped, ct);
        string index = Path.Combine(_folder, "index.dedup");
        using (CopyDetector writer = CopyDetector.Open(index, cancellationToken: ct))
        {
            writer.Add("harbour", TestArticles.Harbour);
            writer.Checkpoint();
            writer.Add("rail", TestArticles.Rail);
        }

        foreach (string refused in new[] { Path.Combine(_folder, "missing.ddet"), _folder, "", " ", followed, damaged, index })
        {
            AssertSameException(
                Record.Exception(() => CopyDetector.LoadFromFile(refused)),
                await Record.ExceptionAsync(() => CopyDetector.LoadFromFileAsync(refused, cancellationToken: ct).AsTask()),
                $"'{refused}'");
            AssertSameException(
                Record.Exception(() => CopyDetector.LoadFromFile(refused, saved => saved)),
                await Record.ExceptionAsync(() => CopyDetector.LoadFromFileAsync(refused, saved => saved, ct).AsTask()),
                $"'{refused}', configured");
        }

        Assert.Contains(damaged, (await Assert.ThrowsAsync<InvalidDataException>(() => CopyDetector.LoadFromFileAsync(damaged, cancellationToken: ct).AsTask())).Message, StringComparison.Ordinal);
    }

    /// <summary>A token cancelled before the call: the load throws without reading the stream or opening the file.</summary>
    [Fact]
    public async Task A_token_cancelled_before_the_load_stops_it_before_it_reads()
    {
        byte[] bytes = SnapshotBytes.Of(DetectorSnapshotTests.Sample());
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        var stream = new TricklingStream(bytes);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => CopyDetector.LoadAsync(stream, cancellationToken: cancelled.Token).AsTask());
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => CopyDetector.LoadAsync(stream, saved => saved, cancelled.Token).AsTask());
        string missing = Path.Combine(_folder, "missing.ddet");
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => CopyDetector.LoadFromFileAsync(missing, cancellationToken: cancelled.Token).AsTask());
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => CopyDetector.LoadFromFileAsync(missing, saved => saved, cancelled.Token).AsTask());

        Assert.Equal(0, stream.Reads);
    }

    /// <summary>
    /// A stream whose read never completes until cancelled (a stalled download), stalled before its first byte or in the
    /// middle of the records: cancelling the token ends the load at once, and the detector it had made is disposed.
    /// </summary>
    [Theory]
    [InlineData(0)]
    [InlineData(100_000)]
    public async Task A_load_from_a_stalled_stream_stops_when_cancelled_and_disposes_the_detector_it_made(int stallAt)
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        byte[] bytes = FilledSnapshot();

        var stream = new TricklingStream(bytes) { StallAt = stallAt };
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(ct);
        CopyDetector? made = null;
        Task<CopyDetector> load = CopyDetector.LoadAsyncTelling(stream, detector => made = detector, cancellation.Token).AsTask();
        await stream.Stalled.WaitAsync(TimeSpan.FromSeconds(30), ct);
        Assert.False(load.IsCompleted);

        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => load.WaitAsync(TimeSpan.FromSeconds(10), ct));
        Assert.InRange(stream.Consumed, stallAt, stallAt + 6);
        if (stallAt == 0)
        {
            Assert.Null(made);
        }
        else
        {
            Assert.Throws<ObjectDisposedException>(() => made!.Count);
        }
    }

    /// <summary>
    /// A token cancelled in the middle of the records (a host stopping): the load stops at the next read of the stream, not
    /// at the snapshot's end, and the detector it had made is disposed.
    /// </summary>
    [Fact]
    public async Task A_load_cancelled_midway_through_the_records_stops_there_and_disposes_the_detector_it_made()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        byte[] bytes = FilledSnapshot();

        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var stream = new TricklingStream(bytes) { CancelAt = (bytes.Length / 2, cancellation) };
        CopyDetector? made = null;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => CopyDetector.LoadAsyncTelling(stream, detector => made = detector, cancellation.Token).AsTask());

        Assert.InRange(stream.Consumed, bytes.Length / 2, (bytes.Length / 2) + 7);
        Assert.Throws<ObjectDisposedException>(() => made!.Count);
    }

    /// <summary>
    /// A snapshot written into a named pipe (mkfifo) is read by both loads from the file: a pipe cannot tell its length,
    /// and asking for it after the snapshot was read threw <see cref="NotSupportedException"/> (a client's trial).
    /// </summary>
    [Fact]
    public async Task A_snapshot_read_from_a_named_pipe_loads()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux() || OperatingSystem.IsMacOS(), "named pipes are made with mkfifo");
        CancellationToken ct = TestContext.Current.CancellationToken;
        using CopyDetector original = DetectorSnapshotTests.Sample();
        byte[] bytes = SnapshotBytes.Of(original);
        foreach (bool readAsync in new[] { false, true })
        {
            string pipe = Path.Combine(_folder, $"snapshot{(readAsync ? "-async" : string.Empty)}.pipe");
            using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", [pipe]))
            {
                await mkfifo.WaitForExitAsync(ct);
                Assert.Equal(0, mkfifo.ExitCode);
            }

            // The writer's open waits for the reader's.
            Task writing = Task.Run(() => File.WriteAllBytesAsync(pipe, bytes, ct), ct);
            using CopyDetector loaded = readAsync ? await CopyDetector.LoadFromFileAsync(pipe, cancellationToken: ct) : CopyDetector.LoadFromFile(pipe);
            await writing;
            AssertSameDetector(original, loaded);
        }
    }

    /// <summary>The snapshot of <see cref="AsyncSaveTests.Filled"/>: more than three 64 KiB buffers of records, then the kept clusters.</summary>
    private static byte[] FilledSnapshot()
    {
        using CopyDetector original = AsyncSaveTests.Filled(new CopyDetector());
        return SnapshotBytes.Of(original);
    }

    /// <summary>The same answers: count, copies of a few queries, clusters.</summary>
    private static void AssertSameDetector(CopyDetector expected, CopyDetector actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        foreach (string query in new[] { TestArticles.Spin(TestArticles.Harbour), TestArticles.Syndicate(TestArticles.Rail), TestArticles.Lead(TestArticles.HarbourFollowUp, 2), TestArticles.Harbour + "\n\nALSO READ: Five things to know" })
        {
            Assert.Equal(
                expected.FindCopies(query).Select(m => (m.Id, m.Kind, m.Score)),
                actual.FindCopies(query).Select(m => (m.Id, m.Kind, m.Score)));
        }

        Assert.Equal(expected.Clusters(), actual.Clusters(), (x, y) => x.Id == y.Id && x.Members.SequenceEqual(y.Members));
    }

    /// <summary><c>Load</c> of <paramref name="bytes"/> and <c>LoadAsync</c> of them, trickled, throw the same exception with the same message.</summary>
    private static async Task AssertFailsAsLoadFails(byte[] bytes, bool seekable, string what)
    {
        Exception? expected = Record.Exception(() => CopyDetector.Load(seekable ? new MemoryStream(bytes) : new UnseekableStream(bytes)));
        Exception? actual = await Record.ExceptionAsync(() => CopyDetector.LoadAsync(new TricklingStream(bytes, seekable), cancellationToken: TestContext.Current.CancellationToken).AsTask());
        AssertSameException(expected, actual, what);
    }

    private static void AssertSameException(Exception? expected, Exception? actual, string what)
    {
        Assert.True(expected is not null, $"{what}: the synchronous load did not throw");
        Assert.True(actual is not null, $"{what}: the asynchronous load did not throw; the synchronous one threw {expected}");
        Assert.True(
            expected.GetType() == actual.GetType() && expected.Message == actual.Message,
            $"{what}: {expected.GetType().Name} \"{expected.Message}\", but asynchronously {actual.GetType().Name} \"{actual.Message}\"");
    }

    /// <summary>A memory stream that says it cannot seek, as a network stream cannot.</summary>
    private sealed class UnseekableStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }

    /// <summary>
    /// A stream over bytes whose synchronous reads throw and whose asynchronous ones give 1 to <c>maxChunk</c> bytes (a
    /// seeded choice), a third of them completing later; from <see cref="StallAt"/> on its reads wait until cancelled, and
    /// once <see cref="CancelAt"/> bytes are read it cancels the token given.
    /// </summary>
    private sealed class TricklingStream(byte[] bytes, bool seekable = false, int maxChunk = 7) : Stream
    {
        private readonly Random _random = new(bytes.Length);
        private readonly TaskCompletionSource _stalled = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _position;

        public long StallAt { get; init; } = long.MaxValue;

        public (long At, CancellationTokenSource Source)? CancelAt { get; init; }

        /// <summary>Completes when a read has stalled.</summary>
        public Task Stalled => _stalled.Task;

        public int Reads { get; private set; }

        /// <summary>The bytes read so far.</summary>
        public int Consumed => _position;

        public override bool CanRead => true;

        public override bool CanSeek => seekable;

        public override bool CanWrite => false;

        public override long Length => seekable ? bytes.Length : throw new NotSupportedException();

        public override long Position
        {
            get => seekable ? _position : throw new NotSupportedException();
            set => Seek(value, SeekOrigin.Begin);
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new InvalidOperationException("a synchronous read");

        public override int Read(Span<byte> buffer) => throw new InvalidOperationException("a synchronous read");

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Reads++;
            if (_position >= StallAt)
            {
                _stalled.TrySetResult();
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }

            if (_random.Next(3) == 0)
            {
                await Task.Yield();
            }

            cancellationToken.ThrowIfCancellationRequested();
            int n = Math.Min(Math.Min(buffer.Length, _random.Next(1, maxChunk + 1)), bytes.Length - _position);
            bytes.AsSpan(_position, n).CopyTo(buffer.Span);
            _position += n;
            if (CancelAt is { } cancel && _position >= cancel.At)
            {
                await cancel.Source.CancelAsync();
            }

            return n;
        }

        public override long Seek(long offset, SeekOrigin origin)
        {
            if (!seekable)
            {
                throw new NotSupportedException();
            }

            _position = checked((int)(origin switch
            {
                SeekOrigin.Begin => offset,
                SeekOrigin.Current => _position + offset,
                _ => bytes.Length + offset,
            }));
            return _position;
        }

        public override void Flush()
        {
        }

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
