/* read_proto.c - pprof profile.proto (debug=0), gzipped or plain.
 *
 * The runtime writes it with its own encoder (runtime/pprof/protobuf.go,
 * proto.go): always gzip; repeated integers packed only when there are more
 * than two; top-level fields interleaved (period_type first, locations and
 * functions mixed with samples, the string table last). google/pprof writes
 * sample_type first and may skip gzip. So the decoder reads the wire format
 * directly, accepts packed and unpacked repeated fields in any order, collects
 * everything, then resolves ids and string indices.
 *
 * Frames keep the runtime frames (runtime.gopark, runtime.chanrecv, ...):
 * the kind comes from them. A Location holds one Line per logical frame,
 * innermost first; all but its last are inlined. A Location with no Line
 * (unsymbolized) becomes a frame named by its hex address. Dangling ids and
 * string indices become "?" frames or labels, with a diagnostic.
 *
 * Offsets in errors and diagnostics count bytes of the decompressed message
 * when the input is gzip (gzip errors count compressed bytes).
 */
#include "internal.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <zlib.h>

/* ---- wire format ------------------------------------------------------------ */

enum { WT_VARINT = 0, WT_I64 = 1, WT_LEN = 2, WT_SGROUP = 3, WT_EGROUP = 4, WT_I32 = 5 };

typedef struct pb_field {
    uint32_t num;
    uint32_t wt;
    uint64_t v;          /* varint / fixed value */
    const uint8_t *data; /* WT_LEN payload */
    size_t len;
    size_t off; /* of the tag */
} pb_field;

typedef struct pb_reader {
    const uint8_t *p, *end, *base;
    const char *error; /* first error (constant), NULL if none */
    size_t error_off;
    bool truncated; /* the error is data running past the end */
} pb_reader;

static bool pb_fail(pb_reader *r, const uint8_t *at, const char *msg)
{
    if (!r->error) {
        r->error = msg;
        r->error_off = (size_t)(at - r->base);
    }
    r->p = r->end;
    return false;
}

static bool pb_short(pb_reader *r, const uint8_t *at, const char *msg)
{
    if (!r->error)
        r->truncated = true;
    return pb_fail(r, at, msg);
}

static bool pb_varint(pb_reader *r, uint64_t *out)
{
    const uint8_t *p = r->p;
    uint64_t v = 0;
    for (unsigned i = 0; i < 10; i++) {
        if (p + i >= r->end)
            return pb_short(r, p, "truncated varint");
        uint8_t b = p[i];
        if (i == 9 && b > 1)
            return pb_fail(r, p, "varint overflows 64 bits");
        v |= (uint64_t)(b & 0x7f) << (7 * i);
        if (!(b & 0x80)) {
            r->p = p + i + 1;
            *out = v;
            return true;
        }
    }
    return pb_fail(r, p, "varint longer than 10 bytes");
}

static bool pb_fixed(pb_reader *r, unsigned size, uint64_t *out)
{
    if ((size_t)(r->end - r->p) < size)
        return pb_short(r, r->p, "truncated fixed-width field");
    uint64_t v = 0;
    for (unsigned i = 0; i < size; i++)
        v |= (uint64_t)r->p[i] << (8 * i);
    r->p += size;
    *out = v;
    return true;
}

static bool pb_payload(pb_reader *r, pb_field *f)
{
    uint64_t len;
    const uint8_t *at = r->p;
    if (!pb_varint(r, &len))
        return false;
    if (len > (uint64_t)(r->end - r->p))
        return pb_short(r, at, "length-delimited field runs past its message");
    f->data = r->p;
    f->len = (size_t)len;
    r->p += len;
    return true;
}

/* The next field of the message, or false at its end or on error. */
static bool pb_next(pb_reader *r, pb_field *f)
{
    if (r->p >= r->end)
        return false;
    const uint8_t *at = r->p;
    uint64_t tag;
    if (!pb_varint(r, &tag))
        return false;
    f->off = (size_t)(at - r->base);
    f->num = (uint32_t)(tag >> 3);
    f->wt = (uint32_t)(tag & 7);
    f->data = NULL;
    f->len = 0;
    f->v = 0;
    if (tag >> 3 == 0 || tag >> 32)
        return pb_fail(r, at, "invalid field number");
    switch (f->wt) {
    case WT_VARINT:
        return pb_varint(r, &f->v);
    case WT_I64:
        return pb_fixed(r, 8, &f->v);
    case WT_LEN:
        return pb_payload(r, f);
    case WT_I32:
        return pb_fixed(r, 4, &f->v);
    case WT_SGROUP:
    case WT_EGROUP:
        return pb_fail(r, at, "protobuf groups are not supported");
    default:
        return pb_fail(r, at, "invalid wire type");
    }
}

