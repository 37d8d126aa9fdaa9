#!/usr/bin/env bash
# regen.sh: rebuild the healthy service (tests/healthy/*.go) and recapture
# its goroutine profiles: rest/ and load/ (dump.txt debug=2, profile.txt
# debug=1, profile.pb.gz debug=0), series/t000..t004.txt (debug=1, one
# second apart under steady load) and stats.txt. About 30 seconds.
#
# Needs Go 1.19 (Debian golang-go) and golang-golang-x-sync-dev (errgroup,
# found in GOPATH mode under /usr/share/gocode). Nothing is downloaded; all
# traffic stays on 127.0.0.1. The sources plus the scenarios' harness.go are
# copied into a mktemp GOPATH as healthy.local/service and built with
# -gcflags=-trimpath=<copy>=>/src, so the service's frames read
# /src/<file>.go. The old captures are replaced only after a clean run.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
cd "$here"

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
unset GOFLAGS GOTRACEBACK GODEBUG GOMAXPROCS GOROOT STRAND_PEER STRAND_OUT
if [ -z "$(go env GOCACHE 2>/dev/null)" ]; then
	export GOCACHE="$work/gocache"
fi
go list golang.org/x/sync/errgroup >/dev/null 2>&1 ||
	die "golang.org/x/sync/errgroup not found; apt-get install golang-golang-x-sync-dev"

pkg="$work/gopath/src/healthy.local/service"
mkdir -p "$pkg" "$work/out"
cp ./*.go ../scenarios/harness/harness.go "$pkg/"
(cd "$pkg" && go vet . && go build -gcflags "-trimpath=$pkg=>/src" -o "$work/service" .)

(cd "$work/out" && STRAND_OUT="$work/out" timeout 60 "$work/service") ||
	die "the service failed (exit $?)"

for f in rest/dump.txt rest/profile.txt rest/profile.pb.gz load/dump.txt load/profile.txt \
	load/profile.pb.gz series/t000.txt series/t004.txt stats.txt; do
	[ -s "$work/out/$f" ] || die "no $f was written"
done
rm -rf rest load series stats.txt
cp -R "$work/out/rest" "$work/out/load" "$work/out/series" "$work/out/stats.txt" .
find rest load series stats.txt -type f | sort | while read -r f; do
	printf '   %s (%s bytes)\n' "$f" "$(wc -c <"$f")"
done
cat stats.txt
