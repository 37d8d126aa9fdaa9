/* watch_store.c - a snapshot's goroutine groups as stored in the watch
 * database, and back.
 *
 * The database keeps each distinct stack of a target once, as the text a
 * goroutine report prints for it (stacks.text), and per snapshot one row per
 * group: the count and, for tracebacks, the goroutine ids with their wait
 * minutes and creator ids. Rebuilding a snapshot prints a goroutine report
 * from those rows and reads it with the library's own reader, so that
 * `strand diff --db` and a resumed `strand watch` run the whole analysis
 * engine on stored history, with no second model of a snapshot:
 *
 *   traceback groups  ->  "goroutine ID [STATE, N minutes]:" + frames, per id
 *   profile records   ->  "COUNT @ 0x1 ..." + "#\t0x1\tFUNC+0x0\tFILE:LINE"
 *
 * What is not kept: argument values and PC offsets (never used by the
 * analysis), ancestors (GODEBUG=tracebackancestors), labels of tracebacks,
 * and the hidden runtime PCs of a debug=1 record, so a record rebuilt from
 * the database gets its blocking kind from its visible frames only.
 */
#include "watch.h"

#include <stdlib.h>
#include <string.h>

#define LOCKED_SUFFIX ", locked to thread"

typedef struct member {
    uint64_t id, creator;
    int32_t minutes;
} member;

/* ---- stack text ------------------------------------------------------------- */

static const char *file_or_q(const char *f) { return *f ? f : "?"; }

static void trace_frame(wbuf *b, const strand_snapshot *s, const strand_frame *f)
{
    const char *func = strand_str_get(s, f->func, NULL);
    const char *file = file_or_q(strand_str_get(s, f->file, NULL));
    if (f->flags & STRAND_FRAME_ELIDED) {
        if (f->line)
            wb_printf(b, "...%u frames elided...\n", f->line);
        else
            wb_puts(b, "...additional frames elided...\n");
        return;
    }
    const char *args = (f->flags & STRAND_FRAME_NON_GO) ? "" :
                       (f->flags & STRAND_FRAME_INLINED) ? "(...)" : "()";
    wb_printf(b, "%s%s\n\t%s", func, args, file);
    if (f->line)
        wb_printf(b, ":%u", f->line);
    wb_puts(b, "\n");
}

static void trace_text(wbuf *b, const strand_snapshot *s, const strand_goroutine *g)
{
    size_t n;
    const uint32_t *fr = strand_stack_frames(s, g->stack, &n);
    if (!n && (g->flags & STRAND_G_NO_STACK))
        wb_puts(b, "\tgoroutine running on other thread; stack unavailable\n");
    for (size_t i = 0; i < n; i++) {
        const strand_frame *f = strand_frame_get(s, fr[i]);
        if (f)
            trace_frame(b, s, f);
    }
    const strand_frame *c = strand_frame_get(s, g->created_by);
    if (g->created_by != STRAND_NONE && c) {
        wb_printf(b, "created by %s\n\t%s", strand_str_get(s, c->func, NULL),
                  file_or_q(strand_str_get(s, c->file, NULL)));
        if (c->line)
            wb_printf(b, ":%u", c->line);
        wb_puts(b, "\n");
    }
}

static void record_text(wbuf *b, const strand_snapshot *s, const strand_record *r)
{
    size_t n, nl;
    const strand_label *l = strand_labels_get(s, r->labels, &nl);
    if (nl) {
        wb_puts(b, "# labels: {");
        for (size_t i = 0; i < nl; i++) {
            wb_puts(b, i ? ", " : "");
            wb_json_str(b, strand_str_get(s, l[i].key, NULL));
            wb_puts(b, ":");
            wb_json_str(b, strand_str_get(s, l[i].value, NULL));
        }
        wb_puts(b, "}\n");
    }
    const uint32_t *fr = strand_stack_frames(s, r->stack, &n);
    for (size_t i = 0; i < n; i++) {
        const strand_frame *f = strand_frame_get(s, fr[i]);
        if (!f)
            continue;
        wb_printf(b, "#\t0x%zx\t%s+0x0\t%s:%u\n", i + 1, strand_str_get(s, f->func, NULL),
                  file_or_q(strand_str_get(s, f->file, NULL)), f->line);
    }
}

