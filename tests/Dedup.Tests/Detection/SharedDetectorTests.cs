using Dedup.Detection;
using Dedup.Indexing;
using FsCheck;
using FsCheck.Fluent;

namespace Dedup.Tests.Detection;

/// <summary>
/// The bytes a shared store keeps: an article's record and the corpus model read back to what was written; and a shared
/// detector on the in-memory shared store finds what the in-process detector finds.
/// </summary>
public class SharedDetectorTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void Records_and_models_read_back_to_what_was_written() =>
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(40), Prop.ForAll(CorpusGen.Corpus(4, 3).ToArbitrary(), articles =>
        {
            ArticleFeatures[] features = [.. articles.Select(a => FeatureExtractor.Extract(a, DetectorOptions.Default))];
            foreach (ArticleFeatures f in features)
            {
                ArticleFeatures back = ArticleRecord.Read(ArticleRecord.ToArray(f));
                Assert.Equal(f.Id, back.Id);
                Assert.Equal(f.Published, back.Published);
                Assert.Equal(f.Published?.Offset, back.Published?.Offset);
                Assert.Equal((f.ExactHash, f.ContentTokens, f.Characters), (back.ExactHash, back.ContentTokens, back.Characters));
                Assert.Equal(f.Words, back.Words);
                Assert.Equal(f.Skeleton, back.Skeleton);
                Assert.Equal(f.Lead, back.Lead);
                Assert.Equal(f.ParaphraseTerms, back.ParaphraseTerms);
            }

            var model = BoilerplateModel.Build(features, 2);
            var read = BoilerplateModel.Decode(model.Encode());
            Assert.Equal(model.Articles, read.Articles);
            foreach (ArticleFeatures f in features)
            {
                Assert.Equal(model.Words(f), read.Words(f));
                Assert.Equal(model.Skeleton(f), read.Skeleton(f));
            }

            return true;
        }));

    [Fact]
    public void A_truncated_record_is_invalid_data()
    {
        byte[] record = ArticleRecord.ToArray(FeatureExtractor.Extract(new Article("x", "One two three four five six seven eight."), DetectorOptions.Default));
        Assert.Throws<InvalidDataException>(() => ArticleRecord.Read(record.AsSpan(0, record.Length - 3)));
    }

    [Fact]
    public async Task A_shared_detector_finds_what_the_in_process_one_finds()
    {
        Article[] articles =
        [
            new("harbour", TestArticles.Harbour),
            new("rail", TestArticles.Rail),
            new("syndicated", TestArticles.Syndicate(TestArticles.Harbour)),
            new("lead", TestArticles.Lead(TestArticles.Rail, 2)),
            new("spun", TestArticles.Spin(TestArticles.Harbour)),
            new("follow-up", TestArticles.HarbourFollowUp),
            new("quote-a", TestArticles.QuoteA),
            new("quote-b", TestArticles.QuoteB),
            new("harbour", TestArticles.Harbour),
        ];
        using var local = new CopyDetector();
        await using var shared = new CopyDetector(null, new InMemorySharedIndexStore());
        foreach (Article a in articles)
        {
            FindOrAddResult expected = await local.FindOrAddAsync(a, Ct);
            FindOrAddResult actual = await shared.FindOrAddAsync(a, Ct);
            Assert.Equal(expected.Added, actual.Added);
            Assert.Equal(expected.Copies.Select(m => (m.Id, m.Kind, m.Score)), actual.Copies.Select(m => (m.Id, m.Kind, m.Score)));
        }

        Assert.Throws<NotSupportedException>(() => shared.Add(articles[0]));
    }
}
