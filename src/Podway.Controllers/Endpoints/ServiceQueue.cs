using System.Text.Json.Nodes;
using Podway.Api.Json;
using Podway.Client;
using Podway.Controllers.Workloads;

namespace Podway.Controllers.Endpoints;

/// <summary>
/// Queues, for a Pod event, every Service whose selector matches the Pod before or after the change (kube's
/// GetPodServiceMemberships), skipping updates that cannot change an endpoint.
/// </summary>
internal static class ServiceQueue
{
    public static void Attach(Informer pods, Informer services, WorkQueue<string> queue)
    {
        void Enqueue(JsonObject pod)
        {
            foreach (var service in services.Cache.ByIndex(InformerCache.NamespaceIndex, pod.Namespace()))
                if (ServiceSpec.IsPodOf(pod, service)) queue.Add(ObjectMeta.Key(service));
        }
        pods.AddEventHandler(Enqueue, (old, pod) =>
        {
            if (!EndpointRelevantChange(old, pod)) return;
            Enqueue(pod);
            if (!SliceShape.SameLabels(old.Labels(), pod.Labels())) Enqueue(old);
        }, Enqueue);
    }

    /// <summary>podEndpointsChanged plus label changes: what an endpoint is made of.</summary>
    static bool EndpointRelevantChange(JsonObject old, JsonObject pod) =>
        ObjectMeta.ResourceVersion(old) != ObjectMeta.ResourceVersion(pod) && (
            !SliceShape.SameLabels(old.Labels(), pod.Labels())
            || PodState.IsReady(old) != PodState.IsReady(pod)
            || PodState.IsTerminating(old) != PodState.IsTerminating(pod)
            || PodState.Phase(old) != PodState.Phase(pod)
            || !PodEndpoint.IPs(old).SequenceEqual(PodEndpoint.IPs(pod))
            || PodState.Condition(old, "Ready").Str("lastTransitionTime") != PodState.Condition(pod, "Ready").Str("lastTransitionTime")
            || !JsonNode.DeepEquals(old["spec"], pod["spec"]));
}
