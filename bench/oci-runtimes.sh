#!/usr/bin/env bash
# crun versus runc: the time of one `RUNTIME run` of a container that runs /bin/true, the same bundle for both.
#
# What it measures: wall time of `RUNTIME --root STATE run --bundle B ID` (create the namespaces, mount the root,
# /usr bound in from the host like podway's base layer, /proc, /dev, /sys, join a network namespace, create and
# remove the container's cgroups, exec /bin/true, wait, delete the state), N runs per runtime per round,
# alternating crun and runc run by run (the order flips every run), after 3 uncounted warm-up runs of each.
# Rows:
#   crun            crun with its cgroupfs manager (like-for-like with runc: both create and remove a cgroup)
#   runc            runc with its cgroupfs manager
#   crun (podway)   crun --cgroup-manager=disabled, as podway runs it (its shim is already in the container's cgroup)
# Prints mean/p50/p99/min/max per runtime per round and crun/runc ratios, with the load average.
# With N=50 the p99 is the 50th of 50 samples, i.e. the maximum.
#
# Usage (root): bench/oci-runtimes.sh [runs=50] [rounds=2]
# Installs runc with apt-get when it is missing. Creates, and removes on exit (also on failure): a bundle under
# mktemp, runtime state dirs under /run/podway-benchoci-PID, cgroups /podway-benchoci-PID in every hierarchy, and
# the network namespace podway-benchoci-PID. Nothing else is touched.
set -euo pipefail
runs=${1:-50}
rounds=${2:-2}
[[ $(id -u) == 0 ]] || { echo "run as root" >&2; exit 1; }
command -v crun >/dev/null || { echo "crun is missing (apt-get install -y crun)" >&2; exit 1; }
command -v runc >/dev/null || { echo "installing runc"; apt-get install -y runc >/dev/null; }

