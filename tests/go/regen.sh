#!/usr/bin/env bash
# regen.sh: rebuild the Go programs under tests/go and recapture every file
# in tests/fixtures/go119 from real runs of the installed Go toolchain.
#
#   tests/go/regen.sh                 everything (about 70 s: minutes waits 61 s)
#   tests/go/regen.sh --no-minutes    skip minutes.debug2.txt (keeps the old one)
#
# Needs Go 1.19 (Debian golang-go) and, for the goleak fixtures, Debian's
# golang-uber-goleak-dev, found in GOPATH mode under /usr/share/gocode; gcc
# for the cgo fixtures. Nothing is downloaded; the programs only talk to
# 127.0.0.1. Sources are copied into a mktemp GOPATH as example.com/<prog>
# and compiled with the rewrite <gopath>/src/example.com=>/src (see
# toolexec below), so their frames read /src/<prog>/<file>.go; standard-
# library frames keep the installed paths (/usr/lib/go-1.19/src/...).
#
# Captures are written to a scratch directory first and copied into
# tests/fixtures/go119 only when every capture succeeded. Outputs are
# never edited: goroutine ids, addresses and timings change from run to run.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
dest="$here/../fixtures/go119"
minutes=1
for arg in "$@"; do
	case "$arg" in
	--no-minutes) minutes=0 ;;
	-h | --help)
		sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'
		exit 0
		;;
	*)
		echo "regen.sh: unknown argument $arg" >&2
		exit 2
		;;
	esac
done

log() { printf '== %s\n' "$*" >&2; }
die() {
	printf 'regen.sh: %s\n' "$*" >&2
	exit 1
}

goversion=$(go env GOVERSION)
case "$goversion" in
go1.19 | go1.19.*) ;;
*) die "the fixtures are go119 but 'go' is $goversion; install Debian's golang-go (1.19)" ;;
esac

work=$(mktemp -d)
bgpid=
cleanup() {
	if [ -n "$bgpid" ]; then kill "$bgpid" 2>/dev/null || true; fi
	rm -rf "$work"
}
trap cleanup EXIT

export GO111MODULE=off
export GOPATH="$work/gopath:/usr/share/gocode"
export GOFLAGS=-count=1
export CGO_ENABLED=1
unset GOTRACEBACK GODEBUG GOMAXPROCS GOROOT
if [ -z "$(go env GOCACHE 2>/dev/null)" ]; then
	export GOCACHE="$work/gocache"
fi
go list go.uber.org/goleak >/dev/null 2>&1 ||
	die "go.uber.org/goleak not found; apt-get install golang-uber-goleak-dev"

src="$work/gopath/src/example.com"
out="$work/out"
bin="$work/bin"
mkdir -p "$src" "$out" "$bin"

# Path rewriting. `-gcflags=-trimpath=...` would replace the -trimpath
# argument the go command itself passes to the compiler ("$WORK/b001=>",
# which makes generated files read _cgo_gotypes.go and _testmain.go), and
# leave /tmp/go-build123/b001/... in the output. So a -toolexec wrapper
# prepends our rewrite to the go command's own instead.
cat >"$work/toolexec" <<'WRAP'
#!/usr/bin/env bash
tool=$1
shift
case ${tool##*/} in
compile | asm) ;;
*) exec "$tool" "$@" ;;
esac
args=()
prev=
for a in "$@"; do
	if [ "$prev" = -trimpath ]; then
		a="$STRAND_TRIM;$a"
	fi
	args+=("$a")
	prev=$a
done
exec "$tool" "${args[@]}"
WRAP
chmod +x "$work/toolexec"
export STRAND_TRIM="$src=>/src"
buildflags=(-toolexec "$work/toolexec")

