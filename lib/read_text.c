/* read_text.c - every text form of goroutine report, read line by line:
 * tracebacks (runtime.Stack, pprof debug=2, panics, fatal errors, SIGQUIT and
 * crash dumps, go test timeouts), uber-go/goleak and gomega gleak reports,
 * also embedded in logs and indented. pprof debug=1 lines are handed to
 * read_pprof_text.c. Only the current block's frames are kept.
 *
 * Grammar: ../shared/docs/go-goroutine-formats.md sections 1, 4, 5 and 7;
 * the runtime side is runtime/traceback.go (goroutineheader, traceback2,
 * printcreatedby, printAncestorTraceback) and runtime/panic.go (printpanics). */
#include "internal.h"

#if defined(__SSE2__) && defined(__GNUC__)
#include <emmintrin.h>
#endif

#define MAX_INDENT 256u
#define MEMO_BITS 13
#define MEMO_SLOTS (1u << MEMO_BITS)
#define CREATOR_POS STRAND_MAX_FRAMES /* the memo position of "created by" */
#define LIT(s) s, (sizeof(s) - 1)
#if defined(__GNUC__)
#define ALWAYS_INLINE static inline __attribute__((always_inline)) /* the fast path's helpers */
#else
#define ALWAYS_INLINE static inline
#endif

enum mode { M_TEXT, M_PANIC, M_TESTS, M_G0, M_BLOCK, M_SKIP };
/* What the next line of a block may be: anything, the file line of a
 * function line, the file line of "created by", or (after "created by") only
 * an ancestor block or the end. */
enum expect { X_ANY, X_FILE, X_CFILE, X_DONE };
enum src { SRC_TRACE, SRC_GOLEAK, SRC_GLEAK, SRC__N };
enum effect { E_NONE, E_FRAME, E_CREATED };
enum hdr { H_NO, H_OK, H_BAD };
/* A function line is a Go frame, maybe one (kept until its file line
 * decides), a cgo "non-Go function at pc=" frame, or not a frame at all. */
enum fn { FN_GO, FN_MAYBE, FN_NONGO_PC, FN_NOT };

typedef struct header {
    uint64_t id, synctest;
    strand_str status;
    uint32_t labels;
    int32_t minutes;
    uint16_t flags;
} header;

typedef struct memo {
    uint64_t key; /* previous frame id << 32 | stack position */
    strand_str func, file;
    uint32_t line, flags, frame;
    /* for the fast path (frames_fast): the frame's file line as printed,
     * "FILE:LINE", is the interned file, ':' and these digits; ln_n == 0
     * when the frame has no such form (no file, or line 0) */
    uint8_t ln_n;
    char ln[11];
} memo;

#define SCACHE_BITS 8
typedef struct scache {
    uint64_t h;        /* ids_hash of the frames */
    uint32_t stack;    /* STRAND_NONE: empty slot */
    strand_str status; /* the status `kind` is for; 0: none yet */
    uint16_t kind;
    bool system;
} scache;

typedef struct block {
    header h;
    enum src src;
    uint32_t line;
    uint64_t off, creator_id, anc_id;
    uint32_t stack, created_by, anc_first, n_anc, anc_created_by, n_own;
    uint16_t kind;
    bool own_done, in_anc, capped, gleak;
    bool guess; /* header found after a log prefix: kept only with frames */
} block;

struct st_text {
    strand_alloc alloc;
    strand_snapshot *s;
    enum mode mode;
    enum expect expect;
    block b;
    uint32_t *frames; /* STRAND_MAX_FRAMES */
    size_t n_frames;
    memo *memo;           /* MEMO_SLOTS, or NULL until first used */
    memo memo_spare;      /* without memory for the memo */
    uint64_t gen;         /* in memo keys: bits 13 to 31 */
    scache scache[1u << SCACHE_BITS];
    char ind[MAX_INDENT]; /* the block's indentation */
    size_t ind_n;
    bool ind_lazy; /* header had a log prefix: take the indent from the next line */
    /* the function (or "created by") line waiting for its file line */
    strand_str pend_func;
    uint32_t pend_flags, pend_no;
    uint64_t pend_off;
    bool pend_copy; /* a FN_MAYBE line, kept in cand */
    bool pend_drop; /* the function line was cut: drop the frame */
    char *cand;     /* copy of a FN_MAYBE line */
    size_t cand_n, cand_cap;
    char *scratch; /* unquoted label strings */
    size_t scratch_cap;
    strand_label labels[STRAND_MAX_LABELS];
    strand_str dots; /* "..." for elision frames, interned on first use */
    strand_str status_cache[16];
    /* context */
    bool fresh; /* no block since the last text: a header here starts a dump */
    bool in_goleak, in_gleak, wrap;
    bool report_seen; /* a panic, fatal error, signal or go test output: a report, maybe empty */
    header wrap_h;
    uint32_t wrap_no;
    uint64_t wrap_off;
    /* pprof debug=1 */
    st_pptext *pp;
    bool pp_on;
    uint64_t count[SRC__N];
    int first_src;
    /* the current line, and what it did */
    uint64_t off;
    uint32_t no;
    size_t raw_n;
    bool any_line, entry_block, line_in_block;
    enum effect effect;
};

static void dispatch(st_text *t, const char *p, size_t n);
static void text_line(st_text *t, const char *p, size_t n);
static void end_block(st_text *t);

/* ---- small scanning helpers ----------------------------------------------- */

static bool is_digit(char c)
{
    return (unsigned char)(c - '0') < 10;
}

static bool is_ws(char c)
{
    return c == ' ' || c == '\t';
}

static size_t lead_ws(const char *p, size_t n)
{
    size_t i = 0;
    while (i < n && is_ws(p[i]))
        i++;
    return i;
}

static size_t rtrim(const char *p, size_t n)
{
    while (n && (is_ws(p[n - 1]) || p[n - 1] == '\r'))
        n--;
    return n;
}

static bool starts(const char *p, size_t n, const char *lit, size_t k)
{
    return n >= k && memcmp(p, lit, k) == 0;
}

static bool ends(const char *p, size_t n, const char *lit, size_t k)
{
    return n >= k && memcmp(p + n - k, lit, k) == 0;
}

static bool equals(const char *p, size_t n, const char *lit, size_t k)
{
    return n == k && memcmp(p, lit, k) == 0;
}

/* First occurrence of lit (k >= 1 bytes) in p[0..n), or NULL. Linear: k is
 * a small constant. */
static const char *find(const char *p, size_t n, const char *lit, size_t k)
{
    const char *end = p + n;
    while ((size_t)(end - p) >= k) {
        const char *c = memchr(p, lit[0], (size_t)(end - p) - k + 1);
        if (!c)
            return NULL;
        if (memcmp(c, lit, k) == 0)
            return c;
        p = c + 1;
    }
    return NULL;
}

/* Last occurrence of lit in p[0..n), or NULL. */
static const char *rfind(const char *p, size_t n, const char *lit, size_t k)
{
    for (size_t i = n; i >= k; i--)
        if (p[i - k] == lit[0] && memcmp(p + i - k, lit, k) == 0)
            return p + i - k;
    return NULL;
}

static const char *rchr(const char *p, size_t n, char c)
{
    while (n--)
        if (p[n] == c)
            return p + n;
    return NULL;
}

static unsigned digits10(uint32_t v)
{
    unsigned k = 1;
    while (v >= 10)
        v /= 10, k++;
    return k;
}

/* Decimal digits at p[*i]; false when there are none or on overflow (the
 * digits are consumed either way). */
static bool read_u64(const char *p, size_t n, size_t *i, uint64_t *out)
{
    size_t j = *i;
    uint64_t v = 0;
    bool ok = j < n && is_digit(p[j]);
    for (; j < n && is_digit(p[j]); j++) {
        unsigned d = (unsigned)(p[j] - '0');
        if (v > (UINT64_MAX - d) / 10)
            ok = false;
        v = v * 10 + d;
    }
    *i = j;
    *out = v;
    return ok;
}

/* The whole of p[0..n) as a decimal number. */
static bool whole_u64(const char *p, size_t n, uint64_t *out)
{
    size_t i = 0;
    return read_u64(p, n, &i, out) && i == n;
}

static const char *str_of(const strand_snapshot *s, strand_str id, size_t *n)
{
    const st_str_entry *e = (const st_str_entry *)s->strs.data + id;
    *n = e->len;
    return e->ptr;
}

static void diag_at(st_text *t, uint64_t off, uint32_t no, const char *msg)
{
    st_diag(t->s, off, no, STRAND_ERR_FORMAT, msg);
}

static void diag(st_text *t, const char *msg)
{
    diag_at(t, t->off, t->no, msg);
}

static bool grow(st_text *t, char **buf, size_t *cap, size_t need)
{
    if (need <= *cap)
        return true;
    size_t c = *cap ? *cap : 256;
    while (c < need)
        c *= 2;
    char *nb = st_realloc(&t->s->alloc, *buf, *cap, c);
    if (!nb) {
        t->s->oom = true;
        return false;
    }
    *buf = nb;
    *cap = c;
    return true;
}

