/* benign.c - the known-benign goroutines (one table) and the user's ignore
 * rules (goleak's option names and meanings).
 *
 * A goroutine that matches an entry is reported with verdict ok and class
 * "benign", never as a leak. Some entries hold only under a condition that
 * analyze.c evaluates (st_benign.cond): a per-connection library goroutine is
 * benign in a running program but not in a test's leak report; an accept
 * loop is benign while its server is running.
 */
#include "analyze.h"

/* Function names as the runtime prints them. A trailing '*' matches any
 * function with that prefix. Sources: goleak's default ignores
 * (options.go), runtime/proc.go, os/signal, net/http transport.go and
 * server.go, database/sql sql.go. */
static const st_benign table[] = {
    /* the runtime's own goroutines (visible with GOTRACEBACK=system, in proto) */
    {"runtime.gcBgMarkWorker", ST_AT_ANY, ST_BENIGN_ALWAYS, "a runtime GC worker"},
    {"runtime.bgsweep", ST_AT_ANY, ST_BENIGN_ALWAYS, "the runtime's background sweeper"},
    {"runtime.bgscavenge", ST_AT_ANY, ST_BENIGN_ALWAYS, "the runtime's background scavenger"},
    {"runtime.forcegchelper", ST_AT_ANY, ST_BENIGN_ALWAYS, "the runtime's forced-GC helper"},
    {"runtime.runfinq", ST_AT_ANY, ST_BENIGN_ALWAYS, "the runtime's finalizer goroutine"},
    {"runtime.runCleanups", ST_AT_ANY, ST_BENIGN_ALWAYS, "the runtime's cleanup goroutine"},
    {"runtime.timerproc", ST_AT_ANY, ST_BENIGN_ALWAYS, "a runtime timer goroutine (Go <= 1.13)"},
    {"runtime.ensureSigM*", ST_AT_ANY, ST_BENIGN_ALWAYS, "the runtime's signal-mask goroutine"},
    {"runtime.ReadTrace", ST_AT_ANY, ST_BENIGN_ALWAYS, "the execution tracer's reader"},
    {"runtime/trace.Start.func*", ST_AT_ANY, ST_BENIGN_ALWAYS, "the execution tracer's writer"},
    {"unique.registerCleanup.func*", ST_AT_ANY, ST_BENIGN_ALWAYS, "the unique package's cleanup"},
    {"runtime.unique_runtime_registerUniqueMapCleanup.func*", ST_AT_ANY, ST_BENIGN_ALWAYS,
     "the unique package's cleanup"},
    /* os/signal */
    {"os/signal.signal_recv", ST_AT_ANY, ST_BENIGN_ALWAYS, "the os/signal delivery loop"},
    {"os/signal.loop", ST_AT_ANY, ST_BENIGN_ALWAYS, "the os/signal delivery loop"},
    /* the goroutine that wrote the report */
    {"runtime/pprof.writeGoroutineStacks", ST_AT_ANY, ST_BENIGN_ALWAYS,
     "the goroutine writing this profile"},
    {"runtime/pprof.runtime_goroutineProfileWithLabels", ST_AT_ANY, ST_BENIGN_ALWAYS,
     "the goroutine writing this profile"},
    {"runtime/pprof.writeRuntimeProfile", ST_AT_ANY, ST_BENIGN_ALWAYS,
     "the goroutine writing this profile"},
    {"runtime/pprof.(*Profile).WriteTo", ST_AT_ANY, ST_BENIGN_ALWAYS,
     "the goroutine writing this profile"},
    {"net/http/pprof.handler.ServeHTTP", ST_AT_ANY, ST_BENIGN_ALWAYS,
     "the /debug/pprof handler serving this profile"},
    {"runtime.Stack", ST_AT_ANY, ST_BENIGN_ALWAYS, "the goroutine taking this dump (runtime.Stack)"},
    {"go.uber.org/goleak.Find", ST_AT_ANY, ST_BENIGN_ALWAYS, "goleak's own goroutine"},
    {"go.uber.org/goleak/internal/stack.*", ST_AT_ANY, ST_BENIGN_ALWAYS, "goleak's own goroutine"},
    /* the testing harness (goleak ignores these with a chan receive state) */
    {"testing.RunTests", ST_AT_TOP, ST_BENIGN_ALWAYS, "the testing harness"},
    {"testing.runTests", ST_AT_TOP, ST_BENIGN_ALWAYS, "the testing harness"},
    {"testing.(*T).Run", ST_AT_TOP, ST_BENIGN_ALWAYS, "the testing harness waiting for a subtest"},
    {"testing.(*T).Parallel", ST_AT_TOP, ST_BENIGN_ALWAYS, "a parallel test waiting its turn"},
    {"testing.(*M).Run", ST_AT_TOP, ST_BENIGN_ALWAYS, "the testing harness"},
    {"testing.runFuzzing", ST_AT_TOP, ST_BENIGN_ALWAYS, "the fuzzing harness"},
    {"testing.runFuzzTests", ST_AT_TOP, ST_BENIGN_ALWAYS, "the fuzzing harness"},
    {"testing.(*M).startAlarm*", ST_AT_ANY, ST_BENIGN_ALWAYS, "the test timeout alarm"},
    {"testing.tRunner.func1*", ST_AT_TOP, ST_BENIGN_ALWAYS, "the testing harness"},
    /* net/http client: one readLoop and one writeLoop per idle keep-alive
     * connection (transport.go); absorbed into a hung-request finding when
     * callers wait in persistConn.roundTrip */
    {"net/http.(*persistConn).readLoop", ST_AT_ANY, ST_BENIGN_IDLE_HTTP,
     "an idle HTTP keep-alive connection's reader (net/http Transport)"},
    {"net/http.(*persistConn).writeLoop", ST_AT_ANY, ST_BENIGN_IDLE_HTTP,
     "an idle HTTP keep-alive connection's writer (net/http Transport)"},
    {"net/http.(*http2ClientConn).readLoop", ST_AT_ANY, ST_BENIGN_CONN,
     "an HTTP/2 client connection's reader"},
    {"golang.org/x/net/http2.(*ClientConn).readLoop", ST_AT_ANY, ST_BENIGN_CONN,
     "an HTTP/2 client connection's reader"},
    /* net/http server */
    {"net/http.(*Server).Serve", ST_AT_ANY, ST_BENIGN_CONN, "the listener of a running HTTP server"},
    {"net/http.(*conn).serve", ST_AT_ANY, ST_BENIGN_CONN,
     "an HTTP server connection waiting for its next request (keep-alive)"},
    {"net/http.(*connReader).backgroundRead", ST_AT_ANY, ST_BENIGN_CONN,
     "an HTTP server connection's background read"},
    {"net/http.(*http2serverConn).serve", ST_AT_ANY, ST_BENIGN_CONN, "an HTTP/2 server connection"},
    {"net/http.(*http2serverConn).readFrames", ST_AT_ANY, ST_BENIGN_CONN,
     "an HTTP/2 server connection's reader"},
    /* accept loops of the program's own servers */
    {"net.(*TCPListener).Accept", ST_AT_ANY, ST_BENIGN_SERVING, "the listener of a running server"},
    {"net.(*UnixListener).Accept", ST_AT_ANY, ST_BENIGN_SERVING, "the listener of a running server"},
    /* database/sql pools */
    {"database/sql.(*DB).connectionOpener", ST_AT_ANY, ST_BENIGN_CONN, "database/sql's connection opener"},
    {"database/sql.(*DB).connectionResetter", ST_AT_ANY, ST_BENIGN_CONN,
     "database/sql's connection resetter"},
    {"database/sql.(*DB).connectionCleaner", ST_AT_ANY, ST_BENIGN_CONN, "database/sql's connection cleaner"},
    /* well-known daemons of common libraries */
    {"github.com/golang/glog.(*loggingT).flushDaemon", ST_AT_ANY, ST_BENIGN_CONN, "glog's flush daemon"},
    {"k8s.io/klog.(*loggingT).flushDaemon", ST_AT_ANY, ST_BENIGN_CONN, "klog's flush daemon"},
    {"k8s.io/klog/v2.(*flushDaemon).run.func*", ST_AT_ANY, ST_BENIGN_CONN, "klog's flush daemon"},
    {"go.opencensus.io/stats/view.(*worker).start", ST_AT_ANY, ST_BENIGN_CONN, "OpenCensus's stats worker"},
    {"google.golang.org/grpc/internal/transport.(*http2Client).reader", ST_AT_ANY, ST_BENIGN_CONN,
     "a gRPC client connection's reader"},
    {"google.golang.org/grpc/internal/transport.(*controlBuffer).get", ST_AT_ANY, ST_BENIGN_CONN,
     "a gRPC connection's writer (loopy)"},
    {"google.golang.org/grpc/internal/transport.(*http2Server).keepalive", ST_AT_ANY, ST_BENIGN_CONN,
     "a gRPC server connection's keepalive"},
    {"google.golang.org/grpc/internal/transport.(*http2Client).keepalive", ST_AT_ANY, ST_BENIGN_CONN,
     "a gRPC client connection's keepalive"},
    {"google.golang.org/grpc/internal/grpcsync.(*CallbackSerializer).run", ST_AT_ANY, ST_BENIGN_CONN,
     "gRPC's callback serializer"},
};

