using StackExchange.Redis;

namespace Dedup.Redis;

/// <summary>What both Redis stores do alike: send a batch, name the server when it is gone, escape a key pattern.</summary>
internal static class RedisCalls
{
    /// <summary>The connection's endpoints, comma-separated, as error messages name them.</summary>
    public static string EndPoints(IConnectionMultiplexer connection) =>
        string.Join(",", connection.GetEndPoints().Select(EndPointCollection.ToString));

    /// <summary>
    /// Connects as both stores' <c>ConnectAsync</c> do: commands fail at once while the connection is down (no backlog);
    /// a server that cannot be reached is a <see cref="RedisStoreUnavailableException"/> naming it and what to check.
    /// </summary>
    /// <param name="configuration">A StackExchange.Redis configuration string.</param>
    /// <exception cref="RedisStoreUnavailableException">No connection could be made.</exception>
    public static async Task<ConnectionMultiplexer> ConnectAsync(string configuration)
    {
        ArgumentException.ThrowIfNullOrEmpty(configuration);
        ConfigurationOptions config = ConfigurationOptions.Parse(configuration);
        config.BacklogPolicy = BacklogPolicy.FailFast;
        try
        {
            return await ConnectionMultiplexer.ConnectAsync(config).ConfigureAwait(false);
        }
        catch (RedisConnectionException e)
        {
            string endPoint = string.Join(",", config.EndPoints.Select(EndPointCollection.ToString));
            throw new RedisStoreUnavailableException(endPoint, $"The Redis server at {endPoint} is unavailable: {Describe(e)}", e);
        }
    }

    /// <summary>
    /// Refuses a database the connected servers do not have (<c>Database = 99</c> on a server of 16) before anything
    /// is sent: the client refuses such a command as a failed write, which is reported as a lost connection and drops
    /// the connection a moment for every other caller on it.
    /// </summary>
    /// <exception cref="ArgumentException">A connected server has fewer databases; the message names the number and the server's count.</exception>
    public static void CheckDatabase(IConnectionMultiplexer connection, IDatabase database, string paramName)
    {
        foreach (System.Net.EndPoint endPoint in connection.GetEndPoints())
        {
            IServer server = connection.GetServer(endPoint);
            if (server.IsConnected && server.DatabaseCount > 0 && database.Database >= server.DatabaseCount)
            {
                throw new ArgumentException(
                    $"Database is {database.Database}, but the Redis server at {EndPointCollection.ToString(endPoint)} has {server.DatabaseCount} databases, numbered 0 to {server.DatabaseCount - 1}: set Database to one of them, or raise 'databases' in the server's configuration.",
                    paramName);
            }
        }
    }

    /// <summary>
    /// What a failed connection means for a caller of the stores: the client's own message advises settings
    /// (<c>abortConnect=false</c>) that would only defer the failure to the first call, so it is said plainly instead.
    /// </summary>
    internal static string Describe(RedisConnectionException e) => e.FailureType switch
    {
        ConnectionFailureType.UnableToConnect or ConnectionFailureType.UnableToResolvePhysicalConnection or ConnectionFailureType.SocketFailure =>
            "no connection could be made within the connect timeout (is a server running there, and are the host and port right?)",
        ConnectionFailureType.AuthenticationFailure => "it refused the credentials (check the user and password in the configuration)",
        _ => e.Message.Split(" To allow this multiplexer", 2)[0],
    };

    /// <summary>The exception for a lost or refused connection, naming the server; the client's full message stays in its inner exception.</summary>
    public static RedisStoreUnavailableException Unavailable(IConnectionMultiplexer connection, Exception e)
    {
        string endPoint = EndPoints(connection);
        return new RedisStoreUnavailableException(endPoint, $"The Redis server at {endPoint} is unavailable: {Brief(e)}", e);
    }

    /// <summary>
    /// The client's message without its diagnostics: StackExchange.Redis appends the connection's state, the last
    /// commands and the thread pool's counters ("...: EVAL; SocketClosed on host:6393/Subscription, Idle/RanToCompletion,
    /// last: SUBSCRIBE, ... IOCP: (Busy=0,Free=1000,...), WORKER: (...), v: 3.4.35"), several hundred characters that a
    /// tool's one-line error printed whole (a client's trial). The first clause says what happened.
    /// </summary>
    internal static string Brief(Exception e)
    {
        string message = e.Message;
        int end = message.Length;
        foreach (string tail in (ReadOnlySpan<string>)["; ", " (outbound=", ", command=", ", inst:", " To allow this multiplexer"])
        {
            int at = message.IndexOf(tail, StringComparison.Ordinal);
            end = at > 0 ? Math.Min(end, at) : end;
        }

        string brief = message[..end].TrimEnd('.', ' ');
        return e is RedisConnectionException { FailureType: not ConnectionFailureType.None } c
            ? $"{brief} ({c.FailureType})"
            : brief;
    }

