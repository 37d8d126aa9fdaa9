/* watch_db.c - the history of strand watch in one SQLite file.
 *
 * WAL mode, one transaction per snapshot (its row, its goroutine groups, the
 * counts of the analysis's findings and any finding reported or resolved),
 * so that a crash or a signal leaves every snapshot either whole or absent.
 * The schema is versioned with PRAGMA user_version and documented in
 * docs/watch.md; PRAGMA application_id marks the file as Strand's.
 *
 * Failures are never silent: a lock held too long or a full disk is an error
 * for that snapshot (said on stderr and counted in the metrics; what was
 * stored stays stored); corruption or an I/O error stops the watch.
 */
#include "watch.h"

#include <errno.h>
#include <sqlite3.h>
#include "dynload.h" /* after sqlite3.h: sqlite3_* are loaded at run time */
#include <stdlib.h>
#include <string.h>

#define SCHEMA_VERSION 1
#define APPLICATION_ID 0x5354524e /* "STRN" */
#define BUSY_TIMEOUT_MS 1000

static const char schema_v1[] =
    "CREATE TABLE targets("
    " id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, kind TEXT NOT NULL,"
    " pid INTEGER, cursor_ns INTEGER, cursor_name TEXT, created REAL NOT NULL);"
    "CREATE TABLE snapshots("
    " id INTEGER PRIMARY KEY,"
    " target INTEGER NOT NULL REFERENCES targets(id) ON DELETE CASCADE,"
    " time REAL NOT NULL, goroutines INTEGER NOT NULL, fds INTEGER, rss INTEGER,"
    " format TEXT NOT NULL, debug INTEGER, reason TEXT);"
    "CREATE INDEX snapshots_by_time ON snapshots(target, time);"
    "CREATE TABLE stacks("
    " id INTEGER PRIMARY KEY,"
    " target INTEGER NOT NULL REFERENCES targets(id) ON DELETE CASCADE,"
    " key INTEGER NOT NULL, record INTEGER NOT NULL, state TEXT NOT NULL,"
    " text TEXT NOT NULL, UNIQUE(target, key));"
    "CREATE TABLE snapshot_stacks("
    " snapshot INTEGER NOT NULL REFERENCES snapshots(id) ON DELETE CASCADE,"
    " stack INTEGER NOT NULL REFERENCES stacks(id) ON DELETE CASCADE,"
    " ord INTEGER NOT NULL, count INTEGER NOT NULL, ids TEXT,"
    " PRIMARY KEY(snapshot, stack)) WITHOUT ROWID;"
    "CREATE TABLE groups("
    " id INTEGER PRIMARY KEY,"
    " target INTEGER NOT NULL REFERENCES targets(id) ON DELETE CASCADE,"
    " key INTEGER NOT NULL, class TEXT NOT NULL, verdict TEXT NOT NULL, state TEXT,"
    " site_function TEXT, site_file TEXT, site_line INTEGER,"
    " first_seen REAL NOT NULL, last_seen REAL NOT NULL, UNIQUE(target, key));"
    "CREATE TABLE group_counts("
    " snapshot INTEGER NOT NULL REFERENCES snapshots(id) ON DELETE CASCADE,"
    " grp INTEGER NOT NULL REFERENCES groups(id) ON DELETE CASCADE,"
    " count INTEGER NOT NULL, verdict TEXT NOT NULL, trend TEXT,"
    " PRIMARY KEY(snapshot, grp)) WITHOUT ROWID;"
    "CREATE TABLE findings("
    " id INTEGER PRIMARY KEY,"
    " target INTEGER NOT NULL REFERENCES targets(id) ON DELETE CASCADE,"
    " grp INTEGER REFERENCES groups(id) ON DELETE SET NULL,"
    " verdict TEXT NOT NULL, class TEXT NOT NULL, reason TEXT NOT NULL,"
    " count INTEGER NOT NULL, first_reported REAL NOT NULL, resolved REAL,"
    " report TEXT NOT NULL);"
    "CREATE INDEX findings_open ON findings(target, resolved);";

enum stmt {
    S_SNAPSHOT, S_STACK_FIND, S_STACK_ADD, S_SNAP_STACK, S_GROUP_FIND, S_GROUP_ADD, S_GROUP_SET,
    S_GROUP_COUNT, S_FINDING, S_RESOLVE, S_CURSOR, S__N
};

