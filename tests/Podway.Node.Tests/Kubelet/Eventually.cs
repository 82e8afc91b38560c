namespace Podway.Node.Tests.Kubelet;

internal static class Eventually
{
    /// <summary>Polls until the condition holds; fails with what was awaited after the timeout.</summary>
    public static async Task TrueAsync(Func<Task<bool>> condition, string what, int seconds = 20)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"timed out waiting for: {what}");
            await Task.Delay(50);
        }
    }
}
