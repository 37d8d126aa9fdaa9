/* common.c - options, inputs and output shared by the subcommands. */
#include "tool.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

void tool_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("strand: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

static int stdout_write(void *ctx, const char *data, size_t len)
{
    (void)ctx;
    return fwrite(data, 1, len, stdout) == len ? 0 : -1;
}

const strand_sink tool_stdout = {stdout_write, NULL};

int tool_finish_stdout(int code)
{
    if (fflush(stdout) != 0 || ferror(stdout)) {
        tool_error("error writing to standard output: %s", strerror(errno));
        return EXIT_USAGE;
    }
    return code;
}

/* ---- options -------------------------------------------------------------- */

static bool add_ignore(tool_opts *o, strand_ignore_kind kind, const char *func)
{
    if (o->n_ignores == o->cap_ignores) {
        size_t cap = o->cap_ignores ? o->cap_ignores * 2 : 8;
        strand_ignore *p = realloc(o->ignores, cap * sizeof *p);
        if (!p)
            return false;
        o->ignores = p;
        o->cap_ignores = cap;
    }
    char *copy = strdup(func);
    if (!copy)
        return false;
    o->ignores[o->n_ignores++] = (strand_ignore){kind, copy};
    return true;
}

void tool_opts_free(tool_opts *o)
{
    for (size_t i = 0; i < o->n_ignores; i++)
        free((char *)o->ignores[i].func);
    free(o->ignores);
    free(o->inputs);
    free(o->sources);
    memset(o, 0, sizeof *o);
}

static const struct {
    const char *name;
    strand_ignore_kind kind;
} ignore_names[] = {
    {"ignore-top", STRAND_IGNORE_TOP},
    {"ignore-any", STRAND_IGNORE_ANY},
    {"ignore-created-by", STRAND_IGNORE_CREATED_BY},
};

static int ignore_kind_of(const char *name, size_t n)
{
    for (size_t i = 0; i < sizeof ignore_names / sizeof ignore_names[0]; i++)
        if (strlen(ignore_names[i].name) == n && !memcmp(ignore_names[i].name, name, n))
            return (int)ignore_names[i].kind;
    return 0;
}

static char *trim(char *p)
{
    while (*p == ' ' || *p == '\t')
        p++;
    char *e = p + strlen(p);
    while (e > p && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' || e[-1] == '\r'))
        *--e = '\0';
    return p;
}

/* One rule per line: "ignore-top FUNC", "ignore-any FUNC" or
 * "ignore-created-by FUNC"; '#' starts a comment. */
static int read_ignore_file(tool_opts *o, const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        tool_error("%s: %s", path, strerror(errno));
        return EXIT_USAGE;
    }
    char line[4096];
    unsigned lineno = 0;
    int rc = -1;
    while (rc < 0 && fgets(line, sizeof line, f)) {
        lineno++;
        char *hash = strchr(line, '#');
        if (hash)
            *hash = '\0';
        char *p = trim(line);
        if (!*p)
            continue;
        size_t klen = strcspn(p, " \t");
        int kind = ignore_kind_of(p, klen);
        char *func = trim(p + klen);
        if (!kind || !*func) {
            tool_error("%s:%u: expected 'ignore-top|ignore-any|ignore-created-by FUNCTION'", path,
                       lineno);
            rc = EXIT_USAGE;
        } else if (!add_ignore(o, (strand_ignore_kind)kind, func)) {
            tool_error("out of memory");
            rc = EXIT_USAGE;
        }
    }
    if (rc < 0 && ferror(f)) {
        tool_error("%s: read error", path);
        rc = EXIT_USAGE;
    }
    fclose(f);
    return rc;
}

static bool parse_u64(const char *s, uint64_t *out)
{
    if (!*s || *s == '-')
        return false;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end)
        return false;
    *out = v;
    return true;
}

