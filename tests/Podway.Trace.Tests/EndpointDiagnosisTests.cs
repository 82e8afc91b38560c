using System.Text.Json.Nodes;
using Podway.Trace;

namespace Podway.Trace.Tests;

public sealed class EndpointDiagnosisTests
{
    static JsonObject Pod(string name, string app, bool ready) => JsonNode.Parse($$$"""
        {"metadata":{"name":"{{{name}}}","labels":{"app":"{{{app}}}","pod-template-hash":"abc"}},
         "status":{"phase":"Running","conditions":[{"type":"Ready","status":"{{{(ready ? "True" : "False")}}}"}]}}
        """)!.AsObject();

    static JsonObject Selector(string app) => new() { ["app"] = app };

    [Fact]
    public void NoPodCarriesTheLabels_SelectorMismatch_LabelsSideBySide()
    {
        var (why, fix) = EndpointsLayer.Diagnose(Selector("wep"), [Pod("web-1", "web", true), Pod("web-2", "web", true)], []);
        Assert.Contains("selector mismatch", why);
        Assert.Contains("{app=wep}", why);
        Assert.Contains("web-1 {app=web,pod-template-hash=abc}", why);
        Assert.Contains("app=web", fix);
    }

    [Fact]
    public void PodsSelectedButNotReady_QuotesTheLastProbeFailure()
    {
        JsonObject Event(string message, string time) => JsonNode.Parse($$"""
            {"involvedObject":{"name":"web-1"},"reason":"Unhealthy","message":"{{message}}","lastTimestamp":"{{time}}"}
            """)!.AsObject();
        var (why, fix) = EndpointsLayer.Diagnose(Selector("web"), [Pod("web-1", "web", false)],
            [Event("Readiness probe failed: old", "2026-12-07T10:00:00Z"), Event("Readiness probe failed: HTTP probe failed with statuscode: 404", "2026-12-07T10:00:05Z")]);
        Assert.Contains("readiness probe failing: Readiness probe failed: HTTP probe failed with statuscode: 404", why);
        Assert.Contains("readiness probe", fix);
    }

    [Fact]
    public void DeploymentScaledToZero_NamedInsteadOfAMismatch()
    {
        var deploy = JsonNode.Parse("""{"metadata":{"name":"web"},"spec":{"replicas":0,"template":{"metadata":{"labels":{"app":"web"}}}}}""")!.AsObject();
        var (why, fix) = EndpointsLayer.Diagnose(Selector("web"), [Pod("client", "client", true)], [], [deploy]);
        Assert.Contains("Deployment web", why);
        Assert.Contains("kubectl scale deployment web", fix);
    }

    [Fact]
    public void SliceEndpoints_ConditionDefaultsAndPortByName()
    {
        var slice = JsonNode.Parse("""
            {"addressType":"IPv4","ports":[{"name":"http","port":8080},{"name":"metrics","port":9090}],
             "endpoints":[{"addresses":["10.0.0.1"],"targetRef":{"kind":"Pod","name":"a"}},
                          {"addresses":["10.0.0.2"],"conditions":{"ready":false,"serving":true,"terminating":true}}]}
            """)!.AsObject();
        var eps = SliceEndpoint.From([slice], "http");
        Assert.Equal(2, eps.Count);
        Assert.Equal(new SliceEndpoint("10.0.0.1", 8080, true, true, false, "a"), eps[0]);
        Assert.Equal("ready=false serving=true terminating=true", eps[1].Conditions);
        Assert.Empty(SliceEndpoint.From([slice], ""));
    }
}
