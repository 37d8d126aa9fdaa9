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
void st_arena_free(st_arena *ar);

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

/* Text reading (lib/read_text.c): lib/reader.c splits the input into lines
 * (without the '\n'; a trailing '\r' is kept) and calls st_text_line for each,
 * in order, then st_text_finish once. `off` is the byte offset of the line,
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

/* ---- errors --------------------------------------------------------------- */
void st_set_error(strand_error *err, strand_code code, const char *msg, uint64_t off);

#endif
