using Microsoft.AspNetCore.Http;
using Podway.Api.Query;

namespace Podway.Node.Streaming.Logs;

/// <summary>The kubelet's containerLogs query (PodLogOptions): follow, tailLines, previous, timestamps, since*, limitBytes.</summary>
internal sealed record LogOptions
{
    public bool Follow { get; init; }
    public bool Previous { get; init; }
    public bool Timestamps { get; init; }
    public long? TailLines { get; init; }
    public long? LimitBytes { get; init; }
    public DateTimeOffset? Since { get; init; }

    /// <summary>Parses the query; a malformed value is an error message (the kubelet answers 400).</summary>
    public static LogOptions Parse(IQueryCollection query, DateTimeOffset now, out string? error)
    {
        error = null;
        bool Flag(string name) => QueryBool.Parse(query[name]);
        long? Number(string name, ref string? err)
        {
            var text = query[name].ToString();
            if (text.Length == 0) return null;
            if (long.TryParse(text, out var n) && n >= 0) return n;
            err = $"{name}: Invalid value: \"{text}\": must be a non-negative integer";
            return null;
        }
        var tail = Number("tailLines", ref error);
        var limit = Number("limitBytes", ref error);
        var sinceSeconds = Number("sinceSeconds", ref error);
        DateTimeOffset? since = sinceSeconds is { } s ? now.AddSeconds(-s) : null;
        var sinceTime = query["sinceTime"].ToString();
        if (sinceTime.Length > 0)
        {
            if (sinceSeconds != null) error = "at most one of `sinceTime` or `sinceSeconds` may be specified";
            else if (CriLogLine.TryParseTime(sinceTime, out var t)) since = t;
            else error = $"sinceTime: Invalid value: \"{sinceTime}\": must be RFC3339";
        }
        return new LogOptions
        {
            Follow = Flag("follow"), Previous = Flag("previous"), Timestamps = Flag("timestamps"),
            TailLines = tail, LimitBytes = limit, Since = since,
        };
    }
}
