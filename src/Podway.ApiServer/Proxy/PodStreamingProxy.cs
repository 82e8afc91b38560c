using Microsoft.AspNetCore.Http;
using Podway.Api.Errors;
using Podway.ApiServer.Routing;

namespace Podway.ApiServer.Proxy;

/// <summary>
/// The pod subresources served by the Pod's kubelet: log (streamed GET), exec, attach and portforward
/// (upgraded connections). Finds the Pod and its node, then proxies.
/// </summary>
public sealed class PodStreamingProxy
{
    public static readonly IReadOnlySet<string> Subresources = new HashSet<string> { "log", "exec", "attach", "portforward" };

    readonly Registry.ObjectRegistry _registry;
    readonly LogProxy _logs;
    readonly UpgradeProxy _upgrades;

    public PodStreamingProxy(Registry.ObjectRegistry registry, KubeletConnector kubelets)
    {
        _registry = registry;
        // Followed logs stay open indefinitely: no client timeout.
        _logs = new LogProxy(kubelets.CreateHttpClient(Timeout.InfiniteTimeSpan));
        _upgrades = new UpgradeProxy(kubelets);
    }

    public Task HandleAsync(HttpContext ctx, RequestInfo info)
    {
        var method = ctx.Request.Method;
        var ns = info.Namespace ?? "";
        var name = info.Name ?? throw new ApiException(404, "NotFound", "the server could not find the requested resource");
        var container = ctx.Request.Query["container"].ToString();
        switch (info.Subresource)
        {
            case "log" when method == "GET":
                return _logs.ServeAsync(ctx, KubeletTarget.Resolve(_registry, ns, name, container, needsContainer: true, needsHost: false));
            case "exec" or "attach" when method is "GET" or "POST":
            {
                var target = KubeletTarget.Resolve(_registry, ns, name, container, needsContainer: true, needsHost: true);
                var path = $"/{info.Subresource}/{Uri.EscapeDataString(ns)}/{Uri.EscapeDataString(name)}/{Uri.EscapeDataString(target.Container!)}";
                return _upgrades.ServeAsync(ctx, target, path);
            }
            case "portforward" when method is "GET" or "POST":
            {
                var target = KubeletTarget.Resolve(_registry, ns, name, null, needsContainer: false, needsHost: true);
                return _upgrades.ServeAsync(ctx, target, $"/portForward/{Uri.EscapeDataString(ns)}/{Uri.EscapeDataString(name)}");
            }
            default:
                throw ApiException.MethodNotAllowed("the server does not allow this method on the requested resource");
        }
    }
}
