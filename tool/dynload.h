/* dynload.h - libcurl and libsqlite3, loaded with dlopen() only by the
 * commands that use them (strand watch, strand diff --db), so that every
 * other command starts without mapping their ~30 shared libraries.
 *
 * The library headers still give the types and constants. Each function the
 * watch code calls is a pointer in dl_curl or dl_sqlite, filled by
 * dl_load_curl() / dl_load_sqlite(); dynload.c checks at compile time that
 * every pointer type matches the header's prototype.
 *
 * Include this after <curl/curl.h> / <sqlite3.h>: unless DYNLOAD_IMPL is
 * defined, it redirects the usual names (curl_easy_setopt, sqlite3_step...)
 * to the loaded pointers, so the call sites read as plain libcurl / SQLite.
 * Calling one before its dl_load_*() succeeded is a bug (a NULL call).
 */
#ifndef STRAND_DYNLOAD_H
#define STRAND_DYNLOAD_H

#include <curl/curl.h>
#include <sqlite3.h>
#include <stdbool.h>

/* X(return type, name without the "curl_" prefix, parameters) */
#define DL_CURL_FUNCS(X)                                                                    \
    X(CURLcode, global_init, (long flags))                                                  \
    X(void, global_cleanup, (void))                                                         \
    X(CURL *, easy_init, (void))                                                            \
    X(void, easy_cleanup, (CURL * curl))                                                    \
    X(CURLcode, easy_setopt, (CURL * curl, CURLoption option, ...))                         \
    X(CURLcode, easy_getinfo, (CURL * curl, CURLINFO info, ...))                            \
    X(const char *, easy_strerror, (CURLcode code))                                         \
    X(CURLHcode, easy_header,                                                               \
      (CURL * easy, const char *name, size_t index, unsigned int origin, int request,       \
       struct curl_header **hout))                                                          \
    X(struct curl_slist *, slist_append, (struct curl_slist * list, const char *string))   \
    X(void, slist_free_all, (struct curl_slist * list))                                     \
    X(CURLM *, multi_init, (void))                                                          \
    X(CURLMcode, multi_cleanup, (CURLM * multi))                                            \
    X(CURLMcode, multi_setopt, (CURLM * multi, CURLMoption option, ...))                    \
    X(CURLMcode, multi_add_handle, (CURLM * multi, CURL * easy))                            \
    X(CURLMcode, multi_remove_handle, (CURLM * multi, CURL * easy))                         \
    X(CURLMcode, multi_perform, (CURLM * multi, int *running))                              \
    X(CURLMcode, multi_poll,                                                                \
      (CURLM * multi, struct curl_waitfd extra_fds[], unsigned int extra_nfds,              \
       int timeout_ms, int *ret))                                                           \
    X(CURLMsg *, multi_info_read, (CURLM * multi, int *msgs_in_queue))

/* X(return type, name without the "sqlite3_" prefix, parameters) */
#define DL_SQLITE_FUNCS(X)                                                                  \
    X(int, open_v2, (const char *filename, sqlite3 **db, int flags, const char *vfs))       \
    X(int, close, (sqlite3 * db))                                                           \
    X(int, busy_timeout, (sqlite3 * db, int ms))                                            \
    X(int, extended_result_codes, (sqlite3 * db, int onoff))                                \
    X(int, exec,                                                                            \
      (sqlite3 * db, const char *sql, int (*callback)(void *, int, char **, char **),       \
       void *arg, char **errmsg))                                                           \
    X(int, prepare_v2,                                                                      \
      (sqlite3 * db, const char *sql, int nbyte, sqlite3_stmt **stmt, const char **tail))   \
    X(int, prepare_v3,                                                                      \
      (sqlite3 * db, const char *sql, int nbyte, unsigned int flags, sqlite3_stmt **stmt,   \
       const char **tail))                                                                  \
    X(int, step, (sqlite3_stmt * stmt))                                                     \
    X(int, reset, (sqlite3_stmt * stmt))                                                    \
    X(int, finalize, (sqlite3_stmt * stmt))                                                 \
    X(int, bind_int, (sqlite3_stmt * stmt, int i, int v))                                   \
    X(int, bind_int64, (sqlite3_stmt * stmt, int i, sqlite3_int64 v))                       \
    X(int, bind_double, (sqlite3_stmt * stmt, int i, double v))                             \
    X(int, bind_null, (sqlite3_stmt * stmt, int i))                                         \
    X(int, bind_text,                                                                       \
      (sqlite3_stmt * stmt, int i, const char *v, int n, void (*destructor)(void *)))       \
    X(int, column_type, (sqlite3_stmt * stmt, int col))                                     \
    X(int, column_int, (sqlite3_stmt * stmt, int col))                                      \
    X(sqlite3_int64, column_int64, (sqlite3_stmt * stmt, int col))                          \
    X(double, column_double, (sqlite3_stmt * stmt, int col))                                \
    X(const unsigned char *, column_text, (sqlite3_stmt * stmt, int col))                   \
    X(sqlite3_int64, last_insert_rowid, (sqlite3 * db))                                     \
    X(int, system_errno, (sqlite3 * db))                                                    \
    X(const char *, errstr, (int rc))

