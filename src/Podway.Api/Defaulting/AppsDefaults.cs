using System.Text.Json.Nodes;
using static Podway.Api.Defaulting.JsonFields;

namespace Podway.Api.Defaulting;

/// <summary>SetDefaults_Deployment, _ReplicaSet and _StatefulSet of pkg/apis/apps/v1/defaults.go.</summary>
internal static class AppsDefaults
{
    public static void Deployment(JsonObject deploy)
    {
        var spec = EnsureObject(deploy, "spec");
        Default(spec, "replicas", 1);
        var strategy = EnsureObject(spec, "strategy");
        DefaultString(strategy, "type", "RollingUpdate");
        if (String(strategy, "type") == "RollingUpdate")
        {
            var rolling = EnsureObject(strategy, "rollingUpdate");
            Default(rolling, "maxUnavailable", "25%");
            Default(rolling, "maxSurge", "25%");
        }
        Default(spec, "revisionHistoryLimit", 10);
        Default(spec, "progressDeadlineSeconds", 600);
        PodSpecDefaults.Template(Object(spec, "template"));
        EnsureObject(deploy, "status"); // DeploymentStatus is a plain struct whose fields are all omitempty: {}
    }

    public static void ReplicaSet(JsonObject rs)
    {
        var spec = EnsureObject(rs, "spec");
        Default(spec, "replicas", 1);
        PodSpecDefaults.Template(Object(spec, "template"));
        Default(EnsureObject(rs, "status"), "replicas", 0); // status.replicas has no omitempty
    }

    public static void StatefulSet(JsonObject sts)
    {
        var spec = EnsureObject(sts, "spec");
        DefaultString(spec, "podManagementPolicy", "OrderedReady");
        var strategy = EnsureObject(spec, "updateStrategy");
        if (IsEmptyString(strategy, "type"))
        {
            strategy["type"] = "RollingUpdate";
            EnsureObject(strategy, "rollingUpdate");
        }
        if (String(strategy, "type") == "RollingUpdate" && Object(strategy, "rollingUpdate") is { } rolling)
            Default(rolling, "partition", 0);
        var retention = EnsureObject(spec, "persistentVolumeClaimRetentionPolicy");
        DefaultString(retention, "whenDeleted", "Retain");
        DefaultString(retention, "whenScaled", "Retain");
        Default(spec, "replicas", 1);
        Default(spec, "revisionHistoryLimit", 10);
        PodSpecDefaults.Template(Object(spec, "template"));
        foreach (var pvc in Objects(spec, "volumeClaimTemplates")) PodSpecDefaults.PersistentVolumeClaim(pvc);

        var status = EnsureObject(sts, "status"); // replicas and availableReplicas have no omitempty
        Default(status, "replicas", 0);
        Default(status, "availableReplicas", 0);
    }
}
