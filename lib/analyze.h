/*
 * analyze.h - private interfaces of the analysis: groups of goroutines,
 * their facts and decisions, the known-benign table (benign.c), and the
 * series comparison (compare.c). Not installed.
 */
#ifndef STRAND_ANALYZE_H
#define STRAND_ANALYZE_H

#include "internal.h"

/* ---- a small hash map: 64-bit key -> 32-bit value ------------------------- */

typedef struct st_map {
    const strand_alloc *alloc;
    uint64_t *keys; /* 0 = empty; callers never use key 0 (st_map_key fixes it) */
    uint32_t *vals;
    size_t mask, used;
    bool oom;
} st_map;

static inline uint64_t st_map_key(uint64_t h)
{
    return h ? h : 0x9e3779b97f4a7c15ull;
}
void st_map_init(st_map *m, const strand_alloc *a);
/* The value slot of `key`, inserted with *fresh = true when absent. NULL on OOM. */
uint32_t *st_map_put(st_map *m, uint64_t key, bool *fresh);
/* The value of `key`, or UINT32_MAX. */
uint32_t st_map_get(const st_map *m, uint64_t key);
void st_map_free(st_map *m);

/* ---- the known-benign table (benign.c) ------------------------------------- */

enum { ST_AT_TOP, ST_AT_ANY, ST_AT_CREATED_BY };

enum {
    ST_BENIGN_ALWAYS,    /* benign in every report */
    ST_BENIGN_CONN,      /* a library's per-connection/daemon goroutine: benign in a
                            running program, suspect in a test's leak report */
    ST_BENIGN_IDLE_HTTP, /* as CONN, unless a hung request (roundTrip) owns it */
    ST_BENIGN_SERVING,   /* an accept loop: benign while its server runs */
};

typedef struct st_benign {
    const char *func; /* function as printed; a trailing '*' matches a prefix */
    uint8_t where;    /* ST_AT_* */
    uint8_t cond;     /* ST_BENIGN_* */
    const char *why;  /* what the goroutine is, for the evidence */
} st_benign;

const st_benign *st_benign_get(int i);
/* Index of the first entry matching the stack (innermost first), or -1. */
int st_benign_match(const strand_snapshot *s, const uint32_t *frames, size_t n, uint32_t created_by);
/* Index of the first ignore rule matching, or -1 (goleak's meanings). */
int st_ignore_match(const strand_snapshot *s, const strand_ignore *rules, size_t n_rules,
                    const uint32_t *frames, size_t n, uint32_t created_by);
bool st_func_match(const char *pattern, const char *func);
/* The runtime, the standard library and golang.org/x: not the user's code. */
bool st_is_library_func(const char *f);
/* A frame with no function name ("?", an address, a C frame). */
bool st_is_unresolved(const char *f);
bool st_is_runtime_func(const char *f);
/* The innermost frame a traceback prints (runtime.* skipped), or -1. */
int st_top_frame(const strand_snapshot *s, const uint32_t *frames, size_t n);

/* ---- groups ------------------------------------------------------------------ */

/* Facts recognised from frames (the recognizer table in analyze.c). */
enum {
    ST_F_CHANSEND = 1u << 0,
    ST_F_RECV1 = 1u << 1,      /* runtime.chanrecv1: v := <-c */
    ST_F_RECV2 = 1u << 2,      /* runtime.chanrecv2: range / v, ok := <-c */
    ST_F_SELECTGO = 1u << 3,
    ST_F_BLOCK = 1u << 4,      /* select {} */
    ST_F_SELECTNB = 1u << 5,   /* select with default: polling */
    ST_F_PREEMPT = 1u << 6,    /* asynchronously preempted: was running */
    ST_F_CTXPOLL = 1u << 7,    /* executing ctx.Done()/Err() on top: polling */
    ST_F_HTTP_CALL = 1u << 8,  /* net/http.(*persistConn).roundTrip */
    ST_F_HTTP_READ = 1u << 9,  /* net/http.(*persistConn).readLoop */
    ST_F_HTTP_WRITE = 1u << 10, /* net/http.(*persistConn).writeLoop */
    ST_F_EG_WORKER = 1u << 11, /* errgroup.(*Group).Go.func1 */
    ST_F_EG_WAIT = 1u << 12,   /* errgroup.(*Group).Wait */
    ST_F_WG_WAIT = 1u << 13,   /* sync.(*WaitGroup).Wait */
    ST_F_MUTEX = 1u << 14,
    ST_F_RWMUTEX = 1u << 15,
    ST_F_COND = 1u << 16,
    ST_F_ACCEPT = 1u << 17,
    ST_F_NETREAD = 1u << 18,
    ST_F_NETWRITE = 1u << 19,
    ST_F_POLLWAIT = 1u << 20,  /* internal/poll.runtime_pollWait */
    ST_F_SLEEP = 1u << 21,
    ST_F_UNRESOLVED = 1u << 22, /* a frame without a function name */
    ST_F_MAIN = 1u << 23,      /* main.main is on the stack */
    ST_F_TICKER = 1u << 24,    /* time.(*Ticker)/time.Tick frames (rarely visible) */
    ST_F_HTTP_WAIT = 1u << 25, /* net/http client, no roundTrip: Transport.getConn (waits
                                  for a connection), bodyEOFSignal (reads the body, hands
                                  the connection back to readLoop) */
};

