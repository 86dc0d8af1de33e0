using System.Runtime.InteropServices;
using Dedup.Cli;

// Everything happens in DedupApp, which tests drive in-process; this only wires up the real console and the signals.
// Ctrl+C (SIGINT), SIGTERM (kill, timeout, systemd, docker stop) and SIGHUP (a closed terminal) stop the run as a
// cancellation: outputs are left as they were and temporary files removed; the exit code is 128 + the signal's number
// (130, 143, 129). A second signal ends the process at once, for a run that cannot notice the first (a read from a
// terminal or a pipe that sends nothing).
using var cancel = new CancellationTokenSource();
int signalled = 0;
void OnSignal(PosixSignalContext context)
{
    int code = 128 + context.Signal switch
    {
        PosixSignal.SIGHUP => 1,
        PosixSignal.SIGTERM => 15,
        _ => 2,
    };
    if (Interlocked.CompareExchange(ref signalled, code, 0) == 0)
    {
        context.Cancel = true;
        cancel.Cancel();
    }
}

using PosixSignalRegistration interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
using PosixSignalRegistration terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
using PosixSignalRegistration hangUp = PosixSignalRegistration.Create(PosixSignal.SIGHUP, OnSignal);

var console = new CliConsole(
    Console.Out,
    Console.Error,
    Console.OpenStandardInput,
    OutIsTerminal: !Console.IsOutputRedirected,
    ErrorIsTerminal: !Console.IsErrorRedirected);
int exit = await DedupApp.RunAsync(args, console, cancel.Token);
int signal = Volatile.Read(ref signalled);
return exit == ExitCodes.Cancelled && signal > 0 ? signal : exit;
