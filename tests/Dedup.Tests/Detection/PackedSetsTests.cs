using Dedup.Detection;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Dedup.Tests.Detection;

/// <summary>The scan's packed sets: the Elias–Fano code gives back every value, whole or a range at a time, and a filtered set written back in place.</summary>
public sealed class PackedSetsTests
{
    /// <summary>Ascending values (repeats allowed) drawn near 0, anywhere in 32 bits, or near the top: the code's edges.</summary>
    private static Gen<uint[]> Ascending(int most) =>
        Gen.Choose(0, most).SelectMany(n =>
            Gen.OneOf(
                Gen.Choose(0, 1000).Select(v => (uint)v),
                Gen.Choose(int.MinValue, int.MaxValue).Select(v => (uint)v),
                Gen.Choose(0, 1000).Select(v => uint.MaxValue - (uint)v)).ArrayOf(n))
        .Select(values => values.Order().ToArray());

    private static byte[] Encoded(uint[] values, int lowBits = -1)
    {
        byte[] buffer = new byte[EliasFano.MaxLength(values.Length, lowBits < 0 ? EliasFano.LowBits(values.Length) : lowBits) + EliasFano.Padding];
        int length = EliasFano.Encode(values, buffer, lowBits);
        return buffer[..(length + EliasFano.Padding)];
    }

    [Property(MaxTest = 300)]
    public Property Decodes_every_value_with_any_low_bits() =>
        Prop.ForAll(
            Ascending(700).SelectMany(values => Gen.Choose(-1, 31).SelectMany(l => Gen.Choose(0, EliasFano.DecodeSlack + 3).Select(slack => (values, l, slack)))).ToArbitrary(),
            input =>
            {
                // With and without the slack the vector step of the high part needs (without, the scalar loop takes
                // the last bytes): the values past the count are not the sequence's.
                (uint[] values, int lowBits, int slack) = input;
                byte[] encoded = Encoded(values, lowBits);
                uint[] decoded = new uint[values.Length + slack];
                return EliasFano.Count(encoded) == values.Length
                    && EliasFano.Decode(encoded, decoded) == values.Length
                    && decoded.AsSpan(0, values.Length).SequenceEqual(values);
            });

    /// <summary>The encoder writes the bytes of its reference (a value at a time into memory), at any low bits.</summary>
    [Property(MaxTest = 300)]
    public Property Encodes_the_bytes_of_its_reference() =>
        Prop.ForAll(
            Ascending(700).SelectMany(values => Gen.Choose(-1, 31).Select(l => (values, l))).ToArbitrary(),
            input =>
            {
                (uint[] values, int lowBits) = input;
                int length = EliasFano.MaxLength(values.Length, lowBits < 0 ? EliasFano.LowBits(values.Length) : lowBits);
                byte[] actual = new byte[length + 16];
                byte[] expected = new byte[length + 16];
                Array.Fill(actual, (byte)0xA5);
                Array.Fill(expected, (byte)0xA5);
                int written = EliasFano.Encode(values, actual, lowBits);
                int expectedWritten = EliasFano.EncodeReference(values, expected, lowBits);
                return (written == expectedWritten && actual.AsSpan(0, written).SequenceEqual(expected.AsSpan(0, written)))
                    .Label($"{values.Length} values, low bits {lowBits}: {written} bytes against {expectedWritten}");
            });

    [Theory]
    [InlineData(0)]
    [InlineData(EliasFano.DecodeSlack)]
    public void Rejects_a_high_part_with_a_bit_more_or_less_than_its_count(int slack)
    {
        var random = new Random(11);
        uint[] values = [.. Enumerable.Range(0, 300).Select(_ => (uint)random.NextInt64(0, 1L << 32)).Distinct().Order()];
        byte[] encoded = Encoded(values);
        Assert.Equal(EliasFano.ByteAlignedLowBits, EliasFano.LowBitsOf(encoded));

        // The count (two bytes), the low bits, the high part's length (one byte), the low parts, then the high part.
        int highStart = 2 + 1 + 1 + (3 * values.Length);
        foreach (int bit in (int[])[0, 5, 77])
        {
            byte[] broken = (byte[])encoded.Clone();
            broken[highStart + (bit >> 3)] ^= (byte)(1 << (bit & 7));
            Assert.Throws<ArgumentException>(() => EliasFano.Decode(broken, new uint[values.Length + slack]));
        }
    }

