/* cmd_diff.c - strand diff: compare snapshots of one process over time,
 * from files or (--db) from the history a `strand watch --db` recorded. */
#include "watch.h"

#include <stdlib.h>
#include <string.h>

static const char usage[] =
    "usage: strand diff [options] BASE NEW...\n"
    "       strand diff --db FILE [--since D] [--target T] [options]\n"
    "\n"
    "Compare snapshots of one process taken in time order (any mix of formats).\n"
    "Groups are matched by stack and given a trend: growing, steady, shrinking,\n"
    "new, gone, stuck (the same goroutines parked at one place in every snapshot)\n"
    "or spinning (running at the same place in every snapshot). A large steady\n"
    "population is not a leak; a group that keeps growing is.\n"
    "\n"
    "options:\n"
    "  --interval SECONDS   time between snapshots, for rates (protobuf profiles\n"
    "                       carry their own time)\n"
    "  --db FILE            read the snapshots from a 'strand watch --db' database\n"
    "  --since D            with --db: the last D of history (1h; 15m, 2d, ...)\n"
    "  --target T           with --db: the target (its URL or directory, or a unique\n"
    "                       part of it); needed when the database holds several\n"
    "  --max-snapshots N    with --db: analyse at most N, evenly spread (500)\n"
    "  --json, --all, --min-count N, --ignore-top FUNC, --ignore-any FUNC,\n"
    "  --ignore-created-by FUNC, --ignore-file PATH, --fail-on leak|suspect|never,\n"
    "  --color auto|always|never, --threads N, --source DIR   as for 'strand analyze'\n"
    "\n"
    "Exit status: 0 clean, 1 findings at or above --fail-on, 2 usage or input error.\n";

typedef struct db_opts {
    const char *db, *target;
    double since;
    size_t max;
    bool used;                 /* --since, --target or --max-snapshots given */
} db_opts;

/* Takes --db, --since, --target and --max-snapshots out of argv. */
static int take_db_opts(int *argc, char **argv, db_opts *d)
{
    static const char *const names[] = {"--db", "--since", "--target", "--max-snapshots"};
    int out = 1;
    for (int i = 1; i < *argc; i++) {
        int k = -1;
        const char *v = NULL;
        for (int j = 0; j < 4 && k < 0 && strcmp(argv[i], "--"); j++) {
            size_t n = strlen(names[j]);
            if (!strncmp(argv[i], names[j], n) && (argv[i][n] == '=' || !argv[i][n]))
                k = j, v = argv[i][n] ? argv[i] + n + 1 : (i + 1 < *argc ? argv[++i] : NULL);
        }
        if (k < 0) {
            argv[out++] = argv[i];
            continue;
        }
        char *end = NULL;
        if (!v || (k == 1 && !watch_parse_duration(v, &d->since)) ||
            (k == 3 && ((d->max = strtoul(v, &end, 10)) < 2 || *end))) {
            tool_error("bad or missing value for %s", names[k]);
            return EXIT_USAGE;
        }
        if (k == 0)
            d->db = v;
        else if (k == 2)
            d->target = v;
        d->used |= k != 0;
    }
    if (d->used && !d->db) {
        tool_error("--since, --target and --max-snapshots go with --db FILE");
        return EXIT_USAGE;
    }
    *argc = out;
    argv[out] = NULL;
    return -1;
}

static int diff_db(tool_opts *o, const db_opts *d)
{
    if (o->n_inputs) {
        tool_error("--db reads its snapshots from the database: give no input files");
        return EXIT_USAGE;
    }
    strand_snapshot **snaps;
    double *times;
    size_t n;
    char *name;
    double since = watch_wall() - d->since;
    int rc = EXIT_USAGE;
    if (watch_db_load_series(d->db, d->target, since, d->max, &snaps, &times, &n, &name) == 0) {
        if (n == 0)
            tool_error("%s: no snapshots of %s in the last %.0f s", d->db, name ? name : "?",
                       d->since);
        else
            rc = tool_report_series(o, snaps, n, times);
    }
    for (size_t i = 0; i < n; i++)
        strand_snapshot_free(snaps[i]);
    free(snaps);
    free(times);
    free(name);
    return rc;
}

int cmd_diff(int argc, char **argv)
{
    db_opts d = {NULL, NULL, 3600, 500, false};
    tool_opts o;
    int rc = take_db_opts(&argc, argv, &d);
    if (rc >= 0)
        return rc;
    rc = tool_parse_opts(argc, argv, &o, usage);
    if (rc >= 0)
        return rc;
    if (d.db) {
        rc = diff_db(&o, &d);
    } else if (o.n_inputs < 2) {
        tool_error("diff needs at least two snapshots (BASE NEW...)");
        rc = EXIT_USAGE;
    } else {
        rc = tool_report(&o, true);
    }
    tool_opts_free(&o);
    return rc;
}
