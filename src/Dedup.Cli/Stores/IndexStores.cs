namespace Dedup.Cli.Stores;

/// <summary>Chooses the store for a <c>--store</c> location.</summary>
internal static class IndexStores
{
    /// <summary>Opens the store at <paramref name="location"/>: a file path today; "redis://" is reserved for the Redis store.</summary>
    /// <exception cref="CliException">The location names a store kind this build does not support (bad input).</exception>
    public static IIndexStore Open(string location)
    {
        if (string.IsNullOrWhiteSpace(location))
        {
            throw CliException.BadInput("--store: expected a file path");
        }

        if (location.StartsWith("redis://", StringComparison.OrdinalIgnoreCase) || location.StartsWith("rediss://", StringComparison.OrdinalIgnoreCase))
        {
            // The Redis store (Dedup.Redis) plugs in here: return new RedisIndexStore(location).
            throw CliException.BadInput($"--store {location}: not supported yet: the Redis store is a later issue; use a file path");
        }

        if (location.Contains("://", StringComparison.Ordinal))
        {
            throw CliException.BadInput($"--store {location}: unknown store kind; use a file path");
        }

        if (Directory.Exists(location) || location.EndsWith('/') || location.EndsWith(Path.DirectorySeparatorChar))
        {
            throw CliException.BadInput($"--store {location}: is a folder; --store expects a file path (e.g. {Path.Combine(location, "index.dedup")})");
        }

        return new FileIndexStore(location);
    }
}
