using Dedup.Sketches;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Dedup.Tests.Sketches;

public class MinHasherTests
{
    /// <summary>K values worth testing: 1, non-multiples of 8 and of 64, powers of two.</summary>
    public static readonly int[] Ks = [1, 3, 7, 8, 63, 64, 65, 100, 128, 130, 256];

    public static TheoryData<MinHashScheme, int> SchemesAndKs()
    {
        var data = new TheoryData<MinHashScheme, int>();
        foreach (MinHashScheme scheme in new[] { MinHashScheme.Classic, MinHashScheme.OnePermutation })
        {
            foreach (int k in Ks)
            {
                data.Add(scheme, k);
            }
        }

        return data;
    }

    private static readonly Arbitrary<(MinHasher Hasher, ulong[] A, ulong[] B)> HasherAndTwoSets = Arb.From(
        from scheme in Gen.Elements(MinHashScheme.Classic, MinHashScheme.OnePermutation)
        from k in Gen.Elements(Ks)
        from seed in ArbMap.Default.GeneratorFor<ulong>()
        from shared in Gen.Choose(0, 200)
        from onlyA in Gen.Choose(0, 200)
        from onlyB in Gen.Choose(0, 200)
        from dataSeed in ArbMap.Default.GeneratorFor<ulong>()
        let sets = TestData.Overlapping(shared, onlyA, onlyB, dataSeed)
        select (new MinHasher(k, seed, scheme), sets.A, sets.B));

    [Property(MaxTest = 300)]
    public Property Jaccard_of_a_set_with_itself_is_one() =>
        Prop.ForAll(HasherAndTwoSets, x =>
        {
            MinHashSignature a = x.Hasher.Compute(x.A);
            MinHashSignature again = x.Hasher.Compute(x.A.Reverse().ToArray());
            return a.Jaccard(a) == 1.0 && a.Jaccard(again) == 1.0 && a.Equals(again);
        });

    [Property(MaxTest = 300)]
    public Property Jaccard_and_merge_are_symmetric() =>
        Prop.ForAll(HasherAndTwoSets, x =>
        {
            MinHashSignature a = x.Hasher.Compute(x.A);
            MinHashSignature b = x.Hasher.Compute(x.B);
            return a.Jaccard(b) == b.Jaccard(a) && a.Merge(b).Values.SequenceEqual(b.Merge(a).Values);
        });

    [Property(MaxTest = 300)]
    public Property Merge_equals_the_signature_of_the_union() =>
        Prop.ForAll(HasherAndTwoSets, x =>
        {
            MinHashSignature merged = x.Hasher.Compute(x.A).Merge(x.Hasher.Compute(x.B));
            MinHashSignature union = x.Hasher.Compute([.. x.A.Union(x.B)]);
            return merged.Values.SequenceEqual(union.Values) && merged.Scheme == union.Scheme && merged.Seed == union.Seed;
        });

    [Property(MaxTest = 300)]
    public Property Span_compute_equals_the_signature_values_and_ignores_repeats() =>
        Prop.ForAll(HasherAndTwoSets, x =>
        {
            uint[] values = new uint[x.Hasher.NumPermutations];
            x.Hasher.Compute([.. x.A, .. x.A, .. x.B], values);
            MinHashSignature union = x.Hasher.Compute([.. x.A.Union(x.B)]);
            return values.AsSpan().SequenceEqual(union.Values);
        });

    [Theory]
    [MemberData(nameof(SchemesAndKs))]
    public void Jaccard_is_one_for_equal_sets_and_estimates_are_in_range(MinHashScheme scheme, int k)
    {
        var hasher = new MinHasher(k, scheme: scheme);
        (ulong[] a, ulong[] b) = TestData.Overlapping(300, 100, 100, (ulong)k);
        MinHashSignature sa = hasher.Compute(a);
        MinHashSignature sb = hasher.Compute(b);
        Assert.Equal(k, sa.NumPermutations);
        Assert.Equal(1.0, sa.Jaccard(hasher.Compute(a)));
        Assert.InRange(sa.Jaccard(sb), 0.0, 1.0);
        Assert.Equal(sa.Jaccard(sb), sb.Jaccard(sa));
        Assert.Equal(hasher.Compute([.. a.Union(b)]).Values.ToArray(), sa.Merge(sb).Values.ToArray());
        Assert.Equal(400, sa.Count);
    }

