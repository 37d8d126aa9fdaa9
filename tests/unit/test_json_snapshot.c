/* test_json_snapshot.c - strand_snapshot_write_json ("strand.snapshot/v1").
 * Snapshots are built with the internal constructors, so these tests pin
 * the JSON shape independently of the readers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "json_check.h"
#include "jsonw.h"

typedef struct mem {
    char *data;
    size_t len, cap;
    int calls;
    size_t fail_after;
} mem;

static int mem_write(void *ctx, const char *p, size_t n)
{
    mem *m = ctx;
    m->calls++;
    if (m->fail_after && m->len + n > m->fail_after)
        return 1;
    if (m->len + n + 1 > m->cap) {
        m->cap = (m->len + n + 1) * 2;
        m->data = realloc(m->data, m->cap);
        assert_non_null(m->data);
    }
    memcpy(m->data + m->len, p, n);
    m->len += n;
    m->data[m->len] = 0;
    return 0;
}

static strand_str S(strand_snapshot *s, const char *p)
{
    return st_intern(s, p, strlen(p));
}

static uint32_t frame(strand_snapshot *s, const char *fn, const char *file, uint32_t line,
                      uint32_t flags)
{
    return st_frame(s, S(s, fn), S(s, file), line, flags);
}

/* A traceback snapshot: a goroutine with labels, flags, created-by and an
 * ancestor; one with an elided, inlined, C frame; a diagnostic. */
static strand_snapshot *traceback(void)
{
    strand_snapshot *s = st_snapshot_new(NULL, "dump.txt");
    assert_non_null(s);
    s->format = STRAND_FORMAT_TRACEBACK;
    s->reason = S(s, "panic: boom \"x\"");
    uint32_t f1[] = {frame(s, "main.worker", "/src/w.go", 42, 0),
                     frame(s, "main.run", "/src/w.go", 10, STRAND_FRAME_INLINED)};
    strand_goroutine *g = st_add_goroutine(s);
    g->id = 7;
    g->flags = STRAND_G_HAS_ID | STRAND_G_LOCKED | STRAND_G_CURRENT;
    g->status = S(s, "chan send");
    g->kind = STRAND_KIND_CHAN_SEND;
    g->wait_minutes = 3;
    g->line = 5;
    g->stack = st_stack(s, f1, 2);
    g->created_by = frame(s, "main.main", "/src/main.go", 9, 0);
    g->creator_id = 1;
    strand_label l[2] = {{S(s, "role"), S(s, "w")}, {S(s, "a"), S(s, "1")}};
    g->labels = st_labelset(s, l, 2);
    strand_ancestor *a = st_add_ancestor(s);
    a->id = 1;
    a->stack = st_stack(s, f1 + 1, 1);
    g->ancestors = 0;
    g->n_ancestors = 1;

    uint32_t f2[] = {frame(s, "crosscall2", "?", 0, STRAND_FRAME_NON_GO),
                     frame(s, "", "", 12, STRAND_FRAME_ELIDED)};
    g = st_add_goroutine(s);
    g->id = 0;
    g->flags = STRAND_G_HAS_ID | STRAND_G_SYSTEM | STRAND_G_TRUNCATED;
    g->status = S(s, "idle");
    g->kind = STRAND_KIND_RUNTIME;
    g->line = 12;
    g->stack = st_stack(s, f2, 2);
    st_diag(s, 300, 20, STRAND_ERR_FORMAT, "bad frame line");
    s->skipped = 1;
    assert_false(s->oom);
    return s;
}

