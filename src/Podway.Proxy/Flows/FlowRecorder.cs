using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Podway.Proxy.Nft;

namespace Podway.Proxy.Flows;

/// <summary>What the recorder needs to know of its node and to name what it sees.</summary>
public sealed record FlowRecorderOptions
{
    public required string NodeName { get; init; }
    /// <summary>The cluster's proxy table name (`podway-&lt;cluster&gt;`); the recorder's own is `&lt;it&gt;-flows`.</summary>
    public required string ProxyTable { get; init; }
    /// <summary>The node's own addresses: its connections (probes, the agent's API calls) are not Pod flows.</summary>
    public required IReadOnlySet<string> NodeAddresses { get; init; }
    public Func<string, string?> PodAt { get; init; } = _ => null;
    public Func<string, int, string, string?> ServiceAt { get; init; } = (_, _, _) => null;
    /// <summary>The Service port whose chain set this packet mark (<see cref="Rules.ProxyNames.ServiceMark"/>) and that
    /// has the endpoint ip:port: the Service a connection dropped after DNAT was addressed to.</summary>
    public Func<uint, string, int, string, string?> ServiceMarked { get; init; } = (_, _, _, _) => null;
    /// <summary>Who dropped a packet, from the NFLOG prefix of the policy rule that did (its counter's name).</summary>
    public Func<string, string?> DropReason { get; init; } = _ => null;
    public int Capacity { get; init; } = 4096;
    /// <summary>The network namespace to watch (by its /run/netns name); null for the caller's (the agent runs in its node's).</summary>
    public string? Netns { get; init; }
    public Action<string>? Log { get; init; }
}

/// <summary>
/// The node's flow log (Hubble's observe, from the kernel): forwarded connections from ctnetlink's NEW events (so
/// with the Service asked for and the endpoint chosen), drops from the NFLOG statements of the policy table's drop
/// rules (the prefix names the policy), rejections from the proxy's reject chain, and DNS questions from the flows
/// table's own NFLOG rule on UDP port 53. Kept in a ring (<see cref="FlowRing"/>); counted per verdict for /metrics.
/// </summary>
public sealed class FlowRecorder(FlowRecorderOptions options, INftables? nftables = null)
{
    /// <summary>The NFLOG group of every podway log statement (per network namespace, so one per node).</summary>
    public const ushort NflogGroup = 2187;
    public const string DnsPrefix = "pw-dns", RejectPrefix = "pw-reject";
    /// <summary>A retransmitted SYN is the same attempt: drops and rejections of one 5-tuple count once in this window.</summary>
    static readonly TimeSpan RepeatWindow = TimeSpan.FromSeconds(5);

    /// <summary>`log prefix "P" group G` for a rule, the statement the recorder hears.</summary>
    public static string LogStatement(string prefix) => $"log prefix \"{prefix}\" group {NflogGroup}";

    readonly INftables _nft = nftables ?? new RealNftables(options.Netns);
    readonly ConcurrentDictionary<string, long> _counts = new(StringComparer.Ordinal);
    readonly ConcurrentDictionary<string, DateTimeOffset> _recent = new(StringComparer.Ordinal);

    public FlowRing Ring { get; } = new(options.Capacity);
    public string Table => $"{options.ProxyTable}-flows";

