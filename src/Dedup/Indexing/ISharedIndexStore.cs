namespace Dedup.Indexing;

/// <summary>
/// Where a <see cref="Detection.CopyDetector"/> shared by several processes keeps its whole index: the articles' compact
/// forms by slot, the id → slot map (a shared slot allocator), the candidate buckets, the time index for expiry and the
/// learned corpus (boilerplate) model, so that what one worker adds, every other worker finds.
/// </summary>
/// <remarks>
/// <para>
/// <b>What the store sees.</b> The detector encodes each article's compact form as opaque bytes
/// (<see cref="SharedArticle.Record"/>) and computes its bucket keys; the store assigns the slot. Slots are allocated
/// from one counter shared by every worker and are <b>never reused</b>, so a slot read once always names the same
/// article (until it is removed) and slot order is insertion order across all workers. (A store whose data is lost, a
/// server restarted without persistence or flushed, counts from 0 again; a detector checks the records it caches.)
/// </para>
/// <para>
/// <b>Atomic add.</b> <see cref="AddAsync"/> makes an article's record, its id entry, its bucket entries and its time
/// entry appear together or not at all; adding an id that is indexed with the same <see cref="SharedArticle.ContentHash"/>
/// changes nothing (<see cref="SharedAddStatus.AlreadyIndexed"/>), with another one is refused
/// (<see cref="SharedAddStatus.Conflict"/>). Every member is idempotent, so a caller may retry a call that failed.
/// </para>
/// <para>
/// <b>Batches.</b> Every member takes or returns a batch, so a network store answers a batch in a small constant number
/// of round trips whatever its size.
/// </para>
/// <para><b>Thread safety.</b> Implementations are safe for concurrent use by any number of callers and processes.</para>
/// </remarks>
public interface ISharedIndexStore
{
    /// <summary>Adds a batch of articles, each atomically (see the remarks of the type).</summary>
    /// <param name="articles">The articles; the store keeps no reference to them after completing.</param>
    /// <param name="cancellationToken">Cancels the call; each article of a cancelled batch is either wholly added or not at all.</param>
    /// <returns>One result per article, in order: its status and its slot.</returns>
    ValueTask<SharedAddResult[]> AddAsync(ReadOnlyMemory<SharedArticle> articles, CancellationToken cancellationToken = default);

    /// <summary>Removes a batch of articles by id, each atomically with its bucket and time entries.</summary>
    /// <param name="ids">The ids; an id that is not indexed is ignored.</param>
    /// <param name="cancellationToken">Cancels the call; each article of a cancelled batch is either wholly removed or not at all.</param>
    /// <returns>One flag per id, in order: whether it was indexed (and is now removed).</returns>
    ValueTask<bool[]> RemoveAsync(ReadOnlyMemory<string> ids, CancellationToken cancellationToken = default);

    /// <summary>
    /// Looks up the buckets of all <paramref name="bucketKeys"/> as one batch: how many slots each holds (counted up to
    /// <paramref name="limit"/> + 1), and its <paramref name="limit"/> earliest slots (the lowest: slot order is
    /// insertion order) with their articles' fingerprints, so that the work of a query stays bounded however many
    /// articles share a common key.
    /// </summary>
    /// <param name="bucketKeys">The bucket keys.</param>
    /// <param name="limit">At most this many slots are read of each bucket (at least 1).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>One bucket per key, in order (<see cref="SharedBucket.Count"/> 0 when the bucket is empty).</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="limit"/> is less than 1.</exception>
    ValueTask<SharedBucket[]> QueryAsync(ReadOnlyMemory<ulong> bucketKeys, int limit, CancellationToken cancellationToken = default);

    /// <summary>Reads the records of a batch of slots.</summary>
    /// <param name="slots">The slots.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>One record per slot, in order; null for a slot that holds no article (removed, expired, never added).</returns>
    ValueTask<byte[]?[]> GetAsync(ReadOnlyMemory<int> slots, CancellationToken cancellationToken = default);

