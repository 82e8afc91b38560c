using Microsoft.AspNetCore.Http;

namespace Podway.Edge.Forwarding;

/// <summary>Which failures reading the client's request body are the client's malformed framing (answered 400).</summary>
internal static class MalformedClientBody
{
    /// <summary>
    /// Kestrel's BadHttpRequestException (bad chunk size, missing CRLF, a body shorter than its Content-Length...);
    /// a chunk size past 32 bits surfaces instead as an IOException "Bad chunk size data." around an OverflowException.
    /// </summary>
    /// <summary>Kestrel's refusal of a body past the request's MaxRequestBodySize (the route's proxy-body-size).</summary>
    public static bool TooLarge(Exception e) => e is BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge };

    public static bool Is(Exception e) => e is BadHttpRequestException || (e is IOException && e.InnerException is OverflowException);
}
