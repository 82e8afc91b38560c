using Podway.Cluster;
using Podway.Pki;

namespace Podway.Cli;

/// <summary>`podway status`: exit 0 when the cluster's server runs, 3 when it does not.</summary>
internal static class StatusCommand
{
    public const int StoppedExitCode = 3;

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
        var api = $"https://127.0.0.1:{config.ApiPort}";
        var state = pid is null ? "stopped" : $"running (pid {pid}){await ReadinessAsync(paths, config)}";
        ctx.Out.WriteLine($"status:    {state}");
        ctx.Out.WriteLine($"API:       {api}");
        ctx.Out.WriteLine($"data dir:  {paths.DataDir}");
        ctx.Out.WriteLine($"context:   {paths.ContextName}");
        ctx.Out.WriteLine($"log:       {paths.LogFile}");
        return pid is null ? StoppedExitCode : 0;
    }

    static async Task<string> ReadinessAsync(ClusterPaths paths, ClusterConfig config)
    {
        if (!File.Exists(paths.AdminToken)) return "";
        try
        {
            var creds = ClusterPki.LoadOrCreate(paths, config, DateTimeOffset.UtcNow);
            using var probe = new ReadyProbe(config.ApiPort, creds.Ca, creds.AdminToken);
            return await probe.IsReadyAsync(CancellationToken.None) ? ", API ready" : ", API not answering /readyz";
        }
        catch (UnauthorizedAccessException) { return ""; } // credentials are root-only
    }
}
