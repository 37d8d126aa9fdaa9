/* replay.c - runs the saved fuzz corpus through the fuzz targets, under gcc
 * (and ASan/UBSan in `make test`). Usage: replay TEXT_DIR PROTO_DIR.
 * Prints "replay: N passed, 0 failed"; a crash fails the test run. */
#include "targets.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static long run_dir(const char *dir, int (*target)(const uint8_t *, size_t))
{
    DIR *d = opendir(dir);
    if (!d) {
        fprintf(stderr, "replay: cannot open %s\n", dir);
        return -1;
    }
    long n = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        FILE *f = fopen(path, "rb");
        if (!f)
            continue;
        fseek(f, 0, SEEK_END);
        long size = ftell(f);
        fseek(f, 0, SEEK_SET);
        uint8_t *buf = malloc(size > 0 ? (size_t)size : 1);
        size_t got = buf ? fread(buf, 1, (size_t)(size > 0 ? size : 0), f) : 0;
        fclose(f);
        if (!buf)
            return -1;
        target(buf, got);
        /* the text target also sees every proto input and vice versa */
        target == fuzz_text ? fuzz_proto(buf, got) : fuzz_text(buf, got);
        free(buf);
        n++;
    }
    closedir(d);
    return n;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: replay TEXT_DIR PROTO_DIR\n");
        return 2;
    }
    long a = run_dir(argv[1], fuzz_text);
    long b = run_dir(argv[2], fuzz_proto);
    if (a < 0 || b < 0) {
        printf("replay: 0 passed, 1 failed\n");
        return 1;
    }
    printf("replay: %ld passed, 0 failed\n", a + b);
    return 0;
}
