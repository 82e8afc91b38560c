using Microsoft.Extensions.Primitives;

namespace Podway.Edge.Forwarding;

/// <summary>Where <see cref="RequestHeaders.Copy"/> puts the upstream request's headers: an HttpRequestMessage
/// (HTTP/2 and upgrades) or the bytes of an HTTP/1.1 request head.</summary>
internal interface IUpstreamHeaderSink
{
    void Add(string name, string value);
    void Add(string name, StringValues values);
}

/// <summary>Headers into an <see cref="HttpRequestMessage"/>: content headers (Content-Type, Content-Length, ...)
/// belong to its content; a request without body still gets one, empty, so that e.g. "POST, Content-Length: 0" stays
/// exactly that.</summary>
internal readonly struct MessageHeaderSink(HttpRequestMessage message) : IUpstreamHeaderSink
{
    public void Add(string name, string value)
    {
        if (message.Headers.TryAddWithoutValidation(name, value)) return;
        message.Content ??= new ByteArrayContent([]);
        message.Content.Headers.TryAddWithoutValidation(name, value);
    }

    public void Add(string name, StringValues values)
    {
        if (values.Count == 1)
        {
            Add(name, values[0]!);
            return;
        }
        if (message.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values)) return;
        message.Content ??= new ByteArrayContent([]);
        message.Content.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
    }
}
