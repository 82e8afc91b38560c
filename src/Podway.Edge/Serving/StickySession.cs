using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Podway.Edge.Routing;
using Podway.Edge.Routing.Annotations;

namespace Podway.Edge.Serving;

/// <summary>
/// Cookie affinity for one request: the cookie names an endpoint by an opaque key (a hash of its address and port, so
/// every edge replica reads it alike); a request whose key names a usable endpoint is pinned to it, any other gets an
/// endpoint the usual way and a Set-Cookie naming the endpoint that answered.
/// </summary>
internal sealed class StickySession(HttpContext context, SessionAffinity affinity, string? requestKey)
{
    string? _chosenKey;

    /// <summary>The endpoint the request's cookie names, when it is usable.</summary>
    public static (StickySession Session, Upstream? Pinned) Start(HttpContext context, SessionAffinity affinity, BackendPool pool)
    {
        var key = context.Request.Cookies.TryGetValue(affinity.CookieName, out var value) ? value : null;
        Upstream? pinned = null;
        if (key is not null)
            foreach (var upstream in pool.Usable)
                if (KeyOf(upstream) == key) { pinned = upstream; break; }
        var session = new StickySession(context, affinity, key);
        context.Response.OnStarting(static state => ((StickySession)state).WriteCookie(), session);
        return (session, pinned);
    }

    /// <summary>The forwarder's choice (called for every attempt; the last one answered).</summary>
    public void Chosen(Upstream upstream) => _chosenKey = KeyOf(upstream);

    Task WriteCookie()
    {
        if (_chosenKey is { } key && key != requestKey) context.Response.Headers.Append("Set-Cookie", Cookie(key));
        return Task.CompletedTask;
    }

    string Cookie(string key)
    {
        var cookie = new StringBuilder().Append(affinity.CookieName).Append('=').Append(key).Append("; Path=").Append(affinity.Path);
        if (affinity.Expires is { } expires)
            cookie.Append("; Expires=").Append(DateTimeOffset.UtcNow.AddSeconds(expires).ToString("R", CultureInfo.InvariantCulture));
        if (affinity.MaxAge is { } maxAge) cookie.Append("; Max-Age=").Append(maxAge.ToString(CultureInfo.InvariantCulture));
        if (affinity.Secure) cookie.Append("; Secure");
        if (affinity.SameSite is { } sameSite) cookie.Append("; SameSite=").Append(sameSite);
        return cookie.Append("; HttpOnly").ToString();
    }

    /// <summary>An endpoint's cookie value: the first 16 bytes of SHA-256 of `address:port`, in hex.</summary>
    public static string KeyOf(Upstream upstream) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(upstream.ToString())).AsSpan(0, 16));
}
