using System.Text.Json.Nodes;
using Podway.Api.Errors;
using Podway.Api.Selectors;

namespace Podway.Api.Tests.Selectors;

public sealed class LabelSelectorMatchTests
{
    [Theory]
    [InlineData("x=a", """{"x":"a"}""", true)]
    [InlineData("x=a", """{"x":"b"}""", false)]
    [InlineData("x=a", """{}""", false)]
    [InlineData("x==a", """{"x":"a","y":"b"}""", true)]
    [InlineData("x!=a", """{}""", true)]
    [InlineData("x!=a", """{"x":"a"}""", false)]
    [InlineData("x in (a,b)", """{"x":"b"}""", true)]
    [InlineData("x in (a,b)", """{}""", false)]
    [InlineData("x notin (a,b)", """{}""", true)]
    [InlineData("x notin (a,b)", """{"x":"c"}""", true)]
    [InlineData("x notin (a,b)", """{"x":"a"}""", false)]
    [InlineData("x", """{"x":""}""", true)]
    [InlineData("x", """{"y":"x"}""", false)]
    [InlineData("!x", """{}""", true)]
    [InlineData("!x", """{"x":"a"}""", false)]
    [InlineData("x>1", """{"x":"2"}""", true)]
    [InlineData("x>1", """{"x":"1"}""", false)]
    [InlineData("x<1", """{"x":"-3"}""", true)]
    [InlineData("x>1", """{"x":"abc"}""", false)]
    [InlineData("x=", """{"x":""}""", true)]
    [InlineData("x=", """{}""", false)]
    [InlineData("", """{}""", true)]
    [InlineData("app=web,tier in (fe)", """{"app":"web","tier":"fe"}""", true)]
    [InlineData("app=web,tier in (fe)", """{"app":"web","tier":"be"}""", false)]
    public void Matches_ParsedSelector_AsKube(string selector, string labels, bool expected)
    {
        Assert.Equal(expected, LabelSelector.Parse(selector).Matches(JsonNode.Parse(labels)!.AsObject()));
    }

    [Fact]
    public void Matches_NullLabels_TreatedAsNoLabels()
    {
        Assert.True(LabelSelector.Parse("!x").Matches(null));
        Assert.False(LabelSelector.Parse("x").Matches(null));
    }

    [Fact]
    public void FromJson_Null_MatchesNothing()
    {
        var selector = LabelSelector.FromJson(null);
        Assert.False(selector.Matches(new JsonObject()));
        Assert.True(selector.MatchesNothing);
        Assert.Equal("", selector.ToString());
    }

    [Theory]
    [InlineData("""{}""")]
    [InlineData("""{"matchLabels":{},"matchExpressions":[]}""")]
    public void FromJson_Empty_MatchesEverything(string json)
    {
        var selector = LabelSelector.FromJson(JsonNode.Parse(json)!.AsObject());
        Assert.True(selector.IsEmpty);
        Assert.True(selector.Matches(JsonNode.Parse("""{"any":"thing"}""")!.AsObject()));
    }

    [Theory]
    [InlineData("""{"matchLabels":{"app":"web"}}""", "app=web")]
    [InlineData("""{"matchLabels":{"tier":"fe","app":"web"}}""", "app=web,tier=fe")]
    [InlineData("""{"matchLabels":{"app":"web"},"matchExpressions":[{"key":"tier","operator":"In","values":["b","a"]}]}""", "app=web,tier in (a,b)")]
    [InlineData("""{"matchExpressions":[{"key":"env","operator":"NotIn","values":["prod"]},{"key":"canary","operator":"DoesNotExist"},{"key":"app","operator":"Exists"}]}""", "app,!canary,env notin (prod)")]
    public void FromJson_Selector_CanonicalString(string json, string expected)
    {
        Assert.Equal(expected, LabelSelector.FromJson(JsonNode.Parse(json)!.AsObject()).ToString());
    }

    [Theory]
    [InlineData("""{"matchExpressions":[{"key":"env","operator":"NotIn","values":["prod"]}]}""", """{"env":"dev"}""", true)]
    [InlineData("""{"matchExpressions":[{"key":"env","operator":"NotIn","values":["prod"]}]}""", """{"env":"prod"}""", false)]
    [InlineData("""{"matchExpressions":[{"key":"env","operator":"Exists"}]}""", """{"env":""}""", true)]
    [InlineData("""{"matchExpressions":[{"key":"env","operator":"DoesNotExist"}]}""", """{"env":""}""", false)]
    [InlineData("""{"matchLabels":{"app":"web"},"matchExpressions":[{"key":"tier","operator":"In","values":["fe"]}]}""", """{"app":"web"}""", false)]
    public void FromJson_Selector_MatchesAsKube(string selector, string labels, bool expected)
    {
        Assert.Equal(expected, LabelSelector.FromJson(JsonNode.Parse(selector)!.AsObject()).Matches(JsonNode.Parse(labels)!.AsObject()));
    }

    [Theory]
    [InlineData("""{"matchExpressions":[{"key":"a","operator":"Gt","values":["1"]}]}""", "\"Gt\" is not a valid label selector operator")]
    [InlineData("""{"matchExpressions":[{"key":"a","operator":"In","values":[]}]}""", "values: Invalid value: []string(nil): for 'in', 'notin' operators, values set can't be empty")]
    [InlineData("""{"matchExpressions":[{"key":"a","operator":"Exists","values":["x"]}]}""", "values: Invalid value: []string{\"x\"}: values set must be empty for exists and does not exist")]
    [InlineData("""{"matchLabels":{"app":"a b"}}""", "values[0][app]: Invalid value: \"a b\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')")]
    public void FromJson_Invalid_BadRequestWithKubeMessage(string json, string message)
    {
        var e = Assert.Throws<ApiException>(() => LabelSelector.FromJson(JsonNode.Parse(json)!.AsObject()));
        Assert.Equal(message, e.Message);
    }

    [Theory]
    [InlineData(null, "<none>")]
    [InlineData("""{}""", "<none>")]
    [InlineData("""{"matchLabels":{"app":"web"}}""", "app=web")]
    [InlineData("""{"matchExpressions":[{"key":"a","operator":"Bogus"}]}""", "<error>")]
    public void Format_Selector_AsKubectlPrinters(string? json, string expected)
    {
        Assert.Equal(expected, LabelSelector.Format(json is null ? null : JsonNode.Parse(json)!.AsObject()));
    }

    [Fact]
    public void FromSet_ServiceSelector_MatchesAllPairs()
    {
        var selector = LabelSelector.FromSet(JsonNode.Parse("""{"app":"web","tier":"fe"}""")!.AsObject());
        Assert.Equal("app=web,tier=fe", selector.ToString());
        Assert.True(selector.Matches(JsonNode.Parse("""{"app":"web","tier":"fe","pod-template-hash":"abc"}""")!.AsObject()));
        Assert.False(selector.Matches(JsonNode.Parse("""{"app":"web"}""")!.AsObject()));
    }
}
