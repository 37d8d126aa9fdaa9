/* test_jsonw.c - the buffered sink writer and the streaming JSON writer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "jsonw.h"

typedef struct mem {
    char *data;
    size_t len, cap;
    int calls;
    size_t fail_after; /* fail a write that would pass this many bytes; 0: never */
} mem;

static int mem_write(void *ctx, const char *p, size_t n)
{
    mem *m = ctx;
    m->calls++;
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

typedef struct fixture {
    mem m;
    strand_sink sink;
    st_jsonw w;
} fixture;

static fixture *fx_new(unsigned indent)
{
    fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);
    f->sink.write = mem_write;
    f->sink.ctx = &f->m;
    assert_int_equal(st_jw_init(&f->w, &f->sink, indent), STRAND_OK);
    return f;
}

/* Finishes the document, checks the code, returns the text (owned by f). */
static const char *fx_done(fixture *f, strand_code want)
{
    strand_error err = {0};
    assert_int_equal(st_jw_finish(&f->w, &err), want);
    if (want)
        assert_int_equal(err.code, want);
    return f->m.data ? f->m.data : "";
}

static void fx_free(fixture *f)
{
    free(f->m.data);
    free(f);
}

/* The compact JSON of one string value. */
static void check_str(const char *in, size_t n, const char *want)
{
    fixture *f = fx_new(0);
    st_jw_strn(&f->w, in, n);
    assert_string_equal(fx_done(f, STRAND_OK), want);
    fx_free(f);
}

static void test_compact_nesting(void **state)
{
    (void)state;
    fixture *f = fx_new(0);
    st_jw_obj(&f->w);
    st_jw_kint(&f->w, "a", 1);
    st_jw_key(&f->w, "b");
    st_jw_arr(&f->w);
    st_jw_int(&f->w, 1);
    st_jw_str(&f->w, "x");
    st_jw_obj(&f->w);
    st_jw_obj_end(&f->w);
    st_jw_arr(&f->w);
    st_jw_arr_end(&f->w);
    st_jw_arr_end(&f->w);
    st_jw_kbool(&f->w, "c", false);
    st_jw_knull(&f->w, "d");
    st_jw_kstr_or_null(&f->w, "e", "");
    st_jw_kstr_or_null(&f->w, "f", "y");
    st_jw_obj_end(&f->w);
    assert_string_equal(fx_done(f, STRAND_OK), "{\"a\":1,\"b\":[1,\"x\",{},[]],\"c\":false,"
                                               "\"d\":null,\"e\":null,\"f\":\"y\"}");
    fx_free(f);
}

static void test_pretty(void **state)
{
    (void)state;
    fixture *f = fx_new(2);
    st_jw_obj(&f->w);
    st_jw_kstr(&f->w, "schema", "s/v1");
    st_jw_key(&f->w, "empty");
    st_jw_arr(&f->w);
    st_jw_arr_end(&f->w);
    st_jw_key(&f->w, "list");
    st_jw_arr(&f->w);
    st_jw_obj(&f->w);
    st_jw_kint(&f->w, "n", -3);
    st_jw_key(&f->w, "o");
    st_jw_obj(&f->w);
    st_jw_obj_end(&f->w);
    st_jw_obj_end(&f->w);
    st_jw_uint(&f->w, 7);
    st_jw_arr_end(&f->w);
    st_jw_obj_end(&f->w);
    assert_string_equal(fx_done(f, STRAND_OK), "{\n"
                                               "  \"schema\": \"s/v1\",\n"
                                               "  \"empty\": [],\n"
                                               "  \"list\": [\n"
                                               "    {\n"
                                               "      \"n\": -3,\n"
                                               "      \"o\": {}\n"
                                               "    },\n"
                                               "    7\n"
                                               "  ]\n"
                                               "}\n");
    fx_free(f);
}

