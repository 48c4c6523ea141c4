/* sqlite_migrations.c — the SQLite backend's numbered schema migrations (SQLite DDL), applied
 * in order by sqlite.c and recorded in the store's schema_migrations table.
 *
 * A migration is never edited once released: a schema change is a new entry at the end.
 * Times are milliseconds since the epoch; identifiers are lowercase UUIDs.
 *
 * The unique names of store.h are held here by: instances.alias UNIQUE COLLATE NOCASE (SQLite's
 * NOCASE folds ASCII only) since 1; UNIQUE(instance_id, name) on security profiles, routing
 * profiles, hierarchy groups, hours of operation, and the partial unique index queues_name,
 * since 1; users' UNIQUE(instance_id, username) since 1 and, ignoring ASCII case, the unique
 * index users_fold on the stored folded column username_fold since 5.
 * Migration 6 rebuilt the users table; its constraints and indexes are as described above.
 * Migration 7 adds the durable jobs (jobs, job_items); 8 their logins (job_logins).
 */
#include "store/sqlite_migrations.h"

#include <stdio.h>
#include <string.h>

static const char *const m001_foundation =
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);\n"
    "CREATE TABLE instances(\n"
    "  id TEXT PRIMARY KEY,\n"
    "  alias TEXT UNIQUE COLLATE NOCASE,\n"
    "  idm_type TEXT NOT NULL CHECK (idm_type IN ('CONNECT_MANAGED','SAML')),\n"
    "  inbound_calls INTEGER NOT NULL,\n"
    "  outbound_calls INTEGER NOT NULL,\n"
    "  status TEXT NOT NULL,\n"
    "  client_token TEXT UNIQUE,\n"
    "  created_ms INTEGER NOT NULL);\n"
    "CREATE TABLE tags(\n"
    "  instance_id TEXT NOT NULL REFERENCES instances(id) ON DELETE CASCADE,\n"
    "  resource_id TEXT NOT NULL,\n"
    "  key TEXT NOT NULL,\n"
    "  value TEXT NOT NULL,\n"
    "  PRIMARY KEY(resource_id, key)) WITHOUT ROWID;\n"
    "CREATE INDEX tags_instance ON tags(instance_id);\n"
    "CREATE TABLE security_profiles(\n"
    "  id TEXT PRIMARY KEY,\n"
    "  instance_id TEXT NOT NULL REFERENCES instances(id) ON DELETE CASCADE,\n"
    "  name TEXT NOT NULL,\n"
    "  description TEXT NOT NULL DEFAULT '',\n"
    "  builtin INTEGER NOT NULL DEFAULT 0,\n"
    "  modified_ms INTEGER NOT NULL,\n"
    "  UNIQUE(instance_id, name));\n"
    "CREATE TABLE security_profile_permissions(\n"
    "  profile_id TEXT NOT NULL REFERENCES security_profiles(id) ON DELETE CASCADE,\n"
    "  permission TEXT NOT NULL,\n"
    "  PRIMARY KEY(profile_id, permission)) WITHOUT ROWID;\n"
    "CREATE TABLE hours_of_operations(\n"
    "  id TEXT PRIMARY KEY,\n"
    "  instance_id TEXT NOT NULL REFERENCES instances(id) ON DELETE CASCADE,\n"
    "  name TEXT NOT NULL,\n"
    "  description TEXT,\n"
    "  time_zone TEXT NOT NULL,\n"
    "  modified_ms INTEGER NOT NULL,\n"
    "  UNIQUE(instance_id, name));\n"
    "CREATE TABLE hours_slots(\n"
    "  hours_id TEXT NOT NULL REFERENCES hours_of_operations(id) ON DELETE CASCADE,\n"
    "  seq INTEGER NOT NULL,\n"
    "  day TEXT NOT NULL,\n"
    "  start_h INTEGER NOT NULL, start_m INTEGER NOT NULL,\n"
    "  end_h INTEGER NOT NULL, end_m INTEGER NOT NULL,\n"
    "  PRIMARY KEY(hours_id, seq)) WITHOUT ROWID;\n"
    "CREATE TABLE queues(\n"
    "  id TEXT PRIMARY KEY,\n"
    "  instance_id TEXT NOT NULL REFERENCES instances(id) ON DELETE CASCADE,\n"
    "  name TEXT,\n"
    "  description TEXT,\n"
    "  hours_id TEXT REFERENCES hours_of_operations(id),\n"
    "  max_contacts INTEGER,\n"
    "  status TEXT NOT NULL DEFAULT 'ENABLED',\n"
    "  queue_type TEXT NOT NULL CHECK (queue_type IN ('STANDARD','AGENT')),\n"
    "  modified_ms INTEGER NOT NULL);\n"
    "CREATE UNIQUE INDEX queues_name ON queues(instance_id, name) WHERE name IS NOT NULL;\n"
    "CREATE TABLE routing_profiles(\n"
    "  id TEXT PRIMARY KEY,\n"
    "  instance_id TEXT NOT NULL REFERENCES instances(id) ON DELETE CASCADE,\n"
    "  name TEXT NOT NULL,\n"
    "  description TEXT NOT NULL,\n"
    "  default_outbound_queue_id TEXT NOT NULL REFERENCES queues(id),\n"
    "  agent_availability_timer TEXT,\n"
    "  is_default INTEGER NOT NULL DEFAULT 0,\n"
    "  modified_ms INTEGER NOT NULL,\n"
    "  UNIQUE(instance_id, name));\n"
    "CREATE TABLE routing_profile_media(\n"
    "  profile_id TEXT NOT NULL REFERENCES routing_profiles(id) ON DELETE CASCADE,\n"
    "  channel TEXT NOT NULL,\n"
    "  concurrency INTEGER NOT NULL,\n"
    "  cross_channel TEXT,\n"
    "  PRIMARY KEY(profile_id, channel)) WITHOUT ROWID;\n"
    "CREATE TABLE routing_profile_queues(\n"
    "  profile_id TEXT NOT NULL REFERENCES routing_profiles(id) ON DELETE CASCADE,\n"
    "  queue_id TEXT NOT NULL REFERENCES queues(id),\n"
    "  channel TEXT NOT NULL,\n"
    "  manual INTEGER NOT NULL DEFAULT 0,\n"
    "  priority INTEGER,\n"
    "  delay INTEGER,\n"
    "  PRIMARY KEY(profile_id, queue_id, channel, manual)) WITHOUT ROWID;\n"
    "CREATE INDEX routing_profile_queues_queue ON routing_profile_queues(queue_id);\n"
    "CREATE TABLE hierarchy_levels(\n"
    "  instance_id TEXT NOT NULL REFERENCES instances(id) ON DELETE CASCADE,\n"
    "  level INTEGER NOT NULL CHECK (level BETWEEN 1 AND 5),\n"
    "  id TEXT NOT NULL UNIQUE,\n"
    "  name TEXT NOT NULL,\n"
    "  modified_ms INTEGER NOT NULL,\n"
    "  PRIMARY KEY(instance_id, level));\n"
    "CREATE TABLE hierarchy_groups(\n"
    "  id TEXT PRIMARY KEY,\n"
    "  instance_id TEXT NOT NULL REFERENCES instances(id) ON DELETE CASCADE,\n"
    "  name TEXT NOT NULL,\n"
    "  level INTEGER NOT NULL,\n"
    "  parent_id TEXT REFERENCES hierarchy_groups(id),\n"
    "  modified_ms INTEGER NOT NULL,\n"
    "  UNIQUE(instance_id, name));\n"
    "CREATE INDEX hierarchy_groups_parent ON hierarchy_groups(parent_id);\n"
    "CREATE TABLE users(\n"
    "  id TEXT PRIMARY KEY,\n"
    "  instance_id TEXT NOT NULL REFERENCES instances(id) ON DELETE CASCADE,\n"
    "  username TEXT NOT NULL,\n"
    "  username_fold TEXT NOT NULL,\n"
    "  first_name TEXT,\n"
    "  last_name TEXT,\n"
    "  email TEXT,\n"
    "  secondary_email TEXT,\n"
    "  mobile TEXT,\n"
    "  password_hash TEXT,\n"
    "  directory_user_id TEXT,\n"
    "  routing_profile_id TEXT NOT NULL REFERENCES routing_profiles(id),\n"
    "  hierarchy_group_id TEXT REFERENCES hierarchy_groups(id),\n"
    "  externally_managed INTEGER NOT NULL DEFAULT 0,\n"
    "  external_id TEXT,\n"
    "  disabled INTEGER NOT NULL DEFAULT 0,\n"
    "  version INTEGER NOT NULL DEFAULT 1,\n"
    "  created_ms INTEGER NOT NULL,\n"
    "  modified_ms INTEGER NOT NULL,\n"
    "  UNIQUE(instance_id, username));\n"
    "CREATE INDEX users_fold ON users(instance_id, username_fold);\n"
    "CREATE INDEX users_routing_profile ON users(routing_profile_id);\n"
    "CREATE INDEX users_hierarchy_group ON users(hierarchy_group_id);\n"
    "CREATE TABLE user_channel_configs(\n"
    "  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,\n"
    "  channel TEXT NOT NULL,\n"
    "  auto_accept INTEGER,\n"
    "  acw_seconds INTEGER,\n"
    "  phone_type TEXT,\n"
    "  phone_number TEXT,\n"
    "  persistent_connection INTEGER,\n"
    "  voice_enhancement TEXT,\n"
    "  PRIMARY KEY(user_id, channel)) WITHOUT ROWID;\n"
    "CREATE TABLE user_security_profiles(\n"
    "  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,\n"
    "  profile_id TEXT NOT NULL REFERENCES security_profiles(id),\n"
    "  PRIMARY KEY(user_id, profile_id)) WITHOUT ROWID;\n"
    "CREATE INDEX user_security_profiles_profile ON user_security_profiles(profile_id);\n"
    "CREATE TABLE access_keys(\n"
    "  id TEXT PRIMARY KEY,\n"
    "  kind INTEGER NOT NULL CHECK (kind IN (1, 2)),\n"
    "  instance_id TEXT REFERENCES instances(id) ON DELETE CASCADE,\n"
    "  user_id TEXT REFERENCES users(id) ON DELETE CASCADE,\n"
    "  sealed BLOB NOT NULL,\n"
    "  created_ms INTEGER NOT NULL,\n"
    "  revoked_ms INTEGER NOT NULL DEFAULT 0);\n"
    "CREATE TABLE audit_events(\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  instance_id TEXT,\n"
    "  at_ms INTEGER NOT NULL,\n"
    "  key_id TEXT,\n"
    "  actor_user_id TEXT,\n"
    "  operation TEXT NOT NULL,\n"
    "  resource_id TEXT,\n"
    "  before_json TEXT,\n"
    "  after_json TEXT);\n"
    "CREATE INDEX audit_events_resource ON audit_events(resource_id, at_ms);\n";

