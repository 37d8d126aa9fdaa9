/* targets.c - what the fuzzers exercise: read, analyse, render. */
#include "targets.h"

#include "internal.h"

#include <stdlib.h>

static int null_write(void *ctx, const char *data, size_t len)
{
    (void)ctx;
    (void)data;
    (void)len;
    return 0;
}

static void analyse_and_render(const strand_snapshot *s)
{
    strand_report *r = strand_analyze(&s, 1, NULL, NULL);
    if (!r)
        return;
    strand_sink sink = {null_write, NULL};
    strand_render_options ro = {0};
    ro.all = 1;
    strand_report_write_json(r, &ro, &sink, NULL);
    strand_report_write_text(r, &ro, &sink, NULL);
    strand_report_free(r);
    strand_snapshot_write_json(s, &sink, NULL);
}

int fuzz_text(const uint8_t *data, size_t size)
{
    strand_reader *rd = strand_reader_new(NULL, NULL);
    if (!rd)
        return 0;
    /* chunk sizes from a tiny LCG seeded by the size: splits land anywhere */
    uint32_t seed = (uint32_t)size * 2654435761u;
    size_t pos = 0;
    while (pos < size) {
        seed = seed * 1103515245u + 12345u;
        size_t n = 1 + (seed >> 16) % 97;
        if (n > size - pos)
            n = size - pos;
        if (strand_reader_feed(rd, data + pos, n, NULL) != STRAND_OK) {
            strand_reader_free(rd);
            return 0;
        }
        pos += n;
    }
    strand_snapshot *s = strand_reader_finish(rd, NULL);
    if (s) {
        analyse_and_render(s);
        strand_snapshot_free(s);
    }
    return 0;
}

int fuzz_proto(const uint8_t *data, size_t size)
{
    strand_snapshot *s = st_snapshot_new(NULL, "fuzz");
    if (!s)
        return 0;
    if (st_proto_parse(s, data, size, NULL) == STRAND_OK && !s->oom)
        analyse_and_render(s);
    strand_snapshot_free(s);
    return 0;
}
