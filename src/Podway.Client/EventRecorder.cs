using System.Text.Json.Nodes;
using Podway.Api.Errors;
using Podway.Api.Resources;

namespace Podway.Client;

/// <summary>
/// Writes core/v1 Events about objects, as client-go's record.EventRecorder does: the Event is named
/// "&lt;object name&gt;.&lt;hex unix nanos&gt;" in the object's namespace ("default" for cluster-scoped objects), and a
/// repeat of the same (object, type, reason, message) increments count and lastTimestamp by a patch
/// instead of creating a new Event. Failures are reported to the log, never thrown: events are best effort.
/// </summary>
public sealed class EventRecorder(ApiClient client, string component, string? host = null, Action<string>? log = null)
{
    sealed record Seen(string Namespace, string Name, int Count, string FirstTimestamp);

    readonly Lock _gate = new();
    readonly Dictionary<string, Seen> _seen = [];
    const int MaxRemembered = 4096;

    public const string Normal = "Normal";
    public const string Warning = "Warning";

    public async Task RecordAsync(JsonObject involved, string type, string reason, string message, CancellationToken ct = default)
    {
        var reference = InvolvedObject(involved);
        var ns = reference["namespace"]?.GetValue<string>() is { Length: > 0 } n ? n : "default";
        var key = string.Join("\u0000", component, host, reference["kind"], ns, reference["name"], reference["uid"], reference["apiVersion"], type, reason, message);
        var now = DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'");
        try
        {
            Seen? previous;
            lock (_gate) previous = _seen.GetValueOrDefault(key);
            if (previous is not null)
            {
                var count = previous.Count + 1;
                try
                {
                    await client.PatchAsync(BuiltinResources.CoreEvent, previous.Namespace, previous.Name, PatchType.StrategicMerge,
                        new JsonObject { ["count"] = count, ["lastTimestamp"] = now, ["message"] = message }, ct: ct);
                    lock (_gate) _seen[key] = previous with { Count = count };
                    return;
                }
                catch (ApiException e) when (e.Code == 404)
                {
                    // The Event expired or was deleted: start a new one, as client-go does.
                }
            }
            var name = $"{reference["name"]}.{ToUnixNanos(DateTime.UtcNow):x}";
            var ev = new JsonObject
            {
                ["apiVersion"] = "v1",
                ["kind"] = "Event",
                ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns },
                ["involvedObject"] = reference,
                ["reason"] = reason,
                ["message"] = message,
                ["source"] = host is null ? new JsonObject { ["component"] = component } : new JsonObject { ["component"] = component, ["host"] = host },
                ["firstTimestamp"] = now,
                ["lastTimestamp"] = now,
                ["count"] = 1,
                ["type"] = type,
                ["eventTime"] = null,
                ["reportingComponent"] = component,
                ["reportingInstance"] = host ?? "",
            };
            await client.CreateAsync(BuiltinResources.CoreEvent, ns, ev, ct);
            lock (_gate)
            {
                if (_seen.Count >= MaxRemembered) _seen.Clear(); // client-go keeps an LRU of 4096 for the same reason
                _seen[key] = new Seen(ns, name, 1, now);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            log?.Invoke($"event {reason} on {reference["kind"]}/{reference["name"]} not recorded: {e.Message}");
        }
    }

    static long ToUnixNanos(DateTime t) => (t.Ticks - DateTime.UnixEpoch.Ticks) * 100;

    /// <summary>The ObjectReference client-go's reference.GetReference builds.</summary>
    static JsonObject InvolvedObject(JsonObject obj)
    {
        var reference = new JsonObject
        {
            ["kind"] = obj["kind"]?.DeepClone(),
            ["namespace"] = obj["metadata"]?["namespace"]?.DeepClone(),
            ["name"] = obj["metadata"]?["name"]?.DeepClone(),
            ["uid"] = obj["metadata"]?["uid"]?.DeepClone(),
            ["apiVersion"] = obj["apiVersion"]?.DeepClone(),
            ["resourceVersion"] = obj["metadata"]?["resourceVersion"]?.DeepClone(),
        };
        foreach (var k in reference.Where(p => p.Value is null).Select(p => p.Key).ToList()) reference.Remove(k);
        return reference;
    }
}
