/* watch_view.c - what strand watch shows: JSON events (--json, one object
 * per line, documented in docs/watch.md), a live view redrawn in place on a
 * terminal, or plain log lines when stdout is not a terminal.
 *
 * Findings are printed once, when they first cross into `leak` (or a
 * spinning loop is seen), with the analysis's evidence, cause and fix.
 */
#include "watch.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#define VIEW_GROUPS 10

static struct {
    int lines;        /* lines of the live area on screen */
    double drawn;     /* when it was last drawn */
} view;

/* ---- output ------------------------------------------------------------------- */

static void emit(watch *w, wbuf *b)
{
    if (b->oom || !b->p)
        return;
    fwrite(b->p, 1, b->n, stdout);
    if (w->o->common.json || !w->tty)
        fflush(stdout);
}

static void event_head(wbuf *b, const char *event, const watch_target *t, double wall)
{
    char when[40];
    watch_format_time(wall, when, sizeof when);
    wb_printf(b, "{\"event\":\"%s\"", event);
    if (t) {
        wb_puts(b, ",\"target\":");
        wb_json_str(b, t->name);
    }
    wb_printf(b, ",\"time\":\"%s\"", when);
}

static void erase_live(watch *w)
{
    if (!w->tty || !view.lines)
        return;
    printf("\x1b[%dA\x1b[J", view.lines);
    view.lines = 0;
}

static void log_prefix(wbuf *b, double wall, const char *what, const watch_target *t)
{
    char when[40];
    watch_format_time(wall, when, sizeof when);
    wb_printf(b, "%s %s %s", when, what, t ? t->name : "");
}

/* ---- the finding object (the report schema's, on one line) ---------------------- */

static void loc_json(wbuf *b, const strand_loc *l)
{
    wb_puts(b, "{\"function\":");
    wb_json_str(b, *l->function ? l->function : NULL);
    wb_puts(b, ",\"file\":");
    wb_json_str(b, *l->file ? l->file : NULL);
    if (l->line)
        wb_printf(b, ",\"line\":%u}", l->line);
    else
        wb_puts(b, ",\"line\":null}");
}

static void kloc_json(wbuf *b, const char *key, const strand_loc *l)
{
    wb_printf(b, ",\"%s\":", key);
    if ((l->function && *l->function) || (l->file && *l->file))
        loc_json(b, l);
    else
        wb_puts(b, "null");
}

static void minutes_json(wbuf *b, const strand_finding *f)
{
    wb_puts(b, ",\"wait_minutes\":");
    if (f->wait_min < 0 && f->wait_max < 0) {
        wb_puts(b, "null");
        return;
    }
    wb_puts(b, "{\"min\":");
    f->wait_min >= 0 ? wb_printf(b, "%d", (int)f->wait_min) : wb_puts(b, "null");
    wb_puts(b, ",\"max\":");
    f->wait_max >= 0 ? wb_printf(b, "%d}", (int)f->wait_max) : wb_puts(b, "null}");
}

static void lists_json(wbuf *b, const strand_finding *f, const char *extra)
{
    wb_puts(b, ",\"stack\":[");
    for (size_t i = 0; i < f->n_stack; i++) {
        wb_puts(b, i ? "," : "");
        loc_json(b, &f->stack[i]);
    }
    wb_puts(b, "],\"goroutine_ids\":");
    if (!f->n_goroutine_ids)
        wb_puts(b, "null");
    for (size_t i = 0; i < f->n_goroutine_ids; i++)
        wb_printf(b, "%s%llu%s", i ? "," : "[", (unsigned long long)f->goroutine_ids[i],
                  i + 1 == f->n_goroutine_ids ? "]" : "");
    wb_puts(b, ",\"evidence\":[");
    for (size_t i = 0; i < f->n_evidence; i++) {
        wb_puts(b, i ? "," : "");
        wb_json_str(b, f->evidence[i]);
    }
    if (extra) {
        wb_puts(b, f->n_evidence ? "," : "");
        wb_json_str(b, extra);
    }
    wb_puts(b, "]");
}

