/* sqlite_user_search.c — the look-ups behind SearchUsers in the SQLite backend.
 *
 * A user's handle is its seq column (migration 6: INTEGER PRIMARY KEY, SQLite's alias of the
 * rowid, which every index entry carries). Every leaf is one static statement with bound
 * parameters that yields seqs, straight from an index wherever one helps (no table row is read
 * then):
 *   Username EXACT      users(instance_id, username)               (unique index)
 *   Username PREFIX     users_fold(instance_id, username_fold) range [fold(p), fold(p)+1)
 *   name CONTAINS, 2+   user_name_trigrams (migration 14: FTS5 trigrams of the folded names),
 *   characters          a phrase query on one column or all three (2 characters: any trigram
 *                       starting with them), the other instances' users taken away
 *   Username CONTAINS   users_fold scanned, instr(username_fold, fold(v))
 *   any name CONTAINS   users_names(instance_id, username_fold, first_name, last_name) walked
 *                       (the console's search box: one pass over the three names)
 *   names EXACT, names  a scan with = or LIKE (ASCII case only, wildcards escaped): of the whole
 *   and id CONTAINS
 *                       table in seq order when the instance holds most of it (sequential
 *                       reads), else of the instance's rows through its index
 *   id EXACT / PREFIX   the primary key (ids are lowercase UUIDs), a range for PREFIX
 *   routing profile     users_routing_profile(routing_profile_id)
 *   security profile    user_security_profiles_profile, then users' primary key
 *   hierarchy group     users_hierarchy_group, below a recursive walk of hierarchy_groups
 *   tag                 tags_key(instance_id, key, value), then users' primary key
 * SQLite's lower() and LIKE fold ASCII only (no ICU), as search_text does; values are folded
 * here with the same ASCII rule that fills username_fold.
 * The page walks the (instance_id, username) index in order over given username ranges and
 * keeps the rows whose seq is in the result, so a large result costs only the page it shows.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "store/sqlite_int.h"
#include "util/buf.h"

/* The least string greater than every string that starts with p: p with its last byte below
 * 0xff incremented and the rest cut off. Returns NULL when there is none (p is all 0xff
 * bytes, which valid UTF-8 never is). Caller frees. */
static char *prefix_upper_bound(const char *p)
{
    char *u = xstrdup(p);
    for (size_t i = strlen(u); i > 0; i--) {
        unsigned char ch = (unsigned char)u[i - 1];
        if (ch < 0xff) {
            u[i - 1] = (char)(ch + 1);
            u[i] = '\0';
            return u;
        }
    }
    free(u);
    return NULL;
}

/* Appends column 0 of a row to the user_handles out. */
static void read_handle(sqlite3_stmt *st, void *out)
{
    user_handles_push(out, sqlite3_column_int64(st, 0));
}

/* Runs the leaf query sql with (instance_id, value[, upper]) bound (upper NULL: not bound),
 * appending the handles to out. */
static int leaf(store_conn *c, const char *sql, const char *instance_id, const char *value, const char *upper,
                user_handles *out)
{
    if (upper)
        return sq_rows(c, sql, read_handle, out, SQ_ARGS(SQ_TEXT(instance_id), SQ_TEXT(value), SQ_TEXT(upper)));
    return sq_rows(c, sql, read_handle, out, SQ_ARGS(SQ_TEXT(instance_id), SQ_TEXT(value)));
}

/* ---- text leaves -------------------------------------------------------------------------- */

int store_user_contains_indexed(store_user_field field, const char *value)
{
    if (field == STORE_USER_ID)
        return 0;
    size_t chars = 0;
    for (const unsigned char *p = (const unsigned char *)value; *p; p++) {
        if (*p < 0x20)
            return 0; /* a control character: the index's own end mark is one (migration 14) */
        chars += (*p & 0xc0) != 0x80;
    }
    return chars >= STORE_TRIGRAM_MIN;
}

#define TRIGRAM_TERMS_MAX 256 /* a 2-character value with more trigrams than this is scanned for */

/* The FTS5 query finding folded (2 characters or more, no control character) inside the name
 * field (STORE_USER_ANY_NAME: any of the three): a phrase of its trigrams for 3 characters or
 * more; for 2, any of the indexed trigrams that start with them (every 2 characters inside a
 * name are followed by another or by the name's end mark). Double quotes are doubled. *query
 * is NULL when no name holds them; returns STORE_NOTFOUND when there are too many trigrams for
 * one query (the caller scans). Caller frees *query. */
