/* watch.h - strand watch: the pieces of the command and how they meet.
 *
 *   cmd_watch.c      options, the main loop, scheduling, signals
 *   watch_target.c   targets (URL, PID=URL, DIR), the history window, the
 *                    analysis after each snapshot, findings reported once
 *   watch_fetch.c    libcurl multi: concurrent fetches streamed into readers
 *   watch_dir.c      directory targets: new snapshot files, in order
 *   watch_db.c       the SQLite history (schema: docs/watch.md)
 *   watch_store.c    a snapshot's goroutine groups <-> text the reader re-reads
 *   watch_metrics.c  the Prometheus /metrics server (poll, 127.0.0.1)
 *   watch_view.c     terminal view, plain log lines, JSON events
 *   watch_util.c     durations, sizes, clocks, /proc sampling, JSON strings
 *
 * Everything runs on one thread: curl_multi_poll() waits on the transfers,
 * the metrics sockets and the signal pipe together.
 */
#ifndef STRAND_WATCH_H
#define STRAND_WATCH_H

#include "tool.h"

#include <poll.h>
#include <stdbool.h>
#include <stdint.h>

typedef struct watch watch;
typedef struct watch_target watch_target;
typedef struct watch_db watch_db;
typedef struct watch_fetcher watch_fetcher;
typedef struct watch_metrics watch_metrics;
typedef struct watch_raw watch_raw;

typedef struct watch_opts {
    tool_opts common;          /* --json, --fail-on, ignore rules, --min-count, --color */
    double every;              /* seconds between snapshots of a target */
    double duration;           /* stop after this many seconds; 0: never */
    double timeout;            /* whole-transfer timeout, seconds */
    double retain;             /* database retention, seconds */
    size_t window;             /* snapshots in the analysis window */
    unsigned confirm;          /* analyses in a row that must flag a finding */
    uint64_t max_size;         /* bytes of one response body */
    uint64_t keep_raw_max;     /* bytes kept under --keep-raw */
    const char *db_path;
    const char *keep_raw;
    const char *metrics_addr;
    const char *cacert;
    const char **headers;
    size_t n_headers;
    int debug;                 /* first debug level tried: 2, 1 or 0 */
    bool once, follow_redirects, plain;
} watch_opts;

/* One sample of the analysis window. */
typedef struct watch_sample {
    strand_snapshot *snap;
    double time;               /* wall clock, seconds since the epoch */
    int64_t fds, rss;          /* -1 when not sampled */
} watch_sample;

/* A finding reported (a leak, a spinning loop), kept until resolved. */
typedef struct watch_seen {
    uint64_t key;              /* watch_finding_key() */
    int64_t db_id;             /* findings.id, 0 when not stored */
    unsigned misses;           /* consecutive analyses that no longer flag it */
    unsigned hits;             /* consecutive analyses that flag it */
    bool present;              /* flagged by the current analysis */
    bool reported;             /* confirmed and reported (else a candidate) */
    bool lockstep_named;       /* fds-in-lockstep already said */
    char *cls, *function, *file;
    uint32_t line;
} watch_seen;

typedef struct watch_errcount {
    char reason[24];
    uint64_t n;
} watch_errcount;

enum watch_kind { WATCH_URL, WATCH_DIR };

struct watch_target {
    char *name;                /* as shown and stored: the URL or the directory */
    char *url;                 /* base URL, without the debug parameter */
    char *dir;
    enum watch_kind kind;
    int pid;                   /* local process sampled from /proc, or 0 */
    int64_t db_id;
    int debug;                 /* current debug level */
    double upgrade_at;         /* monotonic time to retry a higher debug level */
    /* schedule (monotonic seconds) */
    double due;
    unsigned failures;
    bool busy, tried, ok_once;
    /* the history window and the last analysis */
    watch_sample *win;
    size_t n_win;
    strand_report *report;
    bool lockstep;             /* fds climb with a group in the window */
    watch_seen *seen;
    size_t n_seen, cap_seen;
    /* state for the view and the metrics */
    watch_errcount *errs;
    size_t n_errs;
    char last_error[200];
    char last_reason[24];
    double last_ok, last_try, fetch_ms;
    uint64_t snapshots, bytes;
    uint64_t late, missed;     /* interval not held: started late, ticks skipped */
    int last_debug;
    void *xfer;                /* watch_fetch.c's transfer state */
    double max_lag;            /* worst start delay past the due time, seconds */
    /* directory cursor: the newest file taken */
    int64_t cursor_ns;
    char *cursor_name;
};

