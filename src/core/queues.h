/* queues.h — creating queues and hours of operation, with their rules: names 1..127 unique
 * per instance, descriptions 1..250, a queue's hours must exist, an hours' time zone is an
 * IANA zone name, its config 0..100 day slots of {Hours 0..23, Minutes 0..59} where the end
 * comes after the start (an end of 00:00 means midnight) and slots of one day do not overlap.
 *
 * The creates run in one write transaction each and return 0, or -1 with *e set:
 * ERR_INVALID_PARAMETER naming the field, ERR_INVALID_REQUEST for what roster does not support
 * (quick connects, e-mail, parent hours), ERR_NOT_FOUND for unknown hours, ERR_DUPLICATE for a
 * name clash, ERR_INTERNAL / ERR_UNAVAILABLE for the store. Input strings are borrowed.
 */
#ifndef ROSTER_CORE_QUEUES_H
#define ROSTER_CORE_QUEUES_H

#include "core/context.h"
#include "core/error.h"

typedef struct queue_create {
    const char *name;
    const char *description;             /* NULL when none */
    const char *hours_id;                /* required */
    int64_t max_contacts;                /* meaningful when has_max_contacts */
    int has_max_contacts;
    const char *caller_id_name;          /* OutboundCallerConfig members; NULL when absent */
    const char *caller_id_number_id;
    const char *outbound_flow_id;
    int has_quick_connects;              /* QuickConnectIds given (unsupported) */
    int has_outbound_email;              /* OutboundEmailConfig given (unsupported) */
    int has_email_addresses;             /* EmailAddressesConfig given (unsupported) */
    const kvlist *tags;                  /* NULL when none */
} queue_create;

/* Creates a STANDARD queue in instance_id and writes its id into id_out. */
int queues_create(core_ctx *cx, const char *instance_id, const queue_create *in, char id_out[ID_LEN], rerr *e);

/* One HoursOfOperationConfig as given. */
typedef struct hours_slot_in {
    const char *day;
    int64_t start_h, start_m, end_h, end_m;
} hours_slot_in;

typedef struct hours_create {
    const char *name;
    const char *description;             /* NULL when none */
    const char *time_zone;
    const hours_slot_in *config;
    size_t n_config;
    int config_given;                    /* Config is required (it may be empty) */
    int has_parents;                     /* ParentHoursOfOperationConfigs given (unsupported) */
    const kvlist *tags;
} hours_create;

/* Creates hours of operation in instance_id and writes the id into id_out. */
int queues_create_hours(core_ctx *cx, const char *instance_id, const hours_create *in, char id_out[ID_LEN],
                        rerr *e);

/* Checks an IANA time zone name: with a zoneinfo directory (zoneinfo_dir, else $TZDIR, else
 * /usr/share/zoneinfo) that exists, the name must be a compiled zone (TZif) file in it; without
 * one, it must look like Area/Location[/Sub] or be UTC or GMT. Returns 0, or -1 with
 * ERR_INVALID_PARAMETER naming field TimeZone. */
int queues_check_time_zone(rerr *e, const char *zoneinfo_dir, const char *tz);

#endif
