/* read_pprof_text.c - pprof goroutine profiles, debug=1 text.
 *
 * Written by printCountProfile and printStackRecord in runtime/pprof/pprof.go:
 *
 *   goroutine profile: total 20            NAME profile: total N
 *   3 @ 0x43ae36 0x40708c 0x406c3d 0x6629c8 0x467d41
 *   # labels: {"job":"x", "a b":"x\"y"}     optional, Go %q strings
 *   #<TAB>0x6629c7<TAB>main.f+0x27<TAB>/src/main.go:18
 *   <blank line>
 *
 * Frame lines go through text/tabwriter, so fields are split on runs of TABs.
 * An unsymbolized PC prints as "#\t0x..." alone; its frame keeps the hex PC
 * as the function name (no file, line 0), so that different unknown PCs stay
 * different frames. Leading runtime frames are hidden from the '#' lines but
 * their PCs stay on the '@' line: st_pptext_finish uses them to tell the
 * blocking kind (see classify_section). Blank lines are consumed as record
 * ends; any other line not of this grammar ends the profile (returns false).
 *
 * The heap (and allocs) profile at debug=1 (writeHeapInternal) has the same
 * frame lines under its own header and record lines:
 *
 *   heap profile: 3125: 278608 [65271: 10202680] @ heap/2
 *   936: 89856 [936: 89856] @ 0x406b0a 0x4ad90e 0x66dfc5 0x4680a1
 *   #<TAB>0x4ad90d<TAB>time.NewTimer+0x2d<TAB>/usr/lib/go/src/time/sleep.go:87
 *   <blank line>
 *   ...
 *   # runtime.MemStats                      then "# Name = value" lines
 *
 * that is INUSE_OBJECTS: INUSE_BYTES [ALLOC_OBJECTS: ALLOC_BYTES] @ PCs and,
 * in the header, the sampling rate (2*MemProfileRate). A heap record becomes
 * a record of its in-use objects (count), profile type "heap", as the
 * protobuf heap profile does; its kind comes from the frames only (nothing
 * is parked). The MemStats block is consumed and ignored.
 */
#include "internal.h"

#include <stdlib.h>

#define PC_KEEP 8              /* leading '@' PCs kept per record */
#define MAIN_TO_GOPARK 0x4000u /* see find_gopark */

typedef struct pp_rec {
    uint32_t rec; /* index into s->records */
    uint32_t section;
    uint32_t npcs;
    uint32_t nframes; /* '#' frame lines, including any beyond the frame cap */
    uint64_t pc[PC_KEEP];
    uint64_t last;
    int32_t hidden; /* set by finish */
    uint8_t named;  /* kind from the visible frames, set by finish */
    uint8_t dir;    /* channel direction, set by finish */
} pp_rec;

typedef struct pp_section {
    uint64_t main_pc; /* return PC in runtime.main, 0 if not seen */
    uint64_t total, sum;
    uint64_t off;
    uint32_t line;
    bool has_header;
    bool heap; /* a heap profile: records of in-use objects */
} pp_section;

struct st_pptext {
    strand_snapshot *s;
    st_vec recs;     /* pp_rec */
    st_vec sections; /* pp_section */
    st_vec frames;   /* uint32_t: frames of the pending record */
    st_vec labels;   /* strand_label: labels of the pending record */
    st_vec buf;      /* char: unescaped label text */
    bool leak;       /* the current section is a goroutineleak profile */
    bool seen;       /* any header or record line */
    bool memstats;   /* inside the "# runtime.MemStats" block of a heap profile */
    /* the pending record */
    bool in_rec, dropping, cut_noted, labels_cut;
    int64_t count;
    uint32_t labelset;
    uint32_t rec_line;
    pp_rec cur;
};

/* ---- byte classes --------------------------------------------------------- */

