using System.Globalization;
using Dedup.Indexing;
using StackExchange.Redis;

namespace Dedup.Redis;

/// <summary>
/// An <see cref="ILshBucketStore"/> on a Redis-protocol server (Redis, Valkey, Garnet, Redis Cluster), so a
/// <see cref="Detection.CopyDetector"/> keeps its candidate buckets there; only its asynchronous methods work with it.
/// </summary>
/// <remarks>
/// <para>
/// <b>Key layout.</b> Each bucket is one Redis hash, <c>{KeyPrefix}b:{bandKey}</c>, where <c>bandKey</c> is the 64-bit
/// band (or sampled shingle) key as 16 lower-case hexadecimal digits, e.g. <c>dedup:b:00f3a1c2d4e5b6a7</c>. Its fields
/// are the document ids as decimal text, its values the number of times that (key, id) pair was added: the store is a
/// multiset, as <see cref="ILshBucketStore"/> requires. A field whose count drops to zero is deleted, and Redis deletes
/// an empty hash, so removed documents leave no keys behind.
/// </para>
/// <para>
/// <b>Commands and round trips.</b> Every call is one pipelined batch: <see cref="AddAsync"/> sends one
/// <c>HINCRBY key id n</c> per distinct pair, <see cref="QueryAsync"/> one <c>HGETALL</c> per distinct key and
/// <see cref="RemoveAsync"/> one Lua script call per distinct key (<c>EVALSHA</c>: decrement each id, delete it at zero,
/// atomically per key), each with its marker command (see below), all written together and awaited together, so a call
/// costs one round trip per server, not one per key. Removal needs server-side Lua (Garnet: start it with Lua enabled).
/// </para>
/// <para>
/// <b>Redis Cluster.</b> No command touches two keys, and the keys carry no hash tag (unless the prefix has one), so
/// each bucket hashes to its own slot by CRC16 of its whole name and the buckets spread evenly over the nodes; the
/// client routes each command of a batch to its node, still one pipelined write per node.
/// </para>
/// <para>
/// <b>Failure.</b> When the server cannot be reached (refused, lost, or no reply within the connection's timeout) a
/// call throws <see cref="RedisStoreUnavailableException"/> naming the endpoint; it never returns a partial result. A
/// write batch that fails may be partly applied (the detector then removes what it sent). The connection reconnects in
/// the background, so a later call succeeds once the server is back. Configure the connection with
/// <c>BacklogPolicy.FailFast</c> and <c>AbortOnConnectFail = false</c> to fail at once while the server is down rather
/// than queue commands until the timeout.
/// </para>
/// <para>
/// <b>A server that lost the buckets.</b> A server restarted without persistence, or a flushed database, comes back
/// empty: the detector's searches would then find no candidates among the articles it indexed before, without a word.
/// The store keeps a marker key, <c>{KeyPrefix}m</c>, which its adds write when missing (<c>SET NX</c>) and its searches
/// and removals check (<c>EXISTS</c>), each in its own batch (no extra round trip). When the marker this store saw is
/// gone, it raises <see cref="KeysLost"/>; a handler restores the buckets with <see cref="Detection.CopyDetector.RestoreBucketsAsync"/> (start it, don't wait
/// for it in the handler: the call that found the loss holds the detector's turn). With Redis Cluster the marker is on
/// one node: a loss of other nodes' keys is not seen. Don't run the store under an eviction policy (an evicted marker
/// reads as a loss; evicted buckets are missed without one).
/// </para>
/// <para>
/// <b>Thread safety.</b> Safe for concurrent use: each command is atomic on the server, and the instance holds no
/// mutable state but whether it has seen its marker.
/// </para>
/// </remarks>
public sealed class RedisBucketStore : ILshBucketStore, IAsyncDisposable, IDisposable
{
    /// <summary>Takes one occurrence of each id in ARGV away from the hash KEYS[1], deleting ids whose count reaches zero.</summary>
    internal const string RemoveScript = """
        for i = 1, #ARGV do
          local c = redis.call('HINCRBY', KEYS[1], ARGV[i], -1)
          if c <= 0 then redis.call('HDEL', KEYS[1], ARGV[i]) end
        end
        return #ARGV
        """;

    private readonly IConnectionMultiplexer _connection;
    private readonly bool _ownsConnection;
    private readonly IDatabase _database;
    private readonly string _bucketPrefix;
    private readonly RedisKey _marker;

