/* test_read_proto.c - pprof profile.proto (lib/read_proto.c). Messages are
 * built here with a small protobuf writer, in the layouts the runtime and
 * google/pprof write, and broken in the ways real files break. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zlib.h>

#include "internal.h"

#define FIXTURES "tests/fixtures/go119"

/* ---- a protobuf writer ---------------------------------------------------------- */

typedef struct {
    uint8_t *p;
    size_t len, cap;
} pbw;

static void w_bytes(pbw *w, const void *d, size_t n)
{
    if (w->len + n > w->cap) {
        w->cap = (w->len + n) * 2 + 64;
        w->p = realloc(w->p, w->cap);
        assert_non_null(w->p);
    }
    if (n)
        memcpy(w->p + w->len, d, n);
    w->len += n;
}

static void w_varint(pbw *w, uint64_t v)
{
    uint8_t b[10];
    size_t n = 0;
    do {
        b[n++] = (uint8_t)((v & 0x7f) | (v > 0x7f ? 0x80 : 0));
        v >>= 7;
    } while (v);
    w_bytes(w, b, n);
}

static void w_tag(pbw *w, uint32_t field, uint32_t wt)
{
    w_varint(w, (uint64_t)field << 3 | wt);
}

static void w_int(pbw *w, uint32_t field, uint64_t v)
{
    w_tag(w, field, 0);
    w_varint(w, v);
}

static void w_len(pbw *w, uint32_t field, const void *d, size_t n)
{
    w_tag(w, field, 2);
    w_varint(w, n);
    w_bytes(w, d, n);
}

static void w_str(pbw *w, uint32_t field, const char *s)
{
    w_len(w, field, s, strlen(s));
}

/* Appends `m` as field `field` and empties it. */
static void w_msg(pbw *w, uint32_t field, pbw *m)
{
    w_len(w, field, m->p, m->len);
    m->len = 0;
}

static void w_ints(pbw *w, uint32_t field, const uint64_t *v, size_t n, bool packed)
{
    if (!packed) {
        for (size_t i = 0; i < n; i++)
            w_int(w, field, v[i]);
        return;
    }
    pbw t = {0};
    for (size_t i = 0; i < n; i++)
        w_varint(&t, v[i]);
    w_len(w, field, t.p, t.len);
    free(t.p);
}

