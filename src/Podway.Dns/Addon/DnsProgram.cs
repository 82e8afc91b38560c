using System.Net;
using System.Runtime.InteropServices;
using Podway.Client;
using Podway.Client.Addons;
using Podway.Dns.Forward;
using Podway.Dns.Server;
using Podway.Dns.Zone;

namespace Podway.Dns.Addon;

/// <summary>
/// `podway image dns`: the cluster DNS Pod. Reads the API server URL, token and CA from the environment (see
/// <see cref="DnsAddon"/>), syncs its Service and EndpointSlice informers, serves DNS on UDP and TCP, and only then
/// reports ready on :8181/ready, so readiness gates its endpoints as CoreDNS's ready plugin does.
/// Flags: --listen ADDR:PORT (0.0.0.0:53), --resolv-conf PATH (/etc/resolv.conf; "none" forwards nothing),
/// --upstream IP[:PORT] (repeatable; instead of the resolv.conf: the add-on names the node resolver, the host relay),
/// --forward-budget SECONDS (2), --domain (cluster.local), --ready-port (8181), --health-port (8080),
/// --exclude-upstream IP (the cluster DNS address, 10.96.0.10).
/// </summary>
public static class DnsProgram
{
    public static async Task<int> RunAsync(string[] args)
    {
        var listen = IPEndPoint.Parse("0.0.0.0:53");
        string resolvConf = "/etc/resolv.conf", domain = "cluster.local";
        int readyPort = DnsAddon.ReadyPort, healthPort = DnsAddon.HealthPort;
        var exclude = new List<IPAddress> { IPAddress.Parse(DnsAddon.ClusterIP) };
        var explicitUpstreams = new List<IPEndPoint>();
        var budget = TimeSpan.FromSeconds(2);
        for (int i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            try
            {
                switch (args[i])
                {
                    case "--listen": listen = IPEndPoint.Parse(Next()); break;
                    case "--resolv-conf": resolvConf = Next(); break;
                    case "--upstream": explicitUpstreams.Add(Upstream(Next())); break;
                    case "--forward-budget": budget = Seconds(Next()); break;
                    case "--domain": domain = Next(); break;
                    case "--ready-port": readyPort = int.Parse(Next()); break;
                    case "--health-port": healthPort = int.Parse(Next()); break;
                    case "--exclude-upstream": exclude.Add(IPAddress.Parse(Next())); break;
                    default:
                        Console.Error.WriteLine($"dns: unknown flag {args[i]}");
                        return 2;
                }
            }
            catch (Exception e) when (e is FormatException or ArgumentException or OverflowException)
            {
                Console.Error.WriteLine($"dns: {args[i]}: {e.Message}");
                return 2;
            }
        }
        using var client = AddonApiAccess.ClientFromEnvironment("dns");
        if (client is null) return 2;

        using var stop = new CancellationTokenSource();
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Cancel(); });
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.Cancel(); });

        // --upstream names the node resolver (the host relay) outright; else the resolv.conf, where "none" means no
        // forwarding at all (names outside the cluster get SERVFAIL at once).
        IReadOnlyList<IPEndPoint> upstreams = explicitUpstreams.Count > 0 ? explicitUpstreams
            : resolvConf != "none" && File.Exists(resolvConf) ? ResolvConf.Upstreams(File.ReadAllText(resolvConf), exclude) : [];
        Console.Out.WriteLine($"dns: upstreams [{string.Join(", ", upstreams)}] from {(explicitUpstreams.Count > 0 ? "--upstream" : resolvConf)}, {budget.TotalSeconds:0.##} s budget");
        var zone = new ClusterZone(domain);
        var factory = new SharedInformerFactory(client, log: m => Console.Error.WriteLine($"dns: {m}"));
        ZoneFeed.Attach(factory, zone);
        bool ready = false;
        using var health = new ProbeEndpoint(healthPort, () => true);
        using var readiness = new ProbeEndpoint(readyPort, () => Volatile.Read(ref ready));
        var probes = Task.WhenAll(health.RunAsync(stop.Token), readiness.RunAsync(stop.Token));

        await using var dns = new DnsServer(zone, new UpstreamForwarder(upstreams, budget), listen);
        dns.Start();
        Console.Out.WriteLine($"dns: serving {domain} on {dns.LocalEndPoint} (udp, tcp); syncing with {client.Server}");
        factory.Start(stop.Token);
        try
        {
            await factory.WaitForCacheSyncAsync(stop.Token);
            Volatile.Write(ref ready, true);
            Console.Out.WriteLine($"dns: ready, {zone.ServiceCount} services");
            await Task.Delay(Timeout.Infinite, stop.Token);
        }
        catch (OperationCanceledException) { }
        Console.Out.WriteLine("dns: shutting down");
        await probes;
        return 0;
    }

    /// <summary>"10.250.0.1" (port 53) or "10.250.0.1:5353".</summary>
    static IPEndPoint Upstream(string text) =>
        IPAddress.TryParse(text, out var ip) ? new IPEndPoint(ip, 53)
        : IPEndPoint.TryParse(text, out var endpoint) ? endpoint
        : throw new FormatException($"\"{text}\" is not an IP address or IP:PORT");

    static TimeSpan Seconds(string text) =>
        double.TryParse(text.TrimEnd('s'), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var s) && s > 0 && s <= 60
            ? TimeSpan.FromSeconds(s)
            : throw new FormatException($"\"{text}\" is not a number of seconds between 0 and 60");
}