/* A reader over a length-delimited payload, sharing the error slot. */
static pb_reader pb_sub(const pb_reader *r, const pb_field *f)
{
    pb_reader s = {f->data, f->data + f->len, r->base, NULL, 0, false};
    return s;
}

static bool pb_sub_done(pb_reader *parent, const pb_reader *sub)
{
    if (sub->error && !parent->error) {
        parent->error = sub->error;
        parent->error_off = sub->error_off;
        parent->p = parent->end;
    }
    return sub->error == NULL;
}

/* Repeated integers, packed (WT_LEN) or not (WT_VARINT); calls put for each. */
typedef bool (*pb_put)(void *ctx, uint64_t v);

static bool pb_ints(pb_reader *r, const pb_field *f, pb_put put, void *ctx)
{
    if (f->wt == WT_VARINT)
        return put(ctx, f->v);
    if (f->wt != WT_LEN)
        return true; /* a mismatched wire type is an unknown field */
    pb_reader s = pb_sub(r, f);
    uint64_t v;
    while (s.p < s.end && pb_varint(&s, &v))
        if (!put(ctx, v))
            return false;
    return pb_sub_done(r, &s);
}

/* ---- sniffing ---------------------------------------------------------------- */

/* Message schemas for sniffing only: per field number 1..15, the allowed wire
 * types as a bit mask and the schema of a nested message. */
/* clang-format off */
enum { SC_NONE, SC_PROFILE, SC_VALUETYPE, SC_SAMPLE, SC_LABEL, SC_MAPPING, SC_LOCATION, SC_LINE,
       SC_FUNCTION, SC__COUNT };

#define V (1u << WT_VARINT)
#define L (1u << WT_LEN)
typedef struct {
    uint8_t wts[16];
    uint8_t sub[16];
} schema;

static const schema schemas[SC__COUNT] = {
    [SC_PROFILE] = {{0, L, L, L, L, L, L, V, V, V, V, L, V, V | L, V, V},
                    {0, SC_VALUETYPE, SC_SAMPLE, SC_MAPPING, SC_LOCATION, SC_FUNCTION, 0, 0, 0, 0, 0,
                     SC_VALUETYPE}},
    [SC_VALUETYPE] = {{0, V, V}, {0}},
    [SC_SAMPLE] = {{0, V | L, V | L, L}, {0, 0, 0, SC_LABEL}},
    [SC_LABEL] = {{0, V, V, V, V}, {0}},
    [SC_MAPPING] = {{0, V, V, V, V, V, V, V, V, V, V}, {0}},
    [SC_LOCATION] = {{0, V, V, V, L, V}, {0, 0, 0, 0, SC_LINE}},
    [SC_LINE] = {{0, V, V, V}, {0}},
    [SC_FUNCTION] = {{0, V, V, V, V, V}, {0}},
};
#undef V
#undef L
/* clang-format on */

/* `strict`: a field the schema knows, with one of its wire types. Else any
 * well-formed field passes (a decoder skips what it does not know). */
static bool field_ok(const pb_field *f, int sc, bool strict)
{
    uint8_t wts = f->num <= 15 ? schemas[sc].wts[f->num] : 0;
    return !strict || (wts & (1u << f->wt)) != 0;
}

/* Nested messages are checked too (depth-limited). */
static bool sniff_message(const uint8_t *p, size_t n, int sc, int depth, bool strict)
{
    pb_reader r = {p, p + n, p, NULL, 0, false};
    pb_field f;
    while (pb_next(&r, &f)) {
        if (!field_ok(&f, sc, strict))
            return false;
        int sub = f.wt == WT_LEN && f.num <= 15 ? schemas[sc].sub[f.num] : SC_NONE;
        if (sub && depth < 2 && !sniff_message(f.data, f.len, sub, depth + 1, strict))
            return false;
    }
    return r.error == NULL;
}

/* A Profile starts with sample_type (google/pprof), period_type (the runtime)
 * or a sample. That first field must be complete and hold only known fields:
 * no text passes that. Later fields that fit in the sniffed bytes must be
 * well formed; the last may be cut. */
static bool sniff_profile(const uint8_t *p, size_t n)
{
    if (n < 2 || (p[0] != 0x0a && p[0] != 0x5a && p[0] != 0x12))
        return false;
    pb_reader r = {p, p + n, p, NULL, 0, false};
    pb_field f;
    size_t complete = 0;
    while (r.p < r.end) {
        if (!pb_next(&r, &f))
            return complete > 0 && r.truncated; /* cut by the end of the sniffed bytes */
        bool strict = complete == 0;
        if (!field_ok(&f, SC_PROFILE, strict))
            return false;
        int sub = f.wt == WT_LEN && f.num <= 15 ? schemas[SC_PROFILE].sub[f.num] : SC_NONE;
        if (sub && !sniff_message(f.data, f.len, sub, 1, strict))
            return false;
        complete++;
    }
    return complete > 0;
}

