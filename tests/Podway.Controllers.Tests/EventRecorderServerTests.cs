using System.Text.Json.Nodes;
using Podway.Api.Resources;
using Podway.Client;

namespace Podway.Controllers.Tests;

[Collection("controllers")]
public sealed class EventRecorderServerTests(ControllersFixture cluster)
{
    [Fact]
    public async Task RecordAsync_RepeatedEvent_OneEventWithCountAsDescribeShowsIt()
    {
        var ns = await cluster.NewNamespaceAsync();
        var cm = await cluster.CreateConfigMapAsync(ns, "subject");
        var recorder = new EventRecorder(cluster.Client, "test-component");

        for (var i = 0; i < 3; i++)
            await recorder.RecordAsync(cm, EventRecorder.Warning, "BadThing", "it happened");

        // The query `kubectl describe configmap subject` sends.
        var selector = $"involvedObject.name=subject,involvedObject.namespace={ns},involvedObject.kind=ConfigMap,involvedObject.uid={ObjectMeta.Uid(cm)}";
        var events = await cluster.Client.ListAsync(BuiltinResources.CoreEvent, ns, new ListOptions { FieldSelector = selector });
        var ev = Assert.Single(events["items"]!.AsArray().OfType<JsonObject>());
        Assert.Equal(3, ev["count"]!.GetValue<int>());
        Assert.Equal(("Warning", "BadThing", "it happened", "test-component"),
            (ev["type"]!.GetValue<string>(), ev["reason"]!.GetValue<string>(), ev["message"]!.GetValue<string>(), ev["source"]!["component"]!.GetValue<string>()));
        Assert.NotNull(ev["firstTimestamp"]);
        Assert.NotNull(ev["lastTimestamp"]);
    }
}
