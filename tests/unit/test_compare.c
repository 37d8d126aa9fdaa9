/* test_compare.c - strand_analyze on several snapshots: matching across
 * formats, trends (growing, steady, stuck, spinning, new, gone, shrinking),
 * rates, verdicts adjusted by the trend, and refusing other processes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "snap_build.h"

static const strand_finding none_found;

static const strand_finding *find(const strand_report *r, const char *func)
{
    size_t n;
    const strand_finding *f = strand_report_findings(r, &n);
    for (size_t i = 0; f && i < n; i++)
        if (strcmp(f[i].site.function, func) == 0)
            return &f[i];
    return NULL;
}

static const strand_finding *at(const strand_report *r, const char *func)
{
    const strand_finding *f = find(r, func);
    if (!f) {
        fail_msg("no finding at %s", func);
        return &none_found;
    }
    return f;
}

static strand_report *series(strand_snapshot **s, size_t n, const strand_analyze_options *o)
{
    strand_error err = {0};
    strand_report *r = strand_analyze((const strand_snapshot *const *)s, n, o, &err);
    if (!r)
        fail_msg("analyze: %s", err.message ? err.message : "?");
    return r;
}

static void free_all(strand_snapshot **s, size_t n, strand_report *r)
{
    strand_report_free(r);
    for (size_t i = 0; i < n; i++)
        strand_snapshot_free(s[i]);
}

static void check_counts(const strand_finding *f, const int64_t *want, size_t n)
{
    assert_int_equal(f->n_trend, n);
    for (size_t i = 0; i < n && f->trend_counts; i++)
        assert_int_equal(f->trend_counts[i], want[i]);
}

static bool has_evidence(const strand_finding *f, const char *needle)
{
    for (size_t i = 0; i < f->n_evidence; i++)
        if (strstr(f->evidence[i], needle))
            return true;
    return false;
}

static const tf LEAKY[] = {{"main.consume", "/src/pipe.go", 55}};
static const tf LEAKY_CB = {"main.startPipeline", "/src/pipe.go", 21};
static const tf POOL[] = {{"main.(*Pool).worker", "/src/pool.go", 38}};
static const tf POOL_CB = {"main.NewPool", "/src/pool.go", 30};
static const tf READER[] = {{"internal/poll.runtime_pollWait", "/go/src/runtime/netpoll.go", 305},
                            {"net.(*conn).Read", "/go/src/net/net.go", 183},
                            {"main.serveConn", "/src/server.go", 59}};

/* A pool (steady) and a consumer per pipeline that is never closed (growing,
 * the first ones stay): stuck and leaking. */
static void test_stuck_and_steady(void **state)
{
    (void)state;
    strand_snapshot *s[3];
    for (size_t k = 0; k < 3; k++) {
        s[k] = tb_new(STRAND_FORMAT_TRACEBACK, "t");
        tb_g(s[k], 1, "running", STRAND_KIND_RUNNING, TB_WRITER, NF(TB_WRITER), NULL);
        tb_gs(s[k], 10, 8, "chan receive", STRAND_KIND_CHAN_RECEIVE, POOL, 1, &POOL_CB);
        tb_gs(s[k], 100, 10 * (k + 1), "chan receive", STRAND_KIND_CHAN_RECEIVE, LEAKY, 1,
              &LEAKY_CB);
    }
    strand_report *r = series(s, 3, NULL);
    const strand_finding *leak = at(r, "main.consume");
    assert_int_equal(leak->verdict, STRAND_VERDICT_LEAK);
    assert_int_equal(leak->trend, STRAND_TREND_STUCK);
    assert_int_equal(leak->count, 30);
    check_counts(leak, (const int64_t[]){10, 20, 30}, 3);
    assert_true(has_evidence(leak, "10 -> 20 -> 30"));
    assert_true(has_evidence(leak, "same 10 goroutine id(s)"));
    const strand_finding *pool = at(r, "main.(*Pool).worker");
    assert_int_equal(pool->verdict, STRAND_VERDICT_OK);
    assert_string_equal(pool->cls->id, "not-a-leak-steady-state");
    check_counts(pool, (const int64_t[]){8, 8, 8}, 3);
    free_all(s, 3, r);
}

