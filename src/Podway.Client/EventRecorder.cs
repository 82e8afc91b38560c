using System.Text.Json.Nodes;
using System.Threading.Channels;
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
    sealed record Pending(JsonObject Reference, string Type, string Reason, string Message, DateTime At);

    const int QueueLength = 1000;
    readonly Channel<Pending> _queue = Channel.CreateBounded<Pending>(new BoundedChannelOptions(QueueLength) { SingleReader = true });
    int _senderStarted;

    readonly Lock _gate = new();
    readonly Dictionary<string, Seen> _seen = [];
    const int MaxRemembered = 4096;

    public const string Normal = "Normal";
    public const string Warning = "Warning";

    /// <summary>Records the event and returns when it is written (or failed, which is logged).</summary>
    public Task RecordAsync(JsonObject involved, string type, string reason, string message, CancellationToken ct = default) =>
        SendAsync(new Pending(InvolvedObject(involved), type, reason, message, DateTime.UtcNow), ct);

    /// <summary>
    /// Records the event without waiting for the API server, as client-go's recorder does (its broadcaster queues up to
    /// 1,000 events for one sender): the caller's work, such as a Pod's start, never waits for an event's round trip.
    /// Events are sent one at a time, in the order recorded; one recorded while 1,000 wait is dropped with a log line.
    /// </summary>
    public void Record(JsonObject involved, string type, string reason, string message)
    {
        if (Interlocked.Exchange(ref _senderStarted, 1) == 0) _ = Task.Run(SendQueuedAsync);
        if (!_queue.Writer.TryWrite(new Pending(InvolvedObject(involved), type, reason, message, DateTime.UtcNow)))
            log?.Invoke($"event {reason} on {involved["kind"]}/{involved["metadata"]?["name"]} dropped: {QueueLength} events wait to be sent");
    }

    async Task SendQueuedAsync()
    {
        await foreach (var pending in _queue.Reader.ReadAllAsync()) await SendAsync(pending, CancellationToken.None);
    }

    async Task SendAsync(Pending pending, CancellationToken ct)
    {
        var (reference, type, reason, message) = (pending.Reference, pending.Type, pending.Reason, pending.Message);
        var ns = reference["namespace"]?.GetValue<string>() is { Length: > 0 } n ? n : "default";
        var key = string.Join("\u0000", component, host, reference["kind"], ns, reference["name"], reference["uid"], reference["apiVersion"], type, reason, message);
        var now = pending.At.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'");
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
            var name = $"{reference["name"]}.{ToUnixNanos(pending.At):x}";
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
        catch (Exception x) when (x is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            log?.Invoke($"event {reason} on {reference["kind"]}/{reference["name"]} not recorded: {x.Message}");
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
