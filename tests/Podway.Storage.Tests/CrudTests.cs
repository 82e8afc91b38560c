using System.Text;
using Podway.Storage.Tests.Support;

namespace Podway.Storage.Tests;

public sealed class CrudTests
{
    [Fact]
    public async Task CreateAsync_NewKey_StampsResourceVersionAndIsReadable()
    {
        await using var temp = await TempStore.CreateAsync();
        var created = await temp.Store.CreateAsync("pods", "default", "web", Objects.Pod("default", "web"));

        Assert.Equal(1, created.Revision);
        Assert.Equal("1", Objects.ResourceVersionOf(created));
        Assert.Equal(1, temp.Store.CurrentRevision);
        var read = temp.Store.Get("pods", "default", "web");
        Assert.NotNull(read);
        Assert.Equal(created.Json, read.Json);
    }

    [Fact]
    public async Task CreateAsync_Always_StoresCompactJsonAndLeavesCallerObjectAlone()
    {
        await using var temp = await TempStore.CreateAsync();
        var pod = Objects.Pod("default", "web", image: "registry/ünïcode");
        var created = await temp.Store.CreateAsync("pods", "default", "web", pod);

        var text = Encoding.UTF8.GetString(created.Json);
        Assert.DoesNotContain("\n", text);
        Assert.DoesNotContain(": ", text);
        Assert.Contains("ünïcode", text);
        Assert.Null(pod["metadata"]!["resourceVersion"]);
    }

    [Fact]
    public async Task CreateAsync_ObjectWithoutMetadata_AddsMetadataWithResourceVersion()
    {
        await using var temp = await TempStore.CreateAsync();
        var created = await temp.Store.CreateAsync("configmaps", "default", "bare", new System.Text.Json.Nodes.JsonObject { ["data"] = "x" });
        Assert.Equal("1", Objects.ResourceVersionOf(created));
    }

    [Fact]
    public async Task UpdateAsync_MatchingRevision_ReplacesObjectWithNextRevision()
    {
        await using var temp = await TempStore.CreateAsync();
        var created = await temp.Store.CreateAsync("pods", "default", "web", Objects.Pod("default", "web"));
        var updated = await temp.Store.UpdateAsync("pods", "default", "web", Objects.Pod("default", "web", image: "nginx:2"), created.Revision);

        Assert.Equal(2, updated.Revision);
        Assert.Equal("nginx:2", Objects.ImageOf(temp.Store.Get("pods", "default", "web")!));
    }

    [Fact]
    public async Task UpdateAsync_NoExpectedRevision_AlwaysApplies()
    {
        await using var temp = await TempStore.CreateAsync();
        await temp.Store.CreateAsync("pods", "default", "web", Objects.Pod("default", "web"));
        await temp.Store.UpdateAsync("pods", "default", "web", Objects.Pod("default", "web", image: "a"), null);
        var last = await temp.Store.UpdateAsync("pods", "default", "web", Objects.Pod("default", "web", image: "b"), null);
        Assert.Equal(3, last.Revision);
        Assert.Equal("b", Objects.ImageOf(temp.Store.Get("pods", "default", "web")!));
    }

    [Fact]
    public async Task DeleteAsync_Existing_RemovesAndReturnsLastStateAtDeletionRevision()
    {
        await using var temp = await TempStore.CreateAsync();
        await temp.Store.CreateAsync("pods", "default", "web", Objects.Pod("default", "web", image: "last"));
        var deleted = await temp.Store.DeleteAsync("pods", "default", "web", null);

        Assert.Equal(2, deleted.Revision);
        Assert.Equal("2", Objects.ResourceVersionOf(deleted));
        Assert.Equal("last", Objects.ImageOf(deleted));
        Assert.Null(temp.Store.Get("pods", "default", "web"));
        Assert.Equal(2, temp.Store.CurrentRevision);
    }

    public sealed record ErrorCase(string Description, Func<IObjectStore, Task> Act, StoreErrorKind Expected)
    {
        public override string ToString() => Description;
    }

    public static TheoryData<ErrorCase> ErrorCases => new()
    {
        new("create existing", s => s.CreateAsync("pods", "default", "web", Objects.Pod("default", "web")), StoreErrorKind.AlreadyExists),
        new("update missing", s => s.UpdateAsync("pods", "default", "nope", Objects.Pod("default", "nope"), null), StoreErrorKind.NotFound),
        new("update same name other namespace", s => s.UpdateAsync("pods", "other", "web", Objects.Pod("other", "web"), null), StoreErrorKind.NotFound),
        new("update same name other resource", s => s.UpdateAsync("services", "default", "web", Objects.Pod("default", "web"), null), StoreErrorKind.NotFound),
        new("update stale revision", s => s.UpdateAsync("pods", "default", "web", Objects.Pod("default", "web"), 99), StoreErrorKind.Conflict),
        new("delete missing", s => s.DeleteAsync("pods", "default", "nope", null), StoreErrorKind.NotFound),
        new("delete stale revision", s => s.DeleteAsync("pods", "default", "web", 99), StoreErrorKind.Conflict),
    };

    [Theory]
    [MemberData(nameof(ErrorCases))]
    public async Task WriteAsync_InvalidRequest_FailsWithKindAndChangesNothing(ErrorCase row)
    {
        await using var temp = await TempStore.CreateAsync();
        var existing = await temp.Store.CreateAsync("pods", "default", "web", Objects.Pod("default", "web"));

        var error = await Assert.ThrowsAsync<StoreConflictException>(() => row.Act(temp.Store));

        Assert.Equal(row.Expected, error.Kind);
        Assert.Equal(1, temp.Store.CurrentRevision);
        Assert.Equal(existing.Json, temp.Store.Get("pods", "default", "web")!.Json);
    }

    [Fact]
    public async Task CreateAsync_CancelledBeforeQueued_DoesNotWrite()
    {
        await using var temp = await TempStore.CreateAsync();
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => temp.Store.CreateAsync("pods", "default", "web", Objects.Pod("default", "web"), cts.Token));
        Assert.Null(temp.Store.Get("pods", "default", "web"));
        Assert.Equal(0, temp.Store.CurrentRevision);
    }

    [Fact]
    public async Task CreateAsync_AfterDispose_Throws()
    {
        var temp = await TempStore.CreateAsync();
        await temp.DisposeAsync();
        await Assert.ThrowsAsync<ObjectDisposedException>(() => temp.Store.CreateAsync("pods", "default", "web", Objects.Pod("default", "web")));
    }
}
