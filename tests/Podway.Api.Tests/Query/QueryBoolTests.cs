using Podway.Api.Query;

namespace Podway.Api.Tests.Query;

public sealed class QueryBoolTests
{
    [Theory]
    [InlineData("true", true)]
    [InlineData("True", true)]
    [InlineData("TRUE", true)]
    [InlineData("t", true)]
    [InlineData("1", true)]
    [InlineData("yes", true)] // kube: anything but "0" and "false" is true
    [InlineData("", true)] // a bare `?watch`
    [InlineData("false", false)]
    [InlineData("False", false)]
    [InlineData("FALSE", false)]
    [InlineData("fAlSe", false)]
    [InlineData("0", false)]
    public void Parse_Value_AsKubeApiserverReadsIt(string value, bool expected) =>
        Assert.Equal(expected, QueryBool.Parse([value]));

    [Fact]
    public void Parse_Absent_IsFalse()
    {
        Assert.False(QueryBool.Parse(null));
        Assert.False(QueryBool.Parse([]));
    }

    [Fact]
    public void ParseOptional_Absent_IsNull() => Assert.Null(QueryBool.ParseOptional([]));

    [Fact]
    public void Parse_Repeated_TheFirstValueCounts()
    {
        Assert.True(QueryBool.Parse(["True", "false"]));
        Assert.False(QueryBool.Parse(["0", "true"]));
    }

    [Theory]
    [InlineData("1", true, true)]
    [InlineData("t", true, true)]
    [InlineData("TRUE", true, true)]
    [InlineData("True", true, true)]
    [InlineData("0", true, false)]
    [InlineData("F", true, false)]
    [InlineData("False", true, false)]
    [InlineData("tRUE", false, false)]
    [InlineData("yes", false, false)]
    [InlineData("", false, false)]
    public void TryParseGo_AsStrconvParseBool(string text, bool parsed, bool value)
    {
        Assert.Equal(parsed, QueryBool.TryParseGo(text, out var v));
        Assert.Equal(value, v);
    }
}
