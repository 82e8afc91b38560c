using System.Text.Json.Nodes;

namespace Podway.Api.Validation;

/// <summary>TLSRoute, TCPRoute and UDPRoute, following the Gateway API v1alpha2 experimental CRD schemas and CEL
/// rules: parentRefs and (TLSRoute) hostnames as HTTPRoute's, 1-16 rules, each with 1-16 backendRefs, rule names
/// unique within the route.</summary>
internal static class L4RouteValidation
{
    public static readonly IObjectValidator TlsRoute = Kind();
    public static readonly IObjectValidator TcpRoute = Kind();
    public static readonly IObjectValidator UdpRoute = Kind();

    static KindValidator Kind() => new(true, NameRule.Dns1123Subdomain, (errs, r) =>
    {
        var spec = r.Obj("spec");
        if (spec is null) { errs.Add(Errs.Required("spec")); return; }
        RouteValidation.Common(errs, spec);
        var rules = spec.Items("rules").ToList();
        Schema.Items(errs, rules.Count, spec.Has("rules"), "spec.rules", true, 1, 16);
        var names = new List<string>();
        foreach (var (i, rule) in rules)
        {
            var p = $"spec.rules[{i}]";
            if (rule.Str("name") is { } name)
            {
                Schema.String(errs, name, p + ".name", false, 1, 253, Schema.SectionNamePattern);
                names.Add(name);
            }
            // backendRefs is required with at least one entry here (HTTPRoute's may be empty); the rest is shared.
            var count = rule.Count("backendRefs");
            if (!rule.Has("backendRefs")) errs.Add(Errs.Required(p + ".backendRefs"));
            else if (count < 1) errs.Add(Errs.Invalid(p + ".backendRefs", (long)count, $"{p}.backendRefs in body should have at least 1 items"));
            RouteValidation.BackendRefs(errs, rule, p);
        }
        if (names.Count != names.Distinct().Count())
            errs.Add(Schema.Cel("spec.rules", "array", "Rule name must be unique within the route"));
    });
}
