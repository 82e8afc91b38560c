using System.Globalization;
using System.Text;

namespace Podway.Api.Validation;

/// <summary>A value already printed the way Go's %#v or a Stringer would print it (not quoted again).</summary>
internal readonly record struct GoRaw(string Text);

/// <summary>
/// Builds FieldErrors worded as apimachinery's field.Error.ErrorBody(): "Invalid value: \"x\": detail".
/// Strings are Go-%q quoted, numbers and bools printed bare, GoRaw printed as is.
/// </summary>
internal static class Errs
{
    public static FieldError Required(string path, string detail = "") =>
        new(FieldErrorType.Required, path, Join("Required value", detail));

    public static FieldError Forbidden(string path, string detail) =>
        new(FieldErrorType.Forbidden, path, Join("Forbidden", detail));

    public static FieldError Invalid(string path, object? value, string detail) =>
        new(FieldErrorType.Invalid, path, Join("Invalid value: " + Go(value), detail));

    public static FieldError Duplicate(string path, object? value) =>
        new(FieldErrorType.Duplicate, path, "Duplicate value: " + Go(value));

    public static FieldError NotFound(string path, object? value) =>
        new(FieldErrorType.NotFound, path, "Not found: " + Go(value));

    public static FieldError NotSupported(string path, object? value, IEnumerable<string> valid)
    {
        var quoted = string.Join(", ", valid.Select(Quote));
        return new(FieldErrorType.NotSupported, path, Join("Unsupported value: " + Go(value), quoted.Length == 0 ? "" : "supported values: " + quoted));
    }

    /// <summary>field.TooLong: the value is omitted from the message.</summary>
    public static FieldError TooLong(string path, int max) =>
        new(FieldErrorType.TooLong, path, $"Too long: may not be more than {max} bytes");

    public static FieldError TooMany(string path, int actual, int max) =>
        new(FieldErrorType.TooMany, path, $"Too many: {actual}: must have at most {max} items");

    /// <summary>apimachinery ValidateNonnegativeField.</summary>
    public static void NonNegative(List<FieldError> errs, long? value, string path)
    {
        if (value is < 0) errs.Add(Invalid(path, value.Value, "must be greater than or equal to 0"));
    }

    static string Join(string head, string detail) => detail.Length == 0 ? head : head + ": " + detail;

    /// <summary>How field.Error prints a bad value.</summary>
    public static string Go(object? value) => value switch
    {
        null => "null",
        string s => Quote(s),
        bool b => b ? "true" : "false",
        GoRaw r => r.Text,
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "null",
    };

    /// <summary>Go's strconv.Quote for the characters API values contain.</summary>
    public static string Quote(string s)
    {
        var sb = new StringBuilder(s.Length + 2).Append('"');
        foreach (var rune in s.EnumerateRunes())
        {
            switch (rune.Value)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '\a': sb.Append("\\a"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                case '\v': sb.Append("\\v"); break;
                default:
                    if (rune.Value < 0x20 || rune.Value == 0x7f) sb.Append($"\\x{rune.Value:x2}");
                    else if (Rune.GetUnicodeCategory(rune) is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.OtherNotAssigned)
                        sb.Append(rune.Value > 0xffff ? $"\\U{rune.Value:x8}" : $"\\u{rune.Value:x4}");
                    else sb.Append(rune.ToString());
                    break;
            }
        }
        return sb.Append('"').ToString();
    }

    /// <summary>%#v of a map[string]string: keys sorted, as Go's fmt prints maps.</summary>
    public static GoRaw GoStringMap(IReadOnlyList<KeyValuePair<string, string>>? map)
    {
        if (map is null) return new("map[string]string(nil)");
        var items = map.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => Quote(p.Key) + ":" + Quote(p.Value));
        return new("map[string]string{" + string.Join(", ", items) + "}");
    }

    /// <summary>%#v of a []string.</summary>
    public static GoRaw GoStringSlice(IEnumerable<string>? items) =>
        items is null ? new("[]string(nil)") : new("[]string{" + string.Join(", ", items.Select(Quote)) + "}");
}
