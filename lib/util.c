/* util.c - allocation, growable arrays, the arena, hashing and errors. */
#include "internal.h"

#include <stdlib.h>

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
    void *p = st_realloc(a, v->data, v->cap * size, cap * size);
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
    st_free(a, v->data, v->cap * size);
    v->data = NULL;
    v->len = v->cap = 0;
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
