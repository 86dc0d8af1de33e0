using System.Text;
using Dedup.Fuzz;

namespace Dedup.Cli.Tests;

/// <summary>
/// The fuzz targets of tests/Dedup.Fuzz run in the test suite: on every input the fuzzer once failed on
/// (tests/Dedup.Fuzz/regressions/TARGET/), on the inputs the probes of issue 13 found, and on seeded random inputs
/// for a bounded time. A failure is a crash the fuzzer would find again; docs/fuzzing.md says how to run the fuzzer.
/// </summary>
public sealed class FuzzRegressionTests
{
    public static TheoryData<string, string> Regressions()
    {
        var data = new TheoryData<string, string>();
        string folder = Path.Combine(AppContext.BaseDirectory, "fuzz-regressions");
        foreach (string target in FuzzTargets.Names)
        {
            string dir = Path.Combine(folder, target);
            if (Directory.Exists(dir))
            {
                foreach (string file in Directory.GetFiles(dir).Order(StringComparer.Ordinal))
                {
                    data.Add(target, Path.GetFileName(file));
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Regressions))]
    public void Every_input_the_fuzzer_failed_on_is_handled(string target, string file)
        => FuzzTargets.Run(target, File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "fuzz-regressions", target, file)));

    [Theory]
    [InlineData("{\"id\": \"a\", \"text\": \"abc \\ud800 def\"}\n")]
    [InlineData("{\"id\": \"\\udc00\", \"text\": \"x\"}\n{\"id\": 1e400, \"text\": \"y\"}\n")]
    [InlineData("{\"id\": 17, \"text\": \"a\"}\n{\"id\": 1.7e1, \"text\": \"b\"}\n{\"id\": \"x\", \"text\": \"a\", \"text\": \"b\"}\n")]
    public void The_probed_JSONL_inputs_are_handled(string input) => FuzzTargets.JsonLines(Encoding.UTF8.GetBytes(input));

    /// <summary>Seeded random inputs for each target, a few seconds in all: the fuzzer's job in miniature, on every run.</summary>
    [Theory]
    [InlineData("jsonl")]
    [InlineData("text")]
    [InlineData("snapshot")]
    public void Random_inputs_are_handled(string target)
    {
        var random = new Random(13);
        byte[] alphabet = [.. "{}[]\":,.0123456789eE-+ \\u\n\r\ttextidtitle"u8, 0, 0xFF, 0xC3, 0xA9, 0xED, 0xA0, 0x80];
        using var seeds = new TempFolder();
        FuzzTargets.WriteSeeds(seeds.Path, Path.Combine(Cli.RepoRoot, "samples"));
        byte[][] valid = [.. Directory.GetFiles(Path.Combine(seeds.Path, target)).Order(StringComparer.Ordinal).Select(File.ReadAllBytes)];
        for (int i = 0; i < 300; i++)
        {
            byte[] input;
            if (i % 2 == 0)
            {
                // A valid input with a few bytes changed, cut or not: reaches past the magic bytes and the JSON syntax.
                input = (byte[])valid[i / 2 % valid.Length].Clone();
                for (int flips = random.Next(1, 4); flips > 0; flips--)
                {
                    input[random.Next(1, input.Length)] = (byte)random.Next(256);
                }

                if (random.Next(3) == 0)
                {
                    input = input[..random.Next(1, input.Length)];
                }
            }
            else
            {
                input = new byte[random.Next(0, 400)];
                for (int j = 0; j < input.Length; j++)
                {
                    input[j] = random.Next(4) == 0 ? (byte)random.Next(256) : alphabet[random.Next(alphabet.Length)];
                }

                if (target == "snapshot" && input.Length > 0)
                {
                    input[0] = (byte)(i % 4);
                }
            }

            FuzzTargets.Run(target, input);
        }
    }
}
