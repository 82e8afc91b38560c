using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace Podway.E2E.Ingress;

/// <summary>
/// The steps of kubernetes-sigs/ingress-controller-conformance, done as its Go code does them: Ingress manifests from
/// the features' doc strings, one echoserver Deployment + Service per backend Service (its templates, filled as
/// test/kubernetes/deployment.go fills them), and requests sent to the Ingress address with the scenario's Host,
/// following redirects back to that address as test/http/http.go does.
/// </summary>
internal static partial class ConformanceSuite
{
    public const string EchoImage = "k8s.gcr.io/ingressconformance/echoserver:v0.0.1@sha256:9b34b17f391f87fb2155f01da2f2f90b7a4a5c1110ed84cb5379faa4f570dc52";

    static string Dir => Path.Combine(Paths.RepoRoot, "tests", "Podway.E2E", "Ingress", "conformance");

    /// <summary>The doc strings (`"""` blocks) of a feature file, in order.</summary>
    public static List<string> DocStrings(string feature)
    {
        var text = File.ReadAllText(Path.Combine(Dir, "features", feature + ".feature"));
        return [.. DocString().Matches(text).Select(m => Unindent(m.Groups[1].Value))];
    }

    static string Unindent(string block)
    {
        var lines = block.Split('\n');
        var indent = lines.Where(l => l.Trim().Length > 0).Min(l => l.Length - l.TrimStart().Length);
        return string.Join('\n', lines.Select(l => l.Length >= indent ? l[indent..] : l.TrimStart()));
    }

    /// <summary>IngressFromSpec: a spec doc string wrapped into an Ingress named <paramref name="name"/>.</summary>
    public static string IngressFromSpec(string name, string spec) =>
        $"apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: {name}\nspec:\n" +
        string.Join('\n', spec.Split('\n').Select(l => "  " + l));

