/* cmd_watch.c - strand watch: follow live Go services and catch goroutine
 * leaks as they grow. Options, setup, and the one-thread main loop: start
 * the scrapes that are due, wait on transfers + metrics sockets + the signal
 * pipe, hand finished snapshots to the analysis. See docs/watch.md.
 */
#include "watch.h"

#include <curl/curl.h>
#include "dynload.h" /* after curl.h: curl_* are loaded at run time */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char usage[] =
    "usage: strand watch [options] TARGET...\n"
    "\n"
    "Follow live Go services and report goroutine leaks as they grow. Every --every,\n"
    "each TARGET's goroutine profile is fetched, matched to its history and analysed\n"
    "like 'strand diff'; a group is reported once, when it crosses into leak\n"
    "(growing while the total does not explain it, or the same goroutines stuck at\n"
    "one site), or when a goroutine spins at one place in every snapshot.\n"
    "\n"
    "TARGET is one of:\n"
    "  URL        http(s)://HOST:PORT[/debug/pprof/goroutine] (Strand picks ?debug=)\n"
    "  HOST:PORT  the same, over http\n"
    "  PID=URL    a local process and its endpoint: also samples its open fds and RSS\n"
    "  DIR        a directory that other tools fill with snapshot files\n"
    "\n"
    "options:\n"
    "  --every D             time between snapshots (30s; 500ms, 1m, ...)\n"
    "  --duration D          stop after D\n"
    "  --once                one snapshot per target, then exit with analyze's codes\n"
    "  --window N            snapshots analysed together (12)\n"
    "  --confirm N           analyses in a row that must flag a finding before it is\n"
    "                        reported (2); nothing is reported before 3 snapshots\n"
    "  --db FILE             keep the history in this SQLite file (resumed on restart)\n"
    "  --retain D            drop history older than D from the database (7d)\n"
    "  --json                events on stdout, one JSON object per line\n"
    "  --metrics ADDR        serve Prometheus /metrics on ADDR (PORT or HOST:PORT;\n"
    "                        host 127.0.0.1 unless given)\n"
    "  --keep-raw DIR        keep each fetched profile under DIR\n"
    "  --keep-raw-max SIZE   cap of --keep-raw, oldest deleted first (256M)\n"
    "  --timeout D           whole-fetch timeout (10s)\n"
    "  --max-size SIZE       largest profile body (64M); larger falls back to debug=1, 0\n"
    "  --debug 2|1|0         first ?debug= level tried (2)\n"
    "  --follow-redirects    follow HTTP redirects (off)\n"
    "  --header 'NAME: VALUE'  send this header (repeatable)\n"
    "  --cacert FILE         CA certificates for https targets\n"
    "  --plain               plain log lines even on a terminal\n"
    "  --fail-on leak|suspect|never, --min-count N, --ignore-top FUNC, --ignore-any FUNC,\n"
    "  --ignore-created-by FUNC, --ignore-file PATH, --color auto|always|never, --all\n"
    "                        as for 'strand analyze' (--fail-on suspect also reports\n"
    "                        suspects)\n"
    "\n"
    "Exit status: 0 no finding reported, 1 findings reported (with --once: analyze's\n"
    "codes), 2 usage, database or (--once) scrape error. SIGINT/SIGTERM stop cleanly\n"
    "(exit 0) with the database consistent.\n";

/* ---- options ---------------------------------------------------------------------- */

enum wopt { O_EVERY, O_DURATION, O_TIMEOUT, O_RETAIN, O_WINDOW, O_CONFIRM, O_MAX_SIZE, O_KEEP_MAX, O_DB,
            O_KEEP_RAW, O_METRICS, O_CACERT, O_HEADER, O_DEBUG, O_ONCE, O_FOLLOW, O_PLAIN, O__N };

static const struct {
    const char *name;
    bool value;
} wopts[O__N] = {
    {"--every", true},     {"--duration", true},   {"--timeout", true},  {"--retain", true},
    {"--window", true},    {"--confirm", true},    {"--max-size", true},   {"--keep-raw-max", true}, {"--db", true},
    {"--keep-raw", true},  {"--metrics", true},    {"--cacert", true},   {"--header", true},
    {"--debug", true},     {"--once", false},      {"--follow-redirects", false},
    {"--plain", false},
};

