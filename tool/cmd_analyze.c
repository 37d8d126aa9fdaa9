/* cmd_analyze.c - strand analyze: diagnose snapshots. */
#include "tool.h"

static const char usage[] =
    "usage: strand analyze [options] INPUT...\n"
    "\n"
    "Diagnose goroutine leaks in each INPUT (a file, or - for standard input).\n"
    "With --series, the inputs are snapshots of one process, oldest first, and\n"
    "are compared like 'strand diff'.\n"
    "\n"
    "options:\n"
    "  --json                      the JSON report (schema strand.report/v1)\n"
    "  --all                       also show groups judged ok\n"
    "  --series                    treat the inputs as a time series of one process\n"
    "  --interval SECONDS          time between series snapshots (for rates)\n"
    "  --min-count N               hide groups of fewer than N goroutines\n"
    "  --ignore-top FUNC           ignore goroutines whose top function is FUNC\n"
    "  --ignore-any FUNC           ignore goroutines with FUNC anywhere in the stack\n"
    "  --ignore-created-by FUNC    ignore goroutines created by FUNC\n"
    "  --ignore-file PATH          rules, one per line: ignore-top|ignore-any|\n"
    "                              ignore-created-by FUNC ('#' comments)\n"
    "  --fail-on leak|suspect|never  exit 1 when a finding is at least this (leak)\n"
    "  --color auto|always|never   colour (auto: on a terminal, unless NO_COLOR)\n"
    "  --threads N                 reader threads (0: automatic)\n"
    "  --source DIR                look for Go sources under DIR too (repeatable);\n"
    "                              the line where a group waits sharpens the\n"
    "                              diagnosis (e.g. 'for range t.C', 'done <- x')\n"
    "\n"
    "Exit status: 0 clean, 1 findings at or above --fail-on, 2 usage or input error.\n";

int cmd_analyze(int argc, char **argv)
{
    tool_opts o;
    int rc = tool_parse_opts(argc, argv, &o, usage);
    if (rc >= 0)
        return rc;
    rc = tool_report(&o, o.series);
    tool_opts_free(&o);
    return rc;
}
