using Podway.Api.Errors;

namespace Podway.ApiServer.Http;

/// <summary>
/// The limits every request body is held to before any work is done on it, as kube-apiserver holds them.
/// </summary>
public static class BodyLimits
{
    /// <summary>kube-apiserver's --max-request-body-bytes default (3 MiB).</summary>
    public const int MaxBodyBytes = 3 * 1024 * 1024;

    /// <summary>
    /// Deepest nesting of objects and arrays in a JSON or YAML body. kube's decoders stop at 10000; podway stops
    /// far earlier because its own components read objects with System.Text.Json's 64-level reader, and a stored
    /// object gets deeper when served (managedFields mirror it plus 4 levels, a list or a watch event wraps it in up
    /// to 3 more). No built-in kind nests deeper than about 15.
    /// </summary>
    public const int MaxNestingDepth = 48;

    /// <summary>kube's 413: `Request entity too large: limit is 3145728`.</summary>
    public static ApiException TooLarge() =>
        new(413, "RequestEntityTooLarge", $"Request entity too large: limit is {MaxBodyBytes}");
}
