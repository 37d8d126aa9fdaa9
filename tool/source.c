/* source.c - source lines for the analysis. The library never opens files:
 * it asks for the Go line where a group waits (`for range t.C`, `done <- x`,
 * a SetReadDeadline above a read), and the tool finds it. A file is looked
 * for at the path the report prints, then under each --source DIR with the
 * printed path's leading directories dropped one at a time, so that
 * /src/app/notify.go is found as DIR/src/app/notify.go, DIR/app/notify.go or
 * DIR/notify.go (builds with -trimpath or on another machine). */
#include "tool.h"

#include <stdlib.h>
#include <string.h>

#define MAX_FILES 256
#define MAX_SOURCE_BYTES (8u << 20)

typedef struct src_file {
    char *path;  /* as printed */
    char *text;  /* NULL: not found */
    size_t len;
} src_file;

struct tool_source {
    const tool_opts *o;
    src_file files[MAX_FILES];
    size_t n;
    char line[1024];
};

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *b = malloc(MAX_SOURCE_BYTES);
    size_t n = b ? fread(b, 1, MAX_SOURCE_BYTES, f) : 0;
    fclose(f);
    *len = n;
    return b;
}

static char *find_source(const tool_opts *o, const char *file, size_t *len)
{
    char *t = slurp(file, len);
    for (size_t i = 0; !t && i < o->n_sources; i++) {
        for (const char *rest = file; !t && rest; rest = strchr(rest + 1, '/')) {
            const char *tail = *rest == '/' ? rest + 1 : rest;
            char p[4096];
            if (*tail && (size_t)snprintf(p, sizeof p, "%s/%s", o->sources[i], tail) < sizeof p)
                t = slurp(p, len);
        }
    }
    return t;
}

static src_file *lookup(tool_source *c, const char *file)
{
    for (size_t i = 0; i < c->n; i++)
        if (!strcmp(c->files[i].path, file))
            return &c->files[i];
    if (c->n == MAX_FILES)
        return NULL;
    src_file *f = &c->files[c->n];
    f->path = strdup(file);
    if (!f->path)
        return NULL;
    f->text = find_source(c->o, file, &f->len);
    c->n++;
    return f;
}

const char *tool_source_line(void *ctx, const char *file, uint32_t line)
{
    src_file *f = file && *file ? lookup(ctx, file) : NULL;
    if (!f || !f->text || !line)
        return NULL;
    const char *p = f->text, *end = f->text + f->len;
    for (uint32_t l = 1; l < line && p < end; l++) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        p = nl ? nl + 1 : end;
    }
    if (p >= end)
        return NULL;
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
    tool_source *c = ctx;
    if (n >= sizeof c->line)
        n = sizeof c->line - 1;
    memcpy(c->line, p, n);
    c->line[n] = '\0';
    return c->line;
}

tool_source *tool_source_new(const tool_opts *o)
{
    tool_source *c = calloc(1, sizeof *c);
    if (c)
        c->o = o;
    return c;
}

void tool_source_free(tool_source *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->n; i++) {
        free(c->files[i].path);
        free(c->files[i].text);
    }
    free(c);
}
