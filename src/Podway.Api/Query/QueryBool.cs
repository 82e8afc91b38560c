namespace Podway.Api.Query;

/// <summary>
/// Boolean query parameters as kube-apiserver reads them into ListOptions, PatchOptions, DeleteOptions,
/// PodLogOptions and PodExecOptions (apimachinery's runtime.Convert_Slice_string_To_bool): absent is false; a
/// first value of "0" or "false" in any case is false; any other value, the empty one included, is true. So
/// `watch=True`, `follow=1`, `stdout=t` and a bare `?watch` all mean true, and no value is an error.
/// </summary>
public static class QueryBool
{
    /// <summary>The parameter's values (all of them, as the query holds them); absent or empty means not given.</summary>
    public static bool Parse(string?[]? values) => ParseOptional(values) ?? false;

    /// <summary>For the options kube keeps as *bool (force, orphanDependents): null when the parameter is absent.</summary>
    public static bool? ParseOptional(string?[]? values)
    {
        if (values is null || values.Length == 0) return null;
        var first = values[0] ?? "";
        return !(first == "0" || first.Equals("false", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Go's strconv.ParseBool, which kube uses for `pretty`: false when the text is none of its spellings.</summary>
    public static bool TryParseGo(string text, out bool value)
    {
        switch (text)
        {
            case "1" or "t" or "T" or "TRUE" or "true" or "True": value = true; return true;
            case "0" or "f" or "F" or "FALSE" or "false" or "False": value = false; return true;
            default: value = false; return false;
        }
    }
}
