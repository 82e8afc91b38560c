namespace Podway.Proxy.Policy;

/// <summary>
/// What the kernel should hold for NetworkPolicy, independent of how it gets there: named sets with their elements,
/// the chains with their rules (the two hooked chains `ingress` and `egress` first), the per-policy drop counters,
/// and which policy a drop is charged to (for the drop log). Built by <see cref="PolicyCompiler"/>, applied by
/// <see cref="PolicySyncer"/>.
/// </summary>
public sealed record PolicyRuleset(
    IReadOnlyDictionary<string, PolicySet> Sets,
    IReadOnlyDictionary<string, IReadOnlyList<string>> Chains,
    IReadOnlyList<string> Counters,
    IReadOnlyList<DropOwner> DropOwners)
{
    /// <summary>The (B)ANP rules with their counters, for the metrics.</summary>
    public IReadOnlyList<AdminRuleCounter> AdminRules { get; init; } = [];
}

/// <summary>A set: Interval sets (ipBlocks, port ranges) are rewritten whole, the others change element by element;
/// a DropLog set is filled by the kernel (dynamic, timeout), never by a sync.</summary>
public sealed record PolicySet(string Type, bool Interval, IReadOnlySet<string> Elements, bool DropLog = false)
{
    public bool SameShape(PolicySet other) => Type == other.Type && Interval == other.Interval && DropLog == other.DropLog;

    public static PolicySet ForDropLog() => new(PolicyNames.DropLogType, false, new HashSet<string>(), DropLog: true);
}

/// <summary>
/// Who a drop is charged to. A NetworkPolicy: drops of traffic to (ingress) or from (egress) these Pod IPs, logged
/// in the shared per-direction set, charged to the first policy selecting the Pod. An (B)ANP Deny rule: the drops
/// its rule counted and logged in its own set.
/// </summary>
public sealed record DropOwner(string PolicyKey, string Direction, string Counter, IReadOnlySet<string> PodIps, string LogSet)
{
    /// <summary>"denied by ..." in the drop log.</summary>
    public string DeniedBy { get; init; } = $"{PolicyKey} and every other policy selecting it";

    /// <summary>A NetworkPolicy's (namespace/name) rather than an (B)ANP rule's: those share the direction's log set.</summary>
    public bool IsNetworkPolicy => LogSet is PolicyNames.IngressDropLog or PolicyNames.EgressDropLog;
}

/// <summary>A rule of an (Baseline)AdminNetworkPolicy and the counter of the packets it decided.</summary>
public sealed record AdminRuleCounter(string Kind, string Policy, string Direction, int Index, string Rule, string Action, string Counter);
