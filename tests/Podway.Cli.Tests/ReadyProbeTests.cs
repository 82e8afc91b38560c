using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Podway.Cluster;
using Podway.Pki;

namespace Podway.Cli.Tests;

/// <summary>
/// The probe `up` uses, against a minimal HTTPS /readyz stand-in (test-only) serving the cluster's own
/// certificate: it also proves Kestrel accepts the PEM-loaded serving certificate.
/// </summary>
public sealed class ReadyProbeTests : IAsyncLifetime
{
    readonly string _dir = Directory.CreateTempSubdirectory("podway-probe-").FullName;
    ClusterCredentials _creds = null!;
    WebApplication _app = null!;
    int _port;

    public async Task InitializeAsync()
    {
        var config = new ClusterConfig
        {
            Name = "dev", ApiPort = 0, PodCidr = "10.244.0.0/16", ServiceCidr = "10.96.0.0/12",
            NodeCidr = "10.250.0.0/24", AdvertiseAddress = "10.250.0.1", Created = DateTimeOffset.UtcNow,
        };
        _creds = ClusterPki.LoadOrCreate(new ClusterPaths("dev", _dir), config, DateTimeOffset.UtcNow);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l => l.UseHttps(_creds.Serving)));
        _app = builder.Build();
        _app.MapGet("/readyz", (HttpContext c) =>
            c.Request.Headers.Authorization == $"Bearer {_creds.AdminToken}" ? Results.Text("ok") : Results.Unauthorized());
        await _app.StartAsync();
        _port = new Uri(_app.Urls.First()).Port;
    }

    [Fact]
    public async Task IsReady_ClusterCaAndToken_ReturnsTrue()
    {
        using var probe = new ReadyProbe(_port, _creds.Ca, _creds.AdminToken);
        Assert.True(await probe.IsReadyAsync(CancellationToken.None));
    }

    [Fact]
    public async Task IsReady_WrongToken_ReturnsFalse()
    {
        using var probe = new ReadyProbe(_port, _creds.Ca, "not-the-token");
        Assert.False(await probe.IsReadyAsync(CancellationToken.None));
    }

    [Fact]
    public async Task IsReady_ServerSignedByAnotherCa_ReturnsFalse()
    {
        var otherDir = Directory.CreateTempSubdirectory("podway-probe-other-").FullName;
        var other = ClusterPki.LoadOrCreate(new ClusterPaths("other", otherDir), new ClusterConfig
        {
            Name = "other", ApiPort = 0, PodCidr = "10.244.0.0/16", ServiceCidr = "10.96.0.0/12",
            NodeCidr = "10.250.1.0/24", AdvertiseAddress = "10.250.1.1", Created = DateTimeOffset.UtcNow,
        }, DateTimeOffset.UtcNow);
        using var probe = new ReadyProbe(_port, other.Ca, _creds.AdminToken);
        Assert.False(await probe.IsReadyAsync(CancellationToken.None));
        Directory.Delete(otherDir, true);
    }

    [Fact]
    public async Task IsReady_NothingListening_ReturnsFalse()
    {
        using var probe = new ReadyProbe(1, _creds.Ca, _creds.AdminToken);
        Assert.False(await probe.IsReadyAsync(CancellationToken.None));
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        Directory.Delete(_dir, true);
    }
}