static const char *const m002_resources =
    "ALTER TABLE queues ADD COLUMN outbound_caller_id_name TEXT;\n"
    "ALTER TABLE queues ADD COLUMN outbound_caller_id_number_id TEXT;\n"
    "ALTER TABLE queues ADD COLUMN outbound_flow_id TEXT;\n"
    "ALTER TABLE security_profiles ADD COLUMN allowed_access_control_group_id TEXT\n"
    "  REFERENCES hierarchy_groups(id);\n"
    "CREATE TABLE security_profile_lists(\n"
    "  profile_id TEXT NOT NULL REFERENCES security_profiles(id) ON DELETE CASCADE,\n"
    "  list TEXT NOT NULL CHECK (list IN ('AllowedAccessControlTags', 'TagRestrictedResources',\n"
    "                                     'HierarchyRestrictedResources')),\n"
    "  key TEXT NOT NULL,\n"
    "  value TEXT NOT NULL DEFAULT '',\n"
    "  PRIMARY KEY(profile_id, list, key)) WITHOUT ROWID;\n"
    "CREATE INDEX security_profiles_group ON security_profiles(allowed_access_control_group_id);\n"
    "CREATE INDEX hierarchy_groups_level ON hierarchy_groups(instance_id, level);\n";

static const char *const m003_users =
    "ALTER TABLE user_channel_configs ADD COLUMN afc_auto_accept INTEGER;\n"
    "ALTER TABLE user_channel_configs ADD COLUMN afc_acw_seconds INTEGER;\n"
    "CREATE INDEX tags_key ON tags(instance_id, key, value);\n"
    "CREATE INDEX users_instance_name ON users(instance_id, username);\n"
    "CREATE INDEX audit_events_instance ON audit_events(instance_id, at_ms);\n";

