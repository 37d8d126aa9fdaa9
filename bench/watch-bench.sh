#!/usr/bin/env bash
# watch-bench.sh: can `strand watch` hold a 1 s interval over 100 live targets
# on this machine, and what does one snapshot cost it in CPU?
#
#   bash bench/watch-bench.sh [STRAND] [TARGETS] [SECONDS] [POOL]
#
# Starts TARGETS/10 real Go programs (tests/watch/leaky, steady pool of POOL
# workers under churn), each serving net/http/pprof on 10 ports of 127.0.0.1,
# and watches all the ports with --every 1s --db --metrics for SECONDS.
# Reports: snapshots taken against those due, the spacing of each target's
# snapshots (mean, p99, max), ticks skipped, the worst start lag, and CPU per
# snapshot (strand's own user+system time, and GNU time's view). Everything
# stays on 127.0.0.1; everything started is killed on exit. Needs go, jq,
# curl, sqlite3 and GNU time (/usr/bin/time, Debian package "time").
set -euo pipefail
strand=${1:-build/strand}
targets=${2:-100}
secs=${3:-30}
pool=${4:-100}
here=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT

cp "$here"/tests/watch/leaky/*.go "$here"/tests/watch/leaky/go.mod "$work/"
[ -n "${HOME:-}" ] || [ -n "${GOCACHE:-}" ] || export GOCACHE="$work/gocache"
(cd "$work" && GOFLAGS= go build -o "$work/leaky" .)

per=10
procs=$(((targets + per - 1) / per))
urls=()
for ((i = 0; i < procs; i++)); do
	"$work/leaky" -mode steady -pool "$pool" -ports "$per" >"$work/p$i.out" 2>&1 &
	pids+=($!)
done
for ((i = 0; i < procs; i++)); do
	for _ in $(seq 50); do grep -q '^ready' "$work/p$i.out" && break; sleep 0.1; done
	while read -r addr; do
		urls+=("http://$addr/debug/pprof/goroutine")
	done < <(sed -n 's/^listen //p' "$work/p$i.out")
done
urls=("${urls[@]:0:$targets}")
sample=$(curl -s "${urls[0]}?debug=2" | wc -c)
echo "watch-bench: ${#urls[@]} targets in $procs Go processes, ${sample} bytes per debug=2 profile, ${secs}s at --every 1s"

go_cpu() { # user+system ticks of the Go programs
	local t=0
	for p in "${pids[@]}"; do
		t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0)))
	done
	echo "$t"
}
g0=$(go_cpu)
/usr/bin/time -f '%U %S %M' -o "$work/time.txt" \
	"$strand" watch --every 1s --duration "${secs}s" --json --db "$work/bench.db" \
	--metrics 127.0.0.1:0 "${urls[@]}" >"$work/events.json" 2>"$work/err.txt" || true
g1=$(go_cpu)
hz=$(getconf CLK_TCK)

jq -rs --argjson n "${#urls[@]}" --argjson secs "$secs" '
  def secs: (sub("\\.[0-9]+Z$"; "Z") | fromdate) + (capture("(?<f>\\.[0-9]+)Z$").f | tonumber);
  (map(select(.event == "snapshot")) | group_by(.target)
   | map([.[].time | secs] | [range(1; length) as $i | .[$i] - .[$i - 1]]) | add // []) as $gaps |
  ($gaps | sort) as $s | ($s | length) as $k |
  ($s[$k / 2 | floor]) as $p50 | ($s[$k * 0.99 | floor]) as $p99 | ($s | add / $k) as $mean |
  (map(select(.event == "stop")) | .[0]) as $stop |
  (map(select(.event == "snapshot")) | length) as $snaps |
  "snapshots: \($snaps) of \($n * $secs) due (\($snaps * 100 / ($n * $secs) | floor)%), scrape errors \($stop.scrape_errors), missed ticks \($stop.missed_ticks)",
  "interval:  mean \($mean * 1000 | floor) ms, p50 \($p50 * 1000 | floor) ms, p99 \($p99 * 1000 | floor) ms, max \($s[-1] * 1000 | floor) ms; worst start lag \($stop.max_lag_ms) ms",
  "findings:  \(map(select(.event == "finding")) | length) (\(map(select(.event == "finding") | "\(.finding.class) \(.finding.site.function) \(.finding.trend.counts)") | unique | join("; ")))",
  "cpu:       \($stop.cpu_seconds) s for \($stop.snapshots) snapshots = \($stop.cpu_ms_per_snapshot) ms per snapshot (\($stop.cpu_seconds / $stop.elapsed * 100 | floor)% of one core)",
  "held:      \(if ($p99 < 1.1 and $stop.missed_ticks == 0) then "yes" else "NO" end)"
' "$work/events.json"
read -r u s rss < <(tail -n 1 "$work/time.txt")
echo "gnu time:  user ${u}s system ${s}s, max RSS $((rss / 1024)) MiB"
echo "go procs:  $(((g1 - g0) * 100 / hz / secs))% of one core serving the profiles"
echo "database:  $(du -h "$work/bench.db" | cut -f1) after ${secs}s ($(sqlite3 "$work/bench.db" 'select count(*) from snapshots') snapshots)"
