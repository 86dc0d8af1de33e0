using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.CompilerServices;
using Dedup.Indexing;
using StackExchange.Redis;

namespace Dedup.Redis;

/// <summary>
/// An <see cref="ISharedIndexStore"/> on a Redis-protocol server (Redis, Valkey, Garnet, Redis Cluster): the whole index
/// of a <see cref="Detection.CopyDetector"/> that many workers share.
/// </summary>
/// <remarks>
/// <para>
/// <b>Key layout</b> (<c>T</c> is <c>{IndexName}</c>, a hash tag, so the whole index is one cluster slot):
/// <c>T:i</c> hash id → "slot contentHash"; <c>T:n</c> the slot counter; <c>T:r</c> hash slot → record;
/// <c>T:k</c> hash slot → bucket keys (8 bytes each, little-endian); <c>T:s</c> hash slot → id; <c>T:f</c> hash slot →
/// fingerprint (8 bytes, little-endian); <c>T:t</c> sorted set of slots by time (Unix milliseconds);
/// <c>T:b:{16 hex digits}</c> one sorted set of slots per bucket, scored by slot (a query reads a bucket's size and its
/// earliest slots, however many it holds); <c>T:m</c> hash of the published corpus model (<c>v</c> version,
/// <c>a</c> articles, <c>d</c> data); <c>T:l</c> the claim to learn the model again; <c>T:o</c> the settings of the
/// detectors that use the index (<see cref="GetOrSetSettingsAsync"/>) and the key layout's version. An index written in
/// an earlier layout (buckets as plain sets) is refused with a message saying to clear it.
/// </para>
/// <para>
/// <b>Atomic add.</b> Each article is added by one Lua script that checks its id, takes the next slot from the counter
/// and writes the record, the id, slot and time entries and every bucket entry, so a reader sees all of them or none,
/// and a worker killed mid-batch leaves every article of the batch wholly added or not at all. (A script that fails on
/// a key another program set leaves at most bucket entries of a slot without a record, which every query skips, and the
/// id free.) A batch is one pipelined
/// write of one script call per article: one round trip. A remove is two (the article's keys, then one script per
/// article); an expiry page three (the time range, the keys, the scripts); a query one and a record read one.
/// </para>
/// <para>
/// <b>Failure.</b> A server that cannot be reached gives <see cref="RedisStoreUnavailableException"/> after
/// <see cref="RedisSharedIndexStoreOptions.RetryCount"/> retries; every call is idempotent, so retrying is safe.
/// </para>
/// </remarks>
public sealed class RedisSharedIndexStore : ISharedIndexStore, IAsyncDisposable, IDisposable
{
    /// <summary>
    /// KEYS: i n r k s t f bucket...; ARGV: id hash ms record keys fingerprint. Returns {status, slot}. A script that
    /// fails midway keeps what it wrote (Redis has no rollback), so the fixed keys' types are checked before any write,
    /// the bucket entries (the only keys left that may hold a foreign value) are written first, and the record and the id
    /// last: a failure leaves bucket entries of a slot without a record, which every query skips, and the id free, so a
    /// re-delivery adds the article (a client's trial found its id taken and its record written, but not its buckets).
    /// </summary>
    internal const string AddScript = """
        local cur = redis.call('HGET', KEYS[1], ARGV[1])
        if cur then
          local sep = string.find(cur, ' ', 1, true)
          local slot = tonumber(string.sub(cur, 1, sep - 1))
          if string.sub(cur, sep + 1) == ARGV[2] then return {1, slot} end
          return {2, slot}
        end
        for j = 3, 7 do
          local t = redis.call('TYPE', KEYS[j]).ok
          if t ~= 'none' and t ~= (j == 6 and 'zset' or 'hash') then
            return redis.error_reply('WRONGTYPE ' .. KEYS[j] .. ' holds a ' .. t)
          end
        end
        local slot = redis.call('INCR', KEYS[2]) - 1
        local s = tostring(slot)
        for j = 8, #KEYS do redis.call('ZADD', KEYS[j], slot, s) end
        redis.call('HSET', KEYS[4], s, ARGV[5])
        redis.call('HSET', KEYS[5], s, ARGV[1])
        redis.call('ZADD', KEYS[6], ARGV[3], s)
        redis.call('HSET', KEYS[7], s, ARGV[6])
        redis.call('HSET', KEYS[3], s, ARGV[4])
        redis.call('HSET', KEYS[1], ARGV[1], s .. ' ' .. ARGV[2])
        return {0, slot}
        """;

