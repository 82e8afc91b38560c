using System.Text.Json.Nodes;
using Podway.Api.Defaulting;
using Podway.Api.Resources;
using Podway.Api.Tests.Support;

namespace Podway.Api.Tests.Defaulting;

/// <summary>Every seed manifest, defaulted, reads back as kube-apiserver 1.33 would store it.</summary>
public sealed class SeedManifestDefaultsTests
{
    static JsonObject Defaulted(string file, int index)
    {
        var obj = SeedManifests.Load(file, index);
        Defaulters.Apply(TypeOf(obj), obj);
        return obj;
    }

    static ResourceType TypeOf(JsonObject obj) =>
        BuiltinResources.FindByKind((string)obj["apiVersion"]!, (string)obj["kind"]!)
        ?? throw new InvalidOperationException($"no resource type for {obj["apiVersion"]} {obj["kind"]}");

    [Fact]
    public void Apply_SeedPodDemo_MatchesRealClusterPod()
    {
        JsonAssert.Equivalent("""
            {"apiVersion":"v1","kind":"Pod","metadata":{"name":"demo","labels":{"app":"demo"}},
             "spec":{
               "containers":[{"name":"app","image":"nginx:1.25-alpine","imagePullPolicy":"IfNotPresent",
                 "ports":[{"containerPort":80,"protocol":"TCP"}],"resources":{},
                 "terminationMessagePath":"/dev/termination-log","terminationMessagePolicy":"File"}],
               "dnsPolicy":"ClusterFirst","enableServiceLinks":true,"preemptionPolicy":"PreemptLowerPriority","priority":0,
               "restartPolicy":"Always","schedulerName":"default-scheduler","securityContext":{},
               "serviceAccount":"default","serviceAccountName":"default","terminationGracePeriodSeconds":30,
               "tolerations":[
                 {"effect":"NoExecute","key":"node.kubernetes.io/not-ready","operator":"Exists","tolerationSeconds":300},
                 {"effect":"NoExecute","key":"node.kubernetes.io/unreachable","operator":"Exists","tolerationSeconds":300}]},
             "status":{"phase":"Pending","qosClass":"BestEffort"}}
            """, Defaulted("000-pod-demo.yaml", 0));
    }

    [Fact]
    public void Apply_SeedDeploymentWeb_MatchesRealClusterDeployment()
    {
        JsonAssert.Equivalent("""
            {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},
             "spec":{"replicas":3,"selector":{"matchLabels":{"app":"web"}},
               "progressDeadlineSeconds":600,"revisionHistoryLimit":10,
               "strategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":"25%","maxUnavailable":"25%"}},
               "template":{"metadata":{"creationTimestamp":null,"labels":{"app":"web"}},
                 "spec":{"containers":[{"name":"nginx","image":"nginx:1.25-alpine","imagePullPolicy":"IfNotPresent",
                     "ports":[{"containerPort":80,"protocol":"TCP"}],
                     "readinessProbe":{"failureThreshold":3,"httpGet":{"path":"/","port":80,"scheme":"HTTP"},
                       "periodSeconds":5,"successThreshold":1,"timeoutSeconds":1},
                     "resources":{},"terminationMessagePath":"/dev/termination-log","terminationMessagePolicy":"File"}],
                   "dnsPolicy":"ClusterFirst","restartPolicy":"Always","schedulerName":"default-scheduler",
                   "securityContext":{},"terminationGracePeriodSeconds":30}}},
             "status":{}}
            """, Defaulted("000-deployment-web.yaml", 0));
    }

    [Fact]
    public void Apply_SeedServiceWeb_MatchesRealClusterServiceExceptAllocatedIp()
    {
        JsonAssert.Equivalent("""
            {"apiVersion":"v1","kind":"Service","metadata":{"name":"web"},
             "spec":{"type":"ClusterIP","selector":{"app":"web"},
               "ports":[{"name":"http","port":80,"protocol":"TCP","targetPort":80}],
               "sessionAffinity":"None","internalTrafficPolicy":"Cluster",
               "ipFamilies":["IPv4"],"ipFamilyPolicy":"SingleStack"},
             "status":{"loadBalancer":{}}}
            """, Defaulted("000-service-web.yaml", 0));
    }

