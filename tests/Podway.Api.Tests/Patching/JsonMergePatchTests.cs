using Podway.Api.Patching;
using static Podway.Api.Tests.Patching.Json;

namespace Podway.Api.Tests.Patching;

public sealed class JsonMergePatchTests
{
    public sealed record Case(string Original, string Patch, string Expected);

    // RFC 7386 appendix A (the rows whose original and patch are objects, as in the API).
    public static TheoryData<Case> RfcExamples => new()
    {
        new("""{"a":"b"}""", """{"a":"c"}""", """{"a":"c"}"""),
        new("""{"a":"b"}""", """{"b":"c"}""", """{"a":"b","b":"c"}"""),
        new("""{"a":"b"}""", """{"a":null}""", """{}"""),
        new("""{"a":"b","b":"c"}""", """{"a":null}""", """{"b":"c"}"""),
        new("""{"a":["b"]}""", """{"a":"c"}""", """{"a":"c"}"""),
        new("""{"a":"c"}""", """{"a":["b"]}""", """{"a":["b"]}"""),
        new("""{"a":{"b":"c"}}""", """{"a":{"b":"d","c":null}}""", """{"a":{"b":"d"}}"""),
        new("""{"a":[{"b":"c"}]}""", """{"a":[1]}""", """{"a":[1]}"""),
        new("""{"e":null}""", """{"a":1}""", """{"e":null,"a":1}"""),
        new("""{}""", """{"a":{"bb":{"ccc":null}}}""", """{"a":{"bb":{}}}"""),
        new("""{"spec":{"replicas":1,"paused":true}}""", """{"spec":{"replicas":5}}""", """{"spec":{"replicas":5,"paused":true}}"""),
    };

    [Theory]
    [MemberData(nameof(RfcExamples))]
    public void Apply_RfcExample_GivesRfcResult(Case c) =>
        Equal(c.Expected, JsonMergePatch.Apply(Obj(c.Original), Obj(c.Patch)));

    [Fact]
    public void Apply_PatchNotAnObject_IsBadRequest()
    {
        var e = Assert.Throws<Podway.Api.Errors.ApiException>(() => JsonMergePatch.Apply(Obj("{}"), Arr("[]")));
        Assert.Equal((400, "Invalid JSON Patch"), (e.Code, e.Message));
    }
}
