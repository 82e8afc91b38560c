using Podway.Cluster;
using Podway.HostSystem;
using Podway.Pki;

namespace Podway.Cli;

/// <summary>`podway up`: prerequisites, settings, certificates, kubeconfig, then the server (detached or in this process).</summary>
internal static class UpCommand
{
    static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(120);

    public static async Task<int> RunAsync(ParsedCommand cmd, CliContext ctx)
    {
        var paths = ClusterTarget.Resolve(cmd, ctx.DataRoot);
        var portFlag = ClusterTarget.ApiPortFlag(cmd);
        var resolvConfFlag = ResolvConfFlag.Parse(cmd);
        var foreground = cmd.Has("--foreground");
        ctx.RequireRoot("up", "it creates network namespaces and nftables rules");
        ClusterOwnership.RequireNotForeign(paths, ctx.DataRoot);

        if (ServerProcess.FindRunning(paths, ctx.DataRoot) is { } running)
        {
            var existing = ClusterConfig.Load(paths.ConfigFile);
            if (portFlag is { } p && existing is not null && p != existing.ApiPort)
                throw new CliException($"cluster {paths.Name} is already running on port {existing.ApiPort}, not {p}");
            if (resolvConfFlag is { } rc && existing is not null && rc != ResolvConfFlag.Effective(existing.ResolvConf))
                throw new CliException($"cluster {paths.Name} is already running with --resolv-conf \"{ResolvConfFlag.Effective(existing.ResolvConf)}\"; " +
                    $"stop it with podway down --name {paths.Name} to change it");
            if (existing is not null && File.Exists(paths.AdminToken))
                return await ClusterRepair.RunAsync(paths, existing, running, ctx);
            ctx.Out.WriteLine($"cluster {paths.Name} is already running (pid {running}, https://127.0.0.1:{existing?.ApiPort}); nothing changed");
            return 0;
        }

        if (ServerSupervisor.FindRunning(paths) is { } supervisor)
            throw new CliException($"cluster {paths.Name}'s server is restarting under its supervisor (pid {supervisor}); " +
                $"see {paths.LogFile}, try again in a few seconds, or stop it with podway down{NameFlag(paths)}");

        DataDir.Ensure(paths);
        ClusterTarget.Remember(paths, ctx.DataRoot);
        var config = ChooseSettings(paths, portFlag, resolvConfFlag, ctx.DataRoot);

        ctx.Out.WriteLine($"Starting cluster \"{paths.Name}\" (data dir {paths.DataDir})");
        var steps = new StepPrinter(ctx.Out);
        steps.Run("prerequisites", () => Prerequisites.Ensure(ctx.Out));
        var creds = steps.Run("certificates", () => ClusterPki.LoadOrCreate(paths, config, DateTimeOffset.UtcNow), _ => paths.PkiDir);
        var userKubeconfig = ClusterKubeconfig.Write(paths, ClusterKubeconfig.EntryFor(paths, config, creds), ctx);

        if (foreground)
        {
            ctx.Out.WriteLine($"  kubeconfig: context {paths.ContextName} in {userKubeconfig}; Ctrl-C stops the cluster");
            return await ServerHost.RunAsync(paths, ServerHost.OptionsFor(paths, config, creds), ctx);
        }

        var pid = steps.Run("store", () => ServerLauncher.Start(paths, config.ApiPort), p => $"server supervisor pid {p}, log {paths.LogFile}");
        using var probe = new ReadyProbe(config.ApiPort, creds.Ca, creds.AdminToken);
        await steps.RunAsync("API server", () => WaitReadyAsync(paths, pid, probe, ctx.DataRoot), probe.Url.ToString());
        steps.Run("ready", () => { }, $"context {paths.ContextName}");

        ctx.Out.WriteLine();
        ctx.Out.WriteLine($"kubectl now uses context \"{paths.ContextName}\" ({userKubeconfig}). Try:");
        ctx.Out.WriteLine("  kubectl get nodes");
        ctx.Out.WriteLine($"  sudo ./podway status{NameFlag(paths)}");
        ctx.Out.WriteLine($"Stop it with: sudo ./podway down{NameFlag(paths)}   (add --purge to delete its data too)");
        return 0;
    }

    /// <summary>Settings for this run, recorded at once under the range lock so a concurrent `up` sees the ranges taken.</summary>
    static ClusterConfig ChooseSettings(ClusterPaths paths, int? portFlag, string? resolvConfFlag, string dataRoot)
    {
        using var rangeLock = RangeLock.Acquire(dataRoot);
        var config = ClusterConfigResolver.Resolve(paths, portFlag, ClusterConfigResolver.OthersUnder(dataRoot, paths), DateTimeOffset.UtcNow,
            HostSystem.HostRoutes.Current());
        // Unlike the port, the resolvers may change between runs (a new network); the stored value holds until then.
        if (resolvConfFlag is not null) config = config with { ResolvConf = resolvConfFlag };
        if (!PortProbe.IsFree(config.ApiPort))
            throw new CliException(!File.Exists(paths.ConfigFile)
                ? $"port {config.ApiPort} is already in use; choose another with --api-port"
                : $"port {config.ApiPort} is already in use (cluster {paths.Name} is configured for it in {paths.ConfigFile}); stop whatever listens there, or run podway down --name {paths.Name} --purge and choose another --api-port");
        config.Save(paths.ConfigFile);
        return config;
    }

    public static string NameFlag(ClusterPaths paths) => paths.Name == ClusterTarget.DefaultName ? "" : $" --name {paths.Name}";

    static async Task WaitReadyAsync(ClusterPaths paths, int pid, ReadyProbe probe, string dataRoot)
    {
        var deadline = DateTime.UtcNow + ReadyTimeout;
        while (DateTime.UtcNow < deadline)
        {
            if (!Posix.IsAlive(pid))
                throw new CliException($"the podway server (pid {pid}) exited before the API server was ready. Last lines of {paths.LogFile}:\n{ServerLauncher.LogTail(paths)}");
            if (await probe.IsReadyAsync(CancellationToken.None)) return;
            await Task.Delay(250);
        }
        var tail = ServerLauncher.LogTail(paths);
        if (ServerProcess.FindRunning(paths, dataRoot) == pid || Posix.IsAlive(pid))
            await ServerProcess.StopAsync(pid, TimeSpan.FromSeconds(10));
        throw new CliException($"the API server did not answer {probe.Url} within {ReadyTimeout.TotalSeconds:0} s; the server was stopped. Last lines of {paths.LogFile}:\n{tail}");
    }
}
