/* json_snapshot.c - the parsed model as JSON, schema "strand.snapshot/v1"
 * (docs/snapshot-schema.md). One pass over the snapshot, written as it goes
 * through the buffered sink: memory stays flat however many goroutines. */
#include "internal.h"
#include "jsonw.h"

static void str_or_null(st_jsonw *w, const strand_snapshot *s, strand_str id)
{
    size_t n;
    const char *p = strand_str_get(s, id, &n);
    if (n)
        st_jw_strn(w, p, n);
    else
        st_jw_null(w);
}

static void kuint_or_null(st_jsonw *w, const char *key, uint64_t v, bool known)
{
    st_jw_key(w, key);
    if (known)
        st_jw_uint(w, v);
    else
        st_jw_null(w);
}

/* Frames repeat: a million goroutines may share a few hundred frames. Each
 * frame's JSON is rendered once, kept (up to FC_MAX bytes in all) and then
 * copied: `parse --json` of a big dump runs about twice as fast. */
#define FC_MAX ((size_t)64 << 20)

typedef struct fc_slot {
    uint32_t off, len; /* len 0: not rendered yet */
} fc_slot;

typedef struct fcache {
    const strand_alloc *alloc;
    fc_slot *slot;
    size_t n;
    char *text;
    size_t len, cap;
} fcache;

static void fc_init(fcache *c, const strand_snapshot *s)
{
    memset(c, 0, sizeof *c);
    c->alloc = &s->alloc;
    size_t n = strand_snapshot_frame_count(s);
    if (n && n < SIZE_MAX / sizeof(fc_slot))
        c->slot = st_malloc(c->alloc, n * sizeof(fc_slot));
    if (c->slot) {
        memset(c->slot, 0, n * sizeof(fc_slot));
        c->n = n;
    }
}

static void fc_put(fcache *c, uint32_t id, const char *p, size_t n)
{
    if (!n || c->len + n > FC_MAX)
        return;
    if (c->cap - c->len < n) {
        size_t cap = c->cap ? c->cap * 2 : (size_t)64 << 10;
        while (cap - c->len < n)
            cap *= 2;
        char *t = st_realloc(c->alloc, c->text, c->cap, cap);
        if (!t)
            return;
        c->text = t;
        c->cap = cap;
    }
    memcpy(c->text + c->len, p, n);
    c->slot[id].off = (uint32_t)c->len;
    c->slot[id].len = (uint32_t)n;
    c->len += n;
}

static void fc_free(fcache *c)
{
    st_free(c->alloc, c->slot, c->n * sizeof(fc_slot));
    st_free(c->alloc, c->text, c->cap);
}

static void render_frame(st_jsonw *w, const strand_snapshot *s, const strand_frame *f)
{
    st_jw_key(w, "function");
    str_or_null(w, s, f->func);
    if (f->flags & STRAND_FRAME_ELIDED) {
        st_jw_kbool(w, "elided", true);
        kuint_or_null(w, "elided_frames", f->line, f->line != 0);
    } else {
        st_jw_key(w, "file");
        str_or_null(w, s, f->file);
        kuint_or_null(w, "line", f->line, f->line != 0);
    }
    if (f->flags & STRAND_FRAME_INLINED)
        st_jw_kbool(w, "inlined", true);
    if (f->flags & STRAND_FRAME_NON_GO)
        st_jw_kbool(w, "non_go", true);
}

static void write_frame(st_jsonw *w, const strand_snapshot *s, fcache *c, uint32_t id)
{
    const strand_frame *f = strand_frame_get(s, id);
    if (!f) {
        st_jw_null(w);
        return;
    }
    bool cacheable = id < c->n;
    if (cacheable && c->slot[id].len) {
        st_jw_raw(w, c->text + c->slot[id].off, c->slot[id].len);
        return;
    }
    st_jw_obj_flat(w);
    uint64_t start = st_out_pos(&w->out) - 1; /* at the '{' */
    render_frame(w, s, f);
    st_jw_obj_end(w);
    size_t n = 0;
    const char *p = cacheable ? st_out_since(&w->out, start, &n) : NULL;
    if (p)
        fc_put(c, id, p, n);
}

