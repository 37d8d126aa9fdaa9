/* test_analyze.c - strand_analyze on one snapshot: classes, verdicts, sites,
 * counts, the class table, the benign table, ignore rules, edge sizes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "snap_build.h"

/* ---- helpers ------------------------------------------------------------------ */

static strand_report *analyze1(const strand_snapshot *s, const strand_analyze_options *o)
{
    strand_error err = {0};
    strand_report *r = strand_analyze(&s, 1, o, &err);
    assert_non_null(r);
    return r;
}

static strand_snapshot *text(const char *t)
{
    strand_error err = {0};
    strand_read_options ro = {0};
    ro.name = "inline";
    strand_snapshot *s = strand_read_mem(t, strlen(t), &ro, &err);
    assert_non_null(s);
    return s;
}

static const strand_finding none_found;

/* The findings; never NULL (an empty report gives a static empty array). */
static const strand_finding *all_of(const strand_report *r, size_t *n)
{
    const strand_finding *f = strand_report_findings(r, n);
    return f ? f : &none_found;
}

/* The finding whose site function is `func`, or NULL. */
static const strand_finding *find(const strand_report *r, const char *func)
{
    size_t n;
    const strand_finding *f = all_of(r, &n);
    for (size_t i = 0; i < n; i++)
        if (strcmp(f[i].site.function, func) == 0)
            return &f[i];
    return NULL;
}

/* The finding at `func`; fails the test when there is none. */
static const strand_finding *at(const strand_report *r, const char *func)
{
    const strand_finding *f = find(r, func);
    if (!f) {
        fail_msg("no finding at %s", func);
        return &none_found;
    }
    return f;
}

static size_t count_verdict(const strand_report *r, strand_verdict v)
{
    size_t n, k = 0;
    const strand_finding *f = all_of(r, &n);
    for (size_t i = 0; i < n; i++)
        k += f[i].verdict == v;
    return k;
}

static void expect(const strand_report *r, const char *func, const char *cls, strand_verdict v,
                   uint64_t count)
{
    const strand_finding *f = at(r, func);
    if (!f->cls)
        return;
    if (strcmp(f->cls->id, cls) != 0 || f->verdict != v || f->count != count)
        fail_msg("%s: got %s/%s/%llu, want %s/%s/%llu", func, f->cls->id,
                 strand_verdict_name(f->verdict), (unsigned long long)f->count, cls,
                 strand_verdict_name(v), (unsigned long long)count);
}

static bool has_evidence(const strand_finding *f, const char *needle)
{
    for (size_t i = 0; i < f->n_evidence; i++)
        if (strstr(f->evidence[i], needle))
            return true;
    return false;
}

/* ---- the class table ------------------------------------------------------------ */

static void test_class_table(void **state)
{
    (void)state;
    static const char *const design[] = {
        "chan-send", "chan-receive-never-closed", "chan-receive-no-cancel", "select-never-ready",
        "nil-channel", "select-no-cases", "waitgroup-missing-done", "mutex-no-holder",
        "lock-order-deadlock", "cond-wait-no-signal", "net-read-no-deadline",
        "http-client-no-timeout", "listener-never-closed", "ticker-never-stopped",
        "timer-time-after", "errgroup-no-cancel", "worker-pool-never-closed",
        "deadlock-both-blocked", "producer-died-no-close", "busy-loop", "not-a-leak-steady-state",
        "identical-stacks-different-causes", "slow-producer-not-a-leak", "goleak-race-slow-exit",
        "stripped-symbols", "benign", "waiting", "growing-population",
    };
    for (size_t i = 0; i < NF(design); i++) {
        const strand_class_info *c = strand_class_find(design[i]);
        if (!c)
            fail_msg("class %s missing", design[i]);
        assert_true(strlen(c->title) > 5 && strlen(c->clue) > 20 && strlen(c->cause) > 20);
        assert_true(strlen(c->fix) > 10 && strlen(c->example_bug) > 5 && strlen(c->example_fix) > 5);
    }
    size_t n;
    const strand_class_info *all = strand_classes(&n);
    assert_int_equal(n, NF(design));
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++)
            assert_string_not_equal(all[i].id, all[j].id);
    assert_null(strand_class_find("no-such-class"));
    assert_null(strand_class_find(NULL));
    assert_int_equal(strand_class_find("busy-loop")->verdict, STRAND_VERDICT_SUSPECT);
    assert_int_equal(strand_class_find("benign")->verdict, STRAND_VERDICT_OK);
}

static void test_names(void **state)
{
    (void)state;
    assert_string_equal(strand_verdict_name(STRAND_VERDICT_LEAK), "leak");
    assert_string_equal(strand_verdict_name(STRAND_VERDICT_SUSPECT), "suspect");
    assert_string_equal(strand_verdict_name(STRAND_VERDICT_OK), "ok");
    assert_string_equal(strand_trend_name(STRAND_TREND_NONE), "");
    assert_string_equal(strand_trend_name(STRAND_TREND_GROWING), "growing");
    assert_string_equal(strand_trend_name(STRAND_TREND_SPINNING), "spinning");
    assert_string_equal(strand_trend_name(STRAND_TREND_NOISY), "noisy");
    assert_string_equal(strand_trend_name((strand_trend_shape)99), "");
}

/* ---- sizes: zero, one, a million ------------------------------------------------- */

static void test_empty_snapshot(void **state)
{
    (void)state;
    strand_snapshot *s = tb_new(STRAND_FORMAT_TRACEBACK, "empty");
    strand_report *r = analyze1(s, NULL);
    size_t n = 99;
    assert_null(strand_report_findings(r, &n));
    assert_int_equal(n, 0);
    assert_int_equal(strand_report_goroutines(r), 0);
    size_t ni;
    const strand_input_summary *in = strand_report_inputs(r, &ni);
    assert_int_equal(ni, 1);
    assert_string_equal(in[0].name, "empty");
    strand_report_free(r);
    strand_snapshot_free(s);
}

static void test_one_goroutine(void **state)
{
    (void)state;
    strand_snapshot *s = tb_new(STRAND_FORMAT_TRACEBACK, "one");
    static const tf work[] = {{"main.work", "/src/main.go", 55}};
    static const tf mainf = {"main.main", "/src/main.go", 60};
    tb_g(s, 18, "chan send", STRAND_KIND_CHAN_SEND, work, 1, &mainf);
    strand_report *r = analyze1(s, NULL);
    expect(r, "main.work", "chan-send", STRAND_VERDICT_LEAK, 1);
    const strand_finding *f = at(r, "main.work");
    assert_string_equal(f->site.file, "/src/main.go");
    assert_int_equal(f->site.line, 55);
    assert_string_equal(f->created_by.function, "main.main");
    assert_int_equal(f->n_goroutine_ids, 1);
    assert_int_equal(f->goroutine_ids[0], 18);
    assert_string_equal(f->state, "chan send");
    assert_non_null(strstr(f->cause, "main.go:55"));
    assert_non_null(strstr(f->fix, "main.go:55"));
    strand_report_free(r);
    strand_snapshot_free(s);
}

static void test_million(void **state)
{
    (void)state;
    strand_snapshot *s = tb_new(STRAND_FORMAT_TRACEBACK, "big");
    static const tf f1[] = {{"main.leak.func1", "/src/main.go", 12}};
    static const tf f2[] = {{"main.reader", "/src/main.go", 23}};
    static const tf cb = {"main.leak", "/src/main.go", 10};
    static const tf mainf = {"main.main", "/src/main.go", 30};
    tb_gs(s, 1000, 999000, "chan send", STRAND_KIND_CHAN_SEND, f1, 1, &cb);
    tb_gs(s, 2000000, 1000, "chan receive", STRAND_KIND_CHAN_RECEIVE, f2, 1, &mainf);
    clock_t t0 = clock();
    strand_report *r = analyze1(s, NULL);
    double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
    expect(r, "main.leak.func1", "chan-send", STRAND_VERDICT_LEAK, 999000);
    assert_int_equal(at(r, "main.leak.func1")->n_goroutine_ids, 999000);
    assert_true(secs < 10.0); /* linear: well under a second without sanitizers */
    strand_report_free(r);
    strand_snapshot_free(s);
}