    // Classic MinHash: position i agrees with probability J (each of the K seeded permutations acts as an independent
    // random permutation on random sets; multiply-add on 64 bits is only approximately min-wise independent, and the
    // 32-bit truncation adds collisions with probability about |A∪B|/2^32, both far below the tolerance). The K
    // agreements are independent Bernoulli(J), so Hoeffding gives P(|Ĵ − J| ≥ ε) ≤ 2·exp(−2Kε²). With
    // ε = sqrt(ln(2·10^6) / (2K)) the failure probability per case is ≤ 1e-6: ε = 0.2380 for K = 128 and ε = 0.0842 for
    // K = 1024. The 2 × 8 cases below fail together with probability ≤ 1.6e-5 (union bound) over the choice of seeds.
    // The data are seeded, so a given build either always passes or always fails.
    [Theory]
    [InlineData(128, 0, 500, 500)]
    [InlineData(128, 100, 450, 450)]
    [InlineData(128, 250, 375, 375)]
    [InlineData(128, 500, 250, 250)]
    [InlineData(128, 800, 100, 100)]
    [InlineData(128, 950, 25, 25)]
    [InlineData(128, 1000, 0, 0)]
    [InlineData(128, 300, 0, 700)]
    [InlineData(1024, 0, 500, 500)]
    [InlineData(1024, 100, 450, 450)]
    [InlineData(1024, 250, 375, 375)]
    [InlineData(1024, 500, 250, 250)]
    [InlineData(1024, 800, 100, 100)]
    [InlineData(1024, 950, 25, 25)]
    [InlineData(1024, 1000, 0, 0)]
    [InlineData(1024, 300, 0, 700)]
    public void Classic_estimate_is_within_the_Hoeffding_bound_of_the_exact_Jaccard(int k, int shared, int onlyA, int onlyB)
    {
        double epsilon = Math.Sqrt(Math.Log(2e6) / (2.0 * k));
        var hasher = new MinHasher(k, seed: 0xC1A5_51C0UL + (ulong)k);
        (ulong[] a, ulong[] b) = TestData.Overlapping(shared, onlyA, onlyB, (ulong)(shared * 7919 + onlyA));
        double exact = (double)shared / (shared + onlyA + onlyB);
        double estimate = hasher.Compute(a).Jaccard(hasher.Compute(b));
        Assert.InRange(estimate, exact - epsilon, exact + epsilon);
    }

    // One-permutation hashing with densification: the K bin agreements are not independent, so Hoeffding does not apply
    // to a single signature. Instead: (1) the estimator is unbiased (Shrivastava 2017), and R = 1000 independent trials
    // (fresh random sets and a fresh seed each) are independent values in [0, 1], so Hoeffding does apply to their mean:
    // P(|mean − J| ≥ ε) ≤ 2·exp(−2Rε²) ≤ 1e-6 for ε = sqrt(ln(2·10^6) / 2000) = 0.0852. (2) Per trial we only ask for
    // the classic K = 128 tolerance doubled (0.476): Li, Owen and Zhang (2012) show OPH's variance is at most classic
    // MinHash's when no bin is empty, and densification adds little for sets of 1000 in 128 bins; this part is an
    // empirical sanity check, not a bound. 5 cases: total failure probability ≤ 5e-6 for part (1).
    [Theory]
    [InlineData(100, 450, 450)]
    [InlineData(250, 375, 375)]
    [InlineData(500, 250, 250)]
    [InlineData(800, 100, 100)]
    [InlineData(300, 0, 700)]
    public void One_permutation_estimate_is_unbiased_and_close_to_the_exact_Jaccard(int shared, int onlyA, int onlyB)
    {
        const int K = 128;
        const int Trials = 1000;
        double meanTolerance = Math.Sqrt(Math.Log(2e6) / (2.0 * Trials));
        double trialTolerance = 2 * Math.Sqrt(Math.Log(2e6) / (2.0 * K));
        double exact = (double)shared / (shared + onlyA + onlyB);
        double sum = 0;
        for (int t = 0; t < Trials; t++)
        {
            var hasher = new MinHasher(K, seed: 0x0F1E_0000UL + (ulong)t, scheme: MinHashScheme.OnePermutation);
            (ulong[] a, ulong[] b) = TestData.Overlapping(shared, onlyA, onlyB, (ulong)((t * 1_000_003) + shared));
            double estimate = hasher.Compute(a).Jaccard(hasher.Compute(b));
            Assert.InRange(estimate, exact - trialTolerance, exact + trialTolerance);
            sum += estimate;
        }

        Assert.InRange(sum / Trials, exact - meanTolerance, exact + meanTolerance);
    }

