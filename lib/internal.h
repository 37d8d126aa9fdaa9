/*
 * internal.h - libstrand's private interfaces: the snapshot under
 * construction, the arena, the interning tables, and the entry points the
 * readers expose to lib/reader.c. Not installed; the tool never includes it.
 */
#ifndef STRAND_INTERNAL_H
#define STRAND_INTERNAL_H

#include "strand.h"

#include <stdbool.h>
#include <string.h>

/* ---- allocation ------------------------------------------------------- */

/* The malloc-based allocator; a NULL or zeroed strand_alloc means this one. */
extern const strand_alloc st_default_alloc;

void *st_malloc(const strand_alloc *a, size_t n);
void *st_realloc(const strand_alloc *a, void *p, size_t old_n, size_t new_n);
void st_free(const strand_alloc *a, void *p, size_t n);

/* Big blocks (>= 4 MiB) from the default allocator are mappings of their
 * own with transparent huge pages (fewer page faults as they fill; see
 * util.c); other sizes and allocators are st_malloc/st_free. Free with the
 * size given to st_big_alloc. st_vec uses these for its arrays. */
void *st_big_alloc(const strand_alloc *a, size_t n);
void st_big_free(const strand_alloc *a, void *p, size_t n);

/* A growable array of fixed-size items. `cap`/`len` count items. */
typedef struct st_vec {
    void *data;
    size_t len, cap;
} st_vec;

/* Reserve room for `more` items of `size` bytes; false on OOM. */
bool st_vec_reserve(const strand_alloc *a, st_vec *v, size_t size, size_t more);
/* Append one zeroed item and return it, or NULL on OOM. */
void *st_vec_push(const strand_alloc *a, st_vec *v, size_t size);
void st_vec_free(const strand_alloc *a, st_vec *v, size_t size);

/* Bump arena: chunks of >= 64 KiB; memory lives until st_arena_free. */
typedef struct st_chunk st_chunk;
typedef struct st_arena {
    const strand_alloc *alloc;
    st_chunk *head;
    char *cur, *end;
    size_t total;
} st_arena;

void st_arena_init(st_arena *ar, const strand_alloc *a);
void *st_arena_alloc(st_arena *ar, size_t n, size_t align);
/* Keeps the newest (largest) chunk, frees the others: memory for reuse. */
void st_arena_reset(st_arena *ar);
void st_arena_free(st_arena *ar);

/* A set of goroutine ids for ids in [lo, hi], at most n of them: a bitmap
 * when the range is dense (as Go numbers goroutines), else a fixed-size hash
 * set. Adding an id outside [lo, hi] to a bitmap is ignored. */
typedef struct st_idset {
    const strand_alloc *alloc;
    uint64_t min;
    size_t span;     /* bitmap: bits; 0: a hash set */
    uint64_t *words; /* bitmap words, or hash slots holding id + 1 */
    size_t n_words, mask, used;
    bool has_max;    /* hash set: UINT64_MAX is in */
} st_idset;

bool st_idset_init(st_idset *s, const strand_alloc *a, uint64_t lo, uint64_t hi, size_t n);
/* True when `id` was not in the set yet. */
bool st_idset_add(st_idset *s, uint64_t id);
bool st_idset_has(const st_idset *s, uint64_t id);
void st_idset_free(st_idset *s);

/* Sorts ascending in O(n) (radix, on the bytes where ids differ); false on
 * OOM, v unchanged. */
bool st_sort_u64(const strand_alloc *a, uint64_t *v, size_t n);

/* ---- hashing ------------------------------------------------------------ */

uint64_t st_hash_bytes(const void *p, size_t n);
static inline uint64_t st_hash_mix(uint64_t h, uint64_t v)
{
    h ^= v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
    h *= 0xff51afd7ed558ccdull;
    return h ^ (h >> 32);
}

/* ---- the snapshot ------------------------------------------------------- */

typedef struct st_str_entry { /* string table */
    const char *ptr;          /* NUL-terminated, in the arena */
    uint32_t len;
    uint64_t hash;
} st_str_entry;

typedef struct st_stack_entry {
    uint32_t off;   /* into stack_frames */
    uint32_t len;
    uint64_t hash;  /* of the strings, stable across snapshots */
} st_stack_entry;

typedef struct st_labelset_entry {
    uint32_t off;   /* into label_items */
    uint32_t len;
} st_labelset_entry;

/* An open-addressing index of uint32 ids keyed by 64-bit hash. */
typedef struct st_index {
    uint32_t *slots; /* id + 1; 0 = empty */
    size_t mask;     /* capacity - 1, or 0 when not allocated */
    size_t used;
} st_index;

struct strand_snapshot {
    strand_alloc alloc;       /* copy of the caller's, or malloc */
    st_arena arena;
    bool oom;                 /* an allocation failed: finish fails with NOMEM */

