using Microsoft.Data.Sqlite;
using Podway.Storage.Tests.Support;

namespace Podway.Storage.Tests;

public sealed class PersistenceTests
{
    [Fact]
    public async Task OpenAsync_AfterRestart_HasSameObjectsAndRevision()
    {
        await using var temp = await TempStore.CreateAsync();
        await temp.Store.CreateAsync("pods", "default", "a", Objects.Pod("default", "a"));
        await temp.Store.CreateAsync("pods", "kube-system", "b", Objects.Pod("kube-system", "b"));
        var updated = await temp.Store.UpdateAsync("pods", "default", "a", Objects.Pod("default", "a", image: "v2"), null);
        await temp.Store.CreateAsync("namespaces", "", "default", new() { ["metadata"] = new System.Text.Json.Nodes.JsonObject { ["name"] = "default" } });

        await temp.ReopenAsync();

        Assert.Equal(4, temp.Store.CurrentRevision);
        var a = temp.Store.Get("pods", "default", "a")!;
        Assert.Equal(updated.Json, a.Json);
        Assert.Equal(3, a.Revision);
        Assert.NotNull(temp.Store.Get("pods", "kube-system", "b"));
        Assert.NotNull(temp.Store.Get("namespaces", "", "default"));
        Assert.Equal(2, temp.Store.List("pods", null).Items.Count);
    }

    [Fact]
    public async Task OpenAsync_AfterDeletesAndRestart_RevisionKeepsRising()
    {
        await using var temp = await TempStore.CreateAsync();
        await temp.Store.CreateAsync("pods", "default", "a", Objects.Pod("default", "a"));
        await temp.Store.CreateAsync("pods", "default", "b", Objects.Pod("default", "b"));
        await temp.Store.DeleteAsync("pods", "default", "b", null);
        await temp.Store.DeleteAsync("pods", "default", "a", null);

        await temp.ReopenAsync();
        Assert.Equal(4, temp.Store.CurrentRevision);
        Assert.Empty(temp.Store.List("pods", null).Items);

        var next = await temp.Store.CreateAsync("pods", "default", "a", Objects.Pod("default", "a"));
        Assert.Equal(5, next.Revision);
    }

    [Fact]
    public async Task OpenAsync_GarbageFile_ThrowsStoreOpenExceptionNamingTheFile()
    {
        var path = Path.Combine(Path.GetTempPath(), "podway-garbage-" + Guid.NewGuid().ToString("N") + ".db");
        await File.WriteAllBytesAsync(path, Enumerable.Range(0, 8192).Select(i => (byte)(i * 7)).ToArray());
        try
        {
            var error = await Assert.ThrowsAsync<StoreOpenException>(() => SqliteObjectStore.OpenAsync(path, new StoreOptions()));
            Assert.Contains(path, error.Message);
            Assert.Equal(path, error.Path);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task OpenAsync_NewerSchemaVersion_ThrowsStoreOpenException()
    {
        await using var temp = await TempStore.CreateAsync();
        await temp.Store.DisposeAsync();
        using (var connection = new SqliteConnection($"Data Source={temp.DatabasePath};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA user_version = 99";
            command.ExecuteNonQuery();
        }

        var error = await Assert.ThrowsAsync<StoreOpenException>(() => SqliteObjectStore.OpenAsync(temp.DatabasePath, temp.Options));
        Assert.Contains("schema version 99", error.Message);
        Assert.Contains(temp.DatabasePath, error.Message);
    }

    [Fact]
    public async Task OpenAsync_NewFile_UsesWalAndPersistsRevisionCounter()
    {
        await using var temp = await TempStore.CreateAsync();
        using var connection = new SqliteConnection($"Data Source={temp.DatabasePath};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", command.ExecuteScalar());
        command.CommandText = "SELECT value FROM meta WHERE key = 'revision'";
        Assert.Equal(0L, command.ExecuteScalar());
    }
}
