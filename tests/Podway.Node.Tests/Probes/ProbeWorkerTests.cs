using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Podway.Node.Probes;

namespace Podway.Node.Tests.Probes;

/// <summary>The first period of readiness and startup probes: quick retries that do not count, on a real socket.</summary>
public sealed class ProbeWorkerTests
{
    /// <summary>A free port with nothing listening: connections are refused until the "program" starts its listener.</summary>
    static (TcpListener Listener, int Port) ReservePort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        var port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return (new TcpListener(IPAddress.Loopback, port), port);
    }

    static ProbeTarget Target => new("127.0.0.1", new JsonObject(), (_, _, _) => throw new InvalidOperationException("no exec here"));

    static JsonObject TcpProbe(int port, int period, int failureThreshold) =>
        new() { ["tcpSocket"] = new JsonObject { ["port"] = port }, ["periodSeconds"] = period, ["failureThreshold"] = failureThreshold };

    [Theory]
    [InlineData("readiness")]
    [InlineData("startup")]
    public async Task FirstPeriod_ProgramListensLate_SucceedsLongBeforeTheSecondAttemptWithoutCountingFailures(string probe)
    {
        var kind = probe == "startup" ? ProbeKind.Startup : ProbeKind.Readiness;
        var (listener, port) = ReservePort();
        var failures = 0;
        var changes = new List<bool>();
        var succeeded = new TaskCompletionSource();
        var worker = new ProbeWorker(kind, TcpProbe(port, period: 60, failureThreshold: 1), Target, () => true,
            (_, _) => Interlocked.Increment(ref failures),
            (_, ok) => { lock (changes) changes.Add(ok); if (ok) succeeded.TrySetResult(); });
        using var cts = new CancellationTokenSource();
        var run = worker.RunAsync(DateTime.UtcNow, cts.Token);
        await Task.Delay(300);
        listener.Start();
        try
        {
            // The kubelet's schedule would try again only after 60 s (and a startup probe with failureThreshold 1
            // would have failed the container at the first attempt).
            await succeeded.Task.WaitAsync(TimeSpan.FromSeconds(30));
            Assert.True(worker.Result);
            Assert.Equal(0, failures);
            lock (changes) Assert.Equal([true], changes);
        }
        finally
        {
            await cts.CancelAsync();
            await run;
            listener.Stop();
        }
    }

    [Fact]
    public async Task Liveness_KeepsTheStrictSchedule_AFailureCountsAtOnce()
    {
        var (_, port) = ReservePort();
        var failed = new TaskCompletionSource<bool>();
        var worker = new ProbeWorker(ProbeKind.Liveness, TcpProbe(port, period: 60, failureThreshold: 1), Target, () => true,
            (_, _) => { }, (_, ok) => failed.TrySetResult(ok));
        using var cts = new CancellationTokenSource();
        var run = worker.RunAsync(DateTime.UtcNow, cts.Token);
        Assert.False(await failed.Task.WaitAsync(TimeSpan.FromSeconds(30)));
        await cts.CancelAsync();
        await run;
    }
}
