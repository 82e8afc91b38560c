using System.Net;
using System.Runtime.InteropServices;
using Podway.Client;
using Podway.Client.Addons;
using Podway.Edge.Routing;
using Podway.Edge.Serving;

namespace Podway.Edge.Addon;

/// <summary>
/// `podway image edge`: the edge Pod. Reads the API server URL, token and CA from the environment (see
/// <see cref="EdgeAddon"/>), syncs the routing feed's informers, then serves HTTP and HTTPS with the feed's current
/// snapshot, and only then reports ready on :10254/healthz. The access log goes to stdout (`kubectl logs`).
/// On SIGTERM it turns unready, keeps serving while the Service proxy stops sending it new connections, then lets
/// in-flight requests finish.
/// Flags: --http ADDR:PORT (0.0.0.0:80), --https ADDR:PORT (0.0.0.0:443), --health-port (10254),
/// --drain-seconds N (5), --no-access-log.
/// </summary>
public static class EdgeProgram
{
    public static async Task<int> RunAsync(string[] args)
    {
        IPEndPoint http = new(IPAddress.Any, EdgeAddon.HttpPort), https = new(IPAddress.Any, EdgeAddon.HttpsPort);
        int healthPort = EdgeAddon.HealthPort, drainSeconds = 5;
        var accessLog = true;
        try
        {
            for (int i = 0; i < args.Length; i++)
            {
                string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
                switch (args[i])
                {
                    case "--http": http = IPEndPoint.Parse(Next()); break;
                    case "--https": https = IPEndPoint.Parse(Next()); break;
                    case "--health-port": healthPort = int.Parse(Next()); break;
                    case "--drain-seconds": drainSeconds = int.Parse(Next()); break;
                    case "--no-access-log": accessLog = false; break;
                    default: throw new ArgumentException($"unknown flag {args[i]}");
                }
            }
        }
        catch (Exception e) when (e is ArgumentException or FormatException or OverflowException)
        {
            Console.Error.WriteLine($"edge: {e.Message}");
            return 2;
        }
        using var client = AddonApiAccess.ClientFromEnvironment("edge");
        if (client is null) return 2;

        using var stop = new CancellationTokenSource();
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Cancel(); });
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.Cancel(); });
        using var run = new CancellationTokenSource(); // informers and feed: outlive `stop` until the drain is over

        void Log(string message) => Console.Error.WriteLine($"edge: {message}");
        var factory = new SharedInformerFactory(client, log: Log);
        var feed = new EdgeConfigFeed(factory, DefaultCertificate.Create(), log: Log);
        var ready = false;
        using var health = new ProbeEndpoint(healthPort, () => Volatile.Read(ref ready), okBody: "ok", failBody: "not synced");
        var probes = health.RunAsync(run.Token);
        factory.Start(run.Token);
        var feeding = feed.RunAsync(run.Token);

        var draining = false;
        var options = new EdgeServerOptions
        {
            Http = http, Https = https, AccessLog = accessLog ? Console.OpenStandardOutput() : null,
            Draining = () => Volatile.Read(ref draining),
        };
        var edge = new EdgeServer(() => feed.Current, options);
        // Gateway listeners: one server per edge target port of the current Gateways (README "Gateway API").
        await using var gatewayPorts = new GatewayPortServers(() => feed.Current, options, Log);
        feed.Changed += _ => gatewayPorts.Changed();
        // TLS, TCP and UDP listeners: their own socket servers (Streams/).
        await using var streamPorts = new Streams.GatewayStreamServers(() => feed.Current.Gateways, Log);
        feed.Changed += _ => streamPorts.Changed();
        Task gatewayServing = Task.CompletedTask, streamServing = Task.CompletedTask;
        try
        {
            await feed.Synced.WaitAsync(stop.Token);
            await edge.StartAsync(stop.Token);
            gatewayServing = gatewayPorts.RunAsync(run.Token);
            streamServing = streamPorts.RunAsync(run.Token);
            Volatile.Write(ref ready, true);
            Log($"ready: {feed.Current.ServedIngresses.Count} ingresses, http {http}, https {https}, syncing with {client.Server}");
            await Task.Delay(Timeout.Infinite, stop.Token);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested) { }

        // Unready first: the endpoint turns terminating and the proxies stop choosing it; requests still arriving in
        // the meantime are served, and keep-alive clients are told to reconnect elsewhere (Connection: close).
        // Disposing the server then drains in-flight requests.
        Volatile.Write(ref ready, false);
        Volatile.Write(ref draining, true);
        Log($"shutting down (draining {drainSeconds}s)");
        await Task.Delay(TimeSpan.FromSeconds(drainSeconds));
        await edge.DisposeAsync();
        run.Cancel();
        await gatewayServing;
        await streamServing;
        try { await feeding; } catch (OperationCanceledException) { }
        await probes;
        return 0;
    }
}
