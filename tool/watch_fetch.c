/* watch_fetch.c - fetching goroutine profiles with libcurl's multi interface:
 * every target's transfer runs concurrently on the one thread, and each
 * body is streamed straight into a strand_reader (never buffered whole).
 *
 * Safety: a size cap (CURLOPT_MAXFILESIZE_LARGE when the length is known,
 * else the write callback aborts), a whole-transfer timeout, a low-speed
 * limit against slow-loris servers, redirects off unless asked for, only
 * http and https, TLS verified. A 4xx answer or an over-cap body falls back
 * from debug=2 (ids, ages) to debug=1 (counts per stack) to debug=0
 * (protobuf); the lower level is kept for a while, then debug=2 is tried
 * again.
 */
#include "watch.h"

#include <curl/curl.h>
#include "dynload.h" /* after curl.h: curl_* are loaded at run time */
#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_EXTRA 64
#define UPGRADE_AFTER_SIZE 600.0   /* seconds at a lower level after an over-cap body */
#define UPGRADE_AFTER_4XX 3600.0   /* ... after a 4xx answer */

typedef struct xfer {
    watch_target *t;
    CURL *easy;
    strand_reader *reader;
    uint64_t bytes, cap;
    long status;
    bool checked, over_cap, feed_failed;
    strand_error feed_err;
    char errbuf[CURL_ERROR_SIZE];
    char head[160];
    size_t head_n;
    double start_wall, start_mono;
    int debug;
    FILE *raw;
    char *raw_part;
} xfer;

struct watch_fetcher {
    watch *w;
    CURLM *multi;
    struct curl_slist *headers;
    unsigned active;
};

/* ---- keep raw ----------------------------------------------------------------- */

typedef struct raw_file {
    char *path;
    uint64_t size;
} raw_file;

struct watch_raw {
    char *dir;
    uint64_t max, total;
    raw_file *f;
    size_t n, cap, head;
};

static bool raw_push(watch_raw *r, const char *path, uint64_t size)
{
    if (r->n == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 64;
        raw_file *p = realloc(r->f, cap * sizeof *p);
        if (!p)
            return false;
        r->f = p;
        r->cap = cap;
    }
    char *copy = strdup(path);
    if (!copy)
        return false;
    r->f[r->n++] = (raw_file){copy, size};
    r->total += size;
    return true;
}

/* Deletes the oldest kept files until the total fits the cap. */
static void raw_trim(watch_raw *r)
{
    while (r->total > r->max && r->head < r->n) {
        raw_file *f = &r->f[r->head++];
        unlink(f->path);
        r->total -= f->size;
        free(f->path);
    }
    if (r->head > 64 && r->head * 2 > r->n) {
        memmove(r->f, r->f + r->head, (r->n - r->head) * sizeof *r->f);
        r->n -= r->head;
        r->head = 0;
    }
}

static int cmp_name(const void *a, const void *b)
{
    return strcmp(((const raw_file *)a)->path, ((const raw_file *)b)->path);
}

