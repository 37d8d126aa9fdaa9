/* compare.c - several snapshots of one process: trends.
 *
 * Groups are matched across snapshots on a normalised key: the user-visible
 * frames (runtime.* dropped, so a protobuf profile, a debug=1 profile and a
 * debug=2 dump of the same stack agree) plus whether the goroutine was
 * running; a looser key (function names only) catches running goroutines
 * caught at different lines. Each group of the last snapshot gets its count
 * per snapshot, a shape (growing, steady, stuck, spinning...: a trend test
 * against the noise of the group's churn, st_trend_fit), a rate per minute
 * when times are known, and a verdict adjusted by the trend: a large steady
 * population is the workload's cost, a group that grows is a leak.
 */
#include "analyze.h"

#include <math.h>
#include <stdlib.h>

static bool running_kind(strand_kind k)
{
    return k == STRAND_KIND_RUNNING || k == STRAND_KIND_RUNNABLE;
}

static uint64_t key_of(const st_group *g, bool loose)
{
    return st_hash_mix(loose ? g->loose : g->nkey, running_kind((strand_kind)g->kind) ? 7 : 3);
}

/* One earlier snapshot, analysed and indexed by key. */
typedef struct side {
    st_ctx c;
    st_map exact, loose; /* key -> first group index + 1 */
    uint32_t *next;      /* chain of groups with the same exact key */
    uint32_t *lnext;     /* same loose key */
    bool *matched;
} side;

static bool side_index(side *sd)
{
    st_ctx *c = &sd->c;
    sd->next = st_malloc(c->alloc, (c->n + 1) * sizeof(uint32_t));
    sd->lnext = st_malloc(c->alloc, (c->n + 1) * sizeof(uint32_t));
    sd->matched = st_malloc(c->alloc, c->n + 1);
    st_map_init(&sd->exact, c->alloc);
    st_map_init(&sd->loose, c->alloc);
    if (!sd->next || !sd->lnext || !sd->matched)
        return false;
    memset(sd->matched, 0, c->n + 1);
    for (size_t i = 0; i < c->n; i++) {
        bool fresh;
        uint32_t *v = st_map_put(&sd->exact, key_of(&c->g[i], false), &fresh);
        uint32_t *l = v ? st_map_put(&sd->loose, key_of(&c->g[i], true), &fresh) : NULL;
        if (!l)
            return false;
        sd->next[i] = *v;
        *v = (uint32_t)(i + 1);
        sd->lnext[i] = *l;
        *l = (uint32_t)(i + 1);
    }
    return true;
}

static void side_free(side *sd)
{
    const strand_alloc *a = sd->c.alloc;
    size_t n = sd->c.n + 1;
    st_free(a, sd->next, n * sizeof(uint32_t));
    st_free(a, sd->lnext, n * sizeof(uint32_t));
    st_free(a, sd->matched, n);
    st_map_free(&sd->exact);
    st_map_free(&sd->loose);
    st_ctx_free(&sd->c);
}