bool st_proto_sniff(const uint8_t *p, size_t n)
{
    if (!p)
        return false;
    if (n >= 2 && p[0] == 0x1f && p[1] == 0x8b)
        return true;
    return sniff_profile(p, n);
}

/* ---- gzip ----------------------------------------------------------------------- */

#define ZHDR 16 /* zlib's free has no size: keep it in front of the block */

static voidpf z_alloc(voidpf opaque, uInt items, uInt size)
{
    size_t n = (size_t)items * size + ZHDR;
    unsigned char *b = st_malloc(opaque, n);
    if (!b)
        return NULL;
    memcpy(b, &n, sizeof n);
    return b + ZHDR;
}

static void z_free(voidpf opaque, voidpf address)
{
    if (!address)
        return;
    unsigned char *b = (unsigned char *)address - ZHDR;
    size_t n;
    memcpy(&n, b, sizeof n);
    st_free(opaque, b, n);
}

typedef struct {
    const strand_alloc *a;
    uint8_t *buf;
    size_t len, cap;
} outbuf;

static strand_code grow_out(outbuf *o)
{
    size_t limit = (size_t)STRAND_MAX_PROTO + 1; /* one byte more: "over the cap" */
    if (o->cap >= limit)
        return STRAND_ERR_TOO_LARGE;
    size_t cap = o->cap * 2 > limit ? limit : o->cap * 2;
    uint8_t *nb = st_realloc(o->a, o->buf, o->cap, cap);
    if (!nb)
        return STRAND_ERR_NOMEM;
    o->buf = nb;
    o->cap = cap;
    return STRAND_OK;
}

/* The gzip trailer's ISIZE (size mod 2^32 of the last member): a size hint,
 * and an early answer for bombs that declare their size honestly. */
static size_t first_capacity(const uint8_t *p, size_t n, bool *too_large)
{
    uint32_t isize = 0;
    if (n >= 18)
        isize = (uint32_t)p[n - 4] | (uint32_t)p[n - 3] << 8 | (uint32_t)p[n - 2] << 16 |
                (uint32_t)p[n - 1] << 24;
    bool plausible = isize / 1032 <= n; /* deflate expands at most ~1032:1 */
    *too_large = plausible && isize > STRAND_MAX_PROTO;
    size_t cap = n < ((size_t)1 << 20) ? (size_t)64 << 10 : n * 4;
    if (plausible && isize >= cap)
        cap = (size_t)isize + 1;
    return cap > (size_t)STRAND_MAX_PROTO + 1 ? (size_t)STRAND_MAX_PROTO + 1 : cap;
}

static strand_code gz_error(strand_error *err, strand_code c, const z_stream *z, const char *msg)
{
    st_set_error(err, c, msg, z->total_in);
    return c;
}

/* After a member ends: another member follows, or only zero padding. */
static bool more_members(z_stream *z)
{
    while (z->avail_in && z->next_in[0] == 0) {
        z->next_in++;
        z->avail_in--;
    }
    return z->avail_in > 0;
}

static strand_code inflate_loop(z_stream *z, outbuf *o, strand_error *err)
{
    for (;;) {
        if (o->len == o->cap) {
            strand_code c = grow_out(o);
            if (c == STRAND_ERR_TOO_LARGE)
                return gz_error(err, c, z, "decompressed profile over the protobuf size cap");
            if (c != STRAND_OK)
                return gz_error(err, c, z, NULL);
        }
        z->next_out = o->buf + o->len;
        z->avail_out = (uInt)(o->cap - o->len > UINT32_MAX ? UINT32_MAX : o->cap - o->len);
        uInt before = z->avail_out;
        int rc = inflate(z, Z_NO_FLUSH);
        o->len += before - z->avail_out;
        if (o->len > STRAND_MAX_PROTO)
            return gz_error(err, STRAND_ERR_TOO_LARGE, z,
                            "decompressed profile over the protobuf size cap");
        if (rc == Z_STREAM_END) {
            if (!more_members(z))
                return STRAND_OK;
            if (inflateReset(z) != Z_OK)
                return gz_error(err, STRAND_ERR_GZIP, z, NULL);
        } else if (rc == Z_MEM_ERROR) {
            return gz_error(err, STRAND_ERR_NOMEM, z, NULL);
        } else if (rc == Z_BUF_ERROR && z->avail_in == 0 && z->avail_out > 0) {
            return gz_error(err, STRAND_ERR_GZIP, z, "truncated gzip data");
        } else if (rc != Z_OK && rc != Z_BUF_ERROR) {
            return gz_error(err, STRAND_ERR_GZIP, z, "corrupt gzip data");
        }
    }
}