    char *name;
    strand_format format;
    uint64_t total_line;      /* "total N" of a pprof text profile, or 0 */
    bool has_total_line;
    strand_str profile_type;
    int64_t time_nanos;
    strand_str reason;

    st_vec strs;              /* st_str_entry; [0] is "" */
    st_index str_index;
    st_vec frames;            /* strand_frame */
    st_vec frame_hashes;      /* uint64_t, parallel to frames */
    st_index frame_index;
    st_vec stacks;            /* st_stack_entry */
    st_vec stack_frames;      /* uint32_t */
    st_index stack_index;
    st_vec labelsets;         /* st_labelset_entry */
    st_vec label_items;       /* strand_label */
    st_index labelset_index;

    st_vec goroutines;        /* strand_goroutine */
    st_vec records;           /* strand_record */
    st_vec ancestors;         /* strand_ancestor */
    st_vec diags;             /* strand_diagnostic */
    uint64_t diag_total;
    uint64_t skipped;
    st_vec running_tests;     /* strand_str */
};

strand_snapshot *st_snapshot_new(const strand_alloc *a, const char *name);

/* Interning. On OOM these set s->oom and return 0 / STRAND_NONE. */
strand_str st_intern(strand_snapshot *s, const char *p, size_t n);
uint32_t st_frame(strand_snapshot *s, strand_str func, strand_str file, uint32_t line,
                  uint32_t flags);
uint32_t st_stack(strand_snapshot *s, const uint32_t *frames, size_t n);
/* Sorts `labels` by key (in place) and interns the set. n == 0: STRAND_NONE. */
uint32_t st_labelset(strand_snapshot *s, strand_label *labels, size_t n);

/* Appends. Return NULL (and set s->oom) on OOM. Items are zeroed; callers
 * must set the STRAND_NONE fields themselves (st_goroutine_init helps). */
strand_goroutine *st_add_goroutine(strand_snapshot *s);
strand_record *st_add_record(strand_snapshot *s);
strand_ancestor *st_add_ancestor(strand_snapshot *s);
void st_add_running_test(strand_snapshot *s, strand_str name);

/* A diagnostic at a byte offset and line (0 when binary). `msg` must be a
 * constant string. */
void st_diag(strand_snapshot *s, uint64_t off, uint32_t line, strand_code code, const char *msg);

/* Parallel reading (lib/read_parallel.c). st_snapshot_reset empties a
 * snapshot and keeps its memory (and drops its name). st_snapshot_merge
 * appends `from` to `into`: its strings, frames, stacks and label sets are
 * interned in their id order, its goroutines, records, ancestors,
 * diagnostics and running tests appended (line numbers shifted by
 * `line_base`), its reason kept if `into` has none. When `from` is a
 * continuation of the text read into `into`, the result is the snapshot a
 * single reader would have made of both texts, ids included: each table
 * numbers items in the order the text first needs them, and `from`'s new
 * items come after `into`'s in both. False (and into->oom) on OOM. */
void st_snapshot_reset(strand_snapshot *s);
bool st_snapshot_merge(strand_snapshot *into, const strand_snapshot *from, uint32_t line_base);

/* ---- blocking kind (lib/kind.c) ------------------------------------------ */

/* From a wait-reason / status word as printed in the header bracket
 * (flags such as " (leaked)" already removed). "semacquire" gives
 * STRAND_KIND_MUTEX as a guess: refine with st_kind_refine. */
strand_kind st_kind_from_status(const char *p, size_t n);

/* From the frames, innermost first, runtime frames included when the format
 * has them (proto, GOTRACEBACK=system). Used for proto and to refine
 * ambiguous statuses ("semacquire" -> mutex/rwmutex/waitgroup/cond).
 * Returns STRAND_KIND_UNKNOWN when the frames do not tell. */
strand_kind st_kind_from_frames(const strand_snapshot *s, const uint32_t *frames, size_t n);

/* The status-based kind, refined by frames where the status is ambiguous. */
strand_kind st_kind_refine(const strand_snapshot *s, strand_kind from_status, const uint32_t *frames,
                           size_t n);

/* ---- readers -------------------------------------------------------------- */

/* Text reading (lib/read_text.c): lib/reader.c passes the complete lines of
 * what it is fed to st_text_lines, and a line split across feeds, or the last
 * line without a '\n', to st_text_line (without the '\n'; a trailing '\r' is
 * kept), in order, then calls st_text_finish once. `off` is the byte offset of the line,
 * `lineno` its 1-based number. Lines longer than STRAND_MAX_LINE are passed
 * cut to that length with `cut` set. Text state lives in st_text. */
typedef struct st_text st_text;
st_text *st_text_new(strand_snapshot *s);
void st_text_line(st_text *t, const char *p, size_t n, uint64_t off, uint32_t lineno, bool cut);
/* Complete lines p[0..n) (p[n - 1] == '\n'), the first at offset `off` with
 * number `lineno`: as st_text_line on each line (cut at STRAND_MAX_LINE),
 * but with a fast path for the frame lines of repeated stacks. Returns the
 * number of the line after the last. */
