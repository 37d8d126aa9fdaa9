/* snapshot.c - the snapshot: interning tables, appends and accessors. */
#include "internal.h"

#include <stdlib.h>

/* ---- the hash index ------------------------------------------------------ */

typedef bool (*index_eq)(const strand_snapshot *s, uint32_t id, const void *key);

static bool index_grow(strand_snapshot *s, st_index *ix, const uint64_t *hashes_of_ids,
                       uint64_t (*hash_of)(const strand_snapshot *, uint32_t))
{
    (void)hashes_of_ids;
    size_t cap = ix->mask ? (ix->mask + 1) * 2 : 1024;
    uint32_t *slots = st_malloc(&s->alloc, cap * sizeof *slots);
    if (!slots)
        return false;
    memset(slots, 0, cap * sizeof *slots);
    size_t mask = cap - 1;
    if (ix->mask) {
        for (size_t i = 0; i <= ix->mask; i++) {
            uint32_t v = ix->slots[i];
            if (!v)
                continue;
            size_t j = hash_of(s, v - 1) & mask;
            while (slots[j])
                j = (j + 1) & mask;
            slots[j] = v;
        }
        st_free(&s->alloc, ix->slots, (ix->mask + 1) * sizeof *slots);
    }
    ix->slots = slots;
    ix->mask = mask;
    return true;
}

/* Finds `key`; returns its id, or STRAND_NONE with *slot_out at the free slot
 * where it belongs. Grows the table first when 3/4 full. */
static uint32_t index_find(strand_snapshot *s, st_index *ix, uint64_t h, const void *key, index_eq eq,
                           uint64_t (*hash_of)(const strand_snapshot *, uint32_t), uint32_t **slot_out)
{
    if (!ix->mask || (ix->used + 1) * 4 > (ix->mask + 1) * 3) {
        if (!index_grow(s, ix, NULL, hash_of)) {
            s->oom = true;
            *slot_out = NULL;
            return STRAND_NONE;
        }
    }
    size_t j = h & ix->mask;
    for (;;) {
        uint32_t v = ix->slots[j];
        if (!v) {
            *slot_out = &ix->slots[j];
            return STRAND_NONE;
        }
        if (eq(s, v - 1, key))
            return v - 1;
        j = (j + 1) & ix->mask;
    }
}

static void index_free(strand_snapshot *s, st_index *ix)
{
    if (ix->mask)
        st_free(&s->alloc, ix->slots, (ix->mask + 1) * sizeof *ix->slots);
    memset(ix, 0, sizeof *ix);
}

/* ---- strings ------------------------------------------------------------- */

typedef struct {
    const char *p;
    size_t n;
    uint64_t h;
} str_key;

static uint64_t str_hash_of(const strand_snapshot *s, uint32_t id)
{
    return ((const st_str_entry *)s->strs.data)[id].hash;
}

static bool str_eq(const strand_snapshot *s, uint32_t id, const void *key)
{
    const str_key *k = key;
    const st_str_entry *e = &((const st_str_entry *)s->strs.data)[id];
    return e->hash == k->h && e->len == k->n && memcmp(e->ptr, k->p, k->n) == 0;
}

static strand_str intern_hashed(strand_snapshot *s, const char *p, size_t n, uint64_t h);

strand_str st_intern(strand_snapshot *s, const char *p, size_t n)
{
    if (n == 0 || s->oom)
        return 0;
    if (n > UINT32_MAX)
        n = UINT32_MAX;
    return intern_hashed(s, p, n, st_hash_bytes(p, n));
}