static const char *const stmt_sql[S__N] = {
    "INSERT INTO snapshots(target, time, goroutines, fds, rss, format, debug, reason)"
    " VALUES(?,?,?,?,?,?,?,?)",
    "SELECT id FROM stacks WHERE target = ? AND key = ?",
    "INSERT INTO stacks(target, key, record, state, text) VALUES(?,?,?,?,?)",
    "INSERT INTO snapshot_stacks(snapshot, stack, ord, count, ids) VALUES(?,?,?,?,?)"
    " ON CONFLICT(snapshot, stack) DO UPDATE SET count = count + excluded.count",
    "SELECT id FROM groups WHERE target = ? AND key = ?",
    "INSERT INTO groups(target, key, class, verdict, state, site_function, site_file,"
    " site_line, first_seen, last_seen) VALUES(?,?,?,?,?,?,?,?,?,?)",
    "UPDATE groups SET class = ?, verdict = ?, last_seen = ? WHERE id = ?",
    "INSERT INTO group_counts(snapshot, grp, count, verdict, trend) VALUES(?,?,?,?,?)"
    " ON CONFLICT(snapshot, grp) DO UPDATE SET count = count + excluded.count",
    "INSERT INTO findings(target, grp, verdict, class, reason, count, first_reported, report)"
    " VALUES(?,?,?,?,?,?,?,?)",
    "UPDATE findings SET resolved = ? WHERE id = ?",
    "UPDATE targets SET cursor_ns = ?, cursor_name = ?, pid = ? WHERE id = ?",
};

/* (target, key) -> row id, for stacks and groups: saves a SELECT per row. */
typedef struct idmap_ent {
    uint64_t key;
    int64_t target, id;
} idmap_ent;

typedef struct idmap {
    idmap_ent *e;
    size_t n, cap;
} idmap;

struct watch_db {
    sqlite3 *db;
    char *path;
    sqlite3_stmt *st[S__N];
    idmap stacks, groups;
    double retain, last_maintain, last_complaint;
    bool in_tx, tx_failed, fatal;
    bool busy;                 /* locked at the last try: do not wait for the lock again */
    int tx_rc, tx_errno;
};

/* ---- errors --------------------------------------------------------------- */

static bool is_fatal(int rc)
{
    int primary = rc & 0xff;
    return primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB || primary == SQLITE_IOERR ||
           primary == SQLITE_READONLY || primary == SQLITE_CANTOPEN;
}

static const char *explain(int rc)
{
    switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return "the database is locked by another process; is another 'strand watch' or a "
               "long transaction using it? (snapshots are not stored until it is free again)";
    case SQLITE_FULL:
        return "the disk is full (or the database reached its size limit)";
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
        return "the database file is corrupt or not a Strand database; move it away "
               "(or restore a backup) and start again";
    case SQLITE_READONLY:
        return "the database is read-only";
    case SQLITE_IOERR:
        return rc == SQLITE_IOERR_WRITE || rc == SQLITE_IOERR_FSYNC || rc == SQLITE_IOERR_TRUNCATE
                   ? "the file system refused to write the database (disk full, quota or file "
                     "size limit?); what was stored before stays consistent"
                   : "an I/O error on the database file";
    default:
        return NULL;
    }
}

static void complain(watch_db *d, int rc, const char *what)
{
    const char *why = explain(rc);
    int sys = (rc & 0xff) != SQLITE_IOERR ? 0 : d->tx_errno ? d->tx_errno :
              d->db ? sqlite3_system_errno(d->db) : 0;
    tool_error("database %s: %s: %s%s%s%s%s", d->path, what, sqlite3_errstr(rc),
               sys ? " (" : "", sys ? strerror(sys) : "", sys ? ")" : "", "");
    if (why)
        tool_error("database %s: %s", d->path, why);
}

/* ---- id maps ----------------------------------------------------------------- */

static size_t idmap_slot(const idmap *m, int64_t target, uint64_t key)
{
    size_t mask = m->cap - 1;
    size_t i = (size_t)((key ^ (uint64_t)target * 0x9e3779b97f4a7c15ull) >> 7) & mask;
    while (m->e[i].id && (m->e[i].key != key || m->e[i].target != target))
        i = (i + 1) & mask;
    return i;
}

static int64_t idmap_get(const idmap *m, int64_t target, uint64_t key)
{
    return m->cap ? m->e[idmap_slot(m, target, key)].id : 0;
}

static void idmap_put(idmap *m, int64_t target, uint64_t key, int64_t id)
{
    if ((m->n + 1) * 2 > m->cap) {
        idmap old = *m;
        size_t cap = old.cap ? old.cap * 2 : 256;
        idmap_ent *e = calloc(cap, sizeof *e);
        if (!e)
            return; /* a cache: the database still has the row */
        *m = (idmap){e, 0, cap};
        for (size_t i = 0; i < old.cap; i++)
            if (old.e[i].id)
                idmap_put(m, old.e[i].target, old.e[i].key, old.e[i].id);
        free(old.e);
    }
    size_t i = idmap_slot(m, target, key);
    if (!m->e[i].id)
        m->n++;
    m->e[i] = (idmap_ent){key, target, id};
}

static void idmap_clear(idmap *m)
{
    free(m->e);
    memset(m, 0, sizeof *m);
}

