using System.Text;
using Dedup.Cli;
using Dedup.Cli.Input;
using Dedup.Detection;
using Dedup.Indexing;
using Dedup.Sketches;

namespace Dedup.Fuzz;

/// <summary>
/// The fuzz targets: each takes arbitrary bytes and must either succeed or throw one of the exceptions its API
/// documents for bad input; anything else (another exception, a hang, a crash) is a bug. The regression tests in
/// tests/Dedup.Cli.Tests/FuzzRegressionTests.cs run the same targets on every input that once failed.
/// </summary>
public static class FuzzTargets
{
    /// <summary>The names of the targets, as given on the command line.</summary>
    public static IReadOnlyList<string> Names { get; } = ["jsonl", "text", "snapshot"];

    /// <summary>Runs one target on one input.</summary>
    public static void Run(string target, ReadOnlySpan<byte> input)
    {
        switch (target)
        {
            case "jsonl":
                JsonLines(input.ToArray());
                break;
            case "text":
                Text(input);
                break;
            case "snapshot":
                Snapshot(input);
                break;
            default:
                throw new ArgumentException($"unknown target '{target}'; expected one of {string.Join(", ", Names)}", nameof(target));
        }
    }

    /// <summary>
    /// The JSONL reader of the tool, as <c>dedup scan -</c> would read standard input, with and without skip-bad: bad
    /// input may only end in a <see cref="CliException"/> with exit code 2 (bad input).
    /// </summary>
    public static void JsonLines(byte[] input)
    {
        foreach (bool skipBad in (bool[])[true, false])
        {
            using var stdin = new MemoryStream(input);
            var console = new CliConsole(TextWriter.Null, TextWriter.Null, () => stdin);
            try
            {
                ArticleSet set = new ArticleReader(console, skipBad).ReadAsync("-", CancellationToken.None).GetAwaiter().GetResult();
                foreach (Article article in set.Articles)
                {
                    if (string.IsNullOrWhiteSpace(article.Text) || string.IsNullOrWhiteSpace(article.Id))
                    {
                        throw new InvalidOperationException("the reader let an empty id or text through");
                    }
                }
            }
            catch (CliException e) when (e.ExitCode == ExitCodes.BadInput)
            {
            }
        }

        // Each valid UTF-8 line reads the same with the text found by hand as with the JSON reader alone.
        foreach (ReadOnlyMemory<byte> line in Lines(input))
        {
            if (Utf8Check.FindInvalid(line.Span) >= 0)
            {
                continue;
            }

            foreach (bool keepText in (bool[])[true, false])
            {
                if (ArticleReader.ParseLine(line, keepText) != ArticleReader.ParseLineWithReader(line, keepText))
                {
                    throw new InvalidOperationException($"the quick reading differs from the JSON reader's on {Encoding.UTF8.GetString(line.Span)}");
                }
            }

            var kept = ArticleReader.ParseLineWithReader(line, keepText: false).Article ?? new Article("a", string.Empty);
            if (ArticleReader.ParseAgain(line.Span, kept) != ArticleReader.ParseAgainWithReader(line.Span, kept))
            {
                throw new InvalidOperationException($"reading again differs from the JSON reader's on {Encoding.UTF8.GetString(line.Span)}");
            }
        }
    }

    private static IEnumerable<ReadOnlyMemory<byte>> Lines(byte[] input)
    {
        int start = 0;
        for (int i = 0; i <= input.Length; i++)
        {
            if (i == input.Length || input[i] == (byte)'\n')
            {
                yield return input.AsMemory(start, i - start);
                start = i + 1;
            }
        }
    }

    /// <summary>
    /// The text pipeline (normalization, tokenization, shingling, verification and evidence): the input, split at its
    /// first zero byte, is two texts to compare; every evidence range must lie inside its text.
    /// </summary>
    public static void Text(ReadOnlySpan<byte> input)
    {
        int split = input.IndexOf((byte)0);
        string a = Encoding.UTF8.GetString(split < 0 ? input : input[..split]);
        string b = split < 0 ? a : Encoding.UTF8.GetString(input[(split + 1)..]);
        if (string.IsNullOrWhiteSpace(a) || string.IsNullOrWhiteSpace(b))
        {
            return; // refused by rule (ArgumentException), tested elsewhere
        }

        var detector = new CopyDetector();
        Comparison comparison = detector.Compare(new Article("a", a), new Article("b", b));
        foreach (SharedPassage passage in comparison.Passages)
        {
            Check(passage.First, a);
            Check(passage.Second, b);
        }

        foreach (TextSpan span in comparison.BoilerplateInFirst)
        {
            Check(span, a);
        }

        if (comparison.Score is < 0 or > 1 or double.NaN)
        {
            throw new InvalidOperationException($"score {comparison.Score} outside [0, 1]");
        }

        detector.Add("a", a);
        detector.FindCopies(new Article(string.Empty, b));
    }

