using Podway.Cluster;
using Podway.Pki;

namespace Podway.Cli;

/// <summary>`podway supervise` (the detached process `up` starts) and the `podway server` it runs; from a data dir made by `up`.</summary>
internal static class ServerCommand
{
    public static Task<int> RunAsync(ParsedCommand cmd, CliContext ctx)
    {
        var paths = ClusterTarget.Resolve(cmd, ctx.DataRoot);
        ctx.RequireRoot("server", "it creates network namespaces and nftables rules");
        var config = ClusterConfig.Load(paths.ConfigFile)
            ?? throw new CliException($"no cluster.json in {paths.DataDir}: start the cluster with sudo ./podway up --name {paths.Name}");
        var port = ClusterTarget.ApiPortFlag(cmd);
        if (port is { } p && p != config.ApiPort)
            throw new CliException($"--api-port {p} does not match cluster {paths.Name}'s port {config.ApiPort} in {paths.ConfigFile}");
        var creds = ClusterPki.LoadOrCreate(paths, config, DateTimeOffset.UtcNow);
        return ServerHost.RunAsync(paths, ServerHost.OptionsFor(paths, config, creds), ctx);
    }

    public static Task<int> SuperviseAsync(ParsedCommand cmd, CliContext ctx)
    {
        var paths = ClusterTarget.Resolve(cmd, ctx.DataRoot);
        ctx.RequireRoot("supervise", "its server creates network namespaces and nftables rules");
        var config = ClusterConfig.Load(paths.ConfigFile)
            ?? throw new CliException($"no cluster.json in {paths.DataDir}: start the cluster with sudo ./podway up --name {paths.Name}");
        return ServerSupervisor.RunAsync(paths, ClusterTarget.ApiPortFlag(cmd) ?? config.ApiPort, ctx.Err);
    }
}
