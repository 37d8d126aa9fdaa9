/* watch_metrics.c - /metrics in the Prometheus text exposition format,
 * served by a minimal HTTP/1.1 server on the watch's own poll loop
 * (127.0.0.1 unless --metrics names another address).
 *
 * Each request gets one response and "Connection: close". Requests are
 * capped at 8 KiB, clients at 16, and a client that is silent for 5 s is
 * dropped, so a slow or hostile scraper cannot stall the watch.
 */
#include "watch.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_CLIENTS 16
#define REQ_MAX 8192
#define CLIENT_TIMEOUT 5.0
#define TOP_GROUPS 50

typedef struct client {
    int fd;
    size_t n, sent;
    bool writing;
    double since;
    wbuf out;
    char req[REQ_MAX];
} client;

struct watch_metrics {
    int lfd;
    client c[MAX_CLIENTS];
};

/* ---- listening ------------------------------------------------------------------ */

/* "PORT", "HOST:PORT", ":PORT" (127.0.0.1) or "[V6]:PORT". */
static bool split_addr(const char *addr, char *host, size_t hn, char *port, size_t pn)
{
    const char *colon = strrchr(addr, ':');
    snprintf(host, hn, "127.0.0.1");
    if (!colon) {
        snprintf(port, pn, "%s", addr);
    } else {
        size_t k = (size_t)(colon - addr);
        if (addr[0] == '[' && k >= 2 && addr[k - 1] == ']')
            snprintf(host, hn, "%.*s", (int)(k - 2), addr + 1);
        else if (k)
            snprintf(host, hn, "%.*s", (int)k, addr);
        snprintf(port, pn, "%s", colon + 1);
    }
    return *port && strspn(port, "0123456789") == strlen(port);
}

static int listen_on(const struct addrinfo *ai)
{
    int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0)
        return -1;
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(fd, ai->ai_addr, ai->ai_addrlen) || listen(fd, 16)) {
        close(fd);
        return -1;
    }
    return fd;
}

static void say_where(int fd)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    char host[64] = "?", port[16] = "?";
    if (getsockname(fd, (struct sockaddr *)&ss, &len) == 0)
        getnameinfo((struct sockaddr *)&ss, len, host, sizeof host, port, sizeof port,
                    NI_NUMERICHOST | NI_NUMERICSERV);
    bool v6 = ss.ss_family == AF_INET6;
    fprintf(stderr, "strand: metrics at http://%s%s%s:%s/metrics\n", v6 ? "[" : "", host,
            v6 ? "]" : "", port);
    fflush(stderr);
}

watch_metrics *watch_metrics_new(const char *addr)
{
    char host[256], port[32];
    if (!split_addr(addr, host, sizeof host, port, sizeof port)) {
        tool_error("--metrics %s: expected PORT, HOST:PORT or [V6]:PORT", addr);
        return NULL;
    }
    struct addrinfo hints = {0}, *res = NULL;
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    int gai = getaddrinfo(host, port, &hints, &res);
    if (gai) {
        tool_error("--metrics %s: %s", addr, gai_strerror(gai));
        return NULL;
    }
    int fd = -1;
    for (struct addrinfo *ai = res; ai && fd < 0; ai = ai->ai_next)
        fd = listen_on(ai);
    int err = errno;
    freeaddrinfo(res);
    watch_metrics *m = fd >= 0 ? calloc(1, sizeof *m) : NULL;
    if (!m) {
        tool_error("--metrics %s: %s", addr, fd < 0 ? strerror(err) : "out of memory");
        if (fd >= 0)
            close(fd);
        return NULL;
    }
    m->lfd = fd;
    for (int i = 0; i < MAX_CLIENTS; i++)
        m->c[i].fd = -1;
    say_where(fd);
    return m;
}

static void drop(client *c)
{
    close(c->fd);
    wb_free(&c->out);
    c->fd = -1;
    c->n = c->sent = 0;
    c->writing = false;
}

