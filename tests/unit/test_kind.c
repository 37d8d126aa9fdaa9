/* test_kind.c - st_kind_from_status, st_kind_from_frames, st_kind_refine. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "internal.h"

typedef struct {
    const char *status;
    strand_kind kind;
} status_case;

/* Every wait reason of runtime2.go waitReasonStrings, Go 1.13-1.26, and the
 * G-status words. */
static const status_case statuses[] = {
    {"", STRAND_KIND_UNKNOWN},
    {"GC assist marking", STRAND_KIND_RUNTIME},
    {"IO wait", STRAND_KIND_IO},
    {"chan receive (nil chan)", STRAND_KIND_NIL_CHAN},
    {"chan send (nil chan)", STRAND_KIND_NIL_CHAN},
    {"dumping heap", STRAND_KIND_RUNTIME},
    {"garbage collection", STRAND_KIND_RUNTIME},
    {"garbage collection scan", STRAND_KIND_RUNTIME},
    {"panicwait", STRAND_KIND_RUNTIME},
    {"select", STRAND_KIND_SELECT},
    {"select (no cases)", STRAND_KIND_SELECT_NO_CASES},
    {"GC assist wait", STRAND_KIND_RUNTIME},
    {"GC sweep wait", STRAND_KIND_RUNTIME},
    {"GC scavenge wait", STRAND_KIND_RUNTIME},
    {"chan receive", STRAND_KIND_CHAN_RECEIVE},
    {"chan send", STRAND_KIND_CHAN_SEND},
    {"finalizer wait", STRAND_KIND_RUNTIME},
    {"force gc (idle)", STRAND_KIND_RUNTIME},
    {"semacquire", STRAND_KIND_MUTEX},
    {"sleep", STRAND_KIND_SLEEP},
    {"sync.Cond.Wait", STRAND_KIND_COND},
    {"timer goroutine (idle)", STRAND_KIND_RUNTIME},
    {"trace reader (blocked)", STRAND_KIND_RUNTIME},
    {"wait for GC cycle", STRAND_KIND_RUNTIME},
    {"GC worker (idle)", STRAND_KIND_RUNTIME},
    {"preempted", STRAND_KIND_RUNTIME},
    {"debug call", STRAND_KIND_RUNTIME},
    {"sync.Mutex.Lock", STRAND_KIND_MUTEX},
    {"sync.RWMutex.RLock", STRAND_KIND_RWMUTEX},
    {"sync.RWMutex.Lock", STRAND_KIND_RWMUTEX},
    {"GC worker (active)", STRAND_KIND_RUNTIME},
    {"GC mark termination", STRAND_KIND_RUNTIME},
    {"stopping the world", STRAND_KIND_RUNTIME},
    {"flushing proc caches", STRAND_KIND_RUNTIME},
    {"trace goroutine status", STRAND_KIND_RUNTIME},
    {"trace proc status", STRAND_KIND_RUNTIME},
    {"page trace flush", STRAND_KIND_RUNTIME},
    {"coroutine", STRAND_KIND_OTHER},
    {"sync.WaitGroup.Wait", STRAND_KIND_WAITGROUP},
    {"GC weak to strong wait", STRAND_KIND_RUNTIME},
    {"synctest.Run", STRAND_KIND_OTHER},
    {"synctest.Wait", STRAND_KIND_OTHER},
    {"chan receive (synctest)", STRAND_KIND_CHAN_RECEIVE},
    {"chan send (synctest)", STRAND_KIND_CHAN_SEND},
    {"select (synctest)", STRAND_KIND_SELECT},
    {"chan receive (durable)", STRAND_KIND_CHAN_RECEIVE},
    {"chan send (durable)", STRAND_KIND_CHAN_SEND},
    {"select (durable)", STRAND_KIND_SELECT},
    {"sync.WaitGroup.Wait (durable)", STRAND_KIND_WAITGROUP},
    {"GOMAXPROCS updater (idle)", STRAND_KIND_RUNTIME},
    {"cleanup wait", STRAND_KIND_RUNTIME},
    /* "(durable)" appended to idle-in-synctest reasons (1.25+) */
    {"sleep (durable)", STRAND_KIND_SLEEP},
    {"select (no cases) (durable)", STRAND_KIND_SELECT_NO_CASES},
    {"sync.Cond.Wait (durable)", STRAND_KIND_COND},
    {"chan send (nil chan) (durable)", STRAND_KIND_NIL_CHAN},
    {"coroutine (durable)", STRAND_KIND_OTHER},
    {"chan send (leaked)", STRAND_KIND_CHAN_SEND},
    /* G-status words */
    {"running", STRAND_KIND_RUNNING},
    {"runnable", STRAND_KIND_RUNNABLE},
    {"syscall", STRAND_KIND_SYSCALL},
    {"waiting", STRAND_KIND_OTHER},
    {"dead", STRAND_KIND_OTHER},
    {"copystack", STRAND_KIND_OTHER},
    {"idle", STRAND_KIND_RUNTIME},
    {"unknown wait reason", STRAND_KIND_OTHER},
    /* unlisted: a newer runtime wait, anything else */
    {"GC frobnicate wait", STRAND_KIND_RUNTIME},
    {"trace frobnicator (idle)", STRAND_KIND_RUNTIME},
    {"something new", STRAND_KIND_OTHER},
    {"chan send (nil chan", STRAND_KIND_OTHER},
    {"Chan send", STRAND_KIND_OTHER},
};