/* The bracket of a goroutine header without its minutes. */
static void trace_state(wbuf *b, const strand_snapshot *s, const strand_goroutine *g)
{
    wb_puts(b, strand_str_get(s, g->status, NULL));
    if (g->flags & STRAND_G_LEAKED)
        wb_puts(b, " (leaked)");
    if (g->flags & STRAND_G_DURABLE)
        wb_puts(b, " (durable)");
    if (g->flags & STRAND_G_LOCKED)
        wb_puts(b, LOCKED_SUFFIX);
}

/* ---- grouping ------------------------------------------------------------- */

static uint64_t frame_hash(uint64_t h, const strand_snapshot *s, uint32_t id)
{
    const strand_frame *f = strand_frame_get(s, id);
    if (id == STRAND_NONE || !f)
        return watch_hash(h, "-", 1);
    h = watch_hash_str(h, strand_str_get(s, f->func, NULL));
    h = watch_hash_str(h, strand_str_get(s, f->file, NULL));
    return watch_hash(h, &f->line, sizeof f->line);
}

static uint64_t goroutine_key(const strand_snapshot *s, const strand_goroutine *g)
{
    uint64_t h = strand_stack_hash(s, g->stack);
    h = watch_hash(WATCH_HASH_SEED, &h, sizeof h);
    h = frame_hash(h, s, g->created_by);
    h = watch_hash_str(h, strand_str_get(s, g->status, NULL));
    uint16_t fl = g->flags & (STRAND_G_LOCKED | STRAND_G_LEAKED | STRAND_G_DURABLE | STRAND_G_NO_STACK);
    return watch_hash(h, &fl, sizeof fl);
}

static uint64_t record_key(const strand_snapshot *s, const strand_record *r)
{
    uint64_t h = strand_stack_hash(s, r->stack);
    h = watch_hash(WATCH_HASH_SEED ^ 0x5245u, &h, sizeof h);
    size_t nl;
    const strand_label *l = strand_labels_get(s, r->labels, &nl);
    for (size_t i = 0; i < nl; i++) {
        h = watch_hash_str(h, strand_str_get(s, l[i].key, NULL));
        h = watch_hash_str(h, strand_str_get(s, l[i].value, NULL));
    }
    return h;
}

/* Open addressing from key to group index. */
typedef struct keymap {
    uint64_t *keys;
    uint32_t *idx;
    size_t mask;
} keymap;

static bool keymap_init(keymap *m, size_t n)
{
    size_t cap = 16;
    while (cap < n * 2)
        cap *= 2;
    m->keys = calloc(cap, sizeof *m->keys);
    m->idx = malloc(cap * sizeof *m->idx);
    m->mask = cap - 1;
    if (m->idx)
        memset(m->idx, 0xff, cap * sizeof *m->idx);
    return m->keys && m->idx;
}

/* The slot of `key`: its index, or UINT32_MAX where it would go. */
static size_t keymap_slot(const keymap *m, uint64_t key)
{
    size_t i = (size_t)(key ^ key >> 29) & m->mask;
    while (m->idx[i] != UINT32_MAX && m->keys[i] != key)
        i = (i + 1) & m->mask;
    return i;
}

static int cmp_member(const void *a, const void *b)
{
    const member *x = a, *y = b;
    return x->id < y->id ? -1 : x->id > y->id;
}

static char *encode_ids(member *m, size_t n)
{
    qsort(m, n, sizeof *m, cmp_member);
    wbuf b = {0};
    uint64_t prev = 0;
    for (size_t i = 0; i < n; i++) {
        wb_printf(&b, "%s%llu", i ? " " : "", (unsigned long long)(m[i].id - prev));
        if (m[i].minutes >= 0)
            wb_printf(&b, "/%d", (int)m[i].minutes);
        if (m[i].creator)
            wb_printf(&b, "<%llu", (unsigned long long)m[i].creator);
        prev = m[i].id;
    }
    if (b.oom || !b.p) {
        wb_free(&b);
        return strdup("");
    }
    return b.p;
}

