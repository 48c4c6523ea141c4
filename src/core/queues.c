/* queues.c — the rules of queues and hours of operation (see queues.h). */
#include "core/queues.h"

#include <ctype.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/authorize.h"
#include "core/write.h"
#include "core/instances.h"
#include "core/validate.h"
#include "util/buf.h"
#include "util/ids.h"

#define ZONEINFO_DIR "/usr/share/zoneinfo"

static const char *const days[] = {"SUNDAY", "MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY",
                                   NULL};

/* ---- shared ---------------------------------------------------------------------------------- */

static int unsupported(rerr *e, const char *field, const char *why)
{
    return rerr_set(e, ERR_INVALID_REQUEST, field, "%s is not supported by roster: %s", field, why);
}

/* ---- queues ---------------------------------------------------------------------------------- */

static int check_queue_create(const queue_create *in, rerr *e)
{
    if (in->has_quick_connects)
        return unsupported(e, "QuickConnectIds", "roster keeps no quick connects");
    if (in->has_outbound_email)
        return unsupported(e, "OutboundEmailConfig", "roster keeps no e-mail addresses");
    if (in->has_email_addresses)
        return unsupported(e, "EmailAddressesConfig", "roster keeps no e-mail addresses");
    if (validate_length(e, "Name", in->name, 1, 127) ||
        (in->description && validate_length(e, "Description", in->description, 1, 250)) ||
        validate_id(e, "HoursOfOperationId", in->hours_id, 256))
        return -1;
    if (in->has_max_contacts && validate_range(e, "MaxContacts", in->max_contacts, 0, INT32_MAX))
        return -1;
    if (in->caller_id_name &&
        validate_length(e, "OutboundCallerConfig.OutboundCallerIdName", in->caller_id_name, 1, 255))
        return -1;
    if (in->caller_id_number_id &&
        validate_id(e, "OutboundCallerConfig.OutboundCallerIdNumberId", in->caller_id_number_id, 256))
        return -1;
    if (in->outbound_flow_id &&
        validate_length(e, "OutboundCallerConfig.OutboundFlowId", in->outbound_flow_id, 0, 500))
        return -1;
    if (in->tags && validate_tags(e, "Tags", in->tags))
        return -1;
    return 0;
}

/* Inside the transaction: the hours must exist; then the insert and the tags. */
/* A queue or hours of operation to insert, with its tags (NULL: none). */
struct insert_args {
    const void *record;
    const kvlist *tags;
};

static int insert_queue(core_ctx *cx, const queue *q, const kvlist *tags, rerr *e)
{
    hours h;
    int rc = store_hours_get(cx->conn, q->instance_id, q->hours_id, &h);
    if (rc == STORE_NOTFOUND)
        return rerr_set(e, ERR_NOT_FOUND, "HoursOfOperationId", "Hours of operation not found: %.300s",
                        q->hours_id);
    if (rc != STORE_OK)
        return core_store_error(cx, rc, "read the hours of operation", e);
    hours_clear(&h);
    rc = store_queue_insert(cx->conn, q);
    if (rc == STORE_UNIQUE)
        return rerr_set(e, ERR_DUPLICATE, "Name", "a queue named '%s' already exists in this instance", q->name);
    if (rc == STORE_OK && tags)
        rc = store_tags_set(cx->conn, q->instance_id, q->id, tags);
    if (rc != STORE_OK)
        return core_store_error(cx, rc, "create the queue", e);
    return 0;
}

static int queue_change(core_ctx *cx, void *arg, rerr *e)
{
    struct insert_args *a = arg;
    return insert_queue(cx, a->record, a->tags, e);
}

int queues_create(core_ctx *cx, const char *instance_id, const queue_create *in, char id_out[ID_LEN], rerr *e)
{
    if (core_allow(cx, CORE_QUEUES_CREATE, instance_id, e))
        return -1;
    if (check_queue_create(in, e))
        return -1;
    queue q = {0};
    uuid_v7(q.id);
    snprintf(q.instance_id, sizeof q.instance_id, "%s", instance_id);
    q.name = (char *)in->name;
    q.description = (char *)in->description;
    snprintf(q.hours_id, sizeof q.hours_id, "%s", in->hours_id);
    q.max_contacts = in->has_max_contacts ? in->max_contacts : -1;
    snprintf(q.status, sizeof q.status, "ENABLED");
    snprintf(q.queue_type, sizeof q.queue_type, "STANDARD");
    q.modified_ms = cx->now_ms;
    q.outbound_caller_id_name = (char *)in->caller_id_name;
    q.outbound_caller_id_number_id = (char *)in->caller_id_number_id;
    q.outbound_flow_id = (char *)in->outbound_flow_id;
    struct insert_args a = {&q, in->tags};
    if (core_write(cx, queue_change, &a, e))
        return -1;
    memcpy(id_out, q.id, ID_LEN);
    return 0;
}

