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
    unsigned threads;          /* 0: automatic; 1: single-threaded */
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

/** Convenience: read everything from a file descriptor (file or pipe). */
strand_snapshot *strand_read_fd(int fd, const strand_read_options *opts, strand_error *err);

/** Convenience: read a buffer. */
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

#ifdef __cplusplus
}
#endif
#endif /* STRAND_H */
