namespace Dedup.Redis;

/// <summary>
/// The Redis-protocol server behind a <see cref="RedisBucketStore"/> could not be reached (connection refused or lost,
/// or no reply within the connection's timeout). The operation's batch may be partly applied on the server; the
/// message names the endpoint and <see cref="Exception.InnerException"/> holds the client's exception.
/// </summary>
/// <remarks>
/// The store never returns a partial result: a query or write that did not fully succeed throws. The connection
/// reconnects in the background, so a later call works once the server is back.
/// </remarks>
public sealed class RedisStoreUnavailableException : Exception
{
    /// <summary>Creates the exception with a default message.</summary>
    public RedisStoreUnavailableException()
        : base("The Redis server behind the bucket store is unavailable.")
    {
        EndPoint = string.Empty;
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What happened.</param>
    public RedisStoreUnavailableException(string message)
        : base(message)
    {
        EndPoint = string.Empty;
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    /// <param name="message">What happened.</param>
    /// <param name="innerException">The client's exception.</param>
    public RedisStoreUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
        EndPoint = string.Empty;
    }

    /// <summary>Creates the exception for an endpoint.</summary>
    /// <param name="endPoint">The server's endpoint(s), e.g. <c>127.0.0.1:6379</c>.</param>
    /// <param name="message">What happened.</param>
    /// <param name="innerException">The client's exception, or null.</param>
    public RedisStoreUnavailableException(string endPoint, string message, Exception? innerException)
        : base(message, innerException)
    {
        EndPoint = endPoint ?? string.Empty;
    }

    /// <summary>The endpoint(s) of the server, as <c>host:port</c> separated by commas; empty when unknown.</summary>
    public string EndPoint { get; }
}
