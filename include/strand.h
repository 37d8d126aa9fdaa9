/*
 * strand.h - libstrand, a reader and leak analyser for Go goroutine reports.
 *
 * This header is the library's manual. Everything a caller can do is here;
 * nothing else in lib/ is public.
 *
 * =========================================================================
 * OVERVIEW
 * =========================================================================
 *
 *   bytes --(strand_reader)--> strand_snapshot --(strand_analyze)--> report
 *
 * A *snapshot* is one goroutine report of one process at one moment, parsed
 * into a compact, interned model. It owns all of its memory (one arena); a
 * single strand_snapshot_free() releases it. A snapshot holds either
 * individual goroutines (tracebacks: runtime.Stack, pprof debug=2, panics,
 * fatal errors, SIGQUIT dumps, go test timeouts, goleak, gomega gleak) or
 * aggregated records (pprof debug=1 text and debug=0 protobuf: a count per
 * distinct stack). Facts a format does not carry are absent (id 0, -1, or
 * STRAND_NONE), never invented.
 *
 * Strings (function and file names, status words, label keys and values) are
 * interned once per snapshot and referred to by a strand_str id. Frames
 * (function, file, line, flags) are interned too, and a stack is an interned
 * array of frame ids with a precomputed hash, so two goroutines with the same
 * stack share one stack id: grouping compares integers.
 *
 * Conventions:
 *  - Every function that can fail takes a `strand_error *err` last; it may be
 *    NULL. On failure it is filled with a stable code, a constant message
 *    (never freed) and the byte offset in the input where the error was seen.
 *  - Pointers returned by accessors point into the snapshot and live as long
 *    as it does. The caller never frees them.
 *  - Functions that take a `const strand_snapshot *` accept NULL only where
 *    the documentation says so.
 *  - The library never prints, never exits and keeps no global mutable
 *    state; it is safe to use different snapshots from different threads.
 */
#ifndef STRAND_H
#define STRAND_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

#define STRAND_VERSION_MAJOR 0
#define STRAND_VERSION_MINOR 1
#define STRAND_VERSION_PATCH 0
#define STRAND_VERSION_STRING "0.1.0"

/** The version of the linked library, e.g. "0.1.0". */
const char *strand_version(void);

/* =========================================================================
 * ALLOCATOR
 * =========================================================================
 * All memory the library takes goes through one of these. Pass NULL wherever
 * an allocator is asked for to use malloc/realloc/free. `ctx` is passed back
 * unchanged. realloc receives the old size so that arena-style allocators
 * need no header. A function that returns NULL makes the operation fail with
 * STRAND_ERR_NOMEM (tests use this to fail each allocation in turn).
 */
typedef struct strand_alloc {
    void *(*malloc_fn)(void *ctx, size_t size);
    void *(*realloc_fn)(void *ctx, void *ptr, size_t old_size, size_t new_size);
    void (*free_fn)(void *ctx, void *ptr, size_t size);
    void *ctx;
} strand_alloc;

/* =========================================================================
 * ERRORS
 * =========================================================================
 * Codes are append-only: a number once given keeps its meaning for ever.
 * strand_strerror() returns the constant message of a code.
 */
typedef enum strand_code {
    STRAND_OK = 0,
    STRAND_ERR_NOMEM = 1,        /* an allocation failed */
    STRAND_ERR_IO = 2,           /* reading the input failed (errno kept) */
    STRAND_ERR_EMPTY = 3,        /* the input is empty */
    STRAND_ERR_FORMAT = 4,       /* no goroutine report found in the input */
    STRAND_ERR_BINARY = 5,       /* binary data that is not a profile */
    STRAND_ERR_GZIP = 6,         /* corrupt or truncated gzip stream */
    STRAND_ERR_PROTO = 7,        /* malformed protobuf profile */
    STRAND_ERR_TOO_LARGE = 8,    /* input over a named cap (see LIMITS) */
    STRAND_ERR_ARG = 9,          /* an invalid argument was passed */
    STRAND_ERR_STATE = 10,       /* call out of order (e.g. feed after finish) */
    STRAND_ERR_MISMATCH = 11,    /* snapshots that cannot be compared */
    STRAND_ERR_WRITE = 12,       /* the output sink reported an error */
    STRAND_ERR__COUNT
} strand_code;