/* hex digit value + 1; 0 = not a hex digit */
static const uint8_t hexv[256] = {
    ['0'] = 1,  ['1'] = 2,  ['2'] = 3,  ['3'] = 4,  ['4'] = 5,  ['5'] = 6,  ['6'] = 7,  ['7'] = 8,
    ['8'] = 9,  ['9'] = 10, ['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14, ['e'] = 15, ['f'] = 16,
    ['A'] = 11, ['B'] = 12, ['C'] = 13, ['D'] = 14, ['E'] = 15, ['F'] = 16,
};

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool is_name_byte(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit((char)c) || c == '_' ||
           c == '-' || c == '.';
}

/* Parses "0x" + 1..16 hex digits at p[0..n); returns bytes used or 0. */
static size_t parse_hex(const char *p, size_t n, uint64_t *out)
{
    if (n < 3 || p[0] != '0' || (p[1] != 'x' && p[1] != 'X'))
        return 0;
    uint64_t v = 0;
    size_t i = 2;
    while (i < n && hexv[(unsigned char)p[i]]) {
        if (i - 2 == 16)
            return 0;
        v = v << 4 | (uint64_t)(hexv[(unsigned char)p[i]] - 1);
        i++;
    }
    if (i == 2)
        return 0;
    *out = v;
    return i;
}

/* Decimal digits; returns bytes used, 0 on none or overflow past `max`. */
static size_t parse_dec(const char *p, size_t n, uint64_t max, uint64_t *out)
{
    uint64_t v = 0;
    size_t i = 0;
    for (; i < n && is_digit(p[i]); i++) {
        uint64_t d = (uint64_t)(p[i] - '0');
        if (v > (max - d) / 10)
            return 0;
        v = v * 10 + d;
    }
    *out = v;
    return i;
}

/* Strips indentation and a trailing '\r'. */
static void trim(const char **pp, size_t *pn)
{
    const char *p = *pp;
    size_t n = *pn;
    while (n && (p[0] == ' ' || p[0] == '\t')) {
        p++;
        n--;
    }
    while (n && (p[n - 1] == '\r' || p[n - 1] == ' '))
        n--;
    *pp = p;
    *pn = n;
}

/* ---- line forms ------------------------------------------------------------ */

static const char header_mid[] = " profile: total ";

/* "NAME profile: total N" */
static bool parse_header(const char *p, size_t n, size_t *name_len, uint64_t *total)
{
    size_t i = 0;
    while (i < n && is_name_byte((unsigned char)p[i]))
        i++;
    size_t m = sizeof header_mid - 1;
    if (i == 0 || n - i <= m || memcmp(p + i, header_mid, m) != 0)
        return false;
    size_t d = parse_dec(p + i + m, n - i - m, UINT64_MAX, total);
    *name_len = i;
    return d > 0 && i + m + d == n;
}

/* "COUNT @" followed by the end or a space; with `strict`, by " 0x". */
static bool is_record_line(const char *p, size_t n, bool strict)
{
    size_t i = 0;
    while (i < n && is_digit(p[i]))
        i++;
    if (i == 0 || n - i < 2 || p[i] != ' ' || p[i + 1] != '@')
        return false;
    i += 2;
    if (i == n)
        return true;
    return strict ? n - i >= 3 && p[i] == ' ' && p[i + 1] == '0' && p[i + 2] == 'x' : p[i] == ' ';
}

/* "INUSE_OBJ: INUSE_BYTES [ALLOC_OBJ: ALLOC_BYTES] @"; returns the bytes used
 * (through the '@') or 0. v[0] gets the in-use objects. */
static size_t parse_heap_counts(const char *p, size_t n, uint64_t v[4])
{
    static const char seps[4][4] = {": ", " [", ": ", "] @"};
    size_t i = 0;
    for (size_t k = 0; k < 4; k++) {
        size_t d = parse_dec(p + i, n - i, INT64_MAX, &v[k]);
        size_t m = strlen(seps[k]);
        if (d == 0 || n - i - d < m || memcmp(p + i + d, seps[k], m) != 0)
            return 0;
        i += d + m;
    }
    return i;
}

/* A heap record line; with `strict`, the '@' is followed by " 0x". */
static bool is_heap_record(const char *p, size_t n, bool strict, size_t *used, uint64_t v[4])
{
    size_t i = parse_heap_counts(p, n, v);
    if (i == 0)
        return false;
    *used = i;
    if (i == n)
        return !strict;
    return strict ? n - i >= 3 && p[i] == ' ' && p[i + 1] == '0' && p[i + 2] == 'x' : p[i] == ' ';
}

static const char heap_prefix[] = "heap profile: ";
static const char heap_rate[] = " heap/";

/* "heap profile: A: B [C: D] @ heap/RATE"; *inuse gets A. */
static bool parse_heap_header(const char *p, size_t n, uint64_t *inuse)
{
    size_t m = sizeof heap_prefix - 1, r = sizeof heap_rate - 1;
    uint64_t v[4], rate;
    if (n <= m || memcmp(p, heap_prefix, m) != 0)
        return false;
    size_t i = parse_heap_counts(p + m, n - m, v);
    if (i == 0)
        return false;
    i += m;
    if (n - i <= r || memcmp(p + i, heap_rate, r) != 0)
        return false;
    i += r;
    if (parse_dec(p + i, n - i, UINT64_MAX, &rate) != n - i)
        return false;
    *inuse = v[0];
    return true;
}

/* Looks like a heap record that failed to parse: "DIGITS:" ... '@'. */
static bool is_heap_attempt(const char *p, size_t n)
{
    size_t i = 0;
    while (i < n && is_digit(p[i]))
        i++;
    return i > 0 && i < n && p[i] == ':' && memchr(p + i, '@', n - i) != NULL;
}

bool st_pptext_is_start(const char *p, size_t n)
{
    size_t name_len, used;
    uint64_t total, v[4];
    trim(&p, &n);
    return is_record_line(p, n, true) || parse_header(p, n, &name_len, &total) ||
           is_heap_record(p, n, true, &used, v) || parse_heap_header(p, n, &total);
}

/* ---- records ----------------------------------------------------------------- */

static pp_section *cur_section(st_pptext *pp)
{
    return pp->sections.len ? (pp_section *)pp->sections.data + pp->sections.len - 1 : NULL;
}

static void check_total(st_pptext *pp)
{
    pp_section *sec = cur_section(pp);
    if (sec && sec->has_header && sec->sum > sec->total)
        st_diag(pp->s, sec->off, sec->line, STRAND_ERR_FORMAT,
                "record counts add up to more than the profile's total");
}

static bool open_section(st_pptext *pp, bool has_header, bool heap, uint64_t total, uint64_t off,
                         uint32_t line)
{
    pp_section *sec = st_vec_push(&pp->s->alloc, &pp->sections, sizeof *sec);
    if (!sec) {
        pp->s->oom = true;
        return false;
    }
    sec->has_header = has_header;
    sec->heap = heap;
    sec->total = total;
    sec->off = off;
    sec->line = line;
    return true;
}

/* Ends the pending record: interns its stack and appends it. */
static void flush(st_pptext *pp)
{
    strand_snapshot *s = pp->s;
    if (!pp->in_rec)
        return;
    pp->in_rec = false;
    if (pp->dropping) {
        s->skipped++;
        return;
    }
    uint32_t stack = st_stack(s, pp->frames.data, pp->frames.len);
    strand_record *r = st_add_record(s);
    pp_rec *pr = r ? st_vec_push(&s->alloc, &pp->recs, sizeof *pr) : NULL;
    if (!pr) {
        s->oom = true;
        return;
    }
    r->count = pp->count;
    r->stack = stack;
    r->labels = pp->labelset;
    r->line = pp->rec_line;
    r->flags = pp->leak ? STRAND_G_LEAKED : 0;
    *pr = pp->cur;
    pr->rec = (uint32_t)(s->records.len - 1);
    pr->section = (uint32_t)(pp->sections.len - 1);
    pp_section *sec = cur_section(pp);
    if (sec)
        sec->sum += (uint64_t)pp->count;
}

static void drop(st_pptext *pp, uint64_t off, uint32_t lineno, const char *msg)
{
    st_diag(pp->s, off, lineno, STRAND_ERR_FORMAT, msg);
    pp->dropping = true;
}

static void on_header(st_pptext *pp, const char *p, size_t name_len, uint64_t total, uint64_t off,
                      uint32_t lineno)
{
    strand_snapshot *s = pp->s;
    flush(pp);
    check_total(pp);
    if (!open_section(pp, true, false, total, off, lineno))
        return;
    strand_str name = st_intern(s, p, name_len);
    if (!s->profile_type)
        s->profile_type = name;
    pp->leak = name_len == 13 && memcmp(p, "goroutineleak", 13) == 0;
    s->total_line += total;
    s->has_total_line = true;
}

static bool in_heap(st_pptext *pp)
{
    const pp_section *sec = cur_section(pp);
    return sec && sec->heap;
}

/* Ends the pending record and starts one at this line. */
static void begin_record(st_pptext *pp, uint32_t lineno)
{
    flush(pp);
    pp->in_rec = true;
    pp->dropping = pp->cut_noted = false;
    pp->frames.len = 0;
    pp->labelset = STRAND_NONE;
    pp->rec_line = lineno;
    memset(&pp->cur, 0, sizeof pp->cur);
}

/* The " 0xPC 0xPC ..." list from p[i]. */
static void parse_pcs(st_pptext *pp, const char *p, size_t n, size_t i, uint64_t off,
                      uint32_t lineno)
{
    while (i < n) {
        size_t sp = i;
        while (i < n && p[i] == ' ')
            i++;
        if (i == n)
            break;
        uint64_t pc;
        size_t used = parse_hex(p + i, n - i, &pc);
        if (i == sp || used == 0 || (i + used < n && p[i + used] != ' ')) {
            drop(pp, off, lineno, "record PC is not a hex number");
            return;
        }
        if (pp->cur.npcs < PC_KEEP)
            pp->cur.pc[pp->cur.npcs] = pc;
        pp->cur.last = pc;
        pp->cur.npcs++;
        i += used;
    }
}

/* "COUNT @ 0xPC 0xPC ..." */
static void on_record(st_pptext *pp, const char *p, size_t n, uint64_t off, uint32_t lineno)
{
    flush(pp);
    /* a goroutine record right after a heap profile starts a new profile */
    if ((!pp->sections.len || in_heap(pp)) && !open_section(pp, false, false, 0, off, lineno))
        return;
    begin_record(pp, lineno);
    uint64_t count;
    size_t i = parse_dec(p, n, INT64_MAX, &count);
    if (i == 0) {
        drop(pp, off, lineno, "record count out of range");
        return;
    }
    pp->count = (int64_t)count;
    parse_pcs(pp, p, n, i + 2, off, lineno);
}

/* ---- heap profiles ------------------------------------------------------------- */

static bool open_heap(st_pptext *pp, bool has_header, uint64_t total, uint64_t off, uint32_t lineno)
{
    strand_snapshot *s = pp->s;
    if (!open_section(pp, has_header, true, total, off, lineno))
        return false;
    if (!s->profile_type)
        s->profile_type = st_intern(s, "heap", 4);
    pp->leak = false;
    return true;
}

/* "heap profile: INUSE_OBJ: ... @ heap/RATE" */
static void on_heap_header(st_pptext *pp, uint64_t inuse, uint64_t off, uint32_t lineno)
{
    flush(pp);
    check_total(pp);
    if (!open_heap(pp, true, inuse, off, lineno))
        return;
    pp->s->total_line += inuse;
    pp->s->has_total_line = true;
}

/* "INUSE_OBJ: INUSE_BYTES [ALLOC_OBJ: ALLOC_BYTES] @ 0xPC ..." (used: the
 * bytes through the '@'); the count is the in-use objects. */
static void on_heap_record(st_pptext *pp, const char *p, size_t n, size_t used, uint64_t inuse,
                           uint64_t off, uint32_t lineno)
{
    flush(pp);
    if (!in_heap(pp) && !open_heap(pp, false, 0, off, lineno))
        return;
    begin_record(pp, lineno);
    pp->count = (int64_t)inuse;
    parse_pcs(pp, p, n, used, off, lineno);
}

/* A line of a heap profile that starts like a record but is not one: its
 * frame lines are skipped with it. */
static void on_heap_malformed(st_pptext *pp, uint64_t off, uint32_t lineno)
{
    flush(pp);
    begin_record(pp, lineno);
    drop(pp, off, lineno, "malformed heap profile record");
}

/* ---- labels: # labels: {"k":"v", ...} (labelMap.String, %q strings) ------------ */

static bool put_byte(st_pptext *pp, char c)
{
    char *b = st_vec_push(&pp->s->alloc, &pp->buf, 1);
    if (b)
        *b = c;
    return b != NULL;
}

static bool put_rune(st_pptext *pp, uint32_t r)
{
    char u[4];
    size_t k;
    if (r > 0x10ffff || (r >= 0xd800 && r <= 0xdfff))
        r = 0xfffd;
    if (r < 0x80) {
        u[0] = (char)r;
        k = 1;
    } else if (r < 0x800) {
        u[0] = (char)(0xc0 | r >> 6);
        u[1] = (char)(0x80 | (r & 0x3f));
        k = 2;
    } else if (r < 0x10000) {
        u[0] = (char)(0xe0 | r >> 12);
        u[1] = (char)(0x80 | ((r >> 6) & 0x3f));
        u[2] = (char)(0x80 | (r & 0x3f));
        k = 3;
    } else {
        u[0] = (char)(0xf0 | r >> 18);
        u[1] = (char)(0x80 | ((r >> 12) & 0x3f));
        u[2] = (char)(0x80 | ((r >> 6) & 0x3f));
        u[3] = (char)(0x80 | (r & 0x3f));
        k = 4;
    }
    for (size_t i = 0; i < k; i++)
        if (!put_byte(pp, u[i]))
            return false;
    return true;
}

/* Fixed-width hex after \x, \u, \U. */
static bool escape_hex(const char *p, size_t n, size_t width, uint32_t *out)
{
    uint32_t v = 0;
    if (n < width)
        return false;
    for (size_t i = 0; i < width; i++) {
        uint8_t d = hexv[(unsigned char)p[i]];
        if (!d)
            return false;
        v = v << 4 | (uint32_t)(d - 1);
    }
    *out = v;
    return true;
}

/* One escape after '\' at p[0..n); returns bytes used after the '\', 0 if bad. */
static size_t unescape_one(st_pptext *pp, const char *p, size_t n)
{
    static const char simple_in[] = "abfnrtv\\\"'";
    static const char simple_out[] = "\a\b\f\n\r\t\v\\\"'";
    if (n == 0)
        return 0;
    const char *hit = memchr(simple_in, p[0], sizeof simple_in - 1);
    if (hit)
        return put_byte(pp, simple_out[hit - simple_in]) ? 1 : 0;
    uint32_t v;
    if (p[0] == 'x' && escape_hex(p + 1, n - 1, 2, &v))
        return put_byte(pp, (char)v) ? 3 : 0;
    if (p[0] == 'u' && escape_hex(p + 1, n - 1, 4, &v))
        return put_rune(pp, v) ? 5 : 0;
    if (p[0] == 'U' && escape_hex(p + 1, n - 1, 8, &v))
        return put_rune(pp, v) ? 9 : 0;
    if (n >= 3 && p[0] >= '0' && p[0] <= '3' && p[1] >= '0' && p[1] <= '7' && p[2] >= '0' &&
        p[2] <= '7')
        return put_byte(pp, (char)((p[0] - '0') << 6 | (p[1] - '0') << 3 | (p[2] - '0'))) ? 3 : 0;
    return 0;
}

/* A quoted string at p[*i]; interns the unescaped text. */
static bool parse_quoted(st_pptext *pp, const char *p, size_t n, size_t *i, strand_str *out)
{
    size_t j = *i;
    if (j >= n || p[j] != '"')
        return false;
    pp->buf.len = 0;
    for (j++; j < n && p[j] != '"'; j++) {
        if (p[j] != '\\') {
            if (!put_byte(pp, p[j]))
                return false;
            continue;
        }
        size_t used = unescape_one(pp, p + j + 1, n - j - 1);
        if (!used)
            return false;
        j += used;
    }
    if (j >= n)
        return false;
    *i = j + 1;
    *out = st_intern(pp->s, pp->buf.data, pp->buf.len);
    return true;
}

static bool parse_label_pair(st_pptext *pp, const char *p, size_t n, size_t *i)
{
    strand_label l;
    if (!parse_quoted(pp, p, n, i, &l.key) || *i >= n || p[*i] != ':')
        return false;
    (*i)++;
    if (!parse_quoted(pp, p, n, i, &l.value))
        return false;
    if (pp->labels.len >= STRAND_MAX_LABELS) {
        pp->labels_cut = true;
        return true;
    }
    strand_label *slot = st_vec_push(&pp->s->alloc, &pp->labels, sizeof *slot);
    if (!slot)
        return false;
    *slot = l;
    return true;
}

/* The text after "# labels: ". */
static bool parse_labels(st_pptext *pp, const char *p, size_t n)
{
    size_t i = 1;
    pp->labels.len = 0;
    pp->labels_cut = false;
    if (n < 2 || p[0] != '{' || p[n - 1] != '}')
        return false;
    n--;
    while (i < n) {
        if (!parse_label_pair(pp, p, n, &i))
            return false;
        if (i == n)
            break;
        if (p[i] != ',')
            return false;
        for (i++; i < n && p[i] == ' '; i++)
            ;
        if (i == n)
            return false; /* a trailing comma */
    }
    return true;
}

static void on_labels(st_pptext *pp, const char *p, size_t n, uint64_t off, uint32_t lineno)
{
    strand_snapshot *s = pp->s;
    if (!pp->in_rec) {
        st_diag(s, off, lineno, STRAND_ERR_FORMAT, "labels line outside a record");
        return;
    }
    if (pp->dropping)
        return;
    if (pp->labelset != STRAND_NONE || pp->cur.nframes) {
        st_diag(s, off, lineno, STRAND_ERR_FORMAT, "labels line out of place; ignored");
        return;
    }
    if (!parse_labels(pp, p, n)) {
        st_diag(s, off, lineno, STRAND_ERR_FORMAT, "malformed labels line; labels dropped");
        return;
    }
    if (pp->labels_cut)
        st_diag(s, off, lineno, STRAND_ERR_FORMAT, "too many labels; the rest dropped");
    pp->labelset = st_labelset(s, pp->labels.data, pp->labels.len);
}

/* ---- frames: #\tPC\tFUNC+0xOFF\tFILE:LINE, or #\tPC ------------------------- */

typedef struct {
    const char *p;
    size_t n;
} slice;

/* Splits on runs of TABs; returns the field count (at most `max` + 1). */
static size_t split_tabs(const char *p, size_t n, slice *f, size_t max)
{
    size_t k = 0, i = 0;
    while (i < n) {
        while (i < n && p[i] == '\t')
            i++;
        if (i == n)
            break;
        size_t start = i;
        while (i < n && p[i] != '\t')
            i++;
        if (k == max)
            return max + 1;
        f[k].p = p + start;
        f[k].n = i - start;
        k++;
    }
    return k;
}

/* "main.f+0x27" -> "main.f" */
static size_t func_len(const char *p, size_t n)
{
    size_t i = n;
    while (i > 0 && p[i - 1] != '+')
        i--;
    uint64_t off;
    if (i > 1 && parse_hex(p + i, n - i, &off) == n - i)
        return i - 1;
    return n;
}

static bool split_file_line(slice f, size_t *file_len, uint32_t *line)
{
    size_t i = f.n;
    while (i > 0 && f.p[i - 1] != ':')
        i--;
    uint64_t v;
    if (i < 2 || i == f.n || parse_dec(f.p + i, f.n - i, UINT32_MAX, &v) != f.n - i)
        return false;
    *file_len = i - 1;
    *line = (uint32_t)v;
    return true;
}

static void note_main(st_pptext *pp, slice fn, uint64_t pc)
{
    pp_section *sec = cur_section(pp);
    if (sec && fn.n == 12 && memcmp(fn.p, "runtime.main", 12) == 0)
        sec->main_pc = pc + 1; /* '#' lines show PC-1 */
}

static void push_frame(st_pptext *pp, uint32_t frame, uint64_t off, uint32_t lineno)
{
    if (pp->frames.len >= STRAND_MAX_FRAMES) {
        if (!pp->cut_noted)
            st_diag(pp->s, off, lineno, STRAND_ERR_FORMAT, "too many frames; stack cut");
        pp->cut_noted = true;
        return;
    }
    uint32_t *slot = st_vec_push(&pp->s->alloc, &pp->frames, sizeof *slot);
    if (!slot) {
        pp->s->oom = true;
        return;
    }
    *slot = frame;
}

static void on_frame(st_pptext *pp, const char *p, size_t n, uint64_t off, uint32_t lineno)
{
    strand_snapshot *s = pp->s;
    if (!pp->in_rec) {
        st_diag(s, off, lineno, STRAND_ERR_FORMAT, "frame line outside a record");
        return;
    }
    pp->cur.nframes++;
    if (pp->dropping)
        return;
    slice f[3];
    size_t k = split_tabs(p, n, f, 3);
    uint64_t pc;
    size_t file_len = 0;
    uint32_t line = 0;
    if ((k != 1 && k != 3) || parse_hex(f[0].p, f[0].n, &pc) != f[0].n) {
        drop(pp, off, lineno, "malformed frame line");
        return;
    }
    if (k == 3 && !split_file_line(f[2], &file_len, &line)) {
        drop(pp, off, lineno, "frame line without FILE:LINE");
        return;
    }
    strand_str func, file = 0;
    if (k == 1) {
        func = st_intern(s, f[0].p, f[0].n);
    } else {
        f[1].n = func_len(f[1].p, f[1].n);
        note_main(pp, f[1], pc);
        func = st_intern(s, f[1].p, f[1].n);
        file = st_intern(s, f[2].p, file_len);
    }
    push_frame(pp, st_frame(s, func, file, line, 0), off, lineno);
}

/* ---- the line entry point ------------------------------------------------------ */

static const char labels_prefix[] = "# labels: ";
static const char memstats_line[] = "# runtime.MemStats";

bool st_pptext_line(st_pptext *pp, const char *p, size_t n, uint64_t off, uint32_t lineno)
{
    size_t name_len, used;
    uint64_t total, v[4];
    trim(&p, &n);
    if (pp->memstats) {
        if (n && p[0] == '#' && (n == 1 || p[1] == ' '))
            return true; /* "# Name = value" */
        pp->memstats = false;
    }
    if (n == 0) {
        flush(pp);
        return true;
    }
    if (p[0] == '#') {
        size_t lp = sizeof labels_prefix - 1, ml = sizeof memstats_line - 1;
        if (n >= lp && memcmp(p, labels_prefix, lp) == 0) {
            on_labels(pp, p + lp, n - lp, off, lineno);
        } else if (n > 1 && p[1] == '\t') {
            on_frame(pp, p + 1, n - 1, off, lineno);
        } else if (n == ml && memcmp(p, memstats_line, ml) == 0 && in_heap(pp)) {
            flush(pp);
            pp->memstats = true;
        } else if (!pp->in_rec) {
            return false; /* some other comment */
        } else if (!pp->dropping) {
            drop(pp, off, lineno, "malformed frame line");
        }
        return true;
    }
    if (is_record_line(p, n, false)) {
        on_record(pp, p, n, off, lineno);
        pp->seen = true;
        return true;
    }
    if (is_heap_record(p, n, false, &used, v)) {
        on_heap_record(pp, p, n, used, v[0], off, lineno);
        pp->seen = true;
        return true;
    }
    if (in_heap(pp) && is_heap_attempt(p, n)) {
        on_heap_malformed(pp, off, lineno);
        return true;
    }
    if (parse_header(p, n, &name_len, &total)) {
        on_header(pp, p, name_len, total, off, lineno);
        pp->seen = true;
        return true;
    }
    if (parse_heap_header(p, n, &total)) {
        on_heap_header(pp, total, off, lineno);
        pp->seen = true;
        return true;
    }
    flush(pp);
    return false;
}

/* ---- kinds --------------------------------------------------------------------- *
 * debug=1 hides the leading runtime frames, but not their PCs: the '@' list
 * holds one PC per logical frame (inlined ones included) ending in
 * runtime.goexit, so hidden = PCs - frame lines - 1. Then, per profile:
 *  - gopark's PC is the first PC of every parked goroutine. Records whose
 *    visible frames name the wait (time.Sleep, internal/poll.runtime_pollWait,
 *    sync.*) give it; else a first PC just after runtime.main (proc.go
 *    defines main() and, a few functions later, gopark()). A first PC that is
 *    not gopark's is a goroutine stopped while running (asyncPreempt...).
 *  - 3 hidden (gopark, chansend|chanrecv, chansend1|chanrecv1|chanrecv2; 4 in
 *    Go 1.13 with goparkunlock): a channel op. runtime/chan.go defines, in
 *    order, chansend1, chansend, chanrecv1, chanrecv2, chanrecv, and the
 *    linker keeps source order, so a record whose [caller PC, op PC] span lies
 *    wholly below another's is a send, wholly above a receive. With no such
 *    pair, two distinct caller PCs mean chanrecv1 and chanrecv2 (chansend1 has
 *    one call site); otherwise the direction stays unknown (STRAND_KIND_CHAN).
 *    Each op has two gopark sites, the nil-channel one first: two distinct op
 *    PCs among one direction mean the lower is a nil channel.
 *  - 2 hidden (gopark, selectgo|block): runtime/select.go defines block()
 *    before selectgo(); two distinct PCs mean the lower is select{}.
 */

enum { DIR_NONE, DIR_SEND, DIR_RECV, DIR_UNDET };

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* The most frequent value of v[0..n) (sorts v); *freq gets its count. */
static uint64_t mode_u64(uint64_t *v, size_t n, size_t *freq)
{
    qsort(v, n, sizeof *v, cmp_u64);
    uint64_t best = 0;
    size_t best_n = 0;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && v[j] == v[i])
            j++;
        if (j - i > best_n) {
            best_n = j - i;
            best = v[i];
        }
        i = j;
    }
    *freq = best_n;
    return best;
}

