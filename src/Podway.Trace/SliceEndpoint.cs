using System.Text.Json.Nodes;
using Podway.Api.Json;

namespace Podway.Trace;

/// <summary>One address of an EndpointSlice for the traced Service port, with the API's condition defaults
/// (unset ready = true, unset serving = ready, unset terminating = false).</summary>
internal sealed record SliceEndpoint(string Address, int Port, bool Ready, bool Serving, bool Terminating, string? PodName)
{
    public string Conditions => $"ready={Lower(Ready)} serving={Lower(Serving)} terminating={Lower(Terminating)}";
    static string Lower(bool b) => b ? "true" : "false";

    /// <summary>The endpoints of every slice for the Service port named <paramref name="portName"/> ("" when unnamed).</summary>
    public static List<SliceEndpoint> From(IEnumerable<JsonObject> slices, string portName)
    {
        var result = new List<SliceEndpoint>();
        foreach (var slice in slices)
        {
            if (slice.Str("addressType") is not ("IPv4" or null)) continue;
            var port = (slice.Arr("ports") ?? []).OfType<JsonObject>().FirstOrDefault(p => (p.Str("name") ?? "") == portName);
            if (port?.Long("port") is not { } number) continue;
            foreach (var ep in (slice.Arr("endpoints") ?? []).OfType<JsonObject>())
            {
                var c = ep.Obj("conditions");
                var ready = c.Bool("ready") ?? true;
                var serving = c.Bool("serving") ?? ready;
                var terminating = c.Bool("terminating") ?? false;
                var pod = ep.Obj("targetRef") is { } r && r.Str("kind") == "Pod" ? r.Str("name") : null;
                foreach (var a in (ep.Arr("addresses") ?? []).Select(a => a?.GetValue<string>()).OfType<string>())
                    if (result.All(e => e.Address != a)) result.Add(new(a, (int)number, ready, serving, terminating, pod));
            }
        }
        return result;
    }
}
