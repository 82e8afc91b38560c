using Podway.Api.Json;
using Podway.Api.Resources;
using Podway.Api.Selectors;

namespace Podway.Trace;

/// <summary>FROM: the Pod (or a Ready Pod of the Deployment) and the network namespace the request starts in.</summary>
internal static class SourceLayer
{
    public static async Task<LayerResult> RunAsync(TraceState st, ClusterObjects objects, TraceEnvironment env)
    {
        if (st.From.Kind == TraceSourceKind.Host)
        {
            st.NodeNetns = env.FirstNodeNetns;
            return LayerResult.Pass("from", "the host (this machine's network namespace)");
        }
        var pod = st.From.Kind == TraceSourceKind.Pod
            ? await objects.GetAsync(BuiltinResources.Pod, st.Namespace, st.From.Name)
            : await DeploymentPodAsync(st, objects);
        if (pod is null)
            return st.From.Kind == TraceSourceKind.Pod
                ? LayerResult.Fail("from", $"no Pod {st.From.Name} in namespace {st.Namespace}", $"check the name with kubectl get pods -n {st.Namespace}, or pass -n with the Pod's namespace")
                : LayerResult.Fail("from", $"Deployment {st.From.Name} in namespace {st.Namespace} has no running Pod", $"check kubectl get deploy,pods -n {st.Namespace}");
        var node = pod.Obj("spec").Str("nodeName");
        var uid = pod.Uid() ?? "";
        var netns = env.PodNetns(uid);
        if (node is null || pod.Obj("status").Str("podIP") is null || !File.Exists(Path.Combine("/run/netns", netns)))
            return LayerResult.Fail("from", $"Pod {pod.Name()} has no network yet (phase {pod.Obj("status").Str("phase") ?? "unknown"})", "wait until the Pod runs (kubectl get pod -w), then trace again");
        st.SourcePod = pod;
        st.SourceNetns = netns;
        st.NodeNetns = env.NodeNetns(node) ?? env.FirstNodeNetns;
        return LayerResult.Pass("from", $"Pod {pod.Name()} {pod.Obj("status").Str("podIP")} on {node} (netns {netns})")
            with { Details = new Dictionary<string, object?> { ["pod"] = pod.Name(), ["podIP"] = pod.Obj("status").Str("podIP"), ["node"] = node, ["netns"] = netns } };
    }

    /// <summary>A Running Pod of the Deployment, Ready ones first (as `kubectl exec deploy/NAME` picks one).</summary>
    static async Task<System.Text.Json.Nodes.JsonObject?> DeploymentPodAsync(TraceState st, ClusterObjects objects)
    {
        var deploy = await objects.GetAsync(BuiltinResources.Deployment, st.Namespace, st.From.Name);
        if (deploy is null) return null;
        var selector = LabelSelector.FromJson(deploy.Obj("spec")?.Obj("selector"));
        // The namespace's Pods are read anyway (endpoints, policy): filter them rather than ask again.
        var pods = await objects.ListAsync(BuiltinResources.Pod, st.Namespace);
        return pods.Where(p => selector.Matches(p.Labels()) && p.Obj("status").Str("phase") == "Running" && p.Obj("metadata")?["deletionTimestamp"] is null)
            .OrderByDescending(Pods.IsReady).ThenBy(p => p.Name(), StringComparer.Ordinal).FirstOrDefault();
    }
}
