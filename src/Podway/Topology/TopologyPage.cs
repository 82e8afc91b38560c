using System.Reflection;
using Microsoft.AspNetCore.Http;

namespace Podway.Topology;

/// <summary>
/// The topology page's files (HTML, script, style: embedded, nothing from the internet) and its one watch stream
/// (<see cref="TopologyWatch"/>), served by the API server under /podway/topology/ to authenticated users. Opened through `kubectl proxy`, so the page's own API calls (lists,
/// watches, nodes/NAME/proxy/flows) carry the user's credentials.
/// </summary>
internal sealed class TopologyPage(TopologyWatch watch)
{
    public const string Prefix = "/podway/topology/";

    static readonly Dictionary<string, (string Resource, string ContentType)> Files = new(StringComparer.Ordinal)
    {
        [""] = ("topology.html", "text/html; charset=utf-8"),
        ["index.html"] = ("topology.html", "text/html; charset=utf-8"),
        ["topology.js"] = ("topology.js", "text/javascript; charset=utf-8"),
        ["topology.css"] = ("topology.css", "text/css; charset=utf-8"),
    };

    public async Task<bool> TryServeAsync(HttpContext ctx, string path)
    {
        if (path == Prefix + "watch" && ctx.Request.Method == "GET")
        {
            await watch.ServeAsync(ctx);
            return true;
        }
        if (path == Prefix.TrimEnd('/'))
        {
            ctx.Response.Redirect(Prefix + ctx.Request.QueryString);
            return true;
        }
        if (!path.StartsWith(Prefix, StringComparison.Ordinal) || !Files.TryGetValue(path[Prefix.Length..], out var file)) return false;
        if (ctx.Request.Method is not ("GET" or "HEAD")) { ctx.Response.StatusCode = 405; return true; }
        await using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(file.Resource)
            ?? throw new InvalidOperationException($"{file.Resource} is not embedded");
        ctx.Response.ContentType = file.ContentType;
        ctx.Response.Headers.CacheControl = "no-cache";
        // The page runs no script but its own and loads nothing from elsewhere.
        ctx.Response.Headers["Content-Security-Policy"] = "default-src 'self'; img-src 'self' data:";
        ctx.Response.ContentLength = stream.Length;
        if (ctx.Request.Method == "GET") await stream.CopyToAsync(ctx.Response.Body, ctx.RequestAborted);
        return true;
    }
}
