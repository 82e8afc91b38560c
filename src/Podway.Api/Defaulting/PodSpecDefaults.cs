using System.Text.Json.Nodes;
using static Podway.Api.Defaulting.JsonFields;

namespace Podway.Api.Defaulting;

/// <summary>
/// Defaults of a PodSpec and everything inside it (SetDefaults_PodSpec, _Container, _Probe, _HTTPGetAction,
/// _Volume, ... in pkg/apis/core/v1/defaults.go). Shared by Pods and by the templates of workloads.
/// </summary>
internal static class PodSpecDefaults
{
    const int DefaultFileMode = 420; // 0644, as Go prints it in JSON

    public static void Apply(JsonObject spec)
    {
        DefaultString(spec, "dnsPolicy", "ClusterFirst");
        DefaultString(spec, "restartPolicy", "Always");
        Default(spec, "securityContext", () => new JsonObject());
        Default(spec, "terminationGracePeriodSeconds", 30);
        DefaultString(spec, "schedulerName", "default-scheduler");

        foreach (var c in AllContainers(spec)) Container(c);
        foreach (var v in Objects(spec, "volumes")) Volume(v);
    }

    /// <summary>The template of a workload: a PodSpec plus the ObjectMeta Go always prints (creationTimestamp: null).</summary>
    public static void Template(JsonObject? template)
    {
        if (template is null) return;
        DefaultNull(EnsureObject(template, "metadata"), "creationTimestamp");
        Apply(EnsureObject(template, "spec"));
    }

    public static IEnumerable<JsonObject> AllContainers(JsonObject spec) =>
        Objects(spec, "containers").Concat(Objects(spec, "initContainers")).Concat(Objects(spec, "ephemeralContainers"));

    static void Container(JsonObject c)
    {
        DefaultString(c, "imagePullPolicy", ImagePullPolicy.For(String(c, "image")));
        DefaultString(c, "terminationMessagePath", "/dev/termination-log");
        DefaultString(c, "terminationMessagePolicy", "File");
        EnsureObject(c, "resources");
        foreach (var p in Objects(c, "ports")) DefaultString(p, "protocol", "TCP");
        foreach (var probe in new[] { "livenessProbe", "readinessProbe", "startupProbe" })
            if (Object(c, probe) is { } pr) Probe(pr);
        if (Object(c, "lifecycle") is { } lifecycle)
        {
            Handler(Object(lifecycle, "postStart"));
            Handler(Object(lifecycle, "preStop"));
        }
        foreach (var e in Objects(c, "env")) EnvVarSource(Object(e, "valueFrom"));
    }

    static void Probe(JsonObject probe)
    {
        DefaultNonZero(probe, "timeoutSeconds", 1);
        DefaultNonZero(probe, "periodSeconds", 10);
        DefaultNonZero(probe, "successThreshold", 1);
        DefaultNonZero(probe, "failureThreshold", 3);
        Handler(probe);
        if (Object(probe, "grpc") is { } grpc) Default(grpc, "service", ""); // +default="" in k8s.io/api
    }

    static void Handler(JsonObject? handler)
    {
        if (Object(handler, "httpGet") is not { } http) return;
        DefaultString(http, "path", "/");
        DefaultString(http, "scheme", "HTTP");
    }

    static void EnvVarSource(JsonObject? valueFrom)
    {
        if (Object(valueFrom, "fieldRef") is { } fieldRef) ObjectFieldSelector(fieldRef);
        // Divisor is a non-pointer Quantity: Go always prints it, "0" when unset.
        if (Object(valueFrom, "resourceFieldRef") is { } resourceRef) Default(resourceRef, "divisor", "0");
    }

    static void ObjectFieldSelector(JsonObject fieldRef) => DefaultString(fieldRef, "apiVersion", "v1");

    static void Volume(JsonObject v)
    {
        if (v.All(p => p.Key == "name" || p.Value is null)) v["emptyDir"] = new JsonObject();

        if (Object(v, "secret") is { } secret) Default(secret, "defaultMode", DefaultFileMode);
        if (Object(v, "configMap") is { } configMap) Default(configMap, "defaultMode", DefaultFileMode);
        if (Object(v, "downwardAPI") is { } downward) DownwardApi(downward, withMode: true);
        if (Object(v, "hostPath") is { } hostPath) Default(hostPath, "type", "");
        if (Object(v, "iscsi") is { } iscsi) Default(iscsi, "iscsiInterface", "default");
        if (Object(v, "rbd") is { } rbd)
        {
            DefaultString(rbd, "pool", "rbd");
            DefaultString(rbd, "user", "admin");
            DefaultString(rbd, "keyring", "/etc/ceph/keyring");
        }
        if (Object(v, "projected") is { } projected)
        {
            Default(projected, "defaultMode", DefaultFileMode);
            foreach (var source in Objects(projected, "sources"))
            {
                if (Object(source, "downwardAPI") is { } d) DownwardApi(d, withMode: false);
                if (Object(source, "serviceAccountToken") is { } token) Default(token, "expirationSeconds", 3600);
            }
        }
        if (Object(Object(Object(v, "ephemeral"), "volumeClaimTemplate"), "spec") is { } pvcSpec)
            PersistentVolumeClaimSpec(pvcSpec);
    }

    static void DownwardApi(JsonObject downward, bool withMode)
    {
        if (withMode) Default(downward, "defaultMode", DefaultFileMode);
        foreach (var item in Objects(downward, "items"))
        {
            if (Object(item, "fieldRef") is { } fieldRef) ObjectFieldSelector(fieldRef);
            if (Object(item, "resourceFieldRef") is { } resourceRef) Default(resourceRef, "divisor", "0");
        }
    }

    public static void PersistentVolumeClaimSpec(JsonObject spec) => Default(spec, "volumeMode", "Filesystem");

    /// <summary>A PersistentVolumeClaim (e.g. a StatefulSet volumeClaimTemplate): spec defaults plus status.phase Pending.</summary>
    public static void PersistentVolumeClaim(JsonObject pvc)
    {
        DefaultNull(EnsureObject(pvc, "metadata"), "creationTimestamp");
        PersistentVolumeClaimSpec(EnsureObject(pvc, "spec"));
        DefaultString(EnsureObject(pvc, "status"), "phase", "Pending");
    }
}
