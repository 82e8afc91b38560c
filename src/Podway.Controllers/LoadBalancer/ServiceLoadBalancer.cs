using System.Net;
using System.Text.Json.Nodes;
using Podway.Api.Json;
using Podway.Client;

namespace Podway.Controllers.LoadBalancer;

/// <summary>What the LoadBalancer controller reads from a Service (k8s.io/cloud-provider's service helpers).</summary>
internal static class ServiceLoadBalancer
{
    /// <summary>Kube's finalizer: the Service is not removed until its load balancer is released.</summary>
    public const string CleanupFinalizer = "service.kubernetes.io/load-balancer-cleanup";

    /// <summary>The loadBalancerClass that names podway's pool explicitly; no class means the default (ours) too.</summary>
    public const string PodwayClass = "podway.io/pool";

    /// <summary>
    /// type LoadBalancer with no class (kube's cloud controller's own rule) or with our class. A Service of another
    /// class belongs to another implementation and is left alone entirely.
    /// </summary>
    public static bool WantsLoadBalancer(JsonObject svc) =>
        svc.Obj("spec").Str("type") == "LoadBalancer" && Class(svc) is null or PodwayClass;

    public static bool IsOtherClass(JsonObject svc) => Class(svc) is { } c && c != PodwayClass;

    static string? Class(JsonObject svc) => svc.Obj("spec").Str("loadBalancerClass") is { Length: > 0 } c ? c : null;

    public static bool HasFinalizer(JsonObject svc) => ObjectMeta.Finalizers(svc).Contains(CleanupFinalizer);

    /// <summary>Kube's needsCleanup: our finalizer is on it and it is going away or no longer of type LoadBalancer.</summary>
    public static bool NeedsCleanup(JsonObject svc) =>
        HasFinalizer(svc) && (ObjectMeta.IsBeingDeleted(svc) || svc.Obj("spec").Str("type") != "LoadBalancer");

    /// <summary>spec.loadBalancerIP (deprecated in kube, still honoured by implementations that can), null when unset.</summary>
    public static string? RequestedIp(JsonObject svc) => svc.Obj("spec").Str("loadBalancerIP") is { Length: > 0 } ip ? ip : null;

    /// <summary>The status.loadBalancer.ingress entries as written.</summary>
    public static JsonArray? Ingress(JsonObject svc) => svc.Obj("status")?.Obj("loadBalancer")?.Arr("ingress");

    /// <summary>The first ingress IP, when it parses.</summary>
    public static IPAddress? IngressIp(JsonObject svc) =>
        Ingress(svc)?.OfType<JsonObject>().Select(i => i.Str("ip")).FirstOrDefault(ip => ip is not null) is { } s && IPAddress.TryParse(s, out var ip) ? ip : null;

    /// <summary>What we write: exactly one ingress with the IP; ipMode VIP (kube-proxy delivers it on the nodes).</summary>
    public static JsonArray IngressFor(IPAddress ip) => [(JsonNode)new JsonObject { ["ip"] = ip.ToString(), ["ipMode"] = "VIP" }];

    public static string? CreationTimestamp(JsonObject svc) => svc.Obj("metadata").Str("creationTimestamp");
}