/* Splits "--name=value" / "--name value"; returns the value or NULL. */
static const char *opt_value(int argc, char **argv, int *i, const char *name)
{
    const char *a = argv[*i];
    size_t n = strlen(name);
    if (strncmp(a, name, n))
        return NULL;
    if (a[n] == '=')
        return a + n + 1;
    if (a[n] != '\0')
        return NULL;
    if (*i + 1 >= argc) {
        tool_error("option %s needs a value", name);
        exit(EXIT_USAGE);
    }
    return argv[++*i];
}

static int parse_choice(const char *opt, const char *v, tool_opts *o)
{
    if (!strcmp(opt, "--fail-on")) {
        if (!strcmp(v, "leak"))
            o->fail_on = STRAND_VERDICT_LEAK;
        else if (!strcmp(v, "suspect"))
            o->fail_on = STRAND_VERDICT_SUSPECT;
        else if (!strcmp(v, "never"))
            o->fail_never = true;
        else
            return -1;
        return 0;
    }
    if (!strcmp(v, "auto"))
        o->color = -1;
    else if (!strcmp(v, "always"))
        o->color = 1;
    else if (!strcmp(v, "never"))
        o->color = 0;
    else
        return -1;
    return 0;
}

static int parse_number_opt(const char *opt, const char *v, tool_opts *o)
{
    uint64_t n;
    if (!strcmp(opt, "--interval")) {
        char *end;
        double d = strtod(v, &end);
        if (*end || !(d > 0))
            return -1;
        o->interval = d;
        return 0;
    }
    if (!parse_u64(v, &n))
        return -1;
    if (!strcmp(opt, "--threads")) {
        if (n > 256)
            return -1;
        o->threads = (unsigned)n;
    } else {
        o->min_count = n;
    }
    return 0;
}

static bool push_input(tool_opts *o, const char *path)
{
    const char **p = realloc(o->inputs, (o->n_inputs + 1) * sizeof *p);
    if (!p)
        return false;
    o->inputs = p;
    o->inputs[o->n_inputs++] = path;
    return true;
}

static int parse_one(int argc, char **argv, int *i, tool_opts *o)
{
    static const char *const choice[] = {"--fail-on", "--color"};
    static const char *const number[] = {"--min-count", "--threads", "--interval"};
    const char *v;
    for (size_t k = 0; k < 2; k++)
        if ((v = opt_value(argc, argv, i, choice[k])))
            return parse_choice(choice[k], v, o) ? (tool_error("bad value '%s' for %s", v, choice[k]), EXIT_USAGE) : -1;
    for (size_t k = 0; k < 3; k++)
        if ((v = opt_value(argc, argv, i, number[k])))
            return parse_number_opt(number[k], v, o) ? (tool_error("bad number '%s' for %s", v, number[k]), EXIT_USAGE) : -1;
    for (size_t k = 0; k < sizeof ignore_names / sizeof ignore_names[0]; k++) {
        char name[32];
        snprintf(name, sizeof name, "--%s", ignore_names[k].name);
        if ((v = opt_value(argc, argv, i, name)))
            return add_ignore(o, ignore_names[k].kind, v) ? -1 : EXIT_USAGE;
    }
    if ((v = opt_value(argc, argv, i, "--ignore-file")))
        return read_ignore_file(o, v);
    if ((v = opt_value(argc, argv, i, "--source"))) {
        const char **p = realloc(o->sources, (o->n_sources + 1) * sizeof *p);
        if (!p)
            return EXIT_USAGE;
        o->sources = p;
        o->sources[o->n_sources++] = v;
        return -1;
    }
    tool_error("unknown option '%s'", argv[*i]);
    return EXIT_USAGE;
}

int tool_parse_opts(int argc, char **argv, tool_opts *o, const char *usage)
{
    memset(o, 0, sizeof *o);
    o->fail_on = STRAND_VERDICT_LEAK;
    o->color = -1;
    bool only_inputs = false;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int rc = -1;
        if (only_inputs || a[0] != '-' || !strcmp(a, "-"))
            rc = push_input(o, a) ? -1 : EXIT_USAGE;
        else if (!strcmp(a, "--"))
            only_inputs = true;
        else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            fputs(usage, stdout);
            rc = tool_finish_stdout(EXIT_CLEAN);
        } else if (!strcmp(a, "--json"))
            o->json = true;
        else if (!strcmp(a, "--all"))
            o->all = true;
        else if (!strcmp(a, "--series"))
            o->series = true;
        else
            rc = parse_one(argc, argv, &i, o);
        if (rc >= 0) {
            tool_opts_free(o);
            return rc;
        }
    }
    return -1;
}

