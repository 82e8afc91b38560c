using System.Text.Json.Nodes;
using Podway.Edge.Routing;

namespace Podway.Edge.Gateway;

/// <summary>
/// Compiles a GRPCRoute's rules (one <see cref="GrpcRouteRule"/> per match; a rule without matches matches every gRPC
/// request) and finds the first backendRef problem for its ResolvedRefs condition. GRPCRoute filters are
/// RequestHeaderModifier, ResponseHeaderModifier and RequestMirror (the API refuses the HTTP-only ones).
/// </summary>
internal static class GrpcRouteCompiler
{
    public const string Kind = "GRPCRoute";

    public static (List<GrpcRouteRule> Rules, (string Reason, string Message)? Problem) Compile(JsonObject route, IngressAge age,
        ReferenceGrants grants, BackendResolver backends)
    {
        (string Reason, string Message)? problem = null;
        BackendPool? Backend(JsonObject backendRef)
        {
            var pool = BackendRefs.Resolve(backendRef, Kind, age.Namespace, grants, backends, out var why);
            if (why is { } p) problem ??= p;
            return pool;
        }

        var result = new List<GrpcRouteRule>();
        var ruleIndex = 0;
        foreach (var rule in Json.Objects(route["spec"]?["rules"]))
        {
            var filters = Json.Objects(rule["filters"]).ToList();
            var weighted = Json.Objects(rule["backendRefs"]).Select(b => new WeightedBackend(Backend(b), Json.Int(b["weight"]) ?? 1)).ToList();
            var action = new RouteAction
            {
                Route = new RouteRef(age.Namespace, age.Name),
                RequestHeaders = GatewayBuilder.Headers(filters, "RequestHeaderModifier", "requestHeaderModifier"),
                ResponseHeaders = GatewayBuilder.Headers(filters, "ResponseHeaderModifier", "responseHeaderModifier"),
                Mirrors = [.. filters.Where(f => Json.Text(f["type"]) == "RequestMirror" && f["requestMirror"]?["backendRef"] is JsonObject)
                    .Select(f => Backend((JsonObject)f["requestMirror"]!["backendRef"]!)).OfType<BackendPool>()],
                Backends = weighted,
            };
            var matchIndex = 0;
            foreach (var match in Json.Objects(rule["matches"]).DefaultIfEmpty(new JsonObject()))
            {
                var method = match["method"];
                var regex = Json.Text(method?["type"]) == "RegularExpression";
                result.Add(new GrpcRouteRule
                {
                    Service = Name(Json.Text(method?["service"]), regex),
                    Method = Name(Json.Text(method?["method"]), regex),
                    // Of header matches naming one header twice only the first counts (the spec; names are case-insensitive).
                    Headers = [.. Json.Objects(match["headers"]).Select(h => GatewayBuilder.Value(h, ignoreCase: true)).DistinctBy(h => h.Name)],
                    Action = action, Age = age, RuleIndex = ruleIndex, MatchIndex = matchIndex++,
                });
            }
            ruleIndex++;
        }
        return (result, problem);
    }

    static NameMatch? Name(string? value, bool regex) =>
        string.IsNullOrEmpty(value) ? null : new NameMatch(value, regex ? GatewayBuilder.FullMatch(value) : null);
}
