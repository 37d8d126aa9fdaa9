/* watch_target.c - one watched target: what it is, its history window, the
 * analysis after each snapshot, and which findings are reported (once) or
 * resolved.
 *
 * The analysis is strand_analyze() over the window (the last --window
 * snapshots, oldest first, with their times), exactly as `strand diff` runs
 * it on files: the same groups, trends and explanations. Watch adds what
 * only a live process shows: open descriptors climbing with a group
 * (sampled from /proc for PID=URL targets).
 */
#include "watch.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define RESOLVE_AFTER 3     /* analyses in a row that no longer flag a finding */
#define WARM_UP 3           /* snapshots in the window before anything is reported */
#define DEFAULT_PATH "/debug/pprof/goroutine"

/* ---- parsing TARGET ---------------------------------------------------------- */

static bool has_scheme(const char *s)
{
    return !strncmp(s, "http://", 7) || !strncmp(s, "https://", 8);
}

/* Drops any debug= parameter (Strand chooses it) and the fragment, and gives
 * a bare host (or the pprof index) the goroutine profile's path. */
static char *normalize_url(const char *in)
{
    wbuf b = {0};
    const char *host = strstr(in, "://") + 3;
    size_t end = strcspn(in, "#");
    size_t q = strcspn(in, "?#");
    const char *slash = memchr(host, '/', (size_t)(in + q - host));
    size_t plen = slash ? (size_t)(in + q - slash) : 0;
    bool index = slash && ((plen == 12 && !strncmp(slash, "/debug/pprof", 12)) ||
                           (plen == 13 && !strncmp(slash, "/debug/pprof/", 13)));
    if (!slash || plen == 1 || index) {
        wb_put(&b, in, (size_t)((slash ? slash : in + q) - in));
        wb_puts(&b, DEFAULT_PATH);
    } else {
        wb_put(&b, in, q);
    }
    char sep = '?';
    for (size_t i = q + 1; i < end;) {
        size_t k = strcspn(in + i, "&#");
        if (i + k > end)
            k = end - i;
        bool debug = !strncmp(in + i, "debug=", 6) || (k == 5 && !strncmp(in + i, "debug", 5));
        if (k && !debug) {
            wb_put(&b, &sep, 1);
            wb_put(&b, in + i, k);
            sep = '&';
        }
        i += k + 1;
    }
    if (b.oom)
        wb_free(&b);
    return b.p;
}

static int parse_pid(const char *arg, const char **rest)
{
    char *end;
    long pid = strtol(arg, &end, 10);
    if (end == arg || *end != '=' || pid <= 0 || pid > 4194304)
        return 0;
    *rest = end + 1;
    return (int)pid;
}

static int init_url(watch_target *t, const char *url)
{
    wbuf b = {0};
    if (!has_scheme(url)) {
        wb_puts(&b, "http://");
        wb_puts(&b, url);
        if (b.oom)
            return -1;
        url = b.p;
    }
    t->url = normalize_url(url);
    wb_free(&b);
    t->name = t->url ? strdup(t->url) : NULL;
    t->kind = WATCH_URL;
    return t->url && t->name ? 0 : -1;
}

int watch_target_init(watch_target *t, const char *arg, const watch_opts *o)
{
    memset(t, 0, sizeof *t);
    t->debug = t->last_debug = o->debug;
    const char *rest = arg;
    struct stat sb;
    t->pid = parse_pid(arg, &rest);
    if (!t->pid && !has_scheme(arg) && stat(arg, &sb) == 0 && S_ISDIR(sb.st_mode)) {
        t->kind = WATCH_DIR;
        t->dir = strdup(arg);
        t->name = strdup(arg);
        return t->dir && t->name ? 0 : -1;
    }
    if (!has_scheme(rest) && (strchr(rest, '/') || !strchr(rest, ':'))) {
        tool_error("%s: not a target: give an http(s) URL, HOST:PORT, PID=URL or a directory",
                   arg);
        return -1;
    }
    if (init_url(t, rest)) {
        tool_error("out of memory");
        return -1;
    }
    return 0;
}