static bool has_id(const st_group *g, uint64_t id)
{
    size_t lo = 0, hi = g->n_ids;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (g->ids[mid] == id)
            return true;
        if (g->ids[mid] < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return false;
}

/* Per group of the last snapshot: what matched in one earlier snapshot. */
typedef struct match {
    int64_t count;
    size_t ids_seen, ids_kept; /* earlier ids, and how many are still in the group */
} match;

static match side_match(side *sd, const st_group *g)
{
    match m = {0, 0, 0};
    uint32_t head = st_map_get(&sd->exact, key_of(g, false));
    const uint32_t *chain = sd->next;
    if (head == UINT32_MAX || !head) {
        head = st_map_get(&sd->loose, key_of(g, true));
        chain = sd->lnext;
    }
    for (uint32_t i = head; i && i != UINT32_MAX; i = chain[i - 1]) {
        const st_group *e = &sd->c.g[i - 1];
        sd->matched[i - 1] = true;
        m.count += (int64_t)e->count;
        for (size_t k = 0; k < e->n_ids; k++) {
            m.ids_seen++;
            m.ids_kept += has_id(g, e->ids[k]);
        }
    }
    return m;
}

/* ---- different processes? -------------------------------------------------- */

/* Goroutine ids are never reused within a process: the same id with a
 * different creator means another process. Conservative: it takes a
 * majority of the shared ids, and at least two. O(ids) with one map. */
static bool ids_disagree(const st_ctx *a, const st_ctx *b)
{
    if (!a->has_ids || !b->has_ids || !a->has_creators || !b->has_creators)
        return false;
    st_map by_id;
    st_map_init(&by_id, a->alloc);
    for (size_t j = 0; j < a->n; j++)
        for (size_t k = 0; *a->g[j].creator && k < a->g[j].n_ids; k++) {
            bool fresh;
            uint32_t *v = st_map_put(&by_id, a->g[j].ids[k] * 0x9e3779b97f4a7c15ull + 1, &fresh);
            if (!v)
                break;
            *v = (uint32_t)j;
        }
    size_t shared = 0, differ = 0;
    for (size_t i = 0; i < b->n; i++)
        for (size_t k = 0; *b->g[i].creator && k < b->g[i].n_ids; k++) {
            uint32_t j = st_map_get(&by_id, b->g[i].ids[k] * 0x9e3779b97f4a7c15ull + 1);
            if (j == UINT32_MAX)
                continue;
            shared++;
            differ += strcmp(a->g[j].creator, b->g[i].creator) != 0;
        }
    st_map_free(&by_id);
    return differ >= 2 && differ * 2 > shared;
}

/* ---- shapes ------------------------------------------------------------------ */

/* The shape of a count series is a trend test, not a comparison of its ends:
 * a group under churn (requests that come and go) wanders around its level,
 * and a few points of such noise often rise by chance ([1,3,3,4]). The
 * method is st_trend_fit's (analyze.h); its constants: */
#define TREND_MK 1.645   /* Mann-Kendall Z: 5% one-sided */
#define TREND_NET 2.5    /* net growth / the spread of a difference of two counts */
#define TREND_JUMP 1.645 /* two snapshots: the jump / the floor's spread of a difference */
#define TREND_PRIOR 4.0  /* the floor's weight against the measured spread, in degrees of
                          * freedom */
#define TREND_RANGE 4.0  /* steady: a range within this many floor spreads */

/* The k-th smallest of v[0..n) (Wirth's selection; reorders v). */
static double kth(double *v, size_t n, size_t k)
{
    ptrdiff_t l = 0, m = (ptrdiff_t)n - 1, kk = (ptrdiff_t)k;
    while (l < m) {
        double x = v[kk];
        ptrdiff_t i = l, j = m;
        do {
            while (v[i] < x)
                i++;
            while (x < v[j])
                j--;
            if (i <= j) {
                double tmp = v[i];
                v[i++] = v[j];
                v[j--] = tmp;
            }
        } while (i <= j);
        if (j < kk)
            l = i;
        if (kk < i)
            m = j;
    }
    return v[kk];
}

/* The median of v[0..n), n > 0 (reorders v). */
static double median_of(double *v, size_t n)
{
    double hi = kth(v, n, n / 2);
    if (n % 2)
        return hi;
    double lo = v[0]; /* the largest of the lower half */
    for (size_t i = 1; i < n / 2; i++)
        lo = v[i] > lo ? v[i] : lo;
    return (lo + hi) / 2;
}

/* Mann-Kendall: S and its variance under no trend, corrected for ties. */
static void mann_kendall(const int64_t *c, size_t n, double *s_out, double *var_out)
{
    double s = 0, ties = 0;
    for (size_t i = 0; i + 1 < n; i++) {
        size_t same = 1; /* later values equal to c[i]: each tie group counted once */
        bool first = true;
        for (size_t j = 0; j < i && first; j++)
            first = c[j] != c[i];
        for (size_t j = i + 1; j < n; j++) {
            s += (c[j] > c[i]) - (c[j] < c[i]);
            same += c[j] == c[i];
        }
        if (first && same > 1) {
            double t = (double)same;
            ties += t * (t - 1) * (2 * t + 5);
        }
    }
    double dn = (double)n;
    *s_out = s;
    *var_out = (dn * (dn - 1) * (2 * dn + 5) - ties) / 18;
}

static double time_at(const double *t, size_t i) { return t ? t[i] : (double)i; }

/* Theil-Sen through `buf` (n*(n-1)/2 doubles, at least n): the median of
 * the pairwise slopes, and the median of c - slope x t as the intercept.
 * Without a buffer (no memory): least squares. */
static void theil_sen(const int64_t *c, const double *t, size_t n, double *buf, double *slope,
                      double *icept)
{
    if (buf) {
        size_t k = 0;
        for (size_t i = 0; i < n; i++)
            for (size_t j = i + 1; j < n; j++) {
                double dt = time_at(t, j) - time_at(t, i);
                if (dt > 0)
                    buf[k++] = (double)(c[j] - c[i]) / dt;
            }
        *slope = k ? median_of(buf, k) : 0;
        for (size_t i = 0; i < n; i++)
            buf[i] = (double)c[i] - *slope * time_at(t, i);
        *icept = median_of(buf, n);
        return;
    }
    double mt = 0, mc = 0, num = 0, den = 0;
    for (size_t i = 0; i < n; i++) {
        mt += time_at(t, i) / (double)n;
        mc += (double)c[i] / (double)n;
    }
    for (size_t i = 0; i < n; i++) {
        num += (time_at(t, i) - mt) * ((double)c[i] - mc);
        den += (time_at(t, i) - mt) * (time_at(t, i) - mt);
    }
    *slope = den > 0 ? num / den : 0;
    *icept = mc - *slope * mt;
}

/* Not a trend: steady when the range stays within what the floor explains
 * and nothing hints at a direction (a significant Mann-Kendall Z, or three
 * counts in strict order, whose growth is too small to call), else noisy. */
static strand_trend_shape level_shape(const st_trend *r, int64_t lo, int64_t hi, bool hint)
{
    if (hint)
        return STRAND_TREND_NOISY;
    double range = (double)(hi - lo);
    double tol = r->level / 10 > 1 ? r->level / 10 : 1;
    tol = TREND_RANGE * r->floor > tol ? TREND_RANGE * r->floor : tol;
    return range <= tol ? STRAND_TREND_STEADY : STRAND_TREND_NOISY;
}

/* Two snapshots: no spread to measure; the jump against the floor. */
static void fit_two(const int64_t *c, bool ids, st_trend *r)
{
    double jump = (double)(c[1] - c[0]), sd = sqrt(2.0) * r->floor;
    double need = TREND_JUMP * sd;
    if (!ids)
        need = r->level / 10 > need ? r->level / 10 : need;
    need = need < 2 ? 2 : need;
    r->growth = jump;
    if (jump >= need)
        r->shape = STRAND_TREND_GROWING;
    else if (-jump >= need)
        r->shape = STRAND_TREND_SHRINKING;
    else
        r->shape = level_shape(r, c[0] < c[1] ? c[0] : c[1], c[0] < c[1] ? c[1] : c[0], false);
}

/* Nothing ever left: the counts can only rise. Rising in two intervals or
 * more, by 2 or more, is growth; no noise to test against. */
static bool accumulates(const int64_t *c, size_t n)
{
    size_t rises = 0;
    for (size_t i = 1; i < n; i++) {
        if (c[i] < c[i - 1])
            return false;
        rises += c[i] > c[i - 1];
    }
    return rises >= 2 && c[n - 1] - c[0] >= 2;
}

void st_trend_fit(const int64_t *c, const double *t, size_t n, const st_churn *ch,
                  const strand_alloc *a, st_trend *r)
{
    memset(r, 0, sizeof *r);
    r->shape = STRAND_TREND_NONE;
    if (n < 2)
        return;
    int64_t lo = c[0], hi = c[0];
    bool between = false;
    for (size_t i = 1; i < n; i++) {
        lo = c[i] < lo ? c[i] : lo;
        hi = c[i] > hi ? c[i] : hi;
        between |= i < n - 1 && c[i] > 0;
    }
    size_t pairs = n * (n - 1) / 2, cap = pairs > n ? pairs : n;
    double *buf = st_malloc(a, cap * sizeof *buf);
    if (buf) {
        for (size_t i = 0; i < n; i++)
            buf[i] = (double)c[i];
        r->level = median_of(buf, n);
    } else {
        for (size_t i = 0; i < n; i++)
            r->level += (double)c[i] / (double)n;
    }
    double icept = 0;
    theil_sen(c, t, n, buf, &r->slope, &icept);
    st_free(a, buf, cap * sizeof *buf);
    bool ids = ch && ch->early > 0;
    bool none_left = ch && ch->none_left;
    if (none_left)
        r->floor = 0;
    else if (ids)
        r->floor = sqrt((ch->departed + 1) / (double)ch->early);
    else
        r->floor = sqrt(r->level > 0 ? r->level : 0);
    double s, var;
    mann_kendall(c, n, &s, &var);
    r->mk_z = var > 0 ? (s - (s > 0) + (s < 0)) / sqrt(var) : 0;

    if (c[0] == 0 && c[n - 1] > 0 && !between) {
        r->shape = STRAND_TREND_NEW;
        return;
    }
    if (c[0] > 0 && c[n - 1] == 0) {
        r->shape = STRAND_TREND_GONE;
        return;
    }
    if (lo == hi) {
        r->shape = STRAND_TREND_STEADY;
        return;
    }
    if (n == 2) {
        fit_two(c, ids || none_left, r);
        return;
    }
    /* the noise: the spread around the line, moderated by the floor */
    double ss = 0, nu = (double)n - 2;
    for (size_t i = 0; i < n; i++) {
        double e = (double)c[i] - icept - r->slope * time_at(t, i);
        ss += e * e;
    }
    r->noise = sqrt((TREND_PRIOR * r->floor * r->floor + ss) / (TREND_PRIOR + nu));
    r->growth = r->slope * (time_at(t, n - 1) - time_at(t, 0));
    if (none_left && accumulates(c, n)) {
        r->shape = STRAND_TREND_GROWING;
        return;
    }
    /* n = 3: S is at most 3 (p = 1/6), so the rise must be strict */
    bool up = n == 3 ? s == (double)pairs : r->mk_z >= TREND_MK;
    bool down = n == 3 ? s == -(double)pairs : r->mk_z <= -TREND_MK;
    double net = TREND_NET * sqrt(2.0) * (r->floor > r->noise ? r->floor : r->noise);
    net = net < 2 ? 2 : net;
    if (up && r->growth >= net)
        r->shape = STRAND_TREND_GROWING;
    else if (down && r->growth <= -net)
        r->shape = STRAND_TREND_SHRINKING;
    else
        r->shape = level_shape(r, lo, hi, up || down);
}

/* Snapshot times in minutes, or false when unknown. */
static bool times_of(const strand_snapshot *const *snaps, size_t n, const strand_analyze_options *o,
                     double *t)
{
    for (size_t i = 0; i < n; i++) {
        if (o && o->times && o->times[i] >= 0)
            t[i] = o->times[i] / 60.0;
        else if (strand_snapshot_time_nanos(snaps[i]) > 0)
            t[i] = (double)strand_snapshot_time_nanos(snaps[i]) / 60e9;
        else
            return false;
    }
    return t[n - 1] > t[0];
}

/* ---- verdicts adjusted by the trend ----------------------------------------- */

/* Leak verdicts that rest only on one snapshot's weak signals (counts, no
 * live goroutine): a steady series overrules them. */
static bool soft_verdict(const st_ctx *c, const st_group *g)
{
    static const char *const soft[] = {
        "chan-receive-never-closed", "chan-receive-no-cancel", "select-never-ready",
        "net-read-no-deadline",      "http-client-no-timeout", "listener-never-closed",
        "not-a-leak-steady-state",   "waiting",
    };
    if (g->verdict == STRAND_VERDICT_SUSPECT)
        return true;
    if (c->test_report || (g->gflags & STRAND_G_LEAKED) || !g->cls)
        return false;
    for (size_t i = 0; i < sizeof soft / sizeof soft[0]; i++)
        if (strcmp(g->cls->id, soft[i]) == 0)
            return true;
    return false;
}

/* Why goroutines of this kind pile up: for the cause of a growing group. */
static const char *why_piling(const st_group *g)
{
    switch ((strand_kind)g->kind) {
    case STRAND_KIND_CHAN_SEND:
        return "nothing receives what they send";
    case STRAND_KIND_CHAN_RECEIVE:
    case STRAND_KIND_CHAN:
        return "nothing sends on or closes the channel they read";
    case STRAND_KIND_SELECT:
        return "none of their select's cases becomes ready";
    case STRAND_KIND_IO:
        return "their connections stay open with no data and no deadline";
    case STRAND_KIND_WAITGROUP:
        return "the WaitGroup they wait on does not reach zero";
    case STRAND_KIND_COND:
        return "nothing signals the Cond they wait on";
    case STRAND_KIND_MUTEX:
    case STRAND_KIND_RWMUTEX:
        return "the lock they queue for is released too slowly, or never";
    case STRAND_KIND_SLEEP:
        return "the loop around the sleep does not exit";
    case STRAND_KIND_SYSCALL:
        return "the call they are in does not return";
    default:
        return "what they wait for does not come";
    }
}

static void fmt_counts(char *buf, size_t cap, const int64_t *c, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n && k < cap; i++) {
        if (i == 5 && n > 7) {
            k += (size_t)snprintf(buf + k, cap - k, " ->...");
            i = n - 2;
            continue;
        }
        k += (size_t)snprintf(buf + k, cap - k, "%s%lld", i ? " -> " : "", (long long)c[i]);
    }
}