static void write_stack(st_jsonw *w, const strand_snapshot *s, fcache *c, uint32_t stack)
{
    size_t n = 0;
    const uint32_t *frames = strand_stack_frames(s, stack, &n);
    st_jw_arr(w);
    for (size_t i = 0; i < n; i++)
        write_frame(w, s, c, frames[i]);
    st_jw_arr_end(w);
}

static void write_created_by(st_jsonw *w, const strand_snapshot *s, fcache *c, uint32_t frame)
{
    st_jw_key(w, "created_by");
    if (frame == STRAND_NONE)
        st_jw_null(w);
    else
        write_frame(w, s, c, frame);
}

static void write_labels(st_jsonw *w, const strand_snapshot *s, uint32_t set)
{
    size_t n = 0;
    const strand_label *l = set == STRAND_NONE ? NULL : strand_labels_get(s, set, &n);
    st_jw_key(w, "labels");
    if (!n) {
        st_jw_null(w);
        return;
    }
    st_jw_obj_flat(w);
    for (size_t i = 0; i < n; i++) {
        st_jw_key(w, strand_str_get(s, l[i].key, NULL));
        st_jw_str(w, strand_str_get(s, l[i].value, NULL));
    }
    st_jw_obj_end(w);
}

static const struct {
    uint16_t bit;
    const char *name;
} g_flags[] = {
    {STRAND_G_LOCKED, "locked"}, {STRAND_G_LEAKED, "leaked"},     {STRAND_G_DURABLE, "durable"},
    {STRAND_G_SCAN, "scan"},     {STRAND_G_NO_STACK, "no_stack"}, {STRAND_G_TRUNCATED, "truncated"},
    {STRAND_G_SYSTEM, "system"}, {STRAND_G_CURRENT, "current"},
};

static void write_flags(st_jsonw *w, uint16_t flags)
{
    st_jw_key(w, "flags");
    st_jw_arr_flat(w);
    for (size_t i = 0; i < sizeof g_flags / sizeof g_flags[0]; i++)
        if (flags & g_flags[i].bit)
            st_jw_str(w, g_flags[i].name);
    st_jw_arr_end(w);
}

static void write_ancestors(st_jsonw *w, const strand_snapshot *s, fcache *c,
                            const strand_goroutine *g)
{
    if (g->ancestors == STRAND_NONE || !g->n_ancestors)
        return;
    st_jw_key(w, "ancestors");
    st_jw_arr(w);
    for (uint32_t i = 0; i < g->n_ancestors; i++) {
        const strand_ancestor *a = strand_snapshot_ancestor(s, g->ancestors + i);
        if (!a)
            break;
        st_jw_obj(w);
        st_jw_kuint(w, "id", a->id);
        write_created_by(w, s, c, a->created_by);
        st_jw_key(w, "stack");
        write_stack(w, s, c, a->stack);
        st_jw_obj_end(w);
    }
    st_jw_arr_end(w);
}

static void write_goroutine(st_jsonw *w, const strand_snapshot *s, fcache *c,
                            const strand_goroutine *g)
{
    st_jw_obj(w);
    kuint_or_null(w, "id", g->id, g->flags & STRAND_G_HAS_ID);
    kuint_or_null(w, "line", g->line, g->line != 0);
    st_jw_key(w, "status");
    str_or_null(w, s, g->status);
    st_jw_kstr(w, "kind", strand_kind_name((strand_kind)g->kind));
    kuint_or_null(w, "wait_minutes", (uint64_t)g->wait_minutes, g->wait_minutes >= 0);
    write_flags(w, g->flags);
    kuint_or_null(w, "synctest", g->synctest, g->synctest != 0);
    write_labels(w, s, g->labels);
    kuint_or_null(w, "creator_id", g->creator_id, g->creator_id != 0);
    write_created_by(w, s, c, g->created_by);
    st_jw_key(w, "stack");
    write_stack(w, s, c, g->stack);
    write_ancestors(w, s, c, g);
    st_jw_obj_end(w);
}

