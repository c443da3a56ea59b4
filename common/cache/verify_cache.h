/*
 * NAME
 *	verify_cache - Postfix's address verification cache: settings, entries, reading
 * SYNOPSIS
 *	int pp_vcache_parse(const char *value, size_t len, pp_vcache_entry *e);
 *	const char *pp_vcache_status_name(int status);
 *	bool pp_vcache_probe_pending(const pp_vcache_entry *e, long long now);
 *	bool pp_vcache_expired(const pp_vcache_entry *e, long long now,
 *			       const pp_vcache_settings *s);
 *	int pp_vcache_time_parse(const char *text, char unit, long long *seconds);
 *
 *	int pp_vcache_settings_load(const char *config_dir, const char *map,
 *				    pp_vcache_settings *s, char *err, size_t errlen);
 *	void pp_vcache_settings_free(pp_vcache_settings *s);
 *
 *	int pp_vcache_open(pp_vcache_reader *r, const char *map, const pp_cachedb_lock *lock,
 *			   char *err, size_t errlen);
 *	int pp_vcache_next(pp_vcache_reader *r, pp_vcache_entry *e, char *err, size_t errlen);
 *	void pp_vcache_close(pp_vcache_reader *r);
 * DESCRIPTION
 *	verify(8) keeps one entry per address, the value "status:probed:updated:text": status 0
 *	deliverable, 1 deferred, 2 undeliverable (bounced), 3 in progress (no result yet);
 *	probed, when not 0, the time an outstanding probe was sent; updated, when not 0, the time
 *	the last result came in; text, the delivery agent's reason. Its dict_cache layer adds the
 *	key _LAST_CACHE_CLEANUP_COMPLETED_ with the time of the last complete cleanup.
 *
 *	pp_vcache_parse() reads a value as verify(8)'s verify_parse_entry() does: three decimal
 *	fields, a status 0-3, not both times 0; it returns 0 or -1 (pure; e->text points into
 *	value). pp_vcache_status_name() gives "deliverable", "deferred", "undeliverable" or
 *	"in progress". pp_vcache_probe_pending() is true while a probe sent less than 1000 s ago
 *	(verify's PROBE_TTL) awaits its result. pp_vcache_expired() applies verify's rule: a
 *	deliverable entry updated longer than address_verify_positive_expire_time ago, or another
 *	one longer than address_verify_negative_expire_time ago, with no probe pending; the
 *	cleanup removes exactly these, so many of them mean cleanup no longer trims the cache.
 *	pp_vcache_time_parse() reads a Postfix time value ("31d", "3600", "12h"; units s m h d w;
 *	without a suffix, unit applies: Postfix takes the unit of the parameter's default value).
 *
 *	pp_vcache_settings_load() reads address_verify_map (unless map is given), the expire
 *	times and address_verify_cache_cleanup_interval with one postconf run. When map is
 *	given and postconf cannot be run the times keep Postfix's defaults and s->defaults is set.
 *
 *	pp_vcache_open() opens the map ("btree:/path", "hash:...", "lmdb:...") through cachedb
 *	(errno as pp_cachedb_open() sets it; EINVAL for a map name it cannot read);
 *	pp_vcache_next() returns 1 with the next address and its entry (e->address), 0 at the
 *	end, -1 on a read error. The cleanup key is not returned: r->last_cleanup holds its time
 *	(0 when absent). Entries that do not parse are counted in r->malformed and skipped.
 */
#ifndef PP_VERIFY_CACHE_H
#define PP_VERIFY_CACHE_H

#include <stdbool.h>
#include <stddef.h>

#include "cache/cachedb.h"

#define PP_VCACHE_CLEANUP_KEY "_LAST_CACHE_CLEANUP_COMPLETED_"
#define PP_VCACHE_PROBE_TTL 1000

enum {
    PP_VCACHE_DELIVERABLE = 0,
    PP_VCACHE_DEFERRED = 1,
    PP_VCACHE_UNDELIVERABLE = 2,
    PP_VCACHE_TODO = 3,
    PP_VCACHE_NSTATUS = 4
};

typedef struct pp_vcache_entry {
    const char *address;
    int status;
    long long probed;
    long long updated;
    const char *text;
    size_t textlen;
} pp_vcache_entry;

typedef struct pp_vcache_settings {
    char *map;
    long long pos_expire, neg_expire;
    long long cleanup_interval;
    bool defaults; /* postconf could not be run: Postfix's default times */
} pp_vcache_settings;

typedef struct pp_vcache_reader {
    pp_cachedb *db;
    long long last_cleanup;
    size_t malformed;
} pp_vcache_reader;

int pp_vcache_parse(const char *value, size_t len, pp_vcache_entry *e);
const char *pp_vcache_status_name(int status);
bool pp_vcache_probe_pending(const pp_vcache_entry *e, long long now);
bool pp_vcache_expired(const pp_vcache_entry *e, long long now, const pp_vcache_settings *s);
int pp_vcache_time_parse(const char *text, char unit, long long *seconds);

int pp_vcache_settings_load(const char *config_dir, const char *map, pp_vcache_settings *s,
                            char *err, size_t errlen);
void pp_vcache_settings_free(pp_vcache_settings *s);

int pp_vcache_open(pp_vcache_reader *r, const char *map, const pp_cachedb_lock *lock, char *err,
                   size_t errlen);
int pp_vcache_next(pp_vcache_reader *r, pp_vcache_entry *e, char *err, size_t errlen);
void pp_vcache_close(pp_vcache_reader *r);

#endif
