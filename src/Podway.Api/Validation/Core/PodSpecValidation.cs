using System.Text.Json.Nodes;

namespace Podway.Api.Validation;

/// <summary>core/v1 PodSpec and PodTemplateSpec, after pkg/apis/core/validation ValidatePodSpec.</summary>
internal static class PodSpecValidation
{
    static readonly string[] Protocols = ["SCTP", "TCP", "UDP"];
    static readonly string[] RestartPolicies = ["Always", "OnFailure", "Never"];
    static readonly string[] DnsPolicies = ["ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"];
    internal static readonly string[] PullPolicies = ["Always", "IfNotPresent", "Never"];
    internal static readonly string[] TerminationMessagePolicies = ["File", "FallbackToLogsOnError"];
    static readonly string[] HttpSchemes = ["HTTP", "HTTPS"];
    static readonly string[] StandardContainerResources = ["cpu", "memory", "ephemeral-storage"];
    static readonly string[] VolumeSources =
    [
        "hostPath", "emptyDir", "gcePersistentDisk", "awsElasticBlockStore", "gitRepo", "secret", "nfs", "iscsi", "glusterfs",
        "persistentVolumeClaim", "rbd", "flexVolume", "cinder", "cephfs", "flocker", "downwardAPI", "fc", "azureFile",
        "configMap", "vsphereVolume", "quobyte", "azureDisk", "photonPersistentDisk", "projected", "portworxVolume",
        "scaleIO", "storageos", "csi", "ephemeral", "image",
    ];

    /// <summary>ValidatePodTemplateSpec: template labels/annotations, then the pod spec under path.spec.</summary>
    public static void ValidateTemplate(List<FieldError> errs, JsonObject? template, string path)
    {
        var meta = template.Obj("metadata");
        LabelRules.ValidateLabels(errs, meta.StringMap("labels"), path + ".metadata.labels");
        ObjectMetaValidation.ValidateAnnotations(errs, meta.StringMap("annotations"), path + ".metadata.annotations");
        ValidateSpec(errs, template.Obj("spec"), path + ".spec");
        if (template.Obj("spec").Count("ephemeralContainers") > 0)
            errs.Add(Errs.Forbidden(path + ".spec.ephemeralContainers", "ephemeral containers not allowed in pod template"));
    }

    public static void ValidateSpec(List<FieldError> errs, JsonObject? spec, string path)
    {
        var volumes = ValidateVolumes(errs, spec, path + ".volumes");
        var names = new HashSet<string>();
        ValidateContainers(errs, spec, "initContainers", path, volumes, names, init: true);
        ValidateContainers(errs, spec, "containers", path, volumes, names, init: false);
        EphemeralContainerValidation.ValidateSpec(errs, spec, path, volumes, names);

        Enum(errs, spec.Str("restartPolicy"), path + ".restartPolicy", RestartPolicies);
        Enum(errs, spec.Str("dnsPolicy"), path + ".dnsPolicy", DnsPolicies);
        if (spec.Str("dnsPolicy") == "None" && !spec.Has("dnsConfig"))
            errs.Add(Errs.Required(path + ".dnsConfig", "must provide `dnsConfig` when `dnsPolicy` is None"));

        Errs.NonNegative(errs, spec.Int("terminationGracePeriodSeconds"), path + ".terminationGracePeriodSeconds");
        if (spec.Int("activeDeadlineSeconds") is { } ads && (ads < 1 || ads > int.MaxValue))
            errs.Add(Errs.Invalid(path + ".activeDeadlineSeconds", ads, NameRules.InclusiveRangeError(1, int.MaxValue)));

        foreach (var field in new[] { "hostname", "subdomain" })
            if (spec.Str(field) is { Length: > 0 } v) Dns1123Label(errs, v, $"{path}.{field}");
        if (spec.Str("serviceAccountName") is { Length: > 0 } sa)
            foreach (var m in NameRules.Dns1123SubdomainErrors(sa)) errs.Add(Errs.Invalid(path + ".serviceAccountName", sa, m));
        if (spec.Str("nodeName") is { Length: > 0 } node)
            foreach (var m in NameRules.Dns1123SubdomainErrors(node)) errs.Add(Errs.Invalid(path + ".nodeName", node, m));
        LabelRules.ValidateLabels(errs, spec.StringMap("nodeSelector"), path + ".nodeSelector");
        ValidateTolerations(errs, spec, path + ".tolerations");
    }

