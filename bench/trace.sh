#!/usr/bin/env bash
# Starts a throwaway podway cluster with the guides' demo, a client Pod and 1,000 more Services (each selecting the
# web Pods, so 1,000 EndpointSlices and ~1,000 verdict map elements), then times `podway trace` end to end (process
# start to exit, the built binary without the ./podway wrapper's source check) for three paths: Pod -> Service by
# name, Pod -> svc/NAME, host -> Ingress URL. Prints p50/p99 per path; removes the cluster (even on failure).
# Needs: root. Usage: sudo bench/trace.sh [runs=50] [services=1000]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-50}
services=${2:-1000}
name=bt$$
name=${name:0:10}
data=$(mktemp -d /tmp/podway-bench.XXXXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cleanup() { KUBECONFIG="$data/user-kubeconfig" "$root/podway" down --name "$name" --data-dir "$data/cluster" --purge >/dev/null 2>&1 || true; rm -rf "$data"; }
trap cleanup EXIT
KUBECONFIG="$data/user-kubeconfig" "$root/podway" up --name "$name" --data-dir "$data/cluster" --api-port "$port" >/dev/null
k() { KUBECONFIG="$data/cluster/kubeconfig" kubectl "$@"; }
podway="$root/.build/podway/podway"

k create namespace shop >/dev/null
sed 's/demo.local/trace-bench.example.com/' "$root/../shared/manifests/000-web-all.yaml" | k apply -n shop -f - >/dev/null
k create deployment client -n shop --image=nicolaka/netshoot -- sleep infinity >/dev/null
python3 - "$services" > "$data/services.yaml" <<'PY'
import sys
for i in range(int(sys.argv[1])):
    print(f"""---
apiVersion: v1
kind: Service
metadata: {{name: bench-{i:04d}, namespace: shop}}
spec: {{selector: {{app: web}}, ports: [{{port: 80, targetPort: 80}}]}}""")
PY
k apply -f "$data/services.yaml" >/dev/null
k rollout status -n shop deploy/web --timeout=120s >/dev/null
k rollout status -n shop deploy/client --timeout=120s >/dev/null
echo "services in the cluster: $(k get svc -A --no-headers | wc -l), EndpointSlices: $(k get endpointslices -A --no-headers | wc -l)"
# Wait until the Ingress has its address and the last Service is in the kernel (the first traces would otherwise fail).
for _ in $(seq 120); do
  "$podway" trace --name "$name" --data-dir "$data/cluster" -n shop deploy/client "svc/bench-$(printf %04d $((services - 1)))" >/dev/null 2>&1 &&
    "$podway" trace --name "$name" --data-dir "$data/cluster" -n shop host http://trace-bench.example.com/ >/dev/null 2>&1 && break
  sleep 1
done

measure() { # label, trace arguments...
  local label=$1; shift
  local times=() start end
  for _ in $(seq "$runs"); do
    start=$(date +%s%N)
    "$podway" trace --name "$name" --data-dir "$data/cluster" -n shop "$@" >/dev/null || { echo "trace $* failed:"; "$podway" trace --name "$name" --data-dir "$data/cluster" -n shop "$@"; exit 1; }
    end=$(date +%s%N)
    times+=($(( (end - start) / 1000 )))
  done
  printf '%s\n' "${times[@]}" | python3 -c '
import sys, statistics
label = sys.argv[1]
t = sorted(int(x) / 1000 for x in sys.stdin)
p = lambda q: t[min(len(t) - 1, int(round(q * (len(t) - 1))))]
print(f"{label:42} runs {len(t)}  p50 {p(0.5):6.1f} ms  p99 {p(0.99):6.1f} ms  min {t[0]:6.1f} ms  max {t[-1]:6.1f} ms")
' "$label"
}
measure "deploy/client -> http://web" deploy/client http://web
measure "deploy/client -> svc/bench-0500" deploy/client svc/bench-0500
measure "host -> http://trace-bench.example.com/" host http://trace-bench.example.com/