    public async Task RunAsync(CancellationToken ct)
    {
        try { await InstallTableAsync(ct); }
        catch (NftException e) { options.Log?.Invoke($"flows: no DNS questions in the flow log: {e.Message}"); }
        var nflog = Task.Factory.StartNew(() => Read("drops, rejections and DNS questions", () => new NflogSocket(NflogGroup), s => s.Receive(500), OnLogged, ct),
            ct, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        var conntrack = Task.Factory.StartNew(() => Read("forwarded connections", () => new ConntrackEvents(), s => s.Receive(500), OnConnection, ct),
            ct, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        try { await Task.WhenAll(nflog, conntrack); }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
    }

    /// <summary>After the policy chains (priority 0 and 1), so a question a policy drops shows as the drop alone.</summary>
    async Task InstallTableAsync(CancellationToken ct)
    {
        // add is idempotent, so a restarted agent's batch (add, flush, fill) replaces its predecessor's rule.
        var tx = new NftTransaction("ip", Table);
        tx.AddTable(comment: "podway flow log: DNS questions");
        tx.AddChain("dns-questions", new BaseChain("filter", "forward", 10));
        tx.FlushChain("dns-questions");
        tx.AddRule("dns-questions", $"udp dport 53 {LogStatement(DnsPrefix)} snaplen 512");
        await _nft.RunAsync(tx, ct);
    }

    /// <summary>One netlink socket read on a thread of its own until the end (a socket belongs to the namespace its thread was in when it was made).</summary>
    void Read<TSocket, TItem>(string what, Func<TSocket> open, Func<TSocket, IReadOnlyList<TItem>> receive, Action<TItem> handle, CancellationToken ct)
        where TSocket : IDisposable
    {
        TSocket socket;
        try { if (options.Netns is { } netns) NetnsThread.Enter(netns); socket = open(); }
        catch (IOException e) { options.Log?.Invoke($"flows: no {what} in the flow log: {e.Message}"); return; }
        using (socket)
            while (!ct.IsCancellationRequested)
            {
                try { foreach (var item in receive(socket)) handle(item); }
                catch (IOException e) { options.Log?.Invoke($"flows: reading {what} failed: {e.Message}"); Thread.Sleep(1000); }
            }
    }

    internal void OnLogged(NflogPacket packet)
    {
        if (PacketHeaders.Parse(packet.Payload) is not { } h) return;
        var now = DateTimeOffset.UtcNow;
        if (packet.Prefix == DnsPrefix)
        {
            if (PacketHeaders.DnsQuestion(packet.Payload) is not { } q || IsNode(h.Source)) return;
            if (Repeated($"dns {h.Source}:{h.SourcePort} {q.Type} {q.Name}", now, TimeSpan.FromSeconds(1))) return;
            Record(FlowRecord.Forwarded, null, h, now, dnsQuery: $"{q.Type} {q.Name}");
            return;
        }
        var rejected = packet.Prefix == RejectPrefix;
        var verdict = rejected ? FlowRecord.Rejected : FlowRecord.Dropped;
        if (Repeated($"{verdict} {h.Protocol} {h.Source}:{h.SourcePort} {h.Destination}:{h.DestinationPort}", now, RepeatWindow)) return;
        var reason = rejected
            ? "no endpoints: the Service has no ready endpoint for this port (or does not serve it)"
            : options.DropReason(packet.Prefix) ?? $"a policy since changed ({packet.Prefix})";
        var service = packet.Mark & Rules.ProxyNames.ServiceMarkMask;
        Record(verdict, reason, h, now,
            addressed: service == 0 ? null : options.ServiceMarked(service, h.Destination, h.DestinationPort, h.Protocol));
    }

    internal void OnConnection(ConntrackNew c)
    {
        if (IsNode(c.Source) || IsNode(c.Destination) || c.Protocol is not ("tcp" or "udp" or "sctp" or "icmp")) return;
        var dnat = c.ReplySource != c.Destination || c.ReplySourcePort != c.DestinationPort;
        Count(FlowRecord.Forwarded);
        Ring.Add(seq => new FlowRecord
        {
            Seq = seq, Time = DateTimeOffset.UtcNow, Node = options.NodeName, Verdict = FlowRecord.Forwarded, Protocol = c.Protocol,
            SourceIp = c.Source, SourcePort = c.SourcePort, SourcePod = options.PodAt(c.Source),
            DestinationIp = c.Destination, DestinationPort = c.DestinationPort,
            Service = dnat ? options.ServiceAt(c.Destination, c.DestinationPort, c.Protocol) : null,
            BackendIp = dnat ? c.ReplySource : null, BackendPort = dnat ? c.ReplySourcePort : 0,
            DestinationPod = options.PodAt(c.ReplySource),
        });
    }

    /// <param name="addressed">The Service the packet was addressed to before DNAT (its destination is the endpoint).</param>
    void Record(string verdict, string? reason, PacketHeaders h, DateTimeOffset now, string? dnsQuery = null, string? addressed = null)
    {
        Count(dnsQuery is null ? verdict : "dns");
        Ring.Add(seq => new FlowRecord
        {
            Seq = seq, Time = now, Node = options.NodeName, Verdict = verdict, Reason = reason, Protocol = h.Protocol,
            SourceIp = h.Source, SourcePort = h.SourcePort, SourcePod = options.PodAt(h.Source),
            DestinationIp = h.Destination, DestinationPort = h.DestinationPort,
            Service = addressed ?? options.ServiceAt(h.Destination, h.DestinationPort, h.Protocol),
            DestinationPod = options.PodAt(h.Destination), DnsQuery = dnsQuery,
        });
    }

    bool IsNode(string ip) => options.NodeAddresses.Contains(ip);

    bool Repeated(string key, DateTimeOffset now, TimeSpan window)
    {
        if (_recent.TryGetValue(key, out var last) && now - last < window) return true;
        _recent[key] = now;
        if (_recent.Count > 4 * options.Capacity)
            foreach (var (k, t) in _recent) if (now - t >= window) _recent.TryRemove(k, out _);
        return false;
    }

    void Count(string verdict) => _counts.AddOrUpdate(verdict, 1, (_, n) => n + 1);

    /// <summary>GET /flows?since=N on the kubelet: the node's flows after N as JSON.</summary>
    public string Json(long afterSeq)
    {
        var (flows, last) = Ring.Since(afterSeq);
        return JsonSerializer.Serialize(new FlowPage(options.NodeName, last, flows), FlowPageJson.Default.FlowPage);
    }

    /// <summary>Prometheus text: flows seen per verdict (and DNS questions), since the agent started.</summary>
    public void WriteMetrics(StringBuilder sb)
    {
        sb.Append("# HELP podway_flows_total Connections the node's flow log recorded, by verdict (dns: DNS questions)\n");
        sb.Append("# TYPE podway_flows_total counter\n");
        foreach (var verdict in new[] { FlowRecord.Forwarded, FlowRecord.Dropped, FlowRecord.Rejected, "dns" })
            sb.Append($"podway_flows_total{{verdict=\"{verdict}\"}} {_counts.GetValueOrDefault(verdict)}\n");
    }
}

/// <summary>The kubelet's /flows answer: the node, the last sequence number, the flows after the one asked for.</summary>
internal sealed record FlowPage(string Node, long Last, IReadOnlyList<FlowRecord> Flows);

[System.Text.Json.Serialization.JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web,
    DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingDefault)]
[System.Text.Json.Serialization.JsonSerializable(typeof(FlowPage))]
internal sealed partial class FlowPageJson : System.Text.Json.Serialization.JsonSerializerContext;