/* users_instance_name repeated the index behind UNIQUE(instance_id, username); every
 * CreateUser paid for updating both. */
static const char *const m004_users_index =
    "DROP INDEX users_instance_name;\n";

/* Usernames unique per instance ignoring ASCII case, held by the store itself: users_fold
 * becomes a unique index over the stored folded name (username_fold, written by sqlite_users.c
 * with the ASCII rule of SQLite's lower()), so a look-alike insert or rename fails with
 * STORE_UNIQUE on any connection or process, whatever core checked before. */
static const char *const m005_username_fold_unique =
    "DROP INDEX users_fold;\n"
    "CREATE UNIQUE INDEX users_fold ON users(instance_id, username_fold);\n";

/* SearchUsers works on sets of user handles. They were the implicit rowid; now the users table
 * declares them: seq INTEGER PRIMARY KEY (SQLite's alias of the rowid, so every index entry
 * still carries it and nothing reads more than before; a row's seq is the rowid it had, and a
 * new row gets one at insert). PostgreSQL would use a bigint identity column with a unique
 * index. The table is rebuilt (SQLite cannot add a primary key), with the same columns,
 * constraints and indexes; id stays unique (UNIQUE instead of PRIMARY KEY) for the references. */
static const char *const m006_users_seq =
    "CREATE TABLE users_v6(\n"
    "  seq INTEGER PRIMARY KEY,\n"
    "  id TEXT NOT NULL UNIQUE,\n"
    "  instance_id TEXT NOT NULL REFERENCES instances(id) ON DELETE CASCADE,\n"
    "  username TEXT NOT NULL,\n"
    "  username_fold TEXT NOT NULL,\n"
    "  first_name TEXT,\n"
    "  last_name TEXT,\n"
    "  email TEXT,\n"
    "  secondary_email TEXT,\n"
    "  mobile TEXT,\n"
    "  password_hash TEXT,\n"
    "  directory_user_id TEXT,\n"
    "  routing_profile_id TEXT NOT NULL REFERENCES routing_profiles(id),\n"
    "  hierarchy_group_id TEXT REFERENCES hierarchy_groups(id),\n"
    "  externally_managed INTEGER NOT NULL DEFAULT 0,\n"
    "  external_id TEXT,\n"
    "  disabled INTEGER NOT NULL DEFAULT 0,\n"
    "  version INTEGER NOT NULL DEFAULT 1,\n"
    "  created_ms INTEGER NOT NULL,\n"
    "  modified_ms INTEGER NOT NULL,\n"
    "  UNIQUE(instance_id, username));\n"
    "INSERT INTO users_v6(seq, id, instance_id, username, username_fold, first_name, last_name, email,\n"
    "  secondary_email, mobile, password_hash, directory_user_id, routing_profile_id, hierarchy_group_id,\n"
    "  externally_managed, external_id, disabled, version, created_ms, modified_ms)\n"
    "SELECT rowid, id, instance_id, username, username_fold, first_name, last_name, email,\n"
    "  secondary_email, mobile, password_hash, directory_user_id, routing_profile_id, hierarchy_group_id,\n"
    "  externally_managed, external_id, disabled, version, created_ms, modified_ms FROM users;\n"
    "DROP TABLE users;\n"
    "ALTER TABLE users_v6 RENAME TO users;\n"
    "CREATE UNIQUE INDEX users_fold ON users(instance_id, username_fold);\n"
    "CREATE INDEX users_routing_profile ON users(routing_profile_id);\n"
    "CREATE INDEX users_hierarchy_group ON users(hierarchy_group_id);\n";