    /// <summary>KEYS: i k; ARGV: id. Returns {slot, keys} or nil.</summary>
    internal const string LookupScript = """
        local cur = redis.call('HGET', KEYS[1], ARGV[1])
        if not cur then return false end
        local s = string.sub(cur, 1, string.find(cur, ' ', 1, true) - 1)
        return {s, redis.call('HGET', KEYS[2], s)}
        """;

    /// <summary>KEYS: i r k s t f bucket...; ARGV: slot. Returns 1 when the slot held an article.</summary>
    internal const string RemoveScript = """
        local id = redis.call('HGET', KEYS[4], ARGV[1])
        if not id then return 0 end
        redis.call('HDEL', KEYS[1], id)
        redis.call('HDEL', KEYS[2], ARGV[1])
        redis.call('HDEL', KEYS[3], ARGV[1])
        redis.call('HDEL', KEYS[4], ARGV[1])
        redis.call('ZREM', KEYS[5], ARGV[1])
        redis.call('HDEL', KEYS[6], ARGV[1])
        for j = 7, #KEYS do redis.call('ZREM', KEYS[j], ARGV[1]) end
        return 1
        """;

    /// <summary>KEYS: m; ARGV: known version. Returns {v, a, d} or nil when absent or known.</summary>
    internal const string GetModelScript = """
        local v = redis.call('HGET', KEYS[1], 'v')
        if not v or v == ARGV[1] then return false end
        return {v, redis.call('HGET', KEYS[1], 'a'), redis.call('HGET', KEYS[1], 'd')}
        """;

    /// <summary>KEYS: m; ARGV: articles data basis. Publishes unless the published version is no longer basis; returns the version.</summary>
    internal const string PublishModelScript = """
        local v = tonumber(redis.call('HGET', KEYS[1], 'v') or '0')
        if tonumber(ARGV[3]) == v then
          v = redis.call('HINCRBY', KEYS[1], 'v', 1)
          redis.call('HSET', KEYS[1], 'a', ARGV[1])
          redis.call('HSET', KEYS[1], 'd', ARGV[2])
        end
        return v
        """;

    /// <summary>KEYS: l; ARGV: owner lease-ms. Returns 1 when owner holds the claim (taken or renewed).</summary>
    internal const string ClaimScript = """
        local cur = redis.call('GET', KEYS[1])
        if cur and cur ~= ARGV[1] then return 0 end
        redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
        return 1
        """;

