/* snap_build.h - build snapshots in C for the analysis tests, through the
 * private builder API of lib/internal.h (st_snapshot_new, st_intern, ...). */
#ifndef SNAP_BUILD_H
#define SNAP_BUILD_H

#include <string.h>

#include "internal.h"

typedef struct tf {
    const char *func, *file;
    uint32_t line;
} tf;

#define NF(a) (sizeof(a) / sizeof((a)[0]))

static inline strand_snapshot *tb_new(strand_format f, const char *name)
{
    strand_snapshot *s = st_snapshot_new(NULL, name);
    if (s)
        s->format = f;
    return s;
}

static inline uint32_t tb_frame(strand_snapshot *s, tf f)
{
    strand_str fn = st_intern(s, f.func, strlen(f.func));
    strand_str fl = st_intern(s, f.file, strlen(f.file));
    return st_frame(s, fn, fl, f.line, 0);
}

static inline uint32_t tb_stack(strand_snapshot *s, const tf *frames, size_t n)
{
    uint32_t ids[64];
    for (size_t i = 0; i < n && i < 64; i++)
        ids[i] = tb_frame(s, frames[i]);
    return st_stack(s, ids, n);
}

/* A goroutine (traceback formats). `created_by` may be NULL. */
static inline strand_goroutine *tb_g(strand_snapshot *s, uint64_t id, const char *status,
                                     strand_kind k, const tf *frames, size_t n, const tf *created_by)
{
    uint32_t stack = tb_stack(s, frames, n);
    uint32_t cb = created_by ? tb_frame(s, *created_by) : STRAND_NONE;
    strand_str st = st_intern(s, status, strlen(status));
    strand_goroutine *g = st_add_goroutine(s);
    if (!g)
        return NULL;
    g->id = id;
    g->status = st;
    g->kind = (uint16_t)k;
    g->stack = stack;
    g->created_by = cb;
    g->flags = STRAND_G_HAS_ID;
    return g;
}

/* `count` goroutines with consecutive ids from `first`. */
static inline void tb_gs(strand_snapshot *s, uint64_t first, size_t count, const char *status,
                         strand_kind k, const tf *frames, size_t n, const tf *created_by)
{
    for (size_t i = 0; i < count; i++)
        tb_g(s, first + i, status, k, frames, n, created_by);
}

/* An aggregated record (pprof formats). */
static inline strand_record *tb_rec(strand_snapshot *s, int64_t count, strand_kind k,
                                    const tf *frames, size_t n)
{
    uint32_t stack = tb_stack(s, frames, n);
    strand_record *r = st_add_record(s);
    if (!r)
        return NULL;
    r->count = count;
    r->kind = (uint16_t)k;
    r->stack = stack;
    return r;
}

/* Frequently used frames. */
static const tf TB_WRITER[] = {
    {"runtime/pprof.writeGoroutineStacks", "/usr/lib/go/src/runtime/pprof/pprof.go", 692},
    {"runtime/pprof.(*Profile).WriteTo", "/usr/lib/go/src/runtime/pprof/pprof.go", 330},
    {"main.main", "/src/main.go", 40},
};

#endif