static bool parked_user(const st_group *g)
{
    return g->benign < 0 && g->ignored < 0 && *g->site_func &&
           !running_kind((strand_kind)g->kind) && g->kind != STRAND_KIND_UNKNOWN;
}

/* A trend settles what one snapshot could only hedge about. */
static void drop_hedges(st_group *g)
{
    uint8_t k = 0;
    for (uint8_t i = 0; i < g->n_ev; i++)
        if (!strstr(g->ev[i], "one snapshot"))
            g->ev[k++] = g->ev[i];
    g->n_ev = k;
}

/* What the goroutine ids say about a group across the window. */
typedef struct ids_view {
    match first;   /* the first snapshot's match */
    bool known;    /* the last snapshot and an earlier one have ids */
    bool retained; /* some goroutine of an earlier snapshot is still in the group */
} ids_view;

static void adjust_growing(st_ctx *c, st_group *g, size_t n, bool stuck, const ids_view *iv)
{
    if (!parked_user(g) || g->verdict == STRAND_VERDICT_LEAK)
        return;
    if (iv->known && !iv->retained && g->shape == STRAND_TREND_GROWING) {
        /* a leaked goroutine never leaves: these all did */
        st_ev(c, g, "the count grows, but every goroutine seen here in an earlier snapshot has "
              "finished: more load or slower calls, not goroutines piling up");
        return;
    }
    /* a class whose verdict is ok (or none) would explain the group away:
     * name the mechanism that piles up */
    if (!g->cls || g->cls->verdict == STRAND_VERDICT_OK)
        st_set_class(g, st_leak_class(g), STRAND_VERDICT_LEAK);
    g->verdict = STRAND_VERDICT_LEAK;
    char buf[160];
    fmt_counts(buf, sizeof buf, g->trend, n);
    g->cause = st_printf(c->ar,
                         "%llu goroutines wait at %s in %s and their number grows across the "
                         "snapshots (%s)%s: they are started faster than they end, because %s. "
                         "One snapshot cannot tell such a group from the workload's cost; its "
                         "trend can.",
                         (unsigned long long)g->merged_count, st_site_short(c, g), g->site_func,
                         buf, stuck ? " and the first ones never leave" : "", why_piling(g));
    g->fix = NULL;
    if (g->shape == STRAND_TREND_NEW)
        st_ev(c, g, "new since the baseline: a leak of the phase in between");
    else
        st_ev(c, g, "%s: a leak, not a pool",
              stuck ? "the count grows beyond its noise and the first ones never leave"
                    : "the count grows beyond its noise");
}