struct watch {
    watch_opts *o;
    watch_target *t;
    size_t n;
    watch_db *db;
    watch_fetcher *fetch;
    watch_metrics *metrics;
    watch_raw *raw;
    double start_mono;
    bool tty;                  /* stdout is a terminal and not --json/--plain */
    bool utf8;
    int exit_code;             /* --once: analyze's exit codes */
    uint64_t snapshots, findings, db_errors;
    volatile int stop;
};

/* ---- watch_util.c ---- */
bool watch_parse_duration(const char *s, double *out);
bool watch_parse_size(const char *s, uint64_t *out);
double watch_mono(void);
double watch_wall(void);
void watch_format_time(double wall, char *buf, size_t n); /* RFC 3339 UTC, ms */
int64_t watch_proc_fds(int pid);
int64_t watch_proc_rss(int pid);
double watch_cpu_seconds(void);
uint64_t watch_hash(uint64_t h, const void *p, size_t n);
uint64_t watch_hash_str(uint64_t h, const char *s);
#define WATCH_HASH_SEED 1469598103934665603ull

/* A growing string. */
typedef struct wbuf {
    char *p;
    size_t n, cap;
    bool oom;
} wbuf;
void wb_put(wbuf *b, const char *s, size_t n);
void wb_puts(wbuf *b, const char *s);
#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
void wb_printf(wbuf *b, const char *fmt, ...);
void wb_json_str(wbuf *b, const char *s); /* a JSON string, quoted; NULL: null */
void wb_free(wbuf *b);

/* ---- watch_target.c ---- */
/* Parses TARGET (URL, host:port, PID=URL or a directory) into t. */
int watch_target_init(watch_target *t, const char *arg, const watch_opts *o);
void watch_target_free(watch_target *t);
/* Takes a new snapshot of t (owned from now on), analyses the window, stores
 * it, reports findings. `fresh` is false while resuming from the database. */
void watch_ingest(watch *w, watch_target *t, strand_snapshot *s, double wall, int64_t fds,
                  int64_t rss, bool fresh);
/* A failed scrape: counted, shown, retried with backoff. */
void watch_scrape_error(watch *w, watch_target *t, const char *reason, const char *message);
/* Schedules the next scrape after a success (ok) or failure. */
void watch_reschedule(watch *w, watch_target *t, bool ok);
/* The finding identity used for "report once" and for the groups table:
 * site, state, created by (the site line is left out for spinning loops). */
uint64_t watch_finding_key(const strand_finding *f);
void watch_seen_add(watch_target *t, uint64_t key, int64_t db_id, const char *cls,
                    const char *function, const char *file, uint32_t line);

/* ---- watch_fetch.c ---- */
watch_fetcher *watch_fetch_new(watch *w);
void watch_fetch_free(watch_fetcher *f);
/* Starts fetching t at its current debug level. */
bool watch_fetch_start(watch_fetcher *f, watch_target *t);
/* Waits up to timeout_ms for transfers or the extra fds, then advances
 * every transfer and completes the finished ones. */
int watch_fetch_poll(watch_fetcher *f, struct pollfd *extra, unsigned n_extra, int timeout_ms);
/* Wakes a poll from a signal handler's pipe... (the pipe is in `extra`) */
unsigned watch_fetch_active(const watch_fetcher *f);

/* ---- watch_dir.c ---- */
/* Reads the snapshot files of directory target t that are newer than its
 * cursor, oldest first, each as one snapshot. */
void watch_dir_scan(watch *w, watch_target *t);

/* ---- watch_store.c ---- */
/* One distinct goroutine group of a snapshot, as stored. */
typedef struct watch_group {
    uint64_t key;              /* stack + created by + state (+ labels) */
    int64_t count;
    bool record;               /* an aggregated profile record (no ids) */
    char *state;               /* goroutine status (traceback) or "" */
    char *text;                /* frames, as the reader reads them */
    char *ids;                 /* "ID[/MIN][<CREATOR] ..." deltas (traceback) or NULL */
} watch_group;
/* The groups of s; NULL with *n = 0 when s has none or memory ran out. */
watch_group *watch_store_groups(const strand_snapshot *s, size_t *n);
void watch_store_groups_free(watch_group *g, size_t n);
/* Rebuilds a snapshot from stored groups (as the text reader reads them),
 * after the line that introduced the dump ("panic: ...") when there was one. */
