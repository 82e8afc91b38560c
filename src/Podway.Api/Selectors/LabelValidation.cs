using Podway.Api.Validation;

namespace Podway.Api.Selectors;

/// <summary>
/// Label key and value checks of k8s.io/apimachinery/pkg/util/validation, with kube's exact wording
/// (including its double spaces between examples).
/// </summary>
internal static class LabelValidation
{
    /// <summary>field.Invalid(...).Error(): "path: Invalid value: value: detail".</summary>
    public static string Invalid(string path, string formattedValue, string detail) => $"{path}: Invalid value: {formattedValue}: {detail}";

    /// <summary>IsQualifiedName (a label key): [prefix/]name. One implementation, shared with object validation.</summary>
    public static List<string> QualifiedNameErrors(string value) => [.. LabelRules.QualifiedNameErrors(value)];

    public static List<string> LabelValueErrors(string value) => [.. LabelRules.LabelValueErrors(value)];
}