static void trend_json(wbuf *b, const strand_finding *f)
{
    if (!f->n_trend)
        return;
    wb_puts(b, ",\"trend\":{\"counts\":[");
    for (size_t i = 0; i < f->n_trend; i++)
        wb_printf(b, "%s%lld", i ? "," : "", (long long)f->trend_counts[i]);
    wb_puts(b, "],\"per_minute\":");
    if (f->per_minute != 0 && isfinite(f->per_minute))
        wb_printf(b, "%.6g", f->per_minute);
    else
        wb_puts(b, "null");
    wb_puts(b, ",\"shape\":");
    const char *shape = strand_trend_name(f->trend);
    wb_json_str(b, shape && *shape ? shape : NULL);
    wb_puts(b, "}");
}

static void labels_json(wbuf *b, const watch_target *t, const strand_finding *f)
{
    if (!f->n_labels || !t->report)
        return;
    wb_puts(b, ",\"labels\":{");
    for (size_t i = 0; i < f->n_labels; i++) {
        wb_puts(b, i ? "," : "");
        wb_json_str(b, strand_report_str(t->report, f->labels[i].key));
        wb_puts(b, ":");
        wb_json_str(b, strand_report_str(t->report, f->labels[i].value));
    }
    wb_puts(b, "}");
}

char *watch_finding_json(const watch_target *t, const strand_finding *f, const char *extra)
{
    wbuf b = {0};
    wb_printf(&b, "{\"verdict\":\"%s\",\"class\":", strand_verdict_name(f->verdict));
    wb_json_str(&b, f->cls ? f->cls->id : "");
    wb_puts(&b, ",\"title\":");
    wb_json_str(&b, f->cls ? f->cls->title : "");
    wb_printf(&b, ",\"count\":%llu,\"state\":", (unsigned long long)f->count);
    wb_json_str(&b, f->state);
    wb_printf(&b, ",\"kind\":\"%s\"", strand_kind_name(f->kind));
    minutes_json(&b, f);
    kloc_json(&b, "site", &f->site);
    kloc_json(&b, "created_by", &f->created_by);
    lists_json(&b, f, extra);
    wb_puts(&b, ",\"cause\":");
    wb_json_str(&b, f->cause);
    wb_puts(&b, ",\"fix\":");
    wb_json_str(&b, f->fix);
    labels_json(&b, t, f);
    if (f->group_members)
        wb_printf(&b, ",\"group_members\":%zu", f->group_members);
    trend_json(&b, f);
    wb_puts(&b, "}");
    if (b.oom)
        wb_free(&b);
    return b.p;
}

/* ---- snapshot ------------------------------------------------------------------ */

static void summary_counts(const watch_target *t, size_t c[3])
{
    size_t n = 0;
    const strand_finding *f = t->report ? strand_report_findings(t->report, &n) : NULL;
    c[0] = c[1] = c[2] = 0;
    for (size_t i = 0; i < n; i++)
        if ((unsigned)f[i].verdict < 3)
            c[f[i].verdict]++;
}

static void opt_int(wbuf *b, const char *key, int64_t v)
{
    if (v >= 0)
        wb_printf(b, ",\"%s\":%lld", key, (long long)v);
    else
        wb_printf(b, ",\"%s\":null", key);
}

void watch_view_snapshot(watch *w, watch_target *t, const watch_sample *smp)
{
    size_t c[3];
    summary_counts(t, c);
    uint64_t total = strand_snapshot_total(smp->snap);
    const char *fmt = strand_format_name(strand_snapshot_format(smp->snap));
    wbuf b = {0};
    if (w->o->common.json) {
        event_head(&b, "snapshot", t, smp->time);
        wb_printf(&b, ",\"goroutines\":%llu,\"format\":\"%s\"", (unsigned long long)total, fmt);
        opt_int(&b, "debug", t->kind == WATCH_URL ? t->last_debug : -1);
        wb_printf(&b, ",\"bytes\":%llu,\"fetch_ms\":%.1f,\"history\":%zu",
                  (unsigned long long)t->bytes, t->fetch_ms, t->n_win);
        wb_printf(&b, ",\"summary\":{\"leak\":%zu,\"suspect\":%zu,\"ok\":%zu}", c[2], c[1], c[0]);
        opt_int(&b, "fds", smp->fds);
        opt_int(&b, "rss", smp->rss);
        wb_puts(&b, "}\n");
    } else if (!w->tty && !w->o->once) {
        log_prefix(&b, smp->time, "snapshot", t);
        wb_printf(&b, " goroutines=%llu leak=%zu suspect=%zu format=%s", (unsigned long long)total,
                  c[2], c[1], fmt);
        if (smp->fds >= 0)
            wb_printf(&b, " fds=%lld rss=%lld", (long long)smp->fds, (long long)smp->rss);
        wb_puts(&b, "\n");
    }
    emit(w, &b);
    wb_free(&b);
    if (w->tty)
        watch_view_tick(w, false);
}

