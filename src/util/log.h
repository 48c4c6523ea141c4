/* log.h — one-line log records on stderr, each stamped with UTC time. Thread-safe. */
#ifndef ROSTER_UTIL_LOG_H
#define ROSTER_UTIL_LOG_H

void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Set to 0 to silence log_info (tests of the CLI). */
void log_set_verbose(int on);

#endif
