namespace Podway.Api.Validation;

/// <summary>
/// One problem with one field, as apimachinery's field.Error: the reason kubectl shows
/// ("FieldValueInvalid", "FieldValueRequired", ...), the dotted path ("spec.ports[0].port") and the detail.
/// </summary>
public sealed record FieldError(FieldErrorType Type, string Field, string Message)
{
    /// <summary>The cause reason as the API reports it, e.g. "FieldValueInvalid".</summary>
    public string Reason => Type switch
    {
        FieldErrorType.Required => "FieldValueRequired",
        FieldErrorType.Invalid => "FieldValueInvalid",
        FieldErrorType.Duplicate => "FieldValueDuplicate",
        FieldErrorType.NotSupported => "FieldValueNotSupported",
        FieldErrorType.Forbidden => "FieldValueForbidden",
        FieldErrorType.TooLong => "FieldValueTooLong",
        FieldErrorType.TooMany => "FieldValueTooMany",
        FieldErrorType.NotFound => "FieldValueNotFound",
        _ => "FieldValueInternal",
    };

    /// <summary>"spec.replicas: Invalid value: -1: must be greater than or equal to 0", as kube's field.Error.Error().</summary>
    public string Text => $"{Field}: {Message}";
}

public enum FieldErrorType { Required, Invalid, Duplicate, NotSupported, Forbidden, TooLong, TooMany, NotFound, Internal }
