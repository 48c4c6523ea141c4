/* common.h — helpers shared by the Amazon Connect operation handlers: tags, modification
 * stamps, page sizes and the generic List* operation. */
#ifndef ROSTER_API_COMMON_H
#define ROSTER_API_COMMON_H

#include "api/api.h"
#include "core/resources.h"

/* Adds member `key` (e.g. "Tags") holding the resource's tags to o, when it has any. */
void api_tags(api_call *c, json_t *o, const char *key, const char *resource_id);

/* Adds LastModifiedTime and LastModifiedRegion to o. */
void api_modified(api_call *c, json_t *o, int64_t ms);

/* Reads query parameter maxResults into *limit: 1..max, default min(100, max).
 * Returns 0 or -1 with c->err set. */
int api_page_limit(api_call *c, int64_t max, size_t *limit);

/* Reads body member MaxResults of a Search operation: 1..max, default min(100, max). */
int api_search_limit(api_call *c, int64_t max, size_t *limit);

/* A List* operation over summaries of one kind: {result_key: [{Id, Arn, Name, …}], NextToken}. */
int api_list_kind(api_call *c, resource_kind kind, unsigned queue_types, const char *result_key);

#endif