/* ---- header: "goroutine N [status, extras]:" (traceback.go: goroutineheader) */

static size_t put_utf8(char *out, uint32_t r)
{
    if (r > 0x10ffff || (r >= 0xd800 && r <= 0xdfff))
        r = 0xfffd;
    if (r < 0x80) {
        out[0] = (char)r;
        return 1;
    }
    if (r < 0x800) {
        out[0] = (char)(0xc0 | (r >> 6));
        out[1] = (char)(0x80 | (r & 0x3f));
        return 2;
    }
    if (r < 0x10000) {
        out[0] = (char)(0xe0 | (r >> 12));
        out[1] = (char)(0x80 | ((r >> 6) & 0x3f));
        out[2] = (char)(0x80 | (r & 0x3f));
        return 3;
    }
    out[0] = (char)(0xf0 | (r >> 18));
    out[1] = (char)(0x80 | ((r >> 12) & 0x3f));
    out[2] = (char)(0x80 | ((r >> 6) & 0x3f));
    out[3] = (char)(0x80 | (r & 0x3f));
    return 4;
}

static int hexval(char c)
{
    if (is_digit(c))
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* `k` digits in base 8 or 16 at p; -1 when one is not a digit. */
static long digits_at(const char *p, size_t n, size_t k, int base)
{
    long v = 0;
    if (n < k)
        return -1;
    for (size_t i = 0; i < k; i++) {
        int d = base == 8 ? (p[i] >= '0' && p[i] <= '7' ? p[i] - '0' : -1) : hexval(p[i]);
        if (d < 0)
            return -1;
        v = v * base + d;
    }
    return v;
}

static const char simple_esc[] = "a\ab\bf\fn\nr\rt\tv\v\\\\\"\"''";

/* One escape at p[0] == '\\'; returns the bytes consumed, output in *o. */
static size_t unescape1(const char *p, size_t n, char *out, size_t *o)
{
    if (n >= 2) {
        for (const char *e = simple_esc; *e; e += 2)
            if (p[1] == e[0]) {
                out[(*o)++] = e[1];
                return 2;
            }
        size_t k = p[1] == 'x' ? 2 : p[1] == 'u' ? 4 : p[1] == 'U' ? 8 : 0;
        long v = k ? digits_at(p + 2, n - 2, k, 16) : digits_at(p + 1, n - 1, 3, 8);
        if (k == 0 && v > 255)
            v = -1;
        if (v >= 0 && k <= 2) { /* \xHH or \OOO: one byte */
            out[(*o)++] = (char)v;
            return 4;
        }
        if (v >= 0) {
            *o += put_utf8(out + *o, (uint32_t)v);
            return k + 2;
        }
    }
    out[(*o)++] = '\\';
    return 1;
}

/* Go %q escapes (strconv.Quote) into out, which has room for n bytes: no
 * escape decodes to more bytes than it takes. */
static size_t unquote(const char *p, size_t n, char *out)
{
    size_t o = 0;
    for (size_t i = 0; i < n;) {
        if (p[i] != '\\')
            out[o++] = p[i++];
        else
            i += unescape1(p + i, n - i, out, &o);
    }
    return o;
}

/* The index just past the closing quote of the string opening at p[i]. */
static bool skip_quoted(const char *p, size_t n, size_t *i)
{
    size_t j = *i + 1;
    while (j < n && p[j] != '"')
        j += p[j] == '\\' ? 2 : 1;
    if (j >= n)
        return false;
    *i = j + 1;
    return true;
}

static bool read_quoted(st_text *t, const char *p, size_t n, size_t *i, strand_str *out)
{
    size_t start = *i;
    if (start >= n || p[start] != '"' || !skip_quoted(p, n, i))
        return false;
    size_t len = *i - start - 2;
    if (!grow(t, &t->scratch, &t->scratch_cap, len + 1))
        return false;
    *out = st_intern(t->s, t->scratch, unquote(p + start + 1, len, t->scratch));
    return true;
}

static void skip_spaces(const char *p, size_t n, size_t *i)
{
    while (*i < n && p[*i] == ' ')
        (*i)++;
}

/* `{"k": "v", ...}` at p[*i] == '{' (Go 1.26 GODEBUG=tracebacklabels=1). */
static bool parse_labels(st_text *t, const char *p, size_t n, size_t *i, uint32_t *set)
{
    size_t k = 0;
    bool dropped = false;
    for ((*i)++;;) {
        skip_spaces(p, n, i);
        if (*i < n && p[*i] == '}')
            break;
        strand_label l;
        if (!read_quoted(t, p, n, i, &l.key))
            return false;
        skip_spaces(p, n, i);
        if (*i >= n || p[(*i)++] != ':')
            return false;
        skip_spaces(p, n, i);
        if (!read_quoted(t, p, n, i, &l.value))
            return false;
        if (k < STRAND_MAX_LABELS)
            t->labels[k++] = l;
        else
            dropped = true;
        skip_spaces(p, n, i);
        if (*i < n && p[*i] == ',')
            (*i)++;
        else if (*i >= n || p[*i] != '}')
            return false;
    }
    (*i)++;
    if (dropped)
        diag(t, "more than STRAND_MAX_LABELS labels; the rest dropped");
    *set = st_labelset(t->s, t->labels, k);
    return true;
}

/* The bracket's closing ']' from p[b]: statuses hold no ']', label values
 * may, so a labels:{...} part is skipped quote by quote. */
static bool bracket_end(const char *p, size_t n, size_t b, size_t *end)
{
    const char *close = memchr(p + b, ']', n - b);
    const char *lab = find(p + b, (size_t)((close ? close : p + n) - (p + b)), LIT("labels:{"));
    if (lab) {
        size_t i = (size_t)(lab - p) + 8;
        for (;;) {
            skip_spaces(p, n, &i);
            if (i >= n)
                return false;
            if (p[i] == '}')
                break;
            if (p[i] == '"') {
                if (!skip_quoted(p, n, &i))
                    return false;
            } else {
                i++;
            }
        }
        close = memchr(p + i, ']', n - i);
    }
    if (!close)
        return false;
    *end = (size_t)(close - p);
    return true;
}

/* The status word minus the runtime-added flags " (leaked)", " (scan)",
 * " (durable)" (goroutineheader appends them in that order). */
static strand_str status_of(st_text *t, const char *p, size_t n, uint16_t *flags)
{
    for (bool again = true; again;) {
        again = false;
        n = rtrim(p, n);
        if (ends(p, n, LIT(" (leaked)"))) {
            *flags |= STRAND_G_LEAKED;
            n -= 9, again = true;
        } else if (ends(p, n, LIT(" (scan)"))) {
            *flags |= STRAND_G_SCAN;
            n -= 7, again = true;
        } else if (ends(p, n, LIT(" (durable)"))) {
            *flags |= STRAND_G_DURABLE;
            n -= 10, again = true;
        }
    }
    /* a small cache: a dump has few distinct statuses */
    strand_str *c = &t->status_cache[n ? (n + (unsigned char)p[0] * 3 + (unsigned char)p[n - 1]) & 15 : 0];
    if (*c && !t->s->oom) {
        size_t ln;
        const char *last = str_of(t->s, *c, &ln);
        if (ln == n && memcmp(last, p, n) == 0)
            return *c;
    }
    return *c = st_intern(t->s, p, n);
}

/* One ", "-separated extra: "N minutes", "locked to thread",
 * "synctest group N" (1.24), "synctest bubble N" (1.25+). Others ignored. */
static void extra_part(st_text *t, const char *p, size_t n, header *h)
{
    uint64_t v;
    size_t lead = lead_ws(p, n);
    p += lead;
    n = rtrim(p, n - lead);
    if (equals(p, n, LIT("locked to thread"))) {
        h->flags |= STRAND_G_LOCKED;
    } else if (ends(p, n, LIT(" minutes")) && whole_u64(p, n - 8, &v)) {
        if (v <= INT32_MAX)
            h->minutes = (int32_t)v;
        else
            diag(t, "wait minutes out of range");
    } else if (starts(p, n, LIT("synctest group ")) || starts(p, n, LIT("synctest bubble "))) {
        size_t k = p[9] == 'g' ? 15 : 16;
        if (!whole_u64(p + k, n - k, &h->synctest))
            diag(t, "bad synctest id in goroutine header");
    }
}

/* The parts of p[0..n); the first is the status when `status` is set. */
static bool parts(st_text *t, const char *p, size_t n, header *h, bool status)
{
    while (n || status) {
        const char *c = find(p, n, LIT(", "));
        size_t k = c ? (size_t)(c - p) : n;
        if (status) {
            h->status = status_of(t, p, k, &h->flags);
            if (!h->status)
                return false;
            status = false;
        } else if (k) {
            extra_part(t, p, k, h);
        }
        if (!c)
            break;
        p += k + 2;
        n -= k + 2;
    }
    return true;
}

/* The bracket's content (goleak prints it verbatim as the "state"). */
static bool parse_state(st_text *t, const char *p, size_t n, header *h)
{
    h->minutes = -1;
    h->labels = STRAND_NONE;
    const char *lab = find(p, n, LIT("labels:{"));
    if (!lab)
        return parts(t, p, n, h, true);
    size_t i = (size_t)(lab - p) + 7;
    if (!parse_labels(t, p, n, &i, &h->labels))
        return false;
    return parts(t, p, (size_t)(lab - p), h, true) && parts(t, p + i, n - i, h, false);
}

/* " gp=0x.. m=N mp=0x.." or " gp=0x.. m=nil" (1.22+, level >= 2). */
static bool skip_gpinfo(const char *p, size_t n, size_t *i)
{
    while (*i + 1 < n && p[*i] == ' ' && p[*i + 1] != '[') {
        const char *q = p + *i + 1;
        size_t m = n - *i - 1;
        if (!starts(q, m, LIT("gp=")) && !starts(q, m, LIT("m=")) && !starts(q, m, LIT("mp=")))
            return false;
        const char *sp = memchr(q, ' ', m);
        if (!sp)
            return false;
        *i = (size_t)(sp - p);
    }
    return true;
}

/* p starts with "goroutine ". gleak prints "goroutine N [state]" (no colon). */
static enum hdr parse_header(st_text *t, const char *p, size_t n, bool gleak, header *h,
                             const char **why)
{
    size_t i = 10, end;
    memset(h, 0, sizeof *h);
    if (i >= n || !is_digit(p[i]))
        return H_NO;
    bool id_ok = read_u64(p, n, &i, &h->id);
    bool gp = starts(p + i, n - i, LIT(" gp="));
    if (!gp && !starts(p + i, n - i, LIT(" [")))
        return H_NO;
    *why = "malformed goroutine header";
    if (!id_ok) {
        *why = "goroutine id out of range";
        return H_BAD;
    }
    if (gp && !skip_gpinfo(p, n, &i))
        return H_BAD;
    if (!starts(p + i, n - i, LIT(" [")))
        return H_BAD;
    i += 2;
    if (!bracket_end(p, n, i, &end)) {
        *why = "unterminated bracket in goroutine header";
        return H_BAD;
    }
    if (end + 1 + !gleak != n || (!gleak && p[end + 1] != ':'))
        return H_BAD;
    if (!parse_state(t, p + i, end - i, h)) {
        *why = "malformed state in goroutine header";
        return H_BAD;
    }
    return H_OK;
}

/* ---- frames ------------------------------------------------------------------ */

/* Classifies a function line; *name_n is the length of the function name:
 * everything before the '(' that opens the argument list, found by matching
 * parentheses from the end since receivers hold "(*T)". Inlined frames print
 * "(...)"; symbolized C frames print no parentheses at all (traceback.go:
 * traceback2, printArgs, printOneCgoTraceback). */
static enum fn classify(const char *p, size_t n, size_t *name_n, uint32_t *flags)
{
    *flags = 0;
    *name_n = n;
    if (starts(p, n, LIT("non-Go function"))) {
        *name_n = 15;
        *flags = STRAND_FRAME_NON_GO;
        return n == 15 ? FN_GO : starts(p, n, LIT("non-Go function at pc=")) ? FN_NONGO_PC : FN_NOT;
    }
    if (n && p[n - 1] == ')') {
        size_t depth = 0, i = n;
        while (i-- > 0 && !(p[i] == '(' && --depth == 0))
            depth += p[i] == ')';
        if (i + 1 > 1) { /* found, and not at 0 */
            *name_n = i;
            if (equals(p + i + 1, n - i - 2, LIT("...")))
                *flags = STRAND_FRAME_INLINED;
            return memchr(p, ' ', i) || memchr(p, '\t', i) ? FN_MAYBE : FN_GO;
        }
    }
    const char *paren = rchr(p, n, '(');
    if (paren) {
        *name_n = (size_t)(paren - p);
        return paren > p ? FN_MAYBE : FN_NOT;
    }
    if (memchr(p, ' ', n) || memchr(p, '\t', n))
        return FN_NOT;
    *flags = STRAND_FRAME_NON_GO;
    return FN_MAYBE;
}

static bool is_hexish(char c)
{
    return is_digit(c) || (c >= 'a' && c <= 'f') || c == 'x';
}

/* The length of p without its suffix tokens " +0x1f", " fp=0x..", " sp=0x..",
 * " pc=0x.." (or a lone "pc=0x..": cgo), scanning back over each token only. */
static size_t strip_suffixes(const char *p, size_t n)
{
    for (;;) {
        size_t i = n;
        while (i > 0 && is_hexish(p[i - 1]))
            i--;
        if (i >= 2 && p[i - 1] == '+' && p[i - 2] == ' ' && starts(p + i, n - i, LIT("0x"))) {
            n = i - 2;
        } else if (i >= 3 && p[i - 1] == '=' && (i == 3 || p[i - 4] == ' ') &&
                   (starts(p + i - 3, 2, LIT("fp")) || starts(p + i - 3, 2, LIT("sp")) ||
                    starts(p + i - 3, 2, LIT("pc")))) {
            n = i == 3 ? 0 : i - 4;
        } else {
            return n;
        }
    }
}

/* "FILE:LINE[ +0xOFF][ fp=0x.. sp=0x.. pc=0x..]"; C frames end in " pc=0x.."
 * or are "pc=0x.." alone (traceback.go: traceback2, printOneCgoTraceback).
 * The line number follows the last colon: Windows paths hold "C:", and any
 * path may hold spaces. Returns the length of the file name. */
static size_t file_part(st_text *t, const char *p, size_t n, uint32_t *line)
{
    n = strip_suffixes(p, n);
    size_t d = n;
    uint64_t v = 0, place = 1;
    for (; d > 0 && is_digit(p[d - 1]) && n - d < 19; d--, place *= 10)
        v += (uint64_t)(p[d - 1] - '0') * place;
    *line = 0;
    if (d == n || d == 0 || (p[d - 1] != ':' && !is_digit(p[d - 1])))
        return n;
    if (p[d - 1] == ':' && v <= UINT32_MAX) {
        *line = (uint32_t)v;
    } else { /* over 19 digits, or too large */
        while (d > 0 && is_digit(p[d - 1]))
            d--;
        if (d == 0 || p[d - 1] != ':')
            return n;
        diag(t, "line number out of range");
    }
    return d - 1;
}

static strand_str intern_file(st_text *t, const char *p, size_t n, uint32_t *line)
{
    return st_intern(t->s, p, file_part(t, p, n, line));
}

/* The memo: the frame last seen at a stack position after a given frame (or,
 * at the top, under a given status). Dumps repeat stacks, so most lines match
 * it with one memcmp instead of hashing and probing the interning tables. */
/* The memo is allocated on first use: a pprof text profile never needs it,
 * and its pages cost page faults. Without memory, one spare slot serves (the
 * snapshot is marked oom: the read fails). */
static bool memo_alloc(st_text *t)
{
    t->memo = st_malloc(&t->alloc, MEMO_SLOTS * sizeof *t->memo);
    if (!t->memo) {
        t->s->oom = true;
        return false;
    }
    for (size_t i = 0; i < MEMO_SLOTS; i++)
        t->memo[i] = (memo){0, 0, 0, 0, 0, STRAND_NONE, 0, {0}};
    return true;
}

static memo *memo_at(st_text *t, uint32_t pos)
{
    if (!t->memo && !memo_alloc(t)) {
        t->memo_spare = (memo){0, 0, 0, 0, 0, STRAND_NONE, 0, {0}};
        return &t->memo_spare;
    }
    uint32_t prev = t->n_frames ? t->frames[t->n_frames - 1] : t->b.h.status;
    uint64_t key = (uint64_t)prev << 32 | t->gen << 13 | pos;
    memo *m = &t->memo[(key * 0x9e3779b97f4a7c15ull) >> (64 - MEMO_BITS)];
    if (m->key != key)
        *m = (memo){key, 0, 0, 0, 0, STRAND_NONE, 0, {0}};
    return m;
}

static bool same_str(st_text *t, strand_str id, const char *p, size_t n)
{
    size_t ln;
    const char *s = str_of(t->s, id, &ln);
    return id && ln == n && memcmp(s, p, n) == 0;
}

static strand_str memo_func(st_text *t, memo *m, const char *p, size_t n)
{
    if (!same_str(t, m->func, p, n)) {
        m->func = st_intern(t->s, p, n);
        m->frame = STRAND_NONE;
    }
    return m->func;
}

ALWAYS_INLINE const char *file_text(const st_text *t, const memo *m, const char *q,
                                    const char *end);

static uint32_t memo_frame(st_text *t, memo *m, strand_str func, uint32_t flags, const char *p,
                           size_t n)
{
    if (m->frame != STRAND_NONE && m->func == func && m->flags == flags && m->ln_n &&
        file_text(t, m, p, p + n) == p + n)
        return m->frame; /* what the general check below would find, for less */
    uint32_t line;
    size_t fn = file_part(t, p, n, &line);
    if (m->frame != STRAND_NONE && m->func == func && m->line == line && m->flags == flags &&
        (fn ? same_str(t, m->file, p, fn) : !m->file))
        return m->frame;
    m->func = func;
    m->file = st_intern(t->s, p, fn);
    m->line = line;
    m->flags = flags;
    m->frame = st_frame(t->s, func, m->file, line, flags);
    m->ln_n = 0;
    if (m->file && line) /* digits of the line number, for frames_fast */
        for (uint32_t v = line, k = m->ln_n = (uint8_t)digits10(line); k-- > 0; v /= 10)
            m->ln[k] = (char)('0' + v % 10);
    return m->frame;
}

static void over_cap(st_text *t)
{
    if (!t->b.capped)
        diag(t, "stack over STRAND_MAX_FRAMES frames; cut");
    t->b.capped = true;
    if (!t->b.in_anc)
        t->b.h.flags |= STRAND_G_TRUNCATED;
}

static bool full(st_text *t)
{
    if (t->n_frames < STRAND_MAX_FRAMES)
        return false;
    over_cap(t);
    return true;
}

static void push_frame(st_text *t, uint32_t id)
{
    if (id == STRAND_NONE || full(t))
        return;
    t->frames[t->n_frames++] = id;
    t->effect = E_FRAME;
}

/* Whether p[0..n) holds '(' or ')': 0x28 and 0x29 differ in bit 0 only, so
 * eight bytes at a time: OR in bit 0, then look for a 0x29 byte. */
static bool has_paren(const char *p, size_t n)
{
    const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t v;
        memcpy(&v, p + i, 8);
        v = (v | ones) ^ (ones * 0x29);
        if ((v - ones) & ~v & highs)
            return true;
    }
    for (; i < n; i++)
        if ((p[i] | 1) == ')')
            return true;
    return false;
}