static void seen_free(watch_seen *s)
{
    free(s->cls);
    free(s->function);
    free(s->file);
}

void watch_target_free(watch_target *t)
{
    for (size_t i = 0; i < t->n_win; i++)
        strand_snapshot_free(t->win[i].snap);
    for (size_t i = 0; i < t->n_seen; i++)
        seen_free(&t->seen[i]);
    strand_report_free(t->report);
    free(t->win);
    free(t->seen);
    free(t->errs);
    free(t->name);
    free(t->url);
    free(t->dir);
    free(t->cursor_name);
    memset(t, 0, sizeof *t);
}

/* ---- findings identity ------------------------------------------------------------- */

uint64_t watch_finding_key(const strand_finding *f)
{
    const strand_loc *at = (f->site.function && *f->site.function) || !f->n_stack ? &f->site
                                                                                  : &f->stack[0];
    bool spin = f->trend == STRAND_TREND_SPINNING ||
                (f->cls && !strcmp(f->cls->id, "busy-loop"));
    uint64_t h = watch_hash_str(WATCH_HASH_SEED, at->function);
    h = watch_hash_str(h, at->file);
    uint32_t line = spin ? 0 : at->line;
    h = watch_hash(h, &line, sizeof line);
    h = watch_hash_str(h, spin ? "spin" : strand_kind_name(f->kind));
    return watch_hash_str(h, f->created_by.function);
}

static char *dup_or_null(const char *s) { return s ? strdup(s) : NULL; }

void watch_seen_add(watch_target *t, uint64_t key, int64_t db_id, const char *cls,
                    const char *function, const char *file, uint32_t line)
{
    if (t->n_seen == t->cap_seen) {
        size_t cap = t->cap_seen ? t->cap_seen * 2 : 8;
        watch_seen *p = realloc(t->seen, cap * sizeof *p);
        if (!p)
            return;
        t->seen = p;
        t->cap_seen = cap;
    }
    watch_seen *s = &t->seen[t->n_seen++];
    *s = (watch_seen){0};
    s->key = key;
    s->db_id = db_id;
    s->present = s->reported = true; /* from the database: reported before */
    s->cls = dup_or_null(cls);
    s->function = dup_or_null(function);
    s->file = dup_or_null(file);
    s->line = line;
}

static watch_seen *seen_find(watch_target *t, uint64_t key)
{
    for (size_t i = 0; i < t->n_seen; i++)
        if (t->seen[i].key == key)
            return &t->seen[i];
    return NULL;
}

/* ---- the window ---------------------------------------------------------------- */

static void drop_oldest(watch_target *t, size_t k)
{
    for (size_t i = 0; i < k && i < t->n_win; i++)
        strand_snapshot_free(t->win[i].snap);
    k = k < t->n_win ? k : t->n_win;
    memmove(t->win, t->win + k, (t->n_win - k) * sizeof *t->win);
    t->n_win -= k;
}

static bool push_sample(watch *w, watch_target *t, const watch_sample *smp)
{
    if (!t->win && !(t->win = calloc(w->o->window, sizeof *t->win)))
        return false;
    if (t->n_win == w->o->window)
        drop_oldest(t, 1);
    t->win[t->n_win++] = *smp;
    return true;
}

static strand_report *analyze_window(watch *w, watch_target *t, strand_error *e)
{
    const strand_snapshot **s = calloc(t->n_win, sizeof *s);
    double *times = calloc(t->n_win, sizeof *times);
    strand_report *r = NULL;
    if (s && times) {
        for (size_t i = 0; i < t->n_win; i++) {
            s[i] = t->win[i].snap;
            times[i] = t->win[i].time - t->win[0].time;
        }
        strand_analyze_options ao = {0};
        ao.min_count = w->o->common.min_count;
        ao.ignores = w->o->common.ignores;
        ao.n_ignores = w->o->common.n_ignores;
        ao.times = times;
        r = strand_analyze((const strand_snapshot *const *)s, t->n_win, &ao, e);
    } else {
        e->code = STRAND_ERR_NOMEM;
    }
    free(s);
    free(times);
    return r;
}

