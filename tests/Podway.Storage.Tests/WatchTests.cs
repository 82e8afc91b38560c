using Podway.Storage.Tests.Support;

namespace Podway.Storage.Tests;

public sealed class WatchTests
{
    [Fact]
    public async Task Watch_FromRevision_ReplaysLaterEventsThenLiveWithPreviousState()
    {
        await using var temp = await TempStore.CreateAsync();
        var created = await temp.Store.CreateAsync("pods", "default", "web", Objects.Pod("default", "web", image: "v1"));
        var updated = await temp.Store.UpdateAsync("pods", "default", "web", Objects.Pod("default", "web", image: "v2"), null);

        using var watch = temp.Store.Watch("pods", null, created.Revision);
        var deleted = await temp.Store.DeleteAsync("pods", "default", "web", null);
        var events = await Objects.TakeAsync(watch, 2);

        Assert.Equal(WatchEventType.Modified, events[0].Type);
        Assert.Equal(updated.Json, events[0].Object.Json);
        Assert.Equal(created.Json, events[0].Previous!.Json);
        Assert.Equal(WatchEventType.Deleted, events[1].Type);
        Assert.Equal(deleted.Revision, events[1].Object.Revision);
        Assert.Equal(updated.Json, events[1].Previous!.Json);
    }

    [Fact]
    public async Task Watch_FromZero_StartsAtCurrentRevision()
    {
        await using var temp = await TempStore.CreateAsync();
        await temp.Store.CreateAsync("pods", "default", "old", Objects.Pod("default", "old"));
        using var watch = temp.Store.Watch("pods", null, 0);
        await temp.Store.CreateAsync("pods", "default", "new", Objects.Pod("default", "new"));

        var events = await Objects.TakeAsync(watch, 1);
        Assert.Equal(WatchEventType.Added, events[0].Type);
        Assert.Equal("new", events[0].Object.Name);
        Assert.Null(events[0].Previous);
    }

    [Fact]
    public async Task Watch_Namespace_SeesOnlyThatNamespaceAndResource()
    {
        await using var temp = await TempStore.CreateAsync();
        using var watch = temp.Store.Watch("pods", "team-a", 0);
        await temp.Store.CreateAsync("pods", "team-b", "x", Objects.Pod("team-b", "x"));
        await temp.Store.CreateAsync("services", "team-a", "x", Objects.Pod("team-a", "x"));
        await temp.Store.CreateAsync("pods", "team-a", "mine", Objects.Pod("team-a", "mine"));

        var events = await Objects.TakeAsync(watch, 1);
        Assert.Equal(("pods", "team-a", "mine"), (events[0].Object.Resource, events[0].Object.Namespace, events[0].Object.Name));
    }

