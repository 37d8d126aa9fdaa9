/* test_render.c - the text and JSON report renderers, on real reports: inline
 * dumps read with strand_read_mem and analysed with strand_analyze. The
 * checks pin the layout the renderers own (lines, order, widths, colour,
 * nulls), not the analysis' wording. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "json_check.h"
#include "strand.h"

typedef struct mem {
    char *data;
    size_t len, cap;
    size_t fail_after; /* fail a write that would pass this many bytes; 0: never */
} mem;

static int mem_write(void *ctx, const char *p, size_t n)
{
    mem *m = ctx;
    if (m->fail_after && m->len + n > m->fail_after)
        return -1;
    if (m->len + n + 1 > m->cap) {
        m->cap = (m->len + n + 1) * 2;
        m->data = realloc(m->data, m->cap);
        assert_non_null(m->data);
    }
    memcpy(m->data + m->len, p, n);
    m->len += n;
    m->data[m->len] = 0;
    return 0;
}

/* ---- dumps ------------------------------------------------------------------ */

#define MAIN_G "goroutine 1 [running]:\nmain.main()\n\t/src/app/main.go:20 +0x65\n\n"
#define SENDER(id)                                                                                 \
    "goroutine " #id " [chan send, 7 minutes]:\nmain.notify.func1()\n"                             \
    "\t/src/app/notify.go:42 +0x2b\ncreated by main.notify in goroutine 1\n"                       \
    "\t/src/app/notify.go:40 +0x45\n\n"

static const char leak_dump[] =
    MAIN_G SENDER(10) SENDER(11) SENDER(12) SENDER(13) SENDER(14);
static const char small_dump[] = MAIN_G SENDER(10) SENDER(11);
static const char clean_dump[] = MAIN_G;

/* A blocked send under a deep stack: 9 frames. */
#define DEEP(id)                                                                                   \
    "goroutine " #id " [chan send, 3 minutes]:\n"                                                  \
    "main.f1()\n\t/src/app/deep.go:1 +0x1\nmain.f2()\n\t/src/app/deep.go:2 +0x1\n"                \
    "main.f3()\n\t/src/app/deep.go:3 +0x1\nmain.f4()\n\t/src/app/deep.go:4 +0x1\n"                \
    "main.f5()\n\t/src/app/deep.go:5 +0x1\nmain.f6()\n\t/src/app/deep.go:6 +0x1\n"                \
    "main.f7()\n\t/src/app/deep.go:7 +0x1\nmain.f8()\n\t/src/app/deep.go:8 +0x1\n"                \
    "main.f9()\n\t/src/app/deep.go:9 +0x1\n"                                                      \
    "created by main.spawn in goroutine 1\n\t/src/app/deep.go:15 +0x45\n\n"
static const char deep_dump[] = MAIN_G DEEP(5) DEEP(6) DEEP(7);

/* A function name carrying a terminal escape sequence, and two diagnostics. */
static const char hostile_dump[] = MAIN_G
    "goroutine 3 [chan receive, 99999999999 minutes]:\nmain.w()\n\t/src/app/w.go:5 +0x1\n\n"
    "goroutine 2 [chan receive]:\nmain.evil\x1b[2J()\n\t/src/app/x.go:5 +0x1\n\n"
    "goroutine 4 [select]:\n";

static const char profile_dump[] = "goroutine profile: total 751\n"
                                   "750 @ 0x43a1d6 0x406f7c 0x406b58 0x4a1f25 0x46f0c1\n"
                                   "#\t0x4a1f24\tmain.notify.func1+0x44\t/src/app/notify.go:42\n"
                                   "\n"
                                   "1 @ 0x43a1d6 0x46c8d5 0x4a2145 0x46f0c1\n"
                                   "#\t0x4a2144\tmain.main+0x64\t/src/app/main.go:30\n";

/* ---- helpers ------------------------------------------------------------------ */

static strand_snapshot *read_dump(const char *text, const char *name)
{
    strand_read_options ro = {0};
    ro.name = name;
    strand_error err = {0};
    strand_snapshot *s = strand_read_mem(text, strlen(text), &ro, &err);
    assert_non_null(s);
    return s;
}

/* Analyse `n` dumps as one series (one dump: a single snapshot). */
static strand_report *analyze(const char *const *dumps, size_t n)
{
    strand_snapshot *snaps[4];
    char name[32];
    assert_true(n <= 4);
    for (size_t i = 0; i < n; i++) {
        snprintf(name, sizeof name, "t%zu.txt", i);
        snaps[i] = read_dump(dumps[i], n == 1 ? "dump.txt" : name);
    }
    strand_error err = {0};
    strand_report *r = strand_analyze((const strand_snapshot *const *)snaps, n, NULL, &err);
    assert_non_null(r);
    for (size_t i = 0; i < n; i++)
        strand_snapshot_free(snaps[i]); /* the report owns copies */
    return r;
}

