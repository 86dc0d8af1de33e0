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

    /// <summary>Creates a set from words; each is folded to lower case, and null, empty and whitespace entries are skipped (a list read from a file may hold blank lines).</summary>
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
    /// A set of 64-bit hashes in which every hash has a slot of its own: the top bits of its product with a multiplier
    /// chosen when the table is built, so that no two hashes of the set share a slot (the table grows until one is
    /// found). A lookup reads one slot and compares: no second slot, no branch. An empty slot holds a value whose slot
    /// is another, so no hash asked for equals it.
    /// </summary>
    internal sealed class HashTable
    {
        /// <summary>Multipliers tried at each size before the table grows.</summary>
        private const int Tries = 64;

        /// <summary>The largest table: 2^26 slots (512 MB), for a set of millions of words, which no stopword set is.</summary>
        private const int MaxBits = 26;

        private readonly ulong[] _slots;
        private readonly ulong _multiplier;
        private readonly int _shift;

        public HashTable(IEnumerable<ulong> hashes)
        {
            ulong[] values = [.. hashes.Distinct()];
            var multipliers = new Sketches.SplitMix64(0x5157_4F50_574F_5244UL);
            for (int bits = Math.Max(4, System.Numerics.BitOperations.Log2((uint)Math.Max(1, values.Length)) + 5); ; bits++)
            {
                if (bits > MaxBits)
                {
                    throw new ArgumentException($"The {values.Length} stopword hashes need a table of more than 2^{MaxBits} slots (a stopword set is a few hundred words).", nameof(hashes));
                }

                bool[] taken = new bool[1 << bits];
                for (int attempt = 0; attempt < Tries; attempt++)
                {
                    ulong multiplier = multipliers.Next() | 1UL;
                    if (TryPlace(values, multiplier, 64 - bits, taken) is { } slots)
                    {
                        _slots = slots;
                        _multiplier = multiplier;
                        _shift = 64 - bits;
                        return;
                    }
                }
            }
        }

        /// <summary>The number of slots (tests).</summary>
        internal int Slots => _slots.Length;

        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
        public bool Contains(ulong hash) =>
            System.Runtime.CompilerServices.Unsafe.Add(ref System.Runtime.InteropServices.MemoryMarshal.GetArrayDataReference(_slots), (nint)((hash * _multiplier) >> _shift)) == hash;

        /// <summary>The table with every value in its slot, or null when two share one (<paramref name="taken"/>: room for marks, one a slot).</summary>
        private static ulong[]? TryPlace(ulong[] values, ulong multiplier, int shift, bool[] taken)
        {
            int size = 1 << (64 - shift);
            Array.Clear(taken);
            foreach (ulong h in values)
            {
                int i = (int)((h * multiplier) >> shift);
                if (taken[i])
                {
                    return null;
                }

                taken[i] = true;
            }

            var slots = new ulong[size];
            foreach (ulong h in values)
            {
                slots[(int)((h * multiplier) >> shift)] = h;
            }

            // An empty slot holds a value whose slot is another: 0 (in slot 0) everywhere but in slot 0 itself, which
            // takes the first value from 1 up that is not in slot 0.
            ulong notInFirst = 1;
            while (((notInFirst * multiplier) >> shift) == 0)
            {
                notInFirst++;
            }

            for (int i = 0; i < size; i++)
            {
                if (!taken[i])
                {
                    slots[i] = i == 0 ? notInFirst : 0;
                }
            }

            return slots;
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