/* Files kept by an earlier run count against the cap too (names sort by time). */
static void raw_scan(watch_raw *r)
{
    DIR *d = opendir(r->dir);
    struct dirent *e;
    while (d && (e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char sub[4096];
        snprintf(sub, sizeof sub, "%s/%s", r->dir, e->d_name);
        DIR *s = opendir(sub);
        struct dirent *f;
        while (s && (f = readdir(s))) {
            char path[4096 + 256];
            struct stat sb;
            snprintf(path, sizeof path, "%s/%s", sub, f->d_name);
            if (f->d_name[0] != '.' && stat(path, &sb) == 0 && S_ISREG(sb.st_mode))
                raw_push(r, path, (uint64_t)sb.st_size);
        }
        if (s)
            closedir(s);
    }
    if (d)
        closedir(d);
    if (r->n > 1)
        qsort(r->f, r->n, sizeof *r->f, cmp_name);
    raw_trim(r);
}

watch_raw *watch_raw_new(const char *dir, uint64_t max)
{
    if (mkdir(dir, 0777) && errno != EEXIST) {
        tool_error("--keep-raw %s: %s", dir, strerror(errno));
        return NULL;
    }
    watch_raw *r = calloc(1, sizeof *r);
    if (!r || !(r->dir = strdup(dir))) {
        free(r);
        return NULL;
    }
    r->max = max;
    raw_scan(r);
    return r;
}

void watch_raw_free(watch_raw *r)
{
    if (!r)
        return;
    for (size_t i = r->head; i < r->n; i++)
        free(r->f[i].path);
    free(r->f);
    free(r->dir);
    free(r);
}

/* DIR/<target as a file name>/<time>.<txt|pb.gz>.part */
static void raw_open(watch_raw *r, xfer *x)
{
    char slug[101], when[40], path[4096];
    size_t k = 0;
    for (const char *p = x->t->name; *p && k < sizeof slug - 1; p++)
        slug[k++] = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
                            (*p >= '0' && *p <= '9') || *p == '.' || *p == '-' ? *p : '_';
    slug[k] = '\0';
    watch_format_time(x->start_wall, when, sizeof when);
    snprintf(path, sizeof path, "%s/%s", r->dir, slug);
    mkdir(path, 0777);
    snprintf(path, sizeof path, "%s/%s/%s.%s.part", r->dir, slug, when,
             x->debug ? "txt" : "pb.gz");
    x->raw_part = strdup(path);
    x->raw = x->raw_part ? fopen(path, "wb") : NULL;
}

static void raw_close(watch_raw *r, xfer *x, bool keep)
{
    if (!x->raw)
        return;
    bool ok = fclose(x->raw) == 0 && keep;
    x->raw = NULL;
    char final[4096];
    snprintf(final, sizeof final, "%s", x->raw_part);
    final[strlen(final) - 5] = '\0'; /* drop ".part" */
    if (ok && rename(x->raw_part, final) == 0 && raw_push(r, final, x->bytes))
        raw_trim(r);
    else
        unlink(x->raw_part);
    free(x->raw_part);
    x->raw_part = NULL;
}

/* ---- the write callback -------------------------------------------------------- */

static size_t keep_head(xfer *x, const char *p, size_t n)
{
    size_t room = sizeof x->head - 1 - x->head_n;
    size_t k = n < room ? n : room;
    memcpy(x->head + x->head_n, p, k);
    x->head_n += k;
    x->head[x->head_n] = '\0';
    return 0; /* an error answer: abort the transfer, its status says enough */
}

static size_t on_body(char *p, size_t size, size_t nmemb, void *ud)
{
    xfer *x = ud;
    size_t n = size * nmemb;
    if (!x->checked) {
        curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &x->status);
        x->checked = true;
    }
    if (x->status != 200)
        return keep_head(x, p, n);
    x->bytes += n;
    if (x->bytes > x->cap) {
        x->over_cap = true;
        return 0;
    }
    if (strand_reader_feed(x->reader, p, n, &x->feed_err) != STRAND_OK) {
        x->feed_failed = true;
        return 0;
    }
    if (x->raw && fwrite(p, 1, n, x->raw) != n) {
        fclose(x->raw);
        x->raw = NULL;
    }
    return n;
}

/* ---- setting up a transfer ------------------------------------------------------ */

static void set_protocols(CURL *e)
{
#if LIBCURL_VERSION_NUM >= 0x075500
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
#else
    curl_easy_setopt(e, CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
    curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
}

static CURL *new_easy(watch_fetcher *f, xfer *x)
{
    const watch_opts *o = f->w->o;
    CURL *e = curl_easy_init();
    if (!e)
        return NULL;
    long timeout = (long)(o->timeout * 1000);
    long low_time = (long)(o->timeout / 3);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, x);
    curl_easy_setopt(e, CURLOPT_PRIVATE, x);
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, x->errbuf);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, timeout);
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, timeout < 5000 ? timeout : 5000L);
    curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, 1024L);
    curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, low_time < 1 ? 1L : low_time > 10 ? 10L : low_time);
    curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)o->max_size);
    curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, o->follow_redirects ? 1L : 0L);
    curl_easy_setopt(e, CURLOPT_MAXREDIRS, 3L);
    curl_easy_setopt(e, CURLOPT_USERAGENT, "strand-watch/" STRAND_VERSION_STRING);
    set_protocols(e);
    if (f->headers)
        curl_easy_setopt(e, CURLOPT_HTTPHEADER, f->headers);
    if (o->cacert)
        curl_easy_setopt(e, CURLOPT_CAINFO, o->cacert);
    return e;
}

static void reset_xfer(xfer *x)
{
    strand_reader_free(x->reader);
    x->reader = NULL;
    x->bytes = 0;
    x->status = 0;
    x->checked = x->over_cap = x->feed_failed = false;
    memset(&x->feed_err, 0, sizeof x->feed_err);
    x->errbuf[0] = '\0';
    x->head[0] = '\0';
    x->head_n = 0;
}

static bool set_url(xfer *x)
{
    const char *u = x->t->url;
    size_t n = strlen(u) + 16;
    char *url = malloc(n);
    if (!url)
        return false;
    snprintf(url, n, "%s%cdebug=%d", u, strchr(u, '?') ? '&' : '?', x->debug);
    CURLcode c = curl_easy_setopt(x->easy, CURLOPT_URL, url);
    free(url);
    return c == CURLE_OK;
}

