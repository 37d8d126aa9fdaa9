#!/usr/bin/env bash
# expect.sh: count what each fixture holds, independently of the C parser,
# and compare with tests/fixtures/EXPECT.tsv.
#
#   tests/go/expect.sh                check every row; exit 1 on a mismatch
#   tests/go/expect.sh update         rewrite the goroutines/states columns
#                                     from the files (notes are kept)
#   tests/go/expect.sh count FORMAT FILE
#                                     print "GOROUTINES<TAB>STATES" for one file
#
# Counting rules (awk, deliberately simple; the README explains them):
#   traceback    goroutine header lines, after stripping leading spaces (test
#                logs indent by 4/8) and a leading log timestamp
#                "YYYY/MM/DD HH:MM:SS ". Lines from a "panic: "/"fatal error: "
#                line up to the next empty line are message text, never
#                headers (a pre-1.23 panic value can imitate a header).
#                Every header counts, goroutine 0 included (a GOTRACEBACK=crash
#                dump has one per thread).
#   goleak       "Goroutine N in state S, with F on top of the stack:" lines.
#   gleak        "goroutine N [S]" lines (no colon).
#   pprof-text   N from "NAME profile: total N" (the sum of the record counts
#                is checked against it).
#   pprof-proto  the sum of the sample values (needs `go tool pprof`).
#   STATES is the number of distinct states, a state being the text in the
#   brackets (or after "in state") up to the first ", ", with a trailing
#   " labels:{...}" removed. Profiles have no states: "-".
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
fixtures=$(cd "$here/../fixtures" && pwd)
expect="$fixtures/EXPECT.tsv"

count_text() { # FORMAT FILE
	awk -v fmt="$1" '
	function state_of(s) {
		sub(/ labels:\{.*$/, "", s)
		sub(/, .*$/, "", s)
		return s
	}
	{
		line = $0
		sub(/\r$/, "", line)
		sub(/^ +/, "", line)
		if (line ~ /^[0-9][0-9][0-9][0-9]\/[0-9][0-9]\/[0-9][0-9] [0-9][0-9]:[0-9][0-9]:[0-9][0-9] /)
			line = substr(line, 21)
	}
	fmt == "traceback" {
		if (line == "") { inmsg = 0; next }
		if (line ~ /^(panic|fatal error): /) { inmsg = 1; next }
		if (inmsg) next
		if (line ~ /^goroutine [0-9]+ (gp=0x[0-9a-f]+ (m=[0-9]+ mp=0x[0-9a-f]+|m=nil) )?\[.*\]:$/) {
			s = line
			sub(/^[^[]*\[/, "", s)
			sub(/\]:$/, "", s)
			n++
			seen[state_of(s)] = 1
		}
		next
	}
	fmt == "goleak" {
		if (match(line, /Goroutine [0-9]+ in state .*, with [^ ]+ on top of the stack:$/)) {
			s = substr(line, RSTART, RLENGTH)
			sub(/^Goroutine [0-9]+ in state /, "", s)
			sub(/, with [^ ]+ on top of the stack:$/, "", s)
			n++
			seen[state_of(s)] = 1
		}
		next
	}
	fmt == "gleak" {
		if (line ~ /^goroutine [0-9]+ \[.*\]$/) {
			s = line
			sub(/^[^[]*\[/, "", s)
			sub(/\]$/, "", s)
			n++
			seen[state_of(s)] = 1
		}
		next
	}
	fmt == "pprof-text" {
		if (line ~ /^[a-z]+ profile: total [0-9]+$/) { split(line, f, " "); total = f[4] + 0 }
		else if (line ~ /^[0-9]+ @ /) { split(line, f, " "); sum += f[1] }
		next
	}
	END {
		if (fmt == "pprof-text") {
			if (sum != total) { printf "expect.sh: records sum to %d, header says %d\n", sum, total > "/dev/stderr"; exit 1 }
			printf "%d\t-\n", total
			exit 0
		}
		k = 0
		for (s in seen) k++
		printf "%d\t%d\n", n, k
	}' "$2"
}

count_proto() { # FILE
	go tool pprof -raw "$1" 2>/dev/null | awk '
		/^Samples:/ { on = 1; next }
		/^Locations/ { on = 0 }
		on && /^ *[0-9]+: / { sub(/^ */, ""); split($0, f, ":"); sum += f[1] }
		END { printf "%d\t-\n", sum }'
}

count() { # FORMAT FILE
	case "$1" in
	traceback | goleak | gleak | pprof-text) count_text "$1" "$2" ;;
	pprof-proto) count_proto "$2" ;;
	*)
		echo "expect.sh: unknown format $1" >&2
		return 1
		;;
	esac
}

mode=${1:-check}
case "$mode" in
count)
	count "$2" "$3"
	exit 0
	;;
check | update) ;;
*)
	echo "usage: expect.sh [check|update|count FORMAT FILE]" >&2
	exit 2
	;;
esac

bad=0
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
while IFS= read -r row || [ -n "$row" ]; do
	case "$row" in
	'#'* | '')
		printf '%s\n' "$row" >>"$tmp"
		continue
		;;
	esac
	IFS=$'\t' read -r path format want_n want_s note <<<"$row"
	if [ ! -f "$fixtures/$path" ]; then
		echo "missing: $path" >&2
		bad=1
		printf '%s\n' "$row" >>"$tmp"
		continue
	fi
	IFS=$'\t' read -r got_n got_s <<<"$(count "$format" "$fixtures/$path")"
	if [ "$got_n" != "$want_n" ] || [ "$got_s" != "$want_s" ]; then
		printf '%-40s %-11s expected %s/%s, file has %s/%s\n' "$path" "$format" \
			"$want_n" "$want_s" "$got_n" "$got_s" >&2
		bad=1
	fi
	printf '%s\t%s\t%s\t%s\t%s\n' "$path" "$format" "$got_n" "$got_s" "$note" >>"$tmp"
done <"$expect"

if [ "$mode" = update ]; then
	cp "$tmp" "$expect"
	echo "expect.sh: counts in ${expect#"$(cd "$here/../.." && pwd)/"} rewritten from the files" >&2
	exit 0
fi
if [ "$bad" = 0 ]; then
	echo "expect.sh: every fixture matches EXPECT.tsv" >&2
fi
exit "$bad"