static void adjust_steady(st_ctx *c, st_group *g, size_t n)
{
    if (!parked_user(g) || !soft_verdict(c, g) || g->verdict == STRAND_VERDICT_OK)
        return;
    st_set_class(g, "not-a-leak-steady-state", STRAND_VERDICT_OK);
    g->cause = g->fix = NULL;
    st_ev(c, g, "steady across %zu snapshots: a population that does not grow is the workload's "
          "cost, not a leak",
          n);
}

static void adjust_inner(st_ctx *c, st_group *g, size_t n, const ids_view *iv, bool spinning);

/* Trend sentences are the most telling: move those from `from` on to just
 * after the count sentence. */
static void trend_first(st_group *g, uint8_t from)
{
    const char *tmp[ST_MAX_EV];
    uint8_t k = 0;
    if (from <= 1 || from >= g->n_ev)
        return;
    tmp[k++] = g->ev[0];
    for (uint8_t i = from; i < g->n_ev; i++)
        tmp[k++] = g->ev[i];
    for (uint8_t i = 1; i < from; i++)
        tmp[k++] = g->ev[i];
    memcpy(g->ev, tmp, k * sizeof *tmp);
}

static void adjust(st_ctx *c, st_group *g, size_t n, const ids_view *iv, bool spinning)
{
    if (g->shape != STRAND_TREND_NOISY)
        drop_hedges(g);
    uint8_t from = g->n_ev;
    adjust_inner(c, g, n, iv, spinning);
    trend_first(g, from < g->n_ev ? from : g->n_ev);
}

