using System.Net;
using System.Text.Json.Nodes;
using Podway.Api.Json;
using Podway.Edge.Addon;
using Podway.Edge.Gateway;

namespace Podway.Trace;

/// <summary>
/// A Gateway API URL: the Gateway whose routes or listeners name the host, whether a controller claims its
/// GatewayClass, then the edge's own listener and HTTPRoute matching on the Gateway's port (the same
/// <see cref="GatewayListener.Match"/> the edge Pods run), and over HTTPS the listener's certificate.
/// </summary>
internal static class GatewayRouteLayer
{
    public static List<LayerResult> Run(TraceState st, EdgeObjects edge, TraceTarget.Url url, IReadOnlyList<JsonObject> gateways)
    {
        var results = new List<LayerResult>();
        var gw = gateways[0];
        var key = $"{gw.Namespace()}/{gw.Name()}";
        var className = gw.Obj("spec").Str("gatewayClassName");
        var cls = edge.Gateway.GatewayClasses.FirstOrDefault(c => c.Name() == className);
        var controller = cls?.Obj("spec").Str("controllerName");
        if (controller != GatewayApi.ControllerName)
        {
            results.Add(LayerResult.Fail("edge", cls is null
                    ? $"Gateway {key} names GatewayClass {className}, which does not exist; nothing serves it"
                    : $"Gateway {key} uses GatewayClass {className} whose controllerName {controller} no controller here claims (podway claims {GatewayApi.ControllerName}); it stays \"Waiting for controller\"",
                $"set spec.gatewayClassName: {GatewayApi.ClassName} on Gateway {key} (or use a GatewayClass with controllerName {GatewayApi.ControllerName})")
                with { Details = new Dictionary<string, object?> { ["gateway"] = key, ["gatewayClassName"] = className, ["controllerName"] = controller } });
            return results;
        }
        var service = edge.Services.FirstOrDefault(s => s.Namespace() == EdgeAddon.Namespace
            && s.Obj("metadata")?.Obj("annotations").Str(GatewayApi.GatewayAnnotation) == key);
        var servicePort = (service?.Obj("spec")?.Arr("ports") ?? []).OfType<JsonObject>().FirstOrDefault(p => p.Long("port") == url.Port);
        if (servicePort?.Long("targetPort") is not { } targetPort)
        {
            results.Add(LayerResult.Fail("edge", $"Gateway {key} has no listener on port {url.Port} served by the edge (its Service {EdgeAddon.Namespace}/{service?.Name() ?? "(none yet)"})",
                $"add a listener for port {url.Port} to Gateway {key}, or check kubectl describe gateway {gw.Name()} -n {gw.Namespace()}"));
            return results;
        }
        var listener = edge.Config.Gateways.Port((int)targetPort)?.ListenerFor(url.Host);
        var rule = listener?.Match(url.Host, url.Path, "GET", _ => null, _ => null);
        if (rule is null)
        {
            results.Add(LayerResult.Fail("edge", listener is null
                    ? $"Gateway {key} port {url.Port}: no listener takes host {url.Host}"
                    : $"Gateway {key} listener {listener.Name}: no HTTPRoute rule matches {url.Host}{url.Path} (the edge answers 404)",
                $"attach an HTTPRoute with hostname {url.Host} and a rule for {url.Path} to Gateway {key} (check its status: kubectl get httproute -A)"));
            return results;
        }
        var pool = rule.Action.Backends.Select(b => b.Pool).FirstOrDefault(p => p is not null);
        var saw = $"Gateway {key} (class {className}) listener {listener!.Name} port {url.Port}: HTTPRoute {rule.Action.Route} rule {rule.RuleIndex} match {rule.MatchIndex} ({rule.Path.Type} {rule.Path.Value})";
        if (rule.Action.Redirect is { } redirect)
            results.Add(LayerResult.Pass("edge", $"{saw} -> redirect {redirect.StatusCode}"));
        else if (pool is null)
        {
            results.Add(LayerResult.Fail("edge", $"{saw} has no usable backend (the edge answers 500)", $"check the route's backendRefs: kubectl describe httproute {rule.Action.Route.Name} -n {rule.Action.Route.Namespace}"));
            return results;
        }
        else
        {
            st.EdgeBackend = (pool.Namespace, pool.Service, pool.Display[(pool.Display.LastIndexOf(':') + 1)..]);
            results.Add(LayerResult.Pass("edge", $"{saw} -> Service {pool.Namespace}/{pool.Display}, {pool.Usable.Count} usable endpoint(s)")
                with { Details = new Dictionary<string, object?> { ["gateway"] = key, ["listener"] = listener.Name, ["httproute"] = rule.Action.Route.ToString(), ["backend"] = $"{pool.Namespace}/{pool.Display}" } });
        }
        if (url.Https)
        {
            var cert = edge.Config.Gateways.CertificateFor((int)targetPort, url.Host);
            results.Add(cert is not null
                ? LayerResult.Pass("tls", $"SNI {url.Host}: listener {listener.Name} serves {cert.Subject} (expires {cert.NotAfter:yyyy-MM-dd})")
                : LayerResult.Fail("tls", $"SNI {url.Host}: listener {listener.Name} has no usable certificate{ListenerProblem(edge, key, listener.Name)}",
                    $"create the Secret its certificateRefs name (kubectl create secret tls NAME -n {gw.Namespace()} --cert=CERT.pem --key=KEY.pem)"));
        }
        var address = (gw.Obj("status")?.Arr("addresses") ?? []).OfType<JsonObject>().Select(a => a.Str("value")).FirstOrDefault(a => a is not null)
            ?? service!.Obj("status")?.Obj("loadBalancer")?.Arr("ingress")?.OfType<JsonObject>().FirstOrDefault().Str("ip");
        if (address is not null) st.Destination = new IPEndPoint(IPAddress.Parse(address), url.Port);
        st.EdgeServiceKey = $"{EdgeAddon.Namespace}/{service!.Name()}";
        st.EdgeTargetPort = (int)targetPort;
        return results;
    }

