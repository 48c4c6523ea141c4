/* test_vfs.c — the store's VFS (src/store/sqlite_vfs.c), which gathers a commit's WAL writes into
 * a few system calls, on real files: every connection of a store uses it; a commit of over 10 MB
 * (past the buffer and many write calls) reads back exactly through another store on the same
 * file, and the file passes SQLite's integrity check; and every commit a writer process was told
 * had committed is there after that process is killed with SIGKILL in the middle of writing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "store/sqlite_int.h"
#include "store/store.h"
#include "support.h"

/* The value the tests write under key number i: n bytes that depend on i. */
static char *value_of(int i, size_t n)
{
    char *v = malloc(n + 1);
    assert_non_null(v);
    for (size_t k = 0; k < n; k++)
        v[k] = (char)('a' + (i * 7 + (int)k) % 26);
    v[n] = '\0';
    return v;
}

static void check_value(store_conn *c, int i, size_t n)
{
    char key[32];
    snprintf(key, sizeof key, "k%d", i);
    char *got = NULL, *want = value_of(i, n);
    assert_int_equal(store_meta_get(c, key, &got), STORE_OK);
    assert_string_equal(got, want);
    free(got);
    free(want);
}

static void check_intact(sqlite3 *db)
{
    sqlite3_stmt *st = NULL;
    assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(st, 0), "ok");
    sqlite3_finalize(st);
}

static void store_uses_the_gathering_vfs(void **state)
{
    (void)state;
    test_store ts;
    assert_non_null(test_store_open(&ts));
    store_conn *c = store_conn_get(ts.st);
    sqlite3_vfs *vfs = NULL;
    assert_int_equal(sqlite3_file_control(c->db, "main", SQLITE_FCNTL_VFS_POINTER, &vfs), SQLITE_OK);
    assert_non_null(vfs);
    assert_string_equal(vfs->zName, "roster-wal-gather");
    store_conn_put(c);
    assert_int_equal(test_store_remove(&ts), 0);
}

enum { BIG_KEYS = 640, BIG_VALUE = 16 * 1024 };

static void large_commit_reads_back(void **state)
{
    (void)state;
    test_store ts;
    assert_non_null(test_store_open(&ts));
    store_conn *c = store_conn_get(ts.st);
    assert_int_equal(store_begin(c, 1), STORE_OK);
    for (int i = 0; i < BIG_KEYS; i++) {
        char key[32];
        snprintf(key, sizeof key, "k%d", i);
        char *v = value_of(i, BIG_VALUE);
        assert_int_equal(store_meta_set(c, key, v), STORE_OK);
        free(v);
    }
    assert_int_equal(store_commit(c), STORE_OK);
    store_conn_put(c);

    char err[256];
    store *other = store_open(ts.path, 0, err, sizeof err);
    assert_non_null(other);
    store_conn *r = store_conn_get(other);
    for (int i = 0; i < BIG_KEYS; i++)
        check_value(r, i, BIG_VALUE);
    check_intact(r->db);
    store_conn_put(r);
    store_close(other);
    assert_int_equal(test_store_remove(&ts), 0);
}

enum { CRASH_VALUE = 3000 };

/* The child: commits key after key, and after each commit returns writes its number to fd. */
_Noreturn static void write_until_killed(const char *path, int fd)
{
    char err[256];
    store *s = store_open(path, 0, err, sizeof err);
    if (!s)
        _exit(2);
    store_conn *c = store_conn_get(s);
    for (int i = 0;; i++) {
        char key[32];
        snprintf(key, sizeof key, "k%d", i);
        char *v = value_of(i, CRASH_VALUE);
        if (store_begin(c, 1) != STORE_OK || store_meta_set(c, key, v) != STORE_OK || store_commit(c) != STORE_OK)
            _exit(3);
        free(v);
        if (write(fd, &i, sizeof i) != (ssize_t)sizeof i)
            _exit(4);
    }
}

static void commits_survive_kill_9(void **state)
{
    (void)state;
    test_store ts;
    assert_non_null(test_store_open(&ts));
    store_close(ts.st); /* the child writes; this process only reads afterwards */
    ts.st = NULL;
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    pid_t child = fork();
    assert_true(child >= 0);
    if (child == 0) {
        close(fds[0]);
        write_until_killed(ts.path, fds[1]);
    }
    close(fds[1]);
    int last = -1, n;
    struct timespec start, now;
    clock_gettime(CLOCK_MONOTONIC, &start);
    do { /* let it commit for about 300 ms, reading what it reports */
        if (read(fds[0], &n, sizeof n) != (ssize_t)sizeof n)
            break;
        last = n;
        clock_gettime(CLOCK_MONOTONIC, &now);
    } while ((now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000 < 300);
    assert_int_equal(kill(child, SIGKILL), 0);
    int status;
    assert_int_equal(waitpid(child, &status, 0), child);
    assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    while (read(fds[0], &n, sizeof n) == (ssize_t)sizeof n) /* reported before it died */
        last = n;
    close(fds[0]);
    assert_true(last >= 10); /* it did commit for a while */

    char err[256];
    ts.st = store_open(ts.path, 0, err, sizeof err);
    assert_non_null(ts.st);
    store_conn *r = store_conn_get(ts.st);
    check_intact(r->db);
    for (int i = 0; i <= last; i++)
        check_value(r, i, CRASH_VALUE);
    store_conn_put(r);
    assert_int_equal(test_store_remove(&ts), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(store_uses_the_gathering_vfs),
        cmocka_unit_test(large_commit_reads_back),
        cmocka_unit_test(commits_survive_kill_9),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
