using Podway.Api.Errors;
using Podway.Api.Selectors;

namespace Podway.Api.Tests.Selectors;

public sealed class LabelSelectorParseTests
{
    const string LabelValueRule = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
    const string NamePartRule = "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";

    [Theory]
    [InlineData("", "")]
    [InlineData("x=a,y=b,z=c", "x=a,y=b,z=c")]
    [InlineData("z=c,x=a", "x=a,z=c")]
    [InlineData("x!=a,y=b", "x!=a,y=b")]
    [InlineData("x==a", "x==a")]
    [InlineData("x=", "x=")]
    [InlineData("x= ,z= ", "x=,z=")]
    [InlineData(" x in ( b , a ) ", "x in (a,b)")]
    [InlineData("x in (b,a,a)", "x in (a,b)")]
    [InlineData("x notin ()", "x notin ()")]
    [InlineData("x in (,a)", "x in (,a)")]
    [InlineData("x in (in,notin)", "x in (in,notin)")]
    [InlineData("x", "x")]
    [InlineData("!x", "!x")]
    [InlineData("! x", "!x")]
    [InlineData("x>1,z<5", "x>1,z<5")]
    [InlineData("app.kubernetes.io/name=web,tier in (fe,be),!canary", "app.kubernetes.io/name=web,!canary,tier in (be,fe)")]
    [InlineData("kubernetes.io/service-name=web", "kubernetes.io/service-name=web")]
    public void Parse_ValidSelector_CanonicalString(string text, string expected)
    {
        Assert.Equal(expected, LabelSelector.Parse(text).ToString());
    }

    [Theory]
    [InlineData("x=a||y=b", "unable to parse requirement: values[0][x]: Invalid value: \"a||y\": " + LabelValueRule)]
    [InlineData("x in a", "unable to parse requirement: found 'a' expected: '('")]
    [InlineData("x==a==b", "found '==', expected: ',' or 'end of string'")]
    [InlineData("x in (a", "unable to parse requirement: found '', expected: ',' or ')'")]
    [InlineData("x in (a b)", "unable to parse requirement: found 'b', expected: ',' or ')'")]
    [InlineData("x,", "found '', expected: identifier after ','")]
    [InlineData(",x", "found ',', expected: !, identifier, or 'end of string'")]
    [InlineData("a b", "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt")]
    [InlineData("x>a", "unable to parse requirement: values[0]: Invalid value: \"a\": for 'Gt', 'Lt' operators, the value must be an integer")]
    [InlineData("x=>", "unable to parse requirement: found '>', expected: identifier")]
    [InlineData("-x=1", "unable to parse requirement: : Invalid value: \"-x\": " + NamePartRule)]
    [InlineData("!=a", "found '!=', expected: !, identifier, or 'end of string'")]
    [InlineData("!", "unable to parse requirement: found '', expected: identifier")]
    [InlineData("x=(a)", "unable to parse requirement: found '(', expected: identifier")]
    [InlineData("a/b/c", "unable to parse requirement: : Invalid value: \"a/b/c\": a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')")]
    [InlineData("Example.com/x", "unable to parse requirement: : Invalid value: \"Example.com/x\": prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')")]
    public void Parse_InvalidSelector_BadRequestWithKubeMessage(string text, string message)
    {
        var e = Assert.Throws<ApiException>(() => LabelSelector.Parse(text));
        Assert.Equal(400, e.Code);
        Assert.Equal("BadRequest", e.Reason);
        Assert.Equal(message, e.Message);
    }

    [Fact]
    public void Parse_KeyTooLong_MaxLengthMessage()
    {
        var key = new string('a', 64);
        var e = Assert.Throws<ApiException>(() => LabelSelector.Parse(key));
        Assert.Equal($"unable to parse requirement: : Invalid value: \"{key}\": name part must be no more than 63 characters", e.Message);
    }
}
