/* bulk_baseline.c — the baseline of bench/bulk: how fast SQLite itself changes the routing profile
 * of every user of an instance, and deletes them all, each with one audit row per user, in one
 * transaction each, with no server in between.
 *
 *   bulk_baseline STORE.db INSTANCE_ID ROUTING_PROFILE_ID
 *
 * STORE.db is a copy of a store roster has loaded (bench/bulk copies it with SQLite's backup
 * API); INSTANCE_ID the instance whose users are changed, ROUTING_PROFILE_ID the profile they get.
 * The store is opened with the server's pragmas (src/store/sqlite.c).
 *
 * 1. The edit, in one transaction: one INSERT … SELECT writing one audit_events row per user as
 *    roster writes for UpdateUserRoutingProfile (src/core/audit.c: an update stores only what
 *    changed, {"RoutingProfileId": old, "Version": v} before and {"RoutingProfileId": new,
 *    "Version": v + 1} after, compact JSON), then ONE UPDATE of users (routing profile, version,
 *    modified time) for the whole instance.
 * 2. The delete, in one transaction: one INSERT … SELECT writing one DeleteUser audit row per
 *    user whose before_json is the whole user as src/core/audit.c serialises it (Username,
 *    IdentityInfo, Channels with each channel's settings, RoutingProfileId, SecurityProfileIds,
 *    HierarchyGroupId, ExternallyManaged, ExternalId, Disabled, Version, Tags; members without a
 *    value left out), built with SQLite's JSON functions; then what store_user_delete
 *    (src/store/sqlite_users.c) removes besides the user: the users' AGENT queues and tags; then
 *    ONE DELETE of the instance's users (ON DELETE CASCADE removes channels, profiles, keys).
 * Each is timed from BEGIN to the end of COMMIT. Prints on stdout
 *   BASELINE_EDIT users=N seconds=S users_per_s=R audit_bytes=B
 *   BASELINE_DELETE users=N seconds=S users_per_s=R audit_bytes=B
 * (audit_bytes: the mean size of before_json + after_json of one audit row). Exit 1 on any failure.
 *
 * Build: cc -std=c17 -O2 -Wall -Wextra -o bulk_baseline bulk_baseline.c -lsqlite3
 */
#define _POSIX_C_SOURCE 200809L /* clock_gettime */
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static sqlite3 *db;

static void die(const char *what, const char *detail)
{
    fprintf(stderr, "bulk_baseline: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
    exit(1);
}

static void exec(const char *sql)
{
    char *err = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK)
        die(err ? err : "exec failed", sql);
}

static sqlite3_stmt *prep(const char *sql)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        die(sqlite3_errmsg(db), sql);
    return st;
}

/* Runs st to its end; returns the rows it changed. */
static int64_t run(sqlite3_stmt *st)
{
    if (sqlite3_step(st) != SQLITE_DONE)
        die("statement failed", sqlite3_errmsg(db));
    int64_t n = sqlite3_changes64(db);
    sqlite3_finalize(st);
    return n;
}

