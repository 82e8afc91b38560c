using Podway.Api.Errors;
using Podway.Api.Patching;
using Podway.Api.Resources;
using static Podway.Api.Tests.Patching.Json;

namespace Podway.Api.Tests.Patching;

public sealed class StrategicMergePatchTests
{
    const string LiveDeployment = """
        {"apiVersion":"apps/v1","kind":"Deployment",
         "metadata":{"name":"web","namespace":"default","labels":{"app":"web","team":"a"},"annotations":{"x":"1"}},
         "spec":{"replicas":2,"selector":{"matchLabels":{"app":"web"}},
          "strategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":"25%","maxUnavailable":"25%"}},
          "template":{"metadata":{"labels":{"app":"web"}},
           "spec":{"containers":[{"name":"web","image":"nginx:1.25","env":[{"name":"A","value":"1"}],
             "ports":[{"containerPort":8080,"protocol":"TCP"}],"resources":{}}],
             "restartPolicy":"Always"}}}}
        """;

    static JsonObjectResult Apply(string original, string patch, ResourceType? type = null) =>
        new(StrategicMergePatch.Apply(Obj(original), Obj(patch), type ?? BuiltinResources.Deployment));

    sealed record JsonObjectResult(System.Text.Json.Nodes.JsonObject Value);

    [Fact]
    public void Apply_KubectlDeploymentApplyBody_ProducesWhatKubeStores()
    {
        // The body kubectl 1.32 sends on re-apply (kubectl-wire.md section 4), annotation elided.
        var result = Apply(LiveDeployment, """
            {"metadata":{"labels":{"app":null,"tier":"fe"}},
             "spec":{"replicas":3,"strategy":{"$retainKeys":["type"],"type":"Recreate"},
              "template":{"spec":{"$setElementOrder/containers":[{"name":"web"}],
               "containers":[{"name":"web","image":"nginx:1.26","env":null,
                 "$setElementOrder/ports":[{"containerPort":9090}],
                 "ports":[{"containerPort":9090},{"$patch":"delete","containerPort":8080}]}]}}}}
            """).Value;

        Equal("""{"team":"a","tier":"fe"}""", result["metadata"]!["labels"]);
        Equal("3", result["spec"]!["replicas"]);
        Equal("""{"type":"Recreate"}""", result["spec"]!["strategy"]);
        Equal("""[{"name":"web","image":"nginx:1.26","ports":[{"containerPort":9090}],"resources":{}}]""",
            result["spec"]!["template"]!["spec"]!["containers"]);
        Equal("\"Always\"", result["spec"]!["template"]!["spec"]!["restartPolicy"]);
    }

    [Fact]
    public void Apply_KubectlServicePortsBody_ReplacesPortByKey()
    {
        var live = """{"metadata":{"name":"web"},"spec":{"type":"ClusterIP","clusterIP":"10.96.0.20","selector":{"app":"web"},"ports":[{"name":"http","protocol":"TCP","port":80,"targetPort":8080}]}}""";
        var result = StrategicMergePatch.Apply(Obj(live),
            Obj("""{"spec":{"$setElementOrder/ports":[{"port":81}],"ports":[{"name":"http","port":81,"targetPort":8080},{"$patch":"delete","port":80}]}}"""),
            BuiltinResources.Service);

        Equal("""[{"name":"http","port":81,"targetPort":8080}]""", result["spec"]!["ports"]);
        Equal("\"10.96.0.20\"", result["spec"]!["clusterIP"]);
    }

    [Fact]
    public void Apply_ServiceSelectorPatch_MergesMap()
    {
        var result = StrategicMergePatch.Apply(Obj("""{"spec":{"selector":{"app":"web","v":"1"}}}"""),
            Obj("""{"spec":{"selector":{"v":"2"}}}"""), BuiltinResources.Service);

        Equal("""{"app":"web","v":"2"}""", result["spec"]!["selector"]);
    }

    [Fact]
    public void Apply_IngressRules_ReplacesWholeList()
    {
        var result = StrategicMergePatch.Apply(
            Obj("""{"spec":{"rules":[{"host":"a.example.com"},{"host":"b.example.com"}]}}"""),
            Obj("""{"spec":{"rules":[{"host":"shop.example.com","http":{"paths":[]}}]}}"""), BuiltinResources.Ingress);

        Equal("""[{"host":"shop.example.com","http":{"paths":[]}}]""", result["spec"]!["rules"]);
    }

    public sealed record Case(string Name, string Original, string Patch, string Expected);

