using System.Security.Cryptography.X509Certificates;

namespace Podway.Node.Streaming;

/// <summary>A refused kubelet request: the status and text the kubelet's auth filter answers with.</summary>
public sealed record KubeletRefusal(int StatusCode, string Message);

/// <summary>
/// The kubelet's auth filter (pkg/kubelet/server/auth.go) with x509 authentication and a fixed set of allowed users in
/// place of the webhook authorizer: the user is the client certificate's CN (already checked to chain to the cluster
/// CA by the TLS layer). Anonymous requests get 401; other users 403 with the attributes kube would have checked.
/// </summary>
public sealed class KubeletAuthorizer(IReadOnlySet<string> allowedUsers)
{
    public KubeletRefusal? Refusal(X509Certificate2? clientCertificate, string method, string path)
    {
        if (clientCertificate is null) return new KubeletRefusal(401, "Unauthorized");
        var user = clientCertificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false);
        if (allowedUsers.Contains(user)) return null;
        return new KubeletRefusal(403, $"Forbidden (user={user}, verb={Verb(method)}, resource=nodes, subresource={Subresource(path)})");
    }

    static string Verb(string method) => method switch
    {
        "POST" => "create", "GET" => "get", "PUT" => "update", "PATCH" => "patch", "DELETE" => "delete", _ => "",
    };

    static string Subresource(string path) =>
        Under(path, "/stats") ? "stats" : Under(path, "/metrics") ? "metrics" : Under(path, "/logs") ? "log" : Under(path, "/checkpoint") ? "checkpoint" : "proxy";

    static bool Under(string path, string prefix) => path == prefix || path.StartsWith(prefix + "/", StringComparison.Ordinal);
}
