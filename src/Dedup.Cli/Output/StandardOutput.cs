using Microsoft.Win32.SafeHandles;

namespace Dedup.Cli.Output;

/// <summary>
/// Standard output as the tool writes it: a stream on file descriptor 1 whose write into a pipe the reader closed
/// (<c>dedup index query ... | head -1</c>) throws <see cref="BrokenPipeException"/>. .NET ignores SIGPIPE and its
/// console drops such writes without a word, so a run went on to its end writing into nothing; now it stops there
/// (exit code <see cref="ExitCodes.BrokenPipe"/>, as a process that SIGPIPE ends, and no message: the reader asked for
/// no more).
/// </summary>
internal sealed class StandardOutput : Stream
{
    /// <summary>EPIPE, the error of a write into a pipe with no reader, as .NET reports it on Linux and macOS.</summary>
    private const int BrokenPipe = 32;

    private readonly Stream _inner;

    public StandardOutput(Stream inner) => _inner = inner;

    /// <summary>
    /// A writer of UTF-8 text (no byte-order mark) to standard output, flushed at every write as the console's is: on a
    /// pipe, written through file descriptor 1 so that a closed pipe is seen; on anything that seeks (a file, a device),
    /// through the console's stream, whose writes move the descriptor's shared offset (a FileStream writes at offsets of
    /// its own, and the shell's or the next command's output overwrote the tool's: `{ echo A; dedup ...; echo B; } > f`).
    /// </summary>
    public static TextWriter CreateWriter()
    {
        Stream inner;
        try
        {
            var descriptor = new FileStream(new SafeFileHandle(1, ownsHandle: false), FileAccess.Write, bufferSize: 0);
            if (descriptor.CanSeek)
            {
                descriptor.Dispose();
                inner = Console.OpenStandardOutput();
            }
            else
            {
                inner = descriptor;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            // Closed (>&-) or not writable: the console's stream, which writes nothing there.
            inner = Console.OpenStandardOutput();
        }

        return new StreamWriter(new StandardOutput(inner), new System.Text.UTF8Encoding(false), bufferSize: 1 << 14) { AutoFlush = true };
    }

    /// <summary>Whether <paramref name="e"/>, or an exception inside it, is a write into a closed pipe.</summary>
    public static bool IsBrokenPipe(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is BrokenPipeException)
            {
                return true;
            }

            if (e is AggregateException aggregate && aggregate.InnerExceptions.Any(IsBrokenPipe))
            {
                return true;
            }
        }

        return false;
    }

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        try
        {
            _inner.Write(buffer);
        }
        catch (IOException e)
        {
            throw Translate(e);
        }
        catch (UnauthorizedAccessException e)
        {
            // A closed descriptor (>&-) reads as "access denied".
            throw new IOException("standard output is closed or cannot be written", e);
        }
    }

    public override void Flush()
    {
        try
        {
            _inner.Flush();
        }
        catch (IOException e)
        {
            throw Translate(e);
        }
    }

    /// <summary>A closed pipe as <see cref="BrokenPipeException"/>; any other failure named as standard output's ("No space left on device" said not where).</summary>
    private static IOException Translate(IOException e) =>
        e.HResult == BrokenPipe ? new BrokenPipeException(e) : new IOException($"standard output: {e.Message}", e);

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }
}

/// <summary>Standard output's reader closed the pipe: the run stops without a message.</summary>
internal sealed class BrokenPipeException(IOException inner) : IOException("standard output was closed by its reader", inner);

/// <summary>
/// Standard error that cannot fail: a write to a closed or full standard error (<c>2&gt;&amp;-</c>, <c>2&gt;/dev/full</c>) is
/// dropped. The tool's messages go there, and a failing one threw again from the handler that reported the first error,
/// out of the tool (an unhandled exception, exit 134, for a plain usage error).
/// </summary>
internal sealed class QuietErrorWriter(TextWriter inner) : TextWriter
{
    public override System.Text.Encoding Encoding => inner.Encoding;

    public override void Write(char value) => Quietly(() => inner.Write(value));

    public override void Write(string? value) => Quietly(() => inner.Write(value));

    public override void Write(char[] buffer, int index, int count) => Quietly(() => inner.Write(buffer, index, count));

    public override void WriteLine(string? value) => Quietly(() => inner.WriteLine(value));

    public override void WriteLine() => Quietly(inner.WriteLine);

    public override void Flush() => Quietly(inner.Flush);

    private static void Quietly(Action write)
    {
        try
        {
            write();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ObjectDisposedException)
        {
            // Nowhere to say it.
        }
    }
}