/* ---- time zones ------------------------------------------------------------------------------ */

/* 1 if tz is made of '/'-separated components of [A-Za-z0-9_+-] each starting with a letter or
 * digit (so no "", ".", ".." and no absolute path). */
static int zone_name_shape(const char *tz)
{
    int at_start = 1;
    for (const char *p = tz; *p; p++) {
        unsigned char ch = (unsigned char)*p;
        if (ch == '/') {
            if (at_start)
                return 0;
            at_start = 1;
            continue;
        }
        if (at_start && !isalnum(ch))
            return 0;
        if (!isalnum(ch) && ch != '_' && ch != '+' && ch != '-')
            return 0;
        at_start = 0;
    }
    return !at_start;
}

/* 1 if dir/tz is a compiled zone file (starts with "TZif"). */
static int zone_file(const char *dir, const char *tz)
{
    buf path;
    buf_init(&path);
    buf_printf(&path, "%s/%s", dir, tz);
    int fd = open(path.data, O_RDONLY | O_CLOEXEC);
    buf_free(&path);
    if (fd < 0)
        return 0;
    char magic[4] = {0};
    struct stat sb;
    int ok = fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) && read(fd, magic, 4) == 4 && memcmp(magic, "TZif", 4) == 0;
    close(fd);
    return ok;
}

/* Without a zoneinfo directory: UTC, GMT, or Area/Location[/Sub] with a capitalised area. */
static int zone_pattern(const char *tz)
{
    if (strcmp(tz, "UTC") == 0 || strcmp(tz, "GMT") == 0)
        return 1;
    const char *slash = strchr(tz, '/');
    if (!slash || !isupper((unsigned char)tz[0]))
        return 0;
    size_t parts = 1;
    for (const char *p = tz; *p; p++)
        parts += *p == '/';
    return parts >= 2 && parts <= 3;
}

int queues_check_time_zone(rerr *e, const char *zoneinfo_dir, const char *tz)
{
    if (validate_length(e, "TimeZone", tz, 1, 64))
        return -1;
    const char *dir = zoneinfo_dir ? zoneinfo_dir : getenv("TZDIR");
    if (!dir || !*dir)
        dir = ZONEINFO_DIR;
    struct stat sb;
    int have_dir = stat(dir, &sb) == 0 && S_ISDIR(sb.st_mode);
    int ok = zone_name_shape(tz) && strncmp(tz, "posix/", 6) != 0 && strncmp(tz, "right/", 6) != 0 &&
             strcmp(tz, "posixrules") != 0 && strcmp(tz, "localtime") != 0;
    if (ok)
        ok = have_dir ? zone_file(dir, tz) : zone_pattern(tz);
    if (!ok)
        return rerr_set(e, ERR_INVALID_PARAMETER, "TimeZone",
                        "TimeZone '%.64s' is not an IANA time zone name such as America/New_York or UTC", tz);
    return 0;
}

/* ---- hours of operation ---------------------------------------------------------------------- */

/* Validates config entry i into *out: the day, both times, and end after start. */
static int check_slot(rerr *e, size_t i, const hours_slot_in *in, hours_slot *out)
{
    char f[64];
    snprintf(f, sizeof f, "Config[%zu].Day", i);
    if (validate_enum(e, f, in->day, days))
        return -1;
    const struct {
        const char *what;
        int64_t v, max;
    } parts[] = {{"StartTime.Hours", in->start_h, 23}, {"StartTime.Minutes", in->start_m, 59},
                 {"EndTime.Hours", in->end_h, 23},     {"EndTime.Minutes", in->end_m, 59}};
    for (size_t k = 0; k < sizeof parts / sizeof parts[0]; k++) {
        snprintf(f, sizeof f, "Config[%zu].%s", i, parts[k].what);
        if (validate_range(e, f, parts[k].v, 0, parts[k].max))
            return -1;
    }
    int64_t start = in->start_h * 60 + in->start_m, end = in->end_h * 60 + in->end_m;
    if (end != 0 && end <= start) {
        snprintf(f, sizeof f, "Config[%zu].EndTime", i);
        return rerr_set(e, ERR_INVALID_PARAMETER, f,
                        "%s %02lld:%02lld must come after the StartTime %02lld:%02lld (an EndTime of 00:00 means "
                        "midnight)", f, (long long)in->end_h, (long long)in->end_m, (long long)in->start_h,
                        (long long)in->start_m);
    }
    memset(out, 0, sizeof *out);
    snprintf(out->day, sizeof out->day, "%s", in->day);
    out->start_h = (int)in->start_h;
    out->start_m = (int)in->start_m;
    out->end_h = (int)in->end_h;
    out->end_m = (int)in->end_m;
    return 0;
}

