namespace Podway.Controllers.Workloads;

/// <summary>
/// kube's slowStartBatch: runs the call in batches of 1, 2, 4, ... in parallel and stops after the first batch that
/// had an error, so a quota or admission error costs one request rather than hundreds.
/// </summary>
internal static class SlowStartBatch
{
    public sealed record Outcome(int Succeeded, Exception? Error);

    public static async Task<Outcome> RunAsync(int count, Func<Task> call, int initialBatch = 1)
    {
        var succeeded = 0;
        for (var batch = Math.Min(count, initialBatch); batch > 0; batch = Math.Min(2 * batch, count - succeeded))
        {
            var results = await Task.WhenAll(Enumerable.Range(0, batch).Select(async _ =>
            {
                try { await call(); return null; }
                catch (Exception e) { return e; }
            }));
            succeeded += results.Count(r => r is null);
            if (results.FirstOrDefault(r => r is not null) is { } error) return new Outcome(succeeded, error);
        }
        return new Outcome(succeeded, null);
    }
}