static int set_number(watch_opts *o, enum wopt k, const char *v)
{
    double *d[] = {&o->every, &o->duration, &o->timeout, &o->retain};
    uint64_t size;
    char *end;
    switch (k) {
    case O_EVERY: case O_DURATION: case O_TIMEOUT: case O_RETAIN:
        return watch_parse_duration(v, d[k]) ? 0 : -1;
    case O_WINDOW:
        o->window = (size_t)strtoul(v, &end, 10);
        return *end || o->window < 2 || o->window > 1000 ? -1 : 0;
    case O_CONFIRM:
        o->confirm = (unsigned)strtoul(v, &end, 10);
        return *end || o->confirm < 1 || o->confirm > 100 ? -1 : 0;
    case O_MAX_SIZE: case O_KEEP_MAX:
        if (!watch_parse_size(v, &size) || size < 1024)
            return -1;
        *(k == O_MAX_SIZE ? &o->max_size : &o->keep_raw_max) = size;
        return 0;
    case O_DEBUG:
        o->debug = (int)strtol(v, &end, 10);
        return *end || o->debug < 0 || o->debug > 2 ? -1 : 0;
    default:
        return -1;
    }
}

static int set_opt(watch_opts *o, enum wopt k, const char *v)
{
    const char **s[] = {&o->db_path, &o->keep_raw, &o->metrics_addr, &o->cacert};
    if (k == O_ONCE || k == O_FOLLOW || k == O_PLAIN) {
        *(k == O_ONCE ? &o->once : k == O_FOLLOW ? &o->follow_redirects : &o->plain) = true;
        return 0;
    }
    if (k >= O_DB && k <= O_CACERT) {
        *s[k - O_DB] = v;
        return 0;
    }
    if (k == O_HEADER) {
        const char **p = realloc(o->headers, (o->n_headers + 1) * sizeof *p);
        if (!p || !strchr(v, ':'))
            return p ? (o->headers = p, -1) : -1;
        o->headers = p;
        o->headers[o->n_headers++] = v;
        return 0;
    }
    return set_number(o, k, v);
}

/* Which watch option argv[*i] is (consuming its value), or O__N. */
static int match_opt(int argc, char **argv, int *i, const char **val)
{
    const char *a = argv[*i];
    for (int k = 0; k < O__N; k++) {
        size_t n = strlen(wopts[k].name);
        if (strncmp(a, wopts[k].name, n) || (a[n] && (a[n] != '=' || !wopts[k].value)))
            continue;
        *val = NULL;
        if (wopts[k].value && a[n] == '=')
            *val = a + n + 1;
        else if (wopts[k].value && *i + 1 < argc)
            *val = argv[++*i];
        else if (wopts[k].value)
            return -1;
        return k;
    }
    return O__N;
}

static void defaults(watch_opts *o)
{
    memset(o, 0, sizeof *o);
    o->every = 30;
    o->timeout = 10;
    o->retain = 7 * 86400.0;
    o->window = 12;
    o->confirm = 2;
    o->max_size = 64u << 20;
    o->keep_raw_max = 256u << 20;
    o->debug = 2;
}

/* Watch options are taken out; the rest go to the common parser. */
static int parse_opts(int argc, char **argv, watch_opts *o)
{
    char **rest = calloc((size_t)argc + 1, sizeof *rest);
    if (!rest)
        return EXIT_USAGE;
    int n = 0, rc = -1;
    bool only_targets = false;
    rest[n++] = argv[0];
    for (int i = 1; i < argc && rc < 0; i++) {
        const char *v = NULL;
        int k = only_targets ? O__N : match_opt(argc, argv, &i, &v);
        only_targets |= !strcmp(argv[i], "--");
        if (k == O__N)
            rest[n++] = argv[i];
        else if (k < 0 || set_opt(o, (enum wopt)k, v)) {
            tool_error(k < 0 ? "option %s needs a value" : "bad value '%s' for %s",
                       k < 0 ? argv[i] : v, k < 0 ? "" : wopts[k].name);
            rc = EXIT_USAGE;
        }
    }
    if (rc < 0)
        rc = tool_parse_opts(n, rest, &o->common, usage);
    free(rest);
    return rc;
}

