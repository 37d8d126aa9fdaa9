#!/usr/bin/env bash
# Strand's benchmark: what `make bench` runs. See bench/README.md.
#
#   bench/run.sh            build the missing corpora, time everything, print the table
#   bench/run.sh corpora    only build the missing corpora (no strand needed)
#   bench/run.sh --help
#
# Environment (defaults in brackets):
#   STRAND               the binary under test [build/strand]
#   STRAND_BENCH_DIR     cache of the generator, corpora and results
#                        [${XDG_CACHE_HOME:-$HOME/.cache}/strand-bench]
#   BENCH_SIZES          corpora to time, any of n10k n100k n1m [n10k n100k n1m]
#   BENCH_SERIES         1: build the 10-snapshot series and time `strand diff` [1]
#   RUNS, WARMUP         hyperfine runs and warm-up runs per command [10, 2]
#   RUNS_1M, WARMUP_1M   the same on n1m [5, 1]
#   BENCH_PANICPARSE     0: skip panicparse; fresh: time it again instead of
#                        reusing the result kept with the corpus [1]
#   PP_RUNS, PP_RUNS_BIG panicparse runs on n10k, on n100k and n1m [3, 1]
#   PP_TIMEOUT           seconds before a panicparse run is killed [1200]
#   PP_AS                address-space cap of panicparse, bytes [16000000000]
#   BENCH_PANICPARSE_1M  1: also run panicparse on n1m (it runs out of memory) [0]
#   PROFILE_MS           target for analyzing debug=1 and proto, milliseconds [10]
#
# The first run is long: n1m takes about 4 minutes and 8 GB of memory to
# generate (3 GB of disk; n100k and the series another 3 GB), and panicparse
# up to 10 minutes on n100k. Both are kept in the cache and reused.
set -euo pipefail

usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; }
case "${1:-}" in
-h | --help) usage; exit 0 ;;
corpora | "") mode=${1:-all} ;;
*) usage >&2; exit 2 ;;
esac

die() { printf 'bench: %s\n' "$*" >&2; exit 1; }
say() { printf 'bench: %s\n' "$*" >&2; }

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")
cd "$root"

STRAND=${STRAND:-build/strand}
dir=${STRAND_BENCH_DIR:-${XDG_CACHE_HOME:-${HOME:?set HOME or STRAND_BENCH_DIR}/.cache}/strand-bench}
read -r -a sizes <<<"${BENCH_SIZES:-n10k n100k n1m}"
series=${BENCH_SERIES:-1}
runs=${RUNS:-10} warmup=${WARMUP:-2}
runs_1m=${RUNS_1M:-5} warmup_1m=${WARMUP_1M:-1}
pp=${BENCH_PANICPARSE:-1} pp_runs=${PP_RUNS:-3} pp_runs_big=${PP_RUNS_BIG:-1} pp_timeout=${PP_TIMEOUT:-1200}
pp_as=${PP_AS:-16000000000} pp_1m=${BENCH_PANICPARSE_1M:-0}
profile_ms=${PROFILE_MS:-10}

for s in "${sizes[@]}"; do
	case $s in n10k | n100k | n1m) ;; *) die "unknown size '$s' in BENCH_SIZES (n10k n100k n1m)" ;; esac
done

# ---------------------------------------------------------------- checks

