using System.Text.Json.Nodes;

namespace Podway.Api.Validation;

/// <summary>networking.k8s.io/v1 NetworkPolicy, after ValidateNetworkPolicySpec.</summary>
internal static class NetworkPolicyValidation
{
    public static readonly IObjectValidator NetworkPolicy = new KindValidator(true, NameRule.Dns1123Subdomain, (errs, np) =>
    {
        var spec = np.Obj("spec");
        LabelSelectorRules.Validate(errs, spec.Obj("podSelector"), "spec.podSelector");
        foreach (var (direction, peers) in new[] { ("ingress", "from"), ("egress", "to") })
            foreach (var (i, rule) in spec.Items(direction))
            {
                var rp = $"spec.{direction}[{i}]";
                foreach (var (j, port) in rule.Items("ports")) ValidatePort(errs, port, $"{rp}.ports[{j}]");
                foreach (var (j, peer) in rule.Items(peers)) ValidatePeer(errs, peer, $"{rp}.{peers}[{j}]");
            }
        var types = spec.Strings("policyTypes");
        if (types.Count > 2)
        {
            errs.Add(Errs.Invalid("spec.policyTypes", new GoRaw("[]networking.PolicyType{" + string.Join(", ", types.Select(Errs.Quote)) + "}"), "may not specify more than two policyTypes"));
            return;
        }
        for (var i = 0; i < types.Count; i++)
            if (types[i] is not ("Ingress" or "Egress")) errs.Add(Errs.NotSupported($"spec.policyTypes[{i}]", types[i], ["Ingress", "Egress"]));
    });

    static void ValidatePort(List<FieldError> errs, JsonObject port, string p)
    {
        if (port.Str("protocol") is { } protocol && protocol is not ("TCP" or "UDP" or "SCTP"))
            errs.Add(Errs.NotSupported(p + ".protocol", protocol, ["TCP", "UDP", "SCTP"]));
        var endPort = port.Int("endPort");
        switch (IntOrString.Read(port["port"]))
        {
            case { IsString: false } n:
                foreach (var m in NameRules.PortNumErrors(n.IntVal)) errs.Add(Errs.Invalid(p + ".port", n.IntVal, m));
                if (endPort is { } e)
                {
                    if (e < n.IntVal) errs.Add(Errs.Invalid(p + ".endPort", n.IntVal, "must be greater than or equal to `port`"));
                    foreach (var m in NameRules.PortNumErrors(e)) errs.Add(Errs.Invalid(p + ".endPort", e, m));
                }
                break;
            case { IsString: true } s:
                if (endPort is { } e2) errs.Add(Errs.Invalid(p + ".endPort", e2, "may not be specified when `port` is non-numeric"));
                foreach (var m in NameRules.PortNameErrors(s.StrVal)) errs.Add(Errs.Invalid(p + ".port", s.StrVal, m));
                break;
            default:
                if (endPort is { } e3) errs.Add(Errs.Invalid(p + ".endPort", e3, "may not be specified when `port` is not specified"));
                break;
        }
    }

    static void ValidatePeer(List<FieldError> errs, JsonObject peer, string p)
    {
        var count = 0;
        foreach (var sel in new[] { "podSelector", "namespaceSelector" })
            if (peer.Obj(sel) is { } s) { count++; LabelSelectorRules.Validate(errs, s, $"{p}.{sel}"); }
        var block = peer.Obj("ipBlock");
        if (block is not null) { count++; ValidateIpBlock(errs, block, p + ".ipBlock"); }
        if (count == 0) errs.Add(Errs.Required(p, "must specify a peer"));
        else if (count > 1 && block is not null) errs.Add(Errs.Forbidden(p, "may not specify both ipBlock and another peer"));
    }

    static void ValidateIpBlock(List<FieldError> errs, JsonObject block, string p)
    {
        var cidr = block.Str("cidr") ?? "";
        if (cidr.Length == 0) { errs.Add(Errs.Required(p + ".cidr")); return; }
        IpRules.ValidCidr(errs, p + ".cidr", cidr);
        if (IpRules.ParseCidr(cidr) is not { } outer) return;
        var excepts = block.Strings("except");
        for (var i = 0; i < excepts.Count; i++)
        {
            var ep = $"{p}.except[{i}]";
            IpRules.ValidCidr(errs, ep, excepts[i]);
            if (IpRules.ParseCidr(excepts[i]) is not { } inner) continue;
            if (!IpRules.Contains(outer, inner.Address) || outer.Prefix >= inner.Prefix)
                errs.Add(Errs.Invalid(ep, excepts[i], "must be a strict subset of `cidr`"));
        }
    }
}
