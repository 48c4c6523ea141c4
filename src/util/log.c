/* log.c — timestamped single-line log records (at most 2 KiB of text each, longer ones
 * truncated). Each record is written with one write(2) so lines from worker threads do not
 * interleave. What a record holds may come from a client (a path, a method, a message quoting
 * input), so control bytes, C1 controls, '\\' and invalid UTF-8 are written as \xNN: a record
 * is always one line of valid UTF-8 that cannot drive a terminal. */
#include "util/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "util/buf.h"
#include "util/utf8.h"

static int verbose = 1;

void log_set_verbose(int on) { verbose = on; }

static void emit(const char *level, const char *fmt, va_list ap)
{
    /* The formatted second is cached per thread: most records share it with the last one. */
    static _Thread_local time_t last_sec = -1;
    static _Thread_local char stamp[32];
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    if (ts.tv_sec != last_sec) {
        struct tm tm;
        gmtime_r(&ts.tv_sec, &tm);
        strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm);
        last_sec = ts.tv_sec;
    }
    char text[2048];
    int n = vsnprintf(text, sizeof text, fmt, ap);
    size_t len = n < 0 ? 0 : (size_t)n < sizeof text ? (size_t)n : sizeof text - 1;
    buf line;
    buf_init(&line);
    buf_printf(&line, "%s.%03ldZ %s ", stamp, ts.tv_nsec / 1000000, level);
    utf8_escape_log(&line, text, utf8_cut(text, len));
    buf_putc(&line, '\n');
    /* One write per record, so that lines from worker threads never interleave. */
    ssize_t w = write(STDERR_FILENO, line.data, line.len);
    (void)w;
    buf_free(&line);
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
