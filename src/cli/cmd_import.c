/* cmd_import.c — `roster import FILE`: uploads a CSV file to the running server (streamed, signed
 * with its SHA-256), then follows the job: a progress bar on a terminal, a summary with the first
 * errors at the end, the failure report with --report. Exit 0 when every row succeeded, 1 when a
 * row failed or the job failed or was canceled, 2 on a usage error. */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <math.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/client.h"
#include "cli/job_view.h"
#include "util/utf8.h"

#define POLL_INTERVAL_NS 500000000L
#define FILE_NAME_MAX 255   /* the server's bound of FileName, in bytes */
#define FIRST_ERRORS 10

static void import_usage(FILE *out)
{
    fputs("usage: roster import FILE [--instance ID|ALIAS] [--mode create|upsert] [--dry-run] [--atomic]\n"
          "                          [--report PATH] [--no-wait] [--endpoint-url URL]\n\n"
          "Uploads a CSV file in the template's format (see 'roster template') to the running server\n"
          "and waits for the import: a progress bar when stderr is a terminal, then a summary (created,\n"
          "updated, unchanged, failed, canceled) with the first errors. The job runs on the server:\n"
          "Ctrl-C stops waiting, not the job.\n\n"
          "  --instance      the instance; may be left out when the server has exactly one\n"
          "  --mode          create (default: an existing login is an error) or upsert (a row whose\n"
          "                  login exists updates that user)\n"
          "  --dry-run       check every row as the import would, change nothing\n"
          "  --atomic        import every row or none\n"
          "  --report        write the failure report (failed rows as uploaded, plus row and error)\n"
          "                  to PATH\n"
          "  --no-wait       print the job id once the file is uploaded and return\n"
          "  --endpoint-url  the server (else $AWS_ENDPOINT_URL, else " CLIENT_DEFAULT_ENDPOINT ")\n\n"
          "Keys from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, region from AWS_REGION or\n"
          "AWS_DEFAULT_REGION. Exit status: 0 every row succeeded, 1 a row failed, the job failed or\n"
          "was canceled (or any other failure), 2 usage error.\n",
          out);
}

typedef struct import_opts {
    const char *file;
    const char *inst;
    const char *mode;     /* "CREATE" or "UPSERT" */
    int dry_run, atomic, no_wait;
    const char *report;
    const char *endpoint;
} import_opts;

/* Hashes the open file from its start (streamed) into hex[65] and rewinds it. Returns 0, or -1
 * after printing. */
static int hash_file(FILE *f, const char *path, char hex[65])
{
    crypto_hash_sha256_state st;
    crypto_hash_sha256_init(&st);
    unsigned char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        crypto_hash_sha256_update(&st, chunk, n);
    if (ferror(f)) {
        cli_error("cannot read %s: %s", path, strerror(errno));
        return -1;
    }
    unsigned char md[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_final(&st, md);
    sodium_bin2hex(hex, 65, md, sizeof md);
    if (fseeko(f, 0, SEEK_SET) != 0) {
        cli_error("cannot read %s: %s", path, strerror(errno));
        return -1;
    }
    return 0;
}

/* The FileName parameter: the file's base name as valid UTF-8, cut to FILE_NAME_MAX bytes. */
static void file_name_of(const char *path, buf *out)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    buf b;
    buf_init(&b);
    utf8_repair(&b, base, strlen(base));
    buf_append(out, b.data, utf8_cut(b.data, b.len < FILE_NAME_MAX ? b.len : FILE_NAME_MAX));
    buf_free(&b);
}

/* Opens the file to upload (a regular file) and sets *size. Returns NULL after printing. */
static FILE *open_upload(const char *path, int64_t *size)
{
    FILE *f = fopen(path, "rb");
    struct stat sb;
    if (!f || fstat(fileno(f), &sb) != 0 || !S_ISREG(sb.st_mode)) {
        cli_error("cannot read %s: %s", path, f ? "not a regular file" : strerror(errno));
        if (f)
            fclose(f);
        return NULL;
    }
    *size = (int64_t)sb.st_size;
    return f;
}

