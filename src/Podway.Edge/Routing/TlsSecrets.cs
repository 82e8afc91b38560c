using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;

namespace Podway.Edge.Routing;

/// <summary>Turns a `kubernetes.io/tls` Secret into a certificate with its private key, or says what is wrong.</summary>
internal static class TlsSecrets
{
    public const string TlsType = "kubernetes.io/tls";

    // Informer caches replace an object on every change, so an instance is one version of a Secret: parse it once,
    // not on every rebuild (rebuilds follow every EndpointSlice change).
    static readonly ConditionalWeakTable<JsonObject, ServedCertificateOrError> Parsed = new();

    /// <summary><see cref="Load"/>, remembered for this Secret instance.</summary>
    public static ServedCertificateOrError LoadOnce(JsonObject secret) =>
        Parsed.GetValue(secret, s => Load(s, out var error) is { } served ? new(served, null) : new(null, error));

    /// <summary>The certificate in <paramref name="secret"/>, or null and <paramref name="error"/> for the Event.</summary>
    public static ServedCertificate? Load(JsonObject secret, out string? error)
    {
        var id = $"{Json.Namespace(secret)}/{Json.Name(secret)}";
        var type = Json.Text(secret["type"]);
        if (type != TlsType)
        {
            error = $"Secret {id} has type \"{type ?? "Opaque"}\", not {TlsType}";
            return null;
        }
        var crt = Decode(secret["data"]?["tls.crt"]);
        var key = Decode(secret["data"]?["tls.key"]);
        if (crt is null || key is null)
        {
            error = $"Secret {id} has no {(crt is null ? "tls.crt" : "tls.key")} (or it is not base64)";
            return null;
        }
        try
        {
            using var loaded = X509Certificate2.CreateFromPem(crt, key); // the first certificate, with the key
            var chain = new X509Certificate2Collection();
            chain.ImportFromPem(crt);
            chain.RemoveAt(0);
            error = null;
            return new ServedCertificate(Persistable(loaded), chain);
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            error = $"Secret {id} has no usable certificate and key in tls.crt/tls.key: {e.Message}";
            return null;
        }
    }

    /// <summary>
    /// A PKCS#12 round trip gives the key a form every SslStream backend accepts (CreateFromPem's ephemeral key works
    /// with OpenSSL on Linux but not with SChannel), and detaches the result from the caller's disposable instance.
    /// </summary>
    public static X509Certificate2 Persistable(X509Certificate2 withKey) =>
        X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null, X509KeyStorageFlags.Exportable);

    static string? Decode(JsonNode? node)
    {
        var b64 = Json.Text(node);
        if (string.IsNullOrEmpty(b64)) return null;
        try { return Encoding.UTF8.GetString(Convert.FromBase64String(b64)); }
        catch (FormatException) { return null; }
    }
}

internal sealed record ServedCertificateOrError(ServedCertificate? Served, string? Error);
