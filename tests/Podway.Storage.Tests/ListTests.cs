using Podway.Storage.Tests.Support;

namespace Podway.Storage.Tests;

public sealed class ListTests
{
    private static async Task<TempStore> SeededAsync()
    {
        var temp = await TempStore.CreateAsync();
        // Created out of order on purpose: List must sort by (namespace, name).
        foreach (var (ns, name, tier) in new[]
        {
            ("b", "web-2", "front"), ("a", "db", "back"), ("b", "api", "back"), ("a", "web-1", "front"),
            ("c", "web-3", "front"), ("a", "cache", "back"),
        })
            await temp.Store.CreateAsync("pods", ns, name, Objects.Pod(ns, name, labels: new() { ["tier"] = tier }));
        await temp.Store.CreateAsync("services", "a", "web-svc", Objects.Pod("a", "web-svc"));
        return temp;
    }

    public sealed record ListCase(string Description, string? Namespace, ObjectKey? After, int Limit, string? Tier, string[] Expected, ObjectKey? Continue)
    {
        public override string ToString() => Description;
    }

    public static TheoryData<ListCase> Cases => new()
    {
        new("all namespaces", null, null, 0, null, ["a/cache", "a/db", "a/web-1", "b/api", "b/web-2", "c/web-3"], null),
        new("one namespace", "b", null, 0, null, ["b/api", "b/web-2"], null),
        new("missing namespace", "zzz", null, 0, null, [], null),
        new("limit", null, null, 2, null, ["a/cache", "a/db"], new ObjectKey("a", "db")),
        new("after key", null, new ObjectKey("a", "db"), 2, null, ["a/web-1", "b/api"], new ObjectKey("b", "api")),
        new("after key not present", null, new ObjectKey("a", "d"), 0, null, ["a/db", "a/web-1", "b/api", "b/web-2", "c/web-3"], null),
        new("last page has no continue", null, new ObjectKey("b", "api"), 3, null, ["b/web-2", "c/web-3"], null),
        new("exact fit has no continue", "a", null, 3, null, ["a/cache", "a/db", "a/web-1"], null),
        new("namespace with after", "a", new ObjectKey("a", "cache"), 0, null, ["a/db", "a/web-1"], null),
        new("filter", null, null, 0, "front", ["a/web-1", "b/web-2", "c/web-3"], null),
        new("filter with limit", null, null, 2, "front", ["a/web-1", "b/web-2"], new ObjectKey("b", "web-2")),
        new("filter, no more matches after page", null, null, 2, "back", ["a/cache", "a/db"], new ObjectKey("a", "db")),
        new("filter last match fills page", null, new ObjectKey("a", "db"), 1, "back", ["b/api"], null),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task List_Query_ReturnsPageInKeyOrder(ListCase row)
    {
        await using var temp = await SeededAsync();
        Func<StoredObject, bool>? filter = row.Tier is null ? null : o => o.Parse()["metadata"]!["labels"]!["tier"]!.GetValue<string>() == row.Tier;

        var result = temp.Store.List("pods", row.Namespace, row.After, row.Limit, filter);

        Assert.Equal(row.Expected, result.Items.Select(i => $"{i.Namespace}/{i.Name}"));
        Assert.Equal(row.Continue, result.Continue);
        Assert.Equal(7, result.Revision);
    }

    [Fact]
    public async Task List_UnknownResource_IsEmptyAtCurrentRevision()
    {
        await using var temp = await SeededAsync();
        var result = temp.Store.List("deployments", null);
        Assert.Empty(result.Items);
        Assert.Equal(7, result.Revision);
    }

    [Fact]
    public async Task List_PagingWithContinue_VisitsEveryObjectOnce()
    {
        await using var temp = await TempStore.CreateAsync();
        await Task.WhenAll(Enumerable.Range(0, 1000).Select(i => temp.Store.CreateAsync("pods", $"ns{i % 3}", $"p{i:D4}", Objects.Pod($"ns{i % 3}", $"p{i:D4}"))));

        var seen = new List<string>();
        ObjectKey? next = null;
        do
        {
            var page = temp.Store.List("pods", null, next, 128);
            seen.AddRange(page.Items.Select(i => $"{i.Namespace}/{i.Name}"));
            next = page.Continue;
        } while (next is not null);

        Assert.Equal(1000, seen.Count);
        Assert.Equal(seen.Order(StringComparer.Ordinal), seen);
    }

    [Fact]
    public async Task List_WhileWritesRace_EachResultMatchesItsRevision()
    {
        await using var temp = await TempStore.CreateAsync();
        var writes = Task.WhenAll(Enumerable.Range(0, 500).Select(i => Task.Run(() => temp.Store.CreateAsync("pods", "default", $"p{i}", Objects.Pod("default", $"p{i}")))));
        while (!writes.IsCompleted)
        {
            var result = temp.Store.List("pods", null);
            // Only creates run, each taking one revision: a consistent snapshot holds exactly Revision objects.
            Assert.Equal(result.Revision, result.Items.Count);
            Assert.All(result.Items, i => Assert.True(i.Revision <= result.Revision));
        }
        await writes;
    }
}