static void w_fixed(pbw *w, uint32_t field, unsigned size)
{
    static const uint8_t junk[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    w_tag(w, field, size == 8 ? 1 : 5);
    w_bytes(w, junk, size);
}

static void w_free(pbw *w)
{
    free(w->p);
    memset(w, 0, sizeof *w);
}

/* ---- a goroutine profile ----------------------------------------------------------- */

enum { L_RUNTIME, L_GOOGLE, L_STRINGS_FIRST };

typedef struct {
    int layout;
    bool packed;
    bool unknown;     /* unknown fields of every wire type, at every level */
    const char *type; /* sample type, "goroutine" by default */
} popts;

static const char *const strings[] = {
    "",
    "goroutine",
    "count",
    "runtime.gopark",
    "/go/src/runtime/proc.go",
    "runtime.chansend",
    "/go/src/runtime/chan.go",
    "runtime.chansend1",
    "main.send",
    "/src/main.go",
    "main.inlined",
    "job",
    "x",
    "n",
    "runtime.selectgo",
    "/go/src/runtime/select.go",
    "main.sel",
    "bin",
};
enum { N_STRINGS = sizeof strings / sizeof *strings };

static void put_strings(pbw *w, const char *type)
{
    for (size_t i = 0; i < N_STRINGS; i++)
        w_str(w, 6, i == 1 && type ? type : strings[i]);
}

static void put_value_type(pbw *w, uint32_t field)
{
    pbw m = {0};
    w_int(&m, 1, 1);
    w_int(&m, 2, 2);
    w_msg(w, field, &m);
    w_free(&m);
}

static void put_function(pbw *w, uint64_t id, uint64_t name, uint64_t file, bool unknown)
{
    pbw m = {0};
    w_int(&m, 1, id);
    w_int(&m, 2, name);
    w_int(&m, 3, name);
    w_int(&m, 4, file);
    if (unknown)
        w_str(&m, 7, "extra");
    w_msg(w, 5, &m);
    w_free(&m);
}

/* A location with one Line per (function, line) pair, innermost first. */
static void put_location(pbw *w, uint64_t id, uint64_t addr, const uint64_t *fl, size_t nlines,
                         bool unknown)
{
    pbw m = {0}, l = {0};
    w_int(&m, 1, id);
    w_int(&m, 2, 1);
    w_int(&m, 3, addr);
    for (size_t i = 0; i < nlines; i++) {
        w_int(&l, 1, fl[2 * i]);
        w_int(&l, 2, fl[2 * i + 1]);
        if (unknown)
            w_fixed(&l, 9, 4);
        w_msg(&m, 4, &l);
    }
    if (unknown)
        w_fixed(&m, 9, 8);
    w_msg(w, 4, &m);
    w_free(&m);
    w_free(&l);
}

static void put_label(pbw *m, uint64_t key, uint64_t str, bool has_num, int64_t num)
{
    pbw l = {0};
    w_int(&l, 1, key);
    if (str)
        w_int(&l, 2, str);
    if (has_num)
        w_int(&l, 3, (uint64_t)num);
    w_msg(m, 3, &l);
    w_free(&l);
}

static void put_sample(pbw *w, const uint64_t *locs, size_t nlocs, int64_t value, int labels,
                       const popts *o)
{
    pbw m = {0};
    uint64_t v = (uint64_t)value;
    if (o->unknown)
        w_fixed(&m, 9, 4);
    w_ints(&m, 1, locs, nlocs, o->packed);
    w_ints(&m, 2, &v, 1, o->packed);
    if (labels) {
        put_label(&m, 11, 12, false, 0);
        put_label(&m, 13, 0, true, -5);
    }
    w_msg(w, 2, &m);
    w_free(&m);
}

static void put_functions(pbw *w, bool unknown)
{
    put_function(w, 1, 3, 4, unknown);
    put_function(w, 2, 5, 6, unknown);
    put_function(w, 3, 7, 6, unknown);
    put_function(w, 4, 8, 9, unknown);
    put_function(w, 5, 10, 9, unknown);
    put_function(w, 6, 14, 15, unknown);
    put_function(w, 7, 16, 9, unknown);
}

static void put_locations(pbw *w, bool unknown, bool with_first)
{
    static const uint64_t l10[] = {1, 363}, l11[] = {2, 259}, l12[] = {3, 145},
                          l13[] = {5, 30, 4, 18}, l14[] = {6, 334}, l15[] = {7, 51};
    if (with_first)
        put_location(w, 10, 0x43ae35, l10, 1, unknown);
    put_location(w, 11, 0x40708b, l11, 1, unknown);
    put_location(w, 12, 0x406c3c, l12, 1, unknown);
    put_location(w, 13, 0x6629c7, l13, 2, unknown);
    put_location(w, 14, 0x44a3fb, l14, 1, unknown);
    put_location(w, 15, 0x663045, l15, 1, unknown);
}

static const uint64_t send_locs[] = {10, 11, 12, 13}, sel_locs[] = {10, 14, 15};

static void put_samples(pbw *w, const popts *o)
{
    put_sample(w, send_locs, 4, 3, 1, o);
    put_sample(w, sel_locs, 3, -2, 0, o);
    put_sample(w, NULL, 0, 1, 0, o);
}

static void put_extras(pbw *w)
{
    pbw m = {0};
    w_int(&m, 1, 1);
    w_int(&m, 2, 0x400000);
    w_int(&m, 3, 0x665000);
    w_int(&m, 5, 17);
    w_int(&m, 7, 1);
    w_msg(w, 3, &m); /* a mapping */
    w_int(w, 100, 7);
    w_fixed(w, 101, 8);
    w_fixed(w, 102, 4);
    w_str(w, 103, "unknown");
    w_fixed(w, 12, 4); /* a known field with the wrong wire type: skipped */
    uint64_t comments[] = {1, 2, 3};
    w_ints(w, 13, comments, 3, true);
    w_free(&m);
}

/* runtime/pprof/proto.go order: period_type, period, sample_type, then
 * locations and functions interleaved with samples, time, strings last. */
static void layout_runtime(pbw *w, const popts *o)
{
    popts so = *o;
    put_value_type(w, 11);
    w_int(w, 12, 1);
    put_value_type(w, 1);
    put_functions(w, o->unknown);
    put_location(w, 10, 0x43ae35, (const uint64_t[]){1, 363}, 1, o->unknown);
    put_sample(w, sel_locs, 3, -2, 0, &so); /* before locations 14, 15 exist */
    put_locations(w, o->unknown, false);
    put_sample(w, send_locs, 4, 3, 1, &so);
    put_sample(w, NULL, 0, 1, 0, &so);
    w_int(w, 9, 1700000000123456789ull);
    if (o->unknown)
        put_extras(w);
    put_strings(w, o->type);
}

static void layout_google(pbw *w, const popts *o, bool strings_first)
{
    if (strings_first)
        put_strings(w, o->type);
    put_value_type(w, 1);
    put_samples(w, o);
    if (o->unknown)
        put_extras(w);
    put_locations(w, o->unknown, true);
    put_functions(w, o->unknown);
    if (!strings_first)
        put_strings(w, o->type);
    w_int(w, 9, 1700000000123456789ull);
    put_value_type(w, 11);
    w_int(w, 12, 1);
}

static pbw build(const popts *o)
{
    pbw w = {0};
    if (o->layout == L_RUNTIME)
        layout_runtime(&w, o);
    else
        layout_google(&w, o, o->layout == L_STRINGS_FIRST);
    return w;
}

static pbw gzip_of(const uint8_t *p, size_t n, int level)
{
    pbw out = {0};
    z_stream z;
    memset(&z, 0, sizeof z);
    assert_int_equal(deflateInit2(&z, level, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY),
                     Z_OK);
    out.cap = deflateBound(&z, n) + 64;
    out.p = malloc(out.cap);
    assert_non_null(out.p);
    z.next_in = (Bytef *)(uintptr_t)p;
    z.avail_in = (uInt)n;
    z.next_out = out.p;
    z.avail_out = (uInt)out.cap;
    assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
    out.len = z.total_out;
    deflateEnd(&z);
    return out;
}

/* ---- checking ----------------------------------------------------------------------- */

static const char *str(const strand_snapshot *s, strand_str id)
{
    return strand_str_get(s, id, NULL);
}

static const strand_frame *frame_of(const strand_snapshot *s, const strand_record *r, size_t i)
{
    size_t n;
    const uint32_t *fr = strand_stack_frames(s, r->stack, &n);
    assert_true(i < n);
    const strand_frame *f = strand_frame_get(s, fr[i]);
    assert_non_null(f);
    return f;
}

static size_t nframes(const strand_snapshot *s, const strand_record *r)
{
    size_t n;
    strand_stack_frames(s, r->stack, &n);
    return n;
}

static size_t count_diags(const strand_snapshot *s, const char *msg)
{
    size_t n, k = 0;
    const strand_diagnostic *d = strand_snapshot_diagnostics(s, &n);
    for (size_t i = 0; i < n; i++)
        if (strcmp(d[i].message, msg) == 0)
            k++;
    return k;
}

static strand_snapshot *parse_ok(const uint8_t *p, size_t n)
{
    strand_snapshot *s = st_snapshot_new(NULL, "p");
    strand_error err = {0};
    strand_code c = st_proto_parse(s, p, n, &err);
    if (c != STRAND_OK)
        fail_msg("parse: %s at %llu", err.message, (unsigned long long)err.offset);
    return s;
}

static strand_code parse_err(const uint8_t *p, size_t n, strand_error *err)
{
    strand_snapshot *s = st_snapshot_new(NULL, "p");
    memset(err, 0, sizeof *err);
    strand_code c = st_proto_parse(s, p, n, err);
    assert_int_equal(c, err->code == STRAND_OK && c == STRAND_OK ? STRAND_OK : err->code);
    strand_snapshot_free(s);
    return c;
}

static const strand_record *record_with_count(const strand_snapshot *s, int64_t count)
{
    size_t n;
    const strand_record *r = strand_snapshot_records(s, &n);
    for (size_t i = 0; i < n; i++)
        if (r[i].count == count)
            return &r[i];
    fail_msg("no record of count %lld", (long long)count);
    return r;
}

static void check_profile(const strand_snapshot *s)
{
    size_t n, nd;
    strand_snapshot_records(s, &n);
    const strand_diagnostic *d = strand_snapshot_diagnostics(s, &nd);
    if (nd)
        fail_msg("diagnostic: %s", d[0].message);
    assert_int_equal(n, 3);
    assert_int_equal(strand_snapshot_format(s), STRAND_FORMAT_PPROF_PROTO);
    assert_string_equal(str(s, strand_snapshot_profile_type(s)), "goroutine");
    assert_int_equal(strand_snapshot_time_nanos(s), 1700000000123456789ll);
    assert_int_equal(strand_snapshot_total(s), 4);

    const strand_record *r = record_with_count(s, 3);
    assert_non_null(r);
    assert_int_equal(nframes(s, r), 5);
    assert_string_equal(str(s, frame_of(s, r, 0)->func), "runtime.gopark");
    assert_int_equal(frame_of(s, r, 0)->line, 363);
    assert_string_equal(str(s, frame_of(s, r, 0)->file), "/go/src/runtime/proc.go");
    assert_string_equal(str(s, frame_of(s, r, 2)->func), "runtime.chansend1");
    assert_string_equal(str(s, frame_of(s, r, 3)->func), "main.inlined");
    assert_int_equal(frame_of(s, r, 3)->flags, STRAND_FRAME_INLINED);
    assert_int_equal(frame_of(s, r, 3)->line, 30);
    assert_string_equal(str(s, frame_of(s, r, 4)->func), "main.send");
    assert_int_equal(frame_of(s, r, 4)->flags, 0);
    assert_int_equal(frame_of(s, r, 4)->line, 18);
    assert_int_equal(r->kind, STRAND_KIND_CHAN_SEND);
    assert_int_equal(r->line, 0);
    assert_int_equal(r->flags, 0);
    size_t nl;
    const strand_label *l = strand_labels_get(s, r->labels, &nl);
    assert_int_equal(nl, 2);
    assert_string_equal(str(s, l[0].key), "job");
    assert_string_equal(str(s, l[0].value), "x");
    assert_string_equal(str(s, l[1].key), "n");
    assert_string_equal(str(s, l[1].value), "-5");

    r = record_with_count(s, -2);
    assert_int_equal(nframes(s, r), 3);
    assert_int_equal(r->kind, STRAND_KIND_SELECT);
    assert_int_equal(r->labels, STRAND_NONE);

    r = record_with_count(s, 1);
    assert_int_equal(nframes(s, r), 0);
    assert_true(r->stack < strand_snapshot_stack_count(s));
    assert_int_equal(r->kind, STRAND_KIND_UNKNOWN);
}

/* ---- well-formed profiles --------------------------------------------------------- */

static void test_layouts(void **state)
{
    (void)state;
    for (int layout = L_RUNTIME; layout <= L_STRINGS_FIRST; layout++)
        for (int packed = 0; packed < 2; packed++)
            for (int unknown = 0; unknown < 2; unknown++)
                for (int gz = 0; gz < 2; gz++) {
                    popts o = {layout, packed, unknown, NULL};
                    pbw w = build(&o);
                    pbw z = gz ? gzip_of(w.p, w.len, 6) : (pbw){0};
                    /* no writer puts the string table first: not sniffed, still parsed */
                    bool sniffed = st_proto_sniff(gz ? z.p : w.p, gz ? z.len : w.len);
                    assert_int_equal(sniffed, gz || layout != L_STRINGS_FIRST);
                    strand_snapshot *s = gz ? parse_ok(z.p, z.len) : parse_ok(w.p, w.len);
                    check_profile(s);
                    strand_snapshot_free(s);
                    w_free(&w);
                    w_free(&z);
                }
}

static void test_read_mem(void **state)
{
    (void)state;
    popts o = {L_RUNTIME, true, false, NULL};
    pbw w = build(&o);
    pbw z = gzip_of(w.p, w.len, 9);
    strand_read_options opts = {NULL, "mem.pb.gz", 1};
    strand_error err;
    for (int gz = 0; gz < 2; gz++) {
        strand_snapshot *s = gz ? strand_read_mem(z.p, z.len, &opts, &err)
                                : strand_read_mem(w.p, w.len, &opts, &err);
        assert_non_null(s);
        check_profile(s);
        assert_string_equal(strand_snapshot_name(s), "mem.pb.gz");
        strand_snapshot_free(s);
    }
    w_free(&w);
    w_free(&z);
}

static void test_goroutineleak(void **state)
{
    (void)state;
    popts o = {L_GOOGLE, false, false, "goroutineleak"};
    pbw w = build(&o);
    strand_snapshot *s = parse_ok(w.p, w.len);
    assert_string_equal(str(s, strand_snapshot_profile_type(s)), "goroutineleak");
    size_t n;
    const strand_record *r = strand_snapshot_records(s, &n);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(r[i].flags, STRAND_G_LEAKED);
    assert_int_equal(s->diags.len, 0);
    strand_snapshot_free(s);
    w_free(&w);
    o.type = "alloc_space";
    w = build(&o);
    s = parse_ok(w.p, w.len);
    assert_int_equal(count_diags(s, "not a goroutine profile"), 1);
    strand_snapshot_free(s);
    w_free(&w);
}

static void test_empty_message(void **state)
{
    (void)state;
    strand_snapshot *s = parse_ok((const uint8_t *)"", 0);
    assert_int_equal(s->records.len, 0);
    assert_int_equal(strand_snapshot_format(s), STRAND_FORMAT_PPROF_PROTO);
    strand_snapshot_free(s);
}

/* ---- ids, strings, caps -------------------------------------------------------------- */

static void test_dangling_ids(void **state)
{
    (void)state;
    pbw w = {0};
    put_value_type(&w, 1);
    put_function(&w, 1, 3, 4, false);
    put_function(&w, 2, 500, 4, false); /* name index out of range */
    put_function(&w, 1, 8, 9, false);   /* duplicate id */
    put_location(&w, 10, 0x10, (const uint64_t[]){1, 1}, 1, false);
    put_location(&w, 11, 0x11, (const uint64_t[]){77, 2}, 1, false); /* undefined function */
    put_location(&w, 12, 0x12, (const uint64_t[]){2, 3}, 1, false);
    put_location(&w, 13, 0x4b655c, NULL, 0, false); /* unsymbolized */
    put_location(&w, 14, 0, NULL, 0, false);
    put_location(&w, 10, 0x99, (const uint64_t[]){2, 9}, 1, false); /* duplicate id */
    popts o = {L_GOOGLE, true, false, NULL};
    put_sample(&w, (const uint64_t[]){10, 99, 11, 12, 13, 14}, 6, 2, 0, &o);
    pbw m = {0};
    w_ints(&m, 1, (const uint64_t[]){10}, 1, false);
    put_label(&m, 999, 12, false, 0);
    put_label(&m, 11, 888, false, 0);
    w_msg(&w, 2, &m); /* no value */
    put_strings(&w, NULL);
    strand_snapshot *s = parse_ok(w.p, w.len);
    size_t n;
    const strand_record *r = strand_snapshot_records(s, &n);
    assert_int_equal(n, 2);
    assert_int_equal(nframes(s, &r[0]), 6);
    static const char *const want[] = {"runtime.gopark", "?", "?", "?", "0x4b655c", "?"};
    for (size_t i = 0; i < 6; i++)
        assert_string_equal(str(s, frame_of(s, &r[0], i)->func), want[i]);
    assert_int_equal(frame_of(s, &r[0], 4)->file, 0);
    assert_int_equal(r[1].count, 0);
    size_t nl;
    const strand_label *l = strand_labels_get(s, r[1].labels, &nl);
    assert_int_equal(nl, 2);
    assert_string_equal(str(s, l[0].key), "?");
    assert_string_equal(str(s, l[1].key), "job");
    assert_string_equal(str(s, l[1].value), "?");
    assert_int_equal(count_diags(s, "duplicate function id; first kept"), 1);
    assert_int_equal(count_diags(s, "duplicate location id; first kept"), 1);
    assert_int_equal(count_diags(s, "sample names an undefined location"), 1);
    assert_int_equal(count_diags(s, "location names an undefined function"), 1);
    assert_int_equal(count_diags(s, "function string index out of range"), 1);
    assert_int_equal(count_diags(s, "label string index out of range"), 2);
    assert_int_equal(count_diags(s, "sample without a value; count 0"), 1);
    const strand_diagnostic *d = strand_snapshot_diagnostics(s, &n);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(d[i].line, 0);
        assert_int_equal(d[i].code, STRAND_ERR_PROTO);
        assert_true(d[i].offset < w.len);
    }
    strand_snapshot_free(s);
    w_free(&w);
    w_free(&m);
}