static void adjust_inner(st_ctx *c, st_group *g, size_t n, const ids_view *iv, bool spinning)
{
    const match *first = &iv->first;
    char buf[160];
    fmt_counts(buf, sizeof buf, g->trend, n);
    int64_t d = g->trend[n - 1] - g->trend[0];
    st_ev(c, g, "count per snapshot: %s (%+lld)", buf, (long long)d);
    if (g->benign >= 0 || g->ignored >= 0)
        return;
    bool stuck = first->ids_seen && first->ids_kept == first->ids_seen && !spinning &&
                 (g->shape == STRAND_TREND_GROWING || g->shape == STRAND_TREND_STEADY);
    if (spinning) {
        g->shape = STRAND_TREND_SPINNING;
        st_set_class(g, "busy-loop", STRAND_VERDICT_SUSPECT);
        g->cause = g->fix = NULL;
        st_ev(c, g, "the same goroutine is running here in all %zu snapshots: spinning, a CPU "
              "problem rather than a goroutine leak",
              n);
        return;
    }
    if (stuck)
        st_ev(c, g, "the same %zu goroutine id(s) sit here in every snapshot: stuck, not replaced",
              first->ids_seen);
    if (g->per_minute != 0)
        st_ev(c, g, "%+.1f goroutines per minute", g->per_minute);
    if (g->shape == STRAND_TREND_GROWING || (g->shape == STRAND_TREND_NEW && n == 2))
        adjust_growing(c, g, n, stuck, iv);
    else if (g->shape == STRAND_TREND_STEADY || g->shape == STRAND_TREND_SHRINKING)
        adjust_steady(c, g, n);
    if (g->shape == STRAND_TREND_NEW)
        st_ev(c, g, "absent from the first snapshot: appeared since the baseline");
    if (stuck)
        g->shape = STRAND_TREND_STUCK;
}