    [Fact]
    public async Task Watch_ListThenWatchWhileWritesRace_ReconstructsFinalStateWithoutGapsOrDuplicates()
    {
        await using var temp = await TempStore.CreateAsync();
        var writers = Task.WhenAll(Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            for (int i = 0; i < 150; i++)
            {
                string name = $"w{w}-{i % 20}";
                var resource = i % 5 == 0 ? "services" : "pods";
                var existing = temp.Store.Get(resource, "default", name);
                try
                {
                    if (existing is null) await temp.Store.CreateAsync(resource, "default", name, Objects.Pod("default", name, image: $"i{i}"));
                    else if (i % 3 == 0) await temp.Store.DeleteAsync(resource, "default", name, existing.Revision);
                    else await temp.Store.UpdateAsync(resource, "default", name, Objects.Pod("default", name, image: $"i{i}"), existing.Revision);
                }
                catch (StoreConflictException) { }
            }
        })));

        await Task.Delay(20);
        var listed = temp.Store.List("pods", null);
        using var watch = temp.Store.Watch("pods", null, listed.Revision);
        await writers;
        var sentinel = await temp.Store.CreateAsync("pods", "default", "zz-sentinel", Objects.Pod("default", "zz-sentinel"));

        var state = listed.Items.ToDictionary(i => i.Name, i => i.Json);
        long last = listed.Revision;
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await foreach (var ev in watch.ReadAllAsync(cts.Token))
        {
            Assert.True(ev.Object.Revision > last, $"event {ev.Object.Revision} after {last}");
            last = ev.Object.Revision;
            if (ev.Type == WatchEventType.Added) Assert.True(state.TryAdd(ev.Object.Name, ev.Object.Json), $"duplicate add {ev.Object.Name}");
            else if (ev.Type == WatchEventType.Modified) { Assert.True(state.ContainsKey(ev.Object.Name)); state[ev.Object.Name] = ev.Object.Json; }
            else Assert.True(state.Remove(ev.Object.Name), $"delete of unknown {ev.Object.Name}");
            if (ev.Object.Revision == sentinel.Revision) break;
        }

        var final = temp.Store.List("pods", null).Items.ToDictionary(i => i.Name, i => i.Json);
        Assert.Equal(final.Keys.Order(), state.Keys.Order());
        Assert.All(final, kv => Assert.Equal(kv.Value, state[kv.Key]));
    }

    [Theory]
    [InlineData(1, true)]
    [InlineData(14, true)]
    [InlineData(15, false)]
    [InlineData(19, false)]
    public async Task Watch_AfterHistoryOverflow_ExpiresOnlyDroppedRevisions(long from, bool expires)
    {
        await using var temp = await TempStore.CreateAsync(new StoreOptions { HistoryMinEvents = 5, HistoryMinAge = TimeSpan.Zero });
        for (int i = 0; i < 20; i++) await temp.Store.CreateAsync("pods", "default", $"p{i}", Objects.Pod("default", $"p{i}"));

        if (expires)
        {
            var error = Assert.Throws<StoreExpiredException>(() => temp.Store.Watch("pods", null, from));
            Assert.Equal(from, error.Requested);
            Assert.Equal(15, error.Oldest);
            return;
        }
        using var watch = temp.Store.Watch("pods", null, from);
        var events = await Objects.TakeAsync(watch, (int)(20 - from));
        Assert.Equal(Enumerable.Range((int)from + 1, (int)(20 - from)).Select(r => (long)r), events.Select(e => e.Object.Revision));
    }

    [Fact]
    public async Task Watch_YoungEvents_KeptBeyondMinimumCount()
    {
        await using var temp = await TempStore.CreateAsync(new StoreOptions { HistoryMinEvents = 5, HistoryMinAge = TimeSpan.FromHours(1) });
        for (int i = 0; i < 20; i++) await temp.Store.CreateAsync("pods", "default", $"p{i}", Objects.Pod("default", $"p{i}"));

        using var watch = temp.Store.Watch("pods", null, 1);
        var events = await Objects.TakeAsync(watch, 19);
        Assert.Equal(2, events[0].Object.Revision);
    }

    [Fact]
    public async Task Watch_AfterRestart_FromPersistedRevisionWorksOlderExpires()
    {
        await using var temp = await TempStore.CreateAsync();
        await temp.Store.CreateAsync("pods", "default", "a", Objects.Pod("default", "a"));
        await temp.Store.DeleteAsync("pods", "default", "a", null);
        await temp.ReopenAsync();

        var error = Assert.Throws<StoreExpiredException>(() => temp.Store.Watch("pods", null, 1));
        Assert.Equal(2, error.Oldest);

        using var watch = temp.Store.Watch("pods", null, 2);
        await temp.Store.CreateAsync("pods", "default", "b", Objects.Pod("default", "b"));
        var events = await Objects.TakeAsync(watch, 1);
        Assert.Equal(3, events[0].Object.Revision);
    }

    [Fact]
    public async Task Watch_SlowWatcherOverflows_WritersAndOtherWatchersUnaffected()
    {
        await using var temp = await TempStore.CreateAsync(new StoreOptions { WatchBufferSize = 20 });
        using var slow = temp.Store.Watch("pods", null, 0);
        using var fast = temp.Store.Watch("pods", null, 0);
        var fastEvents = Objects.TakeAsync(fast, 100);

        // One write at a time, so a reader that keeps up never has more than one event queued.
        var writes = Task.Run(async () =>
        {
            for (int i = 0; i < 100; i++) await temp.Store.CreateAsync("pods", "default", $"p{i}", Objects.Pod("default", $"p{i}"));
        });
        Assert.Same(writes, await Task.WhenAny(writes, Task.Delay(TimeSpan.FromSeconds(30))));
        await writes;
        Assert.Equal(100, (await fastEvents).Count);

        var received = new List<WatchEvent>();
        var error = await Assert.ThrowsAsync<WatchOverflowException>(async () =>
        {
            await foreach (var ev in slow.ReadAllAsync()) received.Add(ev);
        });
        Assert.Equal(Enumerable.Range(1, 20).Select(r => (long)r), received.Select(e => e.Object.Revision));
        Assert.Equal("pods", error.Resource);
    }

    [Fact]
    public async Task Watch_Disposed_EndsEnumeration()
    {
        await using var temp = await TempStore.CreateAsync();
        var watch = temp.Store.Watch("pods", null, 0);
        var reading = Task.Run(async () => { int n = 0; await foreach (var _ in watch.ReadAllAsync()) n++; return n; });
        await temp.Store.CreateAsync("pods", "default", "a", Objects.Pod("default", "a"));
        await Task.Delay(50);
        watch.Dispose();
        Assert.Equal(1, await reading.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task DisposeAsync_Store_EndsOpenWatches()
    {
        var temp = await TempStore.CreateAsync();
        using var watch = temp.Store.Watch("pods", null, 0);
        var reading = Task.Run(async () => { await foreach (var _ in watch.ReadAllAsync()) { } });
        await temp.DisposeAsync();
        await reading.WaitAsync(TimeSpan.FromSeconds(10));
    }
}