static strand_code gunzip(const strand_alloc *a, const uint8_t *p, size_t n, outbuf *o,
                          strand_error *err)
{
    bool too_large;
    z_stream z;
    memset(&z, 0, sizeof z);
    z.zalloc = z_alloc;
    z.zfree = z_free;
    z.opaque = (voidpf)(uintptr_t)a;
    size_t cap = first_capacity(p, n, &too_large);
    if (too_large) {
        st_set_error(err, STRAND_ERR_TOO_LARGE, "decompressed profile over the protobuf size cap",
                     0);
        return STRAND_ERR_TOO_LARGE;
    }
    o->a = a;
    o->buf = st_malloc(a, cap);
    o->cap = o->buf ? cap : 0;
    if (!o->buf || inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) {
        st_set_error(err, STRAND_ERR_NOMEM, NULL, 0);
        return STRAND_ERR_NOMEM;
    }
    z.next_in = (Bytef *)(uintptr_t)p;
    z.avail_in = (uInt)n; /* n <= STRAND_MAX_PROTO < 4 GiB */
    strand_code c = inflate_loop(&z, o, err);
    inflateEnd(&z);
    return c;
}

/* ---- collecting the Profile ------------------------------------------------------ */

typedef struct {
    uint32_t off, len;
} span;

typedef struct {
    uint64_t id;
    uint64_t addr;
    uint32_t lines_off, nlines;
    uint32_t off; /* of the message */
    uint32_t ordinal;
    uint32_t frames_off; /* into pctx.loc_frames once resolved */
    uint32_t nframes;    /* UINT32_MAX: not resolved yet */
} pb_loc;

typedef struct {
    uint64_t func_id;
    int64_t line;
} pb_line;

typedef struct {
    uint64_t id;
    int64_t name, file, start_line;
    uint32_t off, ordinal;
} pb_func;

/* runtime.chansend / runtime.chanrecv: see mark_nil_chans */
enum { OP_SEND, OP_RECV, OP__COUNT };
typedef struct {
    strand_str name;
    int64_t start_line;
} chan_op;

typedef struct {
    strand_snapshot *s;
    const strand_alloc *a;
    pb_reader r; /* over the whole message */
    bool nomem;
    st_vec strings;                   /* span */
    st_vec samples;                   /* span */
    st_vec locs;                      /* pb_loc */
    st_vec lines;                     /* pb_line */
    st_vec funcs;                     /* pb_func */
    int64_t sample_type, period_type; /* string index of the first type, -1 if none */
    strand_str *str_ids;              /* per string index, interned lazily (UINT32_MAX: not yet) */
    size_t nstr_ids;
    st_vec loc_frames; /* uint32_t */
    st_vec stack;      /* uint32_t: the sample being built */
    st_vec ids;        /* uint64_t: the sample's location ids */
    st_vec labels;     /* strand_label */
    bool leak;
    strand_str question; /* "?" */
    chan_op ops[OP__COUNT];
} pctx;

static void *push(pctx *c, st_vec *v, size_t size)
{
    void *item = st_vec_push(c->a, v, size);
    if (!item) {
        c->nomem = true;
        pb_fail(&c->r, c->r.p, "out of memory");
    }
    return item;
}

static bool push_span(pctx *c, st_vec *v, const pb_field *f)
{
    span *sp = push(c, v, sizeof *sp);
    if (!sp)
        return false;
    sp->off = (uint32_t)(f->data - c->r.base);
    sp->len = (uint32_t)f->len;
    return true;
}

static void read_value_type(pctx *c, const pb_field *f, int64_t *type)
{
    pb_reader s = pb_sub(&c->r, f);
    pb_field g;
    while (pb_next(&s, &g))
        if (g.num == 1 && g.wt == WT_VARINT)
            *type = (int64_t)g.v;
    pb_sub_done(&c->r, &s);
}

static void read_line(pctx *c, const pb_field *f, pb_loc *loc)
{
    pb_line *ln = push(c, &c->lines, sizeof *ln);
    if (!ln)
        return;
    pb_reader s = pb_sub(&c->r, f);
    pb_field g;
    while (pb_next(&s, &g)) {
        if (g.num == 1 && g.wt == WT_VARINT)
            ln->func_id = g.v;
        else if (g.num == 2 && g.wt == WT_VARINT)
            ln->line = (int64_t)g.v;
    }
    loc->nlines++;
    pb_sub_done(&c->r, &s);
}

static void read_location(pctx *c, const pb_field *f)
{
    pb_loc *loc = push(c, &c->locs, sizeof *loc);
    if (!loc)
        return;
    loc->off = (uint32_t)f->off;
    loc->ordinal = (uint32_t)(c->locs.len - 1);
    loc->lines_off = (uint32_t)c->lines.len;
    loc->nframes = UINT32_MAX;
    pb_reader s = pb_sub(&c->r, f);
    pb_field g;
    while (pb_next(&s, &g)) {
        if (g.num == 1 && g.wt == WT_VARINT)
            loc->id = g.v;
        else if (g.num == 3 && g.wt == WT_VARINT)
            loc->addr = g.v;
        else if (g.num == 4 && g.wt == WT_LEN)
            read_line(c, &g, loc); /* c->locs does not move: lines has its own vec */
    }
    pb_sub_done(&c->r, &s);
}

