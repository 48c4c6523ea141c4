/* console_json.h — the JSON shapes the console's documents share: a named reference
 * {"Id","Name"} and a hierarchy group {"Id","Name","Path"}. */
#ifndef ROSTER_API_CONSOLE_JSON_H
#define ROSTER_API_CONSOLE_JSON_H

#include <jansson.h>

#include "core/catalog.h"

/* {"Id": id, "Name": name} (name NULL: ""). Never NULL; the caller owns the reference. */
json_t *console_id_name(const char *id, const char *name);
/* {"Id","Name","Path"} of group id (Path: catalog_group_label), or JSON null when id is NULL,
 * empty or not in the catalog. Never NULL; the caller owns the reference. */
json_t *console_group_json(const catalog *cat, const char *id);

#endif