static strand_str intern_hashed(strand_snapshot *s, const char *p, size_t n, uint64_t h)
{
    str_key k = {p, n, h};
    uint32_t *slot;
    uint32_t id = index_find(s, &s->str_index, k.h, &k, str_eq, str_hash_of, &slot);
    if (id != STRAND_NONE)
        return id;
    if (!slot)
        return 0;
    char *copy = st_arena_alloc(&s->arena, n + 1, 1);
    st_str_entry *e = copy ? st_vec_push(&s->alloc, &s->strs, sizeof *e) : NULL;
    if (!e) {
        s->oom = true;
        return 0;
    }
    memcpy(copy, p, n);
    copy[n] = '\0';
    e->ptr = copy;
    e->len = (uint32_t)n;
    e->hash = k.h;
    id = (uint32_t)(s->strs.len - 1);
    *slot = id + 1;
    s->str_index.used++;
    return id;
}

/* ---- frames -------------------------------------------------------------- */

typedef struct {
    strand_frame f;
    uint64_t h;
} frame_key;

static uint64_t frame_hash_of(const strand_snapshot *s, uint32_t id)
{
    return ((const uint64_t *)s->frame_hashes.data)[id];
}

static bool frame_eq(const strand_snapshot *s, uint32_t id, const void *key)
{
    const frame_key *k = key;
    const strand_frame *f = &((const strand_frame *)s->frames.data)[id];
    return f->func == k->f.func && f->file == k->f.file && f->line == k->f.line &&
           f->flags == k->f.flags;
}

uint32_t st_frame(strand_snapshot *s, strand_str func, strand_str file, uint32_t line, uint32_t flags)
{
    if (s->oom)
        return STRAND_NONE;
    const st_str_entry *strs = s->strs.data;
    uint64_t h = st_hash_mix(strs[func].hash, strs[file].hash);
    h = st_hash_mix(h, ((uint64_t)line << 32) | flags);
    frame_key k = {{func, file, line, flags}, h};
    uint32_t *slot;
    uint32_t id = index_find(s, &s->frame_index, h, &k, frame_eq, frame_hash_of, &slot);
    if (id != STRAND_NONE || !slot)
        return id;
    strand_frame *f = st_vec_push(&s->alloc, &s->frames, sizeof *f);
    uint64_t *fh = f ? st_vec_push(&s->alloc, &s->frame_hashes, sizeof *fh) : NULL;
    if (!fh) {
        s->oom = true;
        return STRAND_NONE;
    }
    *f = k.f;
    *fh = h;
    id = (uint32_t)(s->frames.len - 1);
    *slot = id + 1;
    s->frame_index.used++;
    return id;
}

/* ---- stacks -------------------------------------------------------------- */

typedef struct {
    const uint32_t *frames;
    size_t n;
    uint64_t h;
} stack_key;

static uint64_t stack_hash_of(const strand_snapshot *s, uint32_t id)
{
    return ((const st_stack_entry *)s->stacks.data)[id].hash;
}

static bool stack_eq(const strand_snapshot *s, uint32_t id, const void *key)
{
    const stack_key *k = key;
    const st_stack_entry *e = &((const st_stack_entry *)s->stacks.data)[id];
    return e->hash == k->h && e->len == k->n &&
           (k->n == 0 ||
            memcmp((const uint32_t *)s->stack_frames.data + e->off, k->frames, k->n * 4) == 0);
}

uint32_t st_stack(strand_snapshot *s, const uint32_t *frames, size_t n)
{
    if (s->oom)
        return STRAND_NONE;
    const uint64_t *fh = s->frame_hashes.data;
    uint64_t h = 0x51afd7ed558ccd00ull ^ n;
    for (size_t i = 0; i < n; i++)
        h = st_hash_mix(h, fh[frames[i]]);
    stack_key k = {frames, n, h};
    uint32_t *slot;
    uint32_t id = index_find(s, &s->stack_index, h, &k, stack_eq, stack_hash_of, &slot);
    if (id != STRAND_NONE || !slot)
        return id;
    if (s->stack_frames.len + n > UINT32_MAX ||
        !st_vec_reserve(&s->alloc, &s->stack_frames, sizeof(uint32_t), n)) {
        s->oom = true;
        return STRAND_NONE;
    }
    st_stack_entry *e = st_vec_push(&s->alloc, &s->stacks, sizeof *e);
    if (!e) {
        s->oom = true;
        return STRAND_NONE;
    }
    e->off = (uint32_t)s->stack_frames.len;
    e->len = (uint32_t)n;
    e->hash = h;
    if (n)
        memcpy((uint32_t *)s->stack_frames.data + s->stack_frames.len, frames, n * 4);
    s->stack_frames.len += n;
    id = (uint32_t)(s->stacks.len - 1);
    *slot = id + 1;
    s->stack_index.used++;
    return id;
}

