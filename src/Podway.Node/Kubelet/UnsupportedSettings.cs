using System.Text.Json.Nodes;

namespace Podway.Node.Kubelet;

/// <summary>
/// Pod and container settings podway accepts but does not apply, each with what happens instead: the kubelet reports
/// them as Warning events (reason UnsupportedSetting) when the container starts, so they are never silently ignored.
/// </summary>
internal static class UnsupportedSettings
{
    public static IEnumerable<string> Of(JsonObject pod, JsonObject container)
    {
        var podSpec = pod["spec"] as JsonObject;
        var podSc = podSpec?["securityContext"] as JsonObject;
        var sc = container["securityContext"] as JsonObject;
        var privileged = sc?["privileged"]?.GetValue<bool>() == true;

        if ((sc?["seccompProfile"] ?? podSc?["seccompProfile"])?["type"]?.GetValue<string>() == "Localhost" && !privileged)
            yield return "seccompProfile type Localhost is not supported by podway: the container runs without a seccomp filter";
        if ((sc?["appArmorProfile"] ?? podSc?["appArmorProfile"])?["type"]?.GetValue<string>() is { } appArmor and not "Unconfined")
            yield return $"appArmorProfile type {appArmor} is not applied by podway (no AppArmor profiles are loaded)";
        if ((sc?["seLinuxOptions"] ?? podSc?["seLinuxOptions"]) is JsonObject)
            yield return "seLinuxOptions are not applied by podway (no SELinux labels are set)";
        if (podSpec?["hostUsers"]?.GetValue<bool>() == false)
            yield return "hostUsers: false (user namespaces) is not supported by podway: root in the container is root on the host, confined by capabilities and namespaces";
    }

    /// <summary>kubectl debug --target on a target that is not running (the runtime cannot join its process namespace).</summary>
    public static string TargetNotRunning(string target) =>
        $"target container {target} is not running: the ephemeral container gets a process namespace of its own";
}
