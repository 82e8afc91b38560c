#!/usr/bin/env bash
# `podway up` -> the guides' demo (000-web-all.yaml) served through its Ingress: how long a new user waits, for two
# builds in one run (issue 14: the readiness prober used to be the slow part).
#
# Per round and build: a throwaway cluster (name us<pid>b / us<pid>a, data dir under mktemp, a free API port, a scratch
# KUBECONFIG), then the time from `podway up` starting to `up` returning, to the manifest applied, and to the first
# "Welcome to nginx!" from curl -H 'Host: demo.local' http://<Ingress ADDRESS>/ (polled every 50 ms); then the cluster is
# removed (down --purge). Builds alternate, the order flipping every round. Prints each round and the medians.
#
# Usage (root): sudo BEFORE_DIR=/path/to/other/checkout bench/up-served.sh [rounds=3]
#   AFTER_DIR defaults to this checkout; both are built by their own ./podway on first use.
set -euo pipefail
rounds=${1:-3}
after_dir=${AFTER_DIR:-$(cd "$(dirname "$0")/.." && pwd)}
before_dir=${BEFORE_DIR:?set BEFORE_DIR to the checkout to compare with (e.g. a git worktree of an older commit)}
manifest=${MANIFEST:-$after_dir/../shared/manifests/000-web-all.yaml}
[[ $(id -u) == 0 ]] || { echo "run as root" >&2; exit 1; }
[[ -f $manifest ]] || { echo "no manifest at $manifest (set MANIFEST)" >&2; exit 1; }

work=$(mktemp -d /tmp/podway-upserved.XXXXXX)
export KUBECONFIG=$work/kubeconfig
id=$$; (( ${#id} > 7 )) && id=${id: -7}
declare -A dir=([before]=$before_dir [after]=$after_dir) name=([before]=us${id}b [after]=us${id}a)
running=
cleanup() {
  set +e
  [[ -n $running ]] && timeout 300 "${dir[$running]}/podway" down --name "${name[$running]}" --purge >/dev/null 2>&1
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

now_ms() { date +%s%3N; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
commit() { git -C "$1" rev-parse --short HEAD; }

# Build both first (./podway builds on first use), so no round pays for a build.
for b in before after; do timeout 1800 "${dir[$b]}/podway" status --name "${name[$b]}" >/dev/null 2>&1 || [[ $? == 3 ]]; done
echo "before: $(commit "$before_dir") ($before_dir); after: $(commit "$after_dir") ($after_dir); $(nproc) cores"

declare -A served_ms up_ms
one() {
  local b=$1 round=$2 t0 t_up t_applied t_served address
  running=$b
  t0=$(now_ms)
  timeout 300 "${dir[$b]}/podway" up --name "${name[$b]}" --data-dir "$work/$b" --api-port "$(free_port)" >/dev/null
  t_up=$(now_ms)
  kubectl apply -f "$manifest" >/dev/null
  t_applied=$(now_ms)
  address=
  until [[ -n $address ]]; do address=$(kubectl get ingress web -o jsonpath='{.status.loadBalancer.ingress[0].ip}'); [[ -n $address ]] || sleep 0.05; done
  until curl -s --max-time 2 -H 'Host: demo.local' "http://$address/" | grep -q 'Welcome to nginx!'; do sleep 0.05; done
  t_served=$(now_ms)
  timeout 300 "${dir[$b]}/podway" down --name "${name[$b]}" --purge >/dev/null
  running=
  rm -rf "${work:?}/$b"
  up_ms[$b]+="$((t_up - t0)) "
  served_ms[$b]+="$((t_served - t0)) "
  printf 'round %d %-6s up %6d ms, applied %6d ms, served %6d ms (apply -> served %6d ms)  load %s\n' "$round" "$b" \
    $((t_up - t0)) $((t_applied - t0)) $((t_served - t0)) $((t_served - t_applied)) "$(cut -d' ' -f1-3 /proc/loadavg)"
}
for ((r = 1; r <= rounds; r++)); do
  if ((r % 2)); then one before "$r"; one after "$r"; else one after "$r"; one before "$r"; fi
done
median() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
for b in before after; do
  printf 'median %-6s up %6s ms, up -> served %6s ms\n' "$b" "$(median <<<"${up_ms[$b]}")" "$(median <<<"${served_ms[$b]}")"
done
