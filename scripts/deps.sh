#!/bin/sh
# Installs the Debian 12 packages Strand needs to build and test, when they
# are missing. As root it runs apt-get; otherwise it lists what to install.
set -eu
# build: gcc make zlib; tests: cmocka, Go (fixtures), goleak/x-sync (Go test
# fixtures), clang + compiler-rt (fuzzing, sanitizers); watch: libcurl, sqlite
# (and the sqlite3 and curl commands its tests use).
PKGS="gcc make pkg-config zlib1g-dev libcmocka-dev clang libclang-rt-14-dev
golang-go golang-uber-goleak-dev golang-golang-x-sync-dev libcurl4-openssl-dev
libsqlite3-dev jq sqlite3 curl"
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ]; then
	echo "deps: installing$missing" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >/dev/null
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $missing >/dev/null
else
	echo "deps: missing Debian packages:$missing" >&2
	echo "deps: run as root: apt-get install$missing" >&2
	exit 1
fi
