/* cmd_diff.c - strand diff: compare snapshots of one process over time. */
#include "tool.h"

static const char usage[] =
    "usage: strand diff [options] BASE NEW...\n"
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
    "  --json, --all, --min-count N, --ignore-top FUNC, --ignore-any FUNC,\n"
    "  --ignore-created-by FUNC, --ignore-file PATH, --fail-on leak|suspect|never,\n"
    "  --color auto|always|never, --threads N   as for 'strand analyze'\n"
    "\n"
    "Exit status: 0 clean, 1 findings at or above --fail-on, 2 usage or input error.\n";

int cmd_diff(int argc, char **argv)
{
    tool_opts o;
    int rc = tool_parse_opts(argc, argv, &o, usage);
    if (rc >= 0)
        return rc;
    if (o.n_inputs < 2) {
        tool_error("diff needs at least two snapshots (BASE NEW...)");
        tool_opts_free(&o);
        return EXIT_USAGE;
    }
    rc = tool_report(&o, true);
    tool_opts_free(&o);
    return rc;
}
