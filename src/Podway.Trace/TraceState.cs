using System.Net;
using System.Text.Json.Nodes;

namespace Podway.Trace;

/// <summary>What the layers learn and hand on to the next: the source, the Service and port chosen, its backends,
/// and where the final connection goes.</summary>
internal sealed class TraceState
{
    public required string Namespace { get; init; }
    public required TraceSource From { get; init; }
    public required TraceTarget To { get; init; }

    /// <summary>The source Pod (null for the host).</summary>
    public JsonObject? SourcePod { get; set; }
    /// <summary>The source's network namespace (null: the host's, this process's own).</summary>
    public string? SourceNetns { get; set; }
    /// <summary>The node whose nftables the packet meets first.</summary>
    public string NodeNetns { get; set; } = "";

    public JsonObject? Service { get; set; }
    public JsonObject? ServicePort { get; set; }
    /// <summary>The address and port the packet is sent to (ClusterIP, Pod IP, edge address) and the protocol.</summary>
    public IPEndPoint? Destination { get; set; }
    public string Protocol { get; set; } = "TCP";
    /// <summary>Backends that should answer: (Pod, Pod IP, port the Pod listens on).</summary>
    public List<Backend> Backends { get; } = [];

    /// <summary>HTTP Host header and TLS server name; null for an address or svc/pod target.</summary>
    public string? HttpHost { get; set; }
    public bool Https { get; set; }
    public string Path { get; set; } = "/";
    /// <summary>Through the edge: the edge's Pods are the packet's destination before the backend.</summary>
    public bool ViaEdge { get; set; }
    public List<JsonObject> EdgePods { get; } = [];
    /// <summary>The port the edge Pods receive on (80, 443 or a Gateway listener's target port).</summary>
    public int EdgeTargetPort { get; set; }
    /// <summary>namespace/name of the LoadBalancer Service the edge address belongs to (its nftables shard).</summary>
    public string? EdgeServiceKey { get; set; }
    /// <summary>The backend Service the edge route picked and its port as the route names it (number or name).</summary>
    public (string Namespace, string Name, string Port)? EdgeBackend { get; set; }
}

internal sealed record Backend(JsonObject? Pod, string Ip, int Port)
{
    public string Name => Pod is null ? Ip : Podway.Api.Json.JsonNodes.Name(Pod);
    public override string ToString() => Pod is null ? $"{Ip}:{Port}" : $"{Name} {Ip}:{Port}";
}
