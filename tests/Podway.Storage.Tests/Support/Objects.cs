using System.Text.Json.Nodes;

namespace Podway.Storage.Tests.Support;

internal static class Objects
{
    public static JsonObject Pod(string ns, string name, string image = "nginx", Dictionary<string, string>? labels = null)
    {
        var labelObject = new JsonObject();
        foreach (var (key, value) in labels ?? new Dictionary<string, string> { ["app"] = "web" }) labelObject[key] = value;
        return new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Pod",
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns, ["labels"] = labelObject },
            ["spec"] = new JsonObject
            {
                ["containers"] = new JsonArray(new JsonObject { ["name"] = "main", ["image"] = image }),
            },
        };
    }

    public static string ResourceVersionOf(StoredObject obj) => obj.Parse()["metadata"]!["resourceVersion"]!.GetValue<string>();

    public static string ImageOf(StoredObject obj) => obj.Parse()["spec"]!["containers"]![0]!["image"]!.GetValue<string>();

    public static async Task<List<WatchEvent>> TakeAsync(IWatchSubscription watch, int count, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        var events = new List<WatchEvent>();
        await foreach (var ev in watch.ReadAllAsync(cts.Token))
        {
            events.Add(ev);
            if (events.Count == count) break;
        }
        return events;
    }
}
