/* analyze.c - grouping and facts, the report, and strand_analyze().
 *
 * Pipeline per snapshot: group goroutines (or records) with the same
 * user-visible stack, kind and creator (O(n) hashing on interned ids), read
 * facts off the frames through the recognizer table below, then let
 * diagnose.c decide class and verdict with cross-goroutine reasoning. For a
 * series, compare.c matches groups across snapshots. The report copies every
 * string it shows into its own arena, so it outlives the snapshots.
 */
#include "analyze.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

/* ---- st_map ------------------------------------------------------------- */

void st_map_init(st_map *m, const strand_alloc *a)
{
    memset(m, 0, sizeof *m);
    m->alloc = a;
}

static bool map_grow(st_map *m)
{
    size_t cap = m->mask ? (m->mask + 1) * 2 : 64;
    uint64_t *keys = st_malloc(m->alloc, cap * sizeof *keys);
    uint32_t *vals = keys ? st_malloc(m->alloc, cap * sizeof *vals) : NULL;
    if (!vals) {
        st_free(m->alloc, keys, cap * sizeof *keys);
        m->oom = true;
        return false;
    }
    memset(keys, 0, cap * sizeof *keys);
    for (size_t i = 0; m->mask && i <= m->mask; i++) {
        if (!m->keys[i])
            continue;
        size_t j = m->keys[i] & (cap - 1);
        while (keys[j])
            j = (j + 1) & (cap - 1);
        keys[j] = m->keys[i];
        vals[j] = m->vals[i];
    }
    if (m->mask) {
        st_free(m->alloc, m->keys, (m->mask + 1) * sizeof *keys);
        st_free(m->alloc, m->vals, (m->mask + 1) * sizeof *vals);
    }
    m->keys = keys;
    m->vals = vals;
    m->mask = cap - 1;
    return true;
}

uint32_t *st_map_put(st_map *m, uint64_t key, bool *fresh)
{
    key = st_map_key(key);
    if ((!m->mask || (m->used + 1) * 4 > (m->mask + 1) * 3) && !map_grow(m))
        return NULL;
    size_t j = key & m->mask;
    while (m->keys[j] && m->keys[j] != key)
        j = (j + 1) & m->mask;
    *fresh = !m->keys[j];
    if (*fresh) {
        m->keys[j] = key;
        m->vals[j] = 0;
        m->used++;
    }
    return &m->vals[j];
}

uint32_t st_map_get(const st_map *m, uint64_t key)
{
    key = st_map_key(key);
    if (!m->mask)
        return UINT32_MAX;
    size_t j = key & m->mask;
    while (m->keys[j]) {
        if (m->keys[j] == key)
            return m->vals[j];
        j = (j + 1) & m->mask;
    }
    return UINT32_MAX;
}

void st_map_free(st_map *m)
{
    if (m->mask) {
        st_free(m->alloc, m->keys, (m->mask + 1) * sizeof *m->keys);
        st_free(m->alloc, m->vals, (m->mask + 1) * sizeof *m->vals);
    }
    memset(m, 0, sizeof *m);
}

/* ---- strings in the report arena ---------------------------------------- */

#if defined(__GNUC__)
__attribute__((format(printf, 2, 0)))
#endif
static char *vprintf_arena(st_arena *ar, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        return NULL;
    char *p = st_arena_alloc(ar, (size_t)n + 1, 1);
    if (p)
        vsnprintf(p, (size_t)n + 1, fmt, ap);
    return p;
}

char *st_printf(st_arena *ar, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *p = vprintf_arena(ar, fmt, ap);
    va_end(ap);
    return p;
}

void st_ev(st_ctx *c, st_group *g, const char *fmt, ...)
{
    if (g->n_ev >= ST_MAX_EV)
        return;
    va_list ap;
    va_start(ap, fmt);
    char *p = vprintf_arena(c->ar, fmt, ap);
    va_end(ap);
    if (!p) {
        c->oom = true;
        return;
    }
    g->ev[g->n_ev++] = p;
}

static char *dup_arena(st_arena *ar, const char *s)
{
    size_t n = strlen(s);
    char *p = st_arena_alloc(ar, n + 1, 1);
    if (p)
        memcpy(p, s, n + 1);
    return p;
}

void st_set_class(st_group *g, const char *id, strand_verdict v)
{
    g->cls = strand_class_find(id);
    g->verdict = v;
    g->decided = true;
}

static const char *base_name(const char *path)
{
    const char *b = strrchr(path, '/');
    return b ? b + 1 : path;
}

const char *st_site_short(st_ctx *c, const st_group *g)
{
    if (!*g->site_file)
        return *g->site_func ? g->site_func : "an unknown place";
    char *p = st_printf(c->ar, "%s:%u", base_name(g->site_file), (unsigned)g->site_line);
    return p ? p : "";
}

/* ---- Go names: packages, standard library ------------------------------- */

/* Length of the package path of a function name as printed
 * ("net/http.(*persistConn).readLoop" -> "net/http"). */
static size_t pkg_len(const char *f)
{
    const char *slash = strrchr(f, '/');
    const char *dot = strchr(slash ? slash : f, '.');
    return dot ? (size_t)(dot - f) : strlen(f);
}

/* Top-level directories of the standard library (go/src), plus "vendor"
 * (std's vendored golang.org/x) and "golang.org/x/" handled below. */
static const char *const std_roots[] = {
    "archive", "bufio",  "builtin", "bytes",   "cmp",     "compress", "container", "context",
    "crypto",  "database", "debug", "embed",   "encoding", "errors",  "expvar",    "flag",
    "fmt",     "go",     "hash",    "html",    "image",   "index",    "internal",  "io",
    "iter",    "log",    "maps",    "math",    "mime",    "net",      "os",        "path",
    "plugin",  "reflect", "regexp", "runtime", "slices",  "sort",     "strconv",   "strings",
    "structs", "sync",   "syscall", "testing", "text",    "time",     "unicode",   "unique",
    "unsafe",  "weak",   "vendor",
};

