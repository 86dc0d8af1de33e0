using System.Text.Json;

namespace Dedup.Cli.Tests;

/// <summary>
/// <c>dedup compare</c> on a rewrite that shares no phrase with its source (as a language model writes one): the
/// aligned sentences and their shared facts are the evidence, in the text output and in the JSON. And on a templated
/// report: the aligned sentences' numbers disagree, and the reason says so.
/// </summary>
public sealed class CompareAlignmentTests : IDisposable
{
    private const string Original = """
        Harbour council approves new ferry terminal

        The Kestrel Bay harbour council approved plans on Tuesday for a new ferry terminal costing 48 million pounds, ending a dispute that has lasted four years.

        Council leader Margaret Okafor said the terminal would handle 1.2 million passengers a year when it opens in 2028, double the capacity of the present building.

        Fishermen in Kestrel Bay had opposed the scheme, arguing that dredging the eastern channel would damage the crab grounds that supply 300 local jobs.

        Under the approved plan, the operator Northline Ferries will pay 6 million pounds into a fund to restore the seabed and monitor the crab stocks for ten years.

        Work on the site is due to begin in March, and the old terminal will be demolished once the new one opens.
        """;

    private const string Rewrite = """
        Kestrel Bay backs 48m ferry terminal after long row

        Councillors in Kestrel Bay have given the green light to a ferry terminal worth 48 million pounds, bringing to a close a four-year argument over the harbour.

        According to council leader Margaret Okafor, once the building opens in 2028 it will be able to cope with 1.2 million travellers annually, twice as many as the existing terminal.

        Local fishermen fought the project, warning that deepening the eastern channel would harm crab grounds on which 300 jobs in Kestrel Bay depend.

        As part of the deal, Northline Ferries, which will run the terminal, is to put 6 million pounds towards a fund that will restore the seabed and track crab numbers for a decade.

        Construction is expected to start in March, with the current terminal to be knocked down after its replacement is finished.
        """;

    private const string MondayReport = """
        Fed adds reserves via customer repurchases

        The Federal Reserve entered the government securities market to arrange 1.5 billion dlrs of customer repurchase agreements, a Fed spokesman said.

        Dealers said federal funds were trading at 6-1/4 pct when the Fed began its temporary and indirect supply of reserves to the banking system. Funds averaged 6.12 pct on Friday.
        """;