    /// <summary>
    /// Removes up to <paramref name="limit"/> articles indexed before <paramref name="cutoff"/>, oldest first, through the
    /// time index (no scan of the whole store); call again while it returns <paramref name="limit"/>.
    /// </summary>
    /// <param name="cutoff">Articles with an earlier <see cref="SharedArticle.IndexedAt"/> expire.</param>
    /// <param name="limit">At most this many are removed by this call.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The number of articles removed.</returns>
    ValueTask<int> ExpireAsync(DateTimeOffset cutoff, int limit, CancellationToken cancellationToken = default);

    /// <summary>The number of indexed articles.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The count.</returns>
    ValueTask<long> CountAsync(CancellationToken cancellationToken = default);

    /// <summary>Reads every indexed article's slot and record, in pages (for rebuilding the corpus model).</summary>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    /// <returns>The slots and records, in no particular order.</returns>
    IAsyncEnumerable<KeyValuePair<int, byte[]>> ReadAllAsync(CancellationToken cancellationToken = default);

    /// <summary>Reads the shared corpus model published by <see cref="PublishModelAsync"/>, if its version differs from <paramref name="knownVersion"/>.</summary>
    /// <param name="knownVersion">The version the caller holds; -1 for none.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The current model, or null when there is none or it has version <paramref name="knownVersion"/>.</returns>
    ValueTask<SharedModel?> GetModelAsync(long knownVersion, CancellationToken cancellationToken = default);

    /// <summary>
    /// Publishes a corpus model for every worker, unless another model was published since the one the caller learned
    /// it over (compare and set: of two workers that learned the model at once, the first to publish wins, and a model
    /// learned from fewer articles, after expiry, replaces a larger one).
    /// </summary>
    /// <param name="model">
    /// The model; its <see cref="SharedModel.Version"/> is the version that was published when the caller began
    /// learning (0 when none was). The store gives the model it publishes the next version.
    /// </param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The version now published (the caller's, or the newer one that won).</returns>
    ValueTask<long> PublishModelAsync(SharedModel model, CancellationToken cancellationToken = default);

    /// <summary>
    /// Claims the work of learning the corpus model again, for <paramref name="lease"/> at most, so that of the workers
    /// that find the model stale at once only one learns it (reading every record). A claim held by
    /// <paramref name="owner"/> already is renewed. The default implementation grants every claim.
    /// </summary>
    /// <param name="owner">The claimant's name, unique among the workers.</param>
    /// <param name="lease">How long the claim lasts unless given up (a worker that dies while learning holds it that long).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Whether <paramref name="owner"/> holds the claim now.</returns>
    ValueTask<bool> TryClaimModelLearningAsync(string owner, TimeSpan lease, CancellationToken cancellationToken = default) => ValueTask.FromResult(true);

