using Podway.Api.Resources;
using static Podway.Api.Tests.Printing.PrinterTestKit;

namespace Podway.Api.Tests.Printing;

/// <summary>Golden cells for every non-pod printer, one `kubectl get -o wide` row each.</summary>
public sealed class ResourcePrinterTests
{
    const string Meta = """ "name":"web","creationTimestamp":"2025-06-01T10:00:00Z" """;

    public sealed record ServiceCase(string Name, string Spec, string Status, string Type, string ClusterIP, string ExternalIP, string Ports, string Selector);

    public static TheoryData<ServiceCase> ServiceCases => new()
    {
        new("cluster ip", """{"type":"ClusterIP","clusterIPs":["10.96.0.20"],"selector":{"app":"web"},"ports":[{"port":80,"protocol":"TCP"}]}""", "{}", "ClusterIP", "10.96.0.20", "<none>", "80/TCP", "app=web"),
        new("headless", """{"type":"ClusterIP","clusterIP":"None","clusterIPs":["None"],"ports":[{"port":9042,"protocol":"TCP"}]}""", "{}", "ClusterIP", "None", "<none>", "9042/TCP", "<none>"),
        new("node port", """{"type":"NodePort","clusterIPs":["10.96.0.21"],"ports":[{"port":80,"nodePort":30007,"protocol":"TCP"},{"port":53,"protocol":"UDP"}]}""", "{}", "NodePort", "10.96.0.21", "<none>", "80:30007/TCP,53/UDP", "<none>"),
        new("external ips", """{"type":"ClusterIP","clusterIPs":["10.96.0.22"],"externalIPs":["1.2.3.4","5.6.7.8"],"ports":[{"port":80,"protocol":"TCP"}]}""", "{}", "ClusterIP", "10.96.0.22", "1.2.3.4,5.6.7.8", "80/TCP", "<none>"),
        new("load balancer pending", """{"type":"LoadBalancer","clusterIPs":["10.96.0.23"],"ports":[{"port":80,"nodePort":31000,"protocol":"TCP"}]}""", "{}", "LoadBalancer", "10.96.0.23", "<pending>", "80:31000/TCP", "<none>"),
        new("load balancer assigned", """{"type":"LoadBalancer","clusterIPs":["10.96.0.24"],"ports":[{"port":443,"nodePort":31001,"protocol":"TCP"}]}""",
            """{"loadBalancer":{"ingress":[{"ip":"172.18.0.200"},{"hostname":"lb.example.com"}]}}""", "LoadBalancer", "10.96.0.24", "172.18.0.200,lb.example.com", "443:31001/TCP", "<none>"),
        new("load balancer with external ip", """{"type":"LoadBalancer","clusterIPs":["10.96.0.25"],"externalIPs":["9.9.9.9"],"ports":[]}""",
            """{"loadBalancer":{"ingress":[{"ip":"172.18.0.201"}]}}""", "LoadBalancer", "10.96.0.25", "172.18.0.201,9.9.9.9", "<none>", "<none>"),
        new("external name", """{"type":"ExternalName","externalName":"db.example.com"}""", "{}", "ExternalName", "<none>", "db.example.com", "<none>", "<none>"),
    };

    [Theory]
    [MemberData(nameof(ServiceCases))]
    public void Cells_ServiceOfEachType_MatchesKubectl(ServiceCase c)
    {
        var row = Row(BuiltinResources.Service, """{"metadata":{@@Meta@@},"spec":@@c.Spec@@,"status":@@c.Status@@}""".Replace("@@Meta@@", Meta).Replace("@@c.Spec@@", c.Spec).Replace("@@c.Status@@", c.Status));
        Assert.Equal(("web", c.Type, c.ClusterIP, c.ExternalIP, c.Ports, "120m", c.Selector),
            (row["Name"], row["Type"], row["Cluster-IP"], row["External-IP"], row["Port(s)"], row["Age"], row["Selector"]));
    }

    [Fact]
    public void Cells_Deployment_ShowsReadyOverDesiredAndSelector()
    {
        var row = Row(BuiltinResources.Deployment, """
            {"metadata":{@@Meta@@},"spec":{"replicas":3,"selector":{"matchLabels":{"tier":"fe","app":"web"}},
             "template":{"spec":{"containers":[{"name":"web","image":"nginx:1.25"},{"name":"side","image":"busybox"}]}}},
             "status":{"readyReplicas":2,"updatedReplicas":3,"availableReplicas":2}}
            """.Replace("@@Meta@@", Meta));
        Assert.Equal(("2/3", 3L, 2L, "web,side", "nginx:1.25,busybox", "app=web,tier=fe"),
            (row["Ready"], row["Up-to-date"], row["Available"], row["Containers"], row["Images"], row["Selector"]));
    }

