/* test_read_text.c - the text reader (lib/read_text.c): tracebacks of every
 * shape, goleak and gleak reports, embedding, truncation, malformed input. */
/* cmocka needs these first, in this order */
/* clang-format off */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
/* clang-format on */

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "internal.h"

/* ---- helpers ----------------------------------------------------------------- */

static strand_snapshot *rd_n(const char *txt, size_t n)
{
    strand_error err = {0};
    strand_snapshot *s = strand_read_mem(txt, n, NULL, &err);
    if (!s)
        fail_msg("read failed: %s", err.message ? err.message : "?");
    return s;
}

static strand_snapshot *rd(const char *txt)
{
    return rd_n(txt, strlen(txt));
}

static size_t ngor(const strand_snapshot *s)
{
    size_t n;
    strand_snapshot_goroutines(s, &n);
    return n;
}

static size_t ndiag(const strand_snapshot *s)
{
    size_t n;
    strand_snapshot_diagnostics(s, &n);
    return n;
}

static const strand_diagnostic *diag_i(const strand_snapshot *s, size_t i)
{
    size_t n;
    const strand_diagnostic *d = strand_snapshot_diagnostics(s, &n);
    assert_true(i < n);
    return &d[i];
}

static const strand_goroutine *gor(const strand_snapshot *s, size_t i)
{
    size_t n;
    const strand_goroutine *g = strand_snapshot_goroutines(s, &n);
    assert_true(i < n);
    return &g[i];
}

static const char *str(const strand_snapshot *s, strand_str id)
{
    return strand_str_get(s, id, NULL);
}

static size_t nframes(const strand_snapshot *s, const strand_goroutine *g)
{
    size_t n;
    strand_stack_frames(s, g->stack, &n);
    return n;
}

static const strand_frame *frame(const strand_snapshot *s, const strand_goroutine *g, size_t j)
{
    size_t n;
    const uint32_t *f = strand_stack_frames(s, g->stack, &n);
    assert_true(j < n);
    return strand_frame_get(s, f[j]);
}

static void check_frame(const strand_snapshot *s, const strand_goroutine *g, size_t j,
                        const char *func, const char *file, uint32_t line, uint32_t flags)
{
    const strand_frame *f = frame(s, g, j);
    assert_string_equal(str(s, f->func), func);
    assert_string_equal(str(s, f->file), file);
    assert_int_equal(f->line, line);
    assert_int_equal(f->flags, flags);
}

static void check_creator(const strand_snapshot *s, const strand_goroutine *g, const char *func,
                          const char *file, uint32_t line)
{
    assert_int_not_equal(g->created_by, STRAND_NONE);
    const strand_frame *f = strand_frame_get(s, g->created_by);
    assert_non_null(f);
    assert_string_equal(str(s, f->func), func);
    assert_string_equal(str(s, f->file), file);
    assert_int_equal(f->line, line);
}

static bool has_diag(const strand_snapshot *s, uint32_t line, const char *msg)
{
    size_t n;
    const strand_diagnostic *d = strand_snapshot_diagnostics(s, &n);
    for (size_t i = 0; i < n; i++)
        if (d[i].line == line && d[i].code == STRAND_ERR_FORMAT && strstr(d[i].message, msg))
            return true;
    return false;
}

static char *replace_all(const char *in, const char *from, const char *to)
{
    size_t fl = strlen(from), tl = strlen(to), n = 0;
    for (const char *p = strstr(in, from); p; p = strstr(p + fl, from))
        n++;
    char *out = malloc(strlen(in) + n * tl + 1), *o = out;
    assert_non_null(out);
    for (const char *p = in;;) {
        const char *q = strstr(p, from);
        if (!q) {
            strcpy(o, p);
            break;
        }
        memcpy(o, p, (size_t)(q - p));
        o += q - p;
        memcpy(o, to, tl);
        o += tl;
        p = q + fl;
    }
    return out;
}

/* ---- runtime.Stack / debug=2 --------------------------------------------------- */

static const char debug2[] = "goroutine 1 [running]:\n"
                             "runtime/pprof.writeGoroutineStacks({0x755840, 0xc0000a2008})\n"
                             "\t/usr/lib/go/src/runtime/pprof/pprof.go:692 +0x70\n"
                             "main.main()\n"
                             "\t/home/dev/zoo/main.go:81 +0x5d1\n"
                             "\n"
                             "goroutine 20 [chan send]:\n"
                             "main.sendBlock(0x0?, {0x1, 0x2}, {0x0?, 0x0?})\n"
                             "\t/home/dev/zoo/main.go:18 +0x28\n"
                             "created by main.main\n"
                             "\t/home/dev/zoo/main.go:59 +0x2c5\n"
                             "\n"
                             "goroutine 36 [IO wait]:\n"
                             "internal/poll.runtime_pollWait(0x7efcaac2a7d8, 0x72)\n"
                             "\t/usr/lib/go/src/runtime/netpoll.go:305 +0x89\n"
                             "internal/poll.(*pollDesc).waitRead(...)\n"
                             "\t/usr/lib/go/src/internal/poll/fd_poll_runtime.go:89\n"
                             "main.main.func11()\n"
                             "\t/home/dev/zoo/main.go:81 +0x22\n"
                             "created by main.main in goroutine 1\n"
                             "\t/home/dev/zoo/main.go:81 +0x5d1\n";

static void test_debug2(void **state)
{
    (void)state;
    strand_snapshot *s = rd(debug2);
    assert_int_equal(strand_snapshot_format(s), STRAND_FORMAT_TRACEBACK);
    assert_int_equal(ngor(s), 3);
    assert_int_equal(ndiag(s), 0);
    assert_int_equal(strand_snapshot_reason(s), 0);

    const strand_goroutine *g = gor(s, 0);
    assert_int_equal(g->id, 1);
    assert_string_equal(str(s, g->status), "running");
    assert_int_equal(g->line, 1);
    assert_int_equal(g->flags, STRAND_G_HAS_ID | STRAND_G_CURRENT);
    assert_int_equal(g->kind, STRAND_KIND_RUNNING);
    assert_int_equal(g->created_by, STRAND_NONE);
    assert_int_equal(g->wait_minutes, -1);
    assert_int_equal(g->labels, STRAND_NONE);
    assert_int_equal(g->ancestors, STRAND_NONE);
    assert_int_equal(nframes(s, g), 2);
    check_frame(s, g, 0, "runtime/pprof.writeGoroutineStacks",
                "/usr/lib/go/src/runtime/pprof/pprof.go", 692, 0);
    check_frame(s, g, 1, "main.main", "/home/dev/zoo/main.go", 81, 0);

    g = gor(s, 1);
    assert_int_equal(g->id, 20);
    assert_int_equal(g->line, 7);
    assert_int_equal(g->flags, STRAND_G_HAS_ID);
    assert_int_equal(g->kind, STRAND_KIND_CHAN_SEND);
    assert_int_equal(g->creator_id, 0);
    check_frame(s, g, 0, "main.sendBlock", "/home/dev/zoo/main.go", 18, 0);
    check_creator(s, g, "main.main", "/home/dev/zoo/main.go", 59);

    g = gor(s, 2);
    assert_int_equal(g->id, 36);
    assert_int_equal(g->kind, STRAND_KIND_IO);
    assert_int_equal(g->creator_id, 1);
    assert_int_equal(nframes(s, g), 3);
    check_frame(s, g, 1, "internal/poll.(*pollDesc).waitRead",
                "/usr/lib/go/src/internal/poll/fd_poll_runtime.go", 89, STRAND_FRAME_INLINED);
    check_creator(s, g, "main.main", "/home/dev/zoo/main.go", 81);
    strand_snapshot_free(s);
}

/* Equal stacks share one stack id; frames and strings are interned. */
static void test_interning(void **state)
{
    (void)state;
    strand_snapshot *s = rd("goroutine 5 [chan send]:\n"
                            "main.f(0x1)\n\t/a.go:3 +0x1\n"
                            "created by main.main\n\t/a.go:9 +0x2\n\n"
                            "goroutine 6 [chan send]:\n"
                            "main.f(0x2)\n\t/a.go:3 +0x1\n"
                            "created by main.main\n\t/a.go:9 +0x2\n");
    assert_int_equal(ngor(s), 2);
    assert_int_equal(gor(s, 0)->stack, gor(s, 1)->stack);
    assert_int_equal(gor(s, 0)->status, gor(s, 1)->status);
    assert_int_equal(gor(s, 0)->created_by, gor(s, 1)->created_by);
    assert_int_equal(strand_snapshot_stack_count(s), 1);
    strand_snapshot_free(s);
}

/* ---- header variants, Go 1.13 - 1.27 ------------------------------------------ */

