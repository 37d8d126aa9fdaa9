/* reader.c - the push reader: sniffs the format, splits text into lines and
 * hands them to read_text.c (whole runs of complete lines at once), or
 * buffers binary input for read_proto.c. strand_read_fd on one thread, and
 * the parts (text readers without sniffing) that read_parallel.c runs on
 * several. */
#include "internal.h"

#include <errno.h>
#include <unistd.h>

#define SNIFF_BYTES 4096u

enum mode { MODE_SNIFF, MODE_TEXT, MODE_BINARY, MODE_DONE };

struct strand_reader {
    strand_alloc alloc;
    strand_snapshot *snap;
    st_text *text;
    enum mode mode;
    /* bytes held back: the sniff prefix, then a partial line, or the binary */
    char *buf;
    size_t len, cap;
    bool skipping;        /* inside an over-long line: drop until '\n' */
    uint64_t off;         /* text: input offset of the partial line in buf */
    uint64_t pos;         /* input bytes taken so far */
    uint32_t lineno;      /* number of the next line */
};

strand_reader *strand_reader_new(const strand_read_options *opts, strand_error *err)
{
    const strand_alloc *a = opts && opts->alloc && opts->alloc->malloc_fn ? opts->alloc : &st_default_alloc;
    strand_reader *r = st_malloc(a, sizeof *r);
    if (!r) {
        st_set_error(err, STRAND_ERR_NOMEM, NULL, 0);
        return NULL;
    }
    memset(r, 0, sizeof *r);
    r->alloc = *a;
    r->lineno = 1;
    r->snap = st_snapshot_new(&r->alloc, opts && opts->name ? opts->name : NULL);
    if (!r->snap) {
        st_free(a, r, sizeof *r);
        st_set_error(err, STRAND_ERR_NOMEM, NULL, 0);
        return NULL;
    }
    return r;
}

void strand_reader_free(strand_reader *r)
{
    if (!r)
        return;
    strand_alloc a = r->alloc;
    if (r->text)
        st_text_free(r->text);
    strand_snapshot_free(r->snap);
    st_free(&a, r->buf, r->cap);
    st_free(&a, r, sizeof *r);
}

static bool buf_append(strand_reader *r, const char *p, size_t n)
{
    if (r->cap - r->len < n) {
        size_t cap = r->cap ? r->cap : 4096;
        while (cap - r->len < n) {
            if (cap > SIZE_MAX / 2)
                return false;
            cap *= 2;
        }
        char *nb = st_realloc(&r->alloc, r->buf, r->cap, cap);
        if (!nb)
            return false;
        r->buf = nb;
        r->cap = cap;
    }
    memcpy(r->buf + r->len, p, n);
    r->len += n;
    return true;
}

static void emit_line(strand_reader *r, const char *p, size_t n, uint64_t off, bool cut)
{
    st_text_line(r->text, p, n, off, r->lineno, cut);
    r->lineno++;
}

/* The tail of a feed without a newline: held in r->buf (up to
 * STRAND_MAX_LINE; an over-long line is passed cut, the rest skipped). */
static strand_code hold_tail(strand_reader *r, const char *p, size_t rest, uint64_t off)
{
    if (r->skipping)
        return STRAND_OK;
    if (r->len == 0)
        r->off = off;
    if (r->len + rest > STRAND_MAX_LINE) {
        size_t room = STRAND_MAX_LINE - r->len;
        if (!buf_append(r, p, room))
            return STRAND_ERR_NOMEM;
        emit_line(r, r->buf, r->len, r->off, true);
        r->len = 0;
        r->skipping = true;
        return STRAND_OK;
    }
    return buf_append(r, p, rest) ? STRAND_OK : STRAND_ERR_NOMEM;
}

static const char *last_nl(const char *p, const char *end)
{
    while (end > p)
        if (*--end == '\n')
            return end;
    return NULL;
}

/* Lines of `p` (which starts at input offset `off`); the tail without a
 * newline is kept in r->buf. r->buf may hold the start of the first line.
 * Complete lines go to read_text.c in one call (st_text_lines). */
static strand_code feed_text(strand_reader *r, const char *p, size_t n, uint64_t off)
{
    const char *end = p + n;
    if (r->len || r->skipping) { /* finish the line held back */
        const char *nl = memchr(p, '\n', n);
        if (!nl)
            return hold_tail(r, p, n, off);
        size_t linelen = (size_t)(nl - p);
        if (r->skipping) {
            r->skipping = false;
        } else {
            size_t room = STRAND_MAX_LINE - r->len;
            bool cut = linelen > room;
            if (!buf_append(r, p, cut ? room : linelen))
                return STRAND_ERR_NOMEM;
            emit_line(r, r->buf, r->len, r->off, cut);
            r->len = 0;
        }
        off += linelen + 1;
        p = nl + 1;
    }
    const char *last = last_nl(p, end);
    if (last) {
        size_t k = (size_t)(last + 1 - p);
        r->lineno = st_text_lines(r->text, p, k, off, r->lineno);
        off += k;
        p += k;
    }
    return p < end ? hold_tail(r, p, (size_t)(end - p), off) : STRAND_OK;
}

