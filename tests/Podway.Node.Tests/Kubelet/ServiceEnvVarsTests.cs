using System.Text.Json.Nodes;
using Podway.Node.Kubelet;

namespace Podway.Node.Tests.Kubelet;

/// <summary>The kubelet's Service variables (pkg/kubelet/envvars, getServiceEnvVarMap), by the names and values kube gives.</summary>
public sealed class ServiceEnvVarsTests
{
    static JsonObject Service(string ns, string name, string clusterIp, string ports) =>
        JsonNode.Parse($$$"""{"metadata":{"namespace":"{{{ns}}}","name":"{{{name}}}"},"spec":{"clusterIP":"{{{clusterIp}}}","ports":{{{ports}}}}}""")!.AsObject();

    static readonly JsonObject Kubernetes = Service("default", "kubernetes", "10.96.0.1", """[{"name":"https","port":443,"protocol":"TCP","targetPort":6443}]""");

    [Fact]
    public void FromServices_TwoNamedPorts_GivesHostPortsAndDockerLinkVariablesInKubeOrder()
    {
        var web = Service("shop", "my-web", "10.96.3.4", """[{"name":"http","port":80,"targetPort":8080},{"name":"dns-udp","port":53,"protocol":"UDP"}]""");
        var vars = ServiceEnvVars.FromServices([web]);
        Assert.Equal(
        [
            new("MY_WEB_SERVICE_HOST", "10.96.3.4"),
            new("MY_WEB_SERVICE_PORT", "80"),
            new("MY_WEB_SERVICE_PORT_HTTP", "80"),
            new("MY_WEB_SERVICE_PORT_DNS_UDP", "53"),
            new("MY_WEB_PORT", "tcp://10.96.3.4:80"),
            new("MY_WEB_PORT_80_TCP", "tcp://10.96.3.4:80"),
            new("MY_WEB_PORT_80_TCP_PROTO", "tcp"),
            new("MY_WEB_PORT_80_TCP_PORT", "80"),
            new("MY_WEB_PORT_80_TCP_ADDR", "10.96.3.4"),
            new("MY_WEB_PORT_53_UDP", "udp://10.96.3.4:53"),
            new("MY_WEB_PORT_53_UDP_PROTO", "udp"),
            new("MY_WEB_PORT_53_UDP_PORT", "53"),
            new("MY_WEB_PORT_53_UDP_ADDR", "10.96.3.4"),
        ], vars);
    }

    [Fact]
    public void FromServices_UnnamedPortAndIpv6_NoNamedPortVariableAndBracketedAddress()
    {
        var vars = ServiceEnvVars.FromServices([Service("a", "v6", "fd00::10", """[{"port":8080}]""")]).ToDictionary();
        Assert.Equal("8080", vars["V6_SERVICE_PORT"]);
        Assert.Equal("tcp://[fd00::10]:8080", vars["V6_PORT"]);
        Assert.DoesNotContain(vars.Keys, k => k.StartsWith("V6_SERVICE_PORT_", StringComparison.Ordinal));
    }

    [Fact]
    public void ForPod_HeadlessAndOtherNamespaces_OnlyOwnNamespaceWithClusterIpPlusKubernetes()
    {
        JsonObject[] services =
        [
            Kubernetes,
            Service("shop", "web", "10.96.0.20", """[{"port":80}]"""),
            Service("shop", "headless", "None", """[{"port":80}]"""),
            JsonNode.Parse("""{"metadata":{"namespace":"shop","name":"ext"},"spec":{"type":"ExternalName","externalName":"example.com"}}""")!.AsObject(),
            Service("other", "db", "10.96.0.30", """[{"port":5432}]"""),
        ];
        var env = ServiceEnvVars.ForPod(services, "shop", enableServiceLinks: true);
        Assert.Equal("10.96.0.20", env["WEB_SERVICE_HOST"]);
        Assert.Equal("10.96.0.1", env["KUBERNETES_SERVICE_HOST"]);
        Assert.Equal("443", env["KUBERNETES_SERVICE_PORT_HTTPS"]);
        Assert.Equal("tcp://10.96.0.1:443", env["KUBERNETES_PORT_443_TCP"]);
        Assert.DoesNotContain(env.Keys, k => k.StartsWith("HEADLESS_", StringComparison.Ordinal) || k.StartsWith("EXT_", StringComparison.Ordinal) || k.StartsWith("DB_", StringComparison.Ordinal));
    }

    [Fact]
    public void ForPod_ServiceLinksDisabled_OnlyTheKubernetesService()
    {
        JsonObject[] services = [Service("shop", "web", "10.96.0.20", """[{"port":80}]"""), Kubernetes];
        var env = ServiceEnvVars.ForPod(services, "shop", enableServiceLinks: false);
        Assert.All(env.Keys, k => Assert.StartsWith("KUBERNETES_", k));
        Assert.Equal("10.96.0.1", env["KUBERNETES_SERVICE_HOST"]);
    }

    [Fact]
    public void ForPod_NamespaceHasItsOwnKubernetesService_ItWinsInEitherOrder()
    {
        var own = Service("shop", "kubernetes", "10.96.9.9", """[{"port":80}]""");
        Assert.Equal("10.96.9.9", ServiceEnvVars.ForPod([Kubernetes, own], "shop", true)["KUBERNETES_SERVICE_HOST"]);
        Assert.Equal("10.96.9.9", ServiceEnvVars.ForPod([own, Kubernetes], "shop", true)["KUBERNETES_SERVICE_HOST"]);
    }
}
