/* kind.c - the blocking kind of a goroutine, from its wait reason or from
 * its innermost frames. Both are table-driven: one table per source.
 *
 * Wait reasons: runtime/runtime2.go waitReasonStrings, Go 1.13-1.26, plus
 * the G-status words of traceback.go gStatusStrings. Frames: the runtime
 * functions that park a goroutine and the library functions that call them
 * (runtime/chan.go, select.go, sema.go, netpoll.go, time.go, sync/...). */
#include "internal.h"

/* ---- wait reason / status word ------------------------------------------ */

typedef struct {
    const char *s;
    uint8_t len;
    uint8_t kind;
} status_entry;

/* clang-format off */
#define S(str, k) {str, (uint8_t)(sizeof(str) - 1), k}

static const status_entry status_table[] = {
    S("chan send", STRAND_KIND_CHAN_SEND),
    S("chan receive", STRAND_KIND_CHAN_RECEIVE),
    S("select", STRAND_KIND_SELECT),
    S("chan send (nil chan)", STRAND_KIND_NIL_CHAN),
    S("chan receive (nil chan)", STRAND_KIND_NIL_CHAN),
    S("select (no cases)", STRAND_KIND_SELECT_NO_CASES),
    S("semacquire", STRAND_KIND_MUTEX), /* a guess: see st_kind_refine */
    S("sync.Mutex.Lock", STRAND_KIND_MUTEX),
    S("sync.RWMutex.RLock", STRAND_KIND_RWMUTEX),
    S("sync.RWMutex.Lock", STRAND_KIND_RWMUTEX),
    S("sync.WaitGroup.Wait", STRAND_KIND_WAITGROUP),
    S("sync.Cond.Wait", STRAND_KIND_COND),
    S("IO wait", STRAND_KIND_IO),
    S("sleep", STRAND_KIND_SLEEP),
    S("syscall", STRAND_KIND_SYSCALL),
    S("running", STRAND_KIND_RUNNING),
    S("runnable", STRAND_KIND_RUNNABLE),
    /* runtime-internal waits */
    S("GC assist marking", STRAND_KIND_RUNTIME),
    S("GC assist wait", STRAND_KIND_RUNTIME),
    S("GC sweep wait", STRAND_KIND_RUNTIME),
    S("GC scavenge wait", STRAND_KIND_RUNTIME),
    S("GC worker (idle)", STRAND_KIND_RUNTIME),
    S("GC worker (active)", STRAND_KIND_RUNTIME),
    S("GC mark termination", STRAND_KIND_RUNTIME),
    S("GC weak to strong wait", STRAND_KIND_RUNTIME),
    S("garbage collection", STRAND_KIND_RUNTIME),
    S("garbage collection scan", STRAND_KIND_RUNTIME),
    S("wait for GC cycle", STRAND_KIND_RUNTIME),
    S("force gc (idle)", STRAND_KIND_RUNTIME),
    S("finalizer wait", STRAND_KIND_RUNTIME),
    S("cleanup wait", STRAND_KIND_RUNTIME),
    S("dumping heap", STRAND_KIND_RUNTIME),
    S("panicwait", STRAND_KIND_RUNTIME),
    S("timer goroutine (idle)", STRAND_KIND_RUNTIME),
    S("trace reader (blocked)", STRAND_KIND_RUNTIME),
    S("trace goroutine status", STRAND_KIND_RUNTIME),
    S("trace proc status", STRAND_KIND_RUNTIME),
    S("page trace flush", STRAND_KIND_RUNTIME),
    S("flushing proc caches", STRAND_KIND_RUNTIME),
    S("stopping the world", STRAND_KIND_RUNTIME),
    S("preempted", STRAND_KIND_RUNTIME),
    S("debug call", STRAND_KIND_RUNTIME),
    S("GOMAXPROCS updater (idle)", STRAND_KIND_RUNTIME),
    S("idle", STRAND_KIND_RUNTIME), /* goroutine 0 [idle] */
    /* other known states */
    S("coroutine", STRAND_KIND_OTHER),
    S("synctest.Run", STRAND_KIND_OTHER),
    S("synctest.Wait", STRAND_KIND_OTHER),
    S("waiting", STRAND_KIND_OTHER),
    S("dead", STRAND_KIND_OTHER),
    S("copystack", STRAND_KIND_OTHER),
};

