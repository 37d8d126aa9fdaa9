/* read_parallel.c - strand_read_fd on several threads.
 *
 * A reader thread fills a ring of buffers from the descriptor (memory stays
 * bounded however big the input) and cuts each full buffer after the last
 * "\n\ngoroutine " in its second half, carrying the rest to the next buffer;
 * the next chunk then starts a goroutine block. Worker threads read each
 * such chunk with a part (a text reader on a snapshot of its own), from the
 * state a reader is in between blocks. The calling thread merges the parts
 * into the result in input order, each only if the text before it did end
 * in that state (st_part_clean): otherwise the worker's part is dropped and
 * the chunk read on, by the part before it, as one reader would. So the
 * snapshot is the one a single thread makes, ids and line numbers included
 * (st_snapshot_merge), whatever the text; splitting pays off on dumps made
 * of goroutine blocks (debug=2, runtime.Stack, crash dumps), and costs one
 * buffer copy on anything else.
 *
 * Files under 48 MiB, inputs that fit in one chunk and inputs that do not
 * look like such dumps in their first bytes are read on the calling thread
 * (st_read_fd_from).
 */
#if defined(__linux__) && !defined(_GNU_SOURCE)
#define _GNU_SOURCE /* F_SETPIPE_SZ */
#endif
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_AUTO_THREADS 8u
/* Sizes, from measurements on a 2-CPU virtual machine, where memory touched
 * for the first time costs more than parsing it (page faults) and a thread
 * wake-up costs tens of microseconds: chunks of 4 MiB or more (huge pages,
 * see st_big_alloc; a hand-over per 4 MiB), 12 MiB for big files, buffers
 * allocated as first needed and reused, 48 MiB of them at most by default;
 * files under 48 MiB are read faster by one thread. */
#define RING_BYTES ((size_t)48 << 20)
#define CHUNK_SMALL ((size_t)4 << 20)
#define CHUNK_BIG ((size_t)12 << 20)
#define CHUNK_FLOOR ((size_t)1 << 20) /* with many threads */
#define ONE_THREAD_BELOW ((uint64_t)48 << 20)
#define CHUNK_MIN 16u /* tests */
#define SNIFF 4096u

enum state { S_FREE, S_READY, S_BUSY, S_DONE };

typedef struct slot {
    char *buf;
    size_t len;          /* bytes of the chunk (buf holds more: the carry) */
    uint64_t off;        /* input offset of buf[0] */
    bool clean;          /* starts the input, or a block after an empty line */
    enum state state;
    strand_reader *part; /* the worker's reading, or NULL */
} slot;

typedef struct par {
    const strand_alloc *a;
    int fd;
    size_t chunk, nslots;
    slot *slots;
    pthread_mutex_t mu;
    /* one condition per waiter, each signalled only by what it waits for:
     * a wake-up costs dear (a broadcast to all made a tenth of the time) */
    pthread_cond_t cv_read;  /* the reader: a slot became free */
    pthread_cond_t cv_work;  /* workers: a chunk was published, or the end */
    pthread_cond_t cv_merge; /* the merger: a chunk was read, or the end */
    uint64_t n_read;  /* chunks the reader has published */
    uint64_t n_taken; /* chunks taken by workers */
    bool eof;         /* the reader published its last chunk */
    bool stop;        /* the merger gave up: threads leave */
    bool nomem;       /* a buffer could not be allocated */
    int io_errno;     /* a read error ended the input */
    uint64_t io_off;
    strand_reader **pool; /* parts for reuse */
    size_t n_pool;
    /* the reader thread's own: what the last chunk left for the next */
    size_t carry;
    bool carry_clean;
} par;

/* ---- buffers ----------------------------------------------------------- */

/* Reads into s->buf up to `chunk` bytes; false at the end of the input. */
static bool fill(par *p, slot *s, int *err)
{
    while (s->len < p->chunk) {
        ssize_t got = read(p->fd, s->buf + s->len, p->chunk - s->len);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0)
            *err = errno;
        if (got <= 0)
            return false;
        s->len += (size_t)got;
    }
    return true;
}

/* Where to end a full chunk: after the last "\n\n" followed by "goroutine "
 * in its second half (the next chunk starts a block), else after its last
 * newline, else at its end. The rest (at most half) goes to the next. */
static size_t cut_point(const char *b, size_t n, bool *clean)
{
    static const char g[] = "goroutine ";
    size_t lo = n / 2, last_nl = 0;
    for (size_t i = n; i-- > lo;) {
        if (b[i] != '\n')
            continue;
        if (!last_nl)
            last_nl = i + 1;
        if (i > 0 && b[i - 1] == '\n' && n - i - 1 >= sizeof g - 1 &&
            memcmp(b + i + 1, g, sizeof g - 1) == 0) {
            *clean = true;
            return i + 1;
        }
    }
    *clean = false;
    return last_nl ? last_nl : n;
}

