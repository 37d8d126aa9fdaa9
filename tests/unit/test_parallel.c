/* test_parallel.c - parallel reading (lib/read_parallel.c): a text read in
 * chunks on several threads gives the snapshot one thread gives, table by
 * table and id by id, and the same JSON (strand parse --json) and analysis
 * (strand analyze --json). Fixtures, scenario dumps and generated dumps,
 * with malformed blocks, text between blocks and truncation, through files
 * and pipes, with chunks from 16 bytes (every few lines a split) up. */
/* cmocka needs these first, in this order */
/* clang-format off */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
/* clang-format on */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

/* ---- output to memory ---------------------------------------------------------- */

typedef struct membuf {
    char *p;
    size_t n, cap;
} membuf;

static int mem_write(void *ctx, const char *d, size_t n)
{
    membuf *m = ctx;
    if (m->cap - m->n < n) {
        size_t cap = m->cap ? m->cap : 4096;
        while (cap - m->n < n)
            cap *= 2;
        char *p = realloc(m->p, cap);
        if (!p)
            return -1;
        m->p = p;
        m->cap = cap;
    }
    memcpy(m->p + m->n, d, n);
    m->n += n;
    return 0;
}

static membuf snapshot_json(const strand_snapshot *s)
{
    membuf m = {0};
    strand_sink sink = {mem_write, &m};
    assert_int_equal(strand_snapshot_write_json(s, &sink, NULL), STRAND_OK);
    return m;
}

static membuf report_json(const strand_snapshot *s)
{
    membuf m = {0};
    strand_sink sink = {mem_write, &m};
    strand_error err = {0};
    strand_report *r = strand_analyze(&s, 1, NULL, &err);
    if (!r)
        fail_msg("analyze: %s", err.message);
    strand_render_options ro = {0, 100, STRAND_VERDICT_OK, 1};
    assert_int_equal(strand_report_write_json(r, &ro, &sink, NULL), STRAND_OK);
    strand_report_free(r);
    return m;
}

/* b (freed here) has a's bytes. */
static void assert_same_text(membuf a, membuf b, const char *what, const char *label)
{
    if (a.n != b.n || memcmp(a.p, b.p, a.n) != 0) {
        size_t i = 0;
        while (i < a.n && i < b.n && a.p[i] == b.p[i])
            i++;
        fail_msg("%s: %s differs at byte %zu (%zu vs %zu bytes)", label, what, i, a.n, b.n);
    }
    free(b.p);
}

/* ---- identity ------------------------------------------------------------------- */

static void same_tables(const strand_snapshot *a, const strand_snapshot *b, const char *label)
{
    if (a->strs.len != b->strs.len)
        fail_msg("%s: %zu strings vs %zu", label, a->strs.len, b->strs.len);
    for (strand_str i = 0; i < a->strs.len; i++) {
        size_t na, nb;
        const char *sa = strand_str_get(a, i, &na), *sb = strand_str_get(b, i, &nb);
        if (na != nb || memcmp(sa, sb, na) != 0)
            fail_msg("%s: string %u: '%s' vs '%s'", label, i, sa, sb);
    }
    assert_int_equal(strand_snapshot_frame_count(a), strand_snapshot_frame_count(b));
    for (uint32_t i = 0; i < strand_snapshot_frame_count(a); i++)
        assert_memory_equal(strand_frame_get(a, i), strand_frame_get(b, i), sizeof(strand_frame));
    assert_int_equal(strand_snapshot_stack_count(a), strand_snapshot_stack_count(b));
    for (uint32_t i = 0; i < strand_snapshot_stack_count(a); i++) {
        size_t na, nb;
        const uint32_t *fa = strand_stack_frames(a, i, &na), *fb = strand_stack_frames(b, i, &nb);
        assert_int_equal(na, nb);
        if (na)
            assert_memory_equal(fa, fb, na * sizeof *fa);
        assert_true(strand_stack_hash(a, i) == strand_stack_hash(b, i));
    }
    assert_int_equal(a->labelsets.len, b->labelsets.len);
    for (uint32_t i = 0; i < a->labelsets.len; i++) {
        size_t na, nb;
        const strand_label *la = strand_labels_get(a, i, &na), *lb = strand_labels_get(b, i, &nb);
        assert_int_equal(na, nb);
        assert_memory_equal(la, lb, na * sizeof *la);
    }
}

