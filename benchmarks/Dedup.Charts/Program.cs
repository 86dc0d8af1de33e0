using System.Globalization;
using ScottPlot;

// dotnet run --project benchmarks/Dedup.Charts -- growth.csv growth.png
// growth.csv: articles,seconds,peak_mb (a header line, then one line per corpus size; seconds of CPU, /usr/bin/time user).
if (args.Length < 2)
{
    Console.Error.WriteLine("usage: Dedup.Charts MEASUREMENTS.csv OUT.png");
    return 2;
}

var rows = File.ReadAllLines(args[0])
    .Skip(1)
    .Where(l => l.Trim().Length > 0)
    .Select(l => l.Split(','))
    .Select(f => (Articles: double.Parse(f[0], CultureInfo.InvariantCulture), Seconds: double.Parse(f[1], CultureInfo.InvariantCulture), PeakMb: double.Parse(f[2], CultureInfo.InvariantCulture)))
    .ToArray();

double[] xs = [.. rows.Select(r => Math.Log10(r.Articles))];
var plot = new Plot();
var time = plot.Add.Scatter(xs, [.. rows.Select(r => r.Seconds)]);
time.LegendText = "scan CPU time (user s, left)";
time.MarkerSize = 8;
var memory = plot.Add.Scatter(xs, [.. rows.Select(r => r.PeakMb / 1024)]);
memory.LegendText = "peak memory (GB, right)";
memory.MarkerSize = 8;
memory.Axes.YAxis = plot.Axes.Right;
plot.Axes.Bottom.Label.Text = "articles (log scale)";
plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
    [.. rows.Select(r => Math.Log10(r.Articles))],
    [.. rows.Select(r => r.Articles.ToString("N0", CultureInfo.InvariantCulture))]);
plot.Axes.Left.Label.Text = "CPU seconds";
plot.Axes.Right.Label.Text = "GB";
plot.Title("dedup scan of the synthetic corpus: growth");
plot.ShowLegend(Alignment.UpperLeft);
plot.SavePng(args[1], 640, 400);
Console.WriteLine($"{args[1]}: {rows.Length} points");
return 0;
