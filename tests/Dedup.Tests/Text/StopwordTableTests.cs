using Dedup.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Dedup.Tests.Text;

/// <summary>
/// The tokenizer's table of stopword hashes (one slot a hash, chosen by a multiplier found when it is built) holds
/// exactly its hashes: every one is found and no other, 0 included or not, also when the hashes are small numbers
/// that share most of their bits.
/// </summary>
public class StopwordTableTests
{
    /// <summary>Hashes drawn whole, small numbers (few bits that differ), or 0.</summary>
    private static readonly Gen<ulong> Hashes =
        Gen.Frequency(
            (3, ArbMap.Default.GeneratorFor<ulong>()),
            (3, Gen.Choose(0, 300).Select(n => (ulong)n)),
            (1, Gen.Constant(0UL)));

    [Property(MaxTest = 300)]
    public Property The_table_finds_its_hashes_and_no_others() =>
        Prop.ForAll(Gen.Zip(Hashes.ArrayOf(), Hashes.ArrayOf()).ToArbitrary(), t =>
        {
            (ulong[] members, ulong[] others) = t;
            var table = new StopwordSet.HashTable(members);
            var set = new HashSet<ulong>(members);
            return members.All(table.Contains) && others.All(h => table.Contains(h) == set.Contains(h));
        });

    [Fact]
    public void Every_slot_that_holds_no_hash_is_missed_by_every_hash_asked()
    {
        // A set of one hash leaves all slots but one empty; 0 and every small number are asked.
        var table = new StopwordSet.HashTable([12345UL]);
        for (ulong h = 0; h < 100_000; h++)
        {
            Assert.Equal(h == 12345UL, table.Contains(h));
        }
    }

    [Fact]
    public void The_english_words_are_found_in_a_table_of_32_kilobytes()
    {
        TokenizerOptions options = TokenizerOptions.Default;
        StopwordSet.HashTable table = options.Stopwords.HashesFor(options.Seed);
        Assert.InRange(table.Slots, options.Stopwords.Count, 4096);
        foreach (string word in new[] { "the", "of", "don't", "themselves" })
        {
            Assert.True(table.Contains(Tokenizer.HashWord(word)));
        }

        Assert.False(table.Contains(Tokenizer.HashWord("minister")));
    }
}
