using Dedup.Indexing;
using Dedup.Sketches;

namespace Dedup.Tests.Indexing;

public class MinHashLshIndexTests
{
    private const int K = 128;

    private static MinHashLshIndex NewIndex(ILshBucketStore? store = null)
        => new(new LshIndexOptions { NumPermutations = K, Parameters = new LshParameters(20, 6), Store = store });

    [Fact]
    public void Threshold_options_derive_the_banding()
    {
        var index = new MinHashLshIndex(new LshIndexOptions { Threshold = 0.9 });
        Assert.Equal(new LshParameters(5, 25), index.Parameters);
        Assert.Equal(128, index.NumPermutations);
    }

    [Fact]
    public void Query_returns_near_duplicates_with_their_estimated_jaccard_most_similar_first()
    {
        var random = new Random(1);
        var index = NewIndex();
        uint[] original = TestSignatures.Random(random, K);
        index.Add("original", original);
        index.Add("close", TestSignatures.Perturb(random, original, 8));     // 120/128 equal
        index.Add("closer", TestSignatures.Perturb(random, original, 2));    // 126/128 equal
        index.Add("unrelated", TestSignatures.Random(random, K));

        IReadOnlyList<MinHashCandidate> result = index.Query(original);

        Assert.Equal(["original", "closer", "close"], result.Select(c => c.Key));
        Assert.Equal(1.0, result[0].Jaccard);
        Assert.Equal(126.0 / 128, result[1].Jaccard);
        Assert.Equal(120.0 / 128, result[2].Jaccard);
        Assert.Equal(["original", "closer"], index.Query(original, minJaccard: 0.95).Select(c => c.Key));
    }

    [Fact]
    public void Each_candidate_is_returned_once_even_when_it_shares_every_band()
    {
        var random = new Random(2);
        var index = NewIndex();
        uint[] s = TestSignatures.Random(random, K);
        index.Add("a", s);
        index.Add("b", s);
        Assert.Equal(["a", "b"], index.Query(s).Select(c => c.Key));
    }

    [Fact]
    public void Adding_a_key_twice_replaces_its_signature()
    {
        var random = new Random(3);
        var index = NewIndex();
        uint[] first = TestSignatures.Random(random, K);
        uint[] second = TestSignatures.Random(random, K);
        Assert.True(index.Add("doc", first));
        Assert.False(index.Add("doc", second));
        Assert.Equal(1, index.Count);
        Assert.Empty(index.Query(first));
        Assert.Equal("doc", Assert.Single(index.Query(second)).Key);
        var stored = new uint[K];
        Assert.True(index.TryGetSignature("doc", stored));
        Assert.Equal(second, stored);
    }

    [Fact]
    public void Remove_takes_a_document_out_of_every_bucket_and_frees_its_slot_for_reuse()
    {
        var random = new Random(4);
        var index = NewIndex();
        uint[] a = TestSignatures.Random(random, K);
        uint[] b = TestSignatures.Random(random, K);
        index.Add("a", a);
        Assert.True(index.Remove("a"));
        Assert.False(index.Remove("a"));
        Assert.False(index.Contains("a"));
        Assert.Equal(0, index.Count);
        Assert.Empty(index.Query(a));

        index.Add("b", b);
        Assert.Empty(index.Query(a));
        Assert.Equal("b", Assert.Single(index.Query(b)).Key);
    }

    [Fact]
    public void AddRange_adds_all_documents_and_the_last_of_a_repeated_key_wins()
    {
        var random = new Random(5);
        var index = NewIndex();
        uint[][] sigs = Enumerable.Range(0, 4).Select(_ => TestSignatures.Random(random, K)).ToArray();
        int added = index.AddRange(["a", "b", "a", "c"], sigs.SelectMany(s => s).ToArray());
        Assert.Equal(3, added);
        Assert.Equal(3, index.Count);
        Assert.Empty(index.Query(sigs[0]));
        Assert.Equal("a", Assert.Single(index.Query(sigs[2])).Key);
    }

    [Fact]
    public void A_signature_of_the_wrong_length_throws_naming_both_lengths()
    {
        var index = NewIndex();
        var e = Assert.Throws<ArgumentException>(() => index.Add("x", new uint[100]));
        Assert.Contains("100", e.Message, StringComparison.Ordinal);
        Assert.Contains("128", e.Message, StringComparison.Ordinal);
        Assert.Equal("signature", e.ParamName);
        Assert.Throws<ArgumentException>(() => index.Query(new uint[129]));
        Assert.Throws<ArgumentException>(() => index.AddRange(["a", "b"], new uint[K]));
        Assert.Throws<ArgumentNullException>(() => index.Add(null!, new uint[K]));
        Assert.Throws<ArgumentOutOfRangeException>(() => index.Query(new uint[K], 1.5));
    }

    [Fact]
    public void Candidates_are_found_with_the_probability_the_banding_predicts()
    {
        // Pairs at Jaccard 0.5 with 20 bands of 6 rows collide with P = 1 − (1 − 0.5⁶)²⁰ ≈ 0.27.
        var random = new Random(6);
        var index = NewIndex();
        int found = 0;
        const int Pairs = 400;
        for (int i = 0; i < Pairs; i++)
        {
            uint[] s = TestSignatures.Random(random, K);
            index.Add($"d{i}", s);
            if (index.Query(TestSignatures.Perturb(random, s, K / 2)).Any(c => c.Key == $"d{i}"))
            {
                found++;
            }
        }

        double expected = index.Parameters.CollisionProbability(0.5);
        Assert.InRange(found / (double)Pairs, expected - 0.08, expected + 0.08);
    }