typedef struct strand_error {
    strand_code code;
    const char *message; /* constant: strand_strerror(code) or a more precise constant */
    uint64_t offset;     /* byte offset in the input, or 0 */
    int sys_errno;       /* errno for STRAND_ERR_IO, else 0 */
} strand_error;

/** The constant message of `code`; never NULL. */
const char *strand_strerror(strand_code code);

/* =========================================================================
 * LIMITS
 * =========================================================================
 * Named caps that keep the worst case linear. Input beyond them is not an
 * error of the whole read: the block or line concerned becomes a diagnostic
 * and reading goes on, except where noted.
 */
#define STRAND_MAX_LINE (1u << 20)          /* bytes in one text line; longer: diagnostic, line skipped */
#define STRAND_MAX_FRAMES 4096u             /* frames kept per stack; more: diagnostic, stack cut */
#define STRAND_MAX_LABELS 64u               /* labels kept per goroutine or record */
#define STRAND_MAX_PROTO (256u << 20)       /* bytes of (decompressed) protobuf; more: STRAND_ERR_TOO_LARGE */
#define STRAND_MAX_DIAGNOSTICS 1000u        /* diagnostics kept; the rest are counted only */

/* =========================================================================
 * THE MODEL
 * =========================================================================
 */

/** An interned string: an index into the snapshot's string table.
 *  0 is the empty/absent string. */
typedef uint32_t strand_str;

/** "No such thing" for 32-bit ids (stack, frame, label set). */
#define STRAND_NONE UINT32_MAX

/** What produced a snapshot. Detected from content, never from the name. */
typedef enum strand_format {
    STRAND_FORMAT_UNKNOWN = 0,
    STRAND_FORMAT_TRACEBACK,   /* runtime.Stack / debug=2 / panic / fatal / SIGQUIT / go test timeout */
    STRAND_FORMAT_PPROF_TEXT,  /* pprof goroutine (or goroutineleak) profile, debug=1 */
    STRAND_FORMAT_PPROF_PROTO, /* pprof profile.proto, gzipped or plain (debug=0) */
    STRAND_FORMAT_GOLEAK,      /* uber-go/goleak "found unexpected goroutines" report */
    STRAND_FORMAT_GLEAK,       /* onsi/gomega gleak HaveLeaked report */
    STRAND_FORMAT__COUNT
} strand_format;

/** Stable lower-case names: "traceback", "pprof-text", "pprof-proto",
 *  "goleak", "gleak", "unknown". */
const char *strand_format_name(strand_format f);

/** How a goroutine waits. From the wait reason where the report has one,
 *  else from the innermost frames (and, for debug=1, the hidden PCs). */
typedef enum strand_kind {
    STRAND_KIND_UNKNOWN = 0,   /* the report does not say */
    STRAND_KIND_CHAN_SEND,
    STRAND_KIND_CHAN_RECEIVE,
    STRAND_KIND_SELECT,
    STRAND_KIND_NIL_CHAN,      /* send or receive on a nil channel */
    STRAND_KIND_SELECT_NO_CASES,
    STRAND_KIND_MUTEX,
    STRAND_KIND_RWMUTEX,
    STRAND_KIND_WAITGROUP,
    STRAND_KIND_COND,
    STRAND_KIND_IO,            /* network poller: IO wait */
    STRAND_KIND_SLEEP,
    STRAND_KIND_SYSCALL,       /* blocking syscall or cgo call */
    STRAND_KIND_RUNNING,
    STRAND_KIND_RUNNABLE,
    STRAND_KIND_RUNTIME,       /* runtime-internal wait (GC, finalizer, trace...) */
    STRAND_KIND_OTHER,         /* a known state that fits none of the above */
    STRAND_KIND_CHAN,          /* a channel op whose direction the report hides (debug=1) */
    STRAND_KIND__COUNT
} strand_kind;

