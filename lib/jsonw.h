/*
 * jsonw.h - buffered output over a strand_sink, and a streaming JSON writer
 * on top of it. Used by the renderers (lib/render_*.c, lib/json_snapshot.c).
 *
 * Errors are sticky: the first failed write (or misuse) is remembered, every
 * later call is a no-op, and st_out_finish / st_jw_finish report it. So a
 * renderer writes its whole document and checks once at the end.
 */
#ifndef STRAND_JSONW_H
#define STRAND_JSONW_H

#include "strand.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- buffered sink writer ------------------------------------------------ */

#define ST_OUT_BUF ((size_t)64 << 10)
#define ST_OUT_SMALL 256 /* used when the big buffer cannot be allocated */

typedef struct st_out {
    const strand_sink *sink;
    char *buf;
    size_t len, cap;
    uint64_t flushed; /* bytes handed to the sink so far */
    strand_code err;
    char small[ST_OUT_SMALL];
} st_out;

/* STRAND_ERR_ARG when `sink` or its write function is NULL (kept in o->err). */
strand_code st_out_init(st_out *o, const strand_sink *sink);
void st_out_write(st_out *o, const char *p, size_t n);
void st_out_puts(st_out *o, const char *s);
void st_out_putc(st_out *o, char c);
void st_out_spaces(st_out *o, size_t n);
/* printf-style; output longer than 512 bytes is cut. */
void st_out_printf(st_out *o, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* The output position: bytes written so far, flushed or not. */
uint64_t st_out_pos(const st_out *o);
/* The bytes written since position `pos` while they are still in the
 * buffer (no flush since), with their length in *n; else NULL. */
const char *st_out_since(const st_out *o, uint64_t pos, size_t *n);
/* Flushes, frees the buffer; returns the first error (and fills err). */
strand_code st_out_finish(st_out *o, strand_error *err);

/* ---- JSON writer -------------------------------------------------------- */

#define ST_JW_MAX_DEPTH 32

typedef struct st_jsonw {
    st_out out;
    unsigned indent; /* spaces per level; 0 = compact */
    unsigned depth;
    bool after_key;                 /* a key was written; the value comes next */
    uint8_t count[ST_JW_MAX_DEPTH]; /* 0: container still empty */
    uint8_t flat[ST_JW_MAX_DEPTH];  /* 1: container printed on one line */
    uint8_t is_obj[ST_JW_MAX_DEPTH];
} st_jsonw;

/* `indent` spaces per nesting level; 0 writes compact JSON. */
strand_code st_jw_init(st_jsonw *w, const strand_sink *sink, unsigned indent);

/* Containers. The _flat variants keep the container (and everything in it)
 * on one line in indented mode: {"a": 1, "b": [1, 2]}. */
void st_jw_obj(st_jsonw *w);
void st_jw_obj_flat(st_jsonw *w);
void st_jw_obj_end(st_jsonw *w);
void st_jw_arr(st_jsonw *w);
void st_jw_arr_flat(st_jsonw *w);
void st_jw_arr_end(st_jsonw *w);

/* An object key; the next call writes its value. */
void st_jw_key(st_jsonw *w, const char *key);

/* Values. Strings are escaped: control characters as \n, \t ... or \u00XX,
 * DEL as \u007f, invalid UTF-8 as \ufffd (one per maximal invalid subpart). */
void st_jw_str(st_jsonw *w, const char *s);
void st_jw_strn(st_jsonw *w, const char *s, size_t n);
void st_jw_int(st_jsonw *w, int64_t v);
void st_jw_uint(st_jsonw *w, uint64_t v);
/* Shortest form that reads back as the same double; NaN and infinities as null. */
void st_jw_double(st_jsonw *w, double v);
void st_jw_bool(st_jsonw *w, bool v);
/* A value already rendered as JSON (e.g. by this writer, captured with
 * st_out_since); written as is. */
void st_jw_raw(st_jsonw *w, const char *json, size_t n);
void st_jw_null(st_jsonw *w);
/* A string, or null when s is NULL or "". */
void st_jw_str_or_null(st_jsonw *w, const char *s);

/* key + value shorthands */
void st_jw_kstr(st_jsonw *w, const char *key, const char *s);
void st_jw_kstr_or_null(st_jsonw *w, const char *key, const char *s);
void st_jw_kint(st_jsonw *w, const char *key, int64_t v);
void st_jw_kuint(st_jsonw *w, const char *key, uint64_t v);
void st_jw_kbool(st_jsonw *w, const char *key, bool v);
void st_jw_knull(st_jsonw *w, const char *key);

/* Ends the document (a newline in indented mode), flushes, and returns the
 * first error: STRAND_ERR_WRITE from the sink, STRAND_ERR_ARG for misuse
 * (unbalanced containers, a key outside an object, nesting too deep). */
strand_code st_jw_finish(st_jsonw *w, strand_error *err);

#endif