static void read_function(pctx *c, const pb_field *f)
{
    pb_func *fn = push(c, &c->funcs, sizeof *fn);
    if (!fn)
        return;
    fn->off = (uint32_t)f->off;
    fn->ordinal = (uint32_t)(c->funcs.len - 1);
    pb_reader s = pb_sub(&c->r, f);
    pb_field g;
    while (pb_next(&s, &g)) {
        if (g.num == 1 && g.wt == WT_VARINT)
            fn->id = g.v;
        else if (g.num == 2 && g.wt == WT_VARINT)
            fn->name = (int64_t)g.v;
        else if (g.num == 4 && g.wt == WT_VARINT)
            fn->file = (int64_t)g.v;
        else if (g.num == 5 && g.wt == WT_VARINT)
            fn->start_line = (int64_t)g.v;
    }
    pb_sub_done(&c->r, &s);
}

static void read_profile_field(pctx *c, const pb_field *f)
{
    bool len = f->wt == WT_LEN;
    if (f->num == 1 && len && c->sample_type < 0)
        read_value_type(c, f, &c->sample_type);
    else if (f->num == 2 && len)
        push_span(c, &c->samples, f);
    else if (f->num == 4 && len)
        read_location(c, f);
    else if (f->num == 5 && len)
        read_function(c, f);
    else if (f->num == 6 && len)
        push_span(c, &c->strings, f);
    else if (f->num == 9 && f->wt == WT_VARINT)
        c->s->time_nanos = (int64_t)f->v;
    else if (f->num == 11 && len)
        read_value_type(c, f, &c->period_type);
}

static bool collect(pctx *c)
{
    pb_field f;
    while (pb_next(&c->r, &f))
        read_profile_field(c, &f);
    return c->r.error == NULL;
}

/* ---- resolving ids ---------------------------------------------------------------- */

static int cmp_loc(const void *a, const void *b)
{
    const pb_loc *x = a, *y = b;
    if (x->id != y->id)
        return x->id < y->id ? -1 : 1;
    return x->ordinal < y->ordinal ? -1 : x->ordinal > y->ordinal;
}

static int cmp_func(const void *a, const void *b)
{
    const pb_func *x = a, *y = b;
    if (x->id != y->id)
        return x->id < y->id ? -1 : 1;
    return x->ordinal < y->ordinal ? -1 : x->ordinal > y->ordinal;
}

/* Sorted by (id, ordinal): the first definition of an id wins. */
#define LOWER_BOUND(fn, type)                                                                      \
    static type *fn(const st_vec *v, uint64_t id)                                                  \
    {                                                                                              \
        type *a = v->data;                                                                         \
        size_t lo = 0, hi = v->len;                                                                \
        while (lo < hi) {                                                                          \
            size_t mid = lo + (hi - lo) / 2;                                                       \
            if (a[mid].id < id)                                                                    \
                lo = mid + 1;                                                                      \
            else                                                                                   \
                hi = mid;                                                                          \
        }                                                                                          \
        return lo < v->len && a[lo].id == id ? &a[lo] : NULL;                                      \
    }

LOWER_BOUND(find_loc, pb_loc)
LOWER_BOUND(find_func, pb_func)

static void sort_ids(pctx *c)
{
    if (c->locs.len)
        qsort(c->locs.data, c->locs.len, sizeof(pb_loc), cmp_loc);
    if (c->funcs.len)
        qsort(c->funcs.data, c->funcs.len, sizeof(pb_func), cmp_func);
    const pb_loc *l = c->locs.data;
    for (size_t i = 1; i < c->locs.len; i++)
        if (l[i].id == l[i - 1].id)
            st_diag(c->s, l[i].off, 0, STRAND_ERR_PROTO, "duplicate location id; first kept");
    const pb_func *f = c->funcs.data;
    for (size_t i = 1; i < c->funcs.len; i++)
        if (f[i].id == f[i - 1].id)
            st_diag(c->s, f[i].off, 0, STRAND_ERR_PROTO, "duplicate function id; first kept");
}

/* String index -> interned string; false when out of range. */
static bool get_str(pctx *c, int64_t idx, strand_str *out)
{
    if (idx < 0 || (uint64_t)idx >= c->strings.len)
        return false;
    if (c->str_ids[idx] == UINT32_MAX) {
        const span *sp = (const span *)c->strings.data + idx;
        c->str_ids[idx] = st_intern(c->s, (const char *)c->r.base + sp->off, sp->len);
    }
    *out = c->str_ids[idx];
    return true;
}

