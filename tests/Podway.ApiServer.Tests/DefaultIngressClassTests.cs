namespace Podway.ApiServer.Tests;

/// <summary>kube-apiserver's DefaultIngressClass admission: a classless Ingress gets the default class's name at create.</summary>
public sealed class DefaultIngressClassTests : IAsyncLifetime
{
    const string Classes = "/apis/networking.k8s.io/v1/ingressclasses";
    const string Ingresses = "/apis/networking.k8s.io/v1/namespaces/default/ingresses";
    TestApiServer _server = null!;
    public async Task InitializeAsync() => _server = await TestApiServer.StartAsync();
    public async Task DisposeAsync() => await _server.DisposeAsync();

    static string Class(string name, bool isDefault) =>
        $$$"""{"apiVersion":"networking.k8s.io/v1","kind":"IngressClass","metadata":{"name":"{{{name}}}"{{{(isDefault ? ""","annotations":{"ingressclass.kubernetes.io/is-default-class":"true"}""" : "")}}}},"spec":{"controller":"example.com/{{{name}}}"}}""";

    static string Ingress(string name, string extraSpec = "", string annotations = "") =>
        "{\"apiVersion\":\"networking.k8s.io/v1\",\"kind\":\"Ingress\",\"metadata\":{\"name\":\"" + name + "\"" + annotations + "}," +
        "\"spec\":{\"defaultBackend\":{\"service\":{\"name\":\"web\",\"port\":{\"number\":80}}}" + extraSpec + "}}";

    [Fact]
    public async Task WithoutAClass_GetsTheDefaultOnCreate_ButAnExplicitClassOrTheLegacyAnnotationIsKept()
    {
        Assert.Equal(201, (await _server.PostAsync(Classes, Class("plain", false))).Code);
        var (_, none) = await _server.PostAsync(Ingresses, Ingress("before-default"));
        Assert.Null(none!["spec"]!["ingressClassName"]);

        Assert.Equal(201, (await _server.PostAsync(Classes, Class("house", true))).Code);
        var (code, defaulted) = await _server.PostAsync(Ingresses, Ingress("classless"));
        Assert.Equal(201, code);
        Assert.Equal("house", defaulted!["spec"]!["ingressClassName"]!.GetValue<string>());
        var (_, stored) = await _server.GetAsync(Ingresses + "/classless");
        Assert.Equal("house", stored!["spec"]!["ingressClassName"]!.GetValue<string>());

        var (_, explicitClass) = await _server.PostAsync(Ingresses, Ingress("explicit", ""","ingressClassName":"plain" """));
        Assert.Equal("plain", explicitClass!["spec"]!["ingressClassName"]!.GetValue<string>());
        var (_, legacy) = await _server.PostAsync(Ingresses, Ingress("legacy", annotations: ""","annotations":{"kubernetes.io/ingress.class":"plain"}"""));
        Assert.Null(legacy!["spec"]!["ingressClassName"]);
        var (_, old) = await _server.GetAsync(Ingresses + "/before-default");
        Assert.Null(old!["spec"]!["ingressClassName"]);
    }

    [Fact]
    public async Task TwoDefaultClasses_RefuseTheCreateAsKubeDoes()
    {
        Assert.Equal(201, (await _server.PostAsync(Classes, Class("one", true))).Code);
        Assert.Equal(201, (await _server.PostAsync(Classes, Class("two", true))).Code);
        var (code, body) = await _server.PostAsync(Ingresses, Ingress("ambiguous"));
        Assert.Equal(403, code);
        Assert.Equal("ingresses.networking.k8s.io \"ambiguous\" is forbidden: Internal error occurred: 2 default IngressClasses were found, only 1 allowed",
            body!["message"]!.GetValue<string>());
        Assert.Equal(201, (await _server.PostAsync(Ingresses, Ingress("chosen", ""","ingressClassName":"one" """))).Code);
    }
}
