using Podway.Api.Resources;

namespace Podway.Api.OpenApi;

/// <summary>The component names kube-apiserver gives schemas: io.k8s.api.apps.v1.Deployment, io.k8s.networking.gateway.v1.Gateway.</summary>
internal static class SchemaNames
{
    public const string Meta = "io.k8s.apimachinery.pkg.apis.meta.v1.";

    public static string Prefix(string group, string version)
    {
        if (group.Length == 0) return $"io.k8s.api.core.{version}.";
        if (!group.Contains('.')) return $"io.k8s.api.{group}.{version}.";
        if (group.EndsWith(".k8s.io", StringComparison.Ordinal) && group.Count(c => c == '.') == 2)
        {
            return $"io.k8s.api.{group[..group.IndexOf('.')]}.{version}.";
        }
        // CRD groups: the reversed domain, as apiextensions-apiserver names them.
        return string.Join(".", group.Split('.').Reverse()) + $".{version}.";
    }

    public static string Of(ResourceType type, string kind) => Prefix(type.Group, type.Version) + kind;

    public static string Ref(string name) => "#/components/schemas/" + name;

    /// <summary>The group's part of operation ids: CoreV1, AppsV1, NetworkingV1, GatewayNetworkingK8sIoV1.</summary>
    public static string OperationGroup(string group, string version)
    {
        string g = group.Length == 0 ? "core"
            : group.EndsWith(".k8s.io", StringComparison.Ordinal) && group.Count(c => c == '.') == 2 ? group[..group.IndexOf('.')]
            : group;
        return string.Concat(g.Split('.').Select(Capitalize)) + Capitalize(version);
    }

    static string Capitalize(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..];
}
