using System.Net;
using System.Security.Cryptography.X509Certificates;

namespace Podway.Node.Streaming;

/// <summary>Where the kubelet's server listens, what it serves TLS with, and whom it lets in.</summary>
public sealed record KubeletServerOptions
{
    /// <summary>The API server's user as kubeadm names its kubelet client certificate.</summary>
    public const string ApiServerUser = "kube-apiserver-kubelet-client";

    /// <summary>In production the node IP (inside the node's network namespace).</summary>
    public required IPAddress Address { get; init; }
    /// <summary>10250 like the kubelet; 0 picks a free port (see KubeletServer.Port).</summary>
    public int Port { get; init; } = 10250;
    /// <summary>The kubelet's serving certificate with its key (signed by the cluster CA for the node IP).</summary>
    public required X509Certificate2 ServingCertificate { get; init; }
    /// <summary>Client certificates must chain to this CA (the kubelet's --client-ca-file).</summary>
    public required X509Certificate2 ClientCertificateAuthority { get; init; }
    /// <summary>Common names of client certificates allowed every kubelet API (the rest get 403, as the kubelet's authorizer answers).</summary>
    public IReadOnlySet<string> AuthorizedUsers { get; init; } = new HashSet<string> { ApiServerUser };
    /// <summary>Serves GET /metrics/resource when set.</summary>
    public IResourceMetricsSource? ResourceMetrics { get; init; }
    /// <summary>Serves GET /flows?since=N (the node's flow log after flow N, as JSON) when set.</summary>
    public Func<long, string>? Flows { get; init; }
}
