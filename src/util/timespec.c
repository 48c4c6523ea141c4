/* timespec.c — parsing command-line times and printing timestamps (see timespec.h). */
#include "util/timespec.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

/* Reads exactly n decimal digits from *p into *v and advances *p. Returns 0, or -1. */
static int digits(const char **p, int n, int *v)
{
    int x = 0;
    for (int i = 0; i < n; i++) {
        char c = (*p)[i];
        if (c < '0' || c > '9')
            return -1;
        x = x * 10 + (c - '0');
    }
    *p += n;
    *v = x;
    return 0;
}

/* A relative time "15m" (whole number, unit s|m|h|d|w) before now. */
static int parse_relative(const char *s, int64_t now, int64_t *out)
{
    static const struct {
        char unit;
        int64_t ms;
    } units[] = {{'s', 1000}, {'m', 60000}, {'h', 3600000}, {'d', 86400000}, {'w', 604800000}};
    int64_t n = 0;
    const char *p = s;
    for (; *p >= '0' && *p <= '9'; p++) {
        n = n * 10 + (*p - '0');
        if (n > 1000000000) /* far beyond any trail; also keeps the product in range */
            return -1;
    }
    if (p == s || *p == '\0' || p[1] != '\0')
        return -1;
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        if (*p == units[i].unit) {
            int64_t back = n * units[i].ms;
            *out = now - back;
            return 0;
        }
    }
    return -1;
}

/* The zone suffix: "Z", "+HH:MM", "+HHMM" (or '-'); sets *offset_s (east of UTC). */
static int parse_zone(const char *p, int *offset_s)
{
    if ((p[0] == 'Z' || p[0] == 'z') && p[1] == '\0') {
        *offset_s = 0;
        return 0;
    }
    if (p[0] != '+' && p[0] != '-')
        return -1;
    int sign = p[0] == '-' ? -1 : 1, hh, mm;
    p++;
    if (digits(&p, 2, &hh))
        return -1;
    if (*p == ':')
        p++;
    if (digits(&p, 2, &mm) || *p != '\0' || hh > 23 || mm > 59)
        return -1;
    *offset_s = sign * (hh * 3600 + mm * 60);
    return 0;
}

/* "THH:MM[:SS[.fff]]" and the zone, after a date. */
static int parse_clock(const char *p, struct tm *tm, int *ms, int *offset_s)
{
    if (*p != 'T' && *p != 't')
        return -1;
    p++;
    if (digits(&p, 2, &tm->tm_hour) || *p++ != ':' || digits(&p, 2, &tm->tm_min))
        return -1;
    if (*p == ':') {
        p++;
        if (digits(&p, 2, &tm->tm_sec))
            return -1;
        if (*p == '.') {
            p++;
            int n = 0, scale = 100;
            for (; *p >= '0' && *p <= '9'; p++, n++) {
                *ms += (*p - '0') * scale;
                scale /= 10;
            }
            if (n == 0)
                return -1;
        }
    }
    if (tm->tm_hour > 23 || tm->tm_min > 59 || tm->tm_sec > 59)
        return -1;
    return parse_zone(p, offset_s);
}

static int parse_absolute(const char *s, int64_t *out)
{
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    const char *p = s;
    int year, mon, day, ms = 0, offset_s = 0;
    if (digits(&p, 4, &year) || *p++ != '-' || digits(&p, 2, &mon) || *p++ != '-' || digits(&p, 2, &day))
        return -1;
    if (*p != '\0' && parse_clock(p, &tm, &ms, &offset_s))
        return -1;
    if (year < 1970 || mon < 1 || mon > 12 || day < 1 || day > 31)
        return -1;
    tm.tm_year = year - 1900;
    tm.tm_mon = mon - 1;
    tm.tm_mday = day;
    time_t t = timegm(&tm);
    /* timegm normalises 2026-02-30 to March 2: refuse dates that moved. */
    if (t == (time_t)-1 || tm.tm_mday != day || tm.tm_mon != mon - 1)
        return -1;
    *out = ((int64_t)t - offset_s) * 1000 + ms;
    return 0;
}

int time_spec_parse(const char *s, int64_t now_ms, int64_t *out)
{
    if (!s || !*s)
        return -1;
    size_t n = strlen(s);
    if (n >= 10 && s[4] == '-')
        return parse_absolute(s, out);
    return parse_relative(s, now_ms, out);
}

void time_format_ms(int64_t ms, char *out, size_t cap)
{
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    char day[24];
    gmtime_r(&t, &tm);
    strftime(day, sizeof day, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(out, cap, "%s.%03dZ", day, (int)(ms % 1000));
}