if [ "$mode" = all ]; then
	if [[ $STRAND == */* ]]; then
		[ -x "$STRAND" ] || die "$STRAND not found: run make first"
	else
		command -v "$STRAND" >/dev/null || die "$STRAND not found: run make first"
	fi
	for tool in hyperfine jq /usr/bin/time prlimit timeout wc cat; do
		command -v "$tool" >/dev/null ||
			die "$tool not found: apt-get install hyperfine jq time util-linux coreutils"
	done
	if [ "$pp" != 0 ] && ! command -v panicparse >/dev/null; then
		say "panicparse not found (apt-get install panicparse): its rows are skipped"
		pp=0
	fi
fi
command -v go >/dev/null || die "go not found: apt-get install golang-go"

mkdir -p "$dir/bin" "$dir/corpus" "$dir/results"

# ---------------------------------------------------------------- generator

# The generator is rebuilt whenever its sources or the Go toolchain change.
gen_hash=$({
	go version
	cd bench/gen && find . -type f \( -name '*.go' -o -name go.mod \) | LC_ALL=C sort | xargs sha256sum
} | sha256sum | cut -c1-16)
gen=$dir/bin/strand-gendump
if [ ! -x "$gen" ] || [ "$(cat "$gen.stamp" 2>/dev/null)" != "$gen_hash" ]; then
	say "building the generator into $gen"
	gocache=${GOCACHE:-$(go env GOCACHE 2>/dev/null || true)}
	case $gocache in "" | off) gocache=$dir/gocache ;; esac
	# File names in the dumps read /build/shopd/... wherever this checkout
	# is, so that corpus sizes do not depend on it.
	(cd bench/gen && GOCACHE=$gocache GOFLAGS='' GOPROXY=off GO111MODULE=on CGO_ENABLED=0 \
		go build -buildvcs=false -gcflags="all=-trimpath=$PWD=>/build/shopd" \
		-o "$gen.tmp" .)
	mv "$gen.tmp" "$gen"
	echo "$gen_hash" >"$gen.stamp"
fi

# ---------------------------------------------------------------- corpora

# Bump when a change of the generator should regenerate existing corpora
# (the generator binary itself is rebuilt whenever its sources change).
corpus_version=1

gen_flags() { # corpus name -> generator flags
	case $1 in
	n10k) echo "-n 10000 -seed 1" ;;
	n100k) echo "-n 100000 -seed 1" ;;
	n1m) echo "-n 1000000 -seed 1" ;;
	s100k) echo "-n 100000 -seed 2 -series 10" ;;
	esac
}

corpus() { # name: builds $dir/corpus/NAME unless it is there and current
	local name=$1 out=$dir/corpus/$1 flags stamp
	flags=$(gen_flags "$name")
	stamp="v$corpus_version $flags"
	if [ -f "$out/manifest.json" ] && [ "$(cat "$out/stamp" 2>/dev/null)" = "$stamp" ]; then
		return
	fi
	local need_kb
	case $name in n1m) need_kb=3500000 ;; *) need_kb=800000 ;; esac
	local avail_kb
	avail_kb=$(df -Pk "$dir/corpus" | awk 'NR == 2 { print $4 }')
	[ "$avail_kb" -ge "$need_kb" ] ||
		die "not enough disk for $name in $dir/corpus: $((avail_kb / 1024)) MB free, need $((need_kb / 1024)) MB"
	case $name in
	n1m) say "generating n1m (1,000,000 goroutines): about 2 minutes and 8 GB of memory, 3 GB of disk" ;;
	*) say "generating $name" ;;
	esac
	rm -rf "$out" "$out.tmp"
	# shellcheck disable=SC2086 # flags are words
	/usr/bin/time -f '%e %M' -o "$dir/corpus/$name.gen-time" "$gen" $flags -v -out "$out.tmp" ||
		die "generating $name failed"
	echo "$stamp" >"$out.tmp/stamp"
	mv "$out.tmp" "$out"
	read -r secs kb <"$dir/corpus/$name.gen-time"
	say "generated $name in ${secs}s, peak RSS $((kb / 1024)) MB: $(du -sh "$out" | cut -f1)"
}

for s in "${sizes[@]}"; do corpus "$s"; done
[ "$series" = 1 ] && corpus s100k
if [ "$mode" = corpora ]; then
	say "corpora in $dir/corpus:" "${sizes[@]}" "$([ "$series" = 1 ] && echo s100k)"
	exit 0
fi

# ---------------------------------------------------------------- timing

stamp=$(date +%Y%m%d-%H%M%S)
res=$dir/results/$stamp
mkdir -p "$res"
rows=$res/rows.tsv # size, command, runs, median_s, bytes, rss_kb, cpu_s, note
: >"$rows"
declare -A MED RSS BYTES

# Strand exits 1 when it finds a leak; only a status above 1 is a failure.
ok1='|| test $? -eq 1'
q() { printf '%q' "$1"; }
# Time one copy of the binary: a `make` elsewhere may rebuild build/strand
# while this runs.
cp "$(command -v "$STRAND")" "$res/strand"
S=$(q "$res/strand")

row() { # size key label runs median bytes rss cpu note
	MED[$1/$2]=$5 BYTES[$1/$2]=$6 RSS[$1/$2]=$7
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$3" "$4" "$5" "$6" "$7" "$8" "${9:-}" >>"$rows"
}

peak_rss() { # command line (run by bash) -> peak RSS in KB of one run, "-" if it failed
	if /usr/bin/time -f '%M' -o "$res/rss.tmp" bash -c "$1" >/dev/null 2>"$res/rss.err"; then
		tail -1 "$res/rss.tmp"
	else
		echo -
	fi
}

# hf SIZE KEY LABEL BYTES COMMAND: hyperfine median, then one run for peak RSS.
hf() {
	local size=$1 key=$2 label=$3 bytes=$4 cmd=$5 r=$runs w=$warmup
	if [ "$size" = n1m ]; then r=$runs_1m w=$warmup_1m; fi
	say "$size: $label"
	# --output=pipe: a program that writes to /dev/null may take shortcuts
	# (GNU grep stops at the first match); a pipe is what a user has.
	if hyperfine --style basic --output=pipe --warmup "$w" --runs "$r" \
		--export-json "$res/$size.$key.json" "$cmd" >&2; then
		row "$size" "$key" "$label" "$r" "$(jq -r '.results[0].median' "$res/$size.$key.json")" "$bytes" \
			"$(peak_rss "$cmd")" "$(jq -r '.results[0] | .user + .system' "$res/$size.$key.json")"
	else
		row "$size" "$key" "$label" 0 - "$bytes" - - "failed"
	fi
}

# pp_run SIZE FILE: panicparse, timed by GNU time (each run takes seconds to
# minutes). Its result does not depend on strand, so it is kept next to the
# corpus and reused, if the machine was quiet then (load average at most the
# number of CPUs), until BENCH_PANICPARSE=fresh.
pp_run() {
	local size=$1 f=$2 bytes times=() cpus=() rss=0 note="" t m u sy i n=$pp_runs
	local cache=$dir/corpus/$size/panicparse.tsv version
	version=$(dpkg-query -W -f '${Version}' panicparse 2>/dev/null || echo unknown)
	bytes=$(stat -c %s "$f")
	local label="panicparse -parse=false -rebase=false"
	if [ "$pp" != fresh ] && [ -f "$cache" ] && [ "$(cut -f1 "$cache")" = "$version" ]; then
		IFS=$'\t' read -r _ n med rss cpu note when load <"$cache"
		[ "$note" = - ] && note=
		# A result measured on a busy machine is not kept.
		if awk -v l="${load:-99}" -v n="$(nproc)" 'BEGIN { exit !(l <= n) }'; then
			say "$size: panicparse: reusing the result of $when ($cache)"
			row "$size" panicparse "$label" "$n" "$med" "$bytes" "$rss" "$cpu" "${note:+$note; }measured $when"
			return
		fi
	fi
	local load0
	load0=$(cut -d' ' -f1 /proc/loadavg)
	[ "$size" = n10k ] || n=$pp_runs_big
	# The fastest mode that still parses, groups and prints every bucket:
	# no source parsing (-parse=false), no GOROOT/GOPATH guessing (-rebase=false).
	local cmd=(panicparse -parse=false -rebase=false "$f")
	say "$size: panicparse x$n (limit ${pp_timeout}s, address space $pp_as bytes)"
	for ((i = 1; i <= n; i++)); do
		if /usr/bin/time -f '%e %M %U %S' -o "$res/pp.time" timeout "$pp_timeout" prlimit --as="$pp_as" \
			"${cmd[@]}" >/dev/null 2>"$res/pp.err"; then
			read -r t m u sy < <(tail -1 "$res/pp.time")
			times+=("$t")
			cpus+=("$(awk -v u="$u" -v s="$sy" 'BEGIN { print u + s }')")
			[ "$m" -gt "$rss" ] && rss=$m
		else
			read -r t m _ < <(tail -1 "$res/pp.time" | grep -E '^[0-9.]+ [0-9]+ ' || echo "- 0")
			note="run $i failed after ${t}s: $(grep -m1 -oE 'fatal error: .*|out of memory|Killed' "$res/pp.err" ||
				head -c 80 "$res/pp.err" | tr '\n' ' ')"
			[ "$m" -gt "$rss" ] && rss=$m
			break
		fi
	done
	local med=-
	if [ ${#times[@]} -gt 0 ]; then
		med=$(printf '%s\n' "${times[@]}" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }')
	fi
	local cpu=-
	if [ ${#cpus[@]} -gt 0 ]; then
		cpu=$(printf '%s\n' "${cpus[@]}" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
	fi
	[ "$rss" = 0 ] && rss=-
	row "$size" panicparse "$label" "${#times[@]}" "$med" "$bytes" "$rss" "$cpu" "$note"
	# The load average: the higher of the start and the end of the runs.
	load0=$(awk -v a="$load0" -v b="$(cut -d' ' -f1 /proc/loadavg)" 'BEGIN { print (a > b) ? a : b }')
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$version" "${#times[@]}" "$med" "$rss" "$cpu" "${note:--}" \
		"$(date -u '+%Y-%m-%d %H:%M UTC')" "$load0" >"$cache"
}

for size in "${sizes[@]}"; do
	c=$dir/corpus/$size
	d2=$c/debug2.txt d1=$c/debug1.txt pb=$c/profile.pb.gz
	b2=$(stat -c %s "$d2") b1=$(stat -c %s "$d1") bp=$(stat -c %s "$pb")
	cat "$d2" >/dev/null # into the page cache
	D2=$(q "$d2")
	hf "$size" cat "cat > /dev/null" "$b2" "cat $D2 > /dev/null"
	hf "$size" wc "wc -l" "$b2" "wc -l $D2"
	hf "$size" analyze "strand analyze FILE" "$b2" "$S analyze $D2 $ok1"
	hf "$size" analyze1 "strand analyze --threads 1 FILE" "$b2" "$S analyze --threads 1 $D2 $ok1"
	hf "$size" stdin "strand analyze - < FILE" "$b2" "$S analyze - < $D2 $ok1"
	hf "$size" debug1 "strand analyze debug1.txt" "$b1" "$S analyze $(q "$d1") $ok1"
	hf "$size" proto "strand analyze profile.pb.gz" "$bp" "$S analyze $(q "$pb") $ok1"
	if [ "$pp" != 0 ]; then
		if [ "$size" != n1m ] || [ "$pp_1m" = 1 ]; then
			pp_run "$size" "$d2"
		fi
	fi
done

if [ "$series" = 1 ]; then
	c=$dir/corpus/s100k
	snaps=()
	for f in "$c"/snap-*.txt; do snaps+=("$f"); done
	total=0 quoted=""
	for f in "${snaps[@]}"; do
		total=$((total + $(stat -c %s "$f")))
		quoted+=" $(q "$f")"
		cat "$f" >/dev/null
	done
	hf s100k diff "strand diff (${#snaps[@]} snapshots)" "$total" "$S diff$quoted $ok1"
	# The baseline: analyzing each snapshot on its own, summed.
	cmds=()
	for f in "${snaps[@]}"; do cmds+=("$S analyze $(q "$f") $ok1"); done
	say "s100k: strand analyze of each snapshot"
	if hyperfine --style basic --output=pipe --warmup "$warmup" --runs "$runs" \
		--export-json "$res/s100k.each.json" "${cmds[@]}" >&2; then
		sum=$(jq '[.results[].median] | add' "$res/s100k.each.json")
		cpu=$(jq '[.results[] | .user + .system] | add' "$res/s100k.each.json")
		row s100k each "strand analyze each snapshot (sum)" "$runs" "$sum" "$total" - "$cpu"
	else
		row s100k each "strand analyze each snapshot (sum)" 0 - "$total" - - failed
	fi
fi

# ---------------------------------------------------------------- report

{
	echo "Strand benchmark, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
	echo "strand: $STRAND ($("$res/strand" --version 2>/dev/null | head -1 || true)), copied to $res/strand"
	echo "corpora: $dir/corpus"
	awk -v n="$(nproc)" '$1 > n { printf "WARNING: the machine is busy (load %s on %d CPUs): the timings are not reliable\n", $1, n }' /proc/loadavg
	echo
	awk -F'\t' 'BEGIN {
		printf "%-6s  %-40s  %4s  %10s  %9s  %9s  %9s  %s\n", "size", "command", "runs", "median s", "MB/s", "RSS MB", "cpu s", "note"
	}
	{
		med = $4 == "-" ? "-" : sprintf("%.4f", $4)
		mbs = ($4 == "-" || $4 <= 0) ? "-" : sprintf("%.0f", $5 / 1e6 / $4)
		rss = $6 == "-" ? "-" : sprintf("%.1f", $6 / 1024)
		cpu = $7 == "-" ? "-" : sprintf("%.4f", $7)
		printf "%-6s  %-40s  %4s  %10s  %9s  %9s  %9s  %s\n", $1, $2, $3, med, mbs, rss, cpu, $8
	}' "$rows"
	echo

	have() { [ -n "${MED[$1]:-}" ] && [ "${MED[$1]}" != - ]; }
	haverss() { [ -n "${RSS[$1]:-}" ] && [ "${RSS[$1]}" != - ]; }
	# verdict VALUE OP TARGET [info]: PASS/MISS, or "info" for sizes the target is not about
	verdict() {
		if [ "${4:-}" = info ]; then echo info; return; fi
		awk -v v="$1" -v op="$2" -v t="$3" 'BEGIN { ok = (op == "<=") ? v <= t : v >= t; print ok ? "PASS" : "MISS" }'
	}
	line() { printf '%-52s %14s   target %-12s %s\n' "$1" "$2" "$3" "$4"; }
	f() { awk -v x="$1" -v fmt="$2" 'BEGIN { printf fmt, x }'; }

	echo "Ratios (targets from the performance issue; they apply to n1m, smaller sizes are for information)"
	for size in "${sizes[@]}"; do
		tag=info
		[ "$size" = n1m ] && tag=
		if have "$size/analyze" && have "$size/wc"; then
			r=$(f "$(awk -v a="${MED[$size/analyze]}" -v b="${MED[$size/wc]}" 'BEGIN { print a / b }')" '%.2f')
			line "$size  analyze / wc -l" "${r}x" "<= 2x" "$(verdict "$r" '<=' 2 $tag)"
		fi
		if have "$size/analyze1"; then
			g=$(f "$(awk -v b="${BYTES[$size/analyze1]}" -v t="${MED[$size/analyze1]}" 'BEGIN { print b / 1e9 / t }')" '%.2f')
			line "$size  analyze --threads 1" "$g GB/s" ">= 1 GB/s" "$(verdict "$g" '>=' 1 $tag)"
		fi
		if haverss "$size/analyze"; then
			m=$(f "${RSS[$size/analyze]}" '%.0f')
			line "$size  peak RSS, analyze FILE" "$((m / 1024)) MB" "<= 200 MB" "$(verdict "$((m / 1024))" '<=' 200 $tag)"
		fi
		if haverss "$size/stdin"; then
			m=$(f "${RSS[$size/stdin]}" '%.0f')
			line "$size  peak RSS, analyze - < FILE" "$((m / 1024)) MB" "<= 200 MB" "$(verdict "$((m / 1024))" '<=' 200 $tag)"
		fi
	done
	for size in "${sizes[@]}"; do
		if have "$size/panicparse" && have "$size/analyze"; then
			r=$(f "$(awk -v a="${MED[$size/panicparse]}" -v b="${MED[$size/analyze]}" 'BEGIN { print a / b }')" '%.0f')
			line "$size  panicparse / analyze" "${r}x" ">= 300x" "$(verdict "$r" '>=' 300)"
		fi
	done
	# Linearity: seconds (and peak KB) per input byte, each size against the
	# next smaller one; growing more than 15% faster than the input is a MISS.
	prev=
	for size in n10k n100k n1m; do
		have "$size/analyze" || continue
		if [ -n "$prev" ]; then
			d=$(awk -v t1="${MED[$prev/analyze]}" -v b1="${BYTES[$prev/analyze]}" \
				-v t2="${MED[$size/analyze]}" -v b2="${BYTES[$size/analyze]}" \
				'BEGIN { printf "%+.0f", ((t2 / b2) / (t1 / b1) - 1) * 100 }')
			line "linearity, time per byte $prev -> $size" "$d%" "<= +15%" "$(verdict "$d" '<=' 15)"
			if haverss "$prev/analyze" && haverss "$size/analyze"; then
				d=$(awk -v m1="${RSS[$prev/analyze]}" -v b1="${BYTES[$prev/analyze]}" \
					-v m2="${RSS[$size/analyze]}" -v b2="${BYTES[$size/analyze]}" \
					'BEGIN { printf "%+.0f", ((m2 / b2) / (m1 / b1) - 1) * 100 }')
				line "linearity, peak RSS per byte $prev -> $size" "$d%" "<= +15%" "$(verdict "$d" '<=' 15)"
			fi
		fi
		prev=$size
	done
	for size in "${sizes[@]}"; do
		for k in debug1 proto; do
			if have "$size/$k"; then
				ms=$(f "$(awk -v t="${MED[$size/$k]}" 'BEGIN { print t * 1000 }')" '%.1f')
				line "$size  analyze $k" "$ms ms" "<= $profile_ms ms" "$(verdict "$ms" '<=' "$profile_ms")"
			fi
		done
	done
	if have s100k/diff && have s100k/each; then
		r=$(f "$(awk -v a="${MED[s100k/diff]}" -v b="${MED[s100k/each]}" 'BEGIN { print a / (2 * b) }')" '%.2f')
		line "s100k diff / (2 x sum of analyze)" "$r" "<= 1" "$(verdict "$r" '<=' 1)"
	fi
	echo
	echo "Raw results: $res"
} | tee "$res/summary.txt"
ln -sfn "$stamp" "$dir/results/latest"
