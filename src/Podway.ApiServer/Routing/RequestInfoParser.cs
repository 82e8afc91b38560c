using Podway.Api.Errors;
using Podway.Api.Resources;

namespace Podway.ApiServer.Routing;

/// <summary>
/// Parses kube-apiserver resource paths:
/// /api/v1/{resource}[/{name}[/{sub}]], /api/v1/namespaces/{ns}/{resource}[/{name}[/{sub}]], and the same under /apis/{group}/{version}.
/// </summary>
public static class RequestInfoParser
{
    /// <summary>Null when the path is not a resource path (discovery and the like are handled elsewhere).</summary>
    public static RequestInfo? Parse(string path)
    {
        var parts = path.Trim('/').Split('/');
        int i;
        string group, version;
        if (parts.Length >= 3 && parts[0] == "api") { group = ""; version = parts[1]; i = 2; }
        else if (parts.Length >= 4 && parts[0] == "apis") { group = parts[1]; version = parts[2]; i = 3; }
        else return null;

        var rest = parts[i..];
        string? ns = null;
        // namespaces/{ns}/{resource}... names a namespaced collection; namespaces/{name}[/status|/finalize] the Namespace itself.
        if (rest.Length >= 3 && rest[0] == "namespaces" && !(rest.Length == 3 && rest[2] is "status" or "finalize"))
        {
            ns = rest[1];
            rest = rest[2..];
        }

        var type = BuiltinResources.Find(group, version, rest[0])
            ?? throw new ApiException(404, "NotFound", "the server could not find the requested resource");
        if (ns != null && !type.Namespaced)
            throw new ApiException(404, "NotFound", "the server could not find the requested resource");

        string? name = rest.Length > 1 ? rest[1] : null;
        string? sub = rest.Length > 2 ? rest[2] : null;
        if ((rest.Length > 3 && sub != "proxy") || (sub != null && !type.Subresources.Contains(sub)))
            throw new ApiException(404, "NotFound", "the server could not find the requested resource");
        if (name is { Length: 0 }) name = null;
        return new RequestInfo(type, ns, name, sub) { ProxyPath = sub == "proxy" ? "/" + string.Join('/', rest[3..]) : null };
    }
}
