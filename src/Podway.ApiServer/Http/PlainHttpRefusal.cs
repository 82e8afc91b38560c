using System.Buffers;
using System.Text;
using Microsoft.AspNetCore.Connections;

namespace Podway.ApiServer.Http;

/// <summary>
/// A connection middleware in front of TLS that answers plain HTTP as Go's net/http does on an HTTPS port: when the
/// first five bytes are one of the request starts Go recognises, `400 Client sent an HTTP request to an HTTPS
/// server.` and close; anything else goes on to the TLS handshake untouched (nothing is consumed).
/// </summary>
public static class PlainHttpRefusal
{
    static readonly string[] HttpStarts = ["GET /", "HEAD ", "POST ", "PUT /", "OPTIO"]; // net/http's tlsRecordHeaderLooksLikeHTTP
    static readonly byte[] Answer = "HTTP/1.0 400 Bad Request\r\n\r\nClient sent an HTTP request to an HTTPS server.\n"u8.ToArray();
    static readonly TimeSpan FirstBytesTimeout = TimeSpan.FromSeconds(10); // Kestrel's TLS handshake timeout

    public static ConnectionDelegate Middleware(ConnectionDelegate next) => async connection =>
    {
        if (await LooksLikeHttpAsync(connection) is not bool plainHttp) return;
        if (!plainHttp)
        {
            await next(connection);
            return;
        }
        await connection.Transport.Output.WriteAsync(Answer);
        await connection.Transport.Output.CompleteAsync();
    };

    /// <summary>Peeks at the first five bytes; null when the connection ended or stayed silent before sending them.</summary>
    static async Task<bool?> LooksLikeHttpAsync(ConnectionContext connection)
    {
        var input = connection.Transport.Input;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(connection.ConnectionClosed);
        timeout.CancelAfter(FirstBytesTimeout);
        try
        {
            while (true)
            {
                var result = await input.ReadAsync(timeout.Token);
                var buffer = result.Buffer;
                if (buffer.Length >= 5)
                {
                    var start = Encoding.ASCII.GetString(buffer.Slice(0, 5).ToArray());
                    input.AdvanceTo(buffer.Start); // nothing consumed or examined: TLS reads the same bytes
                    return HttpStarts.Contains(start);
                }
                if (result.IsCompleted)
                {
                    input.AdvanceTo(buffer.Start);
                    return buffer.IsEmpty ? null : false;
                }
                input.AdvanceTo(buffer.Start, buffer.End);
            }
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }
}
