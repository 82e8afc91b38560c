using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;
using Podway.Api.Json;
using Podway.Controllers.Workloads;

namespace Podway.Controllers.Endpoints;

/// <summary>
/// kube's TriggerTimeTracker: the earliest time of a change (a Pod's Ready transition, the Service's creation) not yet
/// written into the endpoints, for the last-change-trigger-time annotation that kube-proxy measures network
/// programming latency from. A Service seen for the first time reports its creation time.
/// </summary>
internal sealed class TriggerTimeTracker
{
    sealed record State(Dictionary<string, DateTimeOffset> PodTimes, DateTimeOffset ServiceTime);
    readonly ConcurrentDictionary<string, State> _states = new();

    public DateTimeOffset? Compute(string serviceKey, JsonObject service, IEnumerable<JsonObject> pods)
    {
        var known = _states.TryGetValue(serviceKey, out var state);
        DateTimeOffset? min = null;
        var podTimes = new Dictionary<string, DateTimeOffset>();
        foreach (var pod in pods)
        {
            if (PodTriggerTime(pod) is not { } t) continue;
            podTimes[pod.Name()] = t;
            if (state is null || !state.PodTimes.TryGetValue(pod.Name(), out var last) || t > last) min = Min(min, t);
        }
        var serviceTime = PodState.CreationTime(service) ?? DateTimeOffset.MinValue;
        if (state is null || serviceTime > state.ServiceTime) min = Min(min, serviceTime);
        _states[serviceKey] = new State(podTimes, serviceTime);
        return known ? min : serviceTime == DateTimeOffset.MinValue ? null : serviceTime;
    }

    public void DeleteService(string serviceKey) => _states.TryRemove(serviceKey, out _);

    static DateTimeOffset? PodTriggerTime(JsonObject pod) =>
        DateTimeOffset.TryParse(PodState.Condition(pod, "Ready").Str("lastTransitionTime"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t : null;

    static DateTimeOffset Min(DateTimeOffset? a, DateTimeOffset b) => a is { } x && x < b ? x : b;

    /// <summary>Go's time.RFC3339Nano in UTC: fractional seconds without trailing zeros.</summary>
    public static string Format(DateTimeOffset t)
    {
        var utc = t.UtcDateTime;
        var fraction = utc.ToString("fffffff", CultureInfo.InvariantCulture).TrimEnd('0');
        return utc.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture) + (fraction.Length > 0 ? "." + fraction : "") + "Z";
    }

    /// <summary>addTriggerTimeAnnotation: set it to the trigger time, or clear it when there is none.</summary>
    public static void Annotate(JsonObject obj, DateTimeOffset? triggerTime)
    {
        var annotations = obj.Metadata().Ensure("annotations");
        if (triggerTime is { } t) annotations[EndpointNames.LastChangeTriggerTime] = Format(t);
        else annotations.Remove(EndpointNames.LastChangeTriggerTime);
        if (annotations.Count == 0) obj.Metadata().Remove("annotations");
    }
}
