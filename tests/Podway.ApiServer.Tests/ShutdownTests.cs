using System.Diagnostics;
using Xunit.Abstractions;

namespace Podway.ApiServer.Tests;

/// <summary>Stopping the server with clients still watching, as `podway down` does with every component connected.</summary>
public sealed class ShutdownTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Stop_WithAnOpenWatch_EndsTheWatchCleanly()
    {
        var server = await TestApiServer.StartAsync();
        using var response = await server.Http.GetAsync("/api/v1/namespaces/default/configmaps?watch=true", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(200, (int)response.StatusCode);
        var body = await response.Content.ReadAsStreamAsync();
        var drained = Task.Run(async () => { await body.CopyToAsync(Stream.Null); return true; });

        var stopping = Stopwatch.StartNew();
        await server.DisposeAsync();
        output.WriteLine($"stopped in {stopping.Elapsed.TotalMilliseconds:F0} ms");

        // The watch's response ends as a complete HTTP response (the client re-lists elsewhere), not a broken connection.
        Assert.True(await drained);
    }
}