/* ---- label sets ---------------------------------------------------------- */

typedef struct {
    const strand_label *items;
    size_t n;
    uint64_t h;
} labels_key;

static uint64_t labels_hash(const strand_snapshot *s, const strand_label *items, size_t n)
{
    const st_str_entry *strs = s->strs.data;
    uint64_t h = 0x2545f4914f6cdd1dull ^ n;
    for (size_t i = 0; i < n; i++)
        h = st_hash_mix(st_hash_mix(h, strs[items[i].key].hash), strs[items[i].value].hash);
    return h;
}

static uint64_t labelset_hash_of(const strand_snapshot *s, uint32_t id)
{
    const st_labelset_entry *e = &((const st_labelset_entry *)s->labelsets.data)[id];
    return labels_hash(s, (const strand_label *)s->label_items.data + e->off, e->len);
}

static bool labelset_eq(const strand_snapshot *s, uint32_t id, const void *key)
{
    const labels_key *k = key;
    const st_labelset_entry *e = &((const st_labelset_entry *)s->labelsets.data)[id];
    return e->len == k->n &&
           memcmp((const strand_label *)s->label_items.data + e->off, k->items,
                  k->n * sizeof(strand_label)) == 0;
}

static int label_cmp(const void *a, const void *b, const strand_snapshot *s)
{
    const strand_label *x = a, *y = b;
    const st_str_entry *strs = s->strs.data;
    int c = strcmp(strs[x->key].ptr, strs[y->key].ptr);
    return c ? c : strcmp(strs[x->value].ptr, strs[y->value].ptr);
}

uint32_t st_labelset(strand_snapshot *s, strand_label *labels, size_t n)
{
    if (n == 0 || s->oom)
        return STRAND_NONE;
    /* insertion sort: label sets are small (capped at STRAND_MAX_LABELS) */
    for (size_t i = 1; i < n; i++) {
        strand_label v = labels[i];
        size_t j = i;
        while (j > 0 && label_cmp(&labels[j - 1], &v, s) > 0) {
            labels[j] = labels[j - 1];
            j--;
        }
        labels[j] = v;
    }
    labels_key k = {labels, n, labels_hash(s, labels, n)};
    uint32_t *slot;
    uint32_t id = index_find(s, &s->labelset_index, k.h, &k, labelset_eq, labelset_hash_of, &slot);
    if (id != STRAND_NONE || !slot)
        return id;
    if (!st_vec_reserve(&s->alloc, &s->label_items, sizeof(strand_label), n)) {
        s->oom = true;
        return STRAND_NONE;
    }
    st_labelset_entry *e = st_vec_push(&s->alloc, &s->labelsets, sizeof *e);
    if (!e) {
        s->oom = true;
        return STRAND_NONE;
    }
    e->off = (uint32_t)s->label_items.len;
    e->len = (uint32_t)n;
    memcpy((strand_label *)s->label_items.data + e->off, labels, n * sizeof(strand_label));
    s->label_items.len += n;
    id = (uint32_t)(s->labelsets.len - 1);
    *slot = id + 1;
    s->labelset_index.used++;
    return id;
}

/* ---- appends ------------------------------------------------------------- */

strand_goroutine *st_add_goroutine(strand_snapshot *s)
{
    strand_goroutine *g = st_vec_push(&s->alloc, &s->goroutines, sizeof *g);
    if (!g) {
        s->oom = true;
        return NULL;
    }
    g->stack = STRAND_NONE;
    g->created_by = STRAND_NONE;
    g->labels = STRAND_NONE;
    g->ancestors = STRAND_NONE;
    g->wait_minutes = -1;
    return g;
}