/* ---- open ------------------------------------------------------------------- */

static int exec(watch_db *d, const char *sql)
{
    return sqlite3_exec(d->db, sql, NULL, NULL, NULL);
}

/* The text of a one-value PRAGMA, copied into buf. */
static int pragma_text(watch_db *d, const char *sql, char *buf, size_t n)
{
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(d->db, sql, -1, &st, NULL);
    buf[0] = '\0';
    if (rc != SQLITE_OK)
        return rc;
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        const unsigned char *t = sqlite3_column_text(st, 0);
        snprintf(buf, n, "%s", t ? (const char *)t : "");
        rc = SQLITE_OK;
    } else if (rc == SQLITE_DONE) {
        rc = SQLITE_OK;
    }
    sqlite3_finalize(st);
    return rc;
}

static int check_integrity(watch_db *d)
{
    char res[256];
    int rc = pragma_text(d, "PRAGMA quick_check", res, sizeof res);
    if (rc != SQLITE_OK) {
        complain(d, rc, "cannot read it");
        return -1;
    }
    if (strcmp(res, "ok")) {
        tool_error("database %s is corrupt (quick_check: %s); move it away or restore a backup",
                   d->path, res);
        return -1;
    }
    return 0;
}

static int create_schema(watch_db *d)
{
    char sql[128];
    snprintf(sql, sizeof sql, "PRAGMA application_id = %d; PRAGMA user_version = %d;",
             APPLICATION_ID, SCHEMA_VERSION);
    int rc = exec(d, "BEGIN IMMEDIATE");
    if (rc == SQLITE_OK)
        rc = exec(d, schema_v1);
    if (rc == SQLITE_OK)
        rc = exec(d, sql);
    if (rc == SQLITE_OK)
        rc = exec(d, "COMMIT");
    if (rc != SQLITE_OK) {
        exec(d, "ROLLBACK");
        complain(d, rc, "cannot create the schema");
        return -1;
    }
    return 0;
}

static int set_wal(watch_db *d)
{
    char mode[32];
    int rc = pragma_text(d, "PRAGMA journal_mode = WAL", mode, sizeof mode);
    if (rc == SQLITE_OK)
        rc = exec(d, "PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;");
    if (rc != SQLITE_OK) {
        complain(d, rc, "cannot open it");
        return -1;
    }
    if (strcmp(mode, "wal"))
        tool_error("database %s: journal mode is '%s', not WAL", d->path, mode);
    return 0;
}

/* user_version 0 and no tables: a new file. Otherwise it must be ours. */
static int check_schema(watch_db *d, bool writable)
{
    char ver[32], app[32], tables[32];
    int rc = pragma_text(d, "PRAGMA user_version", ver, sizeof ver);
    if (rc == SQLITE_OK)
        rc = pragma_text(d, "PRAGMA application_id", app, sizeof app);
    if (rc == SQLITE_OK)
        rc = pragma_text(d, "SELECT count(*) FROM sqlite_master", tables, sizeof tables);
    if (rc != SQLITE_OK) {
        complain(d, rc, "cannot read its schema");
        return -1;
    }
    if (atoi(ver) == 0 && atoi(tables) == 0 && writable)
        return set_wal(d) ? -1 : create_schema(d); /* WAL first: fewer syncs */
    if (atoi(app) != APPLICATION_ID) {
        tool_error("database %s is not a strand watch database", d->path);
        return -1;
    }
    if (atoi(ver) != SCHEMA_VERSION) {
        tool_error("database %s has schema version %s; this strand reads version %d%s", d->path,
                   ver, SCHEMA_VERSION, atoi(ver) > SCHEMA_VERSION ? " (it was written by a newer strand)" : "");
        return -1;
    }
    return 0;
}

static int prepare_all(watch_db *d)
{
    for (int i = 0; i < S__N; i++) {
        int rc = sqlite3_prepare_v3(d->db, stmt_sql[i], -1, SQLITE_PREPARE_PERSISTENT, &d->st[i],
                                    NULL);
        if (rc != SQLITE_OK) {
            complain(d, rc, "cannot prepare a statement");
            return -1;
        }
    }
    return 0;
}

static watch_db *open_db(const char *path, int flags)
{
    if (!dl_load_sqlite())
        return NULL;
    watch_db *d = calloc(1, sizeof *d);
    if (!d || !(d->path = strdup(path))) {
        free(d);
        tool_error("out of memory");
        return NULL;
    }
    int rc = sqlite3_open_v2(path, &d->db, flags, NULL);
    if (rc != SQLITE_OK) {
        complain(d, rc, "cannot open it");
        watch_db_close(d);
        return NULL;
    }
    sqlite3_busy_timeout(d->db, BUSY_TIMEOUT_MS);
    sqlite3_extended_result_codes(d->db, 1);
    return d;
}

