using System.Text;
using System.Text.Json.Nodes;
using static Podway.Api.Defaulting.JsonFields;

namespace Podway.Api.Defaulting;

/// <summary>Namespace, Node, Secret and Event defaults from pkg/apis/core/v1 and their registry strategies.</summary>
internal static class CoreDefaults
{
    public static void Namespace(JsonObject ns)
    {
        var metadata = EnsureObject(ns, "metadata");
        if (String(metadata, "name") is { Length: > 0 } name)
            EnsureObject(metadata, "labels")["kubernetes.io/metadata.name"] = name; // kube overwrites it, always
        var spec = EnsureObject(ns, "spec");
        if (IsMissing(spec, "finalizers")) spec["finalizers"] = StringArray("kubernetes");
        DefaultString(EnsureObject(ns, "status"), "phase", "Active");
    }

    public static void Node(JsonObject node)
    {
        var spec = EnsureObject(node, "spec");
        // v1 conversion: podCIDR is the first of podCIDRs; an old client's podCIDR alone fills podCIDRs.
        var podCidr = String(spec, "podCIDR");
        var first = spec["podCIDRs"] is JsonArray { Count: > 0 } cidrs ? cidrs[0]?.GetValue<string>() : null;
        if (!string.IsNullOrEmpty(podCidr) && podCidr != first) spec["podCIDRs"] = StringArray(podCidr);
        else if (string.IsNullOrEmpty(podCidr) && !string.IsNullOrEmpty(first)) spec["podCIDR"] = first;

        // SetDefaults_NodeStatus: allocatable defaults to capacity.
        if (Object(node, "status") is { } status && IsMissing(status, "allocatable") && Object(status, "capacity") is { } capacity)
            status["allocatable"] = capacity.DeepClone();
    }

    public static void Secret(JsonObject secret)
    {
        DefaultString(secret, "type", "Opaque");
        // v1 conversion: stringData is write-only; it is merged into data (base64) and never stored.
        if (Object(secret, "stringData") is { Count: > 0 } stringData)
        {
            var data = EnsureObject(secret, "data");
            foreach (var (key, value) in stringData)
                data[key] = Convert.ToBase64String(Encoding.UTF8.GetBytes(value?.GetValue<string>() ?? ""));
        }
        secret.Remove("stringData");
    }

    /// <summary>core/v1 Event: no SetDefaults, but these fields have no omitempty, so kube always prints them.</summary>
    public static void CoreEvent(JsonObject ev)
    {
        EnsureObject(ev, "involvedObject");
        EnsureObject(ev, "source");
        Default(ev, "reportingComponent", "");
        Default(ev, "reportingInstance", "");
        DefaultNull(ev, "firstTimestamp");
        DefaultNull(ev, "lastTimestamp");
        DefaultNull(ev, "eventTime");
    }

    /// <summary>events.k8s.io/v1 Event: the always-printed deprecated fields and regarding.</summary>
    public static void EventsEvent(JsonObject ev)
    {
        EnsureObject(ev, "regarding");
        EnsureObject(ev, "deprecatedSource");
        DefaultNull(ev, "deprecatedFirstTimestamp");
        DefaultNull(ev, "deprecatedLastTimestamp");
    }
}