    static void ValidateContainers(List<FieldError> errs, JsonObject? spec, string field, string specPath, HashSet<string> volumes, HashSet<string> names, bool init)
    {
        var path = $"{specPath}.{field}";
        if (!init && spec.Count("containers") == 0) errs.Add(Errs.Required(path));
        foreach (var (i, c) in spec.Items(field))
        {
            var p = $"{path}[{i}]";
            var name = c.Str("name") ?? "";
            Dns1123Label(errs, name, p + ".name");
            if (name.Length > 0 && !names.Add(name)) errs.Add(Errs.Duplicate(p + ".name", name));

            var image = c.Str("image") ?? "";
            if (image.Length == 0) errs.Add(Errs.Required(p + ".image"));
            else if (image.Trim().Length != image.Length) errs.Add(Errs.Invalid(p + ".image", image, "must not have leading or trailing whitespace"));

            ValidatePorts(errs, c, p + ".ports");
            ValidateEnv(errs, c, p + ".env");
            ValidateVolumeMounts(errs, c, p + ".volumeMounts", volumes);
            ValidateResources(errs, c.Obj("resources"), p + ".resources");
            Enum(errs, c.Str("imagePullPolicy"), p + ".imagePullPolicy", PullPolicies);
            Enum(errs, c.Str("terminationMessagePolicy"), p + ".terminationMessagePolicy", TerminationMessagePolicies);

            if (init)
            {
                // Only restartable (sidecar) init containers may carry probes.
                var sidecar = c.Str("restartPolicy") == "Always";
                foreach (var probe in new[] { "livenessProbe", "readinessProbe", "startupProbe" })
                    if (c.Has(probe) && !sidecar) errs.Add(Errs.Forbidden($"{p}.{probe}", "may not be set for init containers without restartPolicy=Always"));
                if (c.Str("restartPolicy") is { } rp && rp != "Always") errs.Add(Errs.NotSupported(p + ".restartPolicy", rp, ["Always"]));
            }
            else if (c.Str("restartPolicy") is not null)
                errs.Add(Errs.Forbidden(p + ".restartPolicy", "may not be set for non-init containers"));

            foreach (var probe in new[] { "livenessProbe", "readinessProbe", "startupProbe" })
                ValidateProbe(errs, c.Obj(probe), $"{p}.{probe}");
            foreach (var probe in new[] { "livenessProbe", "startupProbe" })
                if (c.Obj(probe).Int("successThreshold") is { } st && st != 1)
                    errs.Add(Errs.Invalid($"{p}.{probe}.successThreshold", st, "must be 1"));
            foreach (var hook in new[] { "postStart", "preStop" })
                if (c.Obj("lifecycle").Obj(hook) is { } h) ValidateHandler(errs, h, $"{p}.lifecycle.{hook}", allowGrpc: false);
        }
    }

    static void ValidatePorts(List<FieldError> errs, JsonObject c, string path)
    {
        var names = new HashSet<string>();
        foreach (var (i, port) in c.Items("ports"))
        {
            var p = $"{path}[{i}]";
            if (port.Str("name") is { Length: > 0 } name)
            {
                var msgs = NameRules.PortNameErrors(name);
                foreach (var m in msgs) errs.Add(Errs.Invalid(p + ".name", name, m));
                if (msgs.Count == 0 && !names.Add(name)) errs.Add(Errs.Duplicate(p + ".name", name));
            }
            var containerPort = port.Int("containerPort") ?? 0;
            if (containerPort == 0) errs.Add(Errs.Required(p + ".containerPort"));
            else foreach (var m in NameRules.PortNumErrors(containerPort)) errs.Add(Errs.Invalid(p + ".containerPort", containerPort, m));
            if (port.Int("hostPort") is { } hostPort and not 0)
                foreach (var m in NameRules.PortNumErrors(hostPort)) errs.Add(Errs.Invalid(p + ".hostPort", hostPort, m));
            Protocol(errs, port, p + ".protocol");
        }
    }

