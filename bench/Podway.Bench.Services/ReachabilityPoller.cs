using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Podway.Bench.Services;

/// <summary>
/// Probes addresses from inside a network namespace: this program re-run as `ip netns exec NS SELF poll`, told
/// "ID IP PORT [until-refused]" on stdin, probing each target every ~10 ms with a fresh TCP connection and an HTTP GET, and
/// answering "refused ID T" (first connection refused: the proxy's REJECT for a Service without endpoints) and
/// "ok ID T" (first HTTP answer). T is the Stopwatch timestamp (CLOCK_MONOTONIC, shared by both processes).
/// </summary>
internal sealed class ReachabilityPoller : IAsyncDisposable
{
    readonly Process process;
    readonly ConcurrentDictionary<string, TaskCompletionSource<long>> refused = new(), ok = new();
    readonly Task reader;

    public ReachabilityPoller(string netns)
    {
        var psi = new ProcessStartInfo("ip") { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in new[] { "netns", "exec", netns }.Concat(SelfCommand()).Append("poll")) psi.ArgumentList.Add(a);
        process = Process.Start(psi)!;
        reader = Task.Run(async () =>
        {
            while (await process.StandardOutput.ReadLineAsync() is { } line)
            {
                var parts = line.Split(' ');
                var map = parts[0] == "ok" ? ok : parts[0] == "refused" ? refused : null;
                if (map == null) { Console.Error.WriteLine($"poller: {line}"); continue; }
                Slot(map, parts[1]).TrySetResult(long.Parse(parts[2]));
            }
        });
    }

    /// <summary>Starts probing; the tasks complete with the first refused connection and the first HTTP answer.</summary>
    /// <param name="untilRefused">Stop at the first refused connection (only <c>Refused</c> completes).</param>
    public (Task<long> Refused, Task<long> Reachable) Probe(string id, string ip, int port, bool untilRefused = false)
    {
        process.StandardInput.WriteLine($"{id} {ip} {port}{(untilRefused ? " until-refused" : "")}");
        process.StandardInput.Flush();
        return (Slot(refused, id).Task, Slot(ok, id).Task);
    }

    static TaskCompletionSource<long> Slot(ConcurrentDictionary<string, TaskCompletionSource<long>> map, string id) =>
        map.GetOrAdd(id, _ => new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously));

    public async ValueTask DisposeAsync()
    {
        process.StandardInput.Close();
        if (!process.WaitForExit(5000)) process.Kill();
        await reader;
        process.Dispose();
    }

    static IEnumerable<string> SelfCommand()
    {
        var self = Environment.ProcessPath!;
        return Path.GetFileNameWithoutExtension(self) == "dotnet" ? [self, typeof(ReachabilityPoller).Assembly.Location] : [self];
    }

    /// <summary>The poller side (inside the namespace): runs until stdin closes.</summary>
    public static async Task<int> RunAsync()
    {
        var output = new object();
        void Report(string what, string id, long at) { lock (output) { Console.Out.WriteLine($"{what} {id} {at}"); Console.Out.Flush(); } }
        var probes = new List<Task>();
        while (await Console.In.ReadLineAsync() is { } line)
        {
            var parts = line.Split(' ');
            var id = parts[0];
            var target = new IPEndPoint(IPAddress.Parse(parts[1]), int.Parse(parts[2]));
            var untilRefused = parts is [_, _, _, "until-refused"];
            probes.Add(Task.Run(async () =>
            {
                var reportedRefused = false;
                var deadline = Stopwatch.GetTimestamp() + 120 * Stopwatch.Frequency;
                while (Stopwatch.GetTimestamp() < deadline)
                {
                    switch (await TryGetAsync(target))
                    {
                        case ProbeResult.Answered: Report("ok", id, Stopwatch.GetTimestamp()); return;
                        case ProbeResult.Refused when !reportedRefused:
                            reportedRefused = true;
                            Report("refused", id, Stopwatch.GetTimestamp());
                            if (untilRefused) return;
                            break;
                    }
                    await Task.Delay(10);
                }
                Console.Error.WriteLine($"{id}: {target} not reachable in 120 s");
            }));
        }
        await Task.WhenAll(probes);
        return 0;
    }

    enum ProbeResult { Answered, Refused, Other }

    /// <summary>
    /// Until the Service is programmed its SYN goes unanswered, and the kernel rate-limits the ICMP port unreachable
    /// of the proxy's REJECT from a Pod (icmp_ratelimit), so many SYNs get no answer at all. The first retransmit
    /// would come after 1 s; a connect that waits long holds the next probe back by as much (with 500 ms, every
    /// latency measured had a ~430-530 ms floor). So a connect gets ConnectTimeout and the next one starts at once.
    /// </summary>
    static readonly TimeSpan ConnectTimeout = TimeSpan.FromMilliseconds(30), ExchangeTimeout = TimeSpan.FromMilliseconds(500);

    static async Task<ProbeResult> TryGetAsync(IPEndPoint target)
    {
        using var cts = new CancellationTokenSource(ConnectTimeout);
        using var socket = new Socket(target.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(target, cts.Token);
            cts.CancelAfter(ExchangeTimeout);
            await socket.SendAsync(Encoding.ASCII.GetBytes($"GET / HTTP/1.1\r\nHost: {target}\r\nConnection: close\r\n\r\n"), cts.Token);
            var buffer = new byte[16];
            var n = await socket.ReceiveAsync(buffer, cts.Token);
            return n >= 5 && Encoding.ASCII.GetString(buffer, 0, 5) == "HTTP/" ? ProbeResult.Answered : ProbeResult.Other;
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionRefused) { return ProbeResult.Refused; }
        catch (Exception e) when (e is SocketException or OperationCanceledException) { return ProbeResult.Other; }
    }
}