watch_db *watch_db_open(const char *path, double retain)
{
    watch_db *d = open_db(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    if (!d)
        return NULL;
    d->retain = retain;
    if (check_integrity(d) || check_schema(d, true) || set_wal(d) || prepare_all(d)) {
        watch_db_close(d);
        return NULL;
    }
    return d;
}

void watch_db_close(watch_db *d)
{
    if (!d)
        return;
    if (d->in_tx)
        exec(d, "ROLLBACK");
    for (int i = 0; i < S__N; i++)
        sqlite3_finalize(d->st[i]);
    int rc = sqlite3_close(d->db);
    if (rc != SQLITE_OK && d->db)
        complain(d, rc, "closing it");
    idmap_clear(&d->stacks);
    idmap_clear(&d->groups);
    free(d->path);
    free(d);
}

bool watch_db_failed(const watch_db *d) { return d && d->fatal; }

/* ---- statements ---------------------------------------------------------------- */

static void bind_text(sqlite3_stmt *st, int i, const char *s)
{
    if (s)
        sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(st, i);
}

static void bind_opt(sqlite3_stmt *st, int i, int64_t v)
{
    if (v >= 0)
        sqlite3_bind_int64(st, i, v);
    else
        sqlite3_bind_null(st, i);
}

/* Runs a bound statement; rows are the caller's. Records the first failure
 * of the transaction. */
static int run(watch_db *d, sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE && !d->tx_failed) {
        d->tx_failed = true;
        d->tx_rc = rc;
        d->tx_errno = sqlite3_system_errno(d->db);
    }
    return rc;
}