/* Aggregated profiles (no ids): growth alone makes the leak; a large steady
 * population stays ok. */
static void test_growing_records_and_rate(void **state)
{
    (void)state;
    strand_snapshot *s[3];
    static const tf rd[] = {{"main.(*Server).handleStream", "/src/server.go", 96}};
    for (size_t k = 0; k < 3; k++) {
        s[k] = tb_new(STRAND_FORMAT_PPROF_TEXT, "t");
        tb_rec(s[k], (int64_t)(1000 + 500 * k), STRAND_KIND_CHAN_RECEIVE, rd, 1);
        tb_rec(s[k], 100, STRAND_KIND_IO, READER, NF(READER));
    }
    strand_analyze_options o = {0};
    double times[3] = {0, 60, 120};
    o.times = times;
    strand_report *r = series(s, 3, &o);
    const strand_finding *f = at(r, "main.(*Server).handleStream");
    assert_int_equal(f->verdict, STRAND_VERDICT_LEAK);
    assert_int_equal(f->trend, STRAND_TREND_GROWING);
    assert_true(fabs(f->per_minute - 500.0) < 1e-6);
    assert_string_equal(f->cls->id, "chan-receive-never-closed");
    const strand_finding *g = at(r, "main.serveConn");
    assert_int_equal(g->trend, STRAND_TREND_STEADY);
    assert_true(g->verdict != STRAND_VERDICT_LEAK);
    free_all(s, 3, r);
}

/* Without times the rate is 0; a shrinking group is not a leak. */
static void test_shrinking_no_rate(void **state)
{
    (void)state;
    strand_snapshot *s[3];
    for (size_t k = 0; k < 3; k++) {
        s[k] = tb_new(STRAND_FORMAT_PPROF_TEXT, "t");
        tb_rec(s[k], (int64_t)(300 - 100 * k), STRAND_KIND_CHAN_RECEIVE, LEAKY, 1);
    }
    strand_report *r = series(s, 3, NULL);
    const strand_finding *f = at(r, "main.consume");
    assert_int_equal(f->trend, STRAND_TREND_SHRINKING);
    assert_true(f->per_minute == 0.0);
    assert_int_equal(f->verdict, STRAND_VERDICT_OK);
    free_all(s, 3, r);
}

/* The same goroutine running at the same place (lines vary) in every
 * snapshot: spinning. */
static void test_spinning(void **state)
{
    (void)state;
    strand_snapshot *s[3];
    for (size_t k = 0; k < 3; k++) {
        s[k] = tb_new(STRAND_FORMAT_TRACEBACK, "t");
        tf spin[] = {{"main.busyLoop", "/src/main.go", (uint32_t)(26 + k)}};
        static const tf cb = {"main.main", "/src/main.go", 45};
        tb_g(s[k], 18, "runnable", STRAND_KIND_RUNNABLE, spin, 1, &cb);
        tb_g(s[k], 1, "running", STRAND_KIND_RUNNING, TB_WRITER, NF(TB_WRITER), NULL);
    }
    strand_report *r = series(s, 3, NULL);
    const strand_finding *f = at(r, "main.busyLoop");
    assert_int_equal(f->trend, STRAND_TREND_SPINNING);
    assert_string_equal(f->cls->id, "busy-loop");
    assert_int_equal(f->verdict, STRAND_VERDICT_SUSPECT);
    check_counts(f, (const int64_t[]){1, 1, 1}, 3);
    /* the profile writer stays benign */
    assert_string_equal(at(r, "main.main")->cls->id, "benign");
    free_all(s, 3, r);
}

/* Baseline before a test phase, snapshot after: what the phase leaked is
 * new; what it cleaned up is gone. */