/* Fills slot k from the carry of slot k - 1 and the descriptor; returns
 * false at the end of the input. */
static bool load(par *p, uint64_t k, int *err)
{
    slot *s = &p->slots[k % p->nslots];
    s->len = 0;
    s->off = 0;
    s->clean = false;
    if (!s->buf && !(s->buf = st_big_alloc(p->a, p->chunk))) {
        p->nomem = true; /* an empty last chunk; the merger fails */
        return false;
    }
    s->clean = k == 0 || p->carry_clean;
    if (k > 0) {
        const slot *prev = &p->slots[(k - 1) % p->nslots];
        memcpy(s->buf, prev->buf + prev->len, p->carry);
        s->len = p->carry;
        s->off = prev->off + prev->len;
    }
    bool more = fill(p, s, err);
    p->carry = 0;
    p->carry_clean = false;
    if (more) {
        size_t cut = cut_point(s->buf, s->len, &p->carry_clean);
        p->carry = s->len - cut;
        s->len = cut;
    }
    return more;
}

static void *reader_main(void *arg)
{
    par *p = arg;
    for (uint64_t k = 1;; k++) {
        slot *s = &p->slots[k % p->nslots];
        pthread_mutex_lock(&p->mu);
        while (s->state != S_FREE && !p->stop)
            pthread_cond_wait(&p->cv_read, &p->mu);
        bool stop = p->stop;
        pthread_mutex_unlock(&p->mu);
        if (stop)
            return NULL;
        int e = 0;
        bool more = load(p, k, &e);
        pthread_mutex_lock(&p->mu);
        s->state = S_READY;
        p->n_read = k + 1;
        if (e) {
            p->io_errno = e;
            p->io_off = s->off + s->len;
        }
        p->eof = !more;
        if (more) {
            pthread_cond_signal(&p->cv_work);
        } else {
            pthread_cond_broadcast(&p->cv_work);
            pthread_cond_signal(&p->cv_merge);
        }
        pthread_mutex_unlock(&p->mu);
        if (!more)
            return NULL;
    }
}

/* ---- parts --------------------------------------------------------------- */

/* Under the lock. */
static strand_reader *pool_take(par *p)
{
    return p->n_pool ? p->pool[--p->n_pool] : NULL;
}

/* Under the lock; the pool has room for every part there can be. */
static void pool_give(par *p, strand_reader *r)
{
    if (r)
        p->pool[p->n_pool++] = r;
}

