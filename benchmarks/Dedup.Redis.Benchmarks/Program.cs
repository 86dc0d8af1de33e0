using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using Dedup.Detection;
using Dedup.Indexing;
using Dedup.Redis;
using Garnet;
using Garnet.server;
using StackExchange.Redis;

namespace Dedup.Redis.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release -- [--redis host:port] [--articles N]</c>: adds N synthetic articles (a fifth of them light
/// edits of earlier ones) to a shared detector, then queries N more, with 1, 100 or 1000 calls in flight at once, against
/// the in-memory shared store, a Garnet in this process and, with --redis, a server on loopback. Prints articles per
/// second, server commands per article and server memory per article as a Markdown table.
/// </summary>
internal static class Program
{
    private static readonly string[] Syllables =
        ["ka", "lo", "mi", "ne", "su", "ta", "ri", "po", "da", "ve", "gu", "shi", "ban", "tor", "mel", "cas", "fen", "dro", "lin", "par", "the", "of", "and", "in"];

    public static async Task<int> Main(string[] args)
    {
        if (args.Length >= 3 && args[0] == "workers")
        {
            int at = Array.IndexOf(args, "--redis");
            int w = Array.IndexOf(args, "--workers");
            if (at < 0 || at == args.Length - 1)
            {
                Console.Error.WriteLine("usage: workers FILE COUNT --redis host:port [--workers W] [--compare]");
                return 2;
            }

            return await Workers.RunAsync(
                args[1],
                int.Parse(args[2], CultureInfo.InvariantCulture),
                args[at + 1],
                w >= 0 && w < args.Length - 1 ? int.Parse(args[w + 1], CultureInfo.InvariantCulture) : 4,
                args.Contains("--compare"));
        }

        int n = 2000;
        string? redis = null;
        for (int i = 0; i < args.Length - 1; i++)
        {
            if (args[i] == "--articles")
            {
                n = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
            }
            else if (args[i] == "--redis")
            {
                redis = args[i + 1];
            }
        }

        Article[] adds = Corpus(n, 1);
        Article[] queries = Corpus(n, 2);
        int[] batches = [1, 100, 1000];
        Console.WriteLine($"{n} articles added, {n} queried; CPU: {Environment.ProcessorCount} cores");
        Console.WriteLine();
        Console.WriteLine("| store | batch | add art/s | query art/s | commands/article add, query | server bytes/article |");
        Console.WriteLine("|---|---:|---:|---:|---|---:|");

        foreach (int batch in batches)
        {
            await RunAsync("in-process detector (no shared store)", batch, adds, queries, () => (null, null));
        }

        foreach (int batch in batches)
        {
            await RunAsync("in-memory shared store", batch, adds, queries, () => (new InMemorySharedIndexStore(), null));
        }

        int port = FreePort();
        using (var garnet = new GarnetServer(new GarnetServerOptions { EndPoints = [new IPEndPoint(IPAddress.Loopback, port)], EnableLua = true, LuaOptions = new LuaOptions(), QuietMode = true }))
        {
            garnet.Start();
            using ConnectionMultiplexer connection = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{port},allowAdmin=true");
            foreach (int batch in batches)
            {
                await RunAsync("Garnet (in process)", batch, adds, queries, () => (new RedisSharedIndexStore(connection, new RedisSharedIndexStoreOptions { IndexName = $"bench{Guid.NewGuid():N}" }), connection));
            }
        }

        if (redis is not null)
        {
            using ConnectionMultiplexer connection = await ConnectionMultiplexer.ConnectAsync(redis + ",allowAdmin=true");
            foreach (int batch in batches)
            {
                await RunAsync("redis-server (loopback)", batch, adds, queries, () => (new RedisSharedIndexStore(connection, new RedisSharedIndexStoreOptions { IndexName = $"bench{Guid.NewGuid():N}" }), connection));
            }
        }

        return 0;
    }

    private static async Task RunAsync(string name, int batch, Article[] adds, Article[] queries, Func<(ISharedIndexStore? Store, ConnectionMultiplexer? Server)> open)
    {
        (ISharedIndexStore? store, ConnectionMultiplexer? server) = open();
        var detector = store is null ? new CopyDetector() : new CopyDetector(null, store);
        var profiler = new Profiler();
        server?.RegisterProfiler(profiler.Current);
        (_, long memory0) = await ServerStatsAsync(server);
        profiler.Start();
        double addRate = await RateAsync(adds, batch, a => detector.AddAsync(a).AsTask());
        int addCommands = profiler.Finish();
        (_, long memory1) = await ServerStatsAsync(server);
        profiler.Start();
        double queryRate = await RateAsync(queries, batch, a => detector.FindCopiesAsync(a).AsTask());
        int queryCommands = profiler.Finish();
        string perArticle = server is null ? "-" : string.Create(CultureInfo.InvariantCulture, $"{addCommands / (double)adds.Length:F2}, {queryCommands / (double)queries.Length:F2}");
        string bytes = server is null || memory0 < 0 ? "-" : ((memory1 - memory0) / adds.Length).ToString(CultureInfo.InvariantCulture);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {batch} | {addRate:F0} | {queryRate:F0} | {perArticle} | {bytes} |"));
        if (store is RedisSharedIndexStore redis)
        {
            await redis.ClearAsync();
        }
    }

    /// <summary>Counts the commands the client sends while a session is open.</summary>
    private sealed class Profiler
    {
        private StackExchange.Redis.Profiling.ProfilingSession? _session;

        public StackExchange.Redis.Profiling.ProfilingSession? Current() => _session;

        public void Start() => _session = new StackExchange.Redis.Profiling.ProfilingSession();

        public int Finish()
        {
            int count = _session?.FinishProfiling().Count() ?? 0;
            _session = null;
            return count;
        }
    }

    /// <summary>Articles per second, with up to <paramref name="batch"/> calls in flight (each wave awaited together).</summary>
    private static async Task<double> RateAsync(Article[] articles, int batch, Func<Article, Task> call)
    {
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < articles.Length; i += batch)
        {
            await Task.WhenAll(articles.Skip(i).Take(batch).Select(call));
        }

        return articles.Length / clock.Elapsed.TotalSeconds;
    }

    /// <summary>The server's total commands processed and used memory (bytes; -1 when it does not say).</summary>
    private static async Task<(long Commands, long Memory)> ServerStatsAsync(ConnectionMultiplexer? connection)
    {
        if (connection is null)
        {
            return (0, -1);
        }

        RedisResult info = await connection.GetDatabase().ExecuteAsync("INFO");
        long commands = 0, memory = -1;
        foreach (string line in ((string)info!).Split('\n'))
        {
            string[] parts = line.Trim().Split(':');
            if (parts.Length == 2 && parts[0] == "total_commands_processed")
            {
                commands = long.Parse(parts[1], CultureInfo.InvariantCulture);
            }
            else if (parts.Length == 2 && parts[0] == "used_memory")
            {
                memory = long.Parse(parts[1], CultureInfo.InvariantCulture);
            }
        }

        return (commands, memory);
    }

    /// <summary>Seeded news-like articles of 12 sentences; every fifth is an earlier one with its last sentences replaced.</summary>
    private static Article[] Corpus(int n, ulong seed)
    {
        var articles = new Article[n];
        ulong state = seed * 0x9E3779B97F4A7C15UL;
        for (int i = 0; i < n; i++)
        {
            string text = i % 5 == 4 ? articles[i - 3].Text[..(articles[i - 3].Text.Length * 3 / 4)] + Sentences(ref state, 3) : Sentences(ref state, 12);
            articles[i] = new Article($"s{seed}-{i}", text);
        }

        return articles;
    }

    private static string Sentences(ref ulong state, int count)
    {
        var text = new StringBuilder();
        for (int s = 0; s < count; s++)
        {
            int words = 12 + (int)(Next(ref state) % 10);
            for (int w = 0; w < words; w++)
            {
                int syllables = 1 + (int)(Next(ref state) % 3);
                for (int k = 0; k < syllables; k++)
                {
                    text.Append(Syllables[Next(ref state) % (ulong)Syllables.Length]);
                }

                text.Append(w == words - 1 ? ". " : " ");
            }
        }

        return text.ToString();
    }

    private static ulong Next(ref ulong state)
    {
        ulong z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