/* ---- findings ------------------------------------------------------------------ */

static const char *sgr(const watch *w, const char *code)
{
    return w->tty && w->o->common.color != 0 ? code : "";
}

static void text_loc(wbuf *b, const char *label, const strand_loc *l)
{
    if (!*l->function && !*l->file)
        return;
    wb_printf(b, "  %s %s", label, l->function);
    if (*l->file)
        wb_printf(b, "  %s:%u", l->file, l->line);
    wb_puts(b, "\n");
}

static void text_trend(wbuf *b, const watch *w, const strand_finding *f)
{
    if (!f->n_trend)
        return;
    wb_puts(b, "  trend:");
    size_t from = f->n_trend > 12 ? f->n_trend - 12 : 0;
    if (from)
        wb_puts(b, " ...");
    for (size_t i = from; i < f->n_trend; i++)
        wb_printf(b, "%s%lld", i > from ? (w->utf8 ? " \xe2\x86\x92 " : " -> ") : " ",
                  (long long)f->trend_counts[i]);
    const char *shape = strand_trend_name(f->trend);
    if (f->per_minute != 0 && isfinite(f->per_minute))
        wb_printf(b, "  (%+.1f/min, %s)", f->per_minute, shape);
    else if (shape && *shape)
        wb_printf(b, "  (%s)", shape);
    wb_puts(b, "\n");
}

static const char *headline(const char *reason)
{
    return !strcmp(reason, "leak") ? "LEAK" : !strcmp(reason, "suspect") ? "SUSPECT" :
           !strcmp(reason, "spinning") ? "SPINNING" : "FD LEAK";
}

static void text_finding(wbuf *b, watch *w, const watch_target *t, const strand_finding *f,
                         const char *reason, const char *extra)
{
    const char *v = headline(reason);
    const char *color = f->verdict == STRAND_VERDICT_LEAK ? "\x1b[1;31m" : "\x1b[1;33m";
    wb_printf(b, "%s%s%s  %s: %s, %llu goroutine%s  %s%s%s\n", sgr(w, color), v, sgr(w, "\x1b[0m"),
              f->cls ? f->cls->id : "", f->cls ? f->cls->title : "",
              (unsigned long long)f->count, f->count == 1 ? "" : "s", sgr(w, "\x1b[2m"), t->name,
              sgr(w, "\x1b[0m"));
    text_loc(b, "at", &f->site);
    text_loc(b, "created by", &f->created_by);
    if (f->state && *f->state)
        wb_printf(b, "  state: %s\n", f->state);
    text_trend(b, w, f);
    for (size_t i = 0; i < f->n_evidence; i++)
        wb_printf(b, "  - %s\n", f->evidence[i]);
    if (extra)
        wb_printf(b, "  - %s\n", extra);
    if (f->cause && *f->cause)
        wb_printf(b, "  cause: %s\n", f->cause);
    if (f->fix && *f->fix)
        wb_printf(b, "  fix: %s\n", f->fix);
}

static void resources_json(wbuf *b, const watch_target *t)
{
    if (!t->pid)
        return;
    wb_printf(b, ",\"resources\":{\"pid\":%d,\"fds\":[", t->pid);
    for (size_t i = 0; i < t->n_win; i++)
        t->win[i].fds >= 0 ? wb_printf(b, "%s%lld", i ? "," : "", (long long)t->win[i].fds)
                           : wb_printf(b, "%snull", i ? "," : "");
    wb_puts(b, "],\"rss\":[");
    for (size_t i = 0; i < t->n_win; i++)
        t->win[i].rss >= 0 ? wb_printf(b, "%s%lld", i ? "," : "", (long long)t->win[i].rss)
                           : wb_printf(b, "%snull", i ? "," : "");
    wb_printf(b, "],\"lockstep\":%s}", t->lockstep ? "true" : "false");
}