/* True for functions of the runtime, the standard library and the
 * golang.org/x extensions: not where the user's code waits. */
bool st_is_library_func(const char *f)
{
    if (!*f)
        return true;
    if (strncmp(f, "golang.org/x/", 13) == 0)
        return true;
    size_t plen = pkg_len(f);
    const char *slash = memchr(f, '/', plen);
    size_t root = slash ? (size_t)(slash - f) : plen;
    for (size_t i = 0; i < sizeof std_roots / sizeof std_roots[0]; i++)
        if (strlen(std_roots[i]) == root && memcmp(std_roots[i], f, root) == 0)
            return true;
    return false;
}

bool st_is_unresolved(const char *f)
{
    return !*f || strcmp(f, "?") == 0 || strncmp(f, "0x", 2) == 0 ||
           strncmp(f, "non-Go function", 15) == 0;
}

/* ---- the recognizer table: frames -> facts ------------------------------- */

typedef struct recognizer {
    const char *func; /* as printed; trailing '*' = prefix */
    uint8_t where;    /* ST_AT_ANY or ST_AT_TOP */
    uint32_t feat;    /* ST_F_* */
} recognizer;

/* Runtime frames appear only in protobuf profiles and system dumps; the
 * others in every format. Source: runtime/chan.go, select.go, preempt.go,
 * net/http/transport.go, x/sync/errgroup, sync. */
static const recognizer recognizers[] = {
    {"runtime.chansend1", ST_AT_ANY, ST_F_CHANSEND},
    {"runtime.chanrecv1", ST_AT_ANY, ST_F_RECV1},
    {"runtime.chanrecv2", ST_AT_ANY, ST_F_RECV2},
    {"runtime.selectgo", ST_AT_ANY, ST_F_SELECTGO},
    {"runtime.block", ST_AT_ANY, ST_F_BLOCK},
    {"runtime.selectnbrecv", ST_AT_ANY, ST_F_SELECTNB},
    {"runtime.selectnbsend", ST_AT_ANY, ST_F_SELECTNB},
    {"runtime.asyncPreempt*", ST_AT_ANY, ST_F_PREEMPT},
    {"context.(*cancelCtx).Done", ST_AT_TOP, ST_F_CTXPOLL},
    {"context.(*cancelCtx).Err", ST_AT_TOP, ST_F_CTXPOLL},
    {"context.(*timerCtx).Err", ST_AT_TOP, ST_F_CTXPOLL},
    {"net/http.(*persistConn).roundTrip", ST_AT_ANY, ST_F_HTTP_CALL},
    {"net/http.(*Transport).getConn", ST_AT_ANY, ST_F_HTTP_WAIT},
    {"net/http.(*bodyEOFSignal).*", ST_AT_ANY, ST_F_HTTP_WAIT},
    {"net/http.(*persistConn).readLoop", ST_AT_ANY, ST_F_HTTP_READ},
    {"net/http.(*persistConn).writeLoop", ST_AT_ANY, ST_F_HTTP_WRITE},
    {"golang.org/x/sync/errgroup.(*Group).Go.func*", ST_AT_ANY, ST_F_EG_WORKER},
    {"golang.org/x/sync/errgroup.(*Group).TryGo.func*", ST_AT_ANY, ST_F_EG_WORKER},
    {"golang.org/x/sync/errgroup.(*Group).Wait", ST_AT_ANY, ST_F_EG_WAIT},
    {"sync.(*WaitGroup).Wait", ST_AT_ANY, ST_F_WG_WAIT},
    {"sync.(*Mutex).Lock", ST_AT_ANY, ST_F_MUTEX},
    {"internal/sync.(*Mutex).Lock", ST_AT_ANY, ST_F_MUTEX},
    {"sync.(*RWMutex).Lock", ST_AT_ANY, ST_F_RWMUTEX},
    {"sync.(*RWMutex).RLock", ST_AT_ANY, ST_F_RWMUTEX},
    {"sync.(*Cond).Wait", ST_AT_ANY, ST_F_COND},
    {"net.(*TCPListener).Accept", ST_AT_ANY, ST_F_ACCEPT},
    {"net.(*UnixListener).Accept", ST_AT_ANY, ST_F_ACCEPT},
    {"internal/poll.(*FD).Accept", ST_AT_ANY, ST_F_ACCEPT},
    {"net.(*conn).Read", ST_AT_ANY, ST_F_NETREAD},
    {"net.(*netFD).Read", ST_AT_ANY, ST_F_NETREAD},
    {"net.(*netFD).readFrom*", ST_AT_ANY, ST_F_NETREAD},
    {"net.(*netFD).readMsg*", ST_AT_ANY, ST_F_NETREAD},
    {"net.(*conn).Write", ST_AT_ANY, ST_F_NETWRITE},
    {"net.(*netFD).Write", ST_AT_ANY, ST_F_NETWRITE},
    {"internal/poll.runtime_pollWait", ST_AT_ANY, ST_F_POLLWAIT},
    {"time.Sleep", ST_AT_ANY, ST_F_SLEEP},
    {"main.main", ST_AT_ANY, ST_F_MAIN},
    {"time.(*Ticker).*", ST_AT_ANY, ST_F_TICKER},
    {"time.Tick", ST_AT_ANY, ST_F_TICKER},
};

/* Per-snapshot caches, indexed by string id and by stack id. */
typedef struct stack_info {
    uint64_t nkey, loose;
    uint32_t feat;
    int32_t site, top;
    bool done;
} stack_info;