    /// <summary>Protocol TCP/UDP/SCTP; a missing protocol is read as the TCP default.</summary>
    public static void Protocol(List<FieldError> errs, JsonObject port, string path)
    {
        var protocol = port.Str("protocol");
        if (protocol is null) return;
        if (protocol.Length == 0) errs.Add(Errs.Required(path));
        else if (!Protocols.Contains(protocol)) errs.Add(Errs.NotSupported(path, protocol, Protocols));
    }

    internal static void ValidateEnv(List<FieldError> errs, JsonObject c, string path)
    {
        foreach (var (i, env) in c.Items("env"))
        {
            var p = $"{path}[{i}]";
            var name = env.Str("name") ?? "";
            if (name.Length == 0) errs.Add(Errs.Required(p + ".name"));
            else foreach (var m in NameRules.EnvVarNameErrors(name)) errs.Add(Errs.Invalid(p + ".name", name, m));
            if (env.Obj("valueFrom") is { } from)
            {
                if ((env.Str("value") ?? "").Length != 0)
                    errs.Add(Errs.Invalid(p + ".valueFrom", "", "may not be specified when `value` is not empty"));
                var sources = new[] { "fieldRef", "resourceFieldRef", "configMapKeyRef", "secretKeyRef" }.Count(from.Has);
                if (sources == 0) errs.Add(Errs.Invalid(p + ".valueFrom", "", "must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`"));
                else if (sources > 1) errs.Add(Errs.Invalid(p + ".valueFrom", "", "may not have more than one field specified at a time"));
                foreach (var refName in new[] { "configMapKeyRef", "secretKeyRef" })
                    if (from.Obj(refName) is { } r)
                    {
                        var key = r.Str("key") ?? "";
                        if (key.Length == 0) errs.Add(Errs.Required($"{p}.valueFrom.{refName}.key"));
                        else foreach (var m in NameRules.ConfigMapKeyErrors(key)) errs.Add(Errs.Invalid($"{p}.valueFrom.{refName}.key", key, m));
                    }
                if (from.Obj("fieldRef") is { } fr && (fr.Str("fieldPath") ?? "").Length == 0)
                    errs.Add(Errs.Required(p + ".valueFrom.fieldRef.fieldPath"));
            }
        }
    }

    static HashSet<string> ValidateVolumes(List<FieldError> errs, JsonObject? spec, string path)
    {
        var names = new HashSet<string>();
        foreach (var (i, vol) in spec.Items("volumes"))
        {
            var p = $"{path}[{i}]";
            var name = vol.Str("name") ?? "";
            Dns1123Label(errs, name, p + ".name");
            if (name.Length > 0 && !names.Add(name)) errs.Add(Errs.Duplicate(p + ".name", name));
            var sources = VolumeSources.Where(vol.Has).ToList();
            if (sources.Count == 0) errs.Add(Errs.Required(p, "must specify a volume type"));
            foreach (var extra in sources.Skip(1)) errs.Add(Errs.Forbidden($"{p}.{extra}", "may not specify more than 1 volume type"));
            if (vol.Obj("configMap") is { } cm && (cm.Str("name") ?? "").Length == 0) errs.Add(Errs.Required(p + ".configMap.name"));
            if (vol.Obj("persistentVolumeClaim") is { } pvc && (pvc.Str("claimName") ?? "").Length == 0) errs.Add(Errs.Required(p + ".persistentVolumeClaim.claimName"));
            if (vol.Obj("hostPath") is { } hp && (hp.Str("path") ?? "").Length == 0) errs.Add(Errs.Required(p + ".hostPath.path"));
        }
        return names;
    }