/* Many distinct stacks: grouping and the cross-group passes stay linear. */
static void test_many_groups(void **state)
{
    (void)state;
    strand_snapshot *s = tb_new(STRAND_FORMAT_TRACEBACK, "wide");
    char name[64];
    for (uint32_t i = 0; i < 20000; i++) {
        snprintf(name, sizeof name, "main.f%u", i);
        tf fr[] = {{name, "/src/main.go", i + 1}};
        tb_g(s, i + 1, "select", STRAND_KIND_SELECT, fr, 1, NULL);
    }
    clock_t t0 = clock();
    strand_report *r = analyze1(s, NULL);
    double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
    size_t n;
    all_of(r, &n);
    assert_int_equal(n, 20000);
    assert_true(secs < 10.0);
    strand_report_free(r);
    strand_snapshot_free(s);
}

/* ---- scenario shapes, from text ------------------------------------------------------ */

static const char notify_dump[] = "goroutine 1 [running]:\n"
                                  "runtime/pprof.writeGoroutineStacks({0x5, 0xc})\n"
                                  "\t/usr/lib/go-1.19/src/runtime/pprof/pprof.go:692 +0x85\n"
                                  "main.main()\n"
                                  "\t/src/main.go:49 +0x1fa\n"
                                  "\n"
                                  "goroutine 7 [chan receive]:\n"
                                  "main.reader(0x0?)\n"
                                  "\t/src/main.go:23 +0x59\n"
                                  "created by main.main\n"
                                  "\t/src/main.go:39 +0x6a\n"
                                  "\n"
                                  "goroutine 8 [chan receive]:\n"
                                  "main.reader(0x0?)\n"
                                  "\t/src/main.go:23 +0x59\n"
                                  "created by main.main\n"
                                  "\t/src/main.go:39 +0x6a\n"
                                  "\n"
                                  "goroutine 106 [chan send]:\n"
                                  "main.notifySubscribers.func1()\n"
                                  "\t/src/notify.go:42 +0x3c\n"
                                  "created by main.notifySubscribers\n"
                                  "\t/src/notify.go:40 +0x6a\n"
                                  "\n"
                                  "goroutine 113 [chan send]:\n"
                                  "main.notifySubscribers.func1()\n"
                                  "\t/src/notify.go:42 +0x3c\n"
                                  "created by main.notifySubscribers\n"
                                  "\t/src/notify.go:40 +0x6a\n"
                                  "\n"
                                  "goroutine 133 [chan send]:\n"
                                  "main.notifySubscribers.func1()\n"
                                  "\t/src/notify.go:42 +0x3c\n"
                                  "created by main.notifySubscribers\n"
                                  "\t/src/notify.go:40 +0x6a\n";

static void test_chan_send_and_live_readers(void **state)
{
    (void)state;
    strand_snapshot *s = text(notify_dump);
    strand_report *r = analyze1(s, NULL);
    expect(r, "main.notifySubscribers.func1", "chan-send", STRAND_VERDICT_LEAK, 3);
    expect(r, "main.reader", "not-a-leak-steady-state", STRAND_VERDICT_OK, 2);
    const strand_finding *f = at(r, "main.notifySubscribers.func1");
    assert_true(has_evidence(f, "3 of 6 goroutines"));
    assert_true(has_evidence(f, "created by main.notifySubscribers"));
    assert_int_equal(f->n_goroutine_ids, 3);
    assert_int_equal(f->goroutine_ids[0], 106);
    assert_int_equal(f->goroutine_ids[2], 133);
    /* sorted: the leak first */
    size_t n;
    const strand_finding *all = all_of(r, &n);
    assert_int_equal(all[0].verdict, STRAND_VERDICT_LEAK);
    for (size_t i = 1; i < n; i++)
        assert_true(all[i - 1].verdict > all[i].verdict ||
                    (all[i - 1].verdict == all[i].verdict && all[i - 1].count >= all[i].count));
    strand_report_free(r);
    strand_snapshot_free(s);
}

/* The report owns its strings: it outlives the snapshot. */
static void test_report_outlives_snapshot(void **state)
{
    (void)state;
    strand_snapshot *s = text(notify_dump);
    strand_report *r = analyze1(s, NULL);
    strand_snapshot_free(s);
    const strand_finding *f = at(r, "main.notifySubscribers.func1");
    assert_string_equal(f->site.file, "/src/notify.go");
    assert_string_equal(f->created_by.function, "main.notifySubscribers");
    assert_true(f->n_stack >= 1);
    assert_string_equal(f->stack[0].function, "main.notifySubscribers.func1");
    assert_non_null(strstr(f->evidence[0], "notify.go:42"));
    size_t ni;
    assert_string_equal(strand_report_inputs(r, &ni)[0].name, "inline");
    strand_report_free(r);
}

static const char http_idle[] =
    "goroutine 9 [IO wait]:\n"
    "internal/poll.runtime_pollWait(0x7f, 0x72)\n"
    "\t/usr/lib/go-1.19/src/runtime/netpoll.go:305 +0x89\n"
    "net.(*conn).Read(0xc)\n"
    "\t/usr/lib/go-1.19/src/net/net.go:183 +0x45\n"
    "net/http.(*persistConn).Read(0xc)\n"
    "\t/usr/lib/go-1.19/src/net/http/transport.go:1929 +0x4e\n"
    "bufio.(*Reader).Peek(0xc, 0x1)\n"
    "\t/usr/lib/go-1.19/src/bufio/bufio.go:144 +0x5d\n"
    "net/http.(*persistConn).readLoop(0xc)\n"
    "\t/usr/lib/go-1.19/src/net/http/transport.go:2093 +0x1ac\n"
    "created by net/http.(*Transport).dialConn\n"
    "\t/usr/lib/go-1.19/src/net/http/transport.go:1751 +0x173e\n"
    "\n"
    "goroutine 10 [select]:\n"
    "net/http.(*persistConn).writeLoop(0xc)\n"
    "\t/usr/lib/go-1.19/src/net/http/transport.go:2392 +0xf5\n"
    "created by net/http.(*Transport).dialConn\n"
    "\t/usr/lib/go-1.19/src/net/http/transport.go:1752 +0x1791\n"
    "\n";

static const char http_caller[] =
    "goroutine 5 [select]:\n"
    "net/http.(*persistConn).roundTrip(0xc, 0xc)\n"
    "\t/usr/lib/go-1.19/src/net/http/transport.go:2620 +0x974\n"
    "net/http.(*Transport).roundTrip(0x0, 0xc)\n"
    "\t/usr/lib/go-1.19/src/net/http/transport.go:595 +0x7ba\n"
    "net/http.(*Client).Get(...)\n"
    "\t/usr/lib/go-1.19/src/net/http/client.go:479\n"
    "main.fetchStatus({0xc, 0x1f})\n"
    "\t/src/main.go:27 +0x66\n"
    "created by main.main\n"
    "\t/src/main.go:79 +0x1e5\n"
    "\n";