typedef struct build {
    st_ctx *c;
    uint32_t *func_any; /* per string: ST_F_* (AT_ANY entries), bit 31 = computed */
    uint32_t *func_top; /* per string: ST_F_* (AT_TOP entries) */
    stack_info *stacks;
    size_t n_stacks;
} build;

static uint64_t str_hash(const strand_snapshot *s, strand_str id)
{
    return ((const st_str_entry *)s->strs.data)[id].hash;
}

static void func_features(build *b, strand_str id)
{
    if (b->func_any[id] & (1u << 31))
        return;
    const char *f = strand_str_get(b->c->s, id, NULL);
    uint32_t any = 0, top = 0;
    for (size_t i = 0; i < sizeof recognizers / sizeof recognizers[0]; i++) {
        if (!st_func_match(recognizers[i].func, f))
            continue;
        if (recognizers[i].where == ST_AT_TOP)
            top |= recognizers[i].feat;
        else
            any |= recognizers[i].feat;
    }
    if (st_is_unresolved(f))
        any |= ST_F_UNRESOLVED;
    b->func_any[id] = any | (1u << 31);
    b->func_top[id] = top;
}

static void stack_facts(build *b, uint32_t sid)
{
    stack_info *si = &b->stacks[sid];
    const strand_snapshot *s = b->c->s;
    size_t n;
    const uint32_t *fr = strand_stack_frames(s, sid, &n);
    uint64_t nk = 0x6a09e667f3bcc908ull, lk = 0xbb67ae8584caa73bull;
    si->site = si->top = -1;
    for (size_t i = 0; i < n; i++) {
        const strand_frame *f = strand_frame_get(s, fr[i]);
        if (!f)
            continue;
        func_features(b, f->func);
        si->feat |= b->func_any[f->func] & ~(1u << 31);
        const char *name = strand_str_get(s, f->func, NULL);
        if (st_is_runtime_func(name))
            continue;
        if (si->top < 0) {
            si->top = (int32_t)i;
            si->feat |= b->func_top[f->func];
        }
        if (si->site < 0 && !st_is_library_func(name) && !st_is_unresolved(name))
            si->site = (int32_t)i;
        nk = st_hash_mix(st_hash_mix(nk, str_hash(s, f->func)), f->line);
        lk = st_hash_mix(lk, str_hash(s, f->func));
    }
    if (si->site < 0) /* library only: its entry function names it best */
        for (size_t i = n; i-- > 0;) {
            const strand_frame *f = strand_frame_get(s, fr[i]);
            if (f && !st_is_runtime_func(strand_str_get(s, f->func, NULL))) {
                si->site = (int32_t)i;
                break;
            }
        }
    si->nkey = nk;
    si->loose = lk;
    si->done = true;
}

static const stack_info *stack_get(build *b, uint32_t sid)
{
    static const stack_info none = {0, 0, 0, -1, -1, true};
    if (sid >= b->n_stacks)
        return &none;
    if (!b->stacks[sid].done)
        stack_facts(b, sid);
    return &b->stacks[sid];
}

/* The kind the report gives, refined by what the frames show. */
static strand_kind refine_kind(strand_kind k, uint32_t feat)
{
    if (feat & ST_F_PREEMPT)
        return STRAND_KIND_RUNNABLE;
    if (k != STRAND_KIND_UNKNOWN && k != STRAND_KIND_CHAN && k != STRAND_KIND_OTHER &&
        k != STRAND_KIND_MUTEX)
        return k;
    static const struct {
        uint32_t feat;
        strand_kind kind;
    } by_frame[] = {
        {ST_F_CHANSEND, STRAND_KIND_CHAN_SEND},   {ST_F_RECV1, STRAND_KIND_CHAN_RECEIVE},
        {ST_F_RECV2, STRAND_KIND_CHAN_RECEIVE},   {ST_F_SELECTGO, STRAND_KIND_SELECT},
        {ST_F_BLOCK, STRAND_KIND_SELECT_NO_CASES}, {ST_F_SELECTNB, STRAND_KIND_RUNNING},
        {ST_F_CTXPOLL, STRAND_KIND_RUNNING},      {ST_F_WG_WAIT, STRAND_KIND_WAITGROUP},
        {ST_F_COND, STRAND_KIND_COND},            {ST_F_RWMUTEX, STRAND_KIND_RWMUTEX},
        {ST_F_MUTEX, STRAND_KIND_MUTEX},          {ST_F_POLLWAIT, STRAND_KIND_IO},
        {ST_F_SLEEP, STRAND_KIND_SLEEP},
    };
    for (size_t i = 0; i < sizeof by_frame / sizeof by_frame[0]; i++)
        if (feat & by_frame[i].feat)
            return by_frame[i].kind;
    return k;
}

/* ---- grouping ------------------------------------------------------------ */

static st_group *group_for(st_ctx *c, st_map *index, uint64_t key, bool *fresh)
{
    uint32_t *slot = st_map_put(index, key, fresh);
    if (!slot) {
        c->oom = true;
        return NULL;
    }
    if (!*fresh)
        return &c->g[*slot];
    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 64;
        st_group *g = st_realloc(c->alloc, c->g, c->cap * sizeof *g, cap * sizeof *g);
        if (!g) {
            c->oom = true;
            return NULL;
        }
        c->g = g;
        c->cap = cap;
    }
    *slot = (uint32_t)c->n;
    st_group *g = &c->g[c->n++];
    memset(g, 0, sizeof *g);
    g->key = key;
    g->wmin = g->wmax = -1;
    g->benign = g->ignored = g->merged_into = g->waited_by = -1;
    return g;
}

