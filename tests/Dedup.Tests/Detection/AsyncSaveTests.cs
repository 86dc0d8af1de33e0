using Dedup.Detection;

namespace Dedup.Tests.Detection;

/// <summary><see cref="CopyDetector.SaveAsync"/>, <see cref="CopyDetector.SaveToFileAsync"/> and <see cref="CopyDetector.CheckpointAsync"/>.</summary>
public sealed class AsyncSaveTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("dedup-async-save-").FullName;

    private string SnapshotPath => Path.Combine(_folder, "index.dedup");

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>More than one 64 KiB buffer of records, with the kept clusters (the snapshot's last section) written too.</summary>
    internal static CopyDetector Filled(CopyDetector detector)
    {
        detector.AddRange(BoilerplateModelTests.ManyArticles(300), TestContext.Current.CancellationToken);
        detector.Add("harbour", TestArticles.Harbour);
        detector.Add("harbour-copy", TestArticles.Harbour + "\n\nALSO READ: Five things to know");
        Assert.Equal(2, detector.ClusterOf("harbour")!.Members.Count);
        return detector;
    }

    /// <summary>The same bytes as <see cref="CopyDetector.Save"/>, written by asynchronous calls alone (the stream refuses synchronous ones).</summary>
    [Fact]
    public async Task SaveAsync_writes_what_Save_writes_and_only_asynchronously()
    {
        using CopyDetector detector = Filled(new CopyDetector());
        byte[] expected = SnapshotBytes.Of(detector);
        Assert.True(expected.Length > 3 << 16, $"{expected.Length} bytes");

        var stream = new AsyncOnlyStream();
        await detector.SaveAsync(stream, TestContext.Current.CancellationToken);

        Assert.Equal(expected, stream.Inner.ToArray());
        Assert.True(stream.Writes >= 3, $"{stream.Writes} writes");
        Assert.True(stream.Flushed);
        stream.Inner.Position = 0;
        using CopyDetector loaded = CopyDetector.Load(stream.Inner);
        Assert.Equal(detector.Count, loaded.Count);
        Assert.Equal(2, loaded.ClusterOf("harbour-copy")!.Members.Count);
    }

    [Fact]
    public async Task SaveToFileAsync_replaces_the_file_and_a_cancelled_one_leaves_it()
    {
        string path = Path.Combine(_folder, "saved.dedup");
        using CopyDetector detector = Filled(new CopyDetector());
        await File.WriteAllBytesAsync(path, [1, 2, 3], TestContext.Current.CancellationToken);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => detector.SaveToFileAsync(path, cancelled.Token).AsTask());
        Assert.Equal([1, 2, 3], await File.ReadAllBytesAsync(path, TestContext.Current.CancellationToken));

        await detector.SaveToFileAsync(path, TestContext.Current.CancellationToken);
        Assert.Equal(SnapshotBytes.Of(detector), await File.ReadAllBytesAsync(path, TestContext.Current.CancellationToken));
        Assert.Equal([Path.GetFileName(path)], Directory.GetFiles(_folder).Select(Path.GetFileName));
    }

    /// <summary>A save into a folder that does not exist names the path and the folder, not the temporary file it would have written.</summary>
    [Fact]
    public async Task Saving_into_a_missing_folder_names_the_folder()
    {
        using var detector = new CopyDetector();
        string path = Path.Combine(_folder, "nope", "x.dedup");
        string expected = $"Cannot write '{path}': its folder '{Path.Combine(_folder, "nope")}' does not exist.";
        Assert.Equal(expected, Assert.Throws<DirectoryNotFoundException>(() => detector.SaveToFile(path)).Message);
        Assert.Equal(expected, (await Assert.ThrowsAsync<DirectoryNotFoundException>(() => detector.SaveToFileAsync(path, TestContext.Current.CancellationToken).AsTask())).Message);
    }

    /// <summary>An asynchronous checkpoint writes the snapshot a synchronous one does and empties the journal.</summary>
    [Fact]
    public async Task CheckpointAsync_compacts_the_journal()
    {
        byte[] expected;
        using (CopyDetector detector = Filled(CopyDetector.Open(SnapshotPath, cancellationToken: TestContext.Current.CancellationToken)))
        {
            Assert.True(detector.JournalBytes > 0);
            await detector.CheckpointAsync(TestContext.Current.CancellationToken);
            Assert.Equal(0, detector.JournalBytes);
            expected = SnapshotBytes.Of(detector);
            byte[] written = await File.ReadAllBytesAsync(SnapshotPath, TestContext.Current.CancellationToken);

            // The same bytes as a save, but for the id a checkpoint gives its snapshot (its new journal names it).
            Assert.NotEqual(0UL, SnapshotBytes.IdOf(written));
            Assert.Equal(expected, SnapshotBytes.WithId(written, 0));
            detector.Add("rail", TestArticles.Rail);
        }

        using CopyDetector reopened = CopyDetector.Open(SnapshotPath, cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(303, reopened.Count);
        Assert.True(reopened.Contains("rail"));
    }

    /// <summary>
    /// A checkpoint cancelled while it writes its snapshot (a host shutting down) leaves the old snapshot, no temporary
    /// file, and the journal holding every change, like a failed one: reopened, nothing is lost, and the next checkpoint
    /// compacts it all. A token cancelled before the call rotates nothing.
    /// </summary>
    [Fact]
    public async Task A_cancelled_CheckpointAsync_loses_nothing_and_the_next_one_compacts_it_all()
    {
        using (CopyDetector detector = CopyDetector.Open(SnapshotPath, cancellationToken: TestContext.Current.CancellationToken))
        {
            detector.Add("harbour", TestArticles.Harbour);
            await detector.CheckpointAsync(TestContext.Current.CancellationToken);
            byte[] before = await File.ReadAllBytesAsync(SnapshotPath, TestContext.Current.CancellationToken);
            detector.AddRange(BoilerplateModelTests.ManyArticles(300), TestContext.Current.CancellationToken);
            long journal = detector.JournalBytes;

            using (var early = new CancellationTokenSource())
            {
                await early.CancelAsync();
                await Assert.ThrowsAnyAsync<OperationCanceledException>(() => detector.CheckpointAsync(early.Token).AsTask());
                Assert.False(File.Exists(SnapshotPath + ".journal.old"), "a checkpoint cancelled before it began set the journal aside");
            }

            using var cancellation = new CancellationTokenSource();
            detector.WrapCheckpointSnapshotForTests = stream => new CancellingStream(stream, cancellation);
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => detector.CheckpointAsync(cancellation.Token).AsTask());
            detector.WrapCheckpointSnapshotForTests = null;

            Assert.Equal(before, await File.ReadAllBytesAsync(SnapshotPath, TestContext.Current.CancellationToken));
            Assert.Empty(Directory.GetFiles(_folder, "*.tmp"));
            Assert.Equal(journal, detector.JournalBytes);
            detector.Add("rail", TestArticles.Rail);
        }

        using (CopyDetector reopened = CopyDetector.Open(SnapshotPath, cancellationToken: TestContext.Current.CancellationToken))
        {
            Assert.Equal(302, reopened.Count);
            await reopened.CheckpointAsync(TestContext.Current.CancellationToken);
            Assert.Equal(0, reopened.JournalBytes);
            Assert.False(File.Exists(SnapshotPath + ".journal.old"));
        }

        using CopyDetector compacted = CopyDetector.Open(SnapshotPath, cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(302, compacted.Count);
        Assert.True(compacted.Contains("harbour") && compacted.Contains("rail"));
    }

    /// <summary>
    /// The observer hears of a checkpoint after the checkpoint's gate is released, as of every operation outside the
    /// detector's locks: one that disposes the detector when a checkpoint completes (or fails) does not deadlock it.
    /// </summary>
    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public async Task An_observer_may_dispose_the_detector_when_a_checkpoint_ends(bool checkpointAsync, bool fail)
    {
        var observer = new DisposingObserver();
        CopyDetector detector = CopyDetector.Open(SnapshotPath, configure: o => o with { Observer = observer }, cancellationToken: TestContext.Current.CancellationToken);
        observer.Detector = detector;
        detector.Add("harbour", TestArticles.Harbour);
        if (fail)
        {
            detector.WrapCheckpointSnapshotForTests = _ => throw new IOException("disk full");
        }

        Task checkpoint = Task.Run(async () =>
        {
            if (checkpointAsync)
            {
                await detector.CheckpointAsync(TestContext.Current.CancellationToken);
            }
            else
            {
                detector.Checkpoint();
            }
        }, TestContext.Current.CancellationToken);
        Task ended = await Task.WhenAny(checkpoint, Task.Delay(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken));

        Assert.Same(checkpoint, ended);
        Assert.Equal(fail, checkpoint.IsFaulted);
        Assert.Equal(1, observer.Disposals);
        Assert.Throws<ObjectDisposedException>(detector.Checkpoint);
        using CopyDetector reopened = CopyDetector.Open(SnapshotPath, cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(1, reopened.Count);
    }

    /// <summary>Disposes its detector when a checkpoint ends.</summary>
    private sealed class DisposingObserver : DetectorObserver
    {
        public CopyDetector? Detector { get; set; }

        public int Disposals { get; private set; }

        public override void Completed(in DetectorEvent detectorEvent)
        {
            if (detectorEvent.Operation == DetectorOperation.Checkpoint)
            {
                Dispose();
            }
        }

        public override void Failed(DetectorOperation operation, string? articleId, Exception exception)
        {
            if (operation == DetectorOperation.Checkpoint)
            {
                Dispose();
            }
        }

        private void Dispose()
        {
            Detector!.Dispose();
            Disposals++;
        }
    }

    /// <summary>A stream that allows asynchronous calls only, into a memory stream.</summary>
    private sealed class AsyncOnlyStream : Stream
    {
        public MemoryStream Inner { get; } = new();

        public int Writes { get; private set; }

        public bool Flushed { get; private set; }

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush() => throw new InvalidOperationException("a synchronous flush");

        public override Task FlushAsync(CancellationToken cancellationToken)
        {
            Flushed = true;
            return Task.CompletedTask;
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new InvalidOperationException("a synchronous write");

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await Task.Yield();
            Writes++;
            Inner.Write(buffer.Span);
        }
    }

    /// <summary>A stream whose first asynchronous write cancels the token, as a host's shutdown would, and honours it.</summary>
    private sealed class CancellingStream(Stream inner, CancellationTokenSource cancellation) : WriteThroughStream(inner)
    {
        public override void Write(ReadOnlySpan<byte> buffer) => throw new InvalidOperationException("a synchronous write");

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await cancellation.CancelAsync();
            cancellationToken.ThrowIfCancellationRequested();
            await Inner.WriteAsync(buffer, cancellationToken);
        }
    }
}
