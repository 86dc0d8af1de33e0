using System.Net;
using System.Net.Sockets;
using Garnet;
using Garnet.server;
using StackExchange.Redis;

namespace Dedup.Redis.Tests;

/// <summary>
/// The servers the tests run against: a Garnet hosted in this process on a free loopback port (always), and the server
/// named by the environment variable <c>DEDUP_REDIS</c> (host:port) when it is set, e.g. by .ci/run with redis-server.
/// </summary>
internal static class RedisServers
{
    /// <summary>The name of the in-process Garnet server.</summary>
    public const string Garnet = "garnet";

    /// <summary>The name of the server given by <c>DEDUP_REDIS</c>.</summary>
    public const string External = "DEDUP_REDIS";

    private static readonly Lazy<GarnetHost> SharedGarnet = new(() => GarnetHost.Start(FreePort()));
    private static readonly Lazy<ConnectionMultiplexer> GarnetConnection = new(() => Connect(SharedGarnet.Value.EndPoint));
    private static readonly Lazy<ConnectionMultiplexer> ExternalConnection = new(() => Connect(ExternalEndPoint!));

    /// <summary>The endpoint in <c>DEDUP_REDIS</c>, or null when unset.</summary>
    public static string? ExternalEndPoint =>
        Environment.GetEnvironmentVariable("DEDUP_REDIS") is { Length: > 0 } value ? value : null;

    /// <summary>The names of the servers to test against, as theory data.</summary>
    public static TheoryData<string> Names
    {
        get
        {
            var names = new TheoryData<string> { Garnet };
            if (ExternalEndPoint is not null)
            {
                names.Add(External);
            }

            return names;
        }
    }

    /// <summary>A shared connection to the named server.</summary>
    public static ConnectionMultiplexer Connection(string name) => name switch
    {
        Garnet => GarnetConnection.Value,
        External => ExternalConnection.Value,
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "unknown server"),
    };

    /// <summary>The endpoint (host:port) of the named server.</summary>
    public static string EndPoint(string name) => name switch
    {
        Garnet => SharedGarnet.Value.EndPoint,
        External => ExternalEndPoint!,
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "unknown server"),
    };

    /// <summary>A store on the named server under a prefix no other test uses.</summary>
    public static RedisBucketStore NewStore(string name) =>
        new(Connection(name), new RedisBucketStoreOptions { KeyPrefix = $"test:{Guid.NewGuid():N}:" });

    /// <summary>Connects the way the store's docs advise: fail fast while the server is down, reconnect in the background.</summary>
    public static ConnectionMultiplexer Connect(string endPoint)
    {
        var config = new ConfigurationOptions
        {
            EndPoints = { endPoint },
            AbortOnConnectFail = false,
            BacklogPolicy = BacklogPolicy.FailFast,
            ConnectTimeout = 2000,
            SyncTimeout = 5000,
            AsyncTimeout = 5000,
            ReconnectRetryPolicy = new LinearRetry(200),
        };
        ConnectionMultiplexer connection = ConnectionMultiplexer.Connect(config);
        WaitConnected(connection, TimeSpan.FromSeconds(15));
        return connection;
    }

    /// <summary>Waits until the connection is up, failing the test after <paramref name="timeout"/>.</summary>
    public static void WaitConnected(IConnectionMultiplexer connection, TimeSpan timeout)
    {
        DateTime deadline = DateTime.UtcNow + timeout;
        while (!connection.IsConnected)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"no connection to {connection.Configuration} within {timeout}");
            }

            Thread.Sleep(50);
        }
    }

    /// <summary>A loopback port nobody listens on right now.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>
/// A Garnet server in this process, in memory only, with Lua scripting enabled (the store's removal needs it); it can
/// be stopped and started again on the same port, empty, as a server restarted without persistence.
/// </summary>
internal sealed class GarnetHost : IDisposable
{
    private GarnetServer? _server;

    private readonly string? _password;

    private GarnetHost(int port, string? password = null)
    {
        Port = port;
        _password = password;
    }

    /// <summary>The loopback port it listens on.</summary>
    public int Port { get; }

    /// <summary>Its endpoint as host:port.</summary>
    public string EndPoint => $"127.0.0.1:{Port}";

    /// <summary>Starts a server on <paramref name="port"/>.</summary>
    public static GarnetHost Start(int port)
    {
        var host = new GarnetHost(port);
        host.Restart();
        return host;
    }

    /// <summary>Starts a server on <paramref name="port"/> that asks every client for <paramref name="password"/>.</summary>
    public static GarnetHost StartWithPassword(int port, string password)
    {
        var host = new GarnetHost(port, password);
        host.Restart();
        return host;
    }

    /// <summary>Starts the server again on the same port, empty (stopping it first if it runs).</summary>
    public void Restart()
    {
        Stop();
        var options = new GarnetServerOptions
        {
            EndPoints = [new IPEndPoint(IPAddress.Loopback, Port)],
            EnableLua = true,
            LuaOptions = new LuaOptions(),
            QuietMode = true,
        };
        if (_password is not null)
        {
            options.AuthSettings = new Garnet.server.Auth.Settings.PasswordAuthenticationSettings(_password);
        }

        var server = new GarnetServer(options);
        server.Start();
        _server = server;
    }

    /// <summary>Stops the server; its data is gone. Stopping a stopped server does nothing.</summary>
    public void Stop()
    {
        GarnetServer? server = _server;
        _server = null;
        try
        {
            server?.Dispose();
        }
        catch (ObjectDisposedException)
        {
            // Garnet 2.2.8: disposing a second server started in the same process after another was disposed throws
            // from its epoch's already-disposed token source, after the listener is closed.
        }
    }

    /// <summary>Stops the server.</summary>
    public void Dispose() => Stop();
}