static void test_status_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof statuses / sizeof *statuses; i++) {
        const status_case *c = &statuses[i];
        strand_kind k = st_kind_from_status(c->status, strlen(c->status));
        if (k != c->kind)
            fail_msg("status \"%s\": got %s, want %s", c->status, strand_kind_name(k),
                     strand_kind_name(c->kind));
    }
}

static void test_status_slice_not_terminated(void **state)
{
    (void)state;
    const char buf[] = "chan sendXXXX";
    assert_int_equal(st_kind_from_status(buf, 9), STRAND_KIND_CHAN_SEND);
    assert_int_equal(st_kind_from_status(buf, 4), STRAND_KIND_OTHER);
    assert_int_equal(st_kind_from_status(NULL, 0), STRAND_KIND_UNKNOWN);
}

/* ---- frames ----------------------------------------------------------------------- */

/* Builds a stack from a '|'-separated list of function names, innermost
 * first. A leading '!' marks an ELIDED marker, '~' a C frame. */
static size_t stack_of(strand_snapshot *s, const char *spec, uint32_t *out, size_t max)
{
    size_t n = 0;
    while (*spec && n < max) {
        const char *end = strchr(spec, '|');
        size_t len = end ? (size_t)(end - spec) : strlen(spec);
        uint32_t flags = 0;
        if (*spec == '!') {
            flags = STRAND_FRAME_ELIDED;
            spec++;
            len--;
        } else if (*spec == '~') {
            flags = STRAND_FRAME_NON_GO;
            spec++;
            len--;
        }
        out[n++] = st_frame(s, st_intern(s, spec, len), st_intern(s, "/x.go", 5), 1, flags);
        spec += len;
        if (*spec == '|')
            spec++;
    }
    return n;
}

typedef struct {
    const char *frames;
    strand_kind kind;
} frames_case;