static void test_baseline_new_and_gone(void **state)
{
    (void)state;
    strand_snapshot *s[2];
    static const tf watch[] = {{"main.watchConfig", "/src/main.go", 70}};
    static const tf cb = {"main.runPhase2", "/src/main.go", 60};
    static const tf old[] = {{"main.phase1Helper", "/src/main.go", 40}};
    static const tf cb1 = {"main.runPhase1", "/src/main.go", 30};
    s[0] = tb_new(STRAND_FORMAT_TRACEBACK, "base");
    tb_g(s[0], 1, "running", STRAND_KIND_RUNNING, TB_WRITER, NF(TB_WRITER), NULL);
    tb_g(s[0], 5, "select", STRAND_KIND_SELECT, old, 1, &cb1);
    s[1] = tb_new(STRAND_FORMAT_TRACEBACK, "after");
    tb_g(s[1], 1, "running", STRAND_KIND_RUNNING, TB_WRITER, NF(TB_WRITER), NULL);
    tb_g(s[1], 10, "chan receive", STRAND_KIND_CHAN_RECEIVE, watch, 1, &cb);
    strand_report *r = series(s, 2, NULL);
    const strand_finding *f = at(r, "main.watchConfig");
    assert_int_equal(f->trend, STRAND_TREND_NEW);
    assert_int_equal(f->verdict, STRAND_VERDICT_LEAK);
    check_counts(f, (const int64_t[]){0, 1}, 2);
    const strand_finding *g = at(r, "main.phase1Helper");
    assert_int_equal(g->trend, STRAND_TREND_GONE);
    assert_int_equal(g->count, 0);
    assert_int_equal(g->verdict, STRAND_VERDICT_OK);
    check_counts(g, (const int64_t[]){1, 0}, 2);
    free_all(s, 2, r);
}

/* One stack seen as a debug=2 dump and as a protobuf profile (with runtime
 * frames) matches across the formats. */
static void test_cross_format_matching(void **state)
{
    (void)state;
    strand_snapshot *s[2];
    static const tf proto[] = {{"runtime.gopark", "/go/src/runtime/proc.go", 363},
                               {"runtime.chanrecv", "/go/src/runtime/chan.go", 583},
                               {"runtime.chanrecv2", "/go/src/runtime/chan.go", 447},
                               {"main.consume", "/src/pipe.go", 55},
                               {"runtime.goexit", "/go/src/runtime/asm_amd64.s", 1594}};
    s[0] = tb_new(STRAND_FORMAT_TRACEBACK, "dump");
    tb_gs(s[0], 10, 5, "chan receive", STRAND_KIND_CHAN_RECEIVE, LEAKY, 1, &LEAKY_CB);
    s[1] = tb_new(STRAND_FORMAT_PPROF_PROTO, "proto");
    tb_rec(s[1], 12, STRAND_KIND_UNKNOWN, proto, NF(proto));
    strand_report *r = series(s, 2, NULL);
    const strand_finding *f = at(r, "main.consume");
    check_counts(f, (const int64_t[]){5, 12}, 2);
    assert_int_equal(f->trend, STRAND_TREND_GROWING);
    assert_int_equal(f->verdict, STRAND_VERDICT_LEAK);
    size_t n;
    strand_report_findings(r, &n);
    assert_int_equal(n, 1);
    free_all(s, 2, r);
}

/* A hung request is one finding; its trend sums its three goroutines. */
static void test_merged_finding_trend(void **state)
{
    (void)state;
    static const tf call[] = {{"net/http.(*persistConn).roundTrip", "/go/src/net/http/transport.go", 2620},
                              {"main.fetch", "/src/main.go", 27}};
    static const tf rl[] = {{"net/http.(*persistConn).readLoop", "/go/src/net/http/transport.go", 2093}};
    static const tf wl[] = {{"net/http.(*persistConn).writeLoop", "/go/src/net/http/transport.go", 2392}};
    strand_snapshot *s[2];
    for (size_t k = 0; k < 2; k++) {
        s[k] = tb_new(STRAND_FORMAT_PPROF_TEXT, "t");
        int64_t n = (int64_t)(10 * (k + 1));
        tb_rec(s[k], n, STRAND_KIND_SELECT, call, NF(call));
        tb_rec(s[k], n, STRAND_KIND_IO, rl, 1);
        tb_rec(s[k], n, STRAND_KIND_SELECT, wl, 1);
    }
    strand_report *r = series(s, 2, NULL);
    const strand_finding *f = at(r, "main.fetch");
    assert_string_equal(f->cls->id, "http-client-no-timeout");
    assert_int_equal(f->count, 60);
    check_counts(f, (const int64_t[]){30, 60}, 2);
    assert_int_equal(f->verdict, STRAND_VERDICT_LEAK);
    free_all(s, 2, r);
}

