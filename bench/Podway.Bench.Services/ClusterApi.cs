using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Podway.Bench.Services;

/// <summary>The few API calls the Service benchmarks make, as raw JSON over the kubeconfig's client.</summary>
internal sealed class ClusterApi(HttpClient http)
{
    public async Task<JsonObject> CreateAsync(string path, string json)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"POST {path}: {(int)response.StatusCode} {body}");
        return JsonNode.Parse(body)!.AsObject();
    }

    public async Task<JsonObject> GetAsync(string path) => JsonNode.Parse(await http.GetStringAsync(path))!.AsObject();

    public async Task<string> NewNamespaceAsync(string prefix)
    {
        var ns = $"bench-{prefix}-{Guid.NewGuid().ToString("N")[..5]}";
        await CreateAsync("/api/v1/namespaces", $$$"""{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"{{{ns}}}"}}""");
        // The ServiceAccount controller must create "default" before Pods are admitted.
        for (var i = 0; i < 100 && !(await http.GetAsync($"/api/v1/namespaces/{ns}/serviceaccounts/default")).IsSuccessStatusCode; i++) await Task.Delay(100);
        return ns;
    }

    public async Task DeleteNamespaceAsync(string ns)
    {
        using var _ = await http.DeleteAsync($"/api/v1/namespaces/{ns}");
        for (var i = 0; i < 120 && (await http.GetAsync($"/api/v1/namespaces/{ns}")).IsSuccessStatusCode; i++) await Task.Delay(500);
    }

    /// <summary>The node's InternalIP; waits for the node to register.</summary>
    public async Task<string> NodeIpAsync()
    {
        for (var attempt = 0; ; attempt++)
        {
            var nodes = (await GetAsync("/api/v1/nodes"))["items"]!.AsArray();
            var address = nodes.FirstOrDefault()?["status"]?["addresses"]?.AsArray().FirstOrDefault(a => (string?)a!["type"] == "InternalIP");
            if (address != null) return address["address"]!.GetValue<string>();
            if (attempt == 300) throw new TimeoutException("no registered node with an InternalIP after 60 s");
            await Task.Delay(200);
        }
    }

    /// <summary>Polls until the Pod is Ready; returns it.</summary>
    public async Task<JsonObject> WaitReadyAsync(string ns, string name, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var pod = await GetAsync($"/api/v1/namespaces/{ns}/pods/{name}");
            if (IsReady(pod)) return pod;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Pod {ns}/{name} not Ready in {timeout}");
            await Task.Delay(200);
        }
    }

    /// <summary>
    /// Watches the namespace's Pods and calls <paramref name="onReady"/> with the Stopwatch timestamp at which each
    /// Pod's Ready=True was first seen, until cancelled.
    /// </summary>
    public Task WatchReadyAsync(string ns, Action<string, long> onReady, CancellationToken cancel) => Task.Run(async () =>
    {
        var rv = (await GetAsync($"/api/v1/namespaces/{ns}/pods?limit=1"))["metadata"]!["resourceVersion"]!.GetValue<string>();
        var seen = new HashSet<string>();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/namespaces/{ns}/pods?watch=true&resourceVersion={rv}");
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancel);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancel));
        while (await reader.ReadLineAsync(cancel) is { } line)
        {
            var now = Stopwatch.GetTimestamp();
            using var doc = JsonDocument.Parse(line);
            var pod = doc.RootElement.GetProperty("object");
            var name = pod.GetProperty("metadata").GetProperty("name").GetString()!;
            if (IsReady(pod) && seen.Add(name)) onReady(name, now);
        }
    }, cancel);

    static bool IsReady(JsonObject pod) =>
        pod["status"]?["conditions"] is JsonArray conditions &&
        conditions.Any(c => (string?)c!["type"] == "Ready" && (string?)c["status"] == "True");

    static bool IsReady(JsonElement pod) =>
        pod.TryGetProperty("status", out var status) && status.TryGetProperty("conditions", out var conditions) &&
        conditions.EnumerateArray().Any(c => c.GetProperty("type").GetString() == "Ready" && c.GetProperty("status").GetString() == "True");
}