static const frames_case frame_cases[] = {
    /* proto / GOTRACEBACK=system: runtime frames present */
    {"runtime.gopark|runtime.chansend|runtime.chansend1|main.f", STRAND_KIND_CHAN_SEND},
    {"runtime.gopark|runtime.goparkunlock|runtime.chansend|runtime.chansend1|main.f",
     STRAND_KIND_CHAN_SEND}, /* Go 1.13 */
    {"runtime.gopark|runtime.chanrecv|runtime.chanrecv1|main.f", STRAND_KIND_CHAN_RECEIVE},
    {"runtime.gopark|runtime.chanrecv|runtime.chanrecv2|main.f", STRAND_KIND_CHAN_RECEIVE},
    {"runtime.gopark|runtime.chansend|reflect.chansend|reflect.Value.send|main.f",
     STRAND_KIND_CHAN_SEND},
    {"runtime.gopark|runtime.chanrecv|reflect.chanrecv|main.f", STRAND_KIND_CHAN_RECEIVE},
    {"runtime.gopark|runtime.selectgo|main.f", STRAND_KIND_SELECT},
    {"runtime.gopark|runtime.selectgo|reflect.rselect|reflect.Select|main.f", STRAND_KIND_SELECT},
    {"runtime.gopark|runtime.block|main.f", STRAND_KIND_SELECT_NO_CASES},
    {"runtime.gopark|runtime.goparkunlock|runtime.semacquire1|sync.runtime_SemacquireMutex|"
     "sync.(*Mutex).lockSlow|sync.(*Mutex).Lock|main.f",
     STRAND_KIND_MUTEX},
    {"runtime.gopark|runtime.goparkunlock|runtime.semacquire1|sync.runtime_SemacquireMutex|"
     "sync.(*Mutex).lockSlow|sync.(*Mutex).Lock|sync.(*RWMutex).Lock|main.f",
     STRAND_KIND_RWMUTEX},
    {"runtime.gopark|runtime.semacquire1|internal/sync.runtime_SemacquireMutex|"
     "internal/sync.(*Mutex).lockSlow|internal/sync.(*Mutex).Lock|sync.(*Mutex).Lock|main.f",
     STRAND_KIND_MUTEX}, /* 1.24+ */
    {"runtime.gopark|runtime.semacquire1|sync.runtime_SemacquireRWMutexR|sync.(*RWMutex).RLock|"
     "main.f",
     STRAND_KIND_RWMUTEX},
    {"runtime.gopark|runtime.semacquire1|sync.runtime_SemacquireRWMutex|sync.(*RWMutex).Lock|main."
     "f",
     STRAND_KIND_RWMUTEX},
    {"runtime.gopark|runtime.semacquire1|sync.runtime_Semacquire|sync.(*WaitGroup).Wait|main.f",
     STRAND_KIND_WAITGROUP},
    {"runtime.gopark|runtime.semacquire1|sync.runtime_SemacquireWaitGroup|sync.(*WaitGroup).Wait|"
     "main.f",
     STRAND_KIND_WAITGROUP},
    {"runtime.gopark|runtime.goparkunlock|sync.runtime_notifyListWait|sync.(*Cond).Wait|main.f",
     STRAND_KIND_COND},
    {"runtime.gopark|runtime.netpollblock|internal/poll.runtime_pollWait|"
     "internal/poll.(*pollDesc).wait|net.(*conn).Read|main.f",
     STRAND_KIND_IO},
    {"runtime.gopark|time.Sleep|main.f", STRAND_KIND_SLEEP},
    {"syscall.Syscall|syscall.read|syscall.Read|main.f", STRAND_KIND_SYSCALL},
    {"syscall.Syscall6|main.f", STRAND_KIND_SYSCALL},
    {"runtime/internal/syscall.Syscall6|syscall.RawSyscall6|syscall.Syscall|main.f",
     STRAND_KIND_SYSCALL},
    {"internal/runtime/syscall.Syscall6|syscall.Syscall|main.f", STRAND_KIND_SYSCALL},
    {"runtime.cgocall|main._Cfunc_sleep|main.f", STRAND_KIND_SYSCALL},
    {"main._Cfunc_sleep|main.f", STRAND_KIND_SYSCALL},
    {"~sleep|~c_caller|runtime.cgocall|main._Cfunc_sleep", STRAND_KIND_SYSCALL},
    {"os/signal.signal_recv|os/signal.loop", STRAND_KIND_SYSCALL},
    {"runtime.coroswitch|iter.Pull[...].func1|main.f", STRAND_KIND_OTHER},
    {"runtime.gopark|internal/synctest.Run|testing/synctest.Test|main.f", STRAND_KIND_OTHER},
    {"runtime.goroutineProfileWithLabels|runtime/pprof.runtime_goroutineProfileWithLabels|"
     "runtime/pprof.writeRuntimeProfile|main.main",
     STRAND_KIND_RUNNING},
    {"runtime.asyncPreempt2|runtime.asyncPreempt|main.spin", STRAND_KIND_RUNNABLE},
    {"runtime.Gosched|main.spin", STRAND_KIND_RUNNABLE},
    /* running inside channel code: no gopark above it */
    {"runtime.chanrecv|runtime.selectnbrecv|main.spin", STRAND_KIND_RUNNABLE},
    {"runtime.chanrecv|runtime.chanrecv1|main.f", STRAND_KIND_RUNNABLE},
    {"runtime.selectgo|main.f", STRAND_KIND_RUNNABLE},
    /* runtime goroutines */
    {"runtime.gopark|runtime.goparkunlock|runtime.forcegchelper", STRAND_KIND_RUNTIME},
    {"runtime.gopark|runtime.goparkunlock|runtime.bgsweep|runtime.gcenable.func1",
     STRAND_KIND_RUNTIME},
    {"runtime.gopark|runtime.gcBgMarkWorker", STRAND_KIND_RUNTIME},
    {"runtime.gopark|runtime.goparkunlock|runtime.(*scavengerState).park|runtime.bgscavenge",
     STRAND_KIND_RUNTIME},
    {"runtime.gopark|runtime.somethingNew|runtime.alsoNew", STRAND_KIND_RUNTIME},
    {"runtime.gopark|internal/runtime/x.wait|runtime.alsoNew", STRAND_KIND_RUNTIME},
    /* user-level tracebacks: runtime frames absent */
    {"sync.runtime_SemacquireMutex|sync.(*Mutex).lockSlow|sync.(*Mutex).Lock|main.f",
     STRAND_KIND_MUTEX},
    {"sync.runtime_SemacquireMutex|sync.(*Mutex).lockSlow|sync.(*Mutex).Lock|sync.(*Once).doSlow|"
     "sync.(*Once).Do|main.f",
     STRAND_KIND_MUTEX},
    {"sync.runtime_SemacquireMutex|sync.(*RWMutex).RLock|main.f", STRAND_KIND_RWMUTEX},
    {"sync.(*Mutex).Lock|main.f", STRAND_KIND_MUTEX},
    {"sync.runtime_Semacquire|sync.(*WaitGroup).Wait|main.f", STRAND_KIND_WAITGROUP},
    {"sync.runtime_notifyListWait|sync.(*Cond).Wait|main.f", STRAND_KIND_COND},
    {"internal/poll.runtime_Semacquire|internal/poll.(*fdMutex).rwlock|main.f", STRAND_KIND_MUTEX},
    {"internal/poll.runtime_pollWait|internal/poll.(*pollDesc).wait|main.f", STRAND_KIND_IO},
    {"time.Sleep|main.f", STRAND_KIND_SLEEP},
    /* elided markers are skipped */
    {"!...|runtime.gopark|runtime.selectgo|main.f", STRAND_KIND_SELECT},
    /* nothing known */
    {"main.f|main.g", STRAND_KIND_UNKNOWN},
    {"context.(*cancelCtx).Done|main.busy", STRAND_KIND_UNKNOWN},
    {"main.f|time.Sleep", STRAND_KIND_UNKNOWN}, /* only the innermost frames count */
    {"runtime.gopark|main.f", STRAND_KIND_UNKNOWN},
};

