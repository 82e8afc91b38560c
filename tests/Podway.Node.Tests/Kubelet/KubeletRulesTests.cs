using System.Net;
using System.Text.Json.Nodes;
using Podway.Node.Kubelet;

namespace Podway.Node.Tests.Kubelet;

public sealed class KubeletRulesTests
{
    [Theory]
    [InlineData("$(A)-$(B)", "1-2")]
    [InlineData("$(MISSING)", "$(MISSING)")]
    [InlineData("$$(A)", "$(A)")]
    [InlineData("$$$(A)", "$1")]
    [InlineData("a$b", "a$b")]
    [InlineData("$(A", "$(A")]
    [InlineData("trailing$", "trailing$")]
    public void Expand_KubernetesSyntax_MatchesKubelet(string input, string expected) =>
        Assert.Equal(expected, VarExpansion.Expand(input, k => k switch { "A" => "1", "B" => "2", _ => null }));

    [Fact]
    public void CrashLoopBackOff_RepeatedCrashes_FirstRestartImmediateThenDoublingToMax()
    {
        var backOff = new CrashLoopBackOff(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(300));
        var key = CrashLoopBackOff.Key("uid", "c");
        var t = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        Assert.False(backOff.IsInBackOffSince(key, t, t));
        var delays = new List<string>();
        for (var i = 0; i < 7; i++)
        {
            backOff.Next(key, t);
            delays.Add(CrashLoopBackOff.Format(backOff.Get(key)));
            t += backOff.Get(key) + TimeSpan.FromSeconds(1);
        }
        Assert.Equal(["10s", "20s", "40s", "1m20s", "2m40s", "5m0s", "5m0s"], delays);
        Assert.True(backOff.IsInBackOffSince(key, t, t + TimeSpan.FromSeconds(299)));
        Assert.False(backOff.IsInBackOffSince(key, t + TimeSpan.FromMinutes(11), t + TimeSpan.FromMinutes(11)), "forgotten after 2*max");
    }
}
