using System.Security.Cryptography.X509Certificates;
using YamlDotNet.RepresentationModel;

namespace Podway.Bench.Api;

/// <summary>The current context's server, CA and bearer token from a kubeconfig file.</summary>
internal sealed record Kubeconfig(Uri Server, X509Certificate2 Ca, string Token)
{
    public static Kubeconfig Load(string path)
    {
        var yaml = new YamlStream();
        yaml.Load(new StringReader(File.ReadAllText(path)));
        var root = (YamlMappingNode)yaml.Documents[0].RootNode;
        var current = Scalar(root, "current-context");
        var context = Named(root, "contexts", current)["context"] as YamlMappingNode ?? throw new InvalidDataException("context missing");
        var cluster = (YamlMappingNode)Named(root, "clusters", Scalar(context, "cluster"))["cluster"];
        var user = (YamlMappingNode)Named(root, "users", Scalar(context, "user"))["user"];
        var ca = X509CertificateLoader.LoadCertificate(Convert.FromBase64String(Scalar(cluster, "certificate-authority-data")));
        return new Kubeconfig(new Uri(Scalar(cluster, "server")), ca, Scalar(user, "token"));
    }

    /// <summary>HTTP/1.1 over up to 64 connections, or with http2 one multiplexed HTTP/2 connection as client-go uses.</summary>
    public HttpClient CreateClient(bool http2 = false)
    {
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = 64,
            SslOptions =
            {
                RemoteCertificateValidationCallback = (_, cert, _, _) =>
                {
                    if (cert == null) return false;
                    using var chain = new X509Chain();
                    chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                    chain.ChainPolicy.CustomTrustStore.Add(Ca);
                    chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                    return chain.Build(new X509Certificate2(cert));
                },
            },
        };
        var client = new HttpClient(handler) { BaseAddress = Server, Timeout = TimeSpan.FromMinutes(5) };
        if (http2)
        {
            client.DefaultRequestVersion = System.Net.HttpVersion.Version20;
            client.DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact;
        }
        client.DefaultRequestHeaders.Authorization = new("Bearer", Token);
        return client;
    }

    static string Scalar(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var v) && v is YamlScalarNode s ? s.Value ?? "" : throw new InvalidDataException($"{key} missing");

    static YamlMappingNode Named(YamlMappingNode root, string list, string name) =>
        ((YamlSequenceNode)root[list]).Children.OfType<YamlMappingNode>().First(n => Scalar(n, "name") == name);
}
