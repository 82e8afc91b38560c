namespace Podway.E2E;

/// <summary>Polls until a condition holds (clusters converge; tests wait for them, without asserting how fast).</summary>
public static class Eventually
{
    public static async Task<T> ValueAsync<T>(Func<Task<T>> probe, Func<T, bool> done, string what, int seconds = 90)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        T last;
        while (true)
        {
            last = await probe();
            if (done(last)) return last;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"timed out waiting for {what}; last value: {last}");
            await Task.Delay(250);
        }
    }
}
