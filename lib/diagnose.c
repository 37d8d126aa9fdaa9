/* diagnose.c - class, verdict, evidence, cause and fix for each group.
 *
 * Cross-goroutine passes run first, because a group is judged by the other
 * goroutines in the report: who could still wake it (a sender for a
 * receiver, the lock holder, the worker that must call Done), whether both
 * sides of a protocol are parked, whether its creator is alive. Then one
 * rule per blocking kind decides what is left. Knowledge about classes lives
 * in classes.c; the cause/fix templates below only place it at the site.
 */
#include "analyze.h"

#include <stdio.h>

/* A group this large (or this large and at least half the process) parked at
 * one line is a leak by itself when nothing alive can wake it: the figure is
 * the order of magnitude where LeakProf-style tools flag a site. */
#define ST_MASS_ABS 100u
#define ST_MASS_HALF 50u

/* ---- predicates ------------------------------------------------------------ */

static bool undecided(const st_group *g)
{
    return !g->decided && g->merged_into < 0;
}

static bool kind_is(const st_group *g, strand_kind k)
{
    return g->kind == (uint16_t)k;
}

static bool recvish(const st_group *g)
{
    return kind_is(g, STRAND_KIND_CHAN_RECEIVE) || kind_is(g, STRAND_KIND_CHAN);
}

static bool live_kind(const st_group *g)
{
    return kind_is(g, STRAND_KIND_RUNNING) || kind_is(g, STRAND_KIND_RUNNABLE) ||
           kind_is(g, STRAND_KIND_IO) || kind_is(g, STRAND_KIND_SYSCALL) ||
           kind_is(g, STRAND_KIND_SLEEP);
}

static bool user_group(const st_group *g)
{
    return g->benign < 0 && g->ignored < 0 && *g->site_func;
}

static bool same_pkg(const st_group *a, const st_group *b)
{
    return a->pkg_len && a->pkg_len == b->pkg_len &&
           memcmp(a->site_func, b->site_func, a->pkg_len) == 0;
}

/* Same method receiver ("main.(*Pool).worker" and "main.(*Pool).Drain"). */
static bool same_receiver(const st_group *a, const st_group *b)
{
    const char *x = strstr(a->site_func, ").");
    const char *y = strstr(b->site_func, ").");
    return x && y && x - a->site_func == y - b->site_func &&
           memcmp(a->site_func, b->site_func, (size_t)(x - a->site_func)) == 0;
}

static bool is_mass(const st_ctx *c, uint64_t n)
{
    return n >= ST_MASS_ABS || (n >= ST_MASS_HALF && 2 * n >= c->total);
}

/* Most of the process parked at one line. */
static bool dominates(const st_ctx *c, uint64_t n)
{
    return n >= ST_MASS_HALF && 2 * n >= c->total;
}

static strand_verdict firm(bool leak)
{
    return leak ? STRAND_VERDICT_LEAK : STRAND_VERDICT_SUSPECT;
}

/* The report itself says every listed goroutine outlived its purpose: a
 * test's leak check, or the runtime's "all goroutines are asleep". */
static bool certain(const st_ctx *c)
{
    return c->test_report || c->all_asleep;
}

/* ---- buckets: groups by source file, for linear cross-group passes -------- */

/* Candidates for a group's counterpart are looked for among the groups of
 * the same file only, and at most ST_SCAN of them: the passes stay linear
 * whatever the input. */
#define ST_SCAN 4096u

typedef struct bucket {
    st_map head;    /* file hash -> first group index + 1 */
    uint32_t *next; /* next group index + 1 of the same file, 0 = end */
    size_t n;
} bucket;

static uint64_t file_key(const st_group *g)
{
    return st_hash_bytes(g->site_file, strlen(g->site_file));
}

static bool bucket_build(st_ctx *c, bucket *b)
{
    st_map_init(&b->head, c->alloc);
    b->n = c->n;
    b->next = st_malloc(c->alloc, (c->n + 1) * sizeof *b->next);
    if (!b->next)
        return false;
    for (size_t i = c->n; i-- > 0;) {
        bool fresh;
        uint32_t *h = st_map_put(&b->head, file_key(&c->g[i]), &fresh);
        if (!h)
            return false;
        b->next[i] = fresh ? 0 : *h;
        *h = (uint32_t)(i + 1);
    }
    return true;
}

static void bucket_free(st_ctx *c, bucket *b)
{
    st_free(c->alloc, b->next, (b->n + 1) * sizeof *b->next);
    st_map_free(&b->head);
}

/* First group (index + 1) of the file of `g`, or 0. */
static uint32_t bucket_first(const bucket *b, const st_group *g)
{
    uint32_t h = st_map_get(&b->head, file_key(g));
    return h == UINT32_MAX ? 0 : h;
}

/* ---- cause and fix, placed at the site ------------------------------------ */

/* $F function, $S file:line, $N count, $C creator. */
typedef struct tmpl {
    const char *id, *cause, *fix;
} tmpl;