/* ---- gone groups -------------------------------------------------------------- */

static bool append_group(st_ctx *c, const st_group *src)
{
    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 16;
        st_group *g = st_realloc(c->alloc, c->g, c->cap * sizeof *g, cap * sizeof *g);
        if (!g)
            return false;
        c->g = g;
        c->cap = cap;
    }
    c->g[c->n++] = *src;
    return true;
}

/* Groups of earlier snapshots that match nothing in the last one: gone. */
static bool collect_gone(st_ctx *last, side *sides, size_t n, st_map *gone)
{
    for (size_t s = 0; s + 1 < n; s++) {
        for (size_t i = 0; i < sides[s].c.n; i++) {
            st_group *e = &sides[s].c.g[i];
            if (sides[s].matched[i] || e->merged_into >= 0)
                continue;
            bool fresh;
            uint32_t *v = st_map_put(gone, key_of(e, false), &fresh);
            if (!v)
                return false;
            if (fresh) {
                st_group copy = *e;
                copy.trend = st_arena_alloc(last->ar, n * sizeof(int64_t), 8);
                if (!copy.trend || !append_group(last, &copy))
                    return false;
                memset(copy.trend, 0, n * sizeof(int64_t));
                st_group *g = &last->g[last->n - 1];
                g->trend = copy.trend;
                g->merged_into = -1;
                g->absorbed = 0;
                g->merged_count = 0;
                g->shape = STRAND_TREND_GONE;
                g->verdict = STRAND_VERDICT_OK;
                g->n_ev = 0;
                *v = (uint32_t)(last->n - 1);
            }
            last->g[*v].trend[s] += (int64_t)e->count;
        }
    }
    return true;
}

