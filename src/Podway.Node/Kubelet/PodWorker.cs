using System.Text.Json.Nodes;
using Podway.Api.Errors;
using Podway.Api.Resources;
using Podway.Client;
using Podway.Node.Images;
using Podway.Node.Kubelet.Volumes;
using Podway.Node.Probes;
using Podway.Node.Runtime;
using Podway.Node.Runtime.Cgroups;
using Podway.Node.Runtime.Oci;
using Podway.Node.Sandbox;

namespace Podway.Node.Kubelet;

/// <summary>
/// Drives one pod (by UID) towards its spec, one sync at a time (the kubelet's podWorkers + SyncPod): sandbox,
/// init containers in order, containers with restartPolicy and back-off, probes, graceful termination, status.
/// Woken by pod updates, container exits, probe results and back-off expiry.
/// </summary>
internal sealed class PodWorker
{
    readonly PodWorkerContext _ctx;
    readonly SemaphoreSlim _wake = new(0);
    readonly Dictionary<string, (string Status, string Time)> _transitions = [];
    readonly Lock _gate = new();
    List<ContainerSlot> _init = [], _regular = [], _ephemeral = [];
    volatile JsonObject _pod;
    volatile bool _goneFromApi;
    string? _lastStatus, _startTime, _podIp, _volumeError;
    string? _persisted; // the state file as last saved
    /// <summary>Why the kubelet evicted the Pod (status.message with reason Evicted); null unless it did.</summary>
    string? _evicted;
    IReadOnlyDictionary<string, string>? _volumes;
    bool _terminal;
    CancellationToken _ct;
    /// <summary>Cancels this pod's log copiers and probes when the pod is cleaned up.</summary>
    readonly CancellationTokenSource _podCts = new();

    public PodWorker(PodWorkerContext ctx, JsonObject pod)
    {
        _ctx = ctx;
        _pod = pod;
        Uid = ObjectMeta.Uid(pod);
    }

    public string Uid { get; }
    public JsonObject Pod => _pod;
    public SandboxInfo? Sandbox { get; private set; }
    public string? PodIp => _podIp;
    public string StateDir => _ctx.Node.StateDir;

    public void Update(JsonObject pod) { _pod = pod; Wake(); }
    /// <summary>Every container slot; the caller holds _gate.</summary>
    IEnumerable<ContainerSlot> AllSlots => _init.Concat(_regular).Concat(_ephemeral);
    public void GoneFromApi() { _goneFromApi = true; Wake(); }
    /// <summary>Makes the worker sync now (a container exited, a probe changed, the node agent saw its sandbox break).</summary>
    internal void Wake() { if (_wake.CurrentCount == 0) _wake.Release(); }

    /// <summary>The containers running now, for the resource metrics.</summary>
    public IReadOnlyList<(string Name, ContainerRun Run)> RunningContainers()
    {
        lock (_gate)
            return [.. AllSlots.Where(s => s.Run is { HasExited: false }).Select(s => (s.Name, s.Run!))];
    }

    public ContainerSlot? FindContainer(string? name)
    {
        lock (_gate)
            return name is null ? _regular.FirstOrDefault() : _regular.Concat(_init).Concat(_ephemeral).FirstOrDefault(c => c.Name == name);
    }

    /// <summary>Runs until the pod is gone from the node.</summary>
    public async Task RunAsync(SandboxInfo? adoptedSandbox, CancellationToken ct)
    {
        using var link = ct.Register(_podCts.Cancel);
        _ct = _podCts.Token;
        Sandbox = adoptedSandbox;
        _podIp = adoptedSandbox?.PodIp.ToString();
        LoadSlots();
        while (!ct.IsCancellationRequested)
        {
            bool done;
            try { done = await SyncAsync(ct); }
            catch (OperationCanceledException) when (ct.IsCancellationRequested) { return; }
            catch (Exception e)
            {
                _ctx.Log($"pod {ObjectMeta.Key(_pod)}: sync failed: {e.Message}");
                done = false;
            }
            if (done) return;
            var wait = _ctx.Options.PodResyncInterval;
            lock (_gate)
                foreach (var c in AllSlots)
                    if (c.RetryAt is { } at && at - DateTime.UtcNow < wait) wait = at - DateTime.UtcNow;
            if (wait < TimeSpan.FromMilliseconds(10)) wait = TimeSpan.FromMilliseconds(10);
            try { await _wake.WaitAsync(wait, ct); } catch (OperationCanceledException) { return; }
        }
    }

    // ---- adoption and persistence ----