static const char headers[] =
    "goroutine 6 [semacquire, 1 minutes]:\nmain.a()\n\t/m.go:1\n\n"
    "goroutine 7 [chan receive, 12 minutes, locked to thread]:\nmain.a()\n\t/m.go:1\n\n"
    "goroutine 34 [select (no cases), locked to thread]:\nmain.a()\n\t/m.go:1\n\n"
    "goroutine 2 gp=0xc000068700 m=nil [force gc (idle)]:\nmain.a()\n\t/m.go:1\n\n"
    "goroutine 3 gp=0xc0000061c0 m=4 mp=0xc000100008 [running]:\nmain.a()\n\t/m.go:1\n\n"
    "goroutine 9 [chan send (leaked)]:\nmain.a()\n\t/m.go:1\n\n"
    "goroutine 10 [chan receive (scan)]:\nmain.a()\n\t/m.go:1\n\n"
    "goroutine 11 [sleep (durable), synctest bubble 3]:\nmain.a()\n\t/m.go:1\n\n"
    "goroutine 12 [select, synctest group 4]:\nmain.a()\n\t/m.go:1\n\n"
    "goroutine 13 [chan receive (nil chan)]:\nmain.a()\n\t/m.go:1\n\n"
    "goroutine 14 [sync.WaitGroup.Wait (durable), 3 minutes]:\nmain.a()\n\t/m.go:1\n\n"
    "goroutine 15 [select (leaked) (scan) (durable)]:\nmain.a()\n\t/m.go:1\n\n"
    "goroutine 18446744073709551615 [idle]:\nmain.a()\n\t/m.go:1\n\n"
    "goroutine 16 gp=0xc000007c00 m=nil [chan receive, 2 minutes, locked to thread, "
    "synctest bubble 18446744073709551615]:\nmain.a()\n\t/m.go:1\n";

static void test_headers(void **state)
{
    (void)state;
    static const struct {
        uint64_t id;
        const char *status;
        int32_t minutes;
        uint16_t flags;
        uint64_t synctest;
    } want[] = {
        {6, "semacquire", 1, 0, 0},
        {7, "chan receive", 12, STRAND_G_LOCKED, 0},
        {34, "select (no cases)", -1, STRAND_G_LOCKED, 0},
        {2, "force gc (idle)", -1, 0, 0},
        {3, "running", -1, 0, 0},
        {9, "chan send", -1, STRAND_G_LEAKED, 0},
        {10, "chan receive", -1, STRAND_G_SCAN, 0},
        {11, "sleep", -1, STRAND_G_DURABLE, 3},
        {12, "select", -1, 0, 4},
        {13, "chan receive (nil chan)", -1, 0, 0},
        {14, "sync.WaitGroup.Wait", 3, STRAND_G_DURABLE, 0},
        {15, "select", -1, STRAND_G_LEAKED | STRAND_G_SCAN | STRAND_G_DURABLE, 0},
        {UINT64_MAX, "idle", -1, 0, 0},
        {16, "chan receive", 2, STRAND_G_LOCKED, UINT64_MAX},
    };
    strand_snapshot *s = rd(headers);
    assert_int_equal(ndiag(s), 0);
    assert_int_equal(ngor(s), sizeof want / sizeof want[0]);
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        const strand_goroutine *g = gor(s, i);
        assert_true(g->id == want[i].id);
        assert_string_equal(str(s, g->status), want[i].status);
        assert_int_equal(g->wait_minutes, want[i].minutes);
        assert_int_equal(g->flags, want[i].flags | STRAND_G_HAS_ID);
        assert_true(g->synctest == want[i].synctest);
        assert_int_equal(g->line, 4 * i + 1);
    }
    assert_int_equal(gor(s, 5)->kind, STRAND_KIND_CHAN_SEND);
    assert_int_equal(gor(s, 7)->kind, STRAND_KIND_SLEEP);
    strand_snapshot_free(s);
}

static void test_labels(void **state)
{
    (void)state;
    strand_snapshot *s =
        rd("goroutine 8 [running labels:{\"foobar\": \"baz\"}]:\nmain.a()\n\t/m.go:1\n\n"
           "goroutine 9 [chan send labels:{\"a b\": \"x\\\"y]\", \"k]}\": "
           "\"v\\u00e9\\n\\x41\\101\\t\"}, "
           "2 minutes]:\nmain.a()\n\t/m.go:1\n\n"
           "goroutine 10 [select, locked to thread labels:{\"self\":\"main\", "
           "\"\\U0001F600\":\"\"}]:\n"
           "main.a()\n\t/m.go:1\n");
    assert_int_equal(ndiag(s), 0);
    assert_int_equal(ngor(s), 3);
    size_t n;
    const strand_label *l = strand_labels_get(s, gor(s, 0)->labels, &n);
    assert_int_equal(n, 1);
    assert_string_equal(str(s, l[0].key), "foobar");
    assert_string_equal(str(s, l[0].value), "baz");
    assert_string_equal(str(s, gor(s, 0)->status), "running");

    const strand_goroutine *g = gor(s, 1);
    assert_string_equal(str(s, g->status), "chan send");
    assert_int_equal(g->wait_minutes, 2);
    l = strand_labels_get(s, g->labels, &n);
    assert_int_equal(n, 2);
    assert_string_equal(str(s, l[0].key), "a b");
    assert_string_equal(str(s, l[0].value), "x\"y]");
    assert_string_equal(str(s, l[1].key), "k]}");
    assert_string_equal(str(s, l[1].value), "v\xc3\xa9\nAA\t");

    g = gor(s, 2);
    assert_int_equal(g->flags, STRAND_G_HAS_ID | STRAND_G_LOCKED);
    l = strand_labels_get(s, g->labels, &n);
    assert_int_equal(n, 2);
    assert_string_equal(str(s, l[0].key), "self");
    assert_string_equal(str(s, l[1].key), "\xf0\x9f\x98\x80");
    assert_string_equal(str(s, l[1].value), "");
    strand_snapshot_free(s);
}

static void test_too_many_labels(void **state)
{
    (void)state;
    char buf[8192];
    size_t o = (size_t)snprintf(buf, sizeof buf, "goroutine 1 [running labels:{");
    for (int i = 0; i < 70; i++)
        o += (size_t)snprintf(buf + o, sizeof buf - o, "%s\"k%02d\": \"v\"", i ? ", " : "", i);
    snprintf(buf + o, sizeof buf - o, "}]:\nmain.a()\n\t/m.go:1\n");
    strand_snapshot *s = rd(buf);
    assert_int_equal(ngor(s), 1);
    assert_int_equal(ndiag(s), 1);
    assert_true(has_diag(s, 1, "STRAND_MAX_LABELS"));
    size_t n;
    strand_labels_get(s, gor(s, 0)->labels, &n);
    assert_int_equal(n, STRAND_MAX_LABELS);
    strand_snapshot_free(s);
}

/* ---- frame shapes ------------------------------------------------------------- */

static const char shapes[] =
    "goroutine 1 [select]:\n"
    "main.(*Box[...]).Wait(0xc0000a4300?, 0x0)\n\t/src/box.go:10 +0x1\n"
    "main.Gen[...](0x0?)\n\t/src/gen.go:11 +0x2\n"
    "sync.(*Mutex).Lock(...)\n\t/usr/go/src/sync/mutex.go:81\n"
    "main.nested({{{{0x0?}}}}, 0x0?, {0x0?, 0x0?, 0x0?}, 0x0?)\n\t/src/n.go:12 +0x3\n"
    "main.old(0xc000010000, 0x1, ...)\n\t/src/o.go:13 +0x4\n"
    "panic({0x683180, 0xc000092dd0})\n\t/usr/go/src/runtime/panic.go:884 +0x212\n"
    "main.T.M-fm()\n\t<autogenerated>:1 +0x5\n"
    "gopkg.in/yaml.v3.(*parser).parse(0xc0001)\n\tC:/Users/dev x/go/parser.go:77 +0x6\n"
    "main.win()\n\tC:\\src\\win.go:8 +0x7\n"
    "main.glob..func1()\n\t?:0 +0x8\n"
    "main.main()\n\t_testmain.go:47 +0x1aa\n"
    "main.sys()\n\t/src/s.go:14 +0x9 fp=0xc00003afa8 sp=0xc00003af88 pc=0x6629c8\n"
    "runtime.goexit({})\n\t/usr/go/src/runtime/asm_amd64.s:1594 +0x1\n"
    "created by main.main in goroutine 1\n\t/src/m.go:59 +0x2c5\n";

static void test_frame_shapes(void **state)
{
    (void)state;
    strand_snapshot *s = rd(shapes);
    assert_int_equal(ndiag(s), 0);
    assert_int_equal(ngor(s), 1);
    const strand_goroutine *g = gor(s, 0);
    assert_int_equal(nframes(s, g), 13);
    check_frame(s, g, 0, "main.(*Box[...]).Wait", "/src/box.go", 10, 0);
    check_frame(s, g, 1, "main.Gen[...]", "/src/gen.go", 11, 0);
    check_frame(s, g, 2, "sync.(*Mutex).Lock", "/usr/go/src/sync/mutex.go", 81,
                STRAND_FRAME_INLINED);
    check_frame(s, g, 3, "main.nested", "/src/n.go", 12, 0);
    check_frame(s, g, 4, "main.old", "/src/o.go", 13, 0);
    check_frame(s, g, 5, "panic", "/usr/go/src/runtime/panic.go", 884, 0);
    check_frame(s, g, 6, "main.T.M-fm", "<autogenerated>", 1, 0);
    check_frame(s, g, 7, "gopkg.in/yaml.v3.(*parser).parse", "C:/Users/dev x/go/parser.go", 77, 0);
    check_frame(s, g, 8, "main.win", "C:\\src\\win.go", 8, 0);
    check_frame(s, g, 9, "main.glob..func1", "?", 0, 0);
    check_frame(s, g, 10, "main.main", "_testmain.go", 47, 0);
    check_frame(s, g, 11, "main.sys", "/src/s.go", 14, 0);
    check_frame(s, g, 12, "runtime.goexit", "/usr/go/src/runtime/asm_amd64.s", 1594, 0);
    assert_int_equal(g->creator_id, 1);
    assert_int_equal(g->kind, STRAND_KIND_SELECT);
    strand_snapshot_free(s);
}

