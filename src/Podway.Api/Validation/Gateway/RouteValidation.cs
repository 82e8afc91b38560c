using System.Text.Json.Nodes;

namespace Podway.Api.Validation;

/// <summary>HTTPRoute and GRPCRoute, following the Gateway API v1 CRD schemas and CEL rules.</summary>
internal static class RouteValidation
{
    const string ExactOrPrefix = "when type one of ['Exact', 'PathPrefix']";

    public static readonly IObjectValidator HttpRoute = new KindValidator(true, NameRule.Dns1123Subdomain, (errs, r) =>
    {
        var spec = r.Obj("spec");
        if (spec is null) { errs.Add(Errs.Required("spec")); return; }
        Common(errs, spec);
        var rules = spec.Items("rules").ToList();
        Schema.Items(errs, rules.Count, spec.Has("rules"), "spec.rules", false, 0, 16);
        foreach (var (i, rule) in rules)
        {
            var p = $"spec.rules[{i}]";
            Schema.Items(errs, rule.Count("matches"), rule.Has("matches"), p + ".matches", false, 0, 64);
            foreach (var (j, m) in rule.Items("matches"))
            {
                var mp = $"{p}.matches[{j}]";
                if (m.Obj("path") is { } path) ValidatePathMatch(errs, path, mp + ".path");
                Schema.Enum(errs, m.Str("method"), mp + ".method", "GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH");
                foreach (var (k, h) in m.Items("headers"))
                {
                    Schema.String(errs, h.Str("name"), $"{mp}.headers[{k}].name", true, 1, 256, "^[A-Za-z0-9!#$%&'*+\\-.^_\\x60|~]+$");
                    Schema.String(errs, h.Str("value"), $"{mp}.headers[{k}].value", true, 1, 4096);
                    Schema.Enum(errs, h.Str("type"), $"{mp}.headers[{k}].type", "Exact", "RegularExpression");
                }
            }
            BackendRefs(errs, rule, p);
        }
    });

    public static readonly IObjectValidator GrpcRoute = new KindValidator(true, NameRule.Dns1123Subdomain, (errs, r) =>
    {
        var spec = r.Obj("spec");
        if (spec is null) { errs.Add(Errs.Required("spec")); return; }
        Common(errs, spec);
        var rules = spec.Items("rules").ToList();
        Schema.Items(errs, rules.Count, spec.Has("rules"), "spec.rules", false, 0, 16);
        foreach (var (i, rule) in rules)
        {
            var p = $"spec.rules[{i}]";
            Schema.Items(errs, rule.Count("matches"), rule.Has("matches"), p + ".matches", false, 0, 64);
            foreach (var (j, m) in rule.Items("matches"))
            {
                if (m.Obj("method") is not { } method) continue;
                var mp = $"{p}.matches[{j}].method";
                var type = method.Str("type") ?? "Exact";
                Schema.Enum(errs, method.Str("type"), mp + ".type", "Exact", "RegularExpression");
                Schema.String(errs, method.Str("service"), mp + ".service", false, 0, 1024);
                Schema.String(errs, method.Str("method"), mp + ".method", false, 0, 1024);
                if (!method.Has("service") && !method.Has("method"))
                    errs.Add(Schema.Cel(mp, "object", "One or both of 'service' or 'method' must be specified"));
                if (type == "Exact" && method.Str("service") is { } svc && !System.Text.RegularExpressions.Regex.IsMatch(svc, @"^(?:[A-Za-z_][A-Za-z_0-9]*\.)*[A-Za-z_][A-Za-z_0-9]*$"))
                    errs.Add(Schema.Cel(mp, "object", "service must only contain valid characters (matching ^(?i)\\.?[a-z_][a-z_0-9]*(\\.[a-z_][a-z_0-9]*)*$)"));
                if (type == "Exact" && method.Str("method") is { } mm && !System.Text.RegularExpressions.Regex.IsMatch(mm, "^[A-Za-z_][A-Za-z_0-9]*$"))
                    errs.Add(Schema.Cel(mp, "object", "method must only contain valid characters (matching ^[A-Za-z_][A-Za-z_0-9]*$)"));
            }
            BackendRefs(errs, rule, p);
        }
    });