    void LoadSlots()
    {
        var spec = _pod["spec"] as JsonObject ?? [];
        var record = PodStateFile.Load(_ctx.Node.StateDir, Uid);
        var finished = _pod["status"]?["phase"]?.GetValue<string>() is "Succeeded" or "Failed";
        ContainerSlot Make(JsonObject c, bool init, bool ephemeral = false)
        {
            var slot = new ContainerSlot(c, init) { IsEphemeral = ephemeral };
            if (record?.Containers.FirstOrDefault(r => r.Name == slot.Name) is not { } r)
            {
                if (finished) ReportedContainerState.Restore(slot, _pod);
                return slot;
            }
            slot.RestartCount = r.RestartCount;
            slot.EverStarted = r.Attempt >= 0;
            slot.LastTerminated = r.LastTerminated;
            slot.Terminated = r.Terminated;
            if (r.Terminated is null && r.Attempt >= 0 && r.StartedAt is { } started)
            {
                var paths = ContainerPaths.For(_ctx.Node.StateDir, Uid, slot.Name, r.Attempt);
                var run = ContainerRun.Adopt(_ctx.Runtime, Uid, paths, r.ShimPid, r.ShimStartTime, started, c["tty"]?.GetValue<bool>() == true);
                if (run is not null)
                {
                    _ctx.Log($"pod {ObjectMeta.Key(_pod)}: adopted container {slot.Name} (shim pid {r.ShimPid})");
                    Attach(slot, run, r.Env ?? new Dictionary<string, string>(), r.WorkingDir);
                }
                else slot.Terminated = new TerminatedInfo(137, "ContainerStatusUnknown", started, DateTime.UtcNow, "The container could not be located when the pod was terminated");
            }
            return slot;
        }
        lock (_gate)
        {
            _init = [.. (spec["initContainers"] as JsonArray ?? []).OfType<JsonObject>().Select(c => Make(c, true))];
            _regular = [.. (spec["containers"] as JsonArray ?? []).OfType<JsonObject>().Select(c => Make(c, false))];
            _ephemeral = [.. (spec["ephemeralContainers"] as JsonArray ?? []).OfType<JsonObject>().Select(c => Make(c, false, ephemeral: true))];
        }
        foreach (var c in (_pod["status"]?["conditions"] as JsonArray ?? []).OfType<JsonObject>())
            if (c["type"]?.GetValue<string>() is { } type && c["status"]?.GetValue<string>() is { } s && c["lastTransitionTime"]?.GetValue<string>() is { } t)
                _transitions[type] = (s, t);
        _startTime = _pod["status"]?["startTime"]?.GetValue<string>();
        _terminal = _pod["status"]?["phase"]?.GetValue<string>() is "Succeeded" or "Failed";
        if (_pod["status"]?["reason"]?.GetValue<string>() == "Evicted") _evicted = _pod["status"]?["message"]?.GetValue<string>() ?? "";
        _podIp ??= _pod["status"]?["podIP"]?.GetValue<string>();
    }

    void Persist()
    {
        List<ContainerRecord> records;
        lock (_gate)
            records = [.. AllSlots.Select(c => new ContainerRecord
            {
                Name = c.Name,
                RestartCount = c.RestartCount,
                Attempt = c.EverStarted ? c.RestartCount : -1,
                ShimPid = c.Run?.ShimPid ?? 0,
                ShimStartTime = c.Run?.ShimStartTime ?? 0,
                StartedAt = c.Run?.StartedAt ?? c.Terminated?.StartedAt,
                Terminated = c.Run is null ? c.Terminated : null,
                LastTerminated = c.LastTerminated,
                Env = c.Run is null ? null : new Dictionary<string, string>(c.Env),
                WorkingDir = c.Run is null ? null : c.WorkingDir,
            })];
        _persisted = PodStateFile.Save(_ctx.Node.StateDir, new PodRecord { Uid = Uid, Namespace = ObjectMeta.Namespace(_pod), Name = ObjectMeta.Name(_pod), Containers = records }, _persisted);
    }

    // ---- sync ----

