/* assets.h — the console's files (web/), embedded in the binary at build time by
 * cmake/embed.cmake: web/index.html is "/index.html", web/static/app.js "/static/app.js". */
#ifndef ROSTER_HTTP_ASSETS_H
#define ROSTER_HTTP_ASSETS_H

#include <stddef.h>

typedef struct http_asset {
    const char *path;            /* "/index.html", "/static/…" */
    const char *type;            /* Content-Type */
    const unsigned char *data;   /* len bytes (and a NUL after them) */
    size_t len;
} http_asset;

/* The table, ended by an entry with a NULL path (generated). */
extern const http_asset http_assets[];

/* The file at path, or NULL. Static. */
const http_asset *http_asset_find(const char *path);

#endif
