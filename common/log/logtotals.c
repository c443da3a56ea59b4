/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * logtotals - running totals of Postfix's log, kept in a state file (see logtotals.h).
 */
#include <inttypes.h>
#include <stdbool.h>
#include <string.h>

#include "log/logtotals.h"

static bool key_ok(const char *key)
{
    size_t n = strlen(key);
    if (n == 0 || n >= PP_LOGTOTALS_KEY)
        return false;
    return strspn(key, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_:.") == n;
}

static size_t find(const pp_logtotals *t, const char *key)
{
    size_t i = 0;
    while (i < t->n && strcmp(t->e[i].key, key) != 0)
        i++;
    return i;
}

void pp_logtotals_add(pp_logtotals *t, const char *key, uint64_t n)
{
    if (!key_ok(key))
        key = "other";
    size_t i = find(t, key);
    if (i == t->n) {
        if (t->n == PP_LOGTOTALS_MAX - 1 && strcmp(key, "other") != 0)
            i = find(t, key = "other"); /* the last slot is kept for "other" */
        if (i == t->n) {
            snprintf(t->e[i].key, sizeof t->e[i].key, "%s", key);
            t->e[i].count = 0;
            t->n++;
        }
    }
    t->e[i].count += n;
}

uint64_t pp_logtotals_get(const pp_logtotals *t, const char *key)
{
    size_t i = find(t, key);
    return i < t->n ? t->e[i].count : 0;
}

int pp_logtotals_read(pp_logtotals *t, FILE *f)
{
    char line[256], key[PP_LOGTOTALS_KEY + 1], extra;
    uint64_t count;
    while (fgets(line, sizeof line, f)) {
        if (sscanf(line, "total %48s %" SCNu64 " %c", key, &count, &extra) != 2 ||
            !key_ok(key) || !strchr(line, '\n') || strchr(line, '-'))
            return -1;
        pp_logtotals_add(t, key, count);
    }
    return 0;
}

void pp_logtotals_format(const pp_logtotals *t, pp_buf *out)
{
    for (size_t i = 0; i < t->n; i++)
        pp_buf_printf(out, "total %s %" PRIu64 "\n", t->e[i].key, t->e[i].count);
}
