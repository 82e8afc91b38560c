namespace Podway.Images.Echo;

/// <summary>The echo images podway answers for, with the port variables and defaults of each real image.</summary>
internal sealed record EchoVariant(string Program, string PortVariable, int DefaultPort, string? TlsPortVariable = null, int DefaultTlsPort = 0)
{
    public static readonly IReadOnlyList<EchoVariant> All =
    [
        new("ealen-echo-server", "PORT", 80),
        new("jmalloc-echo-server", "PORT", 8080),
        new("mendhak-http-https-echo", "HTTP_PORT", 8080, "HTTPS_PORT", 8443),
        new("podway-echo", "PORT", 8080),
    ];
}