static char *text_of(wbuf *b)
{
    if (b->oom || !b->p) {
        wb_free(b);
        return strdup("");
    }
    char *p = b->p;
    memset(b, 0, sizeof *b);
    return p;
}

static bool new_goroutine_group(watch_group *g, const strand_snapshot *s, const strand_goroutine *x,
                                uint64_t key)
{
    wbuf b = {0};
    g->key = key;
    g->record = false;
    trace_state(&b, s, x);
    g->state = text_of(&b);
    trace_text(&b, s, x);
    g->text = text_of(&b);
    return g->state && g->text;
}

/* Goroutine groups, members sorted by id and encoded. */
static size_t group_goroutines(const strand_snapshot *s, watch_group *out, keymap *m)
{
    size_t n, ng = 0;
    const strand_goroutine *g = strand_snapshot_goroutines(s, &n);
    uint32_t *gi = malloc((n ? n : 1) * sizeof *gi);
    size_t *fill = calloc(n + 1, sizeof *fill);
    member *mem = malloc((n ? n : 1) * sizeof *mem);
    bool ok = gi && fill && mem;
    for (size_t i = 0; ok && i < n; i++) {
        uint64_t key = goroutine_key(s, &g[i]);
        size_t slot = keymap_slot(m, key);
        if (m->idx[slot] == UINT32_MAX) {
            m->keys[slot] = key;
            m->idx[slot] = (uint32_t)ng;
            ok = new_goroutine_group(&out[ng++], s, &g[i], key);
        }
        gi[i] = m->idx[slot];
        out[gi[i]].count++;
    }
    for (size_t k = 0; ok && k < ng; k++) /* start offsets of each group's members */
        fill[k + 1] = fill[k] + (size_t)out[k].count;
    for (size_t i = 0; ok && i < n; i++)
        mem[fill[gi[i]]++] = (member){g[i].id, g[i].creator_id, g[i].wait_minutes};
    for (size_t k = 0; ok && k < ng; k++) {
        size_t start = fill[k] - (size_t)out[k].count;
        out[k].ids = encode_ids(mem + start, (size_t)out[k].count);
    }
    free(gi);
    free(fill);
    free(mem);
    return ok ? ng : (size_t)-1;
}

static size_t group_records(const strand_snapshot *s, watch_group *out, keymap *m, size_t ng)
{
    size_t n;
    const strand_record *r = strand_snapshot_records(s, &n);
    for (size_t i = 0; i < n; i++) {
        uint64_t key = record_key(s, &r[i]);
        size_t slot = keymap_slot(m, key);
        if (m->idx[slot] == UINT32_MAX) {
            m->keys[slot] = key;
            m->idx[slot] = (uint32_t)ng;
            watch_group *g = &out[ng++];
            wbuf b = {0};
            record_text(&b, s, &r[i]);
            *g = (watch_group){.key = key, .record = true, .state = strdup(""), .text = text_of(&b)};
            if (!g->state || !g->text)
                return (size_t)-1;
        }
        out[m->idx[slot]].count += r[i].count;
    }
    return ng;
}

watch_group *watch_store_groups(const strand_snapshot *s, size_t *n)
{
    size_t ngo, nrec;
    strand_snapshot_goroutines(s, &ngo);
    strand_snapshot_records(s, &nrec);
    *n = 0;
    watch_group *g = calloc(ngo + nrec + 1, sizeof *g);
    keymap m = {0};
    if (!g || !keymap_init(&m, ngo + nrec)) {
        free(g);
        free(m.keys);
        free(m.idx);
        return NULL;
    }
    size_t k = group_goroutines(s, g, &m);
    if (k != (size_t)-1)
        k = group_records(s, g, &m, k);
    free(m.keys);
    free(m.idx);
    if (k == (size_t)-1) {
        watch_store_groups_free(g, ngo + nrec);
        return NULL;
    }
    *n = k;
    return g;
}

