/* jsonw.c - buffered sink output and a streaming JSON writer. */
#include "jsonw.h"
#include "internal.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

/* ---- sinks and the buffered writer ------------------------------------------ */

int strand_sink_stdio(void *ctx, const char *data, size_t len)
{
    FILE *f = ctx;
    return f && fwrite(data, 1, len, f) == len ? 0 : -1;
}

strand_code st_out_init(st_out *o, const strand_sink *sink)
{
    o->sink = sink;
    o->len = 0;
    o->flushed = 0;
    o->err = STRAND_OK;
    o->buf = st_malloc(NULL, ST_OUT_BUF);
    o->cap = ST_OUT_BUF;
    if (!o->buf) {
        o->buf = o->small;
        o->cap = sizeof o->small;
    }
    if (!sink || !sink->write)
        o->err = STRAND_ERR_ARG;
    return o->err;
}

static void out_flush(st_out *o)
{
    if (o->err || !o->len)
        return;
    if (o->sink->write(o->sink->ctx, o->buf, o->len) != 0)
        o->err = STRAND_ERR_WRITE;
    o->flushed += o->len;
    o->len = 0;
}

void st_out_write(st_out *o, const char *p, size_t n)
{
    if (o->err || n == 0)
        return;
    if (n > o->cap - o->len) {
        out_flush(o);
        if (o->err)
            return;
        if (n >= o->cap) {
            if (o->sink->write(o->sink->ctx, p, n) != 0)
                o->err = STRAND_ERR_WRITE;
            o->flushed += n;
            return;
        }
    }
    memcpy(o->buf + o->len, p, n);
    o->len += n;
}

void st_out_puts(st_out *o, const char *s)
{
    st_out_write(o, s, strlen(s));
}

void st_out_putc(st_out *o, char c)
{
    if (o->err)
        return;
    if (o->len == o->cap)
        out_flush(o);
    if (!o->err)
        o->buf[o->len++] = c;
}

void st_out_spaces(st_out *o, size_t n)
{
    static const char sp[] = "                                                                ";
    while (n > 0) {
        size_t k = n < sizeof sp - 1 ? n : sizeof sp - 1;
        st_out_write(o, sp, k);
        n -= k;
    }
}