    public sealed record Expectation(string File, int Index, string Path, string Json);

    /// <summary>Defaults a user would see in `kubectl get -o yaml` of each seed object.</summary>
    public static readonly TheoryData<Expectation> Expectations = new()
    {
        new("000-ingress-web.yaml", 0, "status", """{"loadBalancer":{}}"""),
        new("000-ingress-web.yaml", 0, "spec.rules[0].http.paths[0].pathType", "\"Prefix\""),
        new("000-web-all.yaml", 0, "spec.replicas", "2"),
        new("000-web-all.yaml", 0, "spec.template.spec.containers[0].readinessProbe.periodSeconds", "10"),
        new("000-web-all.yaml", 1, "spec.ports[0]", """{"port":80,"protocol":"TCP","targetPort":80}"""),
        new("000-web-all.yaml", 1, "spec.type", "\"ClusterIP\""),
        new("000-web-all.yaml", 2, "status.loadBalancer", "{}"),
        new("001-headless-cassandra.yaml", 0, "spec.clusterIPs", """["None"]"""),
        new("001-headless-cassandra.yaml", 0, "spec.ports[0].targetPort", "9042"),
        new("001-headless-cassandra.yaml", 0, "spec.ipFamilyPolicy", "\"SingleStack\""),
        new("001-httproute-api.yaml", 0, "spec.parentRefs[0]", """{"group":"gateway.networking.k8s.io","kind":"Gateway","name":"store-gateway"}"""),
        new("001-httproute-api.yaml", 0, "spec.rules[0].backendRefs[0]", """{"group":"","kind":"Service","name":"api","port":80,"weight":1}"""),
        new("001-httproute-api.yaml", 0, "spec.rules[0].matches[0].path", """{"type":"PathPrefix","value":"/api"}"""),
        new("001-ingress-store.yaml", 0, "spec.tls", """[{"hosts":["shop.example.com"],"secretName":"shop-tls"}]"""),
        new("001-netpol-shop.yaml", 0, "spec", """{"podSelector":{},"policyTypes":["Ingress"]}"""),
        new("001-netpol-shop.yaml", 1, "spec.ingress[0].ports[0]", """{"port":5432,"protocol":"TCP"}"""),
        new("001-service-web-8080.yaml", 0, "spec.ports[0]", """{"port":80,"protocol":"TCP","targetPort":8080}"""),
        new("002-endpointslice.yaml", 0, "ports[0]", """{"name":"","port":80,"protocol":"TCP"}"""),
        new("002-endpointslice.yaml", 0, "endpoints[0].conditions", """{"ready":true}"""),
        new("002-gateway.yaml", 0, "status.conditions[0]", """{"lastTransitionTime":"1970-01-01T00:00:00Z","message":"Waiting for controller","reason":"Pending","status":"Unknown","type":"Accepted"}"""),
        new("002-gateway.yaml", 1, "spec.listeners[0]", """{"allowedRoutes":{"namespaces":{"from":"Same"}},"port":80,"protocol":"HTTP"}"""),
        new("002-gateway.yaml", 1, "status.conditions[1].type", "\"Programmed\""),
        new("002-gateway.yaml", 2, "spec.rules[0].backendRefs[0].weight", "1"),
        new("002-gateway.yaml", 2, "spec.parentRefs[0].kind", "\"Gateway\""),
        new("002-ingress-app.yaml", 0, "status.loadBalancer", "{}"),
        new("002-netpol.yaml", 0, "spec.policyTypes", """["Ingress","Egress"]"""),
        new("002-netpol.yaml", 1, "spec.policyTypes", """["Ingress"]"""),
        new("002-netpol.yaml", 1, "spec.ingress[0].ports[0].protocol", "\"TCP\""),
        new("002-pod-hostname.yaml", 0, "spec.clusterIPs", """["None"]"""),
        new("002-pod-hostname.yaml", 1, "spec.hostname", "\"pod-1\""),
        new("002-pod-hostname.yaml", 1, "spec.subdomain", "\"db\""),
        new("002-pod-hostname.yaml", 1, "spec.dnsPolicy", "\"ClusterFirst\""),
        new("002-pod-hostname.yaml", 1, "spec.containers[0].ports[0]", """{"containerPort":5432,"protocol":"TCP"}"""),
        new("002-pod-hostname.yaml", 1, "status", """{"phase":"Pending","qosClass":"BestEffort"}"""),
        new("002-services.yaml", 0, "spec.ports[0].targetPort", "8080"),
        new("002-services.yaml", 1, "spec.externalTrafficPolicy", "\"Cluster\""),
        new("002-services.yaml", 1, "spec.ports[0]", """{"nodePort":30007,"port":80,"protocol":"TCP","targetPort":80}"""),
        new("002-services.yaml", 1, "spec.internalTrafficPolicy", "\"Cluster\""),
        new("002-services.yaml", 2, "spec.allocateLoadBalancerNodePorts", "true"),
        new("002-services.yaml", 2, "spec.externalTrafficPolicy", "\"Cluster\""),
        new("002-services.yaml", 3, "spec.sessionAffinity", "\"None\""),
        new("002-services.yaml", 4, "spec", """{"type":"ExternalName","externalName":"api.example.com","sessionAffinity":"None"}"""),
        new("003-web-service-ingress.yaml", 0, "spec.ipFamilies", """["IPv4"]"""),
        new("003-web-service-ingress.yaml", 1, "spec.rules[0].http.paths[0].backend", """{"service":{"name":"web-service","port":{"number":80}}}"""),
        new("004-api-service.yaml", 0, "spec.ports[0]", """{"port":80,"protocol":"TCP","targetPort":8080}"""),
        new("004-netpol-allow-api-from-web.yaml", 0, "spec.ingress[0].ports[0]", """{"port":8080,"protocol":"TCP"}"""),
        new("004-platform-ingress.yaml", 0, "spec.ingressClassName", "\"nginx\""),
    };

