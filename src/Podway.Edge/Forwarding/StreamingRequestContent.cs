using System.Buffers;
using System.Net;

namespace Podway.Edge.Forwarding;

/// <summary>
/// The client's request body as the upstream request's content, copied chunk by chunk as the upstream connection
/// takes it (never buffered whole). <see cref="Started"/> tells whether any of it was read, i.e. whether the request
/// can still be sent somewhere else.
/// </summary>
internal sealed class StreamingRequestContent(Stream source) : HttpContent
{
    const int BufferSize = 64 * 1024;
    int _started;
    volatile bool _malformed;

    public bool Started => Volatile.Read(ref _started) != 0;

    /// <summary>Reading the client's body failed on its framing (Kestrel's 400): the request is the client's fault.</summary>
    public bool Malformed => _malformed;

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken ct)
    {
        if (Interlocked.Exchange(ref _started, 1) != 0)
            throw new InvalidOperationException("the client's request body can be sent only once");
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            int read;
            while ((read = await ReadClientAsync(buffer, ct)) > 0)
            {
                await stream.WriteAsync(buffer.AsMemory(0, read), ct);
                // HTTP/2 request streams buffer; flush so a streamed upload (gRPC, slow client) moves as it arrives.
                await stream.FlushAsync(ct);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    async ValueTask<int> ReadClientAsync(byte[] buffer, CancellationToken ct)
    {
        try
        {
            return await source.ReadAsync(buffer, ct);
        }
        catch (Exception e) when (MalformedClientBody.Is(e))
        {
            _malformed = true;
            throw;
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = -1;
        return false;
    }
}
