using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using Podway.Edge.Streams;

namespace Podway.Edge.Tests.Streams;

/// <summary>SNI from real ClientHellos (.NET's SslStream, as OpenSSL builds them on Linux), and hostile ones: every
/// truncation, corrupted lengths, random bytes, oversized input. The parser must answer, never throw.</summary>
public class ClientHelloTests
{
    /// <summary>The bytes a real TLS client sends first, for <paramref name="targetHost"/> (an IP literal: no SNI).</summary>
    internal static async Task<byte[]> CaptureAsync(string targetHost)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port);
        using var server = await listener.AcceptTcpClientAsync();
        var ssl = new SslStream(client.GetStream(), false, (_, _, _, _) => true);
        var handshake = ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = targetHost });
        var buffer = new byte[65536];
        var read = 0;
        while (ClientHello.TryRead(buffer.AsSpan(0, read), out _) == ClientHelloResult.NeedMore)
        {
            var n = await server.GetStream().ReadAsync(buffer.AsMemory(read)).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
            Assert.True(n > 0, "client closed before its ClientHello");
            read += n;
        }
        server.Close();
        try { await handshake; } catch { } // the server went away: the client's handshake fails, as intended
        return buffer[..read];
    }

    [Theory]
    [InlineData("abc.example.com", "abc.example.com")]
    [InlineData("ABC.Example.COM", "abc.example.com")]
    [InlineData("127.0.0.1", null)]
    public async Task TryRead_RealClientHello_GivesItsServerName(string targetHost, string? expected)
    {
        var hello = await CaptureAsync(targetHost);
        Assert.Equal(ClientHelloResult.Complete, ClientHello.TryRead(hello, out var sni));
        Assert.Equal(expected, sni);
    }

    [Fact]
    public async Task TryRead_EveryTruncation_NeedsMoreAndNeverThrows()
    {
        var hello = await CaptureAsync("abc.example.com");
        for (var length = 0; length < hello.Length; length++)
            Assert.Equal(ClientHelloResult.NeedMore, ClientHello.TryRead(hello.AsSpan(0, length), out _));
    }

    [Fact]
    public async Task TryRead_SplitOverSeveralRecords_IsReassembled()
    {
        var hello = await CaptureAsync("split.example.com");
        var body = hello.AsSpan(5).ToArray();
        // The same handshake message in records of 7 bytes each (legal: records may fragment any handshake message).
        var records = body.Chunk(7).SelectMany(c => new byte[] { 22, 3, 1, 0, (byte)c.Length }.Concat(c)).ToArray();
        Assert.Equal(ClientHelloResult.Complete, ClientHello.TryRead(records, out var sni));
        Assert.Equal("split.example.com", sni);
    }

    [Fact]
    public async Task TryRead_EveryByteCorrupted_NeverThrows()
    {
        var hello = await CaptureAsync("abc.example.com");
        foreach (var value in new byte[] { 0x00, 0xff, 0x80 })
            for (var i = 0; i < hello.Length; i++)
            {
                var copy = (byte[])hello.Clone();
                copy[i] = value;
                var result = ClientHello.TryRead(copy, out var sni);
                Assert.True(Enum.IsDefined(result));
                if (sni is not null) Assert.True(sni.Length is > 0 and <= 253);
            }
    }

    [Fact]
    public void TryRead_RandomBytes_NeverThrow()
    {
        var random = new Random(13);
        for (var i = 0; i < 20_000; i++)
        {
            var bytes = new byte[random.Next(0, 600)];
            random.NextBytes(bytes);
            if (bytes.Length > 0 && i % 2 == 0) { bytes[0] = 22; if (bytes.Length > 1) bytes[1] = 3; } // get past the record header
            if (bytes.Length > 5 && i % 4 == 0) bytes[5] = 1; // and the handshake type
            ClientHello.TryRead(bytes, out _);
        }
    }

    [Theory]
    [InlineData("GET / HTTP/1.1\r\nHost: a\r\n\r\n")]
    [InlineData("SSH-2.0-OpenSSH_9.6\r\n")]
    public void TryRead_NotTls_IsInvalid(string text) =>
        Assert.Equal(ClientHelloResult.Invalid, ClientHello.TryRead(System.Text.Encoding.ASCII.GetBytes(text), out _));

    [Fact]
    public void TryRead_HandshakeLongerThanTheLimit_IsInvalid()
    {
        // A record header, then a ClientHello claiming 16 MB.
        byte[] hello = [22, 3, 1, 0x40, 0x00, 1, 0xff, 0xff, 0xff];
        Assert.Equal(ClientHelloResult.Invalid, ClientHello.TryRead(hello, out _));
    }

    [Fact]
    public void TryRead_EndlessSmallRecordsPastTheLimit_IsInvalid()
    {
        // Records that each add one byte of a huge (but under-limit-claiming) message: the reader stops at MaxBytes.
        var header = new byte[] { 22, 3, 1, 0, 4, 1, 0, 0x7f, 0xf0 }; // ClientHello of 32,752 bytes
        var filler = Enumerable.Repeat(new byte[] { 22, 3, 1, 0, 1, 0 }, ClientHello.MaxBytes / 6 + 10).SelectMany(b => b);
        var bytes = header.Concat(filler).ToArray();
        Assert.Equal(ClientHelloResult.Invalid, ClientHello.TryRead(bytes, out _));
    }

    [Fact]
    public void TryRead_ServerNameWithBadCharacters_IsInvalid()
    {
        var name = "bad\u0000name"u8.ToArray();
        Assert.Equal(ClientHelloResult.Invalid, ClientHello.TryRead(Hello(name), out _));
        Assert.Equal(ClientHelloResult.Complete, ClientHello.TryRead(Hello("ok.example.com"u8.ToArray()), out var sni));
        Assert.Equal("ok.example.com", sni);
    }

    /// <summary>A minimal ClientHello with one server_name entry.</summary>
    static byte[] Hello(byte[] name)
    {
        byte[] Vector16(byte[] b) => [(byte)(b.Length >> 8), (byte)b.Length, .. b];
        var serverNameList = Vector16([0, .. Vector16(name)]);
        var extension = new byte[] { 0, 0 }.Concat(Vector16(serverNameList)).ToArray();
        var body = new byte[] { 3, 3 }.Concat(new byte[32]).Concat(new byte[] { 0 }) // version, random, empty session id
            .Concat(new byte[] { 0, 2, 0x13, 0x01 }).Concat(new byte[] { 1, 0 })      // one cipher suite, null compression
            .Concat(Vector16(extension)).ToArray();
        var handshake = new byte[] { 1, (byte)(body.Length >> 16), (byte)(body.Length >> 8), (byte)body.Length }.Concat(body).ToArray();
        return [22, 3, 1, (byte)(handshake.Length >> 8), (byte)handshake.Length, .. handshake];
    }
}
