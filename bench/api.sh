#!/usr/bin/env bash
# Starts a throwaway podway cluster, runs the API benchmark against it (10,000 Pods, 10 watchers), removes it.
# Usage: sudo bench/api.sh [pods] [concurrency]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
name=bench$$
data=$(mktemp -d /tmp/podway-bench.XXXXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cleanup() { KUBECONFIG="$data/user-kubeconfig" "$root/podway" down --name "$name" --purge >/dev/null 2>&1 || true; rm -rf "$data"; }
trap cleanup EXIT
KUBECONFIG="$data/user-kubeconfig" "$root/podway" up --name "$name" --data-dir "$data/cluster" --api-port "$port" >/dev/null
dotnet run -c Release --project "$root/bench/Podway.Bench.Api" -- "$data/cluster/kubeconfig" "${1:-10000}" "${2:-32}"
