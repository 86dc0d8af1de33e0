namespace Dedup.Redis;

/// <summary>Settings of a <see cref="RedisBucketStore"/>; immutable once created.</summary>
public sealed class RedisBucketStoreOptions
{
    /// <summary>The default <see cref="KeyPrefix"/>.</summary>
    public const string DefaultKeyPrefix = "dedup:";

    /// <summary>The settings used when none are given: prefix <c>dedup:</c>, the connection's default database.</summary>
    public static RedisBucketStoreOptions Default { get; } = new();

    /// <summary>
    /// The text every key of this store starts with, e.g. <c>news:</c> (default <c>dedup:</c>). Give every index its own
    /// prefix: two detectors sharing one prefix would share (and corrupt) each other's buckets. A prefix without braces
    /// lets each bucket key hash to its own Redis Cluster slot, which spreads an index over every node; braces (a hash
    /// tag such as <c>{news}:</c>) would put the whole index in one slot on one node.
    /// </summary>
    public string KeyPrefix { get; init; } = DefaultKeyPrefix;

    /// <summary>The logical database number; -1 (the default) for the connection's default database.</summary>
    public int Database { get; init; } = -1;

    /// <summary>Checks the settings.</summary>
    /// <exception cref="ArgumentException">The prefix is null or empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The database is below -1.</exception>
    internal void Validate()
    {
        ArgumentException.ThrowIfNullOrEmpty(KeyPrefix, nameof(KeyPrefix));
        ArgumentOutOfRangeException.ThrowIfLessThan(Database, -1, nameof(Database));
    }
}