static bool looks_binary(const unsigned char *p, size_t n)
{
    size_t bad = 0;
    for (size_t i = 0; i < n; i++) {
        if (p[i] == 0)
            return true;
        if (p[i] < 0x09 || (p[i] > 0x0d && p[i] < 0x20 && p[i] != 0x1b))
            bad++;
    }
    return bad * 10 > n; /* more than 10% control bytes */
}

/* Decide the mode from the first bytes (held in r->buf). */
static strand_code decide(strand_reader *r, strand_error *err)
{
    const unsigned char *p = (const unsigned char *)r->buf;
    if (st_proto_sniff(p, r->len)) {
        r->mode = MODE_BINARY;
        return STRAND_OK;
    }
    if (looks_binary(p, r->len)) {
        st_set_error(err, STRAND_ERR_BINARY, NULL, 0);
        return STRAND_ERR_BINARY;
    }
    r->text = st_text_new(r->snap);
    if (!r->text) {
        st_set_error(err, STRAND_ERR_NOMEM, NULL, 0);
        return STRAND_ERR_NOMEM;
    }
    r->mode = MODE_TEXT;
    /* replay the sniffed prefix as text */
    size_t n = r->len;
    r->len = 0;
    char *held = r->buf;
    size_t held_cap = r->cap;
    r->buf = NULL;
    r->cap = 0;
    strand_code c = feed_text(r, held, n, 0);
    st_free(&r->alloc, held, held_cap);
    if (c != STRAND_OK)
        st_set_error(err, c, NULL, 0);
    return c;
}

strand_code strand_reader_feed(strand_reader *r, const void *data, size_t len, strand_error *err)
{
    if (!r || (!data && len)) {
        st_set_error(err, STRAND_ERR_ARG, NULL, 0);
        return STRAND_ERR_ARG;
    }
    if (r->mode == MODE_DONE) {
        st_set_error(err, STRAND_ERR_STATE, NULL, r->pos);
        return STRAND_ERR_STATE;
    }
    const char *p = data;
    strand_code c = STRAND_OK;
    if (r->mode == MODE_SNIFF) {
        size_t take = len < SNIFF_BYTES - r->len ? len : SNIFF_BYTES - r->len;
        if (!buf_append(r, p, take)) {
            st_set_error(err, STRAND_ERR_NOMEM, NULL, r->pos);
            return STRAND_ERR_NOMEM;
        }
        p += take;
        len -= take;
        r->pos += take;
        if (r->len < SNIFF_BYTES)
            return STRAND_OK;
        if ((c = decide(r, err)) != STRAND_OK) {
            r->mode = MODE_DONE;
            return c;
        }
    }
    if (r->mode == MODE_BINARY) {
        if (r->len + len > STRAND_MAX_PROTO) {
            c = STRAND_ERR_TOO_LARGE;
            st_set_error(err, c, "profile over the protobuf size cap", r->len);
        } else if (!buf_append(r, p, len)) {
            c = STRAND_ERR_NOMEM;
            st_set_error(err, c, NULL, r->pos);
        }
    } else if (len) {
        c = feed_text(r, p, len, r->pos);
        if (c != STRAND_OK)
            st_set_error(err, c, NULL, r->pos);
    }
    r->pos += len;
    if (c != STRAND_OK)
        r->mode = MODE_DONE;
    return c;
}

strand_snapshot *strand_reader_finish(strand_reader *r, strand_error *err)
{
    if (!r) {
        st_set_error(err, STRAND_ERR_ARG, NULL, 0);
        return NULL;
    }
    strand_code c = STRAND_OK;
    strand_error local;
    if (!err)
        err = &local;
    if (r->mode == MODE_DONE) {
        st_set_error(err, STRAND_ERR_STATE, NULL, r->pos);
        c = STRAND_ERR_STATE;
    } else if (r->pos == 0) {
        st_set_error(err, STRAND_ERR_EMPTY, NULL, 0);
        c = STRAND_ERR_EMPTY;
    } else if (r->mode == MODE_SNIFF) {
        c = decide(r, err);
    }
    if (c == STRAND_OK && r->mode == MODE_BINARY) {
        c = st_proto_parse(r->snap, (const uint8_t *)r->buf, r->len, err);
    } else if (c == STRAND_OK && r->mode == MODE_TEXT) {
        if (r->len && !r->skipping)
            emit_line(r, r->buf, r->len, r->off, false);
        r->len = 0;
        c = st_text_finish(r->text, r->pos, r->lineno, err);
    }
    if (c == STRAND_OK && r->snap->oom) {
        c = STRAND_ERR_NOMEM;
        st_set_error(err, c, NULL, r->pos);
    }
    strand_snapshot *s = NULL;
    if (c == STRAND_OK) {
        s = r->snap;
        r->snap = NULL;
    }
    strand_reader_free(r);
    return s;
}