static int64_t scalar(const char *sql, const char *arg)
{
    sqlite3_stmt *st = prep(sql);
    if (arg)
        sqlite3_bind_text(st, 1, arg, -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_ROW)
        die("query failed", sqlite3_errmsg(db));
    int64_t v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
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

/* The mean size of the two JSON texts of the audit rows of operation after row id `after`. */
static int64_t audit_bytes(const char *operation, int64_t after)
{
    sqlite3_stmt *st = prep("SELECT coalesce(avg(coalesce(length(before_json), 0) + coalesce(length(after_json), 0)), 0) "
                            "FROM audit_events WHERE operation = ? AND id > ?");
    sqlite3_bind_text(st, 1, operation, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, after);
    if (sqlite3_step(st) != SQLITE_ROW)
        die("query failed", sqlite3_errmsg(db));
    int64_t v = (int64_t)(sqlite3_column_double(st, 0) + 0.5);
    sqlite3_finalize(st);
    return v;
}

/* The audit columns every row shares: instance (?1), time (?2), key (?3). */
#define AUDIT_INSERT                                                                                         \
    "INSERT INTO audit_events(instance_id, at_ms, key_id, actor_user_id, operation, resource_id, before_json, " \
    "after_json) "

static const char edit_audit_sql[] =
    AUDIT_INSERT
    "SELECT u.instance_id, ?2, ?3, NULL, 'UpdateUserRoutingProfile', u.id, "
    "json_object('RoutingProfileId', u.routing_profile_id, 'Version', u.version), "
    "json_object('RoutingProfileId', ?4, 'Version', u.version + 1) "
    "FROM users u WHERE u.instance_id = ?1";

static const char edit_sql[] =
    "UPDATE users SET routing_profile_id = ?4, version = version + 1, modified_ms = ?2 WHERE instance_id = ?1";

/* json_patch('{}', X) drops every member of X (at any depth) whose value is null, as audit.c
 * leaves unset members out; nullif(…, '') as its put_str skips empty strings. */
#define JBOOL(x) "CASE WHEN " x " IS NULL THEN NULL WHEN " x " THEN json('true') ELSE json('false') END"
static const char delete_audit_sql[] =
    AUDIT_INSERT
    "SELECT u.instance_id, ?2, ?3, NULL, 'DeleteUser', u.id, json_patch('{}', json_object("
    "'Username', u.username, "
    "'IdentityInfo', json_object('FirstName', nullif(u.first_name, ''), 'LastName', nullif(u.last_name, ''), "
    "  'Email', nullif(u.email, ''), 'SecondaryEmail', nullif(u.secondary_email, ''), "
    "  'Mobile', nullif(u.mobile, '')), "
    "'DirectoryUserId', nullif(u.directory_user_id, ''), "
    "'Channels', json((SELECT json_group_object(c.channel, json_object("
    "  'PhoneType', nullif(c.phone_type, ''), 'AutoAccept', " JBOOL("c.auto_accept") ", "
    "  'AfterContactWorkTimeLimit', c.acw_seconds, 'DeskPhoneNumber', nullif(c.phone_number, ''), "
    "  'PersistentConnection', " JBOOL("c.persistent_connection") ", "
    "  'AgentFirstCallbackAutoAccept', " JBOOL("c.afc_auto_accept") ", "
    "  'AgentFirstCallbackAfterContactWorkTimeLimit', c.afc_acw_seconds, "
    "  'VoiceEnhancementMode', nullif(c.voice_enhancement, ''))) "
    "  FROM user_channel_configs c WHERE c.user_id = u.id)), "
    "'RoutingProfileId', u.routing_profile_id, "
    "'SecurityProfileIds', json((SELECT json_group_array(p.profile_id) FROM user_security_profiles p "
    "  WHERE p.user_id = u.id)), "
    "'HierarchyGroupId', u.hierarchy_group_id, "
    "'ExternallyManaged', " JBOOL("u.externally_managed") ", "
    "'ExternalId', nullif(u.external_id, ''), "
    "'Disabled', " JBOOL("u.disabled") ", "
    "'Version', u.version, "
    "'Tags', json((SELECT CASE WHEN count(*) > 0 THEN json_group_object(t.key, t.value) END FROM tags t "
    "  WHERE t.resource_id = u.id AND t.instance_id = u.instance_id)))), NULL "
    "FROM users u WHERE u.instance_id = ?1";

/* What store_user_delete removes besides the users row, for every user of the instance. */
static const char delete_queues_sql[] =
    "DELETE FROM queues WHERE instance_id = ?1 AND queue_type = 'AGENT' "
    "AND id IN (SELECT id FROM users WHERE instance_id = ?1)";
static const char delete_tags_sql[] =
    "DELETE FROM tags WHERE instance_id = ?1 AND resource_id IN (SELECT id FROM users WHERE instance_id = ?1)";
static const char delete_sql[] = "DELETE FROM users WHERE instance_id = ?1";

/* Prepares sql with the shared parameters bound: ?1 instance, ?2 now, ?3 key, ?4 profile. */
static sqlite3_stmt *bound(const char *sql, const char *instance, int64_t at_ms, const char *key,
                           const char *profile)
{
    sqlite3_stmt *st = prep(sql);
    int n = sqlite3_bind_parameter_count(st);
    sqlite3_bind_text(st, 1, instance, -1, SQLITE_STATIC);
    if (n >= 2)
        sqlite3_bind_int64(st, 2, at_ms);
    if (n >= 3)
        sqlite3_bind_text(st, 3, key, -1, SQLITE_STATIC);
    if (n >= 4)
        sqlite3_bind_text(st, 4, profile, -1, SQLITE_STATIC);
    return st;
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: bulk_baseline STORE.db INSTANCE_ID ROUTING_PROFILE_ID\n");
        return 2;
    }
    const char *instance = argv[2], *profile = argv[3];
    if (sqlite3_open_v2(argv[1], &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
        die("cannot open the store", argv[1]);
    exec("PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; PRAGMA synchronous=NORMAL; PRAGMA temp_store=MEMORY;"
         "PRAGMA cache_size=-32768; PRAGMA journal_size_limit=67108864;");

    int64_t users = scalar("SELECT count(*) FROM users WHERE instance_id = ?", instance);
    if (users == 0)
        die("the instance has no users", instance);
    if (scalar("SELECT count(*) FROM routing_profiles WHERE id = ?", profile) != 1)
        die("no such routing profile", profile);
    /* An access key id of the store, so the audit rows carry one of the real size. */
    sqlite3_stmt *k = prep("SELECT id FROM access_keys ORDER BY rowid LIMIT 1");
    char key[128] = "cli";
    if (sqlite3_step(k) == SQLITE_ROW && sqlite3_column_text(k, 0))
        snprintf(key, sizeof key, "%s", (const char *)sqlite3_column_text(k, 0));
    sqlite3_finalize(k);
    int64_t last_audit = scalar("SELECT coalesce(max(id), 0) FROM audit_events", NULL);

    /* 1. the edit */
    double t0 = mono();
    int64_t ms = now_ms();
    exec("BEGIN IMMEDIATE");
    int64_t audited = run(bound(edit_audit_sql, instance, ms, key, profile));
    int64_t changed = run(bound(edit_sql, instance, ms, key, profile));
    exec("COMMIT");
    double edit_s = mono() - t0;
    if (audited != users || changed != users)
        die("the edit did not change every user", NULL);
    printf("BASELINE_EDIT users=%lld seconds=%.3f users_per_s=%.0f audit_bytes=%lld\n", (long long)users, edit_s,
           edit_s > 0 ? (double)users / edit_s : 0.0, (long long)audit_bytes("UpdateUserRoutingProfile", last_audit));
    fflush(stdout);
    last_audit = scalar("SELECT coalesce(max(id), 0) FROM audit_events", NULL);

    /* 2. the delete */
    t0 = mono();
    ms = now_ms();
    exec("BEGIN IMMEDIATE");
    audited = run(bound(delete_audit_sql, instance, ms, key, profile));
    run(bound(delete_queues_sql, instance, ms, key, profile));
    run(bound(delete_tags_sql, instance, ms, key, profile));
    int64_t deleted = run(bound(delete_sql, instance, ms, key, profile));
    exec("COMMIT");
    double delete_s = mono() - t0;
    if (audited != users || deleted != users)
        die("the delete did not remove every user", NULL);
    printf("BASELINE_DELETE users=%lld seconds=%.3f users_per_s=%.0f audit_bytes=%lld\n", (long long)users,
           delete_s, delete_s > 0 ? (double)users / delete_s : 0.0, (long long)audit_bytes("DeleteUser", last_audit));
    sqlite3_close(db);
    return 0;
}
