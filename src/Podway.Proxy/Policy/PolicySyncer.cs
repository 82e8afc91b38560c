using System.Diagnostics;
using System.Text.RegularExpressions;
using Podway.Proxy.Nft;
using static Podway.Proxy.Policy.PolicyNames;

namespace Podway.Proxy.Policy;

/// <summary>
/// Brings the policy table to a <see cref="PolicyRuleset"/>: a full sync (table replaced in one transaction) first
/// and after any failure, otherwise a partial sync of only the differences to what was applied: set elements added
/// and deleted (interval sets rewritten whole), chains whose rules changed flushed and rewritten, new policy objects
/// added and gone ones deleted after the hooked chains stop jumping to them. All in one atomic transaction.
/// The dispatch chains (<see cref="PolicyNames.IsDispatch"/>) are never rewritten: a policy's jump and drops are
/// appended, and deleted by their kernel handles (read back with `nft -a list chain` after rules were added), so
/// one policy change costs the same number of operations whatever the number of policies. (Without handles, e.g.
/// an nftables that cannot list, the chain is flushed and rewritten.)
/// </summary>
public sealed partial class PolicySyncer(INftables nft, string table)
{
    /// <summary>How long a drop stays in the drop-log sets (one log line per flow and window).</summary>
    public const int DropLogSeconds = 60;

    PolicyRuleset? _applied;
    /// <summary>Dispatch chain -> rule -> its kernel handle.</summary>
    readonly Dictionary<string, Dictionary<string, long>> _handles = new(StringComparer.Ordinal);
    /// <summary>The dispatch rules the transaction being built adds.</summary>
    readonly List<(string Chain, string Rule)> _adding = [];

    public string Table => table;

    /// <summary>Applies the ruleset; returns the number of nft operations sent (0: nothing changed).</summary>
    /// <exception cref="NftException">nft refused it; nothing of it applied and the next sync is a full one.</exception>
    public async Task<(int Operations, bool Full, TimeSpan Took)> SyncAsync(PolicyRuleset desired, CancellationToken ct)
    {
        var sw = Stopwatch.StartNew();
        var tx = new NftTransaction("ip", table);
        var full = _applied is null;
        _adding.Clear();
        if (full) { _handles.Clear(); WriteFull(tx, desired); } else WritePartial(tx, _applied!, desired);
        if (tx.Operations > 0)
        {
            _applied = null; // a failure leaves the kernel as it was, but we no longer trust our picture of it
            await nft.RunAsync(tx, ct);
            await LearnHandlesAsync(ct);
        }
        _applied = desired;
        return (tx.Operations, full, sw.Elapsed);
    }

    /// <summary>Forgets what was applied: the next sync replaces the table.</summary>
    public void Invalidate() => _applied = null;

    void WriteFull(NftTransaction tx, PolicyRuleset r)
    {
        tx.AddTable("podway network policy");
        tx.DeleteTable();
        tx.AddTable("podway network policy");
        foreach (var c in r.Counters) tx.AddCounter(c);
        foreach (var (name, set) in r.Sets) AddSet(tx, name, set);
        foreach (var (name, _) in r.Chains.Where(c => !IsHooked(c.Key))) tx.AddChain(name);
        foreach (var (name, rules) in r.Chains.Where(c => !IsHooked(c.Key))) foreach (var rule in rules) AddRule(tx, name, rule);
        foreach (var (name, rules) in r.Chains.Where(c => IsHooked(c.Key)))
        {
            tx.AddChain(name, Hook(name));
            foreach (var rule in rules) tx.AddRule(name, rule);
        }
    }

