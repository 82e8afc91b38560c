using System.Text.Json.Nodes;
using Podway.Api.Json;
using Podway.Api.Resources;
using Podway.Api.Selectors;

namespace Podway.Trace;

/// <summary>
/// The Service's EndpointSlices: each address with ready/serving/terminating; when none can take the request, why
/// the Pods are not there (selector against their labels, side by side; a failing readiness probe and its message).
/// </summary>
internal static class EndpointsLayer
{
    public static async Task<LayerResult> RunAsync(TraceState st, ClusterObjects objects)
    {
        var service = st.Service!;
        var port = st.ServicePort!;
        var ns = service.Namespace();
        var endpoints = SliceEndpoint.From(await objects.SlicesOfAsync(ns, service.Name()), port.Str("name") ?? "");
        var usable = endpoints.Where(e => e.Ready).ToList();
        if (usable.Count == 0) usable = [.. endpoints.Where(e => e.Serving && e.Terminating)];
        var listed = endpoints.Count == 0 ? "no endpoints" : string.Join("; ", endpoints.Select(e => $"{e.Address}:{e.Port} {e.PodName ?? "-"} {e.Conditions}"));
        var details = new Dictionary<string, object?>
        {
            ["endpoints"] = endpoints.Select(e => new Dictionary<string, object?>
            {
                ["address"] = e.Address, ["port"] = e.Port, ["pod"] = e.PodName, ["ready"] = e.Ready, ["serving"] = e.Serving, ["terminating"] = e.Terminating,
            }).ToList(),
        };
        if (usable.Count > 0)
        {
            var pods = await objects.ListAsync(BuiltinResources.Pod, ns);
            foreach (var e in usable)
                st.Backends.Add(new Backend(pods.FirstOrDefault(p => p.Name() == e.PodName), e.Address, e.Port));
            return LayerResult.Pass("endpoints", listed) with { Details = details };
        }
        var (why, fix) = await WhyNoneAsync(service, objects);
        return LayerResult.Fail("endpoints", $"{listed}: {why}", fix) with { Details = details };
    }

    static async Task<(string Why, string Fix)> WhyNoneAsync(JsonObject service, ClusterObjects objects)
    {
        var ns = service.Namespace();
        var selector = service.Obj("spec")?.Obj("selector");
        if (selector is null || selector.Count == 0)
            return ("the Service has no selector, so nothing fills its EndpointSlices", "add a selector matching the Pods' labels, or create the EndpointSlice yourself");
        var pods = (await objects.ListAsync(BuiltinResources.Pod, ns)).Where(p => p.Obj("metadata")?["deletionTimestamp"] is null).ToList();
        var events = await objects.ListAsync(BuiltinResources.CoreEvent, ns);
        var deployments = await objects.ListAsync(BuiltinResources.Deployment, ns);
        return Diagnose(selector, pods, events, deployments);
    }

    /// <summary>Pure: why no Pod of <paramref name="pods"/> is a ready endpoint of a Service with <paramref name="selector"/>.</summary>
    public static (string Why, string Fix) Diagnose(JsonObject selector, IReadOnlyList<JsonObject> pods, IReadOnlyList<JsonObject> events, IReadOnlyList<JsonObject>? deployments = null)
    {
        var wanted = LabelSelector.FromSet(selector);
        var selected = pods.Where(p => wanted.Matches(p.Labels())).ToList();
        var owner = (deployments ?? []).FirstOrDefault(d => wanted.Matches(d.Obj("spec")?.Obj("template")?.Obj("metadata")?.Obj("labels")));
        if (selected.Count == 0 && owner is not null)
            return ($"no Pods: Deployment {owner.Name()} makes Pods with these labels but has {owner.Obj("spec").Long("replicas") ?? 1} replica(s) wanted, {owner.Obj("status").Long("readyReplicas") ?? 0} ready",
                $"scale it up: kubectl scale deployment {owner.Name()} --replicas=1 (or see kubectl describe deployment {owner.Name()})");
        if (selected.Count == 0)
        {
            var sideBySide = pods.Count == 0 ? "there are no Pods in the namespace"
                : "Pods have " + string.Join("; ", pods.Take(4).Select(p => $"{p.Name()} {{{Pods.LabelText(p)}}}")) + (pods.Count > 4 ? $"; {pods.Count - 4} more" : "");
            // The values the Pods carry for the selector's keys: the likely intended selector is among them.
            var values = selector.SelectMany(kv => pods.Select(p => p.Labels()?[kv.Key]?.ToString() is { } v ? $"{kv.Key}={v}" : null)).OfType<string>().Distinct().ToList();
            var suggestion = values.Count == 0 ? "" : $" (the Pods here carry {string.Join(" or ", values)})";
            return ($"selector mismatch: the Service selects {{{wanted}}} but no Pod carries those labels; {sideBySide}",
                pods.Count == 0 ? "create the Pods (Deployment) the Service is meant to select"
                    : $"make the Service's selector match the Pods' labels{suggestion}, or label the Pods {wanted}");
        }
        var notReady = selected.Where(p => !Pods.IsReady(p)).ToList();
        if (notReady.Count > 0)
        {
            var pod = notReady[0];
            var probe = LastUnhealthy(events, pod.Name());
            if (probe is not null)
                return ($"{notReady.Count} Pod(s) selected but not Ready; {pod.Name()}: readiness probe failing: {probe}",
                    "fix the readiness probe (its path and port must answer 2xx/3xx) or the app it checks; the Pod joins the endpoints when the probe passes");
            return ($"{notReady.Count} Pod(s) selected but not Ready; {pod.Name()} is {pod.Obj("status").Str("phase") ?? "Pending"}",
                "wait for the Pods to become Ready, or look at kubectl describe pod " + pod.Name());
        }
        return ("the Pods are Ready but their slice has no port of this name (the Service's port name or targetPort does not resolve on them)",
            "give the Service port a targetPort the Pods declare (a named port must exist in the containers' ports)");
    }

    /// <summary>The newest "Readiness probe failed: ..." Event of the Pod, as the kubelet records it.</summary>
    static string? LastUnhealthy(IReadOnlyList<JsonObject> events, string pod) =>
        events.Where(e => e.Obj("involvedObject").Str("name") == pod && e.Str("reason") == "Unhealthy" && (e.Str("message") ?? "").StartsWith("Readiness", StringComparison.Ordinal))
            .OrderByDescending(e => e.Str("lastTimestamp") ?? e.Str("eventTime") ?? "", StringComparer.Ordinal)
            .Select(e => e.Str("message")).FirstOrDefault();
}