strand_record *st_add_record(strand_snapshot *s)
{
    strand_record *r = st_vec_push(&s->alloc, &s->records, sizeof *r);
    if (!r) {
        s->oom = true;
        return NULL;
    }
    r->stack = STRAND_NONE;
    r->labels = STRAND_NONE;
    return r;
}

strand_ancestor *st_add_ancestor(strand_snapshot *s)
{
    strand_ancestor *a = st_vec_push(&s->alloc, &s->ancestors, sizeof *a);
    if (!a) {
        s->oom = true;
        return NULL;
    }
    a->stack = STRAND_NONE;
    a->created_by = STRAND_NONE;
    return a;
}

void st_add_running_test(strand_snapshot *s, strand_str name)
{
    strand_str *p = st_vec_push(&s->alloc, &s->running_tests, sizeof *p);
    if (!p) {
        s->oom = true;
        return;
    }
    *p = name;
}

void st_diag(strand_snapshot *s, uint64_t off, uint32_t line, strand_code code, const char *msg)
{
    s->diag_total++;
    if (s->diags.len >= STRAND_MAX_DIAGNOSTICS)
        return;
    strand_diagnostic *d = st_vec_push(&s->alloc, &s->diags, sizeof *d);
    if (!d) {
        s->oom = true;
        return;
    }
    d->offset = off;
    d->line = line;
    d->code = code;
    d->message = msg;
}

/* ---- merging (parallel reading) ------------------------------------------ */

static void index_clear(st_index *ix)
{
    if (ix->mask)
        memset(ix->slots, 0, (ix->mask + 1) * sizeof *ix->slots);
    ix->used = 0;
}

void st_snapshot_reset(strand_snapshot *s)
{
    s->oom = false;
    s->format = STRAND_FORMAT_UNKNOWN;
    s->total_line = 0;
    s->has_total_line = false;
    s->profile_type = 0;
    s->time_nanos = 0;
    s->reason = 0;
    s->strs.len = 1; /* "" stays */
    s->frames.len = s->frame_hashes.len = 0;
    s->stacks.len = s->stack_frames.len = 0;
    s->labelsets.len = s->label_items.len = 0;
    s->goroutines.len = s->records.len = s->ancestors.len = 0;
    s->diags.len = s->running_tests.len = 0;
    s->diag_total = s->skipped = 0;
    index_clear(&s->str_index);
    index_clear(&s->frame_index);
    index_clear(&s->stack_index);
    index_clear(&s->labelset_index);
    st_arena_reset(&s->arena);
    s->name = NULL;
}

/* Ids of `from` in `into`: interned in `from`'s id order, which keeps the
 * order in which the text first needed them (see st_snapshot_merge). */
typedef struct remap {
    uint32_t *str, *frame, *stack, *labels;
    uint32_t *tmp; /* a stack's frames */
} remap;

static uint32_t map_id(const uint32_t *m, uint32_t id)
{
    return id == STRAND_NONE ? STRAND_NONE : m[id];
}

