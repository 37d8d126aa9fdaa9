/* test_read_pprof_text.c - pprof debug=1 text (lib/read_pprof_text.c), driven
 * line by line through internal.h as read_text.c drives it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define FIXTURES "tests/fixtures/go119"

/* ---- helpers ------------------------------------------------------------------- */

/* Feeds every line of `text`; returns the number of lines refused (and the
 * first refused line number in *first_refused). */
static size_t feed(st_pptext *pp, const char *text, size_t len, uint32_t *first_refused)
{
    size_t off = 0, refused = 0;
    uint32_t line = 1;
    while (off < len) {
        const char *nl = memchr(text + off, '\n', len - off);
        size_t n = nl ? (size_t)(nl - (text + off)) : len - off;
        if (!st_pptext_line(pp, text + off, n, off, line)) {
            if (!refused && first_refused)
                *first_refused = line;
            refused++;
        }
        off += n + 1;
        line++;
    }
    return refused;
}

static strand_snapshot *parse(const char *text)
{
    strand_snapshot *s = st_snapshot_new(NULL, "test");
    assert_non_null(s);
    st_pptext *pp = st_pptext_new(s);
    assert_non_null(pp);
    assert_int_equal(feed(pp, text, strlen(text), NULL), 0);
    st_pptext_finish(pp);
    st_pptext_free(pp);
    assert_false(s->oom);
    return s;
}

static const char *str(const strand_snapshot *s, strand_str id)
{
    return strand_str_get(s, id, NULL);
}

static const strand_frame *frame_at(const strand_snapshot *s, const strand_record *r, size_t i)
{
    size_t n;
    const uint32_t *fr = strand_stack_frames(s, r->stack, &n);
    assert_true(i < n);
    const strand_frame *f = strand_frame_get(s, fr[i]);
    assert_non_null(f);
    return f;
}

static const char *top_func(const strand_snapshot *s, const strand_record *r)
{
    size_t n;
    strand_stack_frames(s, r->stack, &n);
    return n ? str(s, frame_at(s, r, 0)->func) : "";
}

static void expect_kind(const strand_snapshot *s, const char *func, strand_kind want)
{
    size_t n;
    const strand_record *r = strand_snapshot_records(s, &n);
    for (size_t i = 0; i < n; i++) {
        if (strcmp(top_func(s, &r[i]), func) != 0)
            continue;
        if (r[i].kind != want)
            fail_msg("%s: kind %s, want %s", func, strand_kind_name(r[i].kind),
                     strand_kind_name(want));
        return;
    }
    fail_msg("no record at %s", func);
}

static size_t count_diags(const strand_snapshot *s, const char *msg)
{
    size_t n, k = 0;
    const strand_diagnostic *d = strand_snapshot_diagnostics(s, &n);
    for (size_t i = 0; i < n; i++)
        if (strcmp(d[i].message, msg) == 0)
            k++;
    return k;
}

/* ---- line forms --------------------------------------------------------------- */

static void test_is_start(void **state)
{
    (void)state;
    static const char *yes[] = {
        "goroutine profile: total 20",
        "goroutineleak profile: total 3",
        "goroutine profile: total 0\r",
        "   goroutine profile: total 7",
        "3 @ 0x43ae36 0x40708c",
        "\t12 @ 0x1",
        "1 @",
        "heap profile: 1: 2 [3: 4] @ heap/1048576",
        "heap profile: 3125: 278608 [65271: 10202680] @ heap/2\r",
        "936: 89856 [936: 89856] @ 0x406b0a 0x4ad90e",
        "  0: 0 [12: 384] @ 0x1",
    };
    static const char *no[] = {
        "",
        "goroutine 1 [running]:",
        "goroutine profile: total",
        "goroutine profile: total 12x",
        "goroutine profile: total -1",
        "heap profile: 1: 2 [3: 4]",
        "heap profile: 1: 2 [3: 4] @ heap/",
        "heap profile: 1: 2 [3 4] @ heap/2",
        "1: 2 [3: 4] @",
        "1: 2 [3: 4] @ foo",
        "1: 2 [3: 4]",
        "1: 2 @ 0x1",
        " profile: total 3",
        "3 @ foo",
        "3 @0x1",
        "3 apples",
        "@ 0x1",
        "#\t0x1\tmain.f+0x1\t/a.go:1",
        "# labels: {}",
    };
    for (size_t i = 0; i < sizeof yes / sizeof *yes; i++)
        if (!st_pptext_is_start(yes[i], strlen(yes[i])))
            fail_msg("not a start: \"%s\"", yes[i]);
    for (size_t i = 0; i < sizeof no / sizeof *no; i++)
        if (st_pptext_is_start(no[i], strlen(no[i])))
            fail_msg("taken as a start: \"%s\"", no[i]);
}

static const char basic[] =
    "goroutine profile: total 6\n"
    "3 @ 0x43ae36 0x40708c 0x406c3d 0x6629c8 0x467d41\n"
    "#\t0x6629c7\tmain.sendBlock+0x27\t/home/dev/zoo/main.go:18\n"
    "\n"
    "2 @ 0x43ae36 0x433957 0x4626e9 0x4ab3b2 0x4aca54 0x4aca41 0x467d41\n"
    "# labels: {\"a b\":\"x\\\"y\", \"line\":\"1\\n2\", \"u\":\"\\u00e9\\x41\\U0001F600\\t\", "
    "\"z\":\"\"}\n"
    "#\t0x4626e8\tinternal/poll.runtime_pollWait+0x88\t\t$GOROOT/src/runtime/netpoll.go:305\n"
    "#\t0x4ab3b1\tinternal/poll.(*pollDesc).wait+0x31\t\t$GOROOT/src/internal/poll/"
    "fd_poll_runtime.go:84\n"
    "#\t0x4aca53\tinternal/poll.(*pollDesc).waitRead+0x233\t$GOROOT/src/internal/poll/"
    "fd_poll_runtime.go:89\n"
    "#\t0x4aca40\tinternal/poll.(*FD).Accept+0x220\t\tC:/go/src/internal/poll/fd_unix.go:614\n"
    "\n"
    "1 @ 0x43ae36 0x4b655d 0x467d41\r\n"
    "#\t0x4b655c\r\n"
    "\n";