static void test_frames_table(void **state)
{
    (void)state;
    strand_snapshot *s = st_snapshot_new(NULL, NULL);
    assert_non_null(s);
    for (size_t i = 0; i < sizeof frame_cases / sizeof *frame_cases; i++) {
        uint32_t fr[16];
        size_t n = stack_of(s, frame_cases[i].frames, fr, 16);
        strand_kind k = st_kind_from_frames(s, fr, n);
        if (k != frame_cases[i].kind)
            fail_msg("frames %s: got %s, want %s", frame_cases[i].frames, strand_kind_name(k),
                     strand_kind_name(frame_cases[i].kind));
    }
    assert_int_equal(st_kind_from_frames(s, NULL, 0), STRAND_KIND_UNKNOWN);
    strand_snapshot_free(s);
}

static void test_frames_out_of_range_ids(void **state)
{
    (void)state;
    strand_snapshot *s = st_snapshot_new(NULL, NULL);
    uint32_t fr[3];
    size_t n = stack_of(s, "runtime.gopark|runtime.selectgo", fr, 2);
    fr[n++] = 12345; /* not a frame: skipped */
    assert_int_equal(st_kind_from_frames(s, fr, n), STRAND_KIND_SELECT);
    strand_snapshot_free(s);
}

typedef struct {
    strand_kind status;
    const char *frames;
    strand_kind want;
} refine_case;