/* cgo tracebacks: "non-Go function at pc=" (<= 1.20, no file line), and
 * symbolized C frames without parentheses whose file line ends in pc=. */
static void test_cgo_frames(void **state)
{
    (void)state;
    strand_snapshot *s = rd("goroutine 1 [syscall]:\n"
                            "non-Go function at pc=0x7f2a3b4c5d6e\n"
                            "non-Go function\n\tpc=0x484f6e\n"
                            "x_cgo_callers\n\tcgotrace.c:12 pc=0x485886\n"
                            "runtime.cgocall(0x4850fa, 0xc000051f08)\n"
                            "\t/usr/go/src/runtime/cgocall.go:158 +0x5c\n"
                            "main._Cfunc_blockInC()\n\t_cgo_gotypes.go:41 +0x45\n");
    assert_int_equal(ndiag(s), 0);
    const strand_goroutine *g = gor(s, 0);
    assert_int_equal(nframes(s, g), 5);
    check_frame(s, g, 0, "non-Go function", "", 0, STRAND_FRAME_NON_GO);
    check_frame(s, g, 1, "non-Go function", "", 0, STRAND_FRAME_NON_GO);
    check_frame(s, g, 2, "x_cgo_callers", "cgotrace.c", 12, STRAND_FRAME_NON_GO);
    check_frame(s, g, 3, "runtime.cgocall", "/usr/go/src/runtime/cgocall.go", 158, 0);
    check_frame(s, g, 4, "main._Cfunc_blockInC", "_cgo_gotypes.go", 41, 0);
    assert_int_equal(g->kind, STRAND_KIND_SYSCALL);
    strand_snapshot_free(s);
}

static void test_elision(void **state)
{
    (void)state;
    strand_snapshot *s = rd("goroutine 7 [running]:\n"
                            "main.deep(0x0)\n\t/d.go:5 +0x1\n"
                            "...150 frames elided...\n"
                            "main.deep(0x0)\n\t/d.go:6 +0x1\n"
                            "created by main.main in goroutine 1\n\t/d.go:9 +0x2\n\n"
                            "goroutine 8 [running]:\n"
                            "main.deep(0x0)\n\t/d.go:5 +0x1\n"
                            "...additional frames elided...\n"
                            "created by main.main\n\t/d.go:9 +0x2\n");
    assert_int_equal(ndiag(s), 0);
    assert_int_equal(ngor(s), 2);
    const strand_goroutine *g = gor(s, 0);
    assert_int_equal(nframes(s, g), 3);
    check_frame(s, g, 1, "...", "", 150, STRAND_FRAME_ELIDED);
    assert_false(g->flags & STRAND_G_TRUNCATED);
    check_creator(s, g, "main.main", "/d.go", 9);
    g = gor(s, 1);
    assert_int_equal(nframes(s, g), 2);
    check_frame(s, g, 1, "...", "", 0, STRAND_FRAME_ELIDED);
    assert_true(g->flags & STRAND_G_TRUNCATED);
    check_creator(s, g, "main.main", "/d.go", 9);
    strand_snapshot_free(s);
}

static const char ancestors[] = "goroutine 6 [select (no cases)]:\n"
                                "main.level2()\n\t/home/dev/anc/main.go:9 +0x17\n"
                                "created by main.level1\n\t/home/dev/anc/main.go:10 +0x25\n"
                                "[originating from goroutine 5]:\n"
                                "main.level1(...)\n\t/home/dev/anc/main.go:10 +0x25\n"
                                "created by main.main\n\t/home/dev/anc/main.go:13 +0x25\n"
                                "[originating from goroutine 1]:\n"
                                "main.main(...)\n\t/home/dev/anc/main.go:14 +0x25\n"
                                "main.main(...)\n\t/home/dev/anc/main.go:15 +0x25\n"
                                "...additional frames elided...\n"
                                "\n"
                                "goroutine 7 [chan receive]:\n"
                                "main.other()\n\t/home/dev/anc/main.go:20 +0x17\n";

static void test_ancestors(void **state)
{
    (void)state;
    strand_snapshot *s = rd(ancestors);
    assert_int_equal(ndiag(s), 0);
    assert_int_equal(ngor(s), 2);
    const strand_goroutine *g = gor(s, 0);
    assert_int_equal(nframes(s, g), 1);
    check_creator(s, g, "main.level1", "/home/dev/anc/main.go", 10);
    assert_false(g->flags & STRAND_G_TRUNCATED);
    assert_int_equal(g->n_ancestors, 2);
    const strand_ancestor *a = strand_snapshot_ancestor(s, g->ancestors);
    assert_non_null(a);
    assert_int_equal(a->id, 5);
    size_t n;
    const uint32_t *fr = strand_stack_frames(s, a->stack, &n);
    assert_int_equal(n, 1);
    assert_string_equal(str(s, strand_frame_get(s, fr[0])->func), "main.level1");
    assert_int_equal(strand_frame_get(s, fr[0])->flags, STRAND_FRAME_INLINED);
    assert_string_equal(str(s, strand_frame_get(s, a->created_by)->func), "main.main");
    a = strand_snapshot_ancestor(s, g->ancestors + 1);
    assert_int_equal(a->id, 1);
    assert_int_equal(a->created_by, STRAND_NONE);
    fr = strand_stack_frames(s, a->stack, &n);
    assert_int_equal(n, 3);
    assert_int_equal(strand_frame_get(s, fr[2])->flags, STRAND_FRAME_ELIDED);
    g = gor(s, 1);
    assert_int_equal(g->n_ancestors, 0);
    assert_int_equal(g->ancestors, STRAND_NONE);
    assert_int_equal(g->line, 18);
    strand_snapshot_free(s);
}

static void test_no_stack(void **state)
{
    (void)state;
    strand_snapshot *s = rd("panic: boom\n\n"
                            "goroutine 1 [running]:\nmain.main()\n\t/m.go:3 +0x1\n\n"
                            "goroutine 18 [running]:\n"
                            "\tgoroutine running on other thread; stack unavailable\n"
                            "created by main.main in goroutine 1\n\t/m.go:12 +0x2\n");
    assert_int_equal(ndiag(s), 0);
    assert_int_equal(ngor(s), 2);
    const strand_goroutine *g = gor(s, 1);
    assert_int_equal(g->flags, STRAND_G_HAS_ID | STRAND_G_NO_STACK);
    assert_int_equal(nframes(s, g), 0);
    assert_int_equal(g->creator_id, 1);
    check_creator(s, g, "main.main", "/m.go", 12);
    strand_snapshot_free(s);
}

/* ---- panics, fatal errors, signals -------------------------------------------- */

static void test_panic_nested(void **state)
{
    (void)state;
    strand_snapshot *s =
        rd("panic: first failure [recovered]\n"
           "\tpanic: cleanup failed [recovered, repanicked]\n"
           "\n"
           "goroutine 1 [running]:\n"
           "main.repanic.func1()\n\t/src/main.go:53 +0x65\n"
           "panic({0x48d040, 0xc00008a210})\n\t/usr/go/src/runtime/panic.go:884 +0x212\n"
           "main.main()\n\t/src/main.go:30 +0x149\n"
           "exit status 2\n");
    assert_int_equal(ndiag(s), 0);
    assert_int_equal(ngor(s), 1);
    assert_string_equal(str(s, strand_snapshot_reason(s)), "panic: first failure [recovered]");
    const strand_goroutine *g = gor(s, 0);
    assert_int_equal(g->flags, STRAND_G_HAS_ID | STRAND_G_CURRENT);
    assert_int_equal(nframes(s, g), 3);
    check_frame(s, g, 1, "panic", "/usr/go/src/runtime/panic.go", 884, 0);
    strand_snapshot_free(s);
}

/* Before 1.23 a panic value is printed verbatim: its lines can imitate a
 * block; only a header after an empty line is trusted. */
static void test_panic_fake_header(void **state)
{
    (void)state;
    strand_snapshot *s = rd("panic: bad input:\n"
                            "goroutine 99 [running]:\n"
                            "main.fake()\n"
                            "\t/fake/file.go:1 +0x0\n"
                            "end of value\n"
                            "\n"
                            "goroutine 1 [running]:\n"
                            "main.panicMultiline()\n\t/src/panics/main.go:80 +0x27\n");
    assert_int_equal(ndiag(s), 0);
    assert_int_equal(ngor(s), 1);
    assert_int_equal(gor(s, 0)->id, 1);
    assert_int_equal(gor(s, 0)->line, 7);
    assert_string_equal(str(s, strand_snapshot_reason(s)), "panic: bad input:");
    strand_snapshot_free(s);
}

static void test_panic_signal(void **state)
{
    (void)state;
    strand_snapshot *s =
        rd("panic: runtime error: invalid memory address or nil pointer dereference\n"
           "[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x483834]\n"
           "\n"
           "goroutine 1 [running]:\n"
           "main.(*config).name(0xc000068000?)\n\t/src/panics/main.go:89 +0x14\n"
           "main.main()\n\t/src/panics/main.go:37 +0xed\n");
    assert_int_equal(ndiag(s), 0);
    assert_int_equal(ngor(s), 1);
    check_frame(s, gor(s, 0), 0, "main.(*config).name", "/src/panics/main.go", 89, 0);
    assert_true(gor(s, 0)->flags & STRAND_G_CURRENT);
    strand_snapshot_free(s);
}

