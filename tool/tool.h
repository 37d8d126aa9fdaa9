/* tool.h - shared pieces of the strand command: options, inputs, output. */
#ifndef STRAND_TOOL_H
#define STRAND_TOOL_H

#include "strand.h"

#include <stdbool.h>
#include <stdio.h>

enum { EXIT_CLEAN = 0, EXIT_FINDINGS = 1, EXIT_USAGE = 2 };

typedef struct tool_opts {
    bool json;
    bool all;
    bool series;               /* analyze: treat inputs as snapshots of one process */
    uint64_t min_count;
    strand_verdict fail_on;    /* findings at or above this fail (exit 1) */
    bool fail_never;
    int color;                 /* -1 auto, 0 never, 1 always */
    unsigned threads;
    strand_ignore *ignores;
    size_t n_ignores, cap_ignores;
    double interval;           /* diff: seconds between snapshots, 0 unknown */
    const char **inputs;
    size_t n_inputs;
    const char **sources;      /* --source DIR: where Go sources are looked for */
    size_t n_sources;
} tool_opts;

/* Source lines for the analysis (tool/source.c). */
typedef struct tool_source tool_source;
tool_source *tool_source_new(const tool_opts *o);
/* strand_analyze_options.source_line; ctx is a tool_source. */
const char *tool_source_line(void *ctx, const char *file, uint32_t line);
void tool_source_free(tool_source *c);

/* A subcommand: argv[0] is its name. Returns the exit code. */
typedef int (*tool_cmd_fn)(int argc, char **argv);

int cmd_analyze(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_explain(int argc, char **argv);
int cmd_parse(int argc, char **argv);
int cmd_watch(int argc, char **argv);

/* Parses the common options; unknown options are usage errors. `usage` is
 * printed on --help. Returns -1 to go on, or an exit code. */
int tool_parse_opts(int argc, char **argv, tool_opts *o, const char *usage);
void tool_opts_free(tool_opts *o);

/* Reads one input ("-" is stdin); NULL after printing "strand: NAME: ..." */
strand_snapshot *tool_read(const char *path, unsigned threads);

/* Runs analysis over the inputs and renders it; returns the exit code. */
int tool_report(tool_opts *o, bool series);

/* Analyses snapshots of one process (oldest first, `times` in seconds or
 * NULL) and renders the report; returns the exit code. */
int tool_report_series(tool_opts *o, strand_snapshot **snaps, size_t n, const double *times);

/* stdout with write-error tracking. */
extern const strand_sink tool_stdout;
/* Flushes stdout; prints an error and returns EXIT_USAGE if writing failed. */
int tool_finish_stdout(int code);

#if defined(__GNUC__)
__attribute__((format(printf, 1, 2)))
#endif
void tool_error(const char *fmt, ...);

#endif