static int trigram_query(store_conn *c, store_user_field field, const char *folded, char **query)
{
    static const char terms_sql[] = "SELECT term FROM user_name_trigram_terms WHERE term >= ?1 AND term < ?2 "
                                    "LIMIT ?3";
    *query = NULL;
    strlist terms = {0};
    size_t chars = 0;
    for (const unsigned char *p = (const unsigned char *)folded; *p; p++)
        chars += (*p & 0xc0) != 0x80;
    if (chars == 2) {
        char *upper = prefix_upper_bound(folded);
        int rc = upper ? sq_rows(c, terms_sql, sq_read_strlist, &terms,
                                 SQ_ARGS(SQ_TEXT(folded), SQ_TEXT(upper), SQ_INT(TRIGRAM_TERMS_MAX + 1)))
                       : STORE_OK;
        free(upper);
        if (rc != STORE_OK || terms.n > TRIGRAM_TERMS_MAX) {
            strlist_clear(&terms);
            return rc != STORE_OK ? rc : STORE_NOTFOUND;
        }
        if (terms.n == 0)
            return STORE_OK;
    } else {
        strlist_push(&terms, folded);
    }
    buf q;
    buf_init(&q);
    buf_puts(&q, field == STORE_USER_USERNAME     ? "username : ("
                 : field == STORE_USER_FIRST_NAME ? "first_name : ("
                 : field == STORE_USER_LAST_NAME  ? "last_name : ("
                                                  : "(");
    for (size_t i = 0; i < terms.n; i++) {
        buf_puts(&q, i ? " OR \"" : "\"");
        for (const char *p = terms.items[i]; *p; p++) {
            if (*p == '"')
                buf_putc(&q, '"');
            buf_putc(&q, *p);
        }
        buf_putc(&q, '"');
    }
    buf_putc(&q, ')');
    strlist_clear(&terms);
    *query = buf_detach(&q);
    return STORE_OK;
}

/* The users of the instance among the rows an FTS5 query finds, appended to out. The rows come
 * from the index alone; which of them are the instance's is told by the other instances' users
 * (read from the index by instance, at most as many as the rows) when they are fewer than the
 * rows, else by reading each row. */
static int trigram_rows(store_conn *c, const char *instance_id, const char *query, user_handles *out)
{
    static const char rows_sql[] = "SELECT rowid FROM user_name_trigrams WHERE user_name_trigrams MATCH ?1";
    static const char others_sql[] = "SELECT seq FROM users WHERE instance_id < ?1 UNION ALL "
                                     "SELECT seq FROM users WHERE instance_id > ?1 LIMIT ?2";
    static const char each_sql[] = "SELECT seq FROM users WHERE seq IN "
                                   "(SELECT rowid FROM user_name_trigrams WHERE user_name_trigrams MATCH ?2) "
                                   "AND +instance_id = ?1"; /* the rowids first, not the instance's index */
    user_handles rows = {0}, others = {0};
    int rc = sq_rows(c, rows_sql, read_handle, &rows, SQ_ARGS(SQ_TEXT(query)));
    if (rc == STORE_OK && rows.n)
        rc = sq_rows(c, others_sql, read_handle, &others, SQ_ARGS(SQ_TEXT(instance_id), SQ_INT((int64_t)rows.n)));
    if (rc == STORE_OK && rows.n && others.n >= rows.n) {
        rc = sq_rows(c, each_sql, read_handle, out, SQ_ARGS(SQ_TEXT(instance_id), SQ_TEXT(query)));
    } else if (rc == STORE_OK && rows.n) {
        user_handles_normalize(&rows);
        user_handles_normalize(&others);
        user_handles_filter(&rows, &others, 1);
        for (size_t i = 0; i < rows.n; i++)
            user_handles_push(out, rows.v[i]);
    }
    user_handles_clear(&rows);
    user_handles_clear(&others);
    return rc;
}

/* The users of the instance with value inside the name field (STORE_USER_ANY_NAME: any of the
 * three), ignoring ASCII case, through user_name_trigrams. Returns STORE_NOTFOUND when the
 * index cannot answer (too many trigrams for one query): the caller scans. */
