/* roster_session.c — the console's session endpoints of the roster API (the contract's "Session
 * endpoints"): GET /roster/v1/sign-in, POST|GET|DELETE /roster/v1/session and
 * POST /roster/v1/session/password. They are routed before the operation tables: sign-in has no
 * principal yet, and the others must answer while the password is temporary. */
#include "api/roster_session.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/jsonio.h"
#include "api/session_door.h"
#include "core/instances.h"
#include "core/permissions.h"
#include "util/ids.h"

static const char content_json[] = "application/json";

/* Answers r with doc (taken). */
static void answer(request *r, int status, json_t *doc)
{
    size_t len;
    char *body = jdump(doc, &len);
    json_decref(doc);
    request_respond_take(r, status, content_json, body, len);
}

static void set_cookie(const api_env *env, request *r, const char *token, int64_t max_age_s)
{
    char v[160];
    snprintf(v, sizeof v, SESSION_COOKIE "=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%lld%s", token,
             (long long)max_age_s, session_door_config(env)->cookie_secure ? "; Secure" : "");
    request_add_header(r, "Set-Cookie", v);
}

/* The session document S of the contract, or NULL with *e set. */
static json_t *session_doc(const api_env *env, core_ctx *cx, const console_session *s, rerr *e)
{
    instance inst;
    user_record u;
    strlist perms = {0};
    if (store_begin(cx->conn, 0) != STORE_OK) {
        rerr_set(e, ERR_UNAVAILABLE, NULL, "The store is busy; retry");
        return NULL;
    }
    int rc = store_instance_get(cx->conn, s->instance_id, &inst);
    if (rc == STORE_OK) {
        rc = store_user_get(cx->conn, s->instance_id, s->user_id, &u);
        if (rc == STORE_OK) {
            rc = store_user_permissions(cx->conn, s->user_id, &perms);
            if (rc != STORE_OK)
                user_clear(&u);
        }
        if (rc != STORE_OK)
            instance_clear(&inst);
    }
    store_rollback(cx->conn);
    if (rc == STORE_NOTFOUND) {
        strlist_clear(&perms);
        rerr_set(e, ERR_UNAUTHORIZED, NULL, SESSION_MSG_SIGNED_OUT);
        return NULL;
    }
    if (rc != STORE_OK) {
        strlist_clear(&perms);
        core_store_error(cx, rc, "read the session's user", e);
        return NULL;
    }
    json_t *d = json_object();
    json_object_set_new(d, "InstanceId", json_string(inst.id));
    json_object_set_new(d, "InstanceAlias", inst.alias ? json_string(inst.alias) : json_null());
    json_object_set_new(d, "IdentityManagementType", json_string(inst.idm_type));
    json_object_set_new(d, "UserId", json_string(u.id));
    json_object_set_new(d, "Username", json_string(u.username));
    json_object_set_new(d, "FirstName", u.first_name ? json_string(u.first_name) : json_null());
    json_object_set_new(d, "LastName", u.last_name ? json_string(u.last_name) : json_null());
    json_object_set_new(d, "Role", json_string(permissions_role(&perms)));
    json_object_set_new(d, "Permissions", jstrlist(&perms));
    json_object_set_new(d, "CsrfToken", json_string(s->csrf_token));
    json_object_set_new(d, "PasswordChangeRequired", json_boolean(u.password_temporary));
    json_object_set_new(d, "IdleTimeoutSeconds", json_integer(session_door_config(env)->idle_ms / 1000));
    json_object_set_new(d, "ExpiresTime", json_integer(s->expires_ms / 1000));
    json_t *out = json_object();
    json_object_set_new(out, "Session", d);
    instance_clear(&inst);
    user_clear(&u);
    strlist_clear(&perms);
    return out;
}