    [Theory]
    [MemberData(nameof(Expectations))]
    public void Apply_SeedObject_HasKubeDefault(Expectation row)
    {
        var obj = Defaulted(row.File, row.Index);
        Assert.True(JsonAssert.Has(obj, row.Path), $"{row.File}#{row.Index}: {row.Path} missing");
        JsonAssert.Equivalent(row.Json, JsonAssert.At(obj, row.Path));
    }

    [Theory]
    [MemberData(nameof(SeedManifests.AllObjects), MemberType = typeof(SeedManifests))]
    public void Apply_Twice_ChangesNothing(string file, int index)
    {
        var once = Defaulted(file, index);
        var twice = (JsonObject)once.DeepClone();
        Defaulters.Apply(TypeOf(twice), twice);
        Assert.Equal(JsonAssert.Canonical(once), JsonAssert.Canonical(twice));
    }

    [Theory]
    [MemberData(nameof(SeedManifests.AllObjects), MemberType = typeof(SeedManifests))]
    public void Apply_SeedObject_KeepsEveryValueTheUserWrote(string file, int index)
    {
        var original = SeedManifests.Load(file, index);
        var defaulted = Defaulted(file, index);
        foreach (var (path, value) in Leaves(original, ""))
            Assert.Equal(value, JsonAssert.Canonical(JsonAssert.At(defaulted, path)));
    }

    static IEnumerable<(string Path, string Value)> Leaves(JsonNode? node, string path) => node switch
    {
        JsonObject o => o.SelectMany(p => Leaves(p.Value, path.Length == 0 ? $"[\"{p.Key}\"]" : $"{path}.[\"{p.Key}\"]")),
        JsonArray a => a.SelectMany((item, i) => Leaves(item, $"{path}[{i}]")),
        _ => [(path, JsonAssert.Canonical(node))],
    };
}
