using System.Net.Sockets;
using System.Text.Json.Nodes;

namespace Podway.Api.Validation;

/// <summary>core/v1 Service, after ValidateService / ValidateServiceUpdate.</summary>
internal static class ServiceValidation
{
    static readonly string[] Types = ["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"];
    static readonly string[] Affinities = ["ClientIP", "None"];
    static readonly string[] TrafficPolicies = ["Cluster", "Local"];
    static readonly string[] FamilyPolicies = ["SingleStack", "PreferDualStack", "RequireDualStack"];
    static readonly string[] Families = ["IPv4", "IPv6"];

    public static readonly IObjectValidator Service = new KindValidator(true, NameRule.Dns1035Label, Validate, ValidateUpdate);

    static void Validate(List<FieldError> errs, JsonObject svc)
    {
        var spec = svc.Obj("spec") ?? new JsonObject();
        var type = spec.Str("type") ?? "ClusterIP";
        var clusterIPs = ClusterIPs(spec);
        var headless = clusterIPs.Count > 0 && clusterIPs[0] == "None";
        var ports = spec.Items("ports").ToList();

        if (ports.Count == 0 && !headless && type != "ExternalName") errs.Add(Errs.Required("spec.ports"));
        switch (type)
        {
            case "LoadBalancer":
                if (headless) errs.Add(Errs.Invalid("spec.clusterIPs[0]", clusterIPs[0], "may not be set to 'None' for LoadBalancer services"));
                foreach (var (i, port) in ports)
                    if (port.Int("port") == 10250) errs.Add(Errs.Invalid($"spec.ports[{i}]", 10250L, "may not expose port 10250 externally since it is used by kubelet"));
                break;
            case "NodePort":
                if (headless) errs.Add(Errs.Invalid("spec.clusterIPs[0]", clusterIPs[0], "may not be set to 'None' for NodePort services"));
                break;
            case "ExternalName":
                if (clusterIPs.Count > 0) errs.Add(Errs.Forbidden("spec.clusterIPs", "may not be set for ExternalName services"));
                if (spec.Count("ipFamilies") > 0) errs.Add(Errs.Forbidden("spec.ipFamilies", "may not be set for ExternalName services"));
                if (spec.Has("ipFamilyPolicy")) errs.Add(Errs.Forbidden("spec.ipFamilyPolicy", "may not be set for ExternalName services"));
                var cname = (spec.Str("externalName") ?? "").TrimEnd('.');
                if (cname.Length == 0) errs.Add(Errs.Required("spec.externalName"));
                else foreach (var m in NameRules.Dns1123SubdomainErrors(cname)) errs.Add(Errs.Invalid("spec.externalName", cname, m));
                break;
        }

        var names = new HashSet<string>();
        foreach (var (i, port) in ports) ValidatePort(errs, port, ports.Count > 1, names, $"spec.ports[{i}]");

        LabelRules.ValidateLabels(errs, spec.StringMap("selector"), "spec.selector");

        var affinity = spec.Str("sessionAffinity") ?? "None";
        if (affinity.Length == 0) errs.Add(Errs.Required("spec.sessionAffinity"));
        else if (!Affinities.Contains(affinity)) errs.Add(Errs.NotSupported("spec.sessionAffinity", affinity, Affinities));
        if (affinity == "ClientIP")
        {
            var timeout = spec.Obj("sessionAffinityConfig").Obj("clientIP").Int("timeoutSeconds");
            if (timeout is { } t && (t <= 0 || t > 86400))
                errs.Add(Errs.Invalid("spec.sessionAffinityConfig.clientIP.timeoutSeconds", t, "must be greater than 0 and less than 86400"));
        }
        else if (affinity == "None" && spec.Has("sessionAffinityConfig"))
            errs.Add(Errs.Forbidden("spec.sessionAffinityConfig", "must not be set when session affinity is None"));

        ValidateClusterIPs(errs, spec, clusterIPs);

        foreach (var (ip, i) in spec.Strings("externalIPs").Select((ip, i) => (ip, i)))
            IpRules.ValidIP(errs, $"spec.externalIPs[{i}]", ip);

        if (spec.Str("type") is "") errs.Add(Errs.Required("spec.type"));
        else if (!Types.Contains(type)) errs.Add(Errs.NotSupported("spec.type", type, Types));

        if (type == "ClusterIP")
            foreach (var (i, port) in ports)
                if ((port.Int("nodePort") ?? 0) != 0) errs.Add(Errs.Forbidden($"spec.ports[{i}].nodePort", "may not be used when `type` is 'ClusterIP'"));

        var nodePorts = new HashSet<(string, long)>();
        foreach (var (i, port) in ports)
            if (port.Int("nodePort") is { } np and not 0 && !nodePorts.Add((port.Str("protocol") ?? "TCP", np)))
                errs.Add(Errs.Duplicate($"spec.ports[{i}].nodePort", np));

        var seen = new HashSet<(string, long)>();
        foreach (var (i, port) in ports)
        {
            var protocol = port.Str("protocol") ?? "TCP";
            var number = port.Int("port") ?? 0;
            if (!seen.Add((protocol, number)))
                errs.Add(Errs.Duplicate($"spec.ports[{i}]", new GoRaw(
                    $"core.ServicePort{{Name:\"\", Protocol:{Errs.Quote(protocol)}, AppProtocol:(*string)(nil), Port:{number}, TargetPort:intstr.IntOrString{{Type:0, IntVal:0, StrVal:\"\"}}, NodePort:0}}")));
        }

        var etp = spec.Str("externalTrafficPolicy");
        if (type is "NodePort" or "LoadBalancer")
        {
            if (etp is "") errs.Add(Errs.Required("spec.externalTrafficPolicy"));
            else if (etp is not null && !TrafficPolicies.Contains(etp)) errs.Add(Errs.NotSupported("spec.externalTrafficPolicy", etp, TrafficPolicies));
        }
        else if (!string.IsNullOrEmpty(etp))
            errs.Add(Errs.Invalid("spec.externalTrafficPolicy", etp, "may only be set when `type` is 'NodePort' or 'LoadBalancer'"));
        if (spec.Int("healthCheckNodePort") is { } hc and not 0 && !(type == "LoadBalancer" && etp == "Local"))
            errs.Add(Errs.Invalid("spec.healthCheckNodePort", hc, "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'"));
        if (spec.Str("internalTrafficPolicy") is { } itp && !TrafficPolicies.Contains(itp))
            errs.Add(Errs.NotSupported("spec.internalTrafficPolicy", itp, TrafficPolicies));
        if (spec.Bool("allocateLoadBalancerNodePorts") is not null && type != "LoadBalancer")
            errs.Add(Errs.Forbidden("spec.allocateLoadBalancerNodePorts", "may only be used when `type` is 'LoadBalancer'"));
    }