/* ---- inputs --------------------------------------------------------------- */

/* Line and column of byte `off` in a regular file, or 0 when unknown. */
static unsigned long line_of(const char *path, uint64_t off, unsigned long *col)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return 0;
    unsigned long line = 1, c = 1;
    for (uint64_t i = 0; i < off; i++) {
        int ch = getc(f);
        if (ch == EOF)
            break;
        if (ch == '\n') {
            line++;
            c = 1;
        } else {
            c++;
        }
    }
    fclose(f);
    *col = c;
    return line;
}

static void report_read_error(const char *path, const strand_error *e)
{
    const char *msg = e->message ? e->message : strand_strerror(e->code);
    if (e->code == STRAND_ERR_IO) {
        tool_error("%s: %s: %s", path, msg, strerror(e->sys_errno));
        return;
    }
    unsigned long col = 0, line = 0;
    if (strcmp(path, "-") && e->code != STRAND_ERR_EMPTY && e->code != STRAND_ERR_NOMEM)
        line = line_of(path, e->offset, &col);
    if (line)
        tool_error("%s:%lu:%lu: %s (byte %llu)", path, line, col, msg,
                   (unsigned long long)e->offset);
    else
        tool_error("%s: %s (byte %llu)", path, msg, (unsigned long long)e->offset);
}

strand_snapshot *tool_read(const char *path, unsigned threads)
{
    int fd = 0;
    if (strcmp(path, "-")) {
        fd = open(path, O_RDONLY);
        if (fd < 0) {
            tool_error("%s: %s", path, strerror(errno));
            return NULL;
        }
    }
    strand_read_options ro = {NULL, path, threads};
    strand_error e = {0};
    strand_snapshot *s = strand_read_fd(fd, &ro, &e);
    if (fd)
        close(fd);
    if (!s)
        report_read_error(path, &e);
    return s;
}

/* ---- reporting ------------------------------------------------------------ */

static void print_diagnostics(const strand_snapshot *s)
{
    size_t n;
    const strand_diagnostic *d = strand_snapshot_diagnostics(s, &n);
    const size_t show = 20;
    for (size_t i = 0; i < n && i < show; i++)
        fprintf(stderr, "strand: %s:%u: %s\n", strand_snapshot_name(s), d[i].line, d[i].message);
    uint64_t total = strand_snapshot_diagnostic_total(s);
    if (total > show)
        fprintf(stderr, "strand: %s: %llu more diagnostics\n", strand_snapshot_name(s),
                (unsigned long long)(total - show));
    uint64_t skipped = strand_snapshot_skipped(s);
    if (skipped)
        fprintf(stderr, "strand: %s: %llu malformed goroutine blocks skipped\n",
                strand_snapshot_name(s), (unsigned long long)skipped);
}

static int terminal_width(void)
{
    const char *c = getenv("COLUMNS");
    if (c && atoi(c) > 20)
        return atoi(c);
    struct winsize ws;
    if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 20)
        return ws.ws_col;
    return 100;
}

static int use_color(int choice)
{
    if (choice >= 0)
        return choice;
    const char *nc = getenv("NO_COLOR");
    if (nc && *nc)
        return 0;
    const char *term = getenv("TERM");
    if (term && !strcmp(term, "dumb"))
        return 0;
    return isatty(STDOUT_FILENO);
}

static int exit_code(const tool_opts *o, const strand_report *r)
{
    if (o->fail_never)
        return EXIT_CLEAN;
    size_t n;
    const strand_finding *f = strand_report_findings(r, &n);
    for (size_t i = 0; i < n; i++)
        if (f[i].verdict >= o->fail_on && (!o->min_count || f[i].count >= o->min_count))
            return EXIT_FINDINGS;
    return EXIT_CLEAN;
}

