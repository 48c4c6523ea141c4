/* replay.c — bench helper (not part of roster's build; bench/users compiles it into its temp dir):
 * sends pre-signed HTTP/1.1 requests from CLIENTS concurrent keep-alive connections, each client
 * sending its next request when the previous response has arrived, and reports the rate, the
 * latency percentiles and the statuses.
 *
 * usage: replay REQUESTS STATUS_OUT CLIENTS HOST PORT MAX_SECONDS
 *   REQUESTS    records "<byte count>\n<raw request bytes>", sent in file order (each request
 *               once; the clients take the next unsent one)
 *   STATUS_OUT  one line per request: its HTTP status, 0 when it was not sent (time limit)
 *   MAX_SECONDS stop taking new requests after this long
 * Prints one line on stdout:
 *   REPLAY sent=N ok=N elapsed_us=N rps=N p50_us=N p90_us=N p99_us=N max_us=N statuses=200:N,409:N
 * and the first non-2xx response on stderr. Exit status 0, or 1 when it could not run (a
 * connection failed, a response could not be read).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define RBUF 65536

typedef struct request {
    const char *data;
    size_t len;
} request;

static request *reqs;
static size_t n_reqs;
static unsigned short *statuses;
static uint32_t *latency_us;
static atomic_size_t next_req;
static atomic_int failed;
static atomic_int reported;
static double deadline;
static struct sockaddr_in addr;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Reads the whole file; NULL on failure. */
static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *data = n >= 0 ? malloc((size_t)n + 1) : NULL;
    if (data && fread(data, 1, (size_t)n, f) != (size_t)n) {
        free(data);
        data = NULL;
    }
    fclose(f);
    *len = n >= 0 ? (size_t)n : 0;
    return data;
}

/* Splits the records of the request file. Returns 0, or -1 on a malformed file. */
static int parse_requests(char *data, size_t len)
{
    size_t cap = 1024, pos = 0;
    reqs = malloc(cap * sizeof *reqs);
    while (reqs && pos < len) {
        char *end;
        errno = 0;
        unsigned long long n = strtoull(data + pos, &end, 10);
        if (errno || end == data + pos || *end != '\n' || n > len - (size_t)(end + 1 - data))
            return -1;
        if (n_reqs == cap) {
            cap *= 2;
            request *grown = realloc(reqs, cap * sizeof *reqs);
            if (!grown)
                return -1;
            reqs = grown;
        }
        reqs[n_reqs].data = end + 1;
        reqs[n_reqs].len = (size_t)n;
        n_reqs++;
        pos = (size_t)(end + 1 - data) + (size_t)n;
    }
    return reqs ? 0 : -1;
}