    [Fact]
    public async Task An_asynchronous_store_is_used_through_batches_and_gives_the_same_answers()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        var random = new Random(7);
        var store = new AsyncOnlyStore();
        var index = NewIndex(store);
        uint[] a = TestSignatures.Random(random, K);
        uint[] near = TestSignatures.Perturb(random, a, 4);
        uint[] b = TestSignatures.Random(random, K);

        Assert.Equal(2, await index.AddRangeAsync(new[] { "a", "b" }, a.Concat(b).ToArray(), ct));
        Assert.Equal(1, store.AddBatches);
        Assert.True(await index.AddAsync("near", near, ct));

        IReadOnlyList<MinHashCandidate> result = await index.QueryAsync(a, cancellationToken: ct);
        Assert.Equal(["a", "near"], result.Select(c => c.Key));
        Assert.Equal(1, store.QueryBatches);

        Assert.False(await index.AddAsync("a", b, ct));
        Assert.Equal(["near"], (await index.QueryAsync(a, cancellationToken: ct)).Select(c => c.Key));
        Assert.True(await index.RemoveAsync("near", ct));
        Assert.Empty(await index.QueryAsync(a, cancellationToken: ct));
        Assert.Equal(["a", "b"], (await index.QueryAsync(b, cancellationToken: ct)).Select(c => c.Key));

        var e = Assert.Throws<NotSupportedException>(() => index.Query(a));
        Assert.Contains("QueryAsync", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Async_methods_on_an_in_memory_store_complete_synchronously()
    {
        var index = NewIndex();
        uint[] s = TestSignatures.Random(new Random(8), K);
        ValueTask<bool> add = index.AddAsync("a", s, TestContext.Current.CancellationToken);
        Assert.True(add.IsCompletedSuccessfully);
        Assert.True(await add);
        ValueTask<IReadOnlyList<MinHashCandidate>> query = index.QueryAsync(s, cancellationToken: TestContext.Current.CancellationToken);
        Assert.True(query.IsCompletedSuccessfully);
        Assert.Single(await query);
    }

    /// <summary>
    /// The in-memory store tells band keys apart by their low 32 bits within a table it picks by their top 8 bits; two
    /// band keys that agree in those 40 bits (found by a birthday search) share a bucket there, and a query must still
    /// return only the documents that share a band.
    /// </summary>
    [Fact]
    public void A_document_whose_band_key_only_agrees_in_the_stores_40_bits_is_no_candidate()
    {
        const int K = 16;
        const int Rows = 4;
        static uint[] RowsOf(int trial) => [(uint)trial, 0x9E3779B9u * (uint)trial, 7u, 11u];
        static ulong KeyOf(uint[] rows)
        {
            ulong[] key = new ulong[1];
            SignatureMath.ComputeBandKeys(rows, 1, Rows, key);
            return key[0];
        }

        var seen = new Dictionary<ulong, int>();
        int first = -1;
        int second = -1;
        for (int trial = 0; trial < 4_000_000 && second < 0; trial++)
        {
            ulong key = KeyOf(RowsOf(trial));
            ulong stored = ((key >> 56) << 32) | (uint)key;
            if (!seen.TryAdd(stored, trial))
            {
                (first, second) = (seen[stored], trial);
            }
        }

        Assert.True(second >= 0, "no two band keys agree in their top 8 and low 32 bits among the trials");
        uint[] storedSignature = [.. RowsOf(first), .. Enumerable.Repeat(1u, K - Rows)];
        uint[] query = [.. RowsOf(second), .. Enumerable.Repeat(2u, K - Rows)];
        Assert.NotEqual(KeyOf(RowsOf(first)), KeyOf(RowsOf(second)));

        var index = new MinHashLshIndex(new LshIndexOptions { NumPermutations = K, Parameters = new LshParameters(4, Rows) });
        index.Add("stored", storedSignature);
        Assert.Empty(index.Query(query));
        Assert.Equal(["stored"], index.Query(storedSignature).Select(c => c.Key));
    }

    [Fact]
    public void Signatures_of_another_hasher_than_the_first_are_refused()
    {
        // Signatures of hashers with other seeds or schemes cannot be compared (MinHashSignature.Jaccard refuses them);
        // the index took them, mixed, and proposed pairs from chance collisions (a client's trial).
        var index = new MinHashLshIndex(new LshIndexOptions { NumPermutations = 64 });
        string text = "the quick brown fox jumps over the lazy dog near the river bank today";
        MinHashSignature first = new MinHasher(64, seed: 1).Compute(text);
        index.Add("a", first);

        var seed = Assert.Throws<ArgumentException>(() => index.Add("b", new MinHasher(64, seed: 2).Compute(text)));
        var scheme = Assert.Throws<ArgumentException>(() => index.Query(new MinHasher(64, seed: 1, scheme: MinHashScheme.OnePermutation).Compute(text)));

        Assert.Equal("signature", seed.ParamName);
        Assert.Contains("seed 2; this index holds signatures of a Classic hasher with seed 1", seed.Message, StringComparison.Ordinal);
        Assert.Contains("OnePermutation hasher with seed 1", scheme.Message, StringComparison.Ordinal);
        Assert.Equal(1, index.Count);
        Assert.Equal(["a"], index.Query(new MinHasher(64, seed: 1).Compute(text)).Select(c => c.Key));
    }
}
