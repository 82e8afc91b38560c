using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Podway.Edge.Gateway;

namespace Podway.Edge.Streams;

/// <summary>
/// One edge target port of a UDP listener: datagrams relayed per client address and port (a flow). A client's first
/// datagram picks the port's UDPRoute and a backend endpoint by weight on the snapshot of the moment; the flow gets
/// a socket of its own connected to that endpoint, whose answers go back to the client from the listening port.
/// A flow that neither sends nor receives for the idle timeout (60 s, as Envoy's UDP proxy) is closed; the next
/// datagram starts a new one. No route or no usable endpoint: the datagram is dropped (UDP has no connection to
/// close). At most <see cref="MaxFlows"/> flows at once; datagrams of new clients past that are dropped.
/// </summary>
internal sealed class UdpPortServer : IAsyncDisposable
{
    public const int MaxFlows = 10_000;
    readonly int _port;
    readonly Func<GatewayRoutes> _routes;
    readonly Action<string> _log;
    readonly TimeSpan _idleTimeout;
    readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    readonly ConcurrentDictionary<IPEndPoint, Flow> _flows = new();
    readonly CancellationTokenSource _stop = new();
    Task _running = Task.CompletedTask;

    public UdpPortServer(int port, Func<GatewayRoutes> routes, Action<string> log, TimeSpan? idleTimeout = null) =>
        (_port, _routes, _log, _idleTimeout) = (port, routes, log, idleTimeout ?? TimeSpan.FromSeconds(60));

    public int Port => ((IPEndPoint)_socket.LocalEndPoint!).Port;
    public int FlowCount => _flows.Count;

    public void Start(IPAddress? address = null)
    {
        _socket.Bind(new IPEndPoint(address ?? IPAddress.Any, _port));
        _running = Task.WhenAll(ReceiveAsync(), SweepAsync());
    }

    async Task ReceiveAsync()
    {
        var buffer = new byte[65536];
        EndPoint any = new IPEndPoint(IPAddress.Any, 0);
        while (!_stop.IsCancellationRequested)
        {
            SocketReceiveFromResult received;
            try { received = await _socket.ReceiveFromAsync(buffer, SocketFlags.None, any, _stop.Token); }
            catch (Exception) when (_stop.IsCancellationRequested) { return; }
            catch (SocketException) { continue; } // ICMP errors surface here on Linux; the socket stays usable
            var client = (IPEndPoint)received.RemoteEndPoint;
            var flow = _flows.GetValueOrDefault(client) ?? Open(client);
            if (flow is null) continue;
            flow.Touch();
            try { await flow.Upstream.SendAsync(buffer.AsMemory(0, received.ReceivedBytes), SocketFlags.None, _stop.Token); }
            catch (SocketException) { } // the endpoint went away (ICMP unreachable); the flow idles out
            catch (ObjectDisposedException) { }
        }
    }

    Flow? Open(IPEndPoint client)
    {
        if (_flows.Count >= MaxFlows) return null;
        var what = $"{client} port={_port} UDP";
        if (_routes().StreamPortFor(_port)?.RouteFor(null) is not { } route) { _log($"{what} no route"); return null; }
        if (route.Pick() is not { Pool: { } pool } || pool.Usable.Count == 0) { _log($"{what} route={route} no usable backend"); return null; }
        var endpoint = pool.Usable[Random.Shared.Next(pool.Usable.Count)];
        if (!IPAddress.TryParse(endpoint.Address, out var address)) return null;
        var upstream = new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        upstream.Connect(new IPEndPoint(address, endpoint.Port)); // UDP connect: sets the peer, sends nothing
        var flow = new Flow(client, upstream, route.ToString());
        _flows[client] = flow;
        _ = RelayBackAsync(flow);
        _log($"{what} route={route} upstream={endpoint} flow opened");
        return flow;
    }

    /// <summary>The backend's datagrams to the client, from the listening socket (so its address and port answer).</summary>
    async Task RelayBackAsync(Flow flow)
    {
        var buffer = new byte[65536];
        while (!flow.Closed.IsCancellationRequested)
        {
            try
            {
                var n = await flow.Upstream.ReceiveAsync(buffer, SocketFlags.None, flow.Closed.Token);
                flow.Touch();
                await _socket.SendToAsync(buffer.AsMemory(0, n), SocketFlags.None, flow.Client, _stop.Token);
            }
            catch (Exception) when (flow.Closed.IsCancellationRequested || _stop.IsCancellationRequested) { return; }
            catch (SocketException) { } // connection refused from the endpoint: keep the flow until it idles out
        }
    }

    async Task SweepAsync()
    {
        var period = TimeSpan.FromTicks(Math.Max(TimeSpan.FromMilliseconds(50).Ticks, _idleTimeout.Ticks / 4));
        using var timer = new PeriodicTimer(period);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
                foreach (var (client, flow) in _flows)
                    if (flow.IdleFor > _idleTimeout && _flows.TryRemove(client, out _))
                    {
                        flow.Dispose();
                        _log($"{client} port={_port} UDP route={flow.Route} flow closed after {_idleTimeout.TotalSeconds:0.###} s idle");
                    }
        }
        catch (OperationCanceledException) { }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _socket.Dispose();
        foreach (var flow in _flows.Values) flow.Dispose();
        _flows.Clear();
        await _running;
    }

    sealed class Flow(IPEndPoint client, Socket upstream, string route) : IDisposable
    {
        long _lastActive = Stopwatch.GetTimestamp();
        public IPEndPoint Client { get; } = client;
        public Socket Upstream { get; } = upstream;
        public string Route { get; } = route;
        public CancellationTokenSource Closed { get; } = new();
        public void Touch() => Volatile.Write(ref _lastActive, Stopwatch.GetTimestamp());
        public TimeSpan IdleFor => Stopwatch.GetElapsedTime(Volatile.Read(ref _lastActive));

        public void Dispose()
        {
            Closed.Cancel();
            Upstream.Dispose();
        }
    }
}