uint32_t st_text_lines(st_text *t, const char *p, size_t n, uint64_t off, uint32_t lineno);
/* Flushes pending blocks; sets s->format. Returns STRAND_ERR_FORMAT when the
 * text held no goroutine report at all. */
strand_code st_text_finish(st_text *t, uint64_t end_off, uint32_t end_line, strand_error *err);
void st_text_free(st_text *t);

/* st_text_finish in parts, for parallel reading (lib/read_parallel.c), where
 * pieces of one text are read by several st_text and merged: st_text_end
 * flushes the pending block and profile; st_text_tally adds a reader's
 * counts to `sum` (pieces in input order); st_text_conclude decides the
 * format of the merged snapshot from the sum, or fails as st_text_finish. */
typedef struct st_tally {
    uint64_t count[3]; /* blocks per source: traceback, goleak, gleak */
    int first_src;     /* the source of the first block */
    bool report_seen;  /* panic, fatal error, signal or go test output */
    bool pp;           /* a pprof text profile was read */
} st_tally;
void st_text_end(st_text *t, uint64_t end_off);
void st_text_tally(const st_text *t, st_tally *sum);
strand_code st_text_conclude(strand_snapshot *s, const st_tally *sum, uint64_t end_off,
                             strand_error *err);
/* True between blocks when nothing read so far bears on what follows except
 * through the snapshot: a reader reset with at_start false would read the
 * rest of the text the same way. */
bool st_text_clean(const st_text *t);
/* Starts over on snapshot `s` (caches cleared, buffers kept): at_start, as
 * at the start of an input; else as after a goroutine block (clean). */
void st_text_reset(st_text *t, strand_snapshot *s, bool at_start);

/* pprof debug=1 text (lib/read_pprof_text.c), driven by read_text.c. */
typedef struct st_pptext st_pptext;
/* True when the line starts a pprof text profile ("NAME profile: total N")
 * or is a record line ("COUNT @ 0x..."). */
bool st_pptext_is_start(const char *p, size_t n);
st_pptext *st_pptext_new(strand_snapshot *s);
/* Feeds a line; returns false when the line is not part of the profile
 * (the caller then handles it as other text). */
bool st_pptext_line(st_pptext *pp, const char *p, size_t n, uint64_t off, uint32_t lineno);
void st_pptext_finish(st_pptext *pp);
void st_pptext_free(st_pptext *pp);

/* Binary: true when the first bytes look like gzip or a protobuf profile. */
bool st_proto_sniff(const uint8_t *p, size_t n);
/* Parse a whole (possibly gzipped) profile.proto buffer into s. */
strand_code st_proto_parse(strand_snapshot *s, const uint8_t *p, size_t n, strand_error *err);

/* ---- reading a file descriptor (reader.c, read_parallel.c) ----------------- */

/* strand_read_fd on one thread, the first n_head bytes already read into
 * `head` (they are read first). */
strand_snapshot *st_read_fd_from(int fd, const strand_read_options *opts, const char *head,
                                 size_t n_head, strand_error *err);
/* strand_read_fd with parallel chunks of `chunk` bytes (0: the default).
 * For tests, which use small chunks to force many splits. */
strand_snapshot *st_read_fd_chunked(int fd, const strand_read_options *opts, size_t chunk,
                                    strand_error *err);
/* 0: text; 1: a protobuf profile (maybe gzipped); 2: other binary data.
 * From the first bytes, as the reader decides. */
int st_sniff(const void *p, size_t n);

/* A part: a text reader (no sniffing) on a snapshot of its own, for one or
 * more consecutive chunks of a text. Line numbers count from 1 at the
 * part's start; byte offsets are the input's. */
strand_reader *st_part_new(const strand_alloc *a);
/* Empties the part for a chunk at input offset `pos` (st_text_reset). */
void st_part_reset(strand_reader *r, uint64_t pos, bool at_start);
/* Reads the next bytes; on OOM the part's snapshot is marked oom. */
void st_part_feed(strand_reader *r, const char *p, size_t n);
/* Between blocks and lines: see st_text_clean. */
bool st_part_clean(const strand_reader *r);
/* Input offset of the next byte. */
uint64_t st_part_pos(const strand_reader *r);
/* Complete lines read so far. */
uint32_t st_part_lines(const strand_reader *r);
/* End of input: the held partial line, then st_text_end. */
void st_part_end(strand_reader *r);
strand_snapshot *st_part_snapshot(strand_reader *r);
st_text *st_part_text(strand_reader *r);

/* ---- errors --------------------------------------------------------------- */
void st_set_error(strand_error *err, strand_code code, const char *msg, uint64_t off);

#endif