static bool is_park_kind(strand_kind k)
{
    return k != STRAND_KIND_UNKNOWN && k != STRAND_KIND_SYSCALL && k != STRAND_KIND_RUNNING &&
           k != STRAND_KIND_RUNNABLE && k != STRAND_KIND_OTHER && k != STRAND_KIND_RUNTIME;
}

static bool in_main_window(uint64_t pc, uint64_t main_pc)
{
    return main_pc && pc > main_pc && pc - main_pc <= MAIN_TO_GOPARK;
}

/* hidden and named for each record of r[0..n) */
static void count_hidden(strand_snapshot *s, pp_rec *r, size_t n, uint64_t *tmp)
{
    for (size_t i = 0; i < n; i++)
        tmp[i] = r[i].last;
    size_t freq;
    uint64_t goexit = mode_u64(tmp, n, &freq);
    bool known = n == 1 || freq >= 2;
    for (size_t i = 0; i < n; i++) {
        const strand_record *rec = (const strand_record *)s->records.data + r[i].rec;
        size_t nf;
        const uint32_t *fr = strand_stack_frames(s, rec->stack, &nf);
        int64_t h = (int64_t)r[i].npcs - (int64_t)r[i].nframes;
        if (r[i].npcs && (!known || r[i].last == goexit))
            h--; /* runtime.goexit */
        r[i].hidden = h < 0 ? 0 : (int32_t)h;
        r[i].named = (uint8_t)st_kind_from_frames(s, fr, nf);
        r[i].dir = DIR_NONE;
    }
}

