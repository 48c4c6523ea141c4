/* names.c — resolving the bulk commands' names through the running server (names.h). */
#include "cli/names.h"

#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "util/nearest.h"
#include "util/utf8.h"

#define LIST_PAGES_MAX 1000        /* of 1,000 names each */
#define DESCRIBE_MAX 50            /* hierarchy groups of one name described to find a path */
#define LOGINS_PER_SEARCH 50       /* Username EXACT conditions ORed in one SearchUsers */
#define MISSING_SHOWN 5

static const struct {
    const char *path;              /* followed by the instance */
    const char *member;
    const char *what;
} LISTS[] = {{"/routing-profiles-summary/", "RoutingProfileSummaryList", "routing profile"},
             {"/security-profiles-summary/", "SecurityProfileSummaryList", "security profile"},
             {"/user-hierarchy-groups-summary/", "UserHierarchyGroupSummaryList", "hierarchy group"}};

void names_init(names *n, const client *c, const char *inst)
{
    memset(n, 0, sizeof *n);
    n->c = c;
    n->inst = inst;
}

void names_clear(names *n)
{
    for (size_t i = 0; i < 3; i++)
        json_decref(n->lists[i]);
    memset(n, 0, sizeof *n);
}

/* The summaries of one kind (every page), fetched once. Returns the array (owned by n), or
 * NULL with why in err. */
static json_t *list_of(names *n, fx_ref ref, buf *err)
{
    if (n->lists[ref])
        return n->lists[ref];
    json_t *all = json_array();
    char *token = NULL;
    buf path;
    buf_init(&path);
    buf_printf(&path, "%s%s", LISTS[ref].path, n->inst);
    int ok = 0;
    for (int page = 0; page < LIST_PAGES_MAX; page++) {
        buf q;
        buf_init(&q);
        client_param p[] = {{"maxResults", "1000"}, {"nextToken", token}};
        client_query_build(&q, p, 2);
        client_request rq = {.method = "GET", .path = path.data, .query = q.data};
        json_t *doc;
        int rc = client_json(n->c, &rq, &doc, NULL);
        buf_free(&q);
        free(token);
        token = NULL;
        if (rc != EXIT_OK) {
            n->server_failed = 1;
            break;
        }
        json_array_extend(all, json_object_get(doc, LISTS[ref].member));
        json_t *next = json_object_get(doc, "NextToken");
        if (json_is_string(next) && *json_string_value(next))
            token = xstrdup(json_string_value(next));
        json_decref(doc);
        if (!token) {
            ok = 1;
            break;
        }
    }
    free(token);
    buf_free(&path);
    if (!ok) {
        json_decref(all);
        buf_printf(err, "could not list the instance's %ss", LISTS[ref].what);
        return NULL;
    }
    n->lists[ref] = all;
    return all;
}

