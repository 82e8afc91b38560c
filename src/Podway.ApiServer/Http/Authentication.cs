using Microsoft.AspNetCore.Http;

namespace Podway.ApiServer.Http;

/// <summary>Bearer-token authentication; health and version endpoints are public, as kube's system:public-info-viewer allows.</summary>
public static class Authentication
{
    static readonly string[] PublicPaths = ["/healthz", "/livez", "/readyz", "/version"];

    public static bool IsPublic(string path) =>
        PublicPaths.Any(p => path == p || path.StartsWith(p + "/", StringComparison.Ordinal));

    public static bool IsAuthenticated(HttpRequest request, IReadOnlySet<string> tokens)
    {
        var header = request.Headers.Authorization.ToString();
        const string prefix = "Bearer ";
        return header.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) && tokens.Contains(header[prefix.Length..].Trim());
    }
}
