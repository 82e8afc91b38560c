using System.Text.Json.Nodes;
using Podway.Api.Defaulting;
using Podway.Api.Resources;
using Podway.Api.Tests.Support;

namespace Podway.Api.Tests.Defaulting;

public sealed class PodDefaultsTests
{
    static JsonObject Pod(string specJson)
    {
        var pod = new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Pod", ["metadata"] = new JsonObject { ["name"] = "p" }, ["spec"] = JsonNode.Parse(specJson) };
        Defaulters.Apply(BuiltinResources.Pod, pod);
        return pod;
    }

    [Theory]
    [InlineData("nginx", "Always")]
    [InlineData("nginx:latest", "Always")]
    [InlineData("nginx:1.25-alpine", "IfNotPresent")]
    [InlineData("registry.k8s.io/e2e-test-images/agnhost:2.47", "IfNotPresent")]
    [InlineData("localhost:5000/app", "Always")]
    [InlineData("localhost:5000/app:v1", "IfNotPresent")]
    [InlineData("busybox@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "IfNotPresent")]
    [InlineData("busybox:latest@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "Always")]
    [InlineData("Nginx", "IfNotPresent")]
    public void Apply_ContainerWithoutPullPolicy_PullPolicyFollowsTag(string image, string expected)
    {
        var pod = Pod($$"""{"containers":[{"name":"c","image":"{{image}}"}]}""");
        Assert.Equal(expected, (string?)JsonAssert.At(pod, "spec.containers[0].imagePullPolicy"));
    }

    [Fact]
    public void Apply_ExplicitPullPolicy_Kept()
    {
        var pod = Pod("""{"containers":[{"name":"c","image":"nginx","imagePullPolicy":"Never"}]}""");
        Assert.Equal("Never", (string?)JsonAssert.At(pod, "spec.containers[0].imagePullPolicy"));
    }

    [Fact]
    public void Apply_ProbesAndHooks_GetProbeAndHttpDefaults()
    {
        var pod = Pod("""
            {"containers":[{"name":"c","image":"nginx",
              "livenessProbe":{"tcpSocket":{"port":80},"timeoutSeconds":0},
              "startupProbe":{"grpc":{"port":9000}},
              "lifecycle":{"preStop":{"httpGet":{"port":80}}}}]}
            """);
        JsonAssert.Equivalent("""{"failureThreshold":3,"periodSeconds":10,"successThreshold":1,"tcpSocket":{"port":80},"timeoutSeconds":1}""",
            JsonAssert.At(pod, "spec.containers[0].livenessProbe"));
        JsonAssert.Equivalent("""{"port":9000,"service":""}""", JsonAssert.At(pod, "spec.containers[0].startupProbe.grpc"));
        JsonAssert.Equivalent("""{"path":"/","port":80,"scheme":"HTTP"}""", JsonAssert.At(pod, "spec.containers[0].lifecycle.preStop.httpGet"));
    }

    [Fact]
    public void Apply_LimitsWithoutRequests_RequestsCopiedAndGuaranteed()
    {
        var pod = Pod("""{"containers":[{"name":"c","image":"nginx","resources":{"limits":{"cpu":"500m","memory":"128Mi"}}}]}""");
        JsonAssert.Equivalent("""{"cpu":"500m","memory":"128Mi"}""", JsonAssert.At(pod, "spec.containers[0].resources.requests"));
        Assert.Equal("Guaranteed", (string?)JsonAssert.At(pod, "status.qosClass"));
    }

    [Theory]
    [InlineData("""{}""", "BestEffort")]
    [InlineData("""{"requests":{"cpu":"100m"}}""", "Burstable")]
    [InlineData("""{"requests":{"cpu":"0.5","memory":"1Gi"},"limits":{"cpu":"500m","memory":"1024Mi"}}""", "Guaranteed")]
    [InlineData("""{"requests":{"cpu":"250m","memory":"1Gi"},"limits":{"cpu":"500m","memory":"1Gi"}}""", "Burstable")]
    [InlineData("""{"limits":{"cpu":"1"}}""", "Burstable")]
    [InlineData("""{"requests":{"ephemeral-storage":"1Gi"}}""", "BestEffort")]
    public void Apply_Resources_QosClassAsKube(string resources, string expected)
    {
        var pod = Pod($$"""{"containers":[{"name":"c","image":"nginx","resources":{{resources}}}]}""");
        Assert.Equal(expected, (string?)JsonAssert.At(pod, "status.qosClass"));
    }

    [Fact]
    public void Apply_ExistingNotReadyToleration_OnlyUnreachableAdded()
    {
        var pod = Pod("""{"containers":[{"name":"c","image":"nginx"}],"tolerations":[{"key":"node.kubernetes.io/not-ready","operator":"Exists","effect":"NoExecute","tolerationSeconds":60}]}""");
        JsonAssert.Equivalent("""
            [{"key":"node.kubernetes.io/not-ready","operator":"Exists","effect":"NoExecute","tolerationSeconds":60},
             {"key":"node.kubernetes.io/unreachable","operator":"Exists","effect":"NoExecute","tolerationSeconds":300}]
            """, JsonAssert.At(pod, "spec.tolerations"));
    }

    [Fact]
    public void Apply_TolerateEverything_NoTolerationsAdded()
    {
        var pod = Pod("""{"containers":[{"name":"c","image":"nginx"}],"tolerations":[{"operator":"Exists"}]}""");
        JsonAssert.Equivalent("""[{"operator":"Exists"}]""", JsonAssert.At(pod, "spec.tolerations"));
    }

    [Fact]
    public void Apply_HostNetwork_HostPortsFromContainerPorts()
    {
        var pod = Pod("""{"hostNetwork":true,"containers":[{"name":"c","image":"nginx","ports":[{"containerPort":8080}]}]}""");
        JsonAssert.Equivalent("""{"containerPort":8080,"hostPort":8080,"protocol":"TCP"}""", JsonAssert.At(pod, "spec.containers[0].ports[0]"));
    }

    [Fact]
    public void Apply_LegacyServiceAccount_CopiedToServiceAccountName()
    {
        var pod = Pod("""{"serviceAccount":"builder","containers":[{"name":"c","image":"nginx"}]}""");
        Assert.Equal("builder", (string?)JsonAssert.At(pod, "spec.serviceAccountName"));
        Assert.Equal("builder", (string?)JsonAssert.At(pod, "spec.serviceAccount"));
    }

    [Fact]
    public void Apply_SystemPriorityClass_PriorityFromClass()
    {
        var pod = Pod("""{"priorityClassName":"system-node-critical","containers":[{"name":"c","image":"nginx"}]}""");
        Assert.Equal(2000001000, (long?)JsonAssert.At(pod, "spec.priority"));
    }

    [Fact]
    public void Apply_Volumes_SourceDefaults()
    {
        var pod = Pod("""
            {"containers":[{"name":"c","image":"nginx","env":[{"name":"N","valueFrom":{"fieldRef":{"fieldPath":"metadata.name"}}},
                                                              {"name":"M","valueFrom":{"resourceFieldRef":{"resource":"limits.memory"}}}]}],
             "volumes":[{"name":"scratch"},{"name":"s","secret":{"secretName":"x"}},{"name":"cm","configMap":{"name":"x"}},
                        {"name":"h","hostPath":{"path":"/tmp"}},
                        {"name":"t","projected":{"sources":[{"serviceAccountToken":{"path":"token"}}]}}]}
            """);
        JsonAssert.Equivalent("""{"name":"scratch","emptyDir":{}}""", JsonAssert.At(pod, "spec.volumes[0]"));
        Assert.Equal(420, (long?)JsonAssert.At(pod, "spec.volumes[1].secret.defaultMode"));
        Assert.Equal(420, (long?)JsonAssert.At(pod, "spec.volumes[2].configMap.defaultMode"));
        Assert.Equal("", (string?)JsonAssert.At(pod, "spec.volumes[3].hostPath.type"));
        Assert.Equal(3600, (long?)JsonAssert.At(pod, "spec.volumes[4].projected.sources[0].serviceAccountToken.expirationSeconds"));
        Assert.Equal("v1", (string?)JsonAssert.At(pod, "spec.containers[0].env[0].valueFrom.fieldRef.apiVersion"));
        Assert.Equal("0", (string?)JsonAssert.At(pod, "spec.containers[0].env[1].valueFrom.resourceFieldRef.divisor"));
    }

    [Fact]
    public void Apply_StatusWithPodIpOnly_PodIpsFilled()
    {
        var pod = new JsonObject { ["spec"] = JsonNode.Parse("""{"containers":[]}"""), ["status"] = JsonNode.Parse("""{"phase":"Running","podIP":"10.244.0.5"}""") };
        Defaulters.Apply(BuiltinResources.Pod, pod);
        JsonAssert.Equivalent("""[{"ip":"10.244.0.5"}]""", JsonAssert.At(pod, "status.podIPs"));
        Assert.Equal("Running", (string?)JsonAssert.At(pod, "status.phase"));
    }
}