/* Words that mark a runtime-internal wait in a reason this table does not
 * list yet (a newer Go): reference section 6.3. */
static const status_entry runtime_words[] = {
    S("GC", 0),        S("force gc", 0), S("finalizer", 0),  S("trace", 0),
    S("scavenge", 0),  S("sweep", 0),    S("preempted", 0),  S("debug call", 0),
    S("GOMAXPROCS updater", 0),          S("cleanup wait", 0),
};

/* Suffixes the runtime appends to a base reason: "(durable)" (1.25+, synctest
 * bubbles), "(synctest)" (1.24), and the flags a caller may have left on. */
static const status_entry status_suffixes[] = {
    S(" (durable)", 0), S(" (synctest)", 0), S(" (leaked)", 0), S(" (scan)", 0),
};

#undef S
/* clang-format on */

static bool has_suffix(const char *p, size_t n, const status_entry *e)
{
    return n > e->len && memcmp(p + n - e->len, e->s, e->len) == 0;
}

static bool contains(const char *p, size_t n, const char *w, size_t wn)
{
    for (size_t i = 0; i + wn <= n; i++)
        if (p[i] == w[0] && memcmp(p + i, w, wn) == 0)
            return true;
    return false;
}

static int status_lookup(const char *p, size_t n)
{
    for (size_t i = 0; i < sizeof status_table / sizeof *status_table; i++) {
        const status_entry *e = &status_table[i];
        if (e->len == n && memcmp(e->s, p, n) == 0)
            return e->kind;
    }
    return -1;
}

strand_kind st_kind_from_status(const char *p, size_t n)
{
    if (!p || n == 0)
        return STRAND_KIND_UNKNOWN;
    for (;;) {
        int k = status_lookup(p, n);
        if (k >= 0)
            return (strand_kind)k;
        size_t i = 0, ns = sizeof status_suffixes / sizeof *status_suffixes;
        while (i < ns && !has_suffix(p, n, &status_suffixes[i]))
            i++;
        if (i == ns)
            break;
        n -= status_suffixes[i].len;
    }
    for (size_t i = 0; i < sizeof runtime_words / sizeof *runtime_words; i++)
        if (contains(p, n, runtime_words[i].s, runtime_words[i].len))
            return STRAND_KIND_RUNTIME;
    return STRAND_KIND_OTHER;
}

/* ---- frames --------------------------------------------------------------- */

enum { M_EXACT, M_PREFIX, M_CONTAINS };
enum {
    F_FINAL = 1,     /* decides the kind */
    F_NEEDS_PARK = 2 /* blocks only below gopark: innermost, it is running */
};

typedef struct {
    const char *s;
    uint8_t len;
    uint8_t match;
    uint8_t kind;
    uint8_t flags;
} frame_entry;

/* clang-format off */
#define E(str, k, fl) {str, (uint8_t)(sizeof(str) - 1), M_EXACT, STRAND_KIND_##k, fl}
#define P(str, k, fl) {str, (uint8_t)(sizeof(str) - 1), M_PREFIX, STRAND_KIND_##k, fl}
#define C(str, k, fl) {str, (uint8_t)(sizeof(str) - 1), M_CONTAINS, STRAND_KIND_##k, fl}

/* Innermost first. A non-final entry is a guess that an outer frame may
 * sharpen (sync.(*Mutex).Lock inside sync.(*RWMutex).Lock is an RWMutex). */
