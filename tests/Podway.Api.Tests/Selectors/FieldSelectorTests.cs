using System.Text.Json.Nodes;
using Podway.Api.Errors;
using Podway.Api.Resources;
using Podway.Api.Selectors;

namespace Podway.Api.Tests.Selectors;

public sealed class FieldSelectorTests
{
    [Theory]
    [InlineData("", "")]
    [InlineData("metadata.name=web", "metadata.name=web")]
    [InlineData("metadata.name==web", "metadata.name=web")]
    [InlineData("b=2,a==1", "a=1,b=2")]
    [InlineData("status.phase!=Running", "status.phase!=Running")]
    [InlineData(@"a=x\,y", @"a=x\,y")]
    [InlineData(@"a=x\=y\\z", @"a=x\=y\\z")]
    [InlineData("a=,,b=1", "a=,b=1")]
    public void Parse_ValidSelector_CanonicalString(string text, string expected)
    {
        Assert.Equal(expected, FieldSelector.Parse(text).ToString());
    }

    [Theory]
    [InlineData("abc", "invalid selector: 'abc'; can't understand 'abc'")]
    [InlineData("a=1,nonsense", "invalid selector: 'a=1,nonsense'; can't understand 'nonsense'")]
    [InlineData("a=b=c", "invalid field selector: unescaped character in value: 61")]
    [InlineData(@"a=x\y", @"invalid field selector: invalid escape sequence: \y")]
    [InlineData(@"a=x\", @"invalid field selector: invalid escape sequence: \")]
    public void Parse_InvalidSelector_BadRequestWithKubeMessage(string text, string message)
    {
        var e = Assert.Throws<ApiException>(() => FieldSelector.Parse(text));
        Assert.Equal(400, e.Code);
        Assert.Equal(message, e.Message);
    }

    [Fact]
    public void Parse_EscapedComma_MatchesLiteralValue()
    {
        var secret = JsonNode.Parse("""{"metadata":{"name":"a,b","namespace":"default"},"type":"Opaque"}""")!.AsObject();
        Assert.True(FieldSelector.Parse(@"metadata.name=a\,b").Matches(BuiltinResources.Secret, secret));
    }

    static readonly JsonObject RunningPod = JsonNode.Parse("""
        {"metadata":{"name":"web-1","namespace":"default"},
         "spec":{"nodeName":"node-1","restartPolicy":"Always","schedulerName":"default-scheduler","serviceAccountName":"default"},
         "status":{"phase":"Running","podIP":"10.244.0.7","podIPs":[{"ip":"10.244.0.7"}]}}
        """)!.AsObject();

    static readonly JsonObject ServiceEvent = JsonNode.Parse("""
        {"metadata":{"name":"web.17a","namespace":"default"},
         "involvedObject":{"kind":"Service","namespace":"default","name":"web","uid":"u-1","apiVersion":"v1"},
         "reason":"Created","type":"Normal","source":{"component":"endpoint-controller"},"reportingComponent":"endpoint-controller"}
        """)!.AsObject();

    public sealed record MatchRow(string Kind, string Selector, string Object, bool Expected);

    static readonly Dictionary<string, ResourceType> Types = BuiltinResources.AllTypes.ToDictionary(t => t.StorageKey);

    public static readonly TheoryData<MatchRow> MatchRows = new()
    {
        new("pods", "metadata.name=web-1", "running", true),
        new("pods", "metadata.name=web-2", "running", false),
        new("pods", "metadata.namespace=default,spec.nodeName=node-1", "running", true),
        new("pods", "spec.host=node-1", "running", true),
        new("pods", "spec.nodeName=", "running", false),
        new("pods", "status.phase!=Succeeded,status.phase!=Failed", "running", true),
        new("pods", "status.podIP=10.244.0.7", "running", true),
        new("pods", "spec.hostNetwork=false", "running", true),
        new("pods", "spec.restartPolicy=Always,spec.schedulerName=default-scheduler,spec.serviceAccountName=default", "running", true),
        new("pods", "status.nominatedNodeName=", "running", true),
        new("pods", "status.podIPs=10.244.0.7", "running", false),
        new("events", "involvedObject.uid=u-1,involvedObject.name=web,involvedObject.namespace=default,involvedObject.kind=Service", "event", true),
        new("events", "involvedObject.kind=Pod", "event", false),
        new("events", "reason=Created,type=Normal,source=endpoint-controller,reportingComponent=endpoint-controller", "event", true),
        new("events", "involvedObject.apiVersion=v1,involvedObject.fieldPath=,involvedObject.resourceVersion=", "event", true),
    };

    [Theory]
    [MemberData(nameof(MatchRows))]
    public void Matches_SupportedFields_AsKube(MatchRow row)
    {
        var obj = row.Object == "running" ? RunningPod : ServiceEvent;
        Assert.Equal(row.Expected, FieldSelector.Parse(row.Selector).Matches(Types[row.Kind], obj));
    }

    [Theory]
    [InlineData("secrets", """{"metadata":{"name":"s","namespace":"n"},"type":"kubernetes.io/tls"}""", "type=kubernetes.io/tls", true)]
    [InlineData("nodes", """{"metadata":{"name":"n1"},"spec":{"unschedulable":true}}""", "spec.unschedulable=true", true)]
    [InlineData("nodes", """{"metadata":{"name":"n1"},"spec":{}}""", "spec.unschedulable=false", true)]
    [InlineData("namespaces", """{"metadata":{"name":"shop"},"status":{"phase":"Terminating"}}""", "status.phase=Active", false)]
    [InlineData("replicasets.apps", """{"metadata":{"name":"web-abc","namespace":"d"},"status":{"replicas":0}}""", "status.replicas=0", true)]
    [InlineData("services", """{"metadata":{"name":"db","namespace":"d"},"spec":{"clusterIP":"None","type":"ClusterIP"}}""", "spec.clusterIP=None,spec.type=ClusterIP", true)]
    [InlineData("events.events.k8s.io", """{"metadata":{"name":"e","namespace":"d"},"regarding":{"kind":"Pod","name":"web-1"},"reportingController":"kubelet"}""", "regarding.kind=Pod,regarding.name=web-1,reportingController=kubelet", true)]
    [InlineData("deployments.apps", """{"metadata":{"name":"web","namespace":"d"}}""", "metadata.name=web,metadata.namespace=d", true)]
    [InlineData("ingressclasses.networking.k8s.io", """{"metadata":{"name":"nginx"}}""", "metadata.namespace=default", false)]
    [InlineData("httproutes.gateway.networking.k8s.io", """{"metadata":{"name":"r","namespace":"d"}}""", "metadata.namespace=d", true)]
    public void Matches_KindSpecificField_AsKube(string kind, string json, string selector, bool expected)
    {
        Assert.Equal(expected, FieldSelector.Parse(selector).Matches(Types[kind], JsonNode.Parse(json)!.AsObject()));
    }

    [Theory]
    [InlineData("pods", "foo=bar", "field label not supported: foo")]
    [InlineData("pods", "spec.containers=x", "field label not supported: spec.containers")]
    [InlineData("nodes", "metadata.namespace=x", "field label not supported: metadata.namespace")]
    [InlineData("events.events.k8s.io", "involvedObject.name=x", "field label not supported: involvedObject.name")]
    [InlineData("gatewayclasses.gateway.networking.k8s.io", "metadata.namespace=x", "field label not supported: metadata.namespace")]
    [InlineData("deployments.apps", "spec.replicas=1", "\"spec.replicas\" is not a known field selector: only \"metadata.name\", \"metadata.namespace\"")]
    [InlineData("configmaps", "data=x", "\"data\" is not a known field selector: only \"metadata.name\", \"metadata.namespace\"")]
    public void Validate_UnsupportedField_BadRequestWithKubeMessage(string kind, string selector, string message)
    {
        var parsed = FieldSelector.Parse(selector);
        var e = Assert.Throws<ApiException>(() => parsed.Validate(Types[kind]));
        Assert.Equal(400, e.Code);
        Assert.Equal(message, e.Message);
        Assert.Throws<ApiException>(() => parsed.Matches(Types[kind], new JsonObject()));
    }

    [Fact]
    public void RequiresExactMatch_NameTerm_ReturnsName()
    {
        var selector = FieldSelector.Parse("metadata.name=web,metadata.namespace!=kube-system");
        Assert.Equal("web", selector.RequiresExactMatch("metadata.name"));
        Assert.Null(selector.RequiresExactMatch("metadata.namespace"));
    }
}
