using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Podway.Api.Protobuf;

namespace Podway.Api.Tests.Protobuf;

/// <summary>
/// Bodies kubectl 1.33 really sent (fixtures/*.pb, captured by a proxy; the command is in *.cmd), decoded and compared
/// with what `kubectl ... --dry-run=client -o json` printed for the same command (fixtures/*.json).
/// </summary>
public sealed class KubectlBodyTests
{
    public static TheoryData<string> Fixtures() =>
    [
        "namespace", "configmap-literal", "configmap-file", "secret-generic", "secret-tls", "secret-docker", "serviceaccount",
        "service-clusterip", "service-nodeport", "service-loadbalancer", "service-externalname", "deployment", "deployment-multi", "ingress",
    ];

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void Decode_KubectlCreateBody_EqualsKubectlDryRunJson(string name)
    {
        var body = File.ReadAllBytes(Path.Combine(FixtureDir(), name + ".pb"));
        var expected = JsonNode.Parse(File.ReadAllText(Path.Combine(FixtureDir(), name + ".json")));

        var decoded = KubeProtobuf.Decode(body);

        Assert.True(JsonNode.DeepEquals(expected, decoded), $"expected\n{expected}\nbut decoded\n{decoded}");
    }

    [Fact]
    public void Decode_Deployment_KeepsReplicasPortsAndEmptyResources()
    {
        var decoded = KubeProtobuf.Decode(File.ReadAllBytes(Path.Combine(FixtureDir(), "deployment.pb")));

        Assert.Equal("apps/v1", (string?)decoded["apiVersion"]);
        Assert.Equal(3, (int?)decoded["spec"]!["replicas"]);
        var container = decoded["spec"]!["template"]!["spec"]!["containers"]![0]!;
        Assert.Equal(80, (int?)container["ports"]![0]!["containerPort"]);
        Assert.Equal("{}", container["resources"]!.ToJsonString());
    }

    static string FixtureDir([CallerFilePath] string thisFile = "") => Path.Combine(Path.GetDirectoryName(thisFile)!, "fixtures");
}
