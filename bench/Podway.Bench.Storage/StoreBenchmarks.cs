using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;

namespace Podway.Bench.Storage;

/// <summary>10,000 pod creates from 16 concurrent writers into a fresh database each iteration.</summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 5)]
public class CreateBenchmarks
{
    private TempDatabase _db = null!;

    [IterationSetup]
    public void Setup() => _db = TempDatabase.OpenAsync().GetAwaiter().GetResult();

    [IterationCleanup]
    public void Cleanup() => _db.DisposeAsync().AsTask().GetAwaiter().GetResult();

    [Benchmark(OperationsPerInvoke = 10_000)]
    public Task Create10000With16Writers() => CreateWorkload.RunAsync(_db.Store, 10_000, 16);
}

/// <summary>Reads against 10,000 pods, with 10,000 services beside them that lists must not scan.</summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 10)]
public class ReadBenchmarks
{
    private TempDatabase _db = null!;

    [GlobalSetup]
    public void Setup()
    {
        _db = TempDatabase.OpenAsync().GetAwaiter().GetResult();
        CreateWorkload.RunAsync(_db.Store, 10_000, 16).GetAwaiter().GetResult();
        Task.WhenAll(Enumerable.Range(0, 10_000).Select(i => _db.Store.CreateAsync("services", "ns-0", $"svc-{i:D6}", PodFactory.Create("ns-0", $"svc-{i:D6}")))).GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void Cleanup() => _db.DisposeAsync().AsTask().GetAwaiter().GetResult();

    [Benchmark]
    public int List10000() => _db.Store.List("pods", null).Items.Count;

    [Benchmark]
    public int ListPage500() => _db.Store.List("pods", null, new Podway.Storage.ObjectKey("ns-5", "web-005000"), 500).Items.Count;

    [Benchmark]
    public int ListOneNamespace() => _db.Store.List("pods", "ns-3").Items.Count;

    [Benchmark]
    public int Get() => _db.Store.Get("pods", "ns-7", "web-004567")!.Json.Length;
}