static void test_basic(void **state)
{
    (void)state;
    strand_snapshot *s = parse(basic);
    assert_int_equal(strand_snapshot_format(s), STRAND_FORMAT_PPROF_TEXT);
    assert_string_equal(str(s, strand_snapshot_profile_type(s)), "goroutine");
    assert_int_equal(strand_snapshot_total(s), 6);
    size_t n, nd;
    const strand_record *r = strand_snapshot_records(s, &n);
    strand_snapshot_diagnostics(s, &nd);
    assert_int_equal(nd, 0);
    assert_int_equal(n, 3);
    assert_int_equal(r[0].count, 3);
    assert_int_equal(r[0].line, 2);
    assert_int_equal(r[0].labels, STRAND_NONE);
    assert_int_equal(r[0].flags, 0);
    const strand_frame *f = frame_at(s, &r[0], 0);
    assert_string_equal(str(s, f->func), "main.sendBlock");
    assert_string_equal(str(s, f->file), "/home/dev/zoo/main.go");
    assert_int_equal(f->line, 18);
    assert_int_equal(f->flags, 0);

    assert_int_equal(r[1].count, 2);
    assert_int_equal(r[1].line, 5);
    size_t nf;
    strand_stack_frames(s, r[1].stack, &nf);
    assert_int_equal(nf, 4);
    f = frame_at(s, &r[1], 3);
    assert_string_equal(str(s, f->func), "internal/poll.(*FD).Accept");
    assert_string_equal(str(s, f->file), "C:/go/src/internal/poll/fd_unix.go");
    assert_int_equal(f->line, 614);
    assert_int_equal(r[1].kind, STRAND_KIND_IO);

    size_t nl;
    const strand_label *l = strand_labels_get(s, r[1].labels, &nl);
    assert_int_equal(nl, 4);
    assert_string_equal(str(s, l[0].key), "a b");
    assert_string_equal(str(s, l[0].value), "x\"y");
    assert_string_equal(str(s, l[1].key), "line");
    assert_string_equal(str(s, l[1].value), "1\n2");
    assert_string_equal(str(s, l[2].key), "u");
    assert_string_equal(str(s, l[2].value), "\xc3\xa9"
                                            "A\xf0\x9f\x98\x80\t");
    assert_string_equal(str(s, l[3].key), "z");
    assert_int_equal(l[3].value, 0);

    /* an unsymbolized PC keeps its hex text as the function */
    f = frame_at(s, &r[2], 0);
    assert_string_equal(str(s, f->func), "0x4b655c");
    assert_int_equal(f->file, 0);
    assert_int_equal(f->line, 0);
    strand_snapshot_free(s);
}

static void test_leak_profile_and_indent(void **state)
{
    (void)state;
    strand_snapshot *s = parse("    goroutineleak profile: total 2\n"
                               "    2 @ 0x43ae36 0x40708c 0x406c3d 0x6629c8 0x467d41\n"
                               "    # labels: {}\n"
                               "    #\t0x6629c7\tmain.sendBlock+0x27\t/src/main.go:18\n");
    assert_string_equal(str(s, strand_snapshot_profile_type(s)), "goroutineleak");
    size_t n;
    const strand_record *r = strand_snapshot_records(s, &n);
    assert_int_equal(n, 1);
    assert_int_equal(r[0].flags, STRAND_G_LEAKED);
    assert_int_equal(r[0].labels, STRAND_NONE);
    assert_int_equal(r[0].count, 2);
    strand_snapshot_free(s);
}

static void test_ends_at_other_text(void **state)
{
    (void)state;
    static const char text[] = "goroutine profile: total 1\n"
                               "1 @ 0x1 0x2\n"
                               "#\t0x0\tmain.f+0x0\t/a.go:1\n"
                               "goroutine 1 [running]:\n"
                               "main.main()\n"
                               "# a comment\n";
    strand_snapshot *s = st_snapshot_new(NULL, NULL);
    st_pptext *pp = st_pptext_new(s);
    uint32_t first = 0;
    assert_int_equal(feed(pp, text, sizeof text - 1, &first), 3);
    assert_int_equal(first, 4);
    /* the refusing line flushed the pending record */
    assert_int_equal(s->records.len, 1);
    st_pptext_finish(pp);
    st_pptext_free(pp);
    assert_int_equal(s->records.len, 1);
    strand_snapshot_free(s);
}

static void test_headerless_and_no_trailing_blank(void **state)
{
    (void)state;
    strand_snapshot *s = parse("5 @ 0x43ae36 0x4b655d 0x467d41\n"
                               "#\t0x4b655c\tmain.f+0x1\t/a.go:3");
    size_t n;
    const strand_record *r = strand_snapshot_records(s, &n);
    assert_int_equal(n, 1);
    assert_int_equal(r[0].count, 5);
    assert_false(s->has_total_line);
    assert_int_equal(strand_snapshot_total(s), 5);
    assert_int_equal(strand_snapshot_profile_type(s), 0);
    assert_int_equal(strand_snapshot_format(s), STRAND_FORMAT_PPROF_TEXT);
    strand_snapshot_free(s);
}

static void test_empty_profile(void **state)
{
    (void)state;
    strand_snapshot *s = parse("goroutine profile: total 0\n");
    assert_int_equal(strand_snapshot_format(s), STRAND_FORMAT_PPROF_TEXT);
    assert_int_equal(s->records.len, 0);
    assert_true(s->has_total_line);
    assert_int_equal(strand_snapshot_total(s), 0);
    strand_snapshot_free(s);
}

static void test_format_left_alone(void **state)
{
    (void)state;
    strand_snapshot *s = st_snapshot_new(NULL, NULL);
    s->format = STRAND_FORMAT_TRACEBACK;
    st_pptext *pp = st_pptext_new(s);
    const char *text = "1 @ 0x1\n#\t0x0\tmain.f+0x0\t/a.go:1\n";
    feed(pp, text, strlen(text), NULL);
    st_pptext_finish(pp);
    st_pptext_free(pp);
    assert_int_equal(s->format, STRAND_FORMAT_TRACEBACK);
    strand_snapshot_free(s);
}

/* ---- malformed input ------------------------------------------------------------ */

