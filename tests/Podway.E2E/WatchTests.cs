using System.Diagnostics;
using System.Text;

namespace Podway.E2E;

/// <summary>`kubectl get -w` streams changes as they happen.</summary>
[Collection("cluster")]
public sealed class WatchTests(ClusterFixture cluster)
{
    [Fact]
    public async Task GetWatch_ConfigMapCreatedLater_AppearsInTheStream()
    {
        Assert.Equal(0, (await cluster.KubectlAsync("create", "namespace", "watch-ns")).ExitCode);
        var psi = new ProcessStartInfo("kubectl") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "get", "configmaps", "-n", "watch-ns", "-w" }) psi.ArgumentList.Add(a);
        foreach (var (k, v) in cluster.Env) psi.Environment[k] = v;
        psi.Environment["KUBECONFIG"] = cluster.Kubeconfig;
        using var watcher = Process.Start(psi)!;
        var output = new StringBuilder();
        var seen = new TaskCompletionSource();
        watcher.OutputDataReceived += (_, e) =>
        {
            if (e.Data == null) return;
            lock (output) output.AppendLine(e.Data);
            if (e.Data.StartsWith("watched-cm")) seen.TrySetResult();
        };
        watcher.BeginOutputReadLine();
        try
        {
            // kube-root-ca.crt may or may not exist; wait until the watch is established by giving kubectl a moment.
            await Task.Delay(1500);
            Assert.Equal(0, (await cluster.KubectlAsync("create", "configmap", "watched-cm", "-n", "watch-ns", "--from-literal=k=v")).ExitCode);
            var finished = await Task.WhenAny(seen.Task, Task.Delay(TimeSpan.FromSeconds(30)));
            Assert.True(finished == seen.Task, "the new ConfigMap never appeared in `kubectl get -w`: " + output);
            Assert.False(watcher.HasExited, "kubectl get -w exited while it should keep watching");
        }
        finally
        {
            watcher.Kill();
        }
    }
}