    [Property(MaxTest = 300)]
    public Property Decodes_a_range_at_a_time_as_the_model_reads_it() =>
        Prop.ForAll(
            Ascending(500).SelectMany(values => Gen.Choose(1, 64).Select(ranges => (values, ranges))).ToArbitrary(),
            input =>
            {
                (uint[] values, int ranges) = input;
                byte[] encoded = Encoded(values);
                var read = new List<uint>();
                uint[] buffer = new uint[values.Length];
                int index = 0, bit = 0;
                for (int r = 1; r <= ranges; r++)
                {
                    ulong limit = r == ranges ? 1UL << 32 : (ulong)((1UL << 32) * (ulong)r / (ulong)ranges);
                    EliasFano.Prefetch(encoded, index, bit);
                    int count = EliasFano.DecodeBelow(encoded, ref index, ref bit, limit, buffer);
                    if (buffer.Take(count).Any(v => v >= limit))
                    {
                        return false;
                    }

                    read.AddRange(buffer.Take(count));
                }

                return index == values.Length && read.SequenceEqual(values);
            });

    /// <summary>
    /// A scan extracts an article's sets straight into its packed sets: they, and the paraphrase counts, are those the
    /// arrays of the plain extraction hold, for stories, a title, short and odd texts (no token, one word, ideographs).
    /// </summary>
    [Theory]
    [InlineData(null, "...")]
    [InlineData(null, "Word")]
    [InlineData("A title", "Two words.")]
    [InlineData(null, "\u4E2D\u56FD\u7ECF\u6D4E\u589E\u957F\u3002\u592E\u884C\u8868\u793A\u3002")]
    [InlineData("Harbour", null)]
    [InlineData("Rail", null)]
    public void Features_extracted_into_packed_sets_are_those_of_the_arrays(string? title, string? text)
    {
        text ??= title == "Harbour" ? TestArticles.Harbour : TestArticles.Rail + "\n\nALSO READ: more\n\n" + TestArticles.HarbourFollowUp;
        var article = new Article("x", text, title == "Harbour" || title == "Rail" ? null : title, DateTimeOffset.UnixEpoch);
        foreach (DetectorOptions options in (DetectorOptions[])[DetectorOptions.Default, new DetectorOptions { DetectRewrites = false }])
        {
            ArticleFeatures arrays = FeatureExtractor.Extract(article, options);
            using var packed = new PackedSets(2);
            ArticleFeatures held = FeatureExtractor.Extract(article, options, packed, 1);
            uint[] buffer = [];
            Assert.Equal(arrays.Words, packed.Read(1, SetKind.Words, ref buffer).ToArray());
            Assert.Equal(arrays.Skeleton, packed.Read(1, SetKind.Skeleton, ref buffer).ToArray());
            Assert.Equal(arrays.Lead, packed.Read(1, SetKind.Lead, ref buffer).ToArray());
            Assert.Equal(arrays.ParaphraseTerms, packed.Read(1, SetKind.Terms, ref buffer).ToArray());
            Assert.Equal(arrays.ParaphraseCounts, held.ParaphraseCounts);
            Assert.Empty(held.Words);
            Assert.Equal((arrays.ExactHash, arrays.SimHash, arrays.ContentTokens, arrays.Characters, arrays.Id, arrays.Published), (held.ExactHash, held.SimHash, held.ContentTokens, held.Characters, held.Id, held.Published));
        }
    }

    /// <summary>The model's hint that an article is read soon reads nothing it may not: any step, place or article.</summary>
    [Fact]
    public void A_hint_of_a_read_to_come_is_safe_anywhere()
    {
        using var packed = new PackedSets(3);
        uint[] words = [.. Enumerable.Range(0, 300).Select(v => (uint)v * 7_919)];
        packed.Add(0, words, [3, 9], [], [1]);
        foreach (SetKind kind in Enum.GetValues<SetKind>())
        {
            for (int step = 0; step < 4; step++)
            {
                foreach (int article in (int[])[-1, 0, 1, 3])
                {
                    foreach (int position in (int[])[-1, 0, 1, 299, 300, 5_000])
                    {
                        packed.Prefetch(article, kind, step, position, position * 2);
                    }
                }
            }
        }

        foreach (int article in (int[])[int.MinValue, -1, 0, 1, 3, int.MaxValue])
        {
            packed.PrefetchSets(article);
            MemoryHint.Prefetch(words, article);
            MemoryHint.Prefetch(Array.Empty<long>(), article);
        }

        uint[] buffer = [];
        Assert.Equal(words, packed.Read(0, SetKind.Words, ref buffer).ToArray());
    }

    [Fact]
    public void Shingle_sets_take_about_25_bits_a_value()
    {
        var random = new Random(7);
        uint[] values = [.. Enumerable.Range(0, 420).Select(_ => (uint)random.NextInt64(0, 1L << 32)).Distinct().Order()];
        int length = EliasFano.Encode(values, new byte[EliasFano.MaxLength(values.Length)]);
        Assert.InRange(8.0 * length / values.Length, 24, 26);
    }