static void same_items(const strand_snapshot *a, const strand_snapshot *b, const char *label)
{
    size_t na, nb;
    const strand_goroutine *ga = strand_snapshot_goroutines(a, &na);
    const strand_goroutine *gb = strand_snapshot_goroutines(b, &nb);
    if (na != nb)
        fail_msg("%s: %zu goroutines vs %zu", label, na, nb);
    for (size_t i = 0; i < na; i++)
        if (memcmp(&ga[i], &gb[i], sizeof ga[i]) != 0)
            fail_msg("%s: goroutine %zu (id %llu, line %u vs %u) differs", label, i,
                     (unsigned long long)ga[i].id, ga[i].line, gb[i].line);
    const strand_record *ra = strand_snapshot_records(a, &na), *rb = strand_snapshot_records(b, &nb);
    assert_int_equal(na, nb);
    if (na)
        assert_memory_equal(ra, rb, na * sizeof *ra);
    assert_int_equal(a->ancestors.len, b->ancestors.len);
    for (uint32_t i = 0; i < a->ancestors.len; i++)
        assert_memory_equal(strand_snapshot_ancestor(a, i), strand_snapshot_ancestor(b, i),
                            sizeof(strand_ancestor));
    const strand_diagnostic *da = strand_snapshot_diagnostics(a, &na);
    const strand_diagnostic *db = strand_snapshot_diagnostics(b, &nb);
    if (na != nb)
        fail_msg("%s: %zu diagnostics vs %zu", label, na, nb);
    for (size_t i = 0; i < na; i++) {
        if (da[i].line != db[i].line || da[i].offset != db[i].offset || da[i].code != db[i].code ||
            strcmp(da[i].message, db[i].message) != 0)
            fail_msg("%s: diagnostic %zu: line %u '%s' vs line %u '%s'", label, i, da[i].line,
                     da[i].message, db[i].line, db[i].message);
    }
    const strand_str *ta = strand_snapshot_running_tests(a, &na);
    const strand_str *tb = strand_snapshot_running_tests(b, &nb);
    assert_int_equal(na, nb);
    if (na)
        assert_memory_equal(ta, tb, na * sizeof *ta);
}

/* One thread's reading of a text, and its JSON. */
typedef struct ref {
    strand_snapshot *s;
    strand_error err;
    membuf parse, analyze;
} ref;

static void assert_same(const ref *a, const strand_snapshot *b, const char *label)
{
    assert_int_equal(strand_snapshot_format(a->s), strand_snapshot_format(b));
    assert_string_equal(strand_snapshot_name(a->s), strand_snapshot_name(b));
    assert_true(strand_snapshot_total(a->s) == strand_snapshot_total(b));
    assert_true(strand_snapshot_diagnostic_total(a->s) == strand_snapshot_diagnostic_total(b));
    assert_true(strand_snapshot_skipped(a->s) == strand_snapshot_skipped(b));
    assert_int_equal(strand_snapshot_reason(a->s), strand_snapshot_reason(b));
    assert_int_equal(strand_snapshot_profile_type(a->s), strand_snapshot_profile_type(b));
    same_tables(a->s, b, label);
    same_items(a->s, b, label);
    assert_same_text(a->parse, snapshot_json(b), "parse --json", label);
    assert_same_text(a->analyze, report_json(b), "analyze --json", label);
}

/* ---- reading -------------------------------------------------------------------- */

static char tmp_path[64];

