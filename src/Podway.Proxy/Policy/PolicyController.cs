using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Podway.Api.Resources;
using Podway.Client;
using Podway.Proxy.Nft;

namespace Podway.Proxy.Policy;

/// <summary>
/// NetworkPolicy enforcement of one node: watches NetworkPolicies, AdminNetworkPolicies, the
/// BaselineAdminNetworkPolicy, Pods and Namespaces, compiles them
/// (<see cref="PolicyCompiler"/>) and keeps the node's table `ip podway-&lt;cluster&gt;-policy` in step
/// (<see cref="PolicySyncer"/>): a full sync on start and after a failure, partial syncs of only what changed, at
/// most once per MinSyncInterval. Reads the drop counters and drop-log sets (<see cref="DropLog"/>) between syncs.
/// </summary>
public sealed class PolicyController
{
    readonly ApiClient _client;
    readonly PolicySyncer _syncer;
    readonly IReadOnlyList<string> _nodeAddresses;
    readonly PolicyControllerOptions _options;
    readonly SemaphoreSlim _wake = new(0, int.MaxValue);
    readonly ConcurrentDictionary<string, PolicyView> _policies = new(StringComparer.Ordinal);
    readonly ConcurrentDictionary<string, AdminPolicyView> _adminPolicies = new(StringComparer.Ordinal);
    readonly ConcurrentDictionary<string, PodView> _pods = new(StringComparer.Ordinal);
    readonly ConcurrentDictionary<string, NamespaceView> _namespaces = new(StringComparer.Ordinal);
    long _syncs;

    public PolicyController(ApiClient client, string proxyTable, IReadOnlyList<string> nodeAddresses, PolicyControllerOptions options)
    {
        _client = client;
        _nodeAddresses = nodeAddresses;
        _options = options;
        Nftables = options.Nftables ?? new RealNftables();
        _syncer = new PolicySyncer(Nftables, PolicyNames.TableFor(proxyTable));
        DropLog = new DropLog(Nftables as RealNftables, _syncer.Table, options.Log);
    }

    INftables Nftables { get; }
    public DropLog DropLog { get; }
    /// <summary>Successful syncs so far.</summary>
    public long SyncCount => Interlocked.Read(ref _syncs);
    public PolicyRuleset? Applied { get; private set; }

    /// <summary>"namespace/name" of the Pod with this IP, for the flow log.</summary>
    public string? PodAt(string ip) => _pods.Values.FirstOrDefault(p => p.Ip == ip) is { } pod ? $"{pod.Namespace}/{pod.Name}" : null;

    /// <summary>Who a drop counted by this counter is charged to, in the flow log's words.</summary>
    public string? DropReason(string counter) => Applied?.DropOwners.FirstOrDefault(o => o.Counter == counter) is { } o
        ? o.IsNetworkPolicy ? $"NetworkPolicy {o.PolicyKey} ({o.Direction}: no rule of a policy selecting the Pod allows it)" : $"{o.DeniedBy}"
        : null;