/* Uploads the open file f of size bytes: *job is the new job. Returns an exit status. */
static int submit(const client *c, const import_opts *o, const char *inst, FILE *f, int64_t size, json_t **job)
{
    *job = NULL;
    char hex[65];
    if (hash_file(f, o->file, hex) != 0)
        return EXIT_FAIL;
    buf path, q, name;
    buf_init(&path);
    buf_init(&q);
    buf_init(&name);
    buf_printf(&path, "/roster/v1/instances/%s/imports", inst);
    file_name_of(o->file, &name);
    client_param p[] = {{"Atomic", o->atomic ? "true" : "false"},
                        {"DryRun", o->dry_run ? "true" : "false"},
                        {"FileName", name.len ? name.data : NULL},
                        {"Mode", o->mode}};
    client_query_build(&q, p, sizeof p / sizeof p[0]);
    client_request rq = {.method = "POST", .path = path.data, .query = q.data, .file = f,
                         .file_size = size, .file_sha256_hex = hex, .content_type = "text/csv",
                         .streaming = 1};
    json_t *doc;
    int interrupted;
    int rc = client_json(c, &rq, &doc, &interrupted);
    if (interrupted)
        cli_error("interrupted during the upload: the server makes no job of an unfinished upload "
                  "('roster jobs list' shows the jobs)");
    if (rc == EXIT_OK) {
        json_t *j = json_object_get(doc, "Job");
        if (json_is_object(j) && json_is_string(json_object_get(j, "JobId")) &&
            client_path_ok(json_string_value(json_object_get(j, "JobId")))) {
            *job = json_incref(j);
        } else {
            cli_error("the server's answer has no Job with a JobId");
            rc = EXIT_FAIL;
        }
        json_decref(doc);
    }
    buf_free(&path);
    buf_free(&q);
    buf_free(&name);
    return rc;
}

/* ---- the progress bar ----------------------------------------------------------------------------- */

typedef struct progress {
    int on;          /* stderr is a terminal */
    size_t width;    /* of the last line drawn, to blank it */
} progress;

static void progress_line(progress *pg, const char *text)
{
    size_t n = strlen(text);
    fprintf(stderr, "\r%s", text);
    for (size_t i = n; i < pg->width; i++)
        fputc(' ', stderr);
    fflush(stderr);
    pg->width = n;
}

static void progress_draw(progress *pg, const json_t *job)
{
    if (!pg->on)
        return;
    char line[160];
    const char *state = jv_state(job);
    if (strcmp(state, "QUEUED") == 0) {
        snprintf(line, sizeof line, "queued: waiting to start (an instance runs its jobs one at a time)");
        progress_line(pg, line);
        return;
    }
    int64_t total = jv_count(job, "Total"), pending = jv_count(job, "Pending");
    int64_t done = total - pending;
    if (done < 0 || done > total)
        done = 0;
    const json_t *r = json_object_get(job, "RowsPerSecond");
    double rate = json_is_number(r) && isfinite(json_number_value(r)) && json_number_value(r) > 0
                      ? json_number_value(r) : 0;
    enum { BAR = 30 };
    char bar[BAR + 1];
    size_t fill = total > 0 ? (size_t)((double)done / (double)total * BAR) : 0;
    for (size_t i = 0; i < BAR; i++)
        bar[i] = i < fill ? '#' : '.';
    bar[BAR] = '\0';
    char eta[32] = "ETA --";
    if (rate > 0 && pending >= 0) {
        double s = (double)pending / rate;
        if (s < 360000)
            snprintf(eta, sizeof eta, "ETA %d:%02d:%02d", (int)(s / 3600), (int)fmod(s / 60, 60), (int)fmod(s, 60));
    }
    snprintf(line, sizeof line, "[%s] %lld/%lld rows  %.0f rows/s  %s", bar, (long long)done, (long long)total,
             rate, eta);
    progress_line(pg, line);
}

static void progress_clear(progress *pg)
{
    if (pg->on && pg->width) {
        progress_line(pg, "");
        fputc('\r', stderr);
        fflush(stderr);
        pg->width = 0;
    }
}

/* Polls the job every POLL_INTERVAL_NS until it finishes. *job is replaced by each new state.
 * Returns EXIT_OK when finished, EXIT_FAIL after printing, or -1 when interrupted. */
static int wait_job(const client *c, const char *inst, json_t **job)
{
    progress pg = {isatty(STDERR_FILENO), 0};
    char job_id[128];
    snprintf(job_id, sizeof job_id, "%s", json_string_value(json_object_get(*job, "JobId")));
    int rc = EXIT_OK;
    while (!jv_finished(*job)) {
        progress_draw(&pg, *job);
        struct timespec ts = {0, POLL_INTERVAL_NS};
        nanosleep(&ts, NULL);
        if (client_interrupted) {
            rc = -1;
            break;
        }
        json_t *next;
        int interrupted;
        rc = jv_fetch(c, inst, job_id, &next, &interrupted);
        if (interrupted) {
            rc = -1;
            break;
        }
        if (rc != EXIT_OK)
            break;
        json_decref(*job);
        *job = next;
    }
    progress_clear(&pg);
    if (rc == -1)
        cli_error("stopped waiting; job %s goes on on the server: follow it with 'roster jobs show %s' "
                  "(or stop it with 'roster jobs cancel %s')", job_id, job_id, job_id);
    return rc;
}

