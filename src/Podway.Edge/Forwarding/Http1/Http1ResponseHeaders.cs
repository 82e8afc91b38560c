using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Podway.Edge.Forwarding.Http1;

/// <summary>
/// Copies an upstream response head's fields to the client's response: hop-by-hop fields dropped, Content-Length
/// set as a number, Date and Server the edge's own (nginx does not pass the upstream's), repeated fields (Set-Cookie) kept apart. Common
/// field names come from a table of interned strings, so only values are allocated.
/// </summary>
internal static class Http1ResponseHeaders
{
    static readonly string[] Common =
    [
        HeaderNames.Server, HeaderNames.ContentType, HeaderNames.LastModified, HeaderNames.ETag, HeaderNames.AcceptRanges,
        HeaderNames.CacheControl, HeaderNames.Vary, HeaderNames.Expires, HeaderNames.SetCookie, HeaderNames.Location,
        HeaderNames.ContentEncoding, HeaderNames.ContentLanguage, HeaderNames.ContentDisposition, HeaderNames.ContentRange,
        HeaderNames.Pragma, HeaderNames.Age, HeaderNames.WWWAuthenticate, HeaderNames.Link, HeaderNames.XFrameOptions,
        HeaderNames.XContentTypeOptions, HeaderNames.StrictTransportSecurity, HeaderNames.AccessControlAllowOrigin,
        HeaderNames.AccessControlAllowCredentials, HeaderNames.AccessControlAllowHeaders, HeaderNames.AccessControlAllowMethods,
        HeaderNames.AccessControlExposeHeaders, HeaderNames.AccessControlMaxAge, HeaderNames.Allow, HeaderNames.RetryAfter,
        HeaderNames.ContentSecurityPolicy, HeaderNames.Trailer, HeaderNames.Connection, HeaderNames.KeepAlive,
        HeaderNames.TransferEncoding, HeaderNames.ContentLength, HeaderNames.Date, HeaderNames.Upgrade,
        HeaderNames.ProxyAuthenticate, HeaderNames.TE,
    ];

    // By length, then a linear scan: a handful of candidates each.
    static readonly (byte[] Ascii, string Name)[][] ByLength = BuildTable();

    public static void Copy(Http1ResponseHead head, ReadOnlySpan<byte> headBytes, HttpResponse response)
    {
        response.StatusCode = head.Status;
        var headers = response.Headers;
        foreach (var field in head.Fields)
        {
            var name = NameOf(headBytes.Slice(field.NameStart, field.NameLength));
            if (HopByHop.Is(name) || ReferenceEquals(name, HeaderNames.ContentLength) || ReferenceEquals(name, HeaderNames.Date)
                || ReferenceEquals(name, HeaderNames.Server))
                continue;
            headers.Append(name, Encoding.Latin1.GetString(headBytes.Slice(field.ValueStart, field.ValueLength)));
        }
        if (head.ContentLength >= 0 && head.Status != StatusCodes.Status204NoContent) response.ContentLength = head.ContentLength;
    }

    /// <summary>Trailer fields ("Name: value" lines) of a chunked body, forwarded when the client's protocol
    /// carries them (HTTP/2, or HTTP/1.1 chunked).</summary>
    public static void CopyTrailers(ReadOnlySpan<byte> section, HttpResponse response)
    {
        if (section.IsEmpty || !response.SupportsTrailers()) return;
        foreach (var range in section.Split((byte)'\n'))
        {
            var line = section[range].TrimEnd("\r"u8);
            var colon = line.IndexOf((byte)':');
            if (colon <= 0) continue;
            var name = NameOf(line[..colon]);
            if (HopByHop.Is(name)) continue;
            response.AppendTrailer(name, Encoding.Latin1.GetString(line[(colon + 1)..].Trim(" \t"u8)));
        }
    }

    static string NameOf(ReadOnlySpan<byte> ascii)
    {
        if (ascii.Length < ByLength.Length)
            foreach (var (bytes, name) in ByLength[ascii.Length])
                if (Ascii.EqualsIgnoreCase(ascii, bytes)) return name;
        return Encoding.Latin1.GetString(ascii);
    }

    static (byte[], string)[][] BuildTable()
    {
        var table = new (byte[], string)[Common.Max(n => n.Length) + 1][];
        for (var length = 0; length < table.Length; length++)
            table[length] = Common.Where(n => n.Length == length).Select(n => (Encoding.ASCII.GetBytes(n), n)).ToArray();
        return table;
    }
}
