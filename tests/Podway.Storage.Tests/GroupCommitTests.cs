using Microsoft.Data.Sqlite;
using Podway.Storage.Tests.Support;

namespace Podway.Storage.Tests;

public sealed class GroupCommitTests
{
    [Fact]
    public async Task CreateAsync_2000ParallelWriters_AllDurableWithDistinctRevisions()
    {
        await using var temp = await TempStore.CreateAsync();
        var creates = Enumerable.Range(0, 2000)
            .Select(i => Task.Run(() => temp.Store.CreateAsync("pods", $"ns{i % 7}", $"pod-{i}", Objects.Pod($"ns{i % 7}", $"pod-{i}"))))
            .ToArray();
        var created = await Task.WhenAll(creates);

        Assert.Equal(Enumerable.Range(1, 2000).Select(i => (long)i), created.Select(c => c.Revision).Order());
        Assert.All(created, c => Assert.Equal(c.Revision.ToString(), Objects.ResourceVersionOf(c)));
        Assert.Equal(2000, temp.Store.CurrentRevision);

        await temp.ReopenAsync();
        var listed = temp.Store.List("pods", null);
        Assert.Equal(2000, listed.Items.Count);
        Assert.Equal(2000, listed.Revision);
        Assert.Equal(created.Select(c => c.Revision).Order(), listed.Items.Select(i => i.Revision).Order());
    }

    [Fact]
    public async Task CreateAsync_SameNameRacing_ExactlyOneWinsOthersAlreadyExists()
    {
        await using var temp = await TempStore.CreateAsync();
        var attempts = Enumerable.Range(0, 200)
            .Select(i => Task.Run(() => temp.Store.CreateAsync("pods", "default", "only", Objects.Pod("default", "only", image: $"img{i}"))))
            .ToArray();
        // Unrelated writes in the same batches must still succeed.
        var others = Enumerable.Range(0, 200)
            .Select(i => Task.Run(() => temp.Store.CreateAsync("pods", "default", $"other-{i}", Objects.Pod("default", $"other-{i}"))))
            .ToArray();

        await Task.WhenAll(attempts.Concat(others).Select(t => t.ContinueWith(_ => { })));

        Assert.Single(attempts, t => t.IsCompletedSuccessfully);
        Assert.All(attempts.Where(t => !t.IsCompletedSuccessfully),
            t => Assert.Equal(StoreErrorKind.AlreadyExists, Assert.IsType<StoreConflictException>(t.Exception!.InnerException).Kind));
        Assert.All(others, t => Assert.True(t.IsCompletedSuccessfully));
        Assert.Equal(201, temp.Store.CurrentRevision);
    }

    [Fact]
    public async Task UpdateAsync_RacingOnSameRevision_OneWinsOthersConflict()
    {
        await using var temp = await TempStore.CreateAsync();
        var created = await temp.Store.CreateAsync("pods", "default", "web", Objects.Pod("default", "web"));
        var updates = Enumerable.Range(0, 50)
            .Select(i => Task.Run(() => temp.Store.UpdateAsync("pods", "default", "web", Objects.Pod("default", "web", image: $"v{i}"), created.Revision)))
            .ToArray();
        await Task.WhenAll(updates.Select(t => t.ContinueWith(_ => { })));

        var winner = Assert.Single(updates, t => t.IsCompletedSuccessfully);
        Assert.All(updates.Where(t => t != winner),
            t => Assert.Equal(StoreErrorKind.Conflict, Assert.IsType<StoreConflictException>(t.Exception!.InnerException).Kind));
        Assert.Equal(winner.Result.Json, temp.Store.Get("pods", "default", "web")!.Json);
    }

    [Fact]
    public async Task WriteAsync_DatabaseLockedByAnotherWriter_FailsAndLeavesStoreAsItWas()
    {
        await using var temp = await TempStore.CreateAsync(new StoreOptions { BusyTimeout = TimeSpan.FromMilliseconds(300) });
        await temp.Store.CreateAsync("pods", "default", "before", Objects.Pod("default", "before"));
        using var watch = temp.Store.Watch("pods", null, 0);

        using (var blocker = OpenSide(temp.DatabasePath))
        using (var exclusive = blocker.BeginTransaction(deferred: false))
        {
            await Assert.ThrowsAsync<SqliteException>(() => temp.Store.CreateAsync("pods", "default", "lost", Objects.Pod("default", "lost")));
            Assert.Null(temp.Store.Get("pods", "default", "lost"));
            Assert.Equal(1, temp.Store.CurrentRevision);
        }

        // The failed write consumed no revision: the next one gets 2, and it is the first event the watcher sees.
        var after = await temp.Store.CreateAsync("pods", "default", "after", Objects.Pod("default", "after"));
        Assert.Equal(2, after.Revision);
        var seen = await Objects.TakeAsync(watch, 1);
        Assert.Equal("after", seen[0].Object.Name);

        await temp.ReopenAsync();
        Assert.Null(temp.Store.Get("pods", "default", "lost"));
        Assert.Equal(2, temp.Store.CurrentRevision);
    }

    [Fact]
    public async Task WriteAsync_StatementFailsMidBatch_WholeBatchFailsAndNothingChanges()
    {
        await using var temp = await TempStore.CreateAsync(new StoreOptions { BusyTimeout = TimeSpan.FromSeconds(20) });
        using var blocker = OpenSide(temp.DatabasePath);
        Execute(blocker, "CREATE TRIGGER fail_boom BEFORE INSERT ON objects WHEN NEW.name = 'boom' BEGIN SELECT RAISE(ABORT, 'injected failure'); END;");

        Task<StoredObject> first, a, boom, b;
        using (var exclusive = blocker.BeginTransaction(deferred: false))
        {
            // The writer takes "first" and waits for the lock; the rest queue up behind it as one batch.
            first = temp.Store.CreateAsync("pods", "default", "first", Objects.Pod("default", "first"));
            await Task.Delay(300);
            a = temp.Store.CreateAsync("pods", "default", "a", Objects.Pod("default", "a"));
            boom = temp.Store.CreateAsync("pods", "default", "boom", Objects.Pod("default", "boom"));
            b = temp.Store.CreateAsync("pods", "default", "b", Objects.Pod("default", "b"));
            await Task.Delay(100);
        }

        Assert.Equal(1, (await first).Revision);
        foreach (var failed in new[] { a, boom, b })
        {
            var error = await Assert.ThrowsAsync<SqliteException>(() => failed);
            Assert.Contains("injected failure", error.Message);
        }
        Assert.Equal(["first"], temp.Store.List("pods", null).Items.Select(i => i.Name));
        Assert.Equal(1, temp.Store.CurrentRevision);

        await temp.ReopenAsync();
        Assert.Equal(["first"], temp.Store.List("pods", null).Items.Select(i => i.Name));
        Assert.Equal(1, temp.Store.CurrentRevision);
    }

    [Fact]
    public async Task DisposeAsync_WithQueuedWrites_DrainsThemDurably()
    {
        await using var temp = await TempStore.CreateAsync();
        var writes = Enumerable.Range(0, 300).Select(i => temp.Store.CreateAsync("pods", "default", $"p{i}", Objects.Pod("default", $"p{i}"))).ToArray();
        await temp.Store.DisposeAsync();

        Assert.All(writes, w => Assert.True(w.IsCompletedSuccessfully));
        await temp.ReopenAsync();
        Assert.Equal(300, temp.Store.List("pods", "default").Items.Count);
    }

    private static SqliteConnection OpenSide(string path)
    {
        var connection = new SqliteConnection($"Data Source={path};Pooling=False;Default Timeout=30");
        connection.Open();
        return connection;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