    static void ValidatePort(List<FieldError> errs, JsonObject port, bool requireName, HashSet<string> names, string path)
    {
        var name = port.Str("name") ?? "";
        if (requireName && name.Length == 0) errs.Add(Errs.Required(path + ".name"));
        else if (name.Length != 0)
        {
            foreach (var m in NameRules.Dns1123LabelErrors(name)) errs.Add(Errs.Invalid(path + ".name", name, m));
            if (!names.Add(name)) errs.Add(Errs.Duplicate(path + ".name", name));
        }
        var number = port.Int("port") ?? 0;
        foreach (var m in NameRules.PortNumErrors(number)) errs.Add(Errs.Invalid(path + ".port", number, m));
        PodSpecValidation.Protocol(errs, port, path + ".protocol");
        // targetPort defaults to port; 0 is what a missing one reads as before defaulting.
        if (port.Has("targetPort") && !(IntOrString.Read(port["targetPort"]) is { IsString: false, IntVal: 0 }))
            PodSpecValidation.PortNumOrName(errs, port["targetPort"], path + ".targetPort");
        if (port.Str("appProtocol") is { } app)
            foreach (var m in LabelRules.QualifiedNameErrors(app)) errs.Add(Errs.Invalid(path + ".appProtocol", app, m));
    }