static void test_http_keepalive_is_benign(void **state)
{
    (void)state;
    strand_snapshot *s = text(http_idle);
    strand_report *r = analyze1(s, NULL);
    assert_int_equal(count_verdict(r, STRAND_VERDICT_LEAK), 0);
    assert_int_equal(count_verdict(r, STRAND_VERDICT_SUSPECT), 0);
    expect(r, "net/http.(*persistConn).readLoop", "benign", STRAND_VERDICT_OK, 1);
    expect(r, "net/http.(*persistConn).writeLoop", "benign", STRAND_VERDICT_OK, 1);
    strand_report_free(r);
    strand_snapshot_free(s);
}

/* A hung request is three goroutines, one finding. */
static void test_http_hung_request_one_finding(void **state)
{
    (void)state;
    char buf[4096];
    snprintf(buf, sizeof buf, "%s%s", http_caller, http_idle);
    strand_snapshot *s = text(buf);
    strand_report *r = analyze1(s, NULL);
    const strand_finding *f = at(r, "main.fetchStatus");
    assert_string_equal(f->cls->id, "http-client-no-timeout");
    assert_int_equal(f->count, 3);
    assert_int_equal(f->group_members, 3);
    assert_true(f->verdict >= STRAND_VERDICT_SUSPECT);
    assert_null(find(r, "net/http.(*persistConn).readLoop"));
    assert_null(find(r, "net/http.(*persistConn).writeLoop"));
    assert_int_equal(f->n_goroutine_ids, 3);
    strand_report_free(r);
    strand_snapshot_free(s);
}

static void test_known_benign(void **state)
{
    (void)state;
    strand_snapshot *s = tb_new(STRAND_FORMAT_TRACEBACK, "benign");
    static const tf sig[] = {{"os/signal.signal_recv", "/go/src/runtime/sigqueue.go", 152},
                             {"os/signal.loop", "/go/src/os/signal/signal_unix.go", 23}};
    static const tf harness[] = {{"testing.(*T).Run", "/go/src/testing/testing.go", 1494},
                                 {"testing.runTests.func1", "/go/src/testing/testing.go", 1846},
                                 {"main.main", "_testmain.go", 49}};
    static const tf opener[] = {{"database/sql.(*DB).connectionOpener", "/go/src/database/sql/sql.go", 1218}};
    static const tf serve[] = {{"internal/poll.runtime_pollWait", "/go/src/runtime/netpoll.go", 305},
                               {"net.(*TCPListener).Accept", "/go/src/net/tcpsock.go", 288},
                               {"net/http.(*Server).Serve", "/go/src/net/http/server.go", 3070},
                               {"main.main", "/src/main.go", 20}};
    tb_g(s, 1, "running", STRAND_KIND_RUNNING, TB_WRITER, NF(TB_WRITER), NULL);
    tb_g(s, 2, "syscall", STRAND_KIND_SYSCALL, sig, NF(sig), NULL);
    tb_g(s, 3, "chan receive", STRAND_KIND_CHAN_RECEIVE, harness, NF(harness), NULL);
    tb_g(s, 4, "select", STRAND_KIND_SELECT, opener, NF(opener), NULL);
    tb_g(s, 5, "IO wait", STRAND_KIND_IO, serve, NF(serve), NULL);
    strand_report *r = analyze1(s, NULL);
    size_t n;
    const strand_finding *f = all_of(r, &n);
    assert_int_equal(n, 5);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(f[i].verdict, STRAND_VERDICT_OK);
        assert_string_equal(f[i].cls->id, "benign");
    }
    strand_report_free(r);
    strand_snapshot_free(s);
}

/* A user handler parked inside net/http's connection goroutine is user code. */
static void test_handler_inside_library_is_judged(void **state)
{
    (void)state;
    strand_snapshot *s = tb_new(STRAND_FORMAT_TRACEBACK, "handler");
    static const tf h[] = {{"main.handler", "/src/main.go", 12},
                           {"net/http.HandlerFunc.ServeHTTP", "/go/src/net/http/server.go", 2109},
                           {"net/http.(*conn).serve", "/go/src/net/http/server.go", 1995}};
    static const tf cb = {"net/http.(*Server).Serve", "/go/src/net/http/server.go", 3102};
    tb_gs(s, 10, 4, "chan send", STRAND_KIND_CHAN_SEND, h, NF(h), &cb);
    strand_report *r = analyze1(s, NULL);
    expect(r, "main.handler", "chan-send", STRAND_VERDICT_LEAK, 4);
    strand_report_free(r);
    strand_snapshot_free(s);
}

static void test_ignore_rules(void **state)
{
    (void)state;
    strand_snapshot *s = text(notify_dump);
    strand_ignore rules[] = {{STRAND_IGNORE_TOP, "main.notifySubscribers.func1"}};
    strand_analyze_options o = {0};
    o.ignores = rules;
    o.n_ignores = 1;
    strand_report *r = analyze1(s, &o);
    expect(r, "main.notifySubscribers.func1", "benign", STRAND_VERDICT_OK, 3);
    assert_true(has_evidence(at(r, "main.notifySubscribers.func1"), "--ignore-top"));
    strand_report_free(r);

    rules[0] = (strand_ignore){STRAND_IGNORE_CREATED_BY, "main.notifySubscribers"};
    r = analyze1(s, &o);
    expect(r, "main.notifySubscribers.func1", "benign", STRAND_VERDICT_OK, 3);
    strand_report_free(r);

    rules[0] = (strand_ignore){STRAND_IGNORE_ANY, "main.notifySubscribers.func1"};
    r = analyze1(s, &o);
    expect(r, "main.notifySubscribers.func1", "benign", STRAND_VERDICT_OK, 3);
    strand_report_free(r);

    /* goleak compares exact names: a prefix does not match */
    rules[0] = (strand_ignore){STRAND_IGNORE_TOP, "main.notifySubscribers"};
    r = analyze1(s, &o);
    expect(r, "main.notifySubscribers.func1", "chan-send", STRAND_VERDICT_LEAK, 3);
    strand_report_free(r);
    strand_snapshot_free(s);
}

static void test_min_count(void **state)
{
    (void)state;
    strand_snapshot *s = text(notify_dump);
    strand_analyze_options o = {0};
    o.min_count = 3;
    strand_report *r = analyze1(s, &o);
    assert_non_null(at(r, "main.notifySubscribers.func1"));
    assert_null(find(r, "main.reader"));
    strand_report_free(r);
    strand_snapshot_free(s);
}

/* ---- sync primitives ------------------------------------------------------------------ */

static const tf WG_WAIT[] = {{"sync.runtime_Semacquire", "/go/src/runtime/sema.go", 62},
                             {"sync.(*WaitGroup).Wait", "/go/src/sync/waitgroup.go", 139},
                             {"main.RunAll", "/src/run.go", 18}};

static void test_waitgroup_missing_done(void **state)
{
    (void)state;
    strand_snapshot *s = tb_new(STRAND_FORMAT_TRACEBACK, "wg");
    static const tf cb = {"main.main", "/src/main.go", 20};
    tb_g(s, 1, "running", STRAND_KIND_RUNNING, TB_WRITER, NF(TB_WRITER), NULL);
    tb_g(s, 18, "semacquire", STRAND_KIND_WAITGROUP, WG_WAIT, NF(WG_WAIT), &cb);
    strand_report *r = analyze1(s, NULL);
    expect(r, "main.RunAll", "waitgroup-missing-done", STRAND_VERDICT_LEAK, 1);
    assert_int_equal(at(r, "main.RunAll")->site.line, 18);
    strand_report_free(r);
    strand_snapshot_free(s);
}

