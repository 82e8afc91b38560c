using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Podway.Images.Common;

namespace Podway.Images.Echo;

/// <summary>
/// echo-basic's gRPC mode (GRPC_ECHO_SERVER set), as conformance/echo-basic/grpc serves it: the GrpcEcho service on
/// HTTP_PORT (3000) over HTTP/2 cleartext with prior knowledge. Echo and EchoTwo answer an EchoResponse whose
/// assertions carry the full method, the request's metadata (with `:authority`, without gRPC's reserved headers, as
/// grpc-go hands them to a handler), the authority and the Pod context from NAMESPACE, INGRESS_NAME, SERVICE_NAME and
/// POD_NAME; EchoThree and any other method answer UNIMPLEMENTED. Kestrel here (the other image programs use raw
/// sockets): HTTP/2's framing, HPACK and flow control are not worth writing again. Not served: the TLS port
/// (TLS_SERVER_CERT) and server reflection.
/// </summary>
internal static class GrpcEcho
{
    // grpc-go's isReservedHeader (less user-agent, which it lets through): transport headers a handler's metadata never shows.
    static readonly HashSet<string> Reserved = new(StringComparer.OrdinalIgnoreCase)
    {
        "content-type", "grpc-message-type", "grpc-encoding", "grpc-message", "grpc-status", "grpc-timeout",
        "grpc-status-details-bin", "te",
    };

    public static async Task<int> RunAsync(string portText)
    {
        if (!int.TryParse(portText, out var port) || port is <= 0 or > 65535)
        {
            Console.Out.WriteLine($"non-integer value in HTTP_PORT '{portText}'");
            return 1;
        }
        var context = (Env("NAMESPACE"), Env("INGRESS_NAME"), Env("SERVICE_NAME"), Env("POD_NAME"));
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(k =>
            k.Listen(IPAddress.Any, port, listen => listen.Protocols = HttpProtocols.Http2));
        await using var app = builder.Build();
        app.Run(http => AnswerAsync(http, context));
        using var termination = new Termination();
        try
        {
            await app.StartAsync();
        }
        catch (IOException e) when (e.InnerException is SocketException)
        {
            Console.Out.WriteLine($"failed to listen: {e.Message}");
            return 1;
        }
        Console.Out.WriteLine($"plaintext server listening at [::]:{port}");
        await termination.Signaled;
        await app.StopAsync();
        return 0;
    }

    static async Task AnswerAsync(HttpContext http, (string, string, string, string) context)
    {
        var request = http.Request;
        var response = http.Response;
        // The request message is read and ignored (EchoRequest is empty), so the call completes as gRPC expects.
        await request.Body.CopyToAsync(Stream.Null);
        response.ContentType = "application/grpc";
        var path = request.Path.Value ?? "";
        var slash = path.LastIndexOf('/');
        var service = slash > 0 ? path[1..slash] : "";
        var method = slash >= 0 ? path[(slash + 1)..] : "";
        if (request.Method != "POST" || service != GrpcEchoMessages.Service || method is not ("Echo" or "EchoTwo"))
        {
            // grpc-go's words: an unknown service, or the unimplemented EchoThree (or any unknown method).
            var message = service != GrpcEchoMessages.Service ? $"unknown service {service}"
                : method == "EchoThree" ? "method EchoThree not implemented" : $"unknown method {method} for service {service}";
            response.Headers["grpc-status"] = "12";
            response.Headers["grpc-message"] = Uri.EscapeDataString(message);
            return;
        }
        var authority = request.Host.Value ?? "";
        var headers = new List<KeyValuePair<string, string>> { new(":authority", authority) };
        foreach (var (name, values) in request.Headers)
        {
            if (name.StartsWith(':') || Reserved.Contains(name) || name.Equals("Host", StringComparison.OrdinalIgnoreCase)) continue;
            foreach (var value in values) headers.Add(new(name.ToLowerInvariant(), value ?? ""));
        }
        Console.Out.WriteLine($"Received over plaintext: {path}");
        var body = GrpcEchoMessages.Frame(GrpcEchoMessages.EchoResponse(path, headers, authority, context));
        http.Features.Get<IHttpResponseTrailersFeature>()!.Trailers["grpc-status"] = "0";
        await response.Body.WriteAsync(body);
    }

    static string Env(string name) => Environment.GetEnvironmentVariable(name) ?? "";
}
