#!/bin/sh
# Healthy programs get no leak verdict. Runs strand on every capture of the
# healthy service in tests/healthy (see README.md):
#   strand analyze --json   rest/ and load/: dump.txt, profile.txt, profile.pb.gz
#   strand diff --json      series/t000..t004.txt (one second apart)
# each without and with --source (the service's sources, as an engineer
# would give them). A finding with verdict "leak" fails the check; suspects
# are allowed and printed ("note").
#   tests/healthy/check.sh [STRAND]
# Prints one line per check and "healthy: N passed, N failed" last.
set -u
strand=${1:-build/strand}
dir=$(cd "$(dirname "$0")" && pwd)
passed=0
failed=0
out=$(mktemp)
trap 'rm -f "$out"' EXIT

# one line per finding of verdict $v
show='.findings[] | select(.verdict == $v)
  | "\(.class) \(.count) [\(.state)] at \(.site.function) \(.site.file | sub("^.*/"; "")):\(.site.line)"
    + (if .trend then " trend \(.trend.shape) \(.trend.counts | map(tostring) | join(","))" else "" end)'

check() { # NAME STRAND-ARGS...
	name=$1
	shift
	"$strand" "$@" --json >"$out" 2>/dev/null
	rc=$?
	if [ "$rc" -gt 1 ] || ! jq -e '.findings | type == "array"' "$out" >/dev/null 2>&1; then
		echo "FAIL $name: strand exited $rc without a report"
		failed=$((failed + 1))
		return
	fi
	leaks=$(jq '[.findings[] | select(.verdict == "leak")] | length' "$out")
	if [ "$leaks" -eq 0 ]; then
		echo "ok   $name"
		passed=$((passed + 1))
	else
		echo "FAIL $name: $leaks leak finding(s) in a healthy program"
		failed=$((failed + 1))
	fi
	jq -r --arg v leak "$show" "$out" | sed 's/^/       leak /'
	jq -r --arg v suspect "$show" "$out" | sed 's/^/       note suspect /'
}

for src in "" "--source $dir"; do
	tag=${src:+ (--source)}
	for state in rest load; do
		for f in dump.txt profile.txt profile.pb.gz; do
			if [ -f "$dir/$state/$f" ]; then
				# shellcheck disable=SC2086
				check "$state/$f$tag" analyze $src "$dir/$state/$f"
			else
				echo "FAIL $state/$f: missing (tests/healthy/regen.sh)"
				failed=$((failed + 1))
			fi
		done
	done
	# shellcheck disable=SC2046,SC2086
	check "series$tag" diff --interval 1 $src $(ls "$dir"/series/t*.txt | sort)
done
echo "healthy: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