static int check_opts(watch_opts *o)
{
    const char *bad = NULL;
    if (o->common.n_inputs == 0)
        bad = "give at least one TARGET (a URL, HOST:PORT, PID=URL or a directory)";
    else if (o->every < 0.05)
        bad = "--every must be at least 50ms";
    else if (o->timeout < 0.1)
        bad = "--timeout must be at least 100ms";
    if (bad) {
        tool_error("%s", bad);
        return EXIT_USAGE;
    }
    return -1;
}

/* ---- signals ---------------------------------------------------------------------- */

static int sig_pipe[2] = {-1, -1};

static void on_signal(int sig)
{
    int saved = errno;
    char c = (char)sig;
    if (write(sig_pipe[1], &c, 1) < 0) {
        /* the pipe is full: a stop is pending anyway */
    }
    errno = saved;
}

static int setup_signals(void)
{
    if (pipe(sig_pipe))
        return -1;
    for (int i = 0; i < 2; i++) {
        fcntl(sig_pipe[i], F_SETFL, O_NONBLOCK);
        fcntl(sig_pipe[i], F_SETFD, FD_CLOEXEC);
    }
    struct sigaction sa = {0};
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    signal(SIGXFSZ, SIG_IGN); /* a file size limit is an error to report, not a kill */
    return 0;
}

static void close_signals(void)
{
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    for (int i = 0; i < 2; i++)
        if (sig_pipe[i] >= 0)
            close(sig_pipe[i]);
    sig_pipe[0] = sig_pipe[1] = -1;
}

/* ---- setup ------------------------------------------------------------------------ */

static bool utf8_locale(void)
{
    const char *v[] = {getenv("LC_ALL"), getenv("LC_CTYPE"), getenv("LANG")};
    for (int i = 0; i < 3; i++)
        if (v[i] && *v[i])
            return strstr(v[i], "UTF-8") || strstr(v[i], "utf8") || strstr(v[i], "UTF8");
    return false;
}

static int open_targets(watch *w)
{
    w->n = w->o->common.n_inputs;
    w->t = calloc(w->n, sizeof *w->t);
    if (!w->t)
        return EXIT_USAGE;
    for (size_t i = 0; i < w->n; i++) {
        if (watch_target_init(&w->t[i], w->o->common.inputs[i], w->o))
            return EXIT_USAGE;
        for (size_t j = 0; j < i; j++) {
            if (!strcmp(w->t[j].name, w->t[i].name)) {
                tool_error("%s: given twice", w->t[i].name);
                return EXIT_USAGE;
            }
        }
    }
    return -1;
}

static void resume(watch *w, watch_target *t)
{
    int got = watch_db_resume(w->db, w, t, w->o->window - 1);
    if (got > 0) {
        char msg[96];
        snprintf(msg, sizeof msg, "resumed %d snapshot%s from the database", got,
                 got == 1 ? "" : "s");
        watch_view_note(w, t, "resumed", msg);
    }
}

static int open_db(watch *w)
{
    if (!w->o->db_path)
        return -1;
    w->db = watch_db_open(w->o->db_path, w->o->retain);
    if (!w->db)
        return EXIT_USAGE;
    for (size_t i = 0; i < w->n; i++) {
        w->t[i].db_id = watch_db_target(w->db, &w->t[i]);
        if (w->t[i].db_id < 0)
            return EXIT_USAGE;
        resume(w, &w->t[i]);
    }
    return -1;
}

static int setup(watch *w)
{
    int rc = open_targets(w);
    if (rc < 0)
        rc = open_db(w);
    if (rc >= 0)
        return rc;
    if (w->o->keep_raw && !(w->raw = watch_raw_new(w->o->keep_raw, w->o->keep_raw_max)))
        return EXIT_USAGE;
    if (w->o->metrics_addr && !(w->metrics = watch_metrics_new(w->o->metrics_addr)))
        return EXIT_USAGE;
    if (!(w->fetch = watch_fetch_new(w)) || setup_signals()) {
        tool_error("cannot set up: %s", strerror(errno));
        return EXIT_USAGE;
    }
    w->start_mono = watch_mono();
    for (size_t i = 0; i < w->n; i++) /* spread the targets over the first interval */
        w->t[i].due = w->start_mono + (w->o->once ? 0 : w->o->every * (double)i / (double)w->n);
    return -1;
}