static void test_worker_pool_drain(void **state)
{
    (void)state;
    strand_snapshot *s = tb_new(STRAND_FORMAT_TRACEBACK, "pool");
    static const tf worker[] = {{"main.(*Pool).worker", "/src/main.go", 49}};
    static const tf drain[] = {{"sync.runtime_Semacquire", "/go/src/runtime/sema.go", 62},
                               {"sync.(*WaitGroup).Wait", "/go/src/sync/waitgroup.go", 139},
                               {"main.(*Pool).Drain", "/src/main.go", 57},
                               {"main.main", "/src/main.go", 72}};
    static const tf cb = {"main.NewPool", "/src/main.go", 42};
    tb_gs(s, 19, 8, "chan receive", STRAND_KIND_CHAN_RECEIVE, worker, 1, &cb);
    tb_g(s, 1, "semacquire", STRAND_KIND_WAITGROUP, drain, NF(drain), NULL);
    strand_report *r = analyze1(s, NULL);
    expect(r, "main.(*Pool).worker", "worker-pool-never-closed", STRAND_VERDICT_LEAK, 9);
    assert_null(find(r, "main.(*Pool).Drain"));
    assert_int_equal(at(r, "main.(*Pool).worker")->group_members, 2);
    strand_report_free(r);
    strand_snapshot_free(s);
}

static void test_errgroup(void **state)
{
    (void)state;
    strand_snapshot *s = tb_new(STRAND_FORMAT_TRACEBACK, "eg");
    static const tf w[] = {{"main.process.func1", "/src/main.go", 14},
                           {"golang.org/x/sync/errgroup.(*Group).Go.func1", "/x/errgroup.go", 75}};
    static const tf wait[] = {{"sync.runtime_Semacquire", "/go/src/runtime/sema.go", 62},
                              {"sync.(*WaitGroup).Wait", "/go/src/sync/waitgroup.go", 139},
                              {"golang.org/x/sync/errgroup.(*Group).Wait", "/x/errgroup.go", 53},
                              {"main.process", "/src/main.go", 18}};
    static const tf cb = {"golang.org/x/sync/errgroup.(*Group).Go", "/x/errgroup.go", 72};
    static const tf cbm = {"main.main", "/src/main.go", 29};
    tb_gs(s, 17, 98, "chan send", STRAND_KIND_CHAN_SEND, w, NF(w), &cb);
    tb_g(s, 6, "semacquire", STRAND_KIND_WAITGROUP, wait, NF(wait), &cbm);
    strand_report *r = analyze1(s, NULL);
    expect(r, "main.process.func1", "errgroup-no-cancel", STRAND_VERDICT_LEAK, 99);
    assert_null(find(r, "main.process"));
    strand_report_free(r);
    strand_snapshot_free(s);
}

static const tf LOCK_ADD[] = {{"sync.runtime_SemacquireMutex", "/go/src/runtime/sema.go", 77},
                              {"sync.(*Mutex).lockSlow", "/go/src/sync/mutex.go", 171},
                              {"sync.(*Mutex).Lock", "/go/src/sync/mutex.go", 90},
                              {"main.(*Inventory).Add", "/src/main.go", 32}};
static const tf LOCK_TOTAL[] = {{"sync.runtime_SemacquireMutex", "/go/src/runtime/sema.go", 77},
                                {"sync.(*Mutex).lockSlow", "/go/src/sync/mutex.go", 171},
                                {"sync.(*Mutex).Lock", "/go/src/sync/mutex.go", 90},
                                {"main.(*Inventory).Total", "/src/main.go", 39},
                                {"main.main", "/src/main.go", 80}};

/* ---- a busy service is not a leak (tests/healthy) ------------------------------ */

static const tf EG_CB = {"golang.org/x/sync/errgroup.(*Group).Go", "/x/errgroup.go", 72};
static const tf EG_GETCONN[] = {
    {"net/http.(*Transport).getConn", "/go/src/net/http/transport.go", 1376},
    {"net/http.(*Transport).roundTrip", "/go/src/net/http/transport.go", 582},
    {"net/http.(*Client).Do", "/go/src/net/http/client.go", 581},
    {"main.(*service).fetch", "/src/backend.go", 35},
    {"main.(*service).handleOrder.func1", "/src/api.go", 45},
    {"golang.org/x/sync/errgroup.(*Group).Go.func1", "/x/errgroup.go", 75}};
static const tf EG_ROUNDTRIP[] = {
    {"net/http.(*persistConn).roundTrip", "/go/src/net/http/transport.go", 2620},
    {"net/http.(*Transport).roundTrip", "/go/src/net/http/transport.go", 595},
    {"net/http.(*Client).Do", "/go/src/net/http/client.go", 581},
    {"main.(*service).fetch", "/src/backend.go", 35},
    {"main.(*service).handleOrder.func1", "/src/api.go", 45},
    {"golang.org/x/sync/errgroup.(*Group).Go.func1", "/x/errgroup.go", 75}};
static const tf EG_WAIT_ORDER[] = {
    {"sync.runtime_Semacquire", "/go/src/runtime/sema.go", 62},
    {"sync.(*WaitGroup).Wait", "/go/src/sync/waitgroup.go", 139},
    {"golang.org/x/sync/errgroup.(*Group).Wait", "/x/errgroup.go", 53},
    {"main.(*service).handleOrder", "/src/api.go", 50},
    {"net/http.(*conn).serve", "/go/src/net/http/server.go", 1995}};
static const tf CONN_READ[] = {
    {"internal/poll.runtime_pollWait", "/go/src/runtime/netpoll.go", 305},
    {"net.(*conn).Read", "/go/src/net/net.go", 183},
    {"net/http.(*persistConn).Read", "/go/src/net/http/transport.go", 1929},
    {"net/http.(*persistConn).readLoop", "/go/src/net/http/transport.go", 2093}};
static const tf CONN_WRITE[] = {
    {"net/http.(*persistConn).writeLoop", "/go/src/net/http/transport.go", 2392}};
static const tf DIAL_CB = {"net/http.(*Transport).dialConn", "/go/src/net/http/transport.go", 1751};
static const tf SERVE_CB = {"net/http.(*Server).Serve", "/go/src/net/http/server.go", 3102};

/* errgroup workers of a saturated client pool: queued in Transport.getConn
 * for a connection, or in flight; the callers in Group.Wait. HTTP requests
 * the network will end, not workers parked for ever. */
static void test_errgroup_http_in_flight(void **state)
{
    (void)state;
    strand_snapshot *s = tb_new(STRAND_FORMAT_TRACEBACK, "busy");
    tb_gs(s, 1000, 120, "select", STRAND_KIND_SELECT, EG_GETCONN, NF(EG_GETCONN), &EG_CB);
    tb_gs(s, 2000, 32, "select", STRAND_KIND_SELECT, EG_ROUNDTRIP, NF(EG_ROUNDTRIP), &EG_CB);
    tb_gs(s, 3000, 32, "IO wait", STRAND_KIND_IO, CONN_READ, NF(CONN_READ), &DIAL_CB);
    tb_gs(s, 4000, 32, "select", STRAND_KIND_SELECT, CONN_WRITE, NF(CONN_WRITE), &DIAL_CB);
    tb_gs(s, 5000, 50, "semacquire", STRAND_KIND_WAITGROUP, EG_WAIT_ORDER, NF(EG_WAIT_ORDER),
          &SERVE_CB);
    static const tf tcp[] = {{"internal/poll.runtime_pollWait", "/go/src/runtime/netpoll.go", 305},
                             {"net.(*conn).Read", "/go/src/net/net.go", 183},
                             {"bufio.(*Reader).ReadString", "/go/src/bufio/bufio.go", 495},
                             {"main.(*tcpServer).serveConn", "/src/tcp.go", 68}};
    static const tf tcp_cb = {"main.(*tcpServer).acceptLoop", "/src/tcp.go", 56};
    tb_gs(s, 6000, 12, "IO wait", STRAND_KIND_IO, tcp, NF(tcp), &tcp_cb);
    strand_report *r = analyze1(s, NULL);
    assert_int_equal(count_verdict(r, STRAND_VERDICT_LEAK), 0);
    size_t n;
    const strand_finding *f = all_of(r, &n);
    size_t http = 0;
    for (size_t i = 0; i < n; i++) {
        if (strcmp(f[i].cls->id, "errgroup-no-cancel") == 0)
            fail_msg("errgroup-no-cancel for HTTP requests in flight");
        if (strcmp(f[i].cls->id, "http-client-no-timeout") == 0) {
            assert_int_equal(f[i].verdict, STRAND_VERDICT_SUSPECT);
            assert_string_equal(f[i].site.function, "main.(*service).fetch");
            http++;
            if (f[i].count == 120)
                assert_true(has_evidence(&f[i], "Transport).getConn"));
            else
                assert_int_equal(f[i].count, 96); /* caller + readLoop + writeLoop */
        }
    }
    assert_int_equal(http, 2);
    strand_report_free(r);
    strand_snapshot_free(s);
}