static bool push_u32(pctx *c, st_vec *v, uint32_t x)
{
    uint32_t *slot = push(c, v, sizeof *slot);
    if (slot)
        *slot = x;
    return slot != NULL;
}

static uint32_t unsymbolized_frame(pctx *c, uint64_t addr)
{
    char hex[24];
    int k = snprintf(hex, sizeof hex, "0x%" PRIx64, addr);
    strand_str func = addr ? st_intern(c->s, hex, (size_t)k) : c->question;
    return st_frame(c->s, func, 0, 0, 0);
}

static void note_chan_op(pctx *c, strand_str name, const pb_func *fn)
{
    static const char *const names[OP__COUNT] = {"runtime.chansend", "runtime.chanrecv"};
    size_t n;
    const char *p = strand_str_get(c->s, name, &n);
    for (int i = 0; i < OP__COUNT; i++)
        if (n == 16 && memcmp(p, names[i], 16) == 0) {
            c->ops[i].name = name;
            c->ops[i].start_line = fn->start_line;
        }
}

static uint32_t line_frame(pctx *c, const pb_loc *loc, const pb_line *ln, bool inlined)
{
    const pb_func *fn = find_func(&c->funcs, ln->func_id);
    strand_str name = c->question, file = 0;
    if (!fn) {
        st_diag(c->s, loc->off, 0, STRAND_ERR_PROTO, "location names an undefined function");
    } else if (!get_str(c, fn->name, &name) || (fn->file && !get_str(c, fn->file, &file))) {
        st_diag(c->s, fn->off, 0, STRAND_ERR_PROTO, "function string index out of range");
        name = name ? name : c->question;
    } else {
        note_chan_op(c, name, fn);
    }
    uint32_t line = ln->line < 0 ? 0 : ln->line > UINT32_MAX ? UINT32_MAX : (uint32_t)ln->line;
    return st_frame(c->s, name, file, line, inlined ? STRAND_FRAME_INLINED : 0);
}

/* The frames of a location, interned once and cached. */
static void resolve_location(pctx *c, pb_loc *loc)
{
    loc->frames_off = (uint32_t)c->loc_frames.len;
    loc->nframes = 0;
    if (loc->nlines == 0) {
        if (push_u32(c, &c->loc_frames, unsymbolized_frame(c, loc->addr)))
            loc->nframes = 1;
        return;
    }
    const pb_line *lines = (const pb_line *)c->lines.data + loc->lines_off;
    for (uint32_t i = 0; i < loc->nlines; i++) {
        if (!push_u32(c, &c->loc_frames, line_frame(c, loc, &lines[i], i + 1 < loc->nlines)))
            return;
        loc->nframes++;
    }
}

/* ---- samples ------------------------------------------------------------------------ */

static bool put_id(void *ctx, uint64_t v)
{
    pctx *c = ctx;
    uint64_t *slot = push(c, &c->ids, sizeof *slot);
    if (slot)
        *slot = v;
    return slot != NULL;
}

typedef struct {
    int64_t first;
    size_t n;
} values;

static bool put_value(void *ctx, uint64_t v)
{
    values *vs = ctx;
    if (vs->n++ == 0)
        vs->first = (int64_t)v;
    return true;
}

static void read_label(pctx *c, const pb_field *f, size_t sample_off)
{
    pb_reader s = pb_sub(&c->r, f);
    pb_field g;
    int64_t key = 0, str = 0, num = 0;
    bool has_num = false;
    while (pb_next(&s, &g)) {
        if (g.wt != WT_VARINT)
            continue;
        if (g.num == 1)
            key = (int64_t)g.v;
        else if (g.num == 2)
            str = (int64_t)g.v;
        else if (g.num == 3) {
            num = (int64_t)g.v;
            has_num = true;
        }
    }
    if (!pb_sub_done(&c->r, &s) || c->labels.len >= STRAND_MAX_LABELS)
        return;
    strand_label l = {c->question, 0};
    bool ok = get_str(c, key, &l.key);
    if (has_num && !str) {
        char dec[24];
        int k = snprintf(dec, sizeof dec, "%" PRId64, num);
        l.value = st_intern(c->s, dec, (size_t)k);
    } else if (!get_str(c, str, &l.value)) {
        ok = false;
        l.value = c->question;
    }
    if (!ok)
        st_diag(c->s, sample_off, 0, STRAND_ERR_PROTO, "label string index out of range");
    strand_label *slot = push(c, &c->labels, sizeof *slot);
    if (slot)
        *slot = l;
}

static void append_location(pctx *c, uint64_t id, size_t sample_off, bool *cut)
{
    pb_loc *loc = find_loc(&c->locs, id);
    if (!loc) {
        st_diag(c->s, sample_off, 0, STRAND_ERR_PROTO, "sample names an undefined location");
        push_u32(c, &c->stack, st_frame(c->s, c->question, 0, 0, 0));
        return;
    }
    if (loc->nframes == UINT32_MAX)
        resolve_location(c, loc);
    const uint32_t *fr = (const uint32_t *)c->loc_frames.data + loc->frames_off;
    for (uint32_t i = 0; i < loc->nframes; i++) {
        if (c->stack.len >= STRAND_MAX_FRAMES) {
            *cut = true;
            return;
        }
        push_u32(c, &c->stack, fr[i]);
    }
}

