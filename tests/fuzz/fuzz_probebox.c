/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * fuzz_probebox - libFuzzer harness for what check_mail_roundtrip and check_smtp_av read
 * back from the IMAP server: each line through the pure parsers of common/e2e/probebox_parse.c
 * (SEARCH, FETCH with the ENVELOPE subject, CAPABILITY) and the subject through
 * pp_probeid_find() (common/e2e/probeid.c). Uids counted match the callbacks, the subject and
 * the id are NUL-terminated within their buffers, and a found id parses back.
 *
 *   ./fuzz_probebox -max_len=4096 corpus/probebox
 */
#include "fuzz_util.h"
#include "e2e/probebox.h"
#include "e2e/probeid.h"

static void on_uid(void *ctx, uint32_t uid)
{
    (void)uid;
    ++*(int *)ctx;
}

static void find_id(const char *text, size_t len)
{
    long long ms, ms2;
    char id[PP_PROBEID_MAX], id2[PP_PROBEID_MAX];
    if (pp_probeid_find(text, len, "pp-test", &ms, id, sizeof id)) {
        FUZZ_CHECK(memchr(id, '\0', sizeof id) != NULL);
        if (strlen(id) + 1 == sizeof id)
            return; /* cut to the buffer: nothing to compare */
        FUZZ_CHECK(pp_probeid_find(id, strlen(id), "pp-test", &ms2, id2, sizeof id2));
        FUZZ_CHECK(ms == ms2 && strcmp(id, id2) == 0);
    }
}

static void one_line(void *ctx, const char *line, size_t len)
{
    (void)ctx;
    char *s = malloc(len + 1), subject[128];
    uint32_t uid;
    int seen = 0;
    if (!s)
        abort();
    memcpy(s, line, len);
    s[len] = '\0';
    int n = pp_probebox_parse_search(s, len, on_uid, &seen);
    FUZZ_CHECK(n == -1 ? seen == 0 : n == seen);
    int rc = pp_probebox_parse_fetch(s, len, &uid, subject, sizeof subject);
    FUZZ_CHECK(rc >= -1 && rc <= 1);
    if (rc == 1) {
        FUZZ_CHECK(memchr(subject, '\0', sizeof subject) != NULL);
        find_id(subject, strlen(subject));
    }
    (void)pp_probebox_has_cap(s, len, "UIDPLUS");
    char quoted[64];
    if (pp_probebox_quote(s, quoted, sizeof quoted) == 0)
        FUZZ_CHECK(quoted[0] == '"' && quoted[strlen(quoted) - 1] == '"');
    find_id(s, len);
    free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_lines(data, size, one_line, NULL);
    return 0;
}