/** Stable names: "unknown", "chan send", "chan receive", "select", "nil chan",
 *  "select no cases", "mutex", "rwmutex", "waitgroup", "cond", "io", "sleep",
 *  "syscall", "running", "runnable", "runtime", "other", "chan". */
const char *strand_kind_name(strand_kind k);

/** Frame flags. */
enum {
    STRAND_FRAME_INLINED = 1u << 0, /* printed "(...)" / an inlined proto Line */
    STRAND_FRAME_NON_GO = 1u << 1,  /* a C frame (cgo traceback) */
    STRAND_FRAME_ELIDED = 1u << 2,  /* a marker: "...N frames elided..." sits here;
                                       line holds N (0 = unknown count) */
};

typedef struct strand_frame {
    strand_str func; /* as printed: "main.(*T).M", "main.F.func1", "panic" */
    strand_str file; /* path as printed, 0 if absent ("?" is kept as "?") */
    uint32_t line;   /* 0 if absent */
    uint32_t flags;  /* STRAND_FRAME_* */
} strand_frame;

/** Goroutine flags. */
enum {
    STRAND_G_LOCKED = 1u << 0,     /* ", locked to thread" */
    STRAND_G_LEAKED = 1u << 1,     /* " (leaked)": the runtime's verdict, Go 1.26+ */
    STRAND_G_DURABLE = 1u << 2,    /* " (durable)": synctest, Go 1.25+ */
    STRAND_G_SCAN = 1u << 3,       /* " (scan)" */
    STRAND_G_NO_STACK = 1u << 4,   /* "goroutine running on other thread; stack unavailable" */
    STRAND_G_TRUNCATED = 1u << 5,  /* the stack was cut (input ended, cap, elision) */
    STRAND_G_SYSTEM = 1u << 6,     /* a runtime system goroutine or goroutine 0 */
    STRAND_G_HAS_ID = 1u << 7,     /* id is meaningful (always, for tracebacks) */
    STRAND_G_CURRENT = 1u << 8,    /* the goroutine that wrote the dump / panicked */
};

typedef struct strand_goroutine {
    uint64_t id;           /* goroutine id (0 is the g0/signal stack "goroutine 0 [idle]") */
    uint64_t creator_id;   /* "created by X in goroutine N" (Go 1.21+), else 0 */
    uint64_t synctest;     /* synctest group/bubble id, else 0 */
    strand_str status;     /* bracket's first part minus flags: "chan receive", "semacquire" */
    uint32_t stack;        /* stack id (see strand_stack_frames); may be an empty stack */
    uint32_t created_by;   /* frame id of "created by", or STRAND_NONE */
    uint32_t labels;       /* label set id, or STRAND_NONE */
    uint32_t ancestors;    /* index of the first ancestor (strand_snapshot_ancestor), or STRAND_NONE */
    uint32_t n_ancestors;
    int32_t wait_minutes;  /* ", N minutes", else -1 */
    uint32_t line;         /* 1-based input line of the header */
    uint16_t kind;         /* strand_kind */
    uint16_t flags;        /* STRAND_G_* */
} strand_goroutine;

/** One "[originating from goroutine N]:" block (GODEBUG=tracebackancestors). */
typedef struct strand_ancestor {
    uint64_t id;
    uint32_t stack;
    uint32_t created_by; /* frame id or STRAND_NONE */
} strand_ancestor;

/** An aggregated profile record: `count` goroutines share this stack and
 *  label set. Counts may be negative in delta protobuf profiles. */
typedef struct strand_record {
    int64_t count;
    uint32_t stack;
    uint32_t labels;  /* label set id, or STRAND_NONE */
    uint32_t line;    /* 1-based input line (text), or 0 */
    uint16_t kind;    /* strand_kind, inferred from frames / hidden PCs */
    uint16_t flags;   /* STRAND_G_LEAKED when from a goroutineleak profile */
} strand_record;

