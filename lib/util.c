/* util.c - allocation, growable arrays, the arena, hashing and errors. */
#if defined(__linux__) && !defined(_GNU_SOURCE)
#define _GNU_SOURCE /* mremap */
#endif
#include "internal.h"

#include <stdlib.h>

#if defined(__linux__)
#include <sys/mman.h>
#endif

static void *default_malloc(void *ctx, size_t n)
{
    (void)ctx;
    return malloc(n);
}

static void *default_realloc(void *ctx, void *p, size_t old_n, size_t new_n)
{
    (void)ctx;
    (void)old_n;
    return realloc(p, new_n);
}

static void default_free(void *ctx, void *p, size_t n)
{
    (void)ctx;
    (void)n;
    free(p);
}

const strand_alloc st_default_alloc = {default_malloc, default_realloc, default_free, NULL};

static const strand_alloc *pick(const strand_alloc *a)
{
    return a && a->malloc_fn ? a : &st_default_alloc;
}

void *st_malloc(const strand_alloc *a, size_t n)
{
    a = pick(a);
    return a->malloc_fn(a->ctx, n ? n : 1);
}

void *st_realloc(const strand_alloc *a, void *p, size_t old_n, size_t new_n)
{
    a = pick(a);
    if (!p)
        return a->malloc_fn(a->ctx, new_n ? new_n : 1);
    return a->realloc_fn(a->ctx, p, old_n, new_n ? new_n : 1);
}

void st_free(const strand_alloc *a, void *p, size_t n)
{
    if (!p)
        return;
    a = pick(a);
    a->free_fn(a->ctx, p, n);
}

/* Big arrays fill page by page, and a page fault is dear (several
 * microseconds in a virtual machine: the 64 MB of a million goroutines took
 * a quarter of a second in faults). With the default allocator, arrays of
 * BIG_BYTES or more are mappings of their own, marked for transparent huge
 * pages where the system offers them on request (THP "madvise" mode): up to
 * 512 times fewer faults. They grow with mremap, which moves page tables
 * instead of copying. (glibc's own large blocks cannot be marked: a marked
 * part splits the mapping and its realloc then copies.) Other allocators'
 * memory is left alone. */
#define BIG_BYTES ((size_t)4 << 20)

#if defined(__linux__) && defined(MADV_HUGEPAGE) && defined(MREMAP_MAYMOVE)
static bool is_big(const strand_alloc *a, size_t n)
{
    return pick(a)->malloc_fn == default_malloc && n >= BIG_BYTES;
}

static void *big_map(size_t n)
{
    void *p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return NULL;
    (void)madvise(p, n, MADV_HUGEPAGE);
    return p;
}

void *st_big_alloc(const strand_alloc *a, size_t n)
{
    return is_big(a, n) ? big_map(n) : st_malloc(a, n);
}

void st_big_free(const strand_alloc *a, void *p, size_t n)
{
    if (p && is_big(a, n))
        munmap(p, n);
    else
        st_free(a, p, n);
}

static void *big_realloc(const strand_alloc *a, void *p, size_t old_n, size_t new_n)
{
    if (!is_big(a, new_n))
        return st_realloc(a, p, old_n, new_n);
    if (p && is_big(a, old_n)) {
        void *q = mremap(p, old_n, new_n, MREMAP_MAYMOVE);
        return q == MAP_FAILED ? NULL : q;
    }
    void *q = big_map(new_n);
    if (q && p) {
        memcpy(q, p, old_n);
        st_free(a, p, old_n);
    }
    return q;
}
#else
void *st_big_alloc(const strand_alloc *a, size_t n)
{
    return st_malloc(a, n);
}

void st_big_free(const strand_alloc *a, void *p, size_t n)
{
    st_free(a, p, n);
}

static void *big_realloc(const strand_alloc *a, void *p, size_t old_n, size_t new_n)
{
    return st_realloc(a, p, old_n, new_n);
}
#endif

bool st_vec_reserve(const strand_alloc *a, st_vec *v, size_t size, size_t more)
{
    if (v->cap - v->len >= more)
        return true;
    size_t want = v->len + more;
    if (want < v->len || want > SIZE_MAX / size / 2)
        return false;
    size_t cap = v->cap ? v->cap : 8;
    while (cap < want)
        cap *= 2;
    void *p = big_realloc(a, v->data, v->cap * size, cap * size);
    if (!p)
        return false;
    v->data = p;
    v->cap = cap;
    return true;
}

void *st_vec_push(const strand_alloc *a, st_vec *v, size_t size)
{
    if (!st_vec_reserve(a, v, size, 1))
        return NULL;
    char *item = (char *)v->data + v->len * size;
    memset(item, 0, size);
    v->len++;
    return item;
}

