using System.Text;
using Dedup.Cli.Input;

namespace Dedup.Cli.Tests;

/// <summary>
/// A line longer than the limit is said to be so as soon as the reader holds more of it than the limit, not at its end:
/// an input with no line break (/dev/zero, or a 4 GB file of one line) was read to its end first, which for /dev/zero
/// never came. Each read runs under a token cancelled after 20 seconds, so that a reader that reads on fails the test
/// instead of hanging it.
/// </summary>
public sealed class EndlessLineTests
{
    /// <summary>How long a read that should end at once may take before the test gives up on it.</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task A_line_known_to_be_too_long_is_returned_before_its_end()
    {
        const int Limit = 100_000;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(Patience);
        using var zeros = new EndlessStream(timeout.Token);
        using var reader = new Utf8LineReader(zeros, Limit, keepLines: true);
        (bool ok, ReadOnlyMemory<byte> line) = await reader.ReadLineAsync(timeout.Token);
        Assert.True(ok);
        Assert.True(reader.LastLineTooLong);
        Assert.True(line.IsEmpty);
        Assert.Equal(1, reader.LineNumber);

        // What was read of the line is bounded by the limit (the buffer grows to hold it), not by the input.
        Assert.InRange(zeros.Served, Limit + 2, 4L * Limit + (1 << 20));
    }