static int connect_one(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return -1;
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (connect(fd, (struct sockaddr *)&addr, sizeof addr) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

static int send_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* The value of header name (case-insensitive) within the header block, or NULL. */
static const char *header_value(const char *head, const char *name)
{
    size_t nl = strlen(name);
    for (const char *line = strstr(head, "\r\n"); line; line = strstr(line + 2, "\r\n")) {
        const char *h = line + 2;
        if (strncasecmp(h, name, nl) == 0 && h[nl] == ':') {
            h += nl + 1;
            while (*h == ' ')
                h++;
            return h;
        }
    }
    return NULL;
}

/* Reads one response on fd: its status into *status, *close_after when the server closes.
 * buf holds RBUF bytes. Returns 0, or -1. */
static int read_response(int fd, char *buf, int *status, int *close_after, size_t idx)
{
    size_t have = 0;
    char *end = NULL;
    while (!end) {
        if (have == RBUF - 1)
            return -1;
        ssize_t r = recv(fd, buf + have, RBUF - 1 - have, 0);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return -1;
        have += (size_t)r;
        buf[have] = '\0';
        end = strstr(buf, "\r\n\r\n");
    }
    *end = '\0';
    if (strncmp(buf, "HTTP/1.", 7) != 0 || strlen(buf) < 12)
        return -1;
    *status = (buf[9] - '0') * 100 + (buf[10] - '0') * 10 + (buf[11] - '0');
    const char *te = header_value(buf, "Transfer-Encoding");
    const char *cl = header_value(buf, "Content-Length");
    const char *conn = header_value(buf, "Connection");
    *close_after = conn && strncasecmp(conn, "close", 5) == 0;
    if (te || !cl) {
        fprintf(stderr, "replay: a response without Content-Length is not supported\n");
        return -1;
    }
    size_t body_len = strtoul(cl, NULL, 10);
    size_t head_len = (size_t)(end + 4 - buf);
    size_t got = have - head_len;
    char *body = end + 4;
    if ((*status < 200 || *status > 299) && atomic_exchange(&reported, 1) == 0)
        fprintf(stderr, "replay: request %zu answered %d: %.*s\n", idx, *status, (int)(got < 400 ? got : 400), body);
    while (got < body_len) {
        size_t want = body_len - got < RBUF - 1 ? body_len - got : RBUF - 1;
        ssize_t r = recv(fd, buf, want, 0);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return -1;
        got += (size_t)r;
    }
    return got == body_len ? 0 : -1;
}

static void *client(void *arg)
{
    (void)arg;
    char *buf = malloc(RBUF);
    int fd = connect_one();
    if (!buf || fd < 0) {
        atomic_store(&failed, 1);
        free(buf);
        return NULL;
    }
    for (;;) {
        if (atomic_load(&failed) || now_s() > deadline)
            break;
        size_t i = atomic_fetch_add(&next_req, 1);
        if (i >= n_reqs)
            break;
        double t0 = now_s();
        int status = 0, close_after = 0;
        if (send_all(fd, reqs[i].data, reqs[i].len) != 0 || read_response(fd, buf, &status, &close_after, i) != 0) {
            fprintf(stderr, "replay: request %zu: the connection failed\n", i);
            atomic_store(&failed, 1);
            break;
        }
        latency_us[i] = (uint32_t)((now_s() - t0) * 1e6);
        statuses[i] = (unsigned short)status;
        if (close_after) {
            close(fd);
            if ((fd = connect_one()) < 0) {
                atomic_store(&failed, 1);
                break;
            }
        }
    }
    if (fd >= 0)
        close(fd);
    free(buf);
    return NULL;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

/* Prints the summary line and writes the status file. */
static int report(const char *status_path, double elapsed)
{
    size_t sent = 0, ok = 0, counts[600] = {0};
    uint32_t *lat = malloc((n_reqs ? n_reqs : 1) * sizeof *lat);
    FILE *f = fopen(status_path, "w");
    if (!lat || !f)
        return -1;
    for (size_t i = 0; i < n_reqs; i++) {
        fprintf(f, "%u\n", statuses[i]);
        if (!statuses[i])
            continue;
        lat[sent++] = latency_us[i];
        ok += statuses[i] >= 200 && statuses[i] <= 299;
        counts[statuses[i] < 600 ? statuses[i] : 0]++;
    }
    fclose(f);
    qsort(lat, sent, sizeof *lat, cmp_u32);
#define PCT(p) (sent ? lat[(size_t)((double)(sent - 1) * (p))] : 0)
    printf("REPLAY sent=%zu ok=%zu elapsed_us=%.0f rps=%.1f p50_us=%u p90_us=%u p99_us=%u max_us=%u statuses=", sent,
           ok, elapsed * 1e6, elapsed > 0 ? (double)sent / elapsed : 0.0, PCT(0.50), PCT(0.90), PCT(0.99),
           PCT(1.0));
    int first = 1;
    for (int s = 0; s < 600; s++)
        if (counts[s]) {
            printf("%s%d:%zu", first ? "" : ",", s, counts[s]);
            first = 0;
        }
    printf("\n");
    free(lat);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 7) {
        fprintf(stderr, "usage: replay REQUESTS STATUS_OUT CLIENTS HOST PORT MAX_SECONDS\n");
        return 2;
    }
    long clients = strtol(argv[3], NULL, 10), port = strtol(argv[5], NULL, 10);
    double max_s = strtod(argv[6], NULL);
    size_t len;
    char *data = slurp(argv[1], &len);
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_port = htons((uint16_t)port);
    if (!data || parse_requests(data, len) != 0 || clients < 1 || clients > 1024 || port < 1 || port > 65535 ||
        max_s <= 0 || inet_pton(AF_INET, argv[4], &addr.sin_addr) != 1) {
        fprintf(stderr, "replay: bad arguments or request file\n");
        return 2;
    }
    statuses = calloc(n_reqs ? n_reqs : 1, sizeof *statuses);
    latency_us = calloc(n_reqs ? n_reqs : 1, sizeof *latency_us);
    pthread_t *th = calloc((size_t)clients, sizeof *th);
    if (!statuses || !latency_us || !th)
        return 1;
    double t0 = now_s();
    deadline = t0 + max_s;
    for (long i = 0; i < clients; i++)
        if (pthread_create(&th[i], NULL, client, NULL) != 0)
            return 1;
    for (long i = 0; i < clients; i++)
        pthread_join(th[i], NULL);
    double elapsed = now_s() - t0;
    if (report(argv[2], elapsed) != 0)
        return 1;
    free(th);
    free(statuses);
    free(latency_us);
    free(reqs);
    free(data);
    return atomic_load(&failed) ? 1 : 0;
}