static const tmpl templates[] = {
    {"chan-send",
     "The send at $S in $F has no receiver: whoever should read that channel stopped reading or "
     "never started, so every goroutine parked there ($N) waits for ever.",
     "At $S, send inside a select that also waits on ctx.Done() (or a done channel), or buffer "
     "the channel when exactly one value is sent; make the receiver read until the sender is "
     "done, and drop receivers that stopped."},
    {"chan-receive-never-closed",
     "$F waits at $S for a value on a channel that no live goroutine sends on or closes; a range "
     "loop ends only on close(), and the producer finished without it.",
     "Close the channel in its producer when it is done (defer close(ch)), or give $F a select "
     "on ctx.Done() at $S so its owner can stop it."},
    {"chan-receive-no-cancel",
     "$F receives at $S in a loop that watches nothing else (no ctx.Done(), no stop channel), "
     "so stopping its owner cannot end it.",
     "At $S, receive in a select with a stop or ctx.Done() case and return on it (and make sure "
     "the stop channel is created before Stop closes it)."},
    {"select-never-ready",
     "None of the cases of the select at $S in $F can fire: the channels it waits on have no "
     "live sender and nobody closes them.",
     "Give the select at $S a ctx.Done() case tied to the caller's deadline, and replace "
     "time.After with a time.NewTimer that is stopped."},
    {"nil-channel", "The channel used at $S in $F is nil: a nil channel blocks for ever.",
     "make() the channel before $F uses it (where the struct that holds it is built)."},
    {"select-no-cases", "$F blocks in `select {}` at $S, which never returns.",
     "Wait on ctx.Done() or a done channel at $S instead of select {}."},
    {"waitgroup-missing-done",
     "$F waits in WaitGroup.Wait at $S, but no worker that could call Done is left: one "
     "returned without Done (an early return before defer wg.Done()), or Add counted more "
     "workers than were started.",
     "Make `defer wg.Done()` the first statement of every worker of the WaitGroup waited on at "
     "$S, with Add(1) right before each go statement."},
    {"mutex-no-holder",
     "$N goroutines wait to lock the mutex at $S ($F) and no goroutine in the report can be "
     "holding it: the holder returned or panicked (and was recovered) without Unlock.",
     "In every function that locks this mutex, `defer mu.Unlock()` right after Lock(); look for "
     "early returns and recovered panics between Lock and Unlock."},
    {"cond-wait-no-signal",
     "$F waits in Cond.Wait at $S and no live goroutine is left to Signal or Broadcast.",
     "Broadcast on every state change and on shutdown, and wait in a `for !cond { c.Wait() }` "
     "loop; a channel is simpler for one event."},
    {"net-read-no-deadline",
     "$F waits on a network connection at $S with no deadline: a peer that went silent without "
     "closing holds the goroutine, and its file descriptor, for ever.",
     "Before the read at $S, call SetReadDeadline (and enable TCP keepalive); close the "
     "connection on timeout."},
    {"http-client-no-timeout",
     "$N goroutines belong to HTTP requests made at $S in $F that wait for a response for ever "
     "(the caller in persistConn.roundTrip plus the connection's readLoop and writeLoop): the "
     "client has no Timeout and the request no deadline.",
     "For the request at $S use an http.Client with Timeout, or NewRequestWithContext with "
     "context.WithTimeout; always close response bodies."},
    {"listener-never-closed",
     "$F accepts connections at $S on a listener that nobody closes: the server was started "
     "(created by $C) and never shut down; closing a client connection ends only its handler.",
     "Close the server's listener when done and wait for $F to return (defer srv.Close() in "
     "tests); do not hide it with IgnoreTopFunction(\"internal/poll.runtime_pollWait\")."},
    {"errgroup-no-cancel",
     "The errgroup workers block at $S in $F: the group has no context, so the failure of one "
     "cancels nothing, and Wait waits for all of them, so its caller never returns either.",
     "Use errgroup.WithContext and select on ctx.Done() next to the operation at $S; make sure "
     "something drains the results (or size the channel to the number of workers)."},
    {"worker-pool-never-closed",
     "The workers ($F) range over a job channel at $S that nothing closes, while the caller of "
     "WaitGroup.Wait waits for them to finish: neither side can end.",
     "Close the job channel before waiting for the workers: close(jobs); wg.Wait()."},
    {"deadlock-both-blocked",
     "$F at $S waits for a counterpart that is itself parked waiting for this side: both sides "
     "of the protocol are blocked.",
     "Order the protocol consistently (or select on every channel each side may need) and give "
     "both sides a ctx.Done() case."},
    {"identical-stacks-different-causes",
     "$N consumers share one stack at $S in $F, but their producers differ (see the evidence): "
     "one stack, several causes.",
     "Judge each consumer by its producer: for a deadlocked pair order the protocol and add "
     "ctx.Done() on both sides; for a slow upstream put a deadline on its read; for a producer "
     "that is gone, `defer close(out)` in the producer."},
    {"slow-producer-not-a-leak",
     "$F at $S is alive, waiting on its own upstream; the goroutine it feeds waits for it. Not a "
     "leak while the upstream can answer.",
     "Put a deadline on the upstream read at $S so a hung upstream cannot hold both goroutines "
     "for ever."},
    {"busy-loop",
     "$F is running at $S instead of waiting: it polls (a select with a default case, or a "
     "ctx check in a loop) and burns CPU without ever blocking.",
     "Remove the default case so the select at $S blocks (or simply <-ctx.Done()); if polling "
     "is really wanted, wait on a ticker between polls."},
    {"goleak-race-slow-exit",
     "$F is still running at $S (not parked): it has not finished yet. When a leak check lists "
     "it, whatever stopped it returned without waiting for it to exit (typical under -race, "
     "which slows it down).",
     "Make the Close/Stop that ends $F wait for it (a done channel or a WaitGroup); no goleak "
     "ignore is needed."},
    {"not-a-leak-steady-state",
     "Not a leak as far as this report shows: $N goroutines at $S in $F belong to live owners "
     "or were started once; their number is the workload's cost.",
     "Nothing to fix; compare snapshots over time (strand diff) and watch their ratio to "
     "connections or requests."},
    {"timer-time-after",
     "$F arms a timer with time.After at $S on every call; when another case of its select wins, "
     "the timer is never stopped and stays in the runtime's timer heap (with its Timer and "
     "channel) for its full duration.",
     "At $S use t := time.NewTimer(d) with defer t.Stop() (or context.WithTimeout with defer "
     "cancel()) instead of time.After."},
    {"growing-population",
     "The goroutines at $S in $F are started faster than they end: their number grows across "
     "the snapshots.",
     "Give the goroutines waiting at $S a way to end (ctx.Done() in their loop, a bound on "
     "retries, a deadline on the call), and bound how many $C starts at once."},
    {"stripped-symbols",
     "The frames of this group have no function names, so the waiting site cannot be named.",
     "Symbolize the profile against the exact binary (go tool pprof BINARY PROFILE)."},
};

static const tmpl *template_for(const strand_class_info *cls)
{
    for (size_t i = 0; cls && i < sizeof templates / sizeof templates[0]; i++)
        if (strcmp(templates[i].id, cls->id) == 0)
            return &templates[i];
    return NULL;
}

static size_t put(char *out, size_t cap, size_t at, const char *s)
{
    size_t n = strlen(s);
    if (at < cap)
        memcpy(out + at, s, at + n < cap ? n : cap - at);
    return at + n;
}

static char *expand(st_ctx *c, const st_group *g, const char *t)
{
    char num[32];
    snprintf(num, sizeof num, "%llu", (unsigned long long)g->merged_count);
    const char *subst[4] = {*g->site_func ? g->site_func : "this goroutine", st_site_short(c, g),
                            num, *g->creator ? g->creator : "its creator"};
    size_t cap = 0, n = 0;
    char *out = NULL;
    for (int pass = 0; pass < 2; pass++) {
        n = 0;
        for (const char *p = t; *p; p++) {
            const char *k = p[0] == '$' ? strchr("FSNC", p[1]) : NULL;
            if (k && p[1]) {
                n = put(out, cap, n, subst[k - "FSNC"]);
                p++;
            } else {
                if (n < cap)
                    out[n] = *p;
                n++;
            }
        }
        if (pass == 0) {
            cap = n + 1;
            out = st_arena_alloc(c->ar, cap, 1);
            if (!out)
                return NULL;
        }
    }
    out[n] = '\0';
    return out;
}

/* Cause and fix from the class's template, each unless set already (a trend
 * sets its own cause, compare.c). */
static void place_text(st_ctx *c, st_group *g)
{
    if ((g->cause && g->fix) || !g->cls)
        return;
    const tmpl *t = template_for(g->cls);
    if (!t)
        return;
    if (!g->cause) {
        char *cause = expand(c, g, t->cause);
        /* a suspect's cause is a hypothesis: say so */
        if (cause && g->verdict == STRAND_VERDICT_SUSPECT && g->cls->verdict == STRAND_VERDICT_LEAK)
            cause = st_printf(c->ar, "Suspected, not proven by this report: %s", cause);
        g->cause = cause;
    }
    if (!g->fix)
        g->fix = expand(c, g, t->fix);
}

/* ---- common evidence --------------------------------------------------------- */

static const char *state_of(const st_group *g)
{
    const char *st = g->status ? strand_str_get(g->snap, g->status, NULL) : "";
    return *st ? st : strand_kind_name((strand_kind)g->kind);
}

static void ev_count(st_ctx *c, st_group *g)
{
    uint64_t n = g->count - g->absorbed;
    unsigned pct = c->total ? (unsigned)(n * 100 / c->total) : 0;
    st_ev(c, g, "%llu of %llu goroutines (%u%%) in [%s] at %s in %s", (unsigned long long)n,
          (unsigned long long)c->total, pct, state_of(g), st_site_short(c, g),
          *g->site_func ? g->site_func : "an unnamed function");
    if (g->src_text)
        st_ev(c, g, "the source line reads `%s`", g->src_text);
}

static void ev_creator(st_ctx *c, st_group *g)
{
    if (*g->creator) {
        const char *how = g->startup ? "at start-up: created once, not per request"
                          : g->creator_alive ? "which is still on a live goroutine's stack"
                                             : "which is on no live stack: it has returned";
        st_ev(c, g, "created by %s, %s", g->creator, how);
        uint64_t owners = g->creator_id_str < c->n_strs ? c->func_goroutines[g->creator_id_str] : 0;
        if (g->creator_alive && !g->startup && owners)
            st_ev(c, g, "%.1f per live owner (%llu goroutines run %s): if fewer are expected per "
                  "owner, the rest belong to owners that are gone",
                  (double)g->count / (double)owners, (unsigned long long)owners, g->creator);
    } else if (!c->has_creators && !g->startup && g->benign < 0) {
        st_ev(c, g, "this %s report has no creators, goroutine ids or wait times: the verdict "
              "rests on counts and frames",
              strand_format_name(strand_snapshot_format(c->s)));
    }
    if (g->with_creator_id && g->orphans)
        st_ev(c, g, "%llu of them were created by goroutines that have exited",
              (unsigned long long)g->orphans);
}

