/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * fuzz_verify_value - libFuzzer harness for the pure parts of common/cache/verify_cache.c: any
 * bytes as a verify(8) cache value ("status:probed:updated:text", not NUL-terminated) and
 * as a Postfix time value ("31d", "3600"). A parsed entry has a status 0-3, its text inside
 * the value, and the judgments on it answer for any "now".
 *
 *   ./fuzz_verify_value -max_len=256 corpus/verify_value
 */
#include "fuzz_util.h"
#include "cache/verify_cache.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *v = (const char *)data;
    pp_vcache_entry e;
    memset(&e, 0, sizeof e);
    if (pp_vcache_parse(v, size, &e) == 0) {
        FUZZ_CHECK(e.status >= 0 && e.status < PP_VCACHE_NSTATUS);
        FUZZ_CHECK(pp_vcache_status_name(e.status) != NULL);
        FUZZ_CHECK(e.text >= v && e.text + e.textlen <= v + size);
        pp_vcache_settings s = {.pos_expire = 31 * 86400, .neg_expire = 3 * 86400};
        (void)pp_vcache_probe_pending(&e, e.probed + 999);
        (void)pp_vcache_expired(&e, e.updated, &s);
        (void)pp_vcache_expired(&e, -1, &s);
    }

    char *s = fuzz_str(data, size);
    long long secs = 0;
    char unit = size ? (char)data[0] : 's';
    if (pp_vcache_time_parse(s, unit, &secs) == 0)
        FUZZ_CHECK(secs >= 0);
    free(s);
    return 0;
}