/* The summary on stdout, the report, and the exit status of a finished job. */
static int finish(const client *c, const import_opts *o, const char *inst, const json_t *job)
{
    const char *job_id = json_string_value(json_object_get(job, "JobId"));
    const char *state = jv_state(job);
    int64_t total = jv_count(job, "Total"), failed = jv_count(job, "Failed"), canceled = jv_count(job, "Canceled");
    const json_t *r = json_object_get(job, "RowsPerSecond");
    printf("Job %s %s%s: %lld rows", job_id, state, json_is_true(json_object_get(job, "DryRun")) ? " (dry run)" : "",
           (long long)total);
    if (json_is_number(r) && isfinite(json_number_value(r)) && json_number_value(r) > 0)
        printf(", %.0f rows/s", json_number_value(r));
    putchar('\n');
    jv_print_counts(stdout, job);
    int rc = EXIT_OK;
    if (failed > 0) {
        puts("First errors:");
        rc = jv_print_errors(c, inst, job, FIRST_ERRORS, stdout);
    }
    fflush(stdout);
    if (o->report && rc == EXIT_OK) {
        buf path;
        buf_init(&path);
        buf_printf(&path, "/roster/v1/instances/%s/jobs/%s/report", inst, job_id);
        rc = client_download(c, path.data, NULL, o->report);
        buf_free(&path);
    }
    if (rc != EXIT_OK)
        return rc;
    if (strcmp(state, "FAILED") == 0) {
        const json_t *why = json_object_get(job, "FailureReason");
        buf b;
        buf_init(&b);
        client_put_one_line(&b, json_is_string(why) ? json_string_value(why) : "no reason given", 2000);
        cli_error("the import failed: %s", b.data);
        buf_free(&b);
        return EXIT_FAIL;
    }
    if (strcmp(state, "CANCELED") == 0) {
        cli_error("the import was canceled: %lld of %lld rows were not processed", (long long)canceled,
                  (long long)total);
        return EXIT_FAIL;
    }
    if (failed > 0) {
        cli_error("%lld of %lld rows failed%s", (long long)failed, (long long)total,
                  o->report ? "" : " (--report PATH writes them with their errors)");
        return EXIT_FAIL;
    }
    return EXIT_OK;
}

int cmd_import(int argc, char **argv)
{
    static const struct option opts[] = {{"instance", required_argument, NULL, 'i'},
                                         {"mode", required_argument, NULL, 'm'},
                                         {"dry-run", no_argument, NULL, 'd'},
                                         {"atomic", no_argument, NULL, 'a'},
                                         {"report", required_argument, NULL, 'r'},
                                         {"no-wait", no_argument, NULL, 'n'},
                                         {"endpoint-url", required_argument, NULL, 'e'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    import_opts o = {.mode = "CREATE"};
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'i': o.inst = optarg; break;
        case 'm':
            if (strcasecmp(optarg, "create") == 0) {
                o.mode = "CREATE";
            } else if (strcasecmp(optarg, "upsert") == 0) {
                o.mode = "UPSERT";
            } else {
                cli_error("--mode '%.40s' is not create or upsert", optarg);
                return EXIT_USAGE;
            }
            break;
        case 'd': o.dry_run = 1; break;
        case 'a': o.atomic = 1; break;
        case 'r': o.report = optarg; break;
        case 'n': o.no_wait = 1; break;
        case 'e': o.endpoint = optarg; break;
        case 'h': import_usage(stdout); return EXIT_OK;
        default: import_usage(stderr); return EXIT_USAGE;
        }
    }
    if (optind + 1 != argc) {
        import_usage(stderr);
        return EXIT_USAGE;
    }
    o.file = argv[optind];
    if (o.no_wait && o.report) {
        cli_error("--report needs the job to finish: it does not go with --no-wait "
                  "(later: roster jobs report JOB -o PATH)");
        return EXIT_USAGE;
    }
    int64_t size;
    FILE *f = open_upload(o.file, &size);
    if (!f)
        return EXIT_FAIL;
    client cl;
    int rc = client_open(&cl, o.endpoint);
    char *id = NULL;
    json_t *job = NULL;
    if (rc == EXIT_OK)
        rc = client_instance(&cl, o.inst, &id);
    if (rc == EXIT_OK) {
        client_catch_sigint();
        rc = submit(&cl, &o, id, f, size, &job);
    }
    fclose(f);
    if (rc == EXIT_OK && o.no_wait) {
        puts(json_string_value(json_object_get(job, "JobId")));
    } else if (rc == EXIT_OK) {
        rc = wait_job(&cl, id, &job);
        if (rc == EXIT_OK)
            rc = finish(&cl, &o, id, job);
        else if (rc == -1)
            rc = EXIT_FAIL;
    }
    json_decref(job);
    free(id);
    client_close(&cl);
    return rc;
}