static void note_wait(st_group *g, int32_t w)
{
    if (w < 0)
        return;
    if (g->wmin < 0 || w < g->wmin)
        g->wmin = w;
    if (w > g->wmax)
        g->wmax = w;
}

static uint64_t creator_hash(const strand_snapshot *s, uint32_t created_by)
{
    if (created_by == STRAND_NONE)
        return 0;
    const strand_frame *f = strand_frame_get(s, created_by);
    return f ? st_hash_mix(str_hash(s, f->func), f->line) : 0;
}

static void group_init(st_group *g, uint32_t stack, strand_kind k, const stack_info *si)
{
    g->stack = stack;
    g->kind = (uint16_t)k;
    g->nkey = si->nkey;
    g->loose = si->loose;
    g->feat = si->feat;
    g->site = si->site;
    g->top = si->top;
    g->created_by = STRAND_NONE;
    g->labels = STRAND_NONE;
}

/* [semacquire] (Go <= 1.19) names no primitive: kind.c guesses a mutex and
 * sharpens it by the sync frames. With none of them (no known blocking frame
 * above the first frame that is not the runtime's) the semaphore is the
 * runtime's own, whose frames a traceback hides: an allocation waiting for
 * a GC to start, a stop-the-world (work.startSema, gcsema, worldsema in
 * runtime/mgc.go and proc.go; runtime.GC, ReadMemStats, the profiler that
 * wrote this dump). It runs again as soon as that ends: runnable, not parked
 * on the user's lock. */
static bool on_runtime_sema(const strand_snapshot *s, const strand_goroutine *go, uint32_t feat)
{
    if (go->kind != STRAND_KIND_MUTEX || go->status == STRAND_NONE ||
        (feat & (ST_F_MUTEX | ST_F_RWMUTEX | ST_F_WG_WAIT | ST_F_COND)))
        return false;
    size_t n, nf;
    const char *st = strand_str_get(s, go->status, &n);
    if (n != 10 || memcmp(st, "semacquire", 10) != 0)
        return false;
    const uint32_t *fr = strand_stack_frames(s, go->stack, &nf);
    return nf && st_kind_from_frames(s, fr, nf) == STRAND_KIND_UNKNOWN;
}

/* Goroutines: dedupe ids (goleak reports can list one goroutine in several
 * failures), group, and remember each goroutine's group for the ids pass. */
static bool group_goroutines(build *b, st_map *index, uint32_t *gi, st_idset *seen)
{
    st_ctx *c = b->c;
    size_t n;
    const strand_goroutine *gs = strand_snapshot_goroutines(c->s, &n);
    for (size_t i = 0; i < n && !c->oom; i++) {
        const strand_goroutine *go = &gs[i];
        gi[i] = UINT32_MAX;
        bool fresh = true;
        if (go->flags & STRAND_G_HAS_ID) {
            if (!st_idset_add(seen, go->id))
                continue;
            c->has_ids = true;
        }
        const stack_info *si = stack_get(b, go->stack);
        strand_kind k = on_runtime_sema(c->s, go, si->feat)
                            ? STRAND_KIND_RUNNABLE
                            : refine_kind((strand_kind)go->kind, si->feat);
        uint64_t key = st_hash_mix(st_hash_mix(si->nkey, k), creator_hash(c->s, go->created_by));
        st_group *g = group_for(c, index, key, &fresh);
        if (!g)
            break;
        if (fresh) {
            group_init(g, go->stack, k, si);
            g->created_by = go->created_by;
            g->status = go->status;
            g->labels = go->labels;
        }
        if (go->created_by != STRAND_NONE)
            c->has_creators = true;
        g->count++;
        g->gflags |= go->flags;
        note_wait(g, go->wait_minutes);
        gi[i] = (uint32_t)(g - c->g);
    }
    return !c->oom;
}

