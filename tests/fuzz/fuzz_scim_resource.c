/* fuzz_scim_resource.c — SCIM User and Group documents (src/scim/scim_user_json.c,
 * scim_group_json.c) as the door reads a POST or PUT body, on any bytes parsed by jansson.
 * Checks: a refusal has a message and leaves nothing; a User read has a non-empty userName and
 * both names (from name or displayName), active -1, 0 or 1, kept attributes that are a JSON
 * object without the server's members (id, meta, schemas, groups, password, userName, active,
 * externalId); the representation written from what was read (as a user roster would store)
 * holds id, userName, name, active and meta and reads back to the same username, names and
 * active; a Group read has a display name and members with values; its representation reads back
 * with the same name and members. */
#include <string.h>
#include <strings.h>

#include "fuzz.h"
#include "scim/scim_group_json.h"
#include "scim/scim_user_json.h"

static void user_round_trip(const scim_user_read *in)
{
    FUZZ_CHECK(in->in.username && *in->in.username);
    FUZZ_CHECK(in->in.identity.first_name && *in->in.identity.first_name);
    FUZZ_CHECK(in->in.identity.last_name && *in->in.identity.last_name);
    FUZZ_CHECK(in->in.active >= -1 && in->in.active <= 1);
    if (in->attributes) {
        json_t *k = json_loads(in->attributes, 0, NULL);
        FUZZ_CHECK(json_is_object(k));
        const char *name;
        json_t *v;
        static const char *const owned[] = {"id", "meta", "schemas", "groups", "password", "userName", "active",
                                            "externalId"};
        json_object_foreach(k, name, v)
            for (size_t i = 0; i < sizeof owned / sizeof owned[0]; i++)
                FUZZ_CHECK(strcasecmp(name, owned[i]) != 0);
        json_decref(k);
    }
    user_record u = {.id = "01234567-89ab-7def-8123-456789abcdef",
                     .username = (char *)in->in.username,
                     .first_name = (char *)in->in.identity.first_name,
                     .last_name = (char *)in->in.identity.last_name,
                     .email = (char *)in->in.identity.email,
                     .secondary_email = (char *)in->in.identity.secondary_email,
                     .mobile = (char *)in->in.identity.mobile,
                     .external_id = (char *)in->in.external_id,
                     .externally_managed = 1,
                     .disabled = in->in.active == 0,
                     .version = 3};
    json_t *doc = scim_user_to_json(&u, in->attributes, "http://h/scim/v2");
    FUZZ_CHECK(json_is_object(doc));
    FUZZ_CHECK(json_is_object(json_object_get(doc, "meta")) && json_is_string(json_object_get(doc, "id")));
    scim_user_read back;
    rerr e;
    FUZZ_CHECK(scim_user_from_json(doc, &back, &e) == 0);
    FUZZ_CHECK(strcmp(back.in.username, in->in.username) == 0);
    FUZZ_CHECK(strcmp(back.in.identity.first_name, in->in.identity.first_name) == 0);
    FUZZ_CHECK(strcmp(back.in.identity.last_name, in->in.identity.last_name) == 0);
    FUZZ_CHECK(back.in.active == (in->in.active == 0 ? 0 : 1));
    FUZZ_CHECK(!json_object_get(doc, "password"));
    scim_user_read_clear(&back);
    json_decref(doc);
}

static void group_round_trip(const scim_group_read *in)
{
    FUZZ_CHECK(in->in.display_name && *in->in.display_name && in->in.members == &in->members);
    scim_group g = {.id = "g1", .display_name = (char *)in->in.display_name,
                    .external_id = (char *)in->in.external_id, .attributes = in->attributes, .version = 1};
    json_t *doc = scim_group_to_json(&g, &in->members, "http://h/scim/v2");
    scim_group_read back;
    rerr e;
    FUZZ_CHECK(scim_group_from_json(doc, &back, &e) == 0);
    FUZZ_CHECK(strcmp(back.in.display_name, in->in.display_name) == 0);
    FUZZ_CHECK(back.members.n == in->members.n);
    for (size_t i = 0; i < in->members.n; i++)
        FUZZ_CHECK(strcmp(back.members.v[i].user_id, in->members.v[i].user_id) == 0);
    scim_group_read_clear(&back);
    json_decref(doc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_t *doc = json_loadb((const char *)data, size, 0, NULL);
    if (!doc)
        return 0;
    scim_user_read u;
    rerr e;
    if (scim_user_from_json(doc, &u, &e))
        FUZZ_CHECK(e.message[0] != '\0');
    else
        user_round_trip(&u);
    scim_user_read_clear(&u);
    scim_group_read g;
    if (scim_group_from_json(doc, &g, &e))
        FUZZ_CHECK(e.message[0] != '\0');
    else
        group_round_trip(&g);
    scim_group_read_clear(&g);
    json_decref(doc);
    return 0;
}