/* Durable jobs (issue 9): a job row and one item per input row. A job has a text id (a UUID v7,
 * what the API shows) and a number, seq, in submission order (AUTOINCREMENT: never reused, so
 * a page token stays valid after a purge). Items are keyed by the job's seq, not its id: an
 * 8-byte key instead of 36 in the table and in both of its indexes, a third of a small item.
 * jobs.retry_of and submitter_user_id are plain text, not references: the job retried may be
 * purged, the user deleted, and the job still says who and what. Deleting an instance deletes
 * its jobs, and a job its items (ON DELETE CASCADE; the store runs with foreign keys on).
 * Indexes: jobs_instance for listing (newest first), jobs_state for the runnable jobs and the
 * purge; job_items_state for the pending items and the filtered pages, job_items_login for a
 * login repeated within one job (only items that name a login). */
static const char *const m007_jobs =
    "CREATE TABLE jobs(\n"
    "  seq INTEGER PRIMARY KEY AUTOINCREMENT,\n"
    "  id TEXT NOT NULL UNIQUE,\n"
    "  instance_id TEXT NOT NULL REFERENCES instances(id) ON DELETE CASCADE,\n"
    "  kind TEXT NOT NULL,\n"
    "  state TEXT NOT NULL CHECK (state IN ('RECEIVING','QUEUED','RUNNING','COMPLETED','CANCELED','FAILED')),\n"
    "  failure_reason TEXT,\n"
    "  mode TEXT NOT NULL DEFAULT '',\n"
    "  dry_run INTEGER NOT NULL DEFAULT 0,\n"
    "  atomic INTEGER NOT NULL DEFAULT 0,\n"
    "  file_name TEXT,\n"
    "  params_json TEXT,\n"
    "  retry_of TEXT,\n"
    "  n_total INTEGER NOT NULL DEFAULT 0,\n"
    "  n_succeeded INTEGER NOT NULL DEFAULT 0,\n"
    "  n_failed INTEGER NOT NULL DEFAULT 0,\n"
    "  n_canceled INTEGER NOT NULL DEFAULT 0,\n"
    "  n_created INTEGER NOT NULL DEFAULT 0,\n"
    "  n_updated INTEGER NOT NULL DEFAULT 0,\n"
    "  n_unchanged INTEGER NOT NULL DEFAULT 0,\n"
    "  n_deleted INTEGER NOT NULL DEFAULT 0,\n"
    "  submitted_ms INTEGER NOT NULL,\n"
    "  started_ms INTEGER NOT NULL DEFAULT 0,\n"
    "  finished_ms INTEGER NOT NULL DEFAULT 0,\n"
    "  cancel_requested INTEGER NOT NULL DEFAULT 0,\n"
    "  submitter_kind TEXT NOT NULL DEFAULT '',\n"
    "  submitter_key_id TEXT NOT NULL DEFAULT '',\n"
    "  submitter_user_id TEXT NOT NULL DEFAULT '',\n"
    "  submitted_by TEXT);\n"
    "CREATE INDEX jobs_instance ON jobs(instance_id, seq);\n"
    "CREATE INDEX jobs_state ON jobs(state, instance_id, seq);\n"
    "CREATE TABLE job_items(\n"
    "  job_seq INTEGER NOT NULL REFERENCES jobs(seq) ON DELETE CASCADE,\n"
    "  seq INTEGER NOT NULL,\n"
    "  row INTEGER NOT NULL,\n"
    "  state TEXT NOT NULL CHECK (state IN ('PENDING','SUCCEEDED','FAILED','CANCELED')),\n"
    "  action TEXT,\n"
    "  user_id TEXT,\n"
    "  username TEXT,\n"
    "  login_key TEXT,\n"
    "  data_json TEXT,\n"
    "  secret BLOB,\n"
    "  errors_json TEXT,\n"
    "  PRIMARY KEY(job_seq, seq)) WITHOUT ROWID;\n"
    "CREATE INDEX job_items_state ON job_items(job_seq, state, seq);\n"
    "CREATE INDEX job_items_login ON job_items(job_seq, login_key, seq) WHERE login_key IS NOT NULL;\n";

/* The first row of each login of a job moves from an index over every item (job_items_login) to
 * a table of its own, job_logins: one entry per distinct login of a job, written once the job's
 * items have all arrived (store_job_set_state, as the job leaves RECEIVING) by one sorted
 * insert, or as items arrive for a job past RECEIVING. The index took its entries in random order
 * while an upload arrived in transactions of 1,000 items, so each commit rewrote ~1,000 of its
 * pages: items went in 3.5 times slower than without it. Stores with jobs get the table filled
 * for their jobs past RECEIVING. job_items_secret finds the items that still hold a secret
 * (none at all for a SAML import), for store_job_clear_secrets. */
