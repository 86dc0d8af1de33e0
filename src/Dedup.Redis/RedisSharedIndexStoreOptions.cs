namespace Dedup.Redis;

/// <summary>Settings of a <see cref="RedisSharedIndexStore"/>; immutable once created.</summary>
public sealed class RedisSharedIndexStoreOptions
{
    /// <summary>The default <see cref="IndexName"/>.</summary>
    public const string DefaultIndexName = "dedup";

    /// <summary>The settings used when none are given: index <c>dedup</c>, the connection's default database, no retry.</summary>
    public static RedisSharedIndexStoreOptions Default { get; } = new();

    /// <summary>
    /// The name of the index (default <c>dedup</c>). Every key of the index starts with it in braces, <c>{name}:</c>, a
    /// Redis Cluster hash tag, so the whole index lives in one cluster slot and an article's record, id entry, time entry
    /// and bucket entries can be written by one atomic script. Workers that share an index use the same name; give every
    /// index its own. It must not hold braces, be white space alone, or be longer than <see cref="MaxIndexNameLength"/>
    /// characters (it is repeated in every key).
    /// </summary>
    public string IndexName { get; init; } = DefaultIndexName;

    /// <summary>The longest <see cref="IndexName"/>, in characters.</summary>
    public const int MaxIndexNameLength = 256;

    /// <summary>The logical database number; -1 (the default) for the connection's default database.</summary>
    public int Database { get; init; } = -1;

    /// <summary>
    /// How many times a call that found the server unavailable is sent again (default 0: fail at once). Every call of the
    /// store is idempotent, so a retry never adds or removes twice; an add whose first attempt reached the server but
    /// whose reply was lost reports <see cref="Indexing.SharedAddStatus.AlreadyIndexed"/> on the retry.
    /// </summary>
    public int RetryCount { get; init; }

    /// <summary>The wait before the first retry (default 100 ms), doubled before each further one.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Checks the settings.</summary>
    /// <exception cref="ArgumentException">The name is empty, white space alone, too long, or holds a brace.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The database, retry count or delay is out of range.</exception>
    internal void Validate()
    {
        ArgumentException.ThrowIfNullOrEmpty(IndexName, nameof(IndexName));
        if (IndexName.Contains('{', StringComparison.Ordinal) || IndexName.Contains('}', StringComparison.Ordinal))
        {
            throw new ArgumentException("The index name must not hold braces: the store puts it in a hash tag itself.", nameof(IndexName));
        }

        if (string.IsNullOrWhiteSpace(IndexName))
        {
            throw new ArgumentException("The index name is white space alone: give the index a name a person can read and tell apart.", nameof(IndexName));
        }

        if (IndexName.Length > MaxIndexNameLength)
        {
            throw new ArgumentException($"The index name is {IndexName.Length} characters long; it is repeated in every key of the index, so at most {MaxIndexNameLength} are allowed.", nameof(IndexName));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(Database, -1, nameof(Database));
        ArgumentOutOfRangeException.ThrowIfNegative(RetryCount, nameof(RetryCount));
        ArgumentOutOfRangeException.ThrowIfLessThan(RetryDelay, TimeSpan.Zero, nameof(RetryDelay));
    }
}
