using Microsoft.AspNetCore.Http;
using Podway.Api.Query;

namespace Podway.Node.Streaming.RemoteCommand;

/// <summary>The exec/attach query: which standard streams the client wants, whether it has a tty, and the command.</summary>
internal sealed record RemoteCommandOptions(bool Stdin, bool Stdout, bool Stderr, bool Tty, IReadOnlyList<string> Command)
{
    public static RemoteCommandOptions Parse(IQueryCollection query)
    {
        // kube-apiserver reads these with its query rule and sends the kubelet "1"; podway's API server passes the
        // client's query through as it is, so the node reads it with the API server's rule.
        bool Flag(string name, string legacy) => QueryBool.Parse(query.ContainsKey(name) ? query[name] : query[legacy]);
        var tty = Flag("tty", "tty");
        // With a tty the runtime merges stderr into stdout, so no stderr stream exists (as in the kubelet).
        return new RemoteCommandOptions(Flag("stdin", "input"), Flag("stdout", "output"), Flag("stderr", "error") && !tty, tty,
            query["command"].Select(c => c ?? "").ToList());
    }

    /// <summary>The kubelet's check before upgrading.</summary>
    public string? Validate() => Stdin || Stdout || Stderr ? null : "you must specify at least 1 of stdin, stdout, stderr";
}