/* The memo's function at this position, when the line is that function
 * followed by an argument list free of parentheses: most lines of a dump. */
static bool memo_hit(st_text *t, const memo *mo, const char *q, size_t m, uint32_t *flags)
{
    size_t ln;
    const char *name = str_of(t->s, mo->func, &ln);
    if (!mo->func || m < ln + 2 || q[ln] != '(' || q[m - 1] != ')' || memcmp(q, name, ln) != 0 ||
        has_paren(q + ln + 1, m - ln - 2))
        return false;
    *flags = equals(q + ln + 1, m - ln - 2, LIT("...")) ? STRAND_FRAME_INLINED : 0;
    return true;
}

static void pend(st_text *t, bool copy, uint32_t flags)
{
    t->expect = X_FILE;
    t->pend_off = t->off;
    t->pend_no = t->no;
    t->pend_copy = copy;
    t->pend_drop = false;
    t->pend_flags = flags;
    t->pend_func = 0;
}

static void func_line(st_text *t, const char *p, size_t n, const char *q, size_t m)
{
    size_t nn;
    uint32_t fl;
    memo *mo = t->n_frames < STRAND_MAX_FRAMES ? memo_at(t, (uint32_t)t->n_frames) : NULL;
    if (mo && memo_hit(t, mo, q, m, &fl)) {
        pend(t, false, fl);
        t->pend_func = mo->func;
        return;
    }
    enum fn c = classify(q, m, &nn, &fl);
    if (c == FN_NOT) {
        end_block(t);
        text_line(t, p, n);
    } else if (c == FN_NONGO_PC) { /* <= 1.20 printCgoTraceback: no file line */
        if (!full(t))
            push_frame(t, st_frame(t->s, st_intern(t->s, q, nn), 0, 0, fl));
    } else if (c == FN_MAYBE) {
        pend(t, true, fl);
        t->cand_n = grow(t, &t->cand, &t->cand_cap, m) ? m : 0;
        if (t->cand_n)
            memcpy(t->cand, q, m);
    } else {
        pend(t, false, fl);
        if (!full(t))
            t->pend_func = memo_func(t, mo, q, nn);
    }
}

