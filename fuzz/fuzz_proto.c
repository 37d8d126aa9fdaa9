/* libFuzzer harness: the protobuf / gzip reader (and everything after it). */
#include "targets.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_proto(data, size);
}
