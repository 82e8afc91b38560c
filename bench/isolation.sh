#!/usr/bin/env bash
# What container isolation costs: Pod startup and memory per Pod, before and after, in one run.
#
# Two builds of podway: "after" (this checkout, or AFTER_DIR) and "before" (a worktree of BEFORE_REF, default
# 14c2993, the last commit before containers ran under crun; the script creates it under mktemp, builds it with its
# own ./podway and removes it on exit; or BEFORE_DIR, an existing checkout the script only reads and builds).
# One throwaway cluster of each (names bi<pid>b / bi<pid>a, data dirs under mktemp, free API ports, KUBECONFIG a
# scratch file so the user's kubeconfig is untouched), both up for the whole run, but measured one at a time: each
# measurement runs while the other cluster sits idle, and the order flips every round (before first in odd rounds,
# after first in even rounds), so background load on the shared machine falls on both alike.
# Per round, with bench/Podway.Bench.Pods (the same client binary for both):
#   startup: PODS Pods (registry.k8s.io/pause, no probes) created at RATE per second, create -> Ready through a
#            watch, p50/p99 (startup of before, then after, or the reverse);
#   memory:  MEMPODS Pods each of pause, busybox `sleep 3600` and nginx running at once; PSS (/proc/PID/smaps_rollup)
#            of every process of those Pods (in their network namespaces or cgroups, and their shims; crun included),
#            divided by MEMPODS.
# Before round 1 each cluster starts 5 uncounted Pods (layers built, code paths warm).
# Prints per-round lines, then a table of pooled latencies (all rounds' samples together) and mean memory, with
# after - before and after / before, and the load average at each measurement.
#
# Usage (root, from anywhere):
#   sudo bench/isolation.sh [pods=100] [rate=5] [memory-pods=20] [rounds=2]
#   sudo BEFORE_REF=<commit> bench/isolation.sh ...           # another "before" commit
#   sudo BEFORE_DIR=/path/to/checkout bench/isolation.sh ...  # reuse a built checkout (not removed)
#   sudo LOGS_DIR=/some/dir bench/isolation.sh ...              # keep both clusters' logs (LOGS_DIR/before, /after)
# Cleans up on exit, also on failure or Ctrl-C: both clusters (podway down --purge), their data dirs, the scratch
# kubeconfig, and the before worktree when it made one.
set -euo pipefail
pods=${1:-100}
rate=${2:-5}
mempods=${3:-20}
rounds=${4:-2}
after_dir=${AFTER_DIR:-$(cd "$(dirname "$0")/.." && pwd)}
before_ref=${BEFORE_REF:-14c2993}
before_dir=${BEFORE_DIR:-}
[[ $(id -u) == 0 ]] || { echo "run as root" >&2; exit 1; }