enum { GOPARK_ANY = 0, GOPARK_NONE = 1, GOPARK_PC = 2 };

static int find_gopark(const pp_rec *r, size_t n, uint64_t main_pc, uint64_t *tmp, uint64_t *pc)
{
    size_t k = 0, freq;
    for (size_t i = 0; i < n; i++)
        if (r[i].hidden >= 1 && is_park_kind((strand_kind)r[i].named))
            tmp[k++] = r[i].pc[0];
    if (!k)
        for (size_t i = 0; i < n; i++)
            if (r[i].hidden >= 2 && r[i].named == STRAND_KIND_UNKNOWN &&
                in_main_window(r[i].pc[0], main_pc))
                tmp[k++] = r[i].pc[0];
    if (k) {
        *pc = mode_u64(tmp, k, &freq);
        return GOPARK_PC;
    }
    return main_pc ? GOPARK_NONE : GOPARK_ANY;
}

static bool parked(const pp_rec *r, int gp, uint64_t gopark)
{
    return r->named == STRAND_KIND_UNKNOWN && r->hidden >= 2 && r->hidden <= PC_KEEP &&
           (gp == GOPARK_ANY || (gp == GOPARK_PC && r->pc[0] == gopark));
}

/* caller PC (in chansend1/chanrecv1/chanrecv2) and op PC (in chansend/chanrecv) */
static uint64_t caller_pc(const pp_rec *r)
{
    return r->pc[r->hidden - 1];
}
static uint64_t op_pc(const pp_rec *r)
{
    return r->pc[r->hidden - 2];
}