    async Task<bool> SyncAsync(CancellationToken ct)
    {
        var pod = _pod;
        await CollectExitsAsync();
        if (_goneFromApi)
        {
            await StopAllAsync(TimeSpan.Zero, record: false);
            await CleanupAsync(ct);
            return true;
        }
        if (ObjectMeta.IsBeingDeleted(pod))
        {
            await TerminateAsync(pod, ct);
            return true;
        }
        var restartPolicy = pod["spec"]?["restartPolicy"]?.GetValue<string>() ?? "Always";
        _startTime ??= Time.Format(DateTime.UtcNow);

        if (!_terminal)
        {
            if (Sandbox is { } sandbox && _ctx.Sandboxes.Damage(sandbox) is { } damage) await KillSandboxAsync(pod, damage, ct);
            if (Sandbox is null && !await EnsureSandboxAsync(pod, ct)) { await WriteStatusAsync(pod, ct); return false; }
            if (!await SyncVolumesAsync(pod, ct)) { await WriteStatusAsync(pod, ct); return false; }
            if (_volumes is not null && EmptyDirLimits.Exceeded(pod, _volumes) is { } eviction)
            {
                await EvictAsync(pod, eviction, ct);
                return false;
            }
            var initDone = await SyncInitContainersAsync(pod, restartPolicy, ct);
            foreach (var slot in _regular)
            {
                if (slot.Running) continue;
                if (!initDone) { if (!slot.EverStarted) SetWaiting(slot, "PodInitializing", null); continue; }
                if (!slot.EverStarted) { await StartAsync(pod, slot, ct); continue; }
                if (restartPolicy == "Always" || (restartPolicy == "OnFailure" && slot.Terminated?.ExitCode != 0))
                    await RestartWithBackOffAsync(pod, slot, ct);
            }
            foreach (var slot in EphemeralSlots(pod))
                if (!slot.EverStarted) await StartAsync(pod, slot, ct); // even while init containers run, as the kubelet does
            Persist();
        }

        var phase = _evicted is not null ? "Failed" : PodPhase.Compute(restartPolicy, _init, _regular);
        if (phase is "Succeeded" or "Failed" && !_terminal)
        {
            // A terminal pod never runs again: stop sidecars, release its network.
            _terminal = true;
            await StopAllAsync(GracePeriod(pod), record: true);
            await WaitForLogsAsync();
            await RemoveSandboxAsync(ct);
        }
        if (_terminal && phase is not ("Succeeded" or "Failed"))
        {
            var recorded = pod["status"]?["phase"]?.GetValue<string>();
            if (recorded is "Succeeded" or "Failed") phase = recorded;
        }
        await WriteStatusAsync(pod, ct, phase);
        return false;
    }

    /// <summary>
    /// The eviction manager's way out for one Pod: its containers are killed at once, it fails with reason Evicted and
    /// the message, and stays there (its controller makes a replacement).
    /// </summary>
    async Task EvictAsync(JsonObject pod, string message, CancellationToken ct)
    {
        _ctx.Log($"pod {ObjectMeta.Key(pod)}: evicted: {message}");
        Event(EventRecorder.Warning, "Evicted", message);
        _evicted = message;
        _terminal = true;
        await StopAllAsync(TimeSpan.Zero, record: true);
        await WaitForLogsAsync();
        await RemoveSandboxAsync(ct);
        await WriteStatusAsync(pod, ct, "Failed");
    }

    /// <summary>
    /// The sandbox lost its network (its namespace or the node's was deleted): as the kubelet does when a sandbox
    /// changes, kill the Pod's containers and drop the sandbox; this sync then makes a new one (a new Pod IP) and
    /// starts the containers in it again, counting a restart.
    /// </summary>
    async Task KillSandboxAsync(JsonObject pod, string damage, CancellationToken ct)
    {
        _ctx.Log($"pod {ObjectMeta.Key(pod)}: sandbox {damage}; killing its containers and making a new one");
        Event(EventRecorder.Normal, "SandboxChanged", "Pod sandbox changed, it will be killed and re-created.");
        // The Pod cannot be reached any more, so there is nothing to drain: a short grace instead of the Pod's own.
        var grace = GracePeriod(pod) < SandboxLostGrace ? GracePeriod(pod) : SandboxLostGrace;
        await StopAllAsync(grace, record: true);
        try { await _ctx.Sandboxes.RemoveAsync(Uid, ct); }
        catch (Exception e) when (e is not OperationCanceledException) { _ctx.Log($"pod {ObjectMeta.Key(pod)}: removing the broken sandbox: {e.Message}"); }
        Sandbox = null;
        _podIp = null;
    }

    static readonly TimeSpan SandboxLostGrace = TimeSpan.FromSeconds(2);

