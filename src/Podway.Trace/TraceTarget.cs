using System.Net;

namespace Podway.Trace;

/// <summary>Where a traced request goes. <see cref="Parse"/> accepts a URL, `svc/NAME[:port]`, `pod/NAME:port` or `IP:port`.</summary>
public abstract record TraceTarget
{
    /// <summary>`http://web`, `http://web.shop.svc:8080/api`, `https://shop.example.com/api`.</summary>
    public sealed record Url(string Scheme, string Host, int Port, string PathAndQuery) : TraceTarget
    {
        public bool Https => Scheme == "https";
        public string Path => PathAndQuery.Split('?')[0] is { Length: > 0 } p ? p : "/";
        public override string ToString() => $"{Scheme}://{Host}{(Port == (Https ? 443 : 80) ? "" : ":" + Port)}{PathAndQuery}";
    }

    /// <summary>A Service by name; Port is a number or a port name, null for the Service's only (or first) port.</summary>
    public sealed record Service(string Name, string? Port) : TraceTarget
    {
        public override string ToString() => $"svc/{Name}{(Port is null ? "" : ":" + Port)}";
    }

    /// <summary>A Pod by name and port (a number or a container port's name).</summary>
    public sealed record Pod(string Name, string Port) : TraceTarget
    {
        public override string ToString() => $"pod/{Name}:{Port}";
    }

    public sealed record Address(IPAddress Ip, int Port) : TraceTarget
    {
        public override string ToString() => $"{Ip}:{Port}";
    }

    public static TraceTarget Parse(string text)
    {
        if (text.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || text.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Host.Length == 0)
                throw new TraceUsageException($"TO \"{text}\" is not a valid URL");
            return new Url(uri.Scheme.ToLowerInvariant(), uri.IdnHost.TrimEnd('.').ToLowerInvariant(), uri.Port, uri.PathAndQuery);
        }
        if (text.Contains("://"))
            throw new TraceUsageException($"TO \"{text}\" is not a URL podway trace follows (http:// or https://)");
        var slash = text.IndexOf('/');
        if (slash > 0)
        {
            var (kind, rest) = (text[..slash], text[(slash + 1)..]);
            var (name, port) = SplitPort(rest);
            if (!ObjectNames.IsValid(name)) throw new TraceUsageException($"TO \"{text}\": \"{name}\" is not a valid object name");
            if (port is not null && !ValidPort(port)) throw new TraceUsageException($"TO \"{text}\": \"{port}\" is not a port number (1-65535) or port name");
            switch (kind)
            {
                case "svc" or "service" or "services": return new Service(name, port);
                case "pod" or "pods" or "po":
                    return new Pod(name, port ?? throw new TraceUsageException($"TO \"{text}\" needs a port: pod/{name}:PORT"));
            }
            throw new TraceUsageException($"TO \"{text}\" is not a URL, svc/NAME[:port], pod/NAME:port or IP:port");
        }
        var colon = text.LastIndexOf(':');
        if (colon > 0 && IPAddress.TryParse(text[..colon], out var ip) && int.TryParse(text[(colon + 1)..], out var p) && p is >= 1 and <= 65535)
            return new Address(ip, p);
        throw new TraceUsageException($"TO \"{text}\" is not a URL, svc/NAME[:port], pod/NAME:port or IP:port");
    }

    static (string Name, string? Port) SplitPort(string text)
    {
        var colon = text.IndexOf(':');
        return colon < 0 ? (text, null) : (text[..colon], text[(colon + 1)..]);
    }

    /// <summary>A number 1-65535, or an IANA_SVC_NAME (lower case letters, digits, '-', at most 15, a letter in it).</summary>
    static bool ValidPort(string port) =>
        int.TryParse(port, out var n) ? n is >= 1 and <= 65535
        : port.Length is > 0 and <= 15 && port.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-') && port.Any(char.IsAsciiLetterLower);
}
