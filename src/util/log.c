/* log.c — timestamped single-line log records. Each record is written with one fprintf so
 * lines from worker threads do not interleave. */
#include "util/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <time.h>

#include "util/buf.h"

static int verbose = 1;

void log_set_verbose(int on) { verbose = on; }

static void emit(const char *level, const char *fmt, va_list ap)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct tm tm;
    gmtime_r(&ts.tv_sec, &tm);
    char stamp[32];
    strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm);
    buf b;
    buf_init(&b);
    buf_printf(&b, "%s.%03ldZ %s ", stamp, ts.tv_nsec / 1000000, level);
    buf_vprintf(&b, fmt, ap);
    buf_putc(&b, '\n');
    fputs(b.data, stderr);
    buf_free(&b);
}

void log_info(const char *fmt, ...)
{
    if (!verbose)
        return;
    va_list ap;
    va_start(ap, fmt);
    emit("info", fmt, ap);
    va_end(ap);
}

void log_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    emit("error", fmt, ap);
    va_end(ap);
}