static void ev_wait(st_ctx *c, st_group *g)
{
    if (g->wmax < 0)
        return;
    if (g->wmin == g->wmax)
        st_ev(c, g, "parked for at least %d minutes", g->wmax);
    else
        st_ev(c, g, "parked between %d and %d minutes: they arrived over time, not at once",
              g->wmin, g->wmax);
}

static void ev_context(st_ctx *c, st_group *g)
{
    if (g->gflags & STRAND_G_LEAKED)
        st_ev(c, g, "the Go runtime itself marks them (leaked): unreachable, blocked for ever");
    if (c->test_report)
        st_ev(c, g, "listed by a test's leak check (%s): it outlived the test",
              strand_format_name(strand_snapshot_format(c->s)));
    if (c->all_asleep)
        st_ev(c, g, "the runtime stopped the program: all goroutines are asleep (deadlock)");
    if (g->waited_by >= 0) {
        const st_group *w = &c->g[g->waited_by];
        st_ev(c, g, "%llu goroutine(s) wait for them in sync.(*WaitGroup).Wait at %s in %s: "
              "they leak because these do",
              (unsigned long long)w->count, st_site_short(c, w), w->site_func);
    }
}

static void decide(st_ctx *c, st_group *g, const char *cls, strand_verdict v)
{
    st_set_class(g, cls, v);
    if (g->gflags & STRAND_G_LEAKED)
        g->verdict = STRAND_VERDICT_LEAK;
    (void)c;
}

/* Move `n` goroutines of `from` into the finding of `into`. */
static void absorb(st_ctx *c, st_group *into, st_group *from, uint64_t n)
{
    if (n > from->count - from->absorbed)
        n = from->count - from->absorbed;
    from->absorbed += n;
    into->merged_count += n;
    into->members++;
    if (from->absorbed >= from->count) {
        from->merged_into = (int)(into - c->g);
        from->decided = true;
    }
}

/* ---- pass: ignore rules and the always-benign table -------------------------- */

static void pass_benign(st_ctx *c)
{
    for (size_t i = 0; i < c->n; i++) {
        st_group *g = &c->g[i];
        const st_benign *b = st_benign_get(g->benign);
        if (g->ignored >= 0) {
            decide(c, g, "benign", STRAND_VERDICT_OK);
            const strand_ignore *r = &c->opts->ignores[g->ignored];
            static const char *const kinds[] = {"", "--ignore-top", "--ignore-any",
                                                "--ignore-created-by"};
            st_ev(c, g, "matched the ignore rule %s %s", kinds[r->kind <= 3 ? r->kind : 0],
                  r->func);
        } else if ((g->gflags & STRAND_G_SYSTEM) || kind_is(g, STRAND_KIND_RUNTIME) ||
                   (g->site < 0 && !(g->gflags & STRAND_G_NO_STACK))) {
            decide(c, g, "benign", STRAND_VERDICT_OK);
            st_ev(c, g, "a runtime system goroutine (no user or library frame)");
            b = NULL;
        } else if (b && b->cond == ST_BENIGN_ALWAYS) {
            decide(c, g, "benign", STRAND_VERDICT_OK);
            st_ev(c, g, "%s", b->why);
        } else if ((g->gflags & STRAND_G_CURRENT) && live_kind(g) &&
                   !strand_snapshot_reason(c->s)) {
            decide(c, g, "benign", STRAND_VERDICT_OK);
            st_ev(c, g, "the goroutine that took this dump (runtime.Stack)");
            b = NULL;
        }
        if (g->decided)
            g->cause = b ? b->why : g->ev[0];
    }
}

/* ---- pass: the waiting line, when the caller can read sources --------------- */

static bool chan_kind(const st_group *g)
{
    return kind_is(g, STRAND_KIND_CHAN) || kind_is(g, STRAND_KIND_CHAN_RECEIVE) ||
           kind_is(g, STRAND_KIND_CHAN_SEND) || kind_is(g, STRAND_KIND_SELECT);
}

/* The runtime's own facts (state, runtime frames) win; the line fills in
 * what the format hides. */
static void apply_source(st_ctx *c, st_group *g, const st_src *src)
{
    g->src_text = st_printf(c->ar, "%s", src->text);
    g->src_op = (uint8_t)src->op;
    g->src_flags = (uint8_t)src->flags;
    bool frames_tell = g->feat & (ST_F_RECV1 | ST_F_RECV2);
    if (kind_is(g, STRAND_KIND_CHAN) && src->op == ST_SRC_SEND)
        g->kind = STRAND_KIND_CHAN_SEND;
    else if (kind_is(g, STRAND_KIND_CHAN) && (src->op == ST_SRC_RECV || src->op == ST_SRC_RANGE))
        g->kind = STRAND_KIND_CHAN_RECEIVE;
    if (src->op == ST_SRC_RANGE && !frames_tell)
        g->feat |= ST_F_RECV2;
    if (src->op == ST_SRC_RECV && (src->flags & ST_SRC_LOOP) && !frames_tell)
        g->feat |= ST_F_RECV1;
    if (src->op == ST_SRC_RANGE && (src->flags & ST_SRC_TICKER))
        g->feat |= ST_F_TICKER;
}

static void pass_source(st_ctx *c)
{
    if (!c->opts || !c->opts->source_line)
        return;
    for (size_t i = 0; i < c->n; i++) {
        st_group *g = &c->g[i];
        st_src src;
        if (undecided(g) && user_group(g) && chan_kind(g) &&
            st_source_read(c->opts, g->site_file, g->site_line, &src))
            apply_source(c, g, &src);
    }
}

/* ---- pass: hung HTTP requests (caller + readLoop + writeLoop) ---------------- */

/* Absorb up to `want` goroutines of groups with `feat`, from *cursor on:
 * the cursor is shared by all callers, so the pass is linear. */
static uint64_t absorb_feature(st_ctx *c, st_group *into, uint32_t feat, uint64_t want,
                               size_t *cursor)
{
    uint64_t got = 0;
    for (; *cursor < c->n && got < want; (*cursor)++) {
        st_group *g = &c->g[*cursor];
        if (g == into || !(g->feat & feat) || !undecided(g) || g->absorbed >= g->count)
            continue;
        uint64_t take = g->count - g->absorbed;
        if (take > want - got)
            take = want - got;
        absorb(c, into, g, take);
        got += take;
        if (g->absorbed < g->count)
            break; /* partly absorbed: the next caller continues here */
    }
    return got;
}

/* The innermost printed frame's function, "" when none. */
static const char *top_func(const st_group *g)
{
    size_t n;
    const uint32_t *fr = strand_stack_frames(g->snap, g->stack, &n);
    if (g->top < 0 || (size_t)g->top >= n)
        return "";
    const strand_frame *f = strand_frame_get(g->snap, fr[g->top]);
    return f ? strand_str_get(g->snap, f->func, NULL) : "";
}

