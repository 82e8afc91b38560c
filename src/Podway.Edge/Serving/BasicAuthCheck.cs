using System.Text;
using Microsoft.AspNetCore.Http;
using Podway.Edge.Routing.Annotations;

namespace Podway.Edge.Serving;

/// <summary>nginx's auth_basic: the request's `Authorization: Basic` user and password against the Ingress's htpasswd
/// users; a missing or wrong one is 401 with `WWW-Authenticate: Basic realm="REALM"`.</summary>
internal static class BasicAuthCheck
{
    /// <summary>The status to refuse with, or null when the request may pass.</summary>
    public static int? Refusal(HttpContext context, BasicAuth auth)
    {
        if (auth.Users is not { } users) return StatusCodes.Status503ServiceUnavailable; // the Secret is unusable
        if (Credentials(context.Request) is var (user, password) && users.TryGetValue(user, out var hash)
            && PasswordHashes.Verify(password, hash))
            return null;
        // LocalResponse clears headers before it writes: add the challenge as the response starts.
        var challenge = $"Basic realm=\"{auth.Realm.Replace("\"", "\\\"")}\"";
        context.Response.OnStarting(() =>
        {
            if (context.Response.StatusCode == StatusCodes.Status401Unauthorized) context.Response.Headers.WWWAuthenticate = challenge;
            return Task.CompletedTask;
        });
        return StatusCodes.Status401Unauthorized;
    }

    static (string User, string Password)? Credentials(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (!header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase)) return null;
        string decoded;
        try { decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header[6..].Trim())); }
        catch (FormatException) { return null; }
        var colon = decoded.IndexOf(':');
        return colon < 0 ? null : (decoded[..colon], decoded[(colon + 1)..]);
    }
}
