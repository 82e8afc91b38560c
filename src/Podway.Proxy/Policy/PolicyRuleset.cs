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
    IReadOnlyList<DropOwner> DropOwners);

/// <summary>A set: Interval sets (ipBlocks, port ranges) are rewritten whole, the others change element by element.</summary>
public sealed record PolicySet(string Type, bool Interval, IReadOnlySet<string> Elements)
{
    public bool SameShape(PolicySet other) => Type == other.Type && Interval == other.Interval;
}

/// <summary>Drops of traffic to (ingress) or from (egress) these Pod IPs are counted against this policy first.</summary>
public sealed record DropOwner(string PolicyKey, string Direction, string Counter, IReadOnlySet<string> PodIps);