static const char traceback_json[] =
    "{\n"
    "  \"schema\": \"strand.snapshot/v1\",\n"
    "  \"name\": \"dump.txt\",\n"
    "  \"format\": \"traceback\",\n"
    "  \"total\": 2,\n"
    "  \"profile_type\": null,\n"
    "  \"time_nanos\": null,\n"
    "  \"reason\": \"panic: boom \\\"x\\\"\",\n"
    "  \"running_tests\": [],\n"
    "  \"diagnostics\": [\n"
    "    {\"line\": 20, \"offset\": 300, \"code\": 4, \"message\": \"bad frame line\"}\n"
    "  ],\n"
    "  \"diagnostic_total\": 1,\n"
    "  \"skipped\": 1,\n"
    "  \"goroutines\": [\n"
    "    {\n"
    "      \"id\": 7,\n"
    "      \"line\": 5,\n"
    "      \"status\": \"chan send\",\n"
    "      \"kind\": \"chan send\",\n"
    "      \"wait_minutes\": 3,\n"
    "      \"flags\": [\"locked\", \"current\"],\n"
    "      \"synctest\": null,\n"
    "      \"labels\": {\"a\": \"1\", \"role\": \"w\"},\n"
    "      \"creator_id\": 1,\n"
    "      \"created_by\": {\"function\": \"main.main\", \"file\": \"/src/main.go\", "
    "\"line\": 9},\n"
    "      \"stack\": [\n"
    "        {\"function\": \"main.worker\", \"file\": \"/src/w.go\", \"line\": 42},\n"
    "        {\"function\": \"main.run\", \"file\": \"/src/w.go\", \"line\": 10, "
    "\"inlined\": true}\n"
    "      ],\n"
    "      \"ancestors\": [\n"
    "        {\n"
    "          \"id\": 1,\n"
    "          \"created_by\": null,\n"
    "          \"stack\": [\n"
    "            {\"function\": \"main.run\", \"file\": \"/src/w.go\", \"line\": 10, "
    "\"inlined\": true}\n"
    "          ]\n"
    "        }\n"
    "      ]\n"
    "    },\n"
    "    {\n"
    "      \"id\": 0,\n"
    "      \"line\": 12,\n"
    "      \"status\": \"idle\",\n"
    "      \"kind\": \"runtime\",\n"
    "      \"wait_minutes\": null,\n"
    "      \"flags\": [\"truncated\", \"system\"],\n"
    "      \"synctest\": null,\n"
    "      \"labels\": null,\n"
    "      \"creator_id\": null,\n"
    "      \"created_by\": null,\n"
    "      \"stack\": [\n"
    "        {\"function\": \"crosscall2\", \"file\": \"?\", \"line\": null, \"non_go\": true},\n"
    "        {\"function\": null, \"elided\": true, \"elided_frames\": 12}\n"
    "      ]\n"
    "    }\n"
    "  ],\n"
    "  \"records\": []\n"
    "}\n";

static void test_traceback(void **state)
{
    (void)state;
    strand_snapshot *s = traceback();
    mem m = {0};
    strand_sink sink = {mem_write, &m};
    strand_error err = {0};
    assert_int_equal(strand_snapshot_write_json(s, &sink, &err), STRAND_OK);
    assert_string_equal(m.data, traceback_json);
    assert_true(json_valid(m.data, m.len));
    assert_int_equal(m.calls, 1);
    free(m.data);
    strand_snapshot_free(s);
}

static void test_profile(void **state)
{
    (void)state;
    strand_snapshot *s = st_snapshot_new(NULL, "p.pb.gz");
    assert_non_null(s);
    s->format = STRAND_FORMAT_PPROF_PROTO;
    s->profile_type = S(s, "goroutineleak");
    s->time_nanos = -5;
    uint32_t f[] = {frame(s, "runtime.gopark", "/go/src/runtime/proc.go", 435, 0)};
    strand_record *r = st_add_record(s);
    r->count = 750;
    r->kind = STRAND_KIND_CHAN;
    r->flags = STRAND_G_LEAKED;
    r->stack = st_stack(s, f, 1);
    strand_label l[1] = {{S(s, "k"), S(s, "v\n")}};
    r->labels = st_labelset(s, l, 1);
    r = st_add_record(s);
    r->count = -2;
    r->line = 4;
    r->stack = st_stack(s, NULL, 0);
    st_add_running_test(s, S(s, "TestA"));
    st_add_running_test(s, S(s, "TestB/sub"));

    mem m = {0};
    strand_sink sink = {mem_write, &m};
    assert_int_equal(strand_snapshot_write_json(s, &sink, NULL), STRAND_OK);
    assert_true(json_valid(m.data, m.len));
    assert_non_null(strstr(m.data, "\"total\": 750,\n"));
    assert_non_null(strstr(m.data, "\"format\": \"pprof-proto\",\n"));
    assert_non_null(strstr(m.data, "\"profile_type\": \"goroutineleak\",\n"));
    assert_non_null(strstr(m.data, "\"time_nanos\": -5,\n"));
    assert_non_null(strstr(m.data, "\"running_tests\": [\"TestA\", \"TestB/sub\"],\n"));
    assert_non_null(strstr(m.data, "\"goroutines\": [],\n"));
    assert_non_null(strstr(m.data, "    {\n"
                                   "      \"count\": 750,\n"
                                   "      \"line\": null,\n"
                                   "      \"kind\": \"chan\",\n"
                                   "      \"leaked\": true,\n"
                                   "      \"labels\": {\"k\": \"v\\n\"},\n"
                                   "      \"stack\": [\n"
                                   "        {\"function\": \"runtime.gopark\", "
                                   "\"file\": \"/go/src/runtime/proc.go\", \"line\": 435}\n"
                                   "      ]\n"
                                   "    },\n"));
    assert_non_null(strstr(m.data, "      \"count\": -2,\n"
                                   "      \"line\": 4,\n"
                                   "      \"kind\": \"unknown\",\n"
                                   "      \"leaked\": false,\n"
                                   "      \"labels\": null,\n"
                                   "      \"stack\": []\n"));
    free(m.data);
    strand_snapshot_free(s);
}