static void pass_http(st_ctx *c)
{
    size_t rcur = 0, wcur = 0;
    uint64_t loops = 0; /* readLoops waiting for responses: live, but the requests' own */
    for (size_t i = 0; i < c->n; i++)
        if ((c->g[i].feat & ST_F_HTTP_READ) && live_kind(&c->g[i]))
            loops += c->g[i].count;
    for (size_t i = 0; i < c->n; i++) {
        st_group *g = &c->g[i];
        if (!(g->feat & (ST_F_HTTP_CALL | ST_F_HTTP_WAIT)) || !undecided(g))
            continue;
        /* Outside persistConn.roundTrip the request is queued for a
         * connection of the pool (Transport.getConn: every one busy at
         * MaxConnsPerHost, or a dial under way) or is reading its body and
         * handing the connection back (bodyEOFSignal): no readLoop or
         * writeLoop is waiting for these callers. */
        bool call = g->feat & ST_F_HTTP_CALL;
        uint64_t r = call ? absorb_feature(c, g, ST_F_HTTP_READ, g->count, &rcur) : 0;
        uint64_t w = call ? absorb_feature(c, g, ST_F_HTTP_WRITE, g->count, &wcur) : 0;
        /* Only the network ends a request, and a busy client has as many in
         * flight as its load: three goroutines each, times the fan-out, easily
         * most of a proxy's goroutines. So one snapshot calls a mass of them
         * hung only when nothing else in the process runs or waits on I/O:
         * the requests are all that is left of it. */
        bool idle = c->live <= loops;
        bool firm_leak = certain(c) || g->wmax >= 1 || (idle && is_mass(c, g->merged_count));
        decide(c, g, "http-client-no-timeout", firm(firm_leak));
        ev_count(c, g);
        if (call) {
            st_ev(c, g, "the callers wait for a response in net/http.(*persistConn).roundTrip "
                  "under %s at %s",
                  g->site_func, st_site_short(c, g));
            st_ev(c, g, "%llu net/http.(*persistConn).readLoop and %llu writeLoop goroutines "
                  "belong to these requests: one hung request holds three goroutines, reported "
                  "as one finding of %llu",
                  (unsigned long long)r, (unsigned long long)w,
                  (unsigned long long)g->merged_count);
        } else {
            st_ev(c, g, "requests in progress in net/http's client (%s) under %s at %s: queued "
                  "for a connection of the pool (Transport.getConn, at MaxConnsPerHost or "
                  "dialing) or reading the response body and handing the connection back "
                  "(bodyEOFSignal)",
                  top_func(g), g->site_func, st_site_short(c, g));
        }
        if (!firm_leak)
            st_ev(c, g, "one snapshot cannot tell a hung request from a slow one: a second "
                  "snapshot (strand diff) or parked minutes would decide");
        ev_creator(c, g);
        ev_wait(c, g);
        ev_context(c, g);
    }
}

/* ---- pass: errgroup workers and the caller in Wait --------------------------- */

static bool eg_worker(const st_group *g)
{
    return (g->feat & ST_F_EG_WORKER) ||
           strncmp(g->creator, "golang.org/x/sync/errgroup.(*Group).", 36) == 0;
}

static st_group *largest(st_ctx *c, bool (*pick)(const st_ctx *, const st_group *, const void *),
                         const void *arg)
{
    st_group *best = NULL;
    for (size_t i = 0; i < c->n; i++)
        if (undecided(&c->g[i]) && pick(c, &c->g[i], arg) &&
            (!best || c->g[i].count > best->count))
            best = &c->g[i];
    return best;
}

/* What rule_rest judges as running: a live kind, or no known blocking frame
 * under a named site (a debug=1 record whose hidden runtime frames do not
 * tell the wait, e.g. an allocation waiting for a GC to start). */
static bool seems_running(const st_group *g)
{
    return live_kind(g) ||
           (kind_is(g, STRAND_KIND_UNKNOWN) && *g->site_func && !(g->feat & ST_F_UNRESOLVED));
}

/* A worker parked by its own code: no library frame above its site. One
 * parked inside a library (net/http, sync) waits on that library's terms,
 * judged by the pass or rule that knows it. */
static bool parks_at_site(const st_group *g)
{
    return g->top < 0 || g->site < 0 || g->top >= g->site;
}

static bool pick_eg_blocked(const st_ctx *c, const st_group *g, const void *arg)
{
    (void)c;
    (void)arg;
    return eg_worker(g) && !seems_running(g) && parks_at_site(g) && !(g->feat & ST_F_EG_WAIT);
}

static void pass_errgroup(st_ctx *c)
{
    st_group *main = largest(c, pick_eg_blocked, NULL);
    if (!main)
        return;
    uint64_t waiters = 0, others = 0;
    for (size_t i = 0; i < c->n; i++) {
        st_group *g = &c->g[i];
        if (g == main || !undecided(g))
            continue;
        if (g->feat & ST_F_EG_WAIT) {
            waiters += g->count;
            absorb(c, main, g, g->count);
        } else if (pick_eg_blocked(c, g, NULL)) {
            others += g->count;
            absorb(c, main, g, g->count);
        }
    }
    decide(c, main, "errgroup-no-cancel", STRAND_VERDICT_LEAK);
    ev_count(c, main);
    st_ev(c, main, "the parked frame is a closure run by golang.org/x/sync/errgroup.(*Group).Go: "
          "the group's workers");
    if (others)
        st_ev(c, main, "%llu more workers of the group are parked elsewhere",
              (unsigned long long)others);
    if (waiters)
        st_ev(c, main, "%llu goroutine(s) wait in errgroup.(*Group).Wait for these workers: Wait "
              "waits for every worker, so the caller never gets the error",
              (unsigned long long)waiters);
    st_ev(c, main, "no context cancels the workers after a sibling failed");
    ev_creator(c, main);
    ev_wait(c, main);
    ev_context(c, main);
}

/* ---- pass: WaitGroup waiters and the workers they wait for -------------------- */

typedef struct wg_arg {
    const st_group *waiter;
    bool send;
} wg_arg;

static bool pick_wg_worker(const st_ctx *c, const st_group *g, const void *arg)
{
    const wg_arg *a = arg;
    (void)c;
    if (g == a->waiter || !user_group(g) || g->startup || !same_pkg(g, a->waiter))
        return false;
    /* the workers of a waiter: methods of the same type (Pool.worker and
     * Pool.Drain) or code of the same file */
    if (!same_receiver(g, a->waiter) && strcmp(g->site_file, a->waiter->site_file) != 0)
        return false;
    return a->send ? kind_is(g, STRAND_KIND_CHAN_SEND) : recvish(g);
}

static bool better_worker(const st_group *g, const st_group *best, const st_group *w)
{
    if (!best)
        return true;
    bool gr = same_receiver(g, w), br = same_receiver(best, w);
    return (gr && !br) || (gr == br && g->count > best->count);
}

/* The workers a WaitGroup waiter waits for: in its file, or methods of its
 * type (looked for among the groups of the same package, bounded). */
static st_group *wg_workers(st_ctx *c, const bucket *b, const st_group *w, bool send)
{
    wg_arg a = {w, send};
    st_group *best = NULL;
    size_t scanned = 0;
    for (uint32_t i = bucket_first(b, w); i && scanned < ST_SCAN; i = b->next[i - 1], scanned++) {
        st_group *g = &c->g[i - 1];
        if (undecided(g) && pick_wg_worker(c, g, &a) && better_worker(g, best, w))
            best = g;
    }
    for (size_t i = 0; i < c->n && i < ST_SCAN; i++) {
        st_group *g = &c->g[i];
        if (undecided(g) && same_receiver(g, w) && pick_wg_worker(c, g, &a) &&
            better_worker(g, best, w))
            best = g;
    }
    return best;
}