    [Fact]
    public void Cells_FreshDeployment_CountsZeroAndDefaultsReplicasToOne()
    {
        var row = Row(BuiltinResources.Deployment, """{"metadata":{@@Meta@@},"spec":{"selector":{"matchLabels":{"app":"web"}},"template":{"spec":{"containers":[]}}}}""".Replace("@@Meta@@", Meta));
        Assert.Equal(("0/1", 0L, 0L), (row["Ready"], row["Up-to-date"], row["Available"]));
    }

    [Fact]
    public void Cells_ReplicaSet_ShowsIntegersAndExpressionSelector()
    {
        var row = Row(BuiltinResources.ReplicaSet, """
            {"metadata":{@@Meta@@},"spec":{"replicas":2,"selector":{"matchLabels":{"app":"web"},"matchExpressions":[{"key":"env","operator":"In","values":["prod","dev"]},{"key":"canary","operator":"DoesNotExist"}]},
             "template":{"spec":{"containers":[{"name":"web","image":"nginx"}]}}},"status":{"replicas":2,"readyReplicas":1}}
            """.Replace("@@Meta@@", Meta));
        Assert.Equal((2L, 2L, 1L, "app=web,!canary,env in (dev,prod)"), (row["Desired"], row["Current"], row["Ready"], row["Selector"]));
    }

    [Fact]
    public void Cells_StatefulSet_ShowsReadyOverDesired()
    {
        var row = Row(BuiltinResources.StatefulSet, """{"metadata":{@@Meta@@},"spec":{"replicas":3,"template":{"spec":{"containers":[{"name":"cassandra","image":"cassandra:4"}]}}},"status":{"readyReplicas":1}}""".Replace("@@Meta@@", Meta));
        Assert.Equal(("1/3", "cassandra", "cassandra:4"), (row["Ready"], row["Containers"], row["Images"]));
    }

    [Theory]
    [InlineData("""[]""", "<none>")]
    [InlineData("""[{"addresses":[{"ip":"10.244.0.5"},{"ip":"10.244.0.6"}],"ports":[{"port":8080}]}]""", "10.244.0.5:8080,10.244.0.6:8080")]
    [InlineData("""[{"addresses":[{"ip":"10.0.0.1"},{"ip":"10.0.0.2"},{"ip":"10.0.0.3"},{"ip":"10.0.0.4"},{"ip":"10.0.0.5"}],"ports":[{"port":80}]}]""", "10.0.0.1:80,10.0.0.2:80,10.0.0.3:80 + 2 more...")]
    [InlineData("""[{"addresses":[{"ip":"fd00::1"}],"ports":[{"port":80}]}]""", "[fd00::1]:80")]
    public void Cells_Endpoints_ListsUpToThree(string subsets, string expected) =>
        Assert.Equal(expected, Row(BuiltinResources.Endpoints, """{"metadata":{@@Meta@@},"subsets":@@subsets@@}""".Replace("@@Meta@@", Meta).Replace("@@subsets@@", subsets))["Endpoints"]);

    [Theory]
    [InlineData("""[]""", """[]""", "<unset>", "<unset>")]
    [InlineData("""[{"name":"http","port":80},{"name":"","port":443}]""", """[{"addresses":["10.244.0.5"]},{"addresses":["10.244.0.6"]}]""", "80,443", "10.244.0.5,10.244.0.6")]
    [InlineData("""[{"name":"a"},{"port":1},{"port":2},{"port":3}]""", """[{"addresses":["1.1.1.1","1.1.1.2","1.1.1.3","1.1.1.4"]}]""", "a,1,2 + 1 more...", "1.1.1.1,1.1.1.2,1.1.1.3 + 1 more...")]
    public void Cells_EndpointSlice_ListsPortsAndAddresses(string ports, string endpoints, string expectedPorts, string expectedEndpoints)
    {
        var row = Row(BuiltinResources.EndpointSlice, """{"metadata":{@@Meta@@},"addressType":"IPv4","ports":@@ports@@,"endpoints":@@endpoints@@}""".Replace("@@Meta@@", Meta).Replace("@@ports@@", ports).Replace("@@endpoints@@", endpoints));
        Assert.Equal(("IPv4", expectedPorts, expectedEndpoints), (row["AddressType"], row["Ports"], row["Endpoints"]));
    }

