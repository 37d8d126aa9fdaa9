/* json_check.h - a strict RFC 8259 syntax checker for the unit tests, so
 * they can validate whole rendered documents without an external tool.
 * Header-only: include it in one test file. */
#ifndef STRAND_TEST_JSON_CHECK_H
#define STRAND_TEST_JSON_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

typedef struct jc {
    const char *p, *end;
    int depth;
} jc;

static bool jc_value(jc *c);

static void jc_ws(jc *c)
{
    while (c->p < c->end && (*c->p == ' ' || *c->p == '\n' || *c->p == '\t' || *c->p == '\r'))
        c->p++;
}

static bool jc_lit(jc *c, const char *lit)
{
    size_t n = strlen(lit);
    if ((size_t)(c->end - c->p) < n || memcmp(c->p, lit, n) != 0)
        return false;
    c->p += n;
    return true;
}

static bool jc_hex4(jc *c)
{
    for (int i = 0; i < 4; i++, c->p++)
        if (c->p >= c->end || !strchr("0123456789abcdefABCDEF", *c->p) || !*c->p)
            return false;
    return true;
}

static bool jc_string(jc *c)
{
    if (c->p >= c->end || *c->p++ != '"')
        return false;
    while (c->p < c->end) {
        unsigned char ch = (unsigned char)*c->p++;
        if (ch == '"')
            return true;
        if (ch < 0x20)
            return false;
        if (ch != '\\')
            continue;
        if (c->p >= c->end)
            return false;
        ch = (unsigned char)*c->p++;
        if (ch == 'u') {
            if (!jc_hex4(c))
                return false;
        } else if (!strchr("\"\\/bfnrt", ch) || !ch) {
            return false;
        }
    }
    return false;
}

static bool jc_digits(jc *c)
{
    const char *s = c->p;
    while (c->p < c->end && *c->p >= '0' && *c->p <= '9')
        c->p++;
    return c->p > s;
}

static bool jc_number(jc *c)
{
    if (c->p < c->end && *c->p == '-')
        c->p++;
    if (c->p < c->end && *c->p == '0')
        c->p++;
    else if (!jc_digits(c))
        return false;
    if (c->p < c->end && *c->p == '.') {
        c->p++;
        if (!jc_digits(c))
            return false;
    }
    if (c->p < c->end && (*c->p == 'e' || *c->p == 'E')) {
        c->p++;
        if (c->p < c->end && (*c->p == '+' || *c->p == '-'))
            c->p++;
        if (!jc_digits(c))
            return false;
    }
    return true;
}

/* Members or elements up to `close`; `obj` wants "key": before each value. */
static bool jc_container(jc *c, char close, bool obj)
{
    if (++c->depth > 64)
        return false;
    c->p++;
    jc_ws(c);
    if (c->p < c->end && *c->p == close) {
        c->p++;
        c->depth--;
        return true;
    }
    for (;;) {
        jc_ws(c);
        if (obj) {
            if (!jc_string(c))
                return false;
            jc_ws(c);
            if (c->p >= c->end || *c->p++ != ':')
                return false;
        }
        if (!jc_value(c))
            return false;
        jc_ws(c);
        if (c->p >= c->end)
            return false;
        char ch = *c->p++;
        if (ch == close)
            break;
        if (ch != ',')
            return false;
    }
    c->depth--;
    return true;
}

static bool jc_value(jc *c)
{
    jc_ws(c);
    if (c->p >= c->end)
        return false;
    switch (*c->p) {
    case '{':
        return jc_container(c, '}', true);
    case '[':
        return jc_container(c, ']', false);
    case '"':
        return jc_string(c);
    case 't':
        return jc_lit(c, "true");
    case 'f':
        return jc_lit(c, "false");
    case 'n':
        return jc_lit(c, "null");
    default:
        return jc_number(c);
    }
}

/* True when `s` (n bytes) is exactly one JSON value, surrounded by whitespace. */
static inline bool json_valid(const char *s, size_t n)
{
    jc c = {s, s + n, 0};
    if (!jc_value(&c))
        return false;
    jc_ws(&c);
    return c.p == c.end;
}

#endif