void st_vec_free(const strand_alloc *a, st_vec *v, size_t size)
{
    st_big_free(a, v->data, v->cap * size);
    v->data = NULL;
    v->len = v->cap = 0;
}

/* ---- sets and sorting of goroutine ids (the analysis) ---------------------- */

/* Go numbers goroutines from 1 up, so the ids of a dump are dense: a bitmap
 * over their range (a million ids in a few hundred KB, no hashing) unless it
 * would take more than 64 bits per id; then a hash set of fixed size. */
bool st_idset_init(st_idset *s, const strand_alloc *a, uint64_t lo, uint64_t hi, size_t n)
{
    memset(s, 0, sizeof *s);
    s->alloc = a;
    s->min = lo;
    if (hi >= lo && hi - lo < (uint64_t)n * 64 + 4096) {
        s->span = (size_t)(hi - lo) + 1;
        s->n_words = (s->span + 63) / 64;
    } else {
        size_t cap = 16;
        while (cap < 2 * n + 2)
            cap *= 2;
        s->n_words = cap;
        s->mask = cap - 1;
    }
    s->words = st_big_alloc(a, s->n_words * sizeof *s->words);
    if (!s->words)
        return false;
    memset(s->words, 0, s->n_words * sizeof *s->words);
    return true;
}

static uint64_t *id_slot(const st_idset *s, uint64_t id)
{
    uint64_t h = id * 0x9e3779b97f4a7c15ull;
    size_t j = (size_t)(h ^ (h >> 32)) & s->mask;
    while (s->words[j] && s->words[j] != id + 1)
        j = (j + 1) & s->mask;
    return &s->words[j];
}

bool st_idset_add(st_idset *s, uint64_t id)
{
    if (s->span) {
        uint64_t k = id - s->min, bit = 1ull << (k & 63);
        if (id < s->min || k >= s->span)
            return false; /* out of the range given: a caller's error */
        bool fresh = !(s->words[k >> 6] & bit);
        s->words[k >> 6] |= bit;
        return fresh;
    }
    if (id == UINT64_MAX) { /* id + 1 would be the empty mark */
        bool fresh = !s->has_max;
        s->has_max = true;
        return fresh;
    }
    uint64_t *w = id_slot(s, id);
    if (*w)
        return false;
    if (2 * (s->used + 1) > s->n_words)
        return false; /* more ids than the caller said: not kept */
    *w = id + 1;
    s->used++;
    return true;
}

bool st_idset_has(const st_idset *s, uint64_t id)
{
    if (s->span) {
        uint64_t k = id - s->min;
        return id >= s->min && k < s->span && (s->words[k >> 6] >> (k & 63) & 1);
    }
    return id == UINT64_MAX ? s->has_max : *id_slot(s, id) != 0;
}

void st_idset_free(st_idset *s)
{
    st_big_free(s->alloc, s->words, s->n_words * sizeof *s->words);
    memset(s, 0, sizeof *s);
}

static void insertion_sort(uint64_t *v, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        uint64_t x = v[i];
        size_t j = i;
        for (; j > 0 && v[j - 1] > x; j--)
            v[j] = v[j - 1];
        v[j] = x;
    }
}

/* LSD radix sort, a byte a time, skipping the bytes all ids share: dense
 * ids differ in two or three low bytes, so two or three linear passes. */
bool st_sort_u64(const strand_alloc *a, uint64_t *v, size_t n)
{
    size_t i = 1;
    while (i < n && v[i - 1] <= v[i])
        i++;
    if (i >= n)
        return true; /* sorted already (dumps often are, nearly) */
    if (n < 64) {
        insertion_sort(v, n);
        return true;
    }
    uint64_t *tmp = st_big_alloc(a, n * sizeof *tmp);
    if (!tmp)
        return false;
    uint64_t all_or = 0, all_and = ~0ull;
    for (i = 0; i < n; i++)
        all_or |= v[i], all_and &= v[i];
    uint64_t *src = v, *dst = tmp;
    for (unsigned shift = 0; shift < 64; shift += 8) {
        if (!(((all_or ^ all_and) >> shift) & 0xff))
            continue;
        size_t count[256] = {0};
        for (i = 0; i < n; i++)
            count[(src[i] >> shift) & 0xff]++;
        for (size_t b = 0, sum = 0; b < 256; b++) {
            size_t c = count[b];
            count[b] = sum;
            sum += c;
        }
        for (i = 0; i < n; i++)
            dst[count[(src[i] >> shift) & 0xff]++] = src[i];
        uint64_t *t = src;
        src = dst;
        dst = t;
    }
    if (src != v)
        memcpy(v, src, n * sizeof *v);
    st_big_free(a, tmp, n * sizeof *tmp);
    return true;
}

