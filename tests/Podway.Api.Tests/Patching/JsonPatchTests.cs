using Podway.Api.Errors;
using Podway.Api.Patching;
using static Podway.Api.Tests.Patching.Json;

namespace Podway.Api.Tests.Patching;

public sealed class JsonPatchTests
{
    public sealed record Case(string Name, string Document, string Patch, string Expected);

    // RFC 6902 appendix A examples that apply to an object document.
    public static TheoryData<Case> RfcExamples => new()
    {
        new("A.1 add object member", """{"foo":"bar"}""", """[{"op":"add","path":"/baz","value":"qux"}]""", """{"baz":"qux","foo":"bar"}"""),
        new("A.2 add array element", """{"foo":["bar","baz"]}""", """[{"op":"add","path":"/foo/1","value":"qux"}]""", """{"foo":["bar","qux","baz"]}"""),
        new("A.3 remove object member", """{"baz":"qux","foo":"bar"}""", """[{"op":"remove","path":"/baz"}]""", """{"foo":"bar"}"""),
        new("A.4 remove array element", """{"foo":["bar","qux","baz"]}""", """[{"op":"remove","path":"/foo/1"}]""", """{"foo":["bar","baz"]}"""),
        new("A.5 replace value", """{"baz":"qux","foo":"bar"}""", """[{"op":"replace","path":"/baz","value":"boo"}]""", """{"baz":"boo","foo":"bar"}"""),
        new("A.6 move value", """{"foo":{"bar":"baz","waldo":"fred"},"qux":{"corge":"grault"}}""", """[{"op":"move","from":"/foo/waldo","path":"/qux/thud"}]""", """{"foo":{"bar":"baz"},"qux":{"corge":"grault","thud":"fred"}}"""),
        new("A.7 move array element", """{"foo":["all","grass","cows","eat"]}""", """[{"op":"move","from":"/foo/1","path":"/foo/3"}]""", """{"foo":["all","cows","eat","grass"]}"""),
        new("A.8 test success", """{"baz":"qux","foo":["a",2,"c"]}""", """[{"op":"test","path":"/baz","value":"qux"},{"op":"test","path":"/foo/1","value":2}]""", """{"baz":"qux","foo":["a",2,"c"]}"""),
        new("A.10 add nested member object", """{"foo":"bar"}""", """[{"op":"add","path":"/child","value":{"grandchild":{}}}]""", """{"foo":"bar","child":{"grandchild":{}}}"""),
        new("A.11 ignore unrecognized elements", """{"foo":"bar"}""", """[{"op":"add","path":"/baz","value":"qux","xyz":123}]""", """{"foo":"bar","baz":"qux"}"""),
        new("A.14 ~ escape ordering", """{"/":9,"~1":10}""", """[{"op":"test","path":"/~01","value":10}]""", """{"/":9,"~1":10}"""),
        new("A.16 add array value", """{"foo":["bar"]}""", """[{"op":"add","path":"/foo/-","value":["abc","def"]}]""", """{"foo":["bar",["abc","def"]]}"""),
        new("copy", """{"a":{"b":1}}""", """[{"op":"copy","from":"/a","path":"/c"}]""", """{"a":{"b":1},"c":{"b":1}}"""),
        new("pointer escapes a slash in a label key", """{"metadata":{"labels":{"app.kubernetes.io/name":"x"}}}""", """[{"op":"remove","path":"/metadata/labels/app.kubernetes.io~1name"}]""", """{"metadata":{"labels":{}}}"""),
        new("kubectl scale-style replace", """{"spec":{"replicas":1}}""", """[{"op":"replace","path":"/spec/replicas","value":5}]""", """{"spec":{"replicas":5}}"""),
    };

    [Theory]
    [MemberData(nameof(RfcExamples))]
    public void Apply_RfcExample_GivesRfcResult(Case c) =>
        Equal(c.Expected, JsonPatch.Apply(Obj(c.Document), Arr(c.Patch)));

    public sealed record Failure(string Name, string Patch);

    public static TheoryData<Failure> Failures => new()
    {
        new("A.9 test fails", """[{"op":"test","path":"/baz","value":"bar"}]"""),
        new("A.12 add to nonexistent target", """[{"op":"add","path":"/baz/bat","value":"qux"}]"""),
        new("A.15 comparing strings and numbers", """[{"op":"test","path":"/num","value":"10"}]"""),
        new("remove missing member", """[{"op":"remove","path":"/nope"}]"""),
        new("replace missing member", """[{"op":"replace","path":"/nope","value":1}]"""),
        new("array index out of range", """[{"op":"add","path":"/arr/5","value":1}]"""),
        new("unknown op", """[{"op":"frobnicate","path":"/baz"}]"""),
        new("path not a pointer", """[{"op":"add","path":"baz","value":1}]"""),
    };

    [Theory]
    [MemberData(nameof(Failures))]
    public void Apply_FailingOperation_Is422LikeKube(Failure f)
    {
        var e = Assert.Throws<ApiException>(() => JsonPatch.Apply(Obj("""{"baz":"qux","num":10,"arr":[1]}"""), Arr(f.Patch)));
        Assert.Equal((422, "Invalid", "the server rejected our request due to an error in our request"), (e.Code, e.Reason, e.Message));
    }

    [Fact]
    public void Apply_PatchNotAnArray_IsBadRequest()
    {
        var e = Assert.Throws<ApiException>(() => JsonPatch.Apply(Obj("{}"), Obj("""{"op":"add"}""")));
        Assert.Equal((400, "BadRequest"), (e.Code, e.Reason));
    }

    [Fact]
    public void Apply_TooManyOperations_Is413()
    {
        var ops = "[" + string.Join(",", Enumerable.Repeat("""{"op":"test","path":"/a","value":1}""", 10001)) + "]";
        var e = Assert.Throws<ApiException>(() => JsonPatch.Apply(Obj("""{"a":1}"""), Arr(ops)));
        Assert.Equal((413, "Request entity too large: The allowed maximum operations in a JSON patch is 10000, got 10001"), (e.Code, e.Message));
    }
}