    internal static void ValidateVolumeMounts(List<FieldError> errs, JsonObject c, string path, HashSet<string> volumes)
    {
        var mountPaths = new HashSet<string>();
        foreach (var (i, mount) in c.Items("volumeMounts"))
        {
            var p = $"{path}[{i}]";
            var name = mount.Str("name") ?? "";
            if (name.Length == 0) errs.Add(Errs.Required(p + ".name"));
            else if (!volumes.Contains(name)) errs.Add(Errs.NotFound(p + ".name", name));
            var mountPath = mount.Str("mountPath") ?? "";
            if (mountPath.Length == 0) errs.Add(Errs.Required(p + ".mountPath"));
            else if (!mountPaths.Add(mountPath)) errs.Add(Errs.Invalid(p + ".mountPath", mountPath, "must be unique"));
        }
    }

    static void ValidateResources(List<FieldError> errs, JsonObject? resources, string path)
    {
        var limits = resources.StringMap("limits") ?? [];
        var requests = resources.StringMap("requests") ?? [];
        foreach (var (name, _) in limits) ResourceName(errs, name, $"{path}.limits[{name}]");
        foreach (var (name, value) in requests)
        {
            ResourceName(errs, name, $"{path}.requests[{name}]");
            var limit = limits.FirstOrDefault(l => l.Key == name).Value;
            if (limit is not null && Quantity.Parse(value) is { } q && Quantity.Parse(limit) is { } l && q > l)
                errs.Add(Errs.Invalid($"{path}.requests", value, $"must be less than or equal to {name} limit of {limit}"));
        }
    }

    static void ResourceName(List<FieldError> errs, string name, string path)
    {
        if (StandardContainerResources.Contains(name) || name.StartsWith("hugepages-", StringComparison.Ordinal)) return;
        var msgs = LabelRules.QualifiedNameErrors(name);
        foreach (var m in msgs) errs.Add(Errs.Invalid(path, name, m));
        if (msgs.Count == 0 && (!name.Contains('/') || name.StartsWith("kubernetes.io/", StringComparison.Ordinal)))
            errs.Add(Errs.Invalid(path, name, "must be a standard resource for containers"));
    }

    static void ValidateProbe(List<FieldError> errs, JsonObject? probe, string path)
    {
        if (probe is null) return;
        ValidateHandler(errs, probe, path, allowGrpc: true);
        foreach (var field in new[] { "initialDelaySeconds", "timeoutSeconds", "periodSeconds", "successThreshold", "failureThreshold" })
            Errs.NonNegative(errs, probe.Int(field), $"{path}.{field}");
        if (probe.Int("terminationGracePeriodSeconds") is <= 0 and var g)
            errs.Add(Errs.Invalid(path + ".terminationGracePeriodSeconds", g, "must be greater than 0"));
    }

    static void ValidateHandler(List<FieldError> errs, JsonObject handler, string path, bool allowGrpc)
    {
        string[] kinds = allowGrpc ? ["exec", "httpGet", "tcpSocket", "grpc"] : ["exec", "httpGet", "tcpSocket", "sleep"];
        var present = kinds.Where(handler.Has).ToList();
        if (present.Count == 0) { errs.Add(Errs.Required(path, "must specify a handler type")); return; }
        foreach (var extra in present.Skip(1)) errs.Add(Errs.Forbidden($"{path}.{extra}", "may not specify more than 1 handler type"));

        if (handler.Obj("exec") is { } exec && exec.Count("command") == 0) errs.Add(Errs.Required(path + ".exec.command"));
        if (handler.Obj("httpGet") is { } http)
        {
            if (http.Str("path") is "") errs.Add(Errs.Required(path + ".httpGet.path"));
            PortNumOrName(errs, http["port"], path + ".httpGet.port");
            if (http.Str("scheme") is { } scheme && !HttpSchemes.Contains(scheme)) errs.Add(Errs.NotSupported(path + ".httpGet.scheme", scheme, HttpSchemes));
            foreach (var (i, h) in http.Items("httpHeaders"))
                foreach (var m in NameRules.HttpHeaderNameErrors(h.Str("name") ?? ""))
                    errs.Add(Errs.Invalid($"{path}.httpGet.httpHeaders[{i}].name", h.Str("name") ?? "", m));
        }
        if (handler.Obj("tcpSocket") is { } tcp) PortNumOrName(errs, tcp["port"], path + ".tcpSocket.port");
        if (handler.Obj("grpc") is { } grpc)
            foreach (var m in NameRules.PortNumErrors(grpc.Int("port") ?? 0)) errs.Add(Errs.Invalid(path + ".grpc.port", grpc.Int("port") ?? 0, m));
    }

