#!/usr/bin/env bash
# Starts a throwaway podway cluster and measures NetworkPolicy enforcement, each figure next to the same run without
# (other) policies; removes the cluster (also on failure). All probes are real TCP connects from a client Pod's network
# namespace (bench/netpol/poll.py: a fresh connection every ~5 ms, 30 ms connect timeout), so "enforced" means a
# packet got through, not that a rule exists.
#  1. policy created -> enforced: the server denies all ingress; each sample relabels the client, creates a policy
#     admitting that label, and times `kubectl create` returning -> the first accepted connection. First with no
#     other policy, then with N background policies selecting the same server.
#  2. new Pod Ready -> its allow rules in place: a policy admits role=client to server `web`; each sample creates a
#     Pod with that label and times `kubectl wait` seeing it Ready -> its first accepted connection to `web`, and
#     to `open`, a twin server no policy selects (the same Pod, the same moment: the run without policies).
#  3. throughput through a ClusterIP: two nginx Pods behind their own ClusterIPs, 100 policies selecting one of them
#     (the client admitted by the last one in evaluation order), wrk from the client Pod's netns against each,
#     alternating, with keep-alive connections and with a new connection per request (every SYN is judged).
# Needs root and wrk (apt-get install wrk). Usage: sudo bench/netpol.sh [samples=30] [background-policies=200] [wrk-seconds=10]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
samples=${1:-30}
background=${2:-200}
seconds=${3:-10}
command -v wrk >/dev/null || { echo "missing wrk (apt-get install wrk)" >&2; exit 1; }
name=bnp$$
name=${name:0:10}
data=$(mktemp -d /tmp/podway-bench.XXXXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cleanup() { KUBECONFIG="$data/user-kubeconfig" "$root/podway" down --name "$name" --purge >/dev/null 2>&1 || true; rm -rf "$data"; }
trap cleanup EXIT
KUBECONFIG="$data/user-kubeconfig" "$root/podway" up --name "$name" --data-dir "$data/cluster" --api-port "$port" >/dev/null
export KUBECONFIG="$data/cluster/kubeconfig"
agnhost=registry.k8s.io/e2e-test-images/agnhost:2.53
kubectl create namespace bench >/dev/null
kubectl run web -n bench --image=$agnhost --labels=app=web --env=SERVE_TCP_PORT_80=web -- porter >/dev/null
kubectl run open -n bench --image=$agnhost --labels=app=open --env=SERVE_TCP_PORT_80=open -- porter >/dev/null
kubectl run client -n bench --image=$agnhost --labels=role=none -- pause >/dev/null
kubectl wait -n bench --for=condition=Ready pod/web pod/open pod/client --timeout=300s >/dev/null
ip_of() { kubectl get pod -n bench "$1" -o jsonpath='{.status.podIP}'; }
netns_of() { echo "podway-$name-pod-$(kubectl get pod -n bench "$1" -o jsonpath='{.metadata.uid}' | cut -c1-12)"; }
web=$(ip_of web); open=$(ip_of open); client_ns=$(netns_of client)
now() { date +%s%N; }
stats() { # label: reads milliseconds, one a line
  sort -n | awk -v label="$1" '{a[NR]=$1} END {p50=a[int((NR+1)/2)]; p99=a[int(NR*0.99+0.999)]; printf "  %-58s n=%d p50 %d ms  p99 %d ms  max %d ms\n", label, NR, p50, p99, a[NR]}'
}
policy() { # name, admitted label, selected app
  printf 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: %s, namespace: bench}\nspec:\n  podSelector: {matchLabels: {app: %s}}\n  ingress: [{from: [{podSelector: {matchLabels: {%s}}}], ports: [{port: 80}]}]\n' "$1" "$3" "$2"
}