void watch_view_finding(watch *w, watch_target *t, const strand_finding *f, double wall,
                        const char *reason, const char *json)
{
    wbuf b = {0};
    if (w->o->common.json) {
        event_head(&b, "finding", t, wall);
        wb_printf(&b, ",\"reason\":\"%s\",\"finding\":", reason);
        wb_puts(&b, json ? json : "null");
        resources_json(&b, t);
        wb_puts(&b, "}\n");
    } else if (!w->o->once) {
        char *extra = watch_lockstep_evidence(t, f);
        erase_live(w);
        log_prefix(&b, wall, "finding", t);
        wb_puts(&b, "\n");
        text_finding(&b, w, t, f, reason, extra);
        free(extra);
    }
    emit(w, &b);
    wb_free(&b);
}

void watch_view_lockstep(watch *w, watch_target *t, const strand_finding *f, double wall,
                         const char *evidence)
{
    wbuf b = {0};
    if (w->o->common.json) {
        event_head(&b, "lockstep", t, wall);
        wb_puts(&b, ",\"class\":");
        wb_json_str(&b, f->cls ? f->cls->id : "");
        kloc_json(&b, "site", &f->site);
        wb_printf(&b, ",\"count\":%llu,\"message\":", (unsigned long long)f->count);
        wb_json_str(&b, evidence);
        resources_json(&b, t);
        wb_puts(&b, "}\n");
    } else if (!w->o->once) {
        erase_live(w);
        log_prefix(&b, wall, "lockstep", t);
        wb_printf(&b, " %s at %s %s:%u\n  - %s\n", f->cls ? f->cls->id : "", f->site.function,
                  f->site.file, f->site.line, evidence);
    }
    emit(w, &b);
    wb_free(&b);
}

void watch_view_resolved(watch *w, watch_target *t, const strand_finding *now,
                         const watch_seen *s, double wall, const char *why)
{
    wbuf b = {0};
    strand_loc site = {s->function ? s->function : "", s->file ? s->file : "", s->line};
    if (w->o->common.json) {
        event_head(&b, "resolved", t, wall);
        wb_puts(&b, ",\"class\":");
        wb_json_str(&b, s->cls ? s->cls : "");
        kloc_json(&b, "site", &site);
        wb_printf(&b, ",\"count\":%llu,\"reason\":", (unsigned long long)(now ? now->count : 0));
        wb_json_str(&b, why);
        wb_puts(&b, "}\n");
    } else if (!w->o->once) {
        erase_live(w);
        log_prefix(&b, wall, "resolved", t);
        wb_printf(&b, " %s at %s %s:%u (%s)\n", s->cls ? s->cls : "", site.function, site.file,
                  site.line, why);
    }
    emit(w, &b);
    wb_free(&b);
}

void watch_view_error(watch *w, watch_target *t, const char *reason, const char *message,
                      double retry_in)
{
    wbuf b = {0};
    double wall = watch_wall();
    if (w->o->common.json) {
        event_head(&b, "scrape_error", t, wall);
        wb_puts(&b, ",\"reason\":");
        wb_json_str(&b, reason);
        wb_puts(&b, ",\"message\":");
        wb_json_str(&b, message);
        wb_printf(&b, ",\"retry_in\":%.3g}\n", retry_in);
    } else if (!w->tty) {
        log_prefix(&b, wall, "error", t);
        wb_printf(&b, " %s: %s", reason, message);
        if (retry_in > 0)
            wb_printf(&b, " (retry in %.0fs)", retry_in);
        wb_puts(&b, "\n");
    }
    emit(w, &b);
    wb_free(&b);
}

