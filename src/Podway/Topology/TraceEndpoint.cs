using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Http;
using Podway.Api.Errors;
using Podway.Client;
using Podway.Trace;

namespace Podway.Topology;

/// <summary>
/// GET /podway/trace?namespace=NS&amp;from=FROM&amp;to=TO: `podway trace` run inside the cluster's server, its JSON
/// report as the answer. `podway trace` and the topology page's clicks both ask here: the server is warm (its code
/// compiled, its connections open), so a trace takes tens of milliseconds rather than a new process's second. The
/// objects are read with the caller's own token; the kernel and the namespaces by the server (root).
/// </summary>
internal sealed class TraceEndpoint(Uri apiServer, X509Certificate2? ca, Func<ApiClient, TraceEnvironment> environment)
{
    public const string Path = "/podway/trace";

    public async Task<bool> TryServeAsync(HttpContext ctx, string path)
    {
        if (path != Path) return false;
        if (ctx.Request.Method != "GET") throw ApiException.MethodNotAllowed("only GET");
        var query = ctx.Request.Query;
        TraceSource from;
        TraceTarget to;
        try { (from, to) = (TraceSource.Parse(query["from"].ToString()), TraceTarget.Parse(query["to"].ToString())); }
        catch (TraceUsageException e) { throw ApiException.BadRequest(e.Message); }
        var ns = query["namespace"] is { Count: > 0 } n && n.ToString().Length > 0 ? n.ToString() : "default";
        var header = ctx.Request.Headers.Authorization.ToString();
        using var api = new ApiClient(apiServer, header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header[7..].Trim() : null, ca);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ctx.RequestAborted);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        var report = await Tracer.RunAsync(environment(api), ns, from, to, timeout.Token);
        ctx.Response.ContentType = "application/json";
        await ctx.Response.WriteAsync(report.ToJson(), ctx.RequestAborted);
        return true;
    }
}
