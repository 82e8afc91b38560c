namespace Podway.Api.Protobuf;

/// <summary>k8s.io/api apps/v1 and networking/v1 messages (field numbers from their generated.proto files).</summary>
internal static class AppsNetworkingSchemas
{
    public static readonly Dictionary<string, string> All = new()
    {
        ["Deployment"] = "1 metadata ObjectMeta!; 2 spec DeploymentSpec!; 3 status DeploymentStatus!",
        ["DeploymentSpec"] = "1 replicas i32?; 2 selector LabelSelector; 3 template PodTemplateSpec!; 4 strategy DeploymentStrategy!; 5 minReadySeconds i32; " +
            "6 revisionHistoryLimit i32?; 7 paused b; 9 progressDeadlineSeconds i32?; 10 podReplacementPolicy s?",
        ["DeploymentStrategy"] = "1 type s; 2 rollingUpdate RollingUpdateDeployment",
        ["RollingUpdateDeployment"] = "1 maxUnavailable IntOrString; 2 maxSurge IntOrString",
        ["DeploymentStatus"] = "1 observedGeneration i64; 2 replicas i32; 3 updatedReplicas i32; 7 readyReplicas i32; 4 availableReplicas i32; " +
            "5 unavailableReplicas i32; 9 terminatingReplicas i32?; 6 conditions DeploymentCondition*; 8 collisionCount i32?",
        ["DeploymentCondition"] = "1 type s!; 2 status s!; 6 lastUpdateTime Time!; 7 lastTransitionTime Time!; 4 reason s; 5 message s",

        ["ReplicaSet"] = "1 metadata ObjectMeta!; 2 spec ReplicaSetSpec!; 3 status ReplicaSetStatus!",
        ["ReplicaSetSpec"] = "1 replicas i32?; 4 minReadySeconds i32; 2 selector LabelSelector; 3 template PodTemplateSpec!",
        ["ReplicaSetStatus"] = "1 replicas i32!; 2 fullyLabeledReplicas i32; 4 readyReplicas i32; 5 availableReplicas i32; 7 terminatingReplicas i32?; " +
            "3 observedGeneration i64; 6 conditions ReplicaSetCondition*",
        ["ReplicaSetCondition"] = "1 type s!; 2 status s!; 3 lastTransitionTime Time!; 4 reason s; 5 message s",

        ["StatefulSet"] = "1 metadata ObjectMeta!; 2 spec StatefulSetSpec!; 3 status StatefulSetStatus!",
        ["StatefulSetSpec"] = "1 replicas i32?; 2 selector LabelSelector; 3 template PodTemplateSpec!; 4 volumeClaimTemplates PersistentVolumeClaim*; " +
            "5 serviceName s; 6 podManagementPolicy s; 7 updateStrategy StatefulSetUpdateStrategy!; 8 revisionHistoryLimit i32?; 9 minReadySeconds i32; " +
            "10 persistentVolumeClaimRetentionPolicy StatefulSetPersistentVolumeClaimRetentionPolicy; 11 ordinals StatefulSetOrdinals",
        ["StatefulSetUpdateStrategy"] = "1 type s; 2 rollingUpdate RollingUpdateStatefulSetStrategy",
        ["RollingUpdateStatefulSetStrategy"] = "1 partition i32?; 2 maxUnavailable IntOrString",
        ["StatefulSetPersistentVolumeClaimRetentionPolicy"] = "1 whenDeleted s; 2 whenScaled s",
        ["StatefulSetOrdinals"] = "1 start i32",
        ["StatefulSetStatus"] = "1 observedGeneration i64; 2 replicas i32!; 3 readyReplicas i32; 4 currentReplicas i32; 5 updatedReplicas i32; " +
            "6 currentRevision s; 7 updateRevision s; 9 collisionCount i32?; 10 conditions StatefulSetCondition*; 11 availableReplicas i32",
        ["StatefulSetCondition"] = "1 type s!; 2 status s!; 3 lastTransitionTime Time!; 4 reason s; 5 message s",

        ["Ingress"] = "1 metadata ObjectMeta!; 2 spec IngressSpec!; 3 status IngressStatus!",
        ["IngressSpec"] = "4 ingressClassName s?; 1 defaultBackend IngressBackend; 2 tls IngressTLS*; 3 rules IngressRule*",
        ["IngressBackend"] = "4 service IngressServiceBackend; 3 resource TypedLocalObjectReference",
        ["IngressServiceBackend"] = "1 name s!; 2 port ServiceBackendPort",
        ["ServiceBackendPort"] = "1 name s; 2 number i32",
        ["IngressTLS"] = "1 hosts s*; 2 secretName s",
        ["IngressRule"] = "1 host s; 2 - IngressRuleValue^!",
        ["IngressRuleValue"] = "1 http HTTPIngressRuleValue",
        ["HTTPIngressRuleValue"] = "1 paths HTTPIngressPath*!",
        ["HTTPIngressPath"] = "1 path s; 3 pathType s?; 2 backend IngressBackend!",
        ["IngressStatus"] = "1 loadBalancer IngressLoadBalancerStatus!",
        ["IngressLoadBalancerStatus"] = "1 ingress IngressLoadBalancerIngress*",
        ["IngressLoadBalancerIngress"] = "1 ip s; 2 hostname s; 4 ports IngressPortStatus*",
        ["IngressPortStatus"] = "1 port i32!; 2 protocol s!; 3 error s?",

        ["NetworkPolicy"] = "1 metadata ObjectMeta!; 2 spec NetworkPolicySpec!",
        ["NetworkPolicySpec"] = "1 podSelector LabelSelector!; 2 ingress NetworkPolicyIngressRule*; 3 egress NetworkPolicyEgressRule*; 4 policyTypes s*",
        ["NetworkPolicyIngressRule"] = "1 ports NetworkPolicyPort*; 2 from NetworkPolicyPeer*",
        ["NetworkPolicyEgressRule"] = "1 ports NetworkPolicyPort*; 2 to NetworkPolicyPeer*",
        ["NetworkPolicyPeer"] = "1 podSelector LabelSelector; 2 namespaceSelector LabelSelector; 3 ipBlock IPBlock",
        ["IPBlock"] = "1 cidr s!; 2 except s*",
        ["NetworkPolicyPort"] = "1 protocol s?; 2 port IntOrString; 3 endPort i32?",
    };
}
