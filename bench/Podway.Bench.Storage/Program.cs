using System.Diagnostics;
using BenchmarkDotNet.Running;
using Podway.Bench.Storage;

// `--latency` prints per-create percentiles (BenchmarkDotNet reports per-invocation means only);
// anything else goes to BenchmarkDotNet, e.g. `--filter '*'`.
if (args.Contains("--latency"))
{
    await using var db = await TempDatabase.OpenAsync();
    long started = Stopwatch.GetTimestamp();
    var latencies = await CreateWorkload.RunAsync(db.Store, 10_000, 16);
    var elapsed = Stopwatch.GetElapsedTime(started);
    Array.Sort(latencies);
    double Ms(double fraction) => latencies[(int)Math.Min(latencies.Length - 1, fraction * latencies.Length)] * 1000.0 / Stopwatch.Frequency;
    Console.WriteLine($"create 10000 pods, 16 writers: {elapsed.TotalMilliseconds:F0} ms, {10_000 / elapsed.TotalSeconds:F0} ops/s");
    Console.WriteLine($"per create: p50 {Ms(0.50):F2} ms, p99 {Ms(0.99):F2} ms, max {Ms(1.0):F2} ms");
    long listStart = Stopwatch.GetTimestamp();
    var list = db.Store.List("pods", null);
    Console.WriteLine($"list {list.Items.Count}: {Stopwatch.GetElapsedTime(listStart).TotalMilliseconds:F2} ms (first call)");
    return;
}
BenchmarkSwitcher.FromAssembly(typeof(CreateBenchmarks).Assembly).Run(args);
