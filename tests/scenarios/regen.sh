#!/usr/bin/env bash
# regen.sh: rebuild the scenario programs under tests/scenarios and
# recapture what the Go runtime prints for each of them.
#
#   tests/scenarios/regen.sh             every scenario (about 3 minutes)
#   tests/scenarios/regen.sh 05 07b 2    only the folders whose names start
#                                        with one of these prefixes
#
# Needs Go 1.19 (Debian golang-go), Debian's golang-uber-goleak-dev and
# golang-golang-x-sync-dev (found in GOPATH mode under /usr/share/gocode),
# and gcc for -race. Nothing is downloaded; all traffic stays on 127.0.0.1.
#
# Each folder's *.go files, plus harness/harness.go, are copied into a
# mktemp GOPATH as repro.local/<name> and built with
# -gcflags=-trimpath=<copy>=>/src, so the scenario's frames read
# /src/<file>.go; standard-library frames keep the installed paths. The
# program runs with STRAND_OUT pointing at a scratch directory; only when
# the program (and its go test runs) finished are the folder's old
# captures replaced. Sources and expect.json are never touched, and no
# capture is edited: goroutine ids, addresses and timings change from run
# to run, counts and locations do not (see README.md).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
cd "$here"

log() { printf '== %s\n' "$*" >&2; }
die() {
	printf 'regen.sh: %s\n' "$*" >&2
	exit 1
}

goversion=$(go env GOVERSION)
case "$goversion" in
go1.19 | go1.19.*) ;;
*) die "the captures are of Go 1.19 but 'go' is $goversion; install Debian's golang-go" ;;
esac

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

export GO111MODULE=off
export GOPATH="$work/gopath:/usr/share/gocode"
export CGO_ENABLED=1
unset GOFLAGS GOTRACEBACK GODEBUG GOMAXPROCS GOROOT STRAND_PEER STRAND_OUT
if [ -z "$(go env GOCACHE 2>/dev/null)" ]; then
	export GOCACHE="$work/gocache"
fi
for need in go.uber.org/goleak golang.org/x/sync/errgroup; do
	go list "$need" >/dev/null 2>&1 ||
		die "$need not found; apt-get install golang-uber-goleak-dev golang-golang-x-sync-dev"
done
mkdir -p "$work/bin" "$work/out"

# pkgname DIR: the package name DIR is built as (repro.local/<name>). It
# shows only in go test output, where a main package under test prints its
# functions as repro.local/<name>.f instead of main.f.
pkgname() {
	case "$1" in
	05-*) echo pipeline ;;
	08-*) echo batch ;;
	14-*) echo phases ;;
	17-*) echo pingsrv ;;
	19-*) echo exporter ;;
	*) echo "${1#*-}" ;;
	esac
}

# stage DIR: copy DIR's sources and the harness into the GOPATH; prints
# the package directory.
stage() {
	local pkg
	pkg="$work/gopath/src/repro.local/$(pkgname "$1")"
	rm -rf "$pkg"
	mkdir -p "$pkg"
	cp "$1"/*.go harness/harness.go "$pkg/"
	printf '%s\n' "$pkg"
}

# build DIR [go build flags...]: build DIR's program; prints the binary.
build() {
	local dir=$1 pkg bin
	shift
	pkg=$(stage "$dir")
	bin="$work/bin/$(pkgname "$dir")"
	(cd "$pkg" && go build -gcflags "-trimpath=$pkg=>/src" "$@" -o "$bin" .)
	printf '%s\n' "$bin"
}

# run DIR BIN: run BIN with its captures going to DIR's scratch directory;
# its stdout and stderr become run.log (dropped when empty).
run() {
	local dir=$1 bin=$2 out="$work/out/$1" rc=0
	(cd "$out" && STRAND_OUT="$out" timeout 60 "$bin" >"$out/run.log" 2>&1) || rc=$?
	if [ "$rc" -ne 0 ]; then
		cat "$out/run.log" >&2
		die "$dir: program exited with status $rc"
	fi
	[ -s "$out/run.log" ] || rm -f "$out/run.log"
}

# gotest DIR FILE [go test args...]: go test on DIR's package; FILE gets
# the output exactly as printed, whatever the exit status.
gotest() {
	local dir=$1 file=$2 pkg rc=0
	shift 2
	pkg=$(stage "$dir")
	(cd "$pkg" && timeout 120 go test -count=1 -gcflags "-trimpath=$pkg=>/src" "$@" \
		"repro.local/$(pkgname "$dir")") >"$work/out/$dir/$file" 2>&1 || rc=$?
	[ -s "$work/out/$dir/$file" ] || die "$dir: go test $* printed nothing"
	log "$dir: go test $* -> exit $rc ($file)"
}

# stripnotes DIR STRIPPED FULL: what -s -w took out of STRIPPED (FULL is
# the same program linked without it), and how its PCs still resolve.
stripnotes() {
	local dir=$1 bin=$2 full=$3 pc
	sections() { readelf -S --wide "$1" | sed -n 's/^ *\[ *[0-9]*\] \(\.[^ ]*\) .*/\1/p' | sort; }
	{
		echo "# $dir: a -ldflags='-s -w' build ('stripped') next to the same"
		echo "# sources linked without -s -w ('full'), both by $goversion."
		echo
		printf 'bytes: stripped %s, full %s\n' "$(stat -c %s "$bin")" "$(stat -c %s "$full")"
		if command -v file >/dev/null; then
			printf 'file: stripped: %s\n' "$(file -b "$bin")"
			printf 'file: full:     %s\n' "$(file -b "$full")"
		fi
		echo
		echo "sections removed by -s -w:"
		comm -13 <(sections "$bin") <(sections "$full") | sed 's/^/  /'
		echo "sections kept (the runtime's tracebacks and runtime/pprof read .gopclntab):"
		sections "$bin" | sed 's/^/  /'
		echo
		echo "go tool nm stripped:"
		go tool nm "$bin" 2>&1 | sed "s#$bin#stripped#g" | head -4 | sed 's/^/  /' || true
		echo
		echo "PCs of profile.txt looked up in the stripped binary:"
		printf '  %-10s | %-24s | %s\n' PC "addr2line -f (DWARF)" "go tool addr2line (pclntab)"
		for pc in $(awk '$1 == "#" && $2 ~ /^0x/ {print $2}' "$work/out/$dir/profile.txt" | awk '!seen[$0]++' | head -6); do
			printf '  %-10s | %-24s | %s\n' "$pc" \
				"$(addr2line -f -e "$bin" "$pc" 2>&1 | paste -sd' ' -)" \
				"$(echo "$pc" | go tool addr2line "$bin" 2>&1 | paste -sd' ' -)"
		done
	} >"$work/out/$dir/strip-notes.txt"
}