/* 40 requests in flight are 120 goroutines: a busy client, not a mass of
 * hung ones, while the rest of the process is busy too; the same requests
 * with nothing else running or waiting on I/O are hung. */
static void test_http_busy_client_vs_hung(void **state)
{
    (void)state;
    static const tf tick[] = {{"time.Sleep", "/go/src/runtime/time.go", 195},
                              {"main.ticker", "/src/main.go", 12}};
    static const tf cb = {"main.main", "/src/main.go", 40};
    for (int alone = 0; alone < 2; alone++) {
        strand_snapshot *s = tb_new(STRAND_FORMAT_TRACEBACK, "busy");
        tb_gs(s, 1000, 40, "select", STRAND_KIND_SELECT, EG_ROUNDTRIP, NF(EG_ROUNDTRIP), &EG_CB);
        tb_gs(s, 2000, 40, "IO wait", STRAND_KIND_IO, CONN_READ, NF(CONN_READ), &DIAL_CB);
        tb_gs(s, 3000, 40, "select", STRAND_KIND_SELECT, CONN_WRITE, NF(CONN_WRITE), &DIAL_CB);
        if (!alone)
            tb_gs(s, 4000, 150, "sleep", STRAND_KIND_SLEEP, tick, NF(tick), &cb);
        strand_report *r = analyze1(s, NULL);
        expect(r, "main.(*service).fetch", "http-client-no-timeout",
               alone ? STRAND_VERDICT_LEAK : STRAND_VERDICT_SUSPECT, 120);
        strand_report_free(r);
        strand_snapshot_free(s);
    }
}

/* debug=1 hides the runtime frames: an errgroup worker whose wait cannot be
 * told (an allocation waiting for a GC, say) is not a parked worker. */
static void test_errgroup_unknown_wait(void **state)
{
    (void)state;
    static const tf w[] = {{"main.(*service).handleOrder.func1", "/src/api.go", 45},
                           {"golang.org/x/sync/errgroup.(*Group).Go.func1", "/x/errgroup.go", 75}};
    strand_snapshot *s = tb_new(STRAND_FORMAT_PPROF_TEXT, "gc");
    tb_rec(s, 7, STRAND_KIND_UNKNOWN, w, NF(w));
    tb_rec(s, 7, STRAND_KIND_WAITGROUP, EG_WAIT_ORDER, NF(EG_WAIT_ORDER));
    tb_rec(s, 12, STRAND_KIND_IO, CONN_READ, NF(CONN_READ)); /* the process is busy */
    strand_report *r = analyze1(s, NULL);
    const strand_finding *f = at(r, "main.(*service).handleOrder.func1");
    assert_string_not_equal(f->cls->id, "errgroup-no-cancel");
    assert_int_equal(count_verdict(r, STRAND_VERDICT_LEAK), 0);
    strand_report_free(r);
    strand_snapshot_free(s);
}

/* [semacquire] under the user's own frame: a runtime semaphore (an
 * allocation waiting for a GC to start), not the user's lock. */
static void test_runtime_semacquire(void **state)
{
    (void)state;
    static const tf alloc[] = {{"main.(*service).handleOrder.func1", "/src/api.go", 45},
                               {"golang.org/x/sync/errgroup.(*Group).Go.func1", "/x/errgroup.go",
                                75}};
    strand_snapshot *s = tb_new(STRAND_FORMAT_TRACEBACK, "gc");
    tb_gs(s, 100, 5, "semacquire", STRAND_KIND_MUTEX, alloc, NF(alloc), &EG_CB);
    tb_gs(s, 200, 3, "semacquire", STRAND_KIND_MUTEX, LOCK_ADD, NF(LOCK_ADD), NULL);
    strand_report *r = analyze1(s, NULL);
    const strand_finding *f = at(r, "main.(*service).handleOrder.func1");
    assert_int_equal(f->verdict, STRAND_VERDICT_OK);
    assert_int_equal(f->kind, STRAND_KIND_RUNNABLE);
    assert_true(has_evidence(f, "runtime semaphore"));
    /* a real mutex wait keeps its kind; the GC waiters are live and may hold it */
    f = at(r, "main.(*Inventory).Add");
    assert_int_equal(f->kind, STRAND_KIND_MUTEX);
    assert_int_equal(count_verdict(r, STRAND_VERDICT_LEAK), 0);
    strand_report_free(r);
    strand_snapshot_free(s);
}

static void test_mutex_no_holder(void **state)
{
    (void)state;
    strand_snapshot *s = tb_new(STRAND_FORMAT_TRACEBACK, "mu");
    static const tf cb = {"main.main", "/src/main.go", 77};
    tb_gs(s, 20, 4, "semacquire", STRAND_KIND_MUTEX, LOCK_ADD, NF(LOCK_ADD), &cb);
    tb_g(s, 1, "semacquire", STRAND_KIND_MUTEX, LOCK_TOTAL, NF(LOCK_TOTAL), NULL);
    strand_report *r = analyze1(s, NULL);
    expect(r, "main.(*Inventory).Add", "mutex-no-holder", STRAND_VERDICT_LEAK, 5);
    strand_report_free(r);
    strand_snapshot_free(s);
}

/* Lock contention while a holder is running is not a leak. */
static void test_mutex_contention_ok(void **state)
{
    (void)state;
    strand_snapshot *s = tb_new(STRAND_FORMAT_TRACEBACK, "mu2");
    static const tf busy[] = {{"main.(*Inventory).recount", "/src/main.go", 50}};
    static const tf cb = {"main.main", "/src/main.go", 77};
    tb_gs(s, 20, 4, "semacquire", STRAND_KIND_MUTEX, LOCK_ADD, NF(LOCK_ADD), &cb);
    tb_g(s, 30, "running", STRAND_KIND_RUNNING, busy, 1, &cb);
    strand_report *r = analyze1(s, NULL);
    assert_int_equal(count_verdict(r, STRAND_VERDICT_LEAK), 0);
    expect(r, "main.(*Inventory).Add", "waiting", STRAND_VERDICT_OK, 4);
    strand_report_free(r);
    strand_snapshot_free(s);
}

/* ---- channels: never judge one stack alone ---------------------------------------- */