    void WritePartial(NftTransaction tx, PolicyRuleset old, PolicyRuleset r)
    {
        foreach (var c in r.Counters.Except(old.Counters)) tx.AddCounter(c);
        foreach (var (name, set) in r.Sets)
        {
            if (!old.Sets.TryGetValue(name, out var before)) { AddSet(tx, name, set); continue; }
            if (!before.SameShape(set)) throw new InvalidOperationException($"set {name} changed its type; names encode the type");
            if (set.DropLog) continue; // the kernel's to fill
            if (set.Interval)
            {
                // Interval elements may merge differently; rewriting the (small, policy-defined) set avoids overlaps.
                if (before.Elements.SetEquals(set.Elements)) continue;
                tx.FlushSet(name, false);
                foreach (var e in set.Elements) tx.AddElement(name, e);
                continue;
            }
            foreach (var e in before.Elements.Except(set.Elements)) tx.DeleteElement(name, e);
            foreach (var e in set.Elements.Except(before.Elements)) tx.AddElement(name, e);
        }
        foreach (var (name, _) in r.Chains.Where(c => !old.Chains.ContainsKey(c.Key))) tx.AddChain(name);
        // Policy chains before the dispatch and hooked chains that jump to them.
        foreach (var (name, rules) in r.Chains.OrderBy(c => IsHooked(c.Key) || IsDispatch(c.Key)))
        {
            var before = old.Chains.GetValueOrDefault(name);
            if (before is not null && before.SequenceEqual(rules)) continue;
            var handles = _handles.GetValueOrDefault(name);
            if (before is not null && IsDispatch(name) && before.Except(rules).All(rule => handles?.ContainsKey(rule) == true))
            {
                foreach (var gone in before.Except(rules)) { tx.DeleteRule(name, handles![gone]); handles.Remove(gone); }
                foreach (var rule in rules.Except(before)) AddRule(tx, name, rule);
                continue;
            }
            if (before is not null) { tx.FlushChain(name); _handles.Remove(name); }
            foreach (var rule in rules) AddRule(tx, name, rule);
        }
        foreach (var name in old.Chains.Keys.Where(c => !r.Chains.ContainsKey(c)))
        {
            tx.FlushChain(name);
            tx.DeleteChain(name);
        }
        foreach (var name in old.Sets.Keys.Where(s => !r.Sets.ContainsKey(s))) tx.DeleteSet(name, false);
        foreach (var c in old.Counters.Except(r.Counters)) tx.DeleteCounter(c);
    }

    void AddRule(NftTransaction tx, string chain, string rule)
    {
        tx.AddRule(chain, rule);
        if (IsDispatch(chain)) _adding.Add((chain, rule));
    }

    /// <summary>Reads the handles of the dispatch rules just added from the chains they went to. A rule is known by
    /// its policy's target set and whether it logs (a policy has one jump and two drops per direction), which nft's
    /// listing shows as written. A chain whose rules cannot all be paired is rewritten next time.</summary>
    async Task LearnHandlesAsync(CancellationToken ct)
    {
        foreach (var chain in _adding.Select(a => a.Chain).Distinct().ToList())
        {
            var listing = await nft.ListChainWithHandlesAsync("ip", table, chain, ct);
            var byKey = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (Match m in ListedRule().Matches(listing ?? ""))
                byKey[RuleKey(m.Groups[1].Value)] = long.Parse(m.Groups[2].Value);
            var handles = _handles.GetValueOrDefault(chain) ?? (_handles[chain] = new(StringComparer.Ordinal));
            foreach (var (_, rule) in _adding.Where(a => a.Chain == chain))
            {
                if (byKey.TryGetValue(RuleKey(rule), out var handle)) handles[rule] = handle;
                else { _handles.Remove(chain); break; }
            }
        }
    }

    static string RuleKey(string rule) => TargetSet().Match(rule).Value + (rule.Contains("update @") ? " logs" : "");

    [GeneratedRegex(@"^\s*(.*\S) # handle (\d+)$", RegexOptions.Multiline)]
    private static partial Regex ListedRule();

    [GeneratedRegex(@"@np[0-9a-f]{8}-pods")]
    private static partial Regex TargetSet();

    static void AddSet(NftTransaction tx, string name, PolicySet set)
    {
        if (set.DropLog) { tx.AddSet(name, set.Type, flags: "dynamic,timeout", timeoutSeconds: DropLogSeconds); return; }
        tx.AddSet(name, set.Type, flags: set.Interval ? "interval" : null);
        foreach (var e in set.Elements) tx.AddElement(name, e);
    }

    static bool IsHooked(string chain) => chain is IngressChain or EgressChain;

    static BaseChain Hook(string chain) =>
        new("filter", "forward", chain == IngressChain ? IngressPriority : EgressPriority);
}
