/* dynload.c - dlopen() libcurl and libsqlite3 on first use (see dynload.h). */
#define DYNLOAD_IMPL
#include "dynload.h"

#include "tool.h"

#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

dl_curl_api dl_curl;
dl_sqlite_api dl_sqlite;

/* Every pointer type must match the header's prototype. _Generic does not
 * evaluate its operand, so this references no libcurl/SQLite symbol. */
#define DL_CHECK(prefix, tprefix, name)                                                     \
    _Static_assert(_Generic(&prefix##name, tprefix##name##_fn *: 1, default: 0),           \
                   #prefix #name " does not match its prototype");
#define DL_CHECK_CURL(ret, name, params) DL_CHECK(curl_, dl_curl_, name)
#define DL_CHECK_SQLITE(ret, name, params) DL_CHECK(sqlite3_, dl_sqlite_, name)
DL_CURL_FUNCS(DL_CHECK_CURL)
DL_SQLITE_FUNCS(DL_CHECK_SQLITE)

/* A function pointer as dlsym() returns it: POSIX guarantees the void * ->
 * function pointer round trip; memcpy avoids the ISO C cast warning. */
_Static_assert(sizeof(void *) == sizeof(void (*)(void)), "dlsym needs data == code pointers");
#define DL_SYM(h, prefix, api, name)                                                        \
    do {                                                                                    \
        void *p_ = dlsym(h, #prefix #name);                                                 \
        if (!p_)                                                                            \
            return false;                                                                   \
        memcpy(&(api).name, &p_, sizeof p_);                                                \
    } while (0);

static void *open_lib(const char *soname, const char *devname, char *why, size_t n)
{
    void *h = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
    if (h)
        return h;
    const char *e = dlerror();
    /* Say why the versioned name failed: the unversioned one is a -dev file. */
    snprintf(why, n, "%s", e ? e : soname);
    h = dlopen(devname, RTLD_NOW | RTLD_LOCAL);
    return h;
}

static bool resolve_curl(void *h)
{
#define DL_SYM_CURL(ret, name, params) DL_SYM(h, curl_, dl_curl, name)
    DL_CURL_FUNCS(DL_SYM_CURL)
#undef DL_SYM_CURL
    return true;
}

static bool resolve_sqlite(void *h)
{
#define DL_SYM_SQLITE(ret, name, params) DL_SYM(h, sqlite3_, dl_sqlite, name)
    DL_SQLITE_FUNCS(DL_SYM_SQLITE)
#undef DL_SYM_SQLITE
    return true;
}

/* state: 0 not tried, 1 loaded, -1 failed (already said). */
static bool load(int *state, const char *soname, const char *devname, bool (*resolve)(void *),
                 const char *what)
{
    if (*state)
        return *state > 0;
    *state = -1;
    char why[512];
    void *h = open_lib(soname, devname, why, sizeof why);
    if (!h) {
        tool_error("%s: %s", what, why);
        return false;
    }
    if (!resolve(h)) {
        const char *e = dlerror();
        tool_error("%s: %s", what, e ? e : "a function is missing");
        dlclose(h);
        return false;
    }
    *state = 1;
    return true;
}

bool dl_load_curl(void)
{
    static int state;
    bool ok = load(&state, "libcurl.so.4", "libcurl.so", resolve_curl,
                   "watch needs libcurl (Debian package libcurl4)");
    if (!ok)
        memset(&dl_curl, 0, sizeof dl_curl);
    return ok;
}

bool dl_load_sqlite(void)
{
    static int state;
    bool ok = load(&state, "libsqlite3.so.0", "libsqlite3.so", resolve_sqlite,
                   "--db needs libsqlite3 (Debian package libsqlite3-0)");
    if (!ok)
        memset(&dl_sqlite, 0, sizeof dl_sqlite);
    return ok;
}
