using Dedup.Detection;
using Dedup.Indexing;
using Dedup.Redis;

namespace Dedup.Cli.Stores;

/// <summary>
/// An index shared on a Redis-protocol server, <c>redis://host:port/name</c>: every <c>dedup index</c> command works on
/// the server directly through a shared detector (<see cref="RedisSharedIndexStore"/>), so several processes (workers)
/// use one index at once; nothing is loaded or saved.
/// </summary>
internal sealed class RedisIndex : IAsyncDisposable
{
    private RedisIndex(string location, string endPoint, RedisSharedIndexStore store, CopyDetector detector)
    {
        Location = Redact(location);
        EndPoint = endPoint;
        Store = store;
        Detector = detector;
    }

    /// <summary>The location as the user gave it, its password replaced by <c>***</c> (<see cref="Redact"/>): what messages and outputs show.</summary>
    public string Location { get; }

    /// <summary>
    /// <paramref name="location"/> with the password of a <c>redis://user:password@host</c> location replaced by
    /// <c>***</c>, for messages: an error printed the password to standard error, and from there into logs. Any other
    /// text is returned as it is.
    /// </summary>
    public static string Redact(string location)
    {
        int start = IsRedis(location) ? "redis://".Length
            : location.StartsWith("rediss://", StringComparison.OrdinalIgnoreCase) ? "rediss://".Length
            : -1;
        if (start < 0)
        {
            return location;
        }

        int at = location.IndexOf('@', start);
        int slash = location.IndexOf('/', start);
        if (at < 0 || (slash >= 0 && slash < at))
        {
            return location;
        }

        int colon = location.IndexOf(':', start);
        return colon < 0 || colon > at ? location : string.Concat(location.AsSpan(0, colon + 1), "***", location.AsSpan(at));
    }

    /// <summary>The server as host:port.</summary>
    public string EndPoint { get; }

    /// <summary>The shared store.</summary>
    public RedisSharedIndexStore Store { get; }

    /// <summary>A detector on the store.</summary>
    public CopyDetector Detector { get; }

    /// <summary>Whether <paramref name="location"/> names a Redis index.</summary>
    public static bool IsRedis(string location) =>
        location.StartsWith("redis://", StringComparison.OrdinalIgnoreCase);

    /// <summary>Connects to the index at <c>redis://[user:password@]host[:port][/name]</c> (port 6379 and name <c>dedup</c> by default).</summary>
    /// <exception cref="CliException">The location is malformed (bad input) or the server cannot be reached (I/O error).</exception>
    public static async Task<RedisIndex> OpenAsync(string location, double? threshold)
    {
        if (!Uri.TryCreate(location, UriKind.Absolute, out Uri? uri) || uri.Host.Length == 0)
        {
            throw CliException.BadInput($"--store {Redact(location)}: expected redis://host:port/name");
        }

        // The path as written: the URI escapes braces (%7B), which would otherwise pass the check below as a new name.
        string name = Uri.UnescapeDataString(uri.AbsolutePath.Trim('/'));
        if (name.Length == 0)
        {
            name = RedisSharedIndexStoreOptions.DefaultIndexName;
        }

        if (name.Contains('{', StringComparison.Ordinal) || name.Contains('}', StringComparison.Ordinal) || name.Contains('/', StringComparison.Ordinal))
        {
            throw CliException.BadInput($"--store {Redact(location)}: the index name must not hold braces or slashes");
        }

        // A query or a fragment would be dropped without a word ("?password=secret" named no password: the index was
        // opened without one).
        if (uri.Query.Length > 0 || uri.Fragment.Length > 0)
        {
            throw CliException.BadInput($"--store {Redact(location)}: a redis:// location takes no query or fragment ('{uri.Query}{uri.Fragment}'); give a user and password as redis://user:password@host:port/name");
        }

        string credentials = string.Empty;
        if (uri.UserInfo.Length > 0)
        {
            // redis://user:password@host or redis://:password@host (the password alone, as Redis before 6 takes it).
            int colon = uri.UserInfo.IndexOf(':', StringComparison.Ordinal);
            string user = Uri.UnescapeDataString(colon < 0 ? uri.UserInfo : uri.UserInfo[..colon]);
            string password = colon < 0 ? string.Empty : Uri.UnescapeDataString(uri.UserInfo[(colon + 1)..]);
            if (user.Contains(',', StringComparison.Ordinal) || password.Contains(',', StringComparison.Ordinal))
            {
                throw CliException.BadInput($"--store: a user or password with a comma cannot be given in a redis:// location");
            }

            credentials = (user.Length > 0 ? $",user={user}" : string.Empty) + (password.Length > 0 ? $",password={password}" : string.Empty);
        }

        string endPoint = $"{uri.Host}:{(uri.IsDefaultPort || uri.Port < 0 ? 6379 : uri.Port)}";
        RedisSharedIndexStore store;
        try
        {
            store = await RedisSharedIndexStore.ConnectAsync(
                $"{endPoint},abortConnect=true,connectTimeout=3000{credentials}",
                new RedisSharedIndexStoreOptions { IndexName = name, RetryCount = 2 });
        }
        catch (RedisStoreUnavailableException e)
        {
            throw CliException.IO($"{Redact(location)}: {e.Message}");
        }

        var options = new DetectorOptions { Threshold = threshold ?? DetectorOptions.Default.Threshold };
        return new RedisIndex(location, endPoint, store, new CopyDetector(options, store));
    }

    /// <summary>Runs a call on the server, turning an unreachable server into an I/O error that names the location.</summary>
    public async Task<T> RunAsync<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (RedisStoreUnavailableException e)
        {
            throw CliException.IO($"{Location}: {e.Message}");
        }
        catch (InvalidOperationException e) when (e.Source is "Dedup" or "Dedup.Redis")
        {
            // The index is not one this run can use: made with other settings, or its keys are another program's.
            throw new CliException(ExitCodes.BadStore, $"{Location}: {e.Message}");
        }
    }

    /// <summary>
    /// For the commands that read an index (query, remove, stats): refuses a name under which no index was made, as a
    /// file store refuses a missing file. A mistyped name passed every article of a query as new (exit 0), and the
    /// query made the index, recording its settings under the wrong name.
    /// </summary>
    /// <exception cref="CliException">No index is there (an I/O error, as for a missing file), or the server cannot be reached.</exception>
    public async Task EnsureExistsAsync(CancellationToken cancellationToken)
    {
        if (!await RunAsync(async () => await Store.ExistsAsync(cancellationToken)))
        {
            throw CliException.IO($"{Location}: no such index on {EndPoint} (create one with 'dedup index add --store {Location} INPUT')");
        }
    }

    /// <summary>Facts for <c>index stats</c>.</summary>
    public async Task<List<(string Key, object Value)>> DescribeAsync(CancellationToken cancellationToken)
    {
        long count = await RunAsync(async () => await Store.CountAsync(cancellationToken));
        return [("articles", count), ("store", Location), ("server", EndPoint), ("index", Store.Options.IndexName), ("threshold", Detector.Options.Threshold)];
    }

    /// <summary>Closes the detector and the connection.</summary>
    public ValueTask DisposeAsync() => Detector.DisposeAsync();
}