static bool group_records(build *b, st_map *index)
{
    st_ctx *c = b->c;
    size_t n;
    const strand_record *rs = strand_snapshot_records(c->s, &n);
    for (size_t i = 0; i < n && !c->oom; i++) {
        if (rs[i].count <= 0)
            continue; /* delta profiles: goroutines that went away */
        const stack_info *si = stack_get(b, rs[i].stack);
        strand_kind k = refine_kind((strand_kind)rs[i].kind, si->feat);
        bool fresh;
        st_group *g = group_for(c, index, st_hash_mix(si->nkey, k), &fresh);
        if (!g)
            break;
        if (fresh) {
            group_init(g, rs[i].stack, k, si);
            g->labels = rs[i].labels;
        }
        g->count += (uint64_t)rs[i].count;
        g->gflags |= rs[i].flags;
    }
    return !c->oom;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* Second pass over goroutines: ids per group (sorted), and orphans: members
 * whose creating goroutine ("created by ... in goroutine N") is absent. */
static bool collect_ids(st_ctx *c, const uint32_t *gi, st_idset *present)
{
    size_t n;
    const strand_goroutine *gs = strand_snapshot_goroutines(c->s, &n);
    if (!c->has_ids)
        return true;
    for (size_t i = 0; i < c->n; i++) {
        st_group *g = &c->g[i];
        g->ids = st_arena_alloc(c->ar, g->count * sizeof *g->ids, 8);
        if (g->count && !g->ids)
            return false;
    }
    for (size_t i = 0; i < n; i++) {
        if (gi[i] == UINT32_MAX)
            continue;
        st_group *g = &c->g[gi[i]];
        g->ids[g->n_ids++] = gs[i].id;
        if (!(gs[i].flags & STRAND_G_HAS_ID)) /* the ids grouped: seen ones already in */
            st_idset_add(present, gs[i].id);
    }
    for (size_t i = 0; i < n; i++) {
        if (gi[i] == UINT32_MAX || !gs[i].creator_id)
            continue;
        st_group *g = &c->g[gi[i]];
        g->with_creator_id++;
        if (!st_idset_has(present, gs[i].creator_id))
            g->orphans++;
    }
    for (size_t i = 0; i < c->n; i++)
        if (!st_sort_u64(c->alloc, c->g[i].ids, c->g[i].n_ids))
            qsort(c->g[i].ids, c->g[i].n_ids, sizeof(uint64_t), cmp_u64);
    return true;
}

/* ---- facts ---------------------------------------------------------------- */

static bool is_startup_creator(const char *f)
{
    return strcmp(f, "main.main") == 0 || strcmp(f, "runtime.main") == 0 ||
           strncmp(f, "main.init", 9) == 0 || strcmp(f, "runtime.doInit") == 0 ||
           strcmp(f, "runtime.doInit1") == 0;
}

static void site_facts(st_ctx *c, st_group *g)
{
    size_t n;
    const uint32_t *fr = strand_stack_frames(c->s, g->stack, &n);
    g->site_func = g->site_file = g->creator = "";
    if (g->site >= 0 && (size_t)g->site < n) {
        const strand_frame *f = strand_frame_get(c->s, fr[g->site]);
        g->site_func = strand_str_get(c->s, f->func, NULL);
        g->site_file = strand_str_get(c->s, f->file, NULL);
        g->site_line = f->line;
        g->site_func_id = f->func;
        g->pkg_len = pkg_len(g->site_func);
    }
    if (g->created_by != STRAND_NONE) {
        const strand_frame *f = strand_frame_get(c->s, g->created_by);
        if (f) {
            g->creator = strand_str_get(c->s, f->func, NULL);
            g->creator_id_str = f->func;
        }
    }
    /* Without creators (profiles), a closure of main.main was started by main. */
    g->startup = (g->feat & ST_F_MAIN) || (*g->creator && is_startup_creator(g->creator)) ||
                 (!*g->creator && strncmp(g->site_func, "main.main.func", 14) == 0);
    g->benign = st_benign_match(c->s, fr, n, g->created_by);
    if (c->opts && c->opts->n_ignores)
        g->ignored = st_ignore_match(c->s, c->opts->ignores, c->opts->n_ignores, fr, n,
                                     g->created_by);
}

/* Per string id: how many groups have the function on their stack, and how
 * many groups it created. O(total frames). */
static bool function_census(st_ctx *c)
{
    c->n_strs = c->s->strs.len;
    c->func_groups = st_malloc(c->alloc, c->n_strs * sizeof(uint32_t));
    c->creator_groups = st_malloc(c->alloc, c->n_strs * sizeof(uint32_t));
    c->func_goroutines = st_malloc(c->alloc, c->n_strs * sizeof(uint64_t));
    uint32_t *last = st_malloc(c->alloc, c->n_strs * sizeof(uint32_t));
    if (!c->func_groups || !c->creator_groups || !c->func_goroutines || !last) {
        st_free(c->alloc, last, c->n_strs * sizeof(uint32_t));
        return false;
    }
    memset(c->func_groups, 0, c->n_strs * sizeof(uint32_t));
    memset(c->creator_groups, 0, c->n_strs * sizeof(uint32_t));
    memset(c->func_goroutines, 0, c->n_strs * sizeof(uint64_t));
    memset(last, 0, c->n_strs * sizeof(uint32_t));
    for (size_t i = 0; i < c->n; i++) {
        size_t n;
        const uint32_t *fr = strand_stack_frames(c->s, c->g[i].stack, &n);
        for (size_t j = 0; j < n; j++) {
            const strand_frame *f = strand_frame_get(c->s, fr[j]);
            if (f && last[f->func] != i + 1) {
                last[f->func] = (uint32_t)(i + 1);
                c->func_groups[f->func]++;
                c->func_goroutines[f->func] += c->g[i].count;
            }
        }
        if (c->g[i].creator_id_str)
            c->creator_groups[c->g[i].creator_id_str]++;
    }
    st_free(c->alloc, last, c->n_strs * sizeof(uint32_t));
    return true;
}

static bool stack_has_func(const strand_snapshot *s, uint32_t stack, strand_str func)
{
    size_t n;
    const uint32_t *fr = strand_stack_frames(s, stack, &n);
    for (size_t j = 0; j < n; j++) {
        const strand_frame *f = strand_frame_get(s, fr[j]);
        if (f && f->func == func)
            return true;
    }
    return false;
}

static bool is_live_kind(strand_kind k)
{
    return k == STRAND_KIND_RUNNING || k == STRAND_KIND_RUNNABLE || k == STRAND_KIND_IO ||
           k == STRAND_KIND_SYSCALL || k == STRAND_KIND_SLEEP;
}

static void liveness(st_ctx *c)
{
    for (size_t i = 0; i < c->n; i++) {
        st_group *g = &c->g[i];
        strand_str cr = g->creator_id_str;
        if (cr && cr < c->n_strs) {
            uint32_t on = c->func_groups[cr];
            if (stack_has_func(c->s, g->stack, cr))
                on--;
            g->creator_alive = on > 0;
        }
        if (g->site_func_id && g->site_func_id < c->n_strs)
            g->children = c->creator_groups[g->site_func_id] > 0;
        strand_kind k = (strand_kind)g->kind;
        if (strcmp(g->site_func, "main.main") == 0 &&
            (k == STRAND_KIND_CHAN_RECEIVE || k == STRAND_KIND_CHAN || k == STRAND_KIND_SELECT ||
             k == STRAND_KIND_SELECT_NO_CASES || k == STRAND_KIND_WAITGROUP))
            c->daemon = true;
        const st_benign *b = st_benign_get(g->benign);
        bool always = b && b->cond == ST_BENIGN_ALWAYS;
        bool writer = (g->gflags & STRAND_G_CURRENT) && !strand_snapshot_reason(c->s);
        if (!always && !writer && g->ignored < 0 && is_live_kind((strand_kind)g->kind))
            c->live += g->count;
    }
}

bool st_ctx_build(st_ctx *c, const strand_snapshot *s, const strand_analyze_options *o,
                  st_arena *ar)
{
    memset(c, 0, sizeof *c);
    c->s = s;
    c->opts = o;
    c->alloc = (o && o->alloc && o->alloc->malloc_fn) ? o->alloc : &st_default_alloc;
    c->ar = ar;
    c->total = strand_snapshot_total(s);
    strand_format f = strand_snapshot_format(s);
    c->test_report = f == STRAND_FORMAT_GOLEAK || f == STRAND_FORMAT_GLEAK;
    c->all_asleep = strstr(strand_str_get(s, strand_snapshot_reason(s), NULL),
                           "all goroutines are asleep") != NULL;
    const char *ptype = strand_str_get(s, strand_snapshot_profile_type(s), NULL);
    /* a memory profile: protobuf of another sample type, or the heap text */
    c->heap = (f == STRAND_FORMAT_PPROF_PROTO && *ptype && strncmp(ptype, "goroutine", 9) != 0) ||
              (f == STRAND_FORMAT_PPROF_TEXT && strcmp(ptype, "heap") == 0);
    build b = {c, NULL, NULL, NULL, strand_snapshot_stack_count(s)};
    size_t nstr = s->strs.len, ng;
    strand_snapshot_goroutines(s, &ng);
    b.func_any = st_malloc(c->alloc, nstr * sizeof(uint32_t));
    b.func_top = st_malloc(c->alloc, nstr * sizeof(uint32_t));
    b.stacks = st_malloc(c->alloc, b.n_stacks * sizeof(stack_info) + 1);
    uint32_t *gi = st_malloc(c->alloc, ng * sizeof(uint32_t) + 1);
    st_map index;
    st_map_init(&index, c->alloc);
    st_idset ids; /* the goroutine ids seen (a bitmap over their range, as a rule) */
    const strand_goroutine *gs = strand_snapshot_goroutines(s, &ng);
    uint64_t lo = ng ? gs[0].id : 0, hi = lo;
    for (size_t i = 1; i < ng; i++) {
        lo = gs[i].id < lo ? gs[i].id : lo;
        hi = gs[i].id > hi ? gs[i].id : hi;
    }
    bool ok = st_idset_init(&ids, c->alloc, lo, hi, ng) && b.func_any && b.func_top && b.stacks &&
              gi;
    if (ok) {
        memset(b.func_any, 0, nstr * sizeof(uint32_t));
        memset(b.stacks, 0, b.n_stacks * sizeof(stack_info));
        ok = group_goroutines(&b, &index, gi, &ids) && group_records(&b, &index) &&
             collect_ids(c, gi, &ids) && !index.oom;
    }
    st_idset_free(&ids);
    st_map_free(&index);
    st_free(c->alloc, gi, ng * sizeof(uint32_t) + 1);
    st_free(c->alloc, b.stacks, b.n_stacks * sizeof(stack_info) + 1);
    st_free(c->alloc, b.func_top, nstr * sizeof(uint32_t));
    st_free(c->alloc, b.func_any, nstr * sizeof(uint32_t));
    if (!ok)
        return false;
    for (size_t i = 0; i < c->n; i++) {
        c->g[i].snap = s;
        c->g[i].merged_count = c->g[i].count;
        c->g[i].members = 1;
        site_facts(c, &c->g[i]);
    }
    if (!function_census(c))
        return false;
    liveness(c);
    return !c->oom;
}

void st_ctx_free(st_ctx *c)
{
    st_free(c->alloc, c->g, c->cap * sizeof *c->g);
    st_free(c->alloc, c->func_groups, c->n_strs * sizeof(uint32_t));
    st_free(c->alloc, c->creator_groups, c->n_strs * sizeof(uint32_t));
    st_free(c->alloc, c->func_goroutines, c->n_strs * sizeof(uint64_t));
    memset(c, 0, sizeof *c);
}

/* ---- the report ---------------------------------------------------------- */

struct strand_report {
    strand_alloc alloc;
    st_arena arena;
    strand_finding *findings;
    size_t n_findings;
    strand_input_summary *inputs;
    size_t n_inputs;
    uint64_t goroutines;
    const char **strs; /* label strings; [0] = "" */
    size_t n_strs, cap_strs;
};

static strand_str report_str(strand_report *r, const char *s)
{
    if (!*s)
        return 0;
    if (r->n_strs == r->cap_strs) {
        size_t cap = r->cap_strs ? r->cap_strs * 2 : 16;
        const char **p = st_realloc(&r->alloc, r->strs, r->cap_strs * sizeof *p, cap * sizeof *p);
        if (!p)
            return 0;
        r->strs = p;
        r->cap_strs = cap;
        if (!r->n_strs)
            r->strs[r->n_strs++] = "";
    }
    const char *copy = dup_arena(&r->arena, s);
    if (!copy)
        return 0;
    r->strs[r->n_strs] = copy;
    return (strand_str)r->n_strs++;
}

static strand_loc loc_of(strand_report *r, const strand_snapshot *s, uint32_t frame_id)
{
    strand_loc l = {"", "", 0};
    const strand_frame *f = frame_id == STRAND_NONE ? NULL : strand_frame_get(s, frame_id);
    if (!f)
        return l;
    const char *fn = dup_arena(&r->arena, strand_str_get(s, f->func, NULL));
    const char *fl = dup_arena(&r->arena, strand_str_get(s, f->file, NULL));
    l.function = fn ? fn : "";
    l.file = fl ? fl : "";
    l.line = f->line;
    return l;
}

#define ST_MAX_STACK_COPY 64u

static bool finding_stack(strand_report *r, strand_finding *fd, const st_group *g)
{
    size_t n;
    const uint32_t *fr = strand_stack_frames(g->snap, g->stack, &n);
    if (n > ST_MAX_STACK_COPY)
        n = ST_MAX_STACK_COPY;
    strand_loc *locs = n ? st_arena_alloc(&r->arena, n * sizeof *locs, 8) : NULL;
    if (n && !locs)
        return false;
    for (size_t i = 0; i < n; i++)
        locs[i] = loc_of(r, g->snap, fr[i]);
    fd->stack = locs;
    fd->n_stack = n;
    if (g->site >= 0 && (size_t)g->site < n)
        fd->site = locs[g->site];
    else if (g->site >= 0)
        fd->site = loc_of(r, g->snap, strand_stack_frames(g->snap, g->stack, &n)[g->site]);
    return true;
}

static bool finding_labels(strand_report *r, strand_finding *fd, const st_group *g)
{
    size_t n = 0;
    const strand_label *ls =
        g->labels == STRAND_NONE ? NULL : strand_labels_get(g->snap, g->labels, &n);
    if (!n)
        return true;
    strand_label *out = st_arena_alloc(&r->arena, n * sizeof *out, 8);
    if (!out)
        return false;
    for (size_t i = 0; i < n; i++) {
        out[i].key = report_str(r, strand_str_get(g->snap, ls[i].key, NULL));
        out[i].value = report_str(r, strand_str_get(g->snap, ls[i].value, NULL));
    }
    fd->labels = out;
    fd->n_labels = n;
    return true;
}

/* Ids of the group and of the groups merged whole into it, sorted.
 * `members[gi]` chains the merged groups (index + 1, 0 = end) through `next`. */
static bool finding_ids(strand_report *r, strand_finding *fd, const st_ctx *c, size_t gi,
                        const uint32_t *members, const uint32_t *next)
{
    size_t total = c->g[gi].n_ids;
    for (uint32_t m = members[gi]; m; m = next[m - 1])
        total += c->g[m - 1].n_ids;
    if (!total)
        return true;
    if (!members[gi]) { /* sorted already, in the report's arena */
        fd->goroutine_ids = c->g[gi].ids;
        fd->n_goroutine_ids = total;
        return true;
    }
    uint64_t *ids = st_arena_alloc(&r->arena, total * sizeof *ids, 8);
    if (!ids)
        return false;
    size_t k = c->g[gi].n_ids;
    memcpy(ids, c->g[gi].ids, k * sizeof *ids);
    for (uint32_t m = members[gi]; m; m = next[m - 1]) {
        const st_group *g = &c->g[m - 1];
        if (g->n_ids)
            memcpy(ids + k, g->ids, g->n_ids * sizeof *ids);
        k += g->n_ids;
    }
    if (!st_sort_u64(&r->alloc, ids, k))
        qsort(ids, k, sizeof *ids, cmp_u64);
    fd->goroutine_ids = ids;
    fd->n_goroutine_ids = k;
    return true;
}

static bool finding_fill(strand_report *r, strand_finding *fd, const st_ctx *c, size_t gi,
                         size_t n_snaps, const uint32_t *members, const uint32_t *next)
{
    const st_group *g = &c->g[gi];
    memset(fd, 0, sizeof *fd);
    fd->verdict = g->verdict;
    fd->cls = g->cls ? g->cls : strand_class_find("waiting");
    fd->count = g->objects ? 0 : g->merged_count - g->absorbed;
    fd->kind = (strand_kind)g->kind;
    const char *state = g->status ? strand_str_get(g->snap, g->status, NULL) : "";
    if (g->objects)
        state = "heap objects";
    fd->state = dup_arena(&r->arena, *state ? state : strand_kind_name(fd->kind));
    fd->wait_min = g->wmin;
    fd->wait_max = g->wmax;
    fd->created_by = loc_of(r, g->snap, g->created_by);
    fd->site = (strand_loc){"", "", 0};
    fd->cause = dup_arena(&r->arena, g->cause ? g->cause : fd->cls->cause);
    fd->fix = dup_arena(&r->arena, g->fix ? g->fix : fd->cls->fix);
    fd->n_evidence = g->n_ev;
    const char **ev = st_arena_alloc(&r->arena, (g->n_ev + 1) * sizeof *ev, 8);
    if (!ev || !fd->state || !fd->cause || !fd->fix)
        return false;
    memcpy(ev, g->ev, g->n_ev * sizeof *ev);
    fd->evidence = ev;
    fd->group_members = g->members;
    if (n_snaps > 1 && g->trend) {
        fd->trend_counts = g->trend;
        fd->n_trend = n_snaps;
        fd->per_minute = g->per_minute;
        fd->trend = g->shape;
    }
    return finding_stack(r, fd, g) && finding_labels(r, fd, g) &&
           finding_ids(r, fd, c, gi, members, next);
}

static int cmp_finding(const void *a, const void *b)
{
    const strand_finding *x = a, *y = b;
    if (x->verdict != y->verdict)
        return x->verdict > y->verdict ? -1 : 1;
    if (x->count != y->count)
        return x->count > y->count ? -1 : 1;
    int k = strcmp(x->site.function, y->site.function);
    return k ? k : (x->site.line > y->site.line) - (x->site.line < y->site.line);
}

static bool report_findings(strand_report *r, const st_ctx *c, size_t n_snaps)
{
    uint64_t min = c->opts ? c->opts->min_count : 0;
    r->findings = st_arena_alloc(&r->arena, (c->n + 1) * sizeof *r->findings, 8);
    uint32_t *members = st_arena_alloc(&r->arena, (c->n + 1) * sizeof *members, 4);
    uint32_t *next = st_arena_alloc(&r->arena, (c->n + 1) * sizeof *next, 4);
    if (!r->findings || !members || !next)
        return false;
    memset(members, 0, (c->n + 1) * sizeof *members);
    for (size_t i = 0; i < c->n; i++) {
        int into = c->g[i].merged_into;
        next[i] = 0;
        if (into >= 0 && (size_t)into < c->n) {
            next[i] = members[into];
            members[into] = (uint32_t)(i + 1);
        }
    }
    for (size_t i = 0; i < c->n; i++) {
        const st_group *g = &c->g[i];
        if (g->merged_into >= 0 || g->hidden ||
            (g->merged_count <= g->absorbed && g->shape != STRAND_TREND_GONE))
            continue;
        if (min > 1 && g->merged_count - g->absorbed < min)
            continue;
        if (!finding_fill(r, &r->findings[r->n_findings], c, i, n_snaps, members, next))
            return false;
        r->n_findings++;
    }
    qsort(r->findings, r->n_findings, sizeof *r->findings, cmp_finding);
    return true;
}

static bool report_inputs(strand_report *r, const strand_snapshot *const *snaps, size_t n)
{
    r->inputs = st_arena_alloc(&r->arena, n * sizeof *r->inputs, 8);
    if (!r->inputs)
        return false;
    for (size_t i = 0; i < n; i++) {
        const strand_snapshot *s = snaps[i];
        strand_input_summary *in = &r->inputs[i];
        size_t nd;
        const strand_diagnostic *d = strand_snapshot_diagnostics(s, &nd);
        in->name = dup_arena(&r->arena, strand_snapshot_name(s));
        in->format = strand_snapshot_format(s);
        in->goroutines = strand_snapshot_total(s);
        in->reason = dup_arena(&r->arena, strand_str_get(s, strand_snapshot_reason(s), NULL));
        strand_diagnostic *dc = nd ? st_arena_alloc(&r->arena, nd * sizeof *dc, 8) : NULL;
        if (!in->name || !in->reason || (nd && !dc))
            return false;
        if (nd)
            memcpy(dc, d, nd * sizeof *dc);
        in->diagnostics = dc;
        in->n_diagnostics = nd;
        in->diagnostic_total = strand_snapshot_diagnostic_total(s);
        in->skipped = strand_snapshot_skipped(s);
    }
    r->n_inputs = n;
    return true;
}

void strand_report_free(strand_report *r)
{
    if (!r)
        return;
    strand_alloc a = r->alloc;
    st_free(&a, r->strs, r->cap_strs * sizeof *r->strs);
    st_arena_free(&r->arena);
    st_free(&a, r, sizeof *r);
}

static strand_report *report_new(const strand_analyze_options *o)
{
    const strand_alloc *a = (o && o->alloc && o->alloc->malloc_fn) ? o->alloc : &st_default_alloc;
    strand_report *r = st_malloc(a, sizeof *r);
    if (!r)
        return NULL;
    memset(r, 0, sizeof *r);
    r->alloc = *a;
    st_arena_init(&r->arena, &r->alloc);
    return r;
}

strand_report *strand_analyze(const strand_snapshot *const *snaps, size_t n,
                              const strand_analyze_options *opts, strand_error *err)
{
    if (!snaps || n == 0) {
        st_set_error(err, STRAND_ERR_ARG, "strand_analyze: no snapshot", 0);
        return NULL;
    }
    for (size_t i = 0; i < n; i++)
        if (!snaps[i]) {
            st_set_error(err, STRAND_ERR_ARG, "strand_analyze: NULL snapshot", 0);
            return NULL;
        }
    strand_report *r = report_new(opts);
    if (!r) {
        st_set_error(err, STRAND_ERR_NOMEM, NULL, 0);
        return NULL;
    }
    st_ctx c;
    strand_code code = STRAND_OK;
    if (!st_ctx_build(&c, snaps[n - 1], opts, &r->arena))
        code = STRAND_ERR_NOMEM;
    else {
        st_ctx_decide(&c);
        if (n > 1)
            code = st_compare(&c, snaps, n, opts, err);
        if (code == STRAND_OK && (c.oom || !report_findings(r, &c, n) || !report_inputs(r, snaps, n)))
            code = STRAND_ERR_NOMEM;
    }
    r->goroutines = strand_snapshot_total(snaps[n - 1]);
    st_ctx_free(&c);
    if (code != STRAND_OK) {
        if (code == STRAND_ERR_NOMEM)
            st_set_error(err, code, NULL, 0);
        strand_report_free(r);
        return NULL;
    }
    return r;
}

const strand_finding *strand_report_findings(const strand_report *r, size_t *n)
{
    if (n)
        *n = r->n_findings;
    return r->n_findings ? r->findings : NULL;
}

const strand_input_summary *strand_report_inputs(const strand_report *r, size_t *n)
{
    if (n)
        *n = r->n_inputs;
    return r->inputs;
}

uint64_t strand_report_goroutines(const strand_report *r)
{
    return r->goroutines;
}

const char *strand_report_str(const strand_report *r, strand_str id)
{
    return id < r->n_strs ? r->strs[id] : "";
}

const char *strand_verdict_name(strand_verdict v)
{
    static const char *const names[] = {"ok", "suspect", "leak"};
    return (unsigned)v < 3 ? names[v] : "ok";
}

const char *strand_trend_name(strand_trend_shape t)
{
    static const char *const names[] = {"",      "growing", "steady",   "shrinking", "new",
                                        "gone",  "stuck",   "spinning", "noisy"};
    return (unsigned)t < sizeof names / sizeof names[0] ? names[t] : "";
}