# publish DIR: replace DIR's captures with the fresh ones and list them.
publish() {
	local dir=$1 f
	find "$dir" -maxdepth 1 -type f ! -name '*.go' ! -name expect.json -delete
	rm -rf "$dir/series"
	cp -R "$work/out/$dir/." "$dir/"
	(cd "$dir" && find . -type f ! -name '*.go' ! -name expect.json ! -path './lib/*' | sort) |
		while read -r f; do
			printf '   %s/%s (%s bytes)\n' "$dir" "${f#./}" "$(stat -c %s "$dir/$f")"
		done
}

scenario() {
	local dir=$1 bin full lib
	log "$dir"
	rm -rf "$work/out/$dir"
	mkdir -p "$work/out/$dir"
	case "$dir" in
	05-* | 08-*)
		run "$dir" "$(build "$dir")"
		gotest "$dir" goleak.txt
		;;
	14-*)
		run "$dir" "$(build "$dir")"
		gotest "$dir" goleak.txt -run '^TestTwoPhase$'
		gotest "$dir" goleak-split.txt -v -run '^TestPhase[12]$'
		gotest "$dir" goleak-ignorecurrent.txt -v -run '^TestTwoPhaseIgnoreCurrent$'
		gotest "$dir" goleak-all.txt -v
		;;
	17-*)
		run "$dir" "$(build "$dir")"
		gotest "$dir" goleak.txt -run '^TestPing$'
		gotest "$dir" goleak-sleep.txt -run '^TestPingSleep$'
		gotest "$dir" gotest-fixed.txt -v -run '^TestPingFixed$'
		gotest "$dir" gotest-ignoretop.txt -v -run '^TestPingIgnoreTop$'
		;;
	19-*)
		run "$dir" "$(build "$dir" -race)"
		gotest "$dir" gotest.txt -v
		gotest "$dir" goleak.txt -race
		;;
	20-*)
		lib="$work/gopath/src/github.com/northwind/telemetry"
		mkdir -p "$lib"
		cp "$dir"/lib/*.go "$lib/"
		bin=$(build "$dir" -ldflags='-s -w' -gcflags "github.com/northwind/telemetry=-trimpath=$work/gopath/src=>/go/src")
		mv "$bin" "$work/stripped"
		run "$dir" "$work/stripped"
		full=$(build "$dir" -gcflags "github.com/northwind/telemetry=-trimpath=$work/gopath/src=>/go/src")
		stripnotes "$dir" "$work/stripped" "$full"
		;;
	[0-9][0-9]*-*)
		run "$dir" "$(build "$dir")"
		;;
	*)
		die "no recipe for $dir"
		;;
	esac
	publish "$dir"
}

[ $# -gt 0 ] || set -- ""
dirs=()
for prefix in "$@"; do
	for d in "$prefix"*/; do
		d=${d%/}
		[[ -d $d && $d == [0-9][0-9]*-* ]] && dirs+=("$d")
	done
done
[ ${#dirs[@]} -gt 0 ] || die "no scenario folder matches: $*"
start=$SECONDS
for d in $(printf '%s\n' "${dirs[@]}" | sort -u); do
	scenario "$d"
done
log "done: ${#dirs[@]} scenario(s) in $((SECONDS - start)) s"
