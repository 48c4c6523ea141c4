/* cmd_import.c — `roster import FILE`: uploads a CSV file to the running server (streamed, signed
 * with its SHA-256), then follows the job: a progress bar on a terminal, a summary with the first
 * errors at the end, the failure report with --report. Exit 0 when every row succeeded, 1 when a
 * row failed or the job failed or was canceled, 2 on a usage error. */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/client.h"
#include "cli/job_follow.h"
#include "util/utf8.h"

#define FILE_NAME_MAX 255   /* the server's bound of FileName, in bytes */

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
        jf_opts fo = {.what = "import", .unit = "rows", .report = o.report};
        rc = jf_follow(&cl, id, &job, &fo);
    }
    json_decref(job);
    free(id);
    client_close(&cl);
    return rc;
}