static const char *const m008_job_logins =
    "CREATE TABLE job_logins(\n"
    "  job_seq INTEGER NOT NULL REFERENCES jobs(seq) ON DELETE CASCADE,\n"
    "  login_key TEXT NOT NULL,\n"
    "  seq INTEGER NOT NULL,\n"
    "  row INTEGER NOT NULL,\n"
    "  PRIMARY KEY(job_seq, login_key)) WITHOUT ROWID;\n"
    "INSERT INTO job_logins(job_seq, login_key, seq, row)\n"
    "  SELECT i.job_seq, i.login_key, min(i.seq), i.row FROM job_items AS i JOIN jobs AS j ON j.seq = i.job_seq\n"
    "  WHERE j.state <> 'RECEIVING' AND i.login_key IS NOT NULL GROUP BY i.job_seq, i.login_key;\n"
    "DROP INDEX job_items_login;\n"
    "CREATE INDEX job_items_secret ON job_items(job_seq, seq) WHERE secret IS NOT NULL;\n";

/* Items, rebuilt for the two writes every item gets (its insert at upload, its outcome):
 * - The state's CHECK lists the states with OR: SQLite checks `state IN (four values)` by
 *   building a temporary table of the list at every insert and every change of state, which
 *   made an item's insert cost half again as much (callgrind: 958 M instructions for 10,000
 *   inserts with IN, 630 M with OR). With two values or fewer SQLite compares directly, so the
 *   other CHECKs stay as they are; jobs' own state changes a few times per job.
 * - The index of the items by state leaves out SUCCEEDED items, the bulk of a finished job: an
 *   item that succeeds now only leaves it rather than moving within it. Queries through it
 *   repeat its WHERE term, the form SQLite needs to know that the index applies; SUCCEEDED
 *   items are listed by walking the primary key, where nearly every item of a job is one.
 * Nothing refers to job_items, so the rebuild runs with foreign keys on. */
static const char *const m009_items =
    "CREATE TABLE job_items_v9(\n"
    "  job_seq INTEGER NOT NULL REFERENCES jobs(seq) ON DELETE CASCADE,\n"
    "  seq INTEGER NOT NULL,\n"
    "  row INTEGER NOT NULL,\n"
    "  state TEXT NOT NULL CHECK (state = 'PENDING' OR state = 'SUCCEEDED' OR state = 'FAILED' OR state = 'CANCELED'),\n"
    "  action TEXT,\n"
    "  user_id TEXT,\n"
    "  username TEXT,\n"
    "  login_key TEXT,\n"
    "  data_json TEXT,\n"
    "  secret BLOB,\n"
    "  errors_json TEXT,\n"
    "  PRIMARY KEY(job_seq, seq)) WITHOUT ROWID;\n"
    "INSERT INTO job_items_v9(job_seq, seq, row, state, action, user_id, username, login_key, data_json, secret,\n"
    "  errors_json)\n"
    "SELECT job_seq, seq, row, state, action, user_id, username, login_key, data_json, secret, errors_json\n"
    "  FROM job_items ORDER BY job_seq, seq;\n"
    "DROP TABLE job_items;\n"
    "ALTER TABLE job_items_v9 RENAME TO job_items;\n"
    "CREATE INDEX job_items_unsettled ON job_items(job_seq, state, seq) WHERE state <> 'SUCCEEDED';\n"
    "CREATE INDEX job_items_secret ON job_items(job_seq, seq) WHERE secret IS NOT NULL;\n";

/* The most look-alike groups named in the refusal of migration 5. */
enum { LOOKALIKES_SHOWN = 10 };

/* Migration 5 refuses (rather than failing on a bare constraint, or renaming anybody's sign-in
 * name behind their back) a store whose instances already hold usernames that differ only in
 * ASCII case: it names them, and the store stays at version 4 until an operator renames or
 * deletes all but one of each group. Returns 0 when there are none. */
static int check_no_lookalikes(sqlite3 *db, char *err, size_t errlen)
{
    static const char sql[] = "SELECT instance_id, group_concat(quote(username) || ' (' || id || ')', ', '), "
                              "count(*) OVER () FROM users GROUP BY instance_id, username_fold "
                              "HAVING count(*) > 1 ORDER BY instance_id, username_fold LIMIT ?";
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
        snprintf(err, errlen, "migration 5: cannot look for look-alike usernames: %s", sqlite3_errmsg(db));
        return -1;
    }
    sqlite3_bind_int(st, 1, LOOKALIKES_SHOWN);
    size_t used = 0;
    int rc, groups = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (groups++ == 0)
            used = (size_t)snprintf(err, errlen,
                                    "migration 5 (usernames unique ignoring case) refused: %d group(s) of "
                                    "usernames differ only in case; rename or delete all but one of each, "
                                    "then open the store again:",
                                    sqlite3_column_int(st, 2));
        if (used < errlen)
            used += (size_t)snprintf(err + used, errlen - used, " instance %s: %s;",
                                     (const char *)sqlite3_column_text(st, 0),
                                     (const char *)sqlite3_column_text(st, 1));
    }
    if (rc != SQLITE_DONE && groups == 0)
        snprintf(err, errlen, "migration 5: cannot look for look-alike usernames: %s", sqlite3_errmsg(db));
    sqlite3_finalize(st);
    return groups > 0 || rc != SQLITE_DONE ? -1 : 0;
}