const st_benign *st_benign_get(int i)
{
    return i >= 0 && (size_t)i < sizeof table / sizeof table[0] ? &table[i] : NULL;
}

bool st_func_match(const char *pattern, const char *func)
{
    size_t n = strlen(pattern);
    if (n && pattern[n - 1] == '*')
        return strncmp(pattern, func, n - 1) == 0;
    return strcmp(pattern, func) == 0;
}

bool st_is_runtime_func(const char *f)
{
    return strncmp(f, "runtime.", 8) == 0 || strncmp(f, "internal/runtime/", 17) == 0;
}

/* The innermost frame the runtime would print in a traceback: runtime.*
 * frames (present in protobuf profiles and system dumps) are skipped. */
int st_top_frame(const strand_snapshot *s, const uint32_t *frames, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const strand_frame *f = strand_frame_get(s, frames[i]);
        if (f && !st_is_runtime_func(strand_str_get(s, f->func, NULL)))
            return (int)i;
    }
    return n ? 0 : -1;
}

static const char *frame_func(const strand_snapshot *s, uint32_t id)
{
    const strand_frame *f = strand_frame_get(s, id);
    return f ? strand_str_get(s, f->func, NULL) : "";
}

/* Index of the first frame whose function matches, or -1. */
static int find_frame(const strand_snapshot *s, const uint32_t *frames, size_t n, const char *pat,
                      bool pattern)
{
    for (size_t i = 0; i < n; i++) {
        const char *fn = frame_func(s, frames[i]);
        if (pattern ? st_func_match(pat, fn) : strcmp(pat, fn) == 0)
            return (int)i;
    }
    return -1;
}

