using System.Text;

namespace Podway.Images.Http;

/// <summary>Finds one file field in a multipart/form-data body (what `curl -F file=@x` sends).</summary>
internal static class Multipart
{
    public static byte[]? FindFile(HttpRequest request, string field)
    {
        var contentType = request.Header("Content-Type") ?? "";
        if (!contentType.StartsWith("multipart/form-data", StringComparison.OrdinalIgnoreCase)) return null;
        var b = contentType.IndexOf("boundary=", StringComparison.OrdinalIgnoreCase);
        if (b < 0) return null;
        var boundary = contentType[(b + 9)..].Split(';')[0].Trim().Trim('"');
        var delimiter = Encoding.ASCII.GetBytes("--" + boundary);
        var body = request.Body.AsSpan();
        var pos = body.IndexOf(delimiter);
        while (pos >= 0)
        {
            var part = body[(pos + delimiter.Length)..];
            if (part.StartsWith("--"u8)) return null; // closing delimiter
            var next = part.IndexOf(delimiter);
            if (next < 0) return null;
            var content = part[..next];
            var headEnd = content.IndexOf("\r\n\r\n"u8);
            if (headEnd >= 0)
            {
                var headers = Encoding.UTF8.GetString(content[..headEnd]);
                var data = content[(headEnd + 4)..];
                if (data.EndsWith("\r\n"u8)) data = data[..^2];
                if ((headers.Contains($"name=\"{field}\"", StringComparison.Ordinal) || headers.Contains($"name={field};", StringComparison.Ordinal)) && headers.Contains("filename=", StringComparison.Ordinal))
                    return data.ToArray();
            }
            body = part;
            pos = next;
        }
        return null;
    }
}
