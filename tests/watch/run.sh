#!/bin/sh
# strand watch, end to end: real Go programs (tests/watch/leaky) serve
# net/http/pprof on 127.0.0.1 and leak, or do not, or fail, on command;
# `strand watch --json` follows them and jq checks the events.
#   sh tests/watch/run.sh [STRAND]
# Needs go (Debian golang-go), jq, sqlite3 and curl. Everything it starts is
# killed on exit; nothing leaves 127.0.0.1. About 40 s. Last line:
# "watch: N passed, N failed".
set -u
strand=$(cd "$(dirname "${1:-build/strand}")" && pwd)/$(basename "${1:-build/strand}")
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
pids=""
passed=0
failed=0

cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	if [ -n "${WATCH_TEST_KEEP:-}" ]; then echo "watch: kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 2' INT TERM

ok() { echo "ok   $1"; passed=$((passed + 1)); }
bad() { echo "FAIL $1"; failed=$((failed + 1)); }
# check NAME JQ-FILTER FILE: passes when the filter prints true
# (secs: an event's RFC 3339 time in seconds, with its fraction)
check() {
	defs='def secs: (sub("\\.[0-9]+Z$"; "Z") | fromdate) + (capture("(?<f>\\.[0-9]+)Z$").f | tonumber);'
	if [ "$(jq -s "$defs $2" "$3" 2>/dev/null)" = true ]; then ok "$1"; else bad "$1"; fi
}

for tool in go jq sqlite3 curl; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "watch: $tool not found"
		echo "watch: 0 passed, 1 failed"
		exit 1
	fi
done

