namespace Podway.Trace;

/// <summary>Where a traced request starts: a Pod, one Pod of a Deployment, or the host (this machine).</summary>
public sealed record TraceSource(TraceSourceKind Kind, string Name)
{
    public static readonly TraceSource Host = new(TraceSourceKind.Host, "host");

    /// <summary>`pod/NAME`, `deploy/NAME` (also `deployment/`, `po/`) or `host`.</summary>
    public static TraceSource Parse(string text)
    {
        if (text == "host") return Host;
        var slash = text.IndexOf('/');
        if (slash > 0 && slash < text.Length - 1)
        {
            var name = text[(slash + 1)..];
            if (!ObjectNames.IsValid(name)) throw new TraceUsageException($"FROM \"{text}\": \"{name}\" is not a valid object name");
            switch (text[..slash])
            {
                case "pod" or "pods" or "po": return new(TraceSourceKind.Pod, name);
                case "deploy" or "deployment" or "deployments": return new(TraceSourceKind.Deployment, name);
            }
        }
        throw new TraceUsageException($"FROM \"{text}\" is not pod/NAME, deploy/NAME or host");
    }

    public override string ToString() => Kind switch
    {
        TraceSourceKind.Host => "host",
        TraceSourceKind.Pod => "pod/" + Name,
        _ => "deploy/" + Name,
    };
}

public enum TraceSourceKind { Host, Pod, Deployment }

/// <summary>A FROM or TO that cannot be parsed: the command prints it with the usage (exit 2).</summary>
public sealed class TraceUsageException(string message) : Exception(message);