static void test_deadlock(void **state)
{
    (void)state;
    strand_snapshot *s =
        rd("fatal error: all goroutines are asleep - deadlock!\n"
           "\n"
           "goroutine 1 [chan receive]:\n"
           "main.main()\n\t/home/dev/dl/main.go:13 +0xff\n"
           "\n"
           "goroutine 6 [semacquire]:\n"
           "sync.runtime_Semacquire(0xc00006c3f0?)\n\t/go/src/runtime/sema.go:62 +0x25\n"
           "sync.(*WaitGroup).Wait(0x0?)\n\t/go/src/sync/waitgroup.go:139 +0x52\n"
           "main.run()\n\t/home/dev/dl/main.go:20 +0x4b\n"
           "created by main.main\n\t/home/dev/dl/main.go:10 +0x1b2\n"
           "exit status 2\n");
    assert_int_equal(ndiag(s), 0);
    assert_int_equal(ngor(s), 2);
    assert_string_equal(str(s, strand_snapshot_reason(s)),
                        "fatal error: all goroutines are asleep - deadlock!");
    assert_int_equal(gor(s, 0)->flags, STRAND_G_HAS_ID);
    assert_int_equal(gor(s, 0)->kind, STRAND_KIND_CHAN_RECEIVE);
    assert_int_equal(gor(s, 1)->kind, STRAND_KIND_WAITGROUP);
    strand_snapshot_free(s);
}

static const char sigquit[] =
    "SIGQUIT: quit\n"
    "PC=0x45efe1 m=0 sigcode=0\n"
    "\n"
    "goroutine 0 gp=0x5b3e20 m=0 mp=0x5b4740 [idle]:\n"
    "runtime.futex()\n"
    "\t/go/src/runtime/sys_linux_amd64.s:559 +0x21 fp=0x7ffc73be90b0 sp=0x7ffc73be90a8 "
    "pc=0x45efe1\n"
    "runtime.mcall()\n"
    "\t/go/src/runtime/asm_amd64.s:448 +0x43 fp=0x7ffc73be9220 sp=0x7ffc73be9210 pc=0x45b043\n"
    "\n"
    "goroutine 1 gp=0xc0000061c0 m=nil [select (no cases)]:\n"
    "runtime.gopark(0x6?, 0xc000088ef8?, 0x6?, 0x0?, 0xc000098340?)\n"
    "\t/go/src/runtime/proc.go:363 +0xd6 fp=0xc000088ee8 sp=0xc000088ec8 pc=0x4343d6\n"
    "runtime.block()\n"
    "\t/go/src/runtime/select.go:104 +0x2c fp=0xc000088f18 sp=0xc000088ee8 pc=0x442d8c\n"
    "main.main()\n"
    "\t/src/sigquit/main.go:55 +0x10c fp=0xc000088f80 sp=0xc000088f28 pc=0x4814cc\n"
    "runtime.main()\n"
    "\t/go/src/runtime/proc.go:250 +0x212 fp=0xc000088fe0 sp=0xc000088f80 pc=0x434012\n"
    "runtime.goexit({})\n"
    "\t/go/src/runtime/asm_amd64.s:1594 +0x1 fp=0xc000088fe8 sp=0xc000088fe0 pc=0x45d141\n"
    "\n"
    "goroutine 2 gp=0xc000006c40 m=nil [force gc (idle)]:\n"
    "runtime.gopark(0x0?, 0x0?, 0x0?, 0x0?, 0x0?)\n"
    "\t/go/src/runtime/proc.go:363 +0xd6 fp=0xc00003afb0 sp=0xc00003af90 pc=0x4343d6\n"
    "runtime.goparkunlock(...)\n"
    "\t/go/src/runtime/proc.go:369\n"
    "runtime.forcegchelper()\n"
    "\t/go/src/runtime/proc.go:302 +0xad fp=0xc00003afe0 sp=0xc00003afb0 pc=0x43426d\n"
    "runtime.goexit()\n"
    "\t/go/src/runtime/asm_amd64.s:1594 +0x1 fp=0xc00003afe8 sp=0xc00003afe0 pc=0x45d141\n"
    "created by runtime.init.6 in goroutine 1\n"
    "\t/go/src/runtime/proc.go:290 +0x25\n"
    "\n"
    "rax    0xca\n"
    "rbx    0x0\n"
    "rip    0x45efe1\n"
    "rflags 0x286\n"
    "cs     0x33\n"
    "fs     0x0\n"
    "gs     0x0\n"
    "\n"
    "-----\n"
    "\n"
    "SIGQUIT: quit\n"
    "PC=0x45efe3 m=1 sigcode=0 addr=0x0\n"
    "\n"
    "goroutine 0 gp=0xc000007500 m=1 mp=0xc000100008 [idle]:\n"
    "runtime.futex()\n"
    "\t/go/src/runtime/sys_linux_amd64.s:560 +0x23 fp=0xc00004de80 sp=0xc00004de78 pc=0x45efe3\n"
    "rax    0xfffffffffffffffc\n"
    "rbx    0x0\n";

static void test_sigquit(void **state)
{
    (void)state;
    strand_snapshot *s = rd(sigquit);
    assert_int_equal(ndiag(s), 0);
    assert_int_equal(ngor(s), 4);
    assert_string_equal(str(s, strand_snapshot_reason(s)), "SIGQUIT: quit");
    const strand_goroutine *g = gor(s, 0);
    assert_int_equal(g->id, 0);
    assert_int_equal(g->flags, STRAND_G_HAS_ID | STRAND_G_SYSTEM);
    check_frame(s, g, 0, "runtime.futex", "/go/src/runtime/sys_linux_amd64.s", 559, 0);
    g = gor(s, 1);
    assert_int_equal(g->flags, STRAND_G_HAS_ID);
    assert_int_equal(nframes(s, g), 5);
    assert_int_equal(g->kind, STRAND_KIND_SELECT_NO_CASES);
    g = gor(s, 2);
    assert_int_equal(g->flags, STRAND_G_HAS_ID | STRAND_G_SYSTEM);
    assert_int_equal(g->kind, STRAND_KIND_RUNTIME);
    check_creator(s, g, "runtime.init.6", "/go/src/runtime/proc.go", 290);
    g = gor(s, 3);
    assert_int_equal(g->id, 0);
    assert_int_equal(nframes(s, g), 1);
    assert_int_equal(g->line, 47);
    strand_snapshot_free(s);
}

static void test_runtime_stack_skipped(void **state)
{
    (void)state;
    strand_snapshot *s = rd(
        "runtime: goroutine stack exceeds 1000000000-byte limit\n"
        "runtime: sp=0xc0200e0390 stack=[0xc0200e0000, 0xc0400e0000]\n"
        "fatal error: stack overflow\n"
        "\n"
        "runtime stack:\n"
        "runtime.throw({0x49c139?, 0x51a960?})\n"
        "\t/go/src/runtime/panic.go:1047 +0x5d fp=0x7ffd63e7ba00 sp=0x7ffd63e7b9d0 pc=0x431a3d\n"
        "runtime.newstack()\n"
        "\t/go/src/runtime/stack.go:1103 +0x5cc fp=0x7ffd63e7bbb8 sp=0x7ffd63e7ba00 pc=0x4490ec\n"
        "\n"
        "goroutine 1 gp=0xc0000061c0 m=0 mp=0x5b4740 [running]:\n"
        "main.depth(0x2a9f?)\n"
        "\t/src/fatal/main.go:89 +0x85 fp=0xc0001f0378 sp=0xc0001f0370 pc=0x483905\n"
        "...additional frames elided...\n"
        "\n"
        "goroutine 2 [force gc (idle)]:\n"
        "runtime.gopark(0x0?, 0x0?, 0x0?, 0x0?, 0x0?)\n\t/go/src/runtime/proc.go:363 +0xd6\n"
        "runtime.forcegchelper()\n\t/go/src/runtime/proc.go:302 +0xad\n"
        "runtime.goexit()\n\t/go/src/runtime/asm_amd64.s:1594 +0x1\n"
        "created by runtime.init.6\n\t/go/src/runtime/proc.go:290 +0x25\n");
    assert_int_equal(ndiag(s), 0);
    assert_int_equal(ngor(s), 2);
    assert_string_equal(str(s, strand_snapshot_reason(s)), "fatal error: stack overflow");
    const strand_goroutine *g = gor(s, 0);
    assert_int_equal(g->id, 1);
    assert_int_equal(g->flags, STRAND_G_HAS_ID | STRAND_G_CURRENT | STRAND_G_TRUNCATED);
    assert_true(gor(s, 1)->flags & STRAND_G_SYSTEM);
    strand_snapshot_free(s);
}

static const char timeout_old[] = "=== RUN   TestHang\n"
                                  "panic: test timed out after 2s\n"
                                  "running tests:\n"
                                  "\tTestHang (2s)\n"
                                  "\tTestHang/sub (2s)\n"
                                  "\n"
                                  "goroutine 17 [running]:\n"
                                  "testing.(*M).startAlarm.func1()\n"
                                  "\t/go/src/testing/testing.go:2241 +0x3c5\n"
                                  "created by time.goFunc\n"
                                  "\t/go/src/time/sleep.go:176 +0x2d\n"
                                  "\n"
                                  "goroutine 21 [chan send]:\n"
                                  "example.com/tt.leak.func1()\n"
                                  "\t/home/dev/tt/x_test.go:8 +0x25\n"
                                  "created by example.com/tt.leak in goroutine 20\n"
                                  "\t/home/dev/tt/x_test.go:8 +0x6a\n"
                                  "FAIL\texample.com/tt\t2.015s\n";

