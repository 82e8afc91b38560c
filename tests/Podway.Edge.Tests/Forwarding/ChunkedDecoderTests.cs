using System.Buffers;
using System.Text;
using Podway.Edge.Forwarding.Http1;

namespace Podway.Edge.Tests.Forwarding;

public class ChunkedDecoderTests
{
    /// <summary>Feeds <paramref name="wire"/> in pieces of <paramref name="piece"/> bytes, as reads would deliver it.</summary>
    static (string Body, OperationStatus Status, string Trailers, int Consumed) Decode(string wire, int piece)
    {
        var bytes = Encoding.Latin1.GetBytes(wire);
        var decoder = new ChunkedDecoder();
        var body = new StringBuilder();
        var offset = 0;
        var status = OperationStatus.NeedMoreData;
        while (offset < bytes.Length)
        {
            var end = Math.Min(bytes.Length, offset + piece);
            var input = bytes.AsSpan(offset, end - offset);
            status = decoder.Decode(input, out var consumed, out var data);
            body.Append(Encoding.Latin1.GetString(input[data]));
            offset += consumed;
            if (status != OperationStatus.NeedMoreData) break;
        }
        return (body.ToString(), status, Encoding.Latin1.GetString(decoder.Trailers), offset);
    }

    [Fact]
    public void Decode_EverySplit_SameBody()
    {
        const string wire = "5\r\nhello\r\n1;ext=1\r\n \r\nA\r\n0123456789\r\n0\r\n\r\nNEXT";
        for (var piece = 1; piece <= wire.Length; piece++)
        {
            var (body, status, _, consumed) = Decode(wire, piece);
            Assert.Equal(OperationStatus.Done, status);
            Assert.Equal("hello 0123456789", body);
            Assert.Equal(wire.Length - "NEXT".Length, consumed); // the next response's bytes are not eaten
        }
    }

    [Fact]
    public void Decode_Trailers_Kept()
    {
        var (body, status, trailers, _) = Decode("3\r\nabc\r\n0\r\ngrpc-status: 0\r\nX-Sum: 9\r\n\r\n", 4);
        Assert.Equal(OperationStatus.Done, status);
        Assert.Equal("abc", body);
        Assert.Equal("grpc-status: 0\r\nX-Sum: 9\r\n\r\n", trailers);
    }

    [Fact]
    public void Decode_BareLineFeeds_Tolerated()
    {
        var (body, status, _, _) = Decode("3\nabc\n0\n\n", 2);
        Assert.Equal(OperationStatus.Done, status);
        Assert.Equal("abc", body);
    }

    [Theory]
    [InlineData("x\r\n")]
    [InlineData("3\r\nabcX\r\n")]
    [InlineData("\r\n")]
    [InlineData("1000000000000000\r\n")]
    public void Decode_BadFraming_InvalidData(string wire)
    {
        var (_, status, _, _) = Decode(wire, 64);
        Assert.Equal(OperationStatus.InvalidData, status);
    }

    [Fact]
    public void Decode_Unfinished_NeedsMoreData()
    {
        var (body, status, _, _) = Decode("5\r\nhel", 64);
        Assert.Equal(OperationStatus.NeedMoreData, status);
        Assert.Equal("hel", body);
    }
}