static void write_tmp(const char *text, size_t n)
{
    strcpy(tmp_path, "/tmp/strand-parallel-XXXXXX");
    int fd = mkstemp(tmp_path);
    assert_true(fd >= 0);
    for (size_t done = 0; done < n;) {
        ssize_t w = write(fd, text + done, n - done);
        assert_true(w > 0);
        done += (size_t)w;
    }
    close(fd);
}

typedef struct result {
    strand_snapshot *s;
    strand_error err;
} result;

static result read_path(const char *path, unsigned threads, size_t chunk)
{
    result r = {NULL, {0}};
    strand_read_options o = {NULL, "input", threads};
    int fd = open(path, O_RDONLY);
    assert_true(fd >= 0);
    r.s = threads == 1 ? st_read_fd_from(fd, &o, NULL, 0, &r.err)
                       : st_read_fd_chunked(fd, &o, chunk, &r.err);
    close(fd);
    return r;
}

typedef struct feeder {
    int fd;
    const char *text;
    size_t n;
} feeder;

static void *feed_pipe(void *arg)
{
    feeder *f = arg;
    for (size_t done = 0; done < f->n;) {
        size_t k = f->n - done < 7777 ? f->n - done : 7777; /* odd pieces */
        ssize_t w = write(f->fd, f->text + done, k);
        if (w <= 0)
            break;
        done += (size_t)w;
    }
    close(f->fd);
    return NULL;
}

static result read_pipe(const char *text, size_t n, unsigned threads, size_t chunk)
{
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    feeder f = {fds[1], text, n};
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, feed_pipe, &f), 0);
    result r = {NULL, {0}};
    strand_read_options o = {NULL, "input", threads};
    r.s = st_read_fd_chunked(fds[0], &o, chunk, &r.err);
    close(fds[0]); /* before the join: a writer left blocked on a full pipe gets EPIPE */
    pthread_join(t, NULL);
    return r;
}

static void free_result(result *r)
{
    strand_snapshot_free(r->s);
    r->s = NULL;
}

/* Both failed alike, or both read the same. */
static void check(const ref *one, const result *par, const char *label)
{
    if (!one->s || !par->s) {
        if (one->s || par->s)
            fail_msg("%s: one reader failed (%s), the other did not", label,
                     one->s ? par->err.message : one->err.message);
        assert_int_equal(one->err.code, par->err.code);
        assert_true(one->err.offset == par->err.offset);
        return;
    }
    assert_same(one, par->s, label);
}

static const size_t small_chunks[] = {16, 37, 64, 100, 257, 1000, 4096};

/* `text` through a file with each chunk size and 2, 3 or 8 threads, and
 * through a pipe, against one thread. */
static void check_text(const char *text, size_t n, const char *label, const size_t *chunks,
                       size_t n_chunks)
{
    static const unsigned threads[] = {2, 3, 8};
    write_tmp(text, n);
    result r = read_path(tmp_path, 1, 0);
    ref one = {r.s, r.err, {0}, {0}};
    if (one.s) {
        one.parse = snapshot_json(one.s);
        one.analyze = report_json(one.s);
        strand_snapshot *mem = strand_read_mem(text, n, &(strand_read_options){NULL, "input", 1}, NULL);
        assert_non_null(mem);
        assert_same(&one, mem, label);
        strand_snapshot_free(mem);
    }
    for (size_t c = 0; c < n_chunks; c++) {
        char what[256];
        unsigned t = threads[c % 3];
        snprintf(what, sizeof what, "%s (chunk %zu, %u threads)", label, chunks[c], t);
        result par = read_path(tmp_path, t, chunks[c]);
        check(&one, &par, what);
        free_result(&par);
        snprintf(what, sizeof what, "%s (pipe, chunk %zu, 2 threads)", label, chunks[c]);
        par = read_pipe(text, n, 2, chunks[c]);
        check(&one, &par, what);
        free_result(&par);
    }
    strand_snapshot_free(one.s);
    free(one.parse.p);
    free(one.analyze.p);
    unlink(tmp_path);
}

