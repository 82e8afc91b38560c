using Podway.Edge.Serving;

namespace Podway.Edge.Tests.Serving;

/// <summary>The edge Pod's drain before shutdown: keep-alive clients are told to reconnect elsewhere.</summary>
public sealed class DrainingTests
{
    [Fact]
    public async Task Http11Response_WhileDraining_CarriesConnectionClose()
    {
        var draining = false;
        await using var edge = await EdgeHarness.StartAsync(new EdgeServerOptions { Draining = () => Volatile.Read(ref draining) });
        using var client = EdgeHarness.Client();

        using (var before = await client.SendAsync(EdgeHarness.Get(edge, "nothing.test")))
            Assert.NotEqual(true, before.Headers.ConnectionClose);
        Volatile.Write(ref draining, true);
        using var during = await client.SendAsync(EdgeHarness.Get(edge, "nothing.test"));
        Assert.Equal(404, (int)during.StatusCode); // still served, even the local answers
        Assert.True(during.Headers.ConnectionClose);
    }
}
