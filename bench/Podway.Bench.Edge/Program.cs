// Throughput of the edge's data plane, by hand (not a test):
//   dotnet run -c Release --project bench/Podway.Bench.Edge -- [seconds=5] [connections=16] [body-bytes=612] [rounds=1] [--log] [--no-inline]
// Starts nginx on 127.0.0.1 as the backend (a fixed body), podway's EdgeServer and an nginx reverse proxy (another nginx
// process) in front of it, and runs `wrk -t2 -cC -dS` against each. Everything shares this machine's cores with wrk: compare ratios.
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;
using Podway.Edge.Routing;
using Podway.Edge.Serving;

// As in the edge Pod (EdgeAddon's Deployment env); read when the first socket is made, so set before any.
if (!args.Contains("--no-inline")) Environment.SetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS", "1");
var seconds = args.Length > 0 ? int.Parse(args[0]) : 5;
var connections = args.Length > 1 ? int.Parse(args[1]) : 16;
var bodyBytes = args.Length > 2 ? int.Parse(args[2]) : 612;
var rounds = args.Length > 3 && int.TryParse(args[3], out var r) ? r : 1;

long lastRequests = 0; // of the last wrk run
var dir = Directory.CreateTempSubdirectory("podway-bench-edge-");
// nginx workers run as nobody: they must be able to read the body.
File.SetUnixFileMode(dir.FullName, (UnixFileMode)0b111_101_101);
var backendPort = FreePort();
var nginxProxyPort = FreePort();
File.WriteAllText(Path.Combine(dir.FullName, "body"), new string('x', bodyBytes));
// Backend and proxy are separate nginx processes (one worker each, as the edge is one process): in one process
// the proxy's hop to the backend would cost no wakeup at all, which no real deployment has.
using var backend = StartNginx("backend", $"server {{ listen 127.0.0.1:{backendPort}; location / {{ root {dir.FullName}; try_files /body =404; }} }}");
using var nginxProxy = StartNginx("proxy", $$"""
    upstream backend { server 127.0.0.1:{{backendPort}}; keepalive 32; }
    server {
      listen 127.0.0.1:{{nginxProxyPort}};
      location / { proxy_pass http://backend; proxy_http_version 1.1; proxy_set_header Connection ""; proxy_set_header Host $host; }
    }
    """);
try
{
    await WaitForPort(backendPort);
    await WaitForPort(nginxProxyPort);
    Console.Error.WriteLine("nginx up");
    var routes = new AnyHost(new BackendPool("bench", "backend", "backend:80",
        [new Upstream("127.0.0.1", backendPort, Ready: true, Serving: true, Terminating: false)], null));
    await using var edge = new EdgeServer(() => routes, new EdgeServerOptions
    {
        Http = new IPEndPoint(IPAddress.Loopback, 0),
        Https = null,
        AccessLog = args.Contains("--log") ? Stream.Null : null,
    });
    await edge.StartAsync();
    Console.Error.WriteLine($"edge up on {edge.HttpPort}");

    Console.WriteLine($"wrk -t{Math.Min(2, connections)} -c{connections} -d{seconds}s, {rounds} rounds, body {bodyBytes} bytes, {Environment.ProcessorCount} cores");
    await Wrk("warm-up (podway edge)", edge.HttpPort, 2, print: false);
    // Rounds alternate the three targets so that a noisy moment on the shared machine hits all of them; the ratios
    // are of the medians.
    var direct = new List<double>();
    var podway = new List<double>();
    var viaNginx = new List<double>();
    for (var round = 0; round < rounds; round++)
    {
        direct.Add(await Wrk("nginx backend directly", backendPort, seconds));
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var gen0Before = GC.CollectionCount(0);
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        podway.Add(await Wrk("through podway edge", edge.HttpPort, seconds));
        var edgeCpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalMicroseconds / Math.Max(1, lastRequests);
        Console.WriteLine($"  edge: {edgeCpu:F1} µs CPU and {(GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore) / Math.Max(1, lastRequests):F0} bytes allocated per request, {GC.CollectionCount(0) - gen0Before} gen0 GCs");
        nginxProxy.Refresh();
        cpuBefore = nginxProxy.TotalProcessorTime;
        viaNginx.Add(await Wrk("through nginx proxy", nginxProxyPort, seconds));
        nginxProxy.Refresh();
        Console.WriteLine($"  nginx proxy: {(nginxProxy.TotalProcessorTime - cpuBefore).TotalMicroseconds / Math.Max(1, lastRequests):F1} µs CPU per request");
    }
    Console.WriteLine($"medians: direct {Median(direct):F0}, edge {Median(podway):F0}, nginx proxy {Median(viaNginx):F0} req/s; " +
                      $"podway edge / direct: {Median(podway) / Median(direct):P0}; podway edge / nginx proxy: {Median(podway) / Median(viaNginx):P0}");
}
finally
{
    foreach (var nginx in new[] { backend, nginxProxy })
    {
        nginx.Kill(entireProcessTree: true);
        await nginx.WaitForExitAsync();
    }
    dir.Delete(recursive: true);
}