    /// <summary>KEYS: l; ARGV: owner. Gives up the claim if owner holds it.</summary>
    internal const string ReleaseScript = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
        return 1
        """;

    /// <summary>Appended to the settings recorded for an index (<see cref="GetOrSetSettingsAsync"/>): the key layout's version.</summary>
    internal const string LayoutMark = "\nDedup.Redis key layout 2";

    private readonly IConnectionMultiplexer _connection;
    private readonly bool _ownsConnection;
    private readonly IDatabase _database;
    private readonly string _tag;
    private readonly RedisKey _ids;
    private readonly RedisKey _counter;
    private readonly RedisKey _records;
    private readonly RedisKey _keys;
    private readonly RedisKey _slots;
    private readonly RedisKey _times;
    private readonly RedisKey _model;
    private readonly RedisKey _settings;
    private readonly RedisKey _fingerprints;
    private readonly RedisKey _claim;
    private int _disposed;

    /// <summary>Creates a store on an open connection, which the caller keeps owning.</summary>
    /// <param name="connection">The connection to the server or cluster.</param>
    /// <param name="options">The settings; null for <see cref="RedisSharedIndexStoreOptions.Default"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="connection"/> is null.</exception>
    /// <exception cref="ArgumentException">A setting is invalid, or <c>Database</c> is one the connected server does not have; the message names it.</exception>
    public RedisSharedIndexStore(IConnectionMultiplexer connection, RedisSharedIndexStoreOptions? options = null)
        : this(connection, options, ownsConnection: false)
    {
    }

    private RedisSharedIndexStore(IConnectionMultiplexer connection, RedisSharedIndexStoreOptions? options, bool ownsConnection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        Options = options ?? RedisSharedIndexStoreOptions.Default;
        Options.Validate();
        _connection = connection;
        _ownsConnection = ownsConnection;
        _database = connection.GetDatabase(Options.Database);
        RedisCalls.CheckDatabase(connection, _database, nameof(options));
        _tag = "{" + Options.IndexName + "}:";
        _ids = _tag + "i";
        _counter = _tag + "n";
        _records = _tag + "r";
        _keys = _tag + "k";
        _slots = _tag + "s";
        _times = _tag + "t";
        _model = _tag + "m";
        _settings = _tag + "o";
        _fingerprints = _tag + "f";
        _claim = _tag + "l";
    }

    /// <summary>The settings of this store.</summary>
    public RedisSharedIndexStoreOptions Options { get; }

    /// <summary>Connects to a server and creates a store that owns the connection (fails fast while the server is down).</summary>
    /// <param name="configuration">A StackExchange.Redis configuration string, e.g. <c>localhost:6379</c>.</param>
    /// <param name="options">The settings; null for <see cref="RedisSharedIndexStoreOptions.Default"/>.</param>
    /// <returns>The store.</returns>
    /// <exception cref="RedisStoreUnavailableException">The server cannot be reached.</exception>
    public static async Task<RedisSharedIndexStore> ConnectAsync(string configuration, RedisSharedIndexStoreOptions? options = null)
    {
        ConnectionMultiplexer connection = await RedisCalls.ConnectAsync(configuration).ConfigureAwait(false);
        try
        {
            return new RedisSharedIndexStore(connection, options, ownsConnection: true);
        }
        catch
        {
            // A setting refused: the connection opened for the store is closed, not left behind.
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <inheritdoc/>
    /// <remarks>The store records the version of its key layout with the settings.</remarks>
    /// <exception cref="RedisStoreUnavailableException">The server cannot be reached.</exception>
    /// <exception cref="InvalidOperationException">The index was written in an earlier key layout; the message says to clear it.</exception>
    public async ValueTask<string> GetOrSetSettingsAsync(string settings, CancellationToken cancellationToken = default) =>
        (await RecordSettingsAsync(settings, cancellationToken).ConfigureAwait(false)).Recorded;

    /// <inheritdoc/>
    /// <remarks>
    /// The settings live in one key (<c>{IndexName}:o</c>), written with <c>SET NX</c>: it is gone when the server lost
    /// the index (a restart without persistence, <c>FLUSHALL</c>, eviction, <see cref="ClearAsync"/>), and the next
    /// call records it anew. The store records the version of its key layout with the settings.
    /// </remarks>
    /// <exception cref="RedisStoreUnavailableException">The server cannot be reached.</exception>
    /// <exception cref="InvalidOperationException">The index was written in an earlier key layout; the message says to clear it.</exception>
    public ValueTask<SharedSettings> RecordSettingsAsync(string settings, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        string mine = settings + LayoutMark;
        return RetryAsync(
            async () =>
            {
                // SET NX then GET in one pipelined batch: the server runs them in order, so GET gives the first setter's.
                IBatch batch = _database.CreateBatch();
                Task<bool> set = batch.StringSetAsync(_settings, mine, when: When.NotExists);
                Task<RedisValue> get = batch.StringGetAsync(_settings);
                await ExecuteAsync(batch, [set, get], cancellationToken).ConfigureAwait(false);
                string recorded = get.Result.IsNull ? mine : (string)get.Result!;
                if (!recorded.EndsWith(LayoutMark, StringComparison.Ordinal))
                {
                    throw new InvalidOperationException(
                        $"The shared index '{Options.IndexName}' was written by an earlier version of Dedup.Redis, in another key layout " +
                        "(buckets as plain sets): clear it (RedisSharedIndexStore.ClearAsync) and add its articles again.");
                }

                return new SharedSettings(recorded[..^LayoutMark.Length], RecordedNow: set.Result);
            },
            cancellationToken);
    }

    /// <summary>The key of the bucket <paramref name="bucketKey"/>: <c>{IndexName}:b:</c> and 16 hexadecimal digits.</summary>
    /// <param name="bucketKey">The bucket key.</param>
    /// <returns>The Redis key.</returns>
    public string BucketKey(ulong bucketKey) => _tag + "b:" + bucketKey.ToString("x16", CultureInfo.InvariantCulture);

    /// <inheritdoc/>
    /// <exception cref="RedisStoreUnavailableException">The server cannot be reached; each article is wholly added or not at all.</exception>
    public ValueTask<SharedAddResult[]> AddAsync(ReadOnlyMemory<SharedArticle> articles, CancellationToken cancellationToken = default)
    {
        SharedArticle[] list = articles.ToArray();
        foreach (SharedArticle a in list)
        {
            ArgumentNullException.ThrowIfNull(a.Id, nameof(articles));
        }

        return RetryAsync(async () =>
        {
            IBatch batch = _database.CreateBatch();
            var tasks = new Task<RedisResult>[list.Length];
            for (int i = 0; i < list.Length; i++)
            {
                SharedArticle a = list[i];
                ulong[] bucketKeys = [.. a.BucketKeys.ToArray().Distinct()];
                var keys = new RedisKey[7 + bucketKeys.Length];
                keys[0] = _ids;
                keys[1] = _counter;
                keys[2] = _records;
                keys[3] = _keys;
                keys[4] = _slots;
                keys[5] = _times;
                keys[6] = _fingerprints;
                for (int j = 0; j < bucketKeys.Length; j++)
                {
                    keys[7 + j] = BucketKey(bucketKeys[j]);
                }

                RedisValue[] values =
                [
                    a.Id,
                    a.ContentHash.ToString("x16", CultureInfo.InvariantCulture),
                    a.IndexedAt.ToUnixTimeMilliseconds(),
                    a.Record,
                    PackKeys(bucketKeys),
                    Fingerprint(a.Fingerprint),
                ];
                tasks[i] = batch.ScriptEvaluateAsync(AddScript, keys, values);
            }

            await ExecuteAsync(batch, tasks, cancellationToken).ConfigureAwait(false);
            var results = new SharedAddResult[list.Length];
            for (int i = 0; i < list.Length; i++)
            {
                var reply = (RedisResult[])tasks[i].Result!;
                results[i] = new SharedAddResult((SharedAddStatus)(int)reply[0], (int)reply[1]);
            }

            return results;
        }, cancellationToken);
    }

    /// <inheritdoc/>
    /// <exception cref="RedisStoreUnavailableException">The server cannot be reached; each article is wholly removed or not at all.</exception>
    public ValueTask<bool[]> RemoveAsync(ReadOnlyMemory<string> ids, CancellationToken cancellationToken = default)
    {
        string[] list = ids.ToArray();
        return RetryAsync(async () =>
        {
            IBatch lookup = _database.CreateBatch();
            Task<RedisResult>[] found = [.. list.Select(id => lookup.ScriptEvaluateAsync(LookupScript, [_ids, _keys], [id]))];
            await ExecuteAsync(lookup, found, cancellationToken).ConfigureAwait(false);
            var slots = new List<(int Index, string Slot, byte[] Keys)>();
            for (int i = 0; i < list.Length; i++)
            {
                if (!found[i].Result.IsNull && (RedisResult[]?)found[i].Result is { } pair)
                {
                    slots.Add((i, (string)pair[0]!, (byte[]?)pair[1] ?? []));
                }
            }

            bool[] removed = await RemoveSlotsAsync([.. slots.Select(s => (s.Slot, s.Keys))], cancellationToken).ConfigureAwait(false);
            var result = new bool[list.Length];
            for (int j = 0; j < slots.Count; j++)
            {
                result[slots[j].Index] = removed[j];
            }

            return result;
        }, cancellationToken);
    }

    /// <inheritdoc/>
    /// <exception cref="RedisStoreUnavailableException">The server cannot be reached.</exception>
    /// <remarks>
    /// Two round trips: one <c>ZRANGE 0 limit</c> a bucket (pipelined), then one <c>HMGET</c> of the fingerprints of the
    /// slots read. Plain commands, not a script: a script that read 100 buckets' sizes, slots and fingerprints took
    /// 0.77 ms of the server's one thread a query.
    /// </remarks>
    public ValueTask<SharedBucket[]> QueryAsync(ReadOnlyMemory<ulong> bucketKeys, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        RedisKey[] keys = new RedisKey[bucketKeys.Length];
        for (int i = 0; i < keys.Length; i++)
        {
            keys[i] = BucketKey(bucketKeys.Span[i]);
        }

        return RetryAsync(
            async () =>
            {
                var result = new SharedBucket[keys.Length];
                if (keys.Length == 0)
                {
                    return result;
                }

                IBatch batch = _database.CreateBatch();
                Task<RedisValue[]>[] ranges = [.. keys.Select(k => batch.SortedSetRangeByRankAsync(k, 0, limit))];
                await ExecuteAsync(batch, ranges, cancellationToken).ConfigureAwait(false);
                var slots = new int[keys.Length][];
                var distinct = new Dictionary<int, ulong>();
                for (int i = 0; i < keys.Length; i++)
                {
                    RedisValue[] members = ranges[i].Result;
                    slots[i] = new int[Math.Min(members.Length, limit)];
                    for (int x = 0; x < slots[i].Length; x++)
                    {
                        slots[i][x] = (int)members[x];
                        distinct[slots[i][x]] = 0;
                    }
                }

                if (distinct.Count > 0)
                {
                    RedisValue[] fields = [.. distinct.Keys.Select(s => (RedisValue)s)];
                    IBatch read = _database.CreateBatch();
                    Task<RedisValue[]> prints = read.HashGetAsync(_fingerprints, fields);
                    await ExecuteAsync(read, [prints], cancellationToken).ConfigureAwait(false);
                    for (int x = 0; x < fields.Length; x++)
                    {
                        byte[]? print = prints.Result[x];
                        distinct[(int)fields[x]] = print is { Length: 8 } ? BinaryPrimitives.ReadUInt64LittleEndian(print) : 0;
                    }
                }

                for (int i = 0; i < keys.Length; i++)
                {
                    result[i] = new SharedBucket(ranges[i].Result.Length, slots[i], slots[i].Select(s => distinct[s]).ToArray());
                }

                return result;
            },
            cancellationToken);
    }

    /// <inheritdoc/>
    /// <exception cref="RedisStoreUnavailableException">The server cannot be reached.</exception>
    public ValueTask<byte[]?[]> GetAsync(ReadOnlyMemory<int> slots, CancellationToken cancellationToken = default)
    {
        RedisValue[] fields = [.. slots.ToArray().Select(s => (RedisValue)s)];
        return RetryAsync(async () =>
        {
            if (fields.Length == 0)
            {
                return Array.Empty<byte[]?>();
            }

            IBatch batch = _database.CreateBatch();
            Task<RedisValue[]> task = batch.HashGetAsync(_records, fields);
            await ExecuteAsync(batch, [task], cancellationToken).ConfigureAwait(false);
            return task.Result.Select(v => v.IsNull ? null : (byte[]?)v).ToArray();
        }, cancellationToken);
    }

    /// <inheritdoc/>
    /// <exception cref="RedisStoreUnavailableException">The server cannot be reached; each article is wholly removed or not at all.</exception>
    public ValueTask<int> ExpireAsync(DateTimeOffset cutoff, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        long before = cutoff.ToUnixTimeMilliseconds();
        return RetryAsync(async () =>
        {
            IBatch range = _database.CreateBatch();
            Task<RedisValue[]> old = range.SortedSetRangeByScoreAsync(_times, double.NegativeInfinity, before, Exclude.Stop, Order.Ascending, 0, limit);
            await ExecuteAsync(range, [old], cancellationToken).ConfigureAwait(false);
            RedisValue[] slots = old.Result;
            if (slots.Length == 0)
            {
                return 0;
            }

            IBatch keys = _database.CreateBatch();
            Task<RedisValue[]> blobs = keys.HashGetAsync(_keys, slots);
            await ExecuteAsync(keys, [blobs], cancellationToken).ConfigureAwait(false);
            var work = new (string Slot, byte[] Keys)[slots.Length];
            for (int i = 0; i < slots.Length; i++)
            {
                work[i] = ((string)slots[i]!, blobs.Result[i].IsNull ? [] : (byte[])blobs.Result[i]!);
            }

            bool[] removed = await RemoveSlotsAsync(work, cancellationToken).ConfigureAwait(false);
            return removed.Count(r => r);
        }, cancellationToken);
    }

    /// <inheritdoc/>
    /// <exception cref="RedisStoreUnavailableException">The server cannot be reached.</exception>
    public ValueTask<long> CountAsync(CancellationToken cancellationToken = default) =>
        ReadAsync(batch => batch.HashLengthAsync(_ids), cancellationToken);

    /// <summary>
    /// Whether an index is on the server under <see cref="RedisSharedIndexStoreOptions.IndexName"/>: a detector has
    /// recorded its settings there (the first call of any detector on the store does) and they are not lost. Reads one
    /// key and writes nothing: for a tool that must not take a mistyped name for an empty index (every article of a
    /// query was then new, and the query made the index).
    /// </summary>
    /// <param name="cancellationToken">Stops the call.</param>
    /// <returns>True when the index's settings are recorded.</returns>
    /// <exception cref="RedisStoreUnavailableException">The server cannot be reached.</exception>
    public ValueTask<bool> ExistsAsync(CancellationToken cancellationToken = default) =>
        ReadAsync(batch => batch.KeyExistsAsync(_settings), cancellationToken);

    /// <summary>One command's answer, sent as a batch of one under the store's retries and time limit.</summary>
    private ValueTask<T> ReadAsync<T>(Func<IBatch, Task<T>> command, CancellationToken cancellationToken) =>
        RetryAsync(async () =>
        {
            IBatch batch = _database.CreateBatch();
            Task<T> answer = command(batch);
            await ExecuteAsync(batch, [answer], cancellationToken).ConfigureAwait(false);
            return answer.Result;
        }, cancellationToken);

    /// <inheritdoc/>
    /// <remarks>HSCAN over the record hash, a page at a time.</remarks>
    /// <exception cref="RedisStoreUnavailableException">The server cannot be reached.</exception>
    public async IAsyncEnumerable<KeyValuePair<int, byte[]>> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        IAsyncEnumerator<HashEntry> e = _database.HashScanAsync(_records, pageSize: 500).GetAsyncEnumerator(cancellationToken);
        try
        {
            while (true)
            {
                bool more;
                try
                {
                    more = await e.MoveNextAsync().ConfigureAwait(false);
                }
                catch (Exception x) when (x is RedisConnectionException or RedisTimeoutException)
                {
                    throw Unavailable(x);
                }

                if (!more)
                {
                    break;
                }

                yield return new KeyValuePair<int, byte[]>((int)e.Current.Name, (byte[])e.Current.Value!);
            }
        }
        finally
        {
            await e.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    /// <exception cref="RedisStoreUnavailableException">The server cannot be reached.</exception>
    public ValueTask<SharedModel?> GetModelAsync(long knownVersion, CancellationToken cancellationToken = default) =>
        RetryAsync(async () =>
        {
            IBatch batch = _database.CreateBatch();
            Task<RedisResult> task = batch.ScriptEvaluateAsync(GetModelScript, [_model], [knownVersion]);
            await ExecuteAsync(batch, [task], cancellationToken).ConfigureAwait(false);
            if (task.Result.IsNull || (RedisResult[]?)task.Result is not { } parts)
            {
                return null;
            }

            return new SharedModel((long)parts[0], (long)parts[1], (byte[])parts[2]!);
        }, cancellationToken);

    /// <inheritdoc/>
    /// <exception cref="RedisStoreUnavailableException">The server cannot be reached.</exception>
    public ValueTask<long> PublishModelAsync(SharedModel model, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        return RetryAsync(async () =>
        {
            IBatch batch = _database.CreateBatch();
            Task<RedisResult> task = batch.ScriptEvaluateAsync(PublishModelScript, [_model], [model.Articles, model.Data, model.Version]);
            await ExecuteAsync(batch, [task], cancellationToken).ConfigureAwait(false);
            return (long)task.Result;
        }, cancellationToken);
    }

    /// <inheritdoc/>
    /// <remarks>A key of this index (<c>T:l</c>) holds the claimant's name, expiring after the lease.</remarks>
    /// <exception cref="RedisStoreUnavailableException">The server cannot be reached.</exception>
    public ValueTask<bool> TryClaimModelLearningAsync(string owner, TimeSpan lease, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        ArgumentOutOfRangeException.ThrowIfLessThan(lease, TimeSpan.FromMilliseconds(1));
        return RetryAsync(
            async () =>
            {
                IBatch batch = _database.CreateBatch();
                Task<RedisResult> task = batch.ScriptEvaluateAsync(ClaimScript, [_claim], [owner, (long)lease.TotalMilliseconds]);
                await ExecuteAsync(batch, [task], cancellationToken).ConfigureAwait(false);
                return (int)task.Result == 1;
            },
            cancellationToken);
    }

    /// <inheritdoc/>
    /// <exception cref="RedisStoreUnavailableException">The server cannot be reached.</exception>
    public async ValueTask ReleaseModelLearningAsync(string owner, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        await RetryAsync(
            async () =>
            {
                IBatch batch = _database.CreateBatch();
                Task<RedisResult> task = batch.ScriptEvaluateAsync(ReleaseScript, [_claim], [owner]);
                await ExecuteAsync(batch, [task], cancellationToken).ConfigureAwait(false);
                return true;
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Deletes every key of this index (SCAN with MATCH on <c>{IndexName}:*</c> on every primary, then a page of DELs at a
    /// time), returning how many. Not atomic: run it while no worker uses the index.
    /// </summary>
    /// <param name="cancellationToken">Cancels the operation; a cancelled clear may be partly done.</param>
    /// <returns>The number of keys deleted.</returns>
    /// <exception cref="RedisStoreUnavailableException">A server cannot be reached.</exception>
    public Task<long> ClearAsync(CancellationToken cancellationToken = default) =>
        RedisCalls.DeleteMatchingAsync(_connection, _database, RedisCalls.EscapeGlob(_tag) + "*", _tag + "*", cancellationToken);

    /// <summary>
    /// Closes the connection if this store opened it (<see cref="ConnectAsync"/>). A call under way then ends with
    /// <see cref="ObjectDisposedException"/> (not retried), as does every later call.
    /// </summary>
    public void Dispose()
    {
        Interlocked.Exchange(ref _disposed, 1);
        if (_ownsConnection)
        {
            _connection.Dispose();
        }
    }

    /// <summary>Like <see cref="Dispose"/>.</summary>
    /// <returns>A task that completes when the connection is closed.</returns>
    public ValueTask DisposeAsync()
    {
        Interlocked.Exchange(ref _disposed, 1);
        return _ownsConnection ? _connection.DisposeAsync() : ValueTask.CompletedTask;
    }

    /// <summary>The connection, for tests and the benchmark (server memory, round trips).</summary>
    internal IConnectionMultiplexer Connection => _connection;

    private static byte[] PackKeys(ulong[] keys)
    {
        byte[] packed = new byte[keys.Length * 8];
        for (int i = 0; i < keys.Length; i++)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(packed.AsSpan(i * 8), keys[i]);
        }

        return packed;
    }

    /// <summary>Removes articles by slot (one script each, one batch), given each slot's packed bucket keys.</summary>
    private async Task<bool[]> RemoveSlotsAsync((string Slot, byte[] Keys)[] work, CancellationToken cancellationToken)
    {
        if (work.Length == 0)
        {
            return [];
        }

        IBatch batch = _database.CreateBatch();
        var tasks = new Task<RedisResult>[work.Length];
        for (int i = 0; i < work.Length; i++)
        {
            byte[] packed = work[i].Keys;
            var keys = new RedisKey[6 + (packed.Length / 8)];
            keys[0] = _ids;
            keys[1] = _records;
            keys[2] = _keys;
            keys[3] = _slots;
            keys[4] = _times;
            keys[5] = _fingerprints;
            for (int j = 0; j < packed.Length / 8; j++)
            {
                keys[6 + j] = BucketKey(BinaryPrimitives.ReadUInt64LittleEndian(packed.AsSpan(j * 8)));
            }

            tasks[i] = batch.ScriptEvaluateAsync(RemoveScript, keys, [work[i].Slot]);
        }

        await ExecuteAsync(batch, tasks, cancellationToken).ConfigureAwait(false);
        return [.. tasks.Select(t => (int)t.Result == 1)];
    }

    private static byte[] Fingerprint(ulong fingerprint)
    {
        byte[] bytes = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, fingerprint);
        return bytes;
    }

    /// <summary>Runs <paramref name="attempt"/>, again after a growing delay while the server is unavailable; the wait ends when <paramref name="cancellationToken"/> is cancelled.</summary>
    private async ValueTask<T> RetryAsync<T>(Func<Task<T>> attempt, CancellationToken cancellationToken)
    {
        TimeSpan delay = Options.RetryDelay;
        for (int tries = 0; ; tries++)
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
            try
            {
                return await attempt().ConfigureAwait(false);
            }
            catch (RedisStoreUnavailableException e) when (Volatile.Read(ref _disposed) != 0)
            {
                // Its connection was closed by this store's disposal, not lost: nothing to retry or to report as an outage.
                throw new ObjectDisposedException($"The Redis shared index store '{Options.IndexName}' was disposed while the call ran.", e);
            }
            catch (RedisStoreUnavailableException) when (tries < Options.RetryCount)
            {
                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
                delay += delay;
            }
        }
    }

    private RedisStoreUnavailableException Unavailable(Exception e) => RedisCalls.Unavailable(_connection, e);

    private Task ExecuteAsync(IBatch batch, Task[] tasks, CancellationToken cancellationToken) =>
        RedisCalls.ExecuteAsync(_connection, batch, tasks, _tag + "*", cancellationToken);
}
