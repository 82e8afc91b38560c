using Podway.Api.Validation;

namespace Podway.Api.Tests.Validation;

public sealed class RulesTests
{
    [Theory]
    [InlineData("web", true)]
    [InlineData("my-name-1", true)]
    [InlineData("Web", false)]
    [InlineData("-web", false)]
    [InlineData("a.b", false)]
    public void IsDns1123Label_Value_MatchesKube(string value, bool valid) => Assert.Equal(valid, NameRules.IsDns1123Label(value));

    [Theory]
    [InlineData("example.com", true)]
    [InlineData("a..b", false)]
    [InlineData("UPPER.com", false)]
    public void IsDns1123Subdomain_Value_MatchesKube(string value, bool valid) => Assert.Equal(valid, NameRules.IsDns1123Subdomain(value));

    [Fact]
    public void Dns1123LabelErrors_Dots_SaysMustNotContainDots() =>
        Assert.Equal(["must not contain dots"], NameRules.Dns1123LabelErrors("a.b"));

    [Fact]
    public void Dns1123LabelErrors_Uppercase_GivesKubeRegexMessage() =>
        Assert.Equal(["a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"],
            NameRules.Dns1123LabelErrors("Web"));

    [Theory]
    [InlineData("http", true)]
    [InlineData("http-alt", true)]
    [InlineData("8080", false)]
    [InlineData("a--b", false)]
    [InlineData("sixteen-chars-xx", false)]
    public void IsValidPortName_Value_MatchesIanaSvcName(string value, bool valid) => Assert.Equal(valid, NameRules.IsValidPortName(value));

    [Theory]
    [InlineData("app", true)]
    [InlineData("app.kubernetes.io/name", true)]
    [InlineData("/name", false)]
    [InlineData("a/b/c", false)]
    [InlineData("-x", false)]
    public void IsQualifiedName_Value_MatchesKube(string value, bool valid) => Assert.Equal(valid, LabelRules.IsQualifiedName(value));

    [Fact]
    public void QualifiedNameErrors_EmptyPrefix_SaysPrefixPartMustBeNonEmpty() =>
        Assert.Equal(["prefix part must be non-empty"], LabelRules.QualifiedNameErrors("/name"));

    [Fact]
    public void LabelValueErrors_TooLong_SaysNoMoreThan63() =>
        Assert.Contains("must be no more than 63 characters", LabelRules.LabelValueErrors(new string('a', 64)));

    [Theory]
    [InlineData("10.1.2.3", true)]
    [InlineData("010.1.2.3", false)]
    [InlineData("::1", true)]
    [InlineData("fe80::1%eth0", false)]
    public void Parse_Address_AcceptsOnlyPlainIPs(string value, bool valid) => Assert.Equal(valid, IpRules.Parse(value) is not null);
}