static void test_caps(void **state)
{
    (void)state;
    size_t nlocs = STRAND_MAX_FRAMES + 50;
    uint64_t *locs = malloc(nlocs * sizeof *locs);
    assert_non_null(locs);
    for (size_t i = 0; i < nlocs; i++)
        locs[i] = 10;
    pbw w = {0}, m = {0};
    put_value_type(&w, 1);
    put_function(&w, 1, 3, 4, false);
    put_location(&w, 10, 0x10, (const uint64_t[]){1, 1, 1, 2}, 2, false);
    w_ints(&m, 1, locs, nlocs, true);
    w_ints(&m, 2, (const uint64_t[]){1, 7, 8}, 3, true); /* several values: the first */
    for (int i = 0; i < (int)STRAND_MAX_LABELS + 3; i++)
        put_label(&m, 11, 0, true, i);
    w_msg(&w, 2, &m);
    put_strings(&w, NULL);
    strand_snapshot *s = parse_ok(w.p, w.len);
    const strand_record *r = s->records.data;
    assert_int_equal(s->records.len, 1);
    assert_int_equal(r->count, 1);
    assert_int_equal(nframes(s, r), STRAND_MAX_FRAMES);
    size_t nl;
    strand_labels_get(s, r->labels, &nl);
    assert_int_equal(nl, STRAND_MAX_LABELS);
    assert_int_equal(count_diags(s, "too many frames; stack cut"), 1);
    strand_snapshot_free(s);
    w_free(&w);
    w_free(&m);
    free(locs);
}

