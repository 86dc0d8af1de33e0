using Dedup.Indexing;

namespace Dedup.Tests.Indexing;

public class LshParametersTests
{
    [Fact]
    public void Threshold_0_9_with_128_permutations_gives_datasketch_documented_5_bands_of_25_rows()
    {
        LshParameters p = LshParameters.FromThreshold(0.9, 128);
        Assert.Equal(5, p.Bands);
        Assert.Equal(25, p.Rows);
    }

    [Theory]
    [InlineData(0.5, 128)]
    [InlineData(0.8, 128)]
    [InlineData(0.7, 256)]
    [InlineData(0.3, 64)]
    public void The_chosen_banding_fits_K_and_no_other_banding_has_a_lower_weighted_error(double threshold, int k)
    {
        LshParameters best = LshParameters.FromThreshold(threshold, k);
        Assert.True(best.UsedPermutations <= k);
        double Error(int b, int r) => (0.5 * LshParameters.FalsePositiveArea(threshold, b, r)) + (0.5 * LshParameters.FalseNegativeArea(threshold, b, r));
        double bestError = Error(best.Bands, best.Rows);
        for (int b = 1; b <= k; b++)
        {
            for (int r = 1; r <= k / b; r++)
            {
                Assert.True(Error(b, r) >= bestError - 1e-15, $"({b}, {r}) beats ({best.Bands}, {best.Rows})");
            }
        }
    }

    [Fact]
    public void Weighting_false_negatives_heavily_gives_a_banding_that_collides_more_at_the_threshold()
    {
        LshParameters balanced = LshParameters.FromThreshold(0.8, 128);
        LshParameters recall = LshParameters.FromThreshold(0.8, 128, falsePositiveWeight: 0.1, falseNegativeWeight: 0.9);
        Assert.True(recall.CollisionProbability(0.8) > balanced.CollisionProbability(0.8));
    }

    [Fact]
    public void The_integrals_match_closed_forms_for_one_band_of_one_row()
    {
        // P(s) = s: ∫₀ᵗ s ds = t²/2 and ∫ₜ¹ (1 − s) ds = (1 − t)²/2.
        Assert.Equal(0.32, LshParameters.FalsePositiveArea(0.8, 1, 1), 12);
        Assert.Equal(0.02, LshParameters.FalseNegativeArea(0.8, 1, 1), 12);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    [InlineData(-0.1)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    public void A_threshold_outside_the_open_unit_interval_throws_naming_the_threshold(double threshold)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => LshParameters.FromThreshold(threshold, 128));
        Assert.Equal("threshold", e.ParamName);
        Assert.Contains("strictly between 0 and 1", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    public void Fewer_than_one_permutation_throws_naming_it(int k)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => LshParameters.FromThreshold(0.5, k));
        Assert.Equal("numPermutations", e.ParamName);
        Assert.Contains("at least 1", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Both_weights_zero_throw_where_one_zero_weight_chooses_a_banding()
    {
        // Every banding weighs nothing when both weights are 0: one band of one row (1 of 128 positions) came out.
        var e = Assert.Throws<ArgumentException>(() => LshParameters.FromThreshold(0.8, 128, falsePositiveWeight: 0, falseNegativeWeight: 0));
        Assert.Contains("both 0", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new MinHashLshIndex(new LshIndexOptions { FalsePositiveWeight = 0, FalseNegativeWeight = 0 }));

        LshParameters recallOnly = LshParameters.FromThreshold(0.8, 128, falsePositiveWeight: 0, falseNegativeWeight: 1);
        Assert.True(recallOnly.UsedPermutations > 1);
    }

    [Fact]
    public void Negative_weights_and_non_positive_bands_or_rows_throw()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => LshParameters.FromThreshold(0.5, 128, falsePositiveWeight: -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => LshParameters.FromThreshold(0.5, 128, falseNegativeWeight: double.PositiveInfinity));
        Assert.Throws<ArgumentOutOfRangeException>(() => new LshParameters(0, 5));
        Assert.Throws<ArgumentOutOfRangeException>(() => new LshParameters(5, 0));
    }

    [Fact]
    public void An_explicit_banding_larger_than_K_is_rejected_by_the_index()
    {
        var e = Assert.Throws<ArgumentException>(() => new MinHashLshIndex(new LshIndexOptions { NumPermutations = 64, Parameters = new LshParameters(10, 7) }));
        Assert.Contains("70", e.Message, StringComparison.Ordinal);
        Assert.Contains("64", e.Message, StringComparison.Ordinal);
    }
}
