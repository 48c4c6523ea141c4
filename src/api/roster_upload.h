/* roster_upload.h — POST /roster/v1/instances/{InstanceId}/imports: a CSV file streamed into an
 * import job (jobs.h) while it arrives, never whole in memory.
 *
 * At the headers (roster_upload_prepare, the server's prepare step): route, require a signed
 * x-amz-content-sha256 of 64 hex digits (the payload hash SigV4 verifies, since the body is not
 * there yet), authenticate, validate the query (Mode, DryRun, Atomic, FileName) and the
 * Content-Type (text/csv, else 415), then import_upload_begin, which checks the permission: a
 * refused client is answered before its body is read, and no job exists. The body then goes to
 * a sink that feeds a running SHA-256 and import_upload_feed. When it has ended
 * (roster_upload_finish, from the dispatcher): a hash that is not the signed one is a 400
 * InvalidSignatureException and the job is deleted; else import_upload_finish and 202
 * {"Job": …}, and the runner is woken. A client that goes away mid-body leaves no job
 * (request_free runs the sink's free, import_upload_free). */
#ifndef ROSTER_API_ROSTER_UPLOAD_H
#define ROSTER_API_ROSTER_UPLOAD_H

#include "api/api.h"

/* Begins the upload of r, or answers r at once (r->status set). */
void roster_upload_prepare(const api_env *env, request *r);
/* Answers r once its body has ended (r has no refusal: the dispatcher answers those). */
void roster_upload_finish(const api_env *env, request *r);

#endif