/* Runtime frames are all there: a goroutine whose innermost frame is the
 * user's code was stopped while running (preempted at a function entry). */
static strand_kind sample_kind(const strand_snapshot *s, const uint32_t *fr, size_t n)
{
    strand_kind k = st_kind_from_frames(s, fr, n);
    if (k != STRAND_KIND_UNKNOWN || n == 0)
        return k;
    const strand_frame *f = strand_frame_get(s, fr[0]);
    size_t len = 0;
    const char *name = f ? strand_str_get(s, f->func, &len) : "";
    if (len < 2 || name[0] == '?' || memcmp(name, "0x", 2) == 0 ||
        (len > 8 && memcmp(name, "runtime.", 8) == 0))
        return k;
    return STRAND_KIND_RUNNABLE;
}

static void add_sample(pctx *c, const values *vs, size_t off)
{
    strand_snapshot *s = c->s;
    if (vs->n == 0)
        st_diag(s, off, 0, STRAND_ERR_PROTO, "sample without a value; count 0");
    uint32_t stack = st_stack(s, c->stack.data, c->stack.len);
    uint32_t labels = st_labelset(s, c->labels.data, c->labels.len);
    strand_record *r = st_add_record(s);
    if (!r)
        return;
    r->count = vs->first;
    r->stack = stack;
    r->labels = labels;
    r->flags = c->leak ? STRAND_G_LEAKED : 0;
    r->kind = (uint16_t)sample_kind(s, c->stack.data, c->stack.len);
}

static void read_sample(pctx *c, const span *sp)
{
    pb_field fake = {0, WT_LEN, 0, c->r.base + sp->off, sp->len, sp->off};
    pb_reader s = pb_sub(&c->r, &fake);
    pb_field g;
    values vs = {0, 0};
    c->ids.len = c->stack.len = c->labels.len = 0;
    while (pb_next(&s, &g)) {
        if (g.num == 1)
            pb_ints(&s, &g, put_id, c);
        else if (g.num == 2)
            pb_ints(&s, &g, put_value, &vs);
        else if (g.num == 3 && g.wt == WT_LEN)
            read_label(c, &g, sp->off);
    }
    if (!pb_sub_done(&c->r, &s))
        return;
    bool cut = false;
    const uint64_t *ids = c->ids.data;
    for (size_t i = 0; i < c->ids.len; i++)
        append_location(c, ids[i], sp->off, &cut);
    if (cut)
        st_diag(c->s, sp->off, 0, STRAND_ERR_PROTO, "too many frames; stack cut");
    add_sample(c, &vs, sp->off);
}

/* ---- nil channels ------------------------------------------------------------------ *
 * chansend and chanrecv (runtime/chan.go) park in two places: first, a few
 * lines into the function, for a nil channel; later for a real wait. With
 * Function.start_line (written since Go 1.20) a gopark site near the start
 * is the nil one; without it, two distinct lines in one profile mean the
 * lower is. */

#define NIL_SITE_LINES 30

/* The line of the chansend/chanrecv frame of a channel wait, 0 if none. */
static uint32_t op_line(const pctx *c, const strand_record *r, int *op)
{
    size_t n;
    const uint32_t *fr = strand_stack_frames(c->s, r->stack, &n);
    for (size_t i = 0; i < n && i < 3; i++) {
        const strand_frame *f = strand_frame_get(c->s, fr[i]);
        for (int k = 0; k < OP__COUNT; k++)
            if (c->ops[k].name && f->func == c->ops[k].name) {
                *op = k;
                return f->line;
            }
    }
    return 0;
}

static bool is_chan_kind(uint16_t k)
{
    return k == STRAND_KIND_CHAN_SEND || k == STRAND_KIND_CHAN_RECEIVE;
}

static void lowest_of_two(const pctx *c, uint32_t nil_line[OP__COUNT])
{
    uint32_t a[OP__COUNT] = {0, 0}, b[OP__COUNT] = {0, 0};
    bool many[OP__COUNT] = {false, false};
    const strand_record *r = c->s->records.data;
    for (size_t i = 0; i < c->s->records.len; i++) {
        int op = 0;
        uint32_t line = is_chan_kind(r[i].kind) ? op_line(c, &r[i], &op) : 0;
        if (!line || line == a[op] || line == b[op])
            continue;
        if (!a[op])
            a[op] = line;
        else if (!b[op])
            b[op] = line;
        else
            many[op] = true;
    }
    for (int k = 0; k < OP__COUNT; k++)
        nil_line[k] = b[k] && !many[k] ? (a[k] < b[k] ? a[k] : b[k]) : 0;
}