    async Task<bool> EnsureSandboxAsync(JsonObject pod, CancellationToken ct)
    {
        var spec = pod["spec"] as JsonObject ?? [];
        var hostResolv = File.Exists(_ctx.Options.HostResolvConf) ? await File.ReadAllTextAsync(_ctx.Options.HostResolvConf, ct) : "";
        var hostname = spec["hostname"]?.GetValue<string>() is { Length: > 0 } h ? h : ObjectMeta.Name(pod);
        if (hostname.Length > 63) hostname = hostname[..63].TrimEnd('-', '.');
        var sandboxSpec = new SandboxSpec
        {
            PodUid = Uid,
            Namespace = ObjectMeta.Namespace(pod),
            Name = ObjectMeta.Name(pod),
            Hostname = hostname,
            Subdomain = spec["subdomain"]?.GetValue<string>(),
            ResolvConf = PodDns.ResolvConf(spec, ObjectMeta.Namespace(pod), _ctx.Node.ClusterDns, _ctx.Node.ClusterDomain, hostResolv, _ctx.Options.NodeResolver),
            HostAliases = [.. (spec["hostAliases"] as JsonArray ?? []).OfType<JsonObject>().Select(a =>
                (a["ip"]?.GetValue<string>() ?? "", (IReadOnlyList<string>)[.. (a["hostnames"] as JsonArray ?? []).Select(n => n?.GetValue<string>() ?? "")]))],
            HostPorts = [.. (spec["containers"] as JsonArray ?? []).OfType<JsonObject>()
                .SelectMany(c => (c["ports"] as JsonArray ?? []).OfType<JsonObject>())
                .Where(p => p["hostPort"] is not null)
                .Select(p => new HostPortMapping(p["hostPort"]!.GetValue<int>(), p["containerPort"]?.GetValue<int>() ?? 0,
                    p["protocol"]?.GetValue<string>() ?? "TCP", p["hostIP"]?.GetValue<string>()))],
        };
        try
        {
            Sandbox = await _ctx.Sandboxes.CreateAsync(sandboxSpec, ct);
            _podIp = Sandbox.PodIp.ToString();
            return true;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Event(EventRecorder.Warning, "FailedCreatePodSandBox", $"Failed to create pod sandbox: {e.Message}");
            return false;
        }
    }

    /// <summary>Sets up the Pod's volumes, and on later syncs refreshes them (ConfigMap and Secret changes reach running containers).</summary>
    async Task<bool> SyncVolumesAsync(JsonObject pod, CancellationToken ct)
    {
        try
        {
            _volumes = await _ctx.Volumes.SyncAsync(pod, _podIp ?? "", ct);
            _volumeError = null;
            return true;
        }
        catch (Exception e) when (e is VolumeSetupException or IOException or UnauthorizedAccessException)
        {
            if (_volumeError != e.Message) Event(EventRecorder.Warning, "FailedMount", e.Message);
            _volumeError = e.Message;
            // Containers never started wait in ContainerCreating, as while the kubelet waits for a volume.
            lock (_gate)
                foreach (var slot in _init.Concat(_regular).Where(s => !s.EverStarted)) SetWaiting(slot, "ContainerCreating", null);
            return _volumes is not null; // a refresh that fails leaves running containers with what they have
        }
    }

    /// <summary>The ephemeral containers, with a slot for each one the Pod gained since the last sync.</summary>
    List<ContainerSlot> EphemeralSlots(JsonObject pod)
    {
        lock (_gate)
        {
            foreach (var spec in (pod["spec"]?["ephemeralContainers"] as JsonArray ?? []).OfType<JsonObject>())
                if (!_ephemeral.Any(s => s.Name == spec["name"]?.GetValue<string>()))
                    _ephemeral.Add(new ContainerSlot(spec, isInit: false) { IsEphemeral = true });
            return [.. _ephemeral];
        }
    }

    async Task<bool> SyncInitContainersAsync(JsonObject pod, string restartPolicy, CancellationToken ct)
    {
        foreach (var slot in _init)
        {
            if (slot.IsSidecar)
            {
                if (!slot.Running)
                {
                    if (!slot.EverStarted) await StartAsync(pod, slot, ct);
                    else await RestartWithBackOffAsync(pod, slot, ct);
                }
                if (!slot.Started) return false;
                continue;
            }
            if (slot.Terminated is { ExitCode: 0 } && !slot.Running) continue;
            if (slot.Running) return false;
            if (!slot.EverStarted) { await StartAsync(pod, slot, ct); return false; }
            if (restartPolicy != "Never") await RestartWithBackOffAsync(pod, slot, ct);
            return false;
        }
        return true;
    }

