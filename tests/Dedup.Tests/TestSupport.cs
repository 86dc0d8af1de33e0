using Dedup.Sketches;
using FsCheck;
using FsCheck.Fluent;

namespace Dedup.Tests;

/// <summary>Where the repository is, for tests that read the shipped samples.</summary>
internal static class RepoPaths
{
    /// <summary>The folder that holds Dedup.sln, found by walking up from the test binaries.</summary>
    public static string Root { get; } = FindRoot();

    public static string Sample(string name) => Path.Combine(Root, "samples", name);

    /// <summary>The dev corpus folder (../shared/corpus/dev beside the repository), or null where it is absent (a fresh clone elsewhere).</summary>
    public static string? DevCorpus
    {
        get
        {
            string dir = Path.GetFullPath(Path.Combine(Root, "..", "shared", "corpus", "dev"));
            return File.Exists(Path.Combine(dir, "documents.jsonl")) ? dir : null;
        }
    }

    private static string FindRoot()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Dedup.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No Dedup.sln above {AppContext.BaseDirectory}.");
    }
}

/// <summary>Generators of hostile text for properties.</summary>
internal static class TextGen
{
    /// <summary>Single characters and surrogate pairs that text code gets wrong: lone surrogates, controls, NUL,
    /// typographic quotes, dashes, spaces, zero-width characters, compatibility characters, combining marks, CJK.</summary>
    private static readonly string[] Pieces =
    [
        "\uD800", "\uDBFF", "\uDC00", "\uDFFF", "\0", "\u0001", "\u001F", "\u007F", "\u0085", "\u2028", "\u2029",
        "\r", "\n", "\r\n", "\t", " ", "  ", "\u00A0", "\u202F", "\u2007", "\u3000", "\u200B", "\u200C", "\u200D",
        "\u2060", "\uFEFF", "\u00AD", "\u2018", "\u2019", "\u201A", "\u201B", "\u201C", "\u201D", "\u201E", "\u00AB",
        "\u00BB", "\u02BC", "\u2032", "\uFF07", "\u2013", "\u2014", "\u2212", "\u2026", "\uFB01", "\uFF21", "\uFF41",
        "\u00A8", "\u0301", "\u0308", "\u0130", "\u0131", "\u1E9E", "\u00DF", "\u01C4", "\u01C5", "\u2163", "\u3300",
        "\u212A", "\u03A3", "\u03C2", "A", "a", "Z", "e", "\u00E9", "'", ".", ",", "-", "0", "9", "\u0663",
        "\u4E2D", "\u6587", "\u30A2", "\uD55C", "\U0001D400", "\U0001F600", "\U00010400", "\U00020000", "x", "the",
        "Don't", "1,000", "30.6", "News", "!", "?",
    ];

    /// <summary>Strings mixing FsCheck's default strings with the hostile pieces above; never null.</summary>
    public static Arbitrary<string> HostileStrings { get; } = Arb.From(
        Gen.Frequency(
            (2, ArbMap.Default.GeneratorFor<string>().Select(s => s ?? string.Empty)),
            (5, Gen.Elements(Pieces).ArrayOf().Select(string.Concat)),
            (1, ArbMap.Default.GeneratorFor<char[]>().Select(c => new string(c ?? [])))));
}

/// <summary>Deterministic random data (SplitMix64, never System.Random, so every run sees the same data).</summary>
internal static class TestData
{
    /// <summary><paramref name="count"/> distinct pseudo-random 64-bit values.</summary>
    public static ulong[] DistinctValues(int count, ulong seed)
    {
        var rng = new SplitMix64(seed);
        var set = new HashSet<ulong>(count);
        while (set.Count < count)
        {
            set.Add(rng.Next());
        }

        return [.. set];
    }

    /// <summary>Two sets with exactly <paramref name="shared"/> common elements and <paramref name="onlyA"/>, <paramref name="onlyB"/> private ones.</summary>
    public static (ulong[] A, ulong[] B) Overlapping(int shared, int onlyA, int onlyB, ulong seed)
    {
        ulong[] all = DistinctValues(shared + onlyA + onlyB, seed);
        ulong[] a = [.. all.AsSpan(0, shared), .. all.AsSpan(shared, onlyA)];
        ulong[] b = [.. all.AsSpan(0, shared), .. all.AsSpan(shared + onlyA, onlyB)];
        return (a, b);
    }
}
