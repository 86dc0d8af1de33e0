using System.Collections.Frozen;

namespace Dedup.Text;

/// <summary>
/// A set of function words ("the", "of", "which") for one language: the closed word classes a thesaurus has no synonyms for. Stopwords mark tokens that a spinning tool
/// cannot change, and they anchor the spin-robust signature. Lookups take folded spans and do not allocate.
/// </summary>
public sealed class StopwordSet
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<ulong, HashTable> _tables = new();
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

    /// <summary>The words, folded, in ordinal order.</summary>
    public IReadOnlyList<string> Words => [.. _words.Order(StringComparer.Ordinal)];

    /// <summary>Whether the folded (lower-case) word is in the set.</summary>
    public bool Contains(ReadOnlySpan<char> foldedWord) => _lookup.Contains(foldedWord);

    /// <summary>
    /// The token hashes of the words under <paramref name="seed"/>, as an open-addressing table, so the tokenizer
    /// tests a token by the hash it computes anyway (a 64-bit collision with a non-stopword is the only error).
    /// Built once per seed and cached.
    /// </summary>
    internal HashTable HashesFor(ulong seed) =>
        _tables.GetOrAdd(seed, static (s, words) => new HashTable(words.Select(w => Tokenizer.HashFolded(w, s))), _words);

    /// <summary>A set of 64-bit hashes with linear probing; 0 marks an empty slot (a hash of 0 is kept apart).</summary>
    internal sealed class HashTable
    {
        private readonly ulong[] _slots;
        private readonly int _mask;
        private readonly bool _hasZero;

        public HashTable(IEnumerable<ulong> hashes)
        {
            ulong[] values = [.. hashes.Distinct()];
            int size = (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(16, values.Length * 4));
            _slots = new ulong[size];
            _mask = size - 1;
            foreach (ulong h in values)
            {
                if (h == 0)
                {
                    _hasZero = true;
                    continue;
                }

                int i = (int)(h >> 40) & _mask;
                while (_slots[i] != 0)
                {
                    i = (i + 1) & _mask;
                }

                _slots[i] = h;
            }
        }

        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
        public bool Contains(ulong hash)
        {
            if (hash == 0)
            {
                return _hasZero;
            }

            int i = (int)(hash >> 40) & _mask;
            while (true)
            {
                ulong slot = _slots[i];
                if (slot == hash)
                {
                    return true;
                }

                if (slot == 0)
                {
                    return false;
                }

                i = (i + 1) & _mask;
            }
        }
    }

    // Closed-class words only: articles and determiners, pronouns, prepositions, conjunctions, auxiliaries and modals.
    // A thesaurus offers no synonym for them, so no spinner changes them. Adverbs and adjectives that stopword lists
    // often carry ("also", "however", "very", "only", "other") are left out on purpose: a spinner may swap those.
    private static string[] EnglishWords =>
    [
        "a", "an", "the", "this", "that", "these", "those", "each", "every", "either", "neither", "any", "all", "both", "some", "no", "not",
        "i", "me", "my", "mine", "myself", "we", "us", "our", "ours", "ourselves", "you", "your", "yours", "yourself", "yourselves",
        "he", "him", "his", "himself", "she", "her", "hers", "herself", "it", "its", "itself", "they", "them", "their", "theirs",
        "themselves", "who", "whom", "whose", "which", "what",
        "of", "in", "to", "for", "with", "on", "at", "by", "from", "into", "onto", "about", "as", "than", "through", "during",
        "before", "after", "between", "against", "without", "within", "among", "upon", "since", "until", "towards", "toward",
        "and", "or", "but", "nor", "if", "because", "while", "although", "though", "whether", "unless", "whereas",
        "is", "are", "was", "were", "be", "been", "being", "am", "has", "have", "had", "having", "do", "does", "did", "doing",
        "would", "could", "should", "will", "shall", "can", "cannot", "may", "might", "must",
        "it's", "he's", "she's", "that's", "there's", "they're", "we're", "you're", "i'm", "i've", "we've",
        "they've", "don't", "doesn't", "didn't", "isn't", "aren't", "wasn't", "weren't", "won't", "wouldn't",
        "can't", "couldn't", "shouldn't", "hasn't", "haven't", "hadn't",
    ];
}