/* chansend parks in two places; the first is for a nil channel. */
static void test_nil_chan_lines(void **state)
{
    (void)state;
    for (int with_start = 0; with_start < 2; with_start++) {
        pbw w = {0}, f = {0};
        put_value_type(&w, 1);
        put_function(&w, 1, 3, 4, false);
        w_int(&f, 1, 2);
        w_int(&f, 2, 5);
        w_int(&f, 4, 6);
        if (with_start)
            w_int(&f, 5, 160);
        w_msg(&w, 5, &f);
        put_function(&w, 3, 7, 6, false);
        put_function(&w, 4, 8, 9, false);
        put_function(&w, 5, 10, 9, false);
        put_location(&w, 10, 0x10, (const uint64_t[]){1, 363}, 1, false);
        put_location(&w, 11, 0x11, (const uint64_t[]){2, 165}, 1, false);
        put_location(&w, 12, 0x12, (const uint64_t[]){2, 259}, 1, false);
        put_location(&w, 13, 0x13, (const uint64_t[]){3, 145}, 1, false);
        put_location(&w, 14, 0x14, (const uint64_t[]){4, 18}, 1, false);
        put_location(&w, 15, 0x15, (const uint64_t[]){5, 19}, 1, false);
        popts o = {L_GOOGLE, true, false, NULL};
        put_sample(&w, (const uint64_t[]){10, 11, 13, 14}, 4, 5, 0, &o);
        if (with_start)
            put_strings(&w, NULL); /* one site only: start_line decides */
        else
            put_sample(&w, (const uint64_t[]){10, 12, 13, 15}, 4, 6, 0, &o);
        if (!with_start)
            put_strings(&w, NULL);
        strand_snapshot *s = parse_ok(w.p, w.len);
        assert_int_equal(record_with_count(s, 5)->kind, STRAND_KIND_NIL_CHAN);
        if (!with_start)
            assert_int_equal(record_with_count(s, 6)->kind, STRAND_KIND_CHAN_SEND);
        strand_snapshot_free(s);
        w_free(&w);
        w_free(&f);
    }
}

