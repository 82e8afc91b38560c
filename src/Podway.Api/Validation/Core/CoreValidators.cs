using System.Text.Json.Nodes;

namespace Podway.Api.Validation;

/// <summary>The smaller core/v1 kinds: Namespace, Node, Endpoints, Secret, ConfigMap, ServiceAccount.</summary>
internal static class CoreValidators
{
    const int MaxSecretSize = 1024 * 1024;

    public static readonly IObjectValidator Namespace = new KindValidator(false, NameRule.Dns1123Label, (errs, ns) =>
    {
        foreach (var (f, i) in ns.Obj("spec").Strings("finalizers").Select((f, i) => (f, i)))
        {
            var msgs = LabelRules.QualifiedNameErrors(f);
            foreach (var m in msgs) errs.Add(Errs.Invalid("spec.finalizers", f, m));
            if (msgs.Count == 0 && f != "kubernetes" && !f.Contains('/'))
                errs.Add(Errs.Invalid("spec.finalizers", f, "name is neither a standard finalizer name nor is it fully qualified"));
        }
    });

    public static readonly IObjectValidator Node = new KindValidator(false, NameRule.Dns1123Subdomain, (errs, node) =>
    {
        var spec = node.Obj("spec");
        if (spec.Str("podCIDR") is { Length: > 0 } cidr) IpRules.ValidCidr(errs, "spec.podCIDR", cidr);
        foreach (var (c, i) in spec.Strings("podCIDRs").Select((c, i) => (c, i))) IpRules.ValidCidr(errs, $"spec.podCIDRs[{i}]", c);
        foreach (var (i, taint) in spec.Items("taints"))
        {
            var key = taint.Str("key") ?? "";
            if (key.Length == 0) errs.Add(Errs.Required($"spec.taints[{i}].key"));
            else LabelRules.ValidateLabelName(errs, key, $"spec.taints[{i}].key");
            var effect = taint.Str("effect") ?? "";
            if (effect.Length == 0) errs.Add(Errs.Required($"spec.taints[{i}].effect"));
            else if (effect is not ("NoSchedule" or "PreferNoSchedule" or "NoExecute"))
                errs.Add(Errs.NotSupported($"spec.taints[{i}].effect", effect, ["NoSchedule", "PreferNoSchedule", "NoExecute"]));
        }
    });

    public static readonly IObjectValidator ServiceAccount = new KindValidator(true, NameRule.Dns1123Subdomain);

    public static readonly IObjectValidator Endpoints = new KindValidator(true, NameRule.Dns1123Subdomain, (errs, ep) =>
    {
        foreach (var (i, subset) in ep.Items("subsets"))
        {
            var p = $"subsets[{i}]";
            if (subset.Count("addresses") == 0 && subset.Count("notReadyAddresses") == 0)
                errs.Add(Errs.Required(p, "must specify `addresses` or `notReadyAddresses`"));
            foreach (var list in new[] { "addresses", "notReadyAddresses" })
                foreach (var (j, addr) in subset.Items(list))
                {
                    var ap = $"{p}.{list}[{j}]";
                    var ip = addr.Str("ip") ?? "";
                    if (IpRules.Parse(ip) is null) IpRules.ValidIP(errs, ap + ".ip", ip);
                    else IpRules.NonSpecialIP(errs, ap + ".ip", ip);
                    if (addr.Str("hostname") is { Length: > 0 } host) PodSpecValidation.Dns1123Label(errs, host, ap + ".hostname");
                    if (addr.Str("nodeName") is { } node)
                        foreach (var m in NameRules.Dns1123SubdomainErrors(node)) errs.Add(Errs.Invalid(ap + ".nodeName", node, m));
                }
            var ports = subset.Items("ports").ToList();
            foreach (var (j, port) in ports)
            {
                var pp = $"{p}.ports[{j}]";
                var name = port.Str("name") ?? "";
                if (ports.Count > 1 && name.Length == 0) errs.Add(Errs.Required(pp + ".name"));
                else if (name.Length != 0) PodSpecValidation.Dns1123Label(errs, name, pp + ".name");
                var number = port.Int("port") ?? 0;
                foreach (var m in NameRules.PortNumErrors(number)) errs.Add(Errs.Invalid(pp + ".port", number, m));
                PodSpecValidation.Protocol(errs, port, pp + ".protocol");
            }
        }
    });