/* Parses r's body as a JSON object into *out (caller decrefs). Returns 0 or -1 with *e set. */
static int body_object(request *r, json_t **out, rerr *e)
{
    json_error_t jerr;
    *out = r->body.len ? json_loadb(r->body.data, r->body.len, 0, &jerr) : json_object();
    if (!*out || !json_is_object(*out) || jdepth(*out, JSON_DEPTH_LIMIT) > JSON_DEPTH_LIMIT) {
        json_decref(*out);
        *out = NULL;
        return rerr_set(e, ERR_SERIALIZATION, NULL, "The request body must be a JSON object");
    }
    return 0;
}

/* The sign-in's Origin must be the server's own: http:// (https:// behind TLS) and the Host. */
static int check_origin(const api_env *env, const request *r, rerr *e)
{
    const char *origin = request_header(r, "origin"), *host = request_header(r, "host");
    const char *scheme = session_door_config(env)->cookie_secure ? "https://" : "http://";
    size_t n = strlen(scheme);
    if (!origin || !host || strncmp(origin, scheme, n) != 0 || strcmp(origin + n, host) != 0)
        return rerr_set(e, ERR_ACCESS_DENIED, NULL,
                        "A sign-in must come from the console's own page (its Origin header is missing or another "
                        "site's)");
    return 0;
}

/* GET /roster/v1/sign-in */
static int sign_in_page(const api_env *env, core_ctx *cx, request *r, rerr *e)
{
    instance *list = NULL;
    size_t n = 0;
    if (store_begin(cx->conn, 0) != STORE_OK)
        return rerr_set(e, ERR_UNAVAILABLE, NULL, "The store is busy; retry");
    int rc = store_instance_list(cx->conn, "", 2, &list, &n);
    store_rollback(cx->conn);
    if (rc != STORE_OK) {
        free(list);
        return core_store_error(cx, rc, "list the instances", e);
    }
    json_t *d = json_object();
    json_object_set_new(d, "Instance", n == 1 && list[0].alias ? json_string(list[0].alias) : json_null());
    if (session_door_config(env)->proxy_header[0])
        json_object_set_new(d, "ProxySignIn", json_true());
    for (size_t i = 0; i < n; i++)
        instance_clear(&list[i]);
    free(list);
    answer(r, 200, d);
    return 0;
}

/* Answers a new session: S and its cookie. */
static int answer_new(const api_env *env, core_ctx *cx, request *r, session_info *si, rerr *e)
{
    json_t *doc = session_doc(env, cx, &si->s, e);
    if (!doc)
        return -1;
    answer(r, 200, doc);
    set_cookie(env, r, si->token, session_door_config(env)->max_ms / 1000);
    return 0;
}

/* POST /roster/v1/session */
static int sign_in(const api_env *env, core_ctx *cx, request *r, rerr *e)
{
    json_t *in;
    if (check_origin(env, r, e) || body_object(r, &in, e))
        return -1;
    const char *alias = NULL, *username = NULL, *password = NULL;
    int rc = -1;
    session_info si = {0};
    if (jget_str(e, in, "Instance", 1, &alias) == 0 && jget_str(e, in, "Username", 1, &username) == 0 &&
        jget_str(e, in, "Password", 1, &password) == 0)
        rc = session_sign_in(cx, session_door_config(env), alias, username, password, r->peer, &si, e);
    if (rc == 0)
        rc = answer_new(env, cx, r, &si, e);
    session_info_clear(&si);
    json_decref(in);
    return rc;
}

/* GET /roster/v1/session: the cookie's session, else one for the user the auth proxy names. */
static int current(const api_env *env, core_ctx *cx, request *r, rerr *e)
{
    const session_config *cfg = session_door_config(env);
    if (session_door_check_proxy(env, r, e))
        return -1;
    session_info si = {0};
    int rc = session_lookup(cx, cfg, request_cookie(r, SESSION_COOKIE), &si, NULL, e);
    const char *proxied = cfg->proxy_header[0] ? request_header(r, cfg->proxy_header) : NULL;
    if (rc == 0) {
        json_t *doc = session_doc(env, cx, &si.s, e);
        rc = doc ? 0 : -1;
        if (doc)
            answer(r, 200, doc);
    } else if (proxied && e->code == ERR_UNAUTHORIZED) {
        rc = session_sign_in_proxy(cx, cfg, cfg->proxy_instance, proxied, r->peer, &si, e);
        if (rc == 0)
            rc = answer_new(env, cx, r, &si, e);
    }
    session_info_clear(&si);
    return rc;
}