    async Task RestartWithBackOffAsync(JsonObject pod, ContainerSlot slot, CancellationToken ct)
    {
        var finished = slot.Terminated?.FinishedAt ?? DateTime.UtcNow;
        var key = CrashLoopBackOff.Key(Uid, slot.Name);
        var now = DateTime.UtcNow;
        if (_ctx.BackOff.IsInBackOffSince(key, finished, now))
        {
            var delay = _ctx.BackOff.Get(key);
            var message = $"back-off {CrashLoopBackOff.Format(delay)} restarting failed container={slot.Name} pod={ObjectMeta.Name(pod)}_{ObjectMeta.Namespace(pod)}({Uid})";
            if (slot.WaitingReason != "CrashLoopBackOff")
                Event(EventRecorder.Warning, "BackOff", $"Back-off restarting failed container {slot.Name} in pod {ObjectMeta.Name(pod)}_{ObjectMeta.Namespace(pod)}({Uid})");
            SetWaiting(slot, "CrashLoopBackOff", message);
            slot.RetryAt = finished + delay;
            return;
        }
        _ctx.BackOff.Next(key, finished);
        await StartAsync(pod, slot, ct, restart: true);
    }

    async Task StartAsync(JsonObject pod, ContainerSlot slot, CancellationToken ct, bool restart = false)
    {
        slot.RetryAt = null;
        if (Sandbox is not { } sandbox) return;
        var spec = slot.Spec;
        Dictionary<string, string> env;
        ResolvedCommand resolved;
        ContainerSecurity security;
        IReadOnlyList<(string, string, bool)> mounts;
        try
        {
            security = ContainerSecurity.Resolve(pod, spec);
            env = await _ctx.Env.ResolveAsync(pod, spec, _podIp ?? "", ct);
            mounts = VolumeMounts.For(pod, spec, _volumes ?? new Dictionary<string, string>(), env);
            string Expand(JsonNode? n) => VarExpansion.Expand(n?.GetValue<string>() ?? "", k => env.GetValueOrDefault(k));
            var command = spec["command"] is JsonArray cmd ? cmd.Select(Expand).ToList() : null;
            var args = spec["args"] is JsonArray a ? a.Select(Expand).ToList() : null;
            resolved = _ctx.Images.Resolve(slot.Image, command, args);
        }
        catch (ContainerConfigException e)
        {
            if (slot.WaitingMessage != e.Message) Event(EventRecorder.Warning, "Failed", $"Error: {e.Message}");
            SetWaiting(slot, "CreateContainerConfigError", e.Message);
            slot.RetryAt = DateTime.UtcNow + TimeSpan.FromSeconds(2);
            return;
        }
        catch (ImageResolveException e)
        {
            var pullKey = CrashLoopBackOff.Key(Uid, "image:" + slot.Name);
            if (slot.WaitingReason is "ErrImagePull" or "ImagePullBackOff")
            {
                SetWaiting(slot, "ImagePullBackOff", $"Back-off pulling image \"{slot.Image}\": {e.Reason}: {e.Message}");
                Event(EventRecorder.Normal, "BackOff", $"Back-off pulling image \"{slot.Image}\"");
            }
            else
            {
                Event(EventRecorder.Warning, "Failed", $"Failed to pull image \"{slot.Image}\": {e.Message}");
                Event(EventRecorder.Warning, "Failed", $"Error: {e.Reason}");
                SetWaiting(slot, e.Reason, e.Message);
            }
            _ctx.BackOff.Next(pullKey, DateTime.UtcNow);
            slot.RetryAt = DateTime.UtcNow + _ctx.BackOff.Get(pullKey);
            return;
        }

        Event(EventRecorder.Normal, "Pulled", $"Container image \"{slot.Image}\" already present on machine");
        foreach (var warning in UnsupportedSettings.Of(pod, spec)) Event(EventRecorder.Warning, "UnsupportedSetting", warning);
        var fullEnv = new Dictionary<string, string>
        {
            ["PATH"] = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
            ["HOSTNAME"] = pod["spec"]?["hostname"]?.GetValue<string>() ?? ObjectMeta.Name(pod),
            ["HOME"] = "/root",
        };
        foreach (var (k, v) in resolved.Env) fullEnv[k] = v;
        foreach (var (k, v) in env) fullEnv[k] = v;
        var workingDir = spec["workingDir"]?.GetValue<string>() is { Length: > 0 } wd ? wd : resolved.WorkingDir;

        lock (_gate)
        {
            if (restart)
            {
                slot.RestartCount++;
                slot.LastTerminated = slot.Terminated;
            }
            slot.Terminated = null;
            slot.EverStarted = true;
            slot.WaitingReason = slot.WaitingMessage = null;
        }
        var paths = ContainerPaths.For(_ctx.Node.StateDir, Uid, slot.Name, slot.RestartCount);
        var targetPid = TargetPid(slot);
        if (targetPid is null && slot.TargetContainerName is { } target && pod["spec"]?["shareProcessNamespace"]?.GetValue<bool>() != true)
            Event(EventRecorder.Warning, "UnsupportedSetting", UnsupportedSettings.TargetNotRunning(target));
        var launch = new ContainerLaunch(resolved.File, resolved.Args, fullEnv, workingDir,
            spec["stdin"]?.GetValue<bool>() == true, spec["stdinOnce"]?.GetValue<bool>() == true, spec["tty"]?.GetValue<bool>() == true, paths)
        {
            Image = resolved.Image,
            Mounts = [.. mounts, TerminationMessage.Prepare(spec, paths)],
            Security = security,
            Seccomp = security.Seccomp == "RuntimeDefault" ? SeccompProfiles.RuntimeDefault(security.Capabilities) : null,
            Resources = ContainerResources.From(spec),
            SharePidNamespace = pod["spec"]?["shareProcessNamespace"]?.GetValue<bool>() == true,
            JoinPidNamespaceOf = targetPid,
        };
        ContainerRun run;
        try
        {
            run = await ContainerLauncher.StartAsync(_ctx.Runtime, sandbox, launch);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            var now = DateTime.UtcNow;
            slot.Terminated = new TerminatedInfo(128, "StartError", now, now, e.Message);
            Event(EventRecorder.Warning, "Failed", $"Error: {e.Message}");
            Persist();
            return;
        }
        Event(EventRecorder.Normal, "Created", $"Created container: {slot.Name}");
        var postStart = spec["lifecycle"]?["postStart"] as JsonObject;
        Attach(slot, run, fullEnv, workingDir, startProbes: postStart is null);
        Event(EventRecorder.Normal, "Started", $"Started container {slot.Name}");
        Persist();
        if (postStart is not null) await RunPostStartAsync(pod, slot, run, postStart, ct);
    }

