using System.Diagnostics;
using Podway.Storage;

namespace Podway.Bench.Storage;

/// <summary>Creates <c>total</c> pods from <c>writers</c> concurrent loops; returns each create's latency in ticks.</summary>
internal static class CreateWorkload
{
    public static async Task<long[]> RunAsync(IObjectStore store, int total, int writers)
    {
        var latencies = new long[total];
        int perWriter = total / writers;
        await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            for (int i = 0; i < perWriter; i++)
            {
                int n = w * perWriter + i;
                string ns = $"ns-{n % 10}", name = $"web-{n:D6}";
                var pod = PodFactory.Create(ns, name);
                long start = Stopwatch.GetTimestamp();
                await store.CreateAsync("pods", ns, name, pod);
                latencies[n] = Stopwatch.GetTimestamp() - start;
            }
        })));
        return latencies;
    }
}