static void wg_pool(st_ctx *c, st_group *w, st_group *workers, bool send)
{
    absorb(c, workers, w, w->count);
    decide(c, workers, send ? "deadlock-both-blocked" : "worker-pool-never-closed",
           STRAND_VERDICT_LEAK);
    ev_count(c, workers);
    st_ev(c, workers, "%llu goroutine(s) wait in sync.(*WaitGroup).Wait at %s in %s for these "
          "workers: two stacks, one root cause",
          (unsigned long long)w->count, st_site_short(c, w), w->site_func);
    if (send)
        st_ev(c, workers, "the workers are parked sending, the waiter reads only after Wait "
              "returns: each side waits for the other");
    else
        st_ev(c, workers, "the workers can leave their receive loop only when the channel is "
              "closed, and the waiter is the one that should close it");
    ev_creator(c, workers);
    ev_wait(c, workers);
    ev_context(c, workers);
}

static void pass_waitgroup(st_ctx *c, const bucket *b)
{
    for (size_t i = 0; i < c->n; i++) {
        st_group *w = &c->g[i];
        if (!undecided(w) || !(w->feat & ST_F_WG_WAIT || kind_is(w, STRAND_KIND_WAITGROUP)))
            continue;
        st_group *workers = wg_workers(c, b, w, false);
        bool send = !workers;
        if (!workers)
            workers = wg_workers(c, b, w, true);
        if (workers && same_receiver(workers, w)) {
            wg_pool(c, w, workers, send);
            continue;
        }
        if (workers) { /* workers stuck for their own reasons: the waiter follows */
            absorb(c, workers, w, w->count);
            workers->waited_by = (int)(w - c->g);
            continue;
        }
        bool leak = c->live == 0 || certain(c);
        decide(c, w, leak ? "waitgroup-missing-done" : "waiting",
               leak ? STRAND_VERDICT_LEAK : STRAND_VERDICT_OK);
        ev_count(c, w);
        if (leak)
            st_ev(c, w, "no worker goroutine is left that could call Done: the waiter is the "
                  "leak, the cause is a worker that returned without Done");
        else
            st_ev(c, w, "%llu goroutine(s) are still running or waiting on I/O and may be the "
                  "workers that will call Done",
                  (unsigned long long)c->live);
        ev_creator(c, w);
        ev_wait(c, w);
        ev_context(c, w);
    }
}

/* ---- pass: locks without holders, conds without signallers --------------------- */

static bool lock_waiter(const st_group *g)
{
    return kind_is(g, STRAND_KIND_MUTEX) || kind_is(g, STRAND_KIND_RWMUTEX) ||
           (g->feat & (ST_F_MUTEX | ST_F_RWMUTEX) && !(g->feat & ST_F_WG_WAIT));
}

static bool pick_lock(const st_ctx *c, const st_group *g, const void *arg)
{
    (void)c;
    (void)arg;
    return lock_waiter(g);
}

static void pass_mutex(st_ctx *c)
{
    st_group *main = largest(c, pick_lock, NULL);
    if (!main)
        return;
    uint64_t holders = 0, active = 0;
    const st_group *holder = NULL;
    for (size_t i = 0; i < c->n; i++) {
        const st_group *g = &c->g[i];
        if (!undecided(g) || lock_waiter(g) || !user_group(g))
            continue;
        holders += g->count;
        holder = holder ? holder : g;
        if (live_kind(g))
            active += g->count;
    }
    for (size_t i = 0; i < c->n; i++)
        if (&c->g[i] != main && undecided(&c->g[i]) && lock_waiter(&c->g[i]))
            absorb(c, main, &c->g[i], c->g[i].count);
    if (active) {
        decide(c, main, "waiting", STRAND_VERDICT_OK);
        ev_count(c, main);
        st_ev(c, main, "lock contention: %llu goroutine(s) are running and may hold the lock",
              (unsigned long long)active);
        return;
    }
    decide(c, main, "mutex-no-holder", holders ? STRAND_VERDICT_SUSPECT : STRAND_VERDICT_LEAK);
    ev_count(c, main);
    if (main->members > 1)
        st_ev(c, main, "%llu goroutines in %zu places wait in sync.(*Mutex).Lock: the same lock, "
              "most likely",
              (unsigned long long)main->merged_count, main->members);
    if (!holders)
        st_ev(c, main, "no goroutine in the report is inside a critical section: the holder is "
              "gone (returned or panicked, recovered, without Unlock)");
    else
        st_ev(c, main, "the only possible holders are parked too (e.g. %s at %s): a lock held "
              "across a blocking call, or a lock-order deadlock",
              holder->site_func, st_site_short(c, holder));
    ev_wait(c, main);
    ev_context(c, main);
}

static bool pick_cond(const st_ctx *c, const st_group *g, const void *arg)
{
    (void)c;
    (void)arg;
    return kind_is(g, STRAND_KIND_COND) || (g->feat & ST_F_COND);
}

static void pass_cond(st_ctx *c)
{
    st_group *main = largest(c, pick_cond, NULL);
    if (!main)
        return;
    for (size_t i = 0; i < c->n; i++)
        if (&c->g[i] != main && undecided(&c->g[i]) && pick_cond(c, &c->g[i], NULL))
            absorb(c, main, &c->g[i], c->g[i].count);
    bool leak = c->live == 0 || certain(c);
    decide(c, main, leak ? "cond-wait-no-signal" : "waiting",
           leak ? STRAND_VERDICT_LEAK : STRAND_VERDICT_OK);
    ev_count(c, main);
    if (leak)
        st_ev(c, main, "no goroutine is running or waiting on I/O that could change the "
              "condition and Signal/Broadcast");
    else
        st_ev(c, main, "%llu live goroutine(s) may still Signal/Broadcast",
              (unsigned long long)c->live);
    ev_wait(c, main);
    ev_context(c, main);
}

/* ---- pass: consumers and their producers (never judge one stack alone) -------- */

/* A producer candidate: one goroutine of the consumer's file, not the
 * consumer's creator nor its child, blocked on a channel (a producer stuck
 * too) or waiting on I/O (alive, on its upstream). */
static bool producer_of(const st_group *p, const st_group *cons)
{
    if (p == cons || !undecided(p) || !user_group(p) || p->count != 1 || !same_pkg(p, cons) ||
        strcmp(p->site_file, cons->site_file) != 0 || (p->feat & (ST_F_MAIN | ST_F_ACCEPT)))
        return false;
    if (strcmp(p->site_func, cons->site_func) == 0 || strcmp(p->creator, cons->site_func) == 0 ||
        strcmp(p->site_func, cons->creator) == 0)
        return false;
    return kind_is(p, STRAND_KIND_CHAN_SEND) || kind_is(p, STRAND_KIND_CHAN) ||
           kind_is(p, STRAND_KIND_IO) || kind_is(p, STRAND_KIND_SYSCALL);
}

static bool blocked_producer(const st_group *p)
{
    return kind_is(p, STRAND_KIND_CHAN_SEND) || kind_is(p, STRAND_KIND_CHAN);
}

/* The consumer id nearest to the producer's: goroutine ids come from a
 * per-P cache in creation order, so a consumer and the producer started
 * right after it usually have adjacent ids. */
static uint64_t nearest_id(const st_group *cons, uint64_t pid, const bool *taken)
{
    uint64_t best = 0, bestd = UINT64_MAX;
    for (size_t i = 0; i < cons->n_ids; i++) {
        uint64_t id = cons->ids[i];
        uint64_t d = id > pid ? id - pid : pid - id;
        if (!taken[i] && d < bestd) {
            best = id;
            bestd = d;
        }
    }
    return best;
}

static void mark_taken(const st_group *cons, uint64_t id, bool *taken)
{
    for (size_t i = 0; i < cons->n_ids; i++)
        if (cons->ids[i] == id)
            taken[i] = true;
}