static void test_running_and_preempted(void **state)
{
    (void)state;
    pbw w = {0};
    put_value_type(&w, 1);
    put_function(&w, 1, 8, 9, false); /* main.send as a user function */
    put_location(&w, 10, 0x10, (const uint64_t[]){1, 5}, 1, false);
    popts o = {L_GOOGLE, false, false, NULL};
    put_sample(&w, (const uint64_t[]){10}, 1, 1, 0, &o);
    put_strings(&w, NULL);
    strand_snapshot *s = parse_ok(w.p, w.len);
    assert_int_equal(((const strand_record *)s->records.data)->kind, STRAND_KIND_RUNNABLE);
    strand_snapshot_free(s);
    w_free(&w);
}

/* ---- malformed wire data ----------------------------------------------------------- */

typedef struct {
    const char *name;
    const uint8_t *bytes;
    size_t len;
    const char *message;
    uint64_t offset;
} bad_case;

/* clang-format off */
#define B(...) (const uint8_t[]){__VA_ARGS__}, sizeof((const uint8_t[]){__VA_ARGS__})

static const bad_case bad_cases[] = {
    {"group start", B(0x48, 0x01, 0x0b), "protobuf groups are not supported", 2},
    {"group end", B(0x0c), "protobuf groups are not supported", 0},
    {"wire type 6", B(0x48, 0x01, 0x0e), "invalid wire type", 2},
    {"wire type 7", B(0x0f), "invalid wire type", 0},
    {"field 0", B(0x00, 0x01), "invalid field number", 0},
    {"varint > 64 bits", B(0x48, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02),
     "varint overflows 64 bits", 1},
    {"varint 11 bytes", B(0x48, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00),
     "varint overflows 64 bits", 1},
    {"tag varint overflow", B(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f),
     "varint overflows 64 bits", 0},
    {"huge field number", B(0xf8, 0xff, 0xff, 0xff, 0xff, 0x01, 0x00), "invalid field number", 0},
    {"truncated varint", B(0x48, 0x80), "truncated varint", 1},
    {"truncated fixed64", B(0x49, 1, 2, 3), "truncated fixed-width field", 1},
    {"truncated fixed32", B(0x4d, 1, 2), "truncated fixed-width field", 1},
    {"length past end", B(0x0a, 0x05, 0x08, 0x01), "length-delimited field runs past its message", 1},
    {"nested length past end", B(0x12, 0x03, 0x1a, 0x05, 0x08),
     "length-delimited field runs past its message", 3},
    {"group in a sample", B(0x12, 0x02, 0x0b, 0x0c), "protobuf groups are not supported", 2},
    {"bad packed ids", B(0x12, 0x04, 0x0a, 0x02, 0x80, 0x80), "truncated varint", 4},
    {"group in a location", B(0x22, 0x02, 0x08, 0x01, 0x22, 0x01, 0x0b),
     "protobuf groups are not supported", 6},
};
/* clang-format on */

