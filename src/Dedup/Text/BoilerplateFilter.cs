using System.Runtime.CompilerServices;

namespace Dedup.Text;

/// <summary>Applies <see cref="BoilerplateRules"/> to lines of text.</summary>
public static class BoilerplateFilter
{
    private static readonly ConditionalWeakTable<BoilerplateRules, Compiled> CompiledRules = new();

    /// <summary>Whether <paramref name="line"/> (one line, without its line break) is boilerplate under <paramref name="rules"/>.</summary>
    /// <remarks>HTML character references in the line are decoded first (as the tokenizer reads them).</remarks>
    public static bool IsBoilerplate(ReadOnlySpan<char> line, BoilerplateRules rules)
    {
        ArgumentNullException.ThrowIfNull(rules);
        if (line.Contains('&'))
        {
            string decoded = HtmlEntities.Decode(line.ToString());
            if (decoded.Length != line.Length)
            {
                return IsDecodedBoilerplate(decoded, rules);
            }
        }

        return IsDecodedBoilerplate(line, rules);
    }

    /// <summary>
    /// Prepares the matcher of <paramref name="rules"/> (once per rules instance), so that the first line tested does
    /// not pay for it: a detector does this when it is constructed.
    /// </summary>
    internal static void Prepare(BoilerplateRules rules) => _ = CompiledFor(rules).AsciiPrefixes;

    private static Compiled CompiledFor(BoilerplateRules rules) => CompiledRules.GetValue(rules, static r => new Compiled(r));

    private static bool IsDecodedBoilerplate(ReadOnlySpan<char> line, BoilerplateRules rules)
    {
        ReadOnlySpan<char> t = line.Trim();
        if (t.IsEmpty || t.Length > rules.MaxLineLength)
        {
            return false;
        }

        int skip = 0;
        while (skip < t.Length && IsLeader(t[skip]))
        {
            skip++;
        }

        ReadOnlySpan<char> body = t[skip..];
        Compiled compiled = CompiledFor(rules);
        char firstChar = body.IsEmpty ? '\0' : char.ToLowerInvariant(body[0]);
        string[]? candidates = body.IsEmpty ? null
            : firstChar < Compiled.Ascii ? compiled.AsciiPrefixes[firstChar]
            : compiled.PrefixesByFirstChar.GetValueOrDefault(firstChar);
        if (candidates is not null)
        {
            foreach (string prefix in candidates)
            {
                if (body.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)
                    && (body.Length == prefix.Length || !char.IsLetter(body[prefix.Length]) || !char.IsLetter(prefix[^1])))
                {
                    return true;
                }
            }
        }