static void judge_producer(st_ctx *c, st_group *p, const st_group *cons, uint64_t cid)
{
    bool blocked = blocked_producer(p);
    decide(c, p, blocked ? "deadlock-both-blocked" : "slow-producer-not-a-leak",
           blocked ? STRAND_VERDICT_LEAK : STRAND_VERDICT_OK);
    ev_count(c, p);
    if (blocked)
        st_ev(c, p, "its consumer %s (%s) is parked receiving: neither side can move",
              cons->site_func, st_site_short(c, cons));
    else
        st_ev(c, p, "alive, waiting on its own upstream in [%s]; its consumer %s waits for it",
              state_of(p), cons->site_func);
    if (cid)
        st_ev(c, p, "paired with consumer goroutine %llu by creation order (adjacent ids)",
              (unsigned long long)cid);
    ev_creator(c, p);
}

static void pair_evidence(st_ctx *c, st_group *cons, st_group **prods, size_t np)
{
    bool taken[64] = {false};
    bool use_ids = cons->n_ids == cons->count && cons->n_ids <= 64;
    for (size_t i = 0; i < np; i++) {
        st_group *p = prods[i];
        uint64_t pid = p->n_ids ? p->ids[0] : 0;
        uint64_t cid = use_ids && pid ? nearest_id(cons, pid, taken) : 0;
        if (cid)
            mark_taken(cons, cid, taken);
        const char *cls = blocked_producer(p) ? "deadlock-both-blocked" : "slow-producer-not-a-leak";
        if (cid)
            st_ev(c, cons, "goroutine %llu <- producer %llu %s (%s) in [%s]: %s", (unsigned long long)cid,
                  (unsigned long long)pid, p->site_func, st_site_short(c, p), state_of(p), cls);
        else
            st_ev(c, cons, "one consumer <- producer %s (%s) in [%s]: %s", p->site_func,
                  st_site_short(c, p), state_of(p), cls);
        judge_producer(c, p, cons, cid);
    }
    uint64_t missing = cons->count > np ? cons->count - np : 0;
    bool any_blocked = false;
    for (size_t i = 0; i < np; i++)
        any_blocked |= blocked_producer(prods[i]);
    if (missing && any_blocked) {
        char ids[128] = "";
        for (size_t i = 0, k = 0; use_ids && i < cons->n_ids; i++)
            if (!taken[i])
                k += (size_t)snprintf(ids + k, k < sizeof ids ? sizeof ids - k : 0, "%s%llu",
                                      k ? ", " : " (goroutine ", (unsigned long long)cons->ids[i]);
        st_ev(c, cons, "%llu consumer(s)%s%s have no producer left in the report: "
              "producer-died-no-close (it returned without close)",
              (unsigned long long)missing, ids, *ids ? ")" : "");
    }
}

static void pass_pairs(st_ctx *c, const bucket *b)
{
    st_group *prods[16];
    for (size_t i = 0; i < c->n; i++) {
        st_group *cons = &c->g[i];
        /* a ticker's channel is fed by the runtime, not by a goroutine */
        if (!undecided(cons) || !recvish(cons) || !user_group(cons) || cons->startup ||
            cons->creator_alive || (cons->feat & ST_F_TICKER))
            continue;
        size_t np = 0, nblocked = 0, scanned = 0;
        for (uint32_t j = bucket_first(b, cons); j && np < 16 && scanned < ST_SCAN;
             j = b->next[j - 1], scanned++)
            if (producer_of(&c->g[j - 1], cons)) {
                prods[np++] = &c->g[j - 1];
                nblocked += blocked_producer(&c->g[j - 1]);
            }
        /* pairs are plausible only when the candidates are of the order of
         * the consumers (a few pipelines), not one goroutine for hundreds */
        if (!np || (uint64_t)np * 4 < cons->count)
            continue;
        /* All producers alive: one may feed them all (fan-out), not a leak.
         * A producer parked too is a deadlock; with others alive or missing,
         * the identical consumers leak for different reasons. */
        bool mixed = nblocked && (nblocked < np || np < cons->count);
        const char *cls = cons->count >= 2 && mixed ? "identical-stacks-different-causes"
                          : nblocked               ? "deadlock-both-blocked"
                                                   : "slow-producer-not-a-leak";
        bool leak = nblocked > 0;
        decide(c, cons, cls, leak ? STRAND_VERDICT_LEAK : STRAND_VERDICT_OK);
        ev_count(c, cons);
        st_ev(c, cons, "%zu candidate producer(s) of package %.*s in the report: %zu parked on a "
              "channel, %zu alive on their upstream",
              np, (int)cons->pkg_len, cons->site_func, nblocked, np - nblocked);
        pair_evidence(c, cons, prods, np);
        ev_creator(c, cons);
        ev_context(c, cons);
    }
}

/* ---- pass: accept loops and library connection goroutines ------------------- */

static bool library_creator(const char *f)
{
    return *f && (strncmp(f, "net/", 4) == 0 || strncmp(f, "golang.org/x/", 13) == 0 ||
                  strncmp(f, "google.golang.org/", 18) == 0);
}

static void pass_listeners(st_ctx *c)
{
    for (size_t i = 0; i < c->n; i++) {
        st_group *g = &c->g[i];
        const st_benign *b = st_benign_get(g->benign);
        if (!undecided(g) || !b || b->cond != ST_BENIGN_SERVING)
            continue;
        bool others = c->live > g->count; /* some other goroutine can use the server */
        bool serving = g->startup || g->creator_alive || g->children ||
                       library_creator(g->creator) || (!*g->creator && others);
        if (serving && !c->test_report) {
            decide(c, g, "benign", STRAND_VERDICT_OK);
            st_ev(c, g, "%s", b->why);
            st_ev(c, g, "%s", g->children ? "it has live connection goroutines"
                              : g->startup ? "started at start-up"
                              : g->creator_alive ? "its creator is alive"
                                                 : "other goroutines of the process are active");
            g->cause = b->why;
            continue;
        }
        decide(c, g, "listener-never-closed", firm(c->test_report || !others));
        ev_count(c, g);
        st_ev(c, g, "an accept loop (net.(*TCPListener).Accept) under %s with no connection "
              "goroutine of its own",
              g->site_func);
        if (!others)
            st_ev(c, g, "nothing else in the process runs or waits on I/O: the server outlived "
                  "whatever used it");
        ev_creator(c, g);
        ev_context(c, g);
    }
}

static void pass_library(st_ctx *c)
{
    for (size_t i = 0; i < c->n; i++) {
        st_group *g = &c->g[i];
        const st_benign *b = st_benign_get(g->benign);
        if (!undecided(g) || !b)
            continue;
        decide(c, g, "benign", c->test_report ? STRAND_VERDICT_SUSPECT : STRAND_VERDICT_OK);
        st_ev(c, g, "%s", b->why);
        if (c->test_report)
            st_ev(c, g, "in a test it outlived the test: close the client's idle connections or "
                  "the server before the leak check");
        g->cause = b->why;
    }
}

/* ---- per-kind rules for what is left ----------------------------------------- */

static void rule_send(st_ctx *c, st_group *g)
{
    bool leak = certain(c) || c->live == 0 || g->wmax >= 1;
    decide(c, g, "chan-send", firm(leak));
    ev_count(c, g);
    if (c->live == 0)
        st_ev(c, g, "no goroutine is running or waiting on I/O that could become the receiver: "
              "the other user goroutines are parked too");
    else
        st_ev(c, g, "%llu goroutine(s) are still active and one of them may yet receive",
              (unsigned long long)c->live);
    ev_creator(c, g);
    ev_wait(c, g);
    ev_context(c, g);
}

static const char *recv_class(const st_group *g)
{
    if (g->feat & ST_F_TICKER)
        return "ticker-never-stopped";
    return (g->feat & ST_F_RECV1) && !(g->feat & ST_F_RECV2) ? "chan-receive-no-cancel"
                                                             : "chan-receive-never-closed";
}