void watch_metrics_free(watch_metrics *m)
{
    if (!m)
        return;
    for (int i = 0; i < MAX_CLIENTS; i++)
        if (m->c[i].fd >= 0)
            drop(&m->c[i]);
    close(m->lfd);
    free(m);
}

/* ---- the poll set ----------------------------------------------------------------- */

unsigned watch_metrics_fds(watch_metrics *m, struct pollfd *out, unsigned max)
{
    unsigned k = 0, busy = 0;
    for (int i = 0; i < MAX_CLIENTS && k < max; i++) {
        if (m->c[i].fd < 0)
            continue;
        busy++;
        out[k++] = (struct pollfd){m->c[i].fd, m->c[i].writing ? POLLOUT : POLLIN, 0};
    }
    if (busy < MAX_CLIENTS && k < max)
        out[k++] = (struct pollfd){m->lfd, POLLIN, 0};
    return k;
}

static void accept_all(watch_metrics *m)
{
    for (int i = 0; i < MAX_CLIENTS; i++) {
        if (m->c[i].fd >= 0)
            continue;
        int fd = accept(m->lfd, NULL, NULL);
        if (fd < 0)
            return;
        fcntl(fd, F_SETFL, O_NONBLOCK);
        fcntl(fd, F_SETFD, FD_CLOEXEC);
        m->c[i].fd = fd;
        m->c[i].since = watch_mono();
    }
}

/* ---- requests ------------------------------------------------------------------- */

static void respond(client *c, const char *status, const char *type, const char *body,
                    size_t len, bool head)
{
    wbuf *o = &c->out;
    o->n = 0;
    wb_printf(o,
              "HTTP/1.1 %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
              "Cache-Control: no-store\r\nConnection: close\r\n\r\n",
              status, type, len);
    if (!head)
        wb_put(o, body, len);
    c->writing = true;
    c->sent = 0;
}

static void serve(client *c, watch *w)
{
    static const char text[] = "text/plain; charset=utf-8";
    char method[16] = "", path[256] = "";
    if (sscanf(c->req, "%15s %255s", method, path) != 2) {
        respond(c, "400 Bad Request", text, "bad request\n", 12, false);
        return;
    }
    bool head = !strcmp(method, "HEAD");
    path[strcspn(path, "?")] = '\0';
    if (!head && strcmp(method, "GET")) {
        respond(c, "405 Method Not Allowed", text, "GET or HEAD\n", 12, false);
    } else if (!strcmp(path, "/metrics")) {
        wbuf b = {0};
        watch_metrics_render(w, &b);
        if (b.oom)
            respond(c, "500 Internal Server Error", text, "out of memory\n", 14, head);
        else
            respond(c, "200 OK", "text/plain; version=0.0.4; charset=utf-8", b.p ? b.p : "", b.n,
                    head);
        wb_free(&b);
    } else if (!strcmp(path, "/")) {
        static const char idx[] = "strand watch: see /metrics\n";
        respond(c, "200 OK", text, idx, sizeof idx - 1, head);
    } else {
        respond(c, "404 Not Found", text, "not found\n", 10, head);
    }
}

static void on_readable(client *c, watch *w)
{
    ssize_t k = read(c->fd, c->req + c->n, sizeof c->req - 1 - c->n);
    if (k <= 0) {
        if (k == 0 || (errno != EAGAIN && errno != EINTR))
            drop(c);
        return;
    }
    c->n += (size_t)k;
    c->req[c->n] = '\0';
    if (strstr(c->req, "\r\n\r\n") || strstr(c->req, "\n\n"))
        serve(c, w);
    else if (c->n == sizeof c->req - 1)
        respond(c, "431 Request Header Fields Too Large", "text/plain", "too large\n", 10, false);
}

static void on_writable(client *c)
{
    ssize_t k = send(c->fd, c->out.p + c->sent, c->out.n - c->sent, MSG_NOSIGNAL);
    if (k < 0 && (errno == EAGAIN || errno == EINTR))
        return;
    if (k <= 0) {
        drop(c);
        return;
    }
    c->sent += (size_t)k;
    if (c->sent == c->out.n)
        drop(c);
}

