#!/bin/sh
# Golden tests: each line of tests/golden/cases.txt is "NAME ARGS..."; the
# output of `strand ARGS...` (stdout, "exit: N", then stderr) must equal
# tests/golden/expected/NAME.out. With --regen, rewrite the expected files
# (after a deliberate change; review the diff before committing).
set -u
strand=${1:-build/strand}
regen=${2:-}
dir=$(dirname "$0")
cases=$dir/cases.txt
passed=0
failed=0
tmp=$(mktemp)
err=$(mktemp)
trap 'rm -f "$tmp" "$err"' EXIT
while read -r name args; do
	case $name in '' | '#'*) continue ;; esac
	# shellcheck disable=SC2086
	NO_COLOR=1 COLUMNS=100 "$strand" $args >"$tmp" 2>"$err"
	echo "exit: $?" >>"$tmp"
	if [ -s "$err" ]; then
		echo "--- stderr" >>"$tmp"
		cat "$err" >>"$tmp"
	fi
	want=$dir/expected/$name.out
	if [ "$regen" = --regen ]; then
		cp "$tmp" "$want"
		echo "wrote $want"
	elif [ -f "$want" ] && cmp -s "$tmp" "$want"; then
		passed=$((passed + 1))
	else
		echo "FAIL golden $name: strand $args"
		[ -f "$want" ] && diff -u "$want" "$tmp" | head -n 30
		failed=$((failed + 1))
	fi
done <"$cases"
echo "golden: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
