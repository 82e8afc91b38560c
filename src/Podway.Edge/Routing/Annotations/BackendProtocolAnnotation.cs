namespace Podway.Edge.Routing.Annotations;

/// <summary>How the edge talks to an Ingress's backends.</summary>
internal enum BackendProtocol
{
    /// <summary>HTTP/1.1 in cleartext (ingress-nginx's default), or h2c when the Service port's appProtocol says so.</summary>
    Http,
    /// <summary>HTTP/1.1 over TLS; the backend's certificate is not verified (nginx's proxy_ssl_verify off).</summary>
    Https,
    /// <summary>HTTP/2 in cleartext with prior knowledge (GRPC and H2C).</summary>
    H2c,
    /// <summary>HTTP/2 over TLS (ALPN h2), certificate not verified.</summary>
    Grpcs,
}

/// <summary>ingress-nginx's `backend-protocol` (annotations/backendprotocol): HTTP (default), HTTPS, GRPC, GRPCS, H2C,
/// case-insensitive. AUTO_HTTP, FCGI and AJP are ingress-nginx's too but not the edge's: reported and ignored.</summary>
internal static class BackendProtocolAnnotation
{
    public const string Name = "backend-protocol";

    public static BackendProtocol Of(AnnotationReader annotations)
    {
        var value = annotations.Get(Name);
        switch (value?.ToUpperInvariant())
        {
            case null or "HTTP": return BackendProtocol.Http;
            case "HTTPS": return BackendProtocol.Https;
            case "GRPC" or "H2C": return BackendProtocol.H2c;
            case "GRPCS": return BackendProtocol.Grpcs;
            default:
                annotations.Invalid(Name, value, "is not a backend protocol podway's edge speaks (HTTP, HTTPS, GRPC, GRPCS, H2C)");
                return BackendProtocol.Http;
        }
    }
}