static void file_line(st_text *t, const char *q, size_t m)
{
    strand_str func = t->pend_func;
    uint32_t fl = t->pend_flags;
    t->expect = X_ANY;
    if (t->pend_drop || full(t))
        return;
    if (t->pend_copy) {
        size_t nn;
        classify(t->cand, t->cand_n, &nn, &fl);
        func = st_intern(t->s, t->cand, nn);
    }
    push_frame(t, memo_frame(t, memo_at(t, (uint32_t)t->n_frames), func, fl, q, m));
}

/* "...N frames elided..." mid-stack (1.21+) and "...additional frames
 * elided..." at the end (<= 1.20, and ancestors) (traceback.go: traceback2,
 * printAncestorTraceback). */
static bool elided_line(st_text *t, const char *q, size_t m)
{
    uint64_t v = 0;
    bool end = equals(q, m, LIT("...additional frames elided..."));
    if (!end && (m < 21 || !starts(q, m, LIT("...")) || !ends(q, m, LIT(" frames elided...")) ||
                 !whole_u64(q + 3, m - 20, &v)))
        return false;
    if (!t->dots)
        t->dots = st_intern(t->s, LIT("..."));
    uint32_t line = v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
    push_frame(t, st_frame(t->s, t->dots, 0, line, STRAND_FRAME_ELIDED));
    if (end && !t->b.in_anc)
        t->b.h.flags |= STRAND_G_TRUNCATED;
    return true;
}

/* ---- blocks ------------------------------------------------------------------ */

/* A system goroutine starts in package runtime, runtime.main excepted
 * (traceback.go: isSystemGoroutine). At GOTRACEBACK=system the outermost
 * frame is runtime.goexit, so the start function is the one above it. */
static bool is_system(st_text *t)
{
    const strand_frame *fr = t->s->frames.data;
    for (size_t i = t->n_frames; i-- > 0;) {
        const strand_frame *f = &fr[t->frames[i]];
        size_t n;
        const char *name = str_of(t->s, f->func, &n);
        if (f->flags & STRAND_FRAME_ELIDED)
            return false;
        if (equals(name, n, LIT("runtime.goexit")))
            continue;
        return starts(name, n, LIT("runtime.")) && !equals(name, n, LIT("runtime.main")) &&
               !equals(name, n, LIT("runtime.corostart"));
    }
    return false;
}

/* A hash of the frame ids, for the stack cache. */
static uint64_t ids_hash(const uint32_t *f, size_t n)
{
    uint64_t h = n * 0x9e3779b97f4a7c15ull;
    size_t i = 0;
    for (; i + 2 <= n; i += 2)
        h = (h ^ ((uint64_t)f[i] << 32 | f[i + 1])) * 0xff51afd7ed558ccdull;
    if (i < n)
        h = (h ^ f[i]) * 0xff51afd7ed558ccdull;
    return h ^ (h >> 31);
}

/* The stack cache: dumps repeat stacks, so the id, system flag and kind of
 * the current frames are usually known from a goroutine before, found by a
 * hash of the ids and one comparison instead of interning. */
static scache *stack_cached(st_text *t)
{
    uint64_t h = ids_hash(t->frames, t->n_frames);
    scache *c = &t->scache[h >> (64 - SCACHE_BITS)];
    size_t n;
    const uint32_t *fr;
    if (c->stack != STRAND_NONE && c->h == h &&
        (fr = strand_stack_frames(t->s, c->stack, &n), n == t->n_frames) &&
        (n == 0 || memcmp(fr, t->frames, n * sizeof *fr) == 0))
        return c;
    uint32_t id = st_stack(t->s, t->frames, t->n_frames);
    if (id == STRAND_NONE)
        return NULL;
    *c = (scache){h, id, 0, 0, is_system(t)};
    return c;
}

/* The goroutine's own frames are complete: intern the stack, find the kind. */
static void close_own(st_text *t)
{
    block *b = &t->b;
    if (b->own_done)
        return;
    b->own_done = true;
    b->n_own = (uint32_t)t->n_frames;
    scache *c = stack_cached(t);
    if (!c || t->s->oom)
        return;
    b->stack = c->stack;
    if (!c->status || c->status != b->h.status) {
        size_t sn;
        const char *st = str_of(t->s, b->h.status, &sn);
        strand_kind k = st_kind_from_status(st, sn);
        c->kind = (uint16_t)st_kind_refine(t->s, k, t->frames, t->n_frames);
        c->status = b->h.status;
    }
    b->kind = c->kind;
    if (b->h.id == 0 || c->system)
        b->h.flags |= STRAND_G_SYSTEM;
}

static void close_anc(st_text *t)
{
    block *b = &t->b;
    b->in_anc = false;
    strand_ancestor *a = st_add_ancestor(t->s);
    if (!a)
        return;
    a->id = b->anc_id;
    a->stack = st_stack(t->s, t->frames, t->n_frames);
    a->created_by = b->anc_created_by;
    if (b->n_anc++ == 0)
        b->anc_first = (uint32_t)(t->s->ancestors.len - 1);
}