#define ST_MAX_EV 12

typedef struct st_group {
    const strand_snapshot *snap; /* the snapshot the group's ids point into */
    uint64_t nkey;        /* user-visible frames (func, line), runtime.* dropped:
                             equal across formats for the same stack */
    uint64_t loose;       /* user-visible function names only */
    uint64_t key;         /* nkey + kind + creator: the grouping key */
    uint32_t stack;       /* representative stack id */
    uint32_t created_by;  /* representative's creator frame, or STRAND_NONE */
    uint32_t labels;
    strand_str status;
    uint16_t kind;        /* refined strand_kind */
    uint16_t gflags;      /* OR of STRAND_G_* of the members */
    uint64_t count;
    int32_t wmin, wmax;
    uint64_t *ids;        /* sorted, in the report arena; NULL for records */
    size_t n_ids;
    uint64_t orphans;     /* members whose creator goroutine (Go 1.21+) is absent */
    uint64_t with_creator_id;

    /* facts */
    uint32_t feat;        /* ST_F_* */
    int site, top;        /* frame indices in the stack, -1 when none */
    const char *site_func, *site_file; /* snapshot strings; "" when none */
    uint32_t site_line;
    strand_str site_func_id;
    const char *creator;  /* created-by function, "" when unknown */
    strand_str creator_id_str;
    size_t pkg_len;       /* length of the site function's package path */
    int benign, ignored;  /* table / rule index, or -1 */
    bool startup;         /* created by main.main/init, or is main itself */
    bool creator_alive;   /* the creator function is on another live stack */
    bool children;        /* some goroutine was created by the site function */
    int waited_by;        /* a WaitGroup waiter absorbed into this group, or -1 */
    const char *src_text; /* the waiting line as read from the source, or NULL */
    uint8_t src_op;       /* st_src_op */
    uint8_t src_flags;    /* ST_SRC_* */

    /* decisions */
    const strand_class_info *cls;
    strand_verdict verdict;
    bool decided;
    bool hidden;          /* not a goroutine group (a memory profile's other records) */
    bool objects;         /* the count is of heap objects, not goroutines: reported as 0 */
    int merged_into;      /* group whose finding absorbs this one, or -1 */
    uint64_t absorbed;    /* goroutines absorbed by another finding */
    uint64_t merged_count; /* count + what it absorbed from others */
    size_t members;       /* distinct stacks in the finding */
    const char *ev[ST_MAX_EV];
    uint8_t n_ev;
    const char *cause, *fix;

    /* series (compare.c) */
    int64_t *trend;       /* per snapshot, in the report arena */
    strand_trend_shape shape;
    double per_minute;
} st_group;

/* The analysis of one snapshot. */
typedef struct st_ctx {
    const strand_snapshot *s;
    const strand_analyze_options *opts;
    const strand_alloc *alloc;
    st_arena *ar;         /* the report's arena */
    bool oom;
    st_group *g;
    size_t n, cap;
    uint64_t total;       /* goroutines in the snapshot */
    bool test_report;     /* goleak / gleak */
    bool all_asleep;      /* the runtime's "all goroutines are asleep - deadlock!" */
    bool heap;            /* a memory profile (alloc/inuse samples), not goroutines */
    bool daemon;          /* main.main itself waits (for a signal, for ever): the
                             process idles by design */
    bool has_ids, has_creators;
    uint64_t live;        /* goroutines that can still act: running, I/O, sleep,
                             syscall, listeners, server connections */
    uint32_t *func_groups;    /* per string id: groups whose stack has it */
    uint32_t *creator_groups; /* per string id: groups created by it */
    uint64_t *func_goroutines; /* per string id: goroutines whose stack has it */
    size_t n_strs;
} st_ctx;

/* Build the groups of one snapshot and their facts (no decisions). */
bool st_ctx_build(st_ctx *c, const strand_snapshot *s, const strand_analyze_options *o,
                  st_arena *ar);
/* Decide class, verdict, evidence, cause and fix for every group. */
void st_ctx_decide(st_ctx *c);
/* Cause and fix placed at the site, for groups that have none yet; a group
 * whose verdict is leak under a class whose verdict is ok gets the class of
 * its mechanism (st_leak_class) first. */
void st_ctx_place_text(st_ctx *c);
/* The leak class of a group's blocking mechanism, for a group found leaking
 * by other means than its class (the runtime's "leaked" mark, a trend):
 * chan-send, chan-receive-*, select-never-ready, net-read-no-deadline,
 * nil-channel, select-no-cases, waitgroup-missing-done, cond-wait-no-signal,
 * mutex-no-holder (runtime-marked only), else growing-population. */
const char *st_leak_class(const st_group *g);
void st_ctx_free(st_ctx *c);

