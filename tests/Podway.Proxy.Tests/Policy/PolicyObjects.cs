using System.Text.Json.Nodes;
using Podway.Proxy.Policy;

namespace Podway.Proxy.Tests.Policy;

/// <summary>NetworkPolicies and (Baseline)AdminNetworkPolicies as users write them (YAML as JSON), and Pods / namespaces as slim views.</summary>
internal static class PolicyObjects
{
    public static PolicyView NetPol(string ns, string name, string specJson) =>
        PolicyView.From(JsonNode.Parse($$"""{"metadata":{"namespace":"{{ns}}","name":"{{name}}"},"spec":{{specJson}}}""")!.AsObject());

    /// <summary>An AdminNetworkPolicy; specJson without the priority (e.g. {"subject":...,"ingress":[...]}).</summary>
    public static AdminPolicyView Anp(string name, int priority, string specJson)
    {
        var spec = JsonNode.Parse(specJson)!.AsObject();
        spec["priority"] = priority;
        return AdminPolicyView.From(new JsonObject { ["metadata"] = new JsonObject { ["name"] = name }, ["spec"] = spec }, baseline: false);
    }

    public static AdminPolicyView Banp(string specJson) =>
        AdminPolicyView.From(JsonNode.Parse($$"""{"metadata":{"name":"default"},"spec":{{specJson}}}""")!.AsObject(), baseline: true);

    public static PodView Pod(string ns, string name, string ip, string labels = "", params NamedPort[] ports) =>
        new(ns, name, ip, Labels(labels), ports);

    public static NamespaceView Ns(string name, string labels = "") =>
        new(name, new Dictionary<string, string>(Labels(labels)) { ["kubernetes.io/metadata.name"] = name });

    static Dictionary<string, string> Labels(string labels) =>
        labels.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('=')).ToDictionary(p => p[0], p => p[1]);
}
