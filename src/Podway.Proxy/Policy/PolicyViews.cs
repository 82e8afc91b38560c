using System.Text.Json.Nodes;
using Podway.Api.Json;

namespace Podway.Proxy.Policy;

/// <summary>A NetworkPolicy as the compiler needs it (networking.k8s.io/v1, already validated by the API server).</summary>
public sealed record PolicyView(string Namespace, string Name, JsonObject PodSelector, bool Ingress, bool Egress,
    IReadOnlyList<PolicyRuleView> IngressRules, IReadOnlyList<PolicyRuleView> EgressRules)
{
    public string Key => $"{Namespace}/{Name}";

    public static PolicyView From(JsonObject np)
    {
        var spec = np.Obj("spec") ?? new JsonObject();
        var ingress = Rules(spec, "ingress", "from");
        var egress = Rules(spec, "egress", "to");
        var types = (spec.Arr("policyTypes") ?? []).Select(t => t?.GetValue<string>()).ToList();
        // policyTypes omitted: Ingress always, Egress when there are egress rules (the API's defaulting, re-applied here).
        var hasIngress = types.Count == 0 || types.Contains("Ingress");
        var hasEgress = types.Count == 0 ? spec.Arr("egress") is { Count: > 0 } : types.Contains("Egress");
        return new(np.Namespace(), np.Name(), spec.Obj("podSelector") ?? new JsonObject(), hasIngress, hasEgress, ingress, egress);
    }

    static List<PolicyRuleView> Rules(JsonObject spec, string direction, string peersField) =>
        [.. (spec.Arr(direction) ?? []).OfType<JsonObject>().Select(r => new PolicyRuleView(
            r.Arr(peersField) is { Count: > 0 } peers ? [.. peers.OfType<JsonObject>().Select(PeerView.From)] : null,
            [.. (r.Arr("ports") ?? []).OfType<JsonObject>().Select(PortView.From)]))];
}

/// <summary>One ingress/egress rule: Peers null = from/to anywhere; Ports empty = every port and protocol.</summary>
public sealed record PolicyRuleView(IReadOnlyList<PeerView>? Peers, IReadOnlyList<PortView> Ports);

/// <summary>A peer: selectors (null = absent) or an ipBlock.</summary>
public sealed record PeerView(JsonObject? PodSelector, JsonObject? NamespaceSelector, string? Cidr, IReadOnlyList<string> Except)
{
    public static PeerView From(JsonObject p) => p.Obj("ipBlock") is { } block
        ? new(null, null, block.Str("cidr"), [.. (block.Arr("except") ?? []).Select(e => e?.GetValue<string>() ?? "")])
        : new(p.Obj("podSelector"), p.Obj("namespaceSelector"), null, []);
}

/// <summary>A port: Number (with EndPort for a range), a container port Name, or neither (every port of Protocol).</summary>
public sealed record PortView(string Protocol, int? Number, int? EndPort, string? Name)
{
    /// <summary>An AdminNetworkPolicy `namedPort` matches the container port of that name whatever its protocol.</summary>
    public const string AnyProtocol = "*";

    public static PortView From(JsonObject p)
    {
        var protocol = p.Str("protocol") ?? "TCP";
        var endPort = p.Long("endPort") is { } e ? (int)e : (int?)null;
        return p["port"] switch
        {
            JsonValue v when v.TryGetValue<string>(out var name) => int.TryParse(name, out var n) ? new(protocol, n, endPort, null) : new(protocol, null, null, name),
            JsonValue v when v.TryGetValue<long>(out var n) => new(protocol, (int)n, endPort, null),
            _ => new(protocol, null, null, null),
        };
    }
}

/// <summary>A Pod that policies can select: only Pods with an IP of their own (not hostNetwork, not finished).</summary>
public sealed record PodView(string Namespace, string Name, string Ip, IReadOnlyDictionary<string, string> Labels,
    IReadOnlyList<NamedPort> NamedPorts)
{
    public static PodView? From(JsonObject pod)
    {
        var spec = pod.Obj("spec");
        var status = pod.Obj("status");
        if (spec.Bool("hostNetwork") == true || status.Str("phase") is "Succeeded" or "Failed") return null;
        if (status.Str("podIP") is not { Length: > 0 } ip || !System.Net.IPAddress.TryParse(ip, out var addr)
            || addr.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork) return null;
        var ports = new List<NamedPort>();
        foreach (var c in (spec?.Arr("containers") ?? []).OfType<JsonObject>())
            foreach (var p in (c.Arr("ports") ?? []).OfType<JsonObject>())
                if (p.Str("name") is { Length: > 0 } name && p.Long("containerPort") is { } port)
                    ports.Add(new(name, p.Str("protocol") ?? "TCP", (int)port));
        return new(pod.Namespace(), pod.Name(), ip, LabelsOf(pod), ports);
    }

    public static IReadOnlyDictionary<string, string> LabelsOf(JsonObject obj) =>
        (obj.Labels() ?? []).ToDictionary(p => p.Key, p => p.Value?.GetValue<string>() ?? "", StringComparer.Ordinal);
}