static int match_trigrams(store_conn *c, const char *instance_id, store_user_field field, const char *value,
                          user_handles *out)
{
    char *folded = sq_fold(value), *query = NULL;
    int rc = trigram_query(c, field, folded, &query);
    if (rc == STORE_OK && query)
        rc = trigram_rows(c, instance_id, query, out);
    free(query);
    free(folded);
    return rc;
}

/* Username EXACT | PREFIX | CONTAINS. */
static int match_username(store_conn *c, const char *instance_id, store_match m, const char *value,
                          user_handles *out)
{
    static const char exact[] = "SELECT seq FROM users WHERE instance_id = ? AND username = ?";
    static const char range[] = "SELECT seq FROM users WHERE instance_id = ? AND username_fold >= ? "
                                "AND username_fold < ?";
    static const char scan[] = "SELECT seq FROM users WHERE instance_id = ? AND instr(username_fold, ?) > 0";
    static const char starts[] = "SELECT seq FROM users WHERE instance_id = ? AND instr(username_fold, ?) = 1";
    char *folded = sq_fold(value), *upper = m == STORE_MATCH_PREFIX ? prefix_upper_bound(folded) : NULL;
    const char *sql = m == STORE_MATCH_EXACT ? exact : m == STORE_MATCH_CONTAINS ? scan : upper ? range : starts;
    int rc = leaf(c, sql, instance_id, m == STORE_MATCH_EXACT ? value : folded, upper, out);
    free(folded);
    free(upper);
    return rc;
}

/* The SQL of a scan for field (FirstName, LastName or the id) under m: over the instance's
 * rows found through its index (whole = 0), or over the whole table in seq order (1).
 * PREFIX and CONTAINS use LIKE, which ignores ASCII case only (SQLite without ICU) and is
 * cheaper per row than instr(lower(…)); the pattern is bound, its wildcards escaped. */
#define SCAN_IDX "SELECT seq FROM users WHERE instance_id = ? AND "
#define SCAN_ALL "SELECT seq FROM users NOT INDEXED WHERE instance_id = ? AND "
#define LIKE_ESC " LIKE ? ESCAPE '\\'"
static const char *scan_sql(store_user_field field, store_match m, int whole)
{
    static const char *const sql[3][2][2] = {
        {{SCAN_IDX "first_name = ?", SCAN_ALL "first_name = ?"},
         {SCAN_IDX "first_name" LIKE_ESC, SCAN_ALL "first_name" LIKE_ESC}},
        {{SCAN_IDX "last_name = ?", SCAN_ALL "last_name = ?"},
         {SCAN_IDX "last_name" LIKE_ESC, SCAN_ALL "last_name" LIKE_ESC}},
        {{SCAN_IDX "id = ?", SCAN_ALL "id = ?"}, {SCAN_IDX "id" LIKE_ESC, SCAN_ALL "id" LIKE_ESC}},
    };
    int f = field == STORE_USER_FIRST_NAME ? 0 : field == STORE_USER_LAST_NAME ? 1 : 2;
    return sql[f][m == STORE_MATCH_EXACT ? 0 : 1][whole ? 1 : 0];
}

/* The LIKE pattern matching strings that start with (prefix) or contain value: its %, _ and \
 * escaped with \. Caller frees. */
static char *like_pattern(const char *value, int prefix)
{
    buf b;
    buf_init(&b);
    if (!prefix)
        buf_putc(&b, '%');
    for (const char *p = value; *p; p++) {
        if (*p == '%' || *p == '_' || *p == '\\')
            buf_putc(&b, '\\');
        buf_putc(&b, *p);
    }
    buf_putc(&b, '%');
    return buf_detach(&b);
}

/* Whether a scan should read the whole table rather than the instance's rows through its index
 * (each such row is a random read, several times dearer than a row of a sequential scan): yes
 * when the other instances together hold at most a quarter of the rows. Counting them stops at
 * that quarter, so the common case — one instance holds nearly every user — costs next to
 * nothing. */
