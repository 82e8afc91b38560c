using System.Text.Json.Nodes;

namespace Podway.Api.Validation;

/// <summary>networking.k8s.io/v1 Ingress and IngressClass, after pkg/apis/networking/validation.</summary>
internal static class IngressValidation
{
    static readonly string[] PathTypes = ["Exact", "ImplementationSpecific", "Prefix"];
    static readonly string[] InvalidPathSequences = ["//", "/./", "/../", "%2f", "%2F"];
    static readonly string[] InvalidPathSuffixes = ["/..", "/."];

    public static readonly IObjectValidator Ingress = new KindValidator(true, NameRule.Dns1123Subdomain, (errs, ing) => ValidateSpec(errs, ing.Obj("spec")));

    public static readonly IObjectValidator IngressClass = new KindValidator(false, NameRule.Dns1123Subdomain, (errs, ic) =>
    {
        var spec = ic.Obj("spec");
        var controller = spec.Str("controller") ?? "";
        if (controller.Length > 250) errs.Add(Errs.TooLong("spec.controller", 250));
        NameRules.DomainPrefixedPath(errs, "spec.controller", controller);
        if (spec.Obj("parameters") is { } p)
        {
            if ((p.Str("kind") ?? "").Length == 0) errs.Add(Errs.Required("spec.parameters.kind", "kind is required"));
            if ((p.Str("name") ?? "").Length == 0) errs.Add(Errs.Required("spec.parameters.name", "name is required"));
            var scope = p.Str("scope") ?? "Cluster";
            if (scope is not ("Cluster" or "Namespace")) errs.Add(Errs.NotSupported("spec.parameters.scope", scope, ["Cluster", "Namespace"]));
            if (scope == "Namespace" && (p.Str("namespace") ?? "").Length == 0)
                errs.Add(Errs.Required("spec.parameters.namespace", "`parameters.scope` is set to 'Namespace'"));
            if (scope == "Cluster" && p.Has("namespace"))
                errs.Add(Errs.Forbidden("spec.parameters.namespace", "`parameters.scope` is set to 'Cluster'"));
        }
    }, (errs, ic, old) =>
    {
        var now = ic.Obj("spec").Str("controller") ?? "";
        if (now != (old.Obj("spec").Str("controller") ?? "")) errs.Add(Errs.Invalid("spec.controller", now, ObjectMetaValidation.FieldImmutable));
    });

    static void ValidateSpec(List<FieldError> errs, JsonObject? spec)
    {
        var rules = spec.Items("rules").ToList();
        if (rules.Count == 0 && !spec.Has("defaultBackend"))
            errs.Add(Errs.Invalid("spec", new GoRaw("[]networking.IngressRule(nil)"), "either `defaultBackend` or `rules` must be specified"));
        if (spec.Obj("defaultBackend") is { } db) ValidateBackend(errs, db, "spec.defaultBackend");
        foreach (var (i, rule) in rules)
        {
            var p = $"spec.rules[{i}]";
            if (rule.Str("host") is { Length: > 0 } host)
            {
                if (IpRules.Parse(host) is not null) errs.Add(Errs.Invalid(p + ".host", host, "must be a DNS name, not an IP address"));
                var msgs = host.Contains('*') ? NameRules.WildcardDns1123SubdomainErrors(host) : NameRules.Dns1123SubdomainErrors(host);
                foreach (var m in msgs) errs.Add(Errs.Invalid(p + ".host", host, m));
            }
            if (rule.Obj("http") is { } http)
            {
                var paths = http.Items("paths").ToList();
                if (paths.Count == 0) errs.Add(Errs.Required(p + ".http.paths"));
                foreach (var (j, path) in paths) ValidatePath(errs, path, $"{p}.http.paths[{j}]");
            }
        }
        foreach (var (i, tls) in spec.Items("tls"))
        {
            var hosts = tls.Strings("hosts");
            for (var j = 0; j < hosts.Count; j++)
            {
                var msgs = hosts[j].Contains('*') ? NameRules.WildcardDns1123SubdomainErrors(hosts[j]) : NameRules.Dns1123SubdomainErrors(hosts[j]);
                foreach (var m in msgs) errs.Add(Errs.Invalid($"spec.tls[{i}].hosts[{j}]", hosts[j], m));
            }
            if (tls.Str("secretName") is { Length: > 0 } secret)
                foreach (var m in NameRules.Dns1123SubdomainErrors(secret)) errs.Add(Errs.Invalid($"spec.tls[{i}].secretName", secret, m));
        }
        if (spec.Str("ingressClassName") is { } cls)
            foreach (var m in NameRules.Dns1123SubdomainErrors(cls)) errs.Add(Errs.Invalid("spec.ingressClassName", cls, m));
    }

