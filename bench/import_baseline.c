/* import_baseline.c — the baseline of bench/import: how fast the users of a SAML template file
 * go into a roster store directly with SQLite, in one transaction, with no server in between.
 *
 *   import_baseline STORE.db FILE.csv
 *
 * STORE.db is a store made by `roster init` (its first instance receives the users); FILE.csv a
 * file of bench/gen_import.py (`saml`). Each row becomes what roster's store writes for a user
 * (src/store/sqlite_users.c, store_user_create): the users row, one user_channel_configs row per
 * channel (VOICE, CHAT, TASK, EMAIL, with the phone settings on VOICE and the ACW limit on each),
 * one user_security_profiles row per profile, the user's AGENT queue row, and one tags row per tag.
 * The store is opened with the server's pragmas (src/store/sqlite.c). The file is parsed (libcsv)
 * and names are resolved before the clock starts: only the inserts and the commit are timed.
 * Prints `BASELINE rows=N seconds=S rows_per_s=R` on stdout. Exit 1 on any failure.
 *
 * Build: cc -O2 -o import_baseline import_baseline.c -lsqlite3 -lcsv
 */
#include <csv.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define COLS 13
#define MAX_PROFILES 10
#define MAX_TAGS 50

static const char *const header[COLS] = {
    "first name", "last name", "secondary email", "mobile", "user login", "routing profile name",
    "security_profile_name_1|security_profile_name_2", "user_hierarchy_1|user_hierarchy_2",
    "phone type (soft/desk)", "phone number", "soft phone auto accept (yes/no)", "ACW timeout (seconds)", "tags"};
enum { C_FIRST, C_LAST, C_SECOND, C_MOBILE, C_LOGIN, C_ROUTING, C_PROFILES, C_HIER, C_PTYPE, C_PHONE, C_AUTO,
       C_ACW, C_TAGS };

static void die(const char *what, const char *detail)
{
    fprintf(stderr, "import_baseline: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
    exit(1);
}

static void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        die("out of memory", NULL);
    return p;
}

static char *xstrndup(const char *s, size_t n)
{
    char *d = xmalloc(n + 1);
    memcpy(d, s, n);
    d[n] = 0;
    return d;
}

/* ---- reading the file (libcsv) --------------------------------------------------------------- */

typedef struct {
    char **cells; /* rows * COLS */
    size_t rows, cap, col;
    int bad;
} table;

static void on_field(void *s, size_t n, void *cls)
{
    table *t = cls;
    if (t->col >= COLS) {
        t->bad = 1;
        return;
    }
    if (t->rows == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 1024;
        char **c = realloc(t->cells, t->cap * COLS * sizeof *c);
        if (!c)
            die("out of memory", NULL);
        t->cells = c;
    }
    t->cells[t->rows * COLS + t->col++] = xstrndup(s ? s : "", n);
}

static void on_row(int c, void *cls)
{
    (void)c;
    table *t = cls;
    if (t->col != COLS)
        t->bad = 1;
    t->rows++;
    t->col = 0;
}

static void read_file(const char *path, table *t)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        die("cannot open", path);
    struct csv_parser p;
    if (csv_init(&p, CSV_APPEND_NULL) != 0)
        die("csv_init failed", NULL);
    char buf[1 << 16];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        if (csv_parse(&p, buf, n, on_field, on_row, t) != n)
            die("bad CSV", csv_strerror(csv_error(&p)));
    csv_fini(&p, on_field, on_row, t);
    csv_free(&p);
    fclose(f);
    if (t->bad || t->rows < 1)
        die("not a SAML template file of 13 columns", path);
    for (int i = 0; i < COLS; i++)
        if (strcmp(t->cells[i], header[i]) != 0)
            die("unexpected header cell", t->cells[i]);
}

/* ---- the store --------------------------------------------------------------------------------- */

static sqlite3 *db;

static sqlite3_stmt *prep(const char *sql)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        die(sqlite3_errmsg(db), sql);
    return st;
}

static void step_done(sqlite3_stmt *st)
{
    if (sqlite3_step(st) != SQLITE_DONE)
        die("insert failed", sqlite3_errmsg(db));
    sqlite3_reset(st);
}

static void exec(const char *sql)
{
    char *err = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK)
        die(err ? err : "exec failed", sql);
}

/* The id of the named thing of the instance (sql selects id by instance_id and name). */
static char *lookup(const char *sql, const char *instance, const char *name)
{
    sqlite3_stmt *st = prep(sql);
    sqlite3_bind_text(st, 1, instance, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_ROW)
        die("not in the store", name);
    char *id = xstrndup((const char *)sqlite3_column_text(st, 0), (size_t)sqlite3_column_bytes(st, 0));
    sqlite3_finalize(st);
    return id;
}