    [Theory]
    [InlineData("""{"rules":[{"http":{}}]}""", "{}", "<none>", "*", "", "80")]
    [InlineData("""{"ingressClassName":"nginx","rules":[{"host":"a.com"},{"host":"b.com"}],"tls":[{"hosts":["a.com"]}]}""", """{"loadBalancer":{"ingress":[{"ip":"172.18.0.10"}]}}""", "nginx", "a.com,b.com", "172.18.0.10", "80, 443")]
    [InlineData("""{"rules":[{"host":"a"},{"host":"b"},{"host":"c"},{"host":"d"},{}]}""", "{}", "<none>", "a,b,c + 2 more...", "", "80")]
    public void Cells_Ingress_MatchesKubectl(string spec, string status, string cls, string hosts, string address, string ports)
    {
        var row = Row(BuiltinResources.Ingress, """{"metadata":{@@Meta@@},"spec":@@spec@@,"status":@@status@@}""".Replace("@@Meta@@", Meta).Replace("@@spec@@", spec).Replace("@@status@@", status));
        Assert.Equal((cls, hosts, address, ports), (row["Class"], row["Hosts"], row["Address"], row["Ports"]));
    }

    [Theory]
    [InlineData("""{"controller":"k8s.io/ingress-nginx"}""", "<none>")]
    [InlineData("""{"controller":"x","parameters":{"apiGroup":"k8s.example.com","kind":"IngressParameters","name":"external-lb"}}""", "IngressParameters.k8s.example.com/external-lb")]
    public void Cells_IngressClass_ShowsParameters(string spec, string parameters) =>
        Assert.Equal(parameters, Row(BuiltinResources.IngressClass, """{"metadata":{@@Meta@@},"spec":@@spec@@}""".Replace("@@Meta@@", Meta).Replace("@@spec@@", spec))["Parameters"]);

    [Theory]
    [InlineData("""{"podSelector":{}}""", "<none>")]
    [InlineData("""{"podSelector":{"matchLabels":{"app":"api"}}}""", "app=api")]
    [InlineData("""{"podSelector":{"matchExpressions":[{"key":"role","operator":"NotIn","values":["db"]}]}}""", "role notin (db)")]
    public void Cells_NetworkPolicy_FormatsPodSelector(string spec, string selector) =>
        Assert.Equal(selector, Row(BuiltinResources.NetworkPolicy, """{"metadata":{@@Meta@@},"spec":@@spec@@}""".Replace("@@Meta@@", Meta).Replace("@@spec@@", spec))["Pod-Selector"]);

    [Fact]
    public void Cells_Namespace_ShowsPhase() =>
        Assert.Equal("Active", Row(BuiltinResources.Namespace, """{"metadata":{@@Meta@@},"status":{"phase":"Active"}}""".Replace("@@Meta@@", Meta))["Status"]);

    [Theory]
    [InlineData("""{"node-role.kubernetes.io/control-plane":"","kubernetes.io/role":"worker"}""", """[{"type":"Ready","status":"True"}]""", "false", "Ready", "control-plane,worker")]
    [InlineData("""{}""", """[{"type":"Ready","status":"False"}]""", "true", "NotReady,SchedulingDisabled", "<none>")]
    [InlineData("""{}""", """[]""", "false", "Unknown", "<none>")]
    public void Cells_Node_StatusAndRoles(string labels, string conditions, string unschedulable, string status, string roles)
    {
        var row = Row(BuiltinResources.Node, """
            {"metadata":{"name":"node-1","creationTimestamp":"2025-06-01T10:00:00Z","labels":@@labels@@},"spec":{"unschedulable":@@unschedulable@@},
             "status":{"conditions":@@conditions@@,"addresses":[{"type":"InternalIP","address":"172.18.0.2"}],"nodeInfo":{"kubeletVersion":"v1.33.0","osImage":"Debian"}}}
            """.Replace("@@labels@@", labels).Replace("@@unschedulable@@", unschedulable).Replace("@@conditions@@", conditions));
        Assert.Equal((status, roles, "v1.33.0", "172.18.0.2", "<none>", "Debian", "<unknown>"),
            (row["Status"], row["Roles"], row["Version"], row["Internal-IP"], row["External-IP"], row["OS-Image"], row["Kernel-Version"]));
    }

