using System.Buffers;
using System.Net.Security;
using System.Net.Sockets;

namespace Podway.Edge.Streams;

/// <summary>
/// Copies bytes both ways between a client and an upstream until both directions ended. When one side finishes
/// sending (a clean end of stream), the other side's sending half is shut down (TCP FIN, or TLS close_notify), so
/// protocols that half-close keep working; an error on either side ends both.
/// </summary>
internal static class StreamSplice
{
    public static async Task RunAsync(Stream client, Stream upstream, CancellationToken ct)
    {
        using var failed = CancellationTokenSource.CreateLinkedTokenSource(ct);
        async Task Pump(Stream from, Stream to)
        {
            var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
            try
            {
                int n;
                while ((n = await from.ReadAsync(buffer, failed.Token)) > 0)
                    await to.WriteAsync(buffer.AsMemory(0, n), failed.Token);
                await ShutdownSendAsync(to);
            }
            catch
            {
                failed.Cancel(); // a reset or timeout on one side: give up the other direction too
            }
            finally { ArrayPool<byte>.Shared.Return(buffer); }
        }
        await Task.WhenAll(Pump(client, upstream), Pump(upstream, client));
    }

    static async Task ShutdownSendAsync(Stream stream)
    {
        switch (stream)
        {
            case NetworkStream network: network.Socket.Shutdown(SocketShutdown.Send); break;
            case SslStream ssl: await ssl.ShutdownAsync(); break;
            case PrefixedStream: break; // only ever wraps the client under an SslStream
        }
    }
}