    public static TheoryData<Case> PodCases => new()
    {
        new("merge by key keeps other elements",
            """{"spec":{"containers":[{"name":"a","image":"x"},{"name":"b","image":"y"}]}}""",
            """{"spec":{"containers":[{"name":"b","image":"z"}]}}""",
            """{"spec":{"containers":[{"name":"a","image":"x"},{"name":"b","image":"z"}]}}"""),
        new("new element without setElementOrder goes first, as kube orders it",
            """{"spec":{"containers":[{"name":"a","image":"x"}]}}""",
            """{"spec":{"containers":[{"name":"b","image":"y"}]}}""",
            """{"spec":{"containers":[{"name":"b","image":"y"},{"name":"a","image":"x"}]}}"""),
        new("setElementOrder places new element",
            """{"spec":{"containers":[{"name":"a","image":"x"},{"name":"c","image":"w"}]}}""",
            """{"spec":{"$setElementOrder/containers":[{"name":"a"},{"name":"b"},{"name":"c"}],"containers":[{"name":"b","image":"y"}]}}""",
            """{"spec":{"containers":[{"name":"a","image":"x"},{"name":"b","image":"y"},{"name":"c","image":"w"}]}}"""),
        new("setElementOrder reorders; a server-only element goes before patch items it preceded live",
            """{"spec":{"containers":[{"name":"a"},{"name":"s"},{"name":"b"}]}}""",
            """{"spec":{"$setElementOrder/containers":[{"name":"b"},{"name":"a"}]}}""",
            """{"spec":{"containers":[{"name":"s"},{"name":"b"},{"name":"a"}]}}"""),
        new("delete by key",
            """{"spec":{"containers":[{"name":"a"},{"name":"b"}]}}""",
            """{"spec":{"containers":[{"$patch":"delete","name":"a"}]}}""",
            """{"spec":{"containers":[{"name":"b"}]}}"""),
        new("replace directive in a list",
            """{"spec":{"containers":[{"name":"a"},{"name":"b"}]}}""",
            """{"spec":{"containers":[{"name":"c"},{"$patch":"replace"}]}}""",
            """{"spec":{"containers":[{"name":"c"}]}}"""),
        new("replace directive on a map",
            """{"spec":{"nodeSelector":{"a":"1","b":"2"}}}""",
            """{"spec":{"nodeSelector":{"c":"3","$patch":"replace"}}}""",
            """{"spec":{"nodeSelector":{"c":"3"}}}"""),
        new("delete directive on a map",
            """{"spec":{"securityContext":{"runAsUser":1},"hostname":"h"}}""",
            """{"spec":{"securityContext":{"$patch":"delete"}}}""",
            """{"spec":{"securityContext":{},"hostname":"h"}}"""),
        new("nested env merge inside a container",
            """{"spec":{"containers":[{"name":"a","env":[{"name":"X","value":"1"},{"name":"Y","value":"2"}]}]}}""",
            """{"spec":{"containers":[{"name":"a","env":[{"name":"Y","value":"3"},{"$patch":"delete","name":"X"}]}]}}""",
            """{"spec":{"containers":[{"name":"a","env":[{"name":"Y","value":"3"}]}]}}"""),
        new("nested field delete with null inside a keyed element",
            """{"spec":{"containers":[{"name":"a","image":"x","command":["sh"]}]}}""",
            """{"spec":{"containers":[{"name":"a","command":null}]}}""",
            """{"spec":{"containers":[{"name":"a","image":"x"}]}}"""),
        new("atomic list (tolerations) replaced",
            """{"spec":{"tolerations":[{"key":"a"},{"key":"b"}]}}""",
            """{"spec":{"tolerations":[{"key":"c"}]}}""",
            """{"spec":{"tolerations":[{"key":"c"}]}}"""),
        new("atomic primitive list (args) replaced",
            """{"spec":{"containers":[{"name":"a","args":["1","2"]}]}}""",
            """{"spec":{"containers":[{"name":"a","args":["3"]}]}}""",
            """{"spec":{"containers":[{"name":"a","args":["3"]}]}}"""),
        new("volumes retainKeys swaps the volume source",
            """{"spec":{"volumes":[{"name":"v","emptyDir":{}},{"name":"w","emptyDir":{}}]}}""",
            """{"spec":{"volumes":[{"$retainKeys":["configMap","name"],"name":"v","configMap":{"name":"cm"}}]}}""",
            """{"spec":{"volumes":[{"name":"v","configMap":{"name":"cm"}},{"name":"w","emptyDir":{}}]}}"""),
        new("finalizers primitive merge puts new values first",
            """{"metadata":{"finalizers":["a","b"]}}""",
            """{"metadata":{"finalizers":["c","a"]}}""",
            """{"metadata":{"finalizers":["c","a","b"]}}"""),
        new("deleteFromPrimitiveList removes values",
            """{"metadata":{"finalizers":["a","b","c"]}}""",
            """{"metadata":{"$deleteFromPrimitiveList/finalizers":["b"]}}""",
            """{"metadata":{"finalizers":["a","c"]}}"""),
        new("setElementOrder on a primitive list",
            """{"metadata":{"finalizers":["a","b"]}}""",
            """{"metadata":{"$setElementOrder/finalizers":["b","c","a"],"finalizers":["c"]}}""",
            """{"metadata":{"finalizers":["b","c","a"]}}"""),
        new("ports merge by containerPort",
            """{"spec":{"containers":[{"name":"a","ports":[{"containerPort":80,"name":"http"},{"containerPort":443}]}]}}""",
            """{"spec":{"containers":[{"name":"a","ports":[{"containerPort":80,"name":"web"}]}]}}""",
            """{"spec":{"containers":[{"name":"a","ports":[{"containerPort":80,"name":"web"},{"containerPort":443}]}]}}"""),
        new("new field taken with its directives resolved",
            """{"spec":{}}""",
            """{"spec":{"containers":[{"name":"a","env":[{"name":"X","value":"1"},{"$patch":"delete","name":"Y"}]}]}}""",
            """{"spec":{"containers":[{"name":"a","env":[{"name":"X","value":"1"}]}]}}"""),
        new("status conditions merge by type",
            """{"status":{"conditions":[{"type":"Ready","status":"False"},{"type":"Initialized","status":"True"}]}}""",
            """{"status":{"conditions":[{"type":"Ready","status":"True"}]}}""",
            """{"status":{"conditions":[{"type":"Ready","status":"True"},{"type":"Initialized","status":"True"}]}}"""),
        new("ownerReferences merge by uid",
            """{"metadata":{"ownerReferences":[{"uid":"1","name":"a"}]}}""",
            """{"metadata":{"ownerReferences":[{"uid":"2","name":"b"}]}}""",
            """{"metadata":{"ownerReferences":[{"uid":"2","name":"b"},{"uid":"1","name":"a"}]}}"""),
        new("null for an absent key is ignored",
            """{"metadata":{"labels":{"a":"1"}}}""",
            """{"metadata":{"labels":{"b":null}}}""",
            """{"metadata":{"labels":{"a":"1"}}}"""),
    };

