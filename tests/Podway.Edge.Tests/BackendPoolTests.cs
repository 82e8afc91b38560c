using Podway.Edge.Routing;

namespace Podway.Edge.Tests;

public class BackendPoolTests
{
    [Fact]
    public void Usable_NoReadyEndpoint_FallsBackToServingTerminating()
    {
        var pool = new BackendPool("shop", "web", "web:80",
        [
            new Upstream("10.244.0.5", 80, Ready: false, Serving: true, Terminating: true),
            new Upstream("10.244.0.6", 80, Ready: false, Serving: false, Terminating: false),
        ], null);
        Assert.Equal(["10.244.0.5:80"], pool.Usable.Select(u => u.ToString()));
    }

    [Fact]
    public void Usable_SomeReady_OnlyReady()
    {
        var pool = new BackendPool("shop", "web", "web:80",
        [
            new Upstream("10.244.0.5", 80, Ready: false, Serving: true, Terminating: true),
            new Upstream("10.244.0.7", 80, Ready: true, Serving: true, Terminating: false),
        ], null);
        Assert.Equal(["10.244.0.7:80"], pool.Usable.Select(u => u.ToString()));
    }
}