static void *worker_main(void *arg)
{
    par *p = arg;
    pthread_mutex_lock(&p->mu);
    for (;;) {
        while (p->n_taken >= p->n_read && !p->eof && !p->stop)
            pthread_cond_wait(&p->cv_work, &p->mu);
        if (p->stop || p->n_taken >= p->n_read)
            break;
        uint64_t k = p->n_taken++;
        slot *s = &p->slots[k % p->nslots];
        s->state = S_BUSY;
        strand_reader *r = s->clean ? pool_take(p) : NULL;
        pthread_mutex_unlock(&p->mu);
        if (s->clean && !r)
            r = st_part_new(p->a);
        if (r) {
            st_part_reset(r, s->off, k == 0);
            st_part_feed(r, s->buf, s->len);
        }
        pthread_mutex_lock(&p->mu);
        s->part = r;
        s->state = S_DONE;
        pthread_cond_signal(&p->cv_merge);
    }
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

/* ---- merging -------------------------------------------------------------- */

typedef struct merger {
    strand_snapshot *out;
    strand_reader *cur; /* the part reading the text at the merge point */
    uint32_t line_base; /* lines before cur's first */
    st_tally sum;
} merger;

static void retire(par *p, merger *m)
{
    st_snapshot_merge(m->out, st_part_snapshot(m->cur), m->line_base);
    st_text_tally(st_part_text(m->cur), &m->sum);
    m->line_base += st_part_lines(m->cur);
    pthread_mutex_lock(&p->mu);
    pool_give(p, m->cur);
    pthread_mutex_unlock(&p->mu);
    m->cur = NULL;
}

/* Chunk k (done by a worker) joins the result. */
static void merge_chunk(par *p, merger *m, slot *s)
{
    strand_reader *r = s->part;
    s->part = NULL;
    if (!m->cur && !r) { /* chunk 0 without a part: out of memory */
        m->out->oom = true;
        return;
    }
    if (r && (!m->cur || st_part_clean(m->cur))) {
        if (m->cur)
            retire(p, m);
        m->cur = r;
        return;
    }
    if (r) {
        pthread_mutex_lock(&p->mu);
        pool_give(p, r);
        pthread_mutex_unlock(&p->mu);
    }
    st_part_feed(m->cur, s->buf, s->len);
}

static strand_code merge_all(par *p, merger *m, strand_error *err)
{
    for (uint64_t k = 0;; k++) {
        slot *s = &p->slots[k % p->nslots];
        pthread_mutex_lock(&p->mu);
        while (!(k < p->n_read && s->state == S_DONE) && !(p->eof && k >= p->n_read))
            pthread_cond_wait(&p->cv_merge, &p->mu);
        bool end = k >= p->n_read;
        pthread_mutex_unlock(&p->mu);
        if (end)
            break;
        merge_chunk(p, m, s);
        pthread_mutex_lock(&p->mu);
        s->state = S_FREE;
        pthread_cond_signal(&p->cv_read);
        pthread_mutex_unlock(&p->mu);
        if (m->out->oom)
            break;
    }
    if (p->nomem)
        m->out->oom = true;
    if (p->io_errno) {
        st_set_error(err, STRAND_ERR_IO, NULL, p->io_off);
        if (err)
            err->sys_errno = p->io_errno;
        return STRAND_ERR_IO;
    }
    if (!m->out->oom && m->cur) {
        uint64_t end = st_part_pos(m->cur);
        st_part_end(m->cur);
        retire(p, m);
        return st_text_conclude(m->out, &m->sum, end, err);
    }
    st_set_error(err, STRAND_ERR_NOMEM, NULL, 0);
    return STRAND_ERR_NOMEM;
}

/* ---- set-up ----------------------------------------------------------------- */

static unsigned auto_threads(const strand_read_options *o)
{
    if (o && o->threads)
        return o->threads;
    if (o && o->alloc && o->alloc->malloc_fn)
        return 1; /* a caller's allocator need not be thread-safe */
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > (long)MAX_AUTO_THREADS ? MAX_AUTO_THREADS : (unsigned)n;
}

/* Text whose first bytes hold a goroutine header at the start of a line. */
static bool splittable(const char *b, size_t n)
{
    if (n > SNIFF)
        n = SNIFF;
    if (st_sniff(b, n) != 0)
        return false;
    for (size_t i = 0; i + 10 <= n; i++)
        if ((i == 0 || b[i - 1] == '\n') && memcmp(b + i, "goroutine ", 10) == 0)
            return true;
    return false;
}

static void par_free(par *p)
{
    for (size_t i = 0; i < p->nslots; i++) {
        st_big_free(p->a, p->slots[i].buf, p->chunk);
        if (p->slots[i].part)
            strand_reader_free(p->slots[i].part);
    }
    for (size_t i = 0; i < p->n_pool; i++)
        strand_reader_free(p->pool[i]);
    st_free(p->a, p->pool, (p->nslots + 2) * sizeof *p->pool);
    st_free(p->a, p->slots, p->nslots * sizeof *p->slots);
}

static bool par_init(par *p, const strand_alloc *a, int fd, unsigned threads, size_t chunk)
{
    memset(p, 0, sizeof *p);
    p->a = a;
    p->fd = fd;
    p->nslots = threads + 2; /* one filling, `threads` being read, one merging */
    p->chunk = chunk < CHUNK_MIN ? CHUNK_MIN : chunk;
    p->slots = st_malloc(a, p->nslots * sizeof *p->slots);
    p->pool = st_malloc(a, (p->nslots + 2) * sizeof *p->pool);
    if (!p->slots || !p->pool) {
        st_free(a, p->slots, p->nslots * sizeof *p->slots);
        st_free(a, p->pool, (p->nslots + 2) * sizeof *p->pool);
        return false;
    }
    memset(p->slots, 0, p->nslots * sizeof *p->slots);
    return true;
}

/* The chunk size for this input, or 0 when one thread reads it faster. */
static size_t default_chunk(int fd, unsigned threads)
{
    struct stat st;
    size_t c = CHUNK_SMALL, ring = RING_BYTES / (threads + 2);
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size >= 0) {
        if ((uint64_t)st.st_size < ONE_THREAD_BELOW)
            return 0;
        if ((uint64_t)st.st_size / 128 > c)
            c = (uint64_t)st.st_size / 128 < CHUNK_BIG ? (size_t)st.st_size / 128 : CHUNK_BIG;
    }
    if (c > ring)
        c = ring > CHUNK_FLOOR ? ring : CHUNK_FLOOR;
    return c;
}

