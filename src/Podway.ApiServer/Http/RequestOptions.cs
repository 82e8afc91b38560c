using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Podway.Api.Errors;
using Podway.Api.Json;
using Podway.Api.Patching;
using Podway.ApiServer.Registry;
using Podway.Api.Query;

namespace Podway.ApiServer.Http;

/// <summary>Reads the query parameters and bodies of API requests into options (metav1 ListOptions, DeleteOptions...).</summary>
public static class RequestOptions
{
    public static WriteOptions Write(HttpRequest request)
    {
        var q = request.Query;
        var manager = ManagedFields.ManagerFor(q["fieldManager"].ToString(), request.Headers.UserAgent.ToString());
        var validation = q["fieldValidation"].ToString() switch
        {
            "Strict" => FieldValidation.Strict,
            "Warn" => FieldValidation.Warn,
            "Ignore" or "" => FieldValidation.Ignore,
            var other => throw ApiException.BadRequest($"fieldValidation must be one of \"Ignore\", \"Warn\", or \"Strict\", got \"{other}\""),
        };
        return new WriteOptions(manager, IsDryRun(request), validation);
    }

    static bool IsDryRun(HttpRequest request)
    {
        var dry = request.Query["dryRun"].ToString();
        if (dry.Length == 0) return false;
        if (dry != "All") throw ApiException.BadRequest($"Invalid dryRun value: {dry}; supported values: [All]");
        return true;
    }

    /// <summary>The body, refused with kube's 413 as soon as it is known to pass the limit (Content-Length, or the bytes read).</summary>
    public static async Task<byte[]> ReadBodyAsync(HttpRequest request, CancellationToken ct)
    {
        if (request.ContentLength > BodyLimits.MaxBodyBytes) throw BodyLimits.TooLarge();
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        try
        {
            while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
            {
                buffer.Write(chunk, 0, read);
                if (buffer.Length > BodyLimits.MaxBodyBytes) throw BodyLimits.TooLarge();
            }
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            throw BodyLimits.TooLarge(); // Kestrel's own limit, the same number, reached first
        }
        return buffer.ToArray();
    }

    public static async Task<JsonObject> ReadObjectAsync(HttpRequest request, CancellationToken ct)
    {
        var body = await ReadBodyAsync(request, ct);
        return BodyParser.ParseObject(body, request.ContentType);
    }

    public static DeleteOptions Delete(HttpRequest request, JsonObject? body)
    {
        var q = request.Query;
        var policyText = body.Str("propagationPolicy") ?? (q["propagationPolicy"].ToString() is { Length: > 0 } p ? p : null);
        PropagationPolicy? policy = policyText switch
        {
            null => null,
            "Background" => PropagationPolicy.Background,
            "Foreground" => PropagationPolicy.Foreground,
            "Orphan" => PropagationPolicy.Orphan,
            _ => throw ApiException.Invalid("", "DeleteOptions", "", [new(Api.Validation.FieldErrorType.NotSupported, "propagationPolicy", $"Unsupported value: \"{policyText}\": supported values: \"Foreground\", \"Background\", \"Orphan\", \"nil\"")]),
        };
        var orphan = body.Bool("orphanDependents") ?? QueryBool.ParseOptional(q["orphanDependents"]);
        if (policy == null && orphan is bool orphanDependents)
            policy = orphanDependents ? PropagationPolicy.Orphan : PropagationPolicy.Background;
        long? grace = body.Long("gracePeriodSeconds") ?? (long.TryParse(q["gracePeriodSeconds"], out var g) ? g : null);
        var preconditions = body?.Obj("preconditions");
        var dryRun = body?.Arr("dryRun")?.Count > 0 || IsDryRun(request);
        return new DeleteOptions(policy, grace, preconditions.Str("uid"), preconditions.Str("resourceVersion"), dryRun);
    }
}