    /// <summary>
    /// The kubelet runs postStart before it counts the container as started (this sync waits for it, so the status
    /// still says ContainerCreating), and kills the container when it fails; probes begin after it.
    /// </summary>
    async Task RunPostStartAsync(JsonObject pod, ContainerSlot slot, ContainerRun run, JsonObject handler, CancellationToken ct)
    {
        var failure = await LifecycleHooks.RunAsync(handler, _ctx.Runtime, slot, run, _podIp ?? "", PodDescription(pod), Timeout.InfiniteTimeSpan, ct);
        if (failure is null)
        {
            if (!run.HasExited) StartProbes(slot, run);
            return;
        }
        _ctx.Log($"pod {ObjectMeta.Key(pod)}: container {slot.Name}: {failure}");
        Event(EventRecorder.Warning, "FailedPostStartHook", failure);
        Event(EventRecorder.Normal, "Killing", $"FailedPostStartHook");
        await StopContainerAsync(slot, run, GracePeriod(pod));
    }

    /// <summary>
    /// An ephemeral container's targetContainerName: the target's init, whose PID namespace it joins (containerd's
    /// NamespaceMode TARGET); none when the Pod shares one namespace anyway or the target is not running.
    /// </summary>
    int? TargetPid(ContainerSlot slot)
    {
        if (slot.TargetContainerName is not { } name || _pod["spec"]?["shareProcessNamespace"]?.GetValue<bool>() == true) return null;
        return FindContainer(name)?.Run is { HasExited: false } target && target.ContainerPid() is > 0 and var pid ? pid : null;
    }

    /// <summary>"name_namespace(uid)", the kubelet's format.Pod.</summary>
    string PodDescription(JsonObject pod) => $"{ObjectMeta.Name(pod)}_{ObjectMeta.Namespace(pod)}({Uid})";

    /// <summary>
    /// Stops one run as the kubelet's killContainer does: the preStop handler first (when there is a grace period),
    /// bounded by the grace period, then SIGTERM with what is left of it (at least 2 s), then SIGKILL.
    /// </summary>
    async Task StopContainerAsync(ContainerSlot slot, ContainerRun run, TimeSpan grace)
    {
        if (slot.Spec["lifecycle"]?["preStop"] is JsonObject preStop && grace > TimeSpan.Zero && !run.HasExited)
        {
            var started = DateTime.UtcNow;
            var failure = await LifecycleHooks.RunAsync(preStop, _ctx.Runtime, slot, run, _podIp ?? "", PodDescription(_pod), grace, CancellationToken.None);
            if (failure is not null) Event(EventRecorder.Warning, "FailedPreStopHook", failure);
            var left = grace - (DateTime.UtcNow - started);
            grace = left > MinimumGracePeriod ? left : MinimumGracePeriod;
        }
        await run.StopAsync(grace);
    }

    static readonly TimeSpan MinimumGracePeriod = TimeSpan.FromSeconds(2);