/* DELETE /roster/v1/session */
static int sign_out(const api_env *env, core_ctx *cx, request *r, rerr *e)
{
    session_info si = {0};
    const char *token = request_cookie(r, SESSION_COOKIE);
    int rc = session_lookup(cx, session_door_config(env), token, &si, NULL, e);
    if (rc == 0)
        rc = session_door_check_csrf(r, &si.s, e);
    if (rc == 0)
        rc = session_end(cx, token, e);
    session_info_clear(&si);
    if (rc)
        return -1;
    answer(r, 200, json_object());
    set_cookie(env, r, "", 0);
    return 0;
}

/* POST /roster/v1/session/password */
static int change_password(const api_env *env, core_ctx *cx, request *r, rerr *e)
{
    session_info si = {0};
    principal who;
    json_t *in = NULL;
    const char *cur = NULL, *next = NULL;
    int rc = session_lookup(cx, session_door_config(env), request_cookie(r, SESSION_COOKIE), &si, &who, e);
    if (rc)
        return -1;
    cx->who = &who;
    if (session_door_check_csrf(r, &si.s, e) || body_object(r, &in, e) ||
        jget_str(e, in, "CurrentPassword", 1, &cur) || jget_str(e, in, "NewPassword", 1, &next) ||
        session_change_password(cx, session_door_config(env), &si.s, cur, next, r->peer, e))
        rc = -1;
    json_t *doc = rc == 0 ? session_doc(env, cx, &si.s, e) : NULL;
    if (doc)
        answer(r, 200, doc);
    else
        rc = -1;
    cx->who = NULL;
    json_decref(in);
    principal_clear(&who);
    session_info_clear(&si);
    return rc;
}

int roster_session_route(const api_env *env, request *r)
{
    if (r->n_segments < 3 || r->n_segments > 4 || strcmp(r->segments[0], "roster") != 0 ||
        strcmp(r->segments[1], "v1") != 0)
        return 0;
    const char *m = r->method, *s2 = r->segments[2], *s3 = r->n_segments == 4 ? r->segments[3] : NULL;
    int (*fn)(const api_env *, core_ctx *, request *, rerr *) = NULL;
    if (!s3 && strcmp(s2, "sign-in") == 0 && strcmp(m, "GET") == 0)
        fn = sign_in_page;
    else if (!s3 && strcmp(s2, "session") == 0 && strcmp(m, "POST") == 0)
        fn = sign_in;
    else if (!s3 && strcmp(s2, "session") == 0 && strcmp(m, "GET") == 0)
        fn = current;
    else if (!s3 && strcmp(s2, "session") == 0 && strcmp(m, "DELETE") == 0)
        fn = sign_out;
    else if (s3 && strcmp(s2, "session") == 0 && strcmp(s3, "password") == 0 && strcmp(m, "POST") == 0)
        fn = change_password;
    if (!fn)
        return 0;
    rerr e;
    rerr_clear(&e);
    core_ctx cx = {.conn = store_conn_get(env->st), .cfg = env->cfg, .now_ms = now_ms()};
    if (!cx.conn)
        rerr_set(&e, ERR_UNAVAILABLE, NULL, "The store is not available");
    if (!cx.conn || fn(env, &cx, r, &e) != 0) {
        api_respond_error(r, &e, 0);
        if (e.code == ERR_UNAUTHORIZED && request_cookie(r, SESSION_COOKIE))
            set_cookie(env, r, "", 0); /* a session that ended: the browser forgets its cookie */
    }
    store_conn_put(cx.conn);
    return 1;
}
