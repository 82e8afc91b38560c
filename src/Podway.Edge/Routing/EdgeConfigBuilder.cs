using System.Text.Json.Nodes;
using Podway.Edge.Routing.Annotations;

namespace Podway.Edge.Routing;

/// <summary>
/// Compiles the cluster's Ingress objects into an <see cref="EdgeConfig"/>: a pure function of its inputs, so the feed
/// can rebuild from scratch on every change and tests can state routing as tables. See README "Routing".
/// </summary>
public static class EdgeConfigBuilder
{
    public const string SslRedirectAnnotation = "nginx.ingress.kubernetes.io/ssl-redirect";
    public const string ForceSslRedirectAnnotation = "nginx.ingress.kubernetes.io/force-ssl-redirect";

    /// <summary>Reason of every <see cref="IngressProblem"/> (as ingress-nginx's Warning events).</summary>
    public const string ProblemReason = "BadConfig";
    /// <summary>Reason of the Warning on an Ingress whose host and path an older Ingress already routes.</summary>
    public const string ConflictReason = "PathConflict";

    public static EdgeConfig Build(EdgeInputs inputs)
    {
        var problems = new List<IngressProblem>();
        var served = IngressClassResolver.Served(inputs.Ingresses, inputs.IngressClasses)
            .Select(i => (Ingress: i, Age: new IngressAge(Json.Created(i), Json.Namespace(i), Json.Name(i))))
            .OrderBy(i => i.Age)
            .ToList(); // oldest first: every "first one wins" below is "the oldest Ingress wins"
        var backends = new BackendResolver(inputs.Services, inputs.EndpointSlices);
        var secretsByKey = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        foreach (var s in inputs.Secrets) secretsByKey[$"{Json.Namespace(s)}/{Json.Name(s)}"] = s;
        JsonObject? SecretOf(string ns, string name) => secretsByKey.GetValueOrDefault($"{ns}/{name}");
        var hosts = new HostMap<HostRoutes>();
        var anyHost = new HostRoutes();
        PathRoute? catchAll = null;

        var canaries = new List<(JsonObject Ingress, IngressAge Age, AnnotationReader Annotations)>();
        foreach (var (ingress, age) in served)
        {
            var spec = ingress["spec"] as JsonObject;
            var reference = new IngressRef(age.Namespace, age.Name);
            var annotations = new AnnotationReader(ingress, reference, problems);
            if (CanaryAnnotations.IsCanary(annotations))
            {
                // Attached to the main Ingresses' routes once they are all known (below).
                problems.AddRange(UnsupportedAnnotations.Of(ingress, reference));
                problems.AddRange(UnsupportedAnnotations.IgnoredOnCanary(ingress, reference));
                canaries.Add((ingress, age, annotations));
                continue;
            }
            var sslRedirect = Json.Annotation(ingress, SslRedirectAnnotation) != "false";
            var forceSslRedirect = Json.Annotation(ingress, ForceSslRedirectAnnotation) == "true";
            var redirect = RedirectAnnotations.Of(ingress);
            var appRoot = RedirectAnnotations.AppRootOf(ingress);
            problems.AddRange(UnsupportedAnnotations.Of(ingress, reference));
            problems.AddRange(UnsupportedAnnotations.IgnoredForBackendProtocol(ingress, reference));
            var behaviour = IngressBehaviour.Of(annotations, SecretOf);
            var rewrite = RewriteAnnotations.Of(annotations);

            PathRoute Compile(JsonObject backend, string? rawPath, bool exact, string? host = null, bool isRule = true)
            {
                var pool = backends.Resolve(age.Namespace, backend, out var problem);
                if (problem is not null) problems.Add(new IngressProblem(reference, ProblemReason, problem));
                var raw = string.IsNullOrEmpty(rawPath) ? "/" : rawPath;
                var wantsRegex = isRule && rewrite.WantsRegex(raw);
                if (wantsRegex && !PathRegex.TryCreate(raw, anchored: true, out _))
                    problems.Add(new IngressProblem(reference, ProblemReason,
                        $"path \"{raw}\" is not a valid regular expression (use-regex / rewrite-target): it matches nothing"));
                return new PathRoute
                {
                    Host = host, Path = PathRoute.Normalize(rawPath, exact), RawPath = raw, WantsRegex = wantsRegex, Exact = exact,
                    Forward = new RouteDecision.Forward(reference, pool)
                    {
                        Behaviour = behaviour, Rewrite = isRule ? rewrite.For(raw) : null,
                        Affinity = AffinityAnnotations.ForPath(behaviour.Affinity, raw),
                    },
                    Age = age, SslRedirect = sslRedirect, ForceSslRedirect = forceSslRedirect, Redirect = redirect, AppRoot = appRoot,
                };
            }

            var defaultBackend = spec?["defaultBackend"] is JsonObject db ? Compile(db, "/", false, isRule: false) : null;
            if (defaultBackend is not null) catchAll ??= defaultBackend;

            foreach (var rule in Json.Objects(spec?["rules"]))
            {
                var host = Json.Text(rule["host"])?.ToLowerInvariant();
                var table = string.IsNullOrEmpty(host) ? anyHost : hosts.GetOrAdd(host, () => new HostRoutes());
                foreach (var path in Json.Objects(rule["http"]?["paths"]))
                {
                    if (path["backend"] is not JsonObject backend) continue;
                    var exact = Json.Text(path["pathType"]) == "Exact"; // Prefix and ImplementationSpecific: Prefix
                    table.Add(Compile(backend, Json.Text(path["path"]), exact, host));
                }
                if (defaultBackend is not null && table != anyHost) table.OfferDefault(defaultBackend);
            }
        }

        foreach (var (ingress, age, annotations) in canaries) AttachCanary(ingress, age, annotations, backends, hosts, anyHost, problems);

        foreach (var table in hosts.Values.Append(anyHost))
            foreach (var (loser, winner) in table.Seal())
                if (loser.Forward.Ingress != winner.Forward.Ingress)
                    problems.Add(new IngressProblem(loser.Forward.Ingress, ConflictReason,
                        $"host \"{loser.Host}\" and path \"{loser.Path}\" is already defined in ingress {winner.Forward.Ingress.Namespace}/{winner.Forward.Ingress.Name}: " +
                        "the older Ingress serves it"));

        var (certificates, tlsHosts) = Certificates(served, inputs.Secrets, problems);
        return new EdgeConfig(hosts, anyHost, catchAll, certificates, tlsHosts, ServedCertificate.Of(inputs.DefaultCertificate))
        {
            ServedIngresses = [.. served.Select(s => new IngressRef(s.Age.Namespace, s.Age.Name))],
            Problems = problems.Distinct().ToList(),
            Gateways = Gateway.GatewayBuilder.Build(inputs.Gateway, inputs.Services, inputs.EndpointSlices, inputs.Secrets, backends),
        };
    }