static void test_pretty_flat(void **state)
{
    (void)state;
    fixture *f = fx_new(2);
    st_jw_obj(&f->w);
    st_jw_key(&f->w, "ids");
    st_jw_arr_flat(&f->w);
    st_jw_int(&f->w, 1);
    st_jw_int(&f->w, 2);
    st_jw_arr_end(&f->w);
    st_jw_key(&f->w, "stack");
    st_jw_arr(&f->w);
    st_jw_obj_flat(&f->w);
    st_jw_kstr(&f->w, "f", "main.f");
    st_jw_key(&f->w, "in");
    st_jw_arr(&f->w); /* nested in a flat container: flat too */
    st_jw_int(&f->w, 3);
    st_jw_obj(&f->w);
    st_jw_kint(&f->w, "x", 4);
    st_jw_obj_end(&f->w);
    st_jw_arr_end(&f->w);
    st_jw_obj_end(&f->w);
    st_jw_obj_flat(&f->w);
    st_jw_obj_end(&f->w);
    st_jw_arr_end(&f->w);
    st_jw_obj_end(&f->w);
    assert_string_equal(fx_done(f, STRAND_OK),
                        "{\n"
                        "  \"ids\": [1, 2],\n"
                        "  \"stack\": [\n"
                        "    {\"f\": \"main.f\", \"in\": [3, {\"x\": 4}]},\n"
                        "    {}\n"
                        "  ]\n"
                        "}\n");
    fx_free(f);
}

static void test_top_level_scalar(void **state)
{
    (void)state;
    fixture *f = fx_new(2);
    st_jw_str(&f->w, "a");
    assert_string_equal(fx_done(f, STRAND_OK), "\"a\"\n");
    fx_free(f);
}

static void test_escape_ascii(void **state)
{
    (void)state;
    check_str("plain / text", 12, "\"plain / text\"");
    check_str("q\"b\\", 4, "\"q\\\"b\\\\\"");
    check_str("\b\f\n\r\t", 5, "\"\\b\\f\\n\\r\\t\"");
    check_str("\x01\x1f\x7f", 3, "\"\\u0001\\u001f\\u007f\"");
    check_str("a\0b", 3, "\"a\\u0000b\"");
    check_str("\x1b[31mred", 8, "\"\\u001b[31mred\"");
    check_str("", 0, "\"\"");
}

static void test_null_string(void **state)
{
    (void)state;
    fixture *f = fx_new(0);
    st_jw_arr(&f->w);
    st_jw_str(&f->w, NULL);
    st_jw_str_or_null(&f->w, NULL);
    st_jw_arr_end(&f->w);
    assert_string_equal(fx_done(f, STRAND_OK), "[\"\",null]");
    fx_free(f);
}

static void test_utf8_valid(void **state)
{
    (void)state;
    /* é, €, 𝄞, U+FFFF, U+10FFFF, U+D7FF, U+E000 pass through unchanged */
    const char *ok[] = {"\xc3\xa9",         "\xe2\x82\xac",     "\xf0\x9d\x84\x9e",
                        "\xef\xbf\xbf",     "\xf4\x8f\xbf\xbf", "\xed\x9f\xbf",
                        "\xee\x80\x80",     "\xc2\x80",         "\xe0\xa0\x80",
                        "\xf0\x90\x80\x80", "caf\xc3\xa9 \xe2\x86\x92 x"};
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        char want[64];
        snprintf(want, sizeof want, "\"%s\"", ok[i]);
        check_str(ok[i], strlen(ok[i]), want);
    }
}

#define FFFD "\\ufffd"

