#!/usr/bin/env bash
# DNS benchmark: dnsperf against podway's cluster DNS and against unbound serving the same names as a static local
# zone, on this machine, in the same run. Prints queries/s (saturating load) and p50/p99 latency (at a fixed,
# moderate rate, from dnsperf -v per-query latencies) for both, and the ratio; then the same for names outside the
# cluster that only unbound serves, which podway forwards to unbound and answers from its forward cache.
# Needs: dnsperf, unbound (Debian packages). Usage: bench/dns/run.sh [SERVICES=1000] [SECONDS=10]
set -euo pipefail
SERVICES=${1:-1000}
SECONDS_RUN=${2:-10}
LATENCY_QPS=${LATENCY_QPS:-2000}
HERE=$(cd "$(dirname "$0")" && pwd)
WORK=$(mktemp -d /tmp/podway-dns-bench.XXXXXX)
PODWAY_ADDR=127.0.0.20; UNBOUND_ADDR=127.0.0.21; PORT=5353
for tool in dnsperf unbound; do command -v $tool >/dev/null || { echo "missing $tool (apt-get install dnsperf unbound)"; exit 1; }; done

cleanup() {
  [[ -n "${PODWAY_PID:-}" ]] && kill "$PODWAY_PID" 2>/dev/null || true
  [[ -n "${UNBOUND_PID:-}" ]] && kill "$UNBOUND_PID" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

dotnet build -c Release -v q "$HERE/Podway.Bench.Dns" -o "$WORK/bin" >/dev/null
mkfifo "$WORK/stdin"
"$WORK/bin/Podway.Bench.Dns" "$PODWAY_ADDR:$PORT" "$SERVICES" "$WORK" "$UNBOUND_ADDR:$PORT" < "$WORK/stdin" > "$WORK/podway.log" 2>&1 &
PODWAY_PID=$!
exec 3>"$WORK/stdin"
for _ in $(seq 100); do [[ -s "$WORK/queries.txt" ]] && grep -q serving "$WORK/podway.log" && break; sleep 0.1; done

cat > "$WORK/unbound.conf" <<CONF
server:
  interface: $UNBOUND_ADDR
  port: $PORT
  do-daemonize: no
  use-syslog: no
  logfile: ""
  verbosity: 0
  username: ""
  chroot: ""
  directory: "$WORK"
  pidfile: ""
  num-threads: $(nproc)
  so-reuseport: yes
  do-ip6: no
  access-control: 127.0.0.0/8 allow
  module-config: "iterator"
  include: "$WORK/unbound-zone.conf"
remote-control:
  control-enable: no
CONF
unbound -c "$WORK/unbound.conf" > "$WORK/unbound.log" 2>&1 3>&- &  # 3>&-: not a writer of podway's stdin
UNBOUND_PID=$!
for _ in $(seq 100); do dig +short +time=1 +tries=1 @$UNBOUND_ADDR -p $PORT svc-0.ns-0.svc.cluster.local >/dev/null 2>&1 && break; sleep 0.1; done

throughput() { # addr [queries-file] -> qps
  dnsperf -s "$1" -p $PORT -d "${2:-$WORK/queries.txt}" -l "$SECONDS_RUN" -c 4 -q 200 2>&1 | tee "$WORK/perf-$1.txt" |
    awk '/Queries per second/ {print $4}'
}
latency() { # addr [queries-file] -> "p50 p99" in microseconds
  dnsperf -s "$1" -p $PORT -d "${2:-$WORK/queries.txt}" -l 5 -Q "$LATENCY_QPS" -v 2>/dev/null |
    awk '$1 == ">" {print $NF}' | sort -g |
    awk '{a[NR]=$1} END {if (NR==0) {print "n/a n/a"; exit} printf "%.0f %.0f\n", a[int(NR*0.50)]*1e6, a[int(NR*0.99)]*1e6}'
}

echo "DNS benchmark: $SERVICES Services, $(wc -l < "$WORK/queries.txt") distinct queries (A, SRV, NXDOMAIN), $(nproc) cores, dnsperf -c 4 -q 200 for ${SECONDS_RUN}s"
PQPS=$(throughput $PODWAY_ADDR); UQPS=$(throughput $UNBOUND_ADDR)
read -r PP50 PP99 < <(latency $PODWAY_ADDR); read -r UP50 UP99 < <(latency $UNBOUND_ADDR)
printf "%-10s %12s %12s %12s\n" server "queries/s" "p50 (us)" "p99 (us)"
printf "%-10s %12.0f %12s %12s\n" podway "$PQPS" "$PP50" "$PP99"
printf "%-10s %12.0f %12s %12s\n" unbound "$UQPS" "$UP50" "$UP99"
awk -v p="$PQPS" -v u="$UQPS" 'BEGIN {printf "podway / unbound throughput: %.2f\n", p/u}'
grep -h "Queries lost" "$WORK/perf-$PODWAY_ADDR.txt" | sed 's/^/podway  /'
grep -h "Queries lost" "$WORK/perf-$UNBOUND_ADDR.txt" | sed 's/^/unbound /'
echo "CoreDNS published figure (kubernetes plugin, per core): ~17,000 queries/s"

# Names outside the cluster: podway forwards each to unbound once, then answers from its forward cache (30 s).
FORWARDED="$WORK/forwarded-queries.txt"
echo "forwarded names: $(wc -l < "$FORWARDED") names under example. that only unbound serves (TTL 30); podway forwards to unbound and caches"
PQPS=$(throughput $PODWAY_ADDR "$FORWARDED"); UQPS=$(throughput $UNBOUND_ADDR "$FORWARDED")
read -r PP50 PP99 < <(latency $PODWAY_ADDR "$FORWARDED"); read -r UP50 UP99 < <(latency $UNBOUND_ADDR "$FORWARDED")
printf "%-10s %12s %12s %12s\n" server "queries/s" "p50 (us)" "p99 (us)"
printf "%-10s %12.0f %12s %12s\n" podway "$PQPS" "$PP50" "$PP99"
printf "%-10s %12.0f %12s %12s\n" unbound "$UQPS" "$UP50" "$UP99"
awk -v p="$PQPS" -v u="$UQPS" 'BEGIN {printf "podway / unbound throughput: %.2f\n", p/u}'
exec 3>&-
wait "$PODWAY_PID" 2>/dev/null || true
grep -h "^queries" "$WORK/podway.log" | sed 's/^/podway: /' 