static const char malformed[] = "goroutine profile: total 10\n"    /* 1 */
                                "1 @ 0x1 0xZZ\n"                   /* 2: bad PC */
                                "#\t0x1\tmain.f+0x1\t/a.go:1\n"    /* 3 */
                                "\n"                               /* 4 */
                                "99999999999999999999 @ 0x1\n"     /* 5: count overflow */
                                "#\t0x1\tmain.f+0x1\t/a.go:1\n"    /* 6 */
                                "\n"                               /* 7 */
                                "2 @ 0x10 0x20\n"                  /* 8 */
                                "#\t0x10\tmain.g+0x1\t\t/a.go:2\n" /* 9 */
                                "#\tzzz\tmain.h\t/a.go:3\n"        /* 10: bad frame PC */
                                "\n"                               /* 11 */
                                "1 @ 0x10 0x20\n"                  /* 12 */
                                "#\t0x10\tmain.g+0x1\t/a.go\n"     /* 13: no :LINE */
                                "\n"                               /* 14 */
                                "1 @ 0x10 0x20\n"                  /* 15 */
                                "#garbage\n"                       /* 16 */
                                "\n"                               /* 17 */
                                "1 @ 0x10 0x20\n"                  /* 18 */
                                "#\t0x10\tmain.g+0x1\n"            /* 19: two fields */
                                "\n"                               /* 20 */
                                "3 @ 0x10 0x20\n"                  /* 21: kept */
                                "# labels: {\"a\":\"b\"\n"         /* 22: bad labels */
                                "#\t0x10\tmain.k+0x1\t/a.go:9\n"   /* 23 */
                                "\n"                               /* 24 */
                                "#\t0x10\tmain.x+0x1\t/a.go:1\n"   /* 25: stray */
                                "# labels: {\"a\":\"b\"}\n"        /* 26: stray */
                                "1 @ 0x10 0x20 junk\n"             /* 27: bad PC */
                                "1 @ 0x10 0x12345678901234567\n";  /* 28: PC too long */

static void test_malformed(void **state)
{
    (void)state;
    strand_snapshot *s = parse(malformed);
    size_t n, nd;
    const strand_record *r = strand_snapshot_records(s, &n);
    const strand_diagnostic *d = strand_snapshot_diagnostics(s, &nd);
    assert_int_equal(n, 1);
    assert_int_equal(r[0].count, 3);
    assert_int_equal(r[0].line, 21);
    assert_int_equal(r[0].labels, STRAND_NONE);
    assert_string_equal(top_func(s, &r[0]), "main.k");
    assert_int_equal(strand_snapshot_skipped(s), 8);
    static const uint32_t lines[] = {2, 5, 10, 13, 16, 19, 22, 25, 26, 27, 28};
    assert_int_equal(nd, sizeof lines / sizeof *lines);
    for (size_t i = 0; i < nd; i++) {
        assert_int_equal(d[i].line, lines[i]);
        assert_int_equal(d[i].code, STRAND_ERR_FORMAT);
        assert_non_null(d[i].message);
    }
    assert_int_equal(d[0].offset, 28);
    assert_string_equal(d[0].message, "record PC is not a hex number");
    assert_string_equal(d[1].message, "record count out of range");
    assert_string_equal(d[3].message, "frame line without FILE:LINE");
    assert_int_equal(strand_snapshot_total(s), 10);
    strand_snapshot_free(s);
}

static void test_bad_labels_forms(void **state)
{
    (void)state;
    static const char *bad[] = {
        "{\"a\":\"b\" \"c\":\"d\"}", "{\"a\"\"b\"}",   "{\"a\":b}",         "{\"a\":\"\\q\"}",
        "{\"a\":\"\\x4\"}",          "{\"a\":\"b\",}", "\"a\":\"b\"",       "{",
        "{\"a\":\"b\"} trailing",    "{\"a\":\"b",     "{\"a\":\"\\u12\"}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        char text[256];
        snprintf(text, sizeof text, "1 @ 0x1 0x2\n# labels: %s\n#\t0x1\tmain.f+0x1\t/a.go:1\n",
                 bad[i]);
        strand_snapshot *s = parse(text);
        size_t n;
        const strand_record *r = strand_snapshot_records(s, &n);
        assert_int_equal(n, 1);
        if (r[0].labels != STRAND_NONE ||
            count_diags(s, "malformed labels line; labels dropped") != 1)
            fail_msg("labels accepted: %s", bad[i]);
        strand_snapshot_free(s);
    }
    strand_snapshot *s =
        parse("1 @ 0x1\n# labels: {\"o\":\"\\101\\x42\"}\n#\t0x1\tmain.f+0x1\t/a.go:1\n"
              "# labels: {\"a\":\"b\"}\n");
    size_t nl;
    const strand_label *l = strand_labels_get(
        s, s->records.len ? ((strand_record *)s->records.data)->labels : STRAND_NONE, &nl);
    assert_int_equal(nl, 1);
    assert_string_equal(str(s, l[0].value), "AB");
    assert_int_equal(count_diags(s, "labels line out of place; ignored"), 1); /* after frames */
    strand_snapshot_free(s);
}

static void test_total_checks(void **state)
{
    (void)state;
    strand_snapshot *s =
        parse("goroutine profile: total 1\n2 @ 0x1 0x2\n#\t0x1\tmain.f+0x1\t/a.go:1\n");
    assert_int_equal(count_diags(s, "record counts add up to more than the profile's total"), 1);
    assert_int_equal(strand_snapshot_total(s), 1);
    strand_snapshot_free(s);
    s = parse("goroutineleak profile: total 5\n2 @ 0x1 0x2\n#\t0x1\tmain.f+0x1\t/a.go:1\n");
    assert_int_equal(s->diags.len, 0);
    assert_int_equal(strand_snapshot_total(s), 5);
    strand_snapshot_free(s);
}

static void test_caps(void **state)
{
    (void)state;
    size_t nframes = STRAND_MAX_FRAMES + 100, nlabels = STRAND_MAX_LABELS + 6;
    size_t cap = 64 + nframes * 40 + nlabels * 16;
    char *text = malloc(cap);
    assert_non_null(text);
    size_t len = (size_t)sprintf(text, "1 @ 0x1\n# labels: {");
    for (size_t i = 0; i < nlabels; i++)
        len += (size_t)sprintf(text + len, "%s\"k%03zu\":\"v\"", i ? ", " : "", i);
    len += (size_t)sprintf(text + len, "}\n");
    for (size_t i = 0; i < nframes; i++)
        len += (size_t)sprintf(text + len, "#\t0x1\tmain.f%zu+0x1\t/a.go:%zu\n", i, i + 1);
    strand_snapshot *s = parse(text);
    free(text);
    const strand_record *r = s->records.data;
    size_t nf, nl;
    strand_stack_frames(s, r->stack, &nf);
    strand_labels_get(s, r->labels, &nl);
    assert_int_equal(nf, STRAND_MAX_FRAMES);
    assert_int_equal(nl, STRAND_MAX_LABELS);
    assert_int_equal(count_diags(s, "too many frames; stack cut"), 1);
    assert_int_equal(count_diags(s, "too many labels; the rest dropped"), 1);
    strand_snapshot_free(s);
}