typedef struct strand_label {
    strand_str key;
    strand_str value;
} strand_label;

/** A problem in the input that did not stop the read. */
typedef struct strand_diagnostic {
    uint64_t offset;    /* byte offset of the line */
    uint32_t line;      /* 1-based line number (text), 0 for binary input */
    strand_code code;
    const char *message; /* constant */
} strand_diagnostic;

typedef struct strand_snapshot strand_snapshot;

/* =========================================================================
 * READING
 * =========================================================================
 * The reader is push-style: feed it bytes as they come (from a file, a pipe,
 * an HTTP body), then finish. It never needs the whole input at once for
 * text (memory grows with distinct stacks and goroutines kept, not bytes
 * read); binary protobuf is buffered up to STRAND_MAX_PROTO.
 *
 * The format is sniffed from the first bytes: gzip magic or protobuf wire
 * structure means pprof-proto; anything else is read as text, where every
 * text form (tracebacks, debug=1 records, goleak and gleak reports) is
 * recognised line by line, also when embedded in other text and indented.
 */
typedef struct strand_read_options {
    const strand_alloc *alloc; /* NULL: malloc */
    const char *name;          /* input name for reports ("-" for stdin); copied */
    unsigned threads;          /* strand_read_fd only (see there): 0: automatic;
                                  1: single-threaded; N: N parsing threads */
} strand_read_options;

typedef struct strand_reader strand_reader;

/** A new reader. `opts` may be NULL. Returns NULL on allocation failure. */
strand_reader *strand_reader_new(const strand_read_options *opts, strand_error *err);

/** Push `len` bytes. Returns STRAND_OK, or a fatal code (the reader is then
 *  unusable except for strand_reader_free). Malformed text is never fatal. */
strand_code strand_reader_feed(strand_reader *r, const void *data, size_t len, strand_error *err);

/** End of input: completes the snapshot and returns it (the caller owns it),
 *  or NULL with `err` set. The reader is freed by this call in all cases. */
strand_snapshot *strand_reader_finish(strand_reader *r, strand_error *err);

/** Discard a reader that will not be finished. NULL is a no-op. */
void strand_reader_free(strand_reader *r);

/** Convenience: read everything from a file descriptor (file or pipe).
 *
 *  Threads: with opts->threads != 1, a big text dump is read in parallel: one
 *  thread reads the descriptor into a ring of buffers (4 to 12 MiB each, 48
 *  MiB in all by default, reused: memory does not grow with the input), the
 *  buffers are cut where a goroutine block starts and parsed on `threads`
 *  threads (0: one per online CPU, at most 8), and the pieces are merged in
 *  input order. The snapshot is the one a single thread makes, ids, line
 *  numbers and diagnostics included: a piece whose text does not start
 *  cleanly at a block (text between blocks, a panic value, goleak output, a
 *  line cut by the buffer) is read on, in order, by the piece before it.
 *  Files under 48 MiB, input that fits in one buffer, input that does not
 *  start like a goroutine dump and binary input are read on the calling
 *  thread. All threads are created and joined inside this call. With
 *  threads != 1 and a caller's allocator, that allocator is called from
 *  several threads at once and must be thread-safe; with a caller's
 *  allocator, threads == 0 means 1. */
strand_snapshot *strand_read_fd(int fd, const strand_read_options *opts, strand_error *err);

/** Convenience: read a buffer (on the calling thread; opts->threads is
 *  ignored, as by the push reader). */
strand_snapshot *strand_read_mem(const void *data, size_t len, const strand_read_options *opts,
                                 strand_error *err);

/** Release a snapshot and everything in it. NULL is a no-op. */
void strand_snapshot_free(strand_snapshot *s);

/* =========================================================================
 * SNAPSHOT ACCESSORS
 * =========================================================================
 * All O(1). `s` must not be NULL.
 */