    [Fact]
    public void Cells_CoreEvent_ShowsObjectSourceAndCount()
    {
        var row = Row(BuiltinResources.CoreEvent, """
            {"metadata":{"name":"web.1"},"involvedObject":{"kind":"Pod","name":"web-1","fieldPath":"spec.containers{web}"},"reason":"Pulled","type":"Normal",
             "message":" Container image pulled \n","source":{"component":"kubelet","host":"node-1"},"firstTimestamp":"2025-06-01T11:00:00Z","lastTimestamp":"2025-06-01T11:58:00Z","count":3}
            """);
        Assert.Equal(("2m", "Normal", "Pulled", "pod/web-1", "spec.containers{web}", "kubelet, node-1", "Container image pulled", "60m", 3L, "web.1"),
            (row["Last Seen"], row["Type"], row["Reason"], row["Object"], row["Subobject"], row["Source"], row["Message"], row["First Seen"], row["Count"], row["Name"]));
    }

    [Fact]
    public void Cells_EventsApiEvent_UsesEventTimeSeriesAndReportingController()
    {
        var row = Row(BuiltinResources.EventsEvent, """
            {"metadata":{"name":"e"},"regarding":{"kind":"Deployment","name":"web"},"note":"Scaled up","reason":"ScalingReplicaSet","type":"Normal",
             "eventTime":"2025-06-01T11:50:00.000000Z","reportingController":"deployment-controller","series":{"count":5,"lastObservedTime":"2025-06-01T11:59:00.000000Z"}}
            """);
        Assert.Equal(("60s", "deployment/web", "deployment-controller", "Scaled up", "10m", 5L),
            (row["Last Seen"], row["Object"], row["Source"], row["Message"], row["First Seen"], row["Count"]));
    }

    [Fact]
    public void Cells_SingletonEvent_CountsOne() =>
        Assert.Equal(1L, Row(BuiltinResources.CoreEvent, """{"metadata":{"name":"e"},"involvedObject":{"kind":"Node"},"eventTime":"2025-06-01T11:59:00.000000Z"}""")["Count"]);

    [Fact]
    public void Cells_SecretConfigMapServiceAccountLease_CountKeys()
    {
        var secret = Row(BuiltinResources.Secret, """{"metadata":{@@Meta@@},"type":"kubernetes.io/tls","data":{"tls.crt":"","tls.key":""}}""".Replace("@@Meta@@", Meta));
        var configMap = Row(BuiltinResources.ConfigMap, """{"metadata":{@@Meta@@},"data":{"a":"1"},"binaryData":{"b":""}}""".Replace("@@Meta@@", Meta));
        var sa = Row(BuiltinResources.ServiceAccount, """{"metadata":{@@Meta@@}}""".Replace("@@Meta@@", Meta));
        var lease = Row(BuiltinResources.Lease, """{"metadata":{@@Meta@@},"spec":{"holderIdentity":"node-1"}}""".Replace("@@Meta@@", Meta));
        Assert.Equal(("kubernetes.io/tls", 2L, 2L, 0L, "node-1"), (secret["Type"], secret["Data"], configMap["Data"], sa["Secrets"], lease["Holder"]));
    }

    [Fact]
    public void Cells_GatewayApi_UsesCrdPrinterColumns()
    {
        var gc = Row(BuiltinResources.GatewayClass, """{"metadata":{@@Meta@@},"spec":{"controllerName":"podway.dev/edge","description":"edge"},"status":{"conditions":[{"type":"Accepted","status":"True"}]}}""".Replace("@@Meta@@", Meta));
        var gw = Row(BuiltinResources.Gateway, """{"metadata":{@@Meta@@},"spec":{"gatewayClassName":"prod"},"status":{"addresses":[{"value":"172.18.0.50"},{"value":"172.18.0.51"}]}}""".Replace("@@Meta@@", Meta));
        var route = Row(BuiltinResources.HttpRoute, """{"metadata":{@@Meta@@},"spec":{"hostnames":["a.example.com","b.example.com"]}}""".Replace("@@Meta@@", Meta));
        var grant = Row(BuiltinResources.ReferenceGrant, """{"metadata":{@@Meta@@},"spec":{}}""".Replace("@@Meta@@", Meta));
        Assert.Equal(("podway.dev/edge", "True", "120m", "edge"), (gc["Controller"], gc["Accepted"], gc["Age"], gc["Description"]));
        Assert.Equal(("prod", "172.18.0.50", null), (gw["Class"], gw["Address"], gw["Programmed"]));
        Assert.Equal("""["a.example.com","b.example.com"]""", route["Hostnames"]);
        Assert.Equal(["Name", "Age"], grant.Keys);
    }
}