static void test_utf8_invalid(void **state)
{
    (void)state;
    check_str("\x80", 1, "\"" FFFD "\"");                      /* lone continuation */
    check_str("a\xbf" "b", 3, "\"a" FFFD "b\"");
    check_str("\xc0\x80", 2, "\"" FFFD FFFD "\"");             /* overlong NUL */
    check_str("\xc1\xbf", 2, "\"" FFFD FFFD "\"");
    check_str("\xe0\x80\x80", 3, "\"" FFFD FFFD FFFD "\"");    /* overlong 3-byte */
    check_str("\xed\xa0\x80", 3, "\"" FFFD FFFD FFFD "\"");    /* surrogate D800 */
    check_str("\xf0\x80\x80\x80", 4, "\"" FFFD FFFD FFFD FFFD "\"");
    check_str("\xf4\x90\x80\x80", 4, "\"" FFFD FFFD FFFD FFFD "\""); /* > U+10FFFF */
    check_str("\xf5\xfe\xff", 3, "\"" FFFD FFFD FFFD "\"");
    check_str("\xe2\x82", 2, "\"" FFFD "\"");                  /* truncated at end */
    check_str("\xe2\x82" "A", 3, "\"" FFFD "A\"");             /* maximal subpart */
    check_str("\xf0\x9d\x84", 3, "\"" FFFD "\"");
    check_str("\xf0\x9d\x84\xe2\x82\xac", 6, "\"" FFFD "\xe2\x82\xac\"");
    check_str("\xc3", 1, "\"" FFFD "\"");
    check_str("\xc3\n", 2, "\"" FFFD "\\n\"");
}

static void test_integers(void **state)
{
    (void)state;
    fixture *f = fx_new(0);
    st_jw_arr(&f->w);
    st_jw_int(&f->w, 0);
    st_jw_int(&f->w, -1);
    st_jw_int(&f->w, 42);
    st_jw_int(&f->w, INT64_MAX);
    st_jw_int(&f->w, INT64_MIN);
    st_jw_uint(&f->w, 0);
    st_jw_uint(&f->w, UINT64_MAX);
    st_jw_arr_end(&f->w);
    assert_string_equal(fx_done(f, STRAND_OK),
                        "[0,-1,42,9223372036854775807,-9223372036854775808,0,"
                        "18446744073709551615]");
    fx_free(f);
}

static void test_doubles(void **state)
{
    (void)state;
    fixture *f = fx_new(0);
    st_jw_arr(&f->w);
    st_jw_double(&f->w, 12.5);
    st_jw_double(&f->w, 0.1);
    st_jw_double(&f->w, -0.5);
    st_jw_double(&f->w, 0.0);
    st_jw_double(&f->w, 3.0);
    st_jw_double(&f->w, 1e300);
    st_jw_double(&f->w, 1.0 / 3.0);
    st_jw_double(&f->w, NAN);
    st_jw_double(&f->w, INFINITY);
    st_jw_double(&f->w, -INFINITY);
    st_jw_double(&f->w, 5e-324);
    st_jw_arr_end(&f->w);
    assert_string_equal(fx_done(f, STRAND_OK), "[12.5,0.1,-0.5,0,3,1e+300,0.3333333333333333,"
                                               "null,null,null,4.94065645841247e-324]");
    fx_free(f);
}

static void test_doubles_round_trip(void **state)
{
    (void)state;
    double vals[] = {0.1 + 0.2, 123456789.123456789, 2.0 / 3.0, -1e-7, 9007199254740993.0, 1e23};
    for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++) {
        fixture *f = fx_new(0);
        st_jw_double(&f->w, vals[i]);
        const char *s = fx_done(f, STRAND_OK);
        assert_true(strtod(s, NULL) == vals[i]);
        fx_free(f);
    }
}

