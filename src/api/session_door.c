/* session_door.c — the console session at the roster API door (see session_door.h). */
#include "api/session_door.h"

#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

static session_config defaults;
static pthread_once_t defaults_once = PTHREAD_ONCE_INIT;

static void defaults_make(void)
{
    session_config_defaults(&defaults);
}

const session_config *session_door_config(const api_env *env)
{
    if (env && env->sessions)
        return env->sessions;
    pthread_once(&defaults_once, defaults_make);
    return &defaults;
}

int session_door_wants(const api_env *env, const request *r)
{
    if (request_header(r, "authorization"))
        return 0;
    const session_config *cfg = session_door_config(env);
    return request_cookie(r, SESSION_COOKIE) != NULL || (cfg->proxy_header[0] && request_header(r, cfg->proxy_header));
}

int session_door_check_proxy(const api_env *env, const request *r, rerr *e)
{
    const session_config *cfg = session_door_config(env);
    if (cfg->proxy_header[0] && request_header(r, cfg->proxy_header) && !session_config_is_proxy(cfg, r->peer))
        return rerr_set(e, ERR_ACCESS_DENIED, NULL, "The header %s is accepted only from the auth proxy's addresses",
                        cfg->proxy_header);
    return 0;
}

int session_door_check_csrf(const request *r, const console_session *s, rerr *e)
{
    if (strcmp(r->method, "GET") == 0 || strcmp(r->method, "HEAD") == 0)
        return 0;
    const char *t = request_header(r, CSRF_HEADER);
    size_t n = strlen(s->csrf_token);
    if (!t || n == 0 || strlen(t) != n || sodium_memcmp(t, s->csrf_token, n) != 0)
        return rerr_set(e, ERR_ACCESS_DENIED, NULL, "The request lacks a valid CSRF token; reload the page");
    return 0;
}

int session_door_authenticate(const api_env *env, core_ctx *cx, request *r, principal *who, rerr *e)
{
    memset(who, 0, sizeof *who);
    if (session_door_check_proxy(env, r, e))
        return -1;
    session_info si;
    if (session_lookup(cx, session_door_config(env), request_cookie(r, SESSION_COOKIE), &si, who, e))
        return -1;
    int rc = session_door_check_csrf(r, &si.s, e);
    if (rc == 0 && si.s.password_temporary)
        rc = rerr_set(e, ERR_ACCESS_DENIED, NULL, "Choose a new password first");
    snprintf(r->log_key, sizeof r->log_key, "console");
    session_info_clear(&si);
    if (rc)
        principal_clear(who);
    return rc;
}