static int scan_whole_table(store_conn *c, const char *instance_id, int *whole)
{
    static const char others[] = "SELECT (SELECT count(*) FROM (SELECT 1 FROM users WHERE instance_id < ?1 LIMIT ?2))"
                                 " + (SELECT count(*) FROM (SELECT 1 FROM users WHERE instance_id > ?1 LIMIT ?2))";
    int64_t rows = 0, other = 0;
    int rc = store_user_rows_estimate(c, &rows);
    if (rc == STORE_OK)
        rc = sq_int64(c, others, &other, SQ_ARGS(SQ_TEXT(instance_id), SQ_INT(rows / 4 + 1)));
    *whole = rc == STORE_OK && other <= rows / 4;
    return rc;
}

/* A scan of the instance's users comparing field with value under m. */
static int match_scan(store_conn *c, const char *instance_id, store_user_field field, store_match m,
                      const char *value, user_handles *out)
{
    int whole = 0;
    int rc = scan_whole_table(c, instance_id, &whole);
    if (rc != STORE_OK)
        return rc;
    char *pattern = m == STORE_MATCH_EXACT ? NULL : like_pattern(value, m == STORE_MATCH_PREFIX);
    rc = leaf(c, scan_sql(field, m, whole), instance_id, pattern ? pattern : value, NULL, out);
    free(pattern);
    return rc;
}

/* The user id: EXACT and PREFIX through the primary key (ids are lowercase, so a folded prefix
 * is a range), CONTAINS by a scan. */
static int match_id(store_conn *c, const char *instance_id, store_match m, const char *value, user_handles *out)
{
    static const char exact[] = "SELECT seq FROM users WHERE id = ?2 AND instance_id = ?1";
    static const char range[] = "SELECT seq FROM users WHERE id >= ?2 AND id < ?3 AND +instance_id = ?1";
    char *folded = sq_fold(value), *upper = m == STORE_MATCH_PREFIX ? prefix_upper_bound(folded) : NULL;
    if (m == STORE_MATCH_CONTAINS || (m == STORE_MATCH_PREFIX && !upper)) {
        free(folded);
        return match_scan(c, instance_id, STORE_USER_ID, m, value, out);
    }
    int rc = leaf(c, m == STORE_MATCH_EXACT ? exact : range, instance_id, m == STORE_MATCH_EXACT ? value : folded,
                  upper, out);
    free(folded);
    free(upper);
    return rc;
}

/* Username, first name or last name containing value, ignoring ASCII case: one walk of the
 * instance's entries of users_names (migration 12: the three columns and nothing else, a tenth
 * of the table's bytes, so it stays in the page cache where a scan of the table reads it all
 * again from the file). */
static int match_any_name(store_conn *c, const char *instance_id, const char *value, user_handles *out)
{
    static const char sql[] = "SELECT seq FROM users INDEXED BY users_names WHERE instance_id = ?1 AND "
                              "(instr(username_fold, ?2) > 0 OR first_name" LIKE_ESC " OR last_name LIKE ?3 ESCAPE '\\')";
    char *folded = sq_fold(value), *pattern = like_pattern(value, 0);
    int rc = leaf(c, sql, instance_id, folded, pattern, out);
    free(folded);
    free(pattern);
    return rc;
}

int store_user_match_text(store_conn *c, const char *instance_id, store_user_field field, store_match m,
                          const char *value, user_handles *out)
{
    if (m == STORE_MATCH_CONTAINS && store_user_contains_indexed(field, value)) {
        int rc = match_trigrams(c, instance_id, field, value, out);
        if (rc != STORE_NOTFOUND)
            return rc;
    }
    switch (field) {
    case STORE_USER_ANY_NAME: return match_any_name(c, instance_id, value, out);
    case STORE_USER_USERNAME: return match_username(c, instance_id, m, value, out);
    case STORE_USER_ID: return match_id(c, instance_id, m, value, out);
    default: return match_scan(c, instance_id, field, m, value, out);
    }
}

/* ---- reference leaves --------------------------------------------------------------------- */

int store_user_with_routing_profile(store_conn *c, const char *instance_id, const char *profile_id,
                                    user_handles *out)
{
    static const char sql[] = "SELECT u.seq FROM routing_profiles p JOIN users u ON u.routing_profile_id = p.id "
                              "WHERE p.id = ? AND p.instance_id = ?";
    return sq_rows(c, sql, read_handle, out, SQ_ARGS(SQ_TEXT(profile_id), SQ_TEXT(instance_id)));
}

