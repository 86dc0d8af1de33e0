using Dedup.Sketches;
using Dedup.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Dedup.Tests.Sketches;

public class SimHasherTests
{
    private static readonly string Sample = File.ReadAllText(RepoPaths.Sample("spun-article.txt"));

    [Fact]
    public void Identical_texts_have_distance_zero()
    {
        ulong a = SimHasher.Compute(Sample);
        Assert.Equal(0, SimHasher.HammingDistance(a, SimHasher.Compute(new string(Sample.AsSpan()))));
        Assert.Equal(1.0, SimHasher.Similarity(a, SimHasher.Compute(Sample)));
    }

    [Fact]
    public void Case_and_stopwords_do_not_change_the_text_fingerprint()
    {
        Assert.Equal(SimHasher.Compute("quick brown fox"), SimHasher.Compute("The QUICK brown fox, of the"));
        Assert.Equal(Tokenizer.HashWord("fox"), SimHasher.Compute("the fox"));
    }

    [Fact]
    public void A_small_edit_changes_few_bits_and_a_different_text_changes_many()
    {
        // One feature of about 500 moves each bit's sum by at most 2, so only bits whose sum was near zero flip (often none).
        ulong original = SimHasher.Compute(Sample);
        ulong edited = SimHasher.Compute(Sample.Replace("fierce fighting", "intense fighting", StringComparison.Ordinal));
        ulong other = SimHasher.Compute("Japanese brewers are increasingly making money from beer-flavoured drinks rather than beer itself. "
            + "Beer and spirits are heavily taxed in Japan, driving breweries to search for alternatives.");
        Assert.InRange(SimHasher.HammingDistance(original, edited), 0, 6);
        Assert.InRange(SimHasher.HammingDistance(original, other), 16, 48);
    }

    [Property(MaxTest = 300)]
    public Property A_feature_with_a_huge_weight_dominates() =>
        Prop.ForAll(
            Arb.From(from n in Gen.Choose(1, 200)
                     from seed in ArbMap.Default.GeneratorFor<ulong>()
                     from index in Gen.Choose(0, n - 1)
                     select (Features: TestData.DistinctValues(n, seed), Index: index)),
            x =>
            {
                float[] weights = new float[x.Features.Length];
                weights.AsSpan().Fill(1f);
                weights[x.Index] = 1e6f;
                return SimHasher.Compute(x.Features, weights) == x.Features[x.Index];
            });

    [Fact]
    public void Weights_shift_the_fingerprint()
    {
        ulong[] features = [0xFFFF_FFFF_0000_0000UL, 0x0000_0000_FFFF_FFFFUL, 0x0000_0000_FFFF_FFFFUL];
        Assert.Equal(0x0000_0000_FFFF_FFFFUL, SimHasher.Compute(features));            // two votes to one
        Assert.Equal(0xFFFF_FFFF_0000_0000UL, SimHasher.Compute(features, [3f, 1f, 1f])); // three to two
        Assert.Equal(0UL, SimHasher.Compute(features, [1f, 1f, 0f]));                  // ties are not set
        Assert.Equal(SimHasher.Compute(features), SimHasher.Compute(features, [2.5f, 2.5f, 2.5f]));
        Assert.Equal(~features[1], SimHasher.Compute(features, [1f, -4f, 0f]));     // a negative weight votes against
    }

    [Property(MaxTest = 200)]
    public Property Uniform_weights_equal_no_weights() =>
        Prop.ForAll(
            Arb.From(from n in Gen.Choose(0, 100) from seed in ArbMap.Default.GeneratorFor<ulong>() select TestData.DistinctValues(n, seed)),
            features =>
            {
                float[] weights = new float[features.Length];
                weights.AsSpan().Fill(0.75f);
                return SimHasher.Compute(features, weights) == SimHasher.Compute(features);
            });

    [Fact]
    public void One_feature_is_its_own_fingerprint_and_none_is_zero()
    {
        Assert.Equal(0x0123_4567_89AB_CDEFUL, SimHasher.Compute([0x0123_4567_89AB_CDEFUL]));
        Assert.Equal(0UL, SimHasher.Compute(ReadOnlySpan<ulong>.Empty));
        Assert.Equal(0UL, SimHasher.Compute(""));
    }

    [Fact]
    public void Repeated_features_count_once_per_occurrence()
    {
        Assert.Equal(0xF0UL, SimHasher.Compute([0xF0UL, 0xF0UL, 0x0FUL]));
        Assert.Equal(0x0FUL, SimHasher.Compute([0xF0UL, 0x0FUL, 0x0FUL]));
    }

    [Theory]
    [InlineData(0UL, 0UL, 0)]
    [InlineData(0UL, ulong.MaxValue, 64)]
    [InlineData(0b1011UL, 0b0110UL, 3)]
    [InlineData(0x8000_0000_0000_0001UL, 0UL, 2)]
    public void Hamming_distance_and_similarity(ulong a, ulong b, int distance)
    {
        Assert.Equal(distance, SimHasher.HammingDistance(a, b));
        Assert.Equal(distance, SimHasher.HammingDistance(b, a));
        Assert.Equal(1.0 - (distance / 64.0), SimHasher.Similarity(a, b));
    }

    [Theory]
    [InlineData(3, 2)]
    [InlineData(3, 4)]
    [InlineData(0, 1)]
    public void Mismatched_weights_length_throws(int features, int weights)
    {
        ArgumentException e = Assert.Throws<ArgumentException>(() => SimHasher.Compute(new ulong[features], new float[weights]));
        Assert.Equal("weights", e.ParamName);
    }

    [Fact]
    public void Null_text_throws() => Assert.Throws<ArgumentNullException>(() => SimHasher.Compute((string)null!));

    [Fact]
    public void Span_compute_allocates_nothing()
    {
        ulong[] features = TestData.DistinctValues(500, 1);
        float[] weights = new float[500];
        weights.AsSpan().Fill(2f);
        _ = SimHasher.Compute(features, weights);
        _ = SimHasher.Compute(features);
        long before = GC.GetAllocatedBytesForCurrentThread();
        _ = SimHasher.Compute(features, weights);
        _ = SimHasher.Compute(features);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Theory]
    [InlineData(float.NaN, "Weight 3 of 50 is NaN: a weight must be finite.")]
    [InlineData(float.PositiveInfinity, "Weight 3 of 50 is Infinity: a weight must be finite.")]
    [InlineData(float.NegativeInfinity, "Weight 3 of 50 is -Infinity: a weight must be finite.")]
    [InlineData(3e38f, "The weights' sums overflow a float: the weights must be smaller.")]
    public void A_weight_that_is_not_finite_is_refused(float bad, string message)
    {
        // One NaN or infinite weight made every sum NaN or infinite, and the fingerprint 0 whatever the features.
        ulong[] features = [.. Enumerable.Range(1, 50).Select(i => (ulong)i * 0x9E3779B97F4A7C15UL)];
        float[] weights = new float[50];
        weights.AsSpan().Fill(bad == 3e38f ? bad : 1f);
        weights[3] = bad;

        ArgumentException e = Assert.Throws<ArgumentException>(() => SimHasher.Compute(features, weights));

        Assert.Equal("weights", e.ParamName);
        Assert.StartsWith(message, e.Message, StringComparison.Ordinal);
    }
}
