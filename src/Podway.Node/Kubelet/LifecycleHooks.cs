using System.Text.Json.Nodes;
using Podway.Node.Probes;
using Podway.Node.Runtime;

namespace Podway.Node.Kubelet;

/// <summary>
/// A container's postStart or preStop handler, run as the kubelet runs it (pkg/kubelet/lifecycle/handlers.go): exec
/// in the container (fails on a non-zero exit), httpGet to the Pod IP (fails only when the request itself fails, not
/// on its status code), sleep. The failure message is the kubelet's, for the FailedPostStartHook and
/// FailedPreStopHook events.
/// </summary>
internal static class LifecycleHooks
{
    static readonly HttpClient Http = new(new SocketsHttpHandler { AllowAutoRedirect = false, UseProxy = false }) { Timeout = Timeout.InfiniteTimeSpan };

    /// <returns>null when the handler succeeded, else what went wrong.</returns>
    public static async Task<string?> RunAsync(JsonObject handler, ContainerRuntime runtime, ContainerSlot slot, ContainerRun run,
        string podIp, string podDescription, TimeSpan timeout, CancellationToken ct)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(timeout);
        if (handler["exec"]?["command"] is JsonArray command)
        {
            var argv = command.Select(a => a?.GetValue<string>() ?? "").ToList();
            var what = $"Exec lifecycle hook ([{string.Join(' ', argv)}]) for Container \"{slot.Name}\" in Pod \"{podDescription}\" failed";
            try
            {
                var (exitCode, output) = await ContainerExec.RunAsync(runtime, run.Handle, argv, slot.Env, slot.WorkingDir, timeout, ct);
                return exitCode == 0 ? null : $"{what} - error: command '{string.Join(' ', argv)}' exited with {exitCode}: {output}, message: \"{output}\"";
            }
            catch (TimeoutException) { return $"{what} - error: command timed out, message: \"\""; }
            catch (Exception e) when (e is IOException or InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                return $"{what} - error: {e.Message}, message: \"\"";
            }
        }
        if (handler["httpGet"] is JsonObject http)
        {
            var path = http["path"]?.GetValue<string>() ?? "";
            var what = $"HTTP lifecycle hook ({path}) for Container \"{slot.Name}\" in Pod \"{podDescription}\" failed";
            try
            {
                var port = ProbeRunner.ResolvePort(http["port"], slot.Spec);
                var host = http["host"]?.GetValue<string>() is { Length: > 0 } h ? h : podIp;
                var scheme = (http["scheme"]?.GetValue<string>() ?? "HTTP").ToLowerInvariant();
                using var request = new HttpRequestMessage(HttpMethod.Get, $"{scheme}://{host}:{port}/{path.TrimStart('/')}");
                foreach (var header in (http["httpHeaders"] as JsonArray ?? []).OfType<JsonObject>())
                    request.Headers.TryAddWithoutValidation(header["name"]?.GetValue<string>() ?? "", header["value"]?.GetValue<string>() ?? "");
                using var response = await Http.SendAsync(request, cts.Token);
                return null;
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested) { return $"{what} - error: context deadline exceeded"; }
            catch (Exception e) when (e is HttpRequestException or InvalidOperationException or UriFormatException) { return $"{what} - error: {e.Message}"; }
        }
        if (handler["sleep"]?["seconds"]?.GetValue<long>() is { } seconds)
        {
            try { await Task.Delay(TimeSpan.FromSeconds(seconds), cts.Token); }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested) { } // cut short by the grace period, as the kubelet's
            return null;
        }
        return $"invalid handler: {handler.ToJsonString()}";
    }
}