/* Exactly 3 hidden PCs (4 in Go 1.13): more are another runtime wait, such
 * as an allocation parked until a GC starts (mallocgc, gcStart, semacquire
 * and the rest), whose PCs would only blur the channel layout. */
static bool chan_rec(const pp_rec *r, int gp, uint64_t gopark)
{
    return parked(r, gp, gopark) && r->hidden >= 3 && r->hidden <= 4 && caller_pc(r) < op_pc(r);
}

static void chan_directions(pp_rec *r, size_t n, int gp, uint64_t gopark)
{
    uint64_t max_caller = 0, min_op = UINT64_MAX, first_caller = 0;
    bool two_callers = false, any = false, decided = false;
    for (size_t i = 0; i < n; i++) {
        if (!chan_rec(&r[i], gp, gopark))
            continue;
        uint64_t c = caller_pc(&r[i]), o = op_pc(&r[i]);
        max_caller = c > max_caller ? c : max_caller;
        min_op = o < min_op ? o : min_op;
        two_callers |= any && c != first_caller;
        first_caller = any ? first_caller : c;
        any = true;
    }
    for (size_t i = 0; i < n; i++) {
        if (!chan_rec(&r[i], gp, gopark))
            continue;
        r[i].dir = op_pc(&r[i]) < max_caller   ? DIR_SEND
                   : caller_pc(&r[i]) > min_op ? DIR_RECV
                                               : DIR_UNDET;
        decided |= r[i].dir != DIR_UNDET;
    }
    for (size_t i = 0; i < n && !decided && two_callers; i++)
        if (r[i].dir == DIR_UNDET)
            r[i].dir = DIR_RECV;
}

