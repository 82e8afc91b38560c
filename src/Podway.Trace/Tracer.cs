using System.Net;
using System.Text.Json.Nodes;
using Podway.Api.Json;
using Podway.Api.Resources;
using Podway.Edge.Addon;
using Podway.Api.Selectors;

namespace Podway.Trace;

/// <summary>
/// Walks one request through the layers in the guides' order and lets the first broken one fail: from, dns, (edge,
/// tls,) service, endpoints, port, nftables, policy, connect. After a failure the layers below are skipped but the
/// real connection is still made when there is somewhere to send it, so the symptom shows beside the cause.
/// </summary>
public static class Tracer
{
    public static async Task<TraceReport> RunAsync(TraceEnvironment env, string ns, TraceSource from, TraceTarget to, CancellationToken ct = default)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var objects = new ClusterObjects(env.Api, ct);
        var st = new TraceState { Namespace = ns, From = from, To = to };
        var layers = new LayerList();
        var report = () => new TraceReport(from.ToString(), to.ToString(), ns, layers) { Elapsed = System.Diagnostics.Stopwatch.GetElapsedTime(started) };

        Prefetch(objects, ns, to);
        layers.Add(await SourceLayer.RunAsync(st, objects, env));
        if (Failed(layers)) return report();

        var servicePath = await ChooseTargetAsync(st, env, objects, layers);
        if (!Failed(layers))
        {
            if (st.ViaEdge) await RunEdgeBackendAsync(st, env, objects, layers);
            else if (servicePath) await RunServiceAsync(st, env, objects, layers);
            else if (st.Backends.Count > 0)
            {
                layers.Add(PortLayer.Run(st, env));
                if (!Failed(layers)) layers.Add(await PolicyLayer.RunAsync(st, env, objects));
            }
        }
        layers.Add(st.Destination is null ? LayerResult.Skip("connect", "nothing to connect to") : await ConnectLayer.RunAsync(st, env, ct));
        return report();
    }

    /// <summary>
    /// Starts the reads most traces need at once, so their round trips to the API overlap the source's (the layers
    /// then find them in <see cref="ClusterObjects"/>). Reads a trace ends up not needing cost one small request each.
    /// </summary>
    static void Prefetch(ClusterObjects objects, string ns, TraceTarget to)
    {
        _ = objects.ListAsync(BuiltinResources.Pod, ns);
        _ = objects.ListAsync(BuiltinResources.NetworkPolicy);
        _ = objects.ListAsync(BuiltinResources.Namespace);
        if (to is TraceTarget.Service s)
        {
            _ = objects.GetAsync(BuiltinResources.Service, ns, s.Name);
            _ = objects.SlicesOfAsync(ns, s.Name);
        }
    }

    static bool Failed(LayerList layers) => layers.Any(l => l.Status == LayerStatus.Fail);

    /// <summary>Which way the request goes: a Service (returns true), the edge (st.ViaEdge), or straight to an address/Pod.</summary>
    static async Task<bool> ChooseTargetAsync(TraceState st, TraceEnvironment env, ClusterObjects objects, LayerList layers)
    {
        switch (st.To)
        {
            case TraceTarget.Service s:
            {
                var svc = await objects.GetAsync(BuiltinResources.Service, st.Namespace, s.Name);
                if (svc is null)
                {
                    var elsewhere = (await objects.ListAsync(BuiltinResources.Service, null, fieldSelector: $"metadata.name={s.Name}"))
                        .Select(x => x.Namespace()).Distinct().Order(StringComparer.Ordinal).ToList();
                    // Several namespaces may have one: name each, trace cannot know which was meant.
                    layers.Add(LayerResult.Fail("service", $"no Service {s.Name} in namespace {st.Namespace}" + (elsewhere.Count > 0 ? $"; it exists in namespace {string.Join(", ", elsewhere)}" : ""),
                        elsewhere.Count switch
                        {
                            0 => "create the Service, or check kubectl get svc -A",
                            1 => $"trace with -n {elsewhere[0]} (from a Pod: the name {s.Name}.{elsewhere[0]})",
                            _ => $"trace with the namespace you mean: {string.Join(", ", elsewhere.Select(n => $"-n {n}"))} (from a Pod: the name {s.Name}.NAMESPACE)",
                        }));
                    return true;
                }
                return SelectService(st, svc, s.Port, layers);
            }
            case TraceTarget.Pod p:
            {
                var pod = await objects.GetAsync(BuiltinResources.Pod, st.Namespace, p.Name);
                if (pod is null || Pods.Ip(pod) is not { } ip)
                {
                    layers.Add(LayerResult.Fail("target", pod is null ? $"no Pod {p.Name} in namespace {st.Namespace}" : $"Pod {p.Name} has no IP yet", $"check kubectl get pods -n {st.Namespace}"));
                    return false;
                }
                var port = Pods.ResolvePort(pod, int.TryParse(p.Port, out var n) ? JsonValue.Create(n) : JsonValue.Create(p.Port), "TCP");
                if (port is null)
                {
                    layers.Add(LayerResult.Fail("target", $"Pod {p.Name} has no container port named {p.Port}", "use a port number or a name from the Pod's containers[].ports"));
                    return false;
                }
                st.Backends.Add(new Backend(pod, ip, port.Value));
                st.Destination = new IPEndPoint(IPAddress.Parse(ip), port.Value);
                layers.Add(LayerResult.Pass("target", $"Pod {p.Name} {ip}:{port} (straight to the Pod: no Service, no DNAT)"));
                return false;
            }
            case TraceTarget.Address a:
                return await AddressAsync(st, objects, a.Ip, a.Port, layers);
            case TraceTarget.Url u:
                return await UrlAsync(st, env, objects, u, layers);
        }
        return false;
    }

    static async Task<bool> UrlAsync(TraceState st, TraceEnvironment env, ClusterObjects objects, TraceTarget.Url u, LayerList layers)
    {
        st.HttpHost = u.Host;
        st.Https = u.Https;
        st.Path = u.PathAndQuery;
        if (IPAddress.TryParse(u.Host, out var literal)) return await AddressAsync(st, objects, literal, u.Port, layers);

        var clusterName = ServiceName.Parse(u.Host, env.ClusterDomain) is not null || u.Host.EndsWith(".svc." + env.ClusterDomain, StringComparison.Ordinal);
        DnsLayer.Outcome? dns = st.SourcePod is not null || clusterName && !await EdgeClaimsAsync(objects, u.Host)
            ? await DnsLayer.ResolveAsync(st, env, objects, u.Host) : null;
        var suffix = ".svc." + env.ClusterDomain;
        if (dns is { AnsweredName: { } answered, Address: { } ip } && answered.EndsWith(suffix, StringComparison.Ordinal))
        {
            layers.Add(dns.Result);
            var parts = answered[..^suffix.Length].Split('.');
            var svc = parts.Length == 2 ? await objects.GetAsync(BuiltinResources.Service, parts[1], parts[0]) : null;
            if (svc is null) { st.Destination = new IPEndPoint(ip, u.Port); return false; }
            return SelectService(st, svc, u.Port.ToString(), layers);
        }

        var edge = await EdgeObjects.LoadAsync(objects);
        var ingresses = edge.Ingresses.Where(i => (i.Obj("spec")?.Arr("rules") ?? []).OfType<JsonObject>()
            .Any(r => HostMatch.Claims(r.Str("host"), u.Host, anyLabels: false))).ToList();
        var gateways = ingresses.Count == 0 ? GatewayRouteLayer.GatewaysFor(edge, u.Host) : [];
        if (ingresses.Count == 0 && gateways.Count == 0)
        {
            if (dns is { Address: { } external })
            {
                layers.Add(dns.Result);
                st.Destination = new IPEndPoint(external, u.Port);
                return false;
            }
            layers.Add(dns?.Result ?? LayerResult.Fail("dns", $"{u.Host}: no Ingress or HTTPRoute serves this host, and the host's resolvers know no cluster names",
                "check the host name, or add an Ingress/HTTPRoute rule for it"));
            return false;
        }

        st.ViaEdge = true;
        var edgeResults = ingresses.Count > 0 ? IngressRouteLayer.Run(st, edge, u, ingresses) : GatewayRouteLayer.Run(st, edge, u, gateways);
        var kind = ingresses.Count > 0 ? "Ingress" : "Gateway";
        layers.Add(st.Destination is null && edgeResults.Any(r => r.Status == LayerStatus.Fail)
            ? LayerResult.Skip("dns", $"{u.Host} has no edge address: its {kind} is not served (see edge)")
            : st.Destination is null
            ? LayerResult.Fail("dns", $"{u.Host} is served by the edge ({kind}) but has no address yet", $"wait for the {kind}'s address (kubectl get {kind.ToLowerInvariant()} -A), then trace again")
            : LayerResult.Pass("dns", $"{u.Host} -> {st.Destination.Address} ({kind} address of the edge; " +
                (dns?.Address is { } seen ? $"the source's resolver answers {seen}" : st.SourcePod is null ? $"as curl --resolve {u.Host}:{u.Port}:{st.Destination.Address}" : "not in the cluster DNS") + ")"));
        layers.AddRange(edgeResults);
        var selector = edge.Services.FirstOrDefault(s => s.Namespace() == EdgeAddon.Namespace && s.Name() == EdgeAddon.ServiceName)?.Obj("spec")?.Obj("selector");
        st.EdgePods.AddRange((await objects.ListAsync(BuiltinResources.Pod, EdgeAddon.Namespace, LabelSelector.FromSet(selector).ToString())).Where(Pods.IsReady));
        return false;
    }

    static async Task<bool> EdgeClaimsAsync(ClusterObjects objects, string host)
    {
        var ingresses = await objects.ListAsync(BuiltinResources.Ingress);
        if (ingresses.Any(i => (i.Obj("spec")?.Arr("rules") ?? []).OfType<JsonObject>().Any(r => HostMatch.Claims(r.Str("host"), host, false)))) return true;
        var routes = await objects.ListAsync(BuiltinResources.HttpRoute);
        return routes.Any(r => (r.Obj("spec")?.Arr("hostnames") ?? []).Any(h => HostMatch.Claims(h?.GetValue<string>(), host, true)));
    }

    /// <summary>IP:port: a Service's ClusterIP or LoadBalancer address, a Pod, or anything else (connect only).</summary>
    static async Task<bool> AddressAsync(TraceState st, ClusterObjects objects, IPAddress ip, int port, LayerList layers)
    {
        var text = ip.ToString();
        var svc = (await objects.ListAsync(BuiltinResources.Service)).FirstOrDefault(s =>
            s.Obj("spec").Str("clusterIP") == text || (s.Obj("status")?.Obj("loadBalancer")?.Arr("ingress") ?? []).OfType<JsonObject>().Any(i => i.Str("ip") == text));
        if (svc is not null)
        {
            layers.Add(LayerResult.Pass("target", $"{text} is Service {svc.Namespace()}/{svc.Name()}"));
            var ok = SelectService(st, svc, port.ToString(), layers);
            st.Destination = new IPEndPoint(ip, port);
            return ok;
        }
        var pod = (await objects.ListAsync(BuiltinResources.Pod)).FirstOrDefault(p => Pods.Ip(p) == text);
        st.Destination = new IPEndPoint(ip, port);
        if (pod is not null) st.Backends.Add(new Backend(pod, text, port));
        layers.Add(LayerResult.Pass("target", pod is null ? $"{text} is no Service or Pod of the cluster: connecting straight to it" : $"{text} is Pod {pod.Namespace()}/{pod.Name()}"));
        return false;
    }

    static bool SelectService(TraceState st, JsonObject svc, string? port, LayerList layers)
    {
        var (result, servicePort) = ServiceLayer.Check(svc, port);
        st.Service = svc;
        st.ServicePort = servicePort;
        if (servicePort is not null)
        {
            st.Protocol = servicePort.Str("protocol") ?? "TCP";
            var ip = svc.Obj("spec").Str("clusterIP");
            var servicePortNumber = (int)(servicePort.Long("port") ?? 0);
            if (st.SourcePod is null)
            {
                // The host reaches a cluster as a laptop does: LoadBalancer addresses and NodePorts, never ClusterIPs.
                var lb = (svc.Obj("status")?.Obj("loadBalancer")?.Arr("ingress") ?? []).OfType<JsonObject>().Select(i => i.Str("ip")).FirstOrDefault(i => i is not null);
                if (lb is null)
                {
                    layers.Add(LayerResult.Fail("service", $"{result.Saw}: the host does not reach ClusterIPs (as a laptop does not)",
                        "trace from a Pod (FROM pod/NAME or deploy/NAME), or expose the Service: type LoadBalancer, NodePort or an Ingress"));
                    return true;
                }
                ip = lb;
            }
            if (ip is not null && IPAddress.TryParse(ip, out var addr)) st.Destination ??= new IPEndPoint(addr, servicePortNumber);
        }
        layers.Add(result);
        return true;
    }

    static async Task RunServiceAsync(TraceState st, TraceEnvironment env, ClusterObjects objects, LayerList layers)
    {
        if (st.Service is null || st.ServicePort is null) return;
        layers.Add(await EndpointsLayer.RunAsync(st, objects));
        var noEndpoints = Failed(layers);
        if (!Failed(layers)) layers.Add(PortLayer.Run(st, env));
        // Without endpoints the kernel's answer (REJECT) is still worth seeing: it is what the client meets.
        if ((noEndpoints || !Failed(layers)) && st.Destination is { } dest)
            layers.Add(NftLayer.Run(env, st.NodeNetns, $"{st.Service.Namespace()}/{st.Service.Name()}", dest.Address.ToString(), st.Protocol, dest.Port,
                [.. st.Backends.Select(b => $"{b.Ip}:{b.Port}")]));
        if (!Failed(layers)) layers.Add(await PolicyLayer.RunAsync(st, env, objects));
    }

    static async Task RunEdgeBackendAsync(TraceState st, TraceEnvironment env, ClusterObjects objects, LayerList layers)
    {
        if (st.EdgeBackend is not { } backend) return;
        var svc = await objects.GetAsync(BuiltinResources.Service, backend.Namespace, backend.Name);
        if (svc is null)
        {
            layers.Add(LayerResult.Fail("service", $"the route's backend Service {backend.Namespace}/{backend.Name} does not exist", $"create it, or point the route at an existing Service"));
            return;
        }
        var (result, port) = ServiceLayer.Check(svc, backend.Port);
        layers.Add(result);
        st.Service = svc;
        st.ServicePort = port;
        if (port is null) return;
        layers.Add(await EndpointsLayer.RunAsync(st, objects));
        if (!Failed(layers)) layers.Add(PortLayer.Run(st, env));
        if (!Failed(layers) && st.Destination is { } dest && st.EdgeServiceKey is { } key)
            layers.Add(NftLayer.Run(env, st.NodeNetns, key, dest.Address.ToString(), "TCP", dest.Port,
                [.. st.EdgePods.Select(p => $"{Pods.Ip(p)}:{st.EdgeTargetPort}")]));
        if (!Failed(layers)) layers.Add(await PolicyLayer.RunAsync(st, env, objects));
    }
}