strand_format strand_snapshot_format(const strand_snapshot *s);
const char *strand_snapshot_name(const strand_snapshot *s);

/** Goroutines in the snapshot: individual ones plus the sum of record counts.
 *  For profiles this is the "total N" line where present. */
uint64_t strand_snapshot_total(const strand_snapshot *s);

/** Individual goroutines (traceback formats), in input order. */
const strand_goroutine *strand_snapshot_goroutines(const strand_snapshot *s, size_t *n);

/** Aggregated records (pprof formats), in input order. */
const strand_record *strand_snapshot_records(const strand_snapshot *s, size_t *n);

/** Profile type for pprof formats: "goroutine", "goroutineleak"; else 0. */
strand_str strand_snapshot_profile_type(const strand_snapshot *s);

/** time_nanos of a protobuf profile, else 0. */
int64_t strand_snapshot_time_nanos(const strand_snapshot *s);

/** The text that introduced a traceback ("panic: ...", "fatal error: ...",
 *  "SIGQUIT: quit", "test timed out after 2s"), first line only, or 0. */
strand_str strand_snapshot_reason(const strand_snapshot *s);

/** Diagnostics, in input order (at most STRAND_MAX_DIAGNOSTICS kept). */
const strand_diagnostic *strand_snapshot_diagnostics(const strand_snapshot *s, size_t *n);

/** All diagnostics seen, including those not kept. */
uint64_t strand_snapshot_diagnostic_total(const strand_snapshot *s);

/** Goroutine blocks (or records) skipped as malformed. */
uint64_t strand_snapshot_skipped(const strand_snapshot *s);

/** Test names of a go test timeout ("running tests:" list). */
const strand_str *strand_snapshot_running_tests(const strand_snapshot *s, size_t *n);

/** The string `id`; never NULL ("" for 0 or out of range). `len` may be NULL.
 *  Strings are NUL-terminated as well. */
const char *strand_str_get(const strand_snapshot *s, strand_str id, size_t *len);

/** The frame `id`, or NULL when out of range. */
const strand_frame *strand_frame_get(const strand_snapshot *s, uint32_t id);

/** Number of distinct interned stacks and frames. */
size_t strand_snapshot_stack_count(const strand_snapshot *s);
size_t strand_snapshot_frame_count(const strand_snapshot *s);

/** Frame ids of stack `id`, innermost first; NULL with *n = 0 when out of
 *  range or empty. */
const uint32_t *strand_stack_frames(const strand_snapshot *s, uint32_t id, size_t *n);

/** The stack's 64-bit hash (stable for equal frame sequences across
 *  snapshots: it hashes the strings, not the ids). */
uint64_t strand_stack_hash(const strand_snapshot *s, uint32_t id);

/** Labels of label set `id`, sorted by key; NULL with *n = 0 for STRAND_NONE. */
const strand_label *strand_labels_get(const strand_snapshot *s, uint32_t id, size_t *n);

/** Ancestor `i` (see strand_goroutine.ancestors), or NULL. */
const strand_ancestor *strand_snapshot_ancestor(const strand_snapshot *s, uint32_t i);

/* =========================================================================
 * OUTPUT SINK
 * =========================================================================
 * Renderers write through this. `write` returns 0 on success, non-zero on
 * failure (the renderer then stops with STRAND_ERR_WRITE).
 */
typedef struct strand_sink {
    int (*write)(void *ctx, const char *data, size_t len);
    void *ctx;
} strand_sink;

/** A sink that writes to a stdio stream (ctx is the FILE *). */
int strand_sink_stdio(void *ctx, const char *data, size_t len);

/** Render the parsed model as JSON (schema "strand.snapshot/v1", documented
 *  in docs/snapshot-schema.md). */
strand_code strand_snapshot_write_json(const strand_snapshot *s, const strand_sink *out,
                                       strand_error *err);