void watch_view_note(watch *w, watch_target *t, const char *event, const char *message)
{
    wbuf b = {0};
    double wall = watch_wall();
    if (w->o->common.json) {
        event_head(&b, "notice", t, wall);
        wb_puts(&b, ",\"notice\":");
        wb_json_str(&b, event);
        wb_puts(&b, ",\"message\":");
        wb_json_str(&b, message);
        wb_puts(&b, "}\n");
        emit(w, &b);
    } else {
        erase_live(w);
        log_prefix(&b, wall, event, t);
        wb_printf(&b, ": %s\n", message);
        if (!b.oom)
            fputs(b.p, w->tty ? stdout : stderr);
    }
    wb_free(&b);
}

/* ---- the live view (terminal) --------------------------------------------------------- */

typedef struct row {
    const watch_target *t;
    const strand_finding *f;
} row;

static int cmp_row(const void *a, const void *b)
{
    const strand_finding *x = ((const row *)a)->f, *y = ((const row *)b)->f;
    if (x->verdict != y->verdict)
        return x->verdict > y->verdict ? -1 : 1;
    return x->count > y->count ? -1 : x->count < y->count;
}

static int term_size(int *rows)
{
    struct winsize ws;
    if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 20) {
        *rows = ws.ws_row > 10 ? ws.ws_row : 24;
        return ws.ws_col;
    }
    *rows = 24;
    return 100;
}

static void target_line(wbuf *b, watch *w, const watch_target *t, int width)
{
    size_t c[3];
    summary_counts(t, c);
    size_t start = b->n;
    const watch_sample *s = t->n_win ? &t->win[t->n_win - 1] : NULL;
    bool bad = t->failures > 0;
    wb_printf(b, "%s%s%s %s", sgr(w, bad ? "\x1b[31m" : c[2] ? "\x1b[1;31m" : "\x1b[32m"),
              bad ? "x" : c[2] ? "!" : "*", sgr(w, "\x1b[0m"), t->name);
    if (s)
        wb_printf(b, "  goroutines %llu", (unsigned long long)strand_snapshot_total(s->snap));
    if (s && s->fds >= 0)
        wb_printf(b, "  fds %lld  rss %.1fM", (long long)s->fds, (double)s->rss / 1048576.0);
    if (c[2] || c[1])
        wb_printf(b, "  %zu leak  %zu suspect", c[2], c[1]);
    if (bad)
        wb_printf(b, "  %s: %s", t->last_reason, t->last_error);
    if (t->lockstep)
        wb_puts(b, "  fds climb with goroutines");
    size_t len = b->n - start;
    if ((int)len > width + 24) /* colour codes take no columns */
        b->n = start + (size_t)width + 20;
    wb_puts(b, "\n");
}

static void groups_table(wbuf *b, watch *w, int *lines)
{
    size_t total = 0;
    for (size_t i = 0; i < w->n; i++) {
        size_t n = 0;
        if (w->t[i].report)
            strand_report_findings(w->t[i].report, &n);
        total += n;
    }
    row *r = malloc((total ? total : 1) * sizeof *r);
    if (!r)
        return;
    size_t k = 0;
    for (size_t i = 0; i < w->n; i++) {
        size_t n = 0;
        const strand_finding *f = w->t[i].report ? strand_report_findings(w->t[i].report, &n) : NULL;
        for (size_t j = 0; j < n; j++)
            r[k++] = (row){&w->t[i], &f[j]};
    }
    qsort(r, k, sizeof *r, cmp_row);
    wb_printf(b, "%s%8s  %-5s %-8s %-26s %s%s\n", sgr(w, "\x1b[1m"), "COUNT", "TREND", "VERDICT",
              "CLASS", "SITE", sgr(w, "\x1b[0m"));
    ++*lines;
    for (size_t i = 0; i < k && i < VIEW_GROUPS; i++, ++*lines) {
        const strand_finding *f = r[i].f;
        const strand_loc *l = f->site.function[0] || !f->n_stack ? &f->site : &f->stack[0];
        const char *file = strrchr(l->file, '/') ? strrchr(l->file, '/') + 1 : l->file;
        const char *arrow = watch_trend_arrow(f->trend, w->utf8);
        wb_printf(b, "%8llu  %s%-*s %-8s %-26.26s %s %s:%u%s%s\n", (unsigned long long)f->count,
                  arrow, *arrow ? 4 : 5, "", strand_verdict_name(f->verdict),
                  f->cls ? f->cls->id : "", l->function, file, l->line, w->n > 1 ? "  " : "",
                  w->n > 1 ? r[i].t->name : "");
    }
    free(r);
}

