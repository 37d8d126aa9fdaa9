/* watch_util.c - durations, sizes, clocks, /proc samples, a growing string
 * with JSON quoting: the small pieces strand watch shares. */
#include "watch.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

/* "30s", "500ms", "1m", "1h", "7d", "1.5s"; a bare number is seconds. */
bool watch_parse_duration(const char *s, double *out)
{
    static const struct {
        const char *unit;
        double scale;
    } units[] = {{"ms", 1e-3}, {"s", 1}, {"m", 60}, {"h", 3600}, {"d", 86400}, {"", 1}};
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || errno || !(v >= 0) || v > 1e9)
        return false;
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        if (!strcmp(end, units[i].unit)) {
            *out = v * units[i].scale;
            return true;
        }
    }
    return false;
}

/* "64M", "64MiB", "512k", "1G", bytes otherwise. */
bool watch_parse_size(const char *s, uint64_t *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || errno || !(v >= 0))
        return false;
    double scale = 1;
    switch (*end) {
    case 'k': case 'K': scale = 1024.0; end++; break;
    case 'm': case 'M': scale = 1024.0 * 1024; end++; break;
    case 'g': case 'G': scale = 1024.0 * 1024 * 1024; end++; break;
    default: break;
    }
    if (*end == 'i')
        end++;
    if (*end == 'B' || *end == 'b')
        end++;
    if (*end || v * scale > 1e18)
        return false;
    *out = (uint64_t)(v * scale);
    return true;
}

double watch_mono(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

double watch_wall(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

void watch_format_time(double wall, char *buf, size_t n)
{
    time_t sec = (time_t)wall;
    int ms = (int)((wall - (double)sec) * 1000.0);
    if (ms > 999)
        ms = 999;
    if (ms < 0)
        ms = 0;
    struct tm tm;
    gmtime_r(&sec, &tm);
    char day[32];
    strftime(day, sizeof day, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(buf, n, "%s.%03dZ", day, ms);
}

/* Open descriptors of a local process: entries of /proc/PID/fd. */
int64_t watch_proc_fds(int pid)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/fd", pid);
    DIR *d = opendir(path);
    if (!d)
        return -1;
    int64_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        n += e->d_name[0] != '.';
    closedir(d);
    return n;
}

/* Resident set size in bytes: the second field of /proc/PID/statm. */
int64_t watch_proc_rss(int pid)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/statm", pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    unsigned long long size = 0, rss = 0;
    int got = fscanf(f, "%llu %llu", &size, &rss);
    fclose(f);
    if (got != 2)
        return -1;
    return (int64_t)rss * 4096;
}

double watch_cpu_seconds(void)
{
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru))
        return 0;
    return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec * 1e-6 +
           (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec * 1e-6;
}

/* FNV-1a, 64 bits. */
uint64_t watch_hash(uint64_t h, const void *p, size_t n)
{
    const unsigned char *c = p;
    for (size_t i = 0; i < n; i++) {
        h ^= c[i];
        h *= 1099511628211ull;
    }
    return h;
}

uint64_t watch_hash_str(uint64_t h, const char *s)
{
    s = s ? s : "";
    return watch_hash(h, s, strlen(s) + 1); /* the NUL separates fields */
}

/* ---- wbuf ------------------------------------------------------------------- */

void wb_put(wbuf *b, const char *s, size_t n)
{
    if (b->oom)
        return;
    if (b->n + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->n + n + 1)
            cap *= 2;
        char *p = realloc(b->p, cap);
        if (!p) {
            b->oom = true;
            return;
        }
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = '\0';
}

void wb_puts(wbuf *b, const char *s) { wb_put(b, s, strlen(s)); }

void wb_printf(wbuf *b, const char *fmt, ...)
{
    char small[256];
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (k < 0)
        return;
    if ((size_t)k < sizeof small) {
        wb_put(b, small, (size_t)k);
        return;
    }
    char *big = malloc((size_t)k + 1);
    if (!big) {
        b->oom = true;
        return;
    }
    va_start(ap, fmt);
    vsnprintf(big, (size_t)k + 1, fmt, ap);
    va_end(ap);
    wb_put(b, big, (size_t)k);
    free(big);
}

/* Control characters are escaped; invalid UTF-8 is passed as is (the
 * library already replaced it with U+FFFD in everything it reports). */
void wb_json_str(wbuf *b, const char *s)
{
    if (!s) {
        wb_puts(b, "null");
        return;
    }
    wb_put(b, "\"", 1);
    size_t start = 0, i = 0;
    for (; s[i]; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c != '"' && c != '\\' && c != 0x7f)
            continue;
        wb_put(b, s + start, i - start);
        if (c == '"' || c == '\\') {
            char e[2] = {'\\', (char)c};
            wb_put(b, e, 2);
        } else if (c == '\n') {
            wb_puts(b, "\\n");
        } else if (c == '\t') {
            wb_puts(b, "\\t");
        } else {
            wb_printf(b, "\\u%04x", c);
        }
        start = i + 1;
    }
    wb_put(b, s + start, i - start);
    wb_put(b, "\"", 1);
}

void wb_free(wbuf *b)
{
    free(b->p);
    memset(b, 0, sizeof *b);
}

const char *watch_trend_arrow(strand_trend_shape s, bool utf8)
{
    static const char *const u[] = {"", "\xe2\x86\x91", "\xe2\x86\x92", "\xe2\x86\x93", "+",
                                    "\xc3\x97", "\xe2\x96\xa0", "\xe2\x86\xbb", "~"};
    static const char *const a[] = {"", "^", "=", "v", "+", "x", "#", "@", "~"};
    if ((unsigned)s >= sizeof u / sizeof u[0])
        return "";
    return utf8 ? u[s] : a[s];
}
