/* cmd_explain.c - strand explain: print the leak-class table. */
#include "tool.h"

#include <string.h>

static const char usage[] =
    "usage: strand explain [CLASS...]\n"
    "\n"
    "Without CLASS, list the leak classes Strand knows. With CLASS, explain it:\n"
    "what it looks like in a goroutine profile, why it happens, the fix, and a\n"
    "short Go example of the bug and its fix.\n";

/* Prints `text` line by line after `pad`; prose lines are wrapped at word
 * boundaries to fit 80 columns, code lines (wrap == 0) are kept as they are. */
static void indent_block(const char *text, const char *pad, int wrap)
{
    const size_t width = 80 - strlen(pad);
    const char *p = text;
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        while (wrap && n > width) {
            size_t cut = width;
            while (cut > 0 && p[cut] != ' ')
                cut--;
            if (cut == 0)
                break;
            printf("%s%.*s\n", pad, (int)cut, p);
            p += cut + 1;
            n -= cut + 1;
        }
        printf("%s%.*s\n", n ? pad : "", (int)n, p);
        p += n + (nl ? 1 : 0);
    }
}

static void explain_one(const strand_class_info *c)
{
    printf("%s: %s\n\n", c->id, c->title);
    printf("Verdict: %s\n\n", strand_verdict_name(c->verdict));
    printf("What it looks like:\n");
    indent_block(c->clue, "  ", 1);
    printf("\nWhy it happens:\n");
    indent_block(c->cause, "  ", 1);
    printf("\nFix:\n");
    indent_block(c->fix, "  ", 1);
    if (c->example_bug && *c->example_bug) {
        printf("\nBug:\n");
        indent_block(c->example_bug, "    ", 0);
    }
    if (c->example_fix && *c->example_fix) {
        printf("\nFixed:\n");
        indent_block(c->example_fix, "    ", 0);
    }
}

int cmd_explain(int argc, char **argv)
{
    tool_opts o;
    int rc = tool_parse_opts(argc, argv, &o, usage);
    if (rc >= 0)
        return rc;
    size_t n;
    const strand_class_info *all = strand_classes(&n);
    rc = EXIT_CLEAN;
    if (o.n_inputs == 0) {
        for (size_t i = 0; i < n; i++)
            printf("%-34s %-8s %s\n", all[i].id, strand_verdict_name(all[i].verdict), all[i].title);
        printf("\nRun 'strand explain CLASS' for the clue, the cause, the fix and examples.\n");
    } else {
        for (size_t i = 0; i < o.n_inputs; i++) {
            const strand_class_info *c = strand_class_find(o.inputs[i]);
            if (!c) {
                tool_error("unknown class '%s' (run 'strand explain' for the list)", o.inputs[i]);
                rc = EXIT_USAGE;
                continue;
            }
            if (i)
                printf("\n");
            explain_one(c);
        }
    }
    tool_opts_free(&o);
    return tool_finish_stdout(rc);
}