static void set_creator(st_text *t, uint32_t frame)
{
    if (t->b.in_anc)
        t->b.anc_created_by = frame;
    else
        t->b.created_by = frame;
    t->effect = E_CREATED;
}

/* "created by" with its file line missing: keep the function. */
static void creator_without_file(st_text *t)
{
    diag_at(t, t->pend_off, t->pend_no, "created by line without a file line");
    set_creator(t, st_frame(t->s, t->pend_func, 0, 0, 0));
    t->expect = X_DONE;
}

static void emit(st_text *t)
{
    block *b = &t->b;
    strand_goroutine *g = st_add_goroutine(t->s);
    if (!g)
        return;
    g->id = b->h.id;
    g->creator_id = b->creator_id;
    g->synctest = b->h.synctest;
    g->status = b->h.status;
    g->stack = b->stack;
    g->created_by = b->created_by;
    g->labels = b->h.labels;
    g->ancestors = b->n_anc ? b->anc_first : STRAND_NONE;
    g->n_ancestors = b->n_anc;
    g->wait_minutes = b->h.minutes;
    g->line = b->line;
    g->kind = b->kind;
    g->flags = b->h.flags;
    if (!t->count[SRC_TRACE] && !t->count[SRC_GOLEAK] && !t->count[SRC_GLEAK])
        t->first_src = (int)b->src;
    t->count[b->src]++;
}

static void end_block(st_text *t)
{
    block *b = &t->b;
    if (t->expect == X_CFILE)
        creator_without_file(t);
    if (b->in_anc)
        close_anc(t);
    close_own(t);
    bool empty = !b->n_own && !(b->h.flags & (STRAND_G_NO_STACK | STRAND_G_TRUNCATED));
    if (empty && !b->guess)
        diag_at(t, b->off, b->line, "goroutine block without frames");
    if (!empty || !b->guess)
        emit(t);
    t->mode = M_TEXT;
    t->expect = X_ANY;
    t->fresh = false;
}

static void open_block(st_text *t, const header *h, enum src src, const char *ind, size_t w)
{
    block *b = &t->b;
    memset(b, 0, sizeof *b);
    b->h = *h;
    b->src = src;
    b->line = t->no;
    b->off = t->off;
    b->stack = b->created_by = b->anc_created_by = STRAND_NONE;
    b->h.flags |= STRAND_G_HAS_ID;
    size_t sn;
    const char *st = str_of(t->s, h->status, &sn);
    if (src == SRC_TRACE && t->fresh && equals(st, sn, LIT("running")))
        b->h.flags |= STRAND_G_CURRENT; /* the panicking or dumping goroutine */
    memmove(t->ind, ind, w);
    t->ind_n = w;
    t->ind_lazy = false;
    t->mode = M_BLOCK;
    t->expect = X_ANY;
    t->n_frames = 0;
    t->fresh = false;
    t->wrap = false;
}

/* "created by F[ in goroutine N]" (traceback.go: printcreatedby; the
 * creator's id since 1.21). It ends the goroutine's own frames. */
static strand_str creator_func(st_text *t, const char *q, size_t m)
{
    const char *sp = memchr(q, ' ', m);
    size_t nn = sp ? (size_t)(sp - q) : m;
    if (!t->b.in_anc) {
        close_own(t);
        if (starts(q + nn, m - nn, LIT(" in goroutine ")) &&
            !whole_u64(q + nn + 14, m - nn - 14, &t->b.creator_id)) {
            diag(t, "bad creator goroutine id");
            t->b.creator_id = 0;
        }
    }
    return memo_func(t, memo_at(t, CREATOR_POS), q, nn);
}

static void created_line(st_text *t, const char *q, size_t m)
{
    t->pend_func = creator_func(t, q + 11, m - 11);
    t->pend_copy = false;
    t->pend_off = t->off;
    t->pend_no = t->no;
    t->expect = X_CFILE;
}

static void creator_file(st_text *t, const char *q, size_t m)
{
    set_creator(t, memo_frame(t, memo_at(t, CREATOR_POS), t->pend_func, 0, q, m));
    t->expect = X_DONE;
}

/* "[originating from goroutine N]:" (GODEBUG=tracebackancestors;
 * traceback.go: printAncestorTraceback). */
static void ancestor_line(st_text *t, const char *q, size_t m)
{
    uint64_t id;
    if (m < 31 || !ends(q, m, LIT("]:")) || !whole_u64(q + 28, m - 30, &id)) {
        diag(t, "malformed ancestor header");
        return;
    }
    if (t->b.in_anc)
        close_anc(t);
    else
        close_own(t);
    t->b.in_anc = true;
    t->b.anc_id = id;
    t->b.anc_created_by = STRAND_NONE;
    t->n_frames = 0;
    t->expect = X_ANY;
}

/* The function line before this one got no file line. A clear Go function
 * line makes a malformed frame; anything else was text after the block.
 * Returns false when the block ended (the caller re-reads the line). */
static bool unpaired(st_text *t)
{
    t->expect = X_ANY;
    if (t->pend_drop)
        return true;
    if (!t->pend_copy) {
        diag_at(t, t->pend_off, t->pend_no, "function line without a file line");
        return true;
    }
    end_block(t);
    uint64_t off = t->off;
    uint32_t no = t->no;
    t->off = t->pend_off;
    t->no = t->pend_no;
    text_line(t, t->cand, t->cand_n);
    t->off = off;
    t->no = no;
    return false;
}

static void tab_line(st_text *t, const char *q, size_t m)
{
    if (t->expect == X_FILE)
        file_line(t, q, m);
    else if (t->expect == X_CFILE)
        creator_file(t, q, m);
    else if (equals(q, m, LIT("goroutine running on other thread; stack unavailable")))
        t->b.h.flags |= STRAND_G_NO_STACK;
    else
        diag(t, "file line without a function line");
}

static void content_line(st_text *t, const char *p, size_t n, const char *q, size_t m)
{
    bool ends_block = t->expect == X_DONE;
    switch (q[0]) { /* most lines are function lines: test the first byte first */
    case '[':
        if (starts(q, m, LIT("[originating from goroutine "))) {
            ancestor_line(t, q, m);
            return;
        }
        break;
    case ']':
        ends_block |= m == 1;
        break;
    case 'g':
        ends_block |= starts(q, m, LIT("goroutine "));
        break;
    case 'c':
        if (!ends_block && starts(q, m, LIT("created by "))) {
            created_line(t, q, m);
            return;
        }
        break;
    case '.':
        if (!ends_block && elided_line(t, q, m))
            return;
        break;
    }
    if (ends_block) {
        end_block(t);
        text_line(t, p, n);
    } else {
        func_line(t, p, n, q, m);
    }
}

/* gleak: "FUNC(args) at dir/file.go:LINE" and "created by F[ in goroutine N]
 * at ...", one line per frame, indented under "goroutine N [state]"
 * (gomega gleak/have_leaked_matcher.go: listGoroutines). */
static void gleak_line(st_text *t, const char *p, size_t n)
{
    size_t w = lead_ws(p, n);
    const char *q = p + w, *at = w < n && w > t->ind_n ? rfind(q, n - w, LIT(" at ")) : NULL;
    if (!at) {
        end_block(t);
        text_line(t, p, n);
        return;
    }
    size_t m = (size_t)(at - q), nn;
    uint32_t fl, line;
    strand_str file, func;
    if (t->b.own_done || (!starts(q, m, LIT("created by ")) && full(t)))
        return;
    file = intern_file(t, at + 4, n - (size_t)(at + 4 - p), &line);
    if (starts(q, m, LIT("created by "))) {
        func = creator_func(t, q + 11, m - 11);
        set_creator(t, st_frame(t->s, func, file, line, 0));
        return;
    }
    classify(q, m, &nn, &fl);
    push_frame(t, st_frame(t->s, st_intern(t->s, q, nn), file, line, fl));
}

/* Where a file line's text starts in q, or 0 when q is no file line. The
 * runtime indents it with a TAB; dumps pasted through tools that expand tabs
 * use spaces, accepted where a file line is due and the text holds a ':'. */
static size_t file_indent(const st_text *t, const char *q, size_t m)
{
    if (q[0] == '\t')
        return 1;
    if (q[0] != ' ' || !((t->expect == X_FILE && !t->pend_copy) || t->expect == X_CFILE))
        return 0;
    size_t w = lead_ws(q, m);
    return w < m && memchr(q + w, ':', m - w) ? w : 0;
}