static void ev_recv_form(st_ctx *c, st_group *g)
{
    if (g->feat & ST_F_TICKER)
        st_ev(c, g, "a range over a ticker's channel: Stop does not close t.C, so this loop "
              "never ends; one such goroutine per call means the constructor runs per request");
    else if (g->src_op == ST_SRC_RANGE)
        st_ev(c, g, "a range loop: it ends only when the channel is closed");
    else if (g->src_op == ST_SRC_RECV && (g->src_flags & ST_SRC_LOOP))
        st_ev(c, g, "a plain receive inside a for loop, with no stop or ctx.Done() case");
    else if (g->feat & ST_F_RECV2)
        st_ev(c, g, "runtime.chanrecv2 under the frame: a range loop (or v, ok := <-ch) that ends "
              "only when the channel is closed");
    else if (g->feat & ST_F_RECV1)
        st_ev(c, g, "runtime.chanrecv1 under the frame: a plain receive, with no other case that "
              "could end the wait");
    else if (kind_is(g, STRAND_KIND_CHAN))
        st_ev(c, g, "this format hides the runtime frames, so send and receive look alike; read "
              "the line: a send is chan-send, a receive this class");
    else
        st_ev(c, g, "the report hides whether this is a range loop or a plain receive (only "
              "protobuf profiles keep runtime.chanrecv1/2); a plain `<-ch` in a loop is "
              "chan-receive-no-cancel");
}

/* Receivers and selects: judged by their creator and by what is alive. */
static void rule_wait(st_ctx *c, st_group *g, bool select)
{
    /* A select has other cases (often ctx.Done()); one such loop, or many
     * whose owner is alive, is a background loop while others can act. */
    bool owned = !c->test_report && !(g->gflags & STRAND_G_LEAKED) &&
                 (g->startup || g->creator_alive ||
                  (select && c->live && (g->count == 1 || (!*g->creator && !c->has_creators))));
    if (owned && (select || g->startup)) {
        decide(c, g, "not-a-leak-steady-state", STRAND_VERDICT_OK);
        ev_count(c, g);
        st_ev(c, g, "%s", g->startup ? "long-lived: started once at start-up, waiting for work"
                          : g->creator_alive ? "tied to a live owner: their creator is still running"
                          : g->count == 1    ? "a single background loop; live goroutines can still "
                                               "make one of its cases ready"
                                             : "live goroutines of the process can still make a case ready");
        ev_creator(c, g);
        st_ev(c, g, "one snapshot shows no trend: compare two (strand diff) to tell a steady "
              "population from a growing one");
        return;
    }
    /* Only another goroutine (or a timer) can wake a channel wait: with no
     * goroutine left that runs or waits on I/O, nothing will; a mass parked
     * at one line is a leak by itself. */
    bool nobody = c->live == 0 && !c->daemon;
    bool leak = certain(c) || ((nobody || is_mass(c, g->count)) && !g->creator_alive);
    decide(c, g, select ? "select-never-ready" : recv_class(g), firm(leak));
    ev_count(c, g);
    if (!select)
        ev_recv_form(c, g);
    if (select && g->src_op == ST_SRC_SELECT)
        st_ev(c, g, "%s%s",
              (g->src_flags & ST_SRC_DONE_CASE) ? "it has a Done() case, but nobody cancels that "
                                                  "context"
                                                : "no case on ctx.Done(): the caller's deadline "
                                                  "cannot end it",
              (g->src_flags & ST_SRC_TIME_AFTER) ? "; a time.After case fires only after its full "
                                                   "duration, keeping a timer until then"
                                                 : "");
    ev_creator(c, g);
    if (nobody)
        st_ev(c, g, "no goroutine is running or waiting on I/O that could send or close: "
              "nothing alive can wake them");
    else if (c->daemon && !c->live)
        st_ev(c, g, "main.main itself waits (for a signal?): the process idles by design, and "
              "what wakes it may feed them");
    else
        st_ev(c, g, "%llu goroutine(s) are still active and could yet wake them",
              (unsigned long long)c->live);
    if (!leak)
        st_ev(c, g, "one snapshot cannot tell them from a pool waiting for work: a growing "
              "count across snapshots (strand diff) would make it a leak");
    else if (!nobody && !certain(c))
        st_ev(c, g, "a population this large at one line is not a pool waiting for work");
    ev_wait(c, g);
    ev_context(c, g);
}

static void rule_io(st_ctx *c, st_group *g)
{
    bool net = (g->feat & (ST_F_NETREAD | ST_F_NETWRITE)) && user_group(g);
    if (!net) {
        decide(c, g, "waiting", STRAND_VERDICT_OK);
        ev_count(c, g);
        return;
    }
    if (st_source_has_deadline(c->opts, g->site_file, g->site_line)) {
        decide(c, g, "waiting", STRAND_VERDICT_OK);
        ev_count(c, g);
        st_ev(c, g, "the source sets a deadline just before this read: it cannot wait for ever");
        return;
    }
    /* Live connections look the same, so a read takes most of the process
     * (silent peers piling up) before one snapshot calls it a leak. */
    decide(c, g, "net-read-no-deadline", firm(certain(c) || dominates(c, g->count)));
    ev_count(c, g);
    st_ev(c, g, "internal/poll.runtime_pollWait <- net.(*conn).%s under %s: the goroutine waits "
          "on its peer",
          (g->feat & ST_F_NETREAD) ? "Read" : "Write", g->site_func);
    ev_creator(c, g);
    if (g->verdict != STRAND_VERDICT_LEAK)
        st_ev(c, g, "an idle connection looks the same in one snapshot: a count growing with the "
              "process's open file descriptors (strand diff) makes it a leak");
    else if (!certain(c))
        st_ev(c, g, "so many connections parked in one read are not idle clients: silent peers "
              "hold them, and their file descriptors");
    ev_wait(c, g);
    ev_context(c, g);
}

static void rule_running(st_ctx *c, st_group *g)
{
    bool poll = g->feat & (ST_F_SELECTNB | ST_F_CTXPOLL);
    decide(c, g, poll ? "busy-loop" : "goleak-race-slow-exit",
           poll || c->test_report ? STRAND_VERDICT_SUSPECT : STRAND_VERDICT_OK);
    ev_count(c, g);
    if (poll)
        st_ev(c, g, "caught polling (%s on top): a select with a default case or a ctx check in "
              "a loop never blocks",
              (g->feat & ST_F_SELECTNB) ? "runtime.selectnbrecv" : "context.(*cancelCtx).Done");
    else if (kind_is(g, STRAND_KIND_UNKNOWN))
        st_ev(c, g, "no blocking frame in the stack: the goroutine was running when the profile "
              "was taken");
    else if (strcmp(state_of(g), "semacquire") == 0)
        st_ev(c, g, "[semacquire] with no sync frame: a runtime semaphore (a GC starting, a "
              "stop-the-world such as the one that wrote this dump), held only briefly");
    else
        st_ev(c, g, "not parked: it is still doing work and can still finish");
    if (g->feat & ST_F_PREEMPT)
        st_ev(c, g, "runtime.asyncPreempt on the stack: the profiler stopped it mid-loop");
    if (g->gflags & STRAND_G_NO_STACK)
        st_ev(c, g, "running on another thread: the runtime could not print its stack");
    ev_creator(c, g);
    ev_context(c, g);
}

static void rule_other(st_ctx *c, st_group *g)
{
    switch ((strand_kind)g->kind) {
    case STRAND_KIND_NIL_CHAN:
        decide(c, g, "nil-channel", STRAND_VERDICT_LEAK);
        ev_count(c, g);
        st_ev(c, g, "the runtime says (nil chan): an operation on a nil channel never proceeds");
        ev_creator(c, g);
        return;
    case STRAND_KIND_SELECT_NO_CASES:
        decide(c, g, (g->feat & ST_F_MAIN) ? "waiting" : "select-no-cases",
               (g->feat & ST_F_MAIN) ? STRAND_VERDICT_OK : STRAND_VERDICT_LEAK);
        ev_count(c, g);
        st_ev(c, g, "%s", (g->feat & ST_F_MAIN) ? "main blocks for ever by design (select {})"
                                                : "select {} never returns");
        ev_creator(c, g);
        return;
    default:
        break;
    }
    bool unresolved = (g->feat & ST_F_UNRESOLVED) && !*g->site_func;
    decide(c, g, unresolved ? "stripped-symbols" : "waiting",
           unresolved ? STRAND_VERDICT_SUSPECT : STRAND_VERDICT_OK);
    ev_count(c, g);
    if (unresolved)
        st_ev(c, g, "the frames carry addresses only: symbolize the profile with its binary");
    ev_wait(c, g);
}

