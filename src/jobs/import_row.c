/* import_row.c — one CSV row into core's user functions, every error of the row reported with
 * its column and value (see import_row.h). */
#include "jobs/import_row.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/user_rules.h"
#include "core/users.h"
#include "core/validate.h"
#include "jobs/cells.h"
#include "util/buf.h"

void import_outcome_init(import_outcome *o)
{
    memset(o, 0, sizeof *o);
    o->errors = json_array();
}

void import_outcome_clear(import_outcome *o)
{
    if (!o)
        return;
    json_decref(o->errors);
    memset(o, 0, sizeof *o);
}

void import_error_add(json_t *errors, const char *column, const char *value, const char *message)
{
    json_t *e = json_object();
    json_object_set_new(e, "Column", json_string(column ? column : ""));
    json_object_set_new(e, "Value", json_string(value ? value : ""));
    json_object_set_new(e, "Message", json_string(message ? message : ""));
    json_array_append_new(errors, e);
}

char *import_login_key(const char *login)
{
    if (!login || !*login)
        return NULL;
    char *k = xstrdup(login);
    for (char *p = k; *p; p++)
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p + 32);
    return k;
}

/* One row being read: its cells and the errors found so far. */
typedef struct row {
    const import_job *j;
    char *const *cells;
    size_t n;
    json_t *errors;
} row;

/* 1 when the file has column c. */
static int has(const row *r, tpl_col c)
{
    return r->j->map->field_of_col[c] >= 0;
}

/* The cell of column c as uploaded, or NULL when the file has no such column. */
static const char *raw(const row *r, tpl_col c)
{
    return tpl_cell(r->j->map, c, r->cells, NULL, NULL);
}

/* The value of column c: the cell with the export's spreadsheet escape undone; NULL when absent. */
static const char *val(const row *r, tpl_col c)
{
    const char *v = raw(r, c);
    return v ? cells_formula_unescape(v) : NULL;
}

/* The header of column c as uploaded (or its template name). */
static const char *column_name(const row *r, tpl_col c)
{
    int f = r->j->map->field_of_col[c];
    return f >= 0 && (size_t)f < r->j->n_header ? r->j->header[f] : tpl_header_text(c);
}

