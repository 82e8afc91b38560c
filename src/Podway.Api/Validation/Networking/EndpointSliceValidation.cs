namespace Podway.Api.Validation;

/// <summary>discovery.k8s.io/v1 EndpointSlice, after pkg/apis/discovery/validation.</summary>
internal static class EndpointSliceValidation
{
    static readonly string[] AddressTypes = ["FQDN", "IPv4", "IPv6"];
    const int MaxEndpoints = 1000, MaxAddresses = 100, MaxPorts = 20000, MaxTopologyLabels = 16;

    public static readonly IObjectValidator EndpointSlice = new KindValidator(true, NameRule.Dns1123Subdomain, (errs, slice) =>
    {
        var addressType = slice.Str("addressType") ?? "";
        if (addressType.Length == 0) errs.Add(Errs.Required("addressType"));
        else if (!AddressTypes.Contains(addressType)) errs.Add(Errs.NotSupported("addressType", addressType, AddressTypes));

        var endpoints = slice.Items("endpoints").ToList();
        if (endpoints.Count > MaxEndpoints) errs.Add(Errs.TooMany("endpoints", endpoints.Count, MaxEndpoints));
        else foreach (var (i, ep) in endpoints)
        {
            var p = $"endpoints[{i}]";
            var addresses = ep.Strings("addresses");
            if (addresses.Count == 0) errs.Add(Errs.Required(p + ".addresses", "must contain at least 1 address"));
            else if (addresses.Count > MaxAddresses) errs.Add(Errs.TooMany(p + ".addresses", addresses.Count, MaxAddresses));
            for (var j = 0; j < addresses.Count; j++)
            {
                var ap = $"{p}.addresses[{j}]";
                var a = addresses[j];
                switch (addressType)
                {
                    case "IPv4":
                        if (!IpRules.IsIPv4(a)) errs.Add(Errs.Invalid(ap, a, "must be a valid IPv4 address"));
                        else IpRules.NonSpecialIP(errs, ap, a);
                        break;
                    case "IPv6":
                        if (!IpRules.IsIPv6(a)) errs.Add(Errs.Invalid(ap, a, "must be a valid IPv6 address"));
                        else IpRules.NonSpecialIP(errs, ap, a);
                        break;
                    case "FQDN":
                        FullyQualifiedDomainName(errs, ap, a);
                        break;
                }
            }
            if (ep.Str("nodeName") is { } node)
                foreach (var m in NameRules.Dns1123SubdomainErrors(node)) errs.Add(Errs.Invalid(p + ".nodeName", node, m));
            var topology = ep.StringMap("deprecatedTopology");
            if (topology?.Count > MaxTopologyLabels) errs.Add(Errs.TooMany(p + ".deprecatedTopology", topology.Count, MaxTopologyLabels));
            LabelRules.ValidateLabels(errs, topology, p + ".deprecatedTopology");
            if (ep.Str("hostname") is { } host) PodSpecValidation.Dns1123Label(errs, host, p + ".hostname");
            foreach (var (j, zone) in ep.Obj("hints").Items("forZones"))
                if ((zone.Str("name") ?? "").Length == 0) errs.Add(Errs.Required($"{p}.hints.forZones[{j}].name"));
        }

        var ports = slice.Items("ports").ToList();
        if (ports.Count > MaxPorts) { errs.Add(Errs.TooMany("ports", ports.Count, MaxPorts)); return; }
        var names = new HashSet<string>();
        foreach (var (i, port) in ports)
        {
            var p = $"ports[{i}]";
            var name = port.Str("name") ?? "";
            if (name.Length > 0) PodSpecValidation.Dns1123Label(errs, name, p + ".name");
            if (!names.Add(name)) errs.Add(Errs.Duplicate(p + ".name", name));
            if (port.Int("port") is { } number)
                foreach (var m in NameRules.PortNumErrors(number)) errs.Add(Errs.Invalid(p + ".port", number, m));
            PodSpecValidation.Protocol(errs, port, p + ".protocol");
            if (port.Str("appProtocol") is { } app)
                foreach (var m in LabelRules.QualifiedNameErrors(app)) errs.Add(Errs.Invalid(p + ".appProtocol", app, m));
        }
    }, (errs, slice, old) =>
    {
        var now = slice.Str("addressType") ?? "";
        if (now != (old.Str("addressType") ?? "")) errs.Add(Errs.Invalid("addressType", now, ObjectMetaValidation.FieldImmutable));
    });

    /// <summary>IsFullyQualifiedDomainName: at least two labels, a trailing dot allowed.</summary>
    static void FullyQualifiedDomainName(List<FieldError> errs, string path, string name)
    {
        if (name.Length == 0) { errs.Add(Errs.Required(path)); return; }
        name = name.TrimEnd('.');
        var msgs = NameRules.Dns1123SubdomainErrors(name);
        if (msgs.Count > 0) { errs.Add(Errs.Invalid(path, name, string.Join(",", msgs))); return; }
        if (name.Split('.').Length < 2) { errs.Add(Errs.Invalid(path, name, "should be a domain with at least two segments separated by dots")); return; }
        foreach (var label in name.Split('.'))
            if (NameRules.Dns1123LabelErrors(label) is { Count: > 0 } lm) { errs.Add(Errs.Invalid(path, label, string.Join(",", lm))); return; }
    }
}