    /// <summary>Wires a run (new or adopted) to log copying, exit wake-up and probes.</summary>
    void Attach(ContainerSlot slot, ContainerRun run, IReadOnlyDictionary<string, string> env, string? workingDir = null, bool startProbes = true)
    {
        lock (_gate)
        {
            slot.Run = run;
            if (env.Count > 0) slot.Env = env;
            if (workingDir is not null) slot.WorkingDir = workingDir;
        }
        slot.LogCopied = CriLogCopier.RunAsync(run.Paths, run.Exited, _ct);
        _ = run.Exited.ContinueWith(_ => Wake(), TaskScheduler.Default);
        if (startProbes) StartProbes(slot, run);
    }

    void StartProbes(ContainerSlot slot, ContainerRun run)
    {
        slot.StopProbes();
        if (slot.IsInit && !slot.IsSidecar) return;
        var cts = CancellationTokenSource.CreateLinkedTokenSource(_ct);
        slot.ProbeCts = cts;
        var target = new ProbeTarget(_podIp ?? "127.0.0.1", slot.Spec, (argv, timeout, ct) =>
            ContainerExec.RunAsync(_ctx.Runtime, run.Handle, argv, slot.Env, slot.WorkingDir, timeout, ct));
        ProbeWorker? startupWorker = null;
        foreach (var (kind, field) in new[] { (ProbeKind.Startup, "startupProbe"), (ProbeKind.Liveness, "livenessProbe"), (ProbeKind.Readiness, "readinessProbe") })
        {
            if (slot.Spec[field] is not JsonObject probe) continue;
            var gate = kind == ProbeKind.Startup || startupWorker is null ? (Func<bool>)(() => true) : () => startupWorker.Result;
            var worker = new ProbeWorker(kind, probe, target, gate,
                (k, outcome) => Event(EventRecorder.Warning, "Unhealthy", $"{k} probe failed: {outcome.Message}".TrimEnd()),
                (k, ok) => OnProbeChange(slot, run, k, ok));
            if (kind == ProbeKind.Startup) startupWorker = worker;
            slot.Probes.Add(worker);
            _ = worker.RunAsync(run.StartedAt, cts.Token);
        }
    }

    void OnProbeChange(ContainerSlot slot, ContainerRun run, ProbeKind kind, bool ok)
    {
        Wake();
        if (ok || kind == ProbeKind.Readiness || run.HasExited) return;
        var what = kind == ProbeKind.Liveness ? "liveness" : "startup";
        Event(EventRecorder.Normal, "Killing", $"Container {slot.Name} failed {what} probe, will be restarted");
        var probeGrace = slot.Spec[kind == ProbeKind.Liveness ? "livenessProbe" : "startupProbe"]?["terminationGracePeriodSeconds"]?.GetValue<long>();
        _ = StopContainerAsync(slot, run, probeGrace is { } g ? TimeSpan.FromSeconds(g) : GracePeriod(_pod));
    }

    /// <summary>Records the runs that ended: their exit, with the termination message the container left.</summary>
    async Task CollectExitsAsync()
    {
        List<(ContainerSlot Slot, ContainerRun Run)> exited;
        lock (_gate) exited = [.. AllSlots.Where(s => s.Run is { HasExited: true }).Select(s => (s, s.Run!))];
        if (exited.Count == 0) return;
        var results = new List<TerminatedInfo>();
        foreach (var (slot, run) in exited)
        {
            // A status that says terminated means `kubectl logs` has every line (and the message may come from its tail).
            await slot.LogCopiedAsync();
            results.Add(TerminationMessage.Apply(slot.Spec, run.Exited.Result, run.Paths));
        }
        lock (_gate)
            foreach (var ((slot, run), result) in exited.Zip(results))
            {
                if (slot.Run != run) continue;
                slot.Terminated = result;
                slot.Run = null;
                slot.WaitingReason = slot.WaitingMessage = null;
                slot.StopProbes();
            }
        Persist();
    }

    static void SetWaiting(ContainerSlot slot, string reason, string? message)
    {
        slot.WaitingReason = reason;
        slot.WaitingMessage = message;
    }

    static TimeSpan GracePeriod(JsonObject pod) =>
        TimeSpan.FromSeconds(pod["metadata"]?["deletionGracePeriodSeconds"]?.GetValue<long>()
            ?? pod["spec"]?["terminationGracePeriodSeconds"]?.GetValue<long>() ?? 30);

    // ---- termination ----

    async Task StopAllAsync(TimeSpan grace, bool record)
    {
        List<ContainerSlot> running;
        lock (_gate) running = [.. _regular.Concat(_init).Concat(_ephemeral).Where(s => s.Running)];
        var stops = new List<Task>();
        foreach (var slot in running)
        {
            if (record) Event(EventRecorder.Normal, "Killing", $"Stopping container {slot.Name}");
            slot.StopProbes();
            stops.Add(StopContainerAsync(slot, slot.Run!, grace));
        }
        await Task.WhenAll(stops);
        await CollectExitsAsync();
    }

