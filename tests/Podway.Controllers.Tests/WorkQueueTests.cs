using Podway.Client;

namespace Podway.Controllers.Tests;

public sealed class WorkQueueTests
{
    [Fact]
    public async Task Add_SameItemTwice_DeliveredOnce()
    {
        using var queue = new WorkQueue<string>();
        queue.Add("a");
        queue.Add("a");
        queue.Add("b");
        Assert.Equal(2, queue.Count);
        var first = await queue.GetAsync();
        var second = await queue.GetAsync();
        Assert.Equal(["a", "b"], new[] { first.Item, second.Item });
        Assert.Equal(0, queue.Count);
    }

    [Fact]
    public async Task Add_WhileItemProcessing_RequeuedOnlyAfterDone()
    {
        using var queue = new WorkQueue<string>();
        queue.Add("a");
        var (_, item) = await queue.GetAsync();
        queue.Add("a");
        Assert.Equal(0, queue.Count); // never handed to a second worker while the first holds it
        queue.Done(item);
        Assert.Equal(1, queue.Count);
        Assert.Equal("a", (await queue.GetAsync()).Item);
    }

    public sealed record BackoffRow(int PreviousFailures, int ExpectedMilliseconds);

    public static TheoryData<BackoffRow> BackoffRows => new()
    {
        new(0, 5), new(1, 10), new(2, 20), new(3, 40), new(10, 1000), new(40, 1000),
    };

    [Theory, MemberData(nameof(BackoffRows))]
    public void NextDelay_AfterFailures_DoublesUpToCap(BackoffRow row)
    {
        using var queue = new WorkQueue<string>(TimeSpan.FromMilliseconds(5), TimeSpan.FromSeconds(1));
        for (var i = 0; i < row.PreviousFailures; i++) queue.NextDelay("x");
        Assert.Equal(TimeSpan.FromMilliseconds(row.ExpectedMilliseconds), queue.NextDelay("x"));
        Assert.Equal(row.PreviousFailures + 1, queue.NumRequeues("x"));
    }

    [Fact]
    public void Forget_AfterFailures_ResetsBackoff()
    {
        using var queue = new WorkQueue<string>(TimeSpan.FromMilliseconds(5), TimeSpan.FromSeconds(1));
        queue.NextDelay("x");
        queue.NextDelay("x");
        queue.Forget("x");
        Assert.Equal(0, queue.NumRequeues("x"));
        Assert.Equal(TimeSpan.FromMilliseconds(5), queue.NextDelay("x"));
    }

    [Fact]
    public async Task GetAsync_AfterShutDown_ReturnsNotOk()
    {
        using var queue = new WorkQueue<string>();
        var waiting = queue.GetAsync();
        queue.ShutDown();
        Assert.False((await waiting.WaitAsync(TimeSpan.FromSeconds(5))).Ok);
        queue.Add("late");
        Assert.Equal(0, queue.Count);
    }

    [Fact]
    public async Task RunWorkersAsync_ProcessorThrows_RetriedWithBackoffUntilSuccess()
    {
        using var queue = new WorkQueue<string>(TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(20));
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var attempts = 0;
        var done = new TaskCompletionSource();
        var workers = queue.RunWorkersAsync(2, (item, _) =>
        {
            if (Interlocked.Increment(ref attempts) < 4) throw new InvalidOperationException("not yet");
            done.TrySetResult();
            return Task.CompletedTask;
        }, cts.Token);
        queue.Add("item");
        await done.Task.WaitAsync(cts.Token);
        Assert.Equal(4, attempts);
        await Task.Delay(50);
        Assert.Equal(0, queue.NumRequeues("item")); // success forgets the failures
        cts.Cancel();
        await workers.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task RunWorkersAsync_ManyAddsOfOneItem_NeverProcessedConcurrently()
    {
        using var queue = new WorkQueue<int>();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var inFlight = 0;
        var maxInFlight = 0;
        var processed = 0;
        var workers = queue.RunWorkersAsync(4, async (_, ct) =>
        {
            var now = Interlocked.Increment(ref inFlight);
            InterlockedMax(ref maxInFlight, now);
            await Task.Delay(2, ct);
            Interlocked.Decrement(ref inFlight);
            Interlocked.Increment(ref processed);
        }, cts.Token);
        for (var i = 0; i < 200; i++) { queue.Add(7); await Task.Yield(); }
        while (Volatile.Read(ref processed) == 0 || queue.Count > 0 || Volatile.Read(ref inFlight) > 0) await Task.Delay(5, cts.Token);
        await Task.Delay(20, cts.Token);
        cts.Cancel();
        await workers.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(1, maxInFlight);
        Assert.InRange(processed, 1, 200);
    }

    static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current) { }
    }
}
