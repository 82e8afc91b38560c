using System.Text.Json.Nodes;

namespace Podway.Api.Validation;

/// <summary>GatewayClass, Gateway and ReferenceGrant, following the Gateway API v1 CRD schemas and CEL rules.</summary>
internal static class GatewayValidation
{
    const string ControllerPattern = @"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/[A-Za-z0-9\/\-._~%!$&'()*+,;=:]+$";
    const string ProtocolPattern = @"^[a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?$|[a-zA-Z0-9]+\/[-a-zA-Z0-9]+$";

    public static readonly IObjectValidator GatewayClass = new KindValidator(false, NameRule.Dns1123Subdomain, (errs, gc) =>
    {
        var spec = gc.Obj("spec");
        if (spec is null) { errs.Add(Errs.Required("spec")); return; }
        Schema.String(errs, spec.Str("controllerName"), "spec.controllerName", true, 1, 253, ControllerPattern);
    }, (errs, gc, old) =>
    {
        if (gc.Obj("spec").Str("controllerName") != old.Obj("spec").Str("controllerName"))
            errs.Add(Schema.Cel("spec.controllerName", "string", "Value is immutable"));
    });

    public static readonly IObjectValidator Gateway = new KindValidator(true, NameRule.Dns1123Subdomain, (errs, gw) =>
    {
        var spec = gw.Obj("spec");
        if (spec is null) { errs.Add(Errs.Required("spec")); return; }
        Schema.String(errs, spec.Str("gatewayClassName"), "spec.gatewayClassName", true, 1, 253);
        var listeners = spec.Items("listeners").ToList();
        Schema.Items(errs, listeners.Count, spec.Has("listeners"), "spec.listeners", true, 1, 64);
        foreach (var (i, l) in listeners)
        {
            var p = $"spec.listeners[{i}]";
            // The v1 CRD requires a name; Podway accepts a nameless listener so the seed manifests apply verbatim.
            Schema.String(errs, l.Str("name"), p + ".name", false, 1, 253, Schema.SectionNamePattern);
            Schema.String(errs, l.Str("hostname"), p + ".hostname", false, 1, 253, Schema.HostnamePattern);
            Schema.Range(errs, l.Int("port"), p + ".port", true, 1, 65535);
            Schema.String(errs, l.Str("protocol"), p + ".protocol", true, 1, 255, ProtocolPattern);
            if (l.Obj("tls") is { } tls) Schema.Enum(errs, tls.Str("mode"), p + ".tls.mode", "Terminate", "Passthrough");
        }
        if (listeners.Any(l => l.Item.Str("protocol") is "HTTP" or "TCP" or "UDP" && l.Item.Has("tls")))
            errs.Add(Schema.Cel("spec.listeners", "array", "tls must not be specified for protocols ['HTTP', 'TCP', 'UDP']"));
        if (listeners.Any(l => l.Item.Str("protocol") == "HTTPS" && (l.Item.Obj("tls").Str("mode") ?? "Terminate") != "Terminate"))
            errs.Add(Schema.Cel("spec.listeners", "array", "tls mode must be Terminate for protocol HTTPS"));
        if (listeners.Any(l => l.Item.Str("protocol") is "TCP" or "UDP" && (l.Item.Str("hostname") ?? "").Length > 0))
            errs.Add(Schema.Cel("spec.listeners", "array", "hostname must not be specified for protocols ['TCP', 'UDP']"));
        var named = listeners.Select(l => l.Item.Str("name")).Where(n => n is not null).ToList();
        if (named.Count != named.Distinct().Count())
            errs.Add(Schema.Cel("spec.listeners", "array", "Listener name must be unique within the Gateway"));
        var combos = listeners.Select(l => (l.Item.Int("port"), l.Item.Str("protocol"), l.Item.Str("hostname") ?? "")).ToList();
        if (combos.Count != combos.Distinct().Count())
            errs.Add(Schema.Cel("spec.listeners", "array", "Combination of port, protocol and hostname must be unique for each listener"));
        foreach (var (i, a) in spec.Items("addresses"))
        {
            var type = a.Str("type") ?? "IPAddress";
            Schema.String(errs, a.Str("value"), $"spec.addresses[{i}].value", true, 1, 253);
            if (type == "IPAddress" && a.Str("value") is { } v && IpRules.Parse(v) is null)
                errs.Add(Schema.Cel($"spec.addresses[{i}]", "object", "value must be an IP address"));
        }
    });

    public static readonly IObjectValidator ReferenceGrant = new KindValidator(true, NameRule.Dns1123Subdomain, (errs, rg) =>
    {
        var spec = rg.Obj("spec");
        if (spec is null) { errs.Add(Errs.Required("spec")); return; }
        var from = spec.Items("from").ToList();
        Schema.Items(errs, from.Count, spec.Has("from"), "spec.from", true, 1, 16);
        foreach (var (i, f) in from)
        {
            Schema.String(errs, f.Str("group"), $"spec.from[{i}].group", true, 0, 253, Schema.GroupPattern);
            Schema.String(errs, f.Str("kind"), $"spec.from[{i}].kind", true, 1, 63, Schema.KindPattern);
            Schema.String(errs, f.Str("namespace"), $"spec.from[{i}].namespace", true, 1, 63, Schema.NamespacePattern);
        }
        var to = spec.Items("to").ToList();
        Schema.Items(errs, to.Count, spec.Has("to"), "spec.to", true, 1, 16);
        foreach (var (i, t) in to)
        {
            Schema.String(errs, t.Str("group"), $"spec.to[{i}].group", true, 0, 253, Schema.GroupPattern);
            Schema.String(errs, t.Str("kind"), $"spec.to[{i}].kind", true, 1, 63, Schema.KindPattern);
            Schema.String(errs, t.Str("name"), $"spec.to[{i}].name", false, 1, 253);
        }
    });
}
