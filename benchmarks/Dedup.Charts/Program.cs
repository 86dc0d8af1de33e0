using System.Globalization;
using ScottPlot;

// dotnet run --project benchmarks/Dedup.Charts -- growth.csv growth.png
// growth.csv: articles,seconds,peak_mb[,wall_seconds] (a header line, then one line per corpus size; seconds of CPU,
// /usr/bin/time user; the wall clock, when given, is drawn too: the targets are wall-clock times).
if (args.Length < 2)
{
    Console.Error.WriteLine("usage: Dedup.Charts MEASUREMENTS.csv OUT.png");
    return 2;
}

var rows = File.ReadAllLines(args[0])
    .Skip(1)
    .Where(l => l.Trim().Length > 0)
    .Select(l => l.Split(','))
    .Select(f => (
        Articles: double.Parse(f[0], CultureInfo.InvariantCulture),
        Seconds: double.Parse(f[1], CultureInfo.InvariantCulture),
        PeakMb: double.Parse(f[2], CultureInfo.InvariantCulture),
        Wall: f.Length > 3 && f[3].Trim().Length > 0 ? double.Parse(f[3], CultureInfo.InvariantCulture) : double.NaN))
    .ToArray();

double[] xs = [.. rows.Select(r => Math.Log10(r.Articles))];

// Each measure as a multiple of its value at the smallest corpus, on log scales, beside the corpus itself: a measure
// linear in the corpus runs along the "linear" line, one that grows faster climbs above it.
double[] Growth(Func<(double Articles, double Seconds, double PeakMb, double Wall), double> of) => [.. rows.Select(r => Math.Log10(of(r) / of(rows[0])))];
var plot = new Plot();
var linear = plot.Add.Scatter(xs, Growth(r => r.Articles));
linear.LegendText = "linear in the articles";
linear.LinePattern = LinePattern.Dotted;
linear.MarkerSize = 0;
linear.Color = Colors.Gray;
var time = plot.Add.Scatter(xs, Growth(r => r.Seconds));
time.LegendText = "scan CPU time (user s)";
time.MarkerSize = 8;
if (rows.All(r => !double.IsNaN(r.Wall)))
{
    var wall = plot.Add.Scatter(xs, Growth(r => r.Wall));
    wall.LegendText = "scan wall clock";
    wall.MarkerSize = 8;
    wall.LinePattern = LinePattern.Dashed;
}

var memory = plot.Add.Scatter(xs, Growth(r => r.PeakMb));
memory.LegendText = "peak memory";
memory.MarkerSize = 8;
plot.Axes.Bottom.Label.Text = "articles (log scale)";
plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
    [.. rows.Select(r => Math.Log10(r.Articles))],
    [.. rows.Select(r => r.Articles.ToString("N0", CultureInfo.InvariantCulture))]);
double top = Math.Ceiling(new[] { Growth(r => r.Articles), Growth(r => r.Seconds), Growth(r => r.PeakMb) }.SelectMany(g => g).Max());
plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
    [.. Enumerable.Range(0, (int)top + 1).Select(e => (double)e)],
    [.. Enumerable.Range(0, (int)top + 1).Select(e => Math.Pow(10, e).ToString("N0", CultureInfo.InvariantCulture) + "×")]);
plot.Axes.Left.Label.Text = $"× the {rows[0].Articles:N0}-article figure (log scale)";
plot.Title("dedup scan of the synthetic corpus: growth");
plot.ShowLegend(Alignment.UpperLeft);
plot.SavePng(args[1], 760, 440);
Console.WriteLine($"{args[1]}: {rows.Length} points");
return 0;