void watch_metrics_handle(watch_metrics *m, watch *w, const struct pollfd *fds, unsigned n)
{
    double now = watch_mono();
    for (unsigned k = 0; k < n; k++) {
        if (!fds[k].revents)
            continue;
        if (fds[k].fd == m->lfd) {
            accept_all(m);
            continue;
        }
        for (int i = 0; i < MAX_CLIENTS; i++) {
            client *c = &m->c[i];
            if (c->fd != fds[k].fd)
                continue;
            if (c->writing)
                on_writable(c);
            else
                on_readable(c, w);
        }
    }
    for (int i = 0; i < MAX_CLIENTS; i++)
        if (m->c[i].fd >= 0 && now - m->c[i].since > CLIENT_TIMEOUT)
            drop(&m->c[i]);
}

/* ---- the exposition ------------------------------------------------------------------ */

/* Label values escape backslash, double quote and newline. */
static void label(wbuf *b, const char *name, const char *v, bool first)
{
    wb_printf(b, "%s%s=\"", first ? "" : ",", name);
    for (const char *p = v ? v : ""; *p; p++) {
        if (*p == '\\' || *p == '"')
            wb_printf(b, "\\%c", *p);
        else if (*p == '\n')
            wb_puts(b, "\\n");
        else
            wb_put(b, p, 1);
    }
    wb_puts(b, "\"");
}

static void help(wbuf *b, const char *name, const char *type, const char *text)
{
    wb_printf(b, "# HELP %s %s\n# TYPE %s %s\n", name, text, name, type);
}

static void target_gauge(wbuf *b, watch *w, const char *name, int which)
{
    for (size_t i = 0; i < w->n; i++) {
        watch_target *t = &w->t[i];
        const watch_sample *s = t->n_win ? &t->win[t->n_win - 1] : NULL;
        double v;
        if (which == 0 && s)
            v = (double)strand_snapshot_total(s->snap);
        else if (which == 1 && s && s->fds >= 0)
            v = (double)s->fds;
        else if (which == 2 && s && s->rss >= 0)
            v = (double)s->rss;
        else if (which == 3)
            v = t->tried || t->ok_once ? (t->failures == 0 && t->ok_once) : 0;
        else if (which == 4)
            v = (double)t->snapshots;
        else
            continue;
        wb_printf(b, "%s{", name);
        label(b, "target", t->name, true);
        wb_printf(b, "} %.17g\n", v);
    }
}

typedef struct agg {
    char site[512];
    const char *cls, *verdict;
    uint64_t count;
} agg;

static void site_of(const strand_finding *f, char *buf, size_t n)
{
    const strand_loc *l = &f->site;
    if (!*l->function && !*l->file && f->n_stack)
        l = &f->stack[0];
    const char *file = strrchr(l->file, '/') ? strrchr(l->file, '/') + 1 : l->file;
    if (*file)
        snprintf(buf, n, "%s %s:%u", l->function, file, l->line);
    else
        snprintf(buf, n, "%s", l->function);
}

static int cmp_agg(const void *a, const void *b)
{
    const agg *x = a, *y = b;
    return x->count < y->count ? 1 : x->count > y->count ? -1 : strcmp(x->site, y->site);
}

/* Findings of t merged by (site, class) or (verdict, class): Prometheus
 * allows each label set once. */
static size_t aggregate(const watch_target *t, agg *out, size_t max, bool by_site)
{
    size_t n = 0, k = 0;
    const strand_finding *f = t->report ? strand_report_findings(t->report, &n) : NULL;
    for (size_t i = 0; i < n; i++) {
        agg a = {{0}, f[i].cls ? f[i].cls->id : "", strand_verdict_name(f[i].verdict), f[i].count};
        if (by_site)
            site_of(&f[i], a.site, sizeof a.site);
        size_t j = 0;
        while (j < k && (strcmp(out[j].cls, a.cls) || strcmp(out[j].site, a.site) ||
                         (!by_site && strcmp(out[j].verdict, a.verdict))))
            j++;
        if (j < k)
            out[j].count += by_site ? a.count : 1;
        else if (k < max)
            out[k++] = a, out[k - 1].count = by_site ? a.count : 1;
    }
    qsort(out, k, sizeof *out, cmp_agg);
    return k;
}

