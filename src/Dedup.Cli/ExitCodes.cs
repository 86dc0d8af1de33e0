namespace Dedup.Cli;

/// <summary>The exit codes of the <c>dedup</c> tool; docs/cli.md lists them for users.</summary>
internal static class ExitCodes
{
    /// <summary>The command ran; it found no copies (or reports none: <c>index add</c>, <c>remove</c>, <c>stats</c>).</summary>
    public const int Ok = 0;

    /// <summary>The command ran and found copies (<c>scan</c>, <c>compare</c>, <c>index query</c>), like <c>grep</c> or <c>diff</c> reporting a hit.</summary>
    public const int CopiesFound = 1;

    /// <summary>Bad usage (unknown option, missing argument, value out of range) or bad input data (malformed JSON, missing or duplicate id, empty text, invalid UTF-8).</summary>
    public const int BadInput = 2;

    /// <summary>A file could not be read or written: not found, no permission, disk full.</summary>
    public const int IOError = 3;

    /// <summary>The index store is truncated, corrupted or of another format version.</summary>
    public const int BadStore = 4;

    /// <summary>An unexpected failure inside the tool or the library: a bug to report.</summary>
    public const int InternalError = 70;

    /// <summary>Cancelled by the user (Ctrl+C).</summary>
    public const int Cancelled = 130;

    /// <summary>Standard output was a pipe whose reader closed it (<c>| head</c>): 128 + SIGPIPE, as a process that SIGPIPE ends, with no message.</summary>
    public const int BrokenPipe = 141;
}