    async Task TerminateAsync(JsonObject pod, CancellationToken ct)
    {
        var grace = GracePeriod(pod);
        if (_ctx.Options.BeforeStoppingPod is { } drain && PodIp is { } ip)
        {
            var bound = grace < TimeSpan.FromSeconds(2) ? grace : TimeSpan.FromSeconds(2);
            try { await drain(ip, bound, ct); }
            catch (Exception e) when (e is not OperationCanceledException) { _ctx.Log($"pod {ObjectMeta.Key(pod)}: waiting for the proxy: {e.Message}"); }
        }
        await StopAllAsync(grace, record: true);
        await RemoveSandboxAsync(ct);
        try
        {
            await _ctx.Client.DeleteAsync(BuiltinResources.Pod, ObjectMeta.Namespace(pod), ObjectMeta.Name(pod),
                new DeleteOptions { GracePeriodSeconds = 0, PreconditionUid = Uid }, ct);
        }
        catch (ApiException e) when (e.Code is 404 or 409) { }
        await CleanupAsync(ct);
    }

    /// <summary>The raw output files go with the sandbox: the CRI logs must have every byte first.</summary>
    Task WaitForLogsAsync()
    {
        lock (_gate) return Task.WhenAll(AllSlots.Select(s => s.LogCopied));
    }

    async Task RemoveSandboxAsync(CancellationToken ct)
    {
        if (Sandbox is null) return;
        try { await _ctx.Sandboxes.RemoveAsync(Uid, ct); Sandbox = null; }
        catch (Exception e) when (e is not OperationCanceledException) { _ctx.Log($"pod {ObjectMeta.Key(_pod)}: removing sandbox: {e.Message}"); }
    }

    async Task CleanupAsync(CancellationToken ct)
    {
        await _ctx.Sandboxes.RemoveAsync(Uid, ct);
        _ctx.Runtime.RemovePod(Uid);
        PodVolumes.Remove(_ctx.Node.StateDir, Uid);
        Sandbox = null;
        _ctx.BackOff.Forget(Uid);
        await Task.Delay(100, CancellationToken.None); // let log copiers write their last records
        await _podCts.CancelAsync();
        await Task.Delay(50, CancellationToken.None);
        foreach (var dir in new[] { ContainerPaths.PodDir(_ctx.Node.StateDir, Uid), ContainerPaths.PodLogDir(_ctx.Node.StateDir, Uid) })
        {
            try { Directory.Delete(dir, recursive: true); }
            catch (DirectoryNotFoundException) { }
            catch (IOException e) { _ctx.Log($"pod {Uid}: removing {dir}: {e.Message}"); }
        }
    }

    // ---- status and events ----

    async Task WriteStatusAsync(JsonObject pod, CancellationToken ct, string? phase = null)
    {
        var restartPolicy = pod["spec"]?["restartPolicy"]?.GetValue<string>() ?? "Always";
        JsonObject status;
        lock (_gate)
        {
            var input = new PodStatusInput(pod, _init, _regular, Sandbox is not null, _podIp, _ctx.Node.NodeIp.ToString(),
                _startTime ?? Time.Format(DateTime.UtcNow), phase ?? PodPhase.Compute(restartPolicy, _init, _regular))
            {
                Ephemeral = _ephemeral,
                EvictedMessage = _evicted,
            };
            status = PodStatusBuilder.Build(input, _transitions, DateTime.UtcNow);
        }
        var text = status.ToJsonString();
        if (text == _lastStatus) return;
        try
        {
            await _ctx.Client.PatchAsync(BuiltinResources.Pod, ObjectMeta.Namespace(pod), ObjectMeta.Name(pod), PatchType.Merge,
                new JsonObject { ["metadata"] = new JsonObject { ["uid"] = Uid }, ["status"] = status }, subresource: "status", ct: ct);
            _lastStatus = text;
        }
        catch (ApiException e) when (e.Code is 404 or 409) { }
    }

    /// <summary>Queued, not awaited (the kubelet's recorder does not block a Pod's sync either): see EventRecorder.Record.</summary>
    void Event(string type, string reason, string message)
    {
        var pod = _pod;
        var reference = new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Pod",
            ["metadata"] = new JsonObject { ["name"] = ObjectMeta.Name(pod), ["namespace"] = ObjectMeta.Namespace(pod), ["uid"] = Uid },
        };
        _ctx.Events.Record(reference, type, reason, message);
    }
}
