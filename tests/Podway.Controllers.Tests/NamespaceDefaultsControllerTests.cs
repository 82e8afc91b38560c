using Podway.Api.Resources;

namespace Podway.Controllers.Tests;

[Collection("controllers")]
public sealed class NamespaceDefaultsControllerTests(ControllersFixture cluster)
{
    [Fact]
    public async Task NewNamespace_GetsDefaultServiceAccountAndRootCa()
    {
        var ns = await cluster.NewNamespaceAsync();
        await Eventually.TrueAsync(async () => await cluster.Client.TryGetAsync(BuiltinResources.ServiceAccount, ns, "default") is not null,
            "the default ServiceAccount appears");
        await Eventually.TrueAsync(async () =>
            (await cluster.Client.TryGetAsync(BuiltinResources.ConfigMap, ns, "kube-root-ca.crt"))?["data"]?["ca.crt"]?.GetValue<string>() == ControllersFixture.TestRootCaPem,
            "kube-root-ca.crt carries the CA");
    }

    [Fact]
    public async Task DeletedDefaultServiceAccount_IsRecreated()
    {
        var ns = await cluster.NewNamespaceAsync();
        await Eventually.TrueAsync(async () => await cluster.Client.TryGetAsync(BuiltinResources.ServiceAccount, ns, "default") is not null, "created");
        var first = await cluster.Client.GetAsync(BuiltinResources.ServiceAccount, ns, "default");
        await cluster.Client.DeleteAsync(BuiltinResources.ServiceAccount, ns, "default");
        await Eventually.TrueAsync(async () =>
            (await cluster.Client.TryGetAsync(BuiltinResources.ServiceAccount, ns, "default"))?["metadata"]?["uid"]?.GetValue<string>() is { } uid
            && uid != first["metadata"]!["uid"]!.GetValue<string>(), "recreated with a new uid");
    }
}