    /// <summary>spec.clusterIPs, or the single spec.clusterIP when the list was not filled yet.</summary>
    static List<string> ClusterIPs(JsonObject spec)
    {
        var list = spec.Strings("clusterIPs");
        if (list.Count == 0 && spec.Str("clusterIP") is { Length: > 0 } ip) list.Add(ip);
        return list;
    }

    static void ValidateClusterIPs(List<FieldError> errs, JsonObject spec, List<string> clusterIPs)
    {
        var clusterIP = spec.Str("clusterIP") ?? "";
        if (clusterIP.Length > 0 && spec.Count("clusterIPs") > 0 && clusterIPs[0] != clusterIP)
            errs.Add(Errs.Invalid("spec.clusterIPs", Errs.GoStringSlice(clusterIPs), "first value must match `clusterIP`"));
        if (clusterIPs.Count > 2) errs.Add(Errs.Invalid("spec.clusterIPs", Errs.GoStringSlice(clusterIPs), "may only hold up to 2 values"));

        var families = spec.Strings("ipFamilies");
        if (spec.Str("ipFamilyPolicy") is { } policy && !FamilyPolicies.Contains(policy))
            errs.Add(Errs.NotSupported("spec.ipFamilyPolicy", policy, FamilyPolicies));
        if (spec.Str("ipFamilyPolicy") == "SingleStack" && families.Count > 1)
            errs.Add(Errs.Invalid("spec.ipFamilies", Errs.GoStringSlice(families), "when multiple IP families are specified, `ipFamilyPolicy` may not be 'SingleStack'"));
        if (families.Count > 2) errs.Add(Errs.Invalid("spec.ipFamilies", Errs.GoStringSlice(families), "may specify no more than one IP for each IP family"));
        var seenFamilies = new HashSet<string>();
        for (var i = 0; i < families.Count; i++)
        {
            if (!Families.Contains(families[i])) errs.Add(Errs.NotSupported($"spec.ipFamilies[{i}]", families[i], Families));
            else if (!seenFamilies.Add(families[i])) errs.Add(Errs.Duplicate($"spec.ipFamilies[{i}]", families[i]));
        }

        for (var i = 0; i < clusterIPs.Count; i++)
        {
            var ip = clusterIPs[i];
            var path = $"spec.clusterIPs[{i}]";
            if (ip == "None")
            {
                if (i > 0 || clusterIPs.Count > 1) errs.Add(Errs.Invalid(path, ip, "'None' must be the first and only value"));
                continue;
            }
            var parsed = IpRules.Parse(ip);
            if (parsed is null) { IpRules.ValidIP(errs, path, ip); continue; }
            var family = parsed.AddressFamily == AddressFamily.InterNetwork ? "IPv4" : "IPv6";
            if (i < families.Count && families[i] != family)
                errs.Add(Errs.Invalid($"spec.ipFamilies[{i}]", families[i], $"does not match IP family of `clusterIPs[{i}]`"));
        }
        if (clusterIPs.Count == 2 && IpRules.Parse(clusterIPs[0]) is { } a && IpRules.Parse(clusterIPs[1]) is { } b && a.AddressFamily == b.AddressFamily)
            errs.Add(Errs.Invalid("spec.clusterIPs", Errs.GoStringSlice(clusterIPs), "may specify no more than one IP for each IP family"));
    }

    static void ValidateUpdate(List<FieldError> errs, JsonObject svc, JsonObject old)
    {
        var spec = svc.Obj("spec") ?? new JsonObject();
        var oldSpec = old.Obj("spec") ?? new JsonObject();
        if ((spec.Str("type") ?? "ClusterIP") == "ExternalName" || (oldSpec.Str("type") ?? "ClusterIP") == "ExternalName") return;
        var now = ClusterIPs(spec);
        var before = ClusterIPs(oldSpec);
        // An update that leaves clusterIP out keeps the allocated one (the REST layer copies it over).
        if (now.Count > 0 && before.Count > 0 && now[0] != before[0])
            errs.Add(Errs.Invalid("spec.clusterIPs[0]", Errs.GoStringSlice(now), "may not change once set"));
    }
}