static char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16;
    char *p = malloc(cap);
    *n = 0;
    size_t got;
    while (p && (got = fread(p + *n, 1, cap - *n, f)) > 0) {
        *n += got;
        if (*n == cap)
            p = realloc(p, cap *= 2);
    }
    fclose(f);
    return p;
}

/* ---- a dump generator -------------------------------------------------------------- */

typedef struct gen {
    char *p;
    size_t n, cap;
    uint64_t rng;
} gen;

static uint32_t rnd(gen *g, uint32_t n)
{
    g->rng ^= g->rng << 13;
    g->rng ^= g->rng >> 7;
    g->rng ^= g->rng << 17;
    return (uint32_t)(g->rng % n);
}

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static void put(gen *g, const char *fmt, ...)
{
    va_list ap;
    for (;;) {
        va_start(ap, fmt);
        int k = vsnprintf(g->p + g->n, g->cap - g->n, fmt, ap);
        va_end(ap);
        assert_true(k >= 0);
        if ((size_t)k < g->cap - g->n) {
            g->n += (size_t)k;
            return;
        }
        g->cap = g->cap ? g->cap * 2 : 1 << 20;
        g->p = realloc(g->p, g->cap);
        assert_non_null(g->p);
    }
}

enum { G_NOISE = 1, G_PANIC = 2, G_CRLF = 4 };

static const char *const statuses[] = {
    "chan receive", "chan send", "select", "semacquire", "IO wait", "sleep",
    "sync.Cond.Wait", "select (no cases)", "chan receive (nil chan)", "runnable",
};

static void gen_frames(gen *g, uint32_t stack, const char *eol)
{
    uint32_t depth = 1 + stack % 13;
    for (uint32_t j = 0; j < depth; j++) {
        uint32_t f = (stack * 31 + j * 7) % 997;
        if (j == 0 && stack % 11 == 0)
            put(g, "example.com/svc/pkg%u.(*T%u).Wait(...)%s", f % 40, f, eol);
        else
            put(g, "example.com/svc/pkg%u.fn%u(0x%x, {0xc000%05x?, 0x%x})%s", f % 40, f,
                rnd(g, 4096), rnd(g, 1 << 20), rnd(g, 64), eol);
        put(g, "\t/src/svc/pkg%u/file%u.go:%u +0x%x%s", f % 40, f % 9, 10 + (f * 13 + stack % 3) % 900,
            rnd(g, 4096), eol);
    }
}

/* One line of trouble: malformed blocks and stray text between blocks. */
static void gen_noise(gen *g, uint64_t id, const char *eol)
{
    switch (rnd(g, 9)) {
    case 0:
        put(g, "goroutine 99999999999999999999999 [running]:%s\tjunk%s%s", eol, eol, eol);
        break;
    case 1:
        put(g, "goroutine %llu [chan receive%smain.f()%s%s", (unsigned long long)id, eol, eol, eol);
        break;
    case 2:
        put(g, "2024/01/02 15:04:05 a log line between the blocks%s%s", eol, eol);
        break;
    case 3:
        put(g, "goroutine %llu [select]:%smain.orphan()%s%s", (unsigned long long)id, eol, eol, eol);
        break;
    case 4:
        put(g, "goroutine %llu [sleep]:%s\t/src/x.go:1 +0x1%s%s", (unsigned long long)id, eol, eol,
            eol);
        break;
    case 5:
        put(g, "goroutine %llu [running]:%s\tgoroutine running on other thread; stack unavailable%s%s",
            (unsigned long long)id, eol, eol, eol);
        break;
    case 6:
        put(g, "goroutine %llu [chan send]:%smain.deep()%s\t/src/deep.go:9 +0x1%s...7 frames "
               "elided...%smain.top()%s\t/src/deep.go:3 +0x1%s%s",
            (unsigned long long)id, eol, eol, eol, eol, eol, eol, eol);
        break;
    case 7:
        put(g, "goroutine %llu [chan receive]:%smain.leaf()%s\t/src/a.go:42 +0x25%screated by "
               "main.worker%s\t/src/a.go:36 +0x25%s[originating from goroutine 5]:%smain.worker("
               "...)%s\t/src/a.go:37 +0x25%s%s",
            (unsigned long long)id, eol, eol, eol, eol, eol, eol, eol, eol, eol);
        break;
    default:
        put(g, "goroutine %llu [IO wait, 3 minutes, locked to thread]:%s%s",
            (unsigned long long)id, eol, eol);
    }
}

