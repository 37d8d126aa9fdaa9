/* render_text.c - the terminal report. Each finding reads like a senior
 * engineer's answer: how many goroutines, in what state, parked at which
 * file:line, started by whom, why they cannot move, and the fix. */
#include "internal.h"
#include "jsonw.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>

#define DEFAULT_WIDTH 100
#define MIN_WIDTH 40
#define STACK_SHOWN 5
#define IDS_SHOWN 8

enum style { S_PLAIN, S_BOLD, S_DIM, S_RED, S_YELLOW, S_GREEN };
static const char *const sgr[] = {"",           "\x1b[1m",    "\x1b[2m",
                                  "\x1b[1;31m", "\x1b[1;33m", "\x1b[1;32m"};

typedef struct tw {
    st_out out;
    bool color;
    size_t width;
    size_t col; /* display column of the cursor */
} tw;

/* ---- primitives ----------------------------------------------------------- */

static void on(tw *t, enum style s)
{
    if (t->color && s != S_PLAIN)
        st_out_puts(&t->out, sgr[s]);
}

static void off(tw *t, enum style s)
{
    if (t->color && s != S_PLAIN)
        st_out_puts(&t->out, "\x1b[0m");
}

/* Display columns: UTF-8 continuation bytes take none. */
static size_t cols(const char *p, size_t n)
{
    size_t c = 0;
    for (size_t i = 0; i < n; i++)
        c += ((unsigned char)p[i] & 0xC0) != 0x80;
    return c;
}

/* Text from the input may hold control bytes: never pass them (or an escape
 * sequence they start) to the terminal. */
static void put(tw *t, const char *p, size_t n)
{
    size_t start = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)p[i];
        if (c >= 0x20 && c != 0x7f)
            continue;
        st_out_write(&t->out, p + start, i - start);
        st_out_putc(&t->out, '?');
        start = i + 1;
    }
    st_out_write(&t->out, p + start, n - start);
    t->col += cols(p, n);
}

static void puts_(tw *t, const char *s)
{
    put(t, s, strlen(s));
}

static void styled(tw *t, enum style s, const char *text)
{
    on(t, s);
    puts_(t, text);
    off(t, s);
}