static void mark_nil_chans(pctx *c)
{
    uint32_t nil_line[OP__COUNT];
    lowest_of_two(c, nil_line);
    strand_record *r = c->s->records.data;
    for (size_t i = 0; i < c->s->records.len; i++) {
        int op = 0;
        uint32_t line = is_chan_kind(r[i].kind) ? op_line(c, &r[i], &op) : 0;
        if (!line)
            continue;
        int64_t start = c->ops[op].start_line;
        bool nil =
            start > 0 ? line >= start && line - start < NIL_SITE_LINES : line == nil_line[op];
        if (nil)
            r[i].kind = STRAND_KIND_NIL_CHAN;
    }
}

/* ---- the profile ------------------------------------------------------------------- */

static void set_profile_type(pctx *c)
{
    strand_str t = 0;
    if (!get_str(c, c->sample_type, &t))
        get_str(c, c->period_type, &t);
    size_t n;
    const char *name = strand_str_get(c->s, t, &n);
    c->s->profile_type = t;
    c->leak = n == 13 && memcmp(name, "goroutineleak", 13) == 0;
    if (!c->leak && !(n == 9 && memcmp(name, "goroutine", 9) == 0))
        st_diag(c->s, 0, 0, STRAND_ERR_FORMAT, "not a goroutine profile");
}

static strand_code resolve(pctx *c)
{
    size_t ns = c->strings.len;
    if (ns) {
        c->str_ids = st_malloc(c->a, ns * sizeof *c->str_ids);
        if (!c->str_ids)
            return STRAND_ERR_NOMEM;
        c->nstr_ids = ns;
        memset(c->str_ids, 0xff, ns * sizeof *c->str_ids);
    }
    c->question = st_intern(c->s, "?", 1);
    set_profile_type(c);
    sort_ids(c);
    const span *sp = c->samples.data;
    for (size_t i = 0; i < c->samples.len && !c->r.error; i++)
        read_sample(c, &sp[i]);
    if (!c->r.error && !c->s->oom)
        mark_nil_chans(c);
    return c->r.error ? STRAND_ERR_PROTO : STRAND_OK;
}

static void pctx_free(pctx *c)
{
    st_vec_free(c->a, &c->strings, sizeof(span));
    st_vec_free(c->a, &c->samples, sizeof(span));
    st_vec_free(c->a, &c->locs, sizeof(pb_loc));
    st_vec_free(c->a, &c->lines, sizeof(pb_line));
    st_vec_free(c->a, &c->funcs, sizeof(pb_func));
    st_vec_free(c->a, &c->loc_frames, sizeof(uint32_t));
    st_vec_free(c->a, &c->stack, sizeof(uint32_t));
    st_vec_free(c->a, &c->ids, sizeof(uint64_t));
    st_vec_free(c->a, &c->labels, sizeof(strand_label));
    st_free(c->a, c->str_ids, c->nstr_ids * sizeof *c->str_ids);
}

static strand_code parse_message(strand_snapshot *s, const uint8_t *p, size_t n, strand_error *err)
{
    pctx c;
    memset(&c, 0, sizeof c);
    c.s = s;
    c.a = &s->alloc;
    c.r.p = c.r.base = p;
    c.r.end = p + n;
    c.sample_type = c.period_type = -1;
    s->format = STRAND_FORMAT_PPROF_PROTO;
    strand_code code = collect(&c) ? resolve(&c) : STRAND_ERR_PROTO;
    if (c.nomem || s->oom)
        code = STRAND_ERR_NOMEM;
    if (code == STRAND_ERR_PROTO)
        st_set_error(err, code, c.r.error, c.r.error_off);
    else if (code != STRAND_OK)
        st_set_error(err, code, NULL, c.r.error_off);
    pctx_free(&c);
    return code;
}

strand_code st_proto_parse(strand_snapshot *s, const uint8_t *p, size_t n, strand_error *err)
{
    if (!s || (!p && n)) {
        st_set_error(err, STRAND_ERR_ARG, NULL, 0);
        return STRAND_ERR_ARG;
    }
    if (n > STRAND_MAX_PROTO) {
        st_set_error(err, STRAND_ERR_TOO_LARGE, "profile over the protobuf size cap", 0);
        return STRAND_ERR_TOO_LARGE;
    }
    if (!(n >= 2 && p[0] == 0x1f && p[1] == 0x8b))
        return parse_message(s, p, n, err);
    outbuf o = {NULL, NULL, 0, 0};
    strand_code c = gunzip(&s->alloc, p, n, &o, err);
    if (c == STRAND_OK)
        c = parse_message(s, o.buf, o.len, err);
    st_free(&s->alloc, o.buf, o.cap);
    return c;
}