struct st_chunk {
    st_chunk *next;
    size_t size;
    /* data follows, aligned to max_align_t */
};

#define CHUNK_HDR ((sizeof(st_chunk) + 15) & ~(size_t)15)
#define CHUNK_MIN ((size_t)64 << 10)

void st_arena_init(st_arena *ar, const strand_alloc *a)
{
    memset(ar, 0, sizeof *ar);
    ar->alloc = a;
}

void *st_arena_alloc(st_arena *ar, size_t n, size_t align)
{
    uintptr_t cur = (uintptr_t)ar->cur;
    uintptr_t aligned = (cur + (align - 1)) & ~(uintptr_t)(align - 1);
    if (ar->cur && aligned + n <= (uintptr_t)ar->end && aligned >= cur) {
        ar->cur = (char *)(aligned + n);
        return (void *)aligned;
    }
    size_t size = CHUNK_MIN;
    if (n + align > size - CHUNK_HDR)
        size = CHUNK_HDR + n + align;
    if (ar->total >= 4 * CHUNK_MIN && size < ar->total / 4)
        size = ar->total / 4; /* geometric growth: few chunks for big inputs */
    st_chunk *c = st_malloc(ar->alloc, size);
    if (!c)
        return NULL;
    c->next = ar->head;
    c->size = size;
    ar->head = c;
    ar->total += size;
    ar->cur = (char *)c + CHUNK_HDR;
    ar->end = (char *)c + size;
    cur = (uintptr_t)ar->cur;
    aligned = (cur + (align - 1)) & ~(uintptr_t)(align - 1);
    ar->cur = (char *)(aligned + n);
    return (void *)aligned;
}

void st_arena_reset(st_arena *ar)
{
    st_chunk *keep = ar->head;
    if (!keep)
        return;
    st_chunk *c = keep->next;
    while (c) {
        st_chunk *next = c->next;
        st_free(ar->alloc, c, c->size);
        c = next;
    }
    keep->next = NULL;
    ar->total = keep->size;
    ar->cur = (char *)keep + CHUNK_HDR;
    ar->end = (char *)keep + keep->size;
}

void st_arena_free(st_arena *ar)
{
    st_chunk *c = ar->head;
    while (c) {
        st_chunk *next = c->next;
        st_free(ar->alloc, c, c->size);
        c = next;
    }
    ar->head = NULL;
    ar->cur = ar->end = NULL;
    ar->total = 0;
}

/* A small multiply-mix hash over 8-byte words; good enough distribution for
 * interning names and fast on short strings. */
static inline uint64_t read64(const unsigned char *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

uint64_t st_hash_bytes(const void *data, size_t n)
{
    const unsigned char *p = data;
    uint64_t h = 0x243f6a8885a308d3ull ^ (n * 0x9e3779b97f4a7c15ull);
    while (n >= 8) {
        h = (h ^ read64(p)) * 0xbf58476d1ce4e5b9ull;
        h ^= h >> 31;
        p += 8;
        n -= 8;
    }
    uint64_t tail = 0;
    memcpy(&tail, p, n);
    h = (h ^ tail ^ ((uint64_t)n << 56)) * 0x94d049bb133111ebull;
    h ^= h >> 29;
    h *= 0xbf58476d1ce4e5b9ull;
    return h ^ (h >> 32);
}

static const char *const messages[STRAND_ERR__COUNT] = {
    [STRAND_OK] = "ok",
    [STRAND_ERR_NOMEM] = "out of memory",
    [STRAND_ERR_IO] = "read error",
    [STRAND_ERR_EMPTY] = "empty input",
    [STRAND_ERR_FORMAT] = "no goroutine report found",
    [STRAND_ERR_BINARY] = "binary data that is not a goroutine profile",
    [STRAND_ERR_GZIP] = "corrupt or truncated gzip data",
    [STRAND_ERR_PROTO] = "malformed protobuf profile",
    [STRAND_ERR_TOO_LARGE] = "input too large",
    [STRAND_ERR_ARG] = "invalid argument",
    [STRAND_ERR_STATE] = "call out of order",
    [STRAND_ERR_MISMATCH] = "snapshots cannot be compared",
    [STRAND_ERR_WRITE] = "write error",
};

const char *strand_strerror(strand_code code)
{
    if ((unsigned)code >= STRAND_ERR__COUNT || !messages[code])
        return "unknown error";
    return messages[code];
}

void st_set_error(strand_error *err, strand_code code, const char *msg, uint64_t off)
{
    if (!err)
        return;
    err->code = code;
    err->message = msg ? msg : strand_strerror(code);
    err->offset = off;
    err->sys_errno = 0;
}

const char *strand_version(void)
{
    return STRAND_VERSION_STRING;
}