    [Theory]
    [MemberData(nameof(PodCases))]
    public void Apply_PodPatch_MatchesKube(Case c)
    {
        var result = StrategicMergePatch.Apply(Obj(c.Original), Obj(c.Patch), BuiltinResources.Pod);
        Same(c.Expected, result);
    }

    [Fact]
    public void Apply_DeploymentTemplate_UsesPodSpecSchema()
    {
        var result = Apply("""{"spec":{"template":{"spec":{"containers":[{"name":"a","image":"x"},{"name":"b","image":"y"}]}}}}""",
            """{"spec":{"template":{"spec":{"containers":[{"name":"a","image":"z"}]}}}}""").Value;
        Same("""[{"name":"a","image":"z"},{"name":"b","image":"y"}]""", result["spec"]!["template"]!["spec"]!["containers"]);
    }

    public sealed record ErrorCase(string Name, string Patch, int Code, string Reason, string Message);

    public static TheoryData<ErrorCase> ErrorCases => new()
    {
        new("unknown map directive", """{"spec":{"nodeSelector":{"$patch":"bogus"}}}""", 500, "", "unknown patch type: bogus in map: map[$patch:bogus]"),
        new("unknown list directive", """{"spec":{"containers":[{"$patch":"bogus","name":"a"}]}}""", 500, "", "unknown patch type: bogus in map: map[$patch:bogus name:a]"),
        new("list merge directive", """{"spec":{"containers":[{"$patch":"merge"}]}}""", 500, "", "merging lists cannot yet be specified in the patch"),
        new("element without merge key", """{"spec":{"containers":[{"image":"x"}]}}""", 500, "", "map: map[image:x] does not contain declared merge key: name"),
        new("retainKeys not a list", """{"spec":{"securityContext":{"$retainKeys":"x"}}}""", 400, "BadRequest", "invalid patch format of retainKeys"),
        new("patch key outside retainKeys", """{"spec":{"securityContext":{"$retainKeys":["a"],"b":1}}}""", 400, "BadRequest", "invalid patch format of retainKeys"),
        new("list of lists", """{"spec":{"containers":[[1]]}}""", 422, "Invalid", "the server rejected our request due to an error in our request"),
    };

    [Theory]
    [MemberData(nameof(ErrorCases))]
    public void Apply_BadDirective_FailsAsKube(ErrorCase c)
    {
        var original = """{"spec":{"containers":[{"name":"a"}],"nodeSelector":{"a":"1"},"securityContext":{"runAsUser":1}}}""";
        var e = Assert.Throws<ApiException>(() => StrategicMergePatch.Apply(Obj(original), Obj(c.Patch), BuiltinResources.Pod));
        Assert.Equal((c.Code, c.Reason, c.Message), (e.Code, e.Reason, e.Message));
    }

    [Fact]
    public void Apply_GatewayKind_IsUnsupportedMediaType()
    {
        var e = Assert.Throws<ApiException>(() => StrategicMergePatch.Apply(Obj("{}"), Obj("{}"), BuiltinResources.HttpRoute));
        Assert.Equal(415, e.Code);
    }
}