# ---- the Go program ----------------------------------------------------------
mkdir -p "$work/src"
cp "$here"/leaky/*.go "$here/leaky/go.mod" "$work/src/"
[ -n "${HOME:-}" ] || [ -n "${GOCACHE:-}" ] || export GOCACHE="$work/gocache"
if (cd "$work/src" && GOFLAGS= GO111MODULE=on go build -o "$work/leaky" .) >"$work/build.log" 2>&1; then
	ok "build the Go test program"
else
	cat "$work/build.log"
	bad "build the Go test program"
	echo "watch: $passed passed, $failed failed"
	exit 1
fi

# start NAME ARGS...: runs the program, waits for "ready", sets $addr and $pid
start() {
	name=$1
	shift
	"$work/leaky" "$@" >"$work/$name.out" 2>&1 &
	pid=$!
	pids="$pids $pid"
	i=0
	while ! grep -q '^ready' "$work/$name.out" 2>/dev/null && [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	addr=$(sed -n 's/^listen //p' "$work/$name.out" | head -n 1)
}

url() { echo "http://$1/debug/pprof/goroutine"; }

start steady -mode steady
steady=$(url "$addr")
start leak -mode leak
leak=$(url "$addr")
start fdleak -mode fdleak
fdleak=$(url "$addr")
fdpid=$pid
start spin -mode spin
spin=$(url "$addr")
for f in 500 truncate garbage slow flaky notext; do
	start "fault-$f" -mode idle -fault "$f"
	eval "fault_$f=\$(url \"\$addr\")"
done
# a port nothing listens on: a program that served it and is gone
start gone -mode idle
refused=$(url "$addr")
kill "$pid"
wait "$pid" 2>/dev/null

# ---- run A: every behaviour at once, 1 s interval -------------------------
A=$work/a.json
"$strand" watch --every 1s --duration 10s --timeout 3s --json --db "$work/a.db" \
	--metrics 127.0.0.1:0 --keep-raw "$work/raw" --keep-raw-max 300k \
	"$steady" "$leak" "$fdpid=$fdleak" "$spin" "$refused" "$fault_500" "$fault_truncate" \
	"$fault_garbage" "$fault_slow" "$fault_flaky" "$fault_notext" >"$A" 2>"$work/a.err" &
wpid=$!
pids="$pids $wpid"
sleep 6
mport=$(sed -n 's|.*http://127.0.0.1:\([0-9]*\)/metrics|\1|p' "$work/a.err" | head -n 1)
curl -s "http://127.0.0.1:$mport/metrics" >"$work/metrics.txt"
wait "$wpid"
arc=$?
[ "$arc" -le 1 ] || cat "$work/a.err"

check "A: a steady pool under churn stays ok for the whole run" \
	"([.[] | select(.event == \"snapshot\" and .target == \"$steady\")] | length) >= 8 and
	 ([.[] | select(.event == \"finding\" and .target == \"$steady\")] | length) == 0" "$A"
jq -c "select(.event == \"finding\" and .target == \"$steady\")
	| {reason, class: .finding.class, site: .finding.site, trend: .finding.trend}" "$A"
check "A: a slow leak (1/s) is flagged within three intervals at leak.go:9" \
	"[.[] | select(.target == \"$leak\")] as \$e |
	 (\$e | map(select(.event == \"snapshot\")) | .[0].time | secs) as \$t0 |
	 (\$e | map(select(.event == \"finding\" and .finding.site.function == \"main.leakOne\"
	   and (.finding.site.file | endswith(\"leak.go\")) and .finding.site.line == 9)) | .[0]) as \$f |
	 \$f != null and \$f.reason == \"leak\" and
	 ((\$f.time | secs) - \$t0) <= 3.2" "$A"
check "A: the leak is reported once" \
	"[.[] | select(.event == \"finding\" and .target == \"$leak\")] | length == 1" "$A"
check "A: fds climbing in lockstep with goroutines is named (scenario 15)" \
	"[.[] | select(.target == \"$fdleak\" and (.event == \"finding\" or .event == \"lockstep\"))
	 | select(.event == \"lockstep\" or .reason == \"fd-lockstep\" or any(.finding.evidence[]?; test(\"lockstep\")))
	 | select((.finding.site.function // .site.function) == \"main.handleConn\")]
	 | length >= 1" "$A"
check "A: a PID target samples fds and RSS" \
	"[.[] | select(.event == \"snapshot\" and .target == \"$fdleak\") | .fds > 0 and .rss > 0] | all" "$A"
check "A: a goroutine running at one place is named a spinning loop (scenario 13)" \
	"[.[] | select(.event == \"finding\" and .target == \"$spin\" and .reason == \"spinning\"
	 and .finding.trend.shape == \"spinning\" and .finding.site.function == \"main.busyLoop\")] | length == 1" "$A"
for r in "refused $refused" "http_500 $fault_500" "truncated $fault_truncate" \
	"parse $fault_garbage" "slow|timeout $fault_slow"; do
	reason=${r%% *}
	target=${r#* }
	check "A: a scrape error '$reason' is recorded and retried" \
		"[.[] | select(.event == \"scrape_error\" and .target == \"$target\" and (.reason | test(\"^($reason)\$\")))] | length >= 2" "$A"
done
check "A: backoff: a refusing target is retried less often than every interval" \
	"[.[] | select(.event == \"scrape_error\" and .target == \"$refused\")] | length <= 5" "$A"
check "A: a target that recovers is watched again" \
	"[.[] | select(.target == \"$fault_flaky\") | .event] | (index(\"scrape_error\") < index(\"snapshot\"))" "$A"
check "A: debug=2 refused (403): falls back to debug=1" \
	"[.[] | select(.event == \"snapshot\" and .target == \"$fault_notext\") | .debug] | length >= 5 and all(. == 1)" "$A"
check "A: the stop event counts snapshots and CPU" \
	"[.[] | select(.event == \"stop\")] | length == 1 and .[0].snapshots >= 40 and .[0].cpu_seconds > 0" "$A"
if [ "$arc" -eq 1 ]; then ok "A: exit status 1 after findings"; else bad "A: exit status 1 after findings (got $arc)"; fi

# metrics
m=$work/metrics.txt
if grep -q "^strand_goroutines{target=\"$steady\"} [0-9]" "$m" &&
	grep -q "^strand_group_goroutines{target=\"$leak\",site=\"main.leakOne leak.go:9\",class=\"chan-send\"} [0-9]" "$m" &&
	grep -q "^strand_findings{target=\"$leak\",verdict=\"leak\",class=\"chan-send\"} 1" "$m" &&
	grep -q "^strand_scrape_errors_total{target=\"$refused\",reason=\"refused\"} [1-9]" "$m" &&
	! grep -v '^#' "$m" | grep -qv '^[a-z_]*{\([a-z_]*="\([^"\\]\|\\.\)*",\{0,1\}\)*} [0-9.e+-]*$\|^[a-z_]* [0-9.e+-]*$'; then
	ok "A: /metrics serves the Prometheus text format"
else
	head -n 40 "$m"
	bad "A: /metrics serves the Prometheus text format"
fi
size=$(find "$work/raw" -type f -printf '%s\n' | awk '{s += $1} END {print s + 0}')
files=$(find "$work/raw" -type f -name '*.txt' | wc -l)
if [ "$files" -ge 10 ] && [ "$size" -le 320000 ]; then
	ok "A: --keep-raw keeps profiles under its cap ($files files, $size bytes)"
else
	bad "A: --keep-raw keeps profiles under its cap ($files files, $size bytes)"
fi

# ---- run B: restart resumes the history ---------------------------------------
B=$work/b.json
"$strand" watch --every 1s --duration 3s --json --db "$work/a.db" "$leak" >"$B" 2>"$work/b.err"
check "B: a restart resumes the history from SQLite" \
	"(map(select(.event == \"notice\" and .notice == \"resumed\")) | length == 1) and
	 (map(select(.event == \"snapshot\")) | .[0].history >= 8)" "$B"
check "B: a leak still open is not reported again after a restart" \
	"map(select(.event == \"finding\")) | length == 0" "$B"
"$strand" diff --db "$work/a.db" --since 1h --target "$leak" --json >"$work/diff.json" 2>"$work/diff.err"
check "B: strand diff --db reads the history back" \
	".[0] | (.inputs | length) >= 11 and any(.findings[]; .verdict == \"leak\" and .site.function == \"main.leakOne\"
	 and .site.line == 9 and (.trend.counts | length) >= 11)" "$work/diff.json"
if "$strand" diff --db "$work/a.db" --since 1h >/dev/null 2>"$work/diff2.err"; then
	bad "B: diff --db with several targets asks for --target"
elif grep -q -- "--target" "$work/diff2.err"; then
	ok "B: diff --db with several targets asks for --target"
else
	bad "B: diff --db with several targets asks for --target"
fi
dbinfo=$(sqlite3 "$work/a.db" "PRAGMA integrity_check; PRAGMA journal_mode; PRAGMA user_version;
	SELECT count(*) > 0 FROM findings WHERE resolved IS NULL;" | tr '\n' ' ')
if [ "$dbinfo" = "ok wal 1 1 " ]; then ok "B: the database is consistent, WAL, schema 1"; else bad "B: database: $dbinfo"; fi

# ---- --once: analyze's exit codes -----------------------------------------------
"$strand" watch --once --db "$work/a.db" "$leak" >"$work/once.txt" 2>&1
r1=$?
"$strand" watch --once --json "$steady" >"$work/once2.json" 2>&1
r0=$?
"$strand" watch --once "$refused" >/dev/null 2>&1
r2=$?
if [ $r1 -eq 1 ] && [ $r0 -eq 0 ] && [ $r2 -eq 2 ] && grep -q "main.leakOne" "$work/once.txt"; then
	ok "--once (with its history) exits 1 on a leak, 0 when clean, 2 when the target fails"
else
	bad "--once (with its history) exits 1 on a leak, 0 when clean, 2 when the target fails (got $r1 $r0 $r2)"
fi

# ---- signals ---------------------------------------------------------------------
"$strand" watch --every 500ms --json --db "$work/d.db" "$steady" >"$work/d.json" 2>&1 &
wpid=$!
sleep 2.2
kill -TERM "$wpid"
wait "$wpid"
drc=$?
n=$(sqlite3 "$work/d.db" "PRAGMA integrity_check; SELECT count(*) FROM snapshots;" 2>&1 | tr '\n' ' ')
case "$drc:$n" in
0:"ok "[2-9]*) ok "SIGTERM stops cleanly with the database consistent ($n)" ;;
*) bad "SIGTERM stops cleanly with the database consistent (exit $drc, $n)" ;;
esac
check "SIGTERM: the stop event is written" 'map(select(.event == "stop")) | length == 1' "$work/d.json"

# ---- database faults ---------------------------------------------------------------
printf 'this is not a database, just some text that is long enough%0500d\n' 0 >"$work/bad.db"
if "$strand" watch --once --db "$work/bad.db" "$steady" >/dev/null 2>"$work/bad.err"; then
	bad "a corrupt database is refused with a clear error"
elif grep -q "database .*bad.db.*\(corrupt\|not a\)" "$work/bad.err"; then
	ok "a corrupt database is refused with a clear error"
else
	cat "$work/bad.err"
	bad "a corrupt database is refused with a clear error"
fi
"$strand" watch --every 1s --duration 7s --json --db "$work/d.db" "$steady" >"$work/e.json" 2>"$work/e.err" &
wpid=$!
pids="$pids $wpid"
sleep 1.5
before=$(sqlite3 -cmd ".timeout 5000" "$work/d.db" "SELECT count(*) FROM snapshots")
# .timeout: the lock is taken between two of the watch's own (short)
# transactions rather than failing when one is in progress
(
	echo ".timeout 5000"
	echo "BEGIN EXCLUSIVE; INSERT INTO targets(name, kind, created) VALUES('lock', 'url', 0);"
	sleep 3.5
	echo "COMMIT;"
) | sqlite3 "$work/d.db"
during=$(sqlite3 -cmd ".timeout 5000" "$work/d.db" "SELECT count(*) FROM snapshots")
wait "$wpid"
after=$(sqlite3 -cmd ".timeout 5000" "$work/d.db" "SELECT count(*) FROM snapshots")
if grep -q "locked" "$work/e.err" && [ "$after" -gt "$during" ] && [ "$during" -ge "$before" ] &&
	[ "$(jq -s 'map(select(.event == "stop"))[0].db_errors >= 1 and
	  (map(select(.event == "snapshot")) | length >= 6)' "$work/e.json")" = true ]; then
	ok "a locked database: clear error, watching goes on, storing resumes ($before, $during, $after)"
else
	cat "$work/e.err"
	bad "a locked database: clear error, watching goes on, storing resumes ($before, $during, $after)"
fi

# a file system that refuses to grow the file (here: a file size limit)
start big -mode leak -rate 20ms
big=$(url "$addr")
(
	ulimit -f 400
	"$strand" watch --every 200ms --duration 20s --json --db "$work/g.db" "$big" >"$work/g.json" 2>"$work/g.err"
)
grc=$?
n=$(sqlite3 "$work/g.db" "PRAGMA integrity_check; SELECT count(*) > 0 FROM snapshots;" 2>&1 | tr '\n' ' ')
if [ "$grc" -eq 2 ] && [ "$n" = "ok 1 " ] && grep -q "refused to write" "$work/g.err"; then
	ok "a database that cannot grow: clear error, exit 2, what was stored stays consistent"
else
	cat "$work/g.err"
	bad "a database that cannot grow: clear error, exit 2, what was stored stays consistent ($grc, $n)"
fi

# ---- a directory of snapshot files ----------------------------------------------------
start fast -mode leak -rate 100ms
fast=$(url "$addr")
mkdir -p "$work/dir"
for n in 1 2 3 4 5; do
	curl -s "$fast?debug=2" >"$work/dir/.t$n"
	mv "$work/dir/.t$n" "$work/dir/dump-$n.txt"
	touch -d "@$(($(date +%s) - 60 + n * 5))" "$work/dir/dump-$n.txt"
	sleep 0.5
done
"$strand" watch --once --json --db "$work/f.db" "$work/dir" >"$work/f.json" 2>&1
frc=$?
"$strand" watch --once --json --db "$work/f.db" "$work/dir" >"$work/f2.json" 2>&1
check "a directory target reads each new file once, in order" \
	"map(select(.event == \"snapshot\")) | length == 5 and (map(.goroutines) | . == sort)" "$work/f.json"
check "a directory target resumes after the files it read" \
	'map(select(.event == "snapshot")) | length == 0' "$work/f2.json"
[ "$frc" -eq 1 ] && ok "a directory of a leaking process exits 1" || bad "a directory of a leaking process exits 1 (got $frc)"

# ---- the database keeps what the analysis needs ---------------------------------------
# Each traceback fixture, stored through a directory target and rebuilt by
# `strand diff --db`, must give the analysis of the file itself. (Not for
# goleak reports and debug=1/protobuf records: see docs/watch.md.)
fixtures=$here/../fixtures/go119
same=0
differ=""
view='[.goroutines, ([.findings[] | [.verdict, .class, .count, .site.function, .site.line, .state]] | sort)]'
dirs=""
for f in "$fixtures"/*.txt; do
	case $f in *goleak* | *.debug1.*) continue ;; esac
	d=$work/rt/$(basename "$f" .txt)
	mkdir -p "$d"
	cp "$f" "$d/"
	touch -d "@$(($(date +%s) - 10))" "$d/$(basename "$f")"
	dirs="$dirs $d"
done
# shellcheck disable=SC2086
"$strand" watch --once --json --db "$work/rt/x.db" $dirs >/dev/null 2>&1
files=""
for d in $dirs; do
	files="$files $fixtures/$(basename "$d").txt"
	out=$("$strand" diff --db "$work/rt/x.db" --target "$d" --since 1d --json --all 2>/dev/null)
	printf '%s\n' "${out:-"{\"goroutines\": \"failed\", \"findings\": []}"}" >>"$work/rt/b.json"
done
# shellcheck disable=SC2086
"$strand" analyze --json --all $files 2>/dev/null | jq -c ".[] | $view" >"$work/rt/a.txt"
jq -c "$view" "$work/rt/b.json" >"$work/rt/b.txt"
n=0
for d in $dirs; do
	n=$((n + 1))
	if [ "$(sed -n "${n}p" "$work/rt/a.txt")" = "$(sed -n "${n}p" "$work/rt/b.txt")" ] &&
		[ -n "$(sed -n "${n}p" "$work/rt/a.txt")" ]; then
		same=$((same + 1))
	else
		differ="$differ $(basename "$d")"
	fi
done
if [ -z "$differ" ] && [ "$same" -ge 10 ]; then
	ok "stored and rebuilt, $same traceback fixtures analyse as the files do"
else
	bad "stored and rebuilt fixtures analyse differently:$differ"
fi

echo "watch: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