/* ---- kinds from hidden PCs --------------------------------------------------------- */

/* The layout of a real Go 1.19 binary (tests/go/zoo): gopark 0x43ae36;
 * chansend1 0x406c3d < chansend nil 0x406d56 < chansend 0x40708c < chanrecv1
 * 0x407998 < chanrecv2 0x4079d8 < chanrecv nil 0x407bb0 < chanrecv 0x407e9b;
 * block 0x449c2c < selectgo 0x44a3fc; goexit 0x467d41. */
static const char zoo_like[] =
    "goroutine profile: total 20\n"
    "3 @ 0x43ae36 0x406d56 0x406c3d 0x6630c5 0x467d41\n"
    "#\t0x6630c4\tmain.nilSend+0x24\t/src/chans.go:64\n\n"
    "3 @ 0x43ae36 0x40708c 0x406c3d 0x662ee5 0x467d41\n"
    "#\t0x662ee4\tmain.send+0x24\t/src/chans.go:26\n\n"
    "3 @ 0x43ae36 0x407bb0 0x407998 0x6630fd 0x467d41\n"
    "#\t0x6630fc\tmain.nilRecv+0x1c\t/src/chans.go:72\n\n"
    "3 @ 0x43ae36 0x407e9b 0x407998 0x662f3b 0x467d41\n"
    "#\t0x662f3a\tmain.recv+0x1a\t/src/chans.go:33\n\n"
    "1 @ 0x43ae36 0x407e9b 0x4079d8 0x662fa8 0x467d41\n"
    "#\t0x662fa7\tmain.rangeRecv+0x47\t/src/chans.go:41\n\n"
    "1 @ 0x43ae36 0x449c2c 0x663137 0x467d41\n"
    "#\t0x663136\tmain.selectNoCases+0x16\t/src/chans.go:79\n\n"
    "1 @ 0x43ae36 0x44a3fc 0x663046 0x467d41\n"
    "#\t0x663045\tmain.selectBlocked+0x65\t/src/chans.go:51\n\n"
    "1 @ 0x43ae36 0x464bb5 0x664559 0x467d41\n"
    "#\t0x464bb4\ttime.Sleep+0x134\t/go/src/runtime/time.go:195\n"
    "#\t0x664558\tmain.sleep+0x18\t/src/misc.go:32\n\n"
    "1 @ 0x43955f 0x46937b 0x6646af 0x467d41\n"
    "#\t0x6646ae\tmain.busyLoop+0xe\t/src/misc.go:64\n\n"
    "1 @ 0x6646af 0x467d41\n"
    "#\t0x6646ae\tmain.atPrologue+0xe\t/src/misc.go:66\n\n"
    "1 @ 0x430436 0x462245 0x664151 0x43aa72 0x467d41\n"
    "#\t0x462244\truntime/pprof.runtime_goroutineProfileWithLabels+0x24\t/go/src/runtime/"
    "mprof.go:846\n"
    "#\t0x664150\tmain.main+0x70\t/src/main.go:87\n"
    "#\t0x43aa71\truntime.main+0x211\t/go/src/runtime/proc.go:250\n\n"
    "1 @ 0x43ae36 0x407e9b 0x407998 0x664f93 0x664faa 0x664faa\n"
    "#\t0x664f92\tmain.recurse+0x32\t/src/shapes.go:86\n"
    "#\t0x664fa9\tmain.recurse+0x49\t/src/shapes.go:88\n"
    "#\t0x664fa9\tmain.recurse+0x49\t/src/shapes.go:88\n\n";

static void test_kinds_zoo_layout(void **state)
{
    (void)state;
    strand_snapshot *s = parse(zoo_like);
    expect_kind(s, "main.nilSend", STRAND_KIND_NIL_CHAN);
    expect_kind(s, "main.send", STRAND_KIND_CHAN_SEND);
    expect_kind(s, "main.nilRecv", STRAND_KIND_NIL_CHAN);
    expect_kind(s, "main.recv", STRAND_KIND_CHAN_RECEIVE);
    expect_kind(s, "main.rangeRecv", STRAND_KIND_CHAN_RECEIVE);
    expect_kind(s, "main.selectNoCases", STRAND_KIND_SELECT_NO_CASES);
    expect_kind(s, "main.selectBlocked", STRAND_KIND_SELECT);
    expect_kind(s, "time.Sleep", STRAND_KIND_SLEEP);
    expect_kind(s, "main.busyLoop", STRAND_KIND_RUNNABLE);
    expect_kind(s, "main.atPrologue", STRAND_KIND_RUNNABLE);
    expect_kind(s, "runtime/pprof.runtime_goroutineProfileWithLabels", STRAND_KIND_RUNNING);
    expect_kind(s, "main.recurse", STRAND_KIND_CHAN_RECEIVE); /* 32-PC cut: no goexit */
    assert_int_equal(s->diags.len, 0);
    strand_snapshot_free(s);
}