static void test_identical_stacks_three_causes(void **state)
{
    (void)state;
    strand_snapshot *s = tb_new(STRAND_FORMAT_TRACEBACK, "pipes");
    static const tf cons[] = {{"main.consume", "/src/main.go", 49}};
    static const tf orders[] = {{"main.produceOrders", "/src/main.go", 62}};
    static const tf inv[] = {{"internal/poll.runtime_pollWait", "/go/src/runtime/netpoll.go", 305},
                             {"net.(*conn).Read", "/go/src/net/net.go", 183},
                             {"bufio.(*Reader).ReadString", "/go/src/bufio/bufio.go", 495},
                             {"main.produceInvoices", "/src/main.go", 74}};
    static const tf cbc = {"main.startConsumer", "/src/main.go", 43};
    static const tf cbm = {"main.main", "/src/main.go", 106};
    tb_g(s, 1, "running", STRAND_KIND_RUNNING, TB_WRITER, NF(TB_WRITER), NULL);
    tb_g(s, 19, "chan receive", STRAND_KIND_CHAN_RECEIVE, cons, 1, &cbc);
    tb_g(s, 20, "chan send", STRAND_KIND_CHAN_SEND, orders, 1, &cbm);
    tb_g(s, 21, "chan receive", STRAND_KIND_CHAN_RECEIVE, cons, 1, &cbc);
    tb_g(s, 22, "IO wait", STRAND_KIND_IO, inv, NF(inv), &cbm);
    tb_g(s, 23, "chan receive", STRAND_KIND_CHAN_RECEIVE, cons, 1, &cbc);
    strand_report *r = analyze1(s, NULL);
    expect(r, "main.consume", "identical-stacks-different-causes", STRAND_VERDICT_LEAK, 3);
    expect(r, "main.produceOrders", "deadlock-both-blocked", STRAND_VERDICT_LEAK, 1);
    expect(r, "main.produceInvoices", "slow-producer-not-a-leak", STRAND_VERDICT_OK, 1);
    const strand_finding *f = at(r, "main.consume");
    assert_true(has_evidence(f, "goroutine 19 <- producer 20"));
    assert_true(has_evidence(f, "goroutine 21 <- producer 22"));
    assert_true(has_evidence(f, "goroutine 23"));
    assert_true(has_evidence(f, "producer-died-no-close"));
    strand_report_free(r);
    strand_snapshot_free(s);
}

/* A healthy pool at rest, fed by HTTP handlers: no leak verdict. */
static void test_healthy_pool_at_rest(void **state)
{
    (void)state;
    strand_snapshot *s = tb_new(STRAND_FORMAT_TRACEBACK, "healthy");
    static const tf worker[] = {{"main.(*Pool).worker", "/src/pool.go", 38}};
    static const tf conn[] = {{"internal/poll.runtime_pollWait", "/go/src/runtime/netpoll.go", 305},
                              {"net.(*conn).Read", "/go/src/net/net.go", 183},
                              {"net/http.(*connReader).Read", "/go/src/net/http/server.go", 786},
                              {"net/http.(*conn).serve", "/go/src/net/http/server.go", 1995}};
    static const tf ln[] = {{"internal/poll.runtime_pollWait", "/go/src/runtime/netpoll.go", 305},
                            {"net.(*TCPListener).Accept", "/go/src/net/tcpsock.go", 288},
                            {"net/http.(*Server).Serve", "/go/src/net/http/server.go", 3070},
                            {"net/http.(*Server).ListenAndServe", "/go/src/net/http/server.go", 2996},
                            {"main.main", "/src/main.go", 30}};
    static const tf cbp = {"main.NewPool", "/src/pool.go", 30};
    static const tf cbs = {"net/http.(*Server).Serve", "/go/src/net/http/server.go", 3102};
    tb_gs(s, 10, 8, "chan receive", STRAND_KIND_CHAN_RECEIVE, worker, 1, &cbp);
    tb_gs(s, 40, 3, "IO wait", STRAND_KIND_IO, conn, NF(conn), &cbs);
    tb_g(s, 1, "IO wait", STRAND_KIND_IO, ln, NF(ln), NULL);
    strand_report *r = analyze1(s, NULL);
    assert_int_equal(count_verdict(r, STRAND_VERDICT_LEAK), 0);
    expect(r, "net/http.(*conn).serve", "benign", STRAND_VERDICT_OK, 3);
    expect(r, "main.main", "benign", STRAND_VERDICT_OK, 1); /* the user frame under Serve */
    strand_report_free(r);
    strand_snapshot_free(s);
}

/* A daemon at rest: main waits for a signal, a pool waits for work. */
static void test_daemon_at_rest(void **state)
{
    (void)state;
    strand_snapshot *s = tb_new(STRAND_FORMAT_TRACEBACK, "daemon");
    static const tf worker[] = {{"main.(*Pool).worker", "/src/pool.go", 38}};
    static const tf mainf[] = {{"main.main", "/src/main.go", 40}};
    static const tf sig[] = {{"os/signal.signal_recv", "/go/src/runtime/sigqueue.go", 152},
                             {"os/signal.loop", "/go/src/os/signal/signal_unix.go", 23}};
    static const tf cbp = {"main.NewPool", "/src/pool.go", 30};
    tb_gs(s, 10, 8, "chan receive", STRAND_KIND_CHAN_RECEIVE, worker, 1, &cbp);
    tb_g(s, 1, "chan receive", STRAND_KIND_CHAN_RECEIVE, mainf, 1, NULL);
    tb_g(s, 5, "syscall", STRAND_KIND_SYSCALL, sig, NF(sig), NULL);
    strand_report *r = analyze1(s, NULL);
    assert_int_equal(count_verdict(r, STRAND_VERDICT_LEAK), 0);
    expect(r, "main.(*Pool).worker", "chan-receive-never-closed", STRAND_VERDICT_SUSPECT, 8);
    strand_report_free(r);
    strand_snapshot_free(s);
}

/* The same pool when nothing at all is left that could feed it. */
static void test_nothing_alive_leaks(void **state)
{
    (void)state;
    strand_snapshot *s = tb_new(STRAND_FORMAT_TRACEBACK, "idle");
    static const tf cons[] = {{"main.consume", "/src/pipe.go", 55}};
    static const tf cb = {"main.startPipeline", "/src/pipe.go", 21};
    tb_g(s, 1, "running", STRAND_KIND_RUNNING, TB_WRITER, NF(TB_WRITER), NULL);
    tb_gs(s, 10, 8, "chan receive", STRAND_KIND_CHAN_RECEIVE, cons, 1, &cb);
    strand_report *r = analyze1(s, NULL);
    expect(r, "main.consume", "chan-receive-never-closed", STRAND_VERDICT_LEAK, 8);
    assert_true(has_evidence(at(r, "main.consume"), "nothing alive can wake them"));
    strand_report_free(r);
    strand_snapshot_free(s);
}

static void test_orphaned_mass_select(void **state)
{
    (void)state;
    strand_snapshot *s = tb_new(STRAND_FORMAT_TRACEBACK, "select");
    static const tf w[] = {{"main.workOnce", "/src/main.go", 24}};
    static const tf cb = {"main.scheduleJobs", "/src/main.go", 34};
    tb_g(s, 1, "running", STRAND_KIND_RUNNING, TB_WRITER, NF(TB_WRITER), NULL);
    tb_gs(s, 5, 200, "select", STRAND_KIND_SELECT, w, 1, &cb);
    strand_report *r = analyze1(s, NULL);
    expect(r, "main.workOnce", "select-never-ready", STRAND_VERDICT_LEAK, 200);
    strand_report_free(r);
    strand_snapshot_free(s);
}

/* Many selects tied to live owners (a reader per connection) are the
 * workload's cost. */