static int64_t find_id(watch_db *d, enum stmt s, int64_t target, uint64_t key)
{
    sqlite3_stmt *st = d->st[s];
    sqlite3_bind_int64(st, 1, target);
    sqlite3_bind_int64(st, 2, (int64_t)key);
    int64_t id = run(d, st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_reset(st);
    return id;
}

/* ---- transactions -------------------------------------------------------------- */

static bool tx_begin(watch_db *d)
{
    d->tx_failed = false;
    d->tx_rc = SQLITE_OK;
    d->tx_errno = 0;
    int rc = exec(d, "BEGIN IMMEDIATE");
    if (rc != SQLITE_OK) {
        d->tx_failed = true;
        d->tx_rc = rc;
        return false;
    }
    d->in_tx = true;
    return true;
}

/* A lock held by another process would stall the watch loop once per
 * snapshot: after one wait, further tries fail at once until one succeeds. */
static void set_busy(watch_db *d, bool busy)
{
    if (busy != d->busy)
        sqlite3_busy_timeout(d->db, busy ? 0 : BUSY_TIMEOUT_MS);
    d->busy = busy;
}

/* Commits, or rolls back and says why (at most every 10 s). The id caches
 * may name rows of the rolled-back transaction: they are dropped. */
static int tx_end(watch_db *d, const char *what)
{
    int rc = d->tx_failed ? d->tx_rc : exec(d, "COMMIT");
    if (rc != SQLITE_OK && !d->tx_failed)
        d->tx_errno = sqlite3_system_errno(d->db);
    if (rc != SQLITE_OK && d->in_tx)
        exec(d, "ROLLBACK");
    d->in_tx = false;
    if (rc == SQLITE_OK) {
        set_busy(d, false);
        return 0;
    }
    idmap_clear(&d->stacks);
    idmap_clear(&d->groups);
    set_busy(d, (rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED);
    if (is_fatal(rc))
        d->fatal = true;
    double now = watch_mono();
    if (d->fatal || now - d->last_complaint >= 10) {
        complain(d, rc, what);
        d->last_complaint = now;
    }
    return -1;
}

/* ---- targets ---------------------------------------------------------------- */

int64_t watch_db_target(watch_db *d, const watch_target *t)
{
    sqlite3_stmt *st;
    int64_t id = -1;
    const char *sql = "INSERT INTO targets(name, kind, pid, created) VALUES(?,?,?,?)"
                      " ON CONFLICT(name) DO UPDATE SET pid = excluded.pid RETURNING id";
    int rc = sqlite3_prepare_v2(d->db, sql, -1, &st, NULL);
    if (rc == SQLITE_OK) {
        bind_text(st, 1, t->name);
        bind_text(st, 2, t->kind == WATCH_DIR ? "dir" : "url");
        bind_opt(st, 3, t->pid ? t->pid : -1);
        sqlite3_bind_double(st, 4, watch_wall());
        rc = sqlite3_step(st);
        if (rc == SQLITE_ROW) {
            id = sqlite3_column_int64(st, 0);
            rc = SQLITE_OK;
        }
        sqlite3_finalize(st);
    }
    if (rc != SQLITE_OK)
        complain(d, rc, "cannot record the target");
    return id;
}

/* ---- one snapshot -------------------------------------------------------------- */

static int64_t insert_snapshot(watch_db *d, const watch_target *t, const watch_sample *smp)
{
    sqlite3_stmt *st = d->st[S_SNAPSHOT];
    sqlite3_bind_int64(st, 1, t->db_id);
    sqlite3_bind_double(st, 2, smp->time);
    sqlite3_bind_int64(st, 3, (int64_t)strand_snapshot_total(smp->snap));
    bind_opt(st, 4, smp->fds);
    bind_opt(st, 5, smp->rss);
    bind_text(st, 6, strand_format_name(strand_snapshot_format(smp->snap)));
    bind_opt(st, 7, t->kind == WATCH_URL ? t->last_debug : -1);
    strand_str reason = strand_snapshot_reason(smp->snap);
    bind_text(st, 8, reason ? strand_str_get(smp->snap, reason, NULL) : NULL);
    run(d, st);
    sqlite3_reset(st);
    return sqlite3_last_insert_rowid(d->db);
}

static int64_t stack_id(watch_db *d, int64_t target, const watch_group *g)
{
    int64_t id = idmap_get(&d->stacks, target, g->key);
    if (id)
        return id;
    id = find_id(d, S_STACK_FIND, target, g->key);
    if (!id) {
        sqlite3_stmt *st = d->st[S_STACK_ADD];
        sqlite3_bind_int64(st, 1, target);
        sqlite3_bind_int64(st, 2, (int64_t)g->key);
        sqlite3_bind_int(st, 3, g->record);
        bind_text(st, 4, g->state);
        bind_text(st, 5, g->text);
        if (run(d, st) == SQLITE_DONE)
            id = sqlite3_last_insert_rowid(d->db);
        sqlite3_reset(st);
    }
    if (id)
        idmap_put(&d->stacks, target, g->key, id);
    return id;
}

static void store_groups(watch_db *d, int64_t target, int64_t snap, const strand_snapshot *s)
{
    size_t n;
    watch_group *g = watch_store_groups(s, &n);
    if (!g && n == 0) {
        size_t a, b;
        strand_snapshot_goroutines(s, &a);
        strand_snapshot_records(s, &b);
        if (a + b) {
            d->tx_failed = true;
            d->tx_rc = SQLITE_NOMEM;
        }
    }
    sqlite3_stmt *st = d->st[S_SNAP_STACK];
    for (size_t i = 0; i < n && !d->tx_failed; i++) {
        int64_t sid = stack_id(d, target, &g[i]);
        sqlite3_bind_int64(st, 1, snap);
        sqlite3_bind_int64(st, 2, sid);
        sqlite3_bind_int64(st, 3, (int64_t)i);
        sqlite3_bind_int64(st, 4, g[i].count);
        bind_text(st, 5, g[i].record ? NULL : g[i].ids);
        run(d, st);
        sqlite3_reset(st);
    }
    watch_store_groups_free(g, n);
}

static int64_t add_group(watch_db *d, int64_t target, uint64_t key, const strand_finding *f,
                         double wall)
{
    sqlite3_stmt *st = d->st[S_GROUP_ADD];
    sqlite3_bind_int64(st, 1, target);
    sqlite3_bind_int64(st, 2, (int64_t)key);
    bind_text(st, 3, f->cls ? f->cls->id : "");
    bind_text(st, 4, strand_verdict_name(f->verdict));
    bind_text(st, 5, f->state);
    bind_text(st, 6, f->site.function);
    bind_text(st, 7, f->site.file);
    bind_opt(st, 8, f->site.line ? (int64_t)f->site.line : -1);
    sqlite3_bind_double(st, 9, wall);
    sqlite3_bind_double(st, 10, wall);
    int64_t id = run(d, st) == SQLITE_DONE ? sqlite3_last_insert_rowid(d->db) : 0;
    sqlite3_reset(st);
    return id;
}

static void touch_group(watch_db *d, int64_t id, const strand_finding *f, double wall)
{
    sqlite3_stmt *st = d->st[S_GROUP_SET];
    bind_text(st, 1, f->cls ? f->cls->id : "");
    bind_text(st, 2, strand_verdict_name(f->verdict));
    sqlite3_bind_double(st, 3, wall);
    sqlite3_bind_int64(st, 4, id);
    run(d, st);
    sqlite3_reset(st);
}

static int64_t group_id(watch_db *d, int64_t target, const strand_finding *f, double wall)
{
    uint64_t key = watch_finding_key(f);
    int64_t id = idmap_get(&d->groups, target, key);
    if (!id)
        id = find_id(d, S_GROUP_FIND, target, key);
    if (id)
        touch_group(d, id, f, wall);
    else
        id = add_group(d, target, key, f, wall);
    if (id)
        idmap_put(&d->groups, target, key, id);
    return id;
}

static void store_findings(watch_db *d, int64_t target, int64_t snap, const strand_report *r,
                           double wall)
{
    size_t n = 0;
    const strand_finding *f = r ? strand_report_findings(r, &n) : NULL;
    sqlite3_stmt *st = d->st[S_GROUP_COUNT];
    for (size_t i = 0; i < n && !d->tx_failed; i++) {
        int64_t gid = group_id(d, target, &f[i], wall);
        sqlite3_bind_int64(st, 1, snap);
        sqlite3_bind_int64(st, 2, gid);
        sqlite3_bind_int64(st, 3, (int64_t)f[i].count);
        bind_text(st, 4, strand_verdict_name(f[i].verdict));
        bind_text(st, 5, f[i].n_trend ? strand_trend_name(f[i].trend) : NULL);
        run(d, st);
        sqlite3_reset(st);
    }
}

int watch_db_begin(watch_db *d) { return tx_begin(d) ? 0 : -1; }

int watch_db_commit(watch_db *d) { return tx_end(d, "cannot store the snapshot"); }

void watch_db_store(watch_db *d, watch_target *t, const watch_sample *smp, const strand_report *r)
{
    if (d->tx_failed)
        return;
    int64_t snap = insert_snapshot(d, t, smp);
    if (!d->tx_failed)
        store_groups(d, t->db_id, snap, smp->snap);
    if (!d->tx_failed)
        store_findings(d, t->db_id, snap, r, smp->time);
}

int64_t watch_db_finding(watch_db *d, watch_target *t, const strand_finding *f, double wall,
                         const char *reason, const char *json)
{
    if (d->tx_failed)
        return 0;
    int64_t gid = group_id(d, t->db_id, f, wall);
    sqlite3_stmt *st = d->st[S_FINDING];
    sqlite3_bind_int64(st, 1, t->db_id);
    bind_opt(st, 2, gid ? gid : -1);
    bind_text(st, 3, strand_verdict_name(f->verdict));
    bind_text(st, 4, f->cls ? f->cls->id : "");
    bind_text(st, 5, reason);
    sqlite3_bind_int64(st, 6, (int64_t)f->count);
    sqlite3_bind_double(st, 7, wall);
    bind_text(st, 8, json ? json : "{}");
    int64_t id = run(d, st) == SQLITE_DONE ? sqlite3_last_insert_rowid(d->db) : 0;
    sqlite3_reset(st);
    return id;
}

void watch_db_resolve(watch_db *d, int64_t finding, double wall)
{
    if (d->tx_failed || finding <= 0)
        return;
    sqlite3_stmt *st = d->st[S_RESOLVE];
    sqlite3_bind_double(st, 1, wall);
    sqlite3_bind_int64(st, 2, finding);
    run(d, st);
    sqlite3_reset(st);
}

void watch_db_cursor(watch_db *d, const watch_target *t)
{
    if (d->tx_failed)
        return;
    sqlite3_stmt *st = d->st[S_CURSOR];
    if (t->cursor_name) {
        sqlite3_bind_int64(st, 1, t->cursor_ns);
        bind_text(st, 2, t->cursor_name);
    } else {
        sqlite3_bind_null(st, 1);
        sqlite3_bind_null(st, 2);
    }
    bind_opt(st, 3, t->pid ? t->pid : -1);
    sqlite3_bind_int64(st, 4, t->db_id);
    run(d, st);
    sqlite3_reset(st);
}

/* Retention: snapshots older than --retain go, with their rows (cascade). */
void watch_db_maintain(watch_db *d, double now)
{
    if (d->fatal || now - d->last_maintain < 60 || d->retain <= 0)
        return;
    d->last_maintain = now;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(d->db, "DELETE FROM snapshots WHERE time < ?", -1, &st, NULL))
        return;
    if (!tx_begin(d)) {
        sqlite3_finalize(st);
        tx_end(d, "cannot apply --retain");
        return;
    }
    sqlite3_bind_double(st, 1, now - d->retain);
    run(d, st);
    sqlite3_finalize(st);
    tx_end(d, "cannot apply --retain");
}

/* ---- reading back ----------------------------------------------------------------- */

static char *col_dup(sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    return strdup(t ? (const char *)t : "");
}

static bool push_group(sqlite3_stmt *st, watch_group **g, size_t *n, size_t *cap)
{
    if (*n == *cap) {
        size_t c = *cap ? *cap * 2 : 32;
        watch_group *p = realloc(*g, c * sizeof *p);
        if (!p)
            return false;
        *g = p;
        *cap = c;
    }
    watch_group *x = &(*g)[(*n)++];
    *x = (watch_group){0};
    x->key = (uint64_t)sqlite3_column_int64(st, 0);
    x->record = sqlite3_column_int(st, 1) != 0;
    x->state = col_dup(st, 2);
    x->text = col_dup(st, 3);
    x->count = sqlite3_column_int64(st, 4);
    x->ids = col_dup(st, 5);
    return x->state && x->text && x->ids;
}

/* The snapshot `id`, printed from its stored groups and read again. */
static strand_snapshot *rebuild(sqlite3 *db, int64_t id, const char *name, const char *reason,
                                int *rc)
{
    static const char sql[] =
        "SELECT st.key, st.record, st.state, st.text, ss.count, ss.ids"
        " FROM snapshot_stacks ss JOIN stacks st ON st.id = ss.stack"
        " WHERE ss.snapshot = ? ORDER BY ss.ord";
    sqlite3_stmt *st;
    *rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
    if (*rc != SQLITE_OK)
        return NULL;
    sqlite3_bind_int64(st, 1, id);
    watch_group *g = NULL;
    size_t n = 0, cap = 0;
    bool ok = true;
    while (ok && (*rc = sqlite3_step(st)) == SQLITE_ROW)
        ok = push_group(st, &g, &n, &cap);
    sqlite3_finalize(st);
    if (*rc == SQLITE_DONE)
        *rc = ok ? SQLITE_OK : SQLITE_NOMEM;
    strand_snapshot *s = NULL;
    if (*rc == SQLITE_OK && (n || (reason && *reason))) {
        strand_error e = {0};
        s = watch_store_rebuild(g, n, name, reason, &e);
    }
    watch_store_groups_free(g, n);
    return s;
}

typedef struct stored {
    int64_t id;
    double time;
    int64_t fds, rss;
    char *reason;
} stored;

static void stored_free(stored *s, size_t n)
{
    for (size_t i = 0; s && i < n; i++)
        free(s[i].reason);
    free(s);
}

static int64_t col_opt(sqlite3_stmt *st, int i)
{
    return sqlite3_column_type(st, i) == SQLITE_NULL ? -1 : sqlite3_column_int64(st, i);
}

/* Snapshot rows of a target in [since, now], oldest first. */
static int list_snapshots(sqlite3 *db, int64_t target, double since, stored **out, size_t *n)
{
    static const char sql[] = "SELECT id, time, fds, rss, reason FROM snapshots"
                              " WHERE target = ? AND time >= ? ORDER BY time, id";
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
    *out = NULL;
    *n = 0;
    size_t cap = 0;
    if (rc != SQLITE_OK)
        return rc;
    sqlite3_bind_int64(st, 1, target);
    sqlite3_bind_double(st, 2, since);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 64;
            stored *p = realloc(*out, cap * sizeof *p);
            if (!p) {
                rc = SQLITE_NOMEM;
                break;
            }
            *out = p;
        }
        const unsigned char *why = sqlite3_column_text(st, 4);
        (*out)[(*n)++] = (stored){sqlite3_column_int64(st, 0), sqlite3_column_double(st, 1),
                                  col_opt(st, 2), col_opt(st, 3),
                                  why ? strdup((const char *)why) : NULL};
    }
    sqlite3_finalize(st);
    if (rc == SQLITE_DONE)
        return SQLITE_OK;
    stored_free(*out, *n);
    *out = NULL;
    *n = 0;
    return rc;
}

