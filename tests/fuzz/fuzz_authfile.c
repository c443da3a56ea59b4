/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * fuzz_authfile - libFuzzer harness for pp_authfile_parse() (common/core/secret.c): any text as
 * an authfile. It returns 0, or -1 with a reason; a value never runs past its line.
 *
 *   ./fuzz_authfile -max_len=1024 corpus/authfile
 */
#include "fuzz_util.h"
#include "core/secret.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_str(data, size);
    char err[256] = "";
    pp_secret s = {0};
    int rc = pp_authfile_parse(text, &s, err, sizeof err);
    FUZZ_CHECK(rc == 0 || rc == -1);
    if (rc == -1)
        FUZZ_CHECK(err[0] != '\0');
    else
        FUZZ_CHECK(!s.password || strchr(s.password, '\n') == NULL);
    pp_secret_free(&s);
    free(text);
    return 0;
}
