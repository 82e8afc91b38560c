using System.Text.RegularExpressions;

namespace Podway.Api.Validation;

/// <summary>
/// The messages of apiextensions' OpenAPI schema checks and CEL rules, as a CRD-backed kind reports them:
/// "spec.x in body should match '^...$'", CEL failures as Invalid value: "object": message.
/// </summary>
internal static class Schema
{
    public const string HostnamePattern = @"^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";
    public const string SectionNamePattern = @"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";
    public const string GroupPattern = @"^$|^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";
    public const string KindPattern = @"^[a-zA-Z]([-a-zA-Z0-9]*[a-zA-Z0-9])?$";
    public const string NamespacePattern = @"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$";

    /// <summary>A required string with minLength/maxLength/pattern, as the CRD schema declares it.</summary>
    public static void String(List<FieldError> errs, string? value, string path, bool required, int min, int max, string? pattern = null)
    {
        if (value is null) { if (required) errs.Add(Errs.Required(path)); return; }
        if (value.Length < min) errs.Add(Errs.Invalid(path, value, $"{path} in body should be at least {min} chars long"));
        if (value.Length > max) errs.Add(Errs.TooLong(path, max));
        if (pattern is not null && value.Length >= min && !Regex.IsMatch(value, pattern))
            errs.Add(Errs.Invalid(path, value, $"{path} in body should match '{pattern}'"));
    }

    public static void Range(List<FieldError> errs, long? value, string path, bool required, long min, long max)
    {
        if (value is null) { if (required) errs.Add(Errs.Required(path)); return; }
        if (value < min) errs.Add(Errs.Invalid(path, value.Value, $"{path} in body should be greater than or equal to {min}"));
        if (value > max) errs.Add(Errs.Invalid(path, value.Value, $"{path} in body should be less than or equal to {max}"));
    }

    public static void Items(List<FieldError> errs, int count, bool present, string path, bool required, int min, int max)
    {
        if (!present) { if (required) errs.Add(Errs.Required(path)); return; }
        if (count < min) errs.Add(Errs.Invalid(path, (long)count, $"{path} in body should have at least {min} items"));
        if (count > max) errs.Add(Errs.TooMany(path, count, max));
    }

    public static void Enum(List<FieldError> errs, string? value, string path, params string[] allowed)
    {
        if (value is not null && !allowed.Contains(value)) errs.Add(Errs.NotSupported(path, value, allowed));
    }

    /// <summary>A failed x-kubernetes-validations rule: the value is shown as its JSON type.</summary>
    public static FieldError Cel(string path, string type, string message) => Errs.Invalid(path, type, message);

}
