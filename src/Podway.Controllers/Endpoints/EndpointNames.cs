namespace Podway.Controllers.Endpoints;

/// <summary>The label and annotation keys and controller names the endpoint controllers use (k8s.io/api core/v1 and discovery/v1).</summary>
internal static class EndpointNames
{
    public const string ServiceNameLabel = "kubernetes.io/service-name";
    public const string ManagedByLabel = "endpointslice.kubernetes.io/managed-by";
    public const string SkipMirrorLabel = "endpointslice.kubernetes.io/skip-mirror";
    public const string HeadlessLabel = "service.kubernetes.io/headless";
    /// <summary>Set on controller-written Endpoints since 1.33 (KEP-4974), so that they can be told from hand-written ones.</summary>
    public const string EndpointsManagedByLabel = "endpoints.kubernetes.io/managed-by";
    public const string EndpointControllerName = "endpoint-controller";
    public const string SliceControllerName = "endpointslice-controller.k8s.io";
    public const string MirroringControllerName = "endpointslicemirroring-controller.k8s.io";

    public const string LastChangeTriggerTime = "endpoints.kubernetes.io/last-change-trigger-time";
    public const string OverCapacity = "endpoints.kubernetes.io/over-capacity";
    public const string LeaderElectionAnnotation = "control-plane.alpha.kubernetes.io/leader";
    public const string LastAppliedConfiguration = "kubectl.kubernetes.io/last-applied-configuration";
}
