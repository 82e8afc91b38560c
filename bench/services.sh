#!/usr/bin/env bash
# Starts a throwaway podway cluster, measures network programming latency (Pod Ready -> reachable through its
# ClusterIP, 100 Pods) and ClusterIP versus Pod IP throughput/latency with wrk, removes the cluster (even on failure).
# Needs: root, wrk (apt-get install wrk). Usage: sudo bench/services.sh [pods=100 (0 skips)] [wrk-seconds=10 (0 skips)] [--probe-from-node]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
command -v wrk >/dev/null || { echo "missing wrk (apt-get install wrk)" >&2; exit 1; }
name=bs$$
name=${name:0:10}
data=$(mktemp -d /tmp/podway-bench.XXXXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cleanup() { KUBECONFIG="$data/user-kubeconfig" "$root/podway" down --name "$name" --purge >/dev/null 2>&1 || true; rm -rf "$data"; }
trap cleanup EXIT
dotnet build -c Release -v q "$root/bench/Podway.Bench.Services" >/dev/null
KUBECONFIG="$data/user-kubeconfig" "$root/podway" up --name "$name" --data-dir "$data/cluster" --api-port "$port" >/dev/null
dotnet run -c Release --no-build --project "$root/bench/Podway.Bench.Services" -- "$data/cluster/kubeconfig" "$name" "$@"