echo "podway NetworkPolicy benchmark: cluster $name, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "1. policy created (kubectl returns) -> enforced (first connection the new policy admits)"
kubectl apply -f - >/dev/null <<EOF
{apiVersion: networking.k8s.io/v1, kind: NetworkPolicy, metadata: {name: deny-web, namespace: bench}, spec: {podSelector: {matchLabels: {app: web}}, policyTypes: [Ingress]}}
EOF
created_to_enforced() { # prefix count
  local i t0 line
  for i in $(seq 1 "$2"); do
    kubectl label pod -n bench client --overwrite "sample=$1-$i" >/dev/null
    # The probe starts first (denied meanwhile), so its startup is not part of the figure.
    exec 3< <(ip netns exec "$client_ns" python3 "$root/bench/netpol/poll.py" "$web:80")
    sleep 0.3
    policy "allow-$1-$i" "sample: $1-$i" web | kubectl create -f - >/dev/null
    t0=$(now)
    read -r line <&3; exec 3<&-
    [[ $line == *timeout ]] && { echo "sample $1-$i: never enforced" >&2; exit 1; }
    echo $(( (${line#* } - t0) / 1000000 ))
    kubectl delete networkpolicy -n bench "allow-$1-$i" --wait=false >/dev/null
  done
}
created_to_enforced a "$samples" | stats "1 other policy (the default deny)"
for i in $(seq 1 "$background"); do policy "bg-$i" "role: bg-$i" web; echo '---'; done | kubectl create -f - >/dev/null
created_to_enforced b "$samples" | stats "$((background + 1)) other policies selecting the same Pod"

echo "2. new Pod Ready (kubectl wait returns) -> first accepted connection"
policy allow-clients "role: client" web | kubectl create -f - >/dev/null
for i in $(seq 1 "$samples"); do
  kubectl run "c-$i" -n bench --image=$agnhost --labels=role=client -- pause >/dev/null
  kubectl wait -n bench --for=condition=Ready "pod/c-$i" --timeout=120s >/dev/null
  t0=$(now)
  ip netns exec "$(netns_of "c-$i")" python3 "$root/bench/netpol/poll.py" "$web:80" "$open:80" | while read -r target t; do
    [[ $t == timeout ]] && { echo "c-$i: $target never reachable" >&2; exit 1; }
    echo "$target $(( (t - t0) / 1000000 ))"
  done
  kubectl delete pod -n bench "c-$i" --wait=false >/dev/null
done > "$data/ready.txt"
grep "^$open:80 " "$data/ready.txt" | cut -d' ' -f2 | stats "to a server no policy selects (no policy)"
grep "^$web:80 " "$data/ready.txt" | cut -d' ' -f2 | stats "to a server behind $((background + 2)) policies, one admitting it"

echo "3. throughput through a ClusterIP: 100 policies selecting the backend vs none (wrk ${seconds}s from the client Pod's netns)"
kubectl delete networkpolicy -n bench --all >/dev/null
kubectl run nginx-pol -n bench --image=nginx --labels=app=nginx-pol >/dev/null
kubectl run nginx-open -n bench --image=nginx --labels=app=nginx-open >/dev/null
kubectl expose pod -n bench nginx-pol --port=80 >/dev/null
kubectl expose pod -n bench nginx-open --port=80 >/dev/null
kubectl wait -n bench --for=condition=Ready pod/nginx-pol pod/nginx-open --timeout=300s >/dev/null
for i in $(seq -w 0 99); do policy "tp-$i" "role: tp-$i" nginx-pol; echo '---'; done | kubectl create -f - >/dev/null
kubectl label pod -n bench client --overwrite role=tp-99 >/dev/null # admitted by the last policy by name
pol=$(kubectl get svc -n bench nginx-pol -o jsonpath='{.spec.clusterIP}'); opn=$(kubectl get svc -n bench nginx-open -o jsonpath='{.spec.clusterIP}')
ip netns exec "$client_ns" python3 "$root/bench/netpol/poll.py" "$pol:80" "$opn:80" >/dev/null
wrk_rps() { # ip, extra args...
  local ip=$1; shift
  ip netns exec "$client_ns" wrk -t2 -c16 -d"${seconds}s" --latency "$@" "http://$ip/" | awk '/Requests\/sec/ {rps=$2} /^ +50%/ {p50=$2} /^ +99%/ {p99=$2} /Socket errors|Non-2xx/ {err=err $0} END {printf "%.0f %s %s %s\n", rps, p50, p99, (err == "" ? "none" : err)}'
}
for mode in keep-alive close; do
  extra=(); [[ $mode == close ]] && extra=(-H "Connection: close")
  for round in 1 2; do
    read -r o50 o_p50 o_p99 o_err < <(wrk_rps "$opn" "${extra[@]}")
    read -r p50 p_p50 p_p99 p_err < <(wrk_rps "$pol" "${extra[@]}")
    printf "  %-10s round %d: no policy %7d req/s (p50 %s, p99 %s, errors %s) | 100 policies %7d req/s (p50 %s, p99 %s, errors %s) | ratio %s (goal >= 0.95)\n" \
      "$mode" "$round" "$o50" "$o_p50" "$o_p99" "$o_err" "$p50" "$p_p50" "$p_p99" "$p_err" "$(awk -v a="$p50" -v b="$o50" 'BEGIN {printf "%.2f", a / b}')"
  done
done