/* Records an error of column c (the value shown is the cell as uploaded; never a password). */
static void fail(row *r, tpl_col c, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void fail(row *r, tpl_col c, const char *fmt, ...)
{
    buf b;
    buf_init(&b);
    va_list ap;
    va_start(ap, fmt);
    buf_vprintf(&b, fmt, ap);
    va_end(ap);
    const char *value = c == TPL_PASSWORD ? "" : raw(r, c);
    import_error_add(r->errors, column_name(r, c), value, b.data ? b.data : "");
    buf_free(&b);
}

/* Records a core error against column c (TPL__COUNT: the row as a whole, no column or value). */
static void fail_rerr(row *r, tpl_col c, const rerr *e)
{
    const char *prefix = e->code == ERR_ACCESS_DENIED ? "AccessDenied: " : "";
    if (c != TPL__COUNT) {
        fail(r, c, "%s%s", prefix, e->message);
        return;
    }
    char msg[sizeof e->message + 16];
    snprintf(msg, sizeof msg, "%s%s", prefix, e->message);
    import_error_add(r->errors, "", "", msg);
}

/* The column a core error's field names (TPL__COUNT: the row as a whole). */
static tpl_col column_of_field(const char *field)
{
    static const struct {
        const char *prefix;
        tpl_col col;
    } map[] = {
        {"Username", TPL_LOGIN},
        {"IdentityInfo.FirstName", TPL_FIRST_NAME},
        {"IdentityInfo.LastName", TPL_LAST_NAME},
        {"IdentityInfo.SecondaryEmail", TPL_SECONDARY_EMAIL},
        {"IdentityInfo.Email", TPL_EMAIL},
        {"IdentityInfo.Mobile", TPL_MOBILE},
        {"Password", TPL_PASSWORD},
        {"SecurityProfileIds", TPL_SECURITY_PROFILES},
        {"RoutingProfileId", TPL_ROUTING_PROFILE},
        {"HierarchyGroupId", TPL_HIERARCHY},
        {"PhoneConfig.PhoneType", TPL_PHONE_TYPE},
        {"PhoneConfig.DeskPhoneNumber", TPL_PHONE_NUMBER},
        {"PhoneConfig.AutoAccept", TPL_AUTO_ACCEPT},
        {"PhoneConfig.AfterContactWorkTimeLimit", TPL_ACW},
        {"Tags", TPL_TAGS},
    };
    for (size_t i = 0; field && i < sizeof map / sizeof map[0]; i++)
        if (strncmp(field, map[i].prefix, strlen(map[i].prefix)) == 0)
            return map[i].col;
    return TPL__COUNT;
}

/* A core error of the row's call, against the column its field names (or the row). */
static void fail_core(row *r, const rerr *e)
{
    tpl_col c = column_of_field(e->field[0] ? e->field : NULL);
    fail_rerr(r, c != TPL__COUNT && has(r, c) ? c : TPL__COUNT, e);
}

const char *import_row_password(const import_job *j, char *const *cells, size_t n)
{
    int f = j->map->field_of_col[TPL_PASSWORD];
    if (f < 0 || (size_t)f >= n || !cells[f][0])
        return NULL;
    return cells_formula_unescape(cells[f]);
}

/* A required text cell of a new user, or a present one of an update: checked as a name. */
static const char *name_cell(row *r, tpl_col c, size_t max, int creating)
{
    const char *v = val(r, c);
    rerr e;
    if (!v || !*v) {
        if (creating || v)
            fail(r, c, "%s is required: every user has a first and a last name", tpl_header_text(c));
        return NULL;
    }
    if (user_check_name(tpl_header_text(c), v, max, &e)) {
        fail_rerr(r, c, &e);
        return NULL;
    }
    return v;
}

/* What the row asks for, parsed and checked without the store (except names via the catalog). */
typedef struct wanted {
    const char *first, *last, *email, *secondary, *mobile, *password;
    const char *routing_id;
    strlist profile_ids;
    int has_profiles;
    const char *group_id;        /* NULL: outside the hierarchy */
    int has_group;
    const char *phone_type;      /* SOFT_PHONE / DESK_PHONE, or NULL when the column is absent */
    const char *phone_number;    /* NULL when absent; "" clears */
    int has_auto_accept, auto_accept;
    int has_acw;
    int64_t acw;
    kvlist tags;
    int has_tags;
} wanted;

static void wanted_clear(wanted *w)
{
    strlist_clear(&w->profile_ids);
    kvlist_clear(&w->tags);
}

static void read_identity(row *r, wanted *w, int creating)
{
    rerr e;
    int managed = strcmp(r->j->idm_type, USER_IDM_CONNECT_MANAGED) == 0;
    w->first = name_cell(r, TPL_FIRST_NAME, USER_FIRST_NAME_MAX, creating);
    w->last = name_cell(r, TPL_LAST_NAME, USER_LAST_NAME_MAX, creating);
    const char *v = val(r, TPL_EMAIL);
    if (managed && (creating || v) && (!v || !*v))
        fail(r, TPL_EMAIL, "email address is required on a CONNECT_MANAGED instance");
    else if (v && *v && user_check_email(tpl_header_text(TPL_EMAIL), v, &e))
        fail_rerr(r, TPL_EMAIL, &e);
    else
        w->email = v;
    v = val(r, TPL_SECONDARY_EMAIL);
    if (v && *v && user_check_email(tpl_header_text(TPL_SECONDARY_EMAIL), v, &e))
        fail_rerr(r, TPL_SECONDARY_EMAIL, &e);
    else
        w->secondary = v;
    v = val(r, TPL_MOBILE);
    if (v && *v && user_check_phone(tpl_header_text(TPL_MOBILE), v, &e))
        fail_rerr(r, TPL_MOBILE, &e);
    else
        w->mobile = v;
}

static void read_profiles(row *r, const catalog *cat, wanted *w, int creating)
{
    rerr e;
    const char *v = val(r, TPL_ROUTING_PROFILE);
    if ((creating || v) && (!v || !*v))
        fail(r, TPL_ROUTING_PROFILE, "routing profile name is required: every user has a routing profile");
    else if (v && !(w->routing_id = catalog_routing_profile(cat, v, "RoutingProfileId", &e)))
        fail_rerr(r, TPL_ROUTING_PROFILE, &e);

    v = val(r, TPL_SECURITY_PROFILES);
    strlist names = {0};
    char err[200];
    if ((creating || v) && (!v || !*v)) {
        fail(r, TPL_SECURITY_PROFILES, "at least one security profile is required (at most %d, joined by |)",
             USER_PROFILES_MAX);
    } else if (v && cells_split(v, &names, err, sizeof err) < 0) {
        fail(r, TPL_SECURITY_PROFILES, "%s", err);
    } else if (v && names.n > USER_PROFILES_MAX) {
        fail(r, TPL_SECURITY_PROFILES, "a user has 1 to %d security profiles (got %zu)", USER_PROFILES_MAX, names.n);
    } else if (v) {
        w->has_profiles = 1;
        for (size_t i = 0; i < names.n; i++) {
            const char *id = catalog_security_profile(cat, names.items[i], "SecurityProfileIds", &e);
            if (!id)
                fail_rerr(r, TPL_SECURITY_PROFILES, &e);
            else if (!strlist_contains(&w->profile_ids, id))
                strlist_push(&w->profile_ids, id);
        }
    }
    strlist_clear(&names);

    v = val(r, TPL_HIERARCHY);
    if (v) {
        w->has_group = 1;
        strlist path = {0};
        if (*v && cells_split(v, &path, err, sizeof err) < 0)
            fail(r, TPL_HIERARCHY, "%s", err);
        else if (*v && !(w->group_id = catalog_group_path(cat, path.items, path.n, "HierarchyGroupId", &e)))
            fail_rerr(r, TPL_HIERARCHY, &e);
        strlist_clear(&path);
    }
}

static void read_phone(row *r, wanted *w)
{
    rerr e;
    const char *v = val(r, TPL_PHONE_TYPE);
    if (v && !(w->phone_type = *v ? cells_phone_type(v) : "SOFT_PHONE"))
        fail(r, TPL_PHONE_TYPE, "phone type is soft or desk");
    v = val(r, TPL_PHONE_NUMBER);
    if (v && *v && user_check_phone(tpl_header_text(TPL_PHONE_NUMBER), v, &e))
        fail_rerr(r, TPL_PHONE_NUMBER, &e);
    else
        w->phone_number = v;
    v = val(r, TPL_AUTO_ACCEPT);
    if (v) {
        int yes = *v ? cells_yes_no(v) : 0;
        if (yes < 0)
            fail(r, TPL_AUTO_ACCEPT, "soft phone auto accept is yes or no");
        w->has_auto_accept = 1;
        w->auto_accept = yes == 1;
    }
    v = val(r, TPL_ACW);
    if (v) {
        w->has_acw = 1;
        if (*v && cells_acw(v, &w->acw) < 0)
            fail(r, TPL_ACW, "ACW timeout is whole seconds from 0 (no limit) to %d", USER_ACW_MAX);
    }
}

static void read_tags(row *r, wanted *w)
{
    const char *v = val(r, TPL_TAGS);
    if (!v)
        return;
    w->has_tags = 1;
    char err[200];
    rerr e;
    if (*v && cells_tags(v, &w->tags, err, sizeof err) < 0)
        fail(r, TPL_TAGS, "%s", err);
    else if (w->tags.keys.n && validate_tags(&e, tpl_header_text(TPL_TAGS), &w->tags))
        fail_rerr(r, TPL_TAGS, &e);
}

/* The VOICE channel of u (NULL if none). */
static const channel_config *voice(user_record *u)
{
    return user_channel(u, "VOICE");
}

static int create_user(core_ctx *cx, row *r, const char *login, wanted *w, const char *hash, import_outcome *out)
{
    user_phone_in ph = {.phone_type = w->phone_type,
                        .has_auto_accept = w->has_auto_accept,
                        .auto_accept = w->auto_accept,
                        .has_acw = w->has_acw,
                        .acw_seconds = w->acw,
                        .desk_phone_number = w->phone_number && *w->phone_number ? w->phone_number : NULL};
    user_new in = {.username = login,
                   .password = w->password,
                   .identity = {.first_name = w->first,
                                .last_name = w->last,
                                .email = w->email && *w->email ? w->email : NULL,
                                .secondary_email = w->secondary && *w->secondary ? w->secondary : NULL,
                                .mobile = w->mobile && *w->mobile ? w->mobile : NULL},
                   .phone = &ph,
                   .security_profile_ids = &w->profile_ids,
                   .routing_profile_id = w->routing_id,
                   .hierarchy_group_id = w->group_id,
                   .tags = w->has_tags && w->tags.keys.n ? &w->tags : NULL,
                   .mode = USER_CHECK_CREATE,
                   .dry_run = r->j->dry_run};
    rerr e;
    rerr_clear(&e);
    char id[ID_LEN] = "";
    if (users_create_tx(cx, r->j->instance_id, &in, hash, id, &e)) {
        fail_core(r, &e);
        return -1;
    }
    snprintf(out->action, sizeof out->action, "CREATED");
    snprintf(out->user_id, sizeof out->user_id, "%s", id);
    return 0;
}

static int update_user(core_ctx *cx, row *r, user_record *cur, wanted *w, const char *hash, import_outcome *out)
{
    user_identity_in id = {.first_name = w->first,
                           .last_name = w->last,
                           .email = w->email,
                           .secondary_email = w->secondary,
                           .mobile = w->mobile};
    int identity = has(r, TPL_FIRST_NAME) || has(r, TPL_LAST_NAME) || has(r, TPL_EMAIL) ||
                   has(r, TPL_SECONDARY_EMAIL) || has(r, TPL_MOBILE);
    const channel_config *v = voice(cur);
    user_phone_in ph = {.phone_type = w->phone_type,
                        .has_auto_accept = w->has_auto_accept,
                        .auto_accept = w->auto_accept,
                        .has_acw = w->has_acw && !(v && v->has_acw && v->acw_seconds == w->acw),
                        .acw_seconds = w->acw,
                        .desk_phone_number = w->phone_number};
    int phone = ph.phone_type || ph.has_auto_accept || ph.has_acw || ph.desk_phone_number;
    /* The security profiles count as a change (Users.EditPermission) only when the set differs. */
    int profiles = w->has_profiles && (w->profile_ids.n != cur->security_profile_ids.n);
    for (size_t i = 0; w->has_profiles && !profiles && i < w->profile_ids.n; i++)
        profiles = !strlist_contains(&cur->security_profile_ids, w->profile_ids.items[i]);
    int changed = 0;
    user_change ch = {.operation = "ImportUsers",
                      .identity = identity ? &id : NULL,
                      .phone = phone ? &ph : NULL,
                      .routing_profile_id = w->routing_id,
                      .security_profile_ids = profiles ? &w->profile_ids : NULL,
                      .set_hierarchy = w->has_group,
                      .hierarchy_group_id = w->group_id,
                      .password = w->password,
                      .password_hash = hash,
                      .tags = w->tags.keys.n ? &w->tags : NULL,
                      .set_tags = w->has_tags,
                      .dry_run = r->j->dry_run,
                      .changed = &changed};
    rerr e;
    rerr_clear(&e);
    if (r->j->dry_run && w->password && !hash)
        ch.password_hash = "(dry run)"; /* checked, never written */
    if (users_update_tx(cx, r->j->instance_id, cur->id, &ch, &e)) {
        fail_core(r, &e);
        return -1;
    }
    snprintf(out->action, sizeof out->action, "%s", changed ? "UPDATED" : "UNCHANGED");
    snprintf(out->user_id, sizeof out->user_id, "%s", cur->id);
    return 0;
}

int import_row_apply(core_ctx *cx, const import_job *j, const catalog *cat, int64_t seq, char *const *cells, size_t n,
                     const char *password, const char *password_hash, import_outcome *out)
{
    row r = {.j = j, .cells = cells, .n = n, .errors = out->errors};
    char msg[512];
    if (tpl_check_row(j->map, cells, NULL, n, msg, sizeof msg)) {
        import_error_add(out->errors, "", "", msg);
        return -1;
    }
    rerr e;
    rerr_clear(&e);
    const char *login = val(&r, TPL_LOGIN);
    user_record cur = {0};
    int found = 0, exact = 0;
    if (!login || !*login) {
        fail(&r, TPL_LOGIN, "user login is required");
        login = NULL;
    } else if (user_check_username(j->idm_type, login, &e)) {
        fail_rerr(&r, TPL_LOGIN, &e);
        login = NULL;
    } else {
        int64_t first_row = 0;
        int rc = STORE_NOTFOUND;
        if (!j->logins_distinct) {
            char *key = import_login_key(login);
            rc = store_job_login_first(cx->conn, j->job_id, key, seq, &first_row);
            free(key);
        }
        int repeated = rc == STORE_OK;
        if (repeated)
            fail(&r, TPL_LOGIN, "user login \"%s\" is already on row %lld of this file (usernames are unique ignoring case)",
                 login, (long long)first_row);
        else if (rc != STORE_NOTFOUND)
            fail(&r, TPL_LOGIN, "the store failed while looking for the login earlier in the file");
        /* CREATE needs no look-up: users_create_tx refuses a taken (or look-alike) name itself. */
        if (!j->upsert)
            ;
        else if (users_find(cx, j->instance_id, login, &cur, &exact, &e) == 0)
            found = 1;
        else if (e.code != ERR_NOT_FOUND)
            fail_core(&r, &e);
        if (repeated)
            ; /* the earlier row said it: the user it made is not news */
        else if (found && !exact)
            fail(&r, TPL_LOGIN, "user login \"%s\" differs only in case from the existing user \"%s\"; usernames are "
                 "unique ignoring case", login, cur.username);
        else if (found && !j->upsert)
            fail(&r, TPL_LOGIN, "a user with login \"%s\" already exists (mode CREATE never changes an existing user; "
                 "import with mode UPSERT to update it)", login);
    }
    int creating = !found;
    wanted w = {0};
    read_identity(&r, &w, creating);
    int managed = strcmp(j->idm_type, USER_IDM_CONNECT_MANAGED) == 0;
    if (managed && creating && !password)
        fail(&r, TPL_PASSWORD, "password is required on a CONNECT_MANAGED instance (8 to 64 characters with an upper-case "
             "letter, a lower-case letter and a digit)");
    else if (password && user_check_password(password, &e))
        fail_rerr(&r, TPL_PASSWORD, &e);
    else
        w.password = password;
    read_profiles(&r, cat, &w, creating);
    read_phone(&r, &w);
    read_tags(&r, &w);

    int result = -1;
    if (json_array_size(out->errors) == 0 && login)
        result = creating ? create_user(cx, &r, login, &w, password_hash, out)
                          : update_user(cx, &r, &cur, &w, password_hash, out);
    wanted_clear(&w);
    user_clear(&cur);
    return result;
}
