using System.Runtime.CompilerServices;

namespace Dedup.Indexing;

/// <summary>
/// An <see cref="ISharedIndexStore"/> in this process's memory: the reference the network stores are tested against, and
/// a way to share one index between several detectors of one process.
/// </summary>
/// <remarks>Every call takes one lock, so each article is added or removed atomically and calls are linearizable.</remarks>
public sealed class InMemorySharedIndexStore : ISharedIndexStore
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, (int Slot, ulong Hash)> _byId = new(StringComparer.Ordinal);
    private readonly Dictionary<int, Entry> _bySlot = [];
    private readonly Dictionary<ulong, SortedSet<int>> _buckets = [];
    private readonly SortedSet<(long Time, int Slot)> _byTime = [];
    private int _next;
    private SharedModel? _model;
    private string? _settings;
    private (string Owner, DateTimeOffset Until)? _claim;

    /// <inheritdoc/>
    public async ValueTask<string> GetOrSetSettingsAsync(string settings, CancellationToken cancellationToken = default) =>
        (await RecordSettingsAsync(settings, cancellationToken).ConfigureAwait(false)).Recorded;

    /// <inheritdoc/>
    public ValueTask<SharedSettings> RecordSettingsAsync(string settings, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        cancellationToken.ThrowIfCancellationRequested();
        string? before = Interlocked.CompareExchange(ref _settings, settings, null);
        return ValueTask.FromResult(new SharedSettings(before ?? settings, RecordedNow: before is null));
    }

    /// <summary>
    /// Empties the store, its recorded settings and corpus model included, as a server that restarts without persistence
    /// does: the detectors that used it find their settings recorded anew and report the index lost.
    /// </summary>
    public void Clear()
    {
        lock (_lock)
        {
            _byId.Clear();
            _bySlot.Clear();
            _buckets.Clear();
            _byTime.Clear();
            _next = 0;
            _model = null;
            _settings = null;
            _claim = null;
        }
    }

    /// <inheritdoc/>
    public ValueTask<SharedAddResult[]> AddAsync(ReadOnlyMemory<SharedArticle> articles, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var results = new SharedAddResult[articles.Length];
        lock (_lock)
        {
            ReadOnlySpan<SharedArticle> span = articles.Span;
            for (int i = 0; i < span.Length; i++)
            {
                SharedArticle a = span[i];
                ArgumentNullException.ThrowIfNull(a.Id, nameof(articles));
                if (_byId.TryGetValue(a.Id, out (int Slot, ulong Hash) known))
                {
                    results[i] = new SharedAddResult(known.Hash == a.ContentHash ? SharedAddStatus.AlreadyIndexed : SharedAddStatus.Conflict, known.Slot);
                    continue;
                }

                int slot = _next++;
                ulong[] keys = [.. a.BucketKeys.ToArray().Distinct()];
                long time = a.IndexedAt.ToUnixTimeMilliseconds();
                _byId.Add(a.Id, (slot, a.ContentHash));
                _bySlot.Add(slot, new Entry(a.Id, a.Record.ToArray(), keys, time, a.Fingerprint));
                _byTime.Add((time, slot));
                foreach (ulong key in keys)
                {
                    if (!_buckets.TryGetValue(key, out SortedSet<int>? bucket))
                    {
                        bucket = [];
                        _buckets.Add(key, bucket);
                    }

                    bucket.Add(slot);
                }

                results[i] = new SharedAddResult(SharedAddStatus.Added, slot);
            }
        }

        return ValueTask.FromResult(results);
    }

    /// <inheritdoc/>
    public ValueTask<bool[]> RemoveAsync(ReadOnlyMemory<string> ids, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var removed = new bool[ids.Length];
        lock (_lock)
        {
            ReadOnlySpan<string> span = ids.Span;
            for (int i = 0; i < span.Length; i++)
            {
                if (_byId.TryGetValue(span[i], out (int Slot, ulong Hash) known))
                {
                    RemoveLocked(known.Slot);
                    removed[i] = true;
                }
            }
        }

        return ValueTask.FromResult(removed);
    }

    /// <inheritdoc/>
    public ValueTask<SharedBucket[]> QueryAsync(ReadOnlyMemory<ulong> bucketKeys, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        cancellationToken.ThrowIfCancellationRequested();
        var result = new SharedBucket[bucketKeys.Length];
        lock (_lock)
        {
            ReadOnlySpan<ulong> keys = bucketKeys.Span;
            for (int i = 0; i < keys.Length; i++)
            {
                if (_buckets.TryGetValue(keys[i], out SortedSet<int>? bucket))
                {
                    int[] slots = [.. bucket.Take(limit)];
                    result[i] = new SharedBucket((int)Math.Min(bucket.Count, (long)limit + 1), slots, slots.Select(s => _bySlot[s].Fingerprint).ToArray());
                }
            }
        }

        return ValueTask.FromResult(result);
    }

    /// <inheritdoc/>
    public ValueTask<byte[]?[]> GetAsync(ReadOnlyMemory<int> slots, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var result = new byte[]?[slots.Length];
        lock (_lock)
        {
            ReadOnlySpan<int> span = slots.Span;
            for (int i = 0; i < span.Length; i++)
            {
                result[i] = _bySlot.TryGetValue(span[i], out Entry? e) ? e.Record : null;
            }
        }

        return ValueTask.FromResult(result);
    }

    /// <inheritdoc/>
    public ValueTask<int> ExpireAsync(DateTimeOffset cutoff, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        cancellationToken.ThrowIfCancellationRequested();
        long before = cutoff.ToUnixTimeMilliseconds();
        int removed = 0;
        lock (_lock)
        {
            while (removed < limit && _byTime.Count > 0 && _byTime.Min.Time < before)
            {
                RemoveLocked(_byTime.Min.Slot);
                removed++;
            }
        }

        return ValueTask.FromResult(removed);
    }

    /// <inheritdoc/>
    public ValueTask<long> CountAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            return ValueTask.FromResult((long)_byId.Count);
        }
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<KeyValuePair<int, byte[]>> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        KeyValuePair<int, byte[]>[] all;
        lock (_lock)
        {
            all = [.. _bySlot.Select(p => new KeyValuePair<int, byte[]>(p.Key, p.Value.Record))];
        }

        foreach (KeyValuePair<int, byte[]> pair in all)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return pair;
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public ValueTask<SharedModel?> GetModelAsync(long knownVersion, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            return ValueTask.FromResult(_model is { } m && m.Version != knownVersion ? m : null);
        }
    }

    /// <inheritdoc/>
    public ValueTask<long> PublishModelAsync(SharedModel model, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            if (model.Version == (_model?.Version ?? 0))
            {
                _model = model with { Version = (_model?.Version ?? 0) + 1 };
            }

            return ValueTask.FromResult(_model?.Version ?? 0);
        }
    }

    /// <inheritdoc/>
    public ValueTask<bool> TryClaimModelLearningAsync(string owner, TimeSpan lease, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(owner);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(lease, TimeSpan.Zero);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            DateTimeOffset now = DateTimeOffset.UtcNow;
            if (_claim is { } c && c.Owner != owner && c.Until > now)
            {
                return ValueTask.FromResult(false);
            }

            _claim = (owner, now + lease);
            return ValueTask.FromResult(true);
        }
    }

    /// <inheritdoc/>
    public ValueTask ReleaseModelLearningAsync(string owner, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(owner);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            if (_claim?.Owner == owner)
            {
                _claim = null;
            }
        }

        return ValueTask.CompletedTask;
    }

    private void RemoveLocked(int slot)
    {
        Entry e = _bySlot[slot];
        _bySlot.Remove(slot);
        _byId.Remove(e.Id);
        _byTime.Remove((e.Time, slot));
        foreach (ulong key in e.Keys)
        {
            SortedSet<int> bucket = _buckets[key];
            bucket.Remove(slot);
            if (bucket.Count == 0)
            {
                _buckets.Remove(key);
            }
        }
    }

    private sealed record Entry(string Id, byte[] Record, ulong[] Keys, long Time, ulong Fingerprint);
}