static void rule_rest(st_ctx *c)
{
    for (size_t i = 0; i < c->n; i++) {
        st_group *g = &c->g[i];
        if (!undecided(g))
            continue;
        switch ((strand_kind)g->kind) {
        case STRAND_KIND_CHAN_SEND:
            rule_send(c, g);
            break;
        case STRAND_KIND_CHAN_RECEIVE:
        case STRAND_KIND_CHAN:
            rule_wait(c, g, false);
            break;
        case STRAND_KIND_SELECT:
            rule_wait(c, g, true);
            break;
        case STRAND_KIND_IO:
            rule_io(c, g);
            break;
        case STRAND_KIND_RUNNING:
        case STRAND_KIND_RUNNABLE:
            rule_running(c, g);
            break;
        case STRAND_KIND_UNKNOWN:
            if (*g->site_func && !(g->feat & ST_F_UNRESOLVED))
                rule_running(c, g);
            else
                rule_other(c, g);
            break;
        default:
            rule_other(c, g);
            break;
        }
    }
}

/* ---- memory profiles: timers that pile up -------------------------------------- */

/* A heap profile holds allocation stacks, not goroutines. The one leak a
 * goroutine tool can name there is time's: timers armed by time.After (or
 * tickers) directly from user code, kept alive until they fire (Go < 1.23). */
static const char *timer_class(const st_ctx *c, const st_group *g)
{
    size_t n;
    const uint32_t *fr = strand_stack_frames(c->s, g->stack, &n);
    if (g->site <= 0 || (size_t)g->site >= n)
        return NULL;
    const strand_frame *f = strand_frame_get(c->s, fr[g->site - 1]);
    const char *fn = f ? strand_str_get(c->s, f->func, NULL) : "";
    if (strcmp(fn, "time.After") == 0 || strcmp(fn, "time.NewTimer") == 0 ||
        strcmp(fn, "time.Tick") == 0)
        return "timer-time-after";
    if (strcmp(fn, "time.NewTicker") == 0)
        return "ticker-never-stopped";
    return NULL;
}

static void pass_heap(st_ctx *c)
{
    for (size_t i = 0; i < c->n; i++) {
        st_group *g = &c->g[i];
        const char *cls = timer_class(c, g);
        g->hidden = !cls;
        g->decided = true;
        if (!cls)
            continue;
        g->objects = true;
        st_set_class(g, cls, STRAND_VERDICT_LEAK);
        for (size_t j = i + 1; j < c->n; j++) /* one finding per call site */
            if (!c->g[j].hidden && c->g[j].site_func_id == g->site_func_id &&
                c->g[j].site_line == g->site_line && timer_class(c, &c->g[j])) {
                absorb(c, g, &c->g[j], c->g[j].count);
                c->g[j].decided = true;
            }
    }
    for (size_t i = 0; i < c->n; i++) {
        st_group *g = &c->g[i];
        if (g->hidden || g->merged_into >= 0 || !g->cls)
            continue;
        if (g->merged_count < ST_MASS_ABS)
            g->verdict = STRAND_VERDICT_SUSPECT;
        st_ev(c, g, "memory profile: %llu objects allocated by %s at %s (the Timer, its channel "
              "and the runtime timer), in %zu stack(s)",
              (unsigned long long)g->merged_count, g->site_func, st_site_short(c, g), g->members);
        st_ev(c, g, "timers, not goroutines: a time.After that loses its select stays in the "
              "runtime's timer heap until it fires (Go < 1.23)");
        const char *ptype = strand_str_get(c->s, strand_snapshot_profile_type(c->s), NULL);
        if (strcmp(ptype, "heap") == 0) /* the debug=1 text: in-use counts */
            st_ev(c, g, "the counts are in-use objects (heap profile, debug=1): still live when "
                        "the profile was written");
        else
            st_ev(c, g, "the counts are the profile's first sample type (%s); inuse_objects "
                  "(go tool pprof -sample_index=inuse_objects) tells how many are still live",
                  ptype);
    }
}

void st_ctx_decide(st_ctx *c)
{
    if (c->heap) {
        pass_heap(c);
        st_ctx_place_text(c);
        return;
    }
    bucket b;
    if (!bucket_build(c, &b))
        c->oom = true;
    pass_benign(c);
    pass_source(c);
    pass_http(c);
    pass_errgroup(c);
    if (!c->oom) {
        pass_waitgroup(c, &b);
        pass_mutex(c);
        pass_cond(c);
        pass_pairs(c, &b);
    }
    bucket_free(c, &b);
    pass_listeners(c);
    pass_library(c);
    rule_rest(c);
    st_ctx_place_text(c);
}

const char *st_leak_class(const st_group *g)
{
    switch ((strand_kind)g->kind) {
    case STRAND_KIND_CHAN_SEND:
        return "chan-send";
    case STRAND_KIND_SELECT:
        return "select-never-ready";
    case STRAND_KIND_IO:
        return "net-read-no-deadline";
    case STRAND_KIND_CHAN_RECEIVE:
    case STRAND_KIND_CHAN:
        return (g->feat & ST_F_RECV1) && !(g->feat & ST_F_RECV2) ? "chan-receive-no-cancel"
                                                                 : "chan-receive-never-closed";
    case STRAND_KIND_NIL_CHAN:
        return "nil-channel";
    case STRAND_KIND_SELECT_NO_CASES:
        return "select-no-cases";
    case STRAND_KIND_WAITGROUP:
        return "waitgroup-missing-done";
    case STRAND_KIND_COND:
        return "cond-wait-no-signal";
    case STRAND_KIND_MUTEX:
    case STRAND_KIND_RWMUTEX:
        /* the runtime's mark proves that nothing can unlock; growth alone
         * (a queue behind a live holder) does not */
        return (g->gflags & STRAND_G_LEAKED) ? "mutex-no-holder" : "growing-population";
    default: /* sleep, syscall, the runtime: a loop or a call that does not end */
        return "growing-population";
    }
}

/* A leak verdict never keeps a class whose verdict is ok ("waiting": nothing
 * indicates a leak): whatever made it a leak after the class was chosen
 * (the runtime's "leaked" mark; a trend, which sets its own cause) names
 * the mechanism that leaks. */
static void leak_names_mechanism(st_ctx *c, st_group *g)
{
    if (g->verdict != STRAND_VERDICT_LEAK || (g->cls && g->cls->verdict != STRAND_VERDICT_OK))
        return;
    st_set_class(g, st_leak_class(g), STRAND_VERDICT_LEAK);
    g->cause = g->fix = NULL;
    if (g->gflags & STRAND_G_LEAKED)
        g->cause = st_printf(c->ar,
                             "The Go runtime marks the goroutines at %s in %s leaked: what they "
                             "wait on (%s) is reachable from no goroutine that can still run, so "
                             "nothing will ever wake them.",
                             st_site_short(c, g), *g->site_func ? g->site_func : "this goroutine",
                             strand_kind_name((strand_kind)g->kind));
}

void st_ctx_place_text(st_ctx *c)
{
    for (size_t i = 0; i < c->n; i++) {
        leak_names_mechanism(c, &c->g[i]);
        place_text(c, &c->g[i]);
    }
}