static void sample_name(char *buf, size_t n, const char *target, double t)
{
    char when[40];
    watch_format_time(t, when, sizeof when);
    snprintf(buf, n, "%s@%s", target, when);
}

static void load_open_findings(watch_db *d, watch_target *t)
{
    static const char sql[] =
        "SELECT f.id, g.key, g.class, g.site_function, g.site_file, g.site_line"
        " FROM findings f JOIN groups g ON g.id = f.grp"
        " WHERE f.target = ? AND f.resolved IS NULL";
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(d->db, sql, -1, &st, NULL) != SQLITE_OK)
        return;
    sqlite3_bind_int64(st, 1, t->db_id);
    while (sqlite3_step(st) == SQLITE_ROW)
        watch_seen_add(t, (uint64_t)sqlite3_column_int64(st, 1), sqlite3_column_int64(st, 0),
                       (const char *)sqlite3_column_text(st, 2),
                       (const char *)sqlite3_column_text(st, 3),
                       (const char *)sqlite3_column_text(st, 4),
                       (uint32_t)sqlite3_column_int(st, 5));
    sqlite3_finalize(st);
}

static void load_cursor(watch_db *d, watch_target *t)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(d->db, "SELECT cursor_ns, cursor_name FROM targets WHERE id = ?", -1,
                           &st, NULL) != SQLITE_OK)
        return;
    sqlite3_bind_int64(st, 1, t->db_id);
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 1) != SQLITE_NULL) {
        free(t->cursor_name);
        t->cursor_ns = sqlite3_column_int64(st, 0);
        t->cursor_name = col_dup(st, 1);
    }
    sqlite3_finalize(st);
}

