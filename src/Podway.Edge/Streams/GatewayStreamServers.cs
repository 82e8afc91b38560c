using Podway.Edge.Gateway;
using Podway.Edge.Serving;

namespace Podway.Edge.Streams;

/// <summary>
/// The edge Pod's L4 Gateway ports (TLS, TCP and UDP listeners): a <see cref="TcpPortServer"/> or
/// <see cref="UdpPortServer"/> per edge target port of the current snapshot, opened when a port appears and closed
/// (with its connections) when it goes or changes protocol. The HTTP/HTTPS ports are <c>GatewayPortServers</c>'.
/// </summary>
public sealed class GatewayStreamServers(Func<GatewayRoutes> routes, Action<string> log) : IAsyncDisposable
{
    readonly Dictionary<int, (string Protocol, IAsyncDisposable Server)> _servers = [];
    readonly ChangeSignal _signal = new();

    /// <summary>Call when the snapshot changed (cheap; the work happens in <see cref="RunAsync"/>).</summary>
    public void Changed() => _signal.Changed();

    public Task RunAsync(CancellationToken ct) => _signal.RunAsync(() => SyncAsync(routes().StreamListenPorts), ct);

    async Task SyncAsync(IReadOnlyDictionary<int, string> wanted)
    {
        // TLS and TCP share the server (the protocol is read per connection), so TLS ↔ TCP keeps the socket.
        static string Transport(string protocol) => protocol == "UDP" ? "UDP" : "TCP";
        foreach (var (port, (protocol, server)) in _servers.ToList())
            if (!wanted.TryGetValue(port, out var want) || Transport(want) != Transport(protocol))
            {
                _servers.Remove(port);
                await server.DisposeAsync();
                log($"gateway port {port} closed ({protocol})");
            }
        foreach (var (port, protocol) in wanted)
        {
            if (_servers.ContainsKey(port)) continue;
            try
            {
                if (protocol == "UDP")
                {
                    var udp = new UdpPortServer(port, routes, log);
                    udp.Start();
                    _servers[port] = (protocol, udp);
                }
                else
                {
                    var tcp = new TcpPortServer(port, routes, log);
                    tcp.Start();
                    _servers[port] = (protocol, tcp);
                }
                log($"gateway port {port} open ({protocol})");
            }
            catch (Exception e) when (e is System.Net.Sockets.SocketException)
            {
                log($"gateway port {port}: {e.Message}");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var (_, server) in _servers.Values) await server.DisposeAsync();
        _servers.Clear();
    }
}
