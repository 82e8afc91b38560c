#!/usr/bin/env bash
# Starts a throwaway podway cluster with the guides' demo, a client Pod and 1,000 more Services (each selecting the
# web Pods, so 1,000 EndpointSlices and ~1,000 verdict map elements), then times `podway trace` end to end (process
# start to exit: `./podway trace` as a user runs it, which runs the native build, and the JIT build's) for three paths: Pod -> Service by
# name, Pod -> svc/NAME, host -> Ingress URL; and the server's own answer to GET /podway/trace (what the command
# asks; curl, no .NET process start). Prints p50/p99 per path; removes the cluster (even on failure).
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

measure() { # label, program, trace arguments...: wall time (process start to exit), the trace's own time inside the
  # server (elapsedMs: API reads, kernel reads, the request), and the command's CPU time (user+sys)
  local label=$1 program=$2; shift 2
  local rows=() start end out
  for _ in $(seq "$runs"); do
    start=$(date +%s%N)
    out=$( { /usr/bin/time -f 'cpu %U %S' $program trace --name "$name" --data-dir "$data/cluster" -n shop -o json "$@"; } 2>&1 ) ||
      { echo "trace $* failed:"; echo "$out"; exit 1; }
    end=$(date +%s%N)
    rows+=("$(( (end - start) / 1000 )) $(echo "$out" | python3 -c 'import sys,json,re; t=sys.stdin.read(); j=json.loads(t[:t.rindex("}")+1]); c=re.search(r"cpu ([0-9.]+) ([0-9.]+)", t); print(j["elapsedMs"], float(c[1]) + float(c[2]))')")
  done
  printf '%s\n' "${rows[@]}" | python3 -c '
import sys
label = sys.argv[1]
rows = [l.split() for l in sys.stdin if l.strip()]
def pct(xs, q):
    xs = sorted(xs); return xs[min(len(xs) - 1, int(round(q * (len(xs) - 1))))]
wall = [int(r[0]) / 1000 for r in rows]; inside = [float(r[1]) for r in rows]; cpu = [float(r[2]) * 1000 for r in rows]
print(f"{label:46} runs {len(rows)}  wall p50 {pct(wall, .5):6.0f} p99 {pct(wall, .99):6.0f} ms | in-server p50 {pct(inside, .5):6.0f} p99 {pct(inside, .99):6.0f} ms | cpu p50 {pct(cpu, .5):4.0f} ms")
' "$label"
}
measure_server() { # label, from, to: the cluster's own answer (GET /podway/trace, what `podway trace` asks), with curl
  local label=$1 from=$2 to=$3 rows=() start end
  local token; token=$(cat "$data/cluster/pki/admin.token")
  for _ in $(seq "$runs"); do
    start=$(date +%s%N)
    curl -sf --cacert "$data/cluster/pki/ca.crt" -H "Authorization: Bearer $token" -G "https://127.0.0.1:$port/podway/trace" \
      --data-urlencode namespace=shop --data-urlencode "from=$from" --data-urlencode "to=$to" >/dev/null || { echo "server trace $from $to failed"; exit 1; }
    end=$(date +%s%N)
    rows+=("$(( (end - start) / 1000 ))")
  done
  printf '%s\n' "${rows[@]}" | python3 -c '
import sys
xs = sorted(int(l) / 1000 for l in sys.stdin if l.strip())
pct = lambda q: xs[min(len(xs) - 1, int(round(q * (len(xs) - 1))))]
print(f"{sys.argv[1]:46} runs {len(xs)}  curl -> server p50 {pct(.5):6.0f} p99 {pct(.99):6.0f} ms")
' "$label"
}
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
measure_server "server: deploy/client -> http://web" deploy/client http://web
measure_server "server: deploy/client -> svc/bench-0500" deploy/client svc/bench-0500
measure_server "server: host -> http://trace-bench..." host http://trace-bench.example.com/
# What a user runs: ./podway (its source check, then the native build); and the JIT build's same command.
for program in "$root/podway" "$podway"; do
  kind=$([[ $program == "$podway" ]] && echo "JIT build" || echo "./podway")
  measure "$kind: deploy/client -> http://web" "$program" deploy/client http://web
  measure "$kind: deploy/client -> svc/bench-0500" "$program" deploy/client svc/bench-0500
  measure "$kind: host -> http://trace-bench..." "$program" host http://trace-bench.example.com/
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