static void gone_evidence(st_ctx *c, size_t from, size_t n)
{
    for (size_t i = from; i < c->n; i++) {
        st_group *g = &c->g[i];
        char buf[160];
        fmt_counts(buf, sizeof buf, g->trend, n);
        st_ev(c, g, "gone by the last snapshot: count per snapshot %s", buf);
    }
}

/* ---- driver ---------------------------------------------------------------------- */

static bool spinning_in(const side *sd, const st_group *g)
{
    if (!running_kind((strand_kind)g->kind) || !g->n_ids)
        return false;
    uint32_t head = st_map_get(&sd->loose, key_of(g, true));
    for (uint32_t i = head; i && i != UINT32_MAX; i = sd->lnext[i - 1])
        for (size_t k = 0; k < sd->c.g[i - 1].n_ids; k++)
            if (has_id(g, sd->c.g[i - 1].ids[k]))
                return true;
    return false;
}

static void trend_group(st_ctx *last, side *sides, size_t n, st_group *g, const double *t)
{
    ids_view iv = {{0, 0, 0}, false, false};
    st_churn ch = {0, 0, g->n_ids > 0};
    bool spinning = running_kind((strand_kind)g->kind) && g->n_ids;
    for (size_t s = 0; s + 1 < n; s++) {
        match m = side_match(&sides[s], g);
        g->trend[s] = m.count;
        if (s == 0)
            iv.first = m;
        bool ids = g->n_ids && sides[s].c.has_ids;
        ch.none_left = ch.none_left && ids && m.ids_kept == m.ids_seen;
        iv.known |= ids && m.ids_seen;
        iv.retained |= ids && m.ids_kept;
        /* the churn: the goroutines that left, counted in the earlier half
         * of the window, long enough before the last snapshot for a
         * goroutine that comes and goes to be gone */
        if (ids && (s == 0 || 2 * s + 1 < n)) {
            ch.departed += (double)(m.ids_seen - m.ids_kept);
            ch.early++;
        }
        spinning = spinning && spinning_in(&sides[s], g);
    }
    g->trend[n - 1] = (int64_t)g->count;
    st_trend tr;
    st_trend_fit(g->trend, t, n, &ch, last->alloc, &tr);
    g->shape = tr.shape;
    g->per_minute = t ? tr.slope : 0;
    if (g->merged_into < 0)
        adjust(last, g, n, &iv, spinning);
}