/* Only sends: the direction cannot be told from one call site. */
static void test_kinds_one_direction(void **state)
{
    (void)state;
    strand_snapshot *s = parse("goroutine profile: total 4\n"
                               "3 @ 0x43ae36 0x40708c 0x406c3d 0x662ee5 0x467d41\n"
                               "#\t0x662ee4\tmain.send+0x24\t/src/chans.go:26\n\n"
                               "1 @ 0x43ae36 0x40708c 0x406c3d 0x662fe5 0x467d41\n"
                               "#\t0x662fe4\tmain.send2+0x24\t/src/chans.go:29\n\n");
    expect_kind(s, "main.send", STRAND_KIND_CHAN);
    expect_kind(s, "main.send2", STRAND_KIND_CHAN);
    strand_snapshot_free(s);
    /* receives through chanrecv1 and chanrecv2: two callers of one op */
    s = parse("3 @ 0x43ae36 0x407e9b 0x407998 0x662f3b 0x467d41\n"
              "#\t0x662f3a\tmain.recv+0x1a\t/src/chans.go:33\n\n"
              "1 @ 0x43ae36 0x407e9b 0x4079d8 0x662fa8 0x467d41\n"
              "#\t0x662fa7\tmain.rangeRecv+0x47\t/src/chans.go:41\n\n");
    expect_kind(s, "main.recv", STRAND_KIND_CHAN_RECEIVE);
    expect_kind(s, "main.rangeRecv", STRAND_KIND_CHAN_RECEIVE);
    strand_snapshot_free(s);
    /* nil and non-nil sends only: the lower op PC is the nil channel */
    s = parse("3 @ 0x43ae36 0x406d56 0x406c3d 0x6630c5 0x467d41\n"
              "#\t0x6630c4\tmain.nilSend+0x24\t/src/chans.go:64\n\n"
              "3 @ 0x43ae36 0x40708c 0x406c3d 0x662ee5 0x467d41\n"
              "#\t0x662ee4\tmain.send+0x24\t/src/chans.go:26\n\n");
    expect_kind(s, "main.nilSend", STRAND_KIND_NIL_CHAN);
    expect_kind(s, "main.send", STRAND_KIND_CHAN);
    strand_snapshot_free(s);
}

/* No record names its wait: gopark is found just after runtime.main. */
static void test_kinds_gopark_from_runtime_main(void **state)
{
    (void)state;
    static const char prof_frames[] =
        "1 @ 0x42dbf6 0x45f705 0x4bbb98 0x437c92 0x464021\n"
        "#\t0x45f704\truntime/pprof.runtime_goroutineProfileWithLabels+0x24\t/go/mprof.go:846\n"
        "#\t0x4bbb97\tmain.main+0x117\t/src/main.go:60\n"
        "#\t0x437c91\truntime.main+0x211\t/go/proc.go:250\n\n";
    char text[2048];
    snprintf(text, sizeof text,
             "goroutine profile: total 3\n%s"
             "1 @ 0x438056 0x4053cc 0x404f7d 0x4b655d 0x464021\n"
             "#\t0x4b655c\tmain.send+0x3c\t/src/a.go:42\n\n"
             "1 @ 0x438056 0x446fbc 0x4b6079 0x464021\n"
             "#\t0x4b6078\tmain.sel+0x58\t/src/a.go:23\n\n",
             prof_frames);
    strand_snapshot *s = parse(text);
    expect_kind(s, "main.send", STRAND_KIND_CHAN);
    expect_kind(s, "main.sel", STRAND_KIND_SELECT);
    expect_kind(s, "runtime/pprof.runtime_goroutineProfileWithLabels", STRAND_KIND_RUNNING);
    strand_snapshot_free(s);
    /* a first PC before runtime.main is not gopark: asyncPreempt */
    snprintf(text, sizeof text,
             "goroutine profile: total 2\n%s"
             "1 @ 0x43677f 0x46565b 0x4a0ad4 0x4bb975 0x464021\n"
             "#\t0x4a0ad3\tcontext.(*cancelCtx).Done+0x73\t/go/context.go:359\n"
             "#\t0x4bb974\tmain.busyLoop+0x34\t/src/main.go:28\n\n",
             prof_frames);
    s = parse(text);
    expect_kind(s, "context.(*cancelCtx).Done", STRAND_KIND_RUNNABLE);
    strand_snapshot_free(s);
    /* nothing to go by: hidden PCs alone */
    s = parse("1 @ 0x1000 0x2000 0x1500 0x9000 0xf000\n#\t0x8fff\tmain.c+0x1\t/a.go:1\n\n"
              "1 @ 0x1000 0x3000 0x9100 0xf000\n#\t0x90ff\tmain.s+0x1\t/a.go:2\n\n"
              "1 @ 0x1000 0x9200 0xf000\n#\t0x91ff\tmain.u+0x1\t/a.go:3\n\n");
    expect_kind(s, "main.c", STRAND_KIND_CHAN);
    expect_kind(s, "main.s", STRAND_KIND_SELECT);
    expect_kind(s, "main.u", STRAND_KIND_UNKNOWN);
    strand_snapshot_free(s);
}

/* From tests/healthy (Go 1.19): an allocation parked until a GC starts has
 * seven hidden PCs (mallocgc ... semacquire, gopark); read as a channel op
 * its PCs made the range receive next to it a send. */
static void test_kinds_gc_wait_is_not_a_chan_op(void **state)
{
    (void)state;
    strand_snapshot *s = parse("goroutine profile: total 5\n"
                               "4 @ 0x43b0f6 0x407e9b 0x4079d8 0x67328c 0x468b01\n"
                               "#\t0x67328b\tmain.(*dbPool).worker+0xcb\t/src/dbpool.go:49\n\n"
                               "1 @ 0x43b0f6 0x44b79e 0x44b775 0x41b8ea 0x41b8d9 0x41f67c 0x40e13f "
                               "0x40c387 0x673677 0x6733ac 0x468b01\n"
                               "#\t0x673676\tmain.(*dbPool).exec+0x196\t/src/dbpool.go:65\n"
                               "#\t0x6733ab\tmain.(*dbPool).worker+0x1eb\t/src/dbpool.go:54\n\n");
    expect_kind(s, "main.(*dbPool).worker", STRAND_KIND_CHAN); /* one direction: untold */
    expect_kind(s, "main.(*dbPool).exec", STRAND_KIND_UNKNOWN);
    strand_snapshot_free(s);
}

/* Two profiles in one input: totals add up, kinds are found per profile. */
static void test_two_profiles(void **state)
{
    (void)state;
    char text[4096];
    snprintf(text, sizeof text,
             "%s\ngoroutine profile: total 2\n"
             "2 @ 0x1000 0x2000 0x1500 0x9000 0xf000\n#\t0x8fff\tmain.c+0x1\t/a.go:1\n",
             zoo_like);
    strand_snapshot *s = parse(text);
    assert_int_equal(strand_snapshot_total(s), 22);
    expect_kind(s, "main.send", STRAND_KIND_CHAN_SEND);
    expect_kind(s, "main.c", STRAND_KIND_CHAN);
    strand_snapshot_free(s);
}

/* ---- heap profiles (writeHeapInternal, debug=1) ----------------------------------- */