static void test_owned_selects_ok(void **state)
{
    (void)state;
    strand_snapshot *s = tb_new(STRAND_FORMAT_TRACEBACK, "owned");
    static const tf h[] = {{"main.(*Server).handleStream", "/src/server.go", 95}};
    static const tf rd[] = {{"internal/poll.runtime_pollWait", "/go/src/runtime/netpoll.go", 305},
                            {"net.(*conn).Read", "/go/src/net/net.go", 183},
                            {"main.(*Server).serveConn", "/src/server.go", 59}};
    static const tf cbh = {"main.(*Server).serveConn", "/src/server.go", 65};
    static const tf cbr = {"main.(*Server).serve", "/src/server.go", 38};
    tb_gs(s, 100, 1000, "select", STRAND_KIND_SELECT, h, 1, &cbh);
    tb_gs(s, 2000, 100, "IO wait", STRAND_KIND_IO, rd, NF(rd), &cbr);
    strand_report *r = analyze1(s, NULL);
    expect(r, "main.(*Server).handleStream", "not-a-leak-steady-state", STRAND_VERDICT_OK, 1000);
    assert_int_equal(count_verdict(r, STRAND_VERDICT_LEAK), 0);
    strand_report_free(r);
    strand_snapshot_free(s);
}

static void test_nil_chan_and_select_no_cases(void **state)
{
    (void)state;
    strand_snapshot *s = tb_new(STRAND_FORMAT_TRACEBACK, "nil");
    static const tf n1[] = {{"main.nilSend", "/src/main.go", 64}};
    static const tf n2[] = {{"main.forever", "/src/main.go", 79}};
    static const tf m[] = {{"main.main", "/src/main.go", 12}};
    static const tf cb = {"main.start", "/src/main.go", 10};
    tb_g(s, 5, "chan send (nil chan)", STRAND_KIND_NIL_CHAN, n1, 1, &cb);
    tb_g(s, 6, "select (no cases)", STRAND_KIND_SELECT_NO_CASES, n2, 1, &cb);
    tb_g(s, 1, "select (no cases)", STRAND_KIND_SELECT_NO_CASES, m, 1, NULL);
    strand_report *r = analyze1(s, NULL);
    expect(r, "main.nilSend", "nil-channel", STRAND_VERDICT_LEAK, 1);
    expect(r, "main.forever", "select-no-cases", STRAND_VERDICT_LEAK, 1);
    expect(r, "main.main", "waiting", STRAND_VERDICT_OK, 1);
    strand_report_free(r);
    strand_snapshot_free(s);
}

/* ---- profiles without states: runtime frames tell range from receive --------------- */

static void test_proto_records_recv_forms(void **state)
{
    (void)state;
    strand_snapshot *s = tb_new(STRAND_FORMAT_PPROF_PROTO, "proto");
    static const tf range[] = {{"runtime.gopark", "/go/src/runtime/proc.go", 363},
                               {"runtime.chanrecv", "/go/src/runtime/chan.go", 583},
                               {"runtime.chanrecv2", "/go/src/runtime/chan.go", 447},
                               {"main.consume", "/src/pipe.go", 55}};
    static const tf plain[] = {{"runtime.gopark", "/go/src/runtime/proc.go", 363},
                               {"runtime.chanrecv", "/go/src/runtime/chan.go", 583},
                               {"runtime.chanrecv1", "/go/src/runtime/chan.go", 442},
                               {"main.(*Sub).loop", "/src/sub.go", 71}};
    static const tf send[] = {{"runtime.gopark", "/go/src/runtime/proc.go", 363},
                              {"runtime.chansend", "/go/src/runtime/chan.go", 259},
                              {"runtime.chansend1", "/go/src/runtime/chan.go", 145},
                              {"main.work", "/src/main.go", 55}};
    tb_rec(s, 10, STRAND_KIND_UNKNOWN, range, NF(range));
    tb_rec(s, 40, STRAND_KIND_UNKNOWN, plain, NF(plain));
    tb_rec(s, 1, STRAND_KIND_UNKNOWN, send, NF(send));
    tb_rec(s, -5, STRAND_KIND_UNKNOWN, send, NF(send)); /* delta profile: ignored */
    strand_report *r = analyze1(s, NULL);
    const strand_finding *f = at(r, "main.consume");
    assert_string_equal(f->cls->id, "chan-receive-never-closed");
    assert_int_equal(f->kind, STRAND_KIND_CHAN_RECEIVE);
    assert_int_equal(f->n_goroutine_ids, 0);
    assert_int_equal(f->site.line, 55);
    assert_string_equal(at(r, "main.(*Sub).loop")->cls->id, "chan-receive-no-cancel");
    expect(r, "main.work", "chan-send", STRAND_VERDICT_LEAK, 1);
    assert_true(has_evidence(f, "no creators"));
    strand_report_free(r);
    strand_snapshot_free(s);
}

static void test_busy_loop_and_slow_exit(void **state)
{
    (void)state;
    strand_snapshot *s = tb_new(STRAND_FORMAT_TRACEBACK, "busy");
    static const tf spin[] = {{"context.(*cancelCtx).Done", "/go/src/context/context.go", 361},
                              {"main.busyLoop", "/src/main.go", 28}};
    static const tf flush[] = {{"main.(*Exporter).flush", "/src/exporter.go", 77},
                               {"main.(*Exporter).run", "/src/exporter.go", 52}};
    static const tf cb = {"main.main", "/src/main.go", 45};
    static const tf cbe = {"main.NewExporter", "/src/exporter.go", 32};
    tb_g(s, 18, "runnable", STRAND_KIND_RUNNABLE, spin, NF(spin), &cb);
    tb_g(s, 6, "runnable", STRAND_KIND_RUNNABLE, flush, NF(flush), &cbe);
    strand_report *r = analyze1(s, NULL);
    expect(r, "main.busyLoop", "busy-loop", STRAND_VERDICT_SUSPECT, 1);
    expect(r, "main.(*Exporter).flush", "goleak-race-slow-exit", STRAND_VERDICT_OK, 1);
    assert_int_equal(at(r, "main.busyLoop")->site.line, 28);
    strand_report_free(r);
    strand_snapshot_free(s);
}

/* ---- the waiting line, read through the source hook -------------------------------- */

static const char *const src_main[] = {
    "package main",                              /* 1 */
    "func (c *Cache) refresh() {",               /* 2 */
    "\tt := time.NewTicker(time.Minute)",        /* 3 */
    "\tfor range t.C {",                          /* 4 */
    "\t\tc.reload()",                             /* 5 */
    "\t}",                                        /* 6 */
    "}",                                          /* 7 */
    "func (s *Sub) loop() {",                     /* 8 */
    "\tfor {",                                    /* 9 */
    "\t\tmsg := <-s.ch // no stop case",          /* 10 */
    "\t\tuse(msg)",                               /* 11 */
    "\t}",                                        /* 12 */
    "}",                                          /* 13 */
    "func work(done chan bool) {",                /* 14 */
    "\tdone <- true",                             /* 15 */
    "}",                                          /* 16 */
    "func handle(c net.Conn) {",                  /* 17 */
    "\tc.SetReadDeadline(time.Now().Add(time.Minute))", /* 18 */
    "\tn, err := c.Read(buf)",                    /* 19 */
    "}",                                          /* 20 */
};

static int source_calls;

static const char *source_line(void *ctx, const char *file, uint32_t line)
{
    (void)ctx;
    source_calls++;
    if (strcmp(file, "/src/main.go") != 0 || line == 0 || line > NF(src_main))
        return NULL;
    return src_main[line - 1];
}

