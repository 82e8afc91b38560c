using Podway.Client;
using Podway.Cluster;
using Podway.Nodes;
using Podway.Topology;
using Podway.Trace;

namespace Podway.Cli;

/// <summary>
/// `podway trace [--name N] [-n NS] [-o json] FROM TO`: finds the cluster as `status` does and asks its server to
/// trace (<see cref="TraceEndpoint"/>: the server is warm, a new process is not), then prints the report. Exit 0
/// when the request got through, 1 when a layer failed, 2 for bad arguments.
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

        using var api = new ApiClient(new Uri($"https://127.0.0.1:{config.ApiPort}"), File.ReadAllText(paths.AdminToken).Trim(),
            System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(File.ReadAllText(paths.CaCert)));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        TraceReport report;
        System.Text.Json.Nodes.JsonObject? answer = null;
        try
        {
            // The server traces (warm: tens of milliseconds); a server from an older build without the endpoint, here.
            var query = $"namespace={Uri.EscapeDataString(ns)}&from={Uri.EscapeDataString(cmd.Positionals[0])}&to={Uri.EscapeDataString(cmd.Positionals[1])}";
            try { report = TraceReport.FromJson(answer = await api.GetRawAsync($"{TraceEndpoint.Path}?{query}", timeout.Token)); }
            catch (Podway.Api.Errors.ApiException e) when (e.Code == 404 && e.Reason == "NotFound" && !e.Message.Contains(" not found"))
            {
                var env = ClusterTraceEnvironment.For(api, config.Name, paths.DataDir, ClusterHealth.NetworkOf(paths, config).Nodes, config.AdvertiseAddress);
                report = await Tracer.RunAsync(env, ns, from, to, timeout.Token);
            }
        }
        catch (Exception e) when (e is HttpRequestException or Podway.Api.Errors.ApiException or OperationCanceledException)
        {
            throw new CliException($"cannot trace through cluster {paths.Name}'s API: {e.Message}");
        }
        ctx.Out.Write(output == "json" ? (answer?.ToJsonString(TraceReport.JsonOptions) ?? report.ToJson()) + "\n" : report.ToText());
        return report.Succeeded ? 0 : 1;
    }
}