static void maybe_upgrade(watch_fetcher *f, watch_target *t)
{
    if (t->debug < f->w->o->debug && watch_mono() >= t->upgrade_at)
        t->debug = f->w->o->debug;
}

bool watch_fetch_start(watch_fetcher *f, watch_target *t)
{
    xfer *x = t->xfer;
    if (!x && !(x = t->xfer = calloc(1, sizeof *x)))
        return false;
    x->t = t;
    x->cap = f->w->o->max_size;
    if (!x->easy && !(x->easy = new_easy(f, x)))
        return false;
    reset_xfer(x);
    maybe_upgrade(f, t);
    x->debug = t->debug;
    strand_read_options ro = {NULL, t->name, 1};
    x->reader = strand_reader_new(&ro, NULL);
    x->start_wall = watch_wall();
    x->start_mono = watch_mono();
    if (!x->reader || !set_url(x))
        return false;
    if (f->w->raw)
        raw_open(f->w->raw, x);
    if (curl_multi_add_handle(f->multi, x->easy) != CURLM_OK)
        return false;
    t->busy = true;
    t->last_try = x->start_mono;
    f->active++;
    return true;
}

/* ---- finishing a transfer -------------------------------------------------------- */

static const char *curl_reason(CURLcode c, const char *errbuf)
{
    switch (c) {
    case CURLE_COULDNT_CONNECT:
        return "refused";
    case CURLE_OPERATION_TIMEDOUT:
        return strstr(errbuf, "too slow") ? "slow" : "timeout";
    case CURLE_PARTIAL_FILE:
        return "truncated";
    case CURLE_GOT_NOTHING:
        return "empty_reply";
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
        return "dns";
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
        return "tls";
    case CURLE_UNSUPPORTED_PROTOCOL:
        return "protocol";
    case CURLE_TOO_MANY_REDIRECTS:
        return "redirect";
    case CURLE_FILESIZE_EXCEEDED:
        return "too_large";
    default:
        return "network";
    }
}

/* A lower debug level may succeed where this one did not. */
static bool fall_back(watch_fetcher *f, xfer *x, const char *why, double hold)
{
    watch_target *t = x->t;
    if (t->debug <= 0)
        return false;
    t->debug = t->debug == 2 ? 1 : 0;
    t->upgrade_at = watch_mono() + hold;
    char msg[200];
    snprintf(msg, sizeof msg, "debug=%d %s; trying debug=%d", x->debug, why, t->debug);
    watch_view_note(f->w, t, "fallback", msg);
    return watch_fetch_start(f, t);
}

static void failed(watch_fetcher *f, xfer *x, const char *reason, const char *msg)
{
    raw_close(f->w->raw, x, false);
    strand_reader_free(x->reader);
    x->reader = NULL;
    watch_scrape_error(f->w, x->t, reason, msg);
    watch_reschedule(f->w, x->t, false);
}

static void http_failed(watch_fetcher *f, xfer *x)
{
    char reason[24], msg[300];
    snprintf(reason, sizeof reason, "http_%ld", x->status);
    for (size_t i = 0; i < x->head_n; i++)
        if ((unsigned char)x->head[i] < 0x20)
            x->head[i] = ' ';
    char *loc = NULL;
#if LIBCURL_VERSION_NUM >= 0x075300
    struct curl_header *h;
    if (x->status >= 300 && x->status < 400 &&
        curl_easy_header(x->easy, "Location", 0, CURLH_HEADER, -1, &h) == CURLHE_OK)
        loc = h->value;
#endif
    if (!loc && x->status >= 300 && x->status < 400)
        curl_easy_getinfo(x->easy, CURLINFO_REDIRECT_URL, &loc);
    snprintf(msg, sizeof msg, "HTTP %ld%s%s%s", x->status, loc ? " to " : x->head_n ? ": " : "",
             loc ? loc : x->head, loc ? " (use --follow-redirects)" : "");
    failed(f, x, reason, msg);
}

static void succeeded(watch_fetcher *f, xfer *x)
{
    watch_target *t = x->t;
    strand_error e = {0};
    strand_snapshot *s = strand_reader_finish(x->reader, &e);
    x->reader = NULL;
    if (!s) {
        char msg[200];
        snprintf(msg, sizeof msg, "%s (byte %llu of %llu)", e.message ? e.message : strand_strerror(e.code),
                 (unsigned long long)e.offset, (unsigned long long)x->bytes);
        raw_close(f->w->raw, x, true); /* the body that did not parse is worth keeping */
        watch_scrape_error(f->w, t, "parse", msg);
        watch_reschedule(f->w, t, false);
        return;
    }
    raw_close(f->w->raw, x, true);
    t->last_debug = x->debug;
    t->bytes = x->bytes;
    t->fetch_ms = (watch_mono() - x->start_mono) * 1000;
    int64_t fds = t->pid ? watch_proc_fds(t->pid) : -1;
    int64_t rss = t->pid ? watch_proc_rss(t->pid) : -1;
    watch_ingest(f->w, t, s, x->start_wall, fds, rss, true);
    watch_reschedule(f->w, t, true);
}

