using Dedup.Cli;

// Everything happens in DedupApp, which tests drive in-process; this only wires up the real console.
using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};

var console = new CliConsole(
    Console.Out,
    Console.Error,
    Console.OpenStandardInput,
    OutIsTerminal: !Console.IsOutputRedirected,
    ErrorIsTerminal: !Console.IsErrorRedirected);
return await DedupApp.RunAsync(args, console, cancel.Token);
