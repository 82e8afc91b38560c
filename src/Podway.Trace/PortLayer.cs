using Podway.Api.Json;

namespace Podway.Trace;

/// <summary>
/// The port mapping where it matters: does each backend Pod listen on the port the endpoints send to (the Service's
/// targetPort)? Read from the Pod's own network namespace, not from its spec (a container need not declare ports).
/// </summary>
internal static class PortLayer
{
    public static LayerResult Run(TraceState st, TraceEnvironment env)
    {
        var checkedPods = new List<string>();
        var backends = st.Backends.Select(b => (Backend: b, Netns: b.Pod?.Uid() is { } uid ? env.PodNetns(uid) : null))
            .Where(b => b.Netns is not null && File.Exists(Path.Combine("/run/netns", b.Netns))).ToList();
        // Each namespace is read from a thread of its own: all at once, since a busy machine makes each thread wait.
        var read = new System.Collections.Concurrent.ConcurrentDictionary<string, IReadOnlySet<int>>();
        Parallel.ForEach(backends.Select(b => b.Netns!).Distinct(), netns => read[netns] = ListeningPorts.In(netns));
        foreach (var (b, netns) in backends)
        {
            var listening = read[netns!];
            if (!listening.Contains(b.Port))
            {
                var target = st.ServicePort?["targetPort"]?.ToString() ?? b.Port.ToString();
                var svc = st.Service is { } s ? $"Service {s.Name()} port {st.ServicePort.Long("port")} -> targetPort {target}" : $"port {b.Port}";
                var others = listening.Count == 0 ? "nothing listens on TCP there" : $"it listens on {string.Join(", ", listening)}";
                return LayerResult.Fail("port", $"wrong targetPort: {svc} = {b.Ip}:{b.Port}, but nothing in Pod {b.Name} listens on {b.Port} ({others})",
                    listening.Count == 0 ? $"start the server in Pod {b.Name}, or point targetPort at the port it serves"
                        : $"set targetPort to {listening.First()} (the container's port) in the Service{(st.Service is { } sv ? " " + sv.Name() : "")}")
                    with { Details = new Dictionary<string, object?> { ["pod"] = b.Name, ["port"] = b.Port, ["listening"] = listening.ToList() } };
            }
            checkedPods.Add($"{b.Name} listens on {b.Port}");
        }
        return checkedPods.Count == 0
            ? LayerResult.Skip("port", "no backend Pod's namespace to look into")
            : LayerResult.Pass("port", string.Join("; ", checkedPods));
    }
}