static void test_malformed(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof bad_cases / sizeof *bad_cases; i++) {
        const bad_case *b = &bad_cases[i];
        strand_error err;
        strand_code c = parse_err(b->bytes, b->len, &err);
        if (c != STRAND_ERR_PROTO || strcmp(err.message, b->message) != 0 ||
            err.offset != b->offset)
            fail_msg("%s: code %d \"%s\" at %llu", b->name, c, err.message ? err.message : "",
                     (unsigned long long)err.offset);
    }
}

static void test_truncated_everywhere(void **state)
{
    (void)state;
    popts o = {L_RUNTIME, true, true, NULL};
    pbw w = build(&o);
    pbw z = gzip_of(w.p, w.len, 6);
    size_t proto_errors = 0;
    for (size_t k = 0; k < w.len; k++) {
        strand_error err;
        strand_code c = parse_err(w.p, k, &err);
        assert_true(c == STRAND_OK || c == STRAND_ERR_PROTO);
        proto_errors += c == STRAND_ERR_PROTO;
    }
    assert_true(proto_errors > w.len / 2);
    for (size_t k = 0; k < z.len; k++) {
        strand_error err;
        strand_code c = parse_err(z.p, k, &err);
        if (k >= 2 && c != STRAND_ERR_GZIP)
            fail_msg("gzip cut at %zu: code %d", k, c);
        if (k >= 2)
            assert_true(err.offset <= k);
    }
    w_free(&w);
    w_free(&z);
}

static void test_corrupt_gzip(void **state)
{
    (void)state;
    popts o = {L_GOOGLE, false, false, NULL};
    pbw w = build(&o);
    pbw z = gzip_of(w.p, w.len, 9);
    size_t gzip_errors = 0;
    for (size_t k = 2; k < z.len; k++) {
        uint8_t *copy = malloc(z.len);
        assert_non_null(copy);
        memcpy(copy, z.p, z.len);
        copy[k] ^= 0x55;
        strand_error err;
        strand_code c = parse_err(copy, z.len, &err);
        assert_true(c == STRAND_ERR_GZIP || c == STRAND_OK || c == STRAND_ERR_TOO_LARGE);
        gzip_errors += c == STRAND_ERR_GZIP;
        free(copy);
    }
    assert_true(gzip_errors > (z.len - 2) * 3 / 4);
    /* trailing garbage after the member */
    w_bytes(&z, "junk", 4);
    strand_error err;
    assert_int_equal(parse_err(z.p, z.len, &err), STRAND_ERR_GZIP);
    /* zero padding after the member, then a second member */
    z.len -= 4;
    w_bytes(&z, "\0\0\0", 3);
    pbw z2 = gzip_of(w.p, 0, 6);
    w_bytes(&z, z2.p, z2.len);
    strand_snapshot *s = parse_ok(z.p, z.len);
    check_profile(s);
    strand_snapshot_free(s);
    w_free(&w);
    w_free(&z);
    w_free(&z2);
}

/* ---- gzip bombs ------------------------------------------------------------------------ */

static double seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* gzip members of 32 MiB of zeros each (~32 KiB compressed). */
static pbw zero_members(int count)
{
    size_t n = (size_t)32 << 20;
    uint8_t *zeros = calloc(n, 1);
    assert_non_null(zeros);
    pbw one = {0}, all = {0};
    z_stream z;
    memset(&z, 0, sizeof z);
    assert_int_equal(deflateInit2(&z, 9, Z_DEFLATED, 16 + MAX_WBITS, 9, Z_RLE), Z_OK);
    one.cap = deflateBound(&z, n);
    one.p = malloc(one.cap);
    assert_non_null(one.p);
    z.next_in = zeros;
    z.avail_in = (uInt)n;
    z.next_out = one.p;
    z.avail_out = (uInt)one.cap;
    assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
    one.len = z.total_out;
    deflateEnd(&z);
    free(zeros);
    for (int i = 0; i < count; i++)
        w_bytes(&all, one.p, one.len);
    w_free(&one);
    return all;
}

/* 320 MiB in members that each declare an honest 32 MiB: the cap stops the
 * inflating. */