    /// <summary>ingress-nginx's canary: each path of a `canary: "true"` Ingress becomes the alternative backend of the
    /// main Ingress's route with the same host and path; the canary Ingress serves nothing of its own.</summary>
    static void AttachCanary(JsonObject ingress, IngressAge age, AnnotationReader annotations, BackendResolver backends,
        HostMap<HostRoutes> hosts, HostRoutes anyHost, List<IngressProblem> problems)
    {
        var reference = new IngressRef(age.Namespace, age.Name);
        foreach (var rule in Json.Objects(ingress["spec"]?["rules"]))
        {
            var host = Json.Text(rule["host"])?.ToLowerInvariant();
            var table = string.IsNullOrEmpty(host) ? anyHost : hosts.GetOrAdd(host, () => new HostRoutes());
            foreach (var path in Json.Objects(rule["http"]?["paths"]))
            {
                if (path["backend"] is not JsonObject backend) continue;
                var pool = backends.Resolve(age.Namespace, backend, out var problem);
                if (problem is not null) problems.Add(new IngressProblem(reference, ProblemReason, problem));
                var raw = Json.Text(path["path"]) is { Length: > 0 } p ? p : "/";
                if (!table.AttachCanary(raw, CanaryAnnotations.Of(annotations, pool)))
                    problems.Add(new IngressProblem(reference, ProblemReason,
                        $"canary for host \"{host}\" and path \"{raw}\" has no main Ingress with that host and path: ignored"));
            }
        }
    }

    /// <summary>SNI host → certificate from the oldest Ingress listing the host, and every TLS host (for redirects).
    /// A host whose Secret is unusable stays a TLS host and gets the default certificate.</summary>
    static (HostMap<ServedCertificate>, HostMap<object>) Certificates(
        List<(JsonObject Ingress, IngressAge Age)> served, IReadOnlyList<JsonObject> secrets, List<IngressProblem> problems)
    {
        var byKey = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        foreach (var s in secrets) byKey[$"{Json.Namespace(s)}/{Json.Name(s)}"] = s;
        var loaded = new Dictionary<string, (ServedCertificate? Cert, string? Error)>(StringComparer.Ordinal);
        var certificates = new HostMap<ServedCertificate>();
        var tlsHosts = new HostMap<object>();

        foreach (var (ingress, age) in served)
            foreach (var tls in Json.Objects(ingress["spec"]?["tls"]))
            {
                var tlsHostList = Json.Strings(tls["hosts"]).Select(h => h.ToLowerInvariant()).ToList();
                foreach (var host in tlsHostList) tlsHosts.TryAdd(host, tlsHosts);
                var secretName = Json.Text(tls["secretName"]);
                if (string.IsNullOrEmpty(secretName) || tlsHostList.Count == 0) continue;
                var key = $"{age.Namespace}/{secretName}";
                if (!loaded.TryGetValue(key, out var entry))
                {
                    if (!byKey.TryGetValue(key, out var secret)) entry = (null, $"Secret \"{key}\" for TLS not found");
                    else
                    {
                        var parsed = TlsSecrets.LoadOnce(secret);
                        entry = (parsed.Served, parsed.Error);
                    }
                    loaded[key] = entry;
                }
                if (entry.Cert is null)
                {
                    problems.Add(new IngressProblem(new IngressRef(age.Namespace, age.Name), ProblemReason,
                        $"{entry.Error}; serving the default certificate for {string.Join(", ", tlsHostList)}"));
                    continue;
                }
                foreach (var host in tlsHostList) certificates.TryAdd(host, entry.Cert);
            }
        return (certificates, tlsHosts);
    }
}