static void groups_metric(wbuf *b, watch *w, agg *tmp, size_t max)
{
    help(b, "strand_group_goroutines", "gauge",
         "Goroutines per group (site and leak class) in the target's last analysis; the largest "
         "groups.");
    for (size_t i = 0; i < w->n; i++) {
        size_t k = aggregate(&w->t[i], tmp, max, true);
        for (size_t j = 0; j < k && j < TOP_GROUPS; j++) {
            wb_puts(b, "strand_group_goroutines{");
            label(b, "target", w->t[i].name, true);
            label(b, "site", tmp[j].site, false);
            label(b, "class", tmp[j].cls, false);
            wb_printf(b, "} %llu\n", (unsigned long long)tmp[j].count);
        }
    }
}

static void findings_metric(wbuf *b, watch *w, agg *tmp, size_t max)
{
    help(b, "strand_findings", "gauge",
         "Groups per verdict (leak, suspect, ok) and leak class in the target's last analysis.");
    for (size_t i = 0; i < w->n; i++) {
        size_t k = aggregate(&w->t[i], tmp, max, false);
        for (size_t j = 0; j < k; j++) {
            wb_puts(b, "strand_findings{");
            label(b, "target", w->t[i].name, true);
            label(b, "verdict", tmp[j].verdict, false);
            label(b, "class", tmp[j].cls, false);
            wb_printf(b, "} %llu\n", (unsigned long long)tmp[j].count);
        }
    }
}

static void errors_metric(wbuf *b, watch *w)
{
    help(b, "strand_scrape_errors_total", "counter",
         "Failed scrapes by reason (refused, timeout, slow, truncated, http_NNN, parse, "
         "too_large, ...).");
    for (size_t i = 0; i < w->n; i++) {
        for (size_t j = 0; j < w->t[i].n_errs; j++) {
            wb_puts(b, "strand_scrape_errors_total{");
            label(b, "target", w->t[i].name, true);
            label(b, "reason", w->t[i].errs[j].reason, false);
            wb_printf(b, "} %llu\n", (unsigned long long)w->t[i].errs[j].n);
        }
    }
}

void watch_metrics_render(watch *w, wbuf *b)
{
    size_t max = 0;
    for (size_t i = 0; i < w->n; i++) {
        size_t n = 0;
        if (w->t[i].report)
            strand_report_findings(w->t[i].report, &n);
        max = n > max ? n : max;
    }
    agg *tmp = malloc((max ? max : 1) * sizeof *tmp);
    if (!tmp) {
        b->oom = true;
        return;
    }
    help(b, "strand_goroutines", "gauge", "Goroutines in the target's last snapshot.");
    target_gauge(b, w, "strand_goroutines", 0);
    groups_metric(b, w, tmp, max);
    findings_metric(b, w, tmp, max);
    errors_metric(b, w);
    help(b, "strand_up", "gauge", "1 when the target's last scrape succeeded.");
    target_gauge(b, w, "strand_up", 3);
    help(b, "strand_snapshots_total", "counter", "Snapshots taken of the target.");
    target_gauge(b, w, "strand_snapshots_total", 4);
    help(b, "strand_open_fds", "gauge", "Open file descriptors of a local target process.");
    target_gauge(b, w, "strand_open_fds", 1);
    help(b, "strand_rss_bytes", "gauge", "Resident memory of a local target process.");
    target_gauge(b, w, "strand_rss_bytes", 2);
    help(b, "strand_db_errors_total", "counter", "Snapshots the database could not store.");
    wb_printf(b, "strand_db_errors_total %llu\n", (unsigned long long)w->db_errors);
    free(tmp);
}