/* Version 10: a password an admin set for someone else is temporary until its user changes it
 * (the console's forced change at sign-in). */
static const char *const m010_password_temporary =
    "ALTER TABLE users ADD COLUMN password_temporary INTEGER NOT NULL DEFAULT 0 CHECK (password_temporary IN (0, 1));\n";

/* Version 11: console sessions and the sign-in lock-out (issue 11). A session is found by the
 * SHA-256 of its cookie (the cookie itself is never stored); it ends with its user (ON DELETE
 * CASCADE), and sessions_user lets a user's sessions end together. signin_failures counts the
 * failed sign-ins in a row of one username (folded to ASCII lowercase) of one instance, whether
 * or not a user has that name. IF NOT EXISTS: a test store taken back to an older version keeps
 * these tables. */
static const char *const m011_sessions =
    "CREATE TABLE IF NOT EXISTS console_sessions(\n"
    "  token_hash BLOB PRIMARY KEY,\n"
    "  instance_id TEXT NOT NULL REFERENCES instances(id) ON DELETE CASCADE,\n"
    "  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,\n"
    "  csrf_token TEXT NOT NULL,\n"
    "  created_ms INTEGER NOT NULL,\n"
    "  last_seen_ms INTEGER NOT NULL,\n"
    "  expires_ms INTEGER NOT NULL) WITHOUT ROWID;\n"
    "CREATE INDEX IF NOT EXISTS console_sessions_user ON console_sessions(user_id);\n"
    "CREATE INDEX IF NOT EXISTS console_sessions_expiry ON console_sessions(expires_ms);\n"
    "CREATE TABLE IF NOT EXISTS signin_failures(\n"
    "  instance_id TEXT NOT NULL REFERENCES instances(id) ON DELETE CASCADE,\n"
    "  username_fold TEXT NOT NULL,\n"
    "  failures INTEGER NOT NULL,\n"
    "  locked_until_ms INTEGER NOT NULL DEFAULT 0,\n"
    "  last_ms INTEGER NOT NULL,\n"
    "  PRIMARY KEY(instance_id, username_fold)) WITHOUT ROWID;\n";
/* Version 12: the console's user list sorts by first and last name (ignoring ASCII case, then
 * by login) by walking an index, finds the desk phones without reading every channel, and its
 * search box (any of the three names containing a text) reads users_names, an index of the
 * three names alone, rather than every row of the table. */
static const char *const m012_user_list =
    "CREATE INDEX users_first_name ON users(instance_id, first_name COLLATE NOCASE, username_fold);\n"
    "CREATE INDEX users_last_name ON users(instance_id, last_name COLLATE NOCASE, username_fold);\n"
    "CREATE INDEX user_channel_phone ON user_channel_configs(channel, phone_type);\n"
    "CREATE INDEX users_names ON users(instance_id, username_fold, first_name, last_name);\n";
/* Version 13 (the console, issue 11): the security profiles each console role pre-selects in the
 * add-user form, per instance. role_profile_sets marks a role whose list an admin stored (an
 * empty one too); a role not marked takes the defaults by name. A deleted profile drops out of
 * every list (ON DELETE CASCADE). Jobs gain the time their submitter dismissed them from the
 * console's banner (0: not dismissed). */
static const char *const m013_console =
    "CREATE TABLE role_profile_sets(\n"
    "  instance_id TEXT NOT NULL REFERENCES instances(id) ON DELETE CASCADE,\n"
    "  role TEXT NOT NULL CHECK (role = 'Agent' OR role = 'Supervisor' OR role = 'Manager'),\n"
    "  PRIMARY KEY(instance_id, role)) WITHOUT ROWID;\n"
    "CREATE TABLE role_profiles(\n"
    "  instance_id TEXT NOT NULL,\n"
    "  role TEXT NOT NULL,\n"
    "  profile_id TEXT NOT NULL REFERENCES security_profiles(id) ON DELETE CASCADE,\n"
    "  PRIMARY KEY(instance_id, role, profile_id),\n"
    "  FOREIGN KEY(instance_id, role) REFERENCES role_profile_sets(instance_id, role) ON DELETE CASCADE)\n"
    "  WITHOUT ROWID;\n"
    "CREATE INDEX role_profiles_profile ON role_profiles(profile_id);\n"
    "ALTER TABLE jobs ADD COLUMN dismissed_ms INTEGER NOT NULL DEFAULT 0;\n";

/* Version 14: a trigram index of the three names (FTS5, contentless: it holds the trigrams, not
 * the text), so the console's search box and SearchUsers' CONTAINS on a name find a text of 2
 * characters or more without reading every user. The names are indexed folded to ASCII lower
 * case (case_sensitive 1 over lower()), exactly as the scans compare them, each followed by an
 * end mark, char(1), so that every 2 characters inside a name start one of its trigrams (the
 * vocabulary, user_name_trigram_terms, lists them). Triggers keep it in step with users (a
 * contentless table forgets a row through its 'delete' command, given the values it indexed). */
