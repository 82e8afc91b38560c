namespace Podway.Node.Probes;

internal enum ProbeKind { Liveness, Readiness, Startup }

/// <summary>One probe attempt's outcome; Message is what the "Unhealthy" event says after "&lt;Kind&gt; probe failed: ".</summary>
internal sealed record ProbeOutcome(bool Success, string Message);

/// <summary>What a probe needs from the container it checks: the pod IP, its ports, and a way to exec inside it.</summary>
internal sealed record ProbeTarget(string PodIp, System.Text.Json.Nodes.JsonObject Container, Func<IReadOnlyList<string>, TimeSpan, CancellationToken, Task<(int ExitCode, string Output)>> Exec);
