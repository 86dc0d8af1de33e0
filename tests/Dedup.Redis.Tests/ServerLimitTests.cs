using System.Diagnostics;
using Dedup.Indexing;
using StackExchange.Redis;

namespace Dedup.Redis.Tests;

/// <summary>A Redis server at its memory limit, on a redis-server of its own (its settings would disturb other tests).</summary>
public sealed class ServerLimitTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>
    /// A server at its memory limit with the recommended noeviction policy refuses writes: the store says so, as an
    /// InvalidOperationException (the server answers; a retry does not help until memory is freed), not as a raw
    /// server error; reads go on, and nothing of the refused article is indexed.
    /// </summary>
    [Fact]
    public async Task A_server_at_its_memory_limit_is_named_as_such()
    {
        string? redisServer = FindOnPath("redis-server");
        if (redisServer is null)
        {
            Assert.Skip("redis-server is not installed (Debian: apt-get install redis-server); .ci/run installs it.");
        }

        int port = RedisServers.FreePort();
        using Process server = Process.Start(new ProcessStartInfo(redisServer, ["--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--save", "", "--appendonly", "no", "--maxmemory-policy", "noeviction"])
        {
            RedirectStandardOutput = true,
        })!;
        try
        {
            using ConnectionMultiplexer connection = await ConnectWhenUpAsync($"127.0.0.1:{port}");
            var store = new RedisSharedIndexStore(connection, new RedisSharedIndexStoreOptions { IndexName = "oom" });
            var first = new SharedArticle("a", 1, 0, DateTimeOffset.UnixEpoch, new byte[] { 1 }, new ulong[] { 10, 11 });
            Assert.Equal(SharedAddStatus.Added, (await store.AddAsync(new[] { first }, Ct))[0].Status);

            // A limit below what the server already uses: every write is refused.
            await connection.GetServer($"127.0.0.1:{port}").ExecuteAsync("CONFIG", "SET", "maxmemory", "1");
            var second = new SharedArticle("b", 2, 0, DateTimeOffset.UnixEpoch, new byte[] { 2 }, new ulong[] { 10, 12 });
            var e = await Assert.ThrowsAsync<InvalidOperationException>(async () => await store.AddAsync(new[] { second }, Ct));
            Assert.Contains($"The Redis server at 127.0.0.1:{port} refused to write the index", e.Message, StringComparison.Ordinal);
            Assert.Contains("memory limit (maxmemory)", e.Message, StringComparison.Ordinal);
            Assert.IsType<RedisServerException>(e.InnerException);

            Assert.Equal(1, await store.CountAsync(Ct));
            Assert.NotNull((await store.GetAsync(new[] { 0 }, Ct))[0]);
            Assert.Equal(0, (await store.QueryAsync(new ulong[] { 12 }, 10, Ct))[0].Count);
        }
        finally
        {
            server.Kill();
            await server.WaitForExitAsync(Ct);
        }
    }

    private static async Task<ConnectionMultiplexer> ConnectWhenUpAsync(string endPoint)
    {
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                return await ConnectionMultiplexer.ConnectAsync($"{endPoint},connectTimeout=1000,allowAdmin=true");
            }
            catch (RedisConnectionException) when (attempt < 50)
            {
                await Task.Delay(100, Ct);
            }
        }
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator)
            .Select(folder => Path.Combine(folder, name))
            .FirstOrDefault(File.Exists);
}
