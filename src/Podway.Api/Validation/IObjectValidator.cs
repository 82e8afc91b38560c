using System.Text.Json.Nodes;

namespace Podway.Api.Validation;

/// <summary>Validates one kind the way kube-apiserver's registry strategy does, returning every field error.</summary>
public interface IObjectValidator
{
    IReadOnlyList<FieldError> ValidateCreate(JsonObject obj);
    /// <summary>Also checks immutable fields against the stored object.</summary>
    IReadOnlyList<FieldError> ValidateUpdate(JsonObject obj, JsonObject old);
}
