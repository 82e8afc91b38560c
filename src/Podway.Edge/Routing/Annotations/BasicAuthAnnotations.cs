using System.Text;
using System.Text.Json.Nodes;

namespace Podway.Edge.Routing.Annotations;

/// <summary>An Ingress's basic authentication: the users of its Secret and the realm the 401 names. <see cref="Users"/>
/// null means the Secret could not be used: every request is refused (503), as ingress-nginx denies a location whose
/// auth Secret is missing rather than serve it unprotected.</summary>
internal sealed record BasicAuth(string Realm, IReadOnlyDictionary<string, string>? Users);

/// <summary>
/// ingress-nginx's `auth-type: basic` with `auth-secret` (`name` or `namespace/name` in the Ingress's namespace),
/// `auth-secret-type` (`auth-file`, default: the Secret's `auth` key holds htpasswd lines; `auth-map`: each key is a
/// user, its value the hash) and `auth-realm`. `auth-type: digest` is not supported (a Warning).
/// </summary>
internal static class BasicAuthAnnotations
{
    public static readonly string[] Names = ["auth-type", "auth-secret", "auth-secret-type", "auth-realm"];

    public static BasicAuth? Of(AnnotationReader annotations, string ingressNamespace, Func<string, string, JsonObject?> secret)
    {
        var type = annotations.Get("auth-type");
        if (type is null) return null;
        if (type != "basic")
        {
            annotations.Invalid("auth-type", type, "is not an auth type podway's edge supports (basic)");
            return null;
        }
        var realm = annotations.Get("auth-realm") ?? "";
        var reference = annotations.Get("auth-secret");
        if (reference is null)
            return Denied(annotations, realm, "annotation nginx.ingress.kubernetes.io/auth-type: basic needs auth-secret: every request is refused (503)");
        var slash = reference.IndexOf('/');
        var (ns, name) = slash < 0 ? (ingressNamespace, reference) : (reference[..slash], reference[(slash + 1)..]);
        if (ns != ingressNamespace)
            return Denied(annotations, realm, $"auth-secret \"{reference}\" is in another namespace, which ingress-nginx does not allow by default: every request is refused (503)");
        if (secret(ns, name) is not { } found)
            return Denied(annotations, realm, $"auth-secret \"{ns}/{name}\" not found: every request is refused (503)");
        var data = found["data"] as JsonObject;
        var users = new Dictionary<string, string>(StringComparer.Ordinal);
        var secretType = annotations.Get("auth-secret-type") ?? "auth-file";
        if (secretType == "auth-map")
        {
            foreach (var (user, value) in data ?? [])
                if (Decode(Json.Text(value)) is { } hash) users[user] = hash.Trim();
        }
        else
        {
            if (secretType != "auth-file") annotations.Invalid("auth-secret-type", secretType, "is neither auth-file nor auth-map");
            if (Decode(Json.Text(data?["auth"])) is not { } file)
                return Denied(annotations, realm, $"auth-secret \"{ns}/{name}\" has no \"auth\" key (htpasswd lines): every request is refused (503)");
            foreach (var line in file.Split('\n'))
            {
                var entry = line.TrimEnd('\r');
                var colon = entry.IndexOf(':');
                if (entry.Length == 0 || entry[0] == '#' || colon <= 0) continue;
                users.TryAdd(entry[..colon], entry[(colon + 1)..]); // nginx uses the first line of a user
            }
        }
        return new BasicAuth(realm, users);
    }

    static BasicAuth Denied(AnnotationReader annotations, string realm, string message)
    {
        annotations.Problem(EdgeConfigBuilder.ProblemReason, message);
        return new BasicAuth(realm, null);
    }

    static string? Decode(string? base64)
    {
        if (base64 is null) return null;
        try { return Encoding.UTF8.GetString(Convert.FromBase64String(base64)); }
        catch (FormatException) { return null; }
    }
}