/* From a real Go 1.19 capture (MemProfileRate=1), cut down: the two-record
 * time.After site, an all-runtime stack, a freed site, then MemStats. */
static const char heap_text[] =
    "heap profile: 1877: 170000 [2000: 180000] @ heap/2\n"                          /* 1 */
    "936: 89856 [936: 89856] @ 0x406b0a 0x4ad90e 0x66dfc5 0x66dfe9 0x66ce2c 0x4680a1\n" /* 2 */
    "#\t0x4ad90d\ttime.NewTimer+0x2d\t/usr/lib/go-1.19/src/time/sleep.go:87\n"
    "#\t0x66dfc4\ttime.After+0x44\t\t/usr/lib/go-1.19/src/time/sleep.go:157\n"
    "#\t0x66dfe8\tmain.pollOnce+0x68\t/src/poll.go:47\n"
    "#\t0x66ce2b\tmain.poller+0x8b\t/src/main.go:28\n"
    "\n"                                                                              /* 7 */
    "936: 74880 [936: 74880] @ 0x4ad92e 0x66dfc5 0x66dfe9 0x66ce2c 0x4680a1\n"         /* 8 */
    "#\t0x4ad92d\ttime.NewTimer+0x4d\t/usr/lib/go-1.19/src/time/sleep.go:88\n"
    "#\t0x66dfc4\ttime.After+0x44\t\t/usr/lib/go-1.19/src/time/sleep.go:157\n"
    "#\t0x66dfe8\tmain.pollOnce+0x68\t/src/poll.go:47\n"
    "#\t0x66ce2b\tmain.poller+0x8b\t/src/main.go:28\n"
    "\n"                                                                              /* 13 */
    "5: 2048 [59: 24544] @ 0x4431e8 0x44349e 0x4433c5 0x465ee9\n"                      /* 14 */
    "#\t0x4431e7\truntime.malg+0x27\t\t/usr/lib/go-1.19/src/runtime/proc.go:4076\n"
    "#\t0x44349d\truntime.newproc1+0x7d\t\t/usr/lib/go-1.19/src/runtime/proc.go:4123\n"
    "#\t0x4433c4\truntime.newproc.func1+0x24\t/usr/lib/go-1.19/src/runtime/proc.go:4098\n"
    "#\t0x465ee8\truntime.systemstack+0x48\t/usr/lib/go-1.19/src/runtime/asm_amd64.s:492\n"
    "\n"                                                                              /* 19 */
    "0: 0 [69: 11000] @ 0x4bfab6 0x66d8ea 0x43acf2 0x4680a1\n"                         /* 20 */
    "#\t0x4bfab5\tos.newFile+0x75\t\t/usr/lib/go-1.19/src/os/file_unix.go:127\n"
    "#\t0x66d8e9\tmain.main+0x229\t\t/src/main.go:115\n"
    "#\t0x43acf1\truntime.main+0x211\t/usr/lib/go-1.19/src/runtime/proc.go:250\n"
    "\n"                                                                              /* 24 */
    "\n"
    "# runtime.MemStats\n"                                                            /* 26 */
    "# Alloc = 377816\n"
    "# TotalAlloc = 10315360\n"
    "# Stack = 458752 / 458752\n"
    "# PauseNs = [135977 13615 0 0]\n"
    "# NumGC = 11\n"
    "# DebugGC = false\n"
    "# MaxRSS = 12087296\n";

static void test_heap_profile(void **state)
{
    (void)state;
    strand_snapshot *s = parse(heap_text); /* every line taken, MemStats too */
    assert_int_equal(strand_snapshot_format(s), STRAND_FORMAT_PPROF_TEXT);
    assert_string_equal(str(s, strand_snapshot_profile_type(s)), "heap");
    assert_true(s->has_total_line);
    assert_int_equal(strand_snapshot_total(s), 1877); /* in-use objects */
    assert_int_equal(s->diags.len, 0);
    assert_int_equal(strand_snapshot_skipped(s), 0);
    size_t n;
    const strand_record *r = strand_snapshot_records(s, &n);
    assert_int_equal(n, 4);
    static const int64_t counts[] = {936, 936, 5, 0};
    static const uint32_t lines[] = {2, 8, 14, 20};
    static const size_t nframes[] = {4, 4, 4, 3};
    for (size_t i = 0; i < n; i++) {
        size_t nf;
        strand_stack_frames(s, r[i].stack, &nf);
        assert_int_equal(r[i].count, counts[i]);
        assert_int_equal(r[i].line, lines[i]);
        assert_int_equal(nf, nframes[i]);
        assert_int_equal(r[i].flags, 0);
        assert_int_equal(r[i].labels, STRAND_NONE);
    }
    const strand_frame *f = frame_at(s, &r[0], 0);
    assert_string_equal(str(s, f->func), "time.NewTimer");
    assert_string_equal(str(s, f->file), "/usr/lib/go-1.19/src/time/sleep.go");
    assert_int_equal(f->line, 87);
    f = frame_at(s, &r[1], 2);
    assert_string_equal(str(s, f->func), "main.pollOnce");
    assert_string_equal(str(s, f->file), "/src/poll.go");
    assert_int_equal(f->line, 47);
    assert_int_not_equal(r[0].stack, r[1].stack); /* NewTimer lines 87 and 88 */
    /* nothing is parked: the kind comes from the frames, as in a protobuf sample */
    assert_int_equal(r[0].kind, STRAND_KIND_RUNNABLE);
    assert_int_equal(r[2].kind, STRAND_KIND_RUNTIME);
    strand_snapshot_free(s);
}

/* The analysis of a heap text profile names the time.After timers, as it
 * does for the protobuf heap profile. */
static void test_heap_analysis(void **state)
{
    (void)state;
    strand_snapshot *s = parse(heap_text);
    strand_error err;
    const strand_snapshot *snaps[1] = {s};
    strand_report *rep = strand_analyze(snaps, 1, NULL, &err);
    assert_non_null(rep);
    size_t n;
    const strand_finding *fd = strand_report_findings(rep, &n);
    size_t timers = 0;
    for (size_t i = 0; i < n; i++) {
        if (fd[i].verdict == STRAND_VERDICT_OK)
            continue;
        assert_string_equal(fd[i].cls->id, "timer-time-after");
        assert_int_equal(fd[i].verdict, STRAND_VERDICT_LEAK);
        assert_string_equal(fd[i].site.function, "main.pollOnce");
        assert_string_equal(fd[i].site.file, "/src/poll.go");
        assert_int_equal(fd[i].site.line, 47);
        assert_int_equal(fd[i].group_members, 2);
        timers++;
    }
    assert_int_equal(timers, 1);
    strand_report_free(rep);
    strand_snapshot_free(s);
}

