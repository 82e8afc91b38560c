using System.Buffers;
using System.Net;
using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Podway.Edge.Forwarding.Http1;
using Podway.Edge.Routing;
using Podway.Edge.Routing.Annotations;

namespace Podway.Edge.Forwarding;

/// <summary>
/// Forwards one request to one of a pool's usable endpoints and streams the answer back (the steps of YARP's
/// HttpForwarder, without its transforms): pick an endpoint (power of two choices), build the upstream request with
/// the body streamed from the client, send it, copy status and headers, then either tunnel an upgrade or stream the
/// body and trailers.
/// A failed connect moves on to another endpoint whatever the method; an idempotent request without body also
/// moves on when the connection failed before any response byte. Errors before the response starts become
/// 502 (nothing reachable) or 504 (no response headers in time).
/// </summary>
internal sealed class HttpForwarder(HttpMessageInvoker client, Http1Forwarder http1, TimeSpan responseHeaderTimeout, int maxAttempts)
{
    readonly EndpointPicker _picker = new();

    const string H2c = "kubernetes.io/h2c";

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<ForwardOutcome> ForwardAsync(HttpContext context, BackendPool pool, string clientIp, UpstreamSettings settings = default)
    {
        var usable = pool.Usable;
        var request = context.Request;
        var aborted = context.RequestAborted;
        var upgrade = UpgradeKind.Of(context);
        var body = upgrade.IsNone && HasBody(context) ? request.Body : null;
        var canRetryAfterSend = body is null && upgrade.IsNone && IsIdempotent(request.Method);
        var upstreamHttp2 = upgrade.IsNone && (settings.Protocol is BackendProtocol.H2c or BackendProtocol.Grpcs
            || string.Equals(pool.AppProtocol, H2c, StringComparison.Ordinal));
        var upstreamTls = settings.Protocol is BackendProtocol.Https or BackendProtocol.Grpcs;
        var target = Target(context);

        Upstream? upstream = null;
        var attempts = Math.Min(maxAttempts, usable.Count);
        // Session affinity: the pinned endpoint first; only it, unless the affinity may change on failure.
        var pinnedIndex = settings.Pinned is { } pinned ? IndexOf(usable, pinned) : -1;
        if (pinnedIndex >= 0 && settings.PinnedOnly) attempts = 1;
        int[]? tried = null; // allocated on the first retry only
        for (var attempt = 0; attempt < attempts; attempt++)
        {
            var index = attempt == 0 && pinnedIndex >= 0 ? pinnedIndex : _picker.Pick(usable, attempt == 0 ? default : tried.AsSpan(0, attempt));
            if (attempt + 1 < attempts) (tried ??= new int[attempts])[attempt] = index;
            upstream = usable[index];
            settings.Chosen?.Invoke(upstream);
            var inFlight = _picker.CounterFor(upstream);
            Interlocked.Increment(ref inFlight.Value);
            try
            {
                if (upgrade.IsNone && !upstreamHttp2 && !upstreamTls)
                {
                    var http1Attempt = await http1.ForwardAsync(context, upstream, target, clientIp, body is not null, settings.Connect, settings.Read, settings.Send);
                    switch (http1Attempt.Kind)
                    {
                        case Http1AttemptKind.Forwarded: return new(upstream, http1Attempt.BodyBytes, ClientAborted: false);
                        case Http1AttemptKind.ClientGone: return new(upstream, http1Attempt.BodyBytes, ClientAborted: true);
                        case Http1AttemptKind.ConnectFailed when attempt + 1 < attempts: continue;
                        case Http1AttemptKind.FailedBeforeResponse when canRetryAfterSend && attempt + 1 < attempts: continue;
                        case Http1AttemptKind.TimedOut: return await Fail(context, StatusCodes.Status504GatewayTimeout, upstream);
                        case Http1AttemptKind.BadRequestBody: return await Fail(context, StatusCodes.Status400BadRequest, upstream);
                        case Http1AttemptKind.BodyTooLarge: return await Fail(context, StatusCodes.Status413PayloadTooLarge, upstream);
                        default: return await Fail(context, StatusCodes.Status502BadGateway, upstream);
                    }
                }
                var content = body is null ? null : new StreamingRequestContent(body);
                using var message = new HttpRequestMessage(upgrade.IsNone ? HttpMethodOf(request.Method) : HttpMethod.Get,
                    UpstreamUri(upstream, target, upstreamTls))
                {
                    Version = upstreamHttp2 ? HttpVersion.Version20 : HttpVersion.Version11,
                    VersionPolicy = HttpVersionPolicy.RequestVersionExact,
                    Content = content,
                };
                var headers = new MessageHeaderSink(message);
                RequestHeaders.Copy(context, ref headers, upstreamHttp2, clientIp);
                upgrade.AddRequestHeaders(context, message);

                using var headerDeadline = CancellationTokenSource.CreateLinkedTokenSource(aborted);
                headerDeadline.CancelAfter(settings.Read ?? responseHeaderTimeout);
                HttpResponseMessage response;
                try
                {
                    response = await client.SendAsync(message, headerDeadline.Token);
                }
                catch (Exception e)
                {
                    if (content?.Malformed == true) return await Fail(context, StatusCodes.Status400BadRequest, upstream);
                    if (aborted.IsCancellationRequested) return new(upstream, 0, ClientAborted: true);
                    if (headerDeadline.IsCancellationRequested)
                        return await Fail(context, StatusCodes.Status504GatewayTimeout, upstream);
                    var retry = (UpstreamConnectException.IsConnectFailure(e) && content?.Started != true)
                                || (canRetryAfterSend && FailedBeforeResponse(e));
                    if (retry && attempt + 1 < attempts) continue;
                    return await Fail(context, StatusCodes.Status502BadGateway, upstream);
                }
                headerDeadline.CancelAfter(Timeout.Infinite);

                using (response)
                {
                    if (response.StatusCode == HttpStatusCode.SwitchingProtocols && !upgrade.IsNone)
                        return new(upstream, await upgrade.TunnelAsync(context, response), ClientAborted: false);
                    return await StreamResponse(context, response, upstream);
                }
            }
            finally
            {
                Interlocked.Decrement(ref inFlight.Value);
            }
        }
        return await Fail(context, StatusCodes.Status502BadGateway, upstream);
    }