/* Among one direction: exactly two distinct op PCs -> the lower is nil chan. */
static uint64_t nil_op_pc(const pp_rec *r, size_t n, uint8_t dir)
{
    uint64_t a = 0, b = 0;
    for (size_t i = 0; i < n; i++) {
        if (r[i].dir != dir)
            continue;
        uint64_t o = op_pc(&r[i]);
        if (!a || o == a)
            a = o;
        else if (!b || o == b)
            b = o;
        else
            return 0;
    }
    return a && b ? (a < b ? a : b) : 0;
}

/* Two distinct select PCs -> the lower is runtime.block (select {}). */
static uint64_t block_pc(const pp_rec *r, size_t n, int gp, uint64_t gopark)
{
    uint64_t a = 0, b = 0;
    for (size_t i = 0; i < n; i++) {
        if (!parked(&r[i], gp, gopark) || r[i].hidden != 2)
            continue;
        uint64_t z = r[i].pc[1];
        if (!a || z == a)
            a = z;
        else if (!b || z == b)
            b = z;
        else
            return 0;
    }
    return a && b ? (a < b ? a : b) : 0;
}

static strand_kind chan_kind(const pp_rec *r, const uint64_t nil_pc[4])
{
    static const strand_kind by_dir[4] = {STRAND_KIND_UNKNOWN, STRAND_KIND_CHAN_SEND,
                                          STRAND_KIND_CHAN_RECEIVE, STRAND_KIND_CHAN};
    if (nil_pc[r->dir] && op_pc(r) == nil_pc[r->dir])
        return STRAND_KIND_NIL_CHAN;
    return by_dir[r->dir];
}

