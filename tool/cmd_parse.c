/* cmd_parse.c - strand parse: print the parsed model. */
#include "tool.h"

#include <string.h>

static const char usage[] =
    "usage: strand parse [--json] INPUT\n"
    "\n"
    "Read INPUT (a file, or - for standard input) and print the parsed model:\n"
    "with --json the full model (schema strand.snapshot/v1, see\n"
    "docs/snapshot-schema.md), otherwise a summary: format, goroutines, distinct\n"
    "stacks, states and diagnostics.\n";

static void print_summary(const strand_snapshot *s)
{
    size_t ng, nr;
    const strand_goroutine *g = strand_snapshot_goroutines(s, &ng);
    const strand_record *r = strand_snapshot_records(s, &nr);
    uint64_t by_kind[STRAND_KIND__COUNT] = {0};
    for (size_t i = 0; i < ng; i++)
        by_kind[g[i].kind < STRAND_KIND__COUNT ? g[i].kind : 0]++;
    for (size_t i = 0; i < nr; i++)
        if (r[i].count > 0)
            by_kind[r[i].kind < STRAND_KIND__COUNT ? r[i].kind : 0] += (uint64_t)r[i].count;
    printf("input:       %s\n", strand_snapshot_name(s));
    printf("format:      %s\n", strand_format_name(strand_snapshot_format(s)));
    printf("goroutines:  %llu\n", (unsigned long long)strand_snapshot_total(s));
    if (nr)
        printf("records:     %zu\n", nr);
    printf("stacks:      %zu distinct (%zu frames)\n", strand_snapshot_stack_count(s),
           strand_snapshot_frame_count(s));
    const char *reason = strand_str_get(s, strand_snapshot_reason(s), NULL);
    if (*reason)
        printf("reason:      %s\n", reason);
    for (int k = 0; k < STRAND_KIND__COUNT; k++)
        if (by_kind[k])
            printf("  %-16s %llu\n", strand_kind_name((strand_kind)k), (unsigned long long)by_kind[k]);
    printf("diagnostics: %llu\n", (unsigned long long)strand_snapshot_diagnostic_total(s));
    size_t nd;
    const strand_diagnostic *d = strand_snapshot_diagnostics(s, &nd);
    for (size_t i = 0; i < nd; i++)
        printf("  line %u (byte %llu): %s\n", d[i].line, (unsigned long long)d[i].offset,
               d[i].message);
}

int cmd_parse(int argc, char **argv)
{
    tool_opts o;
    int rc = tool_parse_opts(argc, argv, &o, usage);
    if (rc >= 0)
        return rc;
    if (o.n_inputs != 1) {
        tool_error("parse takes one INPUT");
        tool_opts_free(&o);
        return EXIT_USAGE;
    }
    strand_snapshot *s = tool_read(o.inputs[0], o.threads);
    rc = EXIT_USAGE;
    if (s) {
        rc = EXIT_CLEAN;
        if (o.json) {
            strand_error e = {0};
            if (strand_snapshot_write_json(s, &tool_stdout, &e) != STRAND_OK) {
                tool_error("writing JSON: %s", e.message ? e.message : "write error");
                rc = EXIT_USAGE;
            }
        } else {
            print_summary(s);
        }
        rc = tool_finish_stdout(rc);
        strand_snapshot_free(s);
    }
    tool_opts_free(&o);
    return rc;
}