static const frame_entry frame_table[] = {
    /* runtime/chan.go; 1.13 has runtime.goparkunlock between gopark and these */
    E("runtime.chansend1", CHAN_SEND, F_FINAL),
    E("runtime.chansend", CHAN_SEND, F_NEEDS_PARK),
    E("runtime.chanrecv1", CHAN_RECEIVE, F_FINAL),
    E("runtime.chanrecv2", CHAN_RECEIVE, F_FINAL),
    E("runtime.chanrecv", CHAN_RECEIVE, F_NEEDS_PARK),
    E("runtime.selectnbsend", RUNNABLE, F_FINAL), /* non-blocking: never parks */
    E("runtime.selectnbrecv", RUNNABLE, F_FINAL),
    E("runtime.selectnbrecv2", RUNNABLE, F_FINAL),
    E("reflect.chansend", CHAN_SEND, F_FINAL), /* runtime.reflect_chansend */
    E("reflect.chanrecv", CHAN_RECEIVE, F_FINAL),
    /* runtime/select.go */
    E("runtime.selectgo", SELECT, F_FINAL | F_NEEDS_PARK),
    E("runtime.block", SELECT_NO_CASES, F_FINAL | F_NEEDS_PARK),
    E("reflect.rselect", SELECT, F_FINAL),
    /* sync: runtime/sema.go and sync/; internal/sync since 1.24 */
    E("sync.runtime_SemacquireMutex", MUTEX, 0),
    E("sync.(*Mutex).lockSlow", MUTEX, 0),
    E("sync.(*Mutex).Lock", MUTEX, 0),
    P("internal/sync.runtime_Semacquire", MUTEX, 0),
    P("internal/sync.(*Mutex).", MUTEX, 0),
    E("internal/poll.runtime_Semacquire", MUTEX, 0), /* fdMutex */
    E("sync.runtime_SemacquireRWMutexR", RWMUTEX, 0),
    E("sync.runtime_SemacquireRWMutex", RWMUTEX, 0),
    E("sync.(*RWMutex).RLock", RWMUTEX, F_FINAL),
    E("sync.(*RWMutex).Lock", RWMUTEX, F_FINAL),
    E("sync.runtime_Semacquire", WAITGROUP, 0),
    E("sync.runtime_SemacquireWaitGroup", WAITGROUP, 0),
    E("sync.(*WaitGroup).Wait", WAITGROUP, F_FINAL),
    E("sync.runtime_notifyListWait", COND, 0),
    E("sync.(*Cond).Wait", COND, F_FINAL),
    /* network poller, sleep */
    E("runtime.netpollblock", IO, 0),
    E("internal/poll.runtime_pollWait", IO, F_FINAL),
    E("time.Sleep", SLEEP, F_FINAL),
    E("runtime.timeSleep", SLEEP, F_FINAL),
    /* syscalls and cgo */
    P("syscall.Syscall", SYSCALL, F_FINAL),
    P("syscall.RawSyscall", SYSCALL, F_FINAL),
    P("syscall.syscall", SYSCALL, F_FINAL),
    P("syscall.rawSyscall", SYSCALL, F_FINAL),
    P("syscall.rawVforkSyscall", SYSCALL, F_FINAL),
    P("runtime/internal/syscall.", SYSCALL, F_FINAL),
    P("internal/runtime/syscall.", SYSCALL, F_FINAL),
    P("golang.org/x/sys/unix.Syscall", SYSCALL, F_FINAL),
    P("golang.org/x/sys/unix.RawSyscall", SYSCALL, F_FINAL),
    E("runtime.cgocall", SYSCALL, F_FINAL),
    E("runtime.asmcgocall", SYSCALL, F_FINAL),
    C("._Cfunc_", SYSCALL, F_FINAL),
    E("os/signal.signal_recv", SYSCALL, F_FINAL),
    /* running: the goroutine that writes the profile; preempted ones */
    P("runtime.goroutineProfileWithLabels", RUNNING, F_FINAL),
    P("runtime/pprof.runtime_goroutineProfileWithLabels", RUNNING, F_FINAL),
    E("runtime.asyncPreempt2", RUNNABLE, F_FINAL),
    E("runtime.asyncPreempt", RUNNABLE, F_FINAL),
    E("runtime.Gosched", RUNNABLE, F_FINAL),
    E("runtime.goschedguarded", RUNNABLE, F_FINAL),
    /* iter.Pull coroutines, synctest */
    E("runtime.coroswitch", OTHER, F_FINAL),
    P("internal/synctest.", OTHER, F_FINAL),
    P("testing/synctest.", OTHER, F_FINAL),
    /* runtime goroutines (any stack made only of runtime frames is one too) */
    E("runtime.forcegchelper", RUNTIME, F_FINAL),
    E("runtime.bgsweep", RUNTIME, F_FINAL),
    E("runtime.bgscavenge", RUNTIME, F_FINAL),
    E("runtime.runfinq", RUNTIME, F_FINAL),
    E("runtime.gcBgMarkWorker", RUNTIME, F_FINAL),
    E("runtime.timerproc", RUNTIME, F_FINAL),
};