static const refine_case refine_cases[] = {
    {STRAND_KIND_MUTEX, "sync.runtime_Semacquire|sync.(*WaitGroup).Wait|main.f",
     STRAND_KIND_WAITGROUP},
    {STRAND_KIND_MUTEX, "sync.runtime_SemacquireMutex|sync.(*RWMutex).RLock|main.f",
     STRAND_KIND_RWMUTEX},
    {STRAND_KIND_MUTEX,
     "sync.runtime_SemacquireMutex|sync.(*Mutex).lockSlow|sync.(*Mutex).Lock|sync.(*RWMutex).Lock|"
     "main.f",
     STRAND_KIND_RWMUTEX},
    {STRAND_KIND_MUTEX, "sync.runtime_SemacquireMutex|sync.(*Mutex).Lock|main.f",
     STRAND_KIND_MUTEX},
    {STRAND_KIND_MUTEX, "main.f", STRAND_KIND_MUTEX},
    {STRAND_KIND_MUTEX, "internal/poll.runtime_pollWait|main.f", STRAND_KIND_MUTEX},
    {STRAND_KIND_UNKNOWN, "time.Sleep|main.f", STRAND_KIND_SLEEP},
    {STRAND_KIND_OTHER, "internal/poll.runtime_pollWait|main.f", STRAND_KIND_IO},
    {STRAND_KIND_OTHER, "main.f", STRAND_KIND_OTHER},
    {STRAND_KIND_UNKNOWN, "main.f", STRAND_KIND_UNKNOWN},
    {STRAND_KIND_CHAN_SEND, "sync.runtime_Semacquire|sync.(*WaitGroup).Wait",
     STRAND_KIND_CHAN_SEND},
    {STRAND_KIND_RWMUTEX, "sync.runtime_Semacquire|sync.(*WaitGroup).Wait", STRAND_KIND_RWMUTEX},
    {STRAND_KIND_IO, "time.Sleep", STRAND_KIND_IO},
};

static void test_refine(void **state)
{
    (void)state;
    strand_snapshot *s = st_snapshot_new(NULL, NULL);
    for (size_t i = 0; i < sizeof refine_cases / sizeof *refine_cases; i++) {
        uint32_t fr[16];
        size_t n = stack_of(s, refine_cases[i].frames, fr, 16);
        strand_kind k = st_kind_refine(s, refine_cases[i].status, fr, n);
        if (k != refine_cases[i].want)
            fail_msg("refine %s + %s: got %s, want %s", strand_kind_name(refine_cases[i].status),
                     refine_cases[i].frames, strand_kind_name(k),
                     strand_kind_name(refine_cases[i].want));
    }
    /* "semacquire" read from a header, then refined */
    uint32_t fr[4];
    size_t n = stack_of(s, "sync.runtime_Semacquire|sync.(*WaitGroup).Wait|main.f", fr, 4);
    assert_int_equal(st_kind_refine(s, st_kind_from_status("semacquire", 10), fr, n),
                     STRAND_KIND_WAITGROUP);
    strand_snapshot_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_status_table), cmocka_unit_test(test_status_slice_not_terminated),
        cmocka_unit_test(test_frames_table), cmocka_unit_test(test_frames_out_of_range_ids),
        cmocka_unit_test(test_refine),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