#define TRIGRAM_VALUES(row) \
    #row ".seq, " #row ".username_fold || char(1), lower(" #row ".first_name) || char(1), lower(" #row ".last_name) || char(1)"
static const char *const m014_name_trigrams =
    "CREATE VIRTUAL TABLE user_name_trigrams USING fts5(username, first_name, last_name, content='',\n"
    "  tokenize='trigram case_sensitive 1');\n"
    "CREATE VIRTUAL TABLE user_name_trigram_terms USING fts5vocab(user_name_trigrams, 'row');\n"
    "INSERT INTO user_name_trigrams(rowid, username, first_name, last_name)\n"
    "  SELECT " TRIGRAM_VALUES(users) " FROM users;\n"
    "CREATE TRIGGER user_name_trigrams_insert AFTER INSERT ON users BEGIN\n"
    "  INSERT INTO user_name_trigrams(rowid, username, first_name, last_name) VALUES (" TRIGRAM_VALUES(new) ");\n"
    "END;\n"
    "CREATE TRIGGER user_name_trigrams_delete AFTER DELETE ON users BEGIN\n"
    "  INSERT INTO user_name_trigrams(user_name_trigrams, rowid, username, first_name, last_name)\n"
    "    VALUES ('delete', " TRIGRAM_VALUES(old) ");\n"
    "END;\n"
    "CREATE TRIGGER user_name_trigrams_update AFTER UPDATE OF username_fold, first_name, last_name ON users\n"
    "  WHEN old.username_fold IS NOT new.username_fold OR old.first_name IS NOT new.first_name\n"
    "    OR old.last_name IS NOT new.last_name BEGIN\n"
    "  INSERT INTO user_name_trigrams(user_name_trigrams, rowid, username, first_name, last_name)\n"
    "    VALUES ('delete', " TRIGRAM_VALUES(old) ");\n"
    "  INSERT INTO user_name_trigrams(rowid, username, first_name, last_name) VALUES (" TRIGRAM_VALUES(new) ");\n"
    "END;\n";

/* Version 15 (SCIM, issue 12): bearer tokens of one instance each, kept as their SHA-256; a name
 * unique per instance; a revoked token keeps its row. */
static const char *const m015_scim_tokens =
    "CREATE TABLE scim_tokens(\n"
    "  id TEXT PRIMARY KEY,\n"
    "  instance_id TEXT NOT NULL REFERENCES instances(id) ON DELETE CASCADE,\n"
    "  name TEXT NOT NULL,\n"
    "  token_hash BLOB NOT NULL UNIQUE,\n"
    "  created_ms INTEGER NOT NULL,\n"
    "  revoked_ms INTEGER NOT NULL DEFAULT 0,\n"
    "  UNIQUE(instance_id, name));\n";

/* Version 16 (SCIM, issue 12): what SCIM keeps besides the users' own columns.
 * - audit_events.actor_name: the name of a SCIM token that made a change (the actor's name when
 *   the actor is no user of the instance).
 * - scim_settings: per instance, what a SCIM create fills in that an identity provider does not
 *   send (routing profile; NULL: the profile named "Basic Routing Profile"; security profiles in
 *   scim_settings_profiles, none: the profile named "Agent"), whether admins may still edit the
 *   contact-center settings of provisioned users, and whether a SCIM DELETE disables instead.
 * - users.scim_attributes: the SCIM attributes of a user that roster has no column for
 *   (displayName, title, the enterprise extension, …), kept as the JSON the provider sent (a
 *   column of the user's own row: a create writes no other table for it).
 * - scim_groups and scim_group_members: groups pushed by the provider, unique by display name
 *   (ignoring ASCII case) per instance, their members with the display the provider gave.
 * - scim_group_mappings turn a group's display name into a security profile, a routing profile
 *   or a hierarchy group for its members (exactly one of the three, each deleted with its
 *   target), the lowest precedence winning; scim_user_grants records what the mappings gave
 *   each user, so that leaving a group takes back exactly that.
 * - users_external_id: SCIM's `externalId eq "…"` look-ups; routing_profiles_name and
 *   security_profiles_name: the profiles of an instance by name (a SCIM create's defaults). */
