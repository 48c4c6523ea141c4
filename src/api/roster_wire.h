/* roster_wire.h — the roster API's wire shapes and query rules, shared by its handlers
 * (roster_jobs.c, roster_documents.c, roster_upload.c): the Job and Item documents, the query
 * parameters a path takes, true/false flags, page sizes and CSV attachments. */
#ifndef ROSTER_API_ROSTER_WIRE_H
#define ROSTER_API_ROSTER_WIRE_H

#include <jansson.h>

#include "api/api.h"

/* {JobId, Kind, State, …} of j (new reference); RowsPerSecond as of now_ms. */
json_t *roster_job_json(const job_record *j, int64_t now_ms);
/* The same with "CanDismiss": whether who (NULL: the command line) submitted it (jobs_can_dismiss). */
json_t *roster_job_json_as(const job_record *j, int64_t now_ms, const principal *who);
/* What the job does, for people: "Bulk edit of 1,204 users", "Import of users.csv (1,000 rows)",
 * "Delete 3 users" (malloc'd; the caller frees). */
char *roster_job_description(const job_record *j);
/* {"Job": {…}} serialised, with CanDismiss for who (malloc'd, caller frees; length in *len). */
char *roster_job_doc_as(const job_record *j, int64_t now_ms, const principal *who, size_t *len);
/* {Row, State, UserId, Username, Action, Errors} of it, members absent when empty (new reference). */
json_t *roster_item_json(const job_item_record *it);
/* Adds "Cells" to an import's item document o: its row as uploaded (the password cell ""). */
void roster_item_cells(json_t *o, const job_item_record *it);

/* Refuses query parameters r's operation does not take (allowed: NULL-terminated) and any given
 * twice. Returns 0, or -1 with ERR_INVALID_PARAMETER naming them in *e. */
int roster_check_params(const request *r, const char *const *allowed, rerr *e);
/* Query parameter key as "true" or "false" into *out (absent: 0). Returns 0, or -1 with
 * ERR_INVALID_PARAMETER. */
int roster_bool_param(const request *r, const char *key, int *out, rerr *e);
/* Query parameter MaxResults: 1..max, default def. Returns 0, or -1 with ERR_INVALID_PARAMETER. */
int roster_max_results(const request *r, int64_t max, int64_t def, size_t *out, rerr *e);

/* Answers r with a CSV document (200, text/csv; charset=utf-8) named filename (NULL: "roster.csv")
 * in a Content-Disposition attachment: body (len bytes, copied), or the stream s (taken: its
 * free runs when the response is done). */
void roster_respond_csv(request *r, const char *filename, const char *body, size_t len, const jobs_stream *s);

#endif