    static void ValidatePath(List<FieldError> errs, JsonObject path, string p)
    {
        var pathType = path.Str("pathType");
        if (pathType is null) { errs.Add(Errs.Required(p + ".pathType", "pathType must be specified")); return; }
        var value = path.Str("path") ?? "";
        switch (pathType)
        {
            case "Exact" or "Prefix":
                if (!value.StartsWith('/')) errs.Add(Errs.Invalid(p + ".path", value, "must be an absolute path"));
                if (value.Length > 0)
                {
                    foreach (var seq in InvalidPathSequences)
                        if (value.Contains(seq, StringComparison.Ordinal)) errs.Add(Errs.Invalid(p + ".path", value, $"must not contain '{seq}'"));
                    foreach (var suffix in InvalidPathSuffixes)
                        if (value.EndsWith(suffix, StringComparison.Ordinal)) errs.Add(Errs.Invalid(p + ".path", value, $"cannot end with '{suffix}'"));
                }
                break;
            case "ImplementationSpecific":
                if (value.Length > 0 && !value.StartsWith('/')) errs.Add(Errs.Invalid(p + ".path", value, "must be an absolute path"));
                break;
            default:
                errs.Add(Errs.NotSupported(p + ".pathType", pathType, PathTypes));
                break;
        }
        ValidateBackend(errs, path.Obj("backend"), p + ".backend");
    }

    static void ValidateBackend(List<FieldError> errs, JsonObject? backend, string p)
    {
        var resource = backend.Obj("resource");
        var service = backend.Obj("service");
        if (resource is not null && service is not null) { errs.Add(Errs.Invalid(p, "", "cannot set both resource and service backends")); return; }
        if (resource is not null)
        {
            if (resource.Str("apiGroup") is { } group)
                foreach (var m in NameRules.Dns1123SubdomainErrors(group)) errs.Add(Errs.Invalid(p + ".resource.apiGroup", group, m));
            foreach (var field in new[] { "kind", "name" })
            {
                var v = resource.Str(field) ?? "";
                if (v.Length == 0) errs.Add(Errs.Required($"{p}.resource.{field}", $"{field} is required"));
                else foreach (var m in NameRuleChecks.Check(NameRule.PathSegment, v, false)) errs.Add(Errs.Invalid($"{p}.resource.{field}", v, m));
            }
            return;
        }
        if (service is null) { errs.Add(Errs.Invalid(p, "", "resource or service backend is required")); return; }
        var name = service.Str("name") ?? "";
        if (name.Length == 0) errs.Add(Errs.Required(p + ".service.name"));
        else foreach (var m in NameRules.Dns1035LabelErrors(name)) errs.Add(Errs.Invalid(p + ".service.name", name, m));
        var portName = service.Obj("port").Str("name") ?? "";
        var portNumber = service.Obj("port").Int("number") ?? 0;
        if (portName.Length > 0 && portNumber != 0) errs.Add(Errs.Invalid(p, "", "cannot set both port name & port number"));
        else if (portName.Length > 0) foreach (var m in NameRules.PortNameErrors(portName)) errs.Add(Errs.Invalid(p + ".service.port.name", portName, m));
        else if (portNumber != 0) foreach (var m in NameRules.PortNumErrors(portNumber)) errs.Add(Errs.Invalid(p + ".service.port.number", portNumber, m));
        else errs.Add(Errs.Required(p, "port name or number is required"));
    }
}