static void test_misuse(void **state)
{
    (void)state;
    fixture *f = fx_new(0);
    st_jw_key(&f->w, "k"); /* key outside an object */
    fx_done(f, STRAND_ERR_ARG);
    fx_free(f);

    f = fx_new(0);
    st_jw_obj(&f->w);
    st_jw_int(&f->w, 1); /* value without key */
    fx_done(f, STRAND_ERR_ARG);
    fx_free(f);

    f = fx_new(0);
    st_jw_obj(&f->w);
    st_jw_key(&f->w, "a");
    st_jw_key(&f->w, "b"); /* two keys */
    fx_done(f, STRAND_ERR_ARG);
    fx_free(f);

    f = fx_new(0);
    st_jw_obj(&f->w);
    st_jw_arr_end(&f->w); /* mismatched close */
    fx_done(f, STRAND_ERR_ARG);
    fx_free(f);

    f = fx_new(0);
    st_jw_arr(&f->w); /* unbalanced */
    fx_done(f, STRAND_ERR_ARG);
    fx_free(f);

    f = fx_new(0);
    st_jw_obj(&f->w);
    st_jw_key(&f->w, "a"); /* key without value */
    st_jw_obj_end(&f->w);
    fx_done(f, STRAND_ERR_ARG);
    fx_free(f);

    f = fx_new(0);
    st_jw_arr(&f->w);
    st_jw_int(&f->w, 1);
    st_jw_kuint(&f->w, "x", 1); /* a key in an array; nothing is flushed after misuse */
    st_jw_arr_end(&f->w);
    assert_string_equal(fx_done(f, STRAND_ERR_ARG), "");
    fx_free(f);

    f = fx_new(0);
    st_jw_obj_end(&f->w); /* close at depth 0 */
    fx_done(f, STRAND_ERR_ARG);
    fx_free(f);
}

static void test_depth(void **state)
{
    (void)state;
    fixture *f = fx_new(0);
    for (int i = 0; i < ST_JW_MAX_DEPTH; i++)
        st_jw_arr(&f->w);
    for (int i = 0; i < ST_JW_MAX_DEPTH; i++)
        st_jw_arr_end(&f->w);
    assert_int_equal(strlen(fx_done(f, STRAND_OK)), 2 * ST_JW_MAX_DEPTH);
    fx_free(f);

    f = fx_new(0);
    for (int i = 0; i <= ST_JW_MAX_DEPTH; i++)
        st_jw_arr(&f->w);
    fx_done(f, STRAND_ERR_ARG);
    fx_free(f);
}

static void test_null_sink(void **state)
{
    (void)state;
    st_jsonw w;
    strand_error err = {0};
    assert_int_equal(st_jw_init(&w, NULL, 2), STRAND_ERR_ARG);
    st_jw_obj(&w);
    st_jw_obj_end(&w);
    assert_int_equal(st_jw_finish(&w, &err), STRAND_ERR_ARG);
    assert_int_equal(err.code, STRAND_ERR_ARG);
    strand_sink s = {NULL, NULL};
    assert_int_equal(st_jw_init(&w, &s, 2), STRAND_ERR_ARG);
    assert_int_equal(st_jw_finish(&w, NULL), STRAND_ERR_ARG);
}

/* Many small values: one sink call per 64 KiB, not per value. */
static void test_buffering(void **state)
{
    (void)state;
    fixture *f = fx_new(0);
    st_jw_arr(&f->w);
    for (int i = 0; i < 100000; i++)
        st_jw_int(&f->w, i % 10);
    st_jw_arr_end(&f->w);
    const char *s = fx_done(f, STRAND_OK);
    assert_int_equal(strlen(s), 2 + 100000 + 99999);
    assert_int_equal(f->m.calls, 4); /* 200001 bytes / 65536 */
    assert_memory_equal(s, "[0,1,2,3", 8);
    assert_string_equal(s + strlen(s) - 5, ",8,9]");
    fx_free(f);
}

/* A string longer than the buffer goes straight through, intact. */
static void test_big_string(void **state)
{
    (void)state;
    size_t n = 3 * ST_OUT_BUF + 17;
    char *big = malloc(n);
    assert_non_null(big);
    for (size_t i = 0; i < n; i++)
        big[i] = (char)('a' + i % 26);
    fixture *f = fx_new(0);
    st_jw_strn(&f->w, big, n);
    const char *s = fx_done(f, STRAND_OK);
    assert_int_equal(strlen(s), n + 2);
    assert_memory_equal(s + 1, big, n);
    fx_free(f);
    free(big);
}

static void test_write_error_first(void **state)
{
    (void)state;
    fixture *f = fx_new(2);
    f->m.fail_after = 1;
    st_jw_obj(&f->w);
    st_jw_kstr(&f->w, "a", "b");
    st_jw_obj_end(&f->w);
    fx_done(f, STRAND_ERR_WRITE);
    assert_int_equal(f->m.calls, 1);
    fx_free(f);
}

