using System.Security.Cryptography.X509Certificates;
using System.Text;
using YamlDotNet.RepresentationModel;

namespace Podway.Client;

/// <summary>
/// The connection a kubeconfig's context resolves to: server, CA, bearer token or client certificate.
/// Reads the subset kubectl itself writes: clusters, users, contexts, current-context.
/// </summary>
public sealed record KubeConfig(
    Uri Server,
    string? Token,
    X509Certificate2? CertificateAuthority,
    X509Certificate2? ClientCertificate,
    bool InsecureSkipTlsVerify,
    string? Namespace)
{
    public static KubeConfig Load(string path, string? context = null)
    {
        var yaml = new YamlStream();
        using (var reader = new StreamReader(path))
            yaml.Load(reader);
        if (yaml.Documents.Count == 0 || yaml.Documents[0].RootNode is not YamlMappingNode root)
            throw new FormatException($"kubeconfig {path} is empty");
        return Resolve(root, Path.GetDirectoryName(Path.GetFullPath(path))!, context);
    }

    public static KubeConfig Parse(string yamlText, string? context = null, string? baseDirectory = null)
    {
        var yaml = new YamlStream();
        yaml.Load(new StringReader(yamlText));
        if (yaml.Documents.Count == 0 || yaml.Documents[0].RootNode is not YamlMappingNode root)
            throw new FormatException("kubeconfig is empty");
        return Resolve(root, baseDirectory ?? Directory.GetCurrentDirectory(), context);
    }

    static KubeConfig Resolve(YamlMappingNode root, string baseDir, string? contextName)
    {
        contextName ??= Scalar(root, "current-context");
        if (string.IsNullOrEmpty(contextName))
            throw new FormatException("kubeconfig has no current-context");
        var context = Named(root, "contexts", "context", contextName)
            ?? throw new FormatException($"context \"{contextName}\" not found in kubeconfig");
        var clusterName = Scalar(context, "cluster") ?? throw new FormatException($"context \"{contextName}\" names no cluster");
        var cluster = Named(root, "clusters", "cluster", clusterName)
            ?? throw new FormatException($"cluster \"{clusterName}\" not found in kubeconfig");
        var userName = Scalar(context, "user");
        var user = userName is null ? null : Named(root, "users", "user", userName);

        var server = Scalar(cluster, "server") ?? throw new FormatException($"cluster \"{clusterName}\" has no server");
        X509Certificate2? ca = null;
        if (Scalar(cluster, "certificate-authority-data") is { } caData)
            ca = X509Certificate2.CreateFromPem(Encoding.UTF8.GetString(Convert.FromBase64String(caData)));
        else if (Scalar(cluster, "certificate-authority") is { } caFile)
            ca = X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(baseDir, caFile)));

        string? token = null;
        X509Certificate2? clientCert = null;
        if (user is not null)
        {
            token = Scalar(user, "token");
            if (token is null && Scalar(user, "tokenFile") is { } tokenFile)
                token = File.ReadAllText(Path.Combine(baseDir, tokenFile)).Trim();
            var certPem = Pem(user, "client-certificate-data", "client-certificate", baseDir);
            var keyPem = Pem(user, "client-key-data", "client-key", baseDir);
            if (certPem is not null && keyPem is not null)
                clientCert = X509Certificate2.CreateFromPem(certPem, keyPem);
        }
        var insecure = Scalar(cluster, "insecure-skip-tls-verify") is "true";
        return new KubeConfig(new Uri(server), token, ca, clientCert, insecure, Scalar(context, "namespace"));
    }

    static string? Pem(YamlMappingNode node, string dataKey, string fileKey, string baseDir) =>
        Scalar(node, dataKey) is { } data ? Encoding.UTF8.GetString(Convert.FromBase64String(data))
        : Scalar(node, fileKey) is { } file ? File.ReadAllText(Path.Combine(baseDir, file))
        : null;

    /// <summary>The inner mapping of the list entry {name: N, key: {...}}.</summary>
    static YamlMappingNode? Named(YamlMappingNode root, string listKey, string innerKey, string name)
    {
        if (!root.Children.TryGetValue(new YamlScalarNode(listKey), out var list) || list is not YamlSequenceNode seq)
            return null;
        foreach (var entry in seq.Children.OfType<YamlMappingNode>())
            if (Scalar(entry, "name") == name)
                return entry.Children.TryGetValue(new YamlScalarNode(innerKey), out var inner) && inner is YamlMappingNode m ? m : new YamlMappingNode();
        return null;
    }

    static string? Scalar(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var v) && v is YamlScalarNode s && s.Value is { Length: > 0 } text ? text : null;
}
