using System.Buffers;

namespace Podway.Edge.Forwarding;

/// <summary>After a 101 (or an accepted extended CONNECT) the two connections are a byte pipe in both directions;
/// when either side closes or fails, the other is torn down too.</summary>
internal static class UpgradeTunnel
{
    /// <returns>Bytes sent to the client.</returns>
    public static async Task<long> PumpAsync(Stream client, Stream upstream, CancellationToken clientAborted)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(clientAborted);
        var toUpstream = CopyAsync(client, upstream, stop.Token);
        var toClient = CopyAsync(upstream, client, stop.Token);
        await Task.WhenAny(toUpstream, toClient);
        stop.Cancel();
        // Closing both streams unblocks a read that does not observe cancellation.
        await upstream.DisposeAsync();
        await client.DisposeAsync();
        await Task.WhenAll(toUpstream, toClient);
        return toClient.Result;
    }

    static async Task<long> CopyAsync(Stream from, Stream to, CancellationToken ct)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        long total = 0;
        try
        {
            int read;
            while ((read = await from.ReadAsync(buffer, ct)) > 0)
            {
                await to.WriteAsync(buffer.AsMemory(0, read), ct);
                await to.FlushAsync(ct);
                total += read;
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException
                                      or System.Net.Sockets.SocketException or InvalidOperationException)
        {
            // One side closed or reset: the tunnel ends, nothing to report beyond the byte count.
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        return total;
    }
}