int watch_db_resume(watch_db *d, watch *w, watch_target *t, size_t max)
{
    stored *s;
    size_t n;
    double since = d->retain > 0 ? watch_wall() - d->retain : 0;
    int rc = list_snapshots(d->db, t->db_id, since, &s, &n);
    if (rc != SQLITE_OK) {
        complain(d, rc, "cannot read the history");
        return -1;
    }
    size_t from = n > max ? n - max : 0, got = 0;
    for (size_t i = from; i < n; i++) {
        char name[512];
        sample_name(name, sizeof name, t->name, s[i].time);
        strand_snapshot *snap = rebuild(d->db, s[i].id, name, s[i].reason, &rc);
        if (snap) {
            watch_ingest(w, t, snap, s[i].time, s[i].fds, s[i].rss, false);
            got++;
        }
    }
    stored_free(s, n);
    load_open_findings(d, t);
    load_cursor(d, t);
    return (int)got;
}

/* ---- strand diff --db ----------------------------------------------------------- */

/* The target named `want` (exact, else a unique substring), or the only one. */
static int64_t pick_target(watch_db *d, const char *want, char **name)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(d->db, "SELECT id, name FROM targets ORDER BY id", -1, &st, NULL))
        return -1;
    int64_t id = -1, exact = -1;
    size_t matches = 0;
    wbuf names = {0};
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *nm = (const char *)sqlite3_column_text(st, 1);
        nm = nm ? nm : "";
        wb_printf(&names, "\n  %s", nm);
        if (want && !strcmp(nm, want)) {
            exact = sqlite3_column_int64(st, 0);
            free(*name);
            *name = strdup(nm);
        } else if (!want || strstr(nm, want)) {
            matches++;
            id = sqlite3_column_int64(st, 0);
            if (exact < 0) {
                free(*name);
                *name = strdup(nm);
            }
        }
    }
    sqlite3_finalize(st);
    if (exact >= 0)
        id = exact;
    else if (matches != 1) {
        if (matches == 0)
            tool_error("no target%s%s in %s; targets:%s", want ? " matches " : "",
                       want ? want : "", d->path, names.p ? names.p : " (none)");
        else
            tool_error("%s holds several targets%s%s; choose one with --target:%s", d->path,
                       want ? " matching " : "", want ? want : "", names.p);
        id = -1;
    }
    wb_free(&names);
    return id;
}

