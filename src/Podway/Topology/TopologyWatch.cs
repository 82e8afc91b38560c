using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Podway.Api.Errors;
using Podway.Api.Resources;
using Podway.Client;

namespace Podway.Topology;

/// <summary>
/// GET /podway/topology/watch?namespace=NS: the watches of every kind the page draws, multiplexed into one stream of
/// lines {"kind","type":"RESET|ADDED|MODIFIED|DELETED","object"}. A browser holds at most six connections to one
/// host over HTTP/1.1 (what `kubectl proxy` speaks), so nine separate watches would starve each other. Each watch
/// is made with the caller's own bearer token against this API server, so the page sees what its user may see.
/// A watch that ends starts again with RESET and the current state.
/// </summary>
internal sealed partial class TopologyWatch(Uri apiServer, X509Certificate2? ca)
{
    static readonly ResourceType[] Kinds =
    [
        BuiltinResources.Ingress, BuiltinResources.Gateway, BuiltinResources.HttpRoute, BuiltinResources.Service,
        BuiltinResources.EndpointSlice, BuiltinResources.Pod, BuiltinResources.ReplicaSet, BuiltinResources.Deployment,
        BuiltinResources.NetworkPolicy,
    ];

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")]
    private static partial Regex NamespaceName();

    public async Task ServeAsync(HttpContext ctx)
    {
        var ns = ctx.Request.Query["namespace"].ToString();
        if (!NamespaceName().IsMatch(ns)) throw ApiException.BadRequest($"namespace must be a namespace name (got \"{ns}\")");
        var header = ctx.Request.Headers.Authorization.ToString();
        var token = header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header[7..].Trim() : null;
        using var client = new ApiClient(apiServer, token, ca);
        ctx.Response.ContentType = "application/x-ndjson";
        ctx.Response.Headers.CacheControl = "no-cache";
        await ctx.Response.StartAsync(ctx.RequestAborted);
        var gate = new SemaphoreSlim(1, 1);
        async Task WriteAsync(JsonObject line)
        {
            await gate.WaitAsync(ctx.RequestAborted);
            try
            {
                await ctx.Response.WriteAsync(line.ToJsonString() + "\n", ctx.RequestAborted);
                await ctx.Response.Body.FlushAsync(ctx.RequestAborted);
            }
            finally { gate.Release(); }
        }
        try { await Task.WhenAll(Kinds.Select(kind => FollowAsync(client, kind, ns, WriteAsync, ctx.RequestAborted))); }
        catch (OperationCanceledException) when (ctx.RequestAborted.IsCancellationRequested) { }
    }

    static async Task FollowAsync(ApiClient client, ResourceType type, string ns, Func<JsonObject, Task> write, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                // No resourceVersion: the current state as ADDED events first, then the changes.
                await write(new JsonObject { ["kind"] = type.Kind, ["type"] = "RESET" });
                await foreach (var ev in client.WatchAsync(type, ns, ct: ct))
                {
                    if (ev.Type == WatchStreamEventType.Bookmark) continue;
                    if (ev.Type == WatchStreamEventType.Error) break;
                    await write(new JsonObject { ["kind"] = type.Kind, ["type"] = ev.Type.ToString().ToUpperInvariant(), ["object"] = ev.Object.DeepClone() });
                }
            }
            catch (ApiException e) when (e.Code is 404 or 403) { return; } // not served here, or not the user's to see
            catch (Exception e) when (e is HttpRequestException or IOException or FormatException) { }
            await Task.Delay(TimeSpan.FromSeconds(1), ct);
        }
    }
}
