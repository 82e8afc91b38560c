using System.Text;
using System.Text.Json.Nodes;
using Podway.Edge.Routing;
using Podway.Edge.Routing.Annotations;
using static Podway.Edge.Tests.EdgeObjects;

namespace Podway.Edge.Tests.Annotations;

/// <summary>auth-type basic: htpasswd hash formats as nginx checks them, and the Secret forms ingress-nginx reads.</summary>
public class BasicAuthTests
{
    const string P = "nginx.ingress.kubernetes.io/";

    [Theory]
    [InlineData("$apr1$saltsalt$LrttParrLPdxvgutaSXWJ0")]                     // openssl passwd -apr1 (htpasswd -m)
    [InlineData("{SHA}5en6G6MezRroT3XKqkdPOmY/BfQ=")]                         // htpasswd -s
    [InlineData("{PLAIN}secret")]
    [InlineData("$1$saltsalt$9xy1btjgzLYfb7hivXtC//")]                        // crypt MD5
    [InlineData("$2y$05$abcdefghijklmnopqrstuuOQiyCxlgf/oeuTqixKmWdcYUh4Hjl0a")] // htpasswd -B (bcrypt, via crypt(3))
    [InlineData("$6$saltsalt$TVLlQcbpFVof5W3Yz4DTP6gRstiNuHwwTt6GLc1E5n0U0aDehy0S5knV8wiOQSpT0Y77vwPZN.Pq.H91p5hVO1")]
    [InlineData("abNANd1rDfiNc")]                                             // htpasswd -d (DES crypt)
    public void Verify_RightPasswordPasses_WrongOneFails(string hash)
    {
        Assert.True(PasswordHashes.Verify("secret", hash));
        Assert.False(PasswordHashes.Verify("Secret", hash));
        Assert.False(PasswordHashes.Verify("", hash));
    }

    [Fact]
    public void Verify_UnknownOrTruncatedHash_Fails()
    {
        Assert.False(PasswordHashes.Verify("secret", "$apr1$saltsalt$"));
        Assert.False(PasswordHashes.Verify("secret", "{SSHA}!!"));
        Assert.False(PasswordHashes.Verify("secret", "$9$nothing"));
    }

    static JsonObject Secret(string name, Dictionary<string, string> data) => new()
    {
        ["apiVersion"] = "v1", ["kind"] = "Secret",
        ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = "web" },
        ["data"] = new JsonObject(data.Select(d => KeyValuePair.Create(d.Key, (JsonNode?)Convert.ToBase64String(Encoding.UTF8.GetBytes(d.Value))))),
    };

    static BasicAuth? AuthOf(Dictionary<string, string> annotations, List<IngressProblem> problems, params JsonObject[] secrets)
    {
        var ingress = Ingress("web", "w", 1, [], annotations: annotations.ToDictionary(a => P + a.Key, a => a.Value));
        var reader = new AnnotationReader(ingress, new IngressRef("web", "w"), problems);
        return IngressBehaviour.Of(reader, (ns, name) => secrets.FirstOrDefault(s => Json.Name(s) == name && ns == "web")).Auth;
    }

    [Fact]
    public void AuthFile_HtpasswdLines_FirstLinePerUser()
    {
        var problems = new List<IngressProblem>();
        var auth = AuthOf(new() { ["auth-type"] = "basic", ["auth-secret"] = "basic-auth", ["auth-realm"] = "Authentication Required - foo" }, problems,
            Secret("basic-auth", new() { ["auth"] = "# users\nfoo:{PLAIN}bar\r\nfoo:{PLAIN}other\nbaz:$apr1$saltsalt$LrttParrLPdxvgutaSXWJ0\n" }))!;
        Assert.Equal("Authentication Required - foo", auth.Realm);
        Assert.Equal(["baz", "foo"], auth.Users!.Keys.Order());
        Assert.Equal("{PLAIN}bar", auth.Users["foo"]);
        Assert.Empty(problems);
    }

    [Fact]
    public void AuthMap_KeysAreUsers()
    {
        var auth = AuthOf(new() { ["auth-type"] = "basic", ["auth-secret"] = "web/map", ["auth-secret-type"] = "auth-map" }, [],
            Secret("map", new() { ["alice"] = "{PLAIN}a", ["bob"] = "{SHA}5en6G6MezRroT3XKqkdPOmY/BfQ=" }))!;
        Assert.Equal(["alice", "bob"], auth.Users!.Keys.Order());
        Assert.Equal("", auth.Realm);
    }

    [Theory]
    [InlineData("missing", "auth-secret \"web/missing\" not found")]
    [InlineData("other/basic-auth", "is in another namespace")]
    [InlineData(null, "needs auth-secret")]
    public void UnusableSecret_DeniesEverything(string? secret, string message)
    {
        var problems = new List<IngressProblem>();
        var annotations = new Dictionary<string, string> { ["auth-type"] = "basic" };
        if (secret is not null) annotations["auth-secret"] = secret;
        var auth = AuthOf(annotations, problems, Secret("basic-auth", new() { ["auth"] = "foo:{PLAIN}bar" }))!;
        Assert.Null(auth.Users);
        Assert.Contains(problems, p => p.Message.Contains(message));
    }

    [Fact]
    public void DigestAuth_IsWarnedAndIgnored()
    {
        var problems = new List<IngressProblem>();
        Assert.Null(AuthOf(new() { ["auth-type"] = "digest", ["auth-secret"] = "basic-auth" }, problems));
        Assert.Contains(problems, p => p.Reason == AnnotationReader.InvalidReason && p.Message.Contains("auth-type"));
    }
}