/* =========================================================================
 * ANALYSIS
 * =========================================================================
 * strand_analyze() groups the goroutines of one snapshot (or matches them
 * across several snapshots of one process, in time order), decides for each
 * group whether it leaks, names the leak class, and explains cause and fix
 * at file:line with the evidence. The result is a report, which owns copies
 * of every string it shows: it outlives the snapshots it was made from.
 */

/** How sure the analysis is. Ordered: a larger value is more serious. */
typedef enum strand_verdict {
    STRAND_VERDICT_OK = 0,      /* expected: a pool, a server, the runtime */
    STRAND_VERDICT_SUSPECT = 1, /* may leak: say so, with what would decide */
    STRAND_VERDICT_LEAK = 2,    /* leaks */
} strand_verdict;

/** "ok", "suspect", "leak". */
const char *strand_verdict_name(strand_verdict v);

/** One entry of the leak-class table: the knowledge Strand applies. The table
 *  is static and read by the classifier, `strand explain`, the renderers and
 *  the docs. Strings are constant. */
typedef struct strand_class_info {
    const char *id;          /* stable kebab-case id, e.g. "chan-send" */
    const char *title;       /* short title, e.g. "blocked channel send" */
    const char *clue;        /* what it looks like in a goroutine profile */
    const char *cause;       /* why it happens (generic root cause) */
    const char *fix;         /* how to fix it (generic) */
    const char *example_bug; /* a short Go example of the bug */
    const char *example_fix; /* the same code, fixed */
    strand_verdict verdict;  /* the verdict this class carries by default */
} strand_class_info;

/** The whole table, in documentation order. */
const strand_class_info *strand_classes(size_t *n);
/** The entry with this id, or NULL. */
const strand_class_info *strand_class_find(const char *id);

/** A source location in a report. Strings owned by the report; function may
 *  be "" and file may be "" (line 0) when unknown. */
typedef struct strand_loc {
    const char *function;
    const char *file;
    uint32_t line;
} strand_loc;

/** Trend of a group over several snapshots (strand_analyze with n > 1). */
typedef enum strand_trend_shape {
    STRAND_TREND_NONE = 0, /* one snapshot: no trend */
    STRAND_TREND_GROWING,
    STRAND_TREND_STEADY,
    STRAND_TREND_SHRINKING,
    STRAND_TREND_NEW,      /* absent from the first snapshot */
    STRAND_TREND_GONE,     /* absent from the last snapshot */
    STRAND_TREND_STUCK,    /* the same goroutine ids parked here in every snapshot */
    STRAND_TREND_SPINNING, /* running/runnable at the same place in every snapshot */
    STRAND_TREND_NOISY,    /* varies without a direction */
} strand_trend_shape;

/** "", "growing", "steady", "shrinking", "new", "gone", "stuck", "spinning", "noisy". */
const char *strand_trend_name(strand_trend_shape t);

typedef struct strand_finding {
    strand_verdict verdict;
    const strand_class_info *cls; /* never NULL */
    uint64_t count;               /* goroutines in the group (last snapshot for series) */
    const char *state;            /* status as printed ("chan send"), or the kind name */
    strand_kind kind;
    int32_t wait_min, wait_max;   /* minutes; -1 when the report does not say */
    strand_loc site;              /* where the user's code waits */
    strand_loc created_by;        /* function "" when unknown */
    const strand_loc *stack;      /* innermost first */
    size_t n_stack;
    const uint64_t *goroutine_ids;/* sorted; empty for aggregated profiles */
    size_t n_goroutine_ids;
    const char *const *evidence;  /* sentences, most telling first */
    size_t n_evidence;
    const char *cause;            /* specific to this finding */
    const char *fix;              /* specific to this finding */
    const strand_label *labels;   /* labels (strings are the report's, as strand_str
                                     indices into strand_report_str) */
    size_t n_labels;
    /* series only (n_trend > 0) */
    const int64_t *trend_counts;  /* count per snapshot, in input order */
    size_t n_trend;
    double per_minute;            /* growth rate; 0 when no timing is known */
    strand_trend_shape trend;
    size_t group_members;         /* distinct stacks merged into this finding */
} strand_finding;

