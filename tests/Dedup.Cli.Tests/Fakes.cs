using Dedup.Detection;

namespace Dedup.Cli.Tests;

/// <summary>Hand-made detector results, to test the outputs without the detector.</summary>
internal static class Fakes
{
    public static readonly Article Original = new("orig", "The council approved the <budget> & the tunnel on Monday.\n\nALSO READ: something else", "Council backs \"tunnel\"", new DateTimeOffset(2025, 1, 20, 22, 10, 0, TimeSpan.Zero), "Wire");
    public static readonly Article Copy = new("copy", "The council approved the <budget> & the tunnel on Tuesday.");
    public static readonly Article Spun = new("spun", "The assembly authorised the <budget> & the tunnel on Monday.");
    public static readonly Article Alone = new("17", "Something unrelated <script>alert(1)</script>.");

    public static readonly Article[] Articles = [Original, Copy, Spun, Alone];

    public static ScanResult Result { get; } = new(
        [
            new CopyPair("orig", "copy", CopyKind.Syndicated, 0.91234567, new MatchScores(0.8, 0.9, 0.95, 0.97)),
            new CopyPair("orig", "spun", CopyKind.Rewritten, 0.7, new MatchScores(0.2, 0.25, 0.3, 0.88, ParaphraseScore: 0.7, FactScore: 0.9412, AlignedScore: 0.8)),
        ],
        [
            new CopyCluster("orig", "orig", ["orig", "copy", "spun"]),
            new CopyCluster("17", "17", ["17"]),
        ],
        4,
        Articles.Sum(a => (long)a.Text.Length),
        TimeSpan.FromMilliseconds(1500));

    /// <summary>A comparison whose passages cover "the &lt;budget&gt; &amp; the tunnel on" in both texts (after the title for the original).</summary>
    public static Comparison Compare(Article first, Article second)
    {
        string a = first.Title is null ? first.Text : first.Title + "\n\n" + first.Text;
        string b = second.Title is null ? second.Text : second.Title + "\n\n" + second.Text;
        const string shared = "the <budget> & the tunnel on";
        var passage = new SharedPassage(
            new TextSpan(a.IndexOf(shared, StringComparison.Ordinal), shared.Length),
            new TextSpan(b.IndexOf(shared, StringComparison.Ordinal), shared.Length),
            Exact: second.Id != "spun");
        int also = a.IndexOf("ALSO READ", StringComparison.Ordinal);
        TextSpan[] boilerplate = also >= 0 ? [new TextSpan(also, a.Length - also)] : [];
        CopyKind? kind = second.Id switch { "copy" => CopyKind.Syndicated, "spun" => CopyKind.Rewritten, _ => null };
        return new Comparison(kind, kind is null ? 0.1 : 0.9, new MatchScores(0.5, 0.6, 0.7, 0.8), [passage], boilerplate, []);
    }
}
