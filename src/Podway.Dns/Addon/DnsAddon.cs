using System.Net;
using System.Text.Json.Nodes;
using Podway.Api.Resources;
using Podway.Client;
using Podway.Client.Addons;

namespace Podway.Dns.Addon;

/// <summary>
/// The cluster DNS add-on as a real cluster has it (CoreDNS's kube-dns Service and Deployment in kube-system), with
/// podway's DNS program as the image: what the control plane ensures at start.
/// </summary>
public static class DnsAddon
{
    public const string Namespace = "kube-system";
    public const string ServiceName = "kube-dns", DeploymentName = "podway-dns", SecretName = "podway-dns";
    public const string ClusterIP = "10.96.0.10", Image = "podway/dns";
    public const int ReadyPort = 8181, HealthPort = 8080, MetricsPort = 9153;

    static JsonObject Labels() => new() { ["k8s-app"] = "kube-dns", ["kubernetes.io/name"] = "PodwayDNS" };

    /// <summary>Secret with the DNS Pods' API token, Service kube-dns (10.96.0.10) and Deployment podway-dns, in creation order.</summary>
    /// <param name="nodeResolver">Where the DNS Pods forward names outside the cluster: the host relay on the bridge (see <see cref="Relay.HostDnsRelay"/>).</param>
    public static IReadOnlyList<JsonObject> Objects(string apiServerUrl, string token, IPAddress nodeResolver) =>
    [
        AddonApiAccess.TokenSecret(SecretName, Namespace, Labels(), token),
        new JsonObject
        {
            ["apiVersion"] = "v1", ["kind"] = "Service",
            ["metadata"] = new JsonObject { ["name"] = ServiceName, ["namespace"] = Namespace, ["labels"] = Labels() },
            ["spec"] = new JsonObject
            {
                ["selector"] = new JsonObject { ["k8s-app"] = "kube-dns" },
                ["clusterIP"] = ClusterIP,
                ["clusterIPs"] = new JsonArray(ClusterIP),
                ["ports"] = new JsonArray(
                    Port("dns", 53, "UDP"), Port("dns-tcp", 53, "TCP"), Port("metrics", MetricsPort, "TCP")),
            },
        },
        new JsonObject
        {
            ["apiVersion"] = "apps/v1", ["kind"] = "Deployment",
            ["metadata"] = new JsonObject { ["name"] = DeploymentName, ["namespace"] = Namespace, ["labels"] = Labels() },
            ["spec"] = new JsonObject
            {
                ["replicas"] = 2,
                ["selector"] = new JsonObject { ["matchLabels"] = new JsonObject { ["k8s-app"] = "kube-dns" } },
                ["template"] = new JsonObject
                {
                    ["metadata"] = new JsonObject { ["labels"] = Labels() },
                    ["spec"] = new JsonObject
                    {
                        // Like CoreDNS: the DNS Pods resolve through the node's resolvers, not through themselves.
                        ["dnsPolicy"] = "Default",
                        ["containers"] = new JsonArray(new JsonObject
                        {
                            ["name"] = "dns",
                            ["image"] = Image,
                            // The cluster network has no route off this machine (by design: no packet for a cluster
                            // address leaves it), so the Pods do not ask the host's resolvers themselves: they ask the
                            // host relay on the bridge, which asks them from the host's own sockets (CoreDNS's
                            // `forward . /etc/resolv.conf` with kind's node resolver). It answers SERVFAIL at once when
                            // the host has no resolvers, within its budget when they are silent; we wait a little longer.
                            ["args"] = new JsonArray("--upstream", nodeResolver.ToString(),
                                "--forward-budget", Relay.HostDnsRelay.ClientBudget.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                            ["ports"] = new JsonArray(
                                ContainerPort("dns", 53, "UDP"), ContainerPort("dns-tcp", 53, "TCP"), ContainerPort("metrics", MetricsPort, "TCP")),
                            ["env"] = new JsonArray(AddonApiAccess.Env(apiServerUrl, SecretName)),
                            ["readinessProbe"] = new JsonObject
                            {
                                ["httpGet"] = new JsonObject { ["path"] = "/ready", ["port"] = ReadyPort, ["scheme"] = "HTTP" },
                                ["periodSeconds"] = 2,
                            },
                            ["livenessProbe"] = new JsonObject
                            {
                                ["httpGet"] = new JsonObject { ["path"] = "/health", ["port"] = HealthPort, ["scheme"] = "HTTP" },
                                ["initialDelaySeconds"] = 60, ["timeoutSeconds"] = 5, ["failureThreshold"] = 5, ["periodSeconds"] = 10,
                            },
                        }),
                    },
                },
            },
        },
    ];

    static JsonObject Port(string name, int port, string protocol) =>
        new() { ["name"] = name, ["port"] = port, ["targetPort"] = port, ["protocol"] = protocol };

    static JsonObject ContainerPort(string name, int port, string protocol) =>
        new() { ["name"] = name, ["containerPort"] = port, ["protocol"] = protocol };

    /// <summary>Creates the add-on's objects, or replaces those that carry this run's token (see <see cref="AddonObjects"/>).</summary>
    public static Task EnsureAsync(ApiClient client, string apiServerUrl, string token, IPAddress nodeResolver, CancellationToken ct) =>
        AddonObjects.EnsureAsync(client, Namespace, Objects(apiServerUrl, token, nodeResolver), ct);
}