int store_user_with_security_profile(store_conn *c, const char *instance_id, const char *profile_id,
                                     user_handles *out)
{
    static const char sql[] = "SELECT u.seq FROM security_profiles p "
                              "JOIN user_security_profiles s ON s.profile_id = p.id "
                              "JOIN users u ON u.id = s.user_id WHERE p.id = ? AND p.instance_id = ?";
    return sq_rows(c, sql, read_handle, out, SQ_ARGS(SQ_TEXT(profile_id), SQ_TEXT(instance_id)));
}

int store_user_in_group(store_conn *c, const char *instance_id, const char *group_id, int with_children,
                        user_handles *out)
{
    static const char exact[] = "SELECT u.seq FROM hierarchy_groups g JOIN users u ON u.hierarchy_group_id = g.id "
                                "WHERE g.id = ? AND g.instance_id = ?";
    static const char tree[] = "WITH RECURSIVE sub(id) AS ("
                               " SELECT id FROM hierarchy_groups WHERE id = ?1 AND instance_id = ?2"
                               " UNION ALL SELECT g.id FROM hierarchy_groups g JOIN sub ON g.parent_id = sub.id) "
                               "SELECT u.seq FROM sub JOIN users u ON u.hierarchy_group_id = sub.id";
    return sq_rows(c, with_children ? tree : exact, read_handle, out, SQ_ARGS(SQ_TEXT(group_id), SQ_TEXT(instance_id)));
}

int store_user_with_tag(store_conn *c, const char *instance_id, const char *key, const char *value,
                        user_handles *out)
{
    static const char any[] = "SELECT u.seq FROM tags t JOIN users u ON u.id = t.resource_id "
                              "WHERE t.instance_id = ? AND t.key = ?";
    static const char exact[] = "SELECT u.seq FROM tags t JOIN users u ON u.id = t.resource_id "
                                "WHERE t.instance_id = ? AND t.key = ? AND t.value = ?";
    if (value)
        return sq_rows(c, exact, read_handle, out, SQ_ARGS(SQ_TEXT(instance_id), SQ_TEXT(key), SQ_TEXT(value)));
    return sq_rows(c, any, read_handle, out, SQ_ARGS(SQ_TEXT(instance_id), SQ_TEXT(key)));
}

int store_user_search_profile_ids(store_conn *c, const char *instance_id, int security, strlist *out)
{
    static const char routing[] = "SELECT id FROM routing_profiles WHERE instance_id = ?";
    static const char sec[] = "SELECT id FROM security_profiles WHERE instance_id = ?";
    return sq_rows(c, security ? sec : routing, sq_read_strlist, out, SQ_ARGS(SQ_TEXT(instance_id)));
}

int store_user_count(store_conn *c, const char *instance_id, int64_t *n)
{
    static const char sql[] = "SELECT count(*) FROM users WHERE instance_id = ?";
    return sq_int64(c, sql, n, SQ_ARGS(SQ_TEXT(instance_id)));
}

int store_user_rows_estimate(store_conn *c, int64_t *n)
{
    static const char sql[] = "SELECT max(seq) FROM users"; /* seq grows from 1 (the rowid); O(log n) */
    return sq_int64(c, sql, n, SQ_NO_ARGS);
}

/* ---- candidates ---------------------------------------------------------------------------- */

/* Reads an (id, username, first_name, last_name, routing_profile_id, hierarchy_group_id) row
 * into the user_facts out. */
static void read_facts(sqlite3_stmt *st, void *out)
{
    user_facts *f = out;
    sq_col_copy(st, 0, f->id, sizeof f->id);
    f->username = sq_col_dup(st, 1);
    f->first_name = sq_col_dup(st, 2);
    f->last_name = sq_col_dup(st, 3);
    sq_col_copy(st, 4, f->routing_profile_id, sizeof f->routing_profile_id);
    sq_col_copy(st, 5, f->hierarchy_group_id, sizeof f->hierarchy_group_id);
}

