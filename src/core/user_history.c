/* user_history.c — a user's audit events, newest first (see user_history.h). */
#include "core/user_history.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/audit.h"
#include "core/authorize.h"
#include "core/instances.h"
#include "core/paging.h"
#include "core/validate.h"
#include "util/buf.h"
#include "util/num.h"

#define TOKEN_KIND "user-history"
#define CHANGES_MAX 1000 /* per event: far above the fields of a user */

void history_page_clear(history_page *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->n; i++) {
        history_event *ev = &p->items[i];
        for (size_t k = 0; k < ev->n_changes; k++) {
            free(ev->changes[k].field);
            json_decref(ev->changes[k].before);
            json_decref(ev->changes[k].after);
        }
        free(ev->changes);
        free(ev->operation);
        free(ev->actor);
    }
    free(p->items);
    memset(p, 0, sizeof *p);
}

typedef struct collect {
    core_ctx *cx;
    history_page *out;
    size_t cap;
    int64_t *ids; /* the trail's id of each event read, for the page token */
} collect;

/* audit_diff's callback: one change of the event being read. */
static void add_change(const char *path, json_t *b, json_t *a, void *ctx)
{
    history_event *ev = ctx;
    if (ev->n_changes >= CHANGES_MAX)
        return;
    ev->changes = xrealloc(ev->changes, (ev->n_changes + 1) * sizeof *ev->changes);
    history_change *c = &ev->changes[ev->n_changes++];
    c->field = xstrdup(path);
    c->before = b ? json_incref(b) : json_null();
    c->after = a ? json_incref(a) : json_null();
}

static int add_event(const audit_event *ae, void *arg)
{
    collect *cl = arg;
    history_page *p = cl->out;
    if (p->n == cl->cap) {
        cl->cap = cl->cap ? cl->cap * 2 : 16;
        p->items = xrealloc(p->items, cl->cap * sizeof *p->items);
        cl->ids = xrealloc(cl->ids, cl->cap * sizeof *cl->ids);
    }
    cl->ids[p->n] = ae->id;
    history_event *ev = &p->items[p->n++];
    memset(ev, 0, sizeof *ev);
    ev->at_ms = ae->at_ms;
    ev->operation = xstrdup(ae->operation ? ae->operation : "");
    char *name = ae->actor_user_id[0] ? audit_user_name(cl->cx->conn, ae->actor_user_id, ae->id) : NULL;
    if (name)
        ev->actor = name;
    else if (ae->actor_name) { /* a SCIM token, by its name */
        buf b;
        buf_init(&b);
        buf_printf(&b, "%s (SCIM)", ae->actor_name);
        ev->actor = buf_detach(&b);
    } else
        ev->actor = xstrdup(ae->key_id[0] ? ae->key_id : "cli");
    json_t *b = ae->before_json ? json_loads(ae->before_json, 0, NULL) : NULL;
    json_t *a = ae->after_json ? json_loads(ae->after_json, 0, NULL) : NULL;
    audit_diff(b, a, add_change, ev);
    json_decref(b);
    json_decref(a);
    return 0;
}

int users_history(core_ctx *cx, const char *instance_id, const char *id, const char *token, size_t limit,
                  history_page *out, char **next, rerr *e)
{
    memset(out, 0, sizeof *out);
    *next = NULL;
    char *key = NULL, *pos = NULL;
    if (core_allow(cx, CORE_USERS_CONSOLE_HISTORY, instance_id, e) || validate_id(e, "UserId", id, 256) ||
        page_token_decode(e, "NextToken", token, TOKEN_KIND, &key, &pos))
        return -1;
    int64_t before_at = INT64_MAX, before_id = INT64_MAX;
    if (*key && (parse_int64(key, 0, INT64_MAX, &before_at) || parse_int64(pos, 0, INT64_MAX, &before_id))) {
        free(key);
        free(pos);
        return rerr_set(e, ERR_INVALID_PARAMETER, "NextToken", "NextToken is not one roster issued for this list");
    }
    free(key);
    free(pos);
    int rc = store_resource_exists(cx->conn, STORE_RES_USER, instance_id, id);
    if (rc == STORE_NOTFOUND)
        return rerr_set(e, ERR_NOT_FOUND, "UserId", "User not found: %.256s", id);
    collect cl = {.cx = cx, .out = out};
    if (rc == STORE_OK)
        rc = store_audit_user_recent(cx->conn, instance_id, id, before_at, before_id, limit + 1, add_event, &cl);
    if (rc == STORE_OK && out->n > limit) { /* one more than the page: the token names the page's last */
        history_page extra = {xmalloc(sizeof *extra.items), 1};
        extra.items[0] = out->items[--out->n];
        history_page_clear(&extra);
        char at[24], idn[24];
        snprintf(at, sizeof at, "%" PRId64, out->items[out->n - 1].at_ms);
        snprintf(idn, sizeof idn, "%" PRId64, cl.ids[out->n - 1]);
        *next = page_token_encode(TOKEN_KIND, at, idn);
    }
    free(cl.ids);
    if (rc != STORE_OK)
        return core_store_error(cx, rc, "read the audit trail", e);
    return 0;
}