static strand_kind record_kind(const pp_rec *r, int gp, uint64_t gopark, uint64_t blk,
                               const uint64_t nil_pc[4])
{
    if (r->named != STRAND_KIND_UNKNOWN)
        return (strand_kind)r->named;
    if (r->hidden == 0)
        return STRAND_KIND_RUNNABLE; /* stopped at a function prologue */
    if (gp == GOPARK_NONE || (gp == GOPARK_PC && r->pc[0] != gopark))
        return STRAND_KIND_RUNNABLE;
    if (r->dir != DIR_NONE)
        return chan_kind(r, nil_pc);
    if (parked(r, gp, gopark) && r->hidden == 2)
        return blk && r->pc[1] == blk ? STRAND_KIND_SELECT_NO_CASES : STRAND_KIND_SELECT;
    return STRAND_KIND_UNKNOWN;
}

static void classify_section(strand_snapshot *s, pp_rec *r, size_t n, uint64_t main_pc,
                             uint64_t *tmp)
{
    uint64_t gopark = 0, nil_pc[4] = {0, 0, 0, 0};
    count_hidden(s, r, n, tmp);
    int gp = find_gopark(r, n, main_pc, tmp, &gopark);
    chan_directions(r, n, gp, gopark);
    for (uint8_t d = DIR_SEND; d <= DIR_UNDET; d++)
        nil_pc[d] = nil_op_pc(r, n, d);
    uint64_t blk = block_pc(r, n, gp, gopark);
    strand_record *recs = s->records.data;
    for (size_t i = 0; i < n; i++)
        recs[r[i].rec].kind = (uint16_t)record_kind(&r[i], gp, gopark, blk, nil_pc);
}