static void teardown(watch *w)
{
    watch_fetch_free(w->fetch);
    watch_metrics_free(w->metrics);
    watch_raw_free(w->raw);
    watch_db_close(w->db);
    for (size_t i = 0; i < w->n; i++)
        watch_target_free(&w->t[i]);
    free(w->t);
    close_signals();
}

/* ---- the loop ------------------------------------------------------------------------- */

static void start_due(watch *w, double now)
{
    for (size_t i = 0; i < w->n && !w->stop; i++) {
        watch_target *t = &w->t[i];
        if (t->busy || now < t->due || (w->o->once && t->tried))
            continue;
        double lag = now - t->due;
        t->max_lag = lag > t->max_lag ? lag : t->max_lag;
        if (lag > w->o->every / 2)
            t->late++;
        if (t->kind == WATCH_DIR) {
            watch_dir_scan(w, t);
        } else if (!watch_fetch_start(w->fetch, t)) {
            watch_scrape_error(w, t, "internal", "cannot start the transfer");
            watch_reschedule(w, t, false);
        }
    }
}

static bool all_tried(const watch *w)
{
    for (size_t i = 0; i < w->n; i++)
        if (!w->t[i].tried || w->t[i].busy)
            return false;
    return true;
}

static int wait_ms(const watch *w, double now, double end)
{
    double next = now + 1.0; /* redraw, metrics client timeouts */
    for (size_t i = 0; i < w->n; i++)
        if (!w->t[i].busy && w->t[i].due < next && !(w->o->once && w->t[i].tried))
            next = w->t[i].due;
    if (end > 0 && end < next)
        next = end;
    double ms = (next - now) * 1000;
    return ms <= 0 ? 0 : (int)ms + 1;
}

static void drain_signals(watch *w)
{
    char buf[16];
    while (read(sig_pipe[0], buf, sizeof buf) > 0)
        w->stop = 1;
}

static void loop(watch *w)
{
    double end = w->o->duration > 0 ? w->start_mono + w->o->duration : 0;
    while (!w->stop) {
        double now = watch_mono();
        if (end > 0 && now >= end)
            break;
        start_due(w, now);
        if (w->o->once && all_tried(w))
            break;
        struct pollfd fds[40];
        fds[0] = (struct pollfd){sig_pipe[0], POLLIN, 0};
        unsigned n = 1 + (w->metrics ? watch_metrics_fds(w->metrics, fds + 1, 39) : 0);
        watch_fetch_poll(w->fetch, fds, n, wait_ms(w, watch_mono(), end));
        if (fds[0].revents)
            drain_signals(w);
        if (w->metrics)
            watch_metrics_handle(w->metrics, w, fds + 1, n - 1);
        watch_view_tick(w, false);
        if (w->db)
            watch_db_maintain(w->db, watch_wall());
        if (watch_db_failed(w->db))
            break;
    }
}

static int exit_status(const watch *w)
{
    if (watch_db_failed(w->db))
        return EXIT_USAGE;
    if (w->o->once)
        return w->exit_code;
    if (w->stop || w->o->common.fail_never)
        return EXIT_CLEAN;
    return w->findings ? EXIT_FINDINGS : EXIT_CLEAN;
}

int cmd_watch(int argc, char **argv)
{
    watch_opts o;
    defaults(&o);
    int rc = parse_opts(argc, argv, &o);
    if (rc < 0)
        rc = check_opts(&o);
    if (rc >= 0) {
        free(o.headers);
        return rc;
    }
    if (!dl_load_curl())
        return EXIT_USAGE;
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        tool_error("cannot initialise libcurl");
        return EXIT_USAGE;
    }
    watch w = {0};
    w.o = &o;
    w.tty = !o.common.json && !o.plain && isatty(STDOUT_FILENO);
    w.utf8 = utf8_locale();
    rc = setup(&w);
    if (rc < 0) {
        loop(&w);
        watch_view_stop(&w);
        rc = exit_status(&w);
    }
    teardown(&w);
    curl_global_cleanup();
    tool_opts_free(&o.common);
    free(o.headers);
    return tool_finish_stdout(rc);
}