    /// <summary>DeploymentsFromIngress: an echo Deployment and Service for every backend Service of the Ingress
    /// (the default backend and every path), the Service port by number, or by name with port 8080.</summary>
    public static async Task DeployBackendsAsync(ClusterFixture cluster, string ns, string ingressYaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(ingressYaml));
        var json = JsonNode.Parse(Newtonsoft(stream.Documents[0].RootNode))!;
        var ingress = (string)json["metadata"]!["name"]!;
        var backends = new List<JsonNode>();
        if (json["spec"]?["defaultBackend"] is { } db) backends.Add(db);
        foreach (var rule in json["spec"]?["rules"]?.AsArray() ?? [])
            foreach (var path in rule?["http"]?["paths"]?.AsArray() ?? [])
                backends.Add(path!["backend"]!);
        var manifests = new List<string>();
        foreach (var backend in backends.DistinctBy(b => (string)b["service"]!["name"]!))
        {
            var service = (string)backend["service"]!["name"]!;
            var port = backend["service"]!["port"]!;
            var portName = (string?)port["name"] ?? "";
            var number = (int?)port["number"] ?? 0;
            var deployment = $"{ingress}-{service}";
            manifests.Add(Render("deployment", new()
            {
                ["Name"] = deployment, ["MatchLabels"] = deployment, ["Labels"] = deployment, ["Image"] = EchoImage,
                ["Ingress"] = ingress, ["Service"] = service, ["PortName"] = portName,
            }));
            var serviceYaml = Render("service", new() { ["Name"] = service, ["Selector"] = deployment, ["Port"] = number == 0 ? "8080" : number.ToString() });
            // deployment.go sets the port's name on the Service when the Ingress names it.
            if (portName != "") serviceYaml = serviceYaml.Replace("    - port:", $"    - name: {portName}\n      port:");
            manifests.Add(serviceYaml);
        }
        await cluster.ApplyAsync(ns, string.Join("\n---\n", manifests));
        foreach (var backend in backends.Select(b => (string)b["service"]!["name"]!).Distinct())
            await cluster.RolledOutAsync(ns, $"{ingress}-{backend}");
    }

    static string Render(string template, Dictionary<string, string> values) =>
        Placeholder().Replace(File.ReadAllText(Path.Combine(Dir, "templates", template + ".yaml")), m => values[m.Groups[1].Value]);

    /// <summary>A YAML node as JSON text (scalars as strings, numbers as numbers).</summary>
    static string Newtonsoft(YamlNode node) => node switch
    {
        YamlMappingNode map => "{" + string.Join(",", map.Children.Select(c => System.Text.Json.JsonSerializer.Serialize(((YamlScalarNode)c.Key).Value) + ":" + Newtonsoft(c.Value))) + "}",
        YamlSequenceNode seq => "[" + string.Join(",", seq.Children.Select(Newtonsoft)) + "]",
        YamlScalarNode { Value: var v } when long.TryParse(v, out _) => v!,
        YamlScalarNode scalar => System.Text.Json.JsonSerializer.Serialize(scalar.Value),
        _ => "null",
    };

    /// <summary>What the echoserver said about the request, and what the client saw.</summary>
    public sealed record Captured(int Status, Version Proto, Dictionary<string, string> ResponseHeaders, JsonNode? Request, string? TlsHostname);

    /// <summary>CaptureRoundTrip: <paramref name="method"/> to scheme://address/path with Host (and SNI)
    /// <paramref name="hostname"/>; a redirect is followed to the same address with the Location's scheme, host and path.</summary>
    public static async Task<Captured> RoundTripAsync(string method, string scheme, string hostname, string path, string address)
    {
        string? tlsHostname = null;
        using var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseProxy = false,
            AutomaticDecompression = DecompressionMethods.None,
            ConnectCallback = async (context, ct) =>
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                await socket.ConnectAsync(IPAddress.Parse(address), context.DnsEndPoint.Port, ct);
                return new NetworkStream(socket, ownsSocket: true);
            },
            SslOptions = new SslClientAuthenticationOptions
            {
                TargetHost = scheme == "https" && hostname != "" ? hostname : null,
                RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                {
                    var leaf = new X509Certificate2(certificate!);
                    tlsHostname = leaf.Extensions.OfType<X509SubjectAlternativeNameExtension>().FirstOrDefault()?.EnumerateDnsNames().FirstOrDefault();
                    return true; // self-signed, as the suite's InsecureSkipVerify
                },
            },
        };
        using var client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(10) };
        using var request = new HttpRequestMessage(new HttpMethod(method), $"{scheme}://{address}/{path.TrimStart('/')}");
        request.Version = HttpVersion.Version11;
        request.VersionPolicy = HttpVersionPolicy.RequestVersionExact;
        request.Headers.UserAgent.ParseAdd("Go-http-client/1.1");
        if (hostname != "") request.Headers.Host = hostname;
        using var response = await client.SendAsync(request);
        var status = (int)response.StatusCode;
        if (status is 301 or 302 or 303 or 307 or 308 && response.Headers.Location is { } location)
            return await RoundTripAsync(method, location.Scheme, location.Host, location.AbsolutePath, address);
        var body = await response.Content.ReadAsStringAsync();
        JsonNode? echoed = null;
        try { echoed = JsonNode.Parse(body); } catch (System.Text.Json.JsonException) { }
        var headers = response.Headers.Concat(response.Content.Headers).ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase);
        return new Captured(status, response.Version, headers, echoed, tlsHostname);
    }

    /// <summary>"a self-signed TLS secret named X for the H hostname".</summary>
    public static async Task SelfSignedSecretAsync(ClusterFixture cluster, string ns, string name, string hostname)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={hostname}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(hostname);
        request.CertificateExtensions.Add(san.Build());
        using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        var dir = Directory.CreateTempSubdirectory("ingress-conformance-");
        try
        {
            File.WriteAllText(Path.Combine(dir.FullName, "tls.crt"), cert.ExportCertificatePem());
            File.WriteAllText(Path.Combine(dir.FullName, "tls.key"), key.ExportPkcs8PrivateKeyPem());
            var create = await cluster.KubectlAsync("create", "secret", "tls", name, "-n", ns,
                "--cert", Path.Combine(dir.FullName, "tls.crt"), "--key", Path.Combine(dir.FullName, "tls.key"));
            Assert.True(create.ExitCode == 0, create.ToString());
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [GeneratedRegex("\"\"\"\\n(.*?)\\n\\s*\"\"\"", RegexOptions.Singleline)]
    private static partial Regex DocString();

    [GeneratedRegex(@"\{\{ \.(\w+) \}\}")]
    private static partial Regex Placeholder();
}