    private const string TuesdayReport = """
        Fed adds reserves via customer repurchases

        The Federal Reserve entered the government securities market to arrange 2.5 billion dlrs of customer repurchase agreements, a Fed spokesman said.

        Dealers said federal funds were trading at 6-3/16 pct when the Fed began its temporary and indirect supply of reserves to the banking system. Funds averaged 6.25 pct on Monday.
        """;

    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    /// <summary>
    /// A copy's new headline and dateline, before its first shared passage, are shown as an edit, as the changes between
    /// passages are (they were never shown: a client's trial); the rest of a page that carries a story among other text
    /// is not shown as an edit of the story.
    /// </summary>
    [Fact]
    public async Task Edits_before_the_first_passage_are_shown_and_a_pages_other_text_is_not()
    {
        string body = Samples.Text(Samples.Storm);
        string a = _temp.Write("story.txt", "Storm batters the coast\n\n" + body);
        string b = _temp.Write("copy.txt", "Coast hit by winter storm\n\nLONDON (Wire) - " + body + "\n\nReporting by A. Writer");
        CliRun run = await Cli.RunAsync("compare", a, b);
        Assert.Contains("\nchanged before passage 1: a 0..", run.Out, StringComparison.Ordinal);
        Assert.Contains("  b | {+Coast hit by winter storm LONDON (Wire) -+}", run.Out, StringComparison.Ordinal);
        Assert.Matches(@"\nchanged after passage \d+: a \d+\.\.\d+, b \d+\.\.\d+\n", run.Out);

        string page = _temp.Write("page.txt", string.Concat(Enumerable.Repeat(Samples.Text(Samples.Rail) + "\n\n", 2)) + body);
        CliRun excerpt = await Cli.RunAsync("compare", page, _temp.Write("alone.txt", body));
        Assert.DoesNotContain("changed before passage", excerpt.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rewrite_lists_its_aligned_sentences_and_shared_facts()
    {
        string a = _temp.Write("original.txt", Original);
        string b = _temp.Write("rewrite.txt", Rewrite);
        CliRun run = await Cli.RunAsync("compare", a, b);
        Assert.True(run.ExitCode == ExitCodes.CopiesFound, run.ToString());
        Assert.Contains("kind: rewritten\n", run.Out, StringComparison.Ordinal);
        Assert.Matches(@"\naligned sentences: [4-9] ", run.Out);
        Assert.Matches(@"\nsentence \d+: a \d+\.\.\d+ ~ b \d+\.\.\d+ \| facts: [^\n]*Margaret, Okafor, 2028, 1\.2", run.Out);
        Assert.Contains("  b | According to council leader Margaret Okafor", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Json_has_the_aligned_sentences_with_their_text_and_facts()
    {
        string a = _temp.Write("original.txt", Original);
        string b = _temp.Write("rewrite.txt", Rewrite);
        CliRun run = await Cli.RunAsync("compare", a, b, "--json");
        Assert.True(run.ExitCode == ExitCodes.CopiesFound, run.ToString());
        using JsonDocument json = JsonDocument.Parse(run.Out);
        JsonElement root = json.RootElement;
        Assert.Equal("rewritten", root.GetProperty("kind").GetString());
        JsonElement[] aligned = [.. root.GetProperty("aligned").EnumerateArray()];
        Assert.True(aligned.Length >= 4, run.Out);
        JsonElement fund = Assert.Single(aligned, x => x.GetProperty("in_a").GetProperty("text").GetString()!.StartsWith("Under the approved plan", StringComparison.Ordinal));
        Assert.StartsWith("As part of the deal", fund.GetProperty("in_b").GetProperty("text").GetString(), StringComparison.Ordinal);
        string[] facts = [.. fund.GetProperty("shared_facts").EnumerateArray().Select(f => f.GetString()!)];
        Assert.Contains("Northline", facts);
        Assert.Contains("6", facts);
        Assert.Empty(fund.GetProperty("disagreeing_numbers").EnumerateArray());
        string original = Original.ReplaceLineEndings("\n");
        JsonElement inA = fund.GetProperty("in_a");
        Assert.Equal(inA.GetProperty("text").GetString(), original.Substring(inA.GetProperty("start").GetInt32(), inA.GetProperty("length").GetInt32()));
    }

    private const string MergerStudied = """
        American Motors Corp said it is studying a proposed merger with Chrysler Corp.
        American Motors said it received a letter from Chrysler Corp advising it of the proposal to enter into a merger with American Motors.
        In a brief statement, the company said it was studying the proposal and would comment further when appropriate.
        """;

    private const string MergerBacked = """
        The United Auto Workers union said it supports the proposal of Chrysler Corp to buy American Motors Corp, calling the merger a good match for workers at both companies.
        The union said the purchase by Chrysler was a logical step, and that it was studying how the proposal would affect its members at American Motors.
        """;

    /// <summary>Runs <c>compare --json</c> on two texts written to files and checks that it found no copy; returns the run and its JSON.</summary>
    private async Task<(CliRun Run, JsonDocument Json)> CompareNoCopyAsync((string Name, string Text) first, (string Name, string Text) second)
    {
        CliRun run = await Cli.RunAsync("compare", _temp.Write(first.Name, first.Text), _temp.Write(second.Name, second.Text), "--json");
        Assert.True(run.ExitCode == ExitCodes.Ok, run.ToString());
        JsonDocument json = JsonDocument.Parse(run.Out);
        Assert.False(json.RootElement.GetProperty("is_copy").GetBoolean(), run.Out);
        return (run, json);
    }

    [Fact]
    public async Task Short_reports_on_one_subject_say_why_their_paraphrase_score_did_not_count()
    {
        (CliRun run, JsonDocument json) = await CompareNoCopyAsync(("studied.txt", MergerStudied), ("backed.txt", MergerBacked));
        using JsonDocument disposing = json;
        JsonElement root = json.RootElement;
        Assert.True(root.GetProperty("paraphrase").GetDouble() >= 0.6, run.Out);
        Assert.Contains("at least 40 content terms", root.GetProperty("reason").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Template_report_of_another_day_is_no_copy_and_its_numbers_disagree()
    {
        (_, JsonDocument json) = await CompareNoCopyAsync(("monday.txt", MondayReport), ("tuesday.txt", TuesdayReport));
        using JsonDocument disposing = json;
        JsonElement root = json.RootElement;
        Assert.Contains("template", root.GetProperty("reason").GetString(), StringComparison.Ordinal);
        string[] disagreeing = [.. root.GetProperty("aligned").EnumerateArray().SelectMany(x => x.GetProperty("disagreeing_numbers").EnumerateArray()).Select(n => n.GetString()!)];
        Assert.Contains(disagreeing, n => n is "6-1/4" or "6-3/16");
        Assert.Contains(disagreeing, n => n is "1.5" or "2.5");
    }
}
