namespace Podway.E2E;

/// <summary>kubectl steps many tests take: apply a manifest, wait for a rollout or a Ready Pod, read a Pod field.</summary>
internal static class ClusterCommands
{
    public static async Task ApplyAsync(this ClusterFixture cluster, string ns, string yaml)
    {
        var apply = await cluster.KubectlStdinAsync(yaml, "apply", "-n", ns, "-f", "-");
        Assert.True(apply.ExitCode == 0, apply.ToString());
    }

    public static async Task RolledOutAsync(this ClusterFixture cluster, string ns, string deployment)
    {
        var status = await cluster.KubectlAsync("rollout", "status", "deploy/" + deployment, "-n", ns, "--timeout=120s");
        Assert.True(status.ExitCode == 0, status.ToString());
    }

    public static async Task WaitPodReadyAsync(this ClusterFixture cluster, string ns, string pod)
    {
        var wait = await cluster.KubectlAsync("wait", "-n", ns, "--for=condition=Ready", $"pod/{pod}", "--timeout=90s");
        Assert.True(wait.ExitCode == 0, wait + "\n" + (await cluster.KubectlAsync("describe", "pod", "-n", ns, pod)).Stdout);
    }

    /// <summary>`kubectl run NAME -n NS ARGS...`, then waits until the Pod is Ready.</summary>
    public static async Task RunReadyPodAsync(this ClusterFixture cluster, string ns, string name, params string[] args)
    {
        var run = await cluster.KubectlAsync(["run", name, "-n", ns, .. args]);
        Assert.True(run.ExitCode == 0, run.ToString());
        await cluster.WaitPodReadyAsync(ns, name);
    }

    /// <summary>A Pod's field by kubectl's jsonpath, trimmed.</summary>
    public static async Task<string> PodJsonPathAsync(this ClusterFixture cluster, string ns, string pod, string path)
    {
        var get = await cluster.KubectlAsync("get", "pod", pod, "-n", ns, "-o", $"jsonpath={path}");
        Assert.True(get.ExitCode == 0, get.ToString());
        return get.Stdout.Trim();
    }
}