static void check_timeout(const char *txt)
{
    strand_snapshot *s = rd(txt);
    assert_int_equal(ndiag(s), 0);
    assert_int_equal(ngor(s), 2);
    assert_string_equal(str(s, strand_snapshot_reason(s)), "panic: test timed out after 2s");
    size_t n;
    const strand_str *t = strand_snapshot_running_tests(s, &n);
    assert_int_equal(n, 2);
    assert_string_equal(str(s, t[0]), "TestHang");
    assert_string_equal(str(s, t[1]), "TestHang/sub");
    assert_true(gor(s, 0)->flags & STRAND_G_CURRENT);
    assert_false(gor(s, 1)->flags & STRAND_G_CURRENT);
    assert_int_equal(gor(s, 1)->creator_id, 20);
    strand_snapshot_free(s);
}

static void test_timeout(void **state)
{
    (void)state;
    check_timeout(timeout_old);
    char *indented = replace_all(timeout_old, "running tests:\n\t", "\trunning tests:\n\t\t");
    char *fixed = replace_all(indented, "(2s)\n\tTestHang/", "(2s)\n\t\tTestHang/");
    check_timeout(fixed);
    free(indented);
    free(fixed);
}

/* ---- embedding ------------------------------------------------------------------ */

static const char tlog[] = "=== RUN   TestDumpInLog\n"
                           "--- FAIL: TestDumpInLog (0.05s)\n"
                           "    leaky_test.go:29: goroutines still running after shutdown:\n"
                           "        goroutine 18 [running]:\n"
                           "        example.com/leaky.TestDumpInLog(0xc000096820)\n"
                           "        \t/src/leaky/leaky_test.go:28 +0xa5\n"
                           "        testing.tRunner(0xc000096820, 0x533280)\n"
                           "        \t/usr/go/src/testing/testing.go:1446 +0x10b\n"
                           "        created by testing.(*T).Run\n"
                           "        \t/usr/go/src/testing/testing.go:1493 +0x35f\n"
                           "        \n"
                           "        goroutine 19 [chan receive]:\n"
                           "        example.com/leaky.Consume(0x0?)\n"
                           "        \t/src/leaky/leaky.go:32 +0x33\n"
                           "        created by example.com/leaky.TestDumpInLog\n"
                           "        \t/src/leaky/leaky_test.go:25 +0x6d\n"
                           "FAIL\n"
                           "FAIL\texample.com/leaky\t0.059s\n";

static void test_tlog_indent(void **state)
{
    (void)state;
    strand_snapshot *s = rd(tlog);
    assert_int_equal(ndiag(s), 0);
    assert_int_equal(ngor(s), 2);
    assert_int_equal(strand_snapshot_format(s), STRAND_FORMAT_TRACEBACK);
    const strand_goroutine *g = gor(s, 0);
    assert_int_equal(g->id, 18);
    assert_int_equal(g->line, 4);
    assert_true(g->flags & STRAND_G_CURRENT);
    assert_int_equal(nframes(s, g), 2);
    check_frame(s, g, 0, "example.com/leaky.TestDumpInLog", "/src/leaky/leaky_test.go", 28, 0);
    check_creator(s, g, "testing.(*T).Run", "/usr/go/src/testing/testing.go", 1493);
    g = gor(s, 1);
    assert_int_equal(g->id, 19);
    check_frame(s, g, 0, "example.com/leaky.Consume", "/src/leaky/leaky.go", 32, 0);
    strand_snapshot_free(s);
}

/* 4-space and tab indentation, text before and after, no empty line before
 * the first header. */
static void test_indent_variants(void **state)
{
    (void)state;
    strand_snapshot *s = rd("some log line\n"
                            "    goroutine 3 [sleep]:\n"
                            "    time.Sleep(0x3b9aca00)\n"
                            "    \t/go/src/runtime/time.go:195 +0x135\n"
                            "\n"
                            "\tgoroutine 4 [select]:\n"
                            "\tmain.loop()\n"
                            "\t\t/src/l.go:7 +0x1\n"
                            "more text (with parens)\n"
                            "and more\n");
    assert_int_equal(ndiag(s), 0);
    assert_int_equal(ngor(s), 2);
    check_frame(s, gor(s, 0), 0, "time.Sleep", "/go/src/runtime/time.go", 195, 0);
    check_frame(s, gor(s, 1), 0, "main.loop", "/src/l.go", 7, 0);
    strand_snapshot_free(s);
}

static void test_log_prefix(void **state)
{
    (void)state;
    strand_snapshot *s = rd("2026/11/27 21:25:28 goroutine 1 [running]:\n"
                            "main.stacks(...)\n\t/src/logdump/main.go:32\n"
                            "main.main()\n\t/src/logdump/main.go:46 +0x125\n"
                            "\n"
                            "goroutine 18 [chan receive]:\n"
                            "main.watchdogWorker(0x0?)\n\t/src/logdump/main.go:25 +0x3a\n"
                            "created by main.main\n\t/src/logdump/main.go:41 +0x9d\n");
    assert_int_equal(ndiag(s), 0);
    assert_int_equal(ngor(s), 2);
    assert_int_equal(gor(s, 0)->id, 1);
    assert_true(gor(s, 0)->flags & STRAND_G_CURRENT);
    assert_int_equal(nframes(s, gor(s, 0)), 2);
    strand_snapshot_free(s);
}

/* t.Log(string(stack)): the header shares its line with the log prefix, the
 * frames follow at the log's continuation indent. */
static void test_tlog_prefixed_header(void **state)
{
    (void)state;
    strand_snapshot *s = rd("=== RUN   TestX\n"
                            "    x_test.go:12: goroutine 7 [chan send]:\n"
                            "        main.f()\n"
                            "        \t/src/x.go:3 +0x1\n"
                            "        created by main.g in goroutine 6\n"
                            "        \t/src/x.go:9 +0x2\n"
                            "--- FAIL: TestX (0.00s)\n");
    assert_int_equal(ndiag(s), 0);
    assert_int_equal(ngor(s), 1);
    check_frame(s, gor(s, 0), 0, "main.f", "/src/x.go", 3, 0);
    check_creator(s, gor(s, 0), "main.g", "/src/x.go", 9);
    strand_snapshot_free(s);
}

/* Tabs expanded to spaces (a dump pasted through a web page or chat). */
static void test_expanded_tabs(void **state)
{
    (void)state;
    char *spaced = replace_all(debug2, "\t", "        ");
    strand_snapshot *a = rd(debug2), *b = rd(spaced);
    assert_int_equal(ndiag(b), 0);
    assert_int_equal(ngor(b), 3);
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(gor(a, i)->id, gor(b, i)->id);
        assert_int_equal(strand_stack_hash(a, gor(a, i)->stack),
                         strand_stack_hash(b, gor(b, i)->stack));
    }
    check_creator(b, gor(b, 2), "main.main", "/home/dev/zoo/main.go", 81);
    strand_snapshot_free(a);
    strand_snapshot_free(b);
    free(spaced);
}

static void test_crlf(void **state)
{
    (void)state;
    char *crlf = replace_all(debug2, "\n", "\r\n");
    strand_snapshot *a = rd(debug2), *b = rd(crlf);
    assert_int_equal(ndiag(b), 0);
    assert_int_equal(ngor(a), ngor(b));
    for (size_t i = 0; i < ngor(a); i++) {
        assert_int_equal(gor(a, i)->id, gor(b, i)->id);
        assert_int_equal(strand_stack_hash(a, gor(a, i)->stack),
                         strand_stack_hash(b, gor(b, i)->stack));
        assert_string_equal(str(a, gor(a, i)->status), str(b, gor(b, i)->status));
    }
    strand_snapshot_free(a);
    strand_snapshot_free(b);
    free(crlf);
}

/* ---- goleak ---------------------------------------------------------------------- */

static const char goleak12[] =
    "--- FAIL: TestLeak (0.45s)\n"
    "    leaky_test.go:20: found unexpected goroutines:\n"
    "        [Goroutine 21 in state chan send, with example.com/leaky.Notify.func1 on top of the "
    "stack:\n"
    "        goroutine 21 [chan send]:\n"
    "        example.com/leaky.Notify.func1()\n"
    "        \t/src/leaky/leaky.go:12 +0x2b\n"
    "        created by example.com/leaky.Notify\n"
    "        \t/src/leaky/leaky.go:11 +0x65\n"
    "        \n"
    "         Goroutine 23 in state sleep, 2 minutes, with time.Sleep on top of the stack:\n"
    "        goroutine 23 [sleep, 2 minutes]:\n"
    "        time.Sleep(0x34630b8a000)\n"
    "        \t/go/src/runtime/time.go:195 +0x135\n"
    "        example.com/leaky.poll(0x0?)\n"
    "        \t/src/leaky/leaky.go:24 +0x1e\n"
    "        created by example.com/leaky.StartPoller\n"
    "        \t/src/leaky/leaky.go:18 +0x3d\n"
    "        ]\n"
    "FAIL\n"
    "FAIL\texample.com/leaky\t0.455s\n"
    "FAIL\n";