        return compiled.AnyFragment || compiled.ContainsFragment(t);
    }

    /// <summary>Returns the ranges of the boilerplate lines of <paramref name="text"/>.</summary>
    public static IReadOnlyList<Range> FindBoilerplateLines(string text, BoilerplateRules rules)
    {
        ArgumentNullException.ThrowIfNull(text);
        var result = new List<Range>();
        foreach (Range line in EnumerateLines(text))
        {
            if (IsBoilerplate(text.AsSpan()[line], rules))
            {
                result.Add(line);
            }
        }

        return result;
    }

    /// <summary>Removes boilerplate lines from <paramref name="text"/>; other lines are kept as they are.</summary>
    public static string Strip(string text, BoilerplateRules rules)
    {
        ArgumentNullException.ThrowIfNull(text);
        var sb = new System.Text.StringBuilder(text.Length);
        bool first = true;
        foreach (Range line in EnumerateLines(text))
        {
            ReadOnlySpan<char> span = text.AsSpan()[line];
            if (!IsBoilerplate(span, rules))
            {
                // Separate by kept lines, not by output length: leading empty lines are lines too.
                if (!first)
                {
                    sb.Append('\n');
                }

                sb.Append(span);
                first = false;
            }
        }

        return sb.ToString();
    }

    private static readonly System.Buffers.SearchValues<char> LineBreaks = System.Buffers.SearchValues.Create("\n\r\u2028\u2029\u0085");

    /// <summary>Where the line starting at <paramref name="start"/> ends (its break, or the end of the text): as <see cref="EnumerateLines"/> splits, a vector search at a time.</summary>
    internal static int LineEnd(ReadOnlySpan<char> text, int start)
    {
        int at = text[start..].IndexOfAny(LineBreaks);
        return at < 0 ? text.Length : start + at;
    }

    /// <summary>Where the line after the one ending at <paramref name="end"/> (a break, not the end of the text) starts: past "\r\n" as one break.</summary>
    internal static int NextLineStart(ReadOnlySpan<char> text, int end) =>
        end + (text[end] == '\r' && end + 1 < text.Length && text[end + 1] == '\n' ? 2 : 1);

    /// <summary>The lines of <paramref name="text"/> as ranges (without their line breaks: \n, \r\n, \r, U+2028, U+2029, U+0085).</summary>
    public static IEnumerable<Range> EnumerateLines(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        int start = 0;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c is '\n' or '\r' or '\u2028' or '\u2029' or '\u0085')
            {
                yield return new Range(start, i);
                if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
                {
                    i++;
                }

                start = i + 1;
            }
        }

        yield return new Range(start, text.Length);
    }

    /// <summary>The rules prepared for matching, once per rules instance: prefixes by their first character.</summary>
    private sealed class Compiled(BoilerplateRules rules)
    {
        /// <summary>First characters below this are looked up in <see cref="AsciiPrefixes"/>.</summary>
        public const int Ascii = 128;

        public Dictionary<char, string[]> PrefixesByFirstChar { get; } = rules.LinePrefixes
            .Where(p => !string.IsNullOrEmpty(p))
            .GroupBy(p => char.ToLowerInvariant(p[0]))
            .ToDictionary(g => g.Key, g => g.ToArray());

        /// <summary>
        /// The prefixes by an ASCII first character (lower case), by index: a lookup a line without hashing (built on first
        /// use; two threads may both build it, alike).
        /// </summary>
        public string[]?[] AsciiPrefixes => _asciiPrefixes ??= [.. Enumerable.Range(0, Ascii).Select(c => PrefixesByFirstChar.GetValueOrDefault((char)c))];

        private string[]?[]? _asciiPrefixes;

        /// <summary>
        /// The fragments of ASCII characters alone, searched for at once (case ignored as <see
        /// cref="StringComparison.OrdinalIgnoreCase"/> does): one search a line, where a search a fragment was a twentieth
        /// of an article's features.
        /// </summary>
        private readonly System.Buffers.SearchValues<string>? _asciiFragments = Search(rules.LineFragments.Where(f => !string.IsNullOrEmpty(f) && System.Text.Ascii.IsValid(f)));

        /// <summary>
        /// The other fragments (the default's "© 20"), searched for apart: with any of them in one search, the search
        /// takes a slow way for every character of every line (a table lookup each: nearly a tenth of an article's features).
        /// </summary>
        private readonly System.Buffers.SearchValues<string>? _otherFragments = Search(rules.LineFragments.Where(f => !string.IsNullOrEmpty(f) && !System.Text.Ascii.IsValid(f)));

        /// <summary>
        /// Whether <paramref name="line"/> holds a fragment, case ignored as <see cref="StringComparison.OrdinalIgnoreCase"/>
        /// does. That comparison goes character by character, and no character beyond ASCII equals an ASCII one in it
        /// (BoilerplateTests checks every character), so a line of ASCII characters holds none of the other fragments.
        /// </summary>
        public bool ContainsFragment(ReadOnlySpan<char> line) =>
            (_asciiFragments is { } ascii && line.ContainsAny(ascii))
            || (_otherFragments is { } others && !System.Text.Ascii.IsValid(line) && line.ContainsAny(others));

        private static System.Buffers.SearchValues<string>? Search(IEnumerable<string> fragments) =>
            fragments.ToArray() is { Length: > 0 } values ? System.Buffers.SearchValues.Create(values, StringComparison.OrdinalIgnoreCase) : null;


        /// <summary>An empty fragment is in every line (a null one, like a null prefix, is no rule).</summary>
        public bool AnyFragment { get; } = rules.LineFragments.Any(f => f is { Length: 0 });
    }

    private static bool IsLeader(char c) =>
        c is '-' or '*' or '\u2022' or '\u00BB' or '>' or '|' or '[' or '(' or '"' or '\'' or ':' or '#' or '\u2013' or '\u2014' or '\u25BA' or '\u25B6'
        || char.IsWhiteSpace(c);
}