    [Theory]
    [InlineData(MinHashScheme.Classic)]
    [InlineData(MinHashScheme.OnePermutation)]
    public void Small_sets_in_many_positions_still_estimate_Jaccard(MinHashScheme scheme)
    {
        // 40 elements in 256 bins: for one-permutation hashing most bins are empty before densification.
        // Empirical tolerance 0.3 (classic K = 256 has the Hoeffding bound 0.168 at 1e-6).
        var hasher = new MinHasher(256, scheme: scheme);
        (ulong[] a, ulong[] b) = TestData.Overlapping(30, 5, 5, 99);
        Assert.InRange(hasher.Compute(a).Jaccard(hasher.Compute(b)), 0.75 - 0.3, 0.75 + 0.3);
        Assert.InRange(hasher.Compute(TestData.DistinctValues(20, 1)).Jaccard(hasher.Compute(TestData.DistinctValues(20, 2))), 0.0, 0.3);
    }

    // Containment C = |A∩B| / |A| is estimated as Ĵ/(1+Ĵ)·(|A|+|B|)/|A|, increasing in Ĵ. Given the Hoeffding interval
    // of Ĵ (K = 1024, ε = 0.0842, failure ≤ 1e-6 per case), the estimate lies between the formula at J − ε and J + ε.
    [Theory]
    [InlineData(150, 50, 850)]
    [InlineData(200, 0, 800)]
    [InlineData(500, 500, 0)]
    [InlineData(400, 100, 100)]
    [InlineData(0, 300, 300)]
    public void Containment_estimate_is_near_the_exact_containment(int shared, int onlyA, int onlyB)
    {
        const int K = 1024;
        double epsilon = Math.Sqrt(Math.Log(2e6) / (2.0 * K));
        var hasher = new MinHasher(K);
        (ulong[] a, ulong[] b) = TestData.Overlapping(shared, onlyA, onlyB, 4242);
        int sizeA = shared + onlyA;
        int sizeB = shared + onlyB;
        double j = (double)shared / (shared + onlyA + onlyB);
        double low = Math.Clamp(Formula(Math.Max(0, j - epsilon)), 0, 1);
        double high = Math.Clamp(Formula(Math.Min(1, j + epsilon)), 0, 1);
        double estimate = hasher.Compute(a).Containment(hasher.Compute(b));
        Assert.InRange(estimate, low, high);
        Assert.InRange((double)shared / sizeA, low, high);

        double Formula(double x) => x / (1 + x) * (sizeA + sizeB) / sizeA;
    }

    [Fact]
    public void Containment_of_a_set_in_itself_and_in_a_disjoint_set()
    {
        var hasher = new MinHasher();
        MinHashSignature a = hasher.Compute(TestData.DistinctValues(500, 1));
        MinHashSignature other = hasher.Compute(TestData.DistinctValues(500, 2));
        Assert.Equal(1.0, a.Containment(a), 9);
        Assert.InRange(a.Containment(other), 0.0, 0.1);
    }

    [Theory]
    [InlineData(MinHashScheme.Classic)]
    [InlineData(MinHashScheme.OnePermutation)]
    public void Empty_set_has_all_max_values_and_documented_similarities(MinHashScheme scheme)
    {
        var hasher = new MinHasher(100, scheme: scheme);
        MinHashSignature empty = hasher.Compute(ReadOnlySpan<ulong>.Empty);
        MinHashSignature some = hasher.Compute(TestData.DistinctValues(50, 3));
        Assert.True(empty.IsEmpty);
        Assert.Equal(0, empty.Count);
        Assert.All(empty.Values.ToArray(), v => Assert.Equal(uint.MaxValue, v));
        Assert.Equal(1.0, empty.Jaccard(hasher.Compute(ReadOnlySpan<ulong>.Empty)));
        Assert.Equal(0.0, empty.Jaccard(some));
        Assert.Equal(0.0, some.Jaccard(empty));
        Assert.Equal(1.0, empty.Containment(some));
        Assert.Equal(0.0, some.Containment(empty));

        MinHashSignature merged = empty.Merge(some);
        Assert.Equal(some.Values.ToArray(), merged.Values.ToArray());
        Assert.Equal(some.Count, merged.Count);
        Assert.Equal(some, some.Merge(empty));

        uint[] values = new uint[100];
        values.AsSpan().Fill(7);
        hasher.Compute(ReadOnlySpan<ulong>.Empty, values);
        Assert.All(values, v => Assert.Equal(uint.MaxValue, v));

        Assert.True(hasher.Compute("").IsEmpty);
        Assert.True(hasher.Compute("... !!! ---").IsEmpty);
    }