/* Snapshots of a different process (the service restarted): the history
 * before the newest snapshot no longer applies. */
static strand_report *analyze(watch *w, watch_target *t)
{
    strand_error e = {0};
    strand_report *r = analyze_window(w, t, &e);
    if (!r && e.code == STRAND_ERR_MISMATCH && t->n_win > 1) {
        watch_view_note(w, t, "history_reset", e.message ? e.message : "a different process");
        drop_oldest(t, t->n_win - 1);
        memset(&e, 0, sizeof e);
        r = analyze_window(w, t, &e);
    }
    if (!r)
        watch_view_note(w, t, "analysis_error", e.message ? e.message : strand_strerror(e.code));
    return r;
}

/* ---- descriptors in lockstep (scenario 15) --------------------------------------- */

/* Open fds and the group's count both climb over the window, step by step,
 * by similar amounts (a goroutine holding one or two descriptors). */
static bool lockstep(const watch_target *t, const strand_finding *f, int64_t *df, int64_t *dg)
{
    size_t n = f->n_trend < t->n_win ? f->n_trend : t->n_win;
    size_t first = 0, last = 0, known = 0, up = 0, agree = 0;
    for (size_t i = 0; i < n; i++) {
        if (t->win[i].fds < 0)
            continue;
        if (known++ == 0)
            first = i;
        else if (f->trend_counts[i] > f->trend_counts[last]) {
            up++;
            agree += t->win[i].fds > t->win[last].fds;
        }
        last = i;
    }
    if (known < 3)
        return false;
    *dg = f->trend_counts[last] - f->trend_counts[first];
    *df = t->win[last].fds - t->win[first].fds;
    return *dg >= 3 && *df * 2 >= *dg && *df <= *dg * 4 && agree * 4 >= up * 3;
}

char *watch_lockstep_evidence(const watch_target *t, const strand_finding *f)
{
    int64_t df, dg;
    if (!t->pid || !lockstep(t, f, &df, &dg))
        return NULL;
    size_t n = f->n_trend < t->n_win ? f->n_trend : t->n_win;
    int64_t f0 = -1, f1 = -1;
    for (size_t i = 0; i < n; i++) {
        if (t->win[i].fds < 0)
            continue;
        f0 = f0 < 0 ? t->win[i].fds : f0;
        f1 = t->win[i].fds;
    }
    wbuf b = {0};
    wb_printf(&b,
              "open file descriptors of process %d climb in lockstep with this group: %lld -> "
              "%lld (+%lld) while it grew by %lld goroutines; each stuck goroutine holds a "
              "descriptor (a socket or file that is never closed)",
              t->pid, (long long)f0, (long long)f1, (long long)df, (long long)dg);
    return b.oom ? (wb_free(&b), NULL) : b.p;
}

/* ---- deciding what to report ------------------------------------------------------ */

/* Why watch reports f, or NULL: the analysis's verdict at --fail-on, a
 * spinning loop, or (local process) a growing or stuck group whose
 * descriptors climb with it: the signature of scenario 15, which the
 * analysis alone cannot see. */
static const char *flagged(watch *w, const watch_target *t, const strand_finding *f)
{
    strand_verdict at = w->o->common.fail_never ? STRAND_VERDICT_LEAK : w->o->common.fail_on;
    if (f->verdict >= at)
        return strand_verdict_name(f->verdict);
    if (f->trend == STRAND_TREND_SPINNING)
        return "spinning";
    int64_t df, dg;
    if (t->pid && (f->trend == STRAND_TREND_GROWING || f->trend == STRAND_TREND_STUCK) &&
        lockstep(t, f, &df, &dg))
        return "fd-lockstep";
    return NULL;
}