/* An error mid-stream stops all further writes. */
static void test_write_error_midway(void **state)
{
    (void)state;
    fixture *f = fx_new(0);
    f->m.fail_after = 100000;
    st_jw_arr(&f->w);
    for (int i = 0; i < 200000; i++)
        st_jw_str(&f->w, "xyz");
    st_jw_arr_end(&f->w);
    fx_done(f, STRAND_ERR_WRITE);
    assert_true(f->m.len <= 100000);
    assert_int_equal(f->m.calls, 2);
    fx_free(f);
}

static void test_write_error_big(void **state)
{
    (void)state;
    size_t n = 2 * ST_OUT_BUF;
    char *big = malloc(n);
    assert_non_null(big);
    memset(big, 'x', n);
    fixture *f = fx_new(0);
    f->m.fail_after = 10;
    st_jw_strn(&f->w, big, n);
    fx_done(f, STRAND_ERR_WRITE);
    fx_free(f);
    free(big);
}

static void test_out_helpers(void **state)
{
    (void)state;
    mem m = {0};
    strand_sink sink = {mem_write, &m};
    st_out o;
    assert_int_equal(st_out_init(&o, &sink), STRAND_OK);
    st_out_puts(&o, "ab");
    st_out_putc(&o, 'c');
    st_out_spaces(&o, 70);
    st_out_printf(&o, "%d-%s", 42, "z");
    assert_int_equal(st_out_finish(&o, NULL), STRAND_OK);
    assert_int_equal(m.len, 3 + 70 + 4);
    assert_memory_equal(m.data, "abc ", 4);
    assert_string_equal(m.data + 73, "42-z");
    free(m.data);
}

/* Position tracking and raw values: what the frame cache in
 * json_snapshot.c relies on. */
static void test_since_and_raw(void **state)
{
    (void)state;
    fixture *f = fx_new(0);
    st_jw_arr(&f->w);
    st_jw_int(&f->w, 1);
    uint64_t pos = st_out_pos(&f->w.out);
    st_jw_str(&f->w, "ab");
    size_t n = 0;
    const char *p = st_out_since(&f->w.out, pos, &n);
    assert_non_null(p);
    assert_int_equal(n, 5);
    assert_memory_equal(p, ",\"ab\"", 5);
    st_jw_raw(&f->w, "{\"x\":1}", 7);
    for (int i = 0; i < 40000; i++) /* past a flush */
        st_jw_int(&f->w, 7);
    assert_null(st_out_since(&f->w.out, pos, &n));
    assert_true(st_out_pos(&f->w.out) == 1 + 1 + 5 + 8 + 2 * 40000);
    st_jw_arr_end(&f->w);
    const char *s = fx_done(f, STRAND_OK);
    assert_memory_equal(s, "[1,\"ab\",{\"x\":1},7,", 18);
    fx_free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_compact_nesting),
        cmocka_unit_test(test_pretty),
        cmocka_unit_test(test_pretty_flat),
        cmocka_unit_test(test_top_level_scalar),
        cmocka_unit_test(test_escape_ascii),
        cmocka_unit_test(test_null_string),
        cmocka_unit_test(test_utf8_valid),
        cmocka_unit_test(test_utf8_invalid),
        cmocka_unit_test(test_integers),
        cmocka_unit_test(test_doubles),
        cmocka_unit_test(test_doubles_round_trip),
        cmocka_unit_test(test_misuse),
        cmocka_unit_test(test_depth),
        cmocka_unit_test(test_null_sink),
        cmocka_unit_test(test_buffering),
        cmocka_unit_test(test_big_string),
        cmocka_unit_test(test_write_error_first),
        cmocka_unit_test(test_write_error_midway),
        cmocka_unit_test(test_write_error_big),
        cmocka_unit_test(test_out_helpers),
        cmocka_unit_test(test_since_and_raw),
    };
    return cmocka_run_group_tests_name("jsonw", tests, NULL, NULL);
}
