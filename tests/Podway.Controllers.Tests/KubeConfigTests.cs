using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Podway.Client;

namespace Podway.Controllers.Tests;

public sealed class KubeConfigTests
{
    static readonly X509Certificate2 Ca = MakeCa();

    static X509Certificate2 MakeCa()
    {
        using var key = ECDsa.Create();
        var request = new CertificateRequest("CN=podway-test-ca", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
    }

    static string CaData => Convert.ToBase64String(Encoding.UTF8.GetBytes(Ca.ExportCertificatePem()));

    string Config => $"""
        apiVersion: v1
        kind: Config
        clusters:
        - name: podway
          cluster:
            server: https://127.0.0.1:6443
            certificate-authority-data: {CaData}
        - name: other
          cluster:
            server: http://10.0.0.9:8080
        users:
        - name: admin
          user:
            token: s3cret
        contexts:
        - name: podway
          context:
            cluster: podway
            user: admin
        - name: other
          context:
            cluster: other
            user: nobody
            namespace: team-a
        current-context: podway
        """;

    [Fact]
    public void Parse_CurrentContext_ResolvesServerTokenAndCa()
    {
        var config = KubeConfig.Parse(Config);
        Assert.Equal(new Uri("https://127.0.0.1:6443"), config.Server);
        Assert.Equal("s3cret", config.Token);
        Assert.Equal(Ca.Thumbprint, config.CertificateAuthority?.Thumbprint);
        Assert.Null(config.Namespace);
    }

    [Fact]
    public void Parse_NamedContext_OverridesCurrentContext()
    {
        var config = KubeConfig.Parse(Config, context: "other");
        Assert.Equal(new Uri("http://10.0.0.9:8080"), config.Server);
        Assert.Null(config.Token); // its user is not in the file
        Assert.Null(config.CertificateAuthority);
        Assert.Equal("team-a", config.Namespace);
    }

    public sealed record BrokenRow(string Yaml, string ExpectedMessagePart);

    public static TheoryData<BrokenRow> BrokenRows => new()
    {
        new("clusters: []\ncontexts: []\n", "no current-context"),
        new("current-context: gone\ncontexts: []\n", "context \"gone\" not found"),
        new("current-context: c\ncontexts:\n- name: c\n  context:\n    cluster: x\nclusters: []\n", "cluster \"x\" not found"),
        new("current-context: c\ncontexts:\n- name: c\n  context:\n    cluster: x\nclusters:\n- name: x\n  cluster: {}\n", "has no server"),
    };

    [Theory, MemberData(nameof(BrokenRows))]
    public void Parse_IncompleteConfig_ThrowsNamingWhatIsMissing(BrokenRow row)
    {
        var error = Assert.Throws<FormatException>(() => KubeConfig.Parse(row.Yaml));
        Assert.Contains(row.ExpectedMessagePart, error.Message);
    }

    [Fact]
    public void Load_FileWithRelativeTokenFile_ReadsTokenBesideIt()
    {
        var dir = Directory.CreateTempSubdirectory("podway-kubeconfig-");
        try
        {
            File.WriteAllText(Path.Combine(dir.FullName, "token"), "from-file\n");
            File.WriteAllText(Path.Combine(dir.FullName, "config"), """
                clusters:
                - name: c
                  cluster: {server: "http://127.0.0.1:1"}
                users:
                - name: u
                  user: {tokenFile: token}
                contexts:
                - name: c
                  context: {cluster: c, user: u}
                current-context: c
                """);
            Assert.Equal("from-file", KubeConfig.Load(Path.Combine(dir.FullName, "config")).Token);
        }
        finally { dir.Delete(true); }
    }
}