    /// <summary>The listener's ResolvedRefs message from the status podway computes for the Gateway.</summary>
    static string ListenerProblem(EdgeObjects edge, string gateway, string listener)
    {
        if (!edge.Config.Gateways.Gateways.TryGetValue(gateway, out var state)) return "";
        var l = (state.Status.Arr("listeners") ?? []).OfType<JsonObject>().FirstOrDefault(x => x.Str("name") == listener);
        var c = (l?.Arr("conditions") ?? []).OfType<JsonObject>().FirstOrDefault(x => x.Str("type") == "ResolvedRefs" && x.Str("status") == "False");
        return c is null ? "" : $": {c.Str("message")}";
    }

    /// <summary>Gateways that would take the host: parents of HTTPRoutes naming it, and Gateways whose listener names it.</summary>
    public static List<JsonObject> GatewaysFor(EdgeObjects edge, string host)
    {
        var found = new List<JsonObject>();
        foreach (var route in edge.Gateway.HttpRoutes)
        {
            var hostnames = (route.Obj("spec")?.Arr("hostnames") ?? []).Select(h => h?.GetValue<string>()).ToList();
            if (!hostnames.Any(h => HostMatch.Claims(h, host, anyLabels: true))) continue;
            foreach (var parent in (route.Obj("spec")?.Arr("parentRefs") ?? []).OfType<JsonObject>())
            {
                var ns = parent.Str("namespace") ?? route.Namespace();
                if (edge.Gateway.Gateways.FirstOrDefault(g => g.Namespace() == ns && g.Name() == parent.Str("name")) is { } g && !found.Contains(g)) found.Add(g);
            }
        }
        foreach (var g in edge.Gateway.Gateways)
            if ((g.Obj("spec")?.Arr("listeners") ?? []).OfType<JsonObject>().Any(l => HostMatch.Claims(l.Str("hostname"), host, anyLabels: true)) && !found.Contains(g))
                found.Add(g);
        return found;
    }
}
