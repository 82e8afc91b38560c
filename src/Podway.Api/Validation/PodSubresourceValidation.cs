using System.Text.Json.Nodes;

namespace Podway.Api.Validation;

/// <summary>Validation of the Pod subresources whose strategy differs from a Pod update.</summary>
public static class PodSubresourceValidation
{
    /// <summary>pods/ephemeralcontainers (ValidatePodEphemeralContainersUpdate).</summary>
    public static IReadOnlyList<FieldError> EphemeralContainersUpdate(JsonObject pod, JsonObject old) =>
        EphemeralContainerValidation.ValidateUpdate(pod, old);
}
