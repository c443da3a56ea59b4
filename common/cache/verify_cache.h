/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	verify_cache - Postfix's address verification cache: settings, entries, reading
 * SYNOPSIS
 *	int pp_vcache_parse(const char *value, size_t len, pp_vcache_entry *e);
 *	const char *pp_vcache_status_name(int status);
 *	bool pp_vcache_probe_pending(const pp_vcache_entry *e, long long now);
pp_vcache_probe pp_vcache_probe_state(const pp_vcache_entry *e, long long now);
long long pp_vcache_activity(const pp_vcache_entry *e);
 *	pp_vcache_probe pp_vcache_probe_state(const pp_vcache_entry *e, long long now);
 *	long long pp_vcache_activity(const pp_vcache_entry *e);
 *	bool pp_vcache_expired(const pp_vcache_entry *e, long long now,
 *			       const pp_vcache_settings *s);
 *	int pp_vcache_time_parse(const char *text, char unit, long long *seconds);
char *pp_vcache_map_name(const char *value, const char *db_type);
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
 *	verify(8) sets probed when it sends a probe and clears it when a result comes in, with
 *	one exception: a deliverable address is re-probed after
 *	address_verify_positive_refresh_time, and a failed refresh probe is ignored on purpose
 *	(the OK result stays until it expires) and leaves probed set. After PROBE_TTL (1000 s)
 *	without a result verify(8) sends another probe at the next query.
 *
 *	pp_vcache_parse() reads a value as verify(8)'s verify_parse_entry() does: three decimal
 *	fields, a status 0-3, not both times 0; it returns 0 or -1 (pure; e->text points into
 *	value). pp_vcache_status_name() gives "deliverable", "deferred", "undeliverable" or
 *	"in progress". pp_vcache_probe_pending() is true while a probe sent less than 1000 s ago
 *	(verify's PROBE_TTL) awaits its result. pp_vcache_expired() applies verify's rule: a
 *	deliverable entry updated longer than address_verify_positive_expire_time ago, or another
 *	one longer than address_verify_negative_expire_time ago, with no probe pending; the
 *	cleanup removes exactly these, so many of them mean cleanup no longer trims the cache.
 *	pp_vcache_probe_state() applies those rules: PP_VCACHE_PROBE_NONE (probed 0),
 *	PP_VCACHE_PROBE_PENDING (a first probe or a refresh of a failed address, sent less
 *	than PROBE_TTL ago), PP_VCACHE_PROBE_LOST (the same with no result after PROBE_TTL),
 *	PP_VCACHE_PROBE_REFRESH (a deliverable address's refresh probe: in flight, failed or
 *	lost, the OK result stands; none of these is outstanding). pp_vcache_activity() is the
 *	last time verify(8) wrote the entry, the later of updated and probed.
 *	pp_vcache_time_parse() reads a Postfix time value ("31d", "3600", "12h"; units s m h d w;
 *	without a suffix, unit applies: Postfix takes the unit of the parameter's default value).
 *
 *	pp_vcache_map_name() is the table verify(8) opens for an address_verify_map value, as
 *	Postfix's data_redirect_map() names it: a value without "type:" gets db_type
 *	(default_database_type). Allocated.
 *
 *	pp_vcache_settings_load() reads the settings verify(8) runs with: those of the master.cf
 *	service named address_verify_service_name (type unix, command verify; s->service is
 *	"name/unix") where its -o overrides main.cf, main.cf's otherwise (postconf -x, and
 *	postconf -M -x through mastercf). They are address_verify_map (unless map is given;
 *	s->map_override when an -o sets it), the expire and refresh times and
 *	address_verify_cache_cleanup_interval. When map is given and postconf cannot be run
 *	the times keep Postfix's defaults and s->defaults is set.
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

typedef enum pp_vcache_probe {
    PP_VCACHE_PROBE_NONE,
    PP_VCACHE_PROBE_PENDING,
    PP_VCACHE_PROBE_LOST,
    PP_VCACHE_PROBE_REFRESH
} pp_vcache_probe;

typedef struct pp_vcache_entry {
    const char *address;
    int status;
    long long probed;
    long long updated;
    const char *text;
    size_t textlen;
} pp_vcache_entry;

typedef struct pp_vcache_settings {
    char *map;     /* TYPE:PATH */
    char *service; /* "verify/unix": the master.cf service read, NULL when none */
    bool map_override; /* address_verify_map set by the service's -o */
    long long pos_expire, neg_expire, pos_refresh, neg_refresh;
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
pp_vcache_probe pp_vcache_probe_state(const pp_vcache_entry *e, long long now);
long long pp_vcache_activity(const pp_vcache_entry *e);
bool pp_vcache_expired(const pp_vcache_entry *e, long long now, const pp_vcache_settings *s);
int pp_vcache_time_parse(const char *text, char unit, long long *seconds);
char *pp_vcache_map_name(const char *value, const char *db_type);

int pp_vcache_settings_load(const char *config_dir, const char *map, pp_vcache_settings *s,
                            char *err, size_t errlen);
void pp_vcache_settings_free(pp_vcache_settings *s);

int pp_vcache_open(pp_vcache_reader *r, const char *map, const pp_cachedb_lock *lock, char *err,
                   size_t errlen);
int pp_vcache_next(pp_vcache_reader *r, pp_vcache_entry *e, char *err, size_t errlen);
void pp_vcache_close(pp_vcache_reader *r);

#endif