/* A dump of n goroutines over `stacks` distinct stacks. */
static gen gen_dump(uint64_t seed, unsigned n, unsigned stacks, unsigned flags)
{
    gen g = {NULL, 0, 0, seed * 0x9e3779b97f4a7c15ull + 1};
    const char *eol = flags & G_CRLF ? "\r\n" : "\n";
    if (flags & G_PANIC)
        put(&g, "panic: something broke%s\tand a second line%s%s", eol, eol, eol);
    for (unsigned i = 0; i < n; i++) {
        uint64_t id = 1 + i * 3 + rnd(&g, 3);
        if ((flags & G_NOISE) && rnd(&g, 12) == 0)
            gen_noise(&g, id + 1, eol);
        uint32_t stack = rnd(&g, stacks);
        put(&g, "goroutine %llu [%s", (unsigned long long)id, statuses[stack % 10]);
        if (rnd(&g, 4) == 0)
            put(&g, ", %u minutes", rnd(&g, 100));
        if (stack % 17 == 0)
            put(&g, ", locked to thread");
        put(&g, "]:%s", eol);
        gen_frames(&g, stack, eol);
        if (stack % 5 != 0)
            put(&g, "created by example.com/svc/pkg%u.start%u in goroutine %u%s\t/src/svc/start.go:%u "
                    "+0x%x%s",
                stack % 40, stack % 50, 1 + rnd(&g, 50), eol, 10 + stack % 77, rnd(&g, 512), eol);
        put(&g, "%s", eol);
    }
    return g;
}

/* ---- tests -------------------------------------------------------------------------- */

static void check_dir(const char *dir, const char *only)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d))) {
        char path[512];
        if (e->d_name[0] == '.')
            continue;
        if (only)
            snprintf(path, sizeof path, "%s/%s/%s", dir, e->d_name, only);
        else
            snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        size_t n;
        char *text = slurp(path, &n);
        if (!text)
            continue;
        check_text(text, n, path, small_chunks, sizeof small_chunks / sizeof *small_chunks);
        free(text);
    }
    closedir(d);
}

static void test_fixtures(void **state)
{
    (void)state;
    check_dir("tests/fixtures/go119", NULL);
    check_dir("tests/fixtures/handmade", NULL);
}

static void test_scenarios(void **state)
{
    (void)state;
    check_dir("tests/scenarios", "dump.txt");
}

static void test_generated_small(void **state)
{
    (void)state;
    static const unsigned flags[] = {0, G_NOISE, G_NOISE | G_PANIC, G_NOISE | G_CRLF};
    for (size_t i = 0; i < sizeof flags / sizeof *flags; i++) {
        gen g = gen_dump(i + 1, 60, 12, flags[i]);
        char label[64];
        snprintf(label, sizeof label, "generated, flags %u", flags[i]);
        check_text(g.p, g.n, label, small_chunks, sizeof small_chunks / sizeof *small_chunks);
        free(g.p);
    }
}

/* 20,000 goroutines over 3,000 stacks (several MB): the merge remaps many
 * strings, frames and stacks per chunk. */
