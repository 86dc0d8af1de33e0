using System.Runtime.CompilerServices;
using Dedup.Indexing;

namespace Dedup.Tests.Detection;

/// <summary>
/// An in-memory shared store for the shared detector's tests: it can be emptied (as a server's data can be lost), hold
/// adds or full reads up, count the records read and the full reads, and give more holders of a bucket than asked.
/// </summary>
internal sealed class TestSharedStore : ISharedIndexStore, IAsyncDisposable
{
    private readonly InMemorySharedIndexStore _inner = new();
    private int _reads;

    /// <summary>When set, an add waits for it (and signals <see cref="AddStarted"/> first).</summary>
    public TaskCompletionSource? HoldAdds { get; init; }

    public TaskCompletionSource AddStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>When set, a full read (<see cref="ReadAllAsync"/>) waits for it.</summary>
    public TaskCompletionSource? HoldReads { get; set; }

    /// <summary>The slots whose records were read since it was last set.</summary>
    public int SlotsRead { get; set; }

    /// <summary>How many full reads were started.</summary>
    public int Reads => Volatile.Read(ref _reads);

    /// <summary>A query gives every holder of a bucket, more than it asked for.</summary>
    public bool GivesAll { get; init; }

    /// <summary>Whether the store was disposed (by the detector that owns it).</summary>
    public bool Disposed { get; private set; }

    /// <summary>When set, a held add that resumes after the store was disposed throws, as a closed connection does.</summary>
    public bool FailsAfterDispose { get; init; }

    public ValueTask DisposeAsync()
    {
        Disposed = true;
        return ValueTask.CompletedTask;
    }

    /// <summary>Loses everything, as a server restarted without persistence does.</summary>
    public void Empty() => _inner.Clear();

    public async ValueTask<SharedAddResult[]> AddAsync(ReadOnlyMemory<SharedArticle> articles, CancellationToken cancellationToken = default)
    {
        if (HoldAdds is { } hold)
        {
            AddStarted.TrySetResult();
            await hold.Task.ConfigureAwait(false);
            ObjectDisposedException.ThrowIf(FailsAfterDispose && Disposed, this);
        }

        return await _inner.AddAsync(articles, cancellationToken).ConfigureAwait(false);
    }

    public ValueTask<bool[]> RemoveAsync(ReadOnlyMemory<string> ids, CancellationToken cancellationToken = default) => _inner.RemoveAsync(ids, cancellationToken);

    public ValueTask<SharedBucket[]> QueryAsync(ReadOnlyMemory<ulong> bucketKeys, int limit, CancellationToken cancellationToken = default) =>
        _inner.QueryAsync(bucketKeys, GivesAll ? int.MaxValue : limit, cancellationToken);

    public ValueTask<byte[]?[]> GetAsync(ReadOnlyMemory<int> slots, CancellationToken cancellationToken = default)
    {
        SlotsRead += slots.Length;
        return _inner.GetAsync(slots, cancellationToken);
    }

    public ValueTask<int> ExpireAsync(DateTimeOffset cutoff, int limit, CancellationToken cancellationToken = default) => _inner.ExpireAsync(cutoff, limit, cancellationToken);

    public ValueTask<long> CountAsync(CancellationToken cancellationToken = default) => _inner.CountAsync(cancellationToken);

    public async IAsyncEnumerable<KeyValuePair<int, byte[]>> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _reads);
        if (HoldReads is { } hold)
        {
            await hold.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        await foreach (KeyValuePair<int, byte[]> pair in _inner.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return pair;
        }
    }

    public ValueTask<SharedModel?> GetModelAsync(long knownVersion, CancellationToken cancellationToken = default) => _inner.GetModelAsync(knownVersion, cancellationToken);

    public ValueTask<long> PublishModelAsync(SharedModel model, CancellationToken cancellationToken = default) => _inner.PublishModelAsync(model, cancellationToken);

    public ValueTask<bool> TryClaimModelLearningAsync(string owner, TimeSpan lease, CancellationToken cancellationToken = default) =>
        _inner.TryClaimModelLearningAsync(owner, lease, cancellationToken);

    public ValueTask ReleaseModelLearningAsync(string owner, CancellationToken cancellationToken = default) => _inner.ReleaseModelLearningAsync(owner, cancellationToken);

    public ValueTask<string> GetOrSetSettingsAsync(string settings, CancellationToken cancellationToken = default) => _inner.GetOrSetSettingsAsync(settings, cancellationToken);

    public ValueTask<SharedSettings> RecordSettingsAsync(string settings, CancellationToken cancellationToken = default) => _inner.RecordSettingsAsync(settings, cancellationToken);
}