// One nginx process (master_process off: the process that serves is the one started, so its CPU time is measurable).
Process StartNginx(string name, string servers)
{
    var conf = Path.Combine(dir.FullName, $"{name}.conf");
    File.WriteAllText(conf, $$"""
        master_process off;
        daemon off;
        pid {{dir.FullName}}/{{name}}.pid;
        error_log {{dir.FullName}}/{{name}}.error.log;
        events { worker_connections 1024; }
        http {
          access_log off;
          {{servers}}
        }
        """);
    return Process.Start(new ProcessStartInfo("nginx", ["-p", dir.FullName, "-c", conf]))!;
}

async Task<double> Wrk(string label, int port, int duration, bool print = true)
{
    var wrk = Process.Start(new ProcessStartInfo("wrk", [$"-t{Math.Min(2, connections)}", $"-c{connections}", $"-d{duration}s", "--latency", $"http://127.0.0.1:{port}/"])
        { RedirectStandardOutput = true })!;
    var output = await wrk.StandardOutput.ReadToEndAsync();
    await wrk.WaitForExitAsync();
    var rps = double.Parse(Regex.Match(output, @"Requests/sec:\s+([\d.]+)").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    lastRequests = long.Parse(Regex.Match(output, @"(\d+) requests in").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    var p50 = Regex.Match(output, @"50%\s+(\S+)").Groups[1].Value;
    var p99 = Regex.Match(output, @"99%\s+(\S+)").Groups[1].Value;
    var errors = Regex.Match(output, @"Non-2xx or 3xx responses: (\d+)").Groups[1].Value;
    if (print) Console.WriteLine($"{label,-24} {rps,10:F0} req/s  p50 {p50,-8} p99 {p99,-8}{(errors.Length > 0 ? $" non-2xx {errors}" : "")}");
    return rps;
}

static double Median(List<double> values)
{
    var sorted = values.Order().ToList();
    return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
}

static int FreePort()
{
    using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
    return ((IPEndPoint)socket.LocalEndPoint!).Port;
}

static async Task WaitForPort(int port)
{
    for (var i = 0; i < 100; i++)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, port);
            return;
        }
        catch (SocketException) { await Task.Delay(50); }
    }
    throw new InvalidOperationException($"nothing listens on 127.0.0.1:{port}");
}

sealed class AnyHost(BackendPool pool) : IEdgeRoutes
{
    readonly RouteDecision _forward = new RouteDecision.Forward(new IngressRef("bench", "edge"), pool);
    public RouteDecision Route(string host, string path, bool isHttps) => _forward;
    public X509Certificate2 CertificateFor(string? serverName) => throw new NotSupportedException("no TLS in this benchmark");
}
