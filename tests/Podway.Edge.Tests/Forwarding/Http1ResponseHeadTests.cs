using System.Text;
using Podway.Edge.Forwarding.Http1;

namespace Podway.Edge.Tests.Forwarding;

public class Http1ResponseHeadTests
{
    static (Http1ResponseHead Head, bool Ok, string? Error) Parse(string text)
    {
        var head = new Http1ResponseHead();
        var ok = head.TryParse(Encoding.Latin1.GetBytes(text), out var error);
        return (head, ok, error);
    }

    static string Field(Http1ResponseHead head, string text, int index)
    {
        var bytes = Encoding.Latin1.GetBytes(text);
        var f = head.Fields[index];
        return Encoding.Latin1.GetString(bytes, f.NameStart, f.NameLength) + "=" + Encoding.Latin1.GetString(bytes, f.ValueStart, f.ValueLength);
    }

    [Fact]
    public void FindEnd_CompleteAndPartialHeads()
    {
        Assert.Equal(-1, Http1ResponseHead.FindEnd("HTTP/1.1 200 OK\r\nA: b\r\n"u8));
        Assert.Equal(25, Http1ResponseHead.FindEnd("HTTP/1.1 200 OK\r\nA: b\r\n\r\nbody"u8));
        Assert.Equal(22, Http1ResponseHead.FindEnd("HTTP/1.1 200 OK\nA: b\n\nbody"u8));
    }

    [Fact]
    public void TryParse_TypicalNginxHead_StatusFieldsAndLength()
    {
        var text = "HTTP/1.1 200 OK\r\nServer: nginx/1.25.5\r\nContent-Type: text/html\r\nContent-Length: 612\r\nConnection: keep-alive\r\n\r\n";
        var (head, ok, _) = Parse(text);
        Assert.True(ok);
        Assert.Equal(200, head.Status);
        Assert.Equal(612, head.ContentLength);
        Assert.False(head.Chunked);
        Assert.True(head.KeepAlive);
        Assert.Equal(4, head.FieldCount);
        Assert.Equal("Server=nginx/1.25.5", Field(head, text, 0));
        Assert.Equal("Content-Type=text/html", Field(head, text, 1));
    }

    [Fact]
    public void TryParse_ValueWithSurroundingBlanks_Trimmed()
    {
        var text = "HTTP/1.1 204 No Content\r\nX-A: \t spaced value \t\r\n\r\n";
        var (head, ok, _) = Parse(text);
        Assert.True(ok);
        Assert.Equal("X-A=spaced value", Field(head, text, 0));
        Assert.False(head.HasBody(isHead: false));
    }

    [Fact]
    public void TryParse_StatusWithoutReason_Accepted()
    {
        var (head, ok, _) = Parse("HTTP/1.1 404\r\n\r\n");
        Assert.True(ok);
        Assert.Equal(404, head.Status);
        Assert.Equal(-1, head.ContentLength);
    }

    [Theory]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", true, false, true)]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", true, false, true)]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n", false, true, false)]
    [InlineData("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 1\r\n\r\n", false, false, false)]
    [InlineData("HTTP/1.0 200 OK\r\nContent-Length: 1\r\n\r\n", false, false, false)]
    [InlineData("HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 1\r\n\r\n", false, false, true)]
    public void TryParse_Framing(string text, bool chunked, bool untilClose, bool keepAlive)
    {
        var (head, ok, _) = Parse(text);
        Assert.True(ok);
        Assert.Equal(chunked, head.Chunked);
        Assert.Equal(untilClose, head.OtherTransferCoding);
        Assert.Equal(keepAlive, head.KeepAlive);
    }

    [Fact]
    public void TryParse_TransferEncodingAndLength_ChunkedWinsAndConnectionNotReused()
    {
        var (head, ok, _) = Parse("HTTP/1.1 200 OK\r\nContent-Length: 10\r\nTransfer-Encoding: chunked\r\n\r\n");
        Assert.True(ok);
        Assert.True(head.Chunked);
        Assert.Equal(-1, head.ContentLength);
        Assert.False(head.KeepAlive);
    }

    [Theory]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", "conflicting Content-Length")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", "invalid Content-Length")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 1x\r\n\r\n", "invalid Content-Length")]
    [InlineData("HTTP/1.1 200 OK\r\nX-A: b\r\n folded\r\n\r\n", "obsolete line folding")]
    [InlineData("HTTP/1.1 200 OK\r\nBad Name: b\r\n\r\n", "malformed header field")]
    [InlineData("HTTP/1.1 200 OK\r\nX-A: b\u0001c\r\n\r\n", "control character in a header value")]
    [InlineData("HTTP/2 200 OK\r\n\r\n", "malformed status line")]
    [InlineData("HTTP/1.1 2x0 OK\r\n\r\n", "malformed status line")]
    [InlineData("garbage\r\n\r\n", "malformed status line")]
    public void TryParse_Malformed_RefusedWithReason(string text, string reason)
    {
        var (_, ok, error) = Parse(text);
        Assert.False(ok);
        Assert.Equal(reason, error);
    }

    [Fact]
    public void TryParse_SameContentLengthTwice_Accepted()
    {
        var (head, ok, _) = Parse("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\n");
        Assert.True(ok);
        Assert.Equal(5, head.ContentLength);
    }

    [Fact]
    public void TryParse_ManyFields_AllKept()
    {
        var text = "HTTP/1.1 200 OK\r\n" + string.Concat(Enumerable.Range(0, 100).Select(i => $"X-{i}: {i}\r\n")) + "\r\n";
        var (head, ok, _) = Parse(text);
        Assert.True(ok);
        Assert.Equal(100, head.FieldCount);
        Assert.Equal("X-99=99", Field(head, text, 99));
    }

    [Fact]
    public void HasBody_HeadAnd304_NoBody()
    {
        var (head, _, _) = Parse("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n");
        Assert.False(head.HasBody(isHead: true));
        Assert.True(head.HasBody(isHead: false));
        var (notModified, _, _) = Parse("HTTP/1.1 304 Not Modified\r\n\r\n");
        Assert.False(notModified.HasBody(isHead: false));
    }
}
