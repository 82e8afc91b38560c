#!/usr/bin/env bash
# Starts a throwaway podway cluster and measures NetworkPolicy programming latency: from `kubectl create` of a
# policy returning to its chain being in the node's nftables (polled with `nft list chain` every ~10 ms), p50/p99,
# first with no other policy in the cluster, then with N policies already there (same run). Removes the cluster.
# Usage: sudo bench/netpol.sh [samples=30] [background-policies=200]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
samples=${1:-30}
background=${2:-200}
name=bnp$$
name=${name:0:10}
data=$(mktemp -d /tmp/podway-bench.XXXXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cleanup() { KUBECONFIG="$data/user-kubeconfig" "$root/podway" down --name "$name" --purge >/dev/null 2>&1 || true; rm -rf "$data"; }
trap cleanup EXIT
KUBECONFIG="$data/user-kubeconfig" "$root/podway" up --name "$name" --data-dir "$data/cluster" --api-port "$port" >/dev/null
export KUBECONFIG="$data/cluster/kubeconfig"
kubectl create namespace bench >/dev/null
kubectl run web -n bench --image=registry.k8s.io/e2e-test-images/agnhost:2.53 --labels=app=web -- porter >/dev/null

# The chain of policy ns/name is npXXXXXXXX-in, XXXXXXXX = FNV-1a of "ns/name" (src/Podway.Proxy/Policy/PolicyNames.cs).
chain() { python3 -c 'import sys
h=2166136261
for b in sys.argv[1].encode(): h=((h^b)*16777619)&0xffffffff
print("np%08x-in"%h)' "$1"; }
policy() { printf 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: %s, namespace: bench}\nspec:\n  podSelector: {matchLabels: {app: web}}\n  ingress: [{from: [{podSelector: {matchLabels: {role: client-%s}}}], ports: [{port: 80}]}]\n' "$1" "$1"; }

measure() { # label count prefix
  local out=() i c t0 t1
  for i in $(seq 1 "$2"); do
    c=$(chain "bench/$3-$i")
    policy "$3-$i" | kubectl create -f - >/dev/null
    t0=$(date +%s%N)
    until ip netns exec "podway-$name-n0" nft list chain ip "podway-$name-policy" "$c" >/dev/null 2>&1; do sleep 0.01; done
    t1=$(date +%s%N)
    out+=($(( (t1 - t0) / 1000000 )))
  done
  printf '%s\n' "${out[@]}" | sort -n | awk -v label="$1" '{a[NR]=$1} END {p50=a[int((NR+1)/2)]; p99=a[int(NR*0.99+0.999)]; printf "%-34s n=%d p50 %d ms  p99 %d ms  max %d ms\n", label, NR, p50, p99, a[NR]}'
}

measure "policy created -> in kernel (0 others)" "$samples" a
for i in $(seq 1 "$background"); do policy "bg-$i"; echo '---'; done | kubectl create -f - >/dev/null
until ip netns exec "podway-$name-n0" nft list chain ip "podway-$name-policy" "$(chain "bench/bg-$background")" >/dev/null 2>&1; do sleep 0.05; done
measure "policy created -> in kernel ($((background + samples)) others)" "$samples" b