public sealed record NamespaceView(string Name, IReadOnlyDictionary<string, string> Labels)
{
    public static NamespaceView From(JsonObject ns) => new(ns.Name(), PodView.LabelsOf(ns));
}

/// <summary>A named container port of a Pod (what a policy's `port: http` resolves to on that Pod).</summary>
public sealed record NamedPort(string Name, string Protocol, int Port);

/// <summary>
/// An AdminNetworkPolicy or the BaselineAdminNetworkPolicy (policy.networking.k8s.io/v1alpha1, already validated):
/// the subject Pods, and per direction rules whose first match decides. Peers and ports map onto the NetworkPolicy
/// views: `namespaces` is a namespaceSelector peer, `pods` a namespaceSelector+podSelector peer (an AND), each of
/// `networks` an ipBlock; `portNumber`/`portRange` a port (range), `namedPort` a named port of any protocol.
/// A subject or peer of a kind this version does not know selects nothing.
/// </summary>
public sealed record AdminPolicyView(string Name, bool Baseline, int Priority, PeerView? Subject,
    IReadOnlyList<AdminRuleView> IngressRules, IReadOnlyList<AdminRuleView> EgressRules)
{
    public string Kind => Baseline ? "BaselineAdminNetworkPolicy" : "AdminNetworkPolicy";

    public static AdminPolicyView From(JsonObject policy, bool baseline)
    {
        var spec = policy.Obj("spec") ?? new JsonObject();
        return new(policy.Name(), baseline, (int)(spec.Long("priority") ?? 0), Peers(spec.Obj("subject")).FirstOrDefault(),
            Rules(spec, "ingress", "from"), Rules(spec, "egress", "to"));
    }

    static List<AdminRuleView> Rules(JsonObject spec, string direction, string peersField) =>
        [.. (spec.Arr(direction) ?? []).OfType<JsonObject>().Select(r => new AdminRuleView(r.Str("name") ?? "", r.Str("action") ?? "Deny",
            new PolicyRuleView([.. (r.Arr(peersField) ?? []).OfType<JsonObject>().SelectMany(Peers)],
                [.. (r.Arr("ports") ?? []).OfType<JsonObject>().Select(Port)])))];

    static IEnumerable<PeerView> Peers(JsonObject? peer)
    {
        if (peer is null) yield break;
        if (peer.Obj("namespaces") is { } namespaces) yield return new(null, namespaces, null, []);
        if (peer.Obj("pods") is { } pods)
            yield return new(pods.Obj("podSelector") ?? new JsonObject(), pods.Obj("namespaceSelector") ?? new JsonObject(), null, []);
        foreach (var cidr in (peer.Arr("networks") ?? []).Select(n => n?.GetValue<string>()).OfType<string>())
            yield return new(null, null, cidr, []);
    }

    static PortView Port(JsonObject port) =>
        port.Obj("portNumber") is { } n ? new(n.Str("protocol") ?? "TCP", (int)(n.Long("port") ?? 0), null, null)
        : port.Obj("portRange") is { } r ? new(r.Str("protocol") ?? "TCP", (int)(r.Long("start") ?? 0), (int)(r.Long("end") ?? 0), null)
        : new(PortView.AnyProtocol, null, null, port.Str("namedPort") ?? "");
}

/// <summary>One rule of an (Baseline)AdminNetworkPolicy: its name, Allow / Deny / Pass, and what it matches.</summary>
public sealed record AdminRuleView(string Name, string Action, PolicyRuleView Match);

/// <summary>The views' JSON, by which PolicyController compares them (without reflection, for the native build).</summary>
[System.Text.Json.Serialization.JsonSerializable(typeof(PolicyView))]
[System.Text.Json.Serialization.JsonSerializable(typeof(PodView))]
[System.Text.Json.Serialization.JsonSerializable(typeof(NamespaceView))]
[System.Text.Json.Serialization.JsonSerializable(typeof(AdminPolicyView))]
internal sealed partial class PolicyViewJson : System.Text.Json.Serialization.JsonSerializerContext;
