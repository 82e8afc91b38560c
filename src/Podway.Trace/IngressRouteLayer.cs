using System.Net;
using System.Text.Json.Nodes;
using Podway.Api.Json;
using Podway.Edge.Addon;
using Podway.Edge.Routing;

namespace Podway.Trace;

/// <summary>
/// An Ingress URL: which Ingresses name the host, whether a controller claims their class, the edge's own routing
/// decision for host and path (<see cref="EdgeConfig.Route"/>), and over HTTPS the certificate the edge serves by SNI.
/// </summary>
internal static class IngressRouteLayer
{
    public static List<LayerResult> Run(TraceState st, EdgeObjects edge, TraceTarget.Url url, IReadOnlyList<JsonObject> forHost)
    {
        var results = new List<LayerResult>();
        var served = IngressClassResolver.Served(forHost, edge.Inputs.IngressClasses);
        if (served.Count == 0)
        {
            var ing = forHost[0];
            var cls = ing.Obj("spec").Str("ingressClassName");
            var classObj = edge.Inputs.IngressClasses.FirstOrDefault(c => c.Name() == cls);
            var why = cls is null ? "has no ingressClassName and no default IngressClass"
                : classObj is null ? $"names IngressClass {cls}, which does not exist"
                : $"names IngressClass {cls}, whose controller {classObj.Obj("spec").Str("controller")} no controller here claims (podway's edge claims {IngressClassResolver.NginxController} and {IngressClassResolver.PodwayController})";
            results.Add(LayerResult.Fail("edge", $"Ingress {ing.Namespace()}/{ing.Name()} for {url.Host} {why}; nothing serves it",
                $"set spec.ingressClassName: {EdgeAddon.NginxClass} (or {EdgeAddon.PodwayClass}) on Ingress {ing.Namespace()}/{ing.Name()}")
                with { Details = new Dictionary<string, object?> { ["ingress"] = $"{ing.Namespace()}/{ing.Name()}", ["ingressClassName"] = cls } });
            return results;
        }

        var decision = edge.Config.Route(url.Host, url.Path, url.Https);
        switch (decision)
        {
            case RouteDecision.NotFound:
                results.Add(LayerResult.Fail("edge", $"no rule of the Ingresses for {url.Host} ({Names(served)}) matches path {url.Path}: the edge answers 404",
                    $"add a path for {url.Path} to one of them"));
                return results;
            case RouteDecision.Redirect r:
                results.Add(LayerResult.Pass("edge", $"Ingress rules for {url.Host} answer {r.Status} redirect to {r.Location} (TLS host or redirect annotation)"));
                break;
            case RouteDecision.Forward f:
                var port = f.Backend.Display[(f.Backend.Display.LastIndexOf(':') + 1)..];
                st.EdgeBackend = (f.Backend.Namespace, f.Backend.Service, port);
                var problem = edge.Config.Problems.FirstOrDefault(p => p.Ingress == f.Ingress && p.Message.Contains($"\"{f.Backend.Namespace}/{f.Backend.Service}\""));
                var saw = $"Ingress {f.Ingress} (class {served.First(i => i.Namespace() == f.Ingress.Namespace && i.Name() == f.Ingress.Name).Obj("spec").Str("ingressClassName") ?? "default"}) " +
                          $"rule {url.Host}{url.Path} -> Service {f.Backend.Namespace}/{f.Backend.Display}, {f.Backend.Usable.Count} usable endpoint(s)";
                results.Add(problem is null
                    ? LayerResult.Pass("edge", saw) with { Details = new Dictionary<string, object?> { ["ingress"] = f.Ingress.ToString(), ["backend"] = $"{f.Backend.Namespace}/{f.Backend.Display}" } }
                    : LayerResult.Fail("edge", $"{saw}: {problem.Message}", "point the Ingress backend at an existing Service and port"));
                break;
        }
        if (url.Https) results.Add(Tls(edge, url, served));

        var controller = edge.Services.FirstOrDefault(s => s.Namespace() == EdgeAddon.Namespace && s.Name() == EdgeAddon.ServiceName);
        var address = served.Select(i => i.Obj("status")?.Obj("loadBalancer")?.Arr("ingress")?.OfType<JsonObject>().FirstOrDefault().Str("ip")).FirstOrDefault(a => a is not null)
            ?? controller?.Obj("status")?.Obj("loadBalancer")?.Arr("ingress")?.OfType<JsonObject>().FirstOrDefault().Str("ip");
        if (address is not null) st.Destination = new IPEndPoint(IPAddress.Parse(address), url.Port);
        st.EdgeServiceKey = $"{EdgeAddon.Namespace}/{EdgeAddon.ServiceName}";
        st.EdgeTargetPort = url.Https ? EdgeAddon.HttpsPort : EdgeAddon.HttpPort;
        return results;
    }

    /// <summary>The certificate the edge serves for the SNI, and when it is the default one although an Ingress lists
    /// the host under spec.tls, why (the Secret's problem).</summary>
    static LayerResult Tls(EdgeObjects edge, TraceTarget.Url url, IReadOnlyList<JsonObject> served)
    {
        var cert = edge.Config.ServedCertificateFor(url.Host).Certificate;
        var tlsIngress = served.FirstOrDefault(i => (i.Obj("spec")?.Arr("tls") ?? []).OfType<JsonObject>()
            .Any(t => (t.Arr("hosts") ?? []).Any(h => HostMatch.Claims(h?.GetValue<string>(), url.Host, anyLabels: false))));
        var secret = tlsIngress is null ? null : (tlsIngress.Obj("spec")!.Arr("tls") ?? []).OfType<JsonObject>()
            .First(t => (t.Arr("hosts") ?? []).Any(h => HostMatch.Claims(h?.GetValue<string>(), url.Host, anyLabels: false))).Str("secretName");
        if (!ReferenceEquals(cert, edge.Config.DefaultCertificate))
            return LayerResult.Pass("tls", $"SNI {url.Host}: certificate {cert.Subject} (expires {cert.NotAfter:yyyy-MM-dd}) from Secret {tlsIngress?.Namespace()}/{secret}")
                with { Details = new Dictionary<string, object?> { ["subject"] = cert.Subject, ["secret"] = $"{tlsIngress?.Namespace()}/{secret}" } };
        if (tlsIngress is null)
            return LayerResult.Fail("tls", $"SNI {url.Host}: no Ingress lists {url.Host} under spec.tls, so the edge serves its self-signed default certificate ({cert.Subject})",
                $"add spec.tls with hosts [{url.Host}] and a kubernetes.io/tls Secret to the Ingress");
        var problem = edge.Config.Problems.FirstOrDefault(p => p.Ingress.Namespace == tlsIngress.Namespace() && p.Ingress.Name == tlsIngress.Name() && p.Message.Contains("Secret"));
        return LayerResult.Fail("tls", $"SNI {url.Host}: {problem?.Message ?? $"Secret {tlsIngress.Namespace()}/{secret} is unusable"}; clients get the default certificate {cert.Subject}",
            $"create the Secret: kubectl create secret tls {secret} -n {tlsIngress.Namespace()} --cert=CERT.pem --key=KEY.pem")
            with { Details = new Dictionary<string, object?> { ["secret"] = $"{tlsIngress.Namespace()}/{secret}" } };
    }

    static string Names(IEnumerable<JsonObject> ingresses) => string.Join(", ", ingresses.Select(i => $"{i.Namespace()}/{i.Name()}"));
}