static void test_gzip_bomb_members(void **state)
{
    (void)state;
    pbw bomb = zero_members(10);
    strand_error err;
    double t0 = seconds();
    assert_int_equal(parse_err(bomb.p, bomb.len, &err), STRAND_ERR_TOO_LARGE);
    double dt = seconds() - t0;
    assert_true(dt < 20.0); /* generous for sanitizer builds; well under 1 s at -O2 */
    assert_true(err.offset <= bomb.len);
    /* the last member declares 300 MiB (ISIZE): no need to inflate at all */
    uint32_t isize = 300u << 20;
    for (int i = 0; i < 4; i++)
        bomb.p[bomb.len - 4 + i] = (uint8_t)(isize >> (8 * i));
    t0 = seconds();
    assert_int_equal(parse_err(bomb.p, bomb.len, &err), STRAND_ERR_TOO_LARGE);
    assert_true(seconds() - t0 < 0.1);
    w_free(&bomb);
}

static void test_plain_too_large(void **state)
{
    (void)state;
    strand_snapshot *s = st_snapshot_new(NULL, NULL);
    strand_error err;
    static const uint8_t b[1] = {0};
    assert_int_equal(st_proto_parse(s, b, (size_t)STRAND_MAX_PROTO + 1, &err),
                     STRAND_ERR_TOO_LARGE);
    assert_int_equal(st_proto_parse(s, NULL, 1, &err), STRAND_ERR_ARG);
    strand_snapshot_free(s);
}

/* ---- sniffing -------------------------------------------------------------------------- */

static void test_sniff(void **state)
{
    (void)state;
    static const char *text[] = {
        "\ngoroutine profile: total 3\n",
        "\n\n\ngoroutine 1 [running]:\n",
        "goroutine 1 [running]:\nmain.main()\n",
        "2023-01-02 12:00:00 starting\n",
        "Z\x04\x08\x01\x10",
        "\n",
        "",
        "\x12\x00",
    };
    for (size_t i = 0; i < sizeof text / sizeof *text; i++)
        if (st_proto_sniff((const uint8_t *)text[i], strlen(text[i])))
            fail_msg("sniffed as proto: text %zu", i);
    assert_false(st_proto_sniff(NULL, 0));
    assert_false(st_proto_sniff((const uint8_t *)"\x1f", 1));
    assert_true(st_proto_sniff((const uint8_t *)"\x1f\x8b", 2));
    assert_true(st_proto_sniff((const uint8_t *)"Z\x04\x08\x01\x10\x02", 6));
    assert_true(st_proto_sniff((const uint8_t *)"\x0a\x04\x08\x01\x10\x02`\x01", 8));
    /* a field cut by the end of the sniffed bytes */
    pbw w = {0};
    put_value_type(&w, 1);
    char big[10000];
    memset(big, 'a', sizeof big);
    w_len(&w, 6, big, sizeof big);
    assert_true(st_proto_sniff(w.p, 4096));
    assert_false(st_proto_sniff(w.p, 3)); /* the first field itself is cut */
    w_free(&w);
    /* an unknown field in the first message is not a profile we know; later
     * fields need only be well formed */
    assert_false(st_proto_sniff((const uint8_t *)"\x12\x02\x78\x01", 4));
    assert_true(st_proto_sniff((const uint8_t *)"\x12\x00\x12\x02\x78\x01", 6));
    assert_true(st_proto_sniff((const uint8_t *)"\x12\x00\x10\x01", 4));
    assert_false(st_proto_sniff((const uint8_t *)"\x12\x00\x0b", 3));
    assert_false(st_proto_sniff((const uint8_t *)"\x12\x00\x12\x02\x0f\x01", 6));
}

/* ---- real profiles ---------------------------------------------------------------------- */

static uint8_t *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *buf = malloc((size_t)n + 1);
    assert_non_null(buf);
    *len = fread(buf, 1, (size_t)n, f);
    fclose(f);
    return buf;
}

/* "goroutine profile: total N" of the debug=1 capture of the same program. */
static long debug1_total(const char *stem)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s.debug1.txt", FIXTURES, stem);
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    long total = -1;
    if (fscanf(f, "goroutine profile: total %ld", &total) != 1)
        total = -1;
    fclose(f);
    return total;
}

typedef struct {
    const char *func;
    strand_kind kind;
} func_kind;

static const func_kind zoo_truth[] = {
    {"main.nilChanSendBlocked", STRAND_KIND_NIL_CHAN},
    {"main.chanSendBlocked", STRAND_KIND_CHAN_SEND},
    {"main.nilChanRecvBlocked", STRAND_KIND_NIL_CHAN},
    {"main.chanRecvBlocked", STRAND_KIND_CHAN_RECEIVE},
    {"main.chanRangeBlocked", STRAND_KIND_CHAN_RECEIVE},
    {"main.selectNoCasesBlocked", STRAND_KIND_SELECT_NO_CASES},
    {"main.selectBlocked", STRAND_KIND_SELECT},
    {"main.waitGroupBlocked", STRAND_KIND_WAITGROUP},
    {"main.mutexLockBlocked", STRAND_KIND_MUTEX},
    {"main.rwRLockBlocked", STRAND_KIND_RWMUTEX},
    {"main.condWaitBlocked", STRAND_KIND_COND},
    {"main.sleepBlocked", STRAND_KIND_SLEEP},
    {"main.syscallReadBlocked", STRAND_KIND_SYSCALL},
    {"main.connReadBlocked", STRAND_KIND_IO},
};