static void test_source_hook(void **state)
{
    (void)state;
    strand_snapshot *s = tb_new(STRAND_FORMAT_PPROF_TEXT, "src");
    static const tf ticker[] = {{"main.(*Cache).refresh", "/src/main.go", 4}};
    static const tf loop[] = {{"main.(*Sub).loop", "/src/main.go", 10}};
    static const tf work[] = {{"main.work", "/src/main.go", 15}};
    static const tf rd[] = {{"internal/poll.runtime_pollWait", "/go/src/runtime/netpoll.go", 305},
                            {"net.(*conn).Read", "/go/src/net/net.go", 183},
                            {"main.handle", "/src/main.go", 19}};
    tb_rec(s, 250, STRAND_KIND_CHAN, ticker, 1);
    tb_rec(s, 40, STRAND_KIND_CHAN, loop, 1);
    tb_rec(s, 1, STRAND_KIND_CHAN, work, 1); /* debug=1: direction unknown */
    tb_rec(s, 3, STRAND_KIND_IO, rd, NF(rd));
    strand_analyze_options o = {0};
    o.source_line = source_line;
    source_calls = 0;
    strand_report *r = analyze1(s, &o);
    assert_true(source_calls > 0);
    assert_string_equal(at(r, "main.(*Cache).refresh")->cls->id, "ticker-never-stopped");
    assert_true(has_evidence(at(r, "main.(*Cache).refresh"), "`for range t.C {`"));
    assert_string_equal(at(r, "main.(*Sub).loop")->cls->id, "chan-receive-no-cancel");
    /* a send: suspect only, the live readers below might still receive */
    expect(r, "main.work", "chan-send", STRAND_VERDICT_SUSPECT, 1);
    expect(r, "main.handle", "waiting", STRAND_VERDICT_OK, 3);
    strand_report_free(r);
    /* without the hook: direction unknown, no ticker */
    r = analyze1(s, NULL);
    assert_string_equal(at(r, "main.(*Cache).refresh")->cls->id, "chan-receive-never-closed");
    assert_string_equal(at(r, "main.handle")->cls->id, "net-read-no-deadline");
    strand_report_free(r);
    strand_snapshot_free(s);
}

/* ---- test reports and the runtime's own verdict ----------------------------------- */

static const char goleak_report[] =
    "--- FAIL: TestPipeline (0.45s)\n"
    "    main_test.go:16: found unexpected goroutines:\n"
    "        [Goroutine 7 in state chan receive, with example.com/pipe.consume on top of the stack:\n"
    "        goroutine 7 [chan receive]:\n"
    "        example.com/pipe.consume(0x0?)\n"
    "        \t/src/pipe.go:55 +0x74\n"
    "        created by example.com/pipe.startPipeline\n"
    "        \t/src/pipe.go:21 +0x6a\n"
    "        \n"
    "         Goroutine 7 in state chan receive, with example.com/pipe.consume on top of the stack:\n"
    "        goroutine 7 [chan receive]:\n"
    "        example.com/pipe.consume(0x0?)\n"
    "        \t/src/pipe.go:55 +0x74\n"
    "        created by example.com/pipe.startPipeline\n"
    "        \t/src/pipe.go:21 +0x6a\n"
    "        ]\n"
    "FAIL\n";

static void test_goleak_report_dedupes(void **state)
{
    (void)state;
    strand_snapshot *s = text(goleak_report);
    assert_int_equal(strand_snapshot_format(s), STRAND_FORMAT_GOLEAK);
    strand_report *r = analyze1(s, NULL);
    expect(r, "example.com/pipe.consume", "chan-receive-never-closed", STRAND_VERDICT_LEAK, 1);
    assert_true(has_evidence(at(r, "example.com/pipe.consume"), "leak check"));
    strand_report_free(r);
    strand_snapshot_free(s);
}

static void test_runtime_leaked_flag(void **state)
{
    (void)state;
    strand_snapshot *s = tb_new(STRAND_FORMAT_TRACEBACK, "leaked");
    static const tf w[] = {{"main.wait", "/src/main.go", 9}};
    static const tf cb = {"main.main", "/src/main.go", 5};
    strand_goroutine *g = tb_g(s, 7, "chan receive", STRAND_KIND_CHAN_RECEIVE, w, 1, &cb);
    g->flags |= STRAND_G_LEAKED;
    strand_report *r = analyze1(s, NULL);
    const strand_finding *f = at(r, "main.wait");
    assert_int_equal(f->verdict, STRAND_VERDICT_LEAK);
    assert_true(has_evidence(f, "(leaked)"));
    strand_report_free(r);
    strand_snapshot_free(s);
}

/* ---- allocation failures: every one fails cleanly ------------------------------------- */

typedef struct fail_ctx {
    long left;
} fail_ctx;

static void *f_malloc(void *ctx, size_t n)
{
    fail_ctx *f = ctx;
    return f->left-- > 0 ? malloc(n ? n : 1) : NULL;
}

static void *f_realloc(void *ctx, void *p, size_t o, size_t n)
{
    fail_ctx *f = ctx;
    (void)o;
    return f->left-- > 0 ? realloc(p, n ? n : 1) : NULL;
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
    char buf[8192];
    snprintf(buf, sizeof buf, "%s\n%s%s", notify_dump, http_caller, http_idle);
    strand_snapshot *s = text(buf);
    fail_ctx fc = {0};
    strand_alloc a = {f_malloc, f_realloc, f_free, &fc};
    strand_analyze_options o = {0};
    o.alloc = &a;
    bool done = false;
    for (long k = 0; k < 5000 && !done; k++) {
        fc.left = k;
        strand_error err = {0};
        const strand_snapshot *one = s;
        strand_report *r = strand_analyze(&one, 1, &o, &err);
        if (r) {
            done = true;
            strand_report_free(r);
        } else {
            assert_int_equal(err.code, STRAND_ERR_NOMEM);
        }
    }
    assert_true(done);
    strand_snapshot_free(s);
}

static void test_bad_arguments(void **state)
{
    (void)state;
    strand_error err = {0};
    assert_null(strand_analyze(NULL, 1, NULL, &err));
    assert_int_equal(err.code, STRAND_ERR_ARG);
    const strand_snapshot *none[1] = {NULL};
    assert_null(strand_analyze(none, 1, NULL, &err));
    assert_int_equal(err.code, STRAND_ERR_ARG);
    strand_report_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_class_table),
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_empty_snapshot),
        cmocka_unit_test(test_one_goroutine),
        cmocka_unit_test(test_million),
        cmocka_unit_test(test_many_groups),
        cmocka_unit_test(test_chan_send_and_live_readers),
        cmocka_unit_test(test_report_outlives_snapshot),
        cmocka_unit_test(test_http_keepalive_is_benign),
        cmocka_unit_test(test_http_hung_request_one_finding),
        cmocka_unit_test(test_known_benign),
        cmocka_unit_test(test_handler_inside_library_is_judged),
        cmocka_unit_test(test_ignore_rules),
        cmocka_unit_test(test_min_count),
        cmocka_unit_test(test_waitgroup_missing_done),
        cmocka_unit_test(test_worker_pool_drain),
        cmocka_unit_test(test_errgroup),
        cmocka_unit_test(test_mutex_no_holder),
        cmocka_unit_test(test_mutex_contention_ok),
        cmocka_unit_test(test_identical_stacks_three_causes),
        cmocka_unit_test(test_healthy_pool_at_rest),
        cmocka_unit_test(test_daemon_at_rest),
        cmocka_unit_test(test_nothing_alive_leaks),
        cmocka_unit_test(test_orphaned_mass_select),
        cmocka_unit_test(test_owned_selects_ok),
        cmocka_unit_test(test_nil_chan_and_select_no_cases),
        cmocka_unit_test(test_proto_records_recv_forms),
        cmocka_unit_test(test_busy_loop_and_slow_exit),
        cmocka_unit_test(test_source_hook),
        cmocka_unit_test(test_goleak_report_dedupes),
        cmocka_unit_test(test_runtime_leaked_flag),
        cmocka_unit_test(test_errgroup_http_in_flight),
        cmocka_unit_test(test_http_busy_client_vs_hung),
        cmocka_unit_test(test_errgroup_unknown_wait),
        cmocka_unit_test(test_runtime_semacquire),
        cmocka_unit_test(test_alloc_failures),
        cmocka_unit_test(test_bad_arguments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
