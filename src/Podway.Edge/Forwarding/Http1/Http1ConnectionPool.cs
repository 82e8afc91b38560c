using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Podway.Edge.Routing;

namespace Podway.Edge.Forwarding.Http1;

/// <summary>
/// Keep-alive HTTP/1.1 connections per upstream address:port, last used first (the warmest). A sweeper runs a few
/// times a second: it closes connections idle too long, and busy ones whose upstream missed its deadline or whose
/// client went away, which fails the request's pending read; the forwarder then reads the reason off the connection.
/// A connection past its lifetime is closed instead of pooled, so endpoint and DNAT changes apply.
/// </summary>
internal sealed class Http1ConnectionPool : IDisposable
{
    readonly ConcurrentDictionary<(string Address, int Port), EndpointConnections> _endpoints = new();
    readonly ConcurrentDictionary<Http1Connection, byte> _live = new(ReferenceEqualityComparer.Instance);
    readonly TimeSpan _connectTimeout;
    readonly long _lifetimeTicks;
    readonly long _idleTicks;
    readonly Timer _sweeper;

    public Http1ConnectionPool(TimeSpan connectTimeout, TimeSpan lifetime, TimeSpan idleTimeout, TimeSpan shortestDeadline)
    {
        _connectTimeout = connectTimeout;
        _lifetimeTicks = ToTicks(lifetime);
        _idleTicks = ToTicks(idleTimeout);
        var interval = TimeSpan.FromTicks(Math.Clamp(shortestDeadline.Ticks / 4, TimeSpan.FromMilliseconds(10).Ticks, TimeSpan.TicksPerSecond / 4));
        _sweeper = new Timer(_ => Sweep(), null, interval, interval);
    }

    public static long ToTicks(TimeSpan span) => (long)(span.TotalSeconds * Stopwatch.Frequency);

    /// <summary>An idle connection to <paramref name="upstream"/> if one is alive, otherwise a new one.
    /// <paramref name="checkAlive"/> first asks the kernel whether the upstream has closed it while idle: for a request
    /// with a body, which cannot be sent again once it has been read; one without is simply retried on a new
    /// connection when that happens (as nginx does), which spares a syscall per request.</summary>
    public ValueTask<Http1Connection> RentAsync(Upstream upstream, bool checkAlive, TimeSpan? connectTimeout = null)
    {
        var endpoint = _endpoints.GetOrAdd((upstream.Address, upstream.Port), static key => new EndpointConnections(key.Address, key.Port));
        while (endpoint.TryPop(out var connection))
        {
            if (!connection.TryTake()) continue; // the sweeper closed it
            // Readable while idle means the upstream closed it (or sent something unasked): not usable.
            if (!checkAlive || !connection.Socket.Poll(0, SelectMode.SelectRead)) return ValueTask.FromResult(connection);
            Release(connection, reusable: false);
        }
        return ConnectAsync(endpoint, connectTimeout ?? _connectTimeout);
    }

    /// <summary>A new connection to <paramref name="upstream"/>, never a pooled one.</summary>
    public ValueTask<Http1Connection> ConnectAsync(Upstream upstream, TimeSpan? connectTimeout = null) =>
        ConnectAsync(_endpoints.GetOrAdd((upstream.Address, upstream.Port), static key => new EndpointConnections(key.Address, key.Port)),
            connectTimeout ?? _connectTimeout);

    async ValueTask<Http1Connection> ConnectAsync(EndpointConnections endpoint, TimeSpan connectTimeout)
    {
        var target = endpoint.Target ?? throw new UpstreamConnectException($"upstream {endpoint.Address} is not an IP address");
        var socket = new Socket(target.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        using var deadline = new CancellationTokenSource(connectTimeout);
        try
        {
            await socket.ConnectAsync(target, deadline.Token);
        }
        catch (SocketException e)
        {
            socket.Dispose();
            throw new UpstreamConnectException($"connect to {target}: {e.SocketErrorCode}", e);
        }
        catch (OperationCanceledException)
        {
            socket.Dispose();
            throw new UpstreamConnectException($"connect to {target} timed out after {connectTimeout.TotalSeconds:0.###} s");
        }
        var connection = new Http1Connection(socket, endpoint);
        _live[connection] = 0;
        return connection;
    }

    /// <summary>Ends a request on <paramref name="connection"/>: pooled when <paramref name="reusable"/> and young
    /// enough, otherwise closed.</summary>
    public void Release(Http1Connection connection, bool reusable)
    {
        if (reusable && Stopwatch.GetTimestamp() - connection.CreatedAt < _lifetimeTicks && connection.TryMakeIdle())
        {
            connection.Home.Push(connection);
            return;
        }
        connection.Close();
        _live.TryRemove(connection, out _);
    }

    void Sweep()
    {
        var now = Stopwatch.GetTimestamp();
        foreach (var (connection, _) in _live)
            if (connection.Sweep(now, _idleTicks)) _live.TryRemove(connection, out _);
        foreach (var (key, endpoint) in _endpoints)
            // Not used for an idle timeout (no request ended there, so none is likely in flight): forget the address.
            if (endpoint.DropClosed() == 0 && now - endpoint.LastPush > _idleTicks) _endpoints.TryRemove(new KeyValuePair<(string, int), EndpointConnections>(key, endpoint));
    }

    public void Dispose()
    {
        _sweeper.Dispose();
        foreach (var (connection, _) in _live) connection.Close();
        _live.Clear();
    }

    /// <summary>The idle connections to one address:port.</summary>
    internal sealed class EndpointConnections(string address, int port)
    {
        readonly Stack<Http1Connection> _idle = new();

        public string Address { get; } = address;
        public IPEndPoint? Target { get; } = IPAddress.TryParse(address, out var ip) ? new IPEndPoint(ip, port) : null;

        public bool TryPop(out Http1Connection connection)
        {
            lock (_idle) return _idle.TryPop(out connection!);
        }

        public long LastPush { get; private set; } = Stopwatch.GetTimestamp();

        public void Push(Http1Connection connection)
        {
            lock (_idle)
            {
                _idle.Push(connection);
                LastPush = connection.IdleSince;
            }
        }

        /// <summary>Forgets closed connections; returns how many idle ones are left.</summary>
        public int DropClosed()
        {
            lock (_idle)
            {
                if (_idle.Count == 0 || !_idle.Any(c => c.IsClosed)) return _idle.Count;
                var open = _idle.Where(c => !c.IsClosed).Reverse().ToArray();
                _idle.Clear();
                foreach (var c in open) _idle.Push(c);
                return _idle.Count;
            }
        }
    }
}