static void check_goleak(const char *txt, uint32_t line0, uint32_t line1)
{
    strand_snapshot *s = rd(txt);
    assert_int_equal(ndiag(s), 0);
    assert_int_equal(ngor(s), 2);
    assert_int_equal(strand_snapshot_format(s), STRAND_FORMAT_GOLEAK);
    const strand_goroutine *g = gor(s, 0);
    assert_int_equal(g->id, 21);
    assert_int_equal(g->line, line0);
    assert_string_equal(str(s, g->status), "chan send");
    assert_int_equal(g->flags, STRAND_G_HAS_ID);
    assert_int_equal(nframes(s, g), 1);
    check_frame(s, g, 0, "example.com/leaky.Notify.func1", "/src/leaky/leaky.go", 12, 0);
    check_creator(s, g, "example.com/leaky.Notify", "/src/leaky/leaky.go", 11);
    g = gor(s, 1);
    assert_int_equal(g->id, 23);
    assert_int_equal(g->line, line1);
    assert_string_equal(str(s, g->status), "sleep");
    assert_int_equal(g->wait_minutes, 2);
    assert_int_equal(nframes(s, g), 2);
    check_frame(s, g, 1, "example.com/leaky.poll", "/src/leaky/leaky.go", 24, 0);
    strand_snapshot_free(s);
}

static void test_goleak_v12(void **state)
{
    (void)state;
    check_goleak(goleak12, 4, 11);
}

/* v1.3 prints Stack.Full() without the header line: the id and the state
 * come from the "Goroutine N in state S" line. */
static void test_goleak_v13(void **state)
{
    (void)state;
    char *a = replace_all(goleak12, "        goroutine 21 [chan send]:\n", "");
    char *b = replace_all(a, "        goroutine 23 [sleep, 2 minutes]:\n", "");
    check_goleak(b, 3, 9);
    free(a);
    free(b);
}

static void test_goleak_testmain(void **state)
{
    (void)state;
    strand_snapshot *s =
        rd("PASS\n"
           "goleak: Errors on successful test run: found unexpected goroutines:\n"
           "[Goroutine 19 in state chan send, with example.com/gl.TestLeak.func1 on top of the "
           "stack:\n"
           "goroutine 19 [chan send]:\n"
           "example.com/gl.TestLeak.func1()\n"
           "\t/home/dev/gl/x_test.go:12 +0x25\n"
           "created by example.com/gl.TestLeak\n"
           "\t/home/dev/gl/x_test.go:12 +0x6a\n"
           "\n"
           " Goroutine 20 in state chan receive, with example.com/gl.TestLeak.func2 on top of the "
           "stack:\n"
           "example.com/gl.TestLeak.func2()\n"
           "\t/home/dev/gl/x_test.go:13 +0x25\n"
           "created by example.com/gl.TestLeak in goroutine 7\n"
           "\t/home/dev/gl/x_test.go:13 +0x6a\n"
           "]\n"
           "FAIL\texample.com/gl\t0.47s\n");
    assert_int_equal(ndiag(s), 0);
    assert_int_equal(ngor(s), 2);
    assert_int_equal(strand_snapshot_format(s), STRAND_FORMAT_GOLEAK);
    assert_int_equal(gor(s, 0)->id, 19);
    assert_int_equal(gor(s, 0)->line, 4);
    assert_int_equal(gor(s, 1)->id, 20);
    assert_int_equal(gor(s, 1)->line, 10);
    assert_int_equal(gor(s, 1)->creator_id, 7);
    assert_string_equal(str(s, gor(s, 1)->status), "chan receive");
    assert_int_equal(gor(s, 1)->kind, STRAND_KIND_CHAN_RECEIVE);
    strand_snapshot_free(s);
}

/* A go test log with a goleak report and then a timeout dump: all
 * goroutines are kept; the format is the majority's. */
static void test_mixed_reports(void **state)
{
    (void)state;
    size_t n1 = strlen(goleak12), n2 = strlen(timeout_old);
    char *both = malloc(n1 + n2 + 1);
    assert_non_null(both);
    memcpy(both, goleak12, n1);
    memcpy(both + n1, timeout_old, n2 + 1);
    strand_snapshot *s = rd(both);
    assert_int_equal(ndiag(s), 0);
    assert_int_equal(ngor(s), 4);
    assert_int_equal(strand_snapshot_format(s), STRAND_FORMAT_GOLEAK); /* 2 to 2: the first */
    assert_int_equal(gor(s, 2)->id, 17);
    assert_true(gor(s, 2)->flags & STRAND_G_CURRENT);
    strand_snapshot_free(s);
    free(both);
}

/* ---- gleak ------------------------------------------------------------------------- */

static void test_gleak(void **state)
{
    (void)state;
    strand_snapshot *s = rd(
        "--- FAIL: TestLeak (0.31s)\n"
        "    x_test.go:20: \n"
        "        Timed out after 0.304s.\n"
        "        [FAILED] Expected not to leak 2 goroutines:\n"
        "            goroutine 5 [chan send]\n"
        "                example.com/gleakt.leaky.func1() at gleakt/x_test.go:13\n"
        "                created by example.com/gleakt.leaky at gleakt/x_test.go:13\n"
        "            goroutine 6 [select, 3 minutes]\n"
        "                sync.(*Mutex).Lock(...) at sync/mutex.go:81\n"
        "                example.com/gleakt.wait(0xc000010000, {0x1, 0x2}) at gleakt/x_test.go:30\n"
        "                created by example.com/gleakt.start in goroutine 4 at "
        "gleakt/x_test.go:40\n"
        "FAIL\n");
    assert_int_equal(ndiag(s), 0);
    assert_int_equal(ngor(s), 2);
    assert_int_equal(strand_snapshot_format(s), STRAND_FORMAT_GLEAK);
    const strand_goroutine *g = gor(s, 0);
    assert_int_equal(g->id, 5);
    assert_int_equal(g->line, 5);
    assert_string_equal(str(s, g->status), "chan send");
    assert_int_equal(g->kind, STRAND_KIND_CHAN_SEND);
    assert_int_equal(nframes(s, g), 1);
    check_frame(s, g, 0, "example.com/gleakt.leaky.func1", "gleakt/x_test.go", 13, 0);
    check_creator(s, g, "example.com/gleakt.leaky", "gleakt/x_test.go", 13);
    g = gor(s, 1);
    assert_int_equal(g->id, 6);
    assert_int_equal(g->wait_minutes, 3);
    assert_int_equal(g->creator_id, 4);
    assert_int_equal(nframes(s, g), 2);
    check_frame(s, g, 0, "sync.(*Mutex).Lock", "sync/mutex.go", 81, STRAND_FRAME_INLINED);
    check_frame(s, g, 1, "example.com/gleakt.wait", "gleakt/x_test.go", 30, 0);
    check_creator(s, g, "example.com/gleakt.start", "gleakt/x_test.go", 40);
    strand_snapshot_free(s);
}

/* ---- pprof debug=1 is handed over ---------------------------------------------- */

static void test_pprof_handoff(void **state)
{
    (void)state;
    strand_snapshot *s = rd("goroutine profile: total 2\n"
                            "2 @ 0x43ae36 0x40708c 0x406c3d 0x6629c8 0x467d41\n"
                            "#\t0x6629c7\tmain.sendBlock+0x27\t/home/dev/zoo/main.go:18\n"
                            "\n");
    assert_int_equal(ngor(s), 0);
    assert_int_equal(strand_snapshot_format(s), STRAND_FORMAT_PPROF_TEXT);
    size_t n;
    strand_snapshot_records(s, &n);
    assert_int_equal(n, 1);
    strand_snapshot_free(s);
}

/* ---- not a report -------------------------------------------------------------- */

static void test_prose(void **state)
{
    (void)state;
    static const char *const texts[] = {
        "hello world\n",
        "\n\n\n",
        "   \t  \n",
        "the goroutine 5 is stuck\nsome goroutine 7 [running]: text\n",
    };
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        strand_error err = {0};
        strand_snapshot *s = strand_read_mem(texts[i], strlen(texts[i]), NULL, &err);
        assert_null(s);
        assert_int_equal(err.code, STRAND_ERR_FORMAT);
        assert_non_null(err.message);
    }
}

/* A report that holds no goroutine (a passing go test log, a Goexit
 * deadlock, a panic whose stacks were cut away) is a snapshot of zero
 * goroutines, so `go test | strand analyze -` passes on a clean run. */
