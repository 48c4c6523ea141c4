/* console_json.c — the JSON shapes the console's documents share (see console_json.h). */
#include "api/console_json.h"

#include <stdlib.h>

json_t *console_id_name(const char *id, const char *name)
{
    json_t *o = json_object();
    json_object_set_new(o, "Id", json_string(id));
    json_object_set_new(o, "Name", json_string(name ? name : ""));
    return o;
}

json_t *console_group_json(const catalog *cat, const char *id)
{
    const char *names[5];
    size_t n = id && *id ? catalog_group_names(cat, id, names) : 0;
    char *path = n ? catalog_group_label(cat, id) : NULL;
    if (!path)
        return json_null();
    json_t *o = console_id_name(id, names[n - 1]);
    json_object_set_new(o, "Path", json_string(path));
    free(path);
    return o;
}
