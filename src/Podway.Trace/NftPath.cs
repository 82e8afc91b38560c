using System.Text.Json.Nodes;

namespace Podway.Trace;

/// <summary>
/// Where the kernel sends a packet for one address, protocol and port: the verdict map element that matched and
/// the chains it leads to, down to the DNAT targets (the endpoints the proxy chooses among) or a reject/drop.
/// </summary>
internal sealed record NftPath(string Table, string Map, string Element, IReadOnlyList<string> Chains, IReadOnlyList<string> Dnat, string? Final)
{
    public bool Rejects => Final is "reject";
    public bool Drops => Final is "drop";

    /// <summary>Pure: the verdict of the element "ip . proto . port" in a `nft -j list map|table` answer (in the map
    /// named <paramref name="mapName"/>, or any), null when absent.</summary>
    public static string? FindVerdict(JsonArray listing, string ip, string proto, int port, string? mapName = null)
    {
        foreach (var map in listing.OfType<JsonObject>().Select(o => o["map"]).OfType<JsonObject>()
                     .Where(m => mapName is null || (string?)m["name"] == mapName))
            foreach (var elem in (map["elem"] as JsonArray ?? []).OfType<JsonArray>())
            {
                // An element is [key, verdict]; a key with options (timeout, counter) is wrapped in {"elem": {"val": ...}}.
                var key = elem[0] is JsonObject { } k && k["elem"] is JsonObject wrapped ? wrapped["val"] : elem[0];
                if (key?["concat"] is not JsonArray parts || parts.Count != 3) continue;
                if (parts[0]?.ToString() == ip && parts[1]?.ToString() == proto && parts[2]?.ToString() == port.ToString())
                    return VerdictTarget(elem[1]);
            }
        return null;
    }

    /// <summary>`goto:CHAIN`, `jump:CHAIN`, `accept`, `drop`: a verdict expression as text.</summary>
    static string? VerdictTarget(JsonNode? verdict) => verdict switch
    {
        JsonObject o when o["goto"]?["target"] is { } t => "goto:" + t,
        JsonObject o when o["jump"]?["target"] is { } t => "jump:" + t,
        JsonObject o when o.Count == 1 => o.First().Key,
        _ => verdict?.ToString(),
    };

    /// <summary>Pure: one chain's rules (a `nft -j list chain` answer, or the chain's rules in a `list table` answer)
    /// as what they do: chains jumped to, DNAT targets, and a final reject/drop/accept.</summary>
    public static (List<string> Next, List<string> Dnat, string? Final) ReadChain(JsonArray listing, string? chain = null)
    {
        List<string> next = [], dnat = [];
        string? final = null;
        foreach (var rule in listing.OfType<JsonObject>().Select(o => o["rule"]).OfType<JsonObject>()
                     .Where(r => chain is null || (string?)r["chain"] == chain))
            foreach (var expr in (rule["expr"] as JsonArray ?? []).OfType<JsonObject>())
            {
                if (expr["dnat"] is JsonObject d) dnat.Add($"{d["addr"]}:{d["port"]}");
                else if ((expr["goto"] ?? expr["jump"])?["target"]?.ToString() is { } target && target != "mark-for-masquerade") next.Add(target);
                else if (expr.ContainsKey("reject")) final ??= "reject";
                else if (expr.ContainsKey("drop")) final ??= "drop";
            }
        return (next, dnat, final);
    }

    /// <summary>Reads the path from the kernel of <paramref name="netns"/>: the Service's shard map, else the main
    /// table's no-endpoint map, then every chain the verdict leads to (a few levels: external → service → endpoint).
    /// One `nft list table` each: a shard holds ~1/16 of the Services, and one process is most of the cost.</summary>
    public static NftPath? Read(string netns, string mainTable, string shardTable, string ip, string proto, int port)
    {
        foreach (var (table, map) in new[] { (shardTable, "service-ips"), (mainTable, "no-endpoint-services") })
        {
            var listing = NftReader.ListTable(netns, table);
            if (listing is null || FindVerdict(listing, ip, proto, port, map) is not { } verdict) continue;
            var chains = new List<string>();
            var dnat = new List<string>();
            string? final = verdict.Contains(':') ? null : verdict;
            var queue = new Queue<string>(verdict.Contains(':') ? [verdict[(verdict.IndexOf(':') + 1)..]] : []);
            while (queue.Count > 0 && chains.Count < 8)
            {
                var chain = queue.Dequeue();
                chains.Add(chain);
                var (next, targets, end) = ReadChain(listing, chain);
                dnat.AddRange(targets.Where(t => !dnat.Contains(t)));
                final ??= end;
                foreach (var n in next) if (!chains.Contains(n)) queue.Enqueue(n);
            }
            return new NftPath(table, map, $"{ip} . {proto} . {port} : {verdict.Replace(":", " ")}", chains, dnat, final);
        }
        return null;
    }
}