    [Fact]
    public void Rejects_values_out_of_order_and_a_short_destination()
    {
        Assert.Throws<ArgumentException>(() => EliasFano.Encode([5, 4], new byte[64]));
        Assert.Throws<ArgumentException>(() => EliasFano.Encode([1, 2, 3, 4], new byte[3]));
        byte[] encoded = Encoded([1, 2, 3]);
        Assert.Throws<ArgumentException>(() => EliasFano.Decode(encoded, new uint[2]));
        Assert.Throws<ArgumentException>(() => EliasFano.Decode(encoded.AsSpan(0, 4), new uint[3]));
    }

    [Property(MaxTest = 200)]
    public Property An_article_reads_back_its_four_sets_and_its_filtered_sets_in_place() =>
        Prop.ForAll(
            Ascending(500).ArrayOf(4).SelectMany(sets => Gen.Choose(0, 30).ArrayOf(3).Select(common => (sets, common))).ToArbitrary(),
            input =>
            {
                // Each set holds some of the model's boilerplate (the common shingles k * 7919), besides its own values.
                (uint[][] drawn, int[] common) = input;
                uint[][] sets = [.. drawn.Select((s, k) => s.Concat(k < 3 ? Enumerable.Range(0, common[k]).Select(c => (uint)(c * 7919)) : []).Distinct().Order().ToArray())];
                using var packed = new PackedSets(3);
                packed.Add(1, sets[0], sets[1], sets[2], sets[3]);
                uint[] buffer = [];
                for (int k = 0; k < 4; k++)
                {
                    if (!packed.Read(1, (SetKind)k, ref buffer).SequenceEqual(sets[k]) || packed.CountOf(1, (SetKind)k) != sets[k].Length)
                    {
                        return false;
                    }
                }

                BoilerplateModel model = Model.Value.Model;
                uint[] Filtered(uint[] set, bool skeleton)
                {
                    uint[] copy = [.. set];
                    return copy[..(skeleton ? model.RemoveSkeletonBoilerplate(copy) : model.RemoveWordBoilerplate(copy))];
                }

                packed.RemoveBoilerplate(1, model, ref buffer);
                var reader = new PackedSets.Reader(packed);
                reader.Load(0, 1);
                return reader.Get(0, SetKind.Words).SequenceEqual(Filtered(sets[0], skeleton: false))
                    && reader.Get(0, SetKind.Skeleton).SequenceEqual(Filtered(sets[1], skeleton: true))
                    && reader.Get(0, SetKind.Lead).SequenceEqual(Filtered(sets[2], skeleton: false))
                    && reader.Get(0, SetKind.Terms).SequenceEqual(sets[3]);
            });

    /// <summary>
    /// A reader's two slots, loaded with any articles in any order and asked for any of their sets in any order (a set
    /// is decoded when first asked for since its article was loaded), give the sets of the article last loaded into that
    /// slot, never one read for the article before it or for the other slot. A slot never loaded says so.
    /// </summary>
    [Property(MaxTest = 100)]
    public Property A_reader_gives_the_sets_of_the_article_last_loaded_into_each_slot(int seed)
    {
        var random = new Random(seed);
        int n = random.Next(1, 6);
        uint[][][] sets = [.. Enumerable.Range(0, n).Select(_ => Enumerable.Range(0, 4).Select(_ =>
            Enumerable.Range(0, random.Next(60)).Select(_ => (uint)random.Next()).Distinct().Order().ToArray()).ToArray())];
        using var packed = new PackedSets(n);
        for (int i = 0; i < n; i++)
        {
            packed.Add(i, sets[i][0], sets[i][1], sets[i][2], sets[i][3]);
        }

        var reader = new PackedSets.Reader(packed);
        if (!Throws<InvalidOperationException>(() => reader.Get(1, SetKind.Words)))
        {
            return false.Label("an empty slot read");
        }

        int[] loaded = [-1, -1];
        for (int step = 0; step < 60; step++)
        {
            int slot = random.Next(2);
            if (loaded[slot] < 0 || random.Next(3) == 0)
            {
                loaded[slot] = random.Next(n);
                reader.Load(slot, loaded[slot]);
            }

            int kind = random.Next(4);
            if (!reader.Get(slot, (SetKind)kind).SequenceEqual(sets[loaded[slot]][kind]))
            {
                return false.Label($"step {step}: slot {slot}, article {loaded[slot]}, set {(SetKind)kind}");
            }
        }

        return true.ToProperty();
    }

    private static bool Throws<T>(Action action)
        where T : Exception
    {
        try
        {
            action();
            return false;
        }
        catch (T)
        {
            return true;
        }
    }