static strand_report *analyze1(const char *dump)
{
    return analyze(&dump, 1);
}

static char *text_of(const strand_report *r, int color, int width, int all)
{
    strand_render_options o = {0};
    o.color = color;
    o.width = width;
    o.all = all;
    o.min_verdict = all ? STRAND_VERDICT_OK : STRAND_VERDICT_SUSPECT;
    mem m = {0};
    strand_sink sink = {mem_write, &m};
    assert_int_equal(strand_report_write_text(r, &o, &sink, NULL), STRAND_OK);
    assert_non_null(m.data);
    return m.data;
}

static char *json_of(const strand_report *r)
{
    mem m = {0};
    strand_sink sink = {mem_write, &m};
    assert_int_equal(strand_report_write_json(r, NULL, &sink, NULL), STRAND_OK);
    assert_non_null(m.data);
    assert_true(json_valid(m.data, m.len));
    return m.data;
}

static void has(const char *text, const char *want)
{
    if (!strstr(text, want))
        fail_msg("missing \"%s\" in:\n%s", want, text);
}

static void starts(const char *text, const char *want)
{
    if (strncmp(text, want, strlen(want)) != 0)
        fail_msg("does not start with \"%s\":\n%s", want, text);
}

static void lacks(const char *text, const char *bad)
{
    if (strstr(text, bad))
        fail_msg("unexpected \"%s\" in:\n%s", bad, text);
}

/* Display columns of the widest line (UTF-8 continuation bytes take none). */
static size_t widest(const char *text)
{
    size_t best = 0, col = 0;
    for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
        if (*p == '\n') {
            best = col > best ? col : best;
            col = 0;
        } else if ((*p & 0xC0) != 0x80) {
            col++;
        }
    }
    return col > best ? col : best;
}

/* ---- text --------------------------------------------------------------------- */

static void test_text_leak(void **state)
{
    (void)state;
    strand_report *r = analyze1(leak_dump);
    char *t = text_of(r, 0, 100, 0);
    starts(t, "dump.txt: 6 goroutines (traceback)\n\n");
    has(t, "\nLEAK  chan-send  5 goroutines  [chan send, 7 minutes]  blocked channel send\n"
           "  at main.notify.func1  /src/app/notify.go:42\n"
           "  created by main.notify  /src/app/notify.go:40\n"
           "  - ");
    has(t, "\n  why: ");
    has(t, "\n  fix: ");
    has(t, "\n  goroutines 10 11 12 13 14\n"
           "  stack:\n"
           "    main.notify.func1  /src/app/notify.go:42\n\n");
    lacks(t, "trend:");
    lacks(t, "\nOK  ");
    lacks(t, "\x1b");
    /* the last line: the tally, with the hidden ok group */
    has(t, "\n1 leak among 6 goroutines; hidden: 1 ok group (use --all)\n");
    assert_int_equal(t[strlen(t) - 1], '\n');
    free(t);
    strand_report_free(r);
}

static void test_text_all(void **state)
{
    (void)state;
    strand_report *r = analyze1(leak_dump);
    char *t = text_of(r, 0, 100, 1);
    const char *leak = strstr(t, "\nLEAK  "), *ok = strstr(t, "\nOK  ");
    assert_non_null(leak);
    assert_non_null(ok);
    assert_true(leak < ok); /* most serious first */
    has(ok, "\n  at main.main  /src/app/main.go:20\n");
    lacks(t, "use --all");
    has(t, "\n1 leak among 6 goroutines\n");
    free(t);
    strand_report_free(r);
}

static void test_text_clean(void **state)
{
    (void)state;
    strand_report *r = analyze1(clean_dump);
    char *t = text_of(r, 0, 100, 0);
    assert_string_equal(t, "dump.txt: 1 goroutine (traceback)\n\n"
                           "No leaks found among 1 goroutine; 1 group looks healthy "
                           "(use --all to list it)\n");
    free(t);
    t = text_of(r, 0, 100, 1);
    has(t, "\nOK  ");
    has(t, "\nNo leaks found among 1 goroutine.\n");
    free(t);
    strand_report_free(r);
}

