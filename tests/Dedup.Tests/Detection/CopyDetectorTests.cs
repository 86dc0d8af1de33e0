using Dedup.Detection;

namespace Dedup.Tests.Detection;

public class CopyDetectorTests
{
    private static CopyDetector WithHarbourAndRail(DetectorOptions? options = null)
    {
        var detector = new CopyDetector(options);
        detector.Add(new Article("harbour", TestArticles.Harbour, "Council approves harbour wall rebuild", new DateTimeOffset(2025, 3, 1, 9, 0, 0, TimeSpan.Zero)));
        detector.Add(new Article("rail", TestArticles.Rail, "New rail line to open in December", new DateTimeOffset(2025, 3, 2, 9, 0, 0, TimeSpan.Zero)));
        return detector;
    }

    /// <summary>
    /// ContainsSame tells a re-delivery (Add skips it) from an update under the same id (Add throws) by the content hash
    /// alone, as Add does: `dedup index add` ran a FindCopies of each already-indexed article instead, one at a time
    /// (a re-add of 40,000 articles took 2.8 times as long as building the index).
    /// </summary>
    [Fact]
    public void ContainsSame_is_true_for_what_Add_would_skip_and_false_for_what_it_would_refuse_or_add()
    {
        using CopyDetector detector = WithHarbourAndRail();
        var harbour = new Article("harbour", TestArticles.Harbour, "Council approves harbour wall rebuild", new DateTimeOffset(2025, 3, 1, 9, 0, 0, TimeSpan.Zero));

        Assert.True(detector.ContainsSame(harbour));
        Assert.True(detector.ContainsSame(harbour with { Published = null, Source = "Elsewhere" }));
        Assert.False(detector.ContainsSame(harbour with { Title = "Another title" }));
        Assert.False(detector.ContainsSame(harbour with { Text = TestArticles.Harbour + " Updated at noon." }));
        Assert.False(detector.ContainsSame(harbour with { Id = "not-indexed" }));
        Assert.False(detector.Add(harbour with { Source = "Elsewhere" }));
        Assert.Throws<ArgumentException>(() => detector.Add(harbour with { Title = "Another title" }));
        Assert.Throws<ArgumentException>(() => detector.ContainsSame(harbour with { Id = "" }));
    }

