using System.Collections.Frozen;

namespace Dedup.Text;

/// <summary>
/// A set of function words ("the", "of", "which") for one language: the closed word classes a thesaurus has no synonyms for. Stopwords mark tokens that a spinning tool
/// cannot change, and they make up the skeleton, the spin-robust signature. Lookups take folded spans and do not allocate.
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

    /// <summary>The set as a line of a log: its size and its first words, e.g. <c>StopwordSet { 174 words: a, about, above, ... }</c>.</summary>
    /// <returns>The description.</returns>
    public override string ToString()
    {
        IReadOnlyList<string> words = Words;
        string first = string.Join(", ", words.Take(5));
        return words.Count switch
        {
            0 => "StopwordSet { no words }",
            <= 5 => $"StopwordSet {{ {words.Count} word{(words.Count == 1 ? string.Empty : "s")}: {first} }}",
            _ => $"StopwordSet {{ {words.Count} words: {first}, ... }}",
        };
    }

    /// <summary>Whether the folded (lower-case) word is in the set.</summary>
    public bool Contains(ReadOnlySpan<char> foldedWord) => _lookup.Contains(foldedWord);

    /// <summary>
    /// The token hashes of the words under <paramref name="seed"/>, as an open-addressing table, so the tokenizer
    /// tests a token by the hash it computes anyway (a 64-bit collision with a non-stopword is the only error).
    /// Built once per seed and cached.
    /// </summary>
    internal HashTable HashesFor(ulong seed) =>
        _tables.GetOrAdd(seed, static (s, words) => new HashTable(words.Select(w => Tokenizer.HashFolded(w, s))), _words);

    /// <summary>
    /// A set of 64-bit hashes in which every hash sits in its home slot or the next one, so that a lookup reads two
    /// slots and compares without a branch (the table grows until the hashes fit so); 0 marks an empty slot (a hash of
    /// 0 is kept apart).
    /// </summary>
    internal sealed class HashTable
    {
        private readonly ulong[] _slots;
        private readonly int _mask;
        private readonly bool _hasZero;

        public HashTable(IEnumerable<ulong> hashes)
        {
            ulong[] values = [.. hashes.Distinct()];
            _hasZero = values.Contains(0UL);
            int size = (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(16, values.Length * 4));
            while (true)
            {
                ulong[] slots = new ulong[size + 1];
                if (TryPlace(values, slots, size - 1))
                {
                    _slots = slots;
                    _mask = size - 1;
                    break;
                }

                size *= 2;
            }
        }

        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
        public bool Contains(ulong hash)
        {
            // Slot mask + 1 mirrors nothing: it stays empty, so the second read never leaves the array.
            ref ulong home = ref System.Runtime.InteropServices.MemoryMarshal.GetArrayDataReference(_slots);
            nuint i = (nuint)((int)(hash >> 40) & _mask);
            bool found = (System.Runtime.CompilerServices.Unsafe.Add(ref home, i) == hash) | (System.Runtime.CompilerServices.Unsafe.Add(ref home, i + 1) == hash);
            return hash == 0 ? _hasZero : found;
        }

        /// <summary>Places every non-zero hash in its home slot or the next one (no wrap); false when one does not fit.</summary>
        private static bool TryPlace(ulong[] values, ulong[] slots, int mask)
        {
            foreach (ulong h in values)
            {
                if (h == 0)
                {
                    continue;
                }

                int i = (int)(h >> 40) & mask;
                if (slots[i] == 0)
                {
                    slots[i] = h;
                }
                else if (slots[i + 1] == 0 && i + 1 <= mask)
                {
                    slots[i + 1] = h;
                }
                else
                {
                    return false;
                }
            }

            return true;
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