strand_snapshot *strand_read_mem(const void *data, size_t len, const strand_read_options *opts,
                                 strand_error *err)
{
    strand_reader *r = strand_reader_new(opts, err);
    if (!r)
        return NULL;
    if (strand_reader_feed(r, data, len, err) != STRAND_OK) {
        strand_reader_free(r);
        return NULL;
    }
    return strand_reader_finish(r, err);
}

#define READ_CHUNK ((size_t)128 << 10) /* small: its pages are faulted in once */

strand_snapshot *st_read_fd_from(int fd, const strand_read_options *opts, const char *head,
                                 size_t n_head, strand_error *err)
{
    strand_reader *r = strand_reader_new(opts, err);
    if (!r)
        return NULL;
    if (n_head && strand_reader_feed(r, head, n_head, err) != STRAND_OK) {
        strand_reader_free(r);
        return NULL;
    }
    char *chunk = st_malloc(&r->alloc, READ_CHUNK);
    if (!chunk) {
        strand_reader_free(r);
        st_set_error(err, STRAND_ERR_NOMEM, NULL, 0);
        return NULL;
    }
    for (;;) {
        ssize_t got = read(fd, chunk, READ_CHUNK);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            int e = errno;
            st_set_error(err, STRAND_ERR_IO, NULL, r->pos);
            if (err)
                err->sys_errno = e;
            break;
        }
        if (got == 0) {
            st_free(&r->alloc, chunk, READ_CHUNK);
            return strand_reader_finish(r, err);
        }
        if (strand_reader_feed(r, chunk, (size_t)got, err) != STRAND_OK)
            break;
    }
    st_free(&r->alloc, chunk, READ_CHUNK);
    strand_reader_free(r);
    return NULL;
}

strand_snapshot *strand_read_fd(int fd, const strand_read_options *opts, strand_error *err)
{
    return st_read_fd_chunked(fd, opts, 0, err);
}

/* ---- parts: the text readers of parallel reading (read_parallel.c) ------- */

strand_reader *st_part_new(const strand_alloc *a)
{
    strand_read_options o = {a, NULL, 1};
    strand_reader *r = strand_reader_new(&o, NULL);
    if (!r)
        return NULL;
    r->text = st_text_new(r->snap);
    if (!r->text) {
        strand_reader_free(r);
        return NULL;
    }
    r->mode = MODE_TEXT;
    return r;
}

void st_part_reset(strand_reader *r, uint64_t pos, bool at_start)
{
    st_snapshot_reset(r->snap);
    st_text_reset(r->text, r->snap, at_start);
    r->mode = MODE_TEXT;
    r->len = 0;
    r->skipping = false;
    r->off = r->pos = pos;
    r->lineno = 1;
}

void st_part_feed(strand_reader *r, const char *p, size_t n)
{
    if (n && feed_text(r, p, n, r->pos) != STRAND_OK)
        r->snap->oom = true;
    r->pos += n;
}

bool st_part_clean(const strand_reader *r)
{
    return !r->len && !r->skipping && st_text_clean(r->text);
}

uint64_t st_part_pos(const strand_reader *r)
{
    return r->pos;
}

uint32_t st_part_lines(const strand_reader *r)
{
    return r->lineno - 1;
}

void st_part_end(strand_reader *r)
{
    if (r->len && !r->skipping)
        emit_line(r, r->buf, r->len, r->off, false);
    r->len = 0;
    st_text_end(r->text, r->pos);
}

strand_snapshot *st_part_snapshot(strand_reader *r)
{
    return r->snap;
}

st_text *st_part_text(strand_reader *r)
{
    return r->text;
}

int st_sniff(const void *p, size_t n)
{
    const unsigned char *u = p;
    if (n > SNIFF_BYTES)
        n = SNIFF_BYTES;
    if (st_proto_sniff(u, n))
        return 1;
    return looks_binary(u, n) ? 2 : 0;
}