/* Evidence: append a formatted sentence (report arena). */
void st_ev(st_ctx *c, st_group *g, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
char *st_printf(st_arena *ar, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
void st_set_class(st_group *g, const char *id, strand_verdict v);
/* The group's site as "file:line" (base name), in a static-free buffer. */
const char *st_site_short(st_ctx *c, const st_group *g);

/* ---- reading the waiting line (source.c) ------------------------------------- */

typedef enum st_src_op {
    ST_SRC_NONE,
    ST_SRC_SEND,   /* ch <- v */
    ST_SRC_RECV,   /* <-ch, v := <-ch */
    ST_SRC_RANGE,  /* for v := range ch */
    ST_SRC_SELECT, /* select { ... } */
} st_src_op;

enum {
    ST_SRC_LOOP = 1u << 0,       /* the receive sits in a for loop */
    ST_SRC_TICKER = 1u << 1,     /* ranges over / selects on a ticker's t.C */
    ST_SRC_DONE_CASE = 1u << 2,  /* a select case on x.Done() */
    ST_SRC_TIME_AFTER = 1u << 3, /* a select case on time.After */
};

typedef struct st_src {
    st_src_op op;
    unsigned flags;
    char text[128]; /* the line, trimmed */
} st_src;

/* Classify the statement at file:line through o->source_line; false when
 * there is no hook, no text, or nothing recognised. */
bool st_source_read(const strand_analyze_options *o, const char *file, uint32_t line, st_src *out);
/* True when a Set*Deadline call precedes the line in its function (bounded). */
bool st_source_has_deadline(const strand_analyze_options *o, const char *file, uint32_t line);

/* ---- series (compare.c) ------------------------------------------------------ */

/* What the goroutine ids say about a group's churn over a window. */
typedef struct st_churn {
    size_t early;    /* earlier snapshots, in the first half of the window (and the
                      * first), whose ids are known: 0 when there are none */
    double departed; /* their goroutines that are gone by the last snapshot */
    bool none_left;  /* ids in every snapshot, and no goroutine of any left */
} st_churn;

/* The trend of one group's counts c[0..n), oldest first, at times t (any
 * unit; NULL: equally spaced); `ch` the ids' view, NULL without ids.
 *
 * new: zero until the last count; gone: zero at the end; steady when all
 * equal. Else, with n >= 3, growing when
 *  - most later counts sit above earlier ones: the Mann-Kendall S (pairs
 *    later-above-earlier minus later-below), with its variance corrected
 *    for ties, has Z = (S - 1) / sd >= 1.645 (5% one-sided); at n = 3,
 *    where no S is significant, the counts must rise strictly; and
 *  - the growth along the Theil-Sen line (the median of the pairwise slopes:
 *    one spike does not make a trend) over the window is >= 2 and >= 2.5 sd
 *    of the difference of two counts, sqrt(2) x the noise, where the noise
 *    is the larger of
 *      the floor: the spread a churning population does not go below, the
 *      Poisson sqrt(level), level the median count; with ids sqrt(the
 *      goroutines per early snapshot that left, + 1), so that a large pool
 *      with a little churn has a small floor; and
 *      the measured spread of the counts around the line, moderated (as by
 *      4 degrees of freedom) by the floor.
 *    More than churn, however correlated from one snapshot to the next,
 *    moves a level between two snapshots.
 * When the ids show that nothing ever left, the counts can only rise: two
 * rises or more, by 2 or more, are growth (64 -> 65 -> 66 -> 67 with the
 * same ids grows however large the group), and the floor is 0.
 * Shrinking mirrors growing. Two counts (a baseline and an after) have no
 * spread to measure: the jump must reach 2, 1.645 sd of the floor's
 * difference and, without ids, a tenth of the level. Otherwise steady when
 * the range stays within 4 floor spreads (or a tenth of the level, or 1)
 * and nothing hints at a direction (a significant Z, three counts in strict
 * order), else noisy. The Theil-Sen slope is the rate (per unit of t). */
typedef struct st_trend {
    strand_trend_shape shape;
    double slope;  /* Theil-Sen, goroutines per unit of t */
    double growth; /* along the line over the window (n = 2: the jump) */
    double level;  /* median count */
    double floor;  /* the churn's spread (sd) */
    double noise;  /* the spread used (n >= 3) */
    double mk_z;   /* Mann-Kendall Z, continuity-corrected */
} st_trend;
void st_trend_fit(const int64_t *c, const double *t, size_t n, const st_churn *ch,
                  const strand_alloc *a, st_trend *r);

/* Compare snapshots (oldest first) against the analysis of the last one,
 * `last`: fills each group's trend, shape and rate, adjusts verdicts, and
 * appends groups gone by the last snapshot (as new groups of `last`).
 * Fails with STRAND_ERR_MISMATCH when the snapshots are evidently of
 * different processes. */
strand_code st_compare(st_ctx *last, const strand_snapshot *const *snaps, size_t n,
                       const strand_analyze_options *o, strand_error *err);

#endif
