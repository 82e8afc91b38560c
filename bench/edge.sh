#!/usr/bin/env bash
# Starts a throwaway podway cluster and measures the edge (podway's Ingress controller):
#  1. wrk at 1, 16 and 64 connections through the edge (the Ingress ADDRESS; one edge Pod's IP, without the
#     LoadBalancer hop; and a Gateway's address with an HTTPRoute to the same backend, the Gateway API path), through Debian's nginx as a reverse proxy to the same Pod IPs (as a Pod behind a
#     LoadBalancer Service logging every request, as ingress-nginx runs; and on a loopback port without log; configs
#     generated under a temp dir), and straight to one Pod; prints requests/s, p50/p99 and the edge/nginx ratios;
#  2. `kubectl rollout restart deploy/web` under steady wrk load through the Ingress, counting every non-2xx answer
#     and every socket error (goal: zero); then the same for a restart of the edge's own Deployment.
# Removes the cluster and stops its nginx (by pid) on exit, also on failure.
# Needs: root, wrk, nginx (apt-get install wrk nginx).
# Usage: sudo bench/edge.sh [wrk-seconds=10 (0 skips part 1)] [rollout-connections=8] [rounds=3]
# EDGE_ENV="NAME=value ..." sets environment variables on the edge's Deployment first (tuning experiments).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-10}
rollout_connections=${2:-8}
rounds=${3:-3}
for tool in wrk nginx kubectl; do command -v $tool >/dev/null || { echo "missing $tool (apt-get install $tool)" >&2; exit 1; }; done
name=be$$
name=${name:0:10}
data=$(mktemp -d /tmp/podway-bench-edge.XXXXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
nginx_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
nginx_pid=""
cleanup() {
  [ -n "$nginx_pid" ] && kill "$nginx_pid" 2>/dev/null || true
  KUBECONFIG="$data/user-kubeconfig" "$root/podway" down --name "$name" --purge >/dev/null 2>&1 || true
  rm -rf "$data"
}
trap cleanup EXIT
export KUBECONFIG="$data/user-kubeconfig"
"$root/podway" up --name "$name" --data-dir "$data/cluster" --api-port "$port" >/dev/null
k() { kubectl --kubeconfig "$data/cluster/kubeconfig" "$@"; }

k apply -f "$root/bench/edge/web.yaml" >/dev/null
k rollout status deploy/web --timeout=180s >/dev/null
k -n ingress-nginx rollout status deploy/ingress-nginx-controller --timeout=180s >/dev/null
for _ in $(seq 1 120); do
  edge=$(k get ingress web -o 'jsonpath={.status.loadBalancer.ingress[0].ip}')
  [ -n "$edge" ] && break
  sleep 1
done
[ -n "$edge" ] || { echo "the Ingress got no ADDRESS" >&2; exit 1; }
pods=$(k get endpointslices -l kubernetes.io/service-name=web -o 'jsonpath={.items[*].endpoints[?(@.conditions.ready==true)].addresses[0]}')
pod=${pods%% *}
# One edge Pod straight, without the LoadBalancer hop (nft DNAT to one of the two edge Pods): what the hop costs.
edge_pod_ip() { # a ready endpoint of the edge's Service (never a Pod that is still terminating after a rollout)
  k -n ingress-nginx get endpointslices -l kubernetes.io/service-name=ingress-nginx-controller \
    -o 'jsonpath={.items[*].endpoints[?(@.conditions.ready==true)].addresses[0]}' | awk '{ print $1 }'
}
edge_pod=$(edge_pod_ip)
for _ in $(seq 1 60); do
  curl -fsS -o /dev/null -H 'Host: bench.local' "http://$edge/" && break
  sleep 1
done
# The Gateway's own address (its LoadBalancer Service beside the edge's; the same edge processes serve it).
for _ in $(seq 1 120); do
  gateway=$(k get gateway bench -o 'jsonpath={.status.addresses[0].value}')
  [ -n "$gateway" ] && curl -fsS -o /dev/null -H 'Host: bench.local' "http://$gateway/" && break
  sleep 1
done
curl -fsS -o /dev/null -H 'Host: bench.local' "http://$gateway/" || { echo "the Gateway at '$gateway' does not serve the HTTPRoute" >&2; exit 1; }

# nginx from the distribution, as a reverse proxy to the same Pods (upstream keepalive): on the host's loopback in the
# foreground (by pid), and as a Pod behind a LoadBalancer Service (the ingress-nginx layout).
upstreams=$(for ip in $pods; do echo "    server $ip:80;"; done)
nginx_conf() { # dir listen access-log [prefix, where nginx keeps its pid and temp files; default dir]
  mkdir -p "$1/tmp"
  sed -e "s|PREFIX|${4:-$1}|g" -e "s|LISTEN|$2|" -e "s|ACCESS_LOG|$3|" "$root/bench/edge/nginx.conf.template" \
    | awk -v ups="$upstreams" '{ if ($0 == "UPSTREAMS") print ups; else print }' > "$1/nginx.conf"
}
nginx_conf "$data/nginx" "127.0.0.1:$nginx_port" off
nginx -c "$data/nginx/nginx.conf" -p "$data/nginx" -g 'daemon off;' &
nginx_pid=$!
# The Pod's config comes in a ConfigMap (a Pod does not see the host's /tmp); its files live in the Pod's own /tmp.
nginx_conf "$data/nginx-pod" 80 "/dev/stdout upstreaminfo" /tmp
k create configmap nginx-proxy-conf --from-file=nginx.conf="$data/nginx-pod/nginx.conf" >/dev/null
k apply -f "$root/bench/edge/nginx-pod.yaml" >/dev/null
k rollout status deploy/nginx-proxy --timeout=180s >/dev/null
for _ in $(seq 1 60); do
  nginx_pod=$(k get service nginx-proxy -o 'jsonpath={.status.loadBalancer.ingress[0].ip}')
  [ -n "$nginx_pod" ] && curl -fsS -o /dev/null -H 'Host: bench.local' "http://$nginx_pod/" && break
  sleep 1
done
for _ in $(seq 1 50); do curl -fsS -o /dev/null "http://127.0.0.1:$nginx_port/" && break; sleep 0.1; done
# Tuning experiments: EDGE_ENV="NAME=value ..." is set on the edge's Deployment (a rollout) before measuring.
if [ -n "${EDGE_ENV:-}" ]; then
  # shellcheck disable=SC2086
  k -n ingress-nginx set env deploy/ingress-nginx-controller $EDGE_ENV >/dev/null
  k -n ingress-nginx rollout status deploy/ingress-nginx-controller --timeout=180s >/dev/null
  for _ in $(seq 1 60); do curl -fsS -o /dev/null -H 'Host: bench.local' "http://$edge/" && break; sleep 1; done
  edge_pod=$(edge_pod_ip)
fi

cores=$(nproc)
hz=$(getconf CLK_TCK)
# CPU time (utime + stime, in clock ticks) of every thread of the given processes; thread names may hold spaces
# (".NET Sockets"), so the fields are counted after the ")".
ticks() {
  local t=0 stat rest f
  for p in "$@"; do for task in /proc/"$p"/task/*; do
    stat=$(cat "$task/stat" 2>/dev/null) || continue
    rest=${stat##*) }; read -r -a f <<<"$rest"; t=$((t + f[11] + f[12]))
  done; done
  echo "$t"
}
tree() { for m in "$@"; do echo "$m"; pgrep -P "$m"; done | sort -u | tr '\n' ' '; }
# This cluster's edge processes: `podway image edge` with this cluster's API port in their environment.
edge_pids() {
  for p in $(pgrep -f 'image edge'); do
    tr '\0' '\n' < "/proc/$p/environ" 2>/dev/null | grep -q "^PODWAY_API_SERVER=.*:$port/\?$" && echo "$p"
  done | tr '\n' ' '
}
# wrk --latency: "Requests/sec: N", "N requests in", and the distribution lines "50% 1.23ms", "99% 4.56ms" (us, ms or s).
measure() { # url connections [pid...] -> "rps p50ms p99ms cpu-us-per-request" (cpu "-" without pids)
  local url=$1 connections=$2 threads=$(( $2 < cores ? $2 : cores )) before out
  shift 2
  before=$(ticks "$@")
  out=$(wrk -t "$threads" -c "$connections" -d "${seconds}s" --latency -H 'Host: bench.local' "$url")
  awk -v used=$(( $(ticks "$@") - before )) -v hz="$hz" -v counted=$# '
    function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
    /Requests\/sec:/ { rps = $2 }
    / requests in / { n = $1 }
    $1 == "50%" { p50 = ms($2) }
    $1 == "99%" { p99 = ms($2) }
    END { printf "%.0f %.3f %.3f %s\n", rps, p50, p99, counted && n ? sprintf("%.1f", used / hz * 1e6 / n) : "-" }' <<<"$out"
}
if [ "$seconds" -gt 0 ]; then
echo "podway edge at $edge (edge Pod $edge_pod${EDGE_ENV:+, env $EDGE_ENV}), nginx $(nginx -v 2>&1 | sed 's/.*\///') as a Pod at $nginx_pod and on 127.0.0.1:$nginx_port, Pods: $pods, wrk ${seconds}s x $rounds rounds (medians), $cores cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%12s %-10s %12s %9s %9s %12s\n' connections target requests/s "p50 ms" "p99 ms" "CPU us/req"
row() { printf '%12s %-10s %12s %9s %9s %12s\n' "$@"; }
ratios() { # label rps p50 p99 cpu (of the peer), against the edge's
  awk -v label="$1" -v er="$er" -v ep50="$ep50" -v ep99="$ep99" -v ecpu="$ecpu" -v r="$2" -v p50="$3" -v p99="$4" -v cpu="$5" \
    'BEGIN { printf "%12s edge/%s: throughput %.2f, p50 %.2f, p99 %.2f, CPU per request %s\n", "", label, er / r, ep50 / p50, ep99 / p99,
             (cpu + 0 > 0 && ecpu + 0 > 0) ? sprintf("%.2f", ecpu / cpu) : "-" }'
}
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{ v[NR] = $1 } END { if (NR == 0 || v[1] == "-") { print "-"; exit } print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
# Whose CPU each target's row counts: the edge's Pods, the nginx Pod's master and workers, the host nginx's.
edge_procs=$(edge_pids)
nginx_pod_procs=$(tree $(pgrep -f "nginx -c /etc/nginx-bench/nginx.conf"))
nginx_procs=$(tree "$nginx_pid")
targets=(edge "edge Pod" "nginx Pod" nginx "one Pod" gateway)
urls=("http://$edge/" "http://$edge_pod/" "http://$nginx_pod/" "http://127.0.0.1:$nginx_port/" "http://$pod/" "http://$gateway/")
procs=("$edge_procs" "$edge_procs" "$nginx_pod_procs" "$nginx_procs" "" "$edge_procs")
# Warm-up, not counted: every target serves a few seconds of load first, so the edge's JIT tiering (and nginx's and the
# Pods' first connections) happen before any measured round; ingress controllers are long-running processes.
for url in "${urls[@]}"; do wrk -t "$cores" -c 16 -d 3s -H 'Host: bench.local' "$url" >/dev/null; done
for c in 1 16 64; do
  # Rounds alternate the targets so that a noisy moment on the shared machine hits all of them; medians are shown.
  rps=() p50=() p99=() cpu=()
  for _ in $(seq 1 "$rounds"); do
    for i in "${!targets[@]}"; do
      # shellcheck disable=SC2086
      read -r r a b u <<<"$(measure "${urls[$i]}" "$c" ${procs[$i]})"
      rps[$i]+="$r "; p50[$i]+="$a "; p99[$i]+="$b "; cpu[$i]+="$u "
    done
  done
  m_rps=() m_p50=() m_p99=() m_cpu=()
  for i in "${!targets[@]}"; do
    m_rps[$i]=$(median <<<"${rps[$i]}") m_p50[$i]=$(median <<<"${p50[$i]}") m_p99[$i]=$(median <<<"${p99[$i]}") m_cpu[$i]=$(median <<<"${cpu[$i]}")
    row "$c" "${targets[$i]}" "${m_rps[$i]}" "${m_p50[$i]}" "${m_p99[$i]}" "${m_cpu[$i]}"
  done
  er=${m_rps[0]} ep50=${m_p50[0]} ep99=${m_p99[0]} ecpu=${m_cpu[0]}
  ratios "nginx Pod" "${m_rps[2]}" "${m_p50[2]}" "${m_p99[2]}" "${m_cpu[2]}"
  ratios "nginx" "${m_rps[3]}" "${m_p50[3]}" "${m_p99[3]}" "${m_cpu[3]}"
  # The Gateway path against the Ingress path (same edge, same backend) and against nginx.
  er=${m_rps[5]} ep50=${m_p50[5]} ep99=${m_p99[5]} ecpu=${m_cpu[5]}
  ratios "Ingress" "${m_rps[0]}" "${m_p50[0]}" "${m_p99[0]}" "${m_cpu[0]}" | sed 's/edge\/Ingress/Gateway\/Ingress/'
  ratios "nginx Pod" "${m_rps[2]}" "${m_p50[2]}" "${m_p99[2]}" "${m_cpu[2]}" | sed 's/edge\/nginx Pod/Gateway\/nginx Pod/'
done
fi
k delete deploy/nginx-proxy service/nginx-proxy configmap/nginx-proxy-conf --wait=false >/dev/null
kill "$nginx_pid" 2>/dev/null || true
wait "$nginx_pid" 2>/dev/null || true
nginx_pid=""

# Rolling update under steady load: wrk runs through the restart and the script counts every failure.
window=60
rollout_under_load() { # namespace deployment
  wrk -t 2 -c "$rollout_connections" -d "${window}s" -s "$root/bench/edge/count-errors.lua" -H 'Host: bench.local' "http://$edge/" > "$data/rollout.txt" &
  local wrk_pid=$!
  sleep 3
  local started finished
  started=$(date +%s.%N)
  k -n "$1" rollout restart "deploy/$2" >/dev/null
  k -n "$1" rollout status "deploy/$2" --timeout=300s >/dev/null
  finished=$(date +%s.%N)
  wait "$wrk_pid"
  awk -v s="$started" -v f="$finished" -v what="$1/$2" -v w="$window" -v c="$rollout_connections" \
    'BEGIN { printf "rollout restart of %s took %.1f s inside a %s s wrk run at %s connections: ", what, f - s, w, c }'
  grep '^ROLLOUT' "$data/rollout.txt" | sed 's/^ROLLOUT //'
}
rollout_under_load default web
# The edge's own Pods: the old one turns unready on SIGTERM, serves while the proxies drop it, then drains.
rollout_under_load ingress-nginx ingress-nginx-controller