/* Keeps at most max rows, evenly spread, the first and the last included. */
static size_t thin(stored *s, size_t n, size_t max)
{
    if (n <= max || max < 2)
        return n;
    size_t next = 0; /* the next row to keep */
    for (size_t i = 0, k = 0; i < n; i++) {
        if (k < max && i == next) {
            s[k++] = s[i];
            next = (size_t)((double)k * (double)(n - 1) / (double)(max - 1) + 0.5);
        } else {
            free(s[i].reason);
        }
    }
    return max;
}

static int load_rows(watch_db *d, int64_t target, const char *name, stored *s, size_t n,
                     strand_snapshot ***snaps, double **times, size_t *got)
{
    *snaps = calloc(n ? n : 1, sizeof **snaps);
    *times = calloc(n ? n : 1, sizeof **times);
    if (!*snaps || !*times)
        return -1;
    (void)target;
    for (size_t i = 0; i < n; i++) {
        char label[512];
        int rc;
        sample_name(label, sizeof label, name, s[i].time);
        strand_snapshot *snap = rebuild(d->db, s[i].id, label, s[i].reason, &rc);
        if (!snap) {
            if (rc != SQLITE_OK) {
                complain(d, rc, "cannot read a snapshot");
                return -1;
            }
            continue; /* an empty snapshot */
        }
        (*times)[*got] = s[i].time - s[0].time;
        (*snaps)[(*got)++] = snap;
    }
    return 0;
}

int watch_db_load_series(const char *path, const char *target, double since, size_t max,
                         strand_snapshot ***snaps, double **times, size_t *n, char **name)
{
    *snaps = NULL;
    *times = NULL;
    *n = 0;
    *name = NULL;
    watch_db *d = open_db(path, SQLITE_OPEN_READONLY);
    if (!d)
        return -1;
    int rc = check_schema(d, false) ? -1 : 0;
    int64_t id = rc ? -1 : pick_target(d, target, name);
    stored *s = NULL;
    size_t ns = 0;
    if (id < 0)
        rc = -1;
    else if ((rc = list_snapshots(d->db, id, since, &s, &ns)) != SQLITE_OK) {
        complain(d, rc, "cannot read the history");
        rc = -1;
    } else {
        ns = thin(s, ns, max);
        rc = load_rows(d, id, *name, s, ns, snaps, times, n);
    }
    stored_free(s, ns);
    watch_db_close(d);
    return rc;
}
