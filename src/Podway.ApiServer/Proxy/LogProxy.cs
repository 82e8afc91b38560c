using Microsoft.AspNetCore.Http;
using Podway.Api.Errors;
using Podway.Api.Query;

namespace Podway.ApiServer.Proxy;

/// <summary>pods/log: a GET to the kubelet's /containerLogs, streamed to the client as it arrives (text/plain).</summary>
internal sealed class LogProxy(HttpClient http)
{
    static readonly string[] PassedOn = ["follow", "previous", "timestamps", "tailLines", "limitBytes", "sinceSeconds", "sinceTime"];

    public async Task ServeAsync(HttpContext ctx, KubeletTarget target)
    {
        var query = ctx.Request.Query;
        if (!target.HasHost)
        {
            // kube: a Pod with no node yet has no log location, so the log is empty.
            ctx.Response.StatusCode = 200;
            ctx.Response.ContentType = "text/plain";
            return;
        }
        ContainerLogStatus.Check(target.Pod, target.Container!, QueryBool.Parse(query["previous"]));

        var path = $"/containerLogs/{Uri.EscapeDataString(target.Namespace)}/{Uri.EscapeDataString(target.Name)}/{Uri.EscapeDataString(target.Container!)}";
        var passed = PassedOn.Where(k => query.ContainsKey(k)).Select(k => $"{k}={Uri.EscapeDataString(query[k].ToString())}").ToList();
        var uri = KubeletConnector.Url(target.Host!, target.Port, path, string.Join("&", passed));
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        HttpResponseMessage response;
        try { response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ctx.RequestAborted); }
        catch (HttpRequestException e)
        {
            throw ApiException.Internal($"error dialing backend: {e.Message}");
        }
        using (response)
        {
            if ((int)response.StatusCode != 200)
                throw KubeletResponseError.From((int)response.StatusCode, await response.Content.ReadAsStringAsync(ctx.RequestAborted));
            ctx.Response.StatusCode = 200;
            ctx.Response.ContentType = "text/plain";
            await ctx.Response.StartAsync(ctx.RequestAborted);
            await using var body = await response.Content.ReadAsStreamAsync(ctx.RequestAborted);
            var buffer = new byte[32 * 1024];
            int read;
            while ((read = await body.ReadAsync(buffer, ctx.RequestAborted)) > 0)
            {
                await ctx.Response.Body.WriteAsync(buffer.AsMemory(0, read), ctx.RequestAborted);
                await ctx.Response.Body.FlushAsync(ctx.RequestAborted); // followed logs appear as they are written
            }
        }
    }
}
