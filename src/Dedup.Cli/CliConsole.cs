using Spectre.Console;

namespace Dedup.Cli;

/// <summary>Where the tool writes and reads, and whether a person is watching (a terminal) or a program (a pipe or file).</summary>
/// <param name="Out">Standard output: results.</param>
/// <param name="Error">Standard error: messages, warnings and progress.</param>
/// <param name="OpenStdin">Opens standard input as raw bytes (so invalid UTF-8 can be reported, not silently replaced).</param>
/// <param name="OutIsTerminal">True when standard output is a terminal: tables and colours instead of plain lines.</param>
/// <param name="ErrorIsTerminal">True when standard error is a terminal: progress bars are drawn there.</param>
/// <param name="InIsTerminal">True when standard input is a terminal: reading it (input "-") waits for the person to type.</param>
internal sealed record CliConsole(TextWriter Out, TextWriter Error, Func<Stream> OpenStdin, bool OutIsTerminal = false, bool ErrorIsTerminal = false, bool InIsTerminal = false)
{
    /// <summary>A Spectre console over <see cref="Out"/> (tables, markup).</summary>
    public IAnsiConsole CreateOutConsole() => Create(Out, OutIsTerminal);

    /// <summary>A Spectre console over <see cref="Error"/> (progress bars).</summary>
    public IAnsiConsole CreateErrorConsole() => Create(Error, ErrorIsTerminal);

    /// <summary>Writes a one-line message to standard error, prefixed with the tool's name.</summary>
    public void Message(string message) => Error.WriteLine("dedup: " + message);

    /// <summary>Writes a one-line warning to standard error.</summary>
    public void Warning(string message) => Error.WriteLine("dedup: warning: " + message);

    private static IAnsiConsole Create(TextWriter writer, bool terminal) => AnsiConsole.Create(new AnsiConsoleSettings
    {
        Out = new AnsiConsoleOutput(writer),
        Ansi = terminal ? AnsiSupport.Detect : AnsiSupport.No,
        ColorSystem = terminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
        Interactive = terminal ? InteractionSupport.Detect : InteractionSupport.No,
    });
}
