using System.Text.Json.Nodes;
using Podway.Api.Resources;
using Podway.Client;

namespace Podway.Controllers.Tests;

[Collection("controllers")]
public sealed class NamespaceControllerTests(ControllersFixture cluster)
{
    [Fact]
    public async Task Delete_NamespaceWithContent_ContentDeletedThenNamespaceGone()
    {
        var ns = await cluster.NewNamespaceAsync();
        await cluster.CreateConfigMapAsync(ns, "settings");
        await cluster.Client.CreateAsync(BuiltinResources.Secret, ns, new JsonObject
        {
            ["apiVersion"] = "v1", ["kind"] = "Secret", ["metadata"] = new JsonObject { ["name"] = "creds" },
            ["stringData"] = new JsonObject { ["password"] = "x" },
        });
        await cluster.Client.CreateAsync(BuiltinResources.Service, ns, new JsonObject
        {
            ["apiVersion"] = "v1", ["kind"] = "Service", ["metadata"] = new JsonObject { ["name"] = "web" },
            ["spec"] = new JsonObject { ["ports"] = new JsonArray(new JsonObject { ["port"] = 80 }) },
        });

        await cluster.Client.DeleteAsync(BuiltinResources.Namespace, null, ns);

        await Eventually.TrueAsync(() => cluster.GoneAsync(BuiltinResources.Namespace, null, ns), "the namespace is removed");
        foreach (var (type, name) in new[] { (BuiltinResources.ConfigMap, "settings"), (BuiltinResources.Secret, "creds"), (BuiltinResources.Service, "web") })
            Assert.True(await cluster.GoneAsync(type, ns, name), $"{type.Plural}/{name} was deleted");
    }

    [Fact]
    public async Task Delete_NamespaceWithFinalizedContent_TerminatingWithConditionsUntilFinalizerRemoved()
    {
        var ns = await cluster.NewNamespaceAsync();
        await cluster.CreateConfigMapAsync(ns, "held", null, "example.com/hold");

        await cluster.Client.DeleteAsync(BuiltinResources.Namespace, null, ns);

        JsonObject? terminating = null;
        await Eventually.TrueAsync(async () =>
        {
            terminating = await cluster.Client.GetAsync(BuiltinResources.Namespace, null, ns);
            return Condition(terminating, "NamespaceFinalizersRemaining")?["status"]?.GetValue<string>() == "True";
        }, "the finalizers-remaining condition");
        Assert.Equal("Terminating", terminating!["status"]!["phase"]!.GetValue<string>());
        Assert.Equal(
            [
                ("NamespaceDeletionDiscoveryFailure", "False", "ResourcesDiscovered", "All resources successfully discovered"),
                ("NamespaceDeletionGroupVersionParsingFailure", "False", "ParsedGroupVersions", "All legacy kube types successfully parsed"),
                ("NamespaceDeletionContentFailure", "False", "ContentDeleted", "All content successfully deleted, may be waiting on finalization"),
                ("NamespaceContentRemaining", "True", "SomeResourcesRemain", "Some resources are remaining: configmaps. has 1 resource instances"),
                ("NamespaceFinalizersRemaining", "True", "SomeFinalizerRemain", "Some finalizers are remaining: example.com/hold in 1 resource instances"),
            ],
            terminating["status"]!["conditions"]!.AsArray().OfType<JsonObject>().Select(c => (
                c["type"]!.GetValue<string>(), c["status"]!.GetValue<string>(), c["reason"]!.GetValue<string>(), c["message"]!.GetValue<string>())));
        Assert.Contains("kubernetes", terminating["spec"]!["finalizers"]!.AsArray().Select(f => f!.GetValue<string>()));

        await cluster.RemoveFinalizersAsync(BuiltinResources.ConfigMap, ns, "held");

        await Eventually.TrueAsync(() => cluster.GoneAsync(BuiltinResources.Namespace, null, ns), "the namespace is removed once its content is gone");
    }

    static JsonObject? Condition(JsonObject ns, string type) =>
        ns["status"]?["conditions"]?.AsArray().OfType<JsonObject>().FirstOrDefault(c => c["type"]?.GetValue<string>() == type);
}
