namespace Podway.Api.Protobuf;

/// <summary>k8s.io/api core/v1 messages (field numbers from core/v1/generated.proto; presence from the Go json tags).</summary>
internal static class CoreSchemas
{
    const string ContainerFields =
        "1 name s!; 2 image s; 3 command s*; 4 args s*; 5 workingDir s; 6 ports ContainerPort*; 19 envFrom EnvFromSource*; 7 env EnvVar*; " +
        "8 resources ResourceRequirements!; 23 resizePolicy ContainerResizePolicy*; 24 restartPolicy s?; 25 restartPolicyRules ContainerRestartRule*; " +
        "9 volumeMounts VolumeMount*; 21 volumeDevices VolumeDevice*; 10 livenessProbe Probe; 11 readinessProbe Probe; 22 startupProbe Probe; " +
        "12 lifecycle Lifecycle; 13 terminationMessagePath s; 20 terminationMessagePolicy s; 14 imagePullPolicy s; 15 securityContext SecurityContext; " +
        "16 stdin b; 17 stdinOnce b; 18 tty b";

    public static readonly Dictionary<string, string> All = new()
    {
        ["Namespace"] = "1 metadata ObjectMeta!; 2 spec NamespaceSpec!; 3 status NamespaceStatus!",
        ["NamespaceSpec"] = "1 finalizers s*",
        ["NamespaceStatus"] = "1 phase s; 2 conditions NamespaceCondition*",
        ["NamespaceCondition"] = "1 type s!; 2 status s!; 4 lastTransitionTime Time!; 5 reason s; 6 message s",

        ["ConfigMap"] = "1 metadata ObjectMeta!; 4 immutable b?; 2 data {s}; 3 binaryData {by}",
        ["Secret"] = "1 metadata ObjectMeta!; 5 immutable b?; 2 data {by}; 4 stringData {s}; 3 type s",
        ["ServiceAccount"] = "1 metadata ObjectMeta!; 2 secrets ObjectReference*; 3 imagePullSecrets LocalObjectReference*; 4 automountServiceAccountToken b?",
        ["ObjectReference"] = "1 kind s; 2 namespace s; 3 name s; 4 uid s; 5 apiVersion s; 6 resourceVersion s; 7 fieldPath s",
        ["LocalObjectReference"] = "1 name s",
        ["TypedLocalObjectReference"] = "1 apiGroup s?; 2 kind s!; 3 name s!",

        ["Service"] = "1 metadata ObjectMeta!; 2 spec ServiceSpec!; 3 status ServiceStatus!",
        ["ServiceSpec"] = "1 ports ServicePort*; 2 selector {s}; 3 clusterIP s; 18 clusterIPs s*; 4 type s; 5 externalIPs s*; 7 sessionAffinity s; " +
            "8 loadBalancerIP s; 9 loadBalancerSourceRanges s*; 10 externalName s; 11 externalTrafficPolicy s; 12 healthCheckNodePort i32; " +
            "13 publishNotReadyAddresses b; 14 sessionAffinityConfig SessionAffinityConfig; 19 ipFamilies s*; 17 ipFamilyPolicy s?; " +
            "20 allocateLoadBalancerNodePorts b?; 21 loadBalancerClass s?; 22 internalTrafficPolicy s?; 23 trafficDistribution s?",
        ["ServicePort"] = "1 name s; 2 protocol s; 6 appProtocol s?; 3 port i32!; 4 targetPort IntOrString; 5 nodePort i32",
        ["SessionAffinityConfig"] = "1 clientIP ClientIPConfig",
        ["ClientIPConfig"] = "1 timeoutSeconds i32?",
        ["ServiceStatus"] = "1 loadBalancer LoadBalancerStatus!; 2 conditions Condition*",
        ["LoadBalancerStatus"] = "1 ingress LoadBalancerIngress*",
        ["LoadBalancerIngress"] = "1 ip s; 2 hostname s; 3 ipMode s?; 4 ports PortStatus*",
        ["PortStatus"] = "1 port i32!; 2 protocol s!; 3 error s?",

        ["Endpoints"] = "1 metadata ObjectMeta!; 2 subsets EndpointSubset*",
        ["EndpointSubset"] = "1 addresses EndpointAddress*; 2 notReadyAddresses EndpointAddress*; 3 ports EndpointPort*",
        ["EndpointAddress"] = "1 ip s!; 3 hostname s; 4 nodeName s?; 2 targetRef ObjectReference",
        ["EndpointPort"] = "1 name s; 2 port i32!; 3 protocol s; 4 appProtocol s?",

        ["Event"] = "1 metadata ObjectMeta!; 2 involvedObject ObjectReference!; 3 reason s; 4 message s; 5 source EventSource!; " +
            "6 firstTimestamp Time!; 7 lastTimestamp Time!; 8 count i32; 9 type s; 10 eventTime MicroTime!; 11 series EventSeries; 12 action s; " +
            "13 related ObjectReference; 14 reportingComponent s!; 15 reportingInstance s!",
        ["EventSeries"] = "1 count i32; 2 lastObservedTime MicroTime!",
        ["EventSource"] = "1 component s; 2 host s",

        ["Pod"] = "1 metadata ObjectMeta!; 2 spec PodSpec!; 3 status PodStatus!",
        ["PodTemplateSpec"] = "1 metadata ObjectMeta!; 2 spec PodSpec!",
        ["PodSpec"] = "1 volumes Volume*; 20 initContainers Container*; 2 containers Container*!; 34 ephemeralContainers EphemeralContainer*; " +
            "3 restartPolicy s; 4 terminationGracePeriodSeconds i64?; 5 activeDeadlineSeconds i64?; 6 dnsPolicy s; 7 nodeSelector {s}; " +
            "8 serviceAccountName s; 9 serviceAccount s; 21 automountServiceAccountToken b?; 10 nodeName s; 11 hostNetwork b; 12 hostPID b; " +
            "13 hostIPC b; 27 shareProcessNamespace b?; 14 securityContext PodSecurityContext; 15 imagePullSecrets LocalObjectReference*; " +
            "16 hostname s; 17 subdomain s; 18 affinity Affinity; 19 schedulerName s; 22 tolerations Toleration*; 23 hostAliases HostAlias*; " +
            "24 priorityClassName s; 25 priority i32?; 26 dnsConfig PodDNSConfig; 28 readinessGates PodReadinessGate*; 29 runtimeClassName s?; " +
            "30 enableServiceLinks b?; 31 preemptionPolicy s?; 32 overhead {Quantity}; 33 topologySpreadConstraints TopologySpreadConstraint*; " +
            "35 setHostnameAsFQDN b?; 36 os PodOS; 37 hostUsers b?; 38 schedulingGates PodSchedulingGate*; 39 resourceClaims PodResourceClaim*; " +
            "40 resources ResourceRequirements; 41 hostnameOverride s?",
        ["Container"] = ContainerFields,
        ["EphemeralContainer"] = "1 - EphemeralContainerCommon^!; 2 targetContainerName s",
        ["EphemeralContainerCommon"] = ContainerFields,
        ["ContainerPort"] = "1 name s; 2 hostPort i32; 3 containerPort i32!; 4 protocol s; 5 hostIP s",
        ["ContainerResizePolicy"] = "1 resourceName s!; 2 restartPolicy s!",
        ["ContainerRestartRule"] = "1 action s; 2 exitCodes ContainerRestartRuleOnExitCodes",
        ["ContainerRestartRuleOnExitCodes"] = "1 operator s; 2 values i32*",
        ["EnvVar"] = "1 name s!; 2 value s; 3 valueFrom EnvVarSource",
        ["EnvVarSource"] = "1 fieldRef ObjectFieldSelector; 2 resourceFieldRef ResourceFieldSelector; 3 configMapKeyRef ConfigMapKeySelector; " +
            "4 secretKeyRef SecretKeySelector; 5 fileKeyRef FileKeySelector",
        ["ObjectFieldSelector"] = "1 apiVersion s; 2 fieldPath s!",
        ["ResourceFieldSelector"] = "1 containerName s; 2 resource s!; 3 divisor Quantity",
        ["ConfigMapKeySelector"] = "1 - LocalObjectReference^!; 2 key s!; 3 optional b?",
        ["SecretKeySelector"] = "1 - LocalObjectReference^!; 2 key s!; 3 optional b?",
        ["FileKeySelector"] = "1 volumeName s!; 2 path s!; 3 key s!; 4 optional b?",
        ["EnvFromSource"] = "1 prefix s; 2 configMapRef ConfigMapEnvSource; 3 secretRef SecretEnvSource",
        ["ConfigMapEnvSource"] = "1 - LocalObjectReference^!; 2 optional b?",
        ["SecretEnvSource"] = "1 - LocalObjectReference^!; 2 optional b?",
        ["ResourceRequirements"] = "1 limits {Quantity}; 2 requests {Quantity}; 3 claims ResourceClaim*",
        ["ResourceClaim"] = "1 name s!; 2 request s",
        ["VolumeMount"] = "1 name s!; 2 readOnly b; 7 recursiveReadOnly s?; 3 mountPath s!; 4 subPath s; 5 mountPropagation s?; 6 subPathExpr s",
        ["VolumeDevice"] = "1 name s!; 2 devicePath s!",
        ["Probe"] = "1 - ProbeHandler^!; 2 initialDelaySeconds i32; 3 timeoutSeconds i32; 4 periodSeconds i32; 5 successThreshold i32; " +
            "6 failureThreshold i32; 7 terminationGracePeriodSeconds i64?",
        ["ProbeHandler"] = "1 exec ExecAction; 2 httpGet HTTPGetAction; 3 tcpSocket TCPSocketAction; 4 grpc GRPCAction",
        ["Lifecycle"] = "1 postStart LifecycleHandler; 2 preStop LifecycleHandler; 3 stopSignal s?",
        ["LifecycleHandler"] = "1 exec ExecAction; 2 httpGet HTTPGetAction; 3 tcpSocket TCPSocketAction; 4 sleep SleepAction",
        ["ExecAction"] = "1 command s*",
        ["HTTPGetAction"] = "1 path s; 2 port IntOrString!; 3 host s; 4 scheme s; 5 httpHeaders HTTPHeader*",
        ["HTTPHeader"] = "1 name s!; 2 value s!",
        ["TCPSocketAction"] = "1 port IntOrString!; 2 host s",
        ["GRPCAction"] = "1 port i32!; 2 service s?",
        ["SleepAction"] = "1 seconds i64!",
        ["SecurityContext"] = "1 capabilities Capabilities; 2 privileged b?; 3 seLinuxOptions SELinuxOptions; 10 windowsOptions WindowsSecurityContextOptions; " +
            "4 runAsUser i64?; 8 runAsGroup i64?; 5 runAsNonRoot b?; 6 readOnlyRootFilesystem b?; 7 allowPrivilegeEscalation b?; 9 procMount s?; " +
            "11 seccompProfile SeccompProfile",
        ["PodSecurityContext"] = "1 seLinuxOptions SELinuxOptions; 8 windowsOptions WindowsSecurityContextOptions; 2 runAsUser i64?; 6 runAsGroup i64?; " +
            "3 runAsNonRoot b?; 4 supplementalGroups i64*; 12 supplementalGroupsPolicy s?; 5 fsGroup i64?; 7 sysctls Sysctl*; " +
            "9 fsGroupChangePolicy s?; 10 seccompProfile SeccompProfile; 13 seLinuxChangePolicy s?",
        ["Capabilities"] = "1 add s*; 2 drop s*",
        ["SELinuxOptions"] = "1 user s; 2 role s; 3 type s; 4 level s",
        ["WindowsSecurityContextOptions"] = "1 gmsaCredentialSpecName s?; 2 gmsaCredentialSpec s?; 3 runAsUserName s?; 4 hostProcess b?",
        ["SeccompProfile"] = "1 type s!; 2 localhostProfile s?",
        ["Sysctl"] = "1 name s!; 2 value s!",
        ["Toleration"] = "1 key s; 2 operator s; 3 value s; 4 effect s; 5 tolerationSeconds i64?",
        ["HostAlias"] = "1 ip s!; 2 hostnames s*",
        ["PodDNSConfig"] = "1 nameservers s*; 2 searches s*; 3 options PodDNSConfigOption*",
        ["PodDNSConfigOption"] = "1 name s; 2 value s?",
        ["PodReadinessGate"] = "1 conditionType s!",
        ["PodOS"] = "1 name s!",
        ["PodSchedulingGate"] = "1 name s!",
        ["PodResourceClaim"] = "1 name s!; 3 resourceClaimName s?; 4 resourceClaimTemplateName s?",
        ["TopologySpreadConstraint"] = "1 maxSkew i32!; 2 topologyKey s!; 3 whenUnsatisfiable s!; 4 labelSelector LabelSelector; 5 minDomains i32?; " +
            "6 nodeAffinityPolicy s?; 7 nodeTaintsPolicy s?; 8 matchLabelKeys s*",
        ["Affinity"] = "1 nodeAffinity NodeAffinity; 2 podAffinity PodAffinity; 3 podAntiAffinity PodAntiAffinity",
        ["NodeAffinity"] = "1 requiredDuringSchedulingIgnoredDuringExecution NodeSelector; 2 preferredDuringSchedulingIgnoredDuringExecution PreferredSchedulingTerm*",
        ["NodeSelector"] = "1 nodeSelectorTerms NodeSelectorTerm*!",
        ["NodeSelectorTerm"] = "1 matchExpressions NodeSelectorRequirement*; 2 matchFields NodeSelectorRequirement*",
        ["NodeSelectorRequirement"] = "1 key s!; 2 operator s!; 3 values s*",
        ["PreferredSchedulingTerm"] = "1 weight i32!; 2 preference NodeSelectorTerm!",
        ["PodAffinity"] = "1 requiredDuringSchedulingIgnoredDuringExecution PodAffinityTerm*; 2 preferredDuringSchedulingIgnoredDuringExecution WeightedPodAffinityTerm*",
        ["PodAntiAffinity"] = "1 requiredDuringSchedulingIgnoredDuringExecution PodAffinityTerm*; 2 preferredDuringSchedulingIgnoredDuringExecution WeightedPodAffinityTerm*",
        ["PodAffinityTerm"] = "1 labelSelector LabelSelector; 2 namespaces s*; 3 topologyKey s!; 4 namespaceSelector LabelSelector; 5 matchLabelKeys s*; 6 mismatchLabelKeys s*",
        ["WeightedPodAffinityTerm"] = "1 weight i32!; 2 podAffinityTerm PodAffinityTerm!",

        ["Volume"] = "1 name s!; 2 - VolumeSource^!",
        ["VolumeSource"] = "1 hostPath HostPathVolumeSource; 2 emptyDir EmptyDirVolumeSource; 6 secret SecretVolumeSource; 7 nfs NFSVolumeSource; " +
            "10 persistentVolumeClaim PersistentVolumeClaimVolumeSource; 16 downwardAPI DownwardAPIVolumeSource; 19 configMap ConfigMapVolumeSource; " +
            "26 projected ProjectedVolumeSource; 30 image ImageVolumeSource",
        ["HostPathVolumeSource"] = "1 path s!; 2 type s?",
        ["EmptyDirVolumeSource"] = "1 medium s; 2 sizeLimit Quantity",
        ["SecretVolumeSource"] = "1 secretName s; 2 items KeyToPath*; 3 defaultMode i32?; 4 optional b?",
        ["NFSVolumeSource"] = "1 server s!; 2 path s!; 3 readOnly b",
        ["PersistentVolumeClaimVolumeSource"] = "1 claimName s!; 2 readOnly b",
        ["DownwardAPIVolumeSource"] = "1 items DownwardAPIVolumeFile*; 2 defaultMode i32?",
        ["DownwardAPIVolumeFile"] = "1 path s!; 2 fieldRef ObjectFieldSelector; 3 resourceFieldRef ResourceFieldSelector; 4 mode i32?",
        ["ConfigMapVolumeSource"] = "1 - LocalObjectReference^!; 2 items KeyToPath*; 3 defaultMode i32?; 4 optional b?",
        ["KeyToPath"] = "1 key s!; 2 path s!; 3 mode i32?",
        ["ProjectedVolumeSource"] = "1 sources VolumeProjection*; 2 defaultMode i32?",
        ["VolumeProjection"] = "1 secret SecretProjection; 2 downwardAPI DownwardAPIProjection; 3 configMap ConfigMapProjection; 4 serviceAccountToken ServiceAccountTokenProjection",
        ["SecretProjection"] = "1 - LocalObjectReference^!; 2 items KeyToPath*; 4 optional b?",
        ["ConfigMapProjection"] = "1 - LocalObjectReference^!; 2 items KeyToPath*; 4 optional b?",
        ["DownwardAPIProjection"] = "1 items DownwardAPIVolumeFile*",
        ["ServiceAccountTokenProjection"] = "1 audience s; 2 expirationSeconds i64?; 3 path s!",
        ["ImageVolumeSource"] = "1 reference s; 2 pullPolicy s",

        ["PodStatus"] = "17 observedGeneration i64; 1 phase s; 2 conditions PodCondition*; 3 message s; 4 reason s; 11 nominatedNodeName s; 5 hostIP s; " +
            "16 hostIPs HostIP*; 6 podIP s; 12 podIPs PodIP*; 7 startTime Time; 10 initContainerStatuses ContainerStatus*; 8 containerStatuses ContainerStatus*; " +
            "9 qosClass s; 13 ephemeralContainerStatuses ContainerStatus*; 14 resize s; 15 resourceClaimStatuses PodResourceClaimStatus*",
        ["PodCondition"] = "1 type s!; 7 observedGeneration i64; 2 status s!; 3 lastProbeTime Time!; 4 lastTransitionTime Time!; 5 reason s; 6 message s",
        ["HostIP"] = "1 ip s!",
        ["PodIP"] = "1 ip s!",
        ["PodResourceClaimStatus"] = "1 name s!; 2 resourceClaimName s?",
        ["ContainerStatus"] = "1 name s!; 2 state ContainerState!; 3 lastState ContainerState!; 4 ready b!; 5 restartCount i32!; 6 image s!; 7 imageID s!; " +
            "8 containerID s; 9 started b?; 10 allocatedResources {Quantity}; 11 resources ResourceRequirements; 15 stopSignal s?",
        ["ContainerState"] = "1 waiting ContainerStateWaiting; 2 running ContainerStateRunning; 3 terminated ContainerStateTerminated",
        ["ContainerStateWaiting"] = "1 reason s; 2 message s",
        ["ContainerStateRunning"] = "1 startedAt Time!",
        ["ContainerStateTerminated"] = "1 exitCode i32!; 2 signal i32; 3 reason s; 4 message s; 5 startedAt Time!; 6 finishedAt Time!; 7 containerID s",

        ["PersistentVolumeClaim"] = "1 metadata ObjectMeta!; 2 spec PersistentVolumeClaimSpec!; 3 status PersistentVolumeClaimStatus!",
        ["PersistentVolumeClaimSpec"] = "1 accessModes s*; 4 selector LabelSelector; 2 resources VolumeResourceRequirements!; 3 volumeName s; " +
            "5 storageClassName s?; 6 volumeMode s?; 7 dataSource TypedLocalObjectReference; 9 volumeAttributesClassName s?",
        ["PersistentVolumeClaimStatus"] = "1 phase s; 2 accessModes s*; 3 capacity {Quantity}",
        ["VolumeResourceRequirements"] = "1 limits {Quantity}; 2 requests {Quantity}",
    };
}
