namespace Dedup.Cli;

/// <summary>
/// Tells a run's signals apart: the first asks the run to stop (a cancellation); another within
/// <see cref="SameRequest"/> of it is that request delivered again, and is let pass; a later one asks to end at once,
/// for a run that cannot notice the first (a read from a terminal or a pipe that sends nothing). timeout(1) signals the
/// tool and then its whole process group, and a terminal's Ctrl+C reaches every process of the group: one request came
/// as two signals, and the run ended at once, with no word and its temporary files left (a client's trial: 8 of 40 runs
/// stopped by timeout). Safe for concurrent signals.
/// </summary>
internal sealed class SignalRequests
{
    /// <summary>A signal this soon after the first is the same request.</summary>
    public static readonly TimeSpan SameRequest = TimeSpan.FromSeconds(0.5);

    private long _first;

    /// <summary>What a signal, arriving at <paramref name="timestamp"/> (<see cref="System.Diagnostics.Stopwatch.GetTimestamp"/>), asks.</summary>
    public SignalRequest Arrive(long timestamp)
    {
        long first = Interlocked.CompareExchange(ref _first, timestamp, 0);
        return first == 0 ? SignalRequest.Stop
            : System.Diagnostics.Stopwatch.GetElapsedTime(first, timestamp) < SameRequest ? SignalRequest.Repeated
            : SignalRequest.EndAtOnce;
    }
}

/// <summary>What a signal asks of a run (<see cref="SignalRequests"/>).</summary>
internal enum SignalRequest
{
    /// <summary>The first: stop the run as a cancellation.</summary>
    Stop,

    /// <summary>The first request sent again: nothing more to do.</summary>
    Repeated,

    /// <summary>A second request: end the process at once.</summary>
    EndAtOnce,
}
