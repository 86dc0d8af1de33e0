using System.Runtime.InteropServices;
using Dedup.Cli;

// Everything happens in DedupApp, which tests drive in-process; this only wires up the real console and the signals.
// Ctrl+C (SIGINT), SIGTERM (kill, timeout, systemd, docker stop) and SIGHUP (a closed terminal) stop the run as a
// cancellation: outputs are left as they were and temporary files removed; the exit code is 128 + the signal's number
// (130, 143, 129). A second signal ends the process at once, for a run that cannot notice the first (a read from a
// terminal or a pipe that sends nothing); one within half a second of the first is the first sent again (SignalRequests).
using var cancel = new CancellationTokenSource();
var requests = new SignalRequests();
int signalled = 0;
void OnSignal(PosixSignalContext context)
{
    int code = 128 + context.Signal switch
    {
        PosixSignal.SIGHUP => 1,
        PosixSignal.SIGTERM => 15,
        _ => 2,
    };
    switch (requests.Arrive(System.Diagnostics.Stopwatch.GetTimestamp()))
    {
        case SignalRequest.Stop:
            Volatile.Write(ref signalled, code);
            context.Cancel = true;
            cancel.Cancel();
            break;
        case SignalRequest.Repeated:
            context.Cancel = true;
            break;
        default:
            break; // the signal's own handling: the process ends
    }
}

using PosixSignalRegistration interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
using PosixSignalRegistration terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
using PosixSignalRegistration hangUp = PosixSignalRegistration.Create(PosixSignal.SIGHUP, OnSignal);

// Standard output, when redirected on Linux or macOS, through a stream that tells a closed pipe (| head) from success:
// the console's writer drops such writes silently, and the run went on to its end. (Not disposed: every write is
// flushed, and a flush at exit into a closed pipe would throw outside the tool's handling.)
TextWriter stdout = Console.IsOutputRedirected && !OperatingSystem.IsWindows() ? Dedup.Cli.Output.StandardOutput.CreateWriter() : Console.Out;
var console = new CliConsole(
    stdout,
    new Dedup.Cli.Output.QuietErrorWriter(Console.Error),
    Console.OpenStandardInput,
    OutIsTerminal: !Console.IsOutputRedirected,
    ErrorIsTerminal: !Console.IsErrorRedirected,
    InIsTerminal: !Console.IsInputRedirected);
int exit = await DedupApp.RunAsync(args, console, cancel.Token);
int signal = Volatile.Read(ref signalled);
return exit == ExitCodes.Cancelled && signal > 0 ? signal : exit;
