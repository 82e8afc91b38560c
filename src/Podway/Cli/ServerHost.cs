using System.Runtime.InteropServices;
using Podway.ApiServer;
using Podway.Cluster;
using Podway.Pki;

namespace Podway.Cli;

/// <summary>Runs the control plane in this process: pid file, signal handling, ControlPlane.RunAsync.</summary>
internal static class ServerHost
{
    public static ControlPlaneOptions OptionsFor(ClusterPaths paths, ClusterConfig config, ClusterCredentials creds) => new()
    {
        Api = ApiOptionsFor(paths, config, creds),
        NodeCidr = config.NodeCidr,
        PodCidr = config.PodCidr,
        ResolvConf = ResolvConfFlag.Effective(config.ResolvConf),
    };

    static ApiServerOptions ApiOptionsFor(ClusterPaths paths, ClusterConfig config, ClusterCredentials creds) => new()
    {
        ClusterName = config.Name,
        DataDir = paths.DataDir,
        Port = config.ApiPort,
        // Loopback for kubectl; the control plane adds the host bridge address (the advertise address) for nodes and Pods.
        ListenAddresses = [System.Net.IPAddress.Loopback],
        AdvertiseAddress = config.Advertise,
        ServingCertificate = creds.Serving,
        CertificateAuthority = creds.Ca,
        Tokens = new HashSet<string>(StringComparer.Ordinal) { creds.AdminToken },
        ServiceCidr = config.ServiceCidr,
    };

    public static async Task<int> RunAsync(ClusterPaths paths, ControlPlaneOptions options, CliContext ctx)
    {
        if (ServerProcess.FindRunning(paths, ctx.DataRoot) is { } other && other != Environment.ProcessId)
            throw new CliException($"cluster {paths.Name} is already running (pid {other})");
        // The control plane builds and, on exit, tears down every kernel object of the name: never another data dir's.
        ClusterOwnership.RequireNotForeign(paths, ctx.DataRoot);
        File.WriteAllText(paths.PidFile, $"{Environment.ProcessId}\n");

        using var cts = new CancellationTokenSource();
        void Stop(PosixSignalContext c)
        {
            c.Cancel = true; // we shut down ourselves, cleanly
            ctx.Err.WriteLine($"podway: {c.Signal} received, stopping cluster {paths.Name}");
            cts.Cancel();
        }
        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        using var intr = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        ctx.Out.WriteLine($"podway: starting cluster {paths.Name} (pid {Environment.ProcessId}, API https://127.0.0.1:{options.Api.Port})");
        try
        {
            await ControlPlane.RunAsync(options,
                () => ctx.Out.WriteLine($"podway: cluster {paths.Name} is ready at https://127.0.0.1:{options.Api.Port}"), cts.Token);
            ctx.Out.WriteLine($"podway: cluster {paths.Name} stopped");
            return 0;
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            ctx.Out.WriteLine($"podway: cluster {paths.Name} stopped");
            return 0;
        }
        catch (Exception e)
        {
            ctx.Err.WriteLine($"podway: control plane failed: {e}");
            return 1;
        }
        finally
        {
            ServerProcess.RemovePidFile(paths, Environment.ProcessId);
        }
    }
}