static void block_line(st_text *t, const char *p, size_t n)
{
    if (t->b.gleak) {
        gleak_line(t, p, n);
        return;
    }
    if (t->ind_lazy && n) {
        size_t w = lead_ws(p, n);
        t->ind_n = w <= MAX_INDENT ? w : 0;
        memcpy(t->ind, p, t->ind_n);
        t->ind_lazy = false;
    }
    /* lines arrive right-trimmed: n == 0 is an empty or blank line */
    bool ours = n > t->ind_n && (!t->ind_n || memcmp(p, t->ind, t->ind_n) == 0);
    const char *q = p + t->ind_n;
    size_t fw = ours ? file_indent(t, q, n - t->ind_n) : 0;
    if (t->expect == X_FILE && !fw && !unpaired(t)) {
        dispatch(t, p, n);
        return;
    }
    if (t->expect == X_CFILE && !fw)
        creator_without_file(t);
    if (n == 0) {
        end_block(t);
    } else if (fw) {
        tab_line(t, q + fw, n - t->ind_n - fw);
    } else if (!ours || q[0] == ' ' || q[0] == '\t') {
        end_block(t);
        text_line(t, p, n);
    } else {
        content_line(t, p, n, q, n - t->ind_n);
    }
}

/* The rest of a block whose header was malformed: dropped up to an empty
 * line, a line outside its indentation, or the next header. */
static void skip_line(st_text *t, const char *p, size_t n)
{
    size_t w = lead_ws(p, n);
    bool ours = w < n && w >= t->ind_n && memcmp(p, t->ind, t->ind_n) == 0;
    if (ours && !starts(p + w, n - w, LIT("goroutine ")) && !equals(p + w, n - w, LIT("]")))
        return;
    t->mode = M_TEXT;
    if (w < n)
        text_line(t, p, n);
}

/* ---- text around the blocks ------------------------------------------------ */

static bool try_header(st_text *t, const char *p, size_t n, size_t w)
{
    const char *q = p + w, *why = NULL;
    size_t m = n - w;
    header h;
    if (w > MAX_INDENT || !starts(q, m, LIT("goroutine ")))
        return false;
    bool gl = t->in_gleak && q[m - 1] == ']';
    enum hdr r = parse_header(t, q, m, gl, &h, &why);
    if (r == H_NO)
        return false;
    if (r == H_BAD) {
        diag(t, why);
        t->s->skipped++;
        t->mode = M_SKIP;
        memcpy(t->ind, p, w);
        t->ind_n = w;
        return true;
    }
    open_block(t, &h, gl ? SRC_GLEAK : t->in_goleak ? SRC_GOLEAK : SRC_TRACE, p, w);
    t->b.gleak = gl;
    return true;
}

/* A header after a log prefix ("2024/01/02 15:04:05 goroutine 1 [running]:",
 * log.Print of runtime.Stack): the frames that follow carry no prefix, so
 * their indentation is taken from the next line. */
static void try_prefixed(st_text *t, const char *p, size_t n)
{
    const char *why, *g = ends(p, n, LIT("]:")) ? find(p, n, LIT(" goroutine ")) : NULL;
    header h;
    if (!g || parse_header(t, g + 1, n - (size_t)(g + 1 - p), false, &h, &why) != H_OK)
        return;
    open_block(t, &h, t->in_goleak ? SRC_GOLEAK : SRC_TRACE, p, 0);
    t->ind_lazy = true;
    t->b.guess = true;
}

static bool try_pptext(st_text *t, const char *p, size_t n)
{
    if (!st_pptext_is_start(p, n))
        return false;
    if (!t->pp && !(t->pp = st_pptext_new(t->s))) {
        t->s->oom = true;
        return false;
    }
    t->pp_on = st_pptext_line(t->pp, p, n, t->off, t->no);
    return t->pp_on;
}

/* goleak: "[Goroutine N in state S, with F on top of the stack:" for the
 * first entry, " Goroutine ..." (the slice separator) for the others
 * (goleak internal/stack: Stack.String). v1.2 prints the header next; v1.3
 * only the frames, so the id and state come from here. */
static bool try_wrapper(st_text *t, const char *p, size_t n, size_t w)
{
    const char *q = p + w;
    size_t m = n - w, i = q[0] == '[' ? 11 : 10;
    if (w > MAX_INDENT)
        return false;
    if (!starts(q, m, LIT("[Goroutine ")) && !(t->in_goleak && starts(q, m, LIT("Goroutine "))))
        return false;
    if (!ends(q, m, LIT(" on top of the stack:")))
        return false;
    header *h = &t->wrap_h;
    const char *with = rfind(q, m - 21, LIT(", with "));
    memset(h, 0, sizeof *h);
    t->in_goleak = true;
    if (!read_u64(q, m, &i, &h->id) || !starts(q + i, m - i, LIT(" in state ")) || !with ||
        with < q + i + 10 || !parse_state(t, q + i + 10, (size_t)(with - q) - i - 10, h)) {
        diag(t, "malformed goleak entry");
        return true;
    }
    size_t iw = q[0] == '[' || w == 0 || p[w - 1] != ' ' ? w : w - 1;
    memcpy(t->ind, p, iw);
    t->ind_n = iw;
    t->wrap = true;
    t->wrap_no = t->no;
    t->wrap_off = t->off;
    return true;
}

/* The line after a goleak entry line: a v1.2 header, or v1.3 frames. */
static void wrapped_line(st_text *t, const char *p, size_t n, size_t w)
{
    t->wrap = false;
    if (w < n && starts(p + w, n - w, LIT("goroutine "))) {
        text_line(t, p, n);
        return;
    }
    header h = t->wrap_h;
    open_block(t, &h, SRC_GOLEAK, t->ind, t->ind_n);
    t->b.line = t->wrap_no;
    t->b.off = t->wrap_off;
    block_line(t, p, n);
}

/* Lines of `go test` output (testing.go, cmd/go): a test log without any
 * goroutine report is a report of zero goroutines, not an unknown format. */
static bool is_gotest_line(const char *q, size_t m)
{
    return starts(q, m, LIT("=== RUN ")) || starts(q, m, LIT("--- PASS: ")) ||
           starts(q, m, LIT("--- FAIL: ")) || starts(q, m, LIT("--- SKIP: ")) ||
           equals(q, m, LIT("PASS")) || equals(q, m, LIT("FAIL")) || starts(q, m, LIT("ok  \t")) ||
           starts(q, m, LIT("FAIL\t"));
}

static bool is_signal(const char *q, size_t m)
{
    size_t i = 3;
    if (!starts(q, m, LIT("SIG")))
        return false;
    while (i < m && ((q[i] >= 'A' && q[i] <= 'Z') || is_digit(q[i])))
        i++;
    return i > 4 && starts(q + i, m - i, LIT(": "));
}

/* "panic: " (panic.go: printpanics), "fatal error: " (throw, fatal), a
 * signal ("SIGQUIT: quit", signal_unix.go: sighandler) and "runtime stack:"
 * (the g0 frames of a throw: not a goroutine, skipped). Only a panic value
 * can span lines, so only a panic hides headers up to the next empty line. */
static bool try_intro(st_text *t, const char *q, size_t m)
{
    bool panic = starts(q, m, LIT("panic: "));
    if (panic || starts(q, m, LIT("fatal error: ")) || is_signal(q, m)) {
        if (!t->s->reason)
            t->s->reason = st_intern(t->s, q, m);
        t->report_seen = true;
        t->mode = panic ? M_PANIC : M_TEXT;
        t->fresh = true;
        t->in_goleak = t->in_gleak = false;
        return true;
    }
    if (!equals(q, m, LIT("runtime stack:")))
        return false;
    t->mode = M_G0;
    return true;
}

static void text_line(st_text *t, const char *p, size_t n)
{
    size_t w = lead_ws(p, n);
    const char *q = p + w;
    size_t m = n - w;
    if (t->wrap) {
        wrapped_line(t, p, n, w);
        return;
    }
    if (w == n || try_header(t, p, n, w) || try_pptext(t, p, n) || try_wrapper(t, p, n, w) ||
        try_intro(t, q, m))
        return;
    t->fresh = true;
    if (equals(q, m, LIT("]"))) {
        t->in_goleak = false;
    } else if (ends(q, m, LIT("found unexpected goroutines:"))) {
        t->in_goleak = true; /* goleak: fmt.Errorf("found unexpected goroutines:\n%s") */
    } else if (ends(q, m, LIT(" goroutines:")) &&
               (find(q, m, LIT("Expected not to leak ")) || find(q, m, LIT("Expected to leak ")))) {
        t->in_gleak = true; /* gleak: HaveLeakedMatcher.(Negated)FailureMessage */
    } else {
        t->in_gleak = false;
        if (is_gotest_line(q, m))
            t->report_seen = true;
        try_prefixed(t, p, n);
    }
}

/* testing.go (runningList, 1.20+): one "TestName (2s)" per line, indented. */
static void panic_line(st_text *t, const char *p, size_t n)
{
    size_t w = lead_ws(p, n);
    const char *q = p + w, *par;
    size_t m = n - w;
    if (w == n) {
        t->mode = M_TEXT;
    } else if (t->mode == M_TESTS) {
        if ((par = rfind(q, m, LIT(" ("))) && q[m - 1] == ')')
            m = (size_t)(par - q);
        st_add_running_test(t->s, st_intern(t->s, q, m));
    } else if (equals(q, m, LIT("running tests:"))) {
        t->mode = M_TESTS;
    }
}

