using Podway.Cluster;
using Podway.Pki;

namespace Podway.Cli;

/// <summary>
/// `podway status`: exit 0 when the cluster runs and is whole, 4 when it runs but is degraded (API not ready, part
/// of its network missing, a node NotReady or its agent not running), 3 when it does not run.
/// </summary>
internal static class StatusCommand
{
    public const int StoppedExitCode = 3;
    public const int DegradedExitCode = 4;

    public static async Task<int> RunAsync(ParsedCommand cmd, CliContext ctx)
    {
        var paths = ClusterTarget.Resolve(cmd, ctx.DataRoot);
        ClusterConfig? config;
        try { config = ClusterConfig.Load(paths.ConfigFile); }
        catch (UnauthorizedAccessException) { throw new CliException($"cannot read {paths.ConfigFile}: permission denied; try sudo ./podway status"); }
        var pid = ServerProcess.FindRunning(paths, ctx.DataRoot);

        ctx.Out.WriteLine($"cluster:   {paths.Name}");
        if (config is null)
        {
            ctx.Out.WriteLine($"status:    not created (no {paths.ConfigFile}); start it with sudo ./podway up");
            return StoppedExitCode;
        }
        var health = pid is null ? null : await HealthAsync(paths, config);
        var state = pid is null ? "stopped"
            : health is null ? $"running (pid {pid})"
            : health.Degraded ? $"running (pid {pid}), DEGRADED: {string.Join("; ", health.Problems())}"
            : $"running (pid {pid}), API ready";
        ctx.Out.WriteLine($"status:    {state}");
        foreach (var (node, i) in (health?.Nodes ?? []).Select((n, i) => (n, i)))
            ctx.Out.WriteLine($"{(i == 0 ? "nodes:" : ""),-11}{node.Describe()}");
        if (health is not null)
            ctx.Out.WriteLine($"network:   {(health.Damage.Count == 0 ? "whole" : "missing " + string.Join(", ", health.Damage.Select(d => d.What)))}");
        if (pid is not null)
            ctx.Out.WriteLine($"restarts:  {ServerState.Load(paths.DataDir)?.Describe() ?? "0"} (the control plane; {(ServerSupervisor.FindRunning(paths) is { } s ? $"supervisor pid {s}" : "no supervisor")})");
        ctx.Out.WriteLine($"API:       https://127.0.0.1:{config.ApiPort}");
        ctx.Out.WriteLine($"data dir:  {paths.DataDir}");
        ctx.Out.WriteLine($"context:   {paths.ContextName}");
        ctx.Out.WriteLine($"log:       {paths.LogFile}");
        ctx.Out.WriteLine($"topology:  kubectl --context {paths.ContextName} proxy, then open http://127.0.0.1:8001{Topology.TopologyPage.Prefix}?namespace=default");
        if (health?.Degraded == true)
            ctx.Out.WriteLine($"The cluster repairs its network by itself within seconds; `sudo ./podway up{UpCommand.NameFlag(paths)}` repairs it and waits until it is whole.");
        return pid is null ? StoppedExitCode : health?.Degraded == true ? DegradedExitCode : 0;
    }

    /// <summary>Null when the credentials cannot be read (they are root-only): then only the process is known.</summary>
    static async Task<ClusterHealth?> HealthAsync(ClusterPaths paths, ClusterConfig config)
    {
        if (!File.Exists(paths.AdminToken)) return null;
        try { return await ClusterHealth.CheckAsync(paths, config, ClusterPki.LoadOrCreate(paths, config, DateTimeOffset.UtcNow)); }
        catch (UnauthorizedAccessException) { return null; }
    }
}
