/* watch_dir.c - a directory that other tools fill with snapshot files (a
 * cron job saving /debug/pprof/goroutine, a sidecar, `kill -QUIT` logs).
 *
 * Each scan takes the regular files newer than the cursor (modification
 * time, then name), oldest first, each as one snapshot taken at its
 * modification time. Hidden files, "*.part" and "*.tmp" are skipped, and so
 * is a file modified in the last half second (it may still be written:
 * writers should rename a finished file into place). The cursor is stored in
 * the database, so a restarted watch does not read the same files again.
 */
#include "watch.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SETTLE_NS 500000000LL

typedef struct entry {
    char *name;
    int64_t ns;
} entry;

static int cmp_entry(const void *a, const void *b)
{
    const entry *x = a, *y = b;
    if (x->ns != y->ns)
        return x->ns < y->ns ? -1 : 1;
    return strcmp(x->name, y->name);
}

static bool skipped_name(const char *n)
{
    size_t k = strlen(n);
    return n[0] == '.' || (k > 5 && !strcmp(n + k - 5, ".part")) ||
           (k > 4 && !strcmp(n + k - 4, ".tmp"));
}

static bool after_cursor(const watch_target *t, const entry *e)
{
    if (!t->cursor_name)
        return true;
    entry c = {t->cursor_name, t->cursor_ns};
    return cmp_entry(e, &c) > 0;
}

static bool push(entry **v, size_t *n, size_t *cap, const char *name, int64_t ns)
{
    if (*n == *cap) {
        size_t c = *cap ? *cap * 2 : 32;
        entry *p = realloc(*v, c * sizeof *p);
        if (!p)
            return false;
        *v = p;
        *cap = c;
    }
    char *copy = strdup(name);
    if (!copy)
        return false;
    (*v)[(*n)++] = (entry){copy, ns};
    return true;
}

/* New files of the directory, oldest first; -1 when it cannot be read. */
static int list_new(watch_target *t, entry **out, size_t *n)
{
    DIR *d = opendir(t->dir);
    if (!d)
        return -1;
    size_t cap = 0;
    int64_t now = (int64_t)(watch_wall() * 1e9);
    struct dirent *e;
    *out = NULL;
    *n = 0;
    while ((e = readdir(d))) {
        struct stat sb;
        if (skipped_name(e->d_name) || fstatat(dirfd(d), e->d_name, &sb, 0) ||
            !S_ISREG(sb.st_mode))
            continue;
        entry x = {e->d_name, (int64_t)sb.st_mtim.tv_sec * 1000000000LL + sb.st_mtim.tv_nsec};
        if (now - x.ns >= SETTLE_NS && after_cursor(t, &x) && !push(out, n, &cap, x.name, x.ns))
            break;
    }
    closedir(d);
    if (*n > 1)
        qsort(*out, *n, sizeof **out, cmp_entry);
    return 0;
}

static void take(watch *w, watch_target *t, const entry *e)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", t->dir, e->name);
    free(t->cursor_name);
    t->cursor_name = strdup(e->name);
    t->cursor_ns = e->ns;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        char msg[300];
        snprintf(msg, sizeof msg, "%s: %s", e->name, strerror(errno));
        watch_scrape_error(w, t, "read", msg);
        return;
    }
    strand_read_options ro = {NULL, path, 1};
    strand_error err = {0};
    strand_snapshot *s = strand_read_fd(fd, &ro, &err);
    close(fd);
    if (!s) {
        char msg[300];
        snprintf(msg, sizeof msg, "%s: %s", e->name, err.message ? err.message : strand_strerror(err.code));
        watch_scrape_error(w, t, "parse", msg);
        return;
    }
    t->bytes = 0;
    t->fetch_ms = 0;
    watch_ingest(w, t, s, (double)e->ns * 1e-9, -1, -1, true);
}

void watch_dir_scan(watch *w, watch_target *t)
{
    entry *v;
    size_t n;
    t->last_try = watch_mono();
    if (list_new(t, &v, &n)) {
        char msg[300];
        snprintf(msg, sizeof msg, "%s: %s", t->dir, strerror(errno));
        watch_scrape_error(w, t, "read", msg);
        watch_reschedule(w, t, false);
        return;
    }
    for (size_t i = 0; i < n && !w->stop; i++)
        take(w, t, &v[i]);
    for (size_t i = 0; i < n; i++)
        free(v[i].name);
    free(v);
    watch_reschedule(w, t, true);
}
