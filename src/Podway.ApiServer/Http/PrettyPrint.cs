using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Podway.Api.Query;

namespace Podway.ApiServer.Http;

/// <summary>
/// Indented JSON responses, as kube-apiserver's isPrettyPrint decides: `?pretty=` read by Go's strconv.ParseBool (a
/// value it cannot read means no), and without it, clients whose User-Agent starts with curl, Wget or Mozilla/5.0
/// (people at a terminal or a browser). Watch streams stay one event per line.
/// </summary>
public static class PrettyPrint
{
    static readonly JsonWriterOptions Indented = new() { Indented = true };

    public static bool Wanted(HttpRequest request)
    {
        if (request.Query["pretty"].ToString() is { Length: > 0 } pretty)
            return QueryBool.TryParseGo(pretty, out var yes) && yes;
        var agent = request.Headers.UserAgent.ToString();
        return agent.StartsWith("curl", StringComparison.Ordinal) || agent.StartsWith("Wget", StringComparison.Ordinal)
            || agent.StartsWith("Mozilla/5.0", StringComparison.Ordinal);
    }

    public static JsonWriterOptions WriterOptions(HttpRequest request) => Wanted(request) ? Indented : default;
}