/* A UUID v7 text (36 characters) from the time and a xorshift generator: distinct per call. */
static void uuid7(char out[37], int64_t ms)
{
    static uint64_t x = 0x9e3779b97f4a7c15ull;
    unsigned char b[16];
    for (int i = 0; i < 6; i++)
        b[i] = (unsigned char)(ms >> (40 - 8 * i));
    for (int i = 6; i < 16; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        b[i] = (unsigned char)x;
    }
    b[6] = (unsigned char)(0x70 | (b[6] & 0x0f));
    b[8] = (unsigned char)(0x80 | (b[8] & 0x3f));
    snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1], b[2],
             b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
}

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static double mono(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Splits s in place on '|' (the generator writes no escapes) into at most max parts. */
static size_t split(char *s, char **parts, size_t max)
{
    size_t n = 0;
    if (!*s)
        return 0;
    for (char *p = s; n < max;) {
        parts[n++] = p;
        char *bar = strchr(p, '|');
        if (!bar)
            break;
        *bar = 0;
        p = bar + 1;
    }
    return n;
}

static void bind_opt(sqlite3_stmt *st, int i, const char *s)
{
    if (s && *s)
        sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, i);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: import_baseline STORE.db FILE.csv\n");
        return 2;
    }
    table t = {0};
    read_file(argv[2], &t);
    size_t rows = t.rows - 1;

    if (sqlite3_open(argv[1], &db) != SQLITE_OK)
        die("cannot open the store", argv[1]);
    exec("PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; PRAGMA synchronous=NORMAL; PRAGMA temp_store=MEMORY;"
         "PRAGMA cache_size=-32768;");
    sqlite3_stmt *q = prep("SELECT id FROM instances ORDER BY rowid LIMIT 1");
    if (sqlite3_step(q) != SQLITE_ROW)
        die("the store has no instance", argv[1]);
    char *instance = xstrndup((const char *)sqlite3_column_text(q, 0), (size_t)sqlite3_column_bytes(q, 0));
    sqlite3_finalize(q);

    /* Resolve every name before the clock starts (the server caches names too). */
    char **rp = xmalloc(rows * sizeof *rp);
    char ***sp = xmalloc(rows * sizeof *sp);
    size_t *nsp = xmalloc(rows * sizeof *nsp);
    char *rp_id = NULL, *rp_name = NULL;
    struct { char *name, *id; } known[16];
    size_t nknown = 0;
    for (size_t r = 0; r < rows; r++) {
        char **c = t.cells + (r + 1) * COLS;
        if (!rp_name || strcmp(rp_name, c[C_ROUTING]) != 0) {
            rp_name = c[C_ROUTING];
            rp_id = lookup("SELECT id FROM routing_profiles WHERE instance_id = ? AND name = ?", instance, rp_name);
        }
        rp[r] = rp_id;
        char *names[MAX_PROFILES];
        nsp[r] = split(c[C_PROFILES], names, MAX_PROFILES);
        sp[r] = xmalloc(MAX_PROFILES * sizeof *sp[r]);
        for (size_t i = 0; i < nsp[r]; i++) {
            size_t k = 0;
            while (k < nknown && strcmp(known[k].name, names[i]) != 0)
                k++;
            if (k == nknown) {
                if (nknown == 16)
                    die("too many distinct security profiles", names[i]);
                known[k].name = names[i];
                known[k].id = lookup("SELECT id FROM security_profiles WHERE instance_id = ? AND name = ?",
                                     instance, names[i]);
                nknown++;
            }
            sp[r][i] = known[k].id;
        }
        if (*c[C_HIER])
            die("the baseline writes no hierarchy groups", c[C_HIER]);
    }

    sqlite3_stmt *ins_user = prep(
        "INSERT INTO users(id, instance_id, username, username_fold, first_name, last_name, email, "
        "secondary_email, mobile, password_hash, directory_user_id, routing_profile_id, hierarchy_group_id, "
        "externally_managed, external_id, disabled, version, created_ms, modified_ms) "
        "VALUES (?, ?, ?, ?, ?, ?, NULL, ?, ?, NULL, NULL, ?, NULL, 0, NULL, 0, 1, ?, ?)");
    sqlite3_stmt *ins_channel = prep(
        "INSERT INTO user_channel_configs(user_id, channel, auto_accept, acw_seconds, phone_type, phone_number, "
        "persistent_connection, voice_enhancement, afc_auto_accept, afc_acw_seconds) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL)");
    sqlite3_stmt *ins_profile = prep("INSERT OR IGNORE INTO user_security_profiles(user_id, profile_id) VALUES (?, ?)");
    sqlite3_stmt *ins_queue = prep(
        "INSERT INTO queues(id, instance_id, name, description, hours_id, max_contacts, status, queue_type, "
        "modified_ms) VALUES (?, ?, NULL, NULL, NULL, NULL, 'ENABLED', 'AGENT', ?)");
    sqlite3_stmt *ins_tag = prep("INSERT INTO tags(instance_id, resource_id, key, value) VALUES (?, ?, ?, ?)");
    static const char *const channels[] = {"VOICE", "CHAT", "TASK", "EMAIL"};

    double t0 = mono();
    exec("BEGIN IMMEDIATE");
    for (size_t r = 0; r < rows; r++) {
        char **c = t.cells + (r + 1) * COLS;
        char id[37], fold[256];
        int64_t ms = now_ms();
        uuid7(id, ms);
        size_t n = strlen(c[C_LOGIN]);
        if (n >= sizeof fold)
            die("login too long", c[C_LOGIN]);
        for (size_t i = 0; i <= n; i++)
            fold[i] = (char)(c[C_LOGIN][i] >= 'A' && c[C_LOGIN][i] <= 'Z' ? c[C_LOGIN][i] + 32 : c[C_LOGIN][i]);
        sqlite3_bind_text(ins_user, 1, id, -1, SQLITE_STATIC);
        sqlite3_bind_text(ins_user, 2, instance, -1, SQLITE_STATIC);
        sqlite3_bind_text(ins_user, 3, c[C_LOGIN], -1, SQLITE_STATIC);
        sqlite3_bind_text(ins_user, 4, fold, -1, SQLITE_STATIC);
        sqlite3_bind_text(ins_user, 5, c[C_FIRST], -1, SQLITE_STATIC);
        sqlite3_bind_text(ins_user, 6, c[C_LAST], -1, SQLITE_STATIC);
        bind_opt(ins_user, 7, c[C_SECOND]);
        bind_opt(ins_user, 8, c[C_MOBILE]);
        sqlite3_bind_text(ins_user, 9, rp[r], -1, SQLITE_STATIC);
        sqlite3_bind_int64(ins_user, 10, ms);
        sqlite3_bind_int64(ins_user, 11, ms);
        step_done(ins_user);

        int auto_accept = strcmp(c[C_AUTO], "yes") == 0;
        long acw = strtol(c[C_ACW], NULL, 10);
        for (int ch = 0; ch < 4; ch++) {
            int voice = ch == 0;
            sqlite3_bind_text(ins_channel, 1, id, -1, SQLITE_STATIC);
            sqlite3_bind_text(ins_channel, 2, channels[ch], -1, SQLITE_STATIC);
            sqlite3_bind_int(ins_channel, 3, voice ? auto_accept : 0);
            sqlite3_bind_int64(ins_channel, 4, acw);
            if (voice) {
                sqlite3_bind_text(ins_channel, 5, strcmp(c[C_PTYPE], "desk") == 0 ? "DESK_PHONE" : "SOFT_PHONE", -1,
                                  SQLITE_STATIC);
                bind_opt(ins_channel, 6, c[C_PHONE]);
                sqlite3_bind_int(ins_channel, 7, 0);
                sqlite3_bind_text(ins_channel, 8, "NONE", -1, SQLITE_STATIC);
            } else {
                for (int i = 5; i <= 8; i++)
                    sqlite3_bind_null(ins_channel, i);
            }
            step_done(ins_channel);
        }
        for (size_t i = 0; i < nsp[r]; i++) {
            sqlite3_bind_text(ins_profile, 1, id, -1, SQLITE_STATIC);
            sqlite3_bind_text(ins_profile, 2, sp[r][i], -1, SQLITE_STATIC);
            step_done(ins_profile);
        }
        sqlite3_bind_text(ins_queue, 1, id, -1, SQLITE_STATIC);
        sqlite3_bind_text(ins_queue, 2, instance, -1, SQLITE_STATIC);
        sqlite3_bind_int64(ins_queue, 3, ms);
        step_done(ins_queue);

        char *tags[2 * MAX_TAGS + MAX_TAGS];
        size_t nt = split(c[C_TAGS], tags, sizeof tags / sizeof tags[0]);
        for (size_t i = 0; i + 1 < nt; i += 3) { /* key, value, "" separator, key, value … */
            sqlite3_bind_text(ins_tag, 1, instance, -1, SQLITE_STATIC);
            sqlite3_bind_text(ins_tag, 2, id, -1, SQLITE_STATIC);
            sqlite3_bind_text(ins_tag, 3, tags[i], -1, SQLITE_STATIC);
            sqlite3_bind_text(ins_tag, 4, tags[i + 1], -1, SQLITE_STATIC);
            step_done(ins_tag);
        }
    }
    exec("COMMIT");
    double secs = mono() - t0;

    printf("BASELINE rows=%zu seconds=%.3f rows_per_s=%.0f\n", rows, secs, secs > 0 ? (double)rows / secs : 0.0);
    sqlite3_finalize(ins_user);
    sqlite3_finalize(ins_channel);
    sqlite3_finalize(ins_profile);
    sqlite3_finalize(ins_queue);
    sqlite3_finalize(ins_tag);
    sqlite3_close(db);
    return 0;
}
