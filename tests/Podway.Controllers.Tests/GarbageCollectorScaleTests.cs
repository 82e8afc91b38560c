using Podway.Api.Resources;

namespace Podway.Controllers.Tests;

[Collection("controllers")]
public sealed class GarbageCollectorScaleTests(ControllersFixture cluster)
{
    [Fact]
    public async Task Delete_OwnerOfManyDependents_AllCollected()
    {
        var ns = await cluster.NewNamespaceAsync();
        var owner = await cluster.CreateConfigMapAsync(ns, "owner");
        const int count = 150;
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 8 },
            async (i, _) => await cluster.CreateConfigMapAsync(ns, $"child-{i}", [ControllersFixture.OwnerRef(owner)]));

        await cluster.Client.DeleteAsync(BuiltinResources.ConfigMap, ns, "owner");

        // kube-root-ca.crt lives in every namespace and has no owner: only the children must go.
        await Eventually.TrueAsync(async () =>
            !(await cluster.Client.ListAsync(BuiltinResources.ConfigMap, ns))["items"]!.AsArray()
                .Any(i => i!["metadata"]!["name"]!.GetValue<string>().StartsWith("child-")), $"{count} dependents collected", seconds: 60);
    }
}
