using StackExchange.Redis;

namespace Dedup.Redis;

/// <summary>What both Redis stores do alike: send a batch, name the server when it is gone, escape a key pattern.</summary>
internal static class RedisCalls
{
    /// <summary>The connection's endpoints, comma-separated, as error messages name them.</summary>
    public static string EndPoints(IConnectionMultiplexer connection) =>
        string.Join(",", connection.GetEndPoints().Select(EndPointCollection.ToString));

    /// <summary>The exception for a lost or refused connection, naming the server.</summary>
    public static RedisStoreUnavailableException Unavailable(IConnectionMultiplexer connection, Exception e)
    {
        string endPoint = EndPoints(connection);
        return new RedisStoreUnavailableException(endPoint, $"The Redis server at {endPoint} is unavailable: {e.Message}", e);
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
    /// <exception cref="InvalidOperationException">A key of the store holds a value of another type (another program's key).</exception>
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
        finally
        {
            if (!all.IsCompleted)
            {
                // Cancelled while commands are in flight: observe their outcome so no failure goes unobserved.
                _ = all.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            }
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
