using System.Globalization;
using Dedup.Detection;
using FsCheck;
using FsCheck.Fluent;

namespace Dedup.Redis.Tests;

/// <summary>
/// A <see cref="CopyDetector"/> whose buckets live on a Redis-protocol server answers exactly like one whose buckets live in
/// memory. A failure means the store loses, invents or miscounts a bucket membership.
/// </summary>
public sealed class DetectorParityTests
{
    private enum Op
    {
        Add,
        Remove,
        Find,
        FindOrAdd,
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly Gen<(Op Op, int Article)[]> Sequences =
        from length in Gen.Choose(1, 24)
        from ops in Gen.ArrayOf(
            from op in Gen.Elements(Op.Add, Op.Remove, Op.Find, Op.FindOrAdd)
            from article in Gen.Choose(0, Stories.Pool.Count - 1)
            select (op, article),
            length)
        select ops;

    /// <summary>A property per server (a theory, so a server that is not configured is simply not listed).</summary>
    [Theory]
    [MemberData(nameof(RedisBucketStoreTests.Servers), MemberType = typeof(RedisBucketStoreTests))]
    public void The_store_backed_detector_answers_like_the_in_memory_one(string server) =>
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(30), Prop.ForAll(Sequences.ToArbitrary(), ops => SameAnswers(server, ops)));

    [Theory]
    [MemberData(nameof(RedisBucketStoreTests.Servers), MemberType = typeof(RedisBucketStoreTests))]
    public async Task Copies_are_found_through_the_store(string server)
    {
        await using var detector = new CopyDetector(null, RedisServers.NewStore(server));
        IReadOnlyList<Article> pool = Stories.Pool;
        Assert.True(await detector.AddAsync(pool[0], Ct));
        Assert.True(await detector.AddAsync(pool[3], Ct));
        Assert.False(await detector.AddAsync(pool[0], Ct));

        Assert.Contains(await detector.FindCopiesAsync(pool[1], Ct), m => m.Id == "a0");
        Assert.Contains(await detector.FindCopiesAsync(pool[4], Ct), m => m.Id == "a3");
        Assert.Equal(CopyKind.Duplicate, Assert.Single(await detector.FindCopiesAsync(pool[6], Ct)).Kind);
        Assert.Empty(await detector.FindCopiesAsync(pool[7], Ct));

        Assert.True(await detector.RemoveAsync("a0", Ct));
        Assert.DoesNotContain(await detector.FindCopiesAsync(pool[1], Ct), m => m.Id == "a0");
        Assert.Throws<NotSupportedException>(() => detector.FindCopies(pool[1]));
    }

    private static bool SameAnswers(string server, (Op Op, int Article)[] ops)
    {
        using var memory = new CopyDetector();
        using var redis = new CopyDetector(null, RedisServers.NewStore(server));
        foreach ((Op op, int index) in ops)
        {
            string expected = Answer(memory, op, Stories.Pool[index]).AsTask().GetAwaiter().GetResult();
            string actual = Answer(redis, op, Stories.Pool[index]).AsTask().GetAwaiter().GetResult();
            Assert.Equal(expected, actual);
        }

        return true;
    }

    private static async ValueTask<string> Answer(CopyDetector detector, Op op, Article article) => op switch
    {
        Op.Add => $"add {await detector.AddAsync(article, Ct)}",
        Op.Remove => $"remove {await detector.RemoveAsync(article.Id, Ct)}",
        Op.Find => "find " + Format(await detector.FindCopiesAsync(article, Ct)),
        _ => await detector.FindOrAddAsync(article, Ct) is var r ? $"find-or-add {r.Added} {Format(r.Copies)}" : "",
    };

    private static string Format(IReadOnlyList<CopyMatch> matches) =>
        string.Join("; ", matches.Select(m => string.Create(CultureInfo.InvariantCulture, $"{m.Id} {m.Kind} {m.Score:R}")));
}
