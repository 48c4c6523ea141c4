/* user_json.c — the response shapes of a user's identity and phone settings (see user_json.h). */
#include "api/user_json.h"

#include "api/jsonio.h"
#include "core/user_rules.h"

json_t *user_identity_json(const user_record *u)
{
    json_t *id = json_object();
    jset_str(id, "FirstName", u->first_name, 0);
    jset_str(id, "LastName", u->last_name, 0);
    jset_str(id, "Email", u->email, 1);
    jset_str(id, "SecondaryEmail", u->secondary_email, 1);
    jset_str(id, "Mobile", u->mobile, 1);
    return id;
}

json_t *user_phone_json(user_record *u, int64_t acw_scale)
{
    const channel_config *v = user_channel(u, "VOICE");
    channel_config none = {0};
    if (!v)
        v = &none;
    json_t *o = json_pack("{s:s, s:b, s:I, s:s}", "PhoneType", v->phone_type[0] ? v->phone_type : "SOFT_PHONE",
                          "AutoAccept", v->auto_accept, "AfterContactWorkTimeLimit", (json_int_t)(v->acw_seconds * acw_scale),
                          "DeskPhoneNumber", v->phone_number);
    if (v->has_persistent)
        json_object_set_new(o, "PersistentConnection", json_boolean(v->persistent));
    return o;
}

/* The entry of list kind for channel c, or NULL when c sets nothing in that list. */
static json_t *entry_json(const channel_config *c, user_config_kind kind, int64_t acw_scale)
{
    switch (kind) {
    case UCFG_AUTO_ACCEPT: {
        if (!c->has_auto_accept)
            return NULL;
        json_t *o = json_pack("{s:s, s:b}", "Channel", c->channel, "AutoAccept", c->auto_accept);
        if (c->has_afc_auto_accept)
            json_object_set_new(o, "AgentFirstCallbackAutoAccept", json_boolean(c->afc_auto_accept));
        return o;
    }
    case UCFG_ACW: {
        if (!c->has_acw)
            return NULL;
        json_t *o = json_pack("{s:s, s:{s:I}}", "Channel", c->channel, "AfterContactWorkConfig",
                              "AfterContactWorkTimeLimit", (json_int_t)(c->acw_seconds * acw_scale));
        if (c->has_afc_acw)
            json_object_set_new(o, "AgentFirstCallbackAfterContactWorkConfig",
                                json_pack("{s:I}", "AfterContactWorkTimeLimit",
                                          (json_int_t)(c->afc_acw_seconds * acw_scale)));
        return o;
    }
    case UCFG_PHONE_NUMBER: {
        if (!c->phone_type[0])
            return NULL;
        json_t *o = json_pack("{s:s, s:s}", "Channel", c->channel, "PhoneType", c->phone_type);
        jset_str(o, "PhoneNumber", c->phone_number, 1);
        return o;
    }
    case UCFG_PERSISTENT:
        return c->has_persistent ? json_pack("{s:s, s:b}", "Channel", c->channel, "PersistentConnection",
                                             c->persistent)
                                 : NULL;
    default:
        return c->voice_enhancement[0] ? json_pack("{s:s, s:s}", "Channel", c->channel, "VoiceEnhancementMode",
                                                   c->voice_enhancement)
                                       : NULL;
    }
}

void user_config_json(json_t *o, user_record *u, int64_t acw_scale)
{
    for (int k = 0; k < UCFG__COUNT; k++) {
        json_t *arr = json_array();
        for (size_t i = 0; user_channel_names[i]; i++) {
            const channel_config *c = user_channel(u, user_channel_names[i]);
            json_t *entry = c ? entry_json(c, (user_config_kind)k, acw_scale) : NULL;
            if (entry)
                json_array_append_new(arr, entry);
        }
        json_object_set_new(o, user_config_list_name((user_config_kind)k), arr);
    }
}