static void done(watch_fetcher *f, xfer *x, CURLcode c)
{
    curl_multi_remove_handle(f->multi, x->easy);
    f->active--;
    x->t->busy = false;
    if (!x->checked)
        curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &x->status);
    bool over = x->over_cap || c == CURLE_FILESIZE_EXCEEDED;
    if (over || (x->status >= 400 && x->status < 500)) {
        raw_close(f->w->raw, x, false);
        char why[40];
        snprintf(why, sizeof why, over ? "is over --max-size" : "answered HTTP %ld", x->status);
        if (fall_back(f, x, why, over ? UPGRADE_AFTER_SIZE : UPGRADE_AFTER_4XX))
            return;
        if (over) {
            char msg[120];
            snprintf(msg, sizeof msg, "the body is over --max-size (%llu bytes) even at debug=0",
                     (unsigned long long)f->w->o->max_size);
            failed(f, x, "too_large", msg);
            return;
        }
    }
    if (x->feed_failed) {
        failed(f, x, "parse", x->feed_err.message ? x->feed_err.message : strand_strerror(x->feed_err.code));
    } else if (x->status && x->status != 200 && (c == CURLE_OK || c == CURLE_WRITE_ERROR)) {
        http_failed(f, x);
    } else if (c != CURLE_OK) {
        failed(f, x, curl_reason(c, x->errbuf), x->errbuf[0] ? x->errbuf : curl_easy_strerror(c));
    } else {
        succeeded(f, x);
    }
}

/* ---- the multi handle ------------------------------------------------------------ */

watch_fetcher *watch_fetch_new(watch *w)
{
    watch_fetcher *f = calloc(1, sizeof *f);
    if (!f || !(f->multi = curl_multi_init())) {
        free(f);
        return NULL;
    }
    f->w = w;
    long keep = (long)(w->n * 2 + 8);
    curl_multi_setopt(f->multi, CURLMOPT_MAXCONNECTS, keep);
    for (size_t i = 0; i < w->o->n_headers; i++) {
        struct curl_slist *l = curl_slist_append(f->headers, w->o->headers[i]);
        if (!l) {
            watch_fetch_free(f);
            return NULL;
        }
        f->headers = l;
    }
    return f;
}

void watch_fetch_free(watch_fetcher *f)
{
    if (!f)
        return;
    for (size_t i = 0; i < f->w->n; i++) {
        xfer *x = f->w->t[i].xfer;
        if (!x)
            continue;
        if (x->t->busy)
            curl_multi_remove_handle(f->multi, x->easy);
        raw_close(f->w->raw, x, false);
        strand_reader_free(x->reader);
        curl_easy_cleanup(x->easy);
        free(x);
        f->w->t[i].xfer = NULL;
    }
    curl_multi_cleanup(f->multi);
    curl_slist_free_all(f->headers);
    free(f);
}

unsigned watch_fetch_active(const watch_fetcher *f) { return f->active; }

static void to_waitfd(const struct pollfd *p, struct curl_waitfd *w, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        w[i].fd = p[i].fd;
        w[i].events = (short)(((p[i].events & POLLIN) ? CURL_WAIT_POLLIN : 0) |
                              ((p[i].events & POLLOUT) ? CURL_WAIT_POLLOUT : 0));
        w[i].revents = 0;
    }
}

int watch_fetch_poll(watch_fetcher *f, struct pollfd *extra, unsigned n, int timeout_ms)
{
    struct curl_waitfd wfd[MAX_EXTRA];
    n = n < MAX_EXTRA ? n : MAX_EXTRA;
    to_waitfd(extra, wfd, n);
    int numfds = 0;
    CURLMcode mc = curl_multi_poll(f->multi, wfd, n, timeout_ms, &numfds);
    for (unsigned i = 0; i < n; i++)
        extra[i].revents = (short)(((wfd[i].revents & CURL_WAIT_POLLIN) ? POLLIN : 0) |
                                   ((wfd[i].revents & CURL_WAIT_POLLOUT) ? POLLOUT : 0));
    int running = 0;
    curl_multi_perform(f->multi, &running);
    CURLMsg *m;
    int left;
    while ((m = curl_multi_info_read(f->multi, &left))) {
        if (m->msg != CURLMSG_DONE)
            continue;
        xfer *x = NULL;
        curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&x);
        if (x)
            done(f, x, m->data.result);
    }
    return mc == CURLM_OK ? 0 : -1;
}
