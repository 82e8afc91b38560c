using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Podway.Edge.Serving;

/// <summary>
/// h2c with prior knowledge next to HTTP/1.1 on one cleartext port. Kestrel does not do this on its own: an
/// Http1AndHttp2 endpoint without TLS (no ALPN) speaks HTTP/1.1 only. This connection middleware peeks at the first
/// bytes; when they are the HTTP/2 connection preface it tells Kestrel, for this connection only, to speak HTTP/2
/// (through Kestrel's per-connection protocols feature, which its TLS middleware sets after ALPN). Nothing is consumed.
/// </summary>
internal static class CleartextHttp2Detection
{
    static readonly byte[] Preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8.ToArray();
    static readonly TimeSpan FirstBytesTimeout = TimeSpan.FromSeconds(30);

    const string ProtocolsFeatureName = "Microsoft.AspNetCore.Server.Kestrel.Core.Internal.HttpProtocolsFeature";
    // Kestrel's internal HttpProtocolsFeature(HttpProtocols): its connection middleware reads it before choosing.
    static readonly Type? ProtocolsFeatureType;
    static readonly object? Http2Only;

    // The native build trims what nothing references: keep that type and its constructors for the lookup below.
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicConstructors | DynamicallyAccessedMemberTypes.NonPublicConstructors,
        ProtocolsFeatureName, "Microsoft.AspNetCore.Server.Kestrel.Core")]
    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "the type is kept by the DynamicDependency above")]
    [UnconditionalSuppressMessage("Trimming", "IL2080", Justification = "its constructors are kept by the DynamicDependency above")]
    static CleartextHttp2Detection()
    {
        ProtocolsFeatureType = typeof(KestrelServerOptions).Assembly.GetType(ProtocolsFeatureName);
        Http2Only = ProtocolsFeatureType?.GetConstructor(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic, [typeof(HttpProtocols)])
            ?.Invoke([HttpProtocols.Http2]);
    }

    /// <summary>False when this Kestrel has no such feature: the port then serves HTTP/1.1 only.</summary>
    public static bool Supported => Http2Only is not null;

    public static Func<ConnectionDelegate, ConnectionDelegate> Middleware => next => async connection =>
    {
        bool isHttp2;
        using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(connection.ConnectionClosed))
        {
            timeout.CancelAfter(FirstBytesTimeout);
            try
            {
                isHttp2 = await StartsWithPrefaceAsync(connection, timeout.Token);
            }
            catch (OperationCanceledException)
            {
                connection.Abort();
                return;
            }
        }
        if (isHttp2) connection.Features[ProtocolsFeatureType!] = Http2Only;
        await next(connection);
    };

    static async Task<bool> StartsWithPrefaceAsync(ConnectionContext connection, CancellationToken ct)
    {
        var input = connection.Transport.Input;
        while (true)
        {
            var result = await input.ReadAsync(ct);
            var buffer = result.Buffer;
            var verdict = Compare(buffer);
            if (verdict is not null || result.IsCompleted)
            {
                // Decided: leave every byte (examined none) for Kestrel's own parser.
                input.AdvanceTo(buffer.Start, buffer.Start);
                return verdict == true;
            }
            // A matching but incomplete prefix: wait for more bytes.
            input.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    /// <summary>True: the preface; false: something else; null: too short to tell yet.</summary>
    static bool? Compare(ReadOnlySequence<byte> buffer)
    {
        var length = (int)Math.Min(buffer.Length, Preface.Length);
        Span<byte> head = stackalloc byte[Preface.Length];
        buffer.Slice(0, length).CopyTo(head);
        if (!head[..length].SequenceEqual(Preface.AsSpan(0, length))) return false;
        return length == Preface.Length ? true : null;
    }
}