static int render(tool_opts *o, const strand_report *r)
{
    strand_render_options ro = {0};
    ro.color = o->json ? 0 : use_color(o->color);
    ro.width = terminal_width();
    ro.all = o->all;
    ro.min_verdict = o->all ? STRAND_VERDICT_OK : STRAND_VERDICT_SUSPECT;
    strand_error e = {0};
    strand_code c = o->json ? strand_report_write_json(r, &ro, &tool_stdout, &e)
                            : strand_report_write_text(r, &ro, &tool_stdout, &e);
    if (c != STRAND_OK) {
        tool_error("writing the report: %s", e.message ? e.message : strand_strerror(c));
        return EXIT_USAGE;
    }
    return tool_finish_stdout(exit_code(o, r));
}

static int analyze_group(tool_opts *o, strand_snapshot **snaps, size_t n, const double *given)
{
    double *times = NULL;
    if (!given && o->interval > 0 && n > 1) {
        times = calloc(n, sizeof *times);
        if (!times)
            return EXIT_USAGE;
        for (size_t i = 0; i < n; i++)
            times[i] = (double)i * o->interval;
    }
    strand_analyze_options ao = {0};
    ao.min_count = o->min_count;
    ao.ignores = o->ignores;
    ao.n_ignores = o->n_ignores;
    ao.times = given ? given : times;
    tool_source *src = tool_source_new(o);
    if (src) {
        ao.source_line = tool_source_line;
        ao.source_ctx = src;
    }
    strand_error e = {0};
    strand_report *r = strand_analyze((const strand_snapshot *const *)snaps, n, &ao, &e);
    free(times);
    tool_source_free(src);
    if (!r) {
        tool_error("%s", e.message ? e.message : strand_strerror(e.code));
        return EXIT_USAGE;
    }
    int rc = render(o, r);
    strand_report_free(r);
    return rc;
}

int tool_report(tool_opts *o, bool series)
{
    if (o->n_inputs == 0) {
        tool_error("no input (give a file, or - for standard input)");
        return EXIT_USAGE;
    }
    size_t stdin_uses = 0;
    for (size_t i = 0; i < o->n_inputs; i++)
        stdin_uses += !strcmp(o->inputs[i], "-");
    if (stdin_uses > 1) {
        tool_error("standard input (-) can be read only once");
        return EXIT_USAGE;
    }
    strand_snapshot **snaps = calloc(o->n_inputs, sizeof *snaps);
    if (!snaps)
        return EXIT_USAGE;
    int rc = EXIT_CLEAN;
    for (size_t i = 0; i < o->n_inputs && rc == EXIT_CLEAN; i++) {
        snaps[i] = tool_read(o->inputs[i], o->threads);
        if (!snaps[i])
            rc = EXIT_USAGE;
        else if (!o->json)
            print_diagnostics(snaps[i]);
    }
    if (rc == EXIT_CLEAN && series) {
        rc = analyze_group(o, snaps, o->n_inputs, NULL);
    } else if (rc == EXIT_CLEAN) {
        /* several independent inputs: one report each; JSON wraps them in an array */
        bool wrap = o->json && o->n_inputs > 1;
        if (wrap)
            fputs("[\n", stdout);
        for (size_t i = 0; i < o->n_inputs; i++) {
            if (wrap && i)
                fputs(",\n", stdout);
            int one = analyze_group(o, &snaps[i], 1, NULL);
            if (one > rc)
                rc = one;
        }
        if (wrap)
            fputs("]\n", stdout);
        rc = tool_finish_stdout(rc);
    }
    for (size_t i = 0; i < o->n_inputs; i++)
        strand_snapshot_free(snaps[i]);
    free(snaps);
    return rc;
}

int tool_report_series(tool_opts *o, strand_snapshot **snaps, size_t n, const double *times)
{
    return analyze_group(o, snaps, n, times);
}
