using System.Net;
using Podway.Edge.Routing;

namespace Podway.Edge.Serving;

/// <summary>
/// The edge Pod's Gateway ports: one <see cref="EdgeServer"/> (cleartext or TLS) per edge target port of the current
/// snapshot's Gateway listeners, started when a port appears and stopped when it goes. Kestrel's listeners are fixed
/// once started, so each port is a server of its own.
/// </summary>
public sealed class GatewayPortServers(Func<IEdgeRoutes> routes, EdgeServerOptions template, Action<string> log) : IAsyncDisposable
{
    readonly Dictionary<int, (bool Https, EdgeServer Server)> _servers = [];
    readonly ChangeSignal _signal = new();

    /// <summary>Call when the snapshot changed (cheap; the work happens in <see cref="RunAsync"/>).</summary>
    public void Changed() => _signal.Changed();

    public Task RunAsync(CancellationToken ct) => _signal.RunAsync(() => SyncAsync(routes().Gateways.ListenPorts, ct), ct);

    async Task SyncAsync(IReadOnlyDictionary<int, bool> wanted, CancellationToken ct)
    {
        foreach (var (port, (https, server)) in _servers.ToList())
            if (!wanted.TryGetValue(port, out var want) || want != https)
            {
                _servers.Remove(port);
                await server.DisposeAsync();
                log($"gateway port {port} closed");
            }
        foreach (var (port, https) in wanted)
        {
            if (_servers.ContainsKey(port)) continue;
            var endpoint = new IPEndPoint(IPAddress.Any, port);
            var server = new EdgeServer(routes, template with { Http = https ? null : endpoint, Https = https ? endpoint : null, GatewayPort = port });
            try
            {
                await server.StartAsync(ct);
                _servers[port] = (https, server);
                log($"gateway port {port} open ({(https ? "https" : "http")})");
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log($"gateway port {port}: {e.Message}");
                await server.DisposeAsync();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var (_, server) in _servers.Values) await server.DisposeAsync();
        _servers.Clear();
    }
}