/* Goroutine ids are never reused in one process: the same ids with other
 * creators are another process. */
static void test_refuses_other_process(void **state)
{
    (void)state;
    strand_snapshot *s[2];
    static const tf other[] = {{"main.somethingElse", "/src/other.go", 9}};
    static const tf ocb = {"main.otherStarter", "/src/other.go", 5};
    s[0] = tb_new(STRAND_FORMAT_TRACEBACK, "a");
    tb_gs(s[0], 10, 5, "chan receive", STRAND_KIND_CHAN_RECEIVE, LEAKY, 1, &LEAKY_CB);
    s[1] = tb_new(STRAND_FORMAT_TRACEBACK, "b");
    tb_gs(s[1], 10, 5, "chan receive", STRAND_KIND_CHAN_RECEIVE, other, 1, &ocb);
    strand_error err = {0};
    strand_report *r = strand_analyze((const strand_snapshot *const *)s, 2, NULL, &err);
    assert_null(r);
    assert_int_equal(err.code, STRAND_ERR_MISMATCH);
    assert_non_null(strstr(err.message, "different"));
    strand_snapshot_free(s[0]);
    strand_snapshot_free(s[1]);
}

/* Same ids, same creators, or no ids at all: accepted. */
static void test_accepts_same_process(void **state)
{
    (void)state;
    strand_snapshot *s[3];
    s[0] = tb_new(STRAND_FORMAT_TRACEBACK, "a");
    tb_gs(s[0], 10, 5, "chan receive", STRAND_KIND_CHAN_RECEIVE, LEAKY, 1, &LEAKY_CB);
    s[1] = tb_new(STRAND_FORMAT_PPROF_TEXT, "b");
    tb_rec(s[1], 7, STRAND_KIND_CHAN_RECEIVE, LEAKY, 1);
    s[2] = tb_new(STRAND_FORMAT_TRACEBACK, "c");
    tb_gs(s[2], 10, 9, "chan receive", STRAND_KIND_CHAN_RECEIVE, LEAKY, 1, &LEAKY_CB);
    strand_report *r = series(s, 3, NULL);
    const strand_finding *f = at(r, "main.consume");
    check_counts(f, (const int64_t[]){5, 7, 9}, 3);
    size_t ni;
    assert_non_null(strand_report_inputs(r, &ni));
    assert_int_equal(ni, 3);
    assert_int_equal(strand_report_goroutines(r), 9);
    free_all(s, 3, r);
}

/* Empty snapshots in a series are fine. */
static void test_empty_series(void **state)
{
    (void)state;
    strand_snapshot *s[2] = {tb_new(STRAND_FORMAT_TRACEBACK, "a"),
                             tb_new(STRAND_FORMAT_PPROF_TEXT, "b")};
    strand_report *r = series(s, 2, NULL);
    size_t n = 9;
    assert_null(strand_report_findings(r, &n));
    assert_int_equal(n, 0);
    free_all(s, 2, r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stuck_and_steady),
        cmocka_unit_test(test_growing_records_and_rate),
        cmocka_unit_test(test_shrinking_no_rate),
        cmocka_unit_test(test_spinning),
        cmocka_unit_test(test_baseline_new_and_gone),
        cmocka_unit_test(test_cross_format_matching),
        cmocka_unit_test(test_merged_finding_trend),
        cmocka_unit_test(test_refuses_other_process),
        cmocka_unit_test(test_accepts_same_process),
        cmocka_unit_test(test_empty_series),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
