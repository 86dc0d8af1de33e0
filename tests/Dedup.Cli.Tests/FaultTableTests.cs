using System.Text.RegularExpressions;

namespace Dedup.Cli.Tests;

/// <summary>
/// docs/faults.md and docs/limits.md map each fault, bad input and limit of issue 13 to the test that keeps it
/// handled: every test they name must exist, so a renamed or deleted test cannot leave a row pointing at nothing.
/// </summary>
public sealed partial class FaultTableTests
{
    [Theory]
    [InlineData("docs/faults.md")]
    [InlineData("docs/limits.md")]
    public void Every_test_a_table_names_exists(string doc)
    {
        string text = File.ReadAllText(Path.Combine(Cli.RepoRoot, doc));
        string[] sources = [.. Directory.EnumerateFiles(Path.Combine(Cli.RepoRoot, "tests"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))];
        var missing = new List<string>();
        int named = 0;
        foreach (Match match in Named().Matches(text))
        {
            string type = match.Groups["type"].Value;
            string method = match.Groups["method"].Value;
            named++;
            IEnumerable<string> files = type.Length == 0 ? sources : sources.Where(f => Path.GetFileNameWithoutExtension(f) == type);
            bool found = method.Length == 0
                ? files.Any()
                : files.Any(f => Regex.IsMatch(File.ReadAllText(f), $@"\b(?:Task|void|Property)\s+{Regex.Escape(method)}\("));
            if (!found)
            {
                missing.Add(match.Value);
            }
        }

        Assert.True(named >= 10, $"{doc} names only {named} tests");
        Assert.True(missing.Count == 0, $"{doc} names tests that do not exist: {string.Join(", ", missing)}");
    }

    // `HardeningTests.A_test_name`, `FuzzRegressionTests` or a bare `A_test_name_of_four_words` in backticks.
    [GeneratedRegex(@"`(?:(?<type>[A-Z]\w*Tests)(?:\.(?<method>\w+))?|(?<method>[A-Z][A-Za-z0-9]*(?:_[A-Za-z0-9]+){3,}))`")]
    private static partial Regex Named();
}
