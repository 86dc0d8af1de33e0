using Dedup.Indexing;

namespace Dedup.Redis.Tests;

/// <summary>A store set to a database the server does not have.</summary>
public sealed class MissingDatabaseTests
{
    public static TheoryData<string> Servers => RedisServers.Names;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>
    /// Database 99 on a server of 16 is a setting to change: both stores refuse it when made, before anything is sent
    /// (a command to it fails in the client as a lost connection, and drops the shared connection a moment for every
    /// other caller), naming the number and how many the server has. The connection stays usable.
    /// </summary>
    [Theory]
    [MemberData(nameof(Servers))]
    public async Task A_database_the_server_lacks_is_refused_when_the_store_is_made(string server)
    {
        var e = Assert.Throws<ArgumentException>(() => new RedisSharedIndexStore(RedisServers.Connection(server), new RedisSharedIndexStoreOptions { IndexName = $"db99-{Guid.NewGuid():N}", Database = 99 }));
        Assert.Equal("options", e.ParamName);
        Assert.Contains($"Database is 99, but the Redis server at {RedisServers.EndPoint(server)} has 16 databases, numbered 0 to 15", e.Message, StringComparison.Ordinal);

        e = Assert.Throws<ArgumentException>(() => new RedisBucketStore(RedisServers.Connection(server), new RedisBucketStoreOptions { KeyPrefix = $"db99:{Guid.NewGuid():N}:", Database = 99 }));
        Assert.Contains("Database is 99", e.Message, StringComparison.Ordinal);

        // The last database is taken, and the connection works on.
        var last = new RedisBucketStore(RedisServers.Connection(server), new RedisBucketStoreOptions { KeyPrefix = $"db15:{Guid.NewGuid():N}:", Database = 15 });
        await last.AddAsync(new LshBucketEntry[] { new(1, 7) }, Ct);
        int[][] found = await last.QueryAsync(new ulong[] { 1 }, Ct);
        Assert.Equal([7], found[0]);
    }

    /// <summary>ConnectAsync refuses it too, and closes the connection it opened.</summary>
    [Theory]
    [MemberData(nameof(Servers))]
    public async Task ConnectAsync_refuses_a_database_the_server_lacks(string server)
    {
        var e = await Assert.ThrowsAsync<ArgumentException>(() => RedisSharedIndexStore.ConnectAsync(RedisServers.EndPoint(server), new RedisSharedIndexStoreOptions { IndexName = "db99", Database = 99 }));
        Assert.Contains("has 16 databases", e.Message, StringComparison.Ordinal);
        e = await Assert.ThrowsAsync<ArgumentException>(() => RedisBucketStore.ConnectAsync(RedisServers.EndPoint(server), new RedisBucketStoreOptions { Database = 99 }));
        Assert.Contains("has 16 databases", e.Message, StringComparison.Ordinal);
    }
}
