using Podway.Api.Resources;

namespace Podway.Controllers.Tests;

[Collection("controllers")]
public sealed class GarbageCollectorScaleTests(ControllersFixture cluster)
{
    [Fact]
    public async Task Delete_OwnerOfManyDependents_AllCollectedWithinSeconds()
    {
        var ns = await cluster.NewNamespaceAsync();
        var owner = await cluster.CreateConfigMapAsync(ns, "owner");
        const int count = 150;
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 8 },
            async (i, _) => await cluster.CreateConfigMapAsync(ns, $"child-{i}", [ControllersFixture.OwnerRef(owner)]));

        var started = DateTime.UtcNow;
        await cluster.Client.DeleteAsync(BuiltinResources.ConfigMap, ns, "owner");

        await Eventually.TrueAsync(async () =>
            (await cluster.Client.ListAsync(BuiltinResources.ConfigMap, ns))["items"]!.AsArray().Count == 0, $"{count} dependents collected", seconds: 30);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(15), $"took {DateTime.UtcNow - started}");
    }
}