# stage PROG: copy tests/go/PROG into the GOPATH as example.com/PROG.
stage() {
	mkdir -p "$src/$1"
	cp "$here/$1"/*.go "$src/$1/"
}

# build PROG: build example.com/PROG into $bin/PROG.
build() {
	stage "$1"
	(cd "$src/$1" && go build "${buildflags[@]}" -o "$bin/$1" .)
}

# capture NAME [VAR=value...] PROG [ARGS...]: run $bin/PROG with the given
# environment, stdout and stderr both into NAME; any exit status is fine
# (most of these programs die on purpose), but an empty capture is not.
capture() {
	local name=$1 rc=0
	shift
	local envs=()
	while [[ $1 == *=* ]]; do
		envs+=("$1")
		shift
	done
	local prog=$1
	shift
	timeout 30 env "${envs[@]}" "$bin/$prog" "$@" >"$out/$name" 2>&1 || rc=$?
	[ -s "$out/$name" ] || die "$name: $prog $* printed nothing (exit $rc)"
	log "$name: $prog $* -> exit $rc"
}

# quit NAME [VAR=value...] PROG [ARGS...]: start PROG, wait for its "ready"
# line, send SIGQUIT, keep what it printed on stderr.
quit() {
	local name=$1 pid i=0
	shift
	local envs=()
	while [[ $1 == *=* ]]; do
		envs+=("$1")
		shift
	done
	local prog=$1
	shift
	# GOTRACEBACK=crash ends with abort(): no core file, please.
	(
		ulimit -c 0
		exec env "${envs[@]}" "$bin/$prog" "$@"
	) >"$work/$name.stdout" 2>"$out/$name" &
	pid=$!
	until grep -q '^ready$' "$work/$name.stdout"; do
		i=$((i + 1))
		if [ "$i" -gt 200 ]; then
			kill -KILL "$pid" 2>/dev/null || true
			die "$name: $prog never printed ready"
		fi
		sleep 0.05
	done
	sleep 0.2
	kill -QUIT "$pid"
	wait "$pid" 2>/dev/null || true
	[ -s "$out/$name" ] || die "$name: nothing on stderr after SIGQUIT"
	log "$name: $prog $* <- SIGQUIT"
}

# gotest NAME PKG [go test args...]: `go test` output, exactly as printed.
gotest() {
	local name=$1 pkg=$2 rc=0
	shift 2
	stage "$pkg"
	(cd "$src/$pkg" && timeout 60 go test "${buildflags[@]}" "$@" "example.com/$pkg") >"$out/$name" 2>&1 || rc=$?
	[ -s "$out/$name" ] || die "$name: go test printed nothing (exit $rc)"
	log "$name: go test $* example.com/$pkg -> exit $rc"
}

for prog in zoo panics fatal sigquit ancestors cgo cgotrace minutes logdump; do
	build "$prog"
done
log "built with $goversion"

# minutes needs 61 s of wall time; it runs in the background meanwhile.
if [ "$minutes" = 1 ]; then
	"$bin/minutes" "$out/minutes.debug2.txt" 61 >"$work/minutes.log" 2>&1 &
	bgpid=$!
	log "minutes.debug2.txt: started in the background (61 s)"
fi

# One zoo process writes its four reports, one after the other.
"$bin/zoo" "$out" debug2 debug1 debug0 stack
log "zoo.debug2.txt zoo.debug1.txt zoo.pb.gz zoo.stack.txt: zoo"

capture panic-nested.txt panics nested
capture panic-indefer.txt panics indefer
capture panic-multiline.txt panics multiline
capture panic-segv.txt panics segv
capture panic-goroutine.txt panics goroutine
capture panic-all.txt GOTRACEBACK=all GODEBUG=asyncpreemptoff=1 GOMAXPROCS=2 panics all
capture panic-system.txt GOTRACEBACK=system panics nested

capture deadlock.txt fatal deadlock
capture goexit-deadlock.txt fatal goexit
capture goexit-alone.txt fatal goexit-alone
capture fatal-unlock.txt fatal unlock
capture stack-overflow.txt fatal overflow

quit sigquit.txt sigquit
quit sigquit-system.txt GOTRACEBACK=system sigquit
quit sigquit-crash.txt GOTRACEBACK=crash sigquit

capture ancestors.txt GODEBUG=tracebackancestors=5 ancestors

capture cgo.stack.txt cgo stack
quit cgo-sigquit-system.txt GOTRACEBACK=system cgo wait
capture cgo-traceback.txt cgotrace plain
capture cgo-traceback-sym.txt cgotrace sym

capture log-print.txt logdump print
capture log-printf.txt logdump printf

gotest test-timeout.txt hang -v -timeout 2s
gotest goleak-verifynone.txt leaky -run '^TestLeak$'
gotest gotest-tlog-dump.txt leaky -run '^TestDumpInLog$'
gotest goleak-testmain.txt leakymain

if [ -n "$bgpid" ]; then
	log "waiting for minutes"
	if ! wait "$bgpid"; then
		cat "$work/minutes.log" >&2
		bgpid=
		die "minutes failed"
	fi
	bgpid=
	[ -s "$out/minutes.debug2.txt" ] || die "minutes wrote nothing"
fi

mkdir -p "$dest"
dest=$(cd "$dest" && pwd)
for f in "$out"/*; do
	cp "$f" "$dest/"
	printf 'wrote %s (%s bytes)\n' "${dest#"$(cd "$here/../.." && pwd)/"}/${f##*/}" "$(wc -c <"$f")"
done

# Counts in tests/fixtures/EXPECT.tsv: a few captures vary from run to run
# (which thread takes a SIGQUIT, how many threads a crash dump walks).
if ! "$here/expect.sh" check; then
	echo "regen.sh: the counts above changed; review them, then run tests/go/expect.sh update" >&2
fi
