using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Podway.Edge.Forwarding;
using Podway.Edge.Gateway;
using Podway.Edge.Routing;
using Podway.Edge.Routing.Annotations;

namespace Podway.Edge.Serving;

/// <summary>The gRPC side of a Gateway port: a call a GRPCRoute rule matched gets the rule's header filters and
/// mirrors, then goes to a weighted backend over HTTP/2 cleartext (prior knowledge), whatever the Service port's
/// appProtocol says: a GRPCRoute's backends speak gRPC. Problems are answered as gRPC statuses.</summary>
internal sealed partial class GatewayRequestHandler
{
    /// <summary>A mirror gets at most this much of a call's request body; past it the mirrored call is cut off.</summary>
    const int MirrorBodyLimit = 1 << 20;

    async Task<ForwardOutcome> ForwardGrpcAsync(HttpContext context, RouteAction action, string clientIp)
    {
        if (action.RequestHeaders is { } requestChanges) Apply(context.Request.Headers, requestChanges);
        if (action.ResponseHeaders is { } responseChanges)
            context.Response.OnStarting(() => { Apply(context.Response.Headers, responseChanges); return Task.CompletedTask; });
        foreach (var mirror in action.Mirrors) MirrorGrpc(context, mirror);
        var backend = action.Pick();
        // The spec: calls for an invalid backend (or a rule without any) get UNAVAILABLE.
        if (backend?.Pool is not { } pool)
            return GrpcLocalStatus.Write(context, GrpcLocalStatus.Unavailable, $"GRPCRoute {action.Route} has no valid backend for this call");
        if (pool.Usable.Count == 0)
            return GrpcLocalStatus.Write(context, GrpcLocalStatus.Unavailable, $"no ready endpoint for {pool.Display}");
        return await forwarder.ForwardAsync(context, pool, clientIp, new UpstreamSettings(BackendProtocol.H2c, null, null));
    }

    /// <summary>RequestMirror for a gRPC call: the same call (head and, as the real backend reads it, the body) to one
    /// endpoint of the mirror backend over h2c; its answer is dropped. The body is teed as it streams, so streaming
    /// calls are mirrored without holding up the real one.</summary>
    void MirrorGrpc(HttpContext context, BackendPool pool)
    {
        if (pool.Usable.Count == 0) return;
        var upstream = pool.Usable[Random.Shared.Next(pool.Usable.Count)];
        var request = context.Request;
        var target = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? request.Path.Value ?? "/";
        var address = upstream.Address.Contains(':') ? $"[{upstream.Address}]" : upstream.Address;
        var tee = new Pipe(new PipeOptions(pauseWriterThreshold: 0, resumeWriterThreshold: 0));
        request.Body = new TeeStream(request.Body, tee.Writer, MirrorBodyLimit);
        var message = new HttpRequestMessage(HttpMethod.Post, $"http://{address}:{upstream.Port}{target}")
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new StreamContent(tee.Reader.AsStream()),
        };
        foreach (var (name, values) in request.Headers)
        {
            if (name.StartsWith(':') || HopByHop.Is(name)) continue;
            if (name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
                message.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(values.ToString());
            else message.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
        }
        message.Headers.TryAddWithoutValidation("TE", "trailers");
        _ = Task.Run(async () =>
        {
            try
            {
                using var response = await mirrorClient.SendAsync(message, CancellationToken.None);
                await response.Content.CopyToAsync(Stream.Null);
            }
            catch (Exception) { } // a mirror's failure is never the client's
            finally
            {
                message.Dispose();
                await tee.Reader.CompleteAsync();
            }
        });
    }
}

/// <summary>Reads from the client's body and writes what it read into a pipe as well (the mirror's body); the pipe
/// ends with the body, or fails when the body breaks or passes <c>limit</c>.</summary>
internal sealed class TeeStream(Stream inner, PipeWriter copy, int limit) : Stream
{
    long _copied;
    bool _done;

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        int read;
        try { read = await inner.ReadAsync(buffer, cancellationToken); }
        catch (Exception e)
        {
            Finish(e);
            throw;
        }
        if (read == 0) Finish(null);
        else if (!_done)
        {
            _copied += read;
            if (_copied > limit) Finish(new IOException("mirrored body over its limit"));
            else
            {
                copy.Write(buffer.Span[..read]);
                await copy.FlushAsync(CancellationToken.None); // never waits: the pipe does not pause its writer
            }
        }
        return read;
    }

    void Finish(Exception? error)
    {
        if (_done) return;
        _done = true;
        copy.Complete(error);
    }

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) Finish(null);
        base.Dispose(disposing);
    }
}
