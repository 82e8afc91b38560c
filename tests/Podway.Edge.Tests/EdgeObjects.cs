using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using Podway.Edge.Routing;

namespace Podway.Edge.Tests;

/// <summary>Ingress, IngressClass, Service, EndpointSlice and Secret objects as the API server returns them.</summary>
internal static class EdgeObjects
{
    public static readonly X509Certificate2 Fake = DefaultCertificate.Create();

    public static JsonObject NginxClass(bool isDefault = false) => new()
    {
        ["apiVersion"] = "networking.k8s.io/v1", ["kind"] = "IngressClass",
        ["metadata"] = new JsonObject
        {
            ["name"] = "nginx",
            ["annotations"] = isDefault ? new JsonObject { ["ingressclass.kubernetes.io/is-default-class"] = "true" } : null,
        },
        ["spec"] = new JsonObject { ["controller"] = "k8s.io/ingress-nginx" },
    };

    /// <summary>A path of a rule: (path, pathType, backend).</summary>
    public static JsonObject Path(string? path, string pathType, JsonObject backend) =>
        new() { ["path"] = path, ["pathType"] = pathType, ["backend"] = backend };

    public static JsonObject Backend(string service, int port) =>
        new() { ["service"] = new JsonObject { ["name"] = service, ["port"] = new JsonObject { ["number"] = port } } };

    public static JsonObject Backend(string service, string portName) =>
        new() { ["service"] = new JsonObject { ["name"] = service, ["port"] = new JsonObject { ["name"] = portName } } };

    public static JsonObject Rule(string? host, params JsonObject[] paths) => new()
    {
        ["host"] = host,
        ["http"] = new JsonObject { ["paths"] = new JsonArray([.. paths]) },
    };

    public static JsonObject Ingress(string ns, string name, int ageMinutes, JsonObject[] rules, JsonObject? defaultBackend = null,
        JsonObject[]? tls = null, Dictionary<string, string>? annotations = null, string? className = "nginx") => new()
    {
        ["apiVersion"] = "networking.k8s.io/v1", ["kind"] = "Ingress",
        ["metadata"] = new JsonObject
        {
            ["name"] = name, ["namespace"] = ns,
            ["creationTimestamp"] = DateTimeOffset.Parse("2026-01-01T12:00:00Z").AddMinutes(-ageMinutes).ToString("yyyy-MM-ddTHH:mm:ssZ"),
            ["annotations"] = annotations is null ? null : new JsonObject(annotations.Select(a => KeyValuePair.Create(a.Key, (JsonNode?)a.Value))),
        },
        ["spec"] = new JsonObject
        {
            ["ingressClassName"] = className,
            ["defaultBackend"] = defaultBackend,
            ["tls"] = tls is null ? null : new JsonArray([.. tls]),
            ["rules"] = new JsonArray([.. rules]),
        },
    };

    public static JsonObject Tls(string? secretName, params string[] hosts) =>
        new() { ["hosts"] = new JsonArray([.. hosts.Select(h => (JsonNode)h)]), ["secretName"] = secretName };

    /// <summary>A ClusterIP Service; ports are (name, port, appProtocol).</summary>
    public static JsonObject Service(string ns, string name, params (string Name, int Port)[] ports) => new()
    {
        ["apiVersion"] = "v1", ["kind"] = "Service",
        ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns },
        ["spec"] = new JsonObject
        {
            ["ports"] = new JsonArray([.. ports.Select(p => (JsonNode)new JsonObject
            {
                ["name"] = p.Name.Length == 0 ? null : p.Name, ["port"] = p.Port, ["protocol"] = "TCP",
            })]),
        },
    };

    public static JsonObject Slice(string ns, string name, string service, (string Name, int Port)[] ports,
        params (string Ip, bool? Ready, bool? Serving, bool? Terminating)[] endpoints) => new()
    {
        ["apiVersion"] = "discovery.k8s.io/v1", ["kind"] = "EndpointSlice",
        ["metadata"] = new JsonObject
        {
            ["name"] = name, ["namespace"] = ns,
            ["labels"] = new JsonObject { ["kubernetes.io/service-name"] = service },
        },
        ["addressType"] = "IPv4",
        ["ports"] = new JsonArray([.. ports.Select(p => (JsonNode)new JsonObject
        {
            ["name"] = p.Name.Length == 0 ? null : p.Name, ["port"] = p.Port, ["protocol"] = "TCP",
        })]),
        ["endpoints"] = new JsonArray([.. endpoints.Select(e => (JsonNode)new JsonObject
        {
            ["addresses"] = new JsonArray(e.Ip),
            ["conditions"] = new JsonObject { ["ready"] = e.Ready, ["serving"] = e.Serving, ["terminating"] = e.Terminating },
        })]),
    };

    public static JsonObject Ready(string ns, string name, string service, string portName, int port, params string[] ips) =>
        Slice(ns, name, service, [(portName, port)], [.. ips.Select(ip => (ip, (bool?)true, (bool?)true, (bool?)false))]);

    public static JsonObject TlsSecret(string ns, string name, string? crtPem, string? keyPem, string type = "kubernetes.io/tls") => new()
    {
        ["apiVersion"] = "v1", ["kind"] = "Secret",
        ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns },
        ["type"] = type,
        ["data"] = new JsonObject
        {
            ["tls.crt"] = crtPem is null ? null : Convert.ToBase64String(Encoding.UTF8.GetBytes(crtPem)),
            ["tls.key"] = keyPem is null ? null : Convert.ToBase64String(Encoding.UTF8.GetBytes(keyPem)),
        },
    };

    /// <summary>A self-signed certificate for <paramref name="dnsNames"/> as PEM (certificate, PKCS#8 key).</summary>
    public static (string Crt, string Key) Pem(bool ecdsa, params string[] dnsNames)
    {
        using AsymmetricAlgorithm key = ecdsa ? ECDsa.Create(ECCurve.NamedCurves.nistP256) : RSA.Create(2048);
        var request = key is ECDsa ec
            ? new CertificateRequest($"CN={dnsNames[0]}", ec, HashAlgorithmName.SHA256)
            : new CertificateRequest($"CN={dnsNames[0]}", (RSA)key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        foreach (var n in dnsNames) san.AddDnsName(n);
        request.CertificateExtensions.Add(san.Build());
        using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(30));
        return (cert.ExportCertificatePem(), key.ExportPkcs8PrivateKeyPem());
    }

    public static EdgeConfig Build(IEnumerable<JsonObject> ingresses, IEnumerable<JsonObject>? services = null,
        IEnumerable<JsonObject>? slices = null, IEnumerable<JsonObject>? secrets = null, IEnumerable<JsonObject>? classes = null) =>
        EdgeConfigBuilder.Build(new EdgeInputs([.. ingresses], [.. classes ?? [NginxClass()]], [.. services ?? []],
            [.. slices ?? []], [.. secrets ?? []], Fake));

    /// <summary>What a decision reads as in a table: `ns/ingress→service:port`, `404`, or `redirect <location>`.</summary>
    public static string Show(RouteDecision d) => d switch
    {
        RouteDecision.Forward f => $"{f.Ingress}→{f.Backend.Display}",
        RouteDecision.NotFound => "404",
        RouteDecision.Redirect r => $"redirect {r.Location}",
        _ => d.ToString(),
    };
}
