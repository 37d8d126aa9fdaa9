/* source.c - read the line where a group waits, as a reviewer would.
 *
 * Goroutine reports say where a goroutine waits, not what the line does: a
 * debug=1 profile cannot tell `ch <- v` from `<-ch`, no format shows that the
 * channel of `for range t.C` belongs to a ticker, and only protobuf profiles
 * tell a range loop from a plain receive. When the caller can supply source
 * lines (strand_analyze_options.source_line), this file classifies the
 * statement with a few lexical rules of Go syntax. It never opens files.
 */
#include "analyze.h"

#include <ctype.h>

/* Copy `line` trimmed of blanks and of a trailing // comment. */
static void clean(const char *line, char *out, size_t cap)
{
    while (*line == ' ' || *line == '\t')
        line++;
    size_t n = 0;
    bool quote = false;
    for (const char *p = line; *p && *p != '\n' && *p != '\r' && n + 1 < cap; p++) {
        if (*p == '"' || *p == '`')
            quote = !quote;
        if (!quote && p[0] == '/' && p[1] == '/')
            break;
        out[n++] = *p;
    }
    while (n && (out[n - 1] == ' ' || out[n - 1] == '\t'))
        n--;
    out[n] = '\0';
}

static bool starts(const char *s, const char *w)
{
    size_t n = strlen(w);
    return strncmp(s, w, n) == 0 && (!isalnum((unsigned char)s[n]) && s[n] != '_');
}

static const char *get(const strand_analyze_options *o, const char *file, uint32_t line, char *buf,
                       size_t cap)
{
    if (!line)
        return NULL;
    const char *t = o->source_line(o->source_ctx, file, line);
    if (!t)
        return NULL;
    clean(t, buf, cap);
    return buf;
}

/* `for ... range EXPR {`: a ticker's channel (t.C, time.Tick(d)) or another. */
static void classify_range(const char *l, st_src *out)
{
    const char *r = strstr(l, "range ");
    out->op = ST_SRC_RANGE;
    if (!r)
        return;
    r += 6;
    while (*r == ' ')
        r++;
    size_t n = strcspn(r, "{");
    while (n && r[n - 1] == ' ')
        n--;
    if ((n >= 2 && r[n - 2] == '.' && r[n - 1] == 'C') || strncmp(r, "time.Tick(", 10) == 0)
        out->flags |= ST_SRC_TICKER;
}

/* A statement with "<-": a send when an operand stands before the arrow
 * (`ch <- v`), a receive otherwise (`<-ch`, `v := <-ch`, `f(<-ch)`). */
static void classify_arrow(const char *l, const char *arrow, st_src *out)
{
    const char *p = arrow;
    while (p > l && p[-1] == ' ')
        p--;
    if (p == l) {
        out->op = ST_SRC_RECV;
        return;
    }
    char c = p[-1];
    bool operand = isalnum((unsigned char)c) || c == '_' || c == ')' || c == ']';
    bool keyword = (size_t)(p - l) >= 6 && strncmp(p - 6, "return", 6) == 0;
    out->op = operand && !keyword ? ST_SRC_SEND : ST_SRC_RECV;
}

/* Look at the lines above for the enclosing `for` (bounded, stops at func). */
static bool in_loop(const strand_analyze_options *o, const char *file, uint32_t line)
{
    char buf[256];
    for (uint32_t k = 1; k <= 8 && k < line; k++) {
        const char *l = get(o, file, line - k, buf, sizeof buf);
        if (!l)
            return false;
        if (starts(l, "func"))
            return false;
        if (starts(l, "for"))
            return true;
    }
    return false;
}

/* The cases of a select, up to its closing brace (bounded). */
static void classify_select(const strand_analyze_options *o, const char *file, uint32_t line,
                            st_src *out)
{
    char buf[256];
    int depth = 0;
    out->op = ST_SRC_SELECT;
    for (uint32_t k = 0; k < 40; k++) {
        const char *l = get(o, file, line + k, buf, sizeof buf);
        if (!l)
            return;
        for (const char *p = l; *p; p++)
            depth += (*p == '{') - (*p == '}');
        if (starts(l, "case")) {
            if (strstr(l, ".Done()"))
                out->flags |= ST_SRC_DONE_CASE;
            if (strstr(l, "time.After("))
                out->flags |= ST_SRC_TIME_AFTER;
            if (strstr(l, ".C:") || strstr(l, ".C :"))
                out->flags |= ST_SRC_TICKER;
        }
        if (k > 0 && depth <= 0)
            return;
    }
}

bool st_source_read(const strand_analyze_options *o, const char *file, uint32_t line, st_src *out)
{
    memset(out, 0, sizeof *out);
    if (!o || !o->source_line || !file || !*file)
        return false;
    const char *l = get(o, file, line, out->text, sizeof out->text);
    if (!l || !*l)
        return false;
    const char *arrow = strstr(l, "<-");
    if (starts(l, "for") && strstr(l, "range "))
        classify_range(l, out);
    else if (starts(l, "select"))
        classify_select(o, file, line, out);
    else if (arrow && !starts(l, "case"))
        classify_arrow(l, arrow, out);
    if (out->op == ST_SRC_RECV && in_loop(o, file, line))
        out->flags |= ST_SRC_LOOP;
    return out->op != ST_SRC_NONE;
}

bool st_source_has_deadline(const strand_analyze_options *o, const char *file, uint32_t line)
{
    char buf[256];
    if (!o || !o->source_line || !file || !*file)
        return false;
    for (uint32_t k = 0; k <= 8 && k < line; k++) {
        const char *l = get(o, file, line - k, buf, sizeof buf);
        if (!l || (k && starts(l, "func")))
            return false;
        if (strstr(l, "SetReadDeadline(") || strstr(l, "SetDeadline(") ||
            strstr(l, "SetWriteDeadline("))
            return true;
    }
    return false;
}
