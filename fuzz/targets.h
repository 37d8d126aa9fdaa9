/* targets.h - fuzz entry points shared by the libFuzzer harnesses and the
 * corpus replay that runs in `make test`. */
#ifndef STRAND_FUZZ_TARGETS_H
#define STRAND_FUZZ_TARGETS_H

#include <stddef.h>
#include <stdint.h>

/* Text and any input through the push reader, fed in chunks whose sizes
 * derive from the data, then analysed and rendered (text and JSON). */
int fuzz_text(const uint8_t *data, size_t size);
/* Protobuf and gzip decoding, plain and gzipped. */
int fuzz_proto(const uint8_t *data, size_t size);

#endif