int store_user_facts(store_conn *c, int64_t h, int profiles, int tags, user_facts *out)
{
    static const char sql[] = "SELECT id, username, first_name, last_name, routing_profile_id, hierarchy_group_id "
                              "FROM users WHERE seq = ?";
    memset(out, 0, sizeof *out);
    int res = sq_row(c, sql, read_facts, out, SQ_ARGS(SQ_INT(h)));
    if (res == STORE_OK && profiles)
        res = sq_user_profiles(c, out->id, &out->security_profile_ids);
    if (res == STORE_OK && tags)
        res = store_tags_get(c, out->id, &out->tags);
    return res;
}

/* ---- the page ------------------------------------------------------------------------------ */

/* Reads a (username, id) row into the user_key out. */
static void read_key(sqlite3_stmt *st, void *out)
{
    user_key *k = out;
    k->username = sq_col_dup(st, 0);
    sq_col_copy(st, 1, k->id, sizeof k->id);
}

int store_user_keys(store_conn *c, const int64_t *h, size_t n, user_key **out)
{
    static const char sql[] = "SELECT username, id FROM users WHERE seq = ?";
    *out = xcalloc(n ? n : 1, sizeof **out);
    int rc = STORE_OK;
    for (size_t i = 0; i < n && rc == STORE_OK; i++) {
        (*out)[i].h = h[i];
        rc = sq_row(c, sql, read_key, &(*out)[i], SQ_ARGS(SQ_INT(h[i])));
    }
    return rc;
}

/* Walks the username index over [from, to) (to NULL: to the end) and collects up to want
 * handles of within, with their usernames, into keys (room for want). */
static int walk_usernames(store_conn *c, const char *instance_id, const user_handles *within, const char *from,
                          const char *to, size_t want, user_key *keys, size_t *n)
{
    static const char open_end[] = "SELECT seq, username FROM users WHERE instance_id = ? AND username >= ? "
                                   "ORDER BY username";
    static const char bounded[] = "SELECT seq, username FROM users WHERE instance_id = ? AND username >= ? "
                                  "AND username < ? ORDER BY username";
    *n = 0;
    sqlite3_stmt *st = to ? sq_prepare(c, bounded, SQ_ARGS(SQ_TEXT(instance_id), SQ_TEXT(from), SQ_TEXT(to)))
                          : sq_prepare(c, open_end, SQ_ARGS(SQ_TEXT(instance_id), SQ_TEXT(from)));
    if (!st)
        return STORE_ERROR;
    int rc = SQLITE_DONE;
    while (*n < want && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        int64_t h = sqlite3_column_int64(st, 0);
        if (within && !user_handles_has(within, h))
            continue;
        keys[*n].h = h;
        keys[(*n)++].username = sq_col_dup(st, 1);
    }
    if (*n == want)
        rc = SQLITE_DONE;
    sqlite3_reset(st);
    return sq_status(c, rc);
}

/* Copies column 0 into the id of the user_key out. */
static void read_key_id(sqlite3_stmt *st, void *out)
{
    user_key *k = out;
    sq_col_copy(st, 0, k->id, sizeof k->id);
}

int store_user_page(store_conn *c, const char *instance_id, const user_handles *within, const char *from,
                    const char *to, const char *skip_username, const char *skip_id, size_t limit, user_key **out,
                    size_t *n)
{
    /* Usernames are unique in an instance, so at most the first row walked equals
     * skip_username; one spare row makes up for dropping it. */
    user_key *keys = xcalloc(limit + 1, sizeof *keys);
    size_t got;
    int rc = walk_usernames(c, instance_id, within, from, to, limit + 1, keys, &got);
    static const char id_sql[] = "SELECT id FROM users WHERE seq = ?";
    for (size_t i = 0; rc == STORE_OK && i < got; i++) /* the walk just saw each row */
        if ((rc = sq_row(c, id_sql, read_key_id, &keys[i], SQ_ARGS(SQ_INT(keys[i].h)))) == STORE_NOTFOUND)
            rc = STORE_OK;
    if (rc == STORE_OK && got && skip_username && strcmp(keys[0].username, skip_username) == 0 &&
        strcmp(keys[0].id, skip_id) <= 0) {
        free(keys[0].username);
        memmove(keys, keys + 1, (got - 1) * sizeof *keys);
        got--;
    } else if (got > limit) {
        free(keys[limit].username);
        got = limit;
    }
    *out = keys;
    *n = got;
    return rc;
}
