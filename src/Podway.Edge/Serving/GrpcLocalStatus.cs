using Microsoft.AspNetCore.Http;
using Podway.Edge.Forwarding;

namespace Podway.Edge.Serving;

/// <summary>
/// The edge's own answers to gRPC calls: a "trailers-only" response (HTTP 200, `content-type: application/grpc`,
/// `grpc-status` and `grpc-message` in the one header block that ends the stream), which gRPC clients read as the
/// call's status; an HTML 404 would reach them only as a transport error mapped to a code.
/// </summary>
internal static class GrpcLocalStatus
{
    /// <summary>gRPC status codes the edge answers with (grpc/doc/statuscodes.md).</summary>
    public const int Unimplemented = 12, Unavailable = 14;

    /// <summary>A gRPC call: `content-type: application/grpc` or `application/grpc+proto` etc. (the gRPC HTTP/2 spec).</summary>
    public static bool IsGrpc(HttpRequest request) =>
        request.ContentType is { } type && type.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase)
        && (type.Length == "application/grpc".Length || type["application/grpc".Length] is '+' or ';');

    public static ForwardOutcome Write(HttpContext context, int code, string message)
    {
        var response = context.Response;
        if (response.HasStarted)
        {
            context.Abort();
            return new(null, 0, ClientAborted: false);
        }
        response.Clear();
        response.Headers.Server = EdgeIdentity.ServerHeader;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/grpc";
        response.Headers["grpc-status"] = code.ToString(System.Globalization.CultureInfo.InvariantCulture);
        // grpc-message is percent-encoded (the spec); the edge's messages are ASCII, so only spaces and '%' matter.
        response.Headers["grpc-message"] = Uri.EscapeDataString(message);
        return new(null, 0, ClientAborted: false);
    }
}