work=$(mktemp -d /tmp/podway-isolation.XXXXXX)
export KUBECONFIG=$work/user-kubeconfig
id=$$
(( ${#id} > 7 )) && id=${id: -7}
declare -A dir name port
name[before]=bi${id}b
name[after]=bi${id}a
made_worktree=
started=()

cleanup() {
  set +e
  local b
  for b in "${started[@]}"; do
    [[ -n ${LOGS_DIR:-} ]] && mkdir -p "$LOGS_DIR/$b" && cp -r "$work/$b/logs/." "$LOGS_DIR/$b/" 2>/dev/null
    timeout 300 "${dir[$b]}/podway" down --name "${name[$b]}" --purge >/dev/null 2>&1 ||
      echo "warning: podway down --name ${name[$b]} failed; run it by hand" >&2
  done
  if [[ -n $made_worktree ]]; then
    git -C "$after_dir" worktree remove --force "$made_worktree" >/dev/null 2>&1 || echo "warning: worktree $made_worktree left behind" >&2
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [[ -z $before_dir ]]; then
  made_worktree=$work/before
  git -C "$after_dir" worktree add --detach "$made_worktree" "$before_ref" >/dev/null
  before_dir=$made_worktree
fi
dir[before]=$before_dir
dir[after]=$after_dir
commit() { git -C "$1" rev-parse --short HEAD; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

echo "building: before $(commit "${dir[before]}") in ${dir[before]}, after $(commit "${dir[after]}") in ${dir[after]}, and the benchmark client"
for b in before after; do timeout 1800 "${dir[$b]}/podway" status --name "${name[$b]}" >/dev/null 2>&1 || [[ $? == 3 ]]; done
timeout 1800 dotnet build -c Release -o "$work/client" "$after_dir/bench/Podway.Bench.Pods" -nologo -v quiet -clp:NoSummary >"$work/client-build.log" 2>&1 ||
  { cat "$work/client-build.log" >&2; exit 1; }
client() { timeout 900 dotnet "$work/client/Podway.Bench.Pods.dll" "$@"; }

for b in before after; do
  port[$b]=$(free_port)
  started+=("$b")
  timeout 300 "${dir[$b]}/podway" up --name "${name[$b]}" --data-dir "$work/$b" --api-port "${port[$b]}" >/dev/null
  echo "$b: cluster ${name[$b]} on 127.0.0.1:${port[$b]} ($(commit "${dir[$b]}"))"
done
for b in before after; do client "$work/$b/kubeconfig" "${name[$b]}" 5 0 --rate "$rate" >/dev/null; done

images='registry.k8s.io/pause;busybox:1.36 sleep 3600;nginx:1.25-alpine'
load() { cut -d' ' -f1-3 /proc/loadavg; }
for round in $(seq 1 "$rounds"); do
  order=(before after)
  (( round % 2 == 0 )) && order=(after before)
  for b in "${order[@]}"; do
    l=$(load)
    client "$work/$b/kubeconfig" "${name[$b]}" "$pods" 0 --rate "$rate" --results "$work/startup-$b-$round.tsv" | sed "s/^/round $round $b: /"
    echo "round $round $b: (load average before: $l)"
    echo "$l" >"$work/load-startup-$b-$round"
  done
  for b in "${order[@]}"; do
    l=$(load)
    client "$work/$b/kubeconfig" "${name[$b]}" 0 "$mempods" --memory-images "$images" --results "$work/memory-$b-$round.tsv" | sed "s/^/round $round $b: /"
    echo "round $round $b: (load average before: $l)"
  done
done

# The summary: latencies pooled over the rounds, memory averaged over the rounds.
python3 - "$work" "$rounds" "$pods" "$rate" "$mempods" <<'PY'
import sys, math, glob, statistics
work, rounds, pods, rate, mempods = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
def pct(v, p): v = sorted(v); return v[min(len(v) - 1, math.ceil(p / 100 * len(v)) - 1)]
lat, mem, procs = {}, {}, {}
for b in ("before", "after"):
    lat[b] = []
    for r in range(1, rounds + 1):
        for line in open(f"{work}/startup-{b}-{r}.tsv"):
            f = line.rstrip("\n").split("\t")
            if f[0] == "latency": lat[b].append(float(f[1]))
        for line in open(f"{work}/memory-{b}-{r}.tsv"):
            f = line.rstrip("\n").split("\t")
            if f[0] == "memory":
                mem.setdefault((b, f[1]), []).append(float(f[2]) / 1024)
                procs.setdefault((b, f[1]), []).append(float(f[3]))
print(f"\nsummary: {rounds} rounds; startup {pods} Pods at {rate}/s per round (p50/p99 over all {rounds}x{pods} samples); memory: mean of the rounds, {mempods} Pods per image")
print(f"{'':32} {'before':>10} {'after':>10} {'after-before':>13} {'after/before':>13}")
def row(label, a, b, unit, digits=1):
    print(f"{label:32} {a:10.{digits}f} {b:10.{digits}f} {b - a:+10.{digits}f} {unit:2} {b / a:13.2f}")
for p in (50, 99):
    row(f"startup p{p} (ms)", pct(lat["before"], p), pct(lat["after"], p), "ms")
row("startup mean (ms)", statistics.mean(lat["before"]), statistics.mean(lat["after"]), "ms")
for r in range(1, rounds + 1):
    def one(b):
        return [float(l.split("\t")[1]) for l in open(f"{work}/startup-{b}-{r}.tsv") if l.startswith("latency")]
    for p in (50, 99):
        row(f"  round {r} p{p} (ms)", pct(one("before"), p), pct(one("after"), p), "ms")
for image in dict.fromkeys(k[1] for k in mem):
    label = image.split(":")[0].split("/")[-1] + (" sleep" if "sleep" in image else "")
    row(f"{label} PSS per Pod (MiB)", statistics.mean(mem[("before", image)]), statistics.mean(mem[("after", image)]), "Mi", 2)
    row(f"{label} processes per Pod", statistics.mean(procs[("before", image)]), statistics.mean(procs[("after", image)]), "")
PY
echo "load average at end: $(load); $(nproc) cores"
