using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Http;
using Podway.Edge.Routing;

namespace Podway.Edge.Forwarding.Http1;

/// <summary>
/// One try of a request on one endpoint over our own HTTP/1.1 connections: the head written straight into a send
/// buffer, the body (if any) streamed alongside, the response head parsed in place and its body received straight
/// into the client's response pipe. Everything runs on the thread whose socket completed, with no thread pool hop and
/// nothing allocated per request beyond the header strings Kestrel needs.
/// A reused connection that turns out closed by the upstream before any response is replaced by a new one once.
/// The async methods on the per-request path use pooled state machines: one request would otherwise allocate one for
/// each method that waits on the network.
/// </summary>
internal sealed class Http1Forwarder(Http1ConnectionPool pool, TimeSpan responseTimeout)
{
    const int ChunkFrameSize = 16 * 1024;

    readonly long _timeoutTicks = Http1ConnectionPool.ToTicks(responseTimeout);

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<Http1Attempt> ForwardAsync(HttpContext context, Upstream upstream, string target, string clientIp, bool hasBody,
        TimeSpan? connectTimeout = null, TimeSpan? readTimeout = null, TimeSpan? sendTimeout = null)
    {
        Http1Connection connection;
        var readTicks = readTimeout is { } read ? Http1ConnectionPool.ToTicks(read) : _timeoutTicks;
        var sendTicks = sendTimeout is { } send ? Http1ConnectionPool.ToTicks(send) : 0;
        try
        {
            connection = await pool.RentAsync(upstream, checkAlive: hasBody, connectTimeout);
        }
        catch (UpstreamConnectException)
        {
            return new(Http1AttemptKind.ConnectFailed);
        }
        connection.ReadTimeoutTicks = readTicks;
        connection.SendTimeoutTicks = sendTicks;
        var attempt = await ExchangeAsync(context, connection, upstream, target, clientIp, hasBody);
        if (attempt is { Kind: Http1AttemptKind.FailedBeforeResponse, BodyStarted: false } && connection.Completed > 0)
        {
            try
            {
                connection = await pool.ConnectAsync(upstream, connectTimeout);
            }
            catch (UpstreamConnectException)
            {
                return new(Http1AttemptKind.ConnectFailed);
            }
            connection.ReadTimeoutTicks = readTicks;
            connection.SendTimeoutTicks = sendTicks;
            attempt = await ExchangeAsync(context, connection, upstream, target, clientIp, hasBody);
        }
        return attempt;
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    async ValueTask<Http1Attempt> ExchangeAsync(HttpContext context, Http1Connection connection, Upstream upstream,
        string target, string clientIp, bool hasBody)
    {
        var request = context.Request;
        var isHead = HttpMethods.IsHead(request.Method);
        connection.Begin(context.RequestAborted);
        var chunkedBody = hasBody && request.ContentLength is null;
        var head = new Http1RequestWriter(connection.SendBuffer);
        head.RequestLine(request.Method, target);
        // HTTP/1.1 requires a Host; an HTTP/1.0 client may not have sent one.
        if (!request.Host.HasValue) head.Add("Host", upstream.ToString());
        RequestHeaders.Copy(context, ref head, upstreamIsHttp2: false, clientIp);
        if (chunkedBody) head.Add("Transfer-Encoding", "chunked");
        head.End();
        connection.SendBuffer = head.Buffer;

        Task<BodySent>? body = null;
        var reusable = false;
        try
        {
            try
            {
                await SendAllAsync(connection, head.Written);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                return new(FailureOf(connection, receivedAny: false));
            }
            if (hasBody) body = SendBodyAsync(request.BodyReader, connection, chunkedBody);

            connection.ExpectBytesWithin(connection.ReadTimeoutTicks);
            var (headLength, failure) = await ReadHeadAsync(connection, upstream);
            if (failure is { } kind) return new(kind, BodyStarted: body is not null);
            var parsed = connection.Head;

            var response = context.Response;
            Http1ResponseHeaders.Copy(parsed, connection.Buffer.AsSpan(connection.Start, headLength), response);
            connection.Start += headLength;
            var copied = !parsed.HasBody(isHead) ? new BodyCopied(0, Complete: true)
                : parsed.ContentLength >= 0 ? await CopyLengthAsync(connection, parsed.ContentLength, response)
                : parsed.Chunked ? await CopyChunkedAsync(connection, response)
                : await CopyUntilCloseAsync(connection, response);
            if (copied.ClientGone || connection.AbortReason == Http1AbortReason.ClientGone)
                return new(Http1AttemptKind.ClientGone, copied.Sent);
            if (connection.AbortReason == Http1AbortReason.BadRequestBody && !response.HasStarted)
                return new(Http1AttemptKind.BadRequestBody);
            if (connection.AbortReason == Http1AbortReason.BodyTooLarge && !response.HasStarted)
                return new(Http1AttemptKind.BodyTooLarge);
            if (!copied.Complete)
            {
                // The upstream broke off mid-body (or stalled past the timeout): the client must not take the
                // truncated body for complete.
                if (!response.HasStarted) return new(Http1AttemptKind.BadResponse, BodyStarted: body is not null);
                context.Abort();
                return new(Http1AttemptKind.Forwarded, copied.Sent);
            }
            reusable = parsed.KeepAlive && connection.Start == connection.End
                       && (parsed.ContentLength >= 0 || parsed.Chunked || !parsed.HasBody(isHead))
                       && (body is null || (body.IsCompleted && body.Result == BodySent.All));
            return new(Http1AttemptKind.Forwarded, copied.Sent);
        }
        finally
        {
            pool.Release(connection, reusable);
            if (body is not null)
            {
                // An upstream that answered before reading the whole body: stop reading the client's.
                if (!body.IsCompleted) request.BodyReader.CancelPendingRead();
                await body;
            }
        }
    }

    /// <summary>Reads and parses the final response head, skipping interim 1xx ones (100 Continue, 103 Early Hints):
    /// its length from <see cref="Http1Connection.Start"/>, or how the attempt failed.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    static async ValueTask<(int Length, Http1AttemptKind? Failure)> ReadHeadAsync(Http1Connection connection, Upstream upstream)
    {
        var receivedAny = false;
        var head = connection.Head;
        while (true)
        {
            var length = Http1ResponseHead.FindEnd(connection.Buffer.AsSpan(connection.Start, connection.End - connection.Start));
            if (length > 0)
            {
                if (!head.TryParse(connection.Buffer.AsSpan(connection.Start, length), out var error))
                {
                    Console.Error.WriteLine($"edge: upstream {upstream} sent an invalid response head: {error}");
                    return (0, Http1AttemptKind.BadResponse);
                }
                if (head.Status >= 200) return (length, null);
                if (head.Status == StatusCodes.Status101SwitchingProtocols) return (0, Http1AttemptKind.BadResponse); // not asked for
                connection.Start += length;
                continue;
            }
            if (!connection.MakeRoom(Http1ResponseHead.MaxLength))
            {
                Console.Error.WriteLine($"edge: upstream {upstream} sent a response head over {Http1ResponseHead.MaxLength} bytes");
                return (0, Http1AttemptKind.BadResponse);
            }
            int read;
            try
            {
                read = await connection.Socket.ReceiveAsync(connection.Buffer.AsMemory(connection.End), SocketFlags.None);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                read = 0;
            }
            if (read == 0) return (0, FailureOf(connection, receivedAny));
            receivedAny = true;
            connection.End += read;
        }
    }

    /// <summary>Why a connection failed under a request: what the sweeper saw, or the upstream.</summary>
    static Http1AttemptKind FailureOf(Http1Connection connection, bool receivedAny) => connection.AbortReason switch
    {
        Http1AbortReason.TimedOut => Http1AttemptKind.TimedOut,
        Http1AbortReason.ClientGone => Http1AttemptKind.ClientGone,
        Http1AbortReason.BadRequestBody => Http1AttemptKind.BadRequestBody,
        Http1AbortReason.BodyTooLarge => Http1AttemptKind.BodyTooLarge,
        _ => receivedAny ? Http1AttemptKind.BadResponse : Http1AttemptKind.FailedBeforeResponse,
    };

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    /// <summary>Sends all of <paramref name="data"/>; with a send timeout (proxy-send-timeout) each write must be
    /// taken by the upstream within it, else the sweeper closes the connection (nginx's "between two successive write
    /// operations").</summary>
    static async ValueTask SendAllAsync(Http1Connection connection, ReadOnlyMemory<byte> data)
    {
        while (!data.IsEmpty)
        {
            if (connection.SendTimeoutTicks > 0) connection.SendingWithin(connection.SendTimeoutTicks);
            data = data[await connection.Socket.SendAsync(data, SocketFlags.None)..];
        }
        connection.SendingWithin(0);
    }

    enum BodySent : byte { All, Stopped }

    /// <summary>Streams the client's body upstream as it arrives (chunk-framed when it has no length). A client that
    /// fails mid-body closes the upstream connection, which ends the exchange as the client's abort.</summary>
    static async Task<BodySent> SendBodyAsync(PipeReader reader, Http1Connection connection, bool chunked)
    {
        var frame = chunked ? ArrayPool<byte>.Shared.Rent(ChunkFrameSize + 32) : null;
        try
        {
            while (true)
            {
                ReadResult read;
                try
                {
                    read = await reader.ReadAsync();
                }
                catch (Exception e) when (MalformedClientBody.Is(e))
                {
                    // Kestrel's refusal of the client's framing: the request is the client's fault, not the upstream's.
                    connection.Abort(MalformedClientBody.TooLarge(e) ? Http1AbortReason.BodyTooLarge : Http1AbortReason.BadRequestBody);
                    return BodySent.Stopped;
                }
                catch (Exception)
                {
                    connection.Abort(Http1AbortReason.ClientGone);
                    return BodySent.Stopped;
                }
                if (read.IsCanceled) return BodySent.Stopped;
                foreach (var segment in read.Buffer)
                {
                    if (frame is null) await SendAllAsync(connection, segment);
                    else
                        for (var offset = 0; offset < segment.Length; offset += ChunkFrameSize)
                            await SendAllAsync(connection, Frame(frame, segment.Slice(offset, Math.Min(ChunkFrameSize, segment.Length - offset)).Span));
                }
                reader.AdvanceTo(read.Buffer.End);
                if (!read.IsCompleted) continue;
                if (frame is not null) await SendAllAsync(connection, "0\r\n\r\n"u8.ToArray());
                return BodySent.All;
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            return BodySent.Stopped; // the upstream closed; its response (or the lack of one) says why
        }
        finally
        {
            if (frame is not null) ArrayPool<byte>.Shared.Return(frame);
        }
    }

    /// <summary>"size CRLF data CRLF" into <paramref name="frame"/>.</summary>
    static ReadOnlyMemory<byte> Frame(byte[] frame, ReadOnlySpan<byte> data)
    {
        data.Length.TryFormat(frame, out var written, "x");
        "\r\n"u8.CopyTo(frame.AsSpan(written));
        written += 2;
        data.CopyTo(frame.AsSpan(written));
        written += data.Length;
        "\r\n"u8.CopyTo(frame.AsSpan(written));
        return frame.AsMemory(0, written + 2);
    }

    readonly record struct BodyCopied(long Sent, bool Complete, bool ClientGone = false);

    /// <summary>A Content-Length body: what came with the head, then received straight into the response pipe.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    async ValueTask<BodyCopied> CopyLengthAsync(Http1Connection connection, long length, HttpResponse response)
    {
        var writer = response.BodyWriter;
        var buffered = (int)Math.Min(length, connection.End - connection.Start);
        writer.Write(connection.Buffer.AsSpan(connection.Start, buffered));
        connection.Start += buffered;
        var remaining = length - buffered;
        while (remaining > 0)
        {
            // Let the client have what arrived so far before waiting for more.
            var flushed = await writer.FlushAsync();
            if (flushed.IsCompleted || flushed.IsCanceled) return new(length - remaining, Complete: false, ClientGone: true);
            var memory = writer.GetMemory();
            if (memory.Length > remaining) memory = memory[..(int)remaining];
            var read = await ReceiveAsync(connection, memory);
            if (read <= 0) return new(length - remaining, Complete: false);
            writer.Advance(read);
            remaining -= read;
        }
        // At the end of a response Kestrel sends what is still in its pipe only if nothing was flushed before (or it
        // frames the body chunked): a body streamed across flushes ends with a flush of its own.
        if (length > buffered) await writer.FlushAsync();
        return new(length, Complete: true);
    }

    /// <summary>A chunked body: decoded from the connection's buffer, the data runs copied to the response pipe
    /// (Kestrel frames them again for the client), trailers forwarded at the end.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    async ValueTask<BodyCopied> CopyChunkedAsync(Http1Connection connection, HttpResponse response)
    {
        var writer = response.BodyWriter;
        var decoder = new ChunkedDecoder();
        long sent = 0;
        var flushedBefore = false;
        while (true)
        {
            while (connection.Start < connection.End)
            {
                var input = connection.Buffer.AsSpan(connection.Start, connection.End - connection.Start);
                var status = decoder.Decode(input, out var consumed, out var data);
                if (status == OperationStatus.InvalidData)
                {
                    Console.Error.WriteLine("edge: upstream sent an invalid chunked body");
                    return new(sent, Complete: false);
                }
                var (offset, count) = data.GetOffsetAndLength(input.Length);
                if (count > 0)
                {
                    writer.Write(input.Slice(offset, count));
                    sent += count;
                }
                connection.Start += consumed;
                if (status == OperationStatus.Done)
                {
                    Http1ResponseHeaders.CopyTrailers(decoder.Trailers, response);
                    if (flushedBefore) await writer.FlushAsync(); // see CopyLengthAsync
                    return new(sent, Complete: true);
                }
            }
            flushedBefore = true;
            var flushed = await writer.FlushAsync();
            if (flushed.IsCompleted || flushed.IsCanceled) return new(sent, Complete: false, ClientGone: true);
            connection.Start = connection.End = 0;
            var read = await ReceiveAsync(connection, connection.Buffer);
            if (read <= 0) return new(sent, Complete: false);
            connection.End = read;
        }
    }

    /// <summary>A body without length (HTTP/1.0 style): everything until the upstream closes.</summary>
    async ValueTask<BodyCopied> CopyUntilCloseAsync(Http1Connection connection, HttpResponse response)
    {
        var writer = response.BodyWriter;
        long sent = connection.End - connection.Start;
        writer.Write(connection.Buffer.AsSpan(connection.Start, connection.End - connection.Start));
        connection.Start = connection.End;
        while (true)
        {
            var flushed = await writer.FlushAsync();
            if (flushed.IsCompleted || flushed.IsCanceled) return new(sent, Complete: false, ClientGone: true);
            var memory = writer.GetMemory();
            var read = await ReceiveAsync(connection, memory);
            if (read < 0) return new(sent, Complete: false);
            if (read == 0) return new(sent, Complete: true);
            writer.Advance(read);
            sent += read;
        }
    }

    /// <summary>Receives into <paramref name="into"/> within the timeout; -1 when the connection failed.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    async ValueTask<int> ReceiveAsync(Http1Connection connection, Memory<byte> into)
    {
        connection.ExpectBytesWithin(connection.ReadTimeoutTicks);
        try
        {
            return await connection.Socket.ReceiveAsync(into, SocketFlags.None);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            return -1;
        }
    }
}
