#!/bin/sh
# Scenario acceptance: runs strand on every capture of every scenario in
# tests/scenarios and compares the diagnosis with the scenario's expect.json
# (class, site function/file/line, count; no leak verdict where leak=false).
#   tests/scenarios/check.sh [STRAND] [PREFIX...]
# Prints one line per check and "scenarios: N passed, N failed" last.
set -u
strand=${1:-build/strand}
[ $# -gt 0 ] && shift
dir=${SCENARIOS_DIR:-$(cd "$(dirname "$0")" && pwd)}
passed=0
failed=0
out=$(mktemp)
trap 'rm -f "$out"' EXIT

# The jq program that judges one report ($e: expect.json, $form: which
# capture). Function names match up to the package path, since go test
# builds the program under its import path (example.com/pipe.consume for
# main.consume).
judge='
def fname: sub("^.*/"; "") | sub("^[^.]*\\."; "");
def base: sub("^.*[/\\\\]"; "");
def lo: ($e.location.line_range // [$e.location.line, $e.location.line])[0];
def hi: ($e.location.line_range // [$e.location.line, $e.location.line])[1];
def at_site: (.site.function | fname) == ($e.location.function | fname)
  and (.site.file | base) == $e.location.file and .site.line >= lo and .site.line <= hi;
def leaks: [.findings[] | select(.verdict == "leak" or ($weak and .verdict == "suspect"))];
if ($e.leak | not) then
  (leaks | length) == 0
elif ($e.cases // []) != [] then
  # one site, several causes: the leaking cases are told apart (each leak
  # class is named by a leak finding or in its evidence), the harmless case
  # is not counted, and the goroutines at the site add up to the count
  ([leaks[] | .class, (.evidence[]? // empty)] | join("\n")) as $said
  | all($e.cases[] | select(.leak); .class as $c | $said | contains($c))
  and (($count_checked | not)
       or ([leaks[] | select(at_site and .class == $e.class) | .count] | add) == $e.count
       or ([leaks[] | select(at_site) | .count] | add) == $e.count)
else
  any(leaks[]; at_site and .class == $e.class
      and (($count_checked | not) or .count == $e.count))
end'

check() { # NAME EXPECT COUNT_CHECKED STRAND-ARGS...
	name=$1 expect=$2 counted=$3
	shift 3
	# expect.json may say why a form cannot show the expected diagnosis
	form=${name#*/}
	why=$(jq -r --arg f "$form" '.not_checked[$f] // empty' "$expect")
	if [ -n "$why" ]; then
		echo "skip $name: $why"
		return
	fi
	# or why a form can only reach "suspect" (class and site still checked)
	why=$(jq -r --arg f "$form" '.suspect_ok[$f] // empty' "$expect")
	weak=false
	if [ -n "$why" ]; then
		counted=false
		weak=true
		echo "note $name: suspect accepted, count not checked: $why"
	fi
	# the program's source sits beside its captures: the analysis may read
	# the line where a group waits, as an engineer would (--source)
	"$strand" "$@" --source "$(dirname "$expect")" --json >"$out" 2>/dev/null
	rc=$?
	if [ "$rc" -le 1 ] && jq -e --slurpfile x "$expect" --argjson count_checked "$counted" --argjson weak "$weak" \
		"\$x[0] as \$e | $judge" "$out" >/dev/null 2>&1; then
		echo "ok   $name"
		passed=$((passed + 1))
	else
		echo "FAIL $name (exit $rc): want $(jq -c '{leak, class, location, count}' "$expect")"
		jq -c '.findings[]? | select(.verdict != "ok") | {verdict, class, count, site}' "$out" 2>/dev/null | head -n 5 | sed 's/^/       got /'
		failed=$((failed + 1))
	fi
}

for s in "$dir"/*/; do
	s=${s%/}
	e=$s/expect.json
	[ -f "$e" ] || continue
	tag=$(basename "$s")
	if [ $# -gt 0 ]; then
		keep=0
		for p in "$@"; do case $tag in "$p"*) keep=1 ;; esac; done
		[ $keep = 1 ] || continue
	fi
	count=$(jq '.count' "$e")
	leak=$(jq '.leak' "$e")
	# A count of 0 with leak=true (timers, not goroutines) cannot be seen in a
	# goroutine capture: those forms are only checked for "no crash".
	counted=true
	snapshot_forms=true
	[ "$leak" = true ] && [ "$count" = 0 ] && snapshot_forms=false
	for f in dump.txt profile.txt profile.pb.gz; do
		[ -f "$s/$f" ] || continue
		if $snapshot_forms; then
			check "$tag/$f" "$e" "$counted" analyze "$s/$f"
		else
			"$strand" analyze --json "$s/$f" >/dev/null 2>&1
			[ $? -le 1 ] && passed=$((passed + 1)) || { echo "FAIL $tag/$f: error"; failed=$((failed + 1)); }
		fi
	done
	for f in "$s"/goleak*.txt; do
		[ -f "$f" ] || continue
		$snapshot_forms && check "$tag/$(basename "$f")" "$e" false analyze "$f"
	done
	for f in "$s"/heap.pb.gz "$s"/heap.txt; do
		[ -f "$f" ] && ! $snapshot_forms && check "$tag/$(basename "$f")" "$e" false analyze "$f"
	done
	if [ -d "$s/series" ]; then
		# shellcheck disable=SC2046
		check "$tag/series" "$e" false diff $(ls "$s"/series/* | sort)
	fi
done
echo "scenarios: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