    [Fact]
    public void Merge_estimates_the_union_size()
    {
        var hasher = new MinHasher(1024);
        (ulong[] a, ulong[] b) = TestData.Overlapping(500, 250, 250, 17);
        MinHashSignature merged = hasher.Compute(a).Merge(hasher.Compute(b));
        Assert.InRange(merged.Count, 1000 - 150, 1000 + 150);
    }

    public static TheoryData<MinHasher, MinHasher> IncompatibleHashers() => new()
    {
        { new MinHasher(128), new MinHasher(64) },
        { new MinHasher(128), new MinHasher(128, seed: 1) },
        { new MinHasher(128), new MinHasher(128, scheme: MinHashScheme.OnePermutation) },
        { new MinHasher(7, scheme: MinHashScheme.OnePermutation), new MinHasher(8, scheme: MinHashScheme.OnePermutation) },
    };

    [Theory]
    [MemberData(nameof(IncompatibleHashers))]
    public void Signatures_from_different_hashers_cannot_be_compared(MinHasher first, MinHasher second)
    {
        ulong[] set = TestData.DistinctValues(100, 5);
        MinHashSignature a = first.Compute(set);
        MinHashSignature b = second.Compute(set);
        Assert.Contains("different hashers", Assert.Throws<ArgumentException>(() => a.Jaccard(b)).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => b.Jaccard(a));
        Assert.Throws<ArgumentException>(() => a.Merge(b));
        Assert.Throws<ArgumentException>(() => a.Containment(b));
        Assert.False(a.Equals(b));
    }

    [Fact]
    public void Null_signature_throws_ArgumentNullException()
    {
        MinHashSignature a = new MinHasher().Compute(TestData.DistinctValues(10, 1));
        Assert.Throws<ArgumentNullException>(() => a.Jaccard(null!));
        Assert.Throws<ArgumentNullException>(() => a.Merge(null!));
        Assert.Throws<ArgumentNullException>(() => new MinHasher().Compute((string)null!));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(MinHasher.MaxNumPermutations + 1)]
    public void Out_of_range_K_throws(int k) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new MinHasher(k));

    [Fact]
    public void Unknown_scheme_throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new MinHasher(scheme: (MinHashScheme)7));

    [Theory]
    [InlineData(MinHashScheme.Classic, 127)]
    [InlineData(MinHashScheme.Classic, 129)]
    [InlineData(MinHashScheme.OnePermutation, 0)]
    public void Span_compute_with_wrong_length_throws(MinHashScheme scheme, int length)
    {
        var hasher = new MinHasher(128, scheme: scheme);
        ArgumentException e = Assert.Throws<ArgumentException>(() => hasher.Compute([1UL, 2UL], new uint[length]));
        Assert.Equal("signature", e.ParamName);
    }

    [Fact]
    public void Hasher_reports_its_parameters_and_is_deterministic()
    {
        var hasher = new MinHasher(77, seed: 5, scheme: MinHashScheme.OnePermutation);
        Assert.Equal(77, hasher.NumPermutations);
        Assert.Equal(5UL, hasher.Seed);
        Assert.Equal(MinHashScheme.OnePermutation, hasher.Scheme);
        ulong[] set = TestData.DistinctValues(40, 8);
        Assert.Equal(hasher.Compute(set), new MinHasher(77, seed: 5, scheme: MinHashScheme.OnePermutation).Compute(set));
        Assert.NotEqual(hasher.Compute(set).Values.ToArray(), new MinHasher(77, seed: 6, scheme: MinHashScheme.OnePermutation).Compute(set).Values.ToArray());
    }

    [Fact]
    public void Large_K_uses_pooled_buffers_and_matches_the_allocating_overload()
    {
        foreach (MinHashScheme scheme in new[] { MinHashScheme.Classic, MinHashScheme.OnePermutation })
        {
            var hasher = new MinHasher(MinHasher.MaxNumPermutations, scheme: scheme);
            ulong[] set = TestData.DistinctValues(300, 9);
            uint[] values = new uint[hasher.NumPermutations];
            hasher.Compute(set, values);
            Assert.Equal(hasher.Compute(set).Values.ToArray(), values);
        }
    }

    [Theory]
    [InlineData(MinHashScheme.Classic)]
    [InlineData(MinHashScheme.OnePermutation)]
    public void Span_compute_allocates_nothing(MinHashScheme scheme)
    {
        var hasher = new MinHasher(128, scheme: scheme);
        ulong[] set = TestData.DistinctValues(1000, 10);
        uint[] values = new uint[128];
        hasher.Compute(set, values);
        long before = GC.GetAllocatedBytesForCurrentThread();
        hasher.Compute(set, values);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