strand_snapshot *watch_store_rebuild(const watch_group *g, size_t n, const char *name,
                                     const char *reason, strand_error *err);

/* ---- watch_db.c ---- */
/* Opens (creating or upgrading) the database; NULL after printing why. */
watch_db *watch_db_open(const char *path, double retain);
void watch_db_close(watch_db *db);
/* The id of target `name`, created when new. -1 on error. */
int64_t watch_db_target(watch_db *db, const watch_target *t);
/* One transaction per snapshot: begin; store (the snapshot row, its groups,
 * the counts of the analysis's findings); findings reported or resolved; the
 * directory cursor; commit. Commit returns 0, or -1 after saying why (the
 * transaction is rolled back: nothing half-stored); watch_db_failed() then
 * tells whether the database can be used any more (corrupt, I/O error). */
int watch_db_begin(watch_db *db);
void watch_db_store(watch_db *db, watch_target *t, const watch_sample *smp,
                    const strand_report *r);
int64_t watch_db_finding(watch_db *db, watch_target *t, const strand_finding *f, double wall,
                         const char *reason, const char *json);
void watch_db_resolve(watch_db *db, int64_t finding_id, double wall);
void watch_db_cursor(watch_db *db, const watch_target *t);
int watch_db_commit(watch_db *db);
/* Loads the last `max` snapshots of t (newer than `since`) into the window
 * through watch_ingest, and the findings still open into t->seen. */
int watch_db_resume(watch_db *db, watch *w, watch_target *t, size_t max);
void watch_db_maintain(watch_db *db, double now_wall);
bool watch_db_failed(const watch_db *db);
/* strand diff --db: the snapshots of one target since `since` (wall time),
 * rebuilt; at most `max` (evenly thinned). */
int watch_db_load_series(const char *path, const char *target, double since, size_t max,
                         strand_snapshot ***snaps, double **times, size_t *n, char **name);

/* ---- watch_metrics.c ---- */
watch_metrics *watch_metrics_new(const char *addr);
void watch_metrics_free(watch_metrics *m);
/* pollfds to wait on; returns how many were written (at most `max`). */
unsigned watch_metrics_fds(watch_metrics *m, struct pollfd *out, unsigned max);
/* Handles readiness reported in fds (as filled by watch_metrics_fds). */
void watch_metrics_handle(watch_metrics *m, watch *w, const struct pollfd *fds, unsigned n);
/* The exposition text of everything watched. */
void watch_metrics_render(watch *w, wbuf *b);

/* ---- watch_view.c ---- */
void watch_view_snapshot(watch *w, watch_target *t, const watch_sample *smp);
/* `reason`: why it is reported: "leak", "suspect", "spinning", "fd-lockstep". */
void watch_view_finding(watch *w, watch_target *t, const strand_finding *f, double wall,
                        const char *reason, const char *json);
void watch_view_resolved(watch *w, watch_target *t, const strand_finding *now,
                         const watch_seen *s, double wall, const char *why);
void watch_view_error(watch *w, watch_target *t, const char *reason, const char *message,
                      double retry_in);
void watch_view_note(watch *w, watch_target *t, const char *event, const char *message);
/* Descriptors climb with an already reported finding (scenario 15). */
void watch_view_lockstep(watch *w, watch_target *t, const strand_finding *f, double wall,
                         const char *evidence);
void watch_view_tick(watch *w, bool force);
void watch_view_stop(watch *w);
/* The finding as one line of JSON (the report schema's finding object, plus
 * evidence added by watch); the caller frees it. */
char *watch_finding_json(const watch_target *t, const strand_finding *f, const char *extra);
/* A sentence on fds/RSS climbing with finding f, or NULL. */
char *watch_lockstep_evidence(const watch_target *t, const strand_finding *f);

/* ---- keep raw (watch_fetch.c) ---- */
watch_raw *watch_raw_new(const char *dir, uint64_t max);
void watch_raw_free(watch_raw *r);

/* Trend arrow and short name for the view and the metrics. */
const char *watch_trend_arrow(strand_trend_shape s, bool utf8);

#endif