static void printf_(tw *t, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

static void printf_(tw *t, const char *fmt, ...)
{
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (n > 0)
        put(t, buf, (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1);
}

static void newline(tw *t)
{
    st_out_putc(&t->out, '\n');
    t->col = 0;
}

static void pad(tw *t, size_t n)
{
    st_out_spaces(&t->out, n);
    t->col += n;
}

/* Words of `text` from the cursor on, breaking lines before `width` with a
 * hanging indent of `indent` columns. A word wider than a line stays whole. */
static void wrap(tw *t, size_t indent, const char *text)
{
    bool space = false;
    const char *p = text;
    while (*p) {
        if (*p == ' ' || *p == '\n') {
            if (*p == '\n') {
                newline(t);
                pad(t, indent);
                space = false;
            } else {
                space = t->col > indent;
            }
            p++;
            continue;
        }
        size_t n = strcspn(p, " \n");
        size_t w = cols(p, n);
        if (t->col > indent && t->col + space + w > t->width) {
            newline(t);
            pad(t, indent);
            space = false;
        }
        if (space)
            put(t, " ", 1);
        put(t, p, n);
        space = false;
        p += n;
    }
}

/* `text` as one unbreakable unit, `gap` spaces after what precedes it on
 * the line, or at the hanging indent of a new line when it does not fit. */
static void unit(tw *t, size_t indent, size_t gap, enum style s, const char *text)
{
    size_t w = cols(text, strlen(text));
    if (t->col > indent && t->col + gap + w > t->width) {
        newline(t);
        pad(t, indent);
    } else if (t->col > 0) {
        pad(t, gap);
    }
    styled(t, s, text);
}

static const char *plural(uint64_t n, const char *one, const char *many)
{
    return n == 1 ? one : many;
}

/* ---- pieces of a finding ---------------------------------------------------- */

/* "  LABEL FUNCTION  FILE:LINE", the file on its own line when too wide. */
static void loc_line(tw *t, size_t indent, const char *label, const strand_loc *l, enum style s)
{
    const char *fn = l->function && *l->function ? l->function : "?";
    const char *file = l->file ? l->file : "";
    char line[16] = "";
    if (*file && l->line)
        snprintf(line, sizeof line, ":%u", (unsigned)l->line);
    pad(t, indent);
    on(t, s);
    if (*label) {
        puts_(t, label);
        put(t, " ", 1);
    }
    puts_(t, fn);
    if (*file) {
        size_t w = cols(file, strlen(file)) + strlen(line);
        if (t->col + 2 + w > t->width) {
            newline(t);
            pad(t, indent + 4);
        } else {
            pad(t, 2);
        }
        puts_(t, file);
        puts_(t, line);
    }
    off(t, s);
    newline(t);
}

static bool loc_known(const strand_loc *l)
{
    return (l->function && *l->function) || (l->file && *l->file);
}

static enum style verdict_style(strand_verdict v)
{
    return v == STRAND_VERDICT_LEAK ? S_RED : v == STRAND_VERDICT_SUSPECT ? S_YELLOW : S_GREEN;
}

static void state_text(char *buf, size_t size, const strand_finding *f)
{
    const char *state = f->state && *f->state ? f->state : strand_kind_name(f->kind);
    if (f->wait_max <= 0)
        snprintf(buf, size, "[%s]", state);
    else if (f->wait_min < 0)
        snprintf(buf, size, "[%s, up to %d minutes]", state, (int)f->wait_max);
    else if (f->wait_min == f->wait_max)
        snprintf(buf, size, "[%s, %d %s]", state, (int)f->wait_max,
                 plural((uint64_t)f->wait_max, "minute", "minutes"));
    else
        snprintf(buf, size, "[%s, %d-%d minutes]", state, (int)f->wait_min, (int)f->wait_max);
}

/* LEAK  chan-send  750 goroutines  [chan send, 3 minutes]  blocked channel send */
static void headline(tw *t, const strand_finding *f)
{
    static const char *const names[] = {"OK", "SUSPECT", "LEAK"};
    char count[96], state[160];
    snprintf(count, sizeof count, "%llu %s", (unsigned long long)f->count,
             plural(f->count, "goroutine", "goroutines"));
    if (f->group_members > 1)
        snprintf(count + strlen(count), sizeof count - strlen(count), " in %zu stacks",
                 f->group_members);
    state_text(state, sizeof state, f);
    unit(t, 2, 2, verdict_style(f->verdict),
         names[f->verdict <= STRAND_VERDICT_LEAK ? f->verdict : 0]);
    unit(t, 2, 2, S_BOLD, f->cls->id);
    unit(t, 2, 2, S_PLAIN, count);
    unit(t, 2, 2, S_PLAIN, state);
    unit(t, 2, 2, S_BOLD, f->cls->title);
    newline(t);
}

static void rate_text(char *buf, size_t size, double r)
{
    if (fabs(r) >= 100)
        snprintf(buf, size, "%+.0f/min", r);
    else if (fabs(r) >= 1)
        snprintf(buf, size, "%+.1f/min", r);
    else
        snprintf(buf, size, "%+.2g/min", r);
}

/* trend: 100 → 300 → 750  (+12.5/min, growing) */
static void trend_line(tw *t, const strand_finding *f)
{
    if (!f->n_trend)
        return;
    pad(t, 2);
    puts_(t, "trend:");
    for (size_t i = 0; i < f->n_trend; i++) {
        char num[32];
        snprintf(num, sizeof num, "%s%lld", i ? "\xe2\x86\x92 " : "",
                 (long long)f->trend_counts[i]);
        unit(t, 9, 1, S_PLAIN, num);
    }
    char rate[48] = "";
    if (f->per_minute != 0 && isfinite(f->per_minute))
        rate_text(rate, sizeof rate, f->per_minute);
    const char *shape = strand_trend_name(f->trend);
    if (*rate || (shape && *shape)) {
        char tail[96];
        snprintf(tail, sizeof tail, "(%s%s%s)", rate, *rate && shape && *shape ? ", " : "",
                 shape ? shape : "");
        unit(t, 9, 2, S_PLAIN, tail);
    }
    newline(t);
}

static void paragraph(tw *t, const char *label, const char *text)
{
    if (!text || !*text)
        return;
    pad(t, 2);
    styled(t, S_BOLD, label);
    put(t, " ", 1);
    wrap(t, 3 + strlen(label), text);
    newline(t);
}

static void evidence(tw *t, const strand_finding *f)
{
    for (size_t i = 0; i < f->n_evidence; i++) {
        if (!f->evidence[i] || !*f->evidence[i])
            continue;
        pad(t, 2);
        puts_(t, "- ");
        wrap(t, 4, f->evidence[i]);
        newline(t);
    }
}

static void ids_line(tw *t, const strand_finding *f)
{
    size_t n = f->n_goroutine_ids;
    if (!n)
        return;
    size_t shown = n < IDS_SHOWN ? n : IDS_SHOWN;
    pad(t, 2);
    on(t, S_DIM);
    puts_(t, n == 1 ? "goroutine" : "goroutines");
    for (size_t i = 0; i < shown; i++) {
        char num[32];
        snprintf(num, sizeof num, "%llu", (unsigned long long)f->goroutine_ids[i]);
        unit(t, 4, 1, S_PLAIN, num);
    }
    if (n > shown) {
        char more[48];
        snprintf(more, sizeof more, "... %zu more", n - shown);
        unit(t, 4, 1, S_PLAIN, more);
    }
    off(t, S_DIM);
    newline(t);
}

static void labels_line(tw *t, const strand_report *r, const strand_finding *f)
{
    if (!f->n_labels)
        return;
    pad(t, 2);
    puts_(t, "labels:");
    for (size_t i = 0; i < f->n_labels; i++) {
        const char *k = strand_report_str(r, f->labels[i].key);
        const char *v = strand_report_str(r, f->labels[i].value);
        char kv[512];
        snprintf(kv, sizeof kv, "%s=%s", k, v);
        unit(t, 4, 1, S_PLAIN, kv);
    }
    newline(t);
}

static void stack_lines(tw *t, const strand_finding *f)
{
    if (!f->n_stack)
        return;
    size_t shown = f->n_stack <= STACK_SHOWN + 1 ? f->n_stack : STACK_SHOWN;
    pad(t, 2);
    styled(t, S_DIM, "stack:");
    newline(t);
    for (size_t i = 0; i < shown; i++)
        loc_line(t, 4, "", &f->stack[i], S_DIM);
    if (shown < f->n_stack) {
        pad(t, 4);
        on(t, S_DIM);
        printf_(t, "... %zu more", f->n_stack - shown);
        off(t, S_DIM);
        newline(t);
    }
}

static void finding(tw *t, const strand_report *r, const strand_finding *f)
{
    bool full = f->verdict != STRAND_VERDICT_OK;
    headline(t, f);
    if (loc_known(&f->site))
        loc_line(t, 2, "at", &f->site, S_PLAIN);
    if (f->created_by.function && *f->created_by.function)
        loc_line(t, 2, "created by", &f->created_by, S_PLAIN);
    trend_line(t, f);
    evidence(t, f);
    paragraph(t, "why:", f->cause);
    if (full)
        paragraph(t, "fix:", f->fix);
    if (full) {
        labels_line(t, r, f);
        ids_line(t, f);
        stack_lines(t, f);
    }
    newline(t);
}

/* ---- header and summary ----------------------------------------------------- */

static void count_part(char *buf, size_t size, bool *first, uint64_t n, const char *one,
                       const char *many)
{
    if (!n)
        return;
    size_t len = strlen(buf);
    snprintf(buf + len, size - len, "%s%llu %s", *first ? "" : ", ", (unsigned long long)n,
             plural(n, one, many));
    *first = false;
}

/* "dump.txt: 846 goroutines (traceback)", then the panic reason and any
 * trouble reading the input, indented below it. */
static void input_line(tw *t, const strand_input_summary *in, bool series)
{
    char buf[320];
    size_t ind = series ? 4 : 2;
    pad(t, ind - 2);
    on(t, S_BOLD);
    puts_(t, *in->name ? in->name : "-");
    put(t, ":", 1);
    off(t, S_BOLD);
    snprintf(buf, sizeof buf, " %llu %s (%s)", (unsigned long long)in->goroutines,
             plural(in->goroutines, "goroutine", "goroutines"), strand_format_name(in->format));
    wrap(t, ind, buf);
    newline(t);
    if (in->reason && *in->reason) {
        pad(t, ind);
        wrap(t, ind, in->reason);
        newline(t);
    }
    if (!in->diagnostic_total && !in->skipped)
        return;
    buf[0] = 0;
    bool first = true;
    count_part(buf, sizeof buf, &first, in->diagnostic_total, "diagnostic", "diagnostics");
    if (in->n_diagnostics && in->diagnostics[0].line) {
        size_t len = strlen(buf);
        snprintf(buf + len, sizeof buf - len, ", first at line %u: %s",
                 (unsigned)in->diagnostics[0].line,
                 in->diagnostics[0].message ? in->diagnostics[0].message : "");
    }
    if (in->skipped) {
        size_t len = strlen(buf);
        snprintf(buf + len, sizeof buf - len, "%s%llu malformed %s skipped", first ? "" : "; ",
                 (unsigned long long)in->skipped, plural(in->skipped, "block", "blocks"));
    }
    pad(t, ind);
    on(t, S_YELLOW);
    wrap(t, ind, buf);
    off(t, S_YELLOW);
    newline(t);
}

static void header(tw *t, const strand_report *r)
{
    size_t n = 0;
    const strand_input_summary *in = strand_report_inputs(r, &n);
    if (n > 1) {
        char buf[128];
        snprintf(buf, sizeof buf, "%zu snapshots of one process, oldest first:", n);
        styled(t, S_BOLD, buf);
        newline(t);
    }
    for (size_t i = 0; i < n; i++)
        input_line(t, &in[i], n > 1);
    newline(t);
}

typedef struct tally {
    uint64_t total[3], shown[3];
} tally;

static void hidden_part(char *buf, size_t size, const tally *c)
{
    uint64_t hs = c->total[1] - c->shown[1], ho = c->total[0] - c->shown[0];
    if (!hs && !ho)
        return;
    size_t len = strlen(buf);
    snprintf(buf + len, size - len, "%s", "; hidden: ");
    bool first = true;
    count_part(buf, size, &first, hs, "suspect", "suspects");
    count_part(buf, size, &first, ho, "ok group", "ok groups");
    len = strlen(buf);
    snprintf(buf + len, size - len, "%s", " (use --all)");
}

static void summary(tw *t, const strand_report *r, const tally *c)
{
    char buf[320] = "";
    uint64_t g = strand_report_goroutines(r);
    bool first = true;
    if (c->total[2] || c->total[1]) {
        count_part(buf, sizeof buf, &first, c->total[2], "leak", "leaks");
        count_part(buf, sizeof buf, &first, c->total[1], "suspect", "suspects");
        size_t len = strlen(buf);
        snprintf(buf + len, sizeof buf - len, " among %llu %s", (unsigned long long)g,
                 plural(g, "goroutine", "goroutines"));
        hidden_part(buf, sizeof buf, c);
        on(t, c->total[2] ? S_RED : S_YELLOW);
        wrap(t, 0, buf);
        off(t, c->total[2] ? S_RED : S_YELLOW);
        newline(t);
        return;
    }
    snprintf(buf, sizeof buf, "No leaks found among %llu %s", (unsigned long long)g,
             plural(g, "goroutine", "goroutines"));
    size_t len = strlen(buf);
    if (c->total[0] && c->shown[0] < c->total[0])
        snprintf(buf + len, sizeof buf - len, "; %llu %s healthy (use --all to list %s)",
                 (unsigned long long)c->total[0], plural(c->total[0], "group looks", "groups look"),
                 plural(c->total[0], "it", "them"));
    else
        snprintf(buf + len, sizeof buf - len, ".");
    on(t, S_GREEN);
    wrap(t, 0, buf);
    off(t, S_GREEN);
    newline(t);
}

static bool shown(const strand_render_options *o, strand_verdict v)
{
    if (o && o->all)
        return true;
    strand_verdict min = o ? o->min_verdict : STRAND_VERDICT_OK;
    return v >= min && v != STRAND_VERDICT_OK;
}

strand_code strand_report_write_text(const strand_report *r, const strand_render_options *o,
                                     const strand_sink *out, strand_error *err)
{
    tw t = {0};
    if (st_out_init(&t.out, out) || !r) {
        st_out_finish(&t.out, NULL);
        st_set_error(err, STRAND_ERR_ARG, NULL, 0);
        return STRAND_ERR_ARG;
    }
    t.color = o && o->color;
    t.width = o && o->width > 0 ? (size_t)o->width : DEFAULT_WIDTH;
    if (t.width < MIN_WIDTH)
        t.width = MIN_WIDTH;
    size_t n = 0;
    const strand_finding *f = strand_report_findings(r, &n);
    tally c = {{0}, {0}};
    header(&t, r);
    for (size_t i = 0; i < n && !t.out.err; i++) {
        unsigned v = f[i].verdict <= STRAND_VERDICT_LEAK ? f[i].verdict : 0;
        c.total[v]++;
        if (!shown(o, f[i].verdict))
            continue;
        c.shown[v]++;
        finding(&t, r, &f[i]);
    }
    summary(&t, r, &c);
    return st_out_finish(&t.out, err);
}