    internal static void Common(List<FieldError> errs, JsonObject spec)
    {
        var parents = spec.Items("parentRefs").ToList();
        Schema.Items(errs, parents.Count, spec.Has("parentRefs"), "spec.parentRefs", false, 0, 32);
        foreach (var (i, parent) in parents)
        {
            var p = $"spec.parentRefs[{i}]";
            Schema.String(errs, parent.Str("name"), p + ".name", true, 1, 253);
            Schema.String(errs, parent.Str("group"), p + ".group", false, 0, 253, Schema.GroupPattern);
            Schema.String(errs, parent.Str("kind"), p + ".kind", false, 1, 63, Schema.KindPattern);
            Schema.String(errs, parent.Str("namespace"), p + ".namespace", false, 1, 63, Schema.NamespacePattern);
            Schema.String(errs, parent.Str("sectionName"), p + ".sectionName", false, 1, 253, Schema.SectionNamePattern);
            Schema.Range(errs, parent.Int("port"), p + ".port", false, 1, 65535);
        }
        var hostnames = spec.Strings("hostnames");
        Schema.Items(errs, hostnames.Count, spec.Has("hostnames"), "spec.hostnames", false, 0, 16);
        for (var i = 0; i < hostnames.Count; i++)
            Schema.String(errs, hostnames[i], $"spec.hostnames[{i}]", true, 1, 253, Schema.HostnamePattern);
    }

    static void ValidatePathMatch(List<FieldError> errs, JsonObject path, string p)
    {
        var type = path.Str("type") ?? "PathPrefix";
        var value = path.Str("value") ?? "/";
        Schema.Enum(errs, path.Str("type"), p + ".type", "Exact", "PathPrefix", "RegularExpression");
        Schema.String(errs, path.Str("value"), p + ".value", false, 0, 1024);
        if (type is not ("Exact" or "PathPrefix")) return;
        if (!value.StartsWith('/')) errs.Add(Schema.Cel(p, "object", $"value must be an absolute path and start with '/' {ExactOrPrefix}"));
        foreach (var seq in new[] { "//", "/./", "/../", "%2f", "%2F", "#" })
            if (value.Contains(seq, StringComparison.Ordinal)) errs.Add(Schema.Cel(p, "object", $"must not contain '{seq}' {ExactOrPrefix}"));
        foreach (var suffix in new[] { "/..", "/." })
            if (value.EndsWith(suffix, StringComparison.Ordinal)) errs.Add(Schema.Cel(p, "object", $"must not end with '{suffix}' {ExactOrPrefix}"));
        if (!System.Text.RegularExpressions.Regex.IsMatch(value, "^(?:[-A-Za-z0-9/._~!$&'()*+,;=:@]|[%][0-9a-fA-F]{2})+$"))
            errs.Add(Schema.Cel(p, "object", $"must only contain valid characters (matching ^(?:[-A-Za-z0-9/._~!$&'()*+,;=:@]|[%][0-9a-fA-F]{{2}})+$) for types ['Exact', 'PathPrefix']"));
    }

    internal static void BackendRefs(List<FieldError> errs, JsonObject rule, string p)
    {
        Schema.Items(errs, rule.Count("backendRefs"), rule.Has("backendRefs"), p + ".backendRefs", false, 0, 16);
        foreach (var (i, b) in rule.Items("backendRefs"))
        {
            var bp = $"{p}.backendRefs[{i}]";
            Schema.String(errs, b.Str("name"), bp + ".name", true, 1, 253);
            Schema.String(errs, b.Str("group"), bp + ".group", false, 0, 253, Schema.GroupPattern);
            Schema.String(errs, b.Str("kind"), bp + ".kind", false, 1, 63, Schema.KindPattern);
            Schema.String(errs, b.Str("namespace"), bp + ".namespace", false, 1, 63, Schema.NamespacePattern);
            Schema.Range(errs, b.Int("port"), bp + ".port", false, 1, 65535);
            Schema.Range(errs, b.Int("weight"), bp + ".weight", false, 0, 1000000);
            if ((b.Str("group") ?? "").Length == 0 && (b.Str("kind") ?? "Service") == "Service" && !b.Has("port"))
                errs.Add(Schema.Cel(bp, "object", "Must have port for Service reference"));
        }
    }
}