/* Reports s's finding (confirmed): the event, the findings row. */
static void report(watch *w, watch_target *t, watch_seen *s, const strand_finding *f,
                   double wall, const char *why)
{
    char *extra = watch_lockstep_evidence(t, f);
    char *json = watch_finding_json(t, f, extra);
    s->db_id = w->db ? watch_db_finding(w->db, t, f, wall, why, json) : 0;
    s->reported = true;
    s->lockstep_named = extra != NULL;
    watch_view_finding(w, t, f, wall, why, json);
    w->findings++;
    free(extra);
    free(json);
}

static const strand_finding *find_key(const strand_finding *f, size_t n, uint64_t key)
{
    for (size_t i = 0; i < n; i++)
        if (watch_finding_key(&f[i]) == key)
            return &f[i];
    return NULL;
}

static void seen_remove(watch_target *t, size_t i)
{
    seen_free(&t->seen[i]);
    memmove(&t->seen[i], &t->seen[i + 1], (t->n_seen - i - 1) * sizeof *t->seen);
    t->n_seen--;
}

/* Unconfirmed candidates the analysis dropped are forgotten; reported
 * findings it no longer flags for RESOLVE_AFTER analyses are resolved. */
static void resolve_absent(watch *w, watch_target *t, const strand_finding *f, size_t n,
                           double wall)
{
    for (size_t i = 0; i < t->n_seen;) {
        watch_seen *s = &t->seen[i];
        if (s->present || (s->reported && ++s->misses < RESOLVE_AFTER)) {
            i++;
            continue;
        }
        if (s->reported) {
            const strand_finding *now = find_key(f, n, s->key);
            if (w->db && s->db_id > 0)
                watch_db_resolve(w->db, s->db_id, wall);
            watch_view_resolved(w, t, now, s, wall, now ? "no longer flagged" : "gone");
        }
        seen_remove(t, i);
    }
}

/* A finding reported before its descriptors had visibly climbed with it. */
static void name_lockstep(watch *w, watch_target *t, watch_seen *s, const strand_finding *f,
                          double wall)
{
    if (s->lockstep_named || !t->pid)
        return;
    char *extra = watch_lockstep_evidence(t, f);
    if (!extra)
        return;
    s->lockstep_named = true;
    watch_view_lockstep(w, t, f, wall, extra);
    free(extra);
}

/* One flagged finding: a new candidate, a confirmation, or one already said. */
static void flag(watch *w, watch_target *t, const strand_finding *f, const char *why,
                 double wall)
{
    uint64_t key = watch_finding_key(f);
    watch_seen *s = seen_find(t, key);
    if (!s) {
        watch_seen_add(t, key, 0, f->cls ? f->cls->id : "", f->site.function, f->site.file,
                       f->site.line);
        s = seen_find(t, key);
        if (!s)
            return;
        s->reported = false;
        s->hits = 0;
    }
    s->present = true;
    s->misses = 0;
    s->hits++;
    unsigned confirm = w->o->once ? 1 : w->o->confirm;
    if (!s->reported && s->hits >= confirm)
        report(w, t, s, f, wall, why);
    else if (s->reported)
        name_lockstep(w, t, s, f, wall);
}

static void decide(watch *w, watch_target *t, double wall)
{
    size_t n = 0;
    const strand_finding *f = t->report ? strand_report_findings(t->report, &n) : NULL;
    t->lockstep = false;
    for (size_t i = 0; i < n && t->pid; i++) {
        int64_t df, dg;
        t->lockstep |= f[i].n_trend && lockstep(t, &f[i], &df, &dg);
    }
    size_t warm = w->o->window < WARM_UP ? w->o->window : WARM_UP;
    if (!t->report || (!w->o->once && t->n_win < warm))
        return; /* one or two snapshots cannot tell a leak from a pool */
    for (size_t i = 0; i < t->n_seen; i++)
        t->seen[i].present = false;
    for (size_t i = 0; i < n; i++) {
        const char *why = flagged(w, t, &f[i]);
        if (why)
            flag(w, t, &f[i], why, wall);
    }
    resolve_absent(w, t, f, n, wall);
}

/* ---- intake ------------------------------------------------------------------------ */