/* The first frame outside runtime, sync, time, syscall, internal/poll, net. */
static const char *user_func(const strand_snapshot *s, const strand_record *r)
{
    size_t n;
    const uint32_t *fr = strand_stack_frames(s, r->stack, &n);
    for (size_t i = 0; i < n; i++) {
        const char *f = str(s, strand_frame_get(s, fr[i])->func);
        if (strncmp(f, "main.", 5) == 0)
            return f;
    }
    return "";
}

static void check_zoo(const strand_snapshot *s)
{
    size_t n;
    const strand_record *r = strand_snapshot_records(s, &n);
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < sizeof zoo_truth / sizeof *zoo_truth; k++)
            if (strcmp(user_func(s, &r[i]), zoo_truth[k].func) == 0 &&
                r[i].kind != zoo_truth[k].kind)
                fail_msg("zoo %s: %s, want %s", zoo_truth[k].func, strand_kind_name(r[i].kind),
                         strand_kind_name(zoo_truth[k].kind));
}

static void check_real(const char *path, const char *stem)
{
    size_t len = 0;
    uint8_t *data = slurp(path, &len);
    assert_non_null(data);
    assert_true(st_proto_sniff(data, len < 4096 ? len : 4096));
    strand_error err;
    strand_snapshot *s = strand_read_mem(data, len, NULL, &err);
    free(data);
    if (!s)
        fail_msg("%s: %s at %llu", path, err.message, (unsigned long long)err.offset);
    size_t n, nd;
    const strand_record *r = strand_snapshot_records(s, &n);
    const strand_diagnostic *d = strand_snapshot_diagnostics(s, &nd);
    if (nd)
        fail_msg("%s: %s at %llu", path, d[0].message, (unsigned long long)d[0].offset);
    assert_int_equal(strand_snapshot_format(s), STRAND_FORMAT_PPROF_PROTO);
    assert_string_equal(str(s, strand_snapshot_profile_type(s)), "goroutine");
    assert_true(strand_snapshot_time_nanos(s) > 0);
    int64_t sum = 0;
    for (size_t i = 0; i < n; i++) {
        sum += r[i].count;
        if (r[i].kind == STRAND_KIND_UNKNOWN)
            fail_msg("%s: record %zu: kind unknown", path, i);
    }
    long total = debug1_total(stem);
    if (total >= 0)
        assert_int_equal(sum, total);
    if (strcmp(stem, "zoo") == 0)
        check_zoo(s);
    strand_snapshot_free(s);
}

static void test_real_fixtures(void **state)
{
    (void)state;
    DIR *dir = opendir(FIXTURES);
    if (!dir)
        skip();
    size_t seen = 0;
    struct dirent *e;
    while ((e = readdir(dir))) {
        size_t n = strlen(e->d_name);
        if (n < 7 || strcmp(e->d_name + n - 6, ".pb.gz") != 0)
            continue;
        char path[512], stem[256];
        snprintf(path, sizeof path, "%s/%s", FIXTURES, e->d_name);
        snprintf(stem, sizeof stem, "%.*s", (int)(n - 6), e->d_name);
        check_real(path, stem);
        seen++;
    }
    closedir(dir);
    assert_true(seen > 0);
}

/* ---- allocation failures ------------------------------------------------------------------ */

typedef struct {
    long left;
} failing;

static void *f_malloc(void *ctx, size_t n)
{
    failing *f = ctx;
    if (f->left == 0)
        return NULL;
    f->left--;
    return malloc(n);
}

static void *f_realloc(void *ctx, void *p, size_t old_n, size_t new_n)
{
    failing *f = ctx;
    (void)old_n;
    if (f->left == 0)
        return NULL;
    f->left--;
    return realloc(p, new_n);
}

static void f_free(void *ctx, void *p, size_t n)
{
    (void)ctx;
    (void)n;
    free(p);
}

static void test_alloc_failures(void **state)
{
    (void)state;
    popts o = {L_RUNTIME, true, true, NULL};
    pbw w = build(&o);
    pbw z = gzip_of(w.p, w.len, 6);
    bool succeeded = false;
    for (long k = 0; !succeeded && k < 10000; k++) {
        failing f = {k};
        strand_alloc a = {f_malloc, f_realloc, f_free, &f};
        strand_snapshot *s = st_snapshot_new(&a, "x");
        if (!s)
            continue;
        strand_error err;
        strand_code c = st_proto_parse(s, z.p, z.len, &err);
        assert_true(c == STRAND_OK || c == STRAND_ERR_NOMEM);
        if (c == STRAND_ERR_NOMEM)
            assert_int_equal(err.code, STRAND_ERR_NOMEM);
        if (c == STRAND_OK && !s->oom) {
            check_profile(s);
            succeeded = true;
        }
        strand_snapshot_free(s);
    }
    assert_true(succeeded);
    w_free(&w);
    w_free(&z);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_layouts),         cmocka_unit_test(test_read_mem),
        cmocka_unit_test(test_goroutineleak),   cmocka_unit_test(test_empty_message),
        cmocka_unit_test(test_dangling_ids),    cmocka_unit_test(test_caps),
        cmocka_unit_test(test_nil_chan_lines),  cmocka_unit_test(test_running_and_preempted),
        cmocka_unit_test(test_malformed),       cmocka_unit_test(test_truncated_everywhere),
        cmocka_unit_test(test_corrupt_gzip),    cmocka_unit_test(test_gzip_bomb_members),
        cmocka_unit_test(test_plain_too_large), cmocka_unit_test(test_sniff),
        cmocka_unit_test(test_real_fixtures),   cmocka_unit_test(test_alloc_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
