using System.Net;
using Podway.Proxy.Metrics;

namespace Podway.Proxy;

/// <summary>
/// One HTTP server per healthCheckNodePort of an externalTrafficPolicy Local Service (kube-proxy's
/// pkg/proxy/healthcheck service health server): 200 when this node has local endpoints, 503 when not, with
/// kube-proxy's JSON body and X-Load-Balancing-Endpoints header, so load balancers only send traffic to nodes
/// that can serve it without a second hop.
/// </summary>
internal sealed class HealthCheckServers(IPAddress address, Action<string>? log) : IAsyncDisposable
{
    readonly Dictionary<int, TinyHttpServer> _servers = [];
    readonly Dictionary<int, (string Service, int LocalEndpoints)> _state = [];
    readonly Lock _gate = new();

    public async Task SyncAsync(IReadOnlyDictionary<int, (string Service, int LocalEndpoints)> wanted)
    {
        List<TinyHttpServer> stop = [];
        lock (_gate)
        {
            _state.Clear();
            foreach (var (port, s) in wanted) _state[port] = s;
            foreach (var port in _servers.Keys.Where(p => !wanted.ContainsKey(p)).ToList()) { stop.Add(_servers[port]); _servers.Remove(port); }
            foreach (var port in wanted.Keys.Where(p => !_servers.ContainsKey(p)))
            {
                try { _servers[port] = new TinyHttpServer(new IPEndPoint(address, port), _ => Answer(port)); }
                catch (System.Net.Sockets.SocketException e) { log?.Invoke($"proxy: cannot serve healthCheckNodePort {port}: {e.Message}"); }
            }
        }
        foreach (var s in stop) await s.DisposeAsync();
    }

    TinyHttpServer.Response Answer(int port)
    {
        (string Service, int LocalEndpoints) s;
        lock (_gate) if (!_state.TryGetValue(port, out s)) return new(503, "text/plain", "no such service\n");
        var slash = s.Service.IndexOf('/');
        var body = $$"""
            {
            	"service": {
            		"namespace": "{{s.Service[..slash]}}",
            		"name": "{{s.Service[(slash + 1)..]}}"
            	},
            	"localEndpoints": {{s.LocalEndpoints}},
            	"serviceProxyHealthy": true
            }
            """;
        return new(s.LocalEndpoints > 0 ? 200 : 503, "application/json", body,
            new Dictionary<string, string> { ["X-Content-Type-Options"] = "nosniff", ["X-Load-Balancing-Endpoints"] = s.LocalEndpoints.ToString() });
    }

    public async ValueTask DisposeAsync()
    {
        List<TinyHttpServer> all;
        lock (_gate) { all = [.. _servers.Values]; _servers.Clear(); }
        foreach (var s in all) await s.DisposeAsync();
    }
}