/* Fold the trends of groups merged into a finding into the finding's group. */
static void fold_merged(st_ctx *c, size_t n)
{
    for (size_t i = 0; i < c->n; i++) {
        st_group *g = &c->g[i];
        if (g->merged_into < 0)
            continue;
        st_group *into = &c->g[g->merged_into];
        for (size_t s = 0; s < n; s++)
            into->trend[s] += g->trend[s];
    }
}

static strand_code build_sides(side *sides, const strand_snapshot *const *snaps, size_t n,
                               const strand_analyze_options *o, st_arena *ar)
{
    for (size_t s = 0; s + 1 < n; s++) {
        if (!st_ctx_build(&sides[s].c, snaps[s], o, ar))
            return STRAND_ERR_NOMEM;
        st_ctx_decide(&sides[s].c);
        if (!side_index(&sides[s]))
            return STRAND_ERR_NOMEM;
    }
    return STRAND_OK;
}

static strand_code check_same_process(st_ctx *last, side *sides, size_t n, strand_error *err)
{
    for (size_t s = 0; s + 1 < n; s++) {
        const st_ctx *b = s + 2 < n ? &sides[s + 1].c : last;
        if (ids_disagree(&sides[s].c, b)) {
            st_set_error(err, STRAND_ERR_MISMATCH,
                         "the same goroutine ids have different creators: snapshots of different "
                         "processes",
                         0);
            return STRAND_ERR_MISMATCH;
        }
    }
    return STRAND_OK;
}

static strand_code run(st_ctx *last, side *sides, const strand_snapshot *const *snaps, size_t n,
                       const strand_analyze_options *o, strand_error *err)
{
    strand_code code = build_sides(sides, snaps, n, o, last->ar);
    if (code != STRAND_OK) {
        st_set_error(err, code, NULL, 0);
        return code;
    }
    code = check_same_process(last, sides, n, err);
    if (code != STRAND_OK)
        return code;
    double *t = st_malloc(last->alloc, n * sizeof *t);
    bool timed = t && times_of(snaps, n, o, t);
    for (size_t i = 0; i < last->n; i++) {
        last->g[i].trend = st_arena_alloc(last->ar, n * sizeof(int64_t), 8);
        if (!last->g[i].trend) {
            st_free(last->alloc, t, n * sizeof *t);
            return STRAND_ERR_NOMEM;
        }
        trend_group(last, sides, n, &last->g[i], timed ? t : NULL);
    }
    st_free(last->alloc, t, n * sizeof *t);
    fold_merged(last, n);
    size_t before = last->n;
    st_map gone;
    st_map_init(&gone, last->alloc);
    bool ok = collect_gone(last, sides, n, &gone) && !gone.oom;
    st_map_free(&gone);
    if (!ok)
        return STRAND_ERR_NOMEM;
    gone_evidence(last, before, n);
    st_ctx_place_text(last);
    return last->oom ? STRAND_ERR_NOMEM : STRAND_OK;
}

strand_code st_compare(st_ctx *last, const strand_snapshot *const *snaps, size_t n,
                       const strand_analyze_options *o, strand_error *err)
{
    side *sides = st_malloc(last->alloc, (n - 1) * sizeof *sides);
    if (!sides) {
        st_set_error(err, STRAND_ERR_NOMEM, NULL, 0);
        return STRAND_ERR_NOMEM;
    }
    memset(sides, 0, (n - 1) * sizeof *sides);
    strand_code code = run(last, sides, snaps, n, o, err);
    for (size_t s = 0; s + 1 < n; s++)
        side_free(&sides[s]);
    st_free(last->alloc, sides, (n - 1) * sizeof *sides);
    if (code == STRAND_ERR_NOMEM)
        st_set_error(err, code, NULL, 0);
    return code;
}
