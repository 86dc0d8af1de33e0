using System.Collections.Frozen;

namespace Dedup.Text;

/// <summary>
/// A set of function words ("the", "of", "which") for one language. Stopwords mark tokens that a spinning tool
/// cannot change, and they anchor the spin-robust signature. Lookups take folded spans and do not allocate.
/// </summary>
public sealed class StopwordSet
{
    private readonly FrozenSet<string> _words;
    private readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    /// <summary>Creates a set from words; each is folded to lower case.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="words"/> is null.</exception>
    public StopwordSet(IEnumerable<string> words)
    {
        ArgumentNullException.ThrowIfNull(words);
        _words = words.Where(w => !string.IsNullOrWhiteSpace(w))
            .Select(w => TextNormalizer.Normalize(w))
            .ToFrozenSet(StringComparer.Ordinal);
        _lookup = _words.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>The English function words shipped with Dedup (articles, pronouns, prepositions, conjunctions, auxiliaries).</summary>
    public static StopwordSet English { get; } = new(EnglishWords);

    /// <summary>An empty set, for languages without a list.</summary>
    public static StopwordSet None { get; } = new([]);

    /// <summary>Number of words in the set.</summary>
    public int Count => _words.Count;

    /// <summary>Whether the folded (lower-case) word is in the set.</summary>
    public bool Contains(ReadOnlySpan<char> foldedWord) => _lookup.Contains(foldedWord);

    private static string[] EnglishWords =>
    [
        "a", "about", "above", "after", "again", "against", "all", "also", "am", "an", "and", "any", "are", "as", "at",
        "be", "because", "been", "before", "being", "below", "between", "both", "but", "by",
        "can", "could", "did", "do", "does", "doing", "down", "during", "each", "either", "else", "even", "ever",
        "few", "for", "from", "further", "had", "has", "have", "having", "he", "her", "here", "hers", "herself",
        "him", "himself", "his", "how", "however", "i", "if", "in", "into", "is", "it", "its", "itself", "just",
        "may", "me", "might", "more", "most", "must", "my", "myself", "neither", "no", "nor", "not", "now",
        "of", "off", "on", "once", "only", "or", "other", "ought", "our", "ours", "ourselves", "out", "over", "own",
        "same", "shall", "she", "should", "so", "some", "such", "than", "that", "the", "their", "theirs", "them",
        "themselves", "then", "there", "these", "they", "this", "those", "though", "through", "to", "too",
        "under", "until", "up", "upon", "us", "very", "was", "we", "were", "what", "when", "where", "whether",
        "which", "while", "who", "whom", "whose", "why", "will", "with", "within", "without", "would",
        "yet", "you", "your", "yours", "yourself", "yourselves",
        "it's", "he's", "she's", "that's", "there's", "they're", "we're", "you're", "i'm", "i've", "we've",
        "they've", "don't", "doesn't", "didn't", "isn't", "aren't", "wasn't", "weren't", "won't", "wouldn't",
        "can't", "cannot", "couldn't", "shouldn't", "hasn't", "haven't", "hadn't",
    ];
}