/* Heap records: the kind from the frames alone, as for a protobuf sample
 * whose innermost frame is the user's code (read_proto.c: sample_kind). */
static void heap_kinds(strand_snapshot *s, const pp_rec *r, size_t n)
{
    strand_record *recs = s->records.data;
    for (size_t i = 0; i < n; i++) {
        strand_record *rec = &recs[r[i].rec];
        size_t nf, len = 0;
        const uint32_t *fr = strand_stack_frames(s, rec->stack, &nf);
        strand_kind k = st_kind_from_frames(s, fr, nf);
        if (k == STRAND_KIND_UNKNOWN && nf) {
            const strand_frame *f = strand_frame_get(s, fr[0]);
            const char *name = f ? strand_str_get(s, f->func, &len) : "";
            if (len >= 2 && name[0] != '?' && memcmp(name, "0x", 2) != 0 &&
                !(len > 8 && memcmp(name, "runtime.", 8) == 0))
                k = STRAND_KIND_RUNNABLE;
        }
        rec->kind = (uint16_t)k;
    }
}

void st_pptext_finish(st_pptext *pp)
{
    strand_snapshot *s = pp->s;
    flush(pp);
    check_total(pp);
    if (pp->seen && s->format == STRAND_FORMAT_UNKNOWN)
        s->format = STRAND_FORMAT_PPROF_TEXT;
    size_t n = pp->recs.len;
    uint64_t *tmp = n ? st_malloc(&s->alloc, n * sizeof *tmp) : NULL;
    if (n && !tmp) {
        s->oom = true;
        return;
    }
    pp_rec *r = pp->recs.data;
    const pp_section *sec = pp->sections.data;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && r[j].section == r[i].section)
            j++;
        if (sec[r[i].section].heap)
            heap_kinds(s, r + i, j - i);
        else
            classify_section(s, r + i, j - i, sec[r[i].section].main_pc, tmp);
        i = j;
    }
    st_free(&s->alloc, tmp, n * sizeof *tmp);
    pp->recs.len = 0;
}

/* ---- lifetime ------------------------------------------------------------------- */

st_pptext *st_pptext_new(strand_snapshot *s)
{
    st_pptext *pp = st_malloc(&s->alloc, sizeof *pp);
    if (!pp)
        return NULL;
    memset(pp, 0, sizeof *pp);
    pp->s = s;
    pp->labelset = STRAND_NONE;
    return pp;
}

void st_pptext_free(st_pptext *pp)
{
    if (!pp)
        return;
    const strand_alloc *a = &pp->s->alloc;
    st_vec_free(a, &pp->recs, sizeof(pp_rec));
    st_vec_free(a, &pp->sections, sizeof(pp_section));
    st_vec_free(a, &pp->frames, sizeof(uint32_t));
    st_vec_free(a, &pp->labels, sizeof(strand_label));
    st_vec_free(a, &pp->buf, 1);
    st_free(a, pp, sizeof *pp);
}