#define FRAME_G "        {\"function\": \"main.g\", \"file\": \"/a.go\", \"line\": 2}\n"

/* An allocator that can be told to fail from some point on. */
static int alloc_fail;
static void *t_malloc(void *ctx, size_t n)
{
    (void)ctx;
    return alloc_fail ? NULL : malloc(n);
}
static void *t_realloc(void *ctx, void *p, size_t old, size_t n)
{
    (void)ctx;
    (void)old;
    return alloc_fail ? NULL : realloc(p, n);
}
static void t_free(void *ctx, void *p, size_t n)
{
    (void)ctx;
    (void)n;
    free(p);
}
static const strand_alloc t_alloc = {t_malloc, t_realloc, t_free, NULL};

/* Many goroutines: bounded writes, and a failing sink stops the render. */
static strand_snapshot *many_with(size_t n, const strand_alloc *a)
{
    strand_snapshot *s = st_snapshot_new(a, "big");
    assert_non_null(s);
    s->format = STRAND_FORMAT_TRACEBACK;
    uint32_t f[] = {frame(s, "main.f", "/a.go", 1, 0), frame(s, "main.g", "/a.go", 2, 0)};
    uint32_t st = st_stack(s, f, 2);
    for (size_t i = 0; i < n; i++) {
        strand_goroutine *g = st_add_goroutine(s);
        assert_non_null(g);
        g->id = i + 1;
        g->flags = STRAND_G_HAS_ID;
        g->stack = st;
    }
    return s;
}

static strand_snapshot *many(size_t n)
{
    return many_with(n, NULL);
}

/* Without memory for the frame cache the output is the same. */
static void test_no_cache_memory(void **state)
{
    (void)state;
    strand_snapshot *s = many_with(3000, &t_alloc);
    mem a = {0}, b = {0};
    strand_sink sa = {mem_write, &a}, sb = {mem_write, &b};
    assert_int_equal(strand_snapshot_write_json(s, &sa, NULL), STRAND_OK);
    alloc_fail = 1;
    assert_int_equal(strand_snapshot_write_json(s, &sb, NULL), STRAND_OK);
    alloc_fail = 0;
    assert_int_equal(a.len, b.len);
    assert_memory_equal(a.data, b.data, a.len);
    free(a.data);
    free(b.data);
    strand_snapshot_free(s);
}

static void test_many_streams(void **state)
{
    (void)state;
    strand_snapshot *s = many(20000);
    mem m = {0};
    strand_sink sink = {mem_write, &m};
    assert_int_equal(strand_snapshot_write_json(s, &sink, NULL), STRAND_OK);
    assert_true(m.len > 20000 * 300);
    assert_true(json_valid(m.data, m.len));
    assert_true(m.calls >= (int)(m.len / ST_OUT_BUF)); /* written in 64 KiB pieces */
    assert_true(m.calls <= (int)(m.len / ST_OUT_BUF) + 1);
    assert_non_null(strstr(m.data, "\"id\": 20000,"));
    /* frames come from the cache after the first: every copy intact */
    size_t hits = 0;
    for (const char *p = m.data; (p = strstr(p, FRAME_G)) != NULL; p += strlen(FRAME_G))
        hits++;
    assert_int_equal(hits, 20000);
    free(m.data);
    strand_snapshot_free(s);
}

static void test_write_error(void **state)
{
    (void)state;
    strand_snapshot *s = many(20000);
    mem m = {0};
    m.fail_after = 200000;
    strand_sink sink = {mem_write, &m};
    strand_error err = {0};
    assert_int_equal(strand_snapshot_write_json(s, &sink, &err), STRAND_ERR_WRITE);
    assert_int_equal(err.code, STRAND_ERR_WRITE);
    assert_int_equal(m.calls, 4); /* 3 good buffers, then the failure; then nothing */
    free(m.data);
    strand_snapshot_free(s);
}

static void test_args(void **state)
{
    (void)state;
    strand_snapshot *s = many(1);
    mem m = {0};
    strand_sink sink = {mem_write, &m};
    strand_error err = {0};
    assert_int_equal(strand_snapshot_write_json(NULL, &sink, &err), STRAND_ERR_ARG);
    assert_int_equal(err.code, STRAND_ERR_ARG);
    assert_int_equal(strand_snapshot_write_json(s, NULL, NULL), STRAND_ERR_ARG);
    assert_int_equal(m.calls, 0);
    strand_snapshot_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_traceback),   cmocka_unit_test(test_profile),
        cmocka_unit_test(test_many_streams), cmocka_unit_test(test_write_error),
        cmocka_unit_test(test_args),        cmocka_unit_test(test_no_cache_memory),
    };
    return cmocka_run_group_tests_name("json_snapshot", tests, NULL, NULL);
}