void watch_view_tick(watch *w, bool force)
{
    double now = watch_mono();
    if (!w->tty || w->o->once || (!force && now - view.drawn < 0.25))
        return;
    view.drawn = now;
    int rows, width = term_size(&rows);
    int max_targets = rows - VIEW_GROUPS - 4;
    max_targets = max_targets < 3 ? 3 : max_targets;
    wbuf b = {0};
    int lines = 0;
    for (size_t i = 0; i < w->n && lines < max_targets; i++, lines++)
        target_line(&b, w, &w->t[i], width);
    if (w->n > (size_t)max_targets) {
        wb_printf(&b, "  ... %zu more targets\n", w->n - (size_t)max_targets);
        lines++;
    }
    groups_table(&b, w, &lines);
    erase_live(w);
    emit(w, &b);
    fflush(stdout);
    view.lines = lines;
    wb_free(&b);
}

/* --once without --json: the full report of each target, as `strand analyze`. */
static void once_reports(watch *w)
{
    strand_render_options ro = {0};
    ro.color = isatty(STDOUT_FILENO) && w->o->common.color != 0 && !getenv("NO_COLOR");
    int rows;
    ro.width = term_size(&rows);
    ro.all = w->o->common.all;
    ro.min_verdict = w->o->common.all ? STRAND_VERDICT_OK : STRAND_VERDICT_SUSPECT;
    for (size_t i = 0; i < w->n; i++) {
        watch_target *t = &w->t[i];
        printf("%s== %s\n", i ? "\n" : "", t->name);
        if (t->report)
            strand_report_write_text(t->report, &ro, &tool_stdout, NULL);
        else
            printf("no snapshot: %s: %s\n", t->last_reason, t->last_error);
    }
}

void watch_view_stop(watch *w)
{
    double elapsed = watch_mono() - w->start_mono, cpu = watch_cpu_seconds();
    uint64_t errors = 0, missed = 0;
    double lag = 0;
    for (size_t i = 0; i < w->n; i++) {
        for (size_t j = 0; j < w->t[i].n_errs; j++)
            errors += w->t[i].errs[j].n;
        missed += w->t[i].missed;
        lag = w->t[i].max_lag > lag ? w->t[i].max_lag : lag;
    }
    if (w->o->once && !w->o->common.json) {
        once_reports(w);
        return;
    }
    wbuf b = {0};
    if (w->o->common.json) {
        event_head(&b, "stop", NULL, watch_wall());
        wb_printf(&b, ",\"elapsed\":%.3f,\"targets\":%zu,\"snapshots\":%llu,\"findings\":%llu", elapsed,
                  w->n, (unsigned long long)w->snapshots, (unsigned long long)w->findings);
        wb_printf(&b, ",\"scrape_errors\":%llu,\"db_errors\":%llu,\"missed_ticks\":%llu",
                  (unsigned long long)errors, (unsigned long long)w->db_errors,
                  (unsigned long long)missed);
        wb_printf(&b, ",\"max_lag_ms\":%.1f,\"cpu_seconds\":%.3f,\"cpu_ms_per_snapshot\":%.3f}\n",
                  lag * 1000, cpu, w->snapshots ? cpu * 1000 / (double)w->snapshots : 0.0);
    } else {
        if (w->tty)
            watch_view_tick(w, true);
        wb_printf(&b, "strand watch: %llu snapshots of %zu targets in %.1fs, %llu findings, %llu "
                      "scrape errors, cpu %.2fs (%.2f ms per snapshot)\n",
                  (unsigned long long)w->snapshots, w->n, elapsed, (unsigned long long)w->findings,
                  (unsigned long long)errors, cpu,
                  w->snapshots ? cpu * 1000 / (double)w->snapshots : 0.0);
        view.lines = 0;
    }
    if (!b.oom && b.p)
        fputs(b.p, w->o->common.json ? stdout : stderr);
    fflush(stdout);
    wb_free(&b);
}