/* Minutes since midnight of a slot's start and end (00:00 as an end is 1440). */
static void slot_span(const hours_slot *s, int *start, int *end)
{
    *start = s->start_h * 60 + s->start_m;
    *end = s->end_h * 60 + s->end_m;
    if (*end == 0)
        *end = 24 * 60;
}

/* Refuses two slots of the same day that overlap. */
static int check_overlaps(rerr *e, const hours_slot *slots, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        int si, ei;
        slot_span(&slots[i], &si, &ei);
        for (size_t j = 0; j < i; j++) {
            int sj, ej;
            slot_span(&slots[j], &sj, &ej);
            if (strcmp(slots[i].day, slots[j].day) == 0 && si < ej && sj < ei)
                return rerr_set(e, ERR_INVALID_PARAMETER, "Config",
                                "Config entries %zu and %zu overlap on %s", j, i, slots[i].day);
        }
    }
    return 0;
}

static int check_hours_create(const hours_create *in, hours_slot *slots, rerr *e)
{
    if (in->has_parents)
        return unsupported(e, "ParentHoursOfOperationConfigs", "hours of operation cannot inherit from others");
    if (validate_length(e, "Name", in->name, 1, 127) ||
        (in->description && validate_length(e, "Description", in->description, 1, 250)))
        return -1;
    if (!in->time_zone)
        return rerr_set(e, ERR_INVALID_PARAMETER, "TimeZone", "TimeZone is required");
    if (queues_check_time_zone(e, NULL, in->time_zone))
        return -1;
    if (!in->config_given)
        return rerr_set(e, ERR_INVALID_PARAMETER, "Config", "Config is required");
    if (in->n_config > 100)
        return rerr_set(e, ERR_INVALID_PARAMETER, "Config", "Config must have 0 to 100 entries (got %zu)",
                        in->n_config);
    for (size_t i = 0; i < in->n_config; i++)
        if (check_slot(e, i, &in->config[i], &slots[i]))
            return -1;
    if (check_overlaps(e, slots, in->n_config))
        return -1;
    if (in->tags && validate_tags(e, "Tags", in->tags))
        return -1;
    return 0;
}

static int insert_hours(core_ctx *cx, const hours *h, const kvlist *tags, rerr *e)
{
    int rc = store_hours_insert(cx->conn, h);
    if (rc == STORE_UNIQUE)
        return rerr_set(e, ERR_DUPLICATE, "Name", "hours of operation named '%s' already exist in this instance",
                        h->name);
    if (rc == STORE_OK && tags)
        rc = store_tags_set(cx->conn, h->instance_id, h->id, tags);
    if (rc != STORE_OK)
        return core_store_error(cx, rc, "create the hours of operation", e);
    return 0;
}

static int hours_change(core_ctx *cx, void *arg, rerr *e)
{
    struct insert_args *a = arg;
    return insert_hours(cx, a->record, a->tags, e);
}

int queues_create_hours(core_ctx *cx, const char *instance_id, const hours_create *in, char id_out[ID_LEN],
                        rerr *e)
{
    if (core_allow(cx, CORE_HOURS_CREATE, instance_id, e))
        return -1;
    hours_slot *slots = xcalloc(in->n_config + 1, sizeof *slots);
    int rc = check_hours_create(in, slots, e);
    hours h = {0};
    if (rc == 0) {
        uuid_v7(h.id);
        snprintf(h.instance_id, sizeof h.instance_id, "%s", instance_id);
        h.name = (char *)in->name;
        h.description = (char *)in->description;
        h.time_zone = (char *)in->time_zone;
        h.modified_ms = cx->now_ms;
        h.slots = slots;
        h.n_slots = in->n_config;
        struct insert_args a = {&h, in->tags};
        rc = core_write(cx, hours_change, &a, e);
    }
    if (rc == 0)
        memcpy(id_out, h.id, ID_LEN);
    free(slots);
    return rc;
}
