using System.Runtime.InteropServices;
using System.Security.Cryptography.X509Certificates;
using Podway.Client;

namespace Podway.Edge.Addon;

/// <summary>`podway image edge` (interim: health only, until feed and server land).</summary>
public static class EdgeProgram
{
    public static async Task<int> RunAsync(string[] args)
    {
        var server = Environment.GetEnvironmentVariable(EdgeAddon.ApiServerVariable);
        if (string.IsNullOrEmpty(server))
        {
            Console.Error.WriteLine($"edge: {EdgeAddon.ApiServerVariable} is not set");
            return 2;
        }
        var token = Environment.GetEnvironmentVariable(EdgeAddon.TokenVariable);
        var caPem = Environment.GetEnvironmentVariable(EdgeAddon.CaVariable);
        var ca = string.IsNullOrEmpty(caPem) ? null : X509Certificate2.CreateFromPem(caPem);
        using var stop = new CancellationTokenSource();
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Cancel(); });
        using var client = new ApiClient(new Uri(server), token, ca);
        var factory = new SharedInformerFactory(client);
        factory.For(Podway.Api.Resources.BuiltinResources.Ingress);
        bool ready = false;
        using var health = new HealthEndpoint(EdgeAddon.HealthPort, () => Volatile.Read(ref ready));
        var probes = health.RunAsync(stop.Token);
        factory.Start(stop.Token);
        try
        {
            await factory.WaitForCacheSyncAsync(stop.Token);
            Volatile.Write(ref ready, true);
            Console.Out.WriteLine("edge: ready");
            await Task.Delay(Timeout.Infinite, stop.Token);
        }
        catch (OperationCanceledException) { }
        await probes;
        return 0;
    }
}
