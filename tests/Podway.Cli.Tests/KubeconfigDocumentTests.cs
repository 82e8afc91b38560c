using Podway.Kubeconfig;
using YamlDotNet.RepresentationModel;

namespace Podway.Cli.Tests;

public sealed class KubeconfigDocumentTests
{
    const string Existing = """
        apiVersion: v1
        kind: Config
        clusters:
        - name: prod
          cluster:
            server: https://prod.example:6443
            insecure-skip-tls-verify: true
        users:
        - name: alice
          user:
            exec:
              apiVersion: client.authentication.k8s.io/v1
              command: get-token
        contexts:
        - name: prod
          context:
            cluster: prod
            user: alice
            namespace: shop
        current-context: prod
        preferences:
          colors: true
        extensions:
        - name: my-tool
          extension:
            keep: me
        """;

    static readonly KubeconfigEntry Ours = new("podway-dev", "https://127.0.0.1:6443", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", "abc123");

    static YamlMappingNode Parse(string yaml)
    {
        var s = new YamlStream();
        s.Load(new StringReader(yaml));
        return (YamlMappingNode)s.Documents[0].RootNode;
    }

    static YamlMappingNode Item(YamlMappingNode root, string list, string name) =>
        ((YamlSequenceNode)root[list]).Children.Cast<YamlMappingNode>().Single(i => ((YamlScalarNode)i["name"]).Value == name);

    [Fact]
    public void Merge_ExistingFileWithOtherContexts_KeepsThemAndMakesOursCurrent()
    {
        var merged = Parse(KubeconfigDocument.Merge(Existing, Ours));

        Assert.Equal("podway-dev", ((YamlScalarNode)merged["current-context"]).Value);
        Assert.Equal("shop", ((YamlScalarNode)((YamlMappingNode)Item(merged, "contexts", "prod")["context"])["namespace"]).Value);
        Assert.Equal("get-token", ((YamlScalarNode)((YamlMappingNode)((YamlMappingNode)Item(merged, "users", "alice")["user"])["exec"])["command"]).Value);
        Assert.Equal("true", ((YamlScalarNode)((YamlMappingNode)Item(merged, "clusters", "prod")["cluster"])["insecure-skip-tls-verify"]).Value);
        Assert.Equal("me", ((YamlScalarNode)((YamlMappingNode)Item(merged, "extensions", "my-tool")["extension"])["keep"]).Value);
        Assert.Equal("true", ((YamlScalarNode)((YamlMappingNode)merged["preferences"])["colors"]).Value);

        var cluster = (YamlMappingNode)Item(merged, "clusters", "podway-dev")["cluster"];
        Assert.Equal("https://127.0.0.1:6443", ((YamlScalarNode)cluster["server"]).Value);
        Assert.Equal(Ours.CaPem, System.Text.Encoding.ASCII.GetString(Convert.FromBase64String(((YamlScalarNode)cluster["certificate-authority-data"]).Value!)));
        Assert.Equal("abc123", ((YamlScalarNode)((YamlMappingNode)Item(merged, "users", "podway-dev")["user"])["token"]).Value);
        var ctx = (YamlMappingNode)Item(merged, "contexts", "podway-dev")["context"];
        Assert.Equal("podway-dev", ((YamlScalarNode)ctx["cluster"]).Value);
        Assert.Equal("podway-dev", ((YamlScalarNode)ctx["user"]).Value);
    }

    [Fact]
    public void Merge_Twice_ReplacesOurEntriesWithoutDuplicates()
    {
        var once = KubeconfigDocument.Merge(Existing, Ours);
        var twice = KubeconfigDocument.Merge(once, Ours with { Server = "https://127.0.0.1:7443" });

        var (contexts, current) = KubeconfigDocument.Describe(twice);
        Assert.Equal(["prod", "podway-dev"], contexts);
        Assert.Equal("podway-dev", current);
        Assert.Single(((YamlSequenceNode)Parse(twice)["clusters"]).Children, c => ((YamlScalarNode)c["name"]).Value == "podway-dev");
        Assert.Contains("https://127.0.0.1:7443", twice);
    }

    [Fact]
    public void Merge_NoFile_WritesCompleteConfig()
    {
        var root = Parse(KubeconfigDocument.Render(Ours));
        Assert.Equal("v1", ((YamlScalarNode)root["apiVersion"]).Value);
        Assert.Equal("Config", ((YamlScalarNode)root["kind"]).Value);
        Assert.Equal("podway-dev", ((YamlScalarNode)root["current-context"]).Value);
    }

    [Fact]
    public void Remove_OurCurrentContext_RemovesOnlyOursAndUnsetsCurrent()
    {
        var purged = KubeconfigDocument.Remove(KubeconfigDocument.Merge(Existing, Ours), "podway-dev")!;

        var root = Parse(purged);
        var (contexts, current) = KubeconfigDocument.Describe(purged);
        Assert.Equal(["prod"], contexts);
        Assert.Null(current);
        Assert.Equal(["prod"], ((YamlSequenceNode)root["clusters"]).Children.Select(c => ((YamlScalarNode)c["name"]).Value));
        Assert.Equal(["alice"], ((YamlSequenceNode)root["users"]).Children.Select(c => ((YamlScalarNode)c["name"]).Value));
        Assert.Contains("keep: me", purged);
    }

    [Fact]
    public void Remove_WhenAnotherContextIsCurrent_LeavesCurrentContext()
    {
        var merged = KubeconfigDocument.Merge(Existing, Ours).Replace("current-context: podway-dev", "current-context: prod");
        var purged = KubeconfigDocument.Remove(merged, "podway-dev")!;
        Assert.Equal("prod", KubeconfigDocument.Describe(purged).Current);
    }

    [Fact]
    public void Remove_FileWithoutOurEntries_ReturnsNull()
    {
        Assert.Null(KubeconfigDocument.Remove(Existing, "podway-dev"));
    }
}
