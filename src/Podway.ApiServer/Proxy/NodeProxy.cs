using Microsoft.AspNetCore.Http;
using Podway.Api.Errors;
using Podway.Api.Resources;
using Podway.ApiServer.Routing;

namespace Podway.ApiServer.Proxy;

/// <summary>
/// nodes/NAME[:PORT]/proxy/PATH: the request passed on to the node's kubelet (its InternalIP and kubelet port unless
/// the name gives one) with the API server's client certificate, and the answer streamed back as it comes, as
/// kube-apiserver's node proxy does. `kubectl get --raw /api/v1/nodes/N/proxy/flows` reads a node's flow log.
/// </summary>
public sealed class NodeProxy(Registry.ObjectRegistry registry, KubeletConnector kubelets)
{
    static readonly HashSet<string> HopByHop = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "Transfer-Encoding", "Upgrade", "Proxy-Connection", "TE", "Trailer", "Content-Length",
    };

    readonly HttpClient _http = kubelets.CreateHttpClient(Timeout.InfiniteTimeSpan);

    public async Task HandleAsync(HttpContext ctx, RequestInfo info)
    {
        if (info.Name is null) throw new ApiException(404, "NotFound", "the server could not find the requested resource");
        var (name, port) = SplitPort(info.Name);
        var (host, kubeletPort) = KubeletTarget.Endpoint(registry.GetStored(BuiltinResources.Node, "", name).Parse());
        if (host is null) throw ApiException.BadRequest($"node {name} has no addresses");
        var uri = KubeletConnector.Url(host, port ?? kubeletPort, info.ProxyPath ?? "/", ctx.Request.QueryString.Value?.TrimStart('?') ?? "");
        using var request = new HttpRequestMessage(new HttpMethod(ctx.Request.Method), uri);
        if (ctx.Request.ContentLength > 0 || ctx.Request.Headers.TransferEncoding.Count > 0)
        {
            request.Content = new StreamContent(ctx.Request.Body);
            if (ctx.Request.ContentType is { } type) request.Content.Headers.TryAddWithoutValidation("Content-Type", type);
        }
        HttpResponseMessage response;
        try { response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ctx.RequestAborted); }
        catch (HttpRequestException e) { throw new ApiException(503, "ServiceUnavailable", $"error trying to reach service: {e.Message}"); }
        using (response)
        {
            ctx.Response.StatusCode = (int)response.StatusCode;
            foreach (var (key, values) in response.Headers.Concat(response.Content.Headers))
                if (!HopByHop.Contains(key)) ctx.Response.Headers[key] = values.ToArray();
            await using var body = await response.Content.ReadAsStreamAsync(ctx.RequestAborted);
            var buffer = new byte[32 * 1024];
            int read;
            while ((read = await body.ReadAsync(buffer, ctx.RequestAborted)) > 0)
            {
                await ctx.Response.Body.WriteAsync(buffer.AsMemory(0, read), ctx.RequestAborted);
                await ctx.Response.Body.FlushAsync(ctx.RequestAborted);
            }
        }
    }

    /// <summary>kube's "name:port" form of the proxied node name.</summary>
    static (string Name, int? Port) SplitPort(string name)
    {
        var colon = name.LastIndexOf(':');
        if (colon < 0) return (name, null);
        if (!int.TryParse(name[(colon + 1)..], out var port) || port is < 1 or > 65535)
            throw ApiException.BadRequest($"invalid port in {name}");
        return (name[..colon], port);
    }
}
