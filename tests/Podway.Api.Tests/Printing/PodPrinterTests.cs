using Podway.Api.Resources;
using static Podway.Api.Tests.Printing.PrinterTestKit;

namespace Podway.Api.Tests.Printing;

public sealed class PodPrinterTests
{
    public sealed record Case(string Name, string Status, string Spec, string Metadata, string Ready, string Phase, string Restarts);

    const string OneContainer = """{"containers":[{"name":"web","image":"nginx"}]}""";
    const string Created = """ "creationTimestamp":"2025-06-01T11:55:00Z" """;

    public static TheoryData<Case> Cases => new()
    {
        new("running ready", """{"phase":"Running","conditions":[{"type":"Ready","status":"True"}],"containerStatuses":[{"name":"web","ready":true,"restartCount":0,"state":{"running":{}}}]}""", OneContainer, Created, "1/1", "Running", "0"),
        new("pending no status", """{"phase":"Pending"}""", OneContainer, Created, "0/1", "Pending", "0"),
        new("image pull backoff", """{"phase":"Pending","containerStatuses":[{"name":"web","ready":false,"restartCount":0,"state":{"waiting":{"reason":"ImagePullBackOff"}}}]}""", OneContainer, Created, "0/1", "ImagePullBackOff", "0"),
        new("crash loop with restarts", """{"phase":"Running","containerStatuses":[{"name":"web","ready":false,"restartCount":4,"state":{"waiting":{"reason":"CrashLoopBackOff"}},"lastState":{"terminated":{"exitCode":1,"finishedAt":"2025-06-01T11:57:00Z"}}}]}""", OneContainer, Created, "0/1", "CrashLoopBackOff", "4 (3m ago)"),
        new("completed", """{"phase":"Succeeded","containerStatuses":[{"name":"web","ready":false,"restartCount":0,"state":{"terminated":{"exitCode":0,"reason":"Completed"}}}]}""", OneContainer, Created, "0/1", "Completed", "0"),
        new("exit code without reason", """{"phase":"Failed","containerStatuses":[{"name":"web","ready":false,"restartCount":0,"state":{"terminated":{"exitCode":3}}}]}""", OneContainer, Created, "0/1", "ExitCode:3", "0"),
        new("signal without reason", """{"phase":"Failed","containerStatuses":[{"name":"web","ready":false,"restartCount":0,"state":{"terminated":{"exitCode":137,"signal":9}}}]}""", OneContainer, Created, "0/1", "Signal:9", "0"),
        new("init container running", """{"phase":"Pending","initContainerStatuses":[{"name":"init","ready":false,"restartCount":0,"state":{"running":{}}}]}""",
            """{"initContainers":[{"name":"init"}],"containers":[{"name":"web"}]}""", Created, "0/1", "Init:0/1", "0"),
        new("init container failed", """{"phase":"Pending","initContainerStatuses":[{"name":"init","ready":false,"restartCount":2,"state":{"terminated":{"exitCode":1,"reason":"Error"}}}]}""",
            """{"initContainers":[{"name":"init"}],"containers":[{"name":"web"}]}""", Created, "0/1", "Init:Error", "2"),
        new("init container crash looping", """{"phase":"Pending","initContainerStatuses":[{"name":"init","ready":false,"restartCount":1,"state":{"waiting":{"reason":"CrashLoopBackOff"}}}]}""",
            """{"initContainers":[{"name":"init"}],"containers":[{"name":"web"}]}""", Created, "0/1", "Init:CrashLoopBackOff", "1"),
        new("sidecar started counts as ready", """{"phase":"Running","conditions":[{"type":"Initialized","status":"True"},{"type":"Ready","status":"True"}],"initContainerStatuses":[{"name":"proxy","ready":true,"started":true,"restartCount":1,"state":{"running":{}}}],"containerStatuses":[{"name":"web","ready":true,"restartCount":0,"state":{"running":{}}}]}""",
            """{"initContainers":[{"name":"proxy","restartPolicy":"Always"}],"containers":[{"name":"web"}]}""", Created, "2/2", "Running", "1"),
        new("terminating", """{"phase":"Running","containerStatuses":[{"name":"web","ready":true,"restartCount":0,"state":{"running":{}}}]}""", OneContainer,
            Created + """, "deletionTimestamp":"2025-06-01T11:59:00Z" """, "1/1", "Terminating", "0"),
        new("succeeded while deleting is not terminating", """{"phase":"Succeeded","containerStatuses":[{"name":"web","ready":false,"restartCount":0,"state":{"terminated":{"exitCode":0,"reason":"Completed"}}}]}""", OneContainer,
            Created + """, "deletionTimestamp":"2025-06-01T11:59:00Z" """, "0/1", "Completed", "0"),
        new("node lost", """{"phase":"Running","reason":"NodeLost"}""", OneContainer, Created + """, "deletionTimestamp":"2025-06-01T11:59:00Z" """, "0/1", "Unknown", "0"),
        new("evicted", """{"phase":"Failed","reason":"Evicted"}""", OneContainer, Created, "0/1", "Evicted", "0"),
        new("scheduling gated", """{"phase":"Pending","conditions":[{"type":"PodScheduled","status":"False","reason":"SchedulingGated"}]}""", OneContainer, Created, "0/1", "SchedulingGated", "0"),
        new("completed container beside running one", """{"phase":"Running","conditions":[{"type":"Ready","status":"False"}],"containerStatuses":[{"name":"a","ready":true,"restartCount":0,"state":{"running":{}}},{"name":"b","ready":false,"restartCount":0,"state":{"terminated":{"exitCode":0,"reason":"Completed"}}}]}""",
            """{"containers":[{"name":"a"},{"name":"b"}]}""", Created, "1/2", "NotReady", "0"),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Cells_PodState_MatchesKubectl(Case c)
    {
        var row = Row(BuiltinResources.Pod, """{"metadata":{"name":"p",@@c.Metadata@@},"spec":@@c.Spec@@,"status":@@c.Status@@}""".Replace("@@c.Metadata@@", c.Metadata).Replace("@@c.Spec@@", c.Spec).Replace("@@c.Status@@", c.Status));
        Assert.Equal(("p", c.Ready, c.Phase, c.Restarts, "5m"), (row["Name"], row["Ready"], row["Status"], row["Restarts"], row["Age"]));
    }

    [Fact]
    public void Cells_WideColumns_ShowIpNodeAndReadinessGates()
    {
        var row = Row(BuiltinResources.Pod, """
            {"metadata":{"name":"p","creationTimestamp":"2025-06-01T11:00:00Z"},
             "spec":{"nodeName":"node-1","containers":[{"name":"web"}],"readinessGates":[{"conditionType":"a"},{"conditionType":"b"}]},
             "status":{"phase":"Running","podIPs":[{"ip":"10.244.0.5"}],"conditions":[{"type":"a","status":"True"},{"type":"b","status":"False"}]}}
            """);
        Assert.Equal(("10.244.0.5", "node-1", "<none>", "1/2", "60m"), (row["IP"], row["Node"], row["Nominated Node"], row["Readiness Gates"], row["Age"]));
    }

    [Fact]
    public void Cells_UnscheduledPod_ShowsNone()
    {
        var row = Row(BuiltinResources.Pod, """{"metadata":{"name":"p"},"spec":{"containers":[{"name":"web"}]},"status":{"phase":"Pending"}}""");
        Assert.Equal(("<none>", "<none>", "<none>", "<unknown>"), (row["IP"], row["Node"], row["Readiness Gates"], row["Age"]));
    }
}