static void remap_tables(strand_snapshot *d, const strand_snapshot *s, remap *m)
{
    const st_str_entry *str = s->strs.data;
    m->str[0] = 0;
    for (size_t i = 1; i < s->strs.len && !d->oom; i++)
        m->str[i] = intern_hashed(d, str[i].ptr, str[i].len, str[i].hash);
    const strand_frame *fr = s->frames.data;
    for (size_t i = 0; i < s->frames.len && !d->oom; i++)
        m->frame[i] = st_frame(d, m->str[fr[i].func], m->str[fr[i].file], fr[i].line, fr[i].flags);
    const st_stack_entry *st = s->stacks.data;
    const uint32_t *sf = s->stack_frames.data;
    for (size_t i = 0; i < s->stacks.len && !d->oom; i++) {
        for (uint32_t j = 0; j < st[i].len; j++)
            m->tmp[j] = m->frame[sf[st[i].off + j]];
        m->stack[i] = st_stack(d, m->tmp, st[i].len);
    }
    const st_labelset_entry *ls = s->labelsets.data;
    const strand_label *li = s->label_items.data;
    strand_label tmp[STRAND_MAX_LABELS];
    for (size_t i = 0; i < s->labelsets.len && !d->oom; i++) {
        size_t n = ls[i].len < STRAND_MAX_LABELS ? ls[i].len : STRAND_MAX_LABELS;
        for (size_t j = 0; j < n; j++)
            tmp[j] = (strand_label){m->str[li[ls[i].off + j].key], m->str[li[ls[i].off + j].value]};
        m->labels[i] = st_labelset(d, tmp, n);
    }
}

static uint32_t add_base(uint32_t line, uint32_t base)
{
    return line ? line + base : 0;
}

static void append_items(strand_snapshot *d, const strand_snapshot *s, const remap *m,
                         uint32_t line_base)
{
    uint32_t anc_base = (uint32_t)d->ancestors.len;
    const strand_ancestor *an = s->ancestors.data;
    for (size_t i = 0; i < s->ancestors.len; i++) {
        strand_ancestor *a = st_add_ancestor(d);
        if (!a)
            return;
        *a = (strand_ancestor){an[i].id, map_id(m->stack, an[i].stack), map_id(m->frame, an[i].created_by)};
    }
    if (!st_vec_reserve(&d->alloc, &d->goroutines, sizeof(strand_goroutine), s->goroutines.len)) {
        d->oom = true;
        return;
    }
    const strand_goroutine *g = s->goroutines.data;
    strand_goroutine *out = (strand_goroutine *)d->goroutines.data + d->goroutines.len;
    for (size_t i = 0; i < s->goroutines.len; i++) {
        out[i] = g[i];
        out[i].status = m->str[g[i].status];
        out[i].stack = map_id(m->stack, g[i].stack);
        out[i].created_by = map_id(m->frame, g[i].created_by);
        out[i].labels = map_id(m->labels, g[i].labels);
        out[i].ancestors = g[i].ancestors == STRAND_NONE ? STRAND_NONE : g[i].ancestors + anc_base;
        out[i].line = add_base(g[i].line, line_base);
    }
    d->goroutines.len += s->goroutines.len;
    const strand_record *rs = s->records.data;
    for (size_t i = 0; i < s->records.len; i++) {
        strand_record *r = st_add_record(d);
        if (!r)
            return;
        *r = rs[i];
        r->stack = map_id(m->stack, rs[i].stack);
        r->labels = map_id(m->labels, rs[i].labels);
        r->line = add_base(rs[i].line, line_base);
    }
    const strand_str *rt = s->running_tests.data;
    for (size_t i = 0; i < s->running_tests.len; i++)
        st_add_running_test(d, m->str[rt[i]]);
}

static void merge_facts(strand_snapshot *d, const strand_snapshot *s, const remap *m,
                        uint32_t line_base)
{
    const strand_diagnostic *dg = s->diags.data;
    size_t k = 0;
    for (; k < s->diags.len && d->diags.len < STRAND_MAX_DIAGNOSTICS; k++)
        st_diag(d, dg[k].offset, add_base(dg[k].line, line_base), dg[k].code, dg[k].message);
    d->diag_total += s->diag_total - k; /* st_diag counted the k it was given */
    d->skipped += s->skipped;
    if (!d->reason && s->reason)
        d->reason = m->str[s->reason];
    if (!d->profile_type && s->profile_type)
        d->profile_type = m->str[s->profile_type];
    if (s->has_total_line) {
        d->has_total_line = true;
        d->total_line = s->total_line;
    }
    if (!d->time_nanos)
        d->time_nanos = s->time_nanos;
}