static void test_empty_reports(void **state)
{
    (void)state;
    static const struct {
        const char *text, *reason;
    } cases[] = {
        {"prose that mentions goroutine 7 [running]:\n--- FAIL: TestX (0.00s)\nFAIL\n", ""},
        {"=== RUN   TestA\n--- PASS: TestA (0.00s)\nPASS\nok  \texample.com/a\t0.01s\n", ""},
        {"fatal error: no goroutines (main called runtime.Goexit) - deadlock!\n",
         "fatal error: no goroutines (main called runtime.Goexit) - deadlock!"},
        {"panic: boom\n\ngoroutine\n", "panic: boom"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        strand_error err = {0};
        strand_snapshot *s = strand_read_mem(cases[i].text, strlen(cases[i].text), NULL, &err);
        assert_non_null(s);
        assert_int_equal(strand_snapshot_total(s), 0);
        assert_int_equal(strand_snapshot_format(s), STRAND_FORMAT_TRACEBACK);
        assert_string_equal(strand_str_get(s, strand_snapshot_reason(s), NULL), cases[i].reason);
        strand_snapshot_free(s);
    }
}

/* ---- malformed input ------------------------------------------------------------- */

static void test_malformed(void **state)
{
    (void)state;
    strand_snapshot *s = rd("goroutine 1 [running]:\n"                                  /* 1 */
                            "this is garbage\n"                                         /* 2 */
                            "\n"                                                        /* 3 */
                            "goroutine 99999999999999999999999 [chan send]:\n"          /* 4 */
                            "main.a()\n"                                                /* 5 */
                            "\t/a.go:1 +0x1\n"                                          /* 6 */
                            "\n"                                                        /* 7 */
                            "goroutine 3 [chan send\n"                                  /* 8 */
                            "main.b()\n"                                                /* 9 */
                            "\t/b.go:2 +0x1\n"                                          /* 10 */
                            "\n"                                                        /* 11 */
                            "goroutine 4 [select]:\n"                                   /* 12 */
                            "main.c()\n"                                                /* 13 */
                            "main.d()\n"                                                /* 14 */
                            "\t/d.go:4 +0x1\n"                                          /* 15 */
                            "\t/stray.go:5 +0x1\n"                                      /* 16 */
                            "created by main.main\n"                                    /* 17 */
                            "\n"                                                        /* 18 */
                            "goroutine 5 [sleep]: trailing\n"                           /* 19 */
                            "main.e()\n\t/e.go:5\n"                                     /* 20, 21 */
                            "\n"                                                        /* 22 */
                            "goroutine 6 [chan receive]:\n"                             /* 23 */
                            "main.f()\n"                                                /* 24 */
                            "\t/f.go:99999999999 +0x1\n"                                /* 25 */
                            "created by main.main in goroutine 123456789012345678901\n" /* 26 */
                            "\t/f.go:7\n"                                               /* 27 */
                            "\n"                                                        /* 28 */
                            "goroutine 7 [running labels:{\"a\": \"b\"]:\n"             /* 29 */
                            "main.g()\n\t/g.go:1\n"                                     /* 30, 31 */
                            "\n"                                                        /* 32 */
                            "goroutine 8 [chan send]:\n"                                /* 33 */
                            "main.h()\n\t/h.go:8 +0x1\n");                              /* 34, 35 */
    assert_int_equal(strand_snapshot_skipped(s), 4);
    assert_true(has_diag(s, 1, "without frames"));
    assert_true(has_diag(s, 4, "out of range"));
    assert_true(has_diag(s, 8, "unterminated bracket"));
    assert_true(has_diag(s, 13, "function line without a file line"));
    assert_true(has_diag(s, 16, "file line without a function line"));
    assert_true(has_diag(s, 17, "created by line without a file line"));
    assert_true(has_diag(s, 19, "malformed goroutine header"));
    assert_true(has_diag(s, 25, "line number out of range"));
    assert_true(has_diag(s, 26, "bad creator goroutine id"));
    assert_true(has_diag(s, 29, "goroutine header"));
    assert_int_equal(ndiag(s), 10);
    assert_int_equal(ngor(s), 4);
    assert_int_equal(gor(s, 0)->id, 1);
    assert_int_equal(nframes(s, gor(s, 0)), 0);
    const strand_goroutine *g = gor(s, 1);
    assert_int_equal(g->id, 4);
    assert_int_equal(g->line, 12);
    assert_int_equal(nframes(s, g), 1);
    check_frame(s, g, 0, "main.d", "/d.go", 4, 0);
    check_creator(s, g, "main.main", "", 0);
    g = gor(s, 2);
    assert_int_equal(g->id, 6);
    check_frame(s, g, 0, "main.f", "/f.go", 0, 0);
    assert_int_equal(g->creator_id, 0);
    g = gor(s, 3);
    assert_int_equal(g->id, 8);
    assert_int_equal(g->line, 33);
    check_frame(s, g, 0, "main.h", "/h.go", 8, 0);
    strand_snapshot_free(s);
}

static bool has_msg(const strand_snapshot *s, const char *msg)
{
    size_t n;
    const strand_diagnostic *d = strand_snapshot_diagnostics(s, &n);
    for (size_t i = 0; i < n; i++)
        if (strcmp(d[i].message, msg) == 0)
            return true;
    return false;
}

/* Every prefix of a dump: no crash; a diagnostic and a truncated goroutine
 * whenever the cut falls inside a block. */
static void test_truncation(void **state)
{
    (void)state;
    const char *dump = ancestors;
    size_t len = strlen(dump);
    size_t h1_end = (size_t)(strchr(dump, '\n') - dump);
    size_t b1_end = (size_t)(strstr(dump, "\n\ngoroutine 7") - dump);
    size_t h2_end = (size_t)(strchr(strstr(dump, "goroutine 7"), '\n') - dump);
    for (size_t k = 1; k <= len; k++) {
        strand_error err = {0};
        strand_snapshot *s = strand_read_mem(dump, k, NULL, &err);
        bool mid_line = dump[k - 1] != '\n';
        if (k < h1_end) { /* the first header is incomplete */
            assert_true(s || err.code == STRAND_ERR_FORMAT);
            strand_snapshot_free(s);
            continue;
        }
        assert_non_null(s);
        size_t n = ngor(s);
        assert_true(n >= 1 && n <= 2);
        if (mid_line && (k <= b1_end || k >= h2_end)) {
            assert_true(has_msg(s, "input ends inside a goroutine block"));
            assert_true(gor(s, n - 1)->flags & STRAND_G_TRUNCATED);
        }
        if (!mid_line && ndiag(s) == 0)
            assert_false(gor(s, n - 1)->flags & STRAND_G_TRUNCATED);
        strand_snapshot_free(s);
    }
}

/* A cut right after a frame's function line, and a cut mid-file-line: the
 * frame is not kept (its line number may be cut). */
static void test_truncation_frames(void **state)
{
    (void)state;
    const char *d =
        "goroutine 1 [running]:\nmain.a()\n\t/a.go:12 +0x1\nmain.b()\n\t/b.go:345 +0x2\n";
    strand_snapshot *s = rd_n(d, strlen(d) - strlen("45 +0x2\n"));
    assert_int_equal(nframes(s, gor(s, 0)), 1);
    assert_true(gor(s, 0)->flags & STRAND_G_TRUNCATED);
    assert_int_equal(diag_i(s, 0)->line, 5);
    strand_snapshot_free(s);
    s = rd_n(d, strlen(d) - strlen("\t/b.go:345 +0x2\n"));
    assert_int_equal(nframes(s, gor(s, 0)), 1);
    assert_true(gor(s, 0)->flags & STRAND_G_TRUNCATED);
    assert_int_equal(diag_i(s, 0)->line, 4);
    strand_snapshot_free(s);
    s = rd_n(d, strlen(d));
    assert_int_equal(nframes(s, gor(s, 0)), 2);
    assert_int_equal(ndiag(s), 0);
    strand_snapshot_free(s);
}

static void test_deep_stack(void **state)
{
    (void)state;
    const size_t frames = 100000;
    const char head[] = "goroutine 1 [running]:\n",
               fr[] = "main.deep(0x0?)\n\t/src/d.go:92 +0x5c\n";
    const char tail[] = "created by main.main\n\t/src/d.go:9 +0x1\n\ngoroutine 2 [sleep]:\n"
                        "time.Sleep(0x1)\n\t/go/time.go:1 +0x1\n";
    size_t len = sizeof head - 1 + frames * (sizeof fr - 1) + sizeof tail - 1;
    char *buf = malloc(len + 1), *o = buf;
    assert_non_null(buf);
    memcpy(o, head, sizeof head - 1);
    o += sizeof head - 1;
    for (size_t i = 0; i < frames; i++, o += sizeof fr - 1)
        memcpy(o, fr, sizeof fr - 1);
    memcpy(o, tail, sizeof tail);
    clock_t t0 = clock();
    strand_snapshot *s = rd_n(buf, len);
    double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
    assert_true(secs < 5.0);
    assert_int_equal(ngor(s), 2);
    assert_int_equal(nframes(s, gor(s, 0)), STRAND_MAX_FRAMES);
    assert_true(gor(s, 0)->flags & STRAND_G_TRUNCATED);
    check_creator(s, gor(s, 0), "main.main", "/src/d.go", 9);
    assert_int_equal(ndiag(s), 1);
    assert_int_equal(diag_i(s, 0)->line, 2 + 2 * STRAND_MAX_FRAMES);
    assert_int_equal(gor(s, 1)->id, 2);
    strand_snapshot_free(s);
    free(buf);
}

static void test_long_line(void **state)
{
    (void)state;
    size_t big = STRAND_MAX_LINE + 100;
    const char head[] = "goroutine 1 [running]:\nmain.a()\n\t/a.go:1 +0x1\n";
    const char tail[] = "\n\t/b.go:2 +0x1\nmain.c()\n\t/c.go:3 +0x1\n";
    size_t len = sizeof head - 1 + big + sizeof tail - 1;
    char *buf = malloc(len + 1);
    assert_non_null(buf);
    memcpy(buf, head, sizeof head - 1);
    memset(buf + sizeof head - 1, 'x', big);
    memcpy(buf + sizeof head - 1 + big, tail, sizeof tail);
    strand_snapshot *s = rd_n(buf, len);
    assert_int_equal(ngor(s), 1);
    assert_int_equal(ndiag(s), 1);
    assert_true(has_diag(s, 4, "STRAND_MAX_LINE"));
    const strand_goroutine *g = gor(s, 0);
    assert_int_equal(nframes(s, g), 2);
    check_frame(s, g, 1, "main.c", "/c.go", 3, 0);
    assert_true(g->flags & STRAND_G_TRUNCATED);
    strand_snapshot_free(s);
    free(buf);
}

static void read_timed(const char *buf)
{
    clock_t t0 = clock();
    strand_error err;
    strand_snapshot *s = strand_read_mem(buf, strlen(buf), NULL, &err);
    assert_true((double)(clock() - t0) / CLOCKS_PER_SEC < 2.0);
    strand_snapshot_free(s);
}

/* Adversarial lines: long runs of what the scanners look for, as a frame
 * line, as a header and inside a header's bracket. */
static void test_pathological(void **state)
{
    (void)state;
    static const char *const units[] = {
        "(", ")",  "goroutine 1 gp=", "\"",  "\\", " at ", "labels:{\"",
        "[", ", ", " goroutine 5 [",  "...", "\t", " ",    "created by ",
        "]:"};
    static const char *const pre[] = {"goroutine 1 [running]:\nmain.a()\n\t/a.go:1\n", "",
                                      "goroutine 1 [",
                                      ("Expected to leak 1 goroutines:\n"
                                       "    goroutine 1 [running]\n        ")};
    size_t reps = 100000;
    for (size_t u = 0; u < sizeof units / sizeof units[0]; u++) {
        for (size_t v = 0; v < sizeof pre / sizeof pre[0]; v++) {
            size_t ul = strlen(units[u]), pl = strlen(pre[v]);
            char *buf = malloc(pl + ul * reps + 8), *o = buf;
            assert_non_null(buf);
            memcpy(o, pre[v], pl);
            o += pl;
            for (size_t i = 0; i < reps; i++, o += ul)
                memcpy(o, units[u], ul);
            memcpy(o, "]:\n", 4);
            read_timed(buf);
            free(buf);
        }
    }
}

/* Indentation past what a block may have (MAX_INDENT in read_text.c). */
static void test_deep_indent(void **state)
{
    (void)state;
    static const char *const lines[] = {
        "[Goroutine 1 in state running, with main.f on top of the stack:\nmain.f()\n\t/f.go:1\n",
        "goroutine 1 [running]:\nmain.f()\n\t/f.go:1\n",
        "goroutine 1 [running\nmain.f()\n\t/f.go:1\n",
    };
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) {
        size_t l = strlen(lines[i]);
        char *buf = malloc(1000 + l + 1);
        assert_non_null(buf);
        memset(buf, ' ', 1000);
        memcpy(buf + 1000, lines[i], l + 1);
        strand_error err;
        strand_snapshot *s = strand_read_mem(buf, strlen(buf), NULL, &err);
        strand_snapshot_free(s);
        free(buf);
    }
}