    /// <summary>
    /// Sends a batch and awaits every command of it, turning a lost or refused connection into
    /// <see cref="RedisStoreUnavailableException"/>.
    /// </summary>
    /// <param name="connection">The connection, named in the exception for a lost server.</param>
    /// <param name="batch">The batch.</param>
    /// <param name="tasks">Its commands.</param>
    /// <param name="keys">The keys the store owns (e.g. <c>{news}:*</c>), named when one of them holds another type.</param>
    /// <param name="cancellationToken">Stops the wait (the commands may still run on the server).</param>
    /// <exception cref="InvalidOperationException">A key of the store holds a value of another type (another program's key), or the server is at its memory limit.</exception>
    public static async Task ExecuteAsync(IConnectionMultiplexer connection, IBatch batch, Task[] tasks, string keys, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Task all = Task.WhenAll(tasks);
        try
        {
            batch.Execute();
            await all.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is RedisConnectionException or RedisTimeoutException)
        {
            throw Unavailable(connection, e);
        }
        catch (RedisServerException e) when (e.Message.Contains("WRONGTYPE", StringComparison.Ordinal))
        {
            throw new InvalidOperationException(
                $"A key of the index ({keys} on {EndPoints(connection)}) holds a value of another type than the index puts there: another program, or another index whose name clashes, uses these keys. Choose another index name or prefix, or remove the foreign keys. ({e.Message})", e);
        }
        catch (RedisServerException e) when (e.Message.StartsWith("OOM", StringComparison.Ordinal))
        {
            // Not "unavailable": the server answers, and retrying will not help until memory is freed.
            throw new InvalidOperationException(
                $"The Redis server at {EndPoints(connection)} refused to write the index ({keys}): it is at its memory limit (maxmemory) and its policy refuses writes. Raise maxmemory, or expire or remove articles; reads go on. ({e.Message})", e);
        }
        finally
        {
            if (!all.IsCompleted)
            {
                // Cancelled while commands are in flight: observe their outcome so no failure goes unobserved.
                _ = all.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            }
        }
    }

    /// <summary>
    /// Deletes every key that matches <paramref name="pattern"/> on every primary server of the connection: SCAN with a
    /// MATCH, a page of 1,000 keys at a time, each page one pipelined batch of single-key DEL commands (so Redis Cluster
    /// accepts them) awaited before the next, so that the work in flight stays bounded however many keys there are (an
    /// index of 100,000 articles has millions: sent as one batch, they timed out).
    /// </summary>
    /// <param name="connection">The connection.</param>
    /// <param name="database">The database.</param>
    /// <param name="pattern">The SCAN MATCH pattern (escaped with <see cref="EscapeGlob"/>).</param>
    /// <param name="keys">The keys the store owns, named when one of them holds another type.</param>
    /// <param name="cancellationToken">Cancels the operation; a cancelled clear may be partly done.</param>
    /// <returns>The number of keys deleted.</returns>
    /// <exception cref="RedisStoreUnavailableException">A server cannot be reached; the clear may be partly done.</exception>
    public static async Task<long> DeleteMatchingAsync(IConnectionMultiplexer connection, IDatabase database, string pattern, string keys, CancellationToken cancellationToken)
    {
        const int PageSize = 1000;
        long deleted = 0;
        try
        {
            foreach (System.Net.EndPoint endPoint in connection.GetEndPoints())
            {
                IServer server = connection.GetServer(endPoint);
                if (server.IsReplica)
                {
                    continue;
                }

                var page = new List<RedisKey>(PageSize);
                await foreach (RedisKey key in server.KeysAsync(database.Database, pattern, PageSize).WithCancellation(cancellationToken).ConfigureAwait(false))
                {
                    page.Add(key);
                    if (page.Count == PageSize)
                    {
                        deleted += await DeletePageAsync(page).ConfigureAwait(false);
                        page.Clear();
                    }
                }

                deleted += await DeletePageAsync(page).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is RedisConnectionException or RedisTimeoutException)
        {
            throw Unavailable(connection, e);
        }

        return deleted;

        async Task<long> DeletePageAsync(List<RedisKey> page)
        {
            if (page.Count == 0)
            {
                return 0;
            }

            IBatch batch = database.CreateBatch();
            Task<bool>[] tasks = [.. page.Select(k => batch.KeyDeleteAsync(k))];
            await ExecuteAsync(connection, batch, tasks, keys, cancellationToken).ConfigureAwait(false);
            return tasks.Count(t => t.Result);
        }
    }

    /// <summary>Backslash-escapes the glob characters of a SCAN MATCH pattern.</summary>
    public static string EscapeGlob(string text)
    {
        var escaped = new System.Text.StringBuilder(text.Length + 8);
        foreach (char c in text)
        {
            if (c is '*' or '?' or '[' or ']' or '\\')
            {
                escaped.Append('\\');
            }

            escaped.Append(c);
        }

        return escaped.ToString();
    }
}
