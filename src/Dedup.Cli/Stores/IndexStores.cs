namespace Dedup.Cli.Stores;

/// <summary>Chooses the store for a <c>--store</c> location.</summary>
internal static class IndexStores
{
    /// <summary>Opens the store at <paramref name="location"/>: a file path (a redis:// location is a <see cref="RedisIndex"/>, which the commands open themselves).</summary>
    /// <param name="location">The <c>--store</c> value.</param>
    /// <param name="warn">Told what opening the index changed that the user should know (a journal tail cut off); null to say nothing.</param>
    /// <exception cref="CliException">The location names a store kind this build does not support (bad input).</exception>
    public static IIndexStore Open(string location, Action<string>? warn = null)
    {
        if (string.IsNullOrWhiteSpace(location))
        {
            throw CliException.BadInput("--store: expected a file path");
        }

        if (location.StartsWith("rediss://", StringComparison.OrdinalIgnoreCase))
        {
            throw CliException.BadInput($"--store {RedisIndex.Redact(location)}: TLS (rediss://) is not supported yet; use redis://host:port/name");
        }

        if (RedisIndex.IsRedis(location))
        {
            throw CliException.BadInput($"--store {location}: a Redis index is opened with RedisIndex.OpenAsync");
        }

        if (location.Contains("://", StringComparison.Ordinal))
        {
            throw CliException.BadInput($"--store {RedisIndex.Redact(location)}: unknown store kind; use a file path");
        }

        if (Directory.Exists(location) || location.EndsWith('/') || location.EndsWith(Path.DirectorySeparatorChar))
        {
            throw CliException.BadInput($"--store {location}: is a folder; --store expects a file path (e.g. {Path.Combine(location, "index.dedup")})");
        }

        return new FileIndexStore(location, warn);
    }
}
