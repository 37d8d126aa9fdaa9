#!/bin/sh
# Builds the libFuzzer harnesses with clang (ASan + UBSan) into build/fuzz/.
# Run one:   build/fuzz/fuzz_text -max_total_time=600 fuzz/corpus/text
#            build/fuzz/fuzz_proto -max_total_time=600 fuzz/corpus/proto
# FUZZ_SECONDS=N runs each for N seconds after building (new inputs that
# raise coverage are added to the corpus directories).
set -eu
cd "$(dirname "$0")/.."
out=build/fuzz
mkdir -p "$out"
flags="-std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -g -O1 -Iinclude -Ilib -pthread
 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all"
for h in text proto; do
	# shellcheck disable=SC2086
	clang $flags -o "$out/fuzz_$h" fuzz/fuzz_$h.c fuzz/targets.c lib/*.c -lz -lm
done
echo "built $out/fuzz_text $out/fuzz_proto"
if [ -n "${FUZZ_SECONDS:-}" ]; then
	for h in text proto; do
		"$out/fuzz_$h" -max_total_time="$FUZZ_SECONDS" -max_len=65536 -timeout=10 \
			-rss_limit_mb=2048 "fuzz/corpus/$h"
	done
fi
