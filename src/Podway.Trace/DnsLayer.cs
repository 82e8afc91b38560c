using System.Net;
using Podway.Api.Json;
using Podway.Api.Resources;

namespace Podway.Trace;

/// <summary>
/// Name resolution as the source does it: its resolv.conf (search path, ndots), each candidate name asked of its
/// nameserver from its own network namespace, first answer wins. On NXDOMAIN, says where a Service of that name is.
/// </summary>
internal static class DnsLayer
{
    public sealed record Outcome(LayerResult Result, string? AnsweredName, IPAddress? Address);

    public static async Task<Outcome> ResolveAsync(TraceState st, TraceEnvironment env, ClusterObjects objects, string host)
    {
        if (IPAddress.TryParse(host, out var literal))
            return new(LayerResult.Pass("dns", $"{host} is an address, nothing to resolve"), null, literal);
        if (st.SourcePod is null)
            return new(LayerResult.Fail("dns", $"the host's resolvers ({env.HostResolvConf}) do not serve cluster names: {host} is not a cluster name the host can resolve",
                "trace from a Pod (FROM pod/NAME), or go through the edge: an Ingress or HTTPRoute for this host, or a LoadBalancer Service"), null, null);

        var resolvPath = env.PodResolvConf(st.SourcePod.Obj("spec").Str("nodeName") ?? "", st.SourcePod.Uid() ?? "");
        ResolvConf conf;
        try { conf = ResolvConf.Parse(await File.ReadAllTextAsync(resolvPath)); }
        catch (IOException e) { return new(LayerResult.Fail("dns", $"cannot read the Pod's resolv.conf: {e.Message}", "recreate the Pod (kubectl delete pod) so the node writes its /etc files again"), null, null); }
        if (conf.Nameservers.Count == 0)
            return new(LayerResult.Fail("dns", $"the Pod's resolv.conf names no nameserver ({conf.Describe()})", "check the Pod's dnsPolicy/dnsConfig"), null, null);

        var server = conf.Nameservers[0];
        var asked = new List<string>();
        foreach (var candidate in conf.Candidates(host))
        {
            var answer = DnsLookup.Query(st.SourceNetns, server, candidate, TimeSpan.FromSeconds(5));
            asked.Add($"{candidate} {answer.RcodeText}");
            if (answer.Error is not null)
                return new(LayerResult.Fail("dns", $"{candidate}: {answer.Error} ({conf.Describe()})",
                    $"the cluster DNS does not answer the Pod: check kubectl -n kube-system get pods,endpointslices -l k8s-app=kube-dns and any egress NetworkPolicy on UDP 53"), null, null);
            if (answer.Addresses.Count > 0)
            {
                var saw = $"{host} -> {candidate} -> {string.Join(",", answer.Addresses)} from {server} in {answer.Elapsed.TotalMilliseconds:0.#} ms ({conf.Describe()}; asked {asked.Count})";
                return new(LayerResult.Pass("dns", saw) with { Details = Details(candidate, answer.Addresses[0], server, asked) }, candidate, answer.Addresses[0]);
            }
        }
        var (why, fix) = await WhyUnresolvedAsync(st, env, objects, host);
        return new(LayerResult.Fail("dns", $"{host}: {why} (asked {server}: {string.Join("; ", asked)})", fix) with { Details = Details(null, null, server, asked) }, null, null);
    }

    static Dictionary<string, object?> Details(string? name, IPAddress? ip, IPAddress server, List<string> asked) => new()
    {
        ["answeredName"] = name, ["address"] = ip?.ToString(), ["nameserver"] = server.ToString(), ["asked"] = asked,
    };

    /// <summary>The guides' two naming mistakes: the Service is in another namespace than the name says (or than the
    /// source's own, for a short name), or no Service has that name at all.</summary>
    static async Task<(string Why, string Fix)> WhyUnresolvedAsync(TraceState st, TraceEnvironment env, ClusterObjects objects, string host)
    {
        var labels = host.Split('.');
        var service = labels[0];
        var named = ServiceName.Parse(host, env.ClusterDomain);
        var wantedNs = named?.Namespace ?? st.Namespace;
        var sameName = await objects.ListAsync(BuiltinResources.Service, null, fieldSelector: $"metadata.name={service}");
        var elsewhere = sameName.Select(s => s.Namespace()).Where(ns => ns != wantedNs).Distinct().Order(StringComparer.Ordinal).ToList();
        if (elsewhere.Count > 0)
        {
            var instead = named?.Namespace is null ? "" : $" instead of {host}";
            var ns = elsewhere[0];
            // Several namespaces may have one (every team's "web"): name them all, trace cannot know which was meant.
            return ($"no Service {service} in namespace {wantedNs}; a Service {service} exists in namespace {string.Join(", ", elsewhere)}",
                elsewhere.Count == 1
                    ? $"use the name {service}.{ns} (or {service}.{ns}.svc.{env.ClusterDomain}){instead}"
                    : $"use the name of the one you mean{instead}: {string.Join(", ", elsewhere.Select(n => $"{service}.{n}"))} (or NAME.svc.{env.ClusterDomain})");
        }
        return named is null && labels.Length > 1
            ? ($"the name does not exist (NXDOMAIN) and no Ingress or HTTPRoute serves it", "check the host name, or add an Ingress/HTTPRoute rule for it")
            : ($"no Service named {service} in any namespace", $"check the name with kubectl get svc -A, or create the Service {service} in namespace {wantedNs}");
    }
}

/// <summary>A cluster DNS name split: `svc`, `svc.ns`, `svc.ns.svc`, `svc.ns.svc.cluster.local`.</summary>
internal sealed record ServiceName(string Name, string? Namespace)
{
    public static ServiceName? Parse(string host, string domain)
    {
        var name = host.EndsWith("." + domain, StringComparison.Ordinal) ? host[..^(domain.Length + 1)] : host;
        var labels = name.Split('.');
        return labels.Length switch
        {
            1 => new(labels[0], null),
            2 => new(labels[0], labels[1]),
            3 when labels[2] == "svc" => new(labels[0], labels[1]),
            _ => null,
        };
    }
}