/** Rules that exclude goroutines, with goleak's meanings:
 *  IGNORE_TOP: the innermost user-visible function equals `func`;
 *  IGNORE_ANY: any frame's function equals `func`;
 *  IGNORE_CREATED_BY: the created-by function equals `func`. */
typedef enum strand_ignore_kind {
    STRAND_IGNORE_TOP = 1,
    STRAND_IGNORE_ANY = 2,
    STRAND_IGNORE_CREATED_BY = 3,
} strand_ignore_kind;

typedef struct strand_ignore {
    strand_ignore_kind kind;
    const char *func;
} strand_ignore;

typedef struct strand_analyze_options {
    const strand_alloc *alloc;      /* NULL: malloc */
    uint64_t min_count;             /* hide groups smaller than this (0, 1: all) */
    const strand_ignore *ignores;
    size_t n_ignores;
    /* Seconds since an arbitrary origin for each snapshot (series only);
     * NULL or a negative entry: unknown (time_nanos of a proto is used when
     * present). Used for rates. */
    const double *times;
    /* Optional: the text of line `line` of source file `file` (the path as
     * the report prints it), or NULL when unknown. With it the analysis reads
     * the line where a group waits, as a reviewer would: `for range t.C` (a
     * ticker loop), `v := <-ch` in a for loop (no way to stop), `ch <- v`
     * (a send, where a profile cannot tell send from receive), a select's
     * cases. The text must stay valid until the next call. The library never
     * opens files itself: the caller decides where sources are found. */
    const char *(*source_line)(void *ctx, const char *file, uint32_t line);
    void *source_ctx;
} strand_analyze_options;

typedef struct strand_report strand_report;

/** Analyse `n` >= 1 snapshots of one process, oldest first. With n == 1 it
 *  diagnoses one snapshot; with n > 1 it also matches groups across the
 *  snapshots and fits trends. Fails with STRAND_ERR_MISMATCH (and a message
 *  saying why) when the snapshots are evidently of different processes.
 *  `opts` may be NULL. The caller owns the report. */
strand_report *strand_analyze(const strand_snapshot *const *snaps, size_t n,
                              const strand_analyze_options *opts, strand_error *err);
void strand_report_free(strand_report *r);

/** Findings, most serious first (verdict, then count); includes ok groups. */
const strand_finding *strand_report_findings(const strand_report *r, size_t *n);

/** Per input: its name, format, goroutine total, diagnostics (borrowed from
 *  the report's copy). */
typedef struct strand_input_summary {
    const char *name;
    strand_format format;
    uint64_t goroutines;
    const strand_diagnostic *diagnostics;
    size_t n_diagnostics;
    uint64_t diagnostic_total;
    uint64_t skipped;
    const char *reason;       /* panic/fatal text, or "" */
} strand_input_summary;

const strand_input_summary *strand_report_inputs(const strand_report *r, size_t *n);

/** Goroutines in the (last) snapshot. */
uint64_t strand_report_goroutines(const strand_report *r);

/** Label strings of findings. */
const char *strand_report_str(const strand_report *r, strand_str id);

/** Options for the renderers. */
typedef struct strand_render_options {
    int color;            /* 1: ANSI colour; 0: none (the tool decides TTY/NO_COLOR) */
    int width;            /* terminal columns, 0: 100 */
    strand_verdict min_verdict; /* hide findings below this (text); JSON keeps all shown */
    int all;              /* show ok findings too */
} strand_render_options;

/** The terminal report (lib/render_text.c). */
strand_code strand_report_write_text(const strand_report *r, const strand_render_options *o,
                                     const strand_sink *out, strand_error *err);
/** The JSON report, schema "strand.report/v1" (lib/render_json.c). */
strand_code strand_report_write_json(const strand_report *r, const strand_render_options *o,
                                     const strand_sink *out, strand_error *err);

#ifdef __cplusplus
}
#endif
#endif /* STRAND_H */