/* User code inside a library goroutine (an HTTP handler under
 * net/http.(*conn).serve) is judged as user code: a benign entry holds only
 * when no user frame sits innermost of the frame it matched. */
static bool user_code_above(const strand_snapshot *s, const uint32_t *frames, int at)
{
    for (int i = 0; i < at; i++) {
        const char *fn = frame_func(s, frames[i]);
        if (!st_is_library_func(fn) && !st_is_unresolved(fn))
            return true;
    }
    return false;
}

int st_benign_match(const strand_snapshot *s, const uint32_t *frames, size_t n, uint32_t created_by)
{
    int top = st_top_frame(s, frames, n);
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        const st_benign *b = &table[i];
        int at = -1;
        if (b->where == ST_AT_ANY)
            at = find_frame(s, frames, n, b->func, true);
        else if (b->where == ST_AT_TOP)
            at = top >= 0 && st_func_match(b->func, frame_func(s, frames[top])) ? top : -1;
        else if (created_by != STRAND_NONE && st_func_match(b->func, frame_func(s, created_by)))
            at = 0;
        if (at >= 0 && !user_code_above(s, frames, at))
            return (int)i;
    }
    return -1;
}

int st_ignore_match(const strand_snapshot *s, const strand_ignore *rules, size_t n_rules,
                    const uint32_t *frames, size_t n, uint32_t created_by)
{
    int top = st_top_frame(s, frames, n);
    for (size_t i = 0; i < n_rules; i++) {
        const char *want = rules[i].func;
        if (!want || !*want)
            continue;
        bool hit = false;
        switch (rules[i].kind) {
        case STRAND_IGNORE_TOP:
            hit = top >= 0 && strcmp(want, frame_func(s, frames[top])) == 0;
            break;
        case STRAND_IGNORE_ANY:
            hit = find_frame(s, frames, n, want, false) >= 0;
            break;
        case STRAND_IGNORE_CREATED_BY:
            hit = created_by != STRAND_NONE && strcmp(want, frame_func(s, created_by)) == 0;
            break;
        }
        if (hit)
            return (int)i;
    }
    return -1;
}