static void once_exit_code(watch *w, const watch_target *t)
{
    size_t n = 0;
    const strand_finding *f = t->report ? strand_report_findings(t->report, &n) : NULL;
    uint64_t min = w->o->common.min_count ? w->o->common.min_count : 1;
    int rc = t->report ? EXIT_CLEAN : EXIT_USAGE;
    for (size_t i = 0; i < n && !w->o->common.fail_never; i++)
        if (f[i].verdict >= w->o->common.fail_on && f[i].count >= min)
            rc = EXIT_FINDINGS;
    if (rc == EXIT_USAGE || (rc > w->exit_code && w->exit_code != EXIT_USAGE))
        w->exit_code = rc;
}

void watch_ingest(watch *w, watch_target *t, strand_snapshot *s, double wall, int64_t fds,
                  int64_t rss, bool fresh)
{
    watch_sample smp = {s, wall, fds, rss};
    if (!push_sample(w, t, &smp)) {
        strand_snapshot_free(s);
        return;
    }
    if (!fresh)
        return;
    strand_report_free(t->report);
    t->report = analyze(w, t);
    t->snapshots++;
    w->snapshots++;
    t->last_ok = watch_mono();
    t->ok_once = true;
    const watch_sample *cur = &t->win[t->n_win - 1];
    bool db = w->db && !watch_db_failed(w->db);
    if (db) { /* begin, store, commit: each is a no-op once the transaction failed */
        watch_db_begin(w->db);
        watch_db_store(w->db, t, cur, t->report);
    }
    watch_view_snapshot(w, t, cur);
    size_t before = t->n_seen;
    decide(w, t, wall); /* may report findings: their rows join the transaction */
    if (db && t->kind == WATCH_DIR)
        watch_db_cursor(w->db, t);
    if (db && watch_db_commit(w->db)) {
        w->db_errors++;
        for (size_t i = before; i < t->n_seen; i++)
            t->seen[i].db_id = 0; /* rolled back with the snapshot */
    }
    if (w->o->once)
        once_exit_code(w, t);
}

/* ---- errors and scheduling ------------------------------------------------------- */

static void count_error(watch_target *t, const char *reason)
{
    for (size_t i = 0; i < t->n_errs; i++) {
        if (!strcmp(t->errs[i].reason, reason)) {
            t->errs[i].n++;
            return;
        }
    }
    watch_errcount *p = realloc(t->errs, (t->n_errs + 1) * sizeof *p);
    if (!p)
        return;
    t->errs = p;
    watch_errcount *e = &t->errs[t->n_errs++];
    snprintf(e->reason, sizeof e->reason, "%s", reason);
    e->n = 1;
}

static double backoff(const watch *w, unsigned failures)
{
    double every = w->o->every, cap = every * 16;
    cap = cap > 300 ? 300 : cap;
    cap = cap < every ? every : cap;
    double d = every;
    for (unsigned i = 1; i < failures && d < cap; i++)
        d *= 2;
    return d < cap ? d : cap;
}

void watch_scrape_error(watch *w, watch_target *t, const char *reason, const char *message)
{
    count_error(t, reason);
    snprintf(t->last_reason, sizeof t->last_reason, "%s", reason);
    snprintf(t->last_error, sizeof t->last_error, "%s", message);
    t->failures++;
    double retry = backoff(w, t->failures);
    watch_view_error(w, t, reason, message, w->o->once ? 0 : retry);
    if (w->o->once)
        w->exit_code = EXIT_USAGE;
}

void watch_reschedule(watch *w, watch_target *t, bool ok)
{
    double now = watch_mono(), every = w->o->every;
    t->busy = false;
    t->tried = true;
    if (!ok) {
        t->due = now + backoff(w, t->failures);
        return;
    }
    t->failures = 0;
    t->due += every;
    if (t->due < now) { /* fell behind: skip the ticks that passed */
        double k = (double)(long long)((now - t->due) / every) + 1;
        t->missed += (uint64_t)k;
        t->due += k * every;
    }
}
