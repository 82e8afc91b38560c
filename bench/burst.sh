#!/usr/bin/env bash
# A burst of Pods on one node (issue 14): N pause Pods created at once on a throwaway cluster; prints create -> Ready
# p50/p99 (Podway.Bench.Pods at 1000/s, i.e. all at once), the longest gap between the node's Lease renewals during the burst
# (the kubelet renews every 10 s; a gap over 40 s would mark the node NotReady), the agent's API-connection faults
# from its log, and the CPU time each component spent per Pod. Usage: sudo bench/burst.sh [pods=100] [rounds=1]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
pods=${1:-100}
rounds=${2:-1}
name=bb$$
name=${name:0:10}
data=$(mktemp -d /tmp/podway-bench.XXXXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
export KUBECONFIG="$data/user-kubeconfig"
watcher=""
cleanup() {
  [[ -n "$watcher" ]] && kill "$watcher" 2>/dev/null || true
  "$root/podway" down --name "$name" --purge >/dev/null 2>&1 || true
  rm -rf "$data"
}
trap cleanup EXIT
# The client runs native: JIT-compiling it during the burst took ~15 % of the two cores from the Pods it measures.
dotnet publish -c Release -r linux-x64 -o "$data/client" "$root/bench/Podway.Bench.Pods" -nologo -v quiet -clp:NoSummary >"$data/client-build.log" 2>&1 ||
  { cat "$data/client-build.log" >&2; exit 1; }
"$root/podway" up --name "$name" --data-dir "$data/cluster" --api-port "$port" >/dev/null
pid_of() { pgrep -f "podway $1 --name $name " | head -1 || true; }
for _ in $(seq 1 100); do agent=$(pid_of agent); [[ -n "$agent" ]] && break; sleep 0.2; done
server=$(pid_of server)
[[ -n "$agent" && -n "$server" ]] || { echo "no agent or server process for cluster $name" >&2; exit 1; }
# CPU seconds (user + system) of a process itself, and of its children it has waited for (CNI plugins, crun, cp).
cpu() { awk '{printf "%.2f %.2f\n", ($14+$15)/100, ($16+$17)/100}' "/proc/$1/stat"; }
kubectl wait --for=condition=Ready pods --all -A --timeout=120s >/dev/null

for round in $(seq 1 "$rounds"); do
  ( while :; do kubectl get lease -n kube-node-lease -o jsonpath='{.items[0].spec.renewTime}{"\n"}' 2>/dev/null; sleep 1; done ) >"$data/renewals" &
  watcher=$!
  read -r agent0 children0 < <(cpu "$agent")
  read -r server0 _ < <(cpu "$server")
  faults0=$(grep -ciE "HttpProtocolError|HTTP/2|heartbeat" "$data/cluster/logs/agent-$name-control-plane.log" || true)
  "$data/client/Podway.Bench.Pods" "$data/cluster/kubeconfig" "$name" "$pods" 0 --rate 1000 | sed "s/^/round $round: /"
  read -r agent1 children1 < <(cpu "$agent")
  read -r server1 _ < <(cpu "$server")
  kill "$watcher"; watcher=""
  faults1=$(grep -ciE "HttpProtocolError|HTTP/2|heartbeat" "$data/cluster/logs/agent-$name-control-plane.log" || true)
  gap=$(sort -u "$data/renewals" | python3 -c '
import sys, datetime
t = [datetime.datetime.fromisoformat(l.strip().replace("Z", "+00:00")) for l in sys.stdin if l.strip()]
print(max(((b - a).total_seconds() for a, b in zip(t, t[1:])), default=0))')
  awk -v r="$round" -v n="$pods" -v a="$agent1" -v a0="$agent0" -v c="$children1" -v c0="$children0" -v s="$server1" -v s0="$server0" \
      -v gap="$gap" -v f=$((faults1 - faults0)) 'BEGIN {
    printf "round %d: longest Lease renewal gap %.1f s (lease 40 s), agent API faults logged: %d\n", r, gap, f
    printf "round %d: CPU per Pod: agent %.0f ms, its waited-for children %.0f ms, API server %.0f ms (includes the bench client watch)\n", r, (a-a0)*1000/n, (c-c0)*1000/n, (s-s0)*1000/n }'
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