    static int IndexOf(IReadOnlyList<Upstream> usable, Upstream upstream)
    {
        for (var i = 0; i < usable.Count; i++)
            if (ReferenceEquals(usable[i], upstream)) return i;
        return -1;
    }

    static async Task<ForwardOutcome> StreamResponse(HttpContext context, HttpResponseMessage response, Upstream upstream)
    {
        ResponseHeaders.Copy(response, context.Response);
        var aborted = context.RequestAborted;
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        long sent = 0;
        try
        {
            await using var source = await response.Content.ReadAsStreamAsync(aborted);
            var output = context.Response.Body;
            while (true)
            {
                int read;
                try
                {
                    read = await source.ReadAsync(buffer, aborted);
                }
                catch (Exception) when (!aborted.IsCancellationRequested)
                {
                    // The upstream broke off mid-body: the client must not take the truncated body for complete.
                    if (!context.Response.HasStarted) return await Fail(context, StatusCodes.Status502BadGateway, upstream);
                    context.Abort();
                    return new(upstream, sent, ClientAborted: false);
                }
                if (read == 0) break;
                await output.WriteAsync(buffer.AsMemory(0, read), aborted);
                sent += read;
            }
            ResponseHeaders.CopyTrailers(response, context);
            return new(upstream, sent, ClientAborted: false);
        }
        catch (Exception) when (aborted.IsCancellationRequested)
        {
            return new(upstream, sent, ClientAborted: true);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    static async Task<ForwardOutcome> Fail(HttpContext context, int status, Upstream? upstream)
    {
        await LocalResponse.WriteAsync(context, status);
        return new(upstream, LocalResponse.BodyLength(status), ClientAborted: false);
    }

    /// <summary>The connection failed or closed before any response: a GET sent again cannot do harm. (A connection
    /// reset just after connect can also surface as a bare SocketException from SocketsHttpHandler.)</summary>
    static bool FailedBeforeResponse(Exception e) =>
        e is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.ResponseEnded or HttpRequestError.Unknown }
            or IOException or System.Net.Sockets.SocketException;

    static bool IsIdempotent(string method) => HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method);

    /// <summary>Whether the client sends a body (Kestrel knows from Content-Length, chunked, or HTTP/2 framing).</summary>
    static bool HasBody(HttpContext context) =>
        context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody ?? context.Request.ContentLength > 0;

    /// <summary>The request target as the client sent it (path and query, not re-encoded).</summary>
    static string Target(HttpContext context)
    {
        var raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (!string.IsNullOrEmpty(raw) && raw[0] == '/') return raw;
        // Absolute-form or asterisk targets: rebuild from the parsed parts.
        var request = context.Request;
        var path = request.PathBase.Add(request.Path).ToUriComponent();
        return (path.Length == 0 ? "/" : path) + request.QueryString.ToUriComponent();
    }

    static Uri UpstreamUri(Upstream upstream, string target, bool tls)
    {
        var port = upstream.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var scheme = tls ? "https://" : "http://";
        return new Uri(upstream.Address.Contains(':')
            ? string.Concat(scheme, "[", upstream.Address, "]:", port + target)
            : string.Concat(scheme, upstream.Address, ":", port + target));
    }

    static HttpMethod HttpMethodOf(string method) => method switch
    {
        "GET" => HttpMethod.Get,
        "POST" => HttpMethod.Post,
        "PUT" => HttpMethod.Put,
        "DELETE" => HttpMethod.Delete,
        "HEAD" => HttpMethod.Head,
        "OPTIONS" => HttpMethod.Options,
        "PATCH" => HttpMethod.Patch,
        _ => new HttpMethod(method),
    };
}