static bool sync_init(par *p)
{
    int ok = pthread_mutex_init(&p->mu, NULL) == 0;
    ok += ok && pthread_cond_init(&p->cv_read, NULL) == 0;
    ok += ok == 2 && pthread_cond_init(&p->cv_work, NULL) == 0;
    ok += ok == 3 && pthread_cond_init(&p->cv_merge, NULL) == 0;
    if (ok == 4)
        return true;
    if (ok > 2)
        pthread_cond_destroy(&p->cv_work);
    if (ok > 1)
        pthread_cond_destroy(&p->cv_read);
    if (ok > 0)
        pthread_mutex_destroy(&p->mu);
    return false;
}

static void sync_destroy(par *p)
{
    pthread_cond_destroy(&p->cv_merge);
    pthread_cond_destroy(&p->cv_work);
    pthread_cond_destroy(&p->cv_read);
    pthread_mutex_destroy(&p->mu);
}

static void join_all(par *p, pthread_t *tid, size_t n)
{
    pthread_mutex_lock(&p->mu);
    p->stop = true;
    pthread_cond_broadcast(&p->cv_read);
    pthread_cond_broadcast(&p->cv_work);
    pthread_cond_broadcast(&p->cv_merge);
    pthread_mutex_unlock(&p->mu);
    for (size_t i = 0; i < n; i++)
        pthread_join(tid[i], NULL);
}

/* Reads with `threads` workers; *started is false when no thread could be
 * started (nothing was read past chunk 0: the caller reads alone). */
static strand_snapshot *run(par *p, const strand_read_options *opts, unsigned threads,
                            bool *started, strand_error *err)
{
    pthread_t tid[1 + 256];
    size_t n = 0;
    *started = false;
    strand_snapshot *out = st_snapshot_new(p->a, opts ? opts->name : NULL);
    if (!out)
        return NULL;
    p->slots[0].state = S_READY;
    p->n_read = 1;
    /* workers first: without one, the reader must not take input */
    for (unsigned i = 0; i < threads; i++)
        if (pthread_create(&tid[n], NULL, worker_main, p) == 0)
            n++;
    if (!n || pthread_create(&tid[n], NULL, reader_main, p) != 0) {
        join_all(p, tid, n);
        strand_snapshot_free(out);
        return NULL;
    }
    n++;
    *started = true;
    merger m = {out, NULL, 0, {{0}, 0, false, false}};
    strand_code c = merge_all(p, &m, err);
    join_all(p, tid, n);
    if (m.cur)
        strand_reader_free(m.cur);
    if (c != STRAND_OK) {
        strand_snapshot_free(out);
        return NULL;
    }
    return out;
}

/* A pipe's 64 KiB buffer makes writer and reader take turns every 64 KiB:
 * a bigger one (up to what the system allows a user) lets them overlap. */
static void widen_pipe(int fd)
{
#if defined(__linux__) && defined(F_SETPIPE_SZ)
    struct stat st;
    if (fstat(fd, &st) == 0 && S_ISFIFO(st.st_mode))
        (void)fcntl(fd, F_SETPIPE_SZ, 1 << 20);
#else
    (void)fd;
#endif
}

strand_snapshot *st_read_fd_chunked(int fd, const strand_read_options *opts, size_t chunk,
                                    strand_error *err)
{
    widen_pipe(fd);
    unsigned threads = auto_threads(opts);
    const strand_alloc *a = opts && opts->alloc && opts->alloc->malloc_fn ? opts->alloc
                                                                          : &st_default_alloc;
    if (threads > 256)
        threads = 256;
    if (threads > 1 && !chunk)
        chunk = default_chunk(fd, threads);
    par p;
    if (threads < 2 || !chunk || !par_init(&p, a, fd, threads, chunk))
        return st_read_fd_from(fd, opts, NULL, 0, err);
    int e = 0;
    bool more = load(&p, 0, &e);
    if (e) {
        st_set_error(err, STRAND_ERR_IO, NULL, p.slots[0].len);
        if (err)
            err->sys_errno = e;
        par_free(&p);
        return NULL;
    }
    strand_snapshot *s = NULL;
    bool done = false;
    if (more && splittable(p.slots[0].buf, p.slots[0].len) && sync_init(&p)) {
        s = run(&p, opts, threads, &done, err);
        sync_destroy(&p);
    }
    if (!done) { /* read on one thread, the bytes read so far first */
        slot *s0 = &p.slots[0];
        size_t head = s0->len + p.carry;
        s = st_read_fd_from(fd, opts, s0->buf, head, err);
    }
    par_free(&p);
    return s;
}