bool st_snapshot_merge(strand_snapshot *d, const strand_snapshot *s, uint32_t line_base)
{
    if (s->oom || d->oom) {
        d->oom = true;
        return false;
    }
    size_t maxlen = 0;
    const st_stack_entry *st = s->stacks.data;
    for (size_t i = 0; i < s->stacks.len; i++)
        if (st[i].len > maxlen)
            maxlen = st[i].len;
    size_t n = s->strs.len + s->frames.len + s->stacks.len + s->labelsets.len + maxlen + 1;
    uint32_t *buf = st_malloc(&d->alloc, n * sizeof *buf);
    if (!buf) {
        d->oom = true;
        return false;
    }
    remap m = {buf, buf + s->strs.len, NULL, NULL, NULL};
    m.stack = m.frame + s->frames.len;
    m.labels = m.stack + s->stacks.len;
    m.tmp = m.labels + s->labelsets.len;
    remap_tables(d, s, &m);
    if (!d->oom)
        append_items(d, s, &m, line_base);
    if (!d->oom)
        merge_facts(d, s, &m, line_base);
    st_free(&d->alloc, buf, n * sizeof *buf);
    return !d->oom;
}

/* ---- lifetime ------------------------------------------------------------ */

strand_snapshot *st_snapshot_new(const strand_alloc *a, const char *name)
{
    if (!a || !a->malloc_fn)
        a = &st_default_alloc;
    strand_snapshot *s = st_malloc(a, sizeof *s);
    if (!s)
        return NULL;
    memset(s, 0, sizeof *s);
    s->alloc = *a;
    st_arena_init(&s->arena, &s->alloc);
    st_str_entry *empty = st_vec_push(&s->alloc, &s->strs, sizeof *empty);
    if (name) {
        size_t n = strlen(name);
        s->name = st_arena_alloc(&s->arena, n + 1, 1);
        if (s->name)
            memcpy(s->name, name, n + 1);
    }
    if (!empty || (name && !s->name)) {
        strand_snapshot_free(s);
        return NULL;
    }
    empty->ptr = "";
    empty->len = 0;
    empty->hash = st_hash_bytes("", 0);
    return s;
}

void strand_snapshot_free(strand_snapshot *s)
{
    if (!s)
        return;
    strand_alloc a = s->alloc;
    st_vec_free(&a, &s->strs, sizeof(st_str_entry));
    index_free(s, &s->str_index);
    st_vec_free(&a, &s->frames, sizeof(strand_frame));
    st_vec_free(&a, &s->frame_hashes, sizeof(uint64_t));
    index_free(s, &s->frame_index);
    st_vec_free(&a, &s->stacks, sizeof(st_stack_entry));
    st_vec_free(&a, &s->stack_frames, sizeof(uint32_t));
    index_free(s, &s->stack_index);
    st_vec_free(&a, &s->labelsets, sizeof(st_labelset_entry));
    st_vec_free(&a, &s->label_items, sizeof(strand_label));
    index_free(s, &s->labelset_index);
    st_vec_free(&a, &s->goroutines, sizeof(strand_goroutine));
    st_vec_free(&a, &s->records, sizeof(strand_record));
    st_vec_free(&a, &s->ancestors, sizeof(strand_ancestor));
    st_vec_free(&a, &s->diags, sizeof(strand_diagnostic));
    st_vec_free(&a, &s->running_tests, sizeof(strand_str));
    st_arena_free(&s->arena);
    st_free(&a, s, sizeof *s);
}

/* ---- accessors ----------------------------------------------------------- */

strand_format strand_snapshot_format(const strand_snapshot *s) { return s->format; }
const char *strand_snapshot_name(const strand_snapshot *s) { return s->name ? s->name : ""; }
strand_str strand_snapshot_profile_type(const strand_snapshot *s) { return s->profile_type; }
int64_t strand_snapshot_time_nanos(const strand_snapshot *s) { return s->time_nanos; }
strand_str strand_snapshot_reason(const strand_snapshot *s) { return s->reason; }
uint64_t strand_snapshot_diagnostic_total(const strand_snapshot *s) { return s->diag_total; }
uint64_t strand_snapshot_skipped(const strand_snapshot *s) { return s->skipped; }
size_t strand_snapshot_stack_count(const strand_snapshot *s) { return s->stacks.len; }
size_t strand_snapshot_frame_count(const strand_snapshot *s) { return s->frames.len; }