static void test_text_width(void **state)
{
    (void)state;
    strand_report *r = analyze1(leak_dump);
    int widths[] = {40, 50, 64, 80, 120};
    for (size_t i = 0; i < sizeof widths / sizeof widths[0]; i++) {
        char *t = text_of(r, 0, widths[i], 1);
        if (widest(t) > (size_t)widths[i])
            fail_msg("width %d exceeded:\n%s", widths[i], t);
        has(t, "  at main.notify.func1");
        free(t);
    }
    /* too narrow or unset: clamped to 40, default 100 */
    char *t = text_of(r, 0, 10, 0);
    assert_true(widest(t) <= 40);
    free(t);
    t = text_of(r, 0, 0, 0);
    assert_true(widest(t) <= 100);
    free(t);
    strand_report_free(r);
}

/* A wrapped sentence keeps its hanging indent. */
static void test_text_wrap_indent(void **state)
{
    (void)state;
    strand_report *r = analyze1(leak_dump);
    char *t = text_of(r, 0, 40, 0);
    const char *why = strstr(t, "\n  why: ");
    assert_non_null(why);
    const char *next = strchr(why + 1, '\n');
    assert_non_null(next);
    assert_memory_equal(next, "\n       ", 8); /* under the text after "why: " */
    assert_true(next[8] != ' ');
    free(t);
    strand_report_free(r);
}

static void test_text_color(void **state)
{
    (void)state;
    strand_report *r = analyze1(leak_dump);
    char *t = text_of(r, 1, 100, 1);
    has(t, "\x1b[1;31mLEAK\x1b[0m  \x1b[1mchan-send\x1b[0m  5 goroutines");
    has(t, "\x1b[1;32mOK\x1b[0m");
    has(t, "\x1b[2mstack:\x1b[0m");
    has(t, "\x1b[1mblocked channel send\x1b[0m");
    /* colour codes take no columns */
    assert_true(strstr(t, "\x1b[1mwhy:\x1b[0m ") != NULL);
    free(t);
    strand_report_free(r);
}

static void test_text_deep_stack(void **state)
{
    (void)state;
    strand_report *r = analyze1(deep_dump);
    char *t = text_of(r, 0, 100, 0);
    has(t, "\nLEAK  ");
    has(t, "  stack:\n"
           "    main.f1  /src/app/deep.go:1\n"
           "    main.f2  /src/app/deep.go:2\n"
           "    main.f3  /src/app/deep.go:3\n"
           "    main.f4  /src/app/deep.go:4\n"
           "    main.f5  /src/app/deep.go:5\n"
           "    ... 4 more\n");
    lacks(t, "main.f6  ");
    free(t);
    strand_report_free(r);
}

/* Input text never reaches the terminal as control bytes; the header counts
 * the diagnostics. */
static void test_text_hostile(void **state)
{
    (void)state;
    strand_report *r = analyze1(hostile_dump);
    char *t = text_of(r, 0, 100, 1);
    lacks(t, "\x1b");
    has(t, "main.evil?[2J");
    has(t, "\n  2 diagnostics, first at line 5: ");
    free(t);
    char *j = json_of(r);
    has(j, "\"diagnostic_total\": 2,");
    has(j, "{\"line\": 5, \"message\": \"");
    free(j);
    strand_report_free(r);
}

/* ---- JSON --------------------------------------------------------------------- */

static void test_json_leak(void **state)
{
    (void)state;
    strand_report *r = analyze1(leak_dump);
    char *j = json_of(r);
    starts(j, "{\n  \"schema\": \"strand.report/v1\",\n  \"inputs\": [\n");
    has(j, "      \"name\": \"dump.txt\",\n"
           "      \"format\": \"traceback\",\n"
           "      \"goroutines\": 6,\n"
           "      \"diagnostics\": [],\n");
    has(j, "\n  \"goroutines\": 6,\n");
    has(j, "\"summary\": {\"leak\": 1, \"suspect\": 0, \"ok\": 1},\n");
    has(j, "      \"verdict\": \"leak\",\n"
           "      \"class\": \"chan-send\",\n"
           "      \"title\": \"blocked channel send\",\n"
           "      \"count\": 5,\n"
           "      \"state\": \"chan send\",\n"
           "      \"kind\": \"chan send\",\n"
           "      \"wait_minutes\": {\"min\": 7, \"max\": 7},\n"
           "      \"site\": {\"function\": \"main.notify.func1\", \"file\": "
           "\"/src/app/notify.go\", \"line\": 42},\n"
           "      \"created_by\": {\"function\": \"main.notify\", \"file\": "
           "\"/src/app/notify.go\", \"line\": 40},\n"
           "      \"stack\": [\n"
           "        {\"function\": \"main.notify.func1\", \"file\": \"/src/app/notify.go\", "
           "\"line\": 42}\n"
           "      ],\n"
           "      \"goroutine_ids\": [10, 11, 12, 13, 14],\n"
           "      \"evidence\": [\n");
    has(j, "\"reason\": null\n");
    lacks(j, "\"trend\"");
    /* every finding, the ok one too, whatever the text options */
    has(j, "\"verdict\": \"ok\"");
    assert_true(strstr(j, "\"verdict\": \"leak\"") < strstr(j, "\"verdict\": \"ok\""));
    free(j);
    strand_report_free(r);
}