    public async Task RunAsync(CancellationToken ct)
    {
        var log = new InformerOptions { Log = _options.Log };
        var policies = new Informer(_client, BuiltinResources.NetworkPolicy, log);
        var pods = new Informer(_client, BuiltinResources.Pod, log);
        var namespaces = new Informer(_client, BuiltinResources.Namespace, log);
        var adminPolicies = new Informer(_client, BuiltinResources.AdminNetworkPolicy, log);
        var baselinePolicies = new Informer(_client, BuiltinResources.BaselineAdminNetworkPolicy, log);
        Watch(policies, _policies, o => PolicyView.From(o));
        Watch(pods, _pods, PodView.From);
        Watch(namespaces, _namespaces, o => NamespaceView.From(o));
        // One map for both kinds: the key carries the kind (both are cluster-scoped, names may repeat).
        Watch(adminPolicies, _adminPolicies, o => AdminPolicyView.From(o, baseline: false), "anp/");
        Watch(baselinePolicies, _adminPolicies, o => AdminPolicyView.From(o, baseline: true), "banp/");

        Informer[] informers = [policies, pods, namespaces, adminPolicies, baselinePolicies];
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var running = Task.WhenAll(informers.Select(i => i.RunAsync(stop.Token)));
        try
        {
            await Task.WhenAll(informers.Select(i => i.WaitForSyncAsync(ct)));
            await SyncLoopAsync(ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
        finally
        {
            stop.Cancel();
            try { await running; } catch (OperationCanceledException) { }
        }
    }

    /// <summary>Keeps a slim view per object; a change that leaves the view equal (status noise) wakes nothing.</summary>
    void Watch<T>(Informer informer, ConcurrentDictionary<string, T> views, Func<JsonObject, T?> view, string keyPrefix = "") where T : class
    {
        void Set(JsonObject o)
        {
            var key = keyPrefix + ObjectMeta.Key(o);
            var v = view(o);
            var before = views.GetValueOrDefault(key);
            if (v is null) { if (views.TryRemove(key, out _)) _wake.Release(); return; }
            if (before is not null && SameView(before, v)) return;
            views[key] = v;
            _wake.Release();
        }
        informer.AddEventHandler(onAdd: Set, onUpdate: (_, n) => Set(n),
            onDelete: o => { if (views.TryRemove(keyPrefix + ObjectMeta.Key(o), out _)) _wake.Release(); });
    }

    /// <summary>Records hold selectors and lists, so equality is by their JSON.</summary>
    static bool SameView<T>(T a, T b) =>
        System.Text.Json.JsonSerializer.Serialize(a, typeof(T), PolicyViewJson.Default) ==
        System.Text.Json.JsonSerializer.Serialize(b, typeof(T), PolicyViewJson.Default);

    async Task SyncLoopAsync(CancellationToken ct)
    {
        var lastSync = DateTimeOffset.MinValue;
        var lastPoll = DateTimeOffset.UtcNow;
        var retry = true; // the first pass is the full sync
        while (!ct.IsCancellationRequested)
        {
            // Read the drop counters and log now and then, even while changes keep coming.
            if (DateTimeOffset.UtcNow - lastPoll >= _options.DropLogInterval)
            {
                lastPoll = DateTimeOffset.UtcNow;
                try { await DropLog.PollAsync(Applied, ct); }
                catch (Exception e) when (e is IOException or System.Text.Json.JsonException or InvalidOperationException or KeyNotFoundException)
                {
                    _options.Log?.Invoke($"policy: reading drop counters failed: {e.Message}");
                }
            }
            if (!retry && !await _wake.WaitAsync(_options.DropLogInterval, ct)) continue;
            var wait = lastSync + _options.MinSyncInterval - DateTimeOffset.UtcNow;
            if (wait > TimeSpan.Zero) await Task.Delay(wait, ct);
            while (_wake.CurrentCount > 0) _wake.Wait(0);
            lastSync = DateTimeOffset.UtcNow;
            retry = !await SyncOnceAsync(ct);
            if (retry) await Task.Delay(_options.MinSyncInterval * 5, ct);
        }
    }

    /// <summary>Prometheus text: drops per policy and direction (from the nft counters), and syncs.</summary>
    public void WriteMetrics(System.Text.StringBuilder sb)
    {
        sb.Append("# HELP podway_networkpolicy_dropped_packets_total Packets dropped by NetworkPolicy, charged to the first policy in the drop chain selecting the Pod\n");
        sb.Append("# TYPE podway_networkpolicy_dropped_packets_total counter\n");
        var counters = DropLog.Counters;
        foreach (var owner in DropLog.Owners.Where(o => o.IsNetworkPolicy))
        {
            var (ns, name) = (owner.PolicyKey[..owner.PolicyKey.IndexOf('/')], owner.PolicyKey[(owner.PolicyKey.IndexOf('/') + 1)..]);
            var packets = counters.TryGetValue(owner.Counter, out var c) ? c.Packets : 0;
            sb.Append($"podway_networkpolicy_dropped_packets_total{{namespace=\"{ns}\",policy=\"{name}\",direction=\"{owner.Direction}\"}} {packets}\n");
        }
        sb.Append("# HELP podway_adminnetworkpolicy_rule_packets_total Packets an AdminNetworkPolicy or BaselineAdminNetworkPolicy rule decided (accepted, dropped or passed on)\n");
        sb.Append("# TYPE podway_adminnetworkpolicy_rule_packets_total counter\n");
        foreach (var rule in DropLog.AdminRules)
        {
            var packets = counters.TryGetValue(rule.Counter, out var c) ? c.Packets : 0;
            sb.Append($"podway_adminnetworkpolicy_rule_packets_total{{kind=\"{rule.Kind}\",policy=\"{rule.Policy}\",direction=\"{rule.Direction}\",rule=\"{rule.Index}\",name=\"{Escape(rule.Rule)}\",action=\"{rule.Action}\"}} {packets}\n");
        }
        sb.Append("# HELP podway_networkpolicy_syncs_total Successful syncs of the NetworkPolicy table\n# TYPE podway_networkpolicy_syncs_total counter\n");
        sb.Append($"podway_networkpolicy_syncs_total {SyncCount}\n");
    }

    /// <summary>A Prometheus label value: backslash, quote and newline escaped (rule names are free text).</summary>
    static string Escape(string value) => value.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\n", "\\n");

    internal async Task<bool> SyncOnceAsync(CancellationToken ct)
    {
        var ruleset = PolicyCompiler.Compile(_policies.Values, [.. _pods.Values], _namespaces.Values, _nodeAddresses, _adminPolicies.Values);
        try
        {
            var (ops, full, took) = await _syncer.SyncAsync(ruleset, ct);
            Applied = ruleset;
            Interlocked.Increment(ref _syncs);
            if (ops > 0)
                _options.Log?.Invoke($"policy: {(full ? "full" : "partial")} sync of {_policies.Count} policies and {_adminPolicies.Count} admin policies, {ops} nft operations in {took.TotalMilliseconds:F0} ms");
            return true;
        }
        catch (Exception e) when (e is NftException or IOException or InvalidOperationException)
        {
            _syncer.Invalidate();
            _options.Log?.Invoke($"policy: sync failed, the next one is full: {e.Message}");
            return false;
        }
    }
}

public sealed record PolicyControllerOptions
{
    public TimeSpan MinSyncInterval { get; init; } = TimeSpan.FromMilliseconds(100);
    /// <summary>How often drop counters and the drop log are read when nothing changes.</summary>
    public TimeSpan DropLogInterval { get; init; } = TimeSpan.FromSeconds(1);
    /// <summary>The kernel (`nft` in the current network namespace) when null.</summary>
    public INftables? Nftables { get; init; }
    public Action<string>? Log { get; init; }
}