    /// <summary>ValidatePortNumOrName: a number 1-65535 or an IANA_SVC_NAME.</summary>
    public static void PortNumOrName(List<FieldError> errs, JsonNode? port, string path)
    {
        switch (IntOrString.Read(port))
        {
            case { IsString: true } s:
                foreach (var m in NameRules.PortNameErrors(s.StrVal)) errs.Add(Errs.Invalid(path, s.StrVal, m));
                break;
            case { } n:
                foreach (var m in NameRules.PortNumErrors(n.IntVal)) errs.Add(Errs.Invalid(path, n.IntVal, m));
                break;
            default:
                foreach (var m in NameRules.PortNumErrors(0)) errs.Add(Errs.Invalid(path, 0, m));
                break;
        }
    }

    static void ValidateTolerations(List<FieldError> errs, JsonObject? spec, string path)
    {
        foreach (var (i, t) in spec.Items("tolerations"))
        {
            var p = $"{path}[{i}]";
            var key = t.Str("key") ?? "";
            if (key.Length > 0) LabelRules.ValidateLabelName(errs, key, p + ".key");
            var op = t.Str("operator") ?? "Equal";
            if (key.Length == 0 && op != "Exists")
                errs.Add(Errs.Invalid(p + ".operator", op, "operator must be Exists when `key` is empty, which means \"match all values and all keys\""));
            if (t.Int("tolerationSeconds") is not null && t.Str("effect") != "NoExecute")
                errs.Add(Errs.Invalid(p + ".effect", t.Str("effect") ?? "", "effect must be 'NoExecute' when `tolerationSeconds` is set"));
            switch (op)
            {
                case "Equal":
                    foreach (var m in LabelRules.LabelValueErrors(t.Str("value") ?? "")) errs.Add(Errs.Invalid(p + ".operator", t.Str("value") ?? "", m));
                    break;
                case "Exists":
                    if ((t.Str("value") ?? "").Length != 0) errs.Add(Errs.Invalid(p + ".operator", t.Str("value") ?? "", "value must be empty when `operator` is 'Exists'"));
                    break;
                default:
                    errs.Add(Errs.NotSupported(p + ".operator", op, ["Equal", "Exists"]));
                    break;
            }
            if (t.Str("effect") is { Length: > 0 } effect && effect is not ("NoSchedule" or "PreferNoSchedule" or "NoExecute"))
                errs.Add(Errs.NotSupported(p + ".effect", effect, ["NoSchedule", "PreferNoSchedule", "NoExecute"]));
        }
    }

    /// <summary>An enum that defaulting normally fills: absent is tolerated, empty is Required, unknown is NotSupported.</summary>
    public static void Enum(List<FieldError> errs, string? value, string path, string[] allowed)
    {
        if (value is null) return;
        if (value.Length == 0) errs.Add(Errs.Required(path));
        else if (!allowed.Contains(value)) errs.Add(Errs.NotSupported(path, value, allowed));
    }

    /// <summary>ValidateDNS1123Label: Required when empty, else one Invalid per message.</summary>
    public static void Dns1123Label(List<FieldError> errs, string value, string path)
    {
        if (value.Length == 0) errs.Add(Errs.Required(path));
        else foreach (var m in NameRules.Dns1123LabelErrors(value)) errs.Add(Errs.Invalid(path, value, m));
    }
}
