namespace Dedup.Cli;

/// <summary>A user-facing failure: printed as one line, never with a stack trace, and turned into an exit code.</summary>
internal sealed class CliException : Exception
{
    public CliException(int exitCode, string message)
        : base(message) => ExitCode = exitCode;

    public CliException()
        : this(ExitCodes.InternalError, "unknown error")
    {
    }

    public CliException(string message)
        : this(ExitCodes.BadInput, message)
    {
    }

    public CliException(string message, Exception innerException)
        : base(message, innerException) => ExitCode = ExitCodes.BadInput;

    /// <summary>A failure with its cause kept (a caller that tells the run's outcome reads the cause's own words).</summary>
    public CliException(int exitCode, string message, Exception innerException)
        : base(message, innerException) => ExitCode = exitCode;

    /// <summary>The exit code the tool ends with.</summary>
    public int ExitCode { get; }

    public static CliException BadInput(string message) => new(ExitCodes.BadInput, message);

    public static CliException IO(string message) => new(ExitCodes.IOError, message);

    /// <summary>
    /// The error for a file to write whose <paramref name="folder"/> does not exist: it names the file on the way when
    /// there is one ("--pairs notes.txt/p.jsonl": notes.txt is a file, not a folder), not only the missing folder.
    /// </summary>
    public static CliException NoFolder(string path, string folder)
    {
        for (string? at = folder; at is not null; at = Path.GetDirectoryName(at))
        {
            if (File.Exists(at))
            {
                return IO($"{path}: '{at}' is a file, not a folder");
            }

            if (Directory.Exists(at))
            {
                break;
            }
        }

        return IO($"{path}: no such folder: {folder}");
    }

    /// <summary>
    /// An exception's message without the path .NET appends to an I/O error's (" : '/dir/x.idx.journal'"), for a
    /// message that names what failed in the user's terms ("the articles could not be journaled (No space left on
    /// device)"): the path is often a file the user never named.
    /// </summary>
    public static string Reason(Exception e)
    {
        int file = e.Message.IndexOf(" : '", StringComparison.Ordinal);
        return file < 0 ? e.Message : e.Message[..file];
    }

    /// <summary>
    /// The message for a failure to read or write a file that no command turned into its own: the file first, as the
    /// tool's other messages name it ("/proc/self/mem: Input/output error", "/root/x: permission denied"), where .NET
    /// wrote it last ("I/O error: Input/output error : '/proc/self/mem'", "permission denied: Access to the path
    /// '/root/x' is denied."). A message without a path keeps its text after what kind of failure it is.
    /// </summary>
    public static string PathFirst(Exception e)
    {
        string message = e.Message;
        if (e is UnauthorizedAccessException)
        {
            const string Prefix = "Access to the path '", Suffix = "' is denied.";
            return message.StartsWith(Prefix, StringComparison.Ordinal) && message.EndsWith(Suffix, StringComparison.Ordinal) && message.Length > Prefix.Length + Suffix.Length
                ? $"{message[Prefix.Length..^Suffix.Length]}: permission denied"
                : "permission denied: " + message;
        }

        // Reason cuts at the first " : '": the system's reason holds none, a path may.
        string reason = Reason(e);
        return reason.Length > 0 && message.EndsWith('\'') && message.Length > reason.Length + 5
            ? $"{message[(reason.Length + 4)..^1]}: {reason}"
            : "I/O error: " + message;
    }

    /// <summary>
    /// An I/O exception's message without the path .NET appends to it (" : '/path'") when that path is
    /// <paramref name="fullPath"/>, for a message that names the file first ("/dev/full: No space left on device").
    /// </summary>
    public static string Reason(IOException e, string fullPath)
    {
        string message = e.Message;
        string suffix = $" : '{fullPath}'";
        return message.EndsWith(suffix, StringComparison.Ordinal) ? message[..^suffix.Length] : message;
    }
}