tag=podway-benchoci-$$
work=$(mktemp -d /tmp/podway-benchoci.XXXXXX)
state=/run/$tag
netns=$tag
cgroup_dirs() {
  local h
  for h in /sys/fs/cgroup/*/ /sys/fs/cgroup/; do [[ -d $h$tag ]] && echo "$h$tag"; done
  return 0
}
cleanup() {
  set +e
  local rt id
  for rt in crun runc; do
    for id in $("$rt" --root "$state/$rt" list -q 2>/dev/null); do "$rt" --root "$state/$rt" delete -f "$id" >/dev/null 2>&1; done
  done
  # Child cgroups first (a run that was interrupted may have left one), then the parent.
  for dir in $(cgroup_dirs); do
    find "$dir" -mindepth 1 -depth -type d -exec rmdir {} \; 2>/dev/null
    rmdir "$dir" 2>/dev/null
  done
  ip netns delete "$netns" 2>/dev/null
  rm -rf "$state" "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

ip netns add "$netns"
mkdir -p "$state/crun" "$state/runc" "$state/crun-podway"

# The bundle: a skeleton root whose /bin, /lib, /sbin are links into /usr, and /usr the host's, bound read-only by
# the runtime (a mount in config.json, so each run's mount work is the runtime's, and nothing stays mounted here).
bundle=$work/bundle
mkdir -p "$bundle/rootfs"
(cd "$bundle/rootfs" && mkdir -p usr dev proc sys tmp etc run && for d in bin sbin lib lib64; do
   [[ -e /usr/$d ]] && ln -s "usr/$d" "$d"; done; : > etc/hosts; : > etc/resolv.conf)
(cd "$bundle" && crun spec)
python3 - "$bundle/config.json" "$netns" "$tag" <<'PY'
import json, sys
path, netns, tag = sys.argv[1:4]
spec = json.load(open(path))
spec["process"]["terminal"] = False
spec["process"]["args"] = ["/bin/true"]
spec["root"] = {"path": "rootfs", "readonly": True}
spec["hostname"] = "bench"
spec["mounts"].append({"destination": "/usr", "type": "bind", "source": "/usr", "options": ["rbind", "ro", "nosuid", "nodev"]})
spec["linux"]["namespaces"] = [{"type": t} for t in ("pid", "ipc", "uts", "mount", "cgroup")] + \
    [{"type": "network", "path": f"/run/netns/{netns}"}]
spec["linux"].pop("uidMappings", None); spec["linux"].pop("gidMappings", None)
spec["linux"]["cgroupsPath"] = f"/{tag}/CONTAINER"
json.dump(spec, open(path, "w"), indent=1)
PY

# One run; prints its wall time in ms. The cgroup path names the container so runs never share one.
run_once() { # runtime-row id
  local row=$1 id=$2 rt args t0 t1
  case $row in
    crun) rt=crun; args=(--root "$state/crun" --cgroup-manager=cgroupfs) ;;
    runc) rt=runc; args=(--root "$state/runc") ;;
    crun-podway) rt=crun; args=(--root "$state/crun-podway" --cgroup-manager=disabled) ;;
  esac
  sed -i "s#\"cgroupsPath\": \"[^\"]*\"#\"cgroupsPath\": \"/$tag/$id\"#" "$bundle/config.json"
  t0=$EPOCHREALTIME
  timeout 30 "$rt" "${args[@]}" run --bundle "$bundle" "$id" </dev/null >/dev/null 2>"$work/err" ||
    { echo "$row run $id failed:" >&2; cat "$work/err" >&2; exit 1; }
  t1=$EPOCHREALTIME
  # Microseconds to ms (EPOCHREALTIME is seconds.microseconds).
  echo $(( (${t1/./} - ${t0/./}) )) | awk '{printf "%.2f\n", $1/1000}'
}

stats() { # file -> "mean p50 p99 min max"
  sort -n "$1" | awk '{v[NR]=$1; s+=$1} END {
    p50=v[int(0.5*NR+0.999999)]; p99=v[int(0.99*NR+0.999999)]
    printf "%.1f %.1f %.1f %.1f %.1f\n", s/NR, p50, p99, v[1], v[NR]}'
}

rows=(crun runc crun-podway)
echo "crun $(crun --version | awk 'NR==1{print $3}'), runc $(runc --version | awk 'NR==1{print $3}'), kernel $(uname -r), $(nproc) cores, $runs runs per runtime per round, $rounds rounds"
for round in $(seq 1 "$rounds"); do
  echo "round $round: load average at start $(cut -d' ' -f1-3 /proc/loadavg)"
  for row in "${rows[@]}"; do : > "$work/$row.ms"; for w in 1 2 3; do run_once "$row" "w$round-$w-$row" >/dev/null; done; done
  for i in $(seq 1 "$runs"); do
    order=("${rows[@]}")
    (( i % 2 == 0 )) && order=(runc crun-podway crun)
    for row in "${order[@]}"; do run_once "$row" "r$round-$i-$row" >>"$work/$row.ms"; done
  done
  printf '  %-14s %8s %8s %8s %8s %8s\n' runtime "mean ms" "p50 ms" "p99 ms" "min ms" "max ms"
  declare -A mean p50 p99
  for row in "${rows[@]}"; do
    read -r m a b lo hi < <(stats "$work/$row.ms")
    mean[$row]=$m p50[$row]=$a p99[$row]=$b
    label=$row; [[ $row == crun-podway ]] && label="crun (podway)"
    printf '  %-14s %8s %8s %8s %8s %8s\n' "$label" "$m" "$a" "$b" "$lo" "$hi"
  done
  awk -v cm="${mean[crun]}" -v rm="${mean[runc]}" -v c5="${p50[crun]}" -v r5="${p50[runc]}" -v c9="${p99[crun]}" -v r9="${p99[runc]}" \
      -v pm="${mean[crun-podway]}" -v p5="${p50[crun-podway]}" 'BEGIN {
    printf "  crun/runc: mean %.2f, p50 %.2f, p99 %.2f;  crun (podway)/runc: mean %.2f, p50 %.2f\n", cm/rm, c5/r5, c9/r9, pm/rm, p5/r5 }'
  echo "  load average at end $(cut -d' ' -f1-3 /proc/loadavg)"
done
