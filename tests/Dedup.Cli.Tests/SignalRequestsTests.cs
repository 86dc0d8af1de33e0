using System.Diagnostics;

namespace Dedup.Cli.Tests;

/// <summary>
/// The signals of a run: the first stops it, the same request delivered again within half a second (timeout(1) sends
/// its signal to the tool and then to the tool's process group) changes nothing, a later one ends the process at once.
/// </summary>
public sealed class SignalRequestsTests
{
    private static long After(long start, double seconds) => start + (long)(seconds * Stopwatch.Frequency);

    [Fact]
    public void The_first_signal_stops_a_repeat_within_half_a_second_passes_and_a_later_one_ends_at_once()
    {
        var requests = new SignalRequests();
        long start = Stopwatch.GetTimestamp();

        Assert.Equal(SignalRequest.Stop, requests.Arrive(start));
        Assert.Equal(SignalRequest.Repeated, requests.Arrive(start));
        Assert.Equal(SignalRequest.Repeated, requests.Arrive(After(start, 0.2)));
        Assert.Equal(SignalRequest.Repeated, requests.Arrive(After(start, 0.49)));
        Assert.Equal(SignalRequest.EndAtOnce, requests.Arrive(After(start, 0.6)));

        // Measured from the first, not from the last repeat: a stream of repeats does not put off the end.
        Assert.Equal(SignalRequest.EndAtOnce, requests.Arrive(After(start, 5)));
    }

    [Fact]
    public void Of_signals_that_arrive_at_once_on_several_threads_exactly_one_stops_the_run()
    {
        var requests = new SignalRequests();
        long now = Stopwatch.GetTimestamp();
        SignalRequest[] seen = new SignalRequest[64];
        Parallel.For(0, seen.Length, i => seen[i] = requests.Arrive(now));
        Assert.Equal(1, seen.Count(r => r == SignalRequest.Stop));
        Assert.Equal(seen.Length - 1, seen.Count(r => r == SignalRequest.Repeated));
    }
}