    public static readonly IObjectValidator Secret = new KindValidator(true, NameRule.Dns1123Subdomain, ValidateSecret, (errs, secret, old) =>
    {
        var type = secret.Str("type") ?? "Opaque";
        if (type != (old.Str("type") ?? "Opaque")) errs.Add(Errs.Invalid("type", type, ObjectMetaValidation.FieldImmutable));
        ImmutableData(errs, secret, old, "data");
    });

    public static readonly IObjectValidator ConfigMap = new KindValidator(true, NameRule.Dns1123Subdomain, ValidateConfigMap, (errs, cm, old) =>
    {
        ImmutableData(errs, cm, old, "data", "binaryData");
    });

    static void ValidateSecret(List<FieldError> errs, JsonObject secret)
    {
        // stringData is merged into data before validation; values are base64 in data.
        var keys = new SortedSet<string>(StringComparer.Ordinal);
        long size = 0;
        foreach (var (k, v) in secret.StringMap("data") ?? []) { keys.Add(k); size += v.TrimEnd('=').Length * 3 / 4; }
        foreach (var (k, v) in secret.StringMap("stringData") ?? []) { keys.Add(k); size += System.Text.Encoding.UTF8.GetByteCount(v); }
        foreach (var k in keys)
            foreach (var m in NameRules.ConfigMapKeyErrors(k)) errs.Add(Errs.Invalid($"data[{k}]", k, m));
        if (size > MaxSecretSize) errs.Add(Errs.TooLong("data", MaxSecretSize));

        switch (secret.Str("type"))
        {
            case "kubernetes.io/service-account-token":
                if ((secret.Obj("metadata").Obj("annotations").Str("kubernetes.io/service-account.name") ?? "").Length == 0)
                    errs.Add(Errs.Required("metadata.annotations[kubernetes.io/service-account.name]"));
                break;
            case "kubernetes.io/dockercfg":
                if (!keys.Contains(".dockercfg")) errs.Add(Errs.Required("data[.dockercfg]"));
                break;
            case "kubernetes.io/dockerconfigjson":
                if (!keys.Contains(".dockerconfigjson")) errs.Add(Errs.Required("data[.dockerconfigjson]"));
                break;
            case "kubernetes.io/basic-auth":
                if (!keys.Contains("username") && !keys.Contains("password"))
                {
                    errs.Add(Errs.Required("data[username]"));
                    errs.Add(Errs.Required("data[password]"));
                }
                break;
            case "kubernetes.io/ssh-auth":
                if (!keys.Contains("ssh-privatekey")) errs.Add(Errs.Required("data[ssh-privatekey]"));
                break;
            case "kubernetes.io/tls":
                if (!keys.Contains("tls.crt")) errs.Add(Errs.Required("data[tls.crt]"));
                if (!keys.Contains("tls.key")) errs.Add(Errs.Required("data[tls.key]"));
                break;
        }
    }

    static void ValidateConfigMap(List<FieldError> errs, JsonObject cm)
    {
        var data = cm.StringMap("data") ?? [];
        var binary = cm.StringMap("binaryData") ?? [];
        long size = 0;
        foreach (var (k, v) in data)
        {
            foreach (var m in NameRules.ConfigMapKeyErrors(k)) errs.Add(Errs.Invalid($"data[{k}]", k, m));
            if (binary.Any(b => b.Key == k)) errs.Add(Errs.Invalid($"data[{k}]", k, "duplicate of key present in binaryData"));
            size += System.Text.Encoding.UTF8.GetByteCount(v);
        }
        foreach (var (k, v) in binary)
        {
            foreach (var m in NameRules.ConfigMapKeyErrors(k)) errs.Add(Errs.Invalid($"binaryData[{k}]", k, m));
            if (data.Any(d => d.Key == k)) errs.Add(Errs.Invalid($"binaryData[{k}]", k, "duplicate of key present in data"));
            size += v.TrimEnd('=').Length * 3 / 4;
        }
        if (size > MaxSecretSize) errs.Add(Errs.TooLong("", MaxSecretSize));
    }

    /// <summary>Once `immutable: true`, the flag and the data may not change.</summary>
    static void ImmutableData(List<FieldError> errs, JsonObject obj, JsonObject old, params string[] fields)
    {
        if (old.Bool("immutable") != true) return;
        if (obj.Bool("immutable") != true) errs.Add(Errs.Forbidden("immutable", "field is immutable when `immutable` is set"));
        foreach (var f in fields)
            if (obj[f]?.ToJsonString() != old[f]?.ToJsonString()) errs.Add(Errs.Forbidden(f, "field is immutable when `immutable` is set"));
    }
}