/* ---- allocation failures ----------------------------------------------------------- */

typedef struct failing {
    long left; /* allocations that succeed; then all fail */
} failing;

static void *f_malloc(void *ctx, size_t n)
{
    failing *f = ctx;
    return f->left-- > 0 ? malloc(n) : NULL;
}

static void *f_realloc(void *ctx, void *p, size_t o, size_t n)
{
    failing *f = ctx;
    (void)o;
    return f->left-- > 0 ? realloc(p, n) : NULL;
}

static void f_free(void *ctx, void *p, size_t n)
{
    (void)ctx;
    (void)n;
    free(p);
}

static void test_alloc_failures(void **state)
{
    (void)state;
    char *txt = replace_all(sigquit, "[idle]", "[idle labels:{\"k\": \"v\"}]");
    bool ok = false;
    for (long i = 0; i < 400 && !ok; i++) {
        failing f = {i};
        strand_alloc a = {f_malloc, f_realloc, f_free, &f};
        strand_read_options o = {&a, "x", 1};
        strand_error err = {0};
        strand_snapshot *s = strand_read_mem(txt, strlen(txt), &o, &err);
        if (s) {
            ok = true;
            assert_int_equal(ngor(s), 4);
            strand_snapshot_free(s);
        } else {
            assert_int_equal(err.code, STRAND_ERR_NOMEM);
        }
    }
    assert_true(ok);
    free(txt);
}

/* ---- real captures (tests/fixtures/go119, Go 1.19.8) ----------------------------- */

/* Lines that look like traceback headers: "goroutine N [...]:" after
 * optional indentation. */
static size_t header_lines(const char *path)
{
    FILE *fp = fopen(path, "rb");
    char line[4096];
    size_t n = 0;
    assert_non_null(fp);
    while (fgets(line, sizeof line, fp)) {
        const char *p = line + strspn(line, " \t");
        size_t l = strcspn(p, "\r\n");
        if (strncmp(p, "goroutine ", 10) == 0 && p[10] >= '0' && p[10] <= '9' && l > 2 &&
            strncmp(p + l - 2, "]:", 2) == 0)
            n++;
    }
    fclose(fp);
    return n;
}

/* Every file: no diagnostic, and one goroutine per header line (a few files
 * hold exceptions, listed). */
static void test_fixtures(void **state)
{
    (void)state;
    static const struct {
        const char *file;
        long goroutines; /* -1: one per header line */
        strand_format format;
    } want[] = {
        {"ancestors.txt", -1, STRAND_FORMAT_TRACEBACK},
        {"deadlock.txt", -1, STRAND_FORMAT_TRACEBACK},
        {"goleak-verifynone.txt", -1, STRAND_FORMAT_GOLEAK},
        {"goleak-testmain.txt", -1, STRAND_FORMAT_GOLEAK},
        {"gotest-tlog-dump.txt", -1, STRAND_FORMAT_TRACEBACK},
        {"log-print.txt", 3, STRAND_FORMAT_TRACEBACK},       /* a header after the log prefix */
        {"panic-multiline.txt", 1, STRAND_FORMAT_TRACEBACK}, /* a fake header in the value */
        {"sigquit-crash.txt", -1, STRAND_FORMAT_TRACEBACK},
        {"stack-overflow.txt", -1, STRAND_FORMAT_TRACEBACK},
        {"test-timeout.txt", -1, STRAND_FORMAT_TRACEBACK},
        {"zoo.debug1.txt", 0, STRAND_FORMAT_PPROF_TEXT},
    };
    const char *dir = "tests/fixtures/go119";
    DIR *d = opendir(dir);
    if (!d)
        skip();
    struct dirent *e;
    size_t seen = 0;
    while ((e = readdir(d))) {
        size_t l = strlen(e->d_name);
        if (l < 5 || strcmp(e->d_name + l - 4, ".txt") != 0 ||
            strncmp(e->d_name, "goexit-alone", 12) == 0)
            continue;
        char path[512];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        FILE *fp = fopen(path, "rb");
        assert_non_null(fp);
        strand_error err = {0};
        strand_snapshot *s = strand_read_fd(fileno(fp), NULL, &err);
        fclose(fp);
        if (!s)
            fail_msg("%s: %s", e->d_name, err.message);
        if (ndiag(s))
            fail_msg("%s: line %u: %s", e->d_name, diag_i(s, 0)->line, diag_i(s, 0)->message);
        long expect = -1;
        for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
            if (strcmp(want[i].file, e->d_name) != 0)
                continue;
            expect = want[i].goroutines;
            assert_int_equal(strand_snapshot_format(s), want[i].format);
        }
        size_t n = expect < 0 ? header_lines(path) : (size_t)expect;
        if (ngor(s) != n)
            fail_msg("%s: %zu goroutines, want %zu", e->d_name, ngor(s), n);
        strand_snapshot_free(s);
        seen++;
    }
    closedir(d);
    if (!seen)
        skip();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_debug2),
        cmocka_unit_test(test_interning),
        cmocka_unit_test(test_headers),
        cmocka_unit_test(test_labels),
        cmocka_unit_test(test_too_many_labels),
        cmocka_unit_test(test_frame_shapes),
        cmocka_unit_test(test_cgo_frames),
        cmocka_unit_test(test_elision),
        cmocka_unit_test(test_ancestors),
        cmocka_unit_test(test_no_stack),
        cmocka_unit_test(test_panic_nested),
        cmocka_unit_test(test_panic_fake_header),
        cmocka_unit_test(test_panic_signal),
        cmocka_unit_test(test_deadlock),
        cmocka_unit_test(test_sigquit),
        cmocka_unit_test(test_runtime_stack_skipped),
        cmocka_unit_test(test_timeout),
        cmocka_unit_test(test_tlog_indent),
        cmocka_unit_test(test_indent_variants),
        cmocka_unit_test(test_log_prefix),
        cmocka_unit_test(test_tlog_prefixed_header),
        cmocka_unit_test(test_expanded_tabs),
        cmocka_unit_test(test_crlf),
        cmocka_unit_test(test_goleak_v12),
        cmocka_unit_test(test_goleak_v13),
        cmocka_unit_test(test_goleak_testmain),
        cmocka_unit_test(test_mixed_reports),
        cmocka_unit_test(test_gleak),
        cmocka_unit_test(test_pprof_handoff),
        cmocka_unit_test(test_prose),
        cmocka_unit_test(test_empty_reports),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_truncation),
        cmocka_unit_test(test_truncation_frames),
        cmocka_unit_test(test_deep_stack),
        cmocka_unit_test(test_long_line),
        cmocka_unit_test(test_pathological),
        cmocka_unit_test(test_deep_indent),
        cmocka_unit_test(test_alloc_failures),
        cmocka_unit_test(test_fixtures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
