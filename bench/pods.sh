#!/usr/bin/env bash
# Starts a throwaway podway cluster, measures Pod startup latency (100 Pods) and memory per built-in Pod (200 Pods
# running), removes the cluster. Usage: sudo bench/pods.sh [startup-pods] [memory-pods]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
name=bp$$
name=${name:0:10}
data=$(mktemp -d /tmp/podway-bench.XXXXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cleanup() { KUBECONFIG="$data/user-kubeconfig" "$root/podway" down --name "$name" --purge >/dev/null 2>&1 || true; rm -rf "$data"; }
trap cleanup EXIT
KUBECONFIG="$data/user-kubeconfig" "$root/podway" up --name "$name" --data-dir "$data/cluster" --api-port "$port" >/dev/null
dotnet run -c Release --project "$root/bench/Podway.Bench.Pods" -- "$data/cluster/kubeconfig" "$name" "${1:-100}" "${2:-200}"
