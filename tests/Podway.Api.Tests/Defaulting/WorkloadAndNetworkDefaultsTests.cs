using System.Text.Json.Nodes;
using Podway.Api.Defaulting;
using Podway.Api.Resources;
using Podway.Api.Tests.Support;

namespace Podway.Api.Tests.Defaulting;

public sealed class WorkloadAndNetworkDefaultsTests
{
    static JsonObject Defaulted(ResourceType type, string json)
    {
        var obj = JsonNode.Parse(json)!.AsObject();
        Defaulters.Apply(type, obj);
        return obj;
    }

    public sealed record Row(string Kind, string Input, string Path, string Expected);

    static readonly Dictionary<string, ResourceType> Types = BuiltinResources.AllTypes.ToDictionary(t => t.StorageKey);

    public static readonly TheoryData<Row> Rows = new()
    {
        new("statefulsets.apps", """{"spec":{"template":{"spec":{"containers":[]}}}}""", "spec.updateStrategy", """{"type":"RollingUpdate","rollingUpdate":{"partition":0}}"""),
        new("statefulsets.apps", """{"spec":{}}""", "spec.persistentVolumeClaimRetentionPolicy", """{"whenDeleted":"Retain","whenScaled":"Retain"}"""),
        new("statefulsets.apps", """{"spec":{}}""", "spec.podManagementPolicy", "\"OrderedReady\""),
        new("statefulsets.apps", """{"spec":{}}""", "spec.revisionHistoryLimit", "10"),
        new("statefulsets.apps", """{"spec":{"updateStrategy":{"type":"OnDelete"}}}""", "spec.updateStrategy", """{"type":"OnDelete"}"""),
        new("statefulsets.apps", """{"spec":{"volumeClaimTemplates":[{"metadata":{"name":"data"},"spec":{"accessModes":["ReadWriteOnce"]}}]}}""",
            "spec.volumeClaimTemplates[0]", """{"metadata":{"name":"data","creationTimestamp":null},"spec":{"accessModes":["ReadWriteOnce"],"volumeMode":"Filesystem"},"status":{"phase":"Pending"}}"""),
        new("statefulsets.apps", """{"spec":{}}""", "status", """{"replicas":0,"availableReplicas":0}"""),
        new("replicasets.apps", """{"spec":{"template":{"spec":{"containers":[]}}}}""", "spec.replicas", "1"),
        new("replicasets.apps", """{"spec":{}}""", "status", """{"replicas":0}"""),
        new("deployments.apps", """{"spec":{"strategy":{"type":"Recreate"}}}""", "spec.strategy", """{"type":"Recreate"}"""),
        new("deployments.apps", """{"spec":{"strategy":{"rollingUpdate":{"maxSurge":1}}}}""", "spec.strategy", """{"type":"RollingUpdate","rollingUpdate":{"maxSurge":1,"maxUnavailable":"25%"}}"""),
        new("services", """{"spec":{"sessionAffinity":"ClientIP","ports":[{"port":53,"protocol":"UDP","targetPort":"dns"}]}}""", "spec.sessionAffinityConfig", """{"clientIP":{"timeoutSeconds":10800}}"""),
        new("services", """{"spec":{"ports":[{"port":53,"protocol":"UDP","targetPort":"dns"}]}}""", "spec.ports[0]", """{"port":53,"protocol":"UDP","targetPort":"dns"}"""),
        new("services", """{"spec":{"clusterIP":"None","ports":[{"port":80}]}}""", "spec.ipFamilyPolicy", "\"RequireDualStack\""),
        new("services", """{"spec":{"clusterIPs":["10.96.0.10"]}}""", "spec.clusterIP", "\"10.96.0.10\""),
        new("services", """{"spec":{"type":"LoadBalancer"},"status":{"loadBalancer":{"ingress":[{"ip":"172.18.0.50"}]}}}""", "status.loadBalancer.ingress[0]", """{"ip":"172.18.0.50","ipMode":"VIP"}"""),
        new("namespaces", """{"metadata":{"name":"shop"}}""", "", """{"metadata":{"name":"shop","labels":{"kubernetes.io/metadata.name":"shop"}},"spec":{"finalizers":["kubernetes"]},"status":{"phase":"Active"}}"""),
        new("secrets", """{"stringData":{"user":"admin"},"data":{"pw":"cHc="}}""", "", """{"type":"Opaque","data":{"pw":"cHc=","user":"YWRtaW4="}}"""),
        new("secrets", """{"type":"kubernetes.io/tls","data":{}}""", "type", "\"kubernetes.io/tls\""),
        new("nodes", """{"spec":{"podCIDR":"10.244.1.0/24"},"status":{"capacity":{"cpu":"4"}}}""", "", """{"spec":{"podCIDR":"10.244.1.0/24","podCIDRs":["10.244.1.0/24"]},"status":{"capacity":{"cpu":"4"},"allocatable":{"cpu":"4"}}}"""),
        new("endpoints", """{"subsets":[{"ports":[{"port":80}]}]}""", "subsets[0].ports[0].protocol", "\"TCP\""),
        new("ingressclasses.networking.k8s.io", """{"spec":{"controller":"x","parameters":{"kind":"K","name":"n"}}}""", "spec.parameters.scope", "\"Cluster\""),
        new("networkpolicies.networking.k8s.io", """{"spec":{"podSelector":{},"egress":[{"ports":[{"port":53,"protocol":"UDP"}]}]}}""", "spec.policyTypes", """["Ingress","Egress"]"""),
        new("events", """{"reason":"Started"}""", "", """{"reason":"Started","involvedObject":{},"source":{},"reportingComponent":"","reportingInstance":"","firstTimestamp":null,"lastTimestamp":null,"eventTime":null}"""),
        new("httproutes.gateway.networking.k8s.io", """{"spec":{"parentRefs":[{"name":"gw"}]}}""", "spec.rules", """[{"matches":[{"path":{"type":"PathPrefix","value":"/"}}]}]"""),
        new("httproutes.gateway.networking.k8s.io", """{"spec":{"rules":[{"matches":[{"headers":[{"name":"x","value":"y"}]}],"filters":[{"type":"RequestMirror","requestMirror":{"backendRef":{"name":"m","port":80}}}]}]}}""",
            "spec.rules[0]", """{"matches":[{"headers":[{"name":"x","type":"Exact","value":"y"}],"path":{"type":"PathPrefix","value":"/"}}],"filters":[{"type":"RequestMirror","requestMirror":{"backendRef":{"group":"","kind":"Service","name":"m","port":80}}}]}"""),
        new("grpcroutes.gateway.networking.k8s.io", """{"spec":{"parentRefs":[{"name":"gw","sectionName":"grpc"}],"rules":[{"matches":[{"method":{"service":"echo.Echo"}}],"backendRefs":[{"name":"echo","port":9000}]}]}}""",
            "spec", """{"parentRefs":[{"group":"gateway.networking.k8s.io","kind":"Gateway","name":"gw","sectionName":"grpc"}],"rules":[{"matches":[{"method":{"service":"echo.Echo","type":"Exact"}}],"backendRefs":[{"group":"","kind":"Service","name":"echo","port":9000,"weight":1}]}]}"""),
        new("gateways.gateway.networking.k8s.io", """{"spec":{"gatewayClassName":"c","listeners":[{"name":"https","port":443,"protocol":"HTTPS","tls":{"certificateRefs":[{"name":"cert"}]},"allowedRoutes":{"namespaces":{"from":"All"}}}]}}""",
            "spec.listeners[0]", """{"name":"https","port":443,"protocol":"HTTPS","tls":{"certificateRefs":[{"name":"cert"}],"mode":"Terminate"},"allowedRoutes":{"namespaces":{"from":"All"}}}"""),
        new("referencegrants.gateway.networking.k8s.io", """{"spec":{"from":[{"group":"","kind":"Service","namespace":"a"}],"to":[{"group":"","kind":"Secret"}]}}""",
            "", """{"spec":{"from":[{"group":"","kind":"Service","namespace":"a"}],"to":[{"group":"","kind":"Secret"}]}}"""),
        new("configmaps", """{"data":{"a":"b"}}""", "", """{"data":{"a":"b"}}"""),
        new("adminnetworkpolicies.policy.networking.k8s.io", """{"spec":{"egress":[{"ports":[{"portNumber":{"port":53}},{"portRange":{"start":80,"end":81,"protocol":"UDP"}},{"namedPort":"dns"}]}]}}""",
            "spec.egress[0].ports", """[{"portNumber":{"port":53,"protocol":"TCP"}},{"portRange":{"start":80,"end":81,"protocol":"UDP"}},{"namedPort":"dns"}]"""),
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public void Apply_Kind_FillsKubeDefaults(Row row)
    {
        var obj = Defaulted(Types[row.Kind], row.Input);
        JsonAssert.Equivalent(row.Expected, row.Path.Length == 0 ? obj : JsonAssert.At(obj, row.Path));
        var again = (JsonObject)obj.DeepClone();
        Defaulters.Apply(Types[row.Kind], again);
        Assert.Equal(JsonAssert.Canonical(obj), JsonAssert.Canonical(again));
    }
}