static void g0_line(st_text *t, const char *p, size_t n)
{
    size_t w = lead_ws(p, n);
    if (w == n) {
        t->mode = M_TEXT;
    } else if (starts(p + w, n - w, LIT("goroutine "))) {
        t->mode = M_TEXT;
        text_line(t, p, n);
    }
}

static void dispatch(st_text *t, const char *p, size_t n)
{
    switch (t->mode) {
    case M_BLOCK:
        block_line(t, p, n);
        break;
    case M_SKIP:
        skip_line(t, p, n);
        break;
    case M_PANIC:
    case M_TESTS:
        panic_line(t, p, n);
        break;
    case M_G0:
        g0_line(t, p, n);
        break;
    default:
        text_line(t, p, n);
    }
}

/* A line over STRAND_MAX_LINE, passed cut: skipped. In a block, a cut file
 * line loses its frame and a cut function line takes its file line along. */
static void cut_line(st_text *t, const char *p, size_t n)
{
    diag(t, "line longer than STRAND_MAX_LINE; skipped");
    if (t->mode != M_BLOCK)
        return;
    t->b.h.flags |= STRAND_G_TRUNCATED;
    bool tab = n > t->ind_n && p[t->ind_n] == '\t';
    if (tab && t->expect == X_FILE) {
        t->expect = X_ANY;
    } else if (tab && t->expect == X_CFILE) {
        t->expect = X_DONE;
    } else if (!tab && t->expect == X_ANY) {
        t->expect = X_FILE;
        t->pend_drop = true;
    }
}

/* ---- the fast path ----------------------------------------------------------- */

/* Most of a big dump is pairs of lines that repeat frames already seen:
 *     pkg.(*T).fn(0xc000123456?, 0x1)
 *     \t/src/pkg/file.go:123 +0x1c8
 * frames_fast takes such pairs whole while the memo predicts them (the same
 * function, file and line after the same previous frame). It checks exactly
 * what block_line, content_line, func_line (memo_hit) and file_line
 * (memo_frame) would check on the two lines and has the same effect; any
 * other line, or a pair it is unsure of, goes to the general path. It exists
 * because it is most of the time of reading a big dump: it touches each byte
 * about once and calls no hashing or interning. */

/* The first '(', ')' or '\n' in p[0..end), or NULL. The loop at the end is
 * the reference; the vector and word loops before it exist because this scan
 * of the argument lists is a good part of reading a dump. */
static const char *find_paren_nl(const char *p, const char *end)
{
#if defined(__SSE2__) && defined(__GNUC__)
    /* '(' and ')' differ in bit 0 only: OR in bit 0 and look for ')' */
    const __m128i one = _mm_set1_epi8(1), close = _mm_set1_epi8(')'), nl = _mm_set1_epi8('\n');
    for (; end - p >= 16; p += 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
        __m128i hit = _mm_or_si128(_mm_cmpeq_epi8(_mm_or_si128(v, one), close), _mm_cmpeq_epi8(v, nl));
        unsigned mask = (unsigned)_mm_movemask_epi8(hit);
        if (mask)
            return p + __builtin_ctz(mask);
    }
#elif defined(__GNUC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    /* Eight bytes at a time, the same test; the lowest flagged byte of
     * "haszero" is exact (false flags occur only above a true zero). */
    const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
    for (; end - p >= 8; p += 8) {
        uint64_t v, a, b;
        memcpy(&v, p, 8);
        a = (v | ones) ^ (ones * 0x29);
        b = v ^ (ones * 0x0a);
        uint64_t z = (((a - ones) & ~a) | ((b - ones) & ~b)) & highs;
        if (z)
            return p + (__builtin_ctzll(z) >> 3);
    }
#endif
    for (; p < end; p++)
        if ((*p | 1) == ')' || *p == '\n')
            return p;
    return NULL;
}

/* After the digits of a file line: the suffix tokens strip_suffixes removes
 * (" +0x1f", " fp=0x..", " sp=0x..", " pc=0x..") and trailing blanks, up to
 * a '\n' or `end`. Returns where it stopped, or NULL when the rest is
 * anything else. */
ALWAYS_INLINE const char *suffix_end(const char *s, const char *end)
{
    while (s < end && *s != '\n') {
        if (*s == ' ' && end - s > 3 &&
            ((s[1] == '+' && s[2] == '0' && s[3] == 'x') ||
             ((s[1] == 'f' || s[1] == 's') && s[2] == 'p' && s[3] == '=') ||
             (s[1] == 'p' && s[2] == 'c' && s[3] == '='))) {
            for (s += 4; s < end && is_hexish(*s); s++)
                ;
            continue;
        }
        while (s < end && (is_ws(*s) || *s == '\r'))
            s++;
        return s == end || *s == '\n' ? s : NULL;
    }
    return s;
}

/* The text of a file line at q when it is "FILE:LINE" of the memo's frame
 * plus suffixes, exactly as file_part would read it: returns where the line
 * ends ('\n' or end), else NULL. */
ALWAYS_INLINE const char *file_text(const st_text *t, const memo *m, const char *q,
                                    const char *end)
{
    size_t fn;
    const char *file = str_of(t->s, m->file, &fn);
    if ((size_t)(end - q) < fn + m->ln_n + 1 || memcmp(q, file, fn) != 0 || q[fn] != ':')
        return NULL;
    const char *s = q + fn + 1;
    for (unsigned i = 0; i < m->ln_n; i++)
        if (s[i] != m->ln[i])
            return NULL;
    s += m->ln_n;
    return s < end && is_digit(*s) ? NULL : suffix_end(s, end);
}

/* The function line at q (after the indentation), when it is the memo's
 * function with arguments free of parentheses: returns its '\n' and the
 * frame flags in *fl. */
static const char *fast_func(const st_text *t, const memo *m, const char *q, const char *end,
                             uint32_t *fl)
{
    size_t ln;
    const char *name = str_of(t->s, m->func, &ln);
    if ((size_t)(end - q) < ln + 2 || memcmp(q, name, ln) != 0 || q[ln] != '(')
        return NULL;
    /* lines content_line would not take as a function line (never memoised) */
    if ((name[0] == 'g' && starts(name, ln, LIT("goroutine "))) ||
        (name[0] == 'c' && starts(name, ln, LIT("created by "))) || name[0] == '[')
        return NULL;
    const char *a = q + ln + 1, *r = find_paren_nl(a, end);
    if (!r || *r != ')')
        return NULL;
    *fl = r - a == 3 && a[0] == '.' && a[1] == '.' && a[2] == '.' ? STRAND_FRAME_INLINED : 0;
    for (r++; r < end && (is_ws(*r) || *r == '\r'); r++)
        ;
    return r < end && *r == '\n' ? r : NULL;
}

/* The file line at q (after the indentation), when it is "\tFILE:LINE" of
 * the memo's frame plus suffixes: returns its '\n'. */
static const char *fast_file(const st_text *t, const memo *m, const char *q, const char *end)
{
    const char *nl = q < end && q[0] == '\t' ? file_text(t, m, q + 1, end) : NULL;
    return nl && nl < end ? nl : NULL;
}

/* The line at p without the block's indentation, or NULL. */
static const char *unindent(const st_text *t, const char *p, const char *end)
{
    if (!t->ind_n)
        return p;
    return (size_t)(end - p) > t->ind_n && memcmp(p, t->ind, t->ind_n) == 0 ? p + t->ind_n : NULL;
}

/* As many frame line pairs at p[0..end) as the memo predicts; returns where
 * it stopped. *off and *no are the offset and number of the line at p. */
static const char *frames_fast(st_text *t, const char *p, const char *end, uint64_t *off,
                               uint32_t *no)
{
    if (t->mode != M_BLOCK || t->expect != X_ANY || t->pp_on || t->b.gleak || t->ind_lazy ||
        !t->memo)
        return p;
    const char *start = p, *nl1 = NULL, *nl2 = NULL;
    size_t nf = t->n_frames;
    uint32_t prev = nf ? t->frames[nf - 1] : t->b.h.status, fl;
    while (nf < STRAND_MAX_FRAMES) {
        uint64_t key = (uint64_t)prev << 32 | t->gen << 13 | nf;
        const memo *m = &t->memo[(key * 0x9e3779b97f4a7c15ull) >> (64 - MEMO_BITS)];
        if (m->key != key || m->frame == STRAND_NONE || !m->ln_n || !m->func)
            break;
        const char *q = unindent(t, p, end), *a, *b, *q2;
        if (!q || !(a = fast_func(t, m, q, end, &fl)) || fl != m->flags ||
            (size_t)(a - p) > STRAND_MAX_LINE || !(q2 = unindent(t, a + 1, end)) ||
            !(b = fast_file(t, m, q2, end)) || (size_t)(b - a - 1) > STRAND_MAX_LINE)
            break;
        t->frames[nf++] = prev = m->frame;
        nl1 = a;
        nl2 = b;
        p = b + 1;
    }
    if (p == start)
        return p;
    /* the state the general path leaves after the last file line */
    uint32_t lines = 2 * (uint32_t)(nf - t->n_frames);
    t->n_frames = nf;
    t->off = *off + (uint64_t)(nl1 + 1 - start);
    t->no = *no + lines - 1;
    t->raw_n = (size_t)(nl2 - nl1 - 1);
    t->any_line = t->entry_block = t->line_in_block = true;
    t->effect = E_FRAME;
    *off += (uint64_t)(p - start);
    *no += lines;
    return p;
}

