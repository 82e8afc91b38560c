using Podway.Client;

namespace Podway.Controllers.Tests;

public sealed class WatchStreamEventTests
{
    public sealed record LineRow(string Line, WatchStreamEventType Type, string? ResourceVersion);

    public static TheoryData<LineRow> Lines => new()
    {
        new("""{"type":"ADDED","object":{"kind":"Pod","apiVersion":"v1","metadata":{"name":"a","resourceVersion":"5"}}}""", WatchStreamEventType.Added, "5"),
        new("""{"type":"MODIFIED","object":{"kind":"Pod","metadata":{"resourceVersion":"6"}}}""", WatchStreamEventType.Modified, "6"),
        new("""{"type":"DELETED","object":{"kind":"Pod","metadata":{"resourceVersion":"7"}}}""", WatchStreamEventType.Deleted, "7"),
        new("""{"type":"BOOKMARK","object":{"kind":"Deployment","apiVersion":"apps/v1","metadata":{"resourceVersion":"123"}}}""", WatchStreamEventType.Bookmark, "123"),
        new("""{"object":{"kind":"Status","code":410},"type":"ERROR"}""", WatchStreamEventType.Error, null),
    };

    [Theory, MemberData(nameof(Lines))]
    public void Parse_WatchLine_TypeAndResourceVersion(LineRow row)
    {
        var e = WatchStreamEvent.Parse(row.Line);
        Assert.Equal(row.Type, e.Type);
        Assert.Equal(row.ResourceVersion, e.ResourceVersion);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("""{"object":{}}""")]
    [InlineData("""{"type":"ADDED"}""")]
    [InlineData("""{"type":"RENAMED","object":{}}""")]
    [InlineData("""[1,2]""")]
    public void Parse_MalformedLine_ThrowsFormatException(string line) =>
        Assert.Throws<FormatException>(() => WatchStreamEvent.Parse(line));

    [Fact]
    public void ToApiException_ExpiredErrorEvent_Carries410AndMessage()
    {
        var e = WatchStreamEvent.Parse("""{"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"too old resource version: 1 (114)","reason":"Expired","code":410}}""");
        var error = e.ToApiException();
        Assert.Equal(410, error.Code);
        Assert.Equal("Expired", error.Reason);
        Assert.Equal("too old resource version: 1 (114)", error.Message);
    }
}
