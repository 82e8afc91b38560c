using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Runtime.CompilerServices;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using Podway.Api.Errors;
using Podway.Api.Resources;

namespace Podway.Client;

/// <summary>
/// A client for any Kubernetes-compatible API server, generic over ResourceType, with objects as JsonObject.
/// Every failed request throws ApiException carrying the server's Status (code, reason, message, details).
/// A null or empty namespace addresses a cluster-scoped type, or all namespaces for list and watch.
/// </summary>
public sealed class ApiClient : IDisposable
{
    static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(60);
    readonly HttpClient _http;

    public Uri Server { get; }

    public ApiClient(Uri server, string? bearerToken, X509Certificate2? caCertificate = null)
        : this(server, bearerToken, caCertificate, null, false) { }

    ApiClient(Uri server, string? bearerToken, X509Certificate2? ca, X509Certificate2? clientCert, bool insecure)
    {
        Server = server;
        var handler = new SocketsHttpHandler { PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1) };
        if (clientCert is not null)
            handler.SslOptions.ClientCertificates = [clientCert];
        if (insecure)
            handler.SslOptions.RemoteCertificateValidationCallback = (_, _, _, _) => true;
        else if (ca is not null)
            handler.SslOptions.RemoteCertificateValidationCallback = (_, cert, _, errors) => Podway.Api.Tls.CaTrust.ServerTrusted(ca, cert, errors);
        // Watches stay open for many minutes, so the per-request timeout is applied by hand instead. HTTP/2 over
        // TLS (as client-go uses) carries every watch of a process on one connection; plain http stays on 1.1.
        _http = new HttpClient(handler)
        {
            BaseAddress = server,
            Timeout = Timeout.InfiniteTimeSpan,
            DefaultRequestVersion = server.Scheme == Uri.UriSchemeHttps ? HttpVersion.Version20 : HttpVersion.Version11,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionOrLower,
        };
        if (!string.IsNullOrEmpty(bearerToken))
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearerToken);
        _http.DefaultRequestHeaders.UserAgent.ParseAdd("podway/0.1");
    }

    /// <summary>Connects as the kubeconfig's current (or named) context does.</summary>
    public static ApiClient FromKubeConfig(string path, string? context = null) => FromKubeConfig(KubeConfig.Load(path, context));

    public static ApiClient FromKubeConfig(KubeConfig config) =>
        new(config.Server, config.Token, config.CertificateAuthority, config.ClientCertificate, config.InsecureSkipTlsVerify);

    /// <summary>
    /// The built-in types this server serves with all of <paramref name="verbs"/>, read from the legacy discovery
    /// documents (/api/v1, /apis/&lt;group&gt;/&lt;version&gt;). A group-version that fails to answer contributes nothing,
    /// as kube's controllers carry on with partial discovery.
    /// </summary>
    public async Task<IReadOnlyList<ResourceType>> DiscoverAsync(IReadOnlyCollection<string> verbs, CancellationToken ct = default)
    {
        var served = new List<ResourceType>();
        foreach (var (group, version) in BuiltinResources.GroupVersions)
        {
            JsonObject document;
            try { document = await SendAsync(HttpMethod.Get, group.Length == 0 ? $"/api/{version}" : $"/apis/{group}/{version}", null, null, ct); }
            catch (ApiException) { continue; }
            foreach (var resource in (document["resources"] as JsonArray ?? []).OfType<JsonObject>())
            {
                var name = resource["name"]?.GetValue<string>() ?? "";
                var resourceVerbs = (resource["verbs"] as JsonArray ?? []).Select(v => v?.GetValue<string>()).ToHashSet();
                if (!name.Contains('/') && verbs.All(resourceVerbs.Contains) && BuiltinResources.Find(group, version, name) is { } type)
                    served.Add(type);
            }
        }
        return served;
    }

    public async Task<JsonObject> GetAsync(ResourceType type, string? ns, string name, CancellationToken ct = default) =>
        await SendAsync(HttpMethod.Get, ObjectPath(type, ns, name), null, null, ct);

    /// <summary>Get, with null for 404.</summary>
    public async Task<JsonObject?> TryGetAsync(ResourceType type, string? ns, string name, CancellationToken ct = default)
    {
        try { return await GetAsync(type, ns, name, ct); }
        catch (ApiException e) when (e.Code == 404) { return null; }
    }

    /// <summary>
    /// Lists every page (following metadata.continue) and returns one List object: kind "&lt;Kind&gt;List",
    /// items, and metadata.resourceVersion of the first page, the one to watch from.
    /// </summary>
    public async Task<JsonObject> ListAsync(ResourceType type, string? ns = null, ListOptions? options = null, CancellationToken ct = default)
    {
        options ??= new ListOptions();
        var items = new JsonArray();
        string? resourceVersion = null, continueToken = null;
        do
        {
            var query = new QueryBuilder()
                .Add("labelSelector", options.LabelSelector)
                .Add("fieldSelector", options.FieldSelector)
                .Add("limit", options.Limit > 0 ? options.Limit.ToString() : null)
                .Add("continue", continueToken)
                .Add("resourceVersion", continueToken is null ? options.ResourceVersion : null);
            var page = await SendAsync(HttpMethod.Get, CollectionPath(type, ns) + query, null, null, ct);
            resourceVersion ??= page["metadata"]?["resourceVersion"]?.GetValue<string>();
            if (page["items"] is JsonArray pageItems)
                foreach (var item in pageItems.ToArray())
                {
                    pageItems.Remove(item);
                    items.Add(item);
                }
            continueToken = page["metadata"]?["continue"]?.GetValue<string>() is { Length: > 0 } c ? c : null;
        } while (continueToken is not null);
        return new JsonObject
        {
            ["kind"] = type.Kind + "List",
            ["apiVersion"] = type.ApiVersion,
            ["metadata"] = new JsonObject { ["resourceVersion"] = resourceVersion },
            ["items"] = items,
        };
    }

    public Task<JsonObject> CreateAsync(ResourceType type, string? ns, JsonObject obj, CancellationToken ct = default) =>
        SendAsync(HttpMethod.Post, CollectionPath(type, ns ?? Namespace(obj)), Json(obj), null, ct);

    /// <summary>PUT of the whole object (name and namespace from its metadata); metadata.resourceVersion is the precondition.</summary>
    public Task<JsonObject> UpdateAsync(ResourceType type, JsonObject obj, CancellationToken ct = default) =>
        SendAsync(HttpMethod.Put, ObjectPath(type, Namespace(obj), Name(obj)), Json(obj), null, ct);

    public Task<JsonObject> UpdateStatusAsync(ResourceType type, JsonObject obj, CancellationToken ct = default) =>
        UpdateSubresourceAsync(type, obj, "status", ct);

    /// <summary>PUT to a subresource, e.g. "status" or a Namespace's "finalize".</summary>
    public Task<JsonObject> UpdateSubresourceAsync(ResourceType type, JsonObject obj, string subresource, CancellationToken ct = default) =>
        SendAsync(HttpMethod.Put, ObjectPath(type, Namespace(obj), Name(obj)) + "/" + subresource, Json(obj), null, ct);

    /// <summary>POST to an object's subresource, e.g. a Binding to "binding" or an Eviction to "eviction".</summary>
    public Task<JsonObject> CreateSubresourceAsync(ResourceType type, string? ns, string name, string subresource, JsonObject body, CancellationToken ct = default) =>
        SendAsync(HttpMethod.Post, ObjectPath(type, ns, name) + "/" + subresource, Json(body), null, ct);

    public Task<JsonObject> PatchAsync(ResourceType type, string? ns, string name, PatchType patchType, JsonNode patch,
        string? subresource = null, string? fieldManager = null, bool? force = null, CancellationToken ct = default)
    {
        var mediaType = patchType switch
        {
            PatchType.Merge => "application/merge-patch+json",
            PatchType.StrategicMerge => "application/strategic-merge-patch+json",
            PatchType.Json => "application/json-patch+json",
            PatchType.Apply => "application/apply-patch+yaml",
            _ => throw new ArgumentOutOfRangeException(nameof(patchType)),
        };
        if (patchType == PatchType.Apply && fieldManager is null)
            throw new ArgumentException("server-side apply needs a fieldManager", nameof(fieldManager));
        var query = new QueryBuilder().Add("fieldManager", fieldManager).Add("force", force?.ToString().ToLowerInvariant());
        var path = ObjectPath(type, ns, name) + (subresource is null ? "" : "/" + subresource) + query;
        var content = new StringContent(patch.ToJsonString(), Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        return SendAsync(HttpMethod.Patch, path, content, null, ct);
    }

    /// <summary>Deletes; returns what the server answers: a Success Status, or the object when deletion is deferred by finalizers.</summary>
    public Task<JsonObject> DeleteAsync(ResourceType type, string? ns, string name, DeleteOptions? options = null, CancellationToken ct = default)
    {
        var body = new JsonObject { ["kind"] = "DeleteOptions", ["apiVersion"] = "v1" };
        if (options?.PropagationPolicy is { } policy) body["propagationPolicy"] = policy;
        if (options?.GracePeriodSeconds is { } grace) body["gracePeriodSeconds"] = grace;
        if (options?.PreconditionUid is not null || options?.PreconditionResourceVersion is not null)
        {
            var pre = new JsonObject();
            if (options.PreconditionUid is { } uid) pre["uid"] = uid;
            if (options.PreconditionResourceVersion is { } rv) pre["resourceVersion"] = rv;
            body["preconditions"] = pre;
        }
        return SendAsync(HttpMethod.Delete, ObjectPath(type, ns, name), Json(body), null, ct);
    }

    /// <summary>
    /// Streams watch events until the server closes the stream (timeoutSeconds) or ct is cancelled.
    /// An ERROR event (e.g. 410 Expired) is yielded as is; an HTTP error before the stream starts throws ApiException.
    /// </summary>
    public async IAsyncEnumerable<WatchStreamEvent> WatchAsync(ResourceType type, string? ns, WatchOptions? options = null,
        [EnumeratorCancellation] CancellationToken ct = default)
    {
        options ??= new WatchOptions();
        var query = new QueryBuilder()
            .Add("allowWatchBookmarks", options.AllowWatchBookmarks ? "true" : null)
            .Add("fieldSelector", options.FieldSelector)
            .Add("labelSelector", options.LabelSelector)
            .Add("resourceVersion", options.ResourceVersion)
            .Add("timeoutSeconds", options.TimeoutSeconds?.ToString())
            .Add("watch", "true");
        using var request = NewRequest(HttpMethod.Get, CollectionPath(type, ns) + query, null);
        request.Headers.Accept.ParseAdd("application/json");
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        if (!response.IsSuccessStatusCode)
            throw StatusParser.FromBody((int)response.StatusCode, await response.Content.ReadAsStringAsync(ct));
        await using var stream = await response.Content.ReadAsStreamAsync(ct);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        while (true)
        {
            string? line;
            try { line = await reader.ReadLineAsync(ct); }
            catch (Exception e) when (e is IOException or HttpRequestException && !ct.IsCancellationRequested)
            {
                yield break; // the connection dropped: to the caller that is the end of this watch, as in client-go
            }
            if (line is null) yield break;
            if (line.Length == 0) continue;
            yield return WatchStreamEvent.Parse(line);
        }
    }

    /// <summary>A GET of any path (`kubectl get --raw`), as JSON; a Status answer becomes an ApiException.</summary>
    public Task<JsonObject> GetRawAsync(string pathAndQuery, CancellationToken ct = default) =>
        SendAsync(HttpMethod.Get, pathAndQuery, null, null, ct);

    async Task<JsonObject> SendAsync(HttpMethod method, string path, HttpContent? content, string? accept, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(RequestTimeout);
        using var request = NewRequest(method, path, content);
        request.Headers.Accept.ParseAdd(accept ?? "application/json");
        using var response = await _http.SendAsync(request, timeout.Token);
        var body = await response.Content.ReadAsStringAsync(timeout.Token);
        if (!response.IsSuccessStatusCode)
            throw StatusParser.FromBody((int)response.StatusCode, body);
        return JsonNode.Parse(body) as JsonObject
            ?? throw new ApiException((int)HttpStatusCode.InternalServerError, "InternalError", $"{method} {path}: the server returned no object");
    }

    HttpRequestMessage NewRequest(HttpMethod method, string path, HttpContent? content) => new(method, path)
    {
        Content = content,
        Version = _http.DefaultRequestVersion,
        VersionPolicy = _http.DefaultVersionPolicy,
    };

    static StringContent Json(JsonObject obj) => new(obj.ToJsonString(), Encoding.UTF8, "application/json");

    static string? Namespace(JsonObject obj) => obj["metadata"]?["namespace"]?.GetValue<string>();

    static string Name(JsonObject obj) =>
        obj["metadata"]?["name"]?.GetValue<string>() ?? throw new ArgumentException("object has no metadata.name");

    internal static string CollectionPath(ResourceType type, string? ns) =>
        type.Namespaced && !string.IsNullOrEmpty(ns)
            ? $"{type.GroupVersionPath}/namespaces/{Uri.EscapeDataString(ns)}/{type.Plural}"
            : $"{type.GroupVersionPath}/{type.Plural}";

    internal static string ObjectPath(ResourceType type, string? ns, string name)
    {
        if (type.Namespaced && string.IsNullOrEmpty(ns))
            throw new ArgumentException($"{type.GroupResource} are namespaced: a namespace is required", nameof(ns));
        return CollectionPath(type, ns) + "/" + Uri.EscapeDataString(name);
    }

    public void Dispose() => _http.Dispose();

    sealed class QueryBuilder
    {
        readonly StringBuilder _sb = new();

        public QueryBuilder Add(string key, string? value)
        {
            if (value is null) return this;
            _sb.Append(_sb.Length == 0 ? '?' : '&').Append(key).Append('=').Append(Uri.EscapeDataString(value));
            return this;
        }

        public override string ToString() => _sb.ToString();
    }
}
