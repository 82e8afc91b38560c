using Podway.Client;

namespace Podway.Controllers.Tests;

public sealed class StatusParserTests
{
    [Theory]
    [InlineData(404, """{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"deployments.apps \"nope\" not found","reason":"NotFound","details":{"name":"nope","group":"apps","kind":"deployments"},"code":404}""", "NotFound", "deployments.apps \"nope\" not found")]
    [InlineData(409, """{"kind":"Status","message":"Operation cannot be fulfilled on services \"web\": the object has been modified; please apply your changes to the latest version and try again","reason":"Conflict","code":409}""", "Conflict", "Operation cannot be fulfilled on services \"web\": the object has been modified; please apply your changes to the latest version and try again")]
    [InlineData(410, "", "Expired", "the server responded with the status code 410 but did not return more information")]
    [InlineData(503, "upstream down", "ServiceUnavailable", "upstream down")]
    public void FromBody_ErrorResponse_ReasonAndMessage(int code, string body, string reason, string message)
    {
        var error = StatusParser.FromBody(code, body);
        Assert.Equal(code, error.Code);
        Assert.Equal(reason, error.Reason);
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void FromBody_StatusWithDetails_KeepsDetails()
    {
        var error = StatusParser.FromBody(404, """{"kind":"Status","reason":"NotFound","message":"m","code":404,"details":{"name":"nope","kind":"pods"}}""");
        Assert.Equal("nope", error.Details?["name"]?.GetValue<string>());
    }
}
