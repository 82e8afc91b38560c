namespace Podway.Cli;

/// <summary>One flag of a subcommand: boolean flags take no value.</summary>
internal sealed record FlagSpec(string Name, string? ValueName, string Help, string? Short = null)
{
    public bool TakesValue => ValueName is not null;
}

/// <summary>A subcommand's name, one-line summary and flags; drives both parsing and --help.</summary>
/// <param name="Arguments">the positional arguments it takes, as usage shows them (none: every argument is a flag)</param>
internal sealed record CommandSpec(string Name, string Summary, IReadOnlyList<FlagSpec> Flags, bool Hidden = false, string? Arguments = null)
{
    public FlagSpec? Find(string name) => Flags.FirstOrDefault(f => f.Name == name || f.Short == name);

    /// <summary>More help after the flags (what the arguments may be).</summary>
    public string? Extra { get; init; }
}

internal static class CommandSpecs
{
    static readonly FlagSpec Name = new("--name", "N", "cluster name (default \"podway\")");
    static readonly FlagSpec DataDir = new("--data-dir", "D", "data directory (default /var/lib/podway/<name>)");
    static readonly FlagSpec ApiPort = new("--api-port", "P", "HTTPS port of the API server on 127.0.0.1 (default 6443)");

    public static readonly CommandSpec Up = new("up", "start a cluster (installs prerequisites, writes certificates and kubeconfig)",
        [Name, DataDir, ApiPort,
            new("--resolv-conf", "F", "host resolv.conf whose resolvers Pods reach for outside names (default /etc/resolv.conf; \"\" for none); kept for restarts"),
            new("--foreground", null, "run the cluster in this process until Ctrl-C or SIGTERM")]);
    public static readonly CommandSpec Down = new("down", "stop a cluster and remove its kernel objects",
        [Name, DataDir, new("--purge", null, "also delete the data directory and the cluster's kubeconfig entries")]);
    public static readonly CommandSpec Status = new("status", "show whether a cluster is running and whole (exit 0 running, 4 running but degraded, 3 stopped)", [Name, DataDir]);
    public static readonly CommandSpec Kubeconfig = new("kubeconfig", "print a cluster's kubeconfig", [Name, DataDir]);
    public static readonly CommandSpec Server = new("server", "run the control plane in this process (used by `podway up`)",
        [Name, DataDir, ApiPort], Hidden: true);

    public static readonly CommandSpec Supervise = new("supervise", "run the server and restart it when it dies (started by `podway up`)",
        [Name, DataDir, ApiPort], Hidden: true);

    public static readonly CommandSpec Agent = new("agent", "run a node agent in this process (started by the control plane inside the node's namespace)",
        [Name, DataDir, new("--node", "I", "index of the node (0 is the control-plane node)")], Hidden: true);

    public static readonly CommandSpec Image = new("image", "run a built-in image's program (used in Pods): podway image PROGRAM [ARGS...]",
        [], Hidden: true);

    public static readonly CommandSpec Trace = new("trace", "walk one request through every layer (DNS, Service, EndpointSlices, nftables, NetworkPolicy, edge) and make it for real",
        [Name, DataDir,
            new("--namespace", "NS", "namespace of FROM and of a short TO (default \"default\")", "-n"),
            new("--output", "FORMAT", "\"json\" for scripts (default: one line per layer)", "-o")],
        Arguments: "FROM TO")
    {
        Extra = """
            FROM: pod/NAME, deploy/NAME (one of its Pods) or host (this machine, as a laptop reaches a cluster).
            TO:   a URL (http://web, http://web.shop.svc:8080/api, https://shop.example.com/api),
                  svc/NAME[:port], pod/NAME:port or IP:port.
            Exit status: 0 when the request got through, 1 when a layer failed (the line marked ✗ says how to fix it).

            """,
    };

    public static readonly CommandSpec Flows = new("flows", "list the cluster's recent connections with the kernel's verdict (forwarded, dropped by policy, rejected)",
        [Name, DataDir,
            new("--namespace", "NS", "only flows from or to Pods of this namespace", Short: "-n"),
            new("--pod", "P", "only flows from or to this Pod (name, or namespace/name)"),
            new("--verdict", "V", "only forwarded, dropped or rejected flows"),
            new("--follow", null, "keep printing new flows until Ctrl-C", Short: "-f"),
            new("--output", "FORMAT", "json: one JSON object per flow", Short: "-o")]);

    public static readonly IReadOnlyList<CommandSpec> All = [Up, Down, Status, Kubeconfig, Trace, Flows, Server, Supervise, Agent, Image];
}