static void test_generated_big(void **state)
{
    (void)state;
    static const size_t chunks[] = {0, 1 << 20, 65536};
    gen g = gen_dump(7, 20000, 3000, G_NOISE);
    check_text(g.p, g.n, "generated 20k", chunks, sizeof chunks / sizeof *chunks);
    free(g.p);
}

/* Cut mid-line, at a line end, after an empty line, in a header. */
static void test_truncated(void **state)
{
    (void)state;
    static const size_t chunks[] = {16, 100, 4096};
    gen g = gen_dump(3, 200, 20, G_NOISE);
    size_t cuts[] = {g.n - 1, g.n - 2, g.n - 7, g.n / 2, g.n / 3 + 1, 0};
    const char *hdr = strstr(g.p + g.n / 2, "\ngoroutine ");
    assert_non_null(hdr);
    cuts[5] = (size_t)(hdr - g.p) + 8;
    for (size_t i = 0; i < sizeof cuts / sizeof *cuts; i++) {
        char label[64];
        snprintf(label, sizeof label, "truncated at %zu of %zu", cuts[i], g.n);
        check_text(g.p, cuts[i], label, chunks, sizeof chunks / sizeof *chunks);
    }
    free(g.p);
}

/* Lines longer than STRAND_MAX_LINE, inside a block and between blocks. */
static void test_long_lines(void **state)
{
    (void)state;
    static const size_t chunks[] = {4096, 300000};
    gen g = gen_dump(5, 40, 8, 0);
    size_t big = STRAND_MAX_LINE + 1000;
    char *text = malloc(g.n + 2 * big + 100);
    assert_non_null(text);
    const char *mid = strstr(g.p + g.n / 3, "\ngoroutine ");
    const char *frame = strstr(g.p + 2 * g.n / 3, "\n\t");
    assert_true(mid && frame && frame > mid);
    size_t a = (size_t)(mid - g.p) + 1, b = (size_t)(frame - g.p) + 1, n = 0;
    memcpy(text, g.p, a);
    n = a;
    memset(text + n, 'x', big); /* text before a header */
    n += big;
    text[n++] = '\n';
    memcpy(text + n, g.p + a, b - a);
    n += b - a;
    memcpy(text + n, "\tmain.", 6); /* an over-long file line in a block */
    n += 6;
    memset(text + n, 'y', big);
    n += big;
    text[n++] = '\n';
    memcpy(text + n, g.p + b, g.n - b);
    n += g.n - b;
    check_text(text, n, "long lines", chunks, sizeof chunks / sizeof *chunks);
    free(text);
    free(g.p);
}

/* Not traceback text (or binary): read on one thread, the same way. */
static void test_other_inputs(void **state)
{
    (void)state;
    static const size_t chunks[] = {16, 4096};
    static const char *const texts[] = {
        "",
        "hello\n",
        "no report here\nat all\n",
        "goroutine 1 [running]:\nmain.main()\n\t/x.go:1 +0x1\n",
    };
    for (size_t i = 0; i < sizeof texts / sizeof *texts; i++)
        check_text(texts[i], strlen(texts[i]), texts[i], chunks, sizeof chunks / sizeof *chunks);
    const char bin[] = {'\x1f', '\x8b', '\x08', 0, 0, 0, 0, 0, 0, 3, 1, 2, 3};
    check_text(bin, sizeof bin, "gzip", chunks, sizeof chunks / sizeof *chunks);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fixtures),
        cmocka_unit_test(test_scenarios),
        cmocka_unit_test(test_generated_small),
        cmocka_unit_test(test_generated_big),
        cmocka_unit_test(test_truncated),
        cmocka_unit_test(test_long_lines),
        cmocka_unit_test(test_other_inputs),
    };
    if (getenv("TEST_FILTER"))
        cmocka_set_test_filter(getenv("TEST_FILTER"));
    return cmocka_run_group_tests(tests, NULL, NULL);
}