/* dl_curl_easy_setopt_fn etc.: the function types. */
#define DL_TYPEDEF_CURL(ret, name, params) typedef ret dl_curl_##name##_fn params;
#define DL_TYPEDEF_SQLITE(ret, name, params) typedef ret dl_sqlite_##name##_fn params;
DL_CURL_FUNCS(DL_TYPEDEF_CURL)
DL_SQLITE_FUNCS(DL_TYPEDEF_SQLITE)
#undef DL_TYPEDEF_CURL
#undef DL_TYPEDEF_SQLITE

#define DL_MEMBER_CURL(ret, name, params) dl_curl_##name##_fn *name;
#define DL_MEMBER_SQLITE(ret, name, params) dl_sqlite_##name##_fn *name;
typedef struct dl_curl_api {
    DL_CURL_FUNCS(DL_MEMBER_CURL)
} dl_curl_api;
typedef struct dl_sqlite_api {
    DL_SQLITE_FUNCS(DL_MEMBER_SQLITE)
} dl_sqlite_api;
#undef DL_MEMBER_CURL
#undef DL_MEMBER_SQLITE

extern dl_curl_api dl_curl;
extern dl_sqlite_api dl_sqlite;

/* Load the library and resolve every function once; later calls return the
 * first answer. On failure: says why on stderr (the library to install and
 * dlerror()) and returns false; the caller exits with EXIT_USAGE. */
bool dl_load_curl(void);
bool dl_load_sqlite(void);

#ifndef DYNLOAD_IMPL
/* curl.h defines these three as macros (under gcc, option/value type checks
 * from curl/typecheck-gcc.h); the arguments are still checked against the
 * prototypes below, the variadic value is not. */
#undef curl_easy_setopt
#undef curl_easy_getinfo
#undef curl_multi_setopt

#define curl_global_init (*dl_curl.global_init)
#define curl_global_cleanup (*dl_curl.global_cleanup)
#define curl_easy_init (*dl_curl.easy_init)
#define curl_easy_cleanup (*dl_curl.easy_cleanup)
#define curl_easy_setopt (*dl_curl.easy_setopt)
#define curl_easy_getinfo (*dl_curl.easy_getinfo)
#define curl_easy_strerror (*dl_curl.easy_strerror)
#define curl_easy_header (*dl_curl.easy_header)
#define curl_slist_append (*dl_curl.slist_append)
#define curl_slist_free_all (*dl_curl.slist_free_all)
#define curl_multi_init (*dl_curl.multi_init)
#define curl_multi_cleanup (*dl_curl.multi_cleanup)
#define curl_multi_setopt (*dl_curl.multi_setopt)
#define curl_multi_add_handle (*dl_curl.multi_add_handle)
#define curl_multi_remove_handle (*dl_curl.multi_remove_handle)
#define curl_multi_perform (*dl_curl.multi_perform)
#define curl_multi_poll (*dl_curl.multi_poll)
#define curl_multi_info_read (*dl_curl.multi_info_read)

#define sqlite3_open_v2 (*dl_sqlite.open_v2)
#define sqlite3_close (*dl_sqlite.close)
#define sqlite3_busy_timeout (*dl_sqlite.busy_timeout)
#define sqlite3_extended_result_codes (*dl_sqlite.extended_result_codes)
#define sqlite3_exec (*dl_sqlite.exec)
#define sqlite3_prepare_v2 (*dl_sqlite.prepare_v2)
#define sqlite3_prepare_v3 (*dl_sqlite.prepare_v3)
#define sqlite3_step (*dl_sqlite.step)
#define sqlite3_reset (*dl_sqlite.reset)
#define sqlite3_finalize (*dl_sqlite.finalize)
#define sqlite3_bind_int (*dl_sqlite.bind_int)
#define sqlite3_bind_int64 (*dl_sqlite.bind_int64)
#define sqlite3_bind_double (*dl_sqlite.bind_double)
#define sqlite3_bind_null (*dl_sqlite.bind_null)
#define sqlite3_bind_text (*dl_sqlite.bind_text)
#define sqlite3_column_type (*dl_sqlite.column_type)
#define sqlite3_column_int (*dl_sqlite.column_int)
#define sqlite3_column_int64 (*dl_sqlite.column_int64)
#define sqlite3_column_double (*dl_sqlite.column_double)
#define sqlite3_column_text (*dl_sqlite.column_text)
#define sqlite3_last_insert_rowid (*dl_sqlite.last_insert_rowid)
#define sqlite3_system_errno (*dl_sqlite.system_errno)
#define sqlite3_errstr (*dl_sqlite.errstr)
#endif

#endif