/* ---- entry points ------------------------------------------------------------ */

/* The memo is emptied by a new generation in its keys (a part is reset
 * for every chunk it reads); cleared for real when the generations wrap. */
static void clear_caches(st_text *t, uint32_t gen)
{
    t->gen = gen & ((1u << 19) - 1);
    if (t->gen == 0) {
        t->gen = 1;
        for (size_t i = 0; t->memo && i < MEMO_SLOTS; i++)
            t->memo[i] = (memo){0, 0, 0, 0, 0, STRAND_NONE, 0, {0}};
    }
    for (size_t i = 0; i < 1u << SCACHE_BITS; i++)
        t->scache[i].stack = STRAND_NONE;
}

st_text *st_text_new(strand_snapshot *s)
{
    st_text *t = st_malloc(&s->alloc, sizeof *t);
    if (!t)
        return NULL;
    memset(t, 0, sizeof *t);
    t->alloc = s->alloc;
    t->s = s;
    t->fresh = true;
    t->frames = st_malloc(&t->alloc, STRAND_MAX_FRAMES * sizeof *t->frames);
    if (!t->frames) {
        st_text_free(t);
        return NULL;
    }
    clear_caches(t, 0);
    return t;
}

void st_text_line(st_text *t, const char *p, size_t n, uint64_t off, uint32_t lineno, bool cut)
{
    t->off = off;
    t->no = lineno;
    t->raw_n = n;
    t->any_line = true;
    t->effect = E_NONE;
    t->entry_block = t->mode == M_BLOCK;
    if (cut) {
        cut_line(t, p, n);
    } else {
        n = rtrim(p, n);
        if (!t->pp_on || !st_pptext_line(t->pp, p, n, off, lineno)) {
            t->pp_on = false;
            dispatch(t, p, n);
        }
    }
    t->line_in_block = t->mode == M_BLOCK || t->mode == M_SKIP;
}

uint32_t st_text_lines(st_text *t, const char *p, size_t n, uint64_t off, uint32_t lineno)
{
    const char *end = p + n;
    while (p < end) {
        const char *q = frames_fast(t, p, end, &off, &lineno);
        if (q != p) {
            p = q;
            continue;
        }
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
        bool cut = len > STRAND_MAX_LINE;
        st_text_line(t, p, cut ? STRAND_MAX_LINE : len, off, lineno++, cut);
        off += len + 1;
        p += len + 1;
    }
    return lineno;
}

static void truncated(st_text *t, uint64_t off, uint32_t no)
{
    t->b.h.flags |= STRAND_G_TRUNCATED;
    diag_at(t, off, no, "input ends inside a goroutine block");
}

/* The input ended inside a block; `cut` when it ended mid-line (runtime.Stack
 * and debug=2 stop at 64 MiB, possibly mid-line): that line is not trusted. */
static void finish_block(st_text *t, bool cut)
{
    if (cut) {
        if (t->effect == E_FRAME && t->n_frames)
            t->n_frames--;
        else if (t->effect == E_CREATED)
            set_creator(t, STRAND_NONE);
        t->expect = t->expect == X_CFILE ? X_DONE : X_ANY;
        truncated(t, t->off, t->no);
    } else if (t->expect == X_FILE && t->pend_copy) {
        if (!unpaired(t))
            return;
    } else if (t->expect == X_FILE || t->expect == X_CFILE) {
        if (t->expect == X_CFILE)
            set_creator(t, st_frame(t->s, t->pend_func, 0, 0, 0));
        t->expect = t->expect == X_CFILE ? X_DONE : X_ANY;
        truncated(t, t->pend_off, t->pend_no);
    } else if (!t->b.own_done && !t->n_frames && !(t->b.h.flags & STRAND_G_NO_STACK)) {
        truncated(t, t->off, t->no);
    }
    end_block(t);
}

void st_text_tally(const st_text *t, st_tally *sum)
{
    _Static_assert(SRC__N == sizeof sum->count / sizeof sum->count[0], "st_tally.count");
    bool none = !sum->count[SRC_TRACE] && !sum->count[SRC_GOLEAK] && !sum->count[SRC_GLEAK];
    if (none)
        sum->first_src = t->first_src;
    for (int i = 0; i < SRC__N; i++)
        sum->count[i] += t->count[i];
    sum->report_seen |= t->report_seen;
    sum->pp |= t->pp != NULL;
}

strand_code st_text_conclude(strand_snapshot *s, const st_tally *sum, uint64_t end_off,
                             strand_error *err)
{
    static const strand_format formats[SRC__N] = {STRAND_FORMAT_TRACEBACK, STRAND_FORMAT_GOLEAK,
                                                  STRAND_FORMAT_GLEAK};
    uint64_t n = sum->count[SRC_TRACE] + sum->count[SRC_GOLEAK] + sum->count[SRC_GLEAK];
    if (s->oom) {
        st_set_error(err, STRAND_ERR_NOMEM, NULL, end_off);
        return STRAND_ERR_NOMEM;
    }
    bool pp = sum->pp && (s->records.len || s->has_total_line);
    if (!n && !pp && !s->skipped && !sum->report_seen) {
        st_set_error(err, STRAND_ERR_FORMAT, "no goroutine report found in the input", end_off);
        return STRAND_ERR_FORMAT;
    }
    int best = sum->first_src;
    for (int i = 0; i < SRC__N; i++)
        if (sum->count[i] > sum->count[best])
            best = i;
    s->format = n ? formats[best] : pp ? STRAND_FORMAT_PPROF_TEXT : STRAND_FORMAT_TRACEBACK;
    return STRAND_OK;
}

void st_text_end(st_text *t, uint64_t end_off)
{
    bool partial = t->any_line && t->raw_n && t->off + t->raw_n == end_off;
    if (t->wrap) {
        header h = t->wrap_h;
        open_block(t, &h, SRC_GOLEAK, t->ind, t->ind_n);
        t->b.line = t->wrap_no;
        t->b.off = t->wrap_off;
    }
    if (t->mode == M_BLOCK) {
        finish_block(t, partial && t->line_in_block);
    } else if (partial && (t->line_in_block || t->entry_block)) {
        /* the cut line ended a block, or was a malformed header */
        diag(t, "input ends inside a goroutine block");
        if (t->entry_block && t->s->goroutines.len)
            ((strand_goroutine *)t->s->goroutines.data)[t->s->goroutines.len - 1].flags |=
                STRAND_G_TRUNCATED;
    }
    if (t->pp)
        st_pptext_finish(t->pp);
}

strand_code st_text_finish(st_text *t, uint64_t end_off, uint32_t end_line, strand_error *err)
{
    (void)end_line;
    st_tally sum = {{0}, 0, false, false};
    st_text_end(t, end_off);
    st_text_tally(t, &sum);
    return st_text_conclude(t->s, &sum, end_off, err);
}

/* Between blocks, nothing of the text before matters to what follows but
 * these (the rest is per block, per line, or caches). */
bool st_text_clean(const st_text *t)
{
    return t->mode == M_TEXT && t->expect == X_ANY && !t->fresh && !t->wrap && !t->in_goleak &&
           !t->in_gleak && !t->pp && !t->pp_on;
}

void st_text_reset(st_text *t, strand_snapshot *s, bool at_start)
{
    uint32_t *frames = t->frames;
    memo *mo = t->memo;
    char *cand = t->cand, *scratch = t->scratch;
    size_t cand_cap = t->cand_cap, scratch_cap = t->scratch_cap;
    uint32_t gen = t->gen;
    if (t->pp)
        st_pptext_free(t->pp);
    memset(t, 0, sizeof *t);
    t->alloc = s->alloc;
    t->s = s;
    t->fresh = at_start;
    t->frames = frames;
    t->memo = mo;
    t->cand = cand;
    t->cand_cap = cand_cap;
    t->scratch = scratch;
    t->scratch_cap = scratch_cap;
    clear_caches(t, gen + 1);
}

void st_text_free(st_text *t)
{
    if (!t)
        return;
    strand_alloc a = t->alloc;
    if (t->pp)
        st_pptext_free(t->pp);
    st_free(&a, t->frames, STRAND_MAX_FRAMES * sizeof *t->frames);
    st_free(&a, t->memo, MEMO_SLOTS * sizeof *t->memo);
    st_free(&a, t->cand, t->cand_cap);
    st_free(&a, t->scratch, t->scratch_cap);
    st_free(&a, t, sizeof *t);
}
