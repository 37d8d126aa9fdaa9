#!/bin/sh
# Runs every unit-test binary in BUILD/tests and sums cmocka's counts.
# Prints "unit: N passed, N failed" last; exits 1 on any failure.
set -u
build=${1:-build}
passed=0
failed=0
for t in "$build"/tests/test_*; do
	[ -x "$t" ] || continue
	out=$("$t" 2>&1)
	rc=$?
	p=$(printf '%s\n' "$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' | tail -n 1)
	f=$(printf '%s\n' "$out" | sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' | tail -n 1)
	p=${p:-0}
	f=${f:-0}
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1 # crashed or failed outside cmocka's accounting
	fi
	if [ "$f" -ne 0 ]; then
		printf '%s\n' "$out" | grep -E '^\[  (FAILED|ERROR) |error|Error|FAIL|runtime error|Sanitizer' | head -n 40
		echo "FAIL $(basename "$t"): $p passed, $f failed"
	else
		echo "ok   $(basename "$t"): $p passed"
	fi
	passed=$((passed + p))
	failed=$((failed + f))
done
echo "unit: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
