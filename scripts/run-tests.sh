#!/bin/sh
# make test: every test of the project, from a fresh clone.
#  1. warnings-as-errors builds with gcc and clang
#  2. unit tests (cmocka), golden fixtures, scenario acceptance, the healthy service
#     (no leak verdict), fuzz-corpus replay
#  3. the same under AddressSanitizer + UndefinedBehaviorSanitizer
# The last line is the overall "N passed, N failed".
set -u
cd "$(dirname "$0")/.."
passed=0
failed=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

# tally LABEL CMD...: runs CMD, adds its "N passed, N failed" line to the totals
tally() {
	label=$1
	shift
	"$@" >"$log" 2>&1
	rc=$?
	cat "$log"
	line=$(grep -E '[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
	p=$(printf '%s\n' "$line" | awk '{for (i = 2; i <= NF; i++) if ($i ~ /^passed,?$/) print $(i - 1)}')
	f=$(printf '%s\n' "$line" | awk '{for (i = 2; i <= NF; i++) if ($i ~ /^failed/) print $(i - 1)}')
	p=${p:-0}
	f=${f:-0}
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "$label: command failed (exit $rc)"
		f=1
	fi
	passed=$((passed + p))
	failed=$((failed + f))
}

# step LABEL CMD...: a build step that counts as one test
step() {
	label=$1
	shift
	if "$@" >"$log" 2>&1; then
		echo "ok   $label"
		passed=$((passed + 1))
	else
		cat "$log"
		echo "FAIL $label"
		failed=$((failed + 1))
	fi
}

jobs=$(nproc 2>/dev/null || echo 2)
step "build (gcc -Werror)" make -s -j"$jobs" EXTRA_CFLAGS=-Werror all
step "build (clang -Werror)" make -s -j"$jobs" CC=clang BUILD=build/clang EXTRA_CFLAGS=-Werror all
tally unit make -s -j"$jobs" EXTRA_CFLAGS=-Werror unit
tally golden make -s golden
tally scenarios sh tests/scenarios/check.sh build/strand
tally healthy sh tests/healthy/check.sh build/strand
tally watch sh tests/watch/run.sh build/strand
tally replay make -s replay
echo "== sanitizers (ASan + UBSan)"
san="BUILD=build/asan OPT=-O1"
sanflags="EXTRA_CFLAGS=-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
# shellcheck disable=SC2086
tally asan-unit make -s -j"$jobs" $san "$sanflags" unit
# shellcheck disable=SC2086
tally asan-golden make -s -j"$jobs" $san "$sanflags" golden
tally asan-watch sh tests/watch/run.sh build/asan/strand
# shellcheck disable=SC2086
tally asan-replay make -s -j"$jobs" $san "$sanflags" replay
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