    /// <summary>
    /// The binary readers: the first byte picks a signature, a detector snapshot, an LSH index snapshot or a SimHash
    /// index snapshot; the rest is read as one. Only FormatException (signatures) and InvalidDataException (snapshots)
    /// may come out.
    /// </summary>
    public static void Snapshot(ReadOnlySpan<byte> input)
    {
        if (input.IsEmpty)
        {
            return;
        }

        byte kind = input[0];
        using var stream = new MemoryStream(input[1..].ToArray());
        try
        {
            switch (kind % 4)
            {
                case 0:
                    MinHashSignature.FromBytes(input[1..]);
                    break;
                case 1:
                    CopyDetector.Load(stream).FindCopies(new Article(string.Empty, "probe text for the loaded index"));
                    break;
                case 2:
                    MinHashLshIndex index = MinHashLshIndex.Load(stream);
                    index.Query(new uint[index.NumPermutations]);
                    break;
                default:
                    SimHashIndex.Load(stream);
                    break;
            }
        }
        catch (FormatException) when (kind % 4 == 0)
        {
        }
        catch (InvalidDataException) when (kind % 4 != 0)
        {
        }
    }

    /// <summary>Writes a few valid inputs of each target into <paramref name="folder"/>/TARGET/, as seeds for the fuzzer.</summary>
    public static void WriteSeeds(string folder, string samples)
    {
        string jsonl = Directory.CreateDirectory(Path.Combine(folder, "jsonl")).FullName;
        string[] lines = File.ReadAllLines(Path.Combine(samples, "news.jsonl"));
        File.WriteAllText(Path.Combine(jsonl, "two.jsonl"), lines[0][..Math.Min(lines[0].Length, 600)] + "\"}\n" + "{\"id\": 17, \"text\": \"short \\u00e9 text\", \"title\": \"t\", \"published\": \"2025-01-18T07:45:00Z\"}\n");
        File.WriteAllText(Path.Combine(jsonl, "bad.jsonl"), "{\"id\": \"a\", \"text\": \"x\", \"text\": \"y\"}\n[1]\n{\"id\": 1.5}\n");

        string text = Directory.CreateDirectory(Path.Combine(folder, "text")).FullName;
        string spun = File.ReadAllText(Path.Combine(samples, "spun-article.txt"));
        File.WriteAllBytes(Path.Combine(text, "pair.txt"), [.. Encoding.UTF8.GetBytes(spun[..Math.Min(spun.Length, 1500)]), 0, .. Encoding.UTF8.GetBytes(spun[..Math.Min(spun.Length, 900)])]);
        File.WriteAllBytes(Path.Combine(text, "html.txt"), Encoding.UTF8.GetBytes("Caf&eacute; &amp; bar\u00A0\u201Cquoted\u201D \uFB01ne\nALSO READ: x\n\0Caf\u00E9 & bar \"quoted\" fine"));

        string snapshot = Directory.CreateDirectory(Path.Combine(folder, "snapshot")).FullName;
        var hasher = new MinHasher(16);
        File.WriteAllBytes(Path.Combine(snapshot, "signature"), [0, .. hasher.Compute("a small text to sign").ToBytes()]);
        var detector = new CopyDetector();
        detector.Add("x", "The council approved the budget for the harbour wall on Monday after a long debate.");
        File.WriteAllBytes(Path.Combine(snapshot, "detector"), [1, .. Save(detector.Save)]);
        var lsh = new MinHashLshIndex(new LshIndexOptions { NumPermutations = 16 });
        lsh.Add("k", hasher.Compute("a small text to sign").Values);
        File.WriteAllBytes(Path.Combine(snapshot, "lsh"), [2, .. Save(lsh.Save)]);
        var simhash = new SimHashIndex();
        simhash.Add("s", 0x0123456789ABCDEFUL);
        File.WriteAllBytes(Path.Combine(snapshot, "simhash"), [3, .. Save(simhash.Save)]);
    }

    private static byte[] Save(Action<Stream> save)
    {
        using var stream = new MemoryStream();
        save(stream);
        return stream.ToArray();
    }

    private static void Check(TextSpan span, string text)
    {
        if (span.Start < 0 || span.Length < 0 || span.End > text.Length)
        {
            throw new InvalidOperationException($"evidence range {span.Start}..{span.End} outside a text of {text.Length} characters");
        }
    }
}
