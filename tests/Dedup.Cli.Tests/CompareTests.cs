using System.Text;
using System.Text.Json;

namespace Dedup.Cli.Tests;

/// <summary><c>dedup compare</c> end to end (needs the real detector).</summary>
public sealed class CompareTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Syndicated_copy_is_explained_with_changes_and_boilerplate()
    {
        string a = _temp.Write("storm.txt", Samples.Text(Samples.Storm));
        string b = _temp.Write("copy.txt", Samples.Text(Samples.Syndicated));
        CliRun run = await Cli.RunAsync("compare", a, b);
        Assert.True(run.ExitCode == ExitCodes.CopiesFound, run.ToString());
        Assert.Contains("kind: syndicated\n", run.Out, StringComparison.Ordinal);
        Assert.Matches(@"\njaccard: 0\.\d{4}\n", run.Out);
        Assert.Contains("passage 1 (", run.Out, StringComparison.Ordinal);
        Assert.Contains("{+kph+}", run.Out, StringComparison.Ordinal);
        Assert.Contains("boilerplate removed from b:", run.Out, StringComparison.Ordinal);
        Assert.Contains("  b | ALSO READ: Five things to know", run.Out, StringComparison.Ordinal);
    }

    /// <summary>
    /// A text's control characters reach the terminal as symbols, not as escape sequences (a title-setting and
    /// screen-clearing sequence in a compared file went out as it was); JSON keeps the text, escaped.
    /// </summary>
    /// <summary>
    /// A JSON Lines file given to compare (a user's trial: the shipped samples file against a text) was compared as one
    /// text, its JSON, and called an excerpt. It is refused, saying what scan does with it. A text that merely begins with
    /// a brace, or with JSON without a "text", is compared.
    /// </summary>
    [Fact]
    public async Task A_JSON_Lines_file_is_refused_with_a_pointer_to_scan()
    {
        string text = _temp.Write("storm.txt", Samples.Text(Samples.Storm));
        CliRun run = await Cli.RunAsync("compare", Cli.NewsSample, text);

        Assert.Equal(ExitCodes.BadInput, run.ExitCode);
        Assert.Contains("JSON Lines", run.Error, StringComparison.Ordinal);
        Assert.Contains("dedup scan", run.Error, StringComparison.Ordinal);
        Assert.Single(run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Empty(run.Out);

        string braces = _temp.Write("braces.txt", "{\"note\": \"a config\"}\n" + Samples.Text(Samples.Storm));
        Assert.NotEqual(ExitCodes.BadInput, (await Cli.RunAsync("compare", braces, text)).ExitCode);
        Assert.False(Dedup.Cli.Commands.CompareCommand.IsJsonLines("{a brace that opens a text}"));
        Assert.True(Dedup.Cli.Commands.CompareCommand.IsJsonLines("  {\"id\": \"x\", \"text\": \"A story.\"}\r\n{\"id\": \"y\"}"));
    }

    [Fact]
    public async Task Control_characters_of_the_texts_are_printed_as_symbols_not_sent_to_the_terminal()
    {
        string original = Samples.Text(Samples.Storm);
        int at = original.IndexOf(". ", StringComparison.Ordinal) + 1;
        string injected = original[..at] + " \u001B]0;HACKED\u0007\u001B[2J\u009B31m" + original[at..];
        string a = _temp.Write("storm.txt", original);
        string b = _temp.Write("injected.txt", injected);

        CliRun run = await Cli.RunAsync("compare", b, a);
        Assert.True(run.ExitCode == ExitCodes.CopiesFound, run.ToString());
        Assert.Contains("HACKED", run.Out, StringComparison.Ordinal);
        Assert.DoesNotContain('\u001B', run.Out);
        Assert.DoesNotContain('\u0007', run.Out);
        Assert.DoesNotContain('\u009B', run.Out);
        Assert.Contains("\u241B]0;HACKED\u2407\u241B[2J\uFFFD31m", run.Out, StringComparison.Ordinal);

        CliRun json = await Cli.RunAsync("compare", b, a, "--json");
        Assert.DoesNotContain('\u001B', json.Out);
        Assert.DoesNotContain('\u241B', json.Out);
        Assert.Equal(run.ExitCode, json.ExitCode);
    }

    [Fact]
    public void Terminal_text_keeps_its_length_and_its_line_breaks()
    {
        Assert.Same("plain text\nwith\ttabs\r\n", Cli.Printable("plain text\nwith\ttabs\r\n"));
        Assert.Equal("a\u240Db\u2421c\u2400\uFFFD", Cli.Printable("a\rb\u007Fc\0\u0085"));
        Assert.Equal("end\u240D", Cli.Printable("end\r"));
    }

    [Fact]
    public async Task Spun_copy_is_rewritten_and_unrelated_text_is_not_a_copy()
    {
        string original = _temp.Write("original.txt", Samples.Text(Samples.Diplomacy));
        string spun = _temp.Write("spun.txt", Samples.Text(Samples.Spun));
        string other = _temp.Write("other.txt", Samples.Text(Samples.Heatwave));

        CliRun rewritten = await Cli.RunAsync("compare", original, spun);
        Assert.True(rewritten.ExitCode == ExitCodes.CopiesFound, rewritten.ToString());
        Assert.Contains("kind: rewritten\n", rewritten.Out, StringComparison.Ordinal);
        Assert.Contains("{+Blink+}", rewritten.Out, StringComparison.Ordinal);

        CliRun unrelated = await Cli.RunAsync("compare", original, other);
        Assert.True(unrelated.ExitCode == ExitCodes.Ok, unrelated.ToString());
        Assert.Contains("kind: not a copy\n", unrelated.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Json_comparison_has_scores_passages_and_boilerplate_and_reads_stdin()
    {
        string a = _temp.Write("storm.txt", Samples.Text(Samples.Storm));
        CliRun run = await Cli.RunWithInputAsync(Encoding.UTF8.GetBytes(Samples.Text(Samples.Syndicated)), "compare", a, "-", "--json");
        Assert.True(run.ExitCode == ExitCodes.CopiesFound, run.ToString());
        using JsonDocument json = JsonDocument.Parse(run.Out);
        JsonElement root = json.RootElement;
        Assert.Equal("<stdin>", root.GetProperty("b").GetString());
        Assert.True(root.GetProperty("is_copy").GetBoolean());
        Assert.Equal("syndicated", root.GetProperty("kind").GetString());

        // Every score the plain output prints, under the same name and with the same value (facts and aligned_share
        // were missing from the JSON, and "aligned" named a score in one and the aligned sentences in the other).
        CliRun plain = await Cli.RunWithInputAsync(Encoding.UTF8.GetBytes(Samples.Text(Samples.Syndicated)), "compare", a, "-");
        foreach (string line in plain.Out.Split('\n').TakeWhile(l => !l.StartsWith("simhash_distance:", StringComparison.Ordinal)).Where(l => l.Contains(": ", StringComparison.Ordinal)))
        {
            (string key, string value) = (line[..line.IndexOf(": ", StringComparison.Ordinal)], line[(line.IndexOf(": ", StringComparison.Ordinal) + 2)..]);
            if (key is "a" or "b" or "kind")
            {
                continue;
            }

            Assert.True(root.TryGetProperty(key, out JsonElement number), $"{key} is in the plain output, not in the JSON");
            Assert.Equal(double.Parse(value, System.Globalization.CultureInfo.InvariantCulture), number.GetDouble(), 4);
        }

        Assert.Equal(JsonValueKind.Array, root.GetProperty("aligned").ValueKind);
        JsonElement passage = root.GetProperty("passages")[0];
        Assert.Equal(passage.GetProperty("in_a").GetProperty("length").GetInt32(), passage.GetProperty("in_a").GetProperty("text").GetString()!.Length);
        Assert.Contains(root.GetProperty("boilerplate_b").EnumerateArray(), s => s.GetProperty("text").GetString()!.StartsWith("ALSO READ", StringComparison.Ordinal));
        Assert.Empty(root.GetProperty("boilerplate_a").EnumerateArray());
    }
    [Fact]
    public async Task Json_passages_index_the_files_own_text_even_after_character_references()
    {
        // Each "&amp;" is five characters of the file for one of the decoded text: the passage must still end at
        // "Saturday" in the file that has them, and its text must be sliced from that file.
        const string Encoded = "The merger of AT&amp;T &amp; Verizon was approved by regulators in Washington on Saturday.\nShares of both rose.";
        const string Decoded = "The merger of AT&T & Verizon was approved by regulators in Washington on Saturday.\nShares of both rose.";
        string a = _temp.Write("encoded.txt", Encoded);
        string b = _temp.Write("decoded.txt", Decoded);
        CliRun run = await Cli.RunAsync("compare", a, b, "--json");
        Assert.True(run.ExitCode == ExitCodes.CopiesFound, run.ToString());
        using JsonDocument json = JsonDocument.Parse(run.Out);
        JsonElement passage = Assert.Single(json.RootElement.GetProperty("passages").EnumerateArray());
        Assert.True(passage.GetProperty("exact").GetBoolean());
        JsonElement inA = passage.GetProperty("in_a");
        JsonElement inB = passage.GetProperty("in_b");
        Assert.Equal("The merger of AT&amp;T &amp; Verizon was approved by regulators in Washington on Saturday.\nShares of both rose", inA.GetProperty("text").GetString());
        Assert.Equal((0, Encoded.Length - 1), (inA.GetProperty("start").GetInt32(), inA.GetProperty("length").GetInt32()));
        Assert.Equal("The merger of AT&T & Verizon was approved by regulators in Washington on Saturday.\nShares of both rose", inB.GetProperty("text").GetString());
    }
}
