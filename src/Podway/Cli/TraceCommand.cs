using Podway.Client;
using Podway.Cluster;
using Podway.Nodes;
using Podway.Trace;

namespace Podway.Cli;

/// <summary>
/// `podway trace [--name N] [-n NS] [-o json] FROM TO`: finds the cluster as `status` does, hands the tracer the
/// cluster's API and its node layout (where node and Pod network namespaces and Pods' /etc files are), prints the
/// report. Exit 0 when the request got through, 1 when a layer failed, 2 for bad arguments.
/// </summary>
internal static class TraceCommand
{
    public static async Task<int> RunAsync(ParsedCommand cmd, CliContext ctx)
    {
        if (cmd.Positionals.Count != 2)
            throw new UsageException($"podway trace needs FROM and TO (got {cmd.Positionals.Count} argument{(cmd.Positionals.Count == 1 ? "" : "s")}), e.g. podway trace deploy/client http://web");
        var output = cmd.Value("--output");
        if (output is not (null or "json" or "text")) throw new UsageException($"invalid value \"{output}\" for --output: use json");
        TraceSource from;
        TraceTarget to;
        try { (from, to) = (TraceSource.Parse(cmd.Positionals[0]), TraceTarget.Parse(cmd.Positionals[1])); }
        catch (TraceUsageException e) { throw new UsageException(e.Message); }
        var ns = cmd.Value("--namespace") ?? "default";

        ctx.RequireRoot("trace", "it enters Pods' and nodes' network namespaces and reads the kernel's rules");
        var paths = ClusterTarget.Resolve(cmd, ctx.DataRoot);
        var config = ClusterConfig.Load(paths.ConfigFile) ?? throw new CliException($"cluster {paths.Name} does not exist (no {paths.ConfigFile}); start it with sudo ./podway up{UpCommand.NameFlag(paths)}");
        if (ServerProcess.FindRunning(paths, ctx.DataRoot) is null)
            throw new CliException($"cluster {paths.Name} is not running; start it with sudo ./podway up{UpCommand.NameFlag(paths)}", StatusCommand.StoppedExitCode);

        var network = ClusterHealth.NetworkOf(paths, config);
        using var api = new ApiClient(new Uri($"https://127.0.0.1:{config.ApiPort}"), File.ReadAllText(paths.AdminToken).Trim(),
            System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(File.ReadAllText(paths.CaCert)));
        var env = ClusterTraceEnvironment.For(api, config.Name, paths.DataDir, network.Nodes, config.AdvertiseAddress);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        TraceReport report;
        try { report = await Tracer.RunAsync(env, ns, from, to, timeout.Token); }
        catch (Exception e) when (e is HttpRequestException or Podway.Api.Errors.ApiException or OperationCanceledException)
        {
            throw new CliException($"cannot read cluster {paths.Name} through its API: {e.Message}");
        }
        ctx.Out.Write(output == "json" ? report.ToJson() + "\n" : report.ToText());
        return report.Succeeded ? 0 : 1;
    }
}
