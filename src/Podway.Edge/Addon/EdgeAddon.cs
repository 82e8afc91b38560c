using System.Text.Json.Nodes;
using Podway.Api.Resources;
using Podway.Client;
using Podway.Client.Addons;
using Podway.Edge.Routing;

namespace Podway.Edge.Addon;

/// <summary>
/// The edge add-on where and as ingress-nginx installs itself (namespace `ingress-nginx`, the Deployment and
/// LoadBalancer Service `ingress-nginx-controller`, its labels, IngressClasses), with podway's edge program as the
/// image, so the guides' `kubectl logs -n ingress-nginx deploy/ingress-nginx-controller` works: what the control
/// plane ensures at start, after the DNS add-on.
/// </summary>
public static class EdgeAddon
{
    public const string Namespace = "ingress-nginx";
    public const string ServiceName = "ingress-nginx-controller", DeploymentName = "ingress-nginx-controller", SecretName = "podway-edge-token";
    /// <summary>The app.kubernetes.io/name of everything the add-on makes (ingress-nginx's own).</summary>
    public const string AppName = "ingress-nginx";
    /// <summary>Where podway before 2026-12 ran the edge; removed at start so two edges never serve one cluster.</summary>
    const string LegacyNamespace = "podway-edge";
    public const string Image = "podway/edge";
    /// <summary>ingress-nginx's health port: /healthz answers 200 once the routing feed has synced.</summary>
    public const int HealthPort = 10254, HttpPort = 80, HttpsPort = 443;
    public const string NginxClass = "nginx", PodwayClass = "podway";

    internal static JsonObject Labels() => new()
    {
        ["app.kubernetes.io/name"] = AppName, ["app.kubernetes.io/instance"] = AppName, ["app.kubernetes.io/component"] = "controller",
    };

    /// <summary>Namespace, Secret with the edge Pods' API token, Service, Deployment, the two IngressClasses and the
    /// GatewayClass `podway`, in creation order.</summary>
    public static IReadOnlyList<JsonObject> Objects(string apiServerUrl, string token) =>
    [
        new JsonObject
        {
            ["apiVersion"] = "v1", ["kind"] = "Namespace",
            ["metadata"] = new JsonObject { ["name"] = Namespace, ["labels"] = new JsonObject { ["app.kubernetes.io/name"] = AppName } },
        },
        AddonApiAccess.TokenSecret(SecretName, Namespace, Labels(), token),
        new JsonObject
        {
            ["apiVersion"] = "v1", ["kind"] = "Service",
            ["metadata"] = new JsonObject { ["name"] = ServiceName, ["namespace"] = Namespace, ["labels"] = Labels() },
            ["spec"] = new JsonObject
            {
                ["type"] = "LoadBalancer",
                ["selector"] = Labels(),
                ["ports"] = new JsonArray(Port("http", HttpPort), Port("https", HttpsPort)),
            },
        },
        new JsonObject
        {
            ["apiVersion"] = "apps/v1", ["kind"] = "Deployment",
            ["metadata"] = new JsonObject { ["name"] = DeploymentName, ["namespace"] = Namespace, ["labels"] = Labels() },
            ["spec"] = new JsonObject
            {
                ["replicas"] = 2,
                ["selector"] = new JsonObject { ["matchLabels"] = Labels() },
                ["template"] = new JsonObject
                {
                    ["metadata"] = new JsonObject { ["labels"] = Labels() },
                    ["spec"] = new JsonObject
                    {
                        ["dnsPolicy"] = "Default",
                        // Time for in-flight requests to finish after SIGTERM (ingress-nginx waits too).
                        ["terminationGracePeriodSeconds"] = 30,
                        ["containers"] = new JsonArray(new JsonObject
                        {
                            ["name"] = "controller",
                            ["image"] = Image,
                            ["ports"] = new JsonArray(
                                ContainerPort("http", HttpPort), ContainerPort("https", HttpsPort), ContainerPort("health", HealthPort)),
                            ["env"] = new JsonArray(
                            [
                                .. AddonApiAccess.Env(apiServerUrl, SecretName),
                                // Socket completions run inline on the epoll thread (no thread pool hop per read and
                                // write): measured +25 % requests/s through the edge (src/Podway.Edge/README.md).
                                new JsonObject { ["name"] = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS", ["value"] = "1" },
                            ]),
                            ["readinessProbe"] = new JsonObject
                            {
                                ["httpGet"] = new JsonObject { ["path"] = "/healthz", ["port"] = HealthPort, ["scheme"] = "HTTP" },
                                ["periodSeconds"] = 2,
                            },
                            ["livenessProbe"] = new JsonObject
                            {
                                ["httpGet"] = new JsonObject { ["path"] = "/healthz", ["port"] = HealthPort, ["scheme"] = "HTTP" },
                                ["initialDelaySeconds"] = 60, ["timeoutSeconds"] = 5, ["failureThreshold"] = 5, ["periodSeconds"] = 10,
                            },
                        }),
                    },
                },
            },
        },
        IngressClass(NginxClass, IngressClassResolver.NginxController, isDefault: true),
        IngressClass(PodwayClass, IngressClassResolver.PodwayController, isDefault: false),
        new JsonObject
        {
            ["apiVersion"] = "gateway.networking.k8s.io/v1", ["kind"] = "GatewayClass",
            ["metadata"] = new JsonObject { ["name"] = Gateway.GatewayApi.ClassName, ["labels"] = new JsonObject { ["app.kubernetes.io/name"] = AppName } },
            ["spec"] = new JsonObject
            {
                ["controllerName"] = Gateway.GatewayApi.ControllerName,
                ["description"] = "podway's edge: Gateways get an address from the LoadBalancer pool and are served by the ingress-nginx-controller Pods (podway's edge)",
            },
        },
    ];

    static JsonObject IngressClass(string name, string controller, bool isDefault)
    {
        var metadata = new JsonObject { ["name"] = name, ["labels"] = new JsonObject { ["app.kubernetes.io/name"] = AppName } };
        if (isDefault) metadata["annotations"] = new JsonObject { [IngressClassResolver.DefaultClassAnnotation] = "true" };
        return new JsonObject
        {
            ["apiVersion"] = "networking.k8s.io/v1", ["kind"] = "IngressClass",
            ["metadata"] = metadata,
            ["spec"] = new JsonObject { ["controller"] = controller },
        };
    }

    static JsonObject Port(string name, int port) =>
        new() { ["name"] = name, ["port"] = port, ["targetPort"] = port, ["protocol"] = "TCP" };

    static JsonObject ContainerPort(string name, int port) =>
        new() { ["name"] = name, ["containerPort"] = port, ["protocol"] = "TCP" };

    /// <summary>Creates the add-on's objects, or replaces those that carry this run's token (see <see cref="AddonObjects"/>).</summary>
    public static async Task EnsureAsync(ApiClient client, string apiServerUrl, string token, CancellationToken ct)
    {
        if (await client.TryGetAsync(BuiltinResources.Namespace, "", LegacyNamespace, ct) is { } legacy
            && legacy["metadata"]?["labels"]?["app.kubernetes.io/name"]?.GetValue<string>() == LegacyNamespace)
            await client.DeleteAsync(BuiltinResources.Namespace, "", LegacyNamespace, ct: ct);
        await AddonObjects.EnsureAsync(client, Namespace, Objects(apiServerUrl, token), ct);
    }
}
