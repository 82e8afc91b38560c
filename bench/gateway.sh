#!/usr/bin/env bash
# Starts a throwaway podway cluster and measures the Gateway API side of the edge:
#  1. route propagation: HTTPRoute created (kubectl apply returns) -> first 200 through the Gateway's address for its
#     host, p50/p99 over SAMPLES new routes, with 1, 100 and 1,000 routes attached to the Gateway (the others are
#     background routes for hosts of their own);
#  2. attachedRoutes: 1,000 HTTPRoutes applied in one `kubectl apply`, time until the Gateway's listener shows
#     attachedRoutes = 1000 (from the apply's start, and from its return);
#  3. the edge's memory (resident, its processes summed) with one route and with those 1,000 routes served.
# Prints podway's numbers and ratios against the issue's anchors for other implementations (1-3 s per route for Kong
# and Traefik; attachedRoutes for 1,000 routes in 1 s for Cilium/Kong, 23 s for Envoy Gateway): published figures,
# not measured here, since no other Gateway implementation runs on this machine.
# Removes the cluster on exit, also on failure. Needs root.
# Usage: sudo bench/gateway.sh [samples=20]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
samples=${1:-20}
name=bg$$
name=${name:0:10}
data=$(mktemp -d /tmp/podway-bench-gateway.XXXXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cleanup() {
  KUBECONFIG="$data/user-kubeconfig" "$root/podway" down --name "$name" --purge >/dev/null 2>&1 || true
  rm -rf "$data"
}
trap cleanup EXIT
export KUBECONFIG="$data/user-kubeconfig"
"$root/podway" up --name "$name" --data-dir "$data/cluster" --api-port "$port" >/dev/null
k() { kubectl --kubeconfig "$data/cluster/kubeconfig" "$@"; }
now() { date +%s.%N; }

k apply -f - >/dev/null <<'YAML'
apiVersion: apps/v1
kind: Deployment
metadata: { name: echo }
spec:
  replicas: 2
  selector: { matchLabels: { app: echo } }
  template:
    metadata: { labels: { app: echo } }
    spec:
      containers:
        - name: echo
          image: registry.k8s.io/gateway-api/conformance/echo-basic:v1.4.0
          readinessProbe: { httpGet: { path: /health, port: 3000 }, periodSeconds: 1 }
---
apiVersion: v1
kind: Service
metadata: { name: echo }
spec:
  selector: { app: echo }
  ports: [{ port: 8080, targetPort: 3000 }]
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: { name: bench }
spec:
  gatewayClassName: podway
  listeners: [{ name: http, protocol: HTTP, port: 80 }]
YAML
k rollout status deploy/echo --timeout=180s >/dev/null
k wait gateway/bench --for=condition=Programmed --timeout=120s >/dev/null
gw=$(k get gateway bench -o 'jsonpath={.status.addresses[0].value}')

route() { # name host
  printf 'apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: { name: %s }\nspec:\n  parentRefs: [{ name: bench }]\n  hostnames: ["%s"]\n  rules: [{ backendRefs: [{ name: echo, port: 8080 }] }]\n' "$1" "$2"
}
routes_file() { # first count prefix
  for i in $(seq "$1" "$(( $1 + $2 - 1 ))"); do route "$3-$i" "$3-$i.bench.example"; echo '---'; done
}
# Warm-up: the edge Pods' first requests through a Gateway port pay for JIT compilation (0.1-0.9 s in a fresh Pod,
# measured), which is not route propagation; a warm-up route takes that before any sample.
warm_up() {
  route warm warm.bench.example | k apply -f - >/dev/null
  until curl -fsS -o /dev/null --max-time 1 -H "Host: warm.bench.example" "http://$gw/" 2>/dev/null; do sleep 0.05; done
  for _ in $(seq 1 200); do curl -fsS -o /dev/null -H "Host: warm.bench.example" "http://$gw/"; done
  k delete httproute warm >/dev/null
}
# This cluster's edge processes (`podway image edge` with this cluster's API port in their environment), and their
# resident memory in MiB, summed (the edge runs as two Pods).
edge_pids() {
  for p in $(pgrep -f 'image edge'); do
    tr '\0' '\n' < "/proc/$p/environ" 2>/dev/null | grep -q "^PODWAY_API_SERVER=.*:$port/\?$" && echo "$p"
  done | tr '\n' ' '
}
edge_rss() { # -> "total-MiB (per process ...)"
  local total=0 each=()
  for p in $(edge_pids); do
    local kb; kb=$(awk '/^VmRSS:/ { print $2 }' "/proc/$p/status" 2>/dev/null) || continue
    total=$((total + kb)); each+=("$((kb / 1024))")
  done
  echo "$((total / 1024)) MiB (per edge process: ${each[*]} MiB)"
}
percentiles() { sort -n | awk '{ a[NR] = $1 } END { p50 = a[int((NR - 1) * 0.5) + 1]; p99 = a[int((NR - 1) * 0.99) + 1]; printf "%.3f %.3f", p50, p99 }'; }

# Background routes up to (attached - 1), then SAMPLES new routes each timed to its first 200.
propagation() { # attached
  local have; have=$(k get httproute -o name | grep -c '/bg-' || true)
  local want=$(( $1 - 1 ))
  if [ "$want" -gt "$have" ]; then routes_file "$have" "$(( want - have ))" bg | k apply -f - >/dev/null; fi
  local times=()
  for s in $(seq 1 "$samples"); do
    local host="probe-$1-$s.bench.example"
    local start; start=$(now)
    route "probe-$1-$s" "$host" | k apply -f - >/dev/null
    until curl -fsS -o /dev/null --max-time 1 -H "Host: $host" "http://$gw/" 2>/dev/null; do sleep 0.02; done
    times+=("$(echo "$(now) - $start" | bc)")
    k delete httproute "probe-$1-$s" --wait=false >/dev/null
  done
  printf '%s\n' "${times[@]}" | percentiles
}

warm_up
rss_before=$(edge_rss)
echo "route propagation: HTTPRoute created -> first 200 ($samples samples each), seconds"
for attached in 1 100 1000; do
  read -r p50 p99 <<<"$(propagation "$attached")"
  echo "  $attached routes attached: p50 $p50  p99 $p99  (p50 / Kong-Traefik 1-3 s: $(echo "scale=2; $p50 / 1" | bc)-$(echo "scale=2; $p50 / 3" | bc))"
done

echo "attachedRoutes for 1,000 routes applied at once"
k delete httproute --all --wait=false >/dev/null
until [ "$(k get gateway bench -o 'jsonpath={.status.listeners[0].attachedRoutes}')" = "0" ]; do sleep 0.2; done
routes_file 0 1000 many > "$data/many.yaml"
start=$(now)
k apply -f "$data/many.yaml" >/dev/null
applied=$(now)
until [ "$(k get gateway bench -o 'jsonpath={.status.listeners[0].attachedRoutes}')" = "1000" ]; do sleep 0.05; done
done_at=$(now)
total=$(echo "$done_at - $start" | bc); after=$(echo "$done_at - $applied" | bc)
echo "  from apply start: $total s (kubectl apply itself took $(echo "$applied - $start" | bc) s); after apply returned: $after s"
echo "  after-apply / Cilium-Kong 1 s: $(echo "scale=2; $after / 1" | bc); / Envoy Gateway 23 s: $(echo "scale=3; $after / 23" | bc)"

# Memory of the edge with 1,000 routes: every route served (the last one answers), after a collection settles.
until curl -fsS -o /dev/null --max-time 1 -H "Host: many-999.bench.example" "http://$gw/" 2>/dev/null; do sleep 0.1; done
for i in 0 250 500 750 999; do curl -fsS -o /dev/null -H "Host: many-$i.bench.example" "http://$gw/"; done
sleep 5
echo "edge memory (RSS): one route $rss_before; 1,000 routes $(edge_rss)"