#undef E
#undef P
#undef C
/* clang-format on */

static bool entry_matches(const frame_entry *e, const char *p, size_t n)
{
    switch (e->match) {
    case M_EXACT:
        return n == e->len && memcmp(p, e->s, n) == 0;
    case M_PREFIX:
        return n >= e->len && memcmp(p, e->s, e->len) == 0;
    default:
        return contains(p, n, e->s, e->len);
    }
}

static const frame_entry *frame_lookup(const char *p, size_t n)
{
    if (n == 0)
        return NULL;
    for (size_t i = 0; i < sizeof frame_table / sizeof *frame_table; i++) {
        const frame_entry *e = &frame_table[i];
        if ((e->match == M_CONTAINS || e->s[0] == p[0]) && entry_matches(e, p, n))
            return e;
    }
    return NULL;
}

static bool is_runtime_func(const char *p, size_t n)
{
    return (n > 8 && memcmp(p, "runtime.", 8) == 0) ||
           (n > 17 && memcmp(p, "internal/runtime/", 17) == 0);
}

/* Walks inward-out over known frames and runtime frames; stops at the first
 * frame that is neither (the user's code, or another library). */
strand_kind st_kind_from_frames(const strand_snapshot *s, const uint32_t *frames, size_t n)
{
    strand_kind guess = STRAND_KIND_UNKNOWN;
    bool all_runtime = true, first = true;
    size_t i = 0;
    for (; i < n; i++) {
        const strand_frame *f = strand_frame_get(s, frames[i]);
        if (!f || (f->flags & STRAND_FRAME_ELIDED))
            continue;
        bool at_top = first;
        first = false;
        if (f->flags & STRAND_FRAME_NON_GO) {
            if (guess == STRAND_KIND_UNKNOWN)
                guess = STRAND_KIND_SYSCALL; /* inside a C call */
            continue;
        }
        size_t len;
        const char *name = strand_str_get(s, f->func, &len);
        const frame_entry *e = frame_lookup(name, len);
        if (e) {
            if ((e->flags & F_NEEDS_PARK) && at_top)
                return STRAND_KIND_RUNNABLE;
            if (e->flags & F_FINAL)
                return (strand_kind)e->kind;
            guess = (strand_kind)e->kind;
            continue;
        }
        if (!is_runtime_func(name, len)) {
            all_runtime = false;
            break;
        }
    }
    if (guess != STRAND_KIND_UNKNOWN)
        return guess;
    return all_runtime && !first ? STRAND_KIND_RUNTIME : STRAND_KIND_UNKNOWN;
}

static bool is_sema_kind(strand_kind k)
{
    return k == STRAND_KIND_MUTEX || k == STRAND_KIND_RWMUTEX || k == STRAND_KIND_WAITGROUP ||
           k == STRAND_KIND_COND;
}

strand_kind st_kind_refine(const strand_snapshot *s, strand_kind from_status,
                           const uint32_t *frames, size_t n)
{
    if (from_status != STRAND_KIND_MUTEX && from_status != STRAND_KIND_UNKNOWN &&
        from_status != STRAND_KIND_OTHER)
        return from_status;
    strand_kind k = st_kind_from_frames(s, frames, n);
    if (k == STRAND_KIND_UNKNOWN)
        return from_status;
    if (from_status == STRAND_KIND_MUTEX && !is_sema_kind(k))
        return from_status;
    return k;
}
