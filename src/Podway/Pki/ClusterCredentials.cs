using System.Security.Cryptography.X509Certificates;

namespace Podway.Pki;

/// <summary>A cluster's CA, the API server's serving certificate (with private key) and the admin bearer token.</summary>
internal sealed record ClusterCredentials(X509Certificate2 Ca, X509Certificate2 Serving, string AdminToken);
