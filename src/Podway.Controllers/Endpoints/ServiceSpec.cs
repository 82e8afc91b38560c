using System.Text.Json.Nodes;
using Podway.Api.Json;

namespace Podway.Controllers.Endpoints;

/// <summary>Service readings shared by the endpoint controllers (kube's service helpers).</summary>
internal static class ServiceSpec
{
    /// <summary>spec.selector, or null when absent or empty (an empty map does not survive kube's storage either).</summary>
    public static JsonObject? Selector(JsonObject service) =>
        service.Obj("spec")?.Obj("selector") is { Count: > 0 } selector ? selector : null;

    public static bool IsExternalName(JsonObject service) => service.Obj("spec").Str("type") == "ExternalName";

    /// <summary>helper.IsServiceIPSet: a ClusterIP that is neither empty nor "None".</summary>
    public static bool IsServiceIPSet(JsonObject service) => service.Obj("spec").Str("clusterIP") is { Length: > 0 } ip && ip != "None";

    public static bool IsHeadless(JsonObject service) => service.Obj("spec").Str("clusterIP") == "None";

    public static bool PublishNotReadyAddresses(JsonObject service) => service.Obj("spec").Bool("publishNotReadyAddresses") == true;

    public static IReadOnlyList<JsonObject> Ports(JsonObject service) =>
        service.Obj("spec")?.Arr("ports")?.OfType<JsonObject>().ToList() ?? [];

    /// <summary>getAddressTypesForService: the Service's IP families (IPv4 when it names none).</summary>
    public static IReadOnlyList<string> AddressTypes(JsonObject service)
    {
        var families = service.Obj("spec")?.Arr("ipFamilies")?.Select(f => f?.GetValue<string>()).OfType<string>().Distinct().ToList() ?? [];
        return families.Count == 0 ? ["IPv4"] : families;
    }

    public static bool IsPodOf(JsonObject pod, JsonObject service) =>
        pod.Namespace() == service.Namespace() && Selector(service) is { } selector
        && Podway.Api.Selectors.LabelSelector.FromSet(selector).Matches(pod.Labels());
}