/* After the MemStats block the profile is over: other text is refused. */
static void test_heap_memstats_ends(void **state)
{
    (void)state;
    static const char text[] = "heap profile: 1: 8 [1: 8] @ heap/1048576\n" /* 1 */
                               "1: 8 [1: 8] @ 0x1 0x2\n"                    /* 2 */
                               "#\t0x1\tmain.f+0x1\t/a.go:1\n"              /* 3 */
                               "\n"                                         /* 4 */
                               "# runtime.MemStats\n"                       /* 5 */
                               "# Alloc = 1\n"                              /* 6 */
                               "#\n"                                        /* 7 */
                               "goroutine 1 [running]:\n"                   /* 8 */
                               "# Alloc = 2\n";                             /* 9 */
    strand_snapshot *s = st_snapshot_new(NULL, NULL);
    st_pptext *pp = st_pptext_new(s);
    uint32_t first = 0;
    assert_int_equal(feed(pp, text, sizeof text - 1, &first), 2);
    assert_int_equal(first, 8);
    st_pptext_finish(pp);
    st_pptext_free(pp);
    assert_int_equal(s->records.len, 1);
    assert_int_equal(s->diags.len, 0);
    strand_snapshot_free(s);
    /* "# runtime.MemStats" means nothing in a goroutine profile */
    s = st_snapshot_new(NULL, NULL);
    pp = st_pptext_new(s);
    assert_int_equal(feed(pp, "goroutine profile: total 1\n\n# runtime.MemStats\n", 47, &first), 1);
    assert_int_equal(first, 3);
    st_pptext_finish(pp);
    st_pptext_free(pp);
    strand_snapshot_free(s);
}

static const char heap_malformed[] =
    "heap profile: 9: 90 [9: 90] @ heap/2\n"               /* 1 */
    "1: 8 [1: 8 @ 0x1 0x2\n"                               /* 2: no ']' */
    "#\t0x1\tmain.a+0x1\t/a.go:1\n"                        /* 3: skipped with it */
    "\n"                                                   /* 4 */
    "1: 8 [1: 8] @ 0x1 0xZZ\n"                             /* 5: bad PC */
    "#\t0x1\tmain.b+0x1\t/a.go:2\n"                        /* 6 */
    "\n"                                                   /* 7 */
    "99999999999999999999: 8 [1: 8] @ 0x1\n"               /* 8: count out of range */
    "\n"                                                   /* 9 */
    "2: 16 [2: 16] @ 0x1 0x2\n"                            /* 10 */
    "#\t0x1\tmain.c+0x1\n"                                 /* 11: no FILE:LINE */
    "\n"                                                   /* 12 */
    "3: 24 [3: 24] @ 0x1 0x2\n"                            /* 13: kept */
    "#\t0x1\tmain.d+0x1\t/a.go:4\n"                        /* 14 */
    "\n"                                                   /* 15 */
    "#\t0x1\tmain.e+0x1\t/a.go:5\n"                        /* 16: stray frame */
    "1: x [1: 8] @ 0x1\n"                                  /* 17: not a number */
    "#\t0x1\tmain.f+0x1\t/a.go:6\n"                        /* 18 */
    "\n"                                                   /* 19 */
    "# runtime.MemStats\n"                                 /* 20 */
    "# Alloc = 1\n";                                       /* 21 */

static void test_heap_malformed(void **state)
{
    (void)state;
    strand_snapshot *s = parse(heap_malformed);
    size_t n, nd;
    const strand_record *r = strand_snapshot_records(s, &n);
    const strand_diagnostic *d = strand_snapshot_diagnostics(s, &nd);
    assert_int_equal(n, 1);
    assert_int_equal(r[0].count, 3);
    assert_int_equal(r[0].line, 13);
    assert_string_equal(top_func(s, &r[0]), "main.d");
    assert_int_equal(strand_snapshot_skipped(s), 5);
    static const struct {
        uint32_t line;
        const char *msg;
    } want[] = {
        {2, "malformed heap profile record"},  {5, "record PC is not a hex number"},
        {8, "malformed heap profile record"},  {11, "malformed frame line"},
        {16, "frame line outside a record"},   {17, "malformed heap profile record"},
    };
    assert_int_equal(nd, sizeof want / sizeof *want);
    for (size_t i = 0; i < nd; i++) {
        assert_int_equal(d[i].line, want[i].line);
        assert_int_equal(d[i].code, STRAND_ERR_FORMAT);
        assert_string_equal(d[i].message, want[i].msg);
    }
    assert_int_equal(d[0].offset, 37);
    assert_int_equal(strand_snapshot_total(s), 9);
    strand_snapshot_free(s);
    /* in-use counts over the header's total */
    s = parse("heap profile: 1: 8 [1: 8] @ heap/2\n"
              "2: 16 [2: 16] @ 0x1\n#\t0x1\tmain.f+0x1\t/a.go:1\n");
    assert_int_equal(count_diags(s, "record counts add up to more than the profile's total"), 1);
    strand_snapshot_free(s);
}

/* A heap profile and a goroutine profile in one input (a log of both). */
static void test_heap_then_goroutines(void **state)
{
    (void)state;
    strand_snapshot *s = parse("1: 8 [1: 8] @ 0x1 0x2\n"
                               "#\t0x1\tmain.h+0x1\t/a.go:1\n"
                               "\n"
                               "goroutine profile: total 2\n"
                               "2 @ 0x43ae36 0x464bb5 0x664559 0x467d41\n"
                               "#\t0x464bb4\ttime.Sleep+0x134\t/go/src/runtime/time.go:195\n"
                               "#\t0x664558\tmain.sleep+0x18\t/src/misc.go:32\n");
    assert_string_equal(str(s, strand_snapshot_profile_type(s)), "heap");
    assert_int_equal(s->records.len, 2);
    expect_kind(s, "main.h", STRAND_KIND_RUNNABLE);
    expect_kind(s, "time.Sleep", STRAND_KIND_SLEEP);
    assert_int_equal(s->diags.len, 0);
    strand_snapshot_free(s);
}