    /// <summary>A query without an id is not called "article ''" in the message; a whitespace id is said to be whitespace.</summary>
    [Fact]
    public void Messages_name_only_what_the_caller_passed()
    {
        using var detector = new CopyDetector();

        Assert.StartsWith("The text is empty or only whitespace.", Assert.Throws<ArgumentException>(() => detector.FindCopies("")).Message, StringComparison.Ordinal);
        Assert.StartsWith("The text of article 'a' is empty", Assert.Throws<ArgumentException>(() => detector.Add("a", " ")).Message, StringComparison.Ordinal);
        Assert.StartsWith("The article's id is only whitespace.", Assert.Throws<ArgumentException>(() => detector.Add(" ", "Some text.")).Message, StringComparison.Ordinal);
        Assert.StartsWith("The article's id is empty.", Assert.Throws<ArgumentException>(() => detector.Add("", "Some text.")).Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// Errors name the caller's parameters: Add(id, text) named "article", no parameter of it; a scan named a local
    /// ("Parameter 'article'") and not where in its list the bad article was (the 738th of 1,000 in a client's trial).
    /// </summary>
    [Fact]
    public void Errors_name_the_callers_parameter_and_the_articles_place()
    {
        using var detector = new CopyDetector();
        Assert.Equal("id", Assert.Throws<ArgumentNullException>(() => detector.Add(null!, "Some text.")).ParamName);
        Assert.Equal("text", Assert.Throws<ArgumentNullException>(() => detector.Add("a", null!)).ParamName);
        Assert.Equal("text", Assert.Throws<ArgumentException>(() => detector.Add("a", " ")).ParamName);
        Assert.Equal("id", Assert.Throws<ArgumentException>(() => detector.Add("", "Some text.")).ParamName);
        Assert.Equal("id", Assert.Throws<ArgumentException>(() => detector.Add("a\uD800", "Some text.")).ParamName);

        Article[] articles = [.. Enumerable.Range(0, 1_000).Select(i => new Article($"a{i}", $"Story number {i} about the harbour."))];
        Article[] withNull = [.. articles];
        withNull[737] = null!;
        var nullAt = Assert.Throws<ArgumentNullException>(() => CopyDetector.Scan(withNull, cancellationToken: TestContext.Current.CancellationToken));
        Assert.Equal(("articles", "The article at 737 is null. (Parameter 'articles')"), (nullAt.ParamName, nullAt.Message));

        Article[] emptyId = [.. articles];
        emptyId[737] = new Article("", "Text.");
        emptyId[900] = new Article("b", " ");
        var bad = Assert.Throws<ArgumentException>(() => CopyDetector.Scan(emptyId, cancellationToken: TestContext.Current.CancellationToken));
        Assert.Equal(("articles", "The article at 737: The article's id is empty. (Parameter 'articles')"), (bad.ParamName, bad.Message));
    }

    [Fact]
    public void Finds_a_duplicate_that_differs_only_in_quotes_spaces_and_dashes()
    {
        CopyDetector detector = WithHarbourAndRail();
        string copy = "Council approves  harbour wall rebuild\n\n" + TestArticles.Harbour.Replace("\"", "\u201C", StringComparison.Ordinal).Replace(" ", "\u00A0 ", StringComparison.Ordinal);

        CopyMatch match = Assert.Single(detector.FindCopies(copy));

        Assert.Equal("harbour", match.Id);
        Assert.Equal(CopyKind.Duplicate, match.Kind);
        Assert.Equal(1.0, match.Score);
    }

    [Fact]
    public void Finds_a_syndicated_copy_with_new_byline_link_line_and_footer()
    {
        CopyDetector detector = WithHarbourAndRail();

        CopyMatch match = Assert.Single(detector.FindCopies(new Article("wire", TestArticles.Syndicate(TestArticles.Harbour), "UPDATE 1-Harbour wall to be rebuilt")));

        Assert.Equal("harbour", match.Id);
        Assert.Equal(CopyKind.Syndicated, match.Kind);
        Assert.True(match.Scores.Jaccard > 0.6, $"Jaccard {match.Scores.Jaccard}");
    }

    [Fact]
    public void Finds_a_lead_excerpt_by_containment()
    {
        CopyDetector detector = WithHarbourAndRail();

        CopyMatch match = Assert.Single(detector.FindCopies(TestArticles.Lead(TestArticles.Harbour, 3)));

        Assert.Equal(CopyKind.Excerpt, match.Kind);
        Assert.True(match.Scores.ContainmentOfFirst > 0.9, $"containment {match.Scores.ContainmentOfFirst}");
        Assert.True(match.Scores.Jaccard < 0.7, $"Jaccard {match.Scores.Jaccard}");
    }

    [Fact]
    public void Finds_a_story_embedded_in_a_longer_page()
    {
        CopyDetector detector = WithHarbourAndRail();
        string page = "Here are today's top stories.\n\n" + TestArticles.HarbourFollowUp + "\n\n* * *\n\n" + TestArticles.Rail;

        CopyMatch match = Assert.Single(detector.FindCopies(page), m => m.Id == "rail");

        Assert.Equal(CopyKind.Excerpt, match.Kind);
        Assert.True(match.Scores.ContainmentOfSecond > 0.9, $"containment of the indexed story {match.Scores.ContainmentOfSecond}");
    }

    [Fact]
    public void Finds_a_roundup_that_quotes_only_the_headline_and_first_sentence()
    {
        CopyDetector detector = WithHarbourAndRail();
        string firstSentence = TestArticles.Harbour.Split("\n\n")[0];
        string page = "Here are today's top stories.\n\nRail strike called off\n\nTrain drivers accepted a new pay offer late on Sunday, ending a dispute that had lasted four months.\n\n"
            + "Council approves harbour wall rebuild\n\n" + firstSentence + "\n\nStorm warning for the weekend\n\nForecasters expect gales along the whole coast from Friday night, with gusts of up to 80 miles an hour.";

        CopyMatch match = Assert.Single(detector.FindCopies(page));

        Assert.Equal("harbour", match.Id);
        Assert.Equal(CopyKind.Excerpt, match.Kind);
        Assert.True(match.Scores.LeadScore >= 0.9, $"lead {match.Scores.LeadScore}");
        Assert.True(match.Scores.ContainmentOfSecond < 0.3, $"containment {match.Scores.ContainmentOfSecond}: the page should hold little of the story");
    }

    [Fact]
    public void Does_not_match_a_story_that_reuses_another_first_sentence_without_its_headline()
    {
        CopyDetector detector = WithHarbourAndRail();
        string firstSentence = TestArticles.Harbour.Split("\n\n")[0];

        Assert.Empty(detector.FindCopies(TestArticles.HarbourFollowUp + "\n\n" + firstSentence));
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(1.0)]
    public void Finds_a_spun_copy_as_rewritten(double rate)
    {
        CopyDetector detector = WithHarbourAndRail();
        string spun = TestArticles.Spin(TestArticles.Harbour, rate);
        ulong[] before = Dedup.Sketches.Shingler.WordShingles(TestArticles.Harbour);
        Assert.True(Dedup.Sketches.Shingler.WordShingles(spun).Intersect(before).Count() < before.Length / 2, "the spinner changed too little to test anything");

        CopyMatch match = Assert.Single(detector.FindCopies(spun));

        Assert.Equal("harbour", match.Id);
        Assert.Equal(CopyKind.Rewritten, match.Kind);
        Assert.True(match.Scores.SkeletonScore > 0.6, $"skeleton score {match.Scores.SkeletonScore}");
        Assert.True(match.Scores.Jaccard < 0.5, $"Jaccard {match.Scores.Jaccard}");
    }

    [Fact]
    public void Does_not_match_a_follow_up_story_on_the_same_topic_with_the_same_names()
    {
        CopyDetector detector = WithHarbourAndRail();

        Assert.Empty(detector.FindCopies(TestArticles.HarbourFollowUp));
    }

    [Fact]
    public void Does_not_match_two_stories_that_share_only_a_long_quote()
    {
        var detector = new CopyDetector();
        detector.Add("a", TestArticles.QuoteA);

        Assert.Empty(detector.FindCopies(TestArticles.QuoteB));
        Assert.False(detector.Compare(new Article("a", TestArticles.QuoteA), new Article("b", TestArticles.QuoteB)).IsCopy);
    }

    [Fact]
    public void Learns_publisher_boilerplate_that_many_unrelated_articles_share()
    {
        const string About = "About The Example Courier: The Example Courier is an independent news publisher covering business, politics, sport, technology and entertainment. Our journalists follow strict editorial guidelines and we correct errors promptly. We use cookies and similar technologies to improve your experience, to personalise content and adverts and to analyse our traffic.";
        var options = new DetectorOptions { BoilerplateDocumentFrequency = 3 };
        var detector = new CopyDetector(options);
        string[] paragraphs = [.. (TestArticles.Harbour + "\n\n" + TestArticles.Rail + "\n\n" + TestArticles.HarbourFollowUp).Split("\n\n")];
        for (int i = 0; i < 6; i++)
        {
            detector.Add($"story{i}", paragraphs[2 * i] + "\n\n" + paragraphs[(2 * i) + 1] + "\n\n" + About);
        }

        string shortStory = "The mayor opened a new library in the town centre on Saturday, with room for forty thousand books.";
        detector.Add("library", shortStory + "\n\n" + About);

        Assert.Empty(detector.FindCopies("A bakery in the old market has won a national prize for its bread, the owners said on Monday.\n\n" + About));
        Assert.Contains(detector.FindCopies(shortStory + "\n\n" + About), m => m.Id == "library");
    }

    [Fact]
    public void Stories_republished_many_times_stay_apart_though_every_page_carries_the_same_publisher_block()
    {
        const string About = "About The Example Courier: The Example Courier is an independent news publisher covering business, politics, sport, technology and entertainment. Our journalists follow strict editorial guidelines and we correct errors promptly. We use cookies and similar technologies to improve your experience, to personalise content and adverts and to analyse our traffic.\n\n"
            + "Membership: become a supporter of the Courier from as little as one pound a month and you will receive our weekend magazine, early access to investigations, invitations to reader events in every region, and the satisfaction of knowing that independent local reporting will still be there for your children. Cancel at any time by writing to the membership team, who answer every letter within five working days.";
        string[] stories = [TestArticles.Harbour, TestArticles.Rail, TestArticles.HarbourFollowUp, File.ReadAllText(RepoPaths.Sample("spun-article.txt"))];
        var articles = new List<Article>();
        for (int s = 0; s < stories.Length; s++)
        {
            for (int copy = 0; copy < 12; copy++)
            {
                articles.Add(new Article($"s{s}-{copy}", $"{stories[s]}\n\nFiled by desk {(s * 12) + copy}.\n\n{About}"));
            }
        }

        ScanResult result = CopyDetector.Scan(articles, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(4, result.Clusters.Count);
        Assert.All(result.Clusters, c => Assert.Equal(12, c.Members.Count));
        Assert.All(result.Clusters, c => Assert.Single(c.Members.Select(m => m[..2]).Distinct()));
        Assert.DoesNotContain(result.Pairs, p => p.First[..2] != p.Second[..2]);
    }

    [Fact]
    public void Reports_evidence_as_character_ranges_when_the_caller_supplies_the_text()
    {
        var store = new Dictionary<string, Article> { ["harbour"] = new("harbour", TestArticles.Harbour) };
        var detector = new CopyDetector(new DetectorOptions { ArticleLookup = id => store.GetValueOrDefault(id) });
        detector.Add(store["harbour"]);
        string copy = TestArticles.Syndicate(TestArticles.Harbour);

        CopyMatch match = Assert.Single(detector.FindCopies(copy));

        Assert.NotEmpty(match.Passages);
        foreach (SharedPassage p in match.Passages.Where(p => p.Exact))
        {
            string inQuery = copy.Substring(p.First.Start, p.First.Length);
            string inIndexed = TestArticles.Harbour.Substring(p.Second.Start, p.Second.Length);
            Assert.Equal(Dedup.Sketches.Shingler.WordShingles(inIndexed), Dedup.Sketches.Shingler.WordShingles(inQuery.Replace("says", "said", StringComparison.Ordinal)));
        }

        int covered = match.Passages.Sum(p => p.Second.Length);
        Assert.True(covered > TestArticles.Harbour.Length / 2, $"evidence covers {covered} of {TestArticles.Harbour.Length} characters");
        Assert.DoesNotContain(match.Passages, p => copy.Substring(p.First.Start, p.First.Length).Contains("ALSO READ", StringComparison.Ordinal));
    }

    [Fact]
    public void Reports_no_evidence_when_the_lookup_does_not_find_the_text_or_there_is_no_lookup()
    {
        var withLookup = new CopyDetector(new DetectorOptions { ArticleLookup = _ => null });
        var without = new CopyDetector();
        withLookup.Add("harbour", TestArticles.Harbour);
        without.Add("harbour", TestArticles.Harbour);

        Assert.Empty(Assert.Single(withLookup.FindCopies(TestArticles.Syndicate(TestArticles.Harbour))).Passages);
        Assert.Empty(Assert.Single(without.FindCopies(TestArticles.Syndicate(TestArticles.Harbour))).Passages);
    }

    [Theory]
    [InlineData("harbour", null, "without text (null)")]
    [InlineData("harbour", "   ", "with an empty text")]
    [InlineData("other", "text", "gave the article 'other'")]
    public async Task A_lookup_that_gives_another_article_or_no_text_is_named_in_the_error(string id, string? text, string message)
    {
        // The lookup's article is the evidence's second text: one without text failed deep inside (a null reference in
        // the passage finder), and another article's text gave passages that were not the indexed article's.
        var detector = new CopyDetector(new DetectorOptions { ArticleLookup = _ => new Article(id, text!) });
        detector.Add("harbour", TestArticles.Harbour);
        var asyncDetector = new CopyDetector(new DetectorOptions { ArticleLookupAsync = (_, _) => ValueTask.FromResult<Article?>(new Article(id, text!)) });
        await asyncDetector.AddAsync(new Article("harbour", TestArticles.Harbour), TestContext.Current.CancellationToken);

        var sync = Assert.Throws<InvalidOperationException>(() => detector.FindCopies(TestArticles.Syndicate(TestArticles.Harbour)));
        var async = await Assert.ThrowsAsync<InvalidOperationException>(async () => await asyncDetector.FindCopiesAsync(new Article("q", TestArticles.Syndicate(TestArticles.Harbour)), TestContext.Current.CancellationToken));

        Assert.Contains("ArticleLookup asked for the indexed article 'harbour'", sync.Message, StringComparison.Ordinal);
        Assert.Contains(message, sync.Message, StringComparison.Ordinal);
        Assert.Contains("ArticleLookupAsync asked for the indexed article 'harbour'", async.Message, StringComparison.Ordinal);
        Assert.Contains(message, async.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Removed_articles_are_never_returned_and_ids_are_unique()
    {
        CopyDetector detector = WithHarbourAndRail();
        Assert.Throws<ArgumentException>(() => detector.Add("harbour", TestArticles.Rail));

        Assert.True(detector.Remove("harbour"));
        Assert.False(detector.Remove("harbour"));
        Assert.False(detector.Contains("harbour"));
        Assert.Equal(1, detector.Count);
        Assert.Empty(detector.FindCopies(TestArticles.Harbour));

        detector.Add("harbour-again", TestArticles.Harbour);
        Assert.Equal("harbour-again", Assert.Single(detector.FindCopies(TestArticles.Harbour)).Id);
    }

    [Fact]
    public void An_indexed_article_is_not_its_own_copy()
    {
        CopyDetector detector = WithHarbourAndRail();

        Assert.Empty(detector.FindCopies(new Article("harbour", TestArticles.Harbour, "Council approves harbour wall rebuild")));
    }

    [Fact]
    public void Clusters_name_the_earliest_published_copy_as_the_original()
    {
        var detector = new CopyDetector();
        var t0 = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
        detector.Add(new Article("spun", TestArticles.Spin(TestArticles.Harbour), Published: t0.AddDays(2)));
        detector.Add(new Article("wire", TestArticles.Syndicate(TestArticles.Harbour), Published: t0.AddHours(5)));
        detector.Add(new Article("original", TestArticles.Harbour, Published: t0));
        detector.Add(new Article("excerpt", TestArticles.Lead(TestArticles.Harbour, 2), Published: t0.AddDays(1)));
        detector.Add(new Article("rail", TestArticles.Rail, Published: t0));

        IReadOnlyList<CopyCluster> clusters = detector.Clusters();

        Assert.Equal(2, clusters.Count);
        Assert.Equal("original", clusters[0].OriginalId);
        Assert.Equal("original", clusters[0].Members[0]);
        Assert.Equal(["original", "spun", "wire", "excerpt"], clusters[0].Members);
        Assert.Equal(["rail"], clusters[1].Members);
    }

    [Fact]
    public void Without_dates_the_copy_that_contains_the_others_is_the_original_then_the_first_added()
    {
        var detector = new CopyDetector();
        detector.Add("excerpt", TestArticles.Lead(TestArticles.Harbour, 2));
        detector.Add("full", TestArticles.Harbour);
        detector.Add("dup-1", TestArticles.Rail);
        detector.Add("dup-2", TestArticles.Rail);

        IReadOnlyList<CopyCluster> clusters = detector.Clusters();

        Assert.Contains(clusters, c => c.OriginalId == "full" && c.Members.Count == 2);
        Assert.Contains(clusters, c => c.OriginalId == "dup-1" && c.Members.SequenceEqual(["dup-1", "dup-2"]));
    }

    [Fact]
    public void Scan_finds_pairs_and_clusters_every_article_including_singletons()
    {
        Article[] articles =
        [
            new("a", TestArticles.Harbour),
            new("b", TestArticles.Syndicate(TestArticles.Harbour)),
            new("c", TestArticles.Spin(TestArticles.Harbour)),
            new("d", TestArticles.Rail),
            new("e", TestArticles.HarbourFollowUp),
            new("f", "A short unrelated note about the weather in the hills."),
        ];

        ScanResult result = CopyDetector.Scan(articles, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(6, result.Documents);
        Assert.Equal(3, result.Pairs.Count);
        Assert.Contains(result.Pairs, p => p is { First: "a", Second: "b", Kind: CopyKind.Syndicated });
        Assert.Contains(result.Pairs, p => p is { First: "a", Second: "c", Kind: CopyKind.Rewritten });
        Assert.Equal(6, result.Clusters.Sum(c => c.Members.Count));
        Assert.Equal(4, result.Clusters.Count);
    }

    [Fact]
    public void Scan_rejects_repeated_ids_and_invalid_articles_with_a_clear_message()
    {
        var e = Assert.Throws<ArgumentException>(() => CopyDetector.Scan([new("x", "one"), new("x", "two")], cancellationToken: TestContext.Current.CancellationToken));
        Assert.Contains("'x'", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => CopyDetector.Scan([new(" ", "text")], cancellationToken: TestContext.Current.CancellationToken));
        Assert.Throws<ArgumentException>(() => CopyDetector.Scan([new("y", null!)], cancellationToken: TestContext.Current.CancellationToken));
    }

    [Fact]
    public void Scan_stops_when_cancelled()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();

        Assert.ThrowsAny<OperationCanceledException>(() => CopyDetector.Scan([new("a", TestArticles.Harbour), new("b", TestArticles.Rail)], cancellationToken: cts.Token));
    }

    [Theory]
    [InlineData("Threshold")]
    [InlineData("ShingleSize")]
    [InlineData("BoilerplateDocumentFrequency")]
    public void Options_out_of_range_are_named_in_the_exception(string name)
    {
        DetectorOptions options = name switch
        {
            "Threshold" => new() { Threshold = 1.5 },
            "ShingleSize" => new() { ShingleSize = 0 },
            _ => new() { BoilerplateDocumentFrequency = 1 },
        };

        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new CopyDetector(options));
        Assert.Equal(name, e.ParamName);
    }

    /// <summary>The boilerplate rules' settings are checked with the options' and named by their path (a null list failed as "Parameter 'source'"; a negative length and null entries were taken).</summary>
    [Theory]
    [InlineData("Boilerplate.MaxLineLength")]
    [InlineData("Boilerplate.LinePrefixes")]
    [InlineData("Boilerplate.LineFragments")]
    public void Boilerplate_rules_out_of_range_are_named_in_the_exception(string name)
    {
        DetectorOptions options = name switch
        {
            "Boilerplate.MaxLineLength" => new() { Boilerplate = new Dedup.Text.BoilerplateRules { MaxLineLength = -1 } },
            "Boilerplate.LinePrefixes" => new() { Boilerplate = new Dedup.Text.BoilerplateRules { LinePrefixes = null! } },
            _ => new() { Boilerplate = new Dedup.Text.BoilerplateRules { LineFragments = ["click here", null!] } },
        };

        var e = Assert.ThrowsAny<ArgumentException>(() => new CopyDetector(options));
        Assert.Equal(name, e.ParamName);
        Assert.Equal(name, Assert.ThrowsAny<ArgumentException>(() => CopyDetector.Scan([new("a", "Some text.")], options, cancellationToken: TestContext.Current.CancellationToken)).ParamName);
    }

    [Fact]
    public void Many_threads_adding_removing_and_querying_lose_nothing_and_return_nothing_removed()
    {
        var detector = new CopyDetector();
        string[] bases = [TestArticles.Harbour, TestArticles.Rail, TestArticles.HarbourFollowUp];
        const int PerThread = 60;
        var removed = new System.Collections.Concurrent.ConcurrentDictionary<string, bool>();
        Parallel.For(0, 4, t =>
        {
            for (int i = 0; i < PerThread; i++)
            {
                string id = $"t{t}-{i}";
                detector.Add(id, $"Bulletin {t} {i} {i * 7919 % 1000}.\n\n" + bases[i % 3]);
                if (i % 3 == 2)
                {
                    Assert.True(detector.Remove(id));
                    removed[id] = true;
                }

                foreach (CopyMatch m in detector.FindCopies(bases[i % 3]))
                {
                    Assert.StartsWith("t", m.Id, StringComparison.Ordinal);
                }
            }
        });

        Assert.Equal(4 * PerThread - removed.Count, detector.Count);
        for (int t = 0; t < 4; t++)
        {
            for (int i = 0; i < PerThread; i++)
            {
                Assert.Equal(!removed.ContainsKey($"t{t}-{i}"), detector.Contains($"t{t}-{i}"));
            }
        }

        // 80 copies hold every key of the story: a query verifies a bounded number of them (the candidate index's rule).
        IReadOnlyList<CopyMatch> harbour = detector.FindCopies(TestArticles.Harbour);
        Assert.DoesNotContain(harbour, m => removed.ContainsKey(m.Id));
        Assert.Equal(CandidateSelector.MaxCommonVerified, harbour.Count);

        // None is lost: the clusters (exact) hold the 80 live copies of the story together.
        var harbourIds = Enumerable.Range(0, 4).SelectMany(t => Enumerable.Range(0, PerThread).Where(i => i % 3 == 0).Select(i => $"t{t}-{i}")).ToHashSet();
        Assert.Contains(detector.Clusters(), c => c.Members.ToHashSet().SetEquals(harbourIds));
    }

    /// <summary>
    /// Texts without a word (emoji, punctuation) are duplicates only when they are the same text: before, every such
    /// text had the same empty token sequence, and "🚀🚀" and "🎉" were duplicates of score 1 in the comparer, the
    /// live detector and the scan.
    /// </summary>
    [Fact]
    public void Texts_without_words_are_duplicates_only_of_the_same_text()
    {
        Article rocket = new("post-1", "🚀🚀"), party = new("post-2", "🎉"), bangs = new("post-3", "!!!"), dashes = new("post-4", "— — —"), again = new("post-5", " 🚀🚀 ");

        Assert.False(CopyComparer.Compare(rocket, party).IsCopy);
        Assert.False(CopyComparer.Compare(bangs, dashes).IsCopy);
        Assert.Equal(CopyKind.Duplicate, CopyComparer.Compare(rocket, again).Kind);

        using var detector = new CopyDetector();
        detector.AddRange([rocket, party, bangs], TestContext.Current.CancellationToken);
        Assert.Empty(detector.FindCopies(dashes));
        Assert.Equal("post-1", Assert.Single(detector.FindCopies(again)).Id);

        ScanResult scan = CopyDetector.Scan([rocket, party, bangs, dashes, again], cancellationToken: TestContext.Current.CancellationToken);
        var pair = Assert.Single(scan.Pairs);
        Assert.Equal(["post-1", "post-5"], new[] { pair.First, pair.Second }.Order());
    }
}