void st_out_printf(st_out *o, const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    st_out_write(o, buf, (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1);
}

uint64_t st_out_pos(const st_out *o)
{
    return o->flushed + o->len;
}

const char *st_out_since(const st_out *o, uint64_t pos, size_t *n)
{
    if (o->err || pos < o->flushed || pos > o->flushed + o->len)
        return NULL;
    *n = (size_t)(o->flushed + o->len - pos);
    return o->buf + (pos - o->flushed);
}

strand_code st_out_finish(st_out *o, strand_error *err)
{
    out_flush(o);
    if (o->buf != o->small)
        st_free(NULL, o->buf, o->cap);
    o->buf = o->small;
    o->cap = sizeof o->small;
    o->len = 0;
    if (o->err)
        st_set_error(err, o->err, NULL, 0);
    return o->err;
}

/* ---- JSON: structure ------------------------------------------------------ */

static void jw_fail(st_jsonw *w)
{
    if (!w->out.err)
        w->out.err = STRAND_ERR_ARG;
}

strand_code st_jw_init(st_jsonw *w, const strand_sink *sink, unsigned indent)
{
    w->indent = indent;
    w->depth = 0;
    w->after_key = false;
    return st_out_init(&w->out, sink);
}

static void jw_newline(st_jsonw *w, unsigned depth)
{
    st_out_putc(&w->out, '\n');
    st_out_spaces(&w->out, (size_t)w->indent * depth);
}

/* Separator and indentation before an array element or an object key. */
static void jw_item(st_jsonw *w)
{
    unsigned lv = w->depth - 1;
    if (w->count[lv])
        st_out_putc(&w->out, ',');
    if (w->indent && !w->flat[lv])
        jw_newline(w, w->depth);
    else if (w->indent && w->count[lv])
        st_out_putc(&w->out, ' ');
    w->count[lv] = 1;
}

static bool jw_value(st_jsonw *w)
{
    if (w->out.err)
        return false;
    if (w->after_key) {
        w->after_key = false;
        return true;
    }
    if (w->depth == 0)
        return true;
    if (w->is_obj[w->depth - 1]) {
        jw_fail(w);
        return false;
    }
    jw_item(w);
    return true;
}

static void jw_open(st_jsonw *w, bool obj, bool flat)
{
    if (!jw_value(w))
        return;
    if (w->depth == ST_JW_MAX_DEPTH) {
        jw_fail(w);
        return;
    }
    unsigned lv = w->depth++;
    w->count[lv] = 0;
    w->is_obj[lv] = obj;
    w->flat[lv] = flat || (lv > 0 && w->flat[lv - 1]);
    st_out_putc(&w->out, obj ? '{' : '[');
}

static void jw_close(st_jsonw *w, bool obj)
{
    if (w->out.err)
        return;
    if (w->depth == 0 || w->after_key || w->is_obj[w->depth - 1] != obj) {
        jw_fail(w);
        return;
    }
    unsigned lv = --w->depth;
    if (w->indent && w->count[lv] && !w->flat[lv])
        jw_newline(w, w->depth);
    st_out_putc(&w->out, obj ? '}' : ']');
}

void st_jw_obj(st_jsonw *w)
{
    jw_open(w, true, false);
}
void st_jw_obj_flat(st_jsonw *w)
{
    jw_open(w, true, true);
}
void st_jw_obj_end(st_jsonw *w)
{
    jw_close(w, true);
}
void st_jw_arr(st_jsonw *w)
{
    jw_open(w, false, false);
}
void st_jw_arr_flat(st_jsonw *w)
{
    jw_open(w, false, true);
}
void st_jw_arr_end(st_jsonw *w)
{
    jw_close(w, false);
}

strand_code st_jw_finish(st_jsonw *w, strand_error *err)
{
    if (w->depth != 0 || w->after_key)
        jw_fail(w);
    if (w->indent)
        st_out_putc(&w->out, '\n');
    return st_out_finish(&w->out, err);
}

/* ---- JSON: strings -------------------------------------------------------- */

/* 0: copy as is; 1: escape; 2: start of a multi-byte sequence to validate. */
static const uint8_t esc_class[256] = {
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 0x00 */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 0x10 */
    0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0x20: '"' */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0x30 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0x40 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, /* 0x50: '\\' */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0x60 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, /* 0x70: DEL */
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
};

/* Length of the valid UTF-8 sequence at p (RFC 3629: no overlongs, no
 * surrogates, nothing above U+10FFFF), or 0 with *skip set to the length of
 * the maximal invalid subpart, which becomes one U+FFFD (Unicode ch. 3,
 * "U+FFFD substitution of maximal subparts", as WHATWG decoders do). */
static size_t utf8_seq(const unsigned char *p, size_t n, size_t *skip)
{
    unsigned char c = p[0], lo = 0x80, hi = 0xBF;
    size_t need;
    if (c >= 0xC2 && c <= 0xDF)
        need = 1;
    else if (c >= 0xE0 && c <= 0xEF)
        need = 2;
    else if (c >= 0xF0 && c <= 0xF4)
        need = 3;
    else {
        *skip = 1;
        return 0;
    }
    if (c == 0xE0)
        lo = 0xA0;
    else if (c == 0xED)
        hi = 0x9F;
    else if (c == 0xF0)
        lo = 0x90;
    else if (c == 0xF4)
        hi = 0x8F;
    for (size_t i = 1; i <= need; i++) {
        if (i >= n || p[i] < lo || p[i] > hi) {
            *skip = i;
            return 0;
        }
        lo = 0x80;
        hi = 0xBF;
    }
    return need + 1;
}

static void write_escape(st_out *o, unsigned char c)
{
    static const char hex[] = "0123456789abcdef";
    char e[7] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15], 0};
    switch (c) {
    case '"':
        st_out_write(o, "\\\"", 2);
        return;
    case '\\':
        st_out_write(o, "\\\\", 2);
        return;
    case '\b':
        st_out_write(o, "\\b", 2);
        return;
    case '\f':
        st_out_write(o, "\\f", 2);
        return;
    case '\n':
        st_out_write(o, "\\n", 2);
        return;
    case '\r':
        st_out_write(o, "\\r", 2);
        return;
    case '\t':
        st_out_write(o, "\\t", 2);
        return;
    default:
        st_out_write(o, e, 6);
        return;
    }
}

