using System.Text.Json.Nodes;
using Podway.Api.Errors;
using Podway.Api.Json;
using Podway.Storage;

namespace Podway.ApiServer.Handlers;

/// <summary>The opaque `continue` value of a paged list: where the next page starts and the revision the list began at.</summary>
public static class ContinueToken
{
    public static string Encode(long revision, ObjectKey after)
    {
        var json = new JsonObject { ["v"] = "meta.k8s.io/v1", ["rv"] = revision, ["ns"] = after.Namespace, ["start"] = after.Name };
        return Convert.ToBase64String(json.ToUtf8()).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    public static ObjectKey Decode(string token)
    {
        try
        {
            var b64 = token.Replace('-', '+').Replace('_', '/');
            b64 = b64.PadRight(b64.Length + (4 - b64.Length % 4) % 4, '=');
            var obj = JsonNodes.ParseObject(Convert.FromBase64String(b64));
            if (obj.Str("v") != "meta.k8s.io/v1" || obj.Str("start") is not { } start) throw new FormatException();
            return new ObjectKey(obj.Str("ns") ?? "", start);
        }
        catch (Exception e) when (e is FormatException or System.Text.Json.JsonException or InvalidCastException)
        {
            throw ApiException.BadRequest($"continue key is not valid: {e.Message}");
        }
    }
}