/* ---- real profiles ------------------------------------------------------------------- */

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    assert_non_null(buf);
    *len = fread(buf, 1, (size_t)n, f);
    fclose(f);
    return buf;
}

typedef struct {
    const char *func;
    strand_kind kind;
} func_kind;

/* What tests/go/zoo blocks in, by function (zoo.debug2.txt holds the truth). */
static const func_kind zoo_truth[] = {
    {"main.nilChanSendBlocked", STRAND_KIND_NIL_CHAN},
    {"main.chanSendBlocked", STRAND_KIND_CHAN_SEND},
    {"main.nilChanRecvBlocked", STRAND_KIND_NIL_CHAN},
    {"main.chanRecvBlocked", STRAND_KIND_CHAN_RECEIVE},
    {"main.chanRangeBlocked", STRAND_KIND_CHAN_RECEIVE},
    {"main.selectNoCasesBlocked", STRAND_KIND_SELECT_NO_CASES},
    {"main.selectBlocked", STRAND_KIND_SELECT},
    {"sync.runtime_Semacquire", STRAND_KIND_WAITGROUP},
    {"sync.runtime_notifyListWait", STRAND_KIND_COND},
    {"time.Sleep", STRAND_KIND_SLEEP},
    {"syscall.Syscall", STRAND_KIND_SYSCALL},
    {"main.busyLoop", STRAND_KIND_RUNNABLE},
    {"runtime/pprof.runtime_goroutineProfileWithLabels", STRAND_KIND_RUNNING},
};

static void check_zoo(const strand_snapshot *s)
{
    size_t n;
    const strand_record *r = strand_snapshot_records(s, &n);
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < sizeof zoo_truth / sizeof *zoo_truth; k++)
            if (strcmp(top_func(s, &r[i]), zoo_truth[k].func) == 0 &&
                r[i].kind != zoo_truth[k].kind)
                fail_msg("zoo %s: %s, want %s", zoo_truth[k].func, strand_kind_name(r[i].kind),
                         strand_kind_name(zoo_truth[k].kind));
}

static void check_real(const char *path, const char *name)
{
    size_t len = 0;
    char *text = slurp(path, &len);
    assert_non_null(text);
    strand_snapshot *s = st_snapshot_new(NULL, path);
    st_pptext *pp = st_pptext_new(s);
    uint32_t refused_at = 0;
    if (feed(pp, text, len, &refused_at))
        fail_msg("%s: line %u refused", path, refused_at);
    st_pptext_finish(pp);
    st_pptext_free(pp);
    free(text);
    size_t n, nd;
    const strand_record *r = strand_snapshot_records(s, &n);
    const strand_diagnostic *d = strand_snapshot_diagnostics(s, &nd);
    if (nd)
        fail_msg("%s:%u: %s", path, d[0].line, d[0].message);
    assert_true(s->has_total_line);
    uint64_t sum = 0;
    for (size_t i = 0; i < n; i++) {
        sum += (uint64_t)r[i].count;
        if (r[i].kind == STRAND_KIND_UNKNOWN)
            fail_msg("%s:%u: kind unknown", path, r[i].line);
    }
    assert_true(n > 0);
    assert_int_equal(sum, s->total_line);
    if (strncmp(name, "zoo.", 4) == 0)
        check_zoo(s);
    strand_snapshot_free(s);
}

static void test_real_fixtures(void **state)
{
    (void)state;
    DIR *dir = opendir(FIXTURES);
    if (!dir)
        skip();
    size_t seen = 0;
    struct dirent *e;
    while ((e = readdir(dir))) {
        if (!strstr(e->d_name, "debug1") || !strstr(e->d_name, ".txt"))
            continue;
        char path[512];
        snprintf(path, sizeof path, "%s/%s", FIXTURES, e->d_name);
        check_real(path, e->d_name);
        seen++;
    }
    closedir(dir);
    assert_true(seen > 0);
}

/* ---- allocation failures --------------------------------------------------------------- */

typedef struct {
    long left; /* allocations before failing; < 0: never fail */
} failing;

static void *f_malloc(void *ctx, size_t n)
{
    failing *f = ctx;
    if (f->left == 0)
        return NULL;
    f->left--;
    return malloc(n);
}

static void *f_realloc(void *ctx, void *p, size_t old_n, size_t new_n)
{
    failing *f = ctx;
    (void)old_n;
    if (f->left == 0)
        return NULL;
    f->left--;
    return realloc(p, new_n);
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
    bool succeeded = false;
    for (long k = 0; !succeeded && k < 10000; k++) {
        failing f = {k};
        strand_alloc a = {f_malloc, f_realloc, f_free, &f};
        strand_snapshot *s = st_snapshot_new(&a, "x");
        if (!s)
            continue;
        st_pptext *pp = st_pptext_new(s);
        if (pp) {
            feed(pp, zoo_like, sizeof zoo_like - 1, NULL);
            feed(pp, basic, sizeof basic - 1, NULL);
            st_pptext_finish(pp);
            st_pptext_free(pp);
            succeeded = !s->oom && s->records.len == 15;
        }
        strand_snapshot_free(s);
    }
    assert_true(succeeded);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_is_start),
        cmocka_unit_test(test_basic),
        cmocka_unit_test(test_leak_profile_and_indent),
        cmocka_unit_test(test_ends_at_other_text),
        cmocka_unit_test(test_headerless_and_no_trailing_blank),
        cmocka_unit_test(test_empty_profile),
        cmocka_unit_test(test_format_left_alone),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_bad_labels_forms),
        cmocka_unit_test(test_total_checks),
        cmocka_unit_test(test_caps),
        cmocka_unit_test(test_kinds_zoo_layout),
        cmocka_unit_test(test_kinds_one_direction),
        cmocka_unit_test(test_kinds_gopark_from_runtime_main),
        cmocka_unit_test(test_kinds_gc_wait_is_not_a_chan_op),
        cmocka_unit_test(test_two_profiles),
        cmocka_unit_test(test_heap_profile),
        cmocka_unit_test(test_heap_analysis),
        cmocka_unit_test(test_heap_memstats_ends),
        cmocka_unit_test(test_heap_malformed),
        cmocka_unit_test(test_heap_then_goroutines),
        cmocka_unit_test(test_real_fixtures),
        cmocka_unit_test(test_alloc_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