    /// <summary>1 once this store has seen its marker key on the server (written or found), 0 before or after a loss.</summary>
    private int _markerSeen;

    /// <summary>Creates a store on an open connection, which the caller keeps owning (and disposes).</summary>
    /// <param name="connection">The connection to the server or cluster.</param>
    /// <param name="options">The settings; null for <see cref="RedisBucketStoreOptions.Default"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="connection"/> is null.</exception>
    /// <exception cref="ArgumentException">A setting is invalid, or <c>Database</c> is one the connected server does not have; the message names it.</exception>
    public RedisBucketStore(IConnectionMultiplexer connection, RedisBucketStoreOptions? options = null)
        : this(connection, options, ownsConnection: false)
    {
    }

    private RedisBucketStore(IConnectionMultiplexer connection, RedisBucketStoreOptions? options, bool ownsConnection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        Options = options ?? RedisBucketStoreOptions.Default;
        Options.Validate();
        _connection = connection;
        _ownsConnection = ownsConnection;
        _database = connection.GetDatabase(Options.Database);
        RedisCalls.CheckDatabase(connection, _database, nameof(options));
        _bucketPrefix = Options.KeyPrefix + "b:";
        _marker = Options.KeyPrefix + "m";
    }

    /// <summary>
    /// Raised, on the thread of the call that found it, when the server has lost this store's keys since the store last
    /// saw them: its marker key (<c>{KeyPrefix}m</c>) is gone, as after a restart without persistence or a flush. Raised
    /// once a loss, by the call that writes the marker again (an add, or a search or removal that found it missing). An
    /// exception thrown by a handler is thrown by that call, after its work is done. The detector that owns the store
    /// reports it to its observer (<see cref="Detection.DetectorObserver.BucketKeysLost"/>: logged and counted by
    /// <c>DedupTelemetry</c>). See the remarks of the type for what to do.
    /// </summary>
    public event EventHandler? KeysLost;

    /// <summary>The settings of this store.</summary>
    public RedisBucketStoreOptions Options { get; }

    /// <inheritdoc/>
    /// <remarks>Always <see langword="false"/>: the synchronous members throw <see cref="NotSupportedException"/>.</remarks>
    public bool SupportsSynchronousAccess => false;