static void test_json_profile(void **state)
{
    (void)state;
    strand_report *r = analyze1(profile_dump);
    char *j = json_of(r);
    has(j, "\"format\": \"pprof-text\",");
    has(j, "\"goroutines\": 751,");
    has(j, "\"count\": 750,");
    has(j, "\"goroutine_ids\": null,"); /* profiles carry no ids */
    has(j, "\"wait_minutes\": null,");  /* nor wait times */
    has(j, "\"created_by\": null,");
    lacks(j, "\"goroutine_ids\": []");
    free(j);
    strand_report_free(r);
}

static void test_series(void **state)
{
    (void)state;
    const char *dumps[] = {small_dump, leak_dump};
    strand_report *r = analyze(dumps, 2);
    char *j = json_of(r);
    has(j, "\"name\": \"t0.txt\"");
    has(j, "\"name\": \"t1.txt\"");
    has(j, "\"trend\": {\"counts\": [2, 5], \"per_minute\": null, \"shape\": \"");
    free(j);
    char *t = text_of(r, 0, 100, 0);
    has(t, "2 snapshots of one process, oldest first:\n"
           "  t0.txt: 3 goroutines (traceback)\n"
           "  t1.txt: 6 goroutines (traceback)\n\n");
    has(t, "\n  trend: 2 \xe2\x86\x92 5  (");
    free(t);
    strand_report_free(r);
}

/* ---- errors ------------------------------------------------------------------- */

static void test_write_errors(void **state)
{
    (void)state;
    strand_report *r = analyze1(leak_dump);
    {
        mem m = {0};
        m.fail_after = 1;
        strand_sink sink = {mem_write, &m};
        strand_error err = {0};
        assert_int_equal(strand_report_write_text(r, NULL, &sink, &err), STRAND_ERR_WRITE);
        assert_int_equal(err.code, STRAND_ERR_WRITE);
        assert_int_equal(strand_report_write_json(r, NULL, &sink, &err), STRAND_ERR_WRITE);
        free(m.data);
    }
    strand_error err = {0};
    mem m = {0};
    strand_sink sink = {mem_write, &m};
    strand_sink broken = {NULL, NULL};
    assert_int_equal(strand_report_write_text(NULL, NULL, &sink, &err), STRAND_ERR_ARG);
    assert_int_equal(err.code, STRAND_ERR_ARG);
    assert_int_equal(strand_report_write_json(NULL, NULL, &sink, NULL), STRAND_ERR_ARG);
    assert_int_equal(strand_report_write_text(r, NULL, NULL, NULL), STRAND_ERR_ARG);
    assert_int_equal(strand_report_write_json(r, NULL, &broken, NULL), STRAND_ERR_ARG);
    assert_null(m.data);
    strand_report_free(r);
}

/* NULL options: no colour, width 100, leaks and suspects only. */
static void test_null_options(void **state)
{
    (void)state;
    strand_report *r = analyze1(leak_dump);
    mem m = {0};
    strand_sink sink = {mem_write, &m};
    assert_int_equal(strand_report_write_text(r, NULL, &sink, NULL), STRAND_OK);
    char *t = text_of(r, 0, 100, 0);
    assert_string_equal(m.data, t);
    free(t);
    free(m.data);
    strand_report_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_text_leak),        cmocka_unit_test(test_text_all),
        cmocka_unit_test(test_text_clean),       cmocka_unit_test(test_text_width),
        cmocka_unit_test(test_text_wrap_indent), cmocka_unit_test(test_text_color),
        cmocka_unit_test(test_text_deep_stack),  cmocka_unit_test(test_text_hostile),
        cmocka_unit_test(test_json_leak),        cmocka_unit_test(test_json_profile),
        cmocka_unit_test(test_series),           cmocka_unit_test(test_write_errors),
        cmocka_unit_test(test_null_options),
    };
    return cmocka_run_group_tests_name("render", tests, NULL, NULL);
}