static void write_string(st_out *o, const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0, start = 0;
    st_out_putc(o, '"');
    while (i < n) {
        uint8_t cls = esc_class[p[i]];
        if (cls == 0) {
            i++;
            continue;
        }
        size_t skip = 1;
        if (cls == 2) {
            size_t len = utf8_seq(p + i, n - i, &skip);
            if (len) {
                i += len;
                continue;
            }
        }
        st_out_write(o, s + start, i - start);
        if (cls == 2)
            st_out_write(o, "\\ufffd", 6);
        else
            write_escape(o, p[i]);
        i += skip;
        start = i;
    }
    st_out_write(o, s + start, i - start);
    st_out_putc(o, '"');
}

void st_jw_key(st_jsonw *w, const char *key)
{
    if (w->out.err)
        return;
    if (w->depth == 0 || !w->is_obj[w->depth - 1] || w->after_key) {
        jw_fail(w);
        return;
    }
    jw_item(w);
    write_string(&w->out, key, strlen(key));
    if (w->indent)
        st_out_write(&w->out, ": ", 2);
    else
        st_out_putc(&w->out, ':');
    w->after_key = true;
}

void st_jw_strn(st_jsonw *w, const char *s, size_t n)
{
    if (jw_value(w))
        write_string(&w->out, s ? s : "", s ? n : 0);
}

void st_jw_raw(st_jsonw *w, const char *json, size_t n)
{
    if (jw_value(w))
        st_out_write(&w->out, json, n);
}

void st_jw_str(st_jsonw *w, const char *s)
{
    st_jw_strn(w, s, s ? strlen(s) : 0);
}

void st_jw_str_or_null(st_jsonw *w, const char *s)
{
    if (s && *s)
        st_jw_str(w, s);
    else
        st_jw_null(w);
}

/* ---- JSON: scalars -------------------------------------------------------- */

static void write_u64(st_out *o, uint64_t v, bool neg)
{
    char buf[24];
    char *p = buf + sizeof buf;
    do {
        *--p = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    if (neg)
        *--p = '-';
    st_out_write(o, p, (size_t)(buf + sizeof buf - p));
}

void st_jw_uint(st_jsonw *w, uint64_t v)
{
    if (jw_value(w))
        write_u64(&w->out, v, false);
}

void st_jw_int(st_jsonw *w, int64_t v)
{
    if (!jw_value(w))
        return;
    if (v < 0)
        write_u64(&w->out, (uint64_t)0 - (uint64_t)v, true);
    else
        write_u64(&w->out, (uint64_t)v, false);
}

void st_jw_double(st_jsonw *w, double v)
{
    if (!isfinite(v)) {
        st_jw_null(w);
        return;
    }
    if (!jw_value(w))
        return;
    char buf[40];
    int n = 0;
    for (int prec = 15; prec <= 17; prec++) {
        n = snprintf(buf, sizeof buf, "%.*g", prec, v);
        if (strtod(buf, NULL) == v)
            break;
    }
    for (int i = 0; i < n; i++)
        if (buf[i] == ',') /* a locale's decimal comma */
            buf[i] = '.';
    st_out_write(&w->out, buf, (size_t)n);
}

void st_jw_bool(st_jsonw *w, bool v)
{
    if (jw_value(w))
        st_out_puts(&w->out, v ? "true" : "false");
}

void st_jw_null(st_jsonw *w)
{
    if (jw_value(w))
        st_out_write(&w->out, "null", 4);
}

void st_jw_kstr(st_jsonw *w, const char *key, const char *s)
{
    st_jw_key(w, key);
    st_jw_str(w, s);
}

void st_jw_kstr_or_null(st_jsonw *w, const char *key, const char *s)
{
    st_jw_key(w, key);
    st_jw_str_or_null(w, s);
}

void st_jw_kint(st_jsonw *w, const char *key, int64_t v)
{
    st_jw_key(w, key);
    st_jw_int(w, v);
}

void st_jw_kuint(st_jsonw *w, const char *key, uint64_t v)
{
    st_jw_key(w, key);
    st_jw_uint(w, v);
}

void st_jw_kbool(st_jsonw *w, const char *key, bool v)
{
    st_jw_key(w, key);
    st_jw_bool(w, v);
}

void st_jw_knull(st_jsonw *w, const char *key)
{
    st_jw_key(w, key);
    st_jw_null(w);
}
