using System.Net.Http.Headers;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace Podway.Edge.Forwarding;

/// <summary>Copies the upstream's response status and headers (hop-by-hop ones dropped; Kestrel frames the body
/// itself) and, after the body, its trailers when the client's protocol carries them.</summary>
internal static class ResponseHeaders
{
    public static void Copy(HttpResponseMessage source, HttpResponse target)
    {
        target.StatusCode = (int)source.StatusCode;
        var headers = target.Headers;
        CopyFrom(source.Headers.NonValidated, headers);
        CopyFrom(source.Content.Headers.NonValidated, headers);
    }

    static void CopyFrom(HttpHeadersNonValidated from, IHeaderDictionary to)
    {
        foreach (var (name, values) in from)
        {
            // The Server field stays the edge's own, as nginx hides the upstream's (proxy_hide_header's default).
            if (HopByHop.Is(name) || name.Equals(HeaderNames.Server, StringComparison.OrdinalIgnoreCase)) continue;
            to[name] = ToStringValues(values);
        }
    }

    public static void CopyTrailers(HttpResponseMessage source, HttpContext context)
    {
        var trailers = source.TrailingHeaders.NonValidated;
        if (trailers.Count == 0) return;
        var feature = context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpResponseTrailersFeature>();
        if (feature?.Trailers is not { IsReadOnly: false } target) return;
        foreach (var (name, values) in trailers) target[name] = ToStringValues(values);
    }

    static StringValues ToStringValues(HeaderStringValues values)
    {
        if (values.Count == 1)
            foreach (var value in values) return value;
        var array = new string[values.Count];
        var i = 0;
        foreach (var value in values) array[i++] = value;
        return array;
    }
}
