namespace Podway.Controllers;

/// <summary>Finalizer names with meaning to the controllers (k8s.io/apimachinery metav1 and core/v1).</summary>
internal static class Finalizers
{
    public const string Orphan = "orphan";
    public const string ForegroundDeletion = "foregroundDeletion";
    /// <summary>spec.finalizers entry of a Namespace, removed by the namespace controller.</summary>
    public const string Kubernetes = "kubernetes";
}