    /// <summary>
    /// Connects to a server and creates a store that owns the connection (disposing the store closes it).
    /// </summary>
    /// <param name="configuration">A StackExchange.Redis configuration string, e.g. <c>localhost:6379</c>.</param>
    /// <param name="options">The settings; null for <see cref="RedisBucketStoreOptions.Default"/>.</param>
    /// <returns>The store.</returns>
    /// <exception cref="RedisStoreUnavailableException">The server cannot be reached.</exception>
    public static async Task<RedisBucketStore> ConnectAsync(string configuration, RedisBucketStoreOptions? options = null)
    {
        ConnectionMultiplexer connection = await RedisCalls.ConnectAsync(configuration).ConfigureAwait(false);
        try
        {
            return new RedisBucketStore(connection, options, ownsConnection: true);
        }
        catch
        {
            // A setting refused: the connection opened for the store is closed, not left behind.
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The key of the bucket holding <paramref name="bandKey"/>: <c>{KeyPrefix}b:</c> and 16 hexadecimal digits.</summary>
    /// <param name="bandKey">The band key.</param>
    /// <returns>The Redis key.</returns>
    public string BucketKey(ulong bandKey) => _bucketPrefix + bandKey.ToString("x16", CultureInfo.InvariantCulture);

    /// <inheritdoc/>
    /// <exception cref="NotSupportedException">Always: use <see cref="AddAsync"/>.</exception>
    public void Add(ReadOnlySpan<LshBucketEntry> entries) => throw SynchronousNotSupported();

    /// <inheritdoc/>
    /// <exception cref="NotSupportedException">Always: use <see cref="RemoveAsync"/>.</exception>
    public void Remove(ReadOnlySpan<LshBucketEntry> entries) => throw SynchronousNotSupported();

    /// <inheritdoc/>
    /// <exception cref="NotSupportedException">Always: use <see cref="QueryAsync"/>.</exception>
    public int Query(ReadOnlySpan<ulong> bandKeys, Span<int> destination) => throw SynchronousNotSupported();

    /// <inheritdoc/>
    /// <exception cref="ArgumentOutOfRangeException">An entry has a negative document id.</exception>
    /// <exception cref="RedisStoreUnavailableException">The server cannot be reached; the batch may be partly applied.</exception>
    public async ValueTask AddAsync(ReadOnlyMemory<LshBucketEntry> entries, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Dictionary<LshBucketEntry, int> counts = Count(entries.Span, nameof(entries));
        if (counts.Count == 0)
        {
            return;
        }

        IBatch batch = _database.CreateBatch();
        var tasks = new Task[counts.Count + 1];
        int i = 0;
        foreach ((LshBucketEntry entry, int n) in counts)
        {
            tasks[i++] = batch.HashIncrementAsync(BucketKey(entry.BandKey), entry.DocumentId, n);
        }

        bool hadSeen = Volatile.Read(ref _markerSeen) != 0;
        Task<bool> markerWritten = batch.StringSetAsync(_marker, MarkerValue, when: When.NotExists);
        tasks[i] = markerWritten;
        await ExecuteAsync(batch, tasks, cancellationToken).ConfigureAwait(false);
        MarkerWritten(markerWritten.Result, hadSeen);
    }

    /// <inheritdoc/>
    /// <exception cref="RedisStoreUnavailableException">The server cannot be reached; the batch may be partly applied.</exception>
    public async ValueTask RemoveAsync(ReadOnlyMemory<LshBucketEntry> entries, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var byKey = new Dictionary<ulong, List<RedisValue>>();
        foreach (LshBucketEntry entry in entries.Span)
        {
            if (!byKey.TryGetValue(entry.BandKey, out List<RedisValue>? ids))
            {
                ids = [];
                byKey.Add(entry.BandKey, ids);
            }

            ids.Add(entry.DocumentId);
        }

        if (byKey.Count == 0)
        {
            return;
        }

        IBatch batch = _database.CreateBatch();
        var tasks = new Task[byKey.Count + 1];
        int i = 0;
        foreach ((ulong key, List<RedisValue> ids) in byKey)
        {
            tasks[i++] = batch.ScriptEvaluateAsync(RemoveScript, [BucketKey(key)], [.. ids]);
        }

        bool hadSeen = Volatile.Read(ref _markerSeen) != 0;
        Task<bool> marker = batch.KeyExistsAsync(_marker);
        tasks[i] = marker;
        await ExecuteAsync(batch, tasks, cancellationToken).ConfigureAwait(false);
        await MarkerReadAsync(marker.Result, hadSeen, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    /// <exception cref="RedisStoreUnavailableException">The server cannot be reached.</exception>
    public async ValueTask<int[][]> QueryAsync(ReadOnlyMemory<ulong> bandKeys, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        int n = bandKeys.Length;
        var result = new int[n][];
        if (n == 0)
        {
            return result;
        }

        // One HGETALL per distinct key; a key asked for twice shares its reply.
        var first = new Dictionary<ulong, int>(n);
        var source = new int[n];
        var tasks = new List<Task<HashEntry[]>>(n);
        IBatch batch = _database.CreateBatch();
        ReadOnlySpan<ulong> keys = bandKeys.Span;
        for (int i = 0; i < n; i++)
        {
            if (!first.TryGetValue(keys[i], out int t))
            {
                t = tasks.Count;
                first.Add(keys[i], t);
                tasks.Add(batch.HashGetAllAsync(BucketKey(keys[i])));
            }

            source[i] = t;
        }

        bool hadSeen = Volatile.Read(ref _markerSeen) != 0;
        Task<bool> marker = batch.KeyExistsAsync(_marker);
        await ExecuteAsync(batch, [.. tasks, marker], cancellationToken).ConfigureAwait(false);
        await MarkerReadAsync(marker.Result, hadSeen, cancellationToken).ConfigureAwait(false);
        var buckets = new int[tasks.Count][];
        for (int t = 0; t < buckets.Length; t++)
        {
            buckets[t] = Ids(tasks[t].Result);
        }

        for (int i = 0; i < n; i++)
        {
            result[i] = buckets[source[i]];
        }

        return result;
    }

    /// <summary>
    /// Deletes every bucket under this store's prefix, on every primary server of the connection (SCAN with a MATCH on
    /// <c>{KeyPrefix}b:*</c>, then one pipelined batch of single-key DEL commands per page), and returns how many it
    /// deleted. For a new detector reusing a prefix: buckets left by an earlier one would point at its own ids. Not
    /// atomic: run it while no detector uses the prefix.
    /// </summary>
    /// <param name="cancellationToken">Cancels the operation; a cancelled clear may be partly done.</param>
    /// <returns>The number of bucket keys deleted.</returns>
    /// <exception cref="RedisStoreUnavailableException">A server cannot be reached; the clear may be partly done.</exception>
    public Task<long> ClearAsync(CancellationToken cancellationToken = default) =>
        RedisCalls.DeleteMatchingAsync(_connection, _database, RedisCalls.EscapeGlob(_bucketPrefix) + "*", _bucketPrefix + "*", cancellationToken);

    /// <summary>Closes the connection if this store opened it (<see cref="ConnectAsync"/>); otherwise does nothing.</summary>
    public void Dispose()
    {
        if (_ownsConnection)
        {
            _connection.Dispose();
        }
    }

    /// <summary>Closes the connection if this store opened it (<see cref="ConnectAsync"/>); otherwise does nothing.</summary>
    /// <returns>A task that completes when the connection is closed.</returns>
    public ValueTask DisposeAsync() => _ownsConnection ? _connection.DisposeAsync() : ValueTask.CompletedTask;

    /// <summary>The endpoints of the connection as <c>host:port</c>, separated by commas.</summary>
    internal string EndPoints => RedisCalls.EndPoints(_connection);

    private static NotSupportedException SynchronousNotSupported() =>
        new("The Redis bucket store has no synchronous access; use the detector's asynchronous methods (AddAsync, FindCopiesAsync, FindOrAddAsync, RemoveAsync).");

    private static Dictionary<LshBucketEntry, int> Count(ReadOnlySpan<LshBucketEntry> entries, string paramName)
    {
        var counts = new Dictionary<LshBucketEntry, int>(entries.Length);
        foreach (LshBucketEntry entry in entries)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(entry.DocumentId, paramName);
            counts[entry] = counts.GetValueOrDefault(entry) + 1;
        }

        return counts;
    }

    /// <summary>The ids of one bucket's hash, each repeated as many times as it was added.</summary>
    private static int[] Ids(HashEntry[] hash)
    {
        if (hash.Length == 0)
        {
            return [];
        }

        var ids = new List<int>(hash.Length);
        foreach (HashEntry field in hash)
        {
            int id = (int)field.Name;
            long count = (long)field.Value;
            for (long c = 0; c < count; c++)
            {
                ids.Add(id);
            }
        }

        return [.. ids];
    }

    /// <summary>
    /// After an add's <c>SET NX</c> of the marker: the marker is there now. It was missing (<paramref name="written"/>)
    /// though this store had seen it before the call (<paramref name="hadSeen"/>): the server lost it since. Of calls
    /// that race after a loss, only the one whose <c>SET NX</c> wrote the marker again reports it.
    /// </summary>
    private void MarkerWritten(bool written, bool hadSeen)
    {
        Volatile.Write(ref _markerSeen, 1);
        if (written && hadSeen)
        {
            KeysLost?.Invoke(this, EventArgs.Empty);
        }
    }

    /// <summary>
    /// After a query's or removal's <c>EXISTS</c> of the marker: missing though this store had seen it before the call,
    /// it is written again (one more round trip, only then), and the loss reported when that write is the one that put it
    /// back (<see cref="MarkerWritten"/>).
    /// </summary>
    private async ValueTask MarkerReadAsync(bool present, bool hadSeen, CancellationToken cancellationToken)
    {
        if (present)
        {
            Volatile.Write(ref _markerSeen, 1);
        }
        else if (hadSeen)
        {
            IBatch batch = _database.CreateBatch();
            Task<bool> written = batch.StringSetAsync(_marker, MarkerValue, when: When.NotExists);
            await ExecuteAsync(batch, [written], cancellationToken).ConfigureAwait(false);
            MarkerWritten(written.Result, hadSeen);
        }
    }

    /// <summary>The marker key's value (only its presence counts).</summary>
    private const string MarkerValue = "dedup bucket store";

    private Task ExecuteAsync(IBatch batch, Task[] tasks, CancellationToken cancellationToken) =>
        RedisCalls.ExecuteAsync(_connection, batch, tasks, Options.KeyPrefix + "*", cancellationToken);
}
