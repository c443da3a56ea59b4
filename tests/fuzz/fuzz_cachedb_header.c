/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * fuzz_cachedb_header - libFuzzer harness for the file header checks of common/cache/cachedb.c
 * (cachedb_format.c), which decide whether a verify cache or compiled map file is what its
 * name says before any library opens it: any bytes as the start of a Berkeley DB, LMDB and
 * CDB file, and as a "type:/path" map name for pp_cachedb_spec_parse(). Each returns 0 or
 * -1 with a reason; an accepted header gives a page size and a minimum file size a reader
 * can rely on.
 *
 *   ./fuzz_cachedb_header -max_len=8192 corpus/cachedb_header
 */
#include "cache/cachedb.h"
#include "fuzz_util.h"

static void checked(int rc, const char *err)
{
    FUZZ_CHECK(rc == 0 || rc == -1);
    if (rc == -1)
        FUZZ_CHECK(err[0] != '\0');
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    pp_cachedb_header h;
    char err[256];
    uint64_t file_size = size;
    pp_cachedb_type type;
    char *path = NULL;

    err[0] = '\0';
    checked(pp_cachedb_bdb_header(data, size, &h, err, sizeof err), err);
    err[0] = '\0';
    int rc = pp_cachedb_lmdb_header(data, size, &h, err, sizeof err);
    checked(rc, err);
    err[0] = '\0';
    rc = pp_cachedb_cdb_header(data, size, file_size, &h, err, sizeof err);
    checked(rc, err);
    if (rc == 0)
        FUZZ_CHECK(h.records_end <= file_size);
    (void)pp_cachedb_trim_nul(data, size);

    char *spec = fuzz_str(data, size);
    err[0] = '\0';
    rc = pp_cachedb_spec_parse(spec, &type, &path, err, sizeof err);
    checked(rc, err);
    if (rc == 0) {
        FUZZ_CHECK(path && pp_cachedb_type_name(type) && pp_cachedb_suffix(type));
        free(path);
    }
    free(spec);
    return 0;
}