static const char *str_of(const json_t *o, const char *name)
{
    const json_t *v = json_object_get(o, name);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

/* Appends " (did you mean 'X'?)" with the nearest Name of list, when one is near. */
static void suggest(const json_t *list, const char *name, buf *err)
{
    size_t n = json_array_size(list), k = 0;
    const char **all = xcalloc(n ? n : 1, sizeof *all);
    for (size_t i = 0; i < n; i++) {
        const char *s = str_of(json_array_get(list, i), "Name");
        if (s)
            all[k++] = s;
    }
    const char *near = nearest_name(name, all, k);
    if (near) {
        buf_puts(err, " (did you mean '");
        client_put_one_line(err, near, 200);
        buf_puts(err, "'?)");
    } else if (k == 0) {
        buf_puts(err, " (the instance has none)");
    }
    free(all);
}

/* Splits a CSV hierarchy path ("Sales|West", '\|' and '\\' escaped) into at most 5 parts.
 * Returns the number of parts (each malloc'd into parts), or 0 when the path is malformed. */
static size_t split_path(const char *path, char *parts[5])
{
    size_t n = 0;
    buf b;
    buf_init(&b);
    for (const char *p = path;; p++) {
        if (*p == '\\' && (p[1] == '|' || p[1] == '\\')) {
            buf_putc(&b, *++p);
        } else if (*p == '|' || !*p) {
            if (b.len == 0 || n == 5) {
                buf_free(&b);
                for (size_t i = 0; i < n; i++)
                    free(parts[i]);
                return 0;
            }
            parts[n++] = buf_detach(&b);
            buf_init(&b);
            if (!*p)
                break;
        } else {
            buf_putc(&b, *p);
        }
    }
    buf_free(&b);
    return n;
}

/* The path of a hierarchy group as "A|B|C" into out (DescribeUserHierarchyGroup). Returns 0,
 * or -1 (the server failed: printed). */
static int group_path(names *n, const char *id, buf *out)
{
    static const char *const LEVELS[] = {"LevelOne", "LevelTwo", "LevelThree", "LevelFour", "LevelFive"};
    if (!client_path_ok(id))
        return -1;
    buf path;
    buf_init(&path);
    buf_printf(&path, "/user-hierarchy-groups/%s/%s", n->inst, id);
    client_request rq = {.method = "GET", .path = path.data};
    json_t *doc;
    int rc = client_json(n->c, &rq, &doc, NULL);
    buf_free(&path);
    if (rc != EXIT_OK) {
        n->server_failed = 1;
        return -1;
    }
    json_t *hp = json_object_get(json_object_get(doc, "HierarchyGroup"), "HierarchyPath");
    for (size_t i = 0; i < 5; i++) {
        const char *name = str_of(json_object_get(hp, LEVELS[i]), "Name");
        if (!name)
            break;
        if (i)
            buf_putc(out, '|');
        for (const char *p = name; *p; p++) {
            if (*p == '|' || *p == '\\')
                buf_putc(out, '\\');
            buf_putc(out, *p);
        }
    }
    json_decref(doc);
    return 0;
}

/* The id of the hierarchy group at path, or NULL with err set. */
static char *resolve_path(names *n, const char *path, buf *err)
{
    char *parts[5];
    size_t np = split_path(path, parts);
    if (np == 0) {
        buf_puts(err, "hierarchy path '");
        client_put_one_line(err, path, 200);
        buf_puts(err, "' is not 1 to 5 group names separated by '|' (e.g. Sales|West)");
        return NULL;
    }
    char *id = NULL;
    json_t *list = list_of(n, FX_REF_HIERARCHY, err);
    buf first, canon;
    buf_init(&first);
    buf_init(&canon);
    /* the path as DescribeUserHierarchyGroup's names would spell it */
    for (size_t i = 0; i < np; i++) {
        if (i)
            buf_putc(&canon, '|');
        for (const char *p = parts[i]; *p; p++) {
            if (*p == '|' || *p == '\\')
                buf_putc(&canon, '\\');
            buf_putc(&canon, *p);
        }
    }
    size_t described = 0, i;
    json_t *g;
    json_array_foreach(list, i, g)
    {
        const char *name = str_of(g, "Name"), *gid = str_of(g, "Id");
        if (!name || !gid || strcmp(name, parts[np - 1]) != 0 || described++ == DESCRIBE_MAX)
            continue;
        buf got;
        buf_init(&got);
        int rc = group_path(n, gid, &got);
        if (rc == 0 && strcmp(got.data ? got.data : "", canon.data) == 0)
            id = xstrdup(gid);
        else if (rc == 0 && first.len == 0 && got.len)
            buf_append(&first, got.data, got.len);
        buf_free(&got);
        if (id || rc != 0)
            break;
    }
    if (!id && list && !n->server_failed) {
        buf_puts(err, "no hierarchy group at '");
        client_put_one_line(err, path, 200);
        buf_putc(err, '\'');
        if (first.len) {
            buf_puts(err, " (a group of that name is at '");
            client_put_one_line(err, first.data, 400);
            buf_puts(err, "')");
        } else {
            suggest(list, parts[np - 1], err);
        }
    } else if (!id && list) {
        buf_puts(err, "could not read the instance's hierarchy groups");
    }
    buf_free(&first);
    buf_free(&canon);
    for (size_t k = 0; k < np; k++)
        free(parts[k]);
    return id;
}

int names_resolve(void *cls, fx_ref ref, const char *name, char **id, buf *err)
{
    names *n = cls;
    *id = NULL;
    if (ref == FX_REF_HIERARCHY) {
        *id = resolve_path(n, name, err);
        return *id ? 0 : -1;
    }
    json_t *list = list_of(n, ref, err);
    if (!list)
        return -1;
    size_t i;
    json_t *it;
    json_array_foreach(list, i, it)
    {
        const char *s = str_of(it, "Name"), *sid = str_of(it, "Id");
        if (s && sid && strcmp(s, name) == 0) {
            *id = xstrdup(sid);
            return 0;
        }
    }
    buf_printf(err, "no %s named '", LISTS[ref].what);
    client_put_one_line(err, name, 200);
    buf_putc(err, '\'');
    suggest(list, name, err);
    return -1;
}

/* POST /search-users with body; *doc the answer. Returns 0, or -1 (printed). */
static int search(names *n, json_t *body, json_t **doc)
{
    char *text = json_dumps(body, JSON_COMPACT);
    client_request rq = {.method = "POST", .path = "/search-users", .json = text};
    int rc = client_json(n->c, &rq, doc, NULL);
    free(text);
    if (rc != EXIT_OK)
        n->server_failed = 1;
    return rc == EXIT_OK ? 0 : -1;
}

int names_users(names *n, char *const *logins, size_t count, json_t **ids, buf *err)
{
    *ids = NULL;
    for (size_t i = 0; i < count; i++) {
        size_t len = strlen(logins[i]);
        for (size_t k = 0; k < len;) {
            size_t c = utf8_char_len((const unsigned char *)logins[i] + k, len - k, NULL);
            if (!c) {
                buf_puts(err, "a login is not valid UTF-8 text");
                return -1;
            }
            k += c;
        }
    }
    json_t *found = json_object();   /* login -> id */
    for (size_t at = 0; at < count; at += LOGINS_PER_SEARCH) {
        json_t *ors = json_array();
        for (size_t i = at; i < count && i < at + LOGINS_PER_SEARCH; i++)
            json_array_append_new(ors, json_pack("{s:{s:s, s:s, s:s}}", "StringCondition", "FieldName", "Username",
                                                 "Value", logins[i], "ComparisonType", "EXACT"));
        json_t *body = json_pack("{s:s, s:i, s:{s:o}}", "InstanceId", n->inst, "MaxResults", 100, "SearchCriteria",
                                 "OrConditions", ors);
        json_t *doc;
        int rc = search(n, body, &doc);
        json_decref(body);
        if (rc != 0) {
            json_decref(found);
            buf_puts(err, "could not look the logins up");
            return -1;
        }
        size_t i;
        json_t *u;
        json_array_foreach(json_object_get(doc, "Users"), i, u)
        {
            const char *login = str_of(u, "Username"), *id = str_of(u, "Id");
            if (login && id)
                json_object_set_new(found, login, json_string(id));
        }
        json_decref(doc);
    }
    size_t missing = 0;
    json_t *out = json_array(), *seen = json_object();
    for (size_t i = 0; i < count; i++) {
        json_t *id = json_object_get(found, logins[i]);
        if (!id) {
            if (missing < MISSING_SHOWN) {
                buf_puts(err, missing ? ", '" : "no user with login '");
                client_put_one_line(err, logins[i], 100);
                buf_putc(err, '\'');
            }
            missing++;
        } else if (!json_object_get(seen, json_string_value(id))) {
            json_object_set_new(seen, json_string_value(id), json_true());
            json_array_append(out, id);
        }
    }
    json_decref(found);
    json_decref(seen);
    if (missing) {
        if (missing > MISSING_SHOWN)
            buf_printf(err, " (and %zu more)", missing - MISSING_SHOWN);
        json_decref(out);
        return -1;
    }
    *ids = out;
    return 0;
}

int names_count(names *n, const json_t *criteria, const json_t *filter, int64_t *total, buf *err)
{
    *total = 0;
    json_t *body = json_pack("{s:s, s:i}", "InstanceId", n->inst, "MaxResults", 1);
    if (criteria)
        json_object_set_new(body, "SearchCriteria", json_deep_copy(criteria));
    if (filter)
        json_object_set_new(body, "SearchFilter", json_deep_copy(filter));
    json_t *doc;
    int rc = search(n, body, &doc);
    json_decref(body);
    if (rc != 0) {
        buf_puts(err, "could not count the users the filter selects");
        return -1;
    }
    json_t *t = json_object_get(doc, "ApproximateTotalCount");
    *total = json_is_integer(t) ? (int64_t)json_integer_value(t) : 0;
    json_decref(doc);
    return 0;
}
