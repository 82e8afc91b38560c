using System.Text.Json.Nodes;
using Podway.Node.Kubelet;

namespace Podway.Node.Tests.Kubelet;

public sealed class UnsupportedSettingsTests
{
    static JsonObject Pod(string spec) => new() { ["spec"] = JsonNode.Parse(spec)!.AsObject() };

    [Fact]
    public void SupportedSettings_SayNothing()
    {
        var pod = Pod("""{"securityContext":{"runAsUser":1000,"seccompProfile":{"type":"RuntimeDefault"}},"hostUsers":true}""");
        Assert.Empty(UnsupportedSettings.Of(pod, JsonNode.Parse("""{"securityContext":{"appArmorProfile":{"type":"Unconfined"}}}""")!.AsObject()));
    }

    [Fact]
    public void LocalhostSeccomp_AppArmor_SELinux_AndUserNamespaces_AreEachReported()
    {
        var pod = Pod("""{"hostUsers":false,"securityContext":{"seLinuxOptions":{"level":"s0:c1"}}}""");
        var container = JsonNode.Parse("""{"securityContext":{"seccompProfile":{"type":"Localhost","localhostProfile":"x.json"},"appArmorProfile":{"type":"RuntimeDefault"}}}""")!.AsObject();
        var warnings = UnsupportedSettings.Of(pod, container).ToList();
        Assert.Equal(4, warnings.Count);
        Assert.Contains(warnings, w => w.StartsWith("seccompProfile type Localhost is not supported", StringComparison.Ordinal));
        Assert.Contains(warnings, w => w.StartsWith("appArmorProfile type RuntimeDefault is not applied", StringComparison.Ordinal));
        Assert.Contains(warnings, w => w.StartsWith("seLinuxOptions are not applied", StringComparison.Ordinal));
        Assert.Contains(warnings, w => w.StartsWith("hostUsers: false (user namespaces) is not supported", StringComparison.Ordinal));
    }
}