void watch_store_groups_free(watch_group *g, size_t n)
{
    if (!g)
        return;
    for (size_t i = 0; i < n; i++) {
        free(g[i].state);
        free(g[i].text);
        free(g[i].ids);
    }
    free(g);
}

/* ---- rebuild ------------------------------------------------------------------ */

/* The text with " in goroutine N" after the created-by function. */
static void put_with_creator(wbuf *b, const char *text, uint64_t creator)
{
    const char *c = strstr(text, "created by ");
    if (!creator || !c || (c != text && c[-1] != '\n')) {
        wb_puts(b, text);
        return;
    }
    const char *eol = strchr(c, '\n');
    size_t head = eol ? (size_t)(eol - text) : strlen(text);
    wb_put(b, text, head);
    wb_printf(b, " in goroutine %llu", (unsigned long long)creator);
    wb_puts(b, text + head);
}

/* Parses one "DELTA[/MIN][<CREATOR]" token; returns the rest or NULL. */
static const char *next_member(const char *p, member *m, uint64_t *prev)
{
    char *end;
    while (*p == ' ')
        p++;
    if (!*p)
        return NULL;
    *prev += strtoull(p, &end, 10);
    m->id = *prev;
    m->minutes = -1;
    m->creator = 0;
    if (*end == '/')
        m->minutes = (int32_t)strtol(end + 1, &end, 10);
    if (*end == '<')
        m->creator = strtoull(end + 1, &end, 10);
    return end == p ? NULL : end;
}

static strand_code feed(strand_reader *r, wbuf *b, strand_error *err)
{
    if (b->oom)
        return STRAND_ERR_NOMEM;
    strand_code c = b->n ? strand_reader_feed(r, b->p, b->n, err) : STRAND_OK;
    b->n = 0;
    return c;
}

static strand_code rebuild_group(strand_reader *r, wbuf *b, const watch_group *g, strand_error *err)
{
    if (g->record) {
        wb_printf(b, "%lld @", (long long)g->count);
        size_t frames = 0;
        for (const char *p = g->text; (p = strstr(p, "#\t0x")); p++)
            frames++;
        for (size_t i = 0; i <= frames; i++)
            wb_printf(b, " 0x%zx", i + 1);
        wb_printf(b, "\n%s\n", g->text);
        return feed(r, b, err);
    }
    member m;
    uint64_t prev = 0;
    strand_code c = STRAND_OK;
    for (const char *p = g->ids; c == STRAND_OK && p && (p = next_member(p, &m, &prev));) {
        wb_printf(b, "goroutine %llu [%s", (unsigned long long)m.id, g->state);
        if (m.minutes >= 0)
            wb_printf(b, ", %d minutes", (int)m.minutes);
        wb_puts(b, "]:\n");
        put_with_creator(b, g->text, m.creator);
        wb_puts(b, "\n");
        if (b->n > 65536)
            c = feed(r, b, err);
    }
    return c == STRAND_OK ? feed(r, b, err) : c;
}

strand_snapshot *watch_store_rebuild(const watch_group *g, size_t n, const char *name,
                                     const char *reason, strand_error *err)
{
    strand_read_options ro = {NULL, name, 1};
    strand_reader *r = strand_reader_new(&ro, err);
    if (!r)
        return NULL;
    wbuf b = {0};
    int64_t total = 0;
    bool records = false;
    for (size_t i = 0; i < n; i++) {
        total += g[i].count;
        records |= g[i].record;
    }
    if (reason && *reason)
        wb_printf(&b, "%s\n\n", reason);
    if (records)
        wb_printf(&b, "goroutine profile: total %lld\n", (long long)total);
    strand_code c = STRAND_OK;
    for (size_t i = 0; i < n && c == STRAND_OK; i++)
        c = rebuild_group(r, &b, &g[i], err);
    if (c == STRAND_OK)
        c = feed(r, &b, err); /* the reason line of a dump without goroutines */
    wb_free(&b);
    if (c != STRAND_OK) {
        strand_reader_free(r);
        return NULL;
    }
    return strand_reader_finish(r, err);
}
