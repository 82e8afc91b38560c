using System.Security.Cryptography;
using Podway.Node.Streaming.Spdy;

namespace Podway.Node.Tests.Streaming;

public sealed class SpdyFramerTests
{
    /// <summary>The first frames kubectl 1.27 sent for one port-forward connection (captured): SYN_STREAM error,
    /// its empty FIN, SYN_STREAM data. The second header block continues the first one's zlib stream.</summary>
    const string CapturedSynError = "80030001000000400000000100000000000078F9E3C6A7C202253A48F95B044AABACC696A696E60C0C0C9C459008CB042564460370522C294A4DCC859636ACA9A0B800000000FFFF";
    const string CapturedFinError = "0000000101000000";
    const string CapturedSynData = "800300010000001600000003000000000000225737A8AC4A04000000FFFF";

    static async Task<SpdyFrame> DecodeAsync(SpdyFramer framer, string hex) =>
        (await framer.ReadAsync(new MemoryStream(Convert.FromHexString(hex)), CancellationToken.None))!;

    [Fact]
    public async Task Decode_CapturedKubectlFrames_PortForwardHeaders()
    {
        using var framer = new SpdyFramer();
        var error = Assert.IsType<SynStreamFrame>(await DecodeAsync(framer, CapturedSynError));
        var fin = Assert.IsType<DataFrame>(await DecodeAsync(framer, CapturedFinError));
        var data = Assert.IsType<SynStreamFrame>(await DecodeAsync(framer, CapturedSynData));

        Assert.Equal((1u, "error", "0"), (error.StreamId, error.Headers["streamtype"], error.Headers["requestid"]));
        Assert.Equal((1u, true, 0), (fin.StreamId, fin.Fin, fin.Data.Length));
        Assert.Equal((3u, "data", "0"), (data.StreamId, data.Headers["streamtype"], data.Headers["requestid"]));
        Assert.Equal(error.Headers["port"], data.Headers["port"]);
        Assert.True(int.Parse(error.Headers["port"]!) > 0);
    }

    [Fact]
    public void EncodeHeaders_FirstBlock_StartsWithZlibHeaderNamingTheSpdyDictionary()
    {
        using var framer = new SpdyFramer();
        var bytes = framer.Encode(new SynReplyFrame(1, false, SpdyHeaders.Of(("streamtype", "error"))));
        // 78 F9: deflate, 32K window, best compression, FDICT set; then the Adler-32 of the SPDY/3 dictionary,
        // the same six bytes that open kubectl's first header block.
        Assert.Equal("78F9E3C6A7C2", Convert.ToHexString(bytes, 12, 6));
        Assert.Equal(CapturedSynError[36..48], Convert.ToHexString(bytes, 12, 6));
    }

    [Fact]
    public void Dictionary_Bytes_MatchTheSpdy3Dictionary()
    {
        Assert.Equal(1423, SpdyDictionary.Bytes.Length);
        Assert.Equal("51d27341373f923f3cd88e1eb7162aeaa3723d7585ff2399201dc06498407f02", Convert.ToHexStringLower(SHA256.HashData(SpdyDictionary.Bytes)));
    }

    static readonly SpdyFrame[] AllFrames =
    [
        new DataFrame(3, false, [1, 2, 3]),
        new DataFrame(5, true, []),
        new SynStreamFrame(7, 0, 2, false, false, SpdyHeaders.Of(("streamtype", "data"), ("port", "8080"), ("requestid", "3"))),
        new SynReplyFrame(7, true, SpdyHeaders.Empty),
        new RstStreamFrame(9, RstStatus.Cancel),
        new SettingsFrame(false, [(0, 7, 65536)]),
        new PingFrame(11),
        new GoAwayFrame(13, 0),
        new HeadersFrame(15, false, SpdyHeaders.Of(("a", "b"))),
        new WindowUpdateFrame(17, 1024),
    ];

    public static TheoryData<int> Frames => new(Enumerable.Range(0, AllFrames.Length));

    [Theory, MemberData(nameof(Frames))]
    public async Task EncodeDecode_EveryFrameType_RoundTrips(int index)
    {
        var frame = AllFrames[index];
        using var writer = new SpdyFramer();
        using var reader = new SpdyFramer();
        // Two in a row: the second header block must decode from the continued zlib stream.
        var wire = new MemoryStream([.. writer.Encode(frame), .. writer.Encode(frame)]);
        for (var i = 0; i < 2; i++)
            AssertSame(frame, (await reader.ReadAsync(wire, CancellationToken.None))!);
        Assert.Null(await reader.ReadAsync(wire, CancellationToken.None));
    }

    static void AssertSame(SpdyFrame expected, SpdyFrame actual) => Assert.Equal(Describe(expected), Describe(actual));

    /// <summary>Records compare lists and arrays by reference, so frames are compared by a full description.</summary>
    static string Describe(SpdyFrame frame) => frame switch
    {
        DataFrame d => $"DATA {d.StreamId} fin={d.Fin} {Convert.ToHexString(d.Data)}",
        SynStreamFrame s => $"SYN_STREAM {s.StreamId} {s.AssociatedStreamId} {s.Priority} fin={s.Fin} uni={s.Unidirectional} {s.Headers}",
        SynReplyFrame r => $"SYN_REPLY {r.StreamId} fin={r.Fin} {r.Headers}",
        HeadersFrame h => $"HEADERS {h.StreamId} fin={h.Fin} {h.Headers}",
        SettingsFrame st => $"SETTINGS {st.ClearSettings} {string.Join(",", st.Entries)}",
        _ => frame.ToString(),
    };

    [Fact]
    public async Task Read_TruncatedFrame_Throws()
    {
        using var framer = new SpdyFramer();
        var bytes = framer.Encode(new DataFrame(1, false, [1, 2, 3, 4]));
        await Assert.ThrowsAnyAsync<EndOfStreamException>(() => framer.ReadAsync(new MemoryStream(bytes[..10]), CancellationToken.None));
    }
}