    /// <summary>Gives up a claim of <see cref="TryClaimModelLearningAsync"/>, if <paramref name="owner"/> holds it. The default implementation does nothing.</summary>
    /// <param name="owner">The claimant's name.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the claim is given up.</returns>
    ValueTask ReleaseModelLearningAsync(string owner, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

    /// <summary>
    /// Records <paramref name="settings"/> (what shapes the index's records and keys, as a detector describes them)
    /// unless settings are recorded already, and returns those recorded: the caller's, or those of the detector that came
    /// first. A detector whose settings differ is refused, so that workers with other settings do not mix their articles
    /// in one index. The default implementation records nothing and returns <paramref name="settings"/>.
    /// </summary>
    /// <param name="settings">The caller's settings.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The settings recorded for the index.</returns>
    ValueTask<string> GetOrSetSettingsAsync(string settings, CancellationToken cancellationToken = default) => ValueTask.FromResult(settings);

    /// <summary>
    /// As <see cref="GetOrSetSettingsAsync"/>, and whether this call recorded the settings because none were recorded.
    /// A detector that found settings recorded before, and later sees them recorded anew, knows the store lost the index
    /// in between (a server restarted without persistence, the keys flushed, evicted or cleared): the articles indexed
    /// before are gone. The default implementation calls <see cref="GetOrSetSettingsAsync"/> and answers that it
    /// recorded nothing, which tells no loss.
    /// </summary>
    /// <param name="settings">The caller's settings.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The settings recorded for the index, and whether this call recorded them.</returns>
    async ValueTask<SharedSettings> RecordSettingsAsync(string settings, CancellationToken cancellationToken = default) =>
        new(await GetOrSetSettingsAsync(settings, cancellationToken).ConfigureAwait(false), RecordedNow: false);
}

/// <summary>The settings recorded for a shared index, as <see cref="ISharedIndexStore.RecordSettingsAsync"/> answers.</summary>
/// <param name="Recorded">The settings recorded: the caller's, or those of the detector that came first.</param>
/// <param name="RecordedNow">Whether the call recorded them, because the index had none.</param>
public readonly record struct SharedSettings(string Recorded, bool RecordedNow);

/// <summary>An article as a <see cref="ISharedIndexStore"/> stores it.</summary>
/// <param name="Id">The caller's id.</param>
/// <param name="ContentHash">The hash of its whole token sequence: a re-add with the same hash is a re-delivery.</param>
/// <param name="Fingerprint">Its SimHash, returned with its slot by <see cref="ISharedIndexStore.QueryAsync"/> (a query prefers the holders of a common key nearest to it).</param>
/// <param name="IndexedAt">When it was indexed (the time index for expiry).</param>
/// <param name="Record">Its compact form, opaque to the store.</param>
/// <param name="BucketKeys">The keys of the candidate buckets that hold its slot.</param>
public readonly record struct SharedArticle(string Id, ulong ContentHash, ulong Fingerprint, DateTimeOffset IndexedAt, ReadOnlyMemory<byte> Record, ReadOnlyMemory<ulong> BucketKeys);

/// <summary>One bucket as <see cref="ISharedIndexStore.QueryAsync"/> reads it.</summary>
/// <param name="Count">
/// How many slots the bucket holds, counted up to the query's limit + 1: a query needs to know only whether there are
/// more than it read.
/// </param>
/// <param name="Slots">Its earliest slots (at most the query's limit), ascending.</param>
/// <param name="Fingerprints">The fingerprint (<see cref="SharedArticle.Fingerprint"/>) of each of <paramref name="Slots"/>, in the same order.</param>
public readonly record struct SharedBucket(int Count, ReadOnlyMemory<int> Slots, ReadOnlyMemory<ulong> Fingerprints);

/// <summary>What <see cref="ISharedIndexStore.AddAsync"/> did with one article.</summary>
/// <param name="Status">Added, already indexed with the same content, or refused.</param>
/// <param name="Slot">The article's slot (the new one, or the one it already has).</param>
public readonly record struct SharedAddResult(SharedAddStatus Status, int Slot);

/// <summary>The outcome of adding one article to a <see cref="ISharedIndexStore"/>.</summary>
public enum SharedAddStatus
{
    /// <summary>The article was added with a new slot.</summary>
    Added = 0,

    /// <summary>The id was already indexed with the same content hash; nothing changed.</summary>
    AlreadyIndexed = 1,

    /// <summary>The id was already indexed with another content hash; nothing changed.</summary>
    Conflict = 2,
}

/// <summary>The corpus (boilerplate) model shared through a <see cref="ISharedIndexStore"/>, so that every worker judges the same way.</summary>
/// <param name="Version">The version the store assigned (increasing).</param>
/// <param name="Articles">How many articles it was learned from.</param>
/// <param name="Data">Its encoded form, opaque to the store.</param>
public sealed record SharedModel(long Version, long Articles, byte[] Data);