uint64_t strand_snapshot_total(const strand_snapshot *s)
{
    if (s->has_total_line)
        return s->total_line;
    uint64_t total = s->goroutines.len;
    const strand_record *r = s->records.data;
    for (size_t i = 0; i < s->records.len; i++)
        if (r[i].count > 0)
            total += (uint64_t)r[i].count;
    return total;
}

#define VEC_ACCESSOR(fn, type, field)                                                                 \
    const type *fn(const strand_snapshot *s, size_t *n)                                             \
    {                                                                                                \
        if (n)                                                                                       \
            *n = s->field.len;                                                                       \
        return s->field.len ? (const type *)s->field.data : NULL;                                    \
    }

VEC_ACCESSOR(strand_snapshot_goroutines, strand_goroutine, goroutines)
VEC_ACCESSOR(strand_snapshot_records, strand_record, records)
VEC_ACCESSOR(strand_snapshot_diagnostics, strand_diagnostic, diags)
VEC_ACCESSOR(strand_snapshot_running_tests, strand_str, running_tests)

const char *strand_str_get(const strand_snapshot *s, strand_str id, size_t *len)
{
    const st_str_entry *e = s->strs.data;
    if (id >= s->strs.len) {
        if (len)
            *len = 0;
        return "";
    }
    if (len)
        *len = e[id].len;
    return e[id].ptr;
}

const strand_frame *strand_frame_get(const strand_snapshot *s, uint32_t id)
{
    return id < s->frames.len ? (const strand_frame *)s->frames.data + id : NULL;
}

const uint32_t *strand_stack_frames(const strand_snapshot *s, uint32_t id, size_t *n)
{
    if (id >= s->stacks.len) {
        *n = 0;
        return NULL;
    }
    const st_stack_entry *e = (const st_stack_entry *)s->stacks.data + id;
    *n = e->len;
    return e->len ? (const uint32_t *)s->stack_frames.data + e->off : NULL;
}

uint64_t strand_stack_hash(const strand_snapshot *s, uint32_t id)
{
    return id < s->stacks.len ? ((const st_stack_entry *)s->stacks.data)[id].hash : 0;
}

const strand_label *strand_labels_get(const strand_snapshot *s, uint32_t id, size_t *n)
{
    if (id >= s->labelsets.len) {
        *n = 0;
        return NULL;
    }
    const st_labelset_entry *e = (const st_labelset_entry *)s->labelsets.data + id;
    *n = e->len;
    return (const strand_label *)s->label_items.data + e->off;
}

const strand_ancestor *strand_snapshot_ancestor(const strand_snapshot *s, uint32_t i)
{
    return i < s->ancestors.len ? (const strand_ancestor *)s->ancestors.data + i : NULL;
}

static const char *const format_names[STRAND_FORMAT__COUNT] = {
    "unknown", "traceback", "pprof-text", "pprof-proto", "goleak", "gleak",
};

const char *strand_format_name(strand_format f)
{
    return (unsigned)f < STRAND_FORMAT__COUNT ? format_names[f] : "unknown";
}

static const char *const kind_names[STRAND_KIND__COUNT] = {
    "unknown", "chan send", "chan receive", "select", "nil chan", "select no cases",
    "mutex", "rwmutex", "waitgroup", "cond", "io", "sleep", "syscall", "running",
    "runnable", "runtime", "other", "chan",
};

const char *strand_kind_name(strand_kind k)
{
    return (unsigned)k < STRAND_KIND__COUNT ? kind_names[k] : "unknown";
}