static const char *const m016_scim_data =
    "ALTER TABLE audit_events ADD COLUMN actor_name TEXT;\n"
    "CREATE TABLE scim_settings(\n"
    "  instance_id TEXT PRIMARY KEY REFERENCES instances(id) ON DELETE CASCADE,\n"
    "  routing_profile_id TEXT REFERENCES routing_profiles(id) ON DELETE SET NULL,\n"
    "  admins_edit_settings INTEGER NOT NULL DEFAULT 0,\n"
    "  delete_disables INTEGER NOT NULL DEFAULT 0);\n"
    "CREATE TABLE scim_settings_profiles(\n"
    "  instance_id TEXT NOT NULL REFERENCES scim_settings(instance_id) ON DELETE CASCADE,\n"
    "  profile_id TEXT NOT NULL REFERENCES security_profiles(id) ON DELETE CASCADE,\n"
    "  PRIMARY KEY(instance_id, profile_id)) WITHOUT ROWID;\n"
    "CREATE INDEX scim_settings_profiles_profile ON scim_settings_profiles(profile_id);\n"
    "CREATE INDEX scim_settings_routing ON scim_settings(routing_profile_id);\n"
    "ALTER TABLE users ADD COLUMN scim_attributes TEXT;\n"
    "CREATE TABLE scim_groups(\n"
    "  id TEXT PRIMARY KEY,\n"
    "  instance_id TEXT NOT NULL REFERENCES instances(id) ON DELETE CASCADE,\n"
    "  display_name TEXT NOT NULL,\n"
    "  display_fold TEXT NOT NULL,\n"
    "  external_id TEXT,\n"
    "  attributes_json TEXT,\n"
    "  version INTEGER NOT NULL DEFAULT 1,\n"
    "  created_ms INTEGER NOT NULL,\n"
    "  modified_ms INTEGER NOT NULL,\n"
    "  UNIQUE(instance_id, display_fold));\n"
    "CREATE TABLE scim_group_members(\n"
    "  group_id TEXT NOT NULL REFERENCES scim_groups(id) ON DELETE CASCADE,\n"
    "  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,\n"
    "  display TEXT,\n"
    "  PRIMARY KEY(group_id, user_id)) WITHOUT ROWID;\n"
    "CREATE INDEX scim_group_members_user ON scim_group_members(user_id);\n"
    "CREATE TABLE scim_group_mappings(\n"
    "  id TEXT PRIMARY KEY,\n"
    "  instance_id TEXT NOT NULL REFERENCES instances(id) ON DELETE CASCADE,\n"
    "  group_name TEXT NOT NULL,\n"
    "  group_fold TEXT NOT NULL,\n"
    "  security_profile_id TEXT REFERENCES security_profiles(id) ON DELETE CASCADE,\n"
    "  routing_profile_id TEXT REFERENCES routing_profiles(id) ON DELETE CASCADE,\n"
    "  hierarchy_group_id TEXT REFERENCES hierarchy_groups(id) ON DELETE CASCADE,\n"
    "  precedence INTEGER NOT NULL,\n"
    "  created_ms INTEGER NOT NULL,\n"
    "  CHECK ((security_profile_id IS NOT NULL) + (routing_profile_id IS NOT NULL) +\n"
    "         (hierarchy_group_id IS NOT NULL) = 1));\n"
    "CREATE INDEX scim_group_mappings_group ON scim_group_mappings(instance_id, group_fold);\n"
    "CREATE INDEX scim_group_mappings_security ON scim_group_mappings(security_profile_id);\n"
    "CREATE INDEX scim_group_mappings_routing ON scim_group_mappings(routing_profile_id);\n"
    "CREATE INDEX scim_group_mappings_hierarchy ON scim_group_mappings(hierarchy_group_id);\n"
    "CREATE TABLE scim_user_grants(\n"
    "  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,\n"
    "  kind TEXT NOT NULL CHECK (kind IN ('SECURITY_PROFILE', 'ROUTING_PROFILE', 'HIERARCHY_GROUP')),\n"
    "  target_id TEXT NOT NULL,\n"
    "  PRIMARY KEY(user_id, kind, target_id)) WITHOUT ROWID;\n"
    "CREATE INDEX users_external_id ON users(instance_id, external_id) WHERE external_id IS NOT NULL;\n"
    "CREATE INDEX routing_profiles_name ON routing_profiles(instance_id, name);\n"
    "CREATE INDEX security_profiles_name ON security_profiles(instance_id, name);\n";

static const migration all[] = {
    {1, "foundation: instances, resources, users, keys, audit", m001_foundation, NULL, 0},
    {2, "resources: queue outbound caller, security profile access controls", m002_resources, NULL, 0},
    {3, "users: agent-first-callback settings, tag and audit indexes", m003_users, NULL, 0},
    {4, "users: drop an index that repeated the unique username index", m004_users_index, NULL, 0},
    {5, "users: usernames unique per instance ignoring ASCII case, by a unique index", m005_username_fold_unique,
     check_no_lookalikes, 0},
    {6, "users: a declared row number (seq) for the search handles", m006_users_seq, NULL, 1},
    {7, "jobs: durable jobs and their items", m007_jobs, NULL, 0},
    {8, "jobs: the first row of each login in a table written once per job; items holding a secret", m008_job_logins,
     NULL, 0},
    {9, "jobs: items' state checked without a temporary table, the index by state without succeeded items",
     m009_items, NULL, 0},
    {10, "users: temporary passwords", m010_password_temporary, NULL, 0},
    {11, "console sessions and the sign-in lock-out", m011_sessions, NULL, 0},
    {12, "users: indexes for the console's list (names in order, desk phones)", m012_user_list, NULL, 0},
    {13, "console: the role -> security profiles mapping; jobs dismissed from the banner", m013_console, NULL, 0},
    {14, "users: a trigram index of the names for CONTAINS searches", m014_name_trigrams, NULL, 0},
    {15, "SCIM bearer tokens", m015_scim_tokens, NULL, 0},
    {16, "SCIM: settings, kept attributes, groups and their mappings; the actor's name in the trail", m016_scim_data,
     NULL, 0},
};

const migration *migrations_all(size_t *n)
{
    *n = sizeof all / sizeof all[0];
    return all;
}
