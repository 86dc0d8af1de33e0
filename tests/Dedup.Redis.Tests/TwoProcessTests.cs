using System.Diagnostics;
using System.Text.Json;
using Dedup.Detection;
using StackExchange.Redis;

namespace Dedup.Redis.Tests;

/// <summary>
/// Separate OS processes share one index on the server through <c>dedup index --store redis://...</c>: two worker
/// processes add at the same time, and a third finds, in one query, copies of articles each of them added.
/// </summary>
public sealed class TwoProcessTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(RedisBucketStoreTests.Servers), MemberType = typeof(RedisBucketStoreTests))]
    public async Task What_one_process_adds_another_process_finds(string server)
    {
        string folder = Directory.CreateTempSubdirectory("dedup-redis-").FullName;
        try
        {
            string store = $"redis://{RedisServers.EndPoint(server)}/p{Guid.NewGuid():N}";
            IReadOnlyList<Article> pool = Stories.Pool;
            string first = Write(folder, "first.jsonl", [pool[0], pool[7]]);
            string second = Write(folder, "second.jsonl", [pool[3]]);
            string queries = Write(folder, "queries.jsonl", [pool[1], pool[4]]);

            // Two workers add at once.
            Task<(int Code, string Out)> a = RunAsync("index", "add", "--store", store, first);
            Task<(int Code, string Out)> b = RunAsync("index", "add", "--store", store, second);
            (int Code, string Out)[] adds = await Task.WhenAll(a, b);
            Assert.All(adds, r => Assert.Equal(0, r.Code));

            // A third process sees both workers' articles.
            (int code, string output) = await RunAsync("index", "query", "--store", store, queries);
            Assert.Equal(1, code);
            var pairs = output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(line => JsonDocument.Parse(line).RootElement)
                .Select(e => (e.GetProperty("a").GetString(), e.GetProperty("b").GetString()))
                .ToList();
            Assert.Contains(("a1", "a0"), pairs);
            Assert.Contains(("a4", "a3"), pairs);

            (code, output) = await RunAsync("index", "stats", "--store", store, "--json");
            Assert.Equal(0, code);
            Assert.Equal(3, JsonDocument.Parse(output).RootElement.GetProperty("articles").GetInt64());
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>
    /// The commands that read an index refuse a name under which none was made, as they refuse a missing file (exit 3),
    /// and leave nothing under it: a client's trial mistyped "news" as "nwes", and its query passed every article as
    /// new (exit 0) and recorded the index's settings under the wrong name; stats said "articles: 0".
    /// </summary>
    [Theory]
    [MemberData(nameof(RedisBucketStoreTests.Servers), MemberType = typeof(RedisBucketStoreTests))]
    public async Task A_mistyped_index_name_is_no_such_index_and_is_not_made(string server)
    {
        string folder = Directory.CreateTempSubdirectory("dedup-redis-").FullName;
        try
        {
            string name = $"t{Guid.NewGuid():N}";
            string store = $"redis://{RedisServers.EndPoint(server)}/{name}";
            string input = Write(folder, "a.jsonl", [Stories.Pool[0]]);
            Assert.Equal(0, (await RunAsync("index", "add", "--store", store, input)).Code);

            string typo = store + "x";
            foreach (string[] command in new[] { new[] { "index", "query", "--store", typo, input }, ["index", "stats", "--store", typo], ["index", "remove", "--store", typo, "a0"] })
            {
                (int code, _, string error) = await RunAnyAsync(command);
                Assert.True(code == 3, $"{string.Join(' ', command)}: exit {code}: {error}");
                Assert.Contains("no such index", error, StringComparison.Ordinal);
            }

            (int statsCode, string output) = await RunAsync("index", "stats", "--store", store, "--json");
            Assert.Equal(0, statsCode);
            Assert.Equal(1, JsonDocument.Parse(output).RootElement.GetProperty("articles").GetInt64());
            Assert.Equal(3, (await RunAnyAsync("index", "stats", "--store", typo)).Code); // the failed calls made nothing
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>
    /// An add of articles already indexed with the same text says how many there were, as a file store's does (it said
    /// only "added 0 articles"), and its JSON counts them apart from bad lines with the state "unchanged" (they were
    /// "skipped", and the state "updated").
    /// </summary>
    [Theory]
    [MemberData(nameof(RedisBucketStoreTests.Servers), MemberType = typeof(RedisBucketStoreTests))]
    public async Task Adding_indexed_articles_again_says_how_many_and_that_nothing_changed(string server)
    {
        string folder = Directory.CreateTempSubdirectory("dedup-redis-").FullName;
        try
        {
            string store = $"redis://{RedisServers.EndPoint(server)}/r{Guid.NewGuid():N}";
            string input = Write(folder, "a.jsonl", [Stories.Pool[0], Stories.Pool[3]]);
            Assert.Equal($"added 2 articles to {store}; it holds 2", (await RunAsync("index", "add", "--store", store, input)).Out.Trim());
            Assert.Equal($"added 0 articles to {store}, 2 already in it with the same text; it holds 2", (await RunAsync("index", "add", "--store", store, input)).Out.Trim());

            File.AppendAllText(input, "{not json\n");
            (int code, string output) = await RunAsync("index", "add", "--store", store, input, "--skip-bad", "--json");
            Assert.Equal(0, code);
            JsonElement json = JsonDocument.Parse(output).RootElement;
            Assert.Equal("unchanged", json.GetProperty("state").GetString());
            Assert.Equal((0, 1, 2, 2), (json.GetProperty("added").GetInt32(), json.GetProperty("skipped").GetInt32(), json.GetProperty("already_indexed").GetInt32(), json.GetProperty("articles").GetInt32()));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>
    /// An add interrupted by Ctrl+C, or by the server going away, says how many of its articles were added: each is
    /// added on its own and stays (a client's trial read only "dedup: cancelled" while 1,334 of a batch stayed indexed).
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task An_interrupted_add_says_how_many_articles_stay_indexed(bool interrupt)
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Skip("POSIX signals");
        }

        using GarnetHost garnet = GarnetHost.Start(RedisServers.FreePort());
        string folder = Directory.CreateTempSubdirectory("dedup-redis-").FullName;
        try
        {
            string name = $"i{Guid.NewGuid():N}";
            Article[] many = [.. Enumerable.Range(0, 20_000).Select(i => new Article($"n{i}", $"Bulletin {i} of the desk, item {i * 7}: " + Stories.Pool[i % Stories.Pool.Count].Text))];
            string input = Write(folder, "many.jsonl", many);
            using ConnectionMultiplexer connection = RedisServers.Connect(garnet.EndPoint);
            var store = new RedisSharedIndexStore(connection, new RedisSharedIndexStoreOptions { IndexName = name });

            string tool = Path.Combine(AppContext.BaseDirectory, "Dedup.Cli");
            var start = File.Exists(tool) ? new ProcessStartInfo(tool) : new ProcessStartInfo("dotnet") { ArgumentList = { Path.Combine(AppContext.BaseDirectory, "Dedup.Cli.dll") } };
            foreach (string arg in (string[])["index", "add", "--store", $"redis://{garnet.EndPoint}/{name}", input])
            {
                start.ArgumentList.Add(arg);
            }

            start.RedirectStandardOutput = true;
            start.RedirectStandardError = true;
            using Process process = Process.Start(start)!;
            Task<string> error = process.StandardError.ReadToEndAsync(Ct);
            Task<string> output = process.StandardOutput.ReadToEndAsync(Ct);
            var clock = Stopwatch.StartNew();
            while (await store.CountAsync(Ct) == 0 && clock.Elapsed < TimeSpan.FromMinutes(1))
            {
                await Task.Delay(10, Ct);
            }

            if (interrupt)
            {
                Process.Start("kill", ["-INT", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!.WaitForExit();
            }
            else
            {
                garnet.Stop();
            }

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
            timeout.CancelAfter(TimeSpan.FromMinutes(2));
            await process.WaitForExitAsync(timeout.Token);
            string message = await error;
            await output;

            Assert.True(process.ExitCode == (interrupt ? 130 : 3), $"exit {process.ExitCode}: {message}");
            System.Text.RegularExpressions.Match said = System.Text.RegularExpressions.Regex.Match(message, @"; (\d+)(?: to (\d+))? of the 20000 articles were added to redis://\S+ and stay indexed \(adding the input again skips them\)");
            Assert.True(said.Success, message);
            if (interrupt)
            {
                // The adds under way when the run stopped may have reached the server without their answer: the range
                // holds what the store holds.
                long stayed = await store.CountAsync(Ct);
                int low = int.Parse(said.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
                int high = said.Groups[2].Success ? int.Parse(said.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture) : low;
                Assert.True(stayed > 0 && low <= stayed && stayed <= high, $"{stayed} in the store: {message}");
                Assert.StartsWith("dedup: cancelled; ", message, StringComparison.Ordinal);
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>
    /// A password-protected server is reached with the user and password of the location; a query (once the only way a
    /// client might think to give one) is refused: `redis://:secret@host` connected without the password, and
    /// `?password=secret` was dropped without a word (a client's trial).
    /// </summary>
    [Fact]
    public async Task A_location_with_a_password_reaches_a_server_that_asks_for_one()
    {
        using GarnetHost garnet = GarnetHost.StartWithPassword(RedisServers.FreePort(), "s3cret:pw");
        string folder = Directory.CreateTempSubdirectory("dedup-redis-").FullName;
        try
        {
            string input = Write(folder, "a.jsonl", [Stories.Pool[0]]);
            string name = $"pw{Guid.NewGuid():N}";

            (int code, _, string error) = await RunAnyAsync("index", "add", "--store", $"redis://:s3cret%3Apw@{garnet.EndPoint}/{name}", input);
            Assert.True(code == 0, error);
            (code, _, error) = await RunAnyAsync("index", "stats", "--store", $"redis://default:s3cret%3Apw@{garnet.EndPoint}/{name}", "--json");
            Assert.True(code == 0, error);

            (code, _, error) = await RunAnyAsync("index", "stats", "--store", $"redis://{garnet.EndPoint}/{name}");
            Assert.Equal(3, code);
            (code, _, error) = await RunAnyAsync("index", "stats", "--store", $"redis://{garnet.EndPoint}/{name}?password=s3cret");
            Assert.Equal(2, code);
            Assert.Contains("takes no query or fragment ('?password=s3cret')", error, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static string Write(string folder, string name, Article[] articles)
    {
        string path = Path.Combine(folder, name);
        File.WriteAllLines(path, articles.Select(a => JsonSerializer.Serialize(new Dictionary<string, string> { ["id"] = a.Id, ["text"] = a.Text })));
        return path;
    }

    /// <summary>Runs the dedup tool as its own process and returns its exit code and standard output (asserting 0 or 1).</summary>
    private static async Task<(int Code, string Out)> RunAsync(params string[] args)
    {
        (int code, string output, string error) = await RunAnyAsync(args);
        Assert.True(code is 0 or 1, $"dedup {string.Join(' ', args)} exited {code}: {error}");
        return (code, output);
    }

    /// <summary>Runs the dedup tool as its own process and returns its exit code, standard output and standard error.</summary>
    private static async Task<(int Code, string Out, string Error)> RunAnyAsync(params string[] args)
    {
        string tool = Path.Combine(AppContext.BaseDirectory, OperatingSystem.IsWindows() ? "Dedup.Cli.exe" : "Dedup.Cli");
        ProcessStartInfo start = File.Exists(tool)
            ? new ProcessStartInfo(tool)
            : new ProcessStartInfo("dotnet") { ArgumentList = { Path.Combine(AppContext.BaseDirectory, "Dedup.Cli.dll") } };
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        using Process process = Process.Start(start) ?? throw new InvalidOperationException("The tool did not start.");
        Task<string> output = process.StandardOutput.ReadToEndAsync(Ct);
        Task<string> error = process.StandardError.ReadToEndAsync(Ct);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output, await error);
    }
}