    [Fact]
    public async Task Standard_input_without_a_line_break_fails_at_the_limit_with_exit_code_2()
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(Patience);
        using var zeros = new EndlessStream(timeout.Token);
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        int exit = await DedupApp.RunAsync(["scan", "-"], stdout, stderr, zeros, timeout.Token);
        Assert.True(exit == ExitCodes.BadInput, $"exit {exit}: {stderr}");
        Assert.Equal("dedup: <stdin>:1: the line is longer than 67,108,864 bytes (the limit) (use --skip-bad to skip bad lines)", stderr.ToString().Trim());
    }

    [Fact]
    public async Task A_bad_line_before_an_endless_one_is_the_one_reported()
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(Patience);
        byte[] head = Encoding.UTF8.GetBytes("{\"id\": \"a\", \"text\": \"a story\"}\n{\"id\": \"b\"}\n");
        using var zeros = new EndlessStream(timeout.Token, head);
        var console = new CliConsole(TextWriter.Null, TextWriter.Null, () => zeros);
        var reader = new ArticleReader(console, skipBad: false) { MaxLineBytes = 100_000 };
        CliException e = await Assert.ThrowsAsync<CliException>(() => reader.ReadAsync("-", timeout.Token));
        Assert.StartsWith("<stdin>:2: missing \"text\"", e.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// With --skip-bad an endless line is read past without being kept, until the run is cancelled (Ctrl+C): the reader
    /// goes on reading, which is what skipping asks, and stops when told to.
    /// </summary>
    [Fact]
    public async Task With_skip_bad_an_endless_line_is_read_past_until_cancelled()
    {
        const int Limit = 100_000;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(Patience);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token);
        using var zeros = new EndlessStream(timeout.Token) { CancelAfter = (200L * Limit, cancel) };
        var console = new CliConsole(TextWriter.Null, TextWriter.Null, () => zeros);
        var reader = new ArticleReader(console, skipBad: true) { MaxLineBytes = Limit };
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => reader.ReadAsync("-", cancel.Token));
        Assert.False(timeout.IsCancellationRequested, "the read did not stop when cancelled");
    }

    /// <summary>
    /// The rest of a line known too long is read past by the next call: the lines after it keep their own offsets, so
    /// that a scan that reads its articles again from the file (no --report) reads their texts, not the long line's.
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task After_a_line_too_long_the_next_articles_are_read_again_from_their_own_offsets(bool keepTexts)
    {
        const int Limit = 100_000;
        string first = "{\"id\": \"a\", \"text\": \"The harbour wall will be rebuilt.\"}\n";
        string tooLong = "{\"id\": \"long\", \"text\": \"" + new string('w', 30 * Limit) + "\"}\r\n";
        string next = "{\"id\": \"b\", \"text\": \"The council voted on Monday.\"}\n{\"id\": \"c\", \"text\": \"Trains ran late again.\"}";
        using var folder = new TempFolder();
        string path = folder.Write("long.jsonl", first + tooLong + next);
        using var stderr = new StringWriter();
        var reader = new ArticleReader(new CliConsole(TextWriter.Null, stderr, () => Stream.Null), skipBad: true) { MaxLineBytes = Limit, KeepTexts = keepTexts };
        ArticleSet set = await reader.ReadAsync(path, TestContext.Current.CancellationToken);
        using (set.Backing)
        {
            Assert.Equal(keepTexts, set.Backing is null);
            Assert.Equal(["a", "b", "c"], set.Articles.Select(a => a.Id));
            Assert.Equal(["The harbour wall will be rebuilt.", "The council voted on Monday.", "Trains ran late again."], set.Complete.Select(a => a.Text));
            Assert.Equal(["long.jsonl:1", "long.jsonl:3", "long.jsonl:4"], Enumerable.Range(0, 3).Select(k => Path.GetFileName(set.LocationOf(k))));
            Assert.Equal(Encoding.UTF8.GetByteCount(first + tooLong + next), set.Bytes);
            Assert.Contains($"{path}:2: the line is longer than 100,000 bytes (the limit)", stderr.ToString(), StringComparison.Ordinal);
        }
    }

    /// <summary>
    /// A JSON array on one line that never ends is named as one at once, --skip-bad or not: its start tells what the
    /// input is, so the rest is not read (a JSON array larger than the limit was reported as a line too long, and with
    /// --skip-bad read to its end first).
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_JSON_array_on_one_endless_line_is_named_at_once(bool skipBad)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(Patience);
        using var array = new EndlessStream(timeout.Token, "\n  ["u8.ToArray(), "{\"id\": \"a\", \"text\": \"word word\"}, "u8.ToArray());
        var console = new CliConsole(TextWriter.Null, TextWriter.Null, () => array);
        var reader = new ArticleReader(console, skipBad) { MaxLineBytes = 100_000 };
        CliException e = await Assert.ThrowsAsync<CliException>(() => reader.ReadAsync("-", timeout.Token));
        Assert.Equal("<stdin>:2: the input begins with '[': a JSON array, not JSON Lines; dedup reads one JSON object per line (jq -c '.[]' writes them so)", e.Message);
    }

    /// <summary>A stream of a few given bytes and then a filler repeated without end (zeros: /dev/zero), that stops when its token is cancelled.</summary>
    private sealed class EndlessStream(CancellationToken stop, byte[]? head = null, byte[]? filler = null) : Stream
    {
        private readonly byte[] _head = head ?? [];
        private readonly byte[] _filler = filler ?? [0];

        /// <summary>Bytes given so far.</summary>
        public long Served { get; private set; }

        /// <summary>Cancels a source once this many bytes were given: a user's Ctrl+C during the read.</summary>
        public (long Bytes, CancellationTokenSource Source)? CancelAfter { get; init; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            stop.ThrowIfCancellationRequested();
            int n = buffer.Length;
            if (Served < _head.Length)
            {
                n = Math.Min(n, _head.Length - (int)Served);
                _head.AsSpan((int)Served, n).CopyTo(buffer);
            }
            else if (_filler.Length == 1)
            {
                buffer[..n].Fill(_filler[0]);
            }
            else
            {
                for (int k = 0; k < n; k++)
                {
                    buffer[k] = _filler[(int)((Served - _head.Length + k) % _filler.Length)];
                }
            }

            Served += n;
            if (CancelAfter is ({ } bytes, { } source) && Served >= bytes)
            {
                source.Cancel();
            }

            return n;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
            => ValueTask.FromResult(Read(buffer.Span));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
            => Task.FromResult(Read(buffer.AsSpan(offset, count)));

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
