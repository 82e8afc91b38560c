#!/usr/bin/env bash
# Proves that the test suites leave a cluster with podway's default name ("podway") alone (issue 16).
#   default-cluster-guard.sh begin STATE_DIR   before the suites
#   default-cluster-guard.sh end STATE_DIR     after them: exit 0 when the cluster is untouched and still serving
# Kernel objects carry only the cluster name, so a default cluster under any data root is the one at risk.
# If one is running, it is only observed: its node-level kernel objects (by name and, for namespaces, by kernel
# identity, which a rebuilt namespace would not keep), server and agent pids, /readyz and node readiness.
# If none is running, a sentinel is started (name podway, scratch data dir, free port, KUBECONFIG a scratch file
# so the user's kubeconfig is untouched) with a Pod answering through a NodePort Service; `end` removes it.
set -euo pipefail
repo="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
podway="$repo/podway"
action="$1" state="$2"
name=podway

# Node-level objects of the cluster (Pod namespaces come and go with the user's own work, so they are left out),
# each namespace with its kernel identity from /proc/self/mountinfo.
snapshot() {
  {
    for ns in $(ip netns list 2>/dev/null | awk '{print $1}'); do
      if [[ "$ns" =~ ^podway-$name(-|$) && "$ns" != *-pod-* ]]; then
        echo "netns $ns $(awk -v m="/run/netns/$ns" '$5 == m {print $4; exit}' /proc/self/mountinfo)"
      fi
    done
    ip -o link 2>/dev/null | awk -F': ' '{print $2}' | cut -d@ -f1 | grep -E "^pw$name(-|$)" | sed 's/^/link /' || true
    nft list tables 2>/dev/null | grep -E " podway-$name(-|$)" || true
    if [[ -f "$datadir/podway.pid" ]]; then echo "server pid $(cat "$datadir/podway.pid")"; fi
    for f in "$datadir"/nodes/*/agent.pid; do
      if [[ -f "$f" ]]; then echo "agent pid $(cat "$f")"; fi
    done
  } | sort
}

serving() {
  local kc="$datadir/kubeconfig"
  [[ "$(kubectl --kubeconfig "$kc" get --raw /readyz 2>&1)" == ok ]] || { echo "   /readyz does not answer ok"; return 1; }
  local ready
  ready="$(kubectl --kubeconfig "$kc" get nodes -o jsonpath='{range .items[*]}{.status.conditions[?(@.type=="Ready")].status}{" "}{end}')"
  [[ -n "$ready" && "$ready" != *False* && "$ready" != *Unknown* ]] || { echo "   nodes not Ready: $ready"; return 1; }
  if [[ -f "$state/url" ]]; then
    local url; url="$(cat "$state/url")"
    for _ in $(seq 1 60); do
      curl -sS --max-time 5 "$url" 2>/dev/null | grep -q '^sentinel-' && return 0
      sleep 1
    done
    echo "   the sentinel's Service ($url) does not answer"; return 1
  fi
}

free_port() {
  local port
  while :; do
    port=$((20000 + RANDOM % 10000))
    ss -Hltn "sport = :$port" | grep -q . || { echo "$port"; return; }
  done
}

start_sentinel() {
  local scratch="$state/sentinel"
  mkdir -p "$scratch"
  datadir="$scratch/data"
  echo "$datadir" >"$state/datadir"
  KUBECONFIG="$scratch/user-kubeconfig" "$podway" up --data-dir "$datadir" --api-port "$(free_port)" --resolv-conf "" >"$state/sentinel-up.log" 2>&1 \
    || { cat "$state/sentinel-up.log"; return 1; }
  kubectl --kubeconfig "$datadir/kubeconfig" apply -f - >/dev/null <<'YAML'
apiVersion: apps/v1
kind: Deployment
metadata: { name: sentinel, namespace: default }
spec:
  replicas: 1
  selector: { matchLabels: { app: sentinel } }
  template:
    metadata: { labels: { app: sentinel } }
    spec:
      containers:
        - name: sentinel
          image: registry.k8s.io/e2e-test-images/agnhost:2.47
          args: ["serve-hostname", "--http=true", "--port=9376"]
          ports: [{ containerPort: 9376 }]
---
apiVersion: v1
kind: Service
metadata: { name: sentinel, namespace: default }
spec:
  type: NodePort
  selector: { app: sentinel }
  ports: [{ port: 80, targetPort: 9376 }]
YAML
  kubectl --kubeconfig "$datadir/kubeconfig" rollout status deploy/sentinel --timeout=120s >/dev/null
  local ip port
  ip="$(kubectl --kubeconfig "$datadir/kubeconfig" get nodes -o jsonpath='{.items[0].status.addresses[?(@.type=="InternalIP")].address}')"
  port="$(kubectl --kubeconfig "$datadir/kubeconfig" get svc sentinel -o jsonpath='{.spec.ports[0].nodePort}')"
  echo "http://$ip:$port/" >"$state/url"
}

case "$action" in
  begin)
    # A sentinel left by an interrupted run is removed first (its cluster.json names it, so down accepts it).
    if [[ -f "$state/sentinel/data/cluster.json" ]]; then
      KUBECONFIG="$state/sentinel/user-kubeconfig" "$podway" down --data-dir "$state/sentinel/data" --purge >/dev/null 2>&1 || true
    fi
    rm -rf "$state"; mkdir -p "$state"
    rc=0; "$podway" status --name "$name" >"$state/status-before" 2>&1 || rc=$?
    if [[ $rc -eq 0 || $rc -eq 4 ]]; then
      datadir="$(awk '/^data dir:/ {print $3}' "$state/status-before")"
      echo "$datadir" >"$state/datadir"
      echo "   a cluster named $name is running ($datadir): checking it is untouched after the suites"
    elif ip netns list | grep -qE "^podway-$name(-| |$)"; then
      datadir=/nonexistent
      echo "$datadir" >"$state/datadir"
      echo "   kernel objects of a cluster named $name exist (another data root): checking they are untouched after the suites"
      : >"$state/observe-kernel-only"
    else
      echo "   no cluster named $name is running: starting a sentinel one (scratch data dir, kubeconfig untouched)"
      start_sentinel
    fi
    snapshot >"$state/before"
    if [[ ! -f "$state/observe-kernel-only" ]]; then serving || { echo "   it is not serving before the suites; the check after them will say so too"; }; fi
    ;;
  end)
    datadir="$(cat "$state/datadir")"
    ok=1
    snapshot >"$state/after"
    if ! diff -u "$state/before" "$state/after" >"$state/diff"; then
      echo "   its kernel objects or processes changed during the suites:"; sed 's/^/     /' "$state/diff"; ok=0
    fi
    if [[ ! -f "$state/observe-kernel-only" ]]; then serving || ok=0; fi
    if [[ -d "$state/sentinel" ]]; then
      KUBECONFIG="$state/sentinel/user-kubeconfig" "$podway" down --data-dir "$datadir" --purge >"$state/sentinel-down.log" 2>&1 \
        || { echo "   removing the sentinel failed:"; cat "$state/sentinel-down.log"; ok=0; }
    fi
    [[ $ok -eq 1 ]]
    ;;
  *) echo "usage: $0 begin|end STATE_DIR" >&2; exit 2 ;;
esac