static void write_record(st_jsonw *w, const strand_snapshot *s, fcache *c, const strand_record *r)
{
    st_jw_obj(w);
    st_jw_kint(w, "count", r->count);
    kuint_or_null(w, "line", r->line, r->line != 0);
    st_jw_kstr(w, "kind", strand_kind_name((strand_kind)r->kind));
    st_jw_kbool(w, "leaked", r->flags & STRAND_G_LEAKED);
    write_labels(w, s, r->labels);
    st_jw_key(w, "stack");
    write_stack(w, s, c, r->stack);
    st_jw_obj_end(w);
}

static void write_diagnostics(st_jsonw *w, const strand_snapshot *s)
{
    size_t n = 0;
    const strand_diagnostic *d = strand_snapshot_diagnostics(s, &n);
    st_jw_key(w, "diagnostics");
    st_jw_arr(w);
    for (size_t i = 0; i < n; i++) {
        st_jw_obj_flat(w);
        kuint_or_null(w, "line", d[i].line, d[i].line != 0);
        st_jw_kuint(w, "offset", d[i].offset);
        st_jw_kint(w, "code", (int64_t)d[i].code);
        st_jw_kstr(w, "message", d[i].message ? d[i].message : strand_strerror(d[i].code));
        st_jw_obj_end(w);
    }
    st_jw_arr_end(w);
    st_jw_kuint(w, "diagnostic_total", strand_snapshot_diagnostic_total(s));
}

static void write_header(st_jsonw *w, const strand_snapshot *s)
{
    size_t n = 0;
    const strand_str *tests = strand_snapshot_running_tests(s, &n);
    int64_t t = strand_snapshot_time_nanos(s);
    st_jw_kstr(w, "schema", "strand.snapshot/v1");
    st_jw_kstr(w, "name", strand_snapshot_name(s));
    st_jw_kstr(w, "format", strand_format_name(strand_snapshot_format(s)));
    st_jw_kuint(w, "total", strand_snapshot_total(s));
    st_jw_key(w, "profile_type");
    str_or_null(w, s, strand_snapshot_profile_type(s));
    st_jw_key(w, "time_nanos");
    if (t)
        st_jw_int(w, t);
    else
        st_jw_null(w);
    st_jw_key(w, "reason");
    str_or_null(w, s, strand_snapshot_reason(s));
    st_jw_key(w, "running_tests");
    st_jw_arr_flat(w);
    for (size_t i = 0; i < n; i++)
        st_jw_str(w, strand_str_get(s, tests[i], NULL));
    st_jw_arr_end(w);
    write_diagnostics(w, s);
    st_jw_kuint(w, "skipped", strand_snapshot_skipped(s));
}

strand_code strand_snapshot_write_json(const strand_snapshot *s, const strand_sink *out,
                                       strand_error *err)
{
    st_jsonw w;
    if (st_jw_init(&w, out, 2) || !s) {
        st_out_finish(&w.out, NULL);
        st_set_error(err, STRAND_ERR_ARG, NULL, 0);
        return STRAND_ERR_ARG;
    }
    size_t ng = 0, nr = 0;
    const strand_goroutine *g = strand_snapshot_goroutines(s, &ng);
    const strand_record *r = strand_snapshot_records(s, &nr);
    fcache c;
    fc_init(&c, s);
    st_jw_obj(&w);
    write_header(&w, s);
    st_jw_key(&w, "goroutines");
    st_jw_arr(&w);
    for (size_t i = 0; i < ng && !w.out.err; i++)
        write_goroutine(&w, s, &c, &g[i]);
    st_jw_arr_end(&w);
    st_jw_key(&w, "records");
    st_jw_arr(&w);
    for (size_t i = 0; i < nr && !w.out.err; i++)
        write_record(&w, s, &c, &r[i]);
    st_jw_arr_end(&w);
    st_jw_obj_end(&w);
    fc_free(&c);
    return st_jw_finish(&w, err);
}