    /// <summary>
    /// Articles added from two threads in any order, into slabs from a few bytes to more than all of them take, some
    /// sharing another's sets: each reads back its own four sets (or its source's), and only sharing articles are the
    /// same sets. Disposed, the sets are gone and reading says so.
    /// </summary>
    [Property(MaxTest = 100)]
    public Property Articles_in_slabs_read_back_their_own_sets(int seed, byte slabChoice)
    {
        var random = new Random(seed);
        int n = random.Next(1, 200);
        int slabSize = (slabChoice % 3) switch { 0 => 1, 1 => 1 + random.Next(4000), _ => 1 << 20 };
        uint[][][] sets = [.. Enumerable.Range(0, n).Select(_ => Enumerable.Range(0, 4).Select(_ =>
            Enumerable.Range(0, random.Next(4) == 0 ? 0 : random.Next(300)).Select(_ => (uint)random.NextInt64(0, 1L << 32)).Distinct().Order().ToArray()).ToArray())];
        int[] source = [.. Enumerable.Range(0, n).Select(i => i > 0 && random.Next(4) == 0 ? random.Next(i) : i)];
        while (source.Any(s => source[s] != s))
        {
            source = [.. source.Select(s => source[s])];
        }

        var packed = new PackedSets(n, slabSize);
        int[] order = [.. Enumerable.Range(0, n).Where(i => source[i] == i).OrderBy(_ => random.Next())];
        Parallel.ForEach(order, new ParallelOptions { MaxDegreeOfParallelism = 2 }, i => packed.Add(i, sets[i][0], sets[i][1], sets[i][2], sets[i][3]));
        for (int i = 0; i < n; i++)
        {
            if (source[i] != i)
            {
                packed.Share(i, source[i]);
            }
        }

        uint[] buffer = [];
        for (int i = 0; i < n; i++)
        {
            for (int k = 0; k < 4; k++)
            {
                if (!packed.Read(i, (SetKind)k, ref buffer).SequenceEqual(sets[source[i]][k]))
                {
                    return false.Label($"article {i} of {n}, set {k}, slabs of {slabSize}");
                }
            }

            int other = random.Next(n);
            if (packed.SameSets(i, other) != (source[i] == source[other]))
            {
                return false.Label($"articles {i} and {other}: same sets {packed.SameSets(i, other)}");
            }
        }

        packed.Dispose();
        packed.Dispose();
        packed.PrefetchSets(0);
        packed.Prefetch(0, SetKind.Words, 0, 0, 0);
        bool gone = Record.Exception(() => packed.CountOf(0, SetKind.Words)) is ObjectDisposedException
            && Record.Exception(() => packed.Add(0, [], [], [], [])) is ObjectDisposedException;
        return gone.Label("disposed sets read or added to");
    }

    [Fact]
    public void An_article_without_sets_is_named()
    {
        using var packed = new PackedSets(2);
        uint[] buffer = [];
        Assert.Contains("Article 1 has no sets", Assert.Throws<InvalidOperationException>(() => packed.Read(1, SetKind.Words, ref buffer)).Message);
        Assert.Contains("Article 0 has no sets", Assert.Throws<InvalidOperationException>(() => packed.Share(1, 0)).Message);
        Assert.Throws<ArgumentOutOfRangeException>("index", () => packed.Add(2, [], [], [], []));
        Assert.False(packed.SameSets(0, 1));
    }

    /// <summary>
    /// 300 articles of random shingles, a third of them with 30 common word shingles (k * 7919) and half with 20 common
    /// skeleton shingles: the common ones are boilerplate at a limit of 20 articles.
    /// </summary>
    private static readonly Lazy<(ArticleFeatures[] Articles, BoilerplateModel Model)> Model = new(() =>
    {
        var random = new Random(11);
        ArticleFeatures[] articles = [.. Enumerable.Range(0, 300).Select(i =>
        {
            uint[] Set(int n, int common) => [.. Enumerable.Range(0, n).Select(k => k < common ? (uint)(k * 7919) : (uint)random.NextInt64(0, 1L << 32)).Distinct().Order()];
            return new ArticleFeatures($"a{i}", null, (ulong)i, 0, Set(200, i % 3 == 0 ? 30 : 0), Set(80, i % 2 == 0 ? 20 : 0), [], [], 0, 0);
        })];
        return (articles, BoilerplateModel.Build(articles, 20, concurrently: false));
    });

    [Fact]
    public void The_model_from_packed_sets_equals_the_model_from_arrays()
    {
        (ArticleFeatures[] articles, BoilerplateModel fromArrays) = Model.Value;
        using var packed = new PackedSets(articles.Length);
        for (int i = 0; i < articles.Length; i++)
        {
            packed.Add(i, articles[i].Words, articles[i].Skeleton, articles[i].Lead, articles[i].ParaphraseTerms);
        }

        BoilerplateModel fromPacked = BoilerplateModel.Build(packed, 20, concurrently: true);
        Assert.Equal(fromArrays.Encode(), fromPacked.Encode());

        // 30 word and 20 skeleton shingles, each 4 bytes, after the count and two lengths.
        Assert.Equal(12 + (4 * 50), fromPacked.Encode().Length);
    }
}
