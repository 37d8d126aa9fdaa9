/* strand.c - main: the subcommand table. */
#include "tool.h"

#include <string.h>

static const char usage[] =
    "usage: strand <command> [options] [INPUT...]\n"
    "\n"
    "Find goroutine leaks in Go goroutine dumps and profiles.\n"
    "\n"
    "commands:\n"
    "  analyze [options] INPUT...   diagnose one snapshot (several with --series)\n"
    "  diff [options] BASE NEW...   compare snapshots of one process over time\n"
    "  explain [CLASS]              the leak classes: clue, cause, fix, examples\n"
    "  parse [--json] INPUT         print the parsed model\n"
    "  watch [options] TARGET...    follow live services (pprof URLs) and report leaks\n"
    "\n"
    "INPUT is a file or - for standard input. Every form Go writes is read:\n"
    "pprof goroutine profiles (debug=0 protobuf, debug=1, debug=2), runtime.Stack\n"
    "dumps, panics, fatal errors, SIGQUIT dumps, go test timeouts, goleak and gleak\n"
    "reports, also when embedded in other text.\n"
    "\n"
    "Run 'strand <command> --help' for a command's options; see strand(1).\n"
    "Exit status: 0 nothing at or above --fail-on, 1 findings, 2 usage or input error.\n";

struct command {
    const char *name;
    tool_cmd_fn fn;
};

static const struct command commands[] = {
    {"analyze", cmd_analyze},
    {"diff", cmd_diff},
    {"explain", cmd_explain},
    {"parse", cmd_parse},
    {"watch", cmd_watch},
};

int main(int argc, char **argv)
{
    if (argc < 2) {
        fputs(usage, stderr);
        return EXIT_USAGE;
    }
    const char *name = argv[1];
    if (!strcmp(name, "--help") || !strcmp(name, "-h") || !strcmp(name, "help")) {
        fputs(usage, stdout);
        return tool_finish_stdout(EXIT_CLEAN);
    }
    if (!strcmp(name, "--version") || !strcmp(name, "version")) {
        printf("strand %s\n", strand_version());
        return tool_finish_stdout(EXIT_CLEAN);
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (!strcmp(name, commands[i].name))
            return commands[i].fn(argc - 1, argv + 1);
    tool_error("unknown command '%s' (see 'strand --help')", name);
    return EXIT_USAGE;
}
