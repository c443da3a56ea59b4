/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * fuzz_queue_record - libFuzzer harness for common/queue/queue_record.c: any bytes as a Postfix
 * queue file, read envelope-only and with the message headers (the header callback sees
 * every header once, within header_max bytes), and the record header decoder at every
 * offset of the first bytes. On PP_QREC_OK the sender and every recipient must be readable
 * strings; on a failure m.error must say why.
 *
 *   ./fuzz_queue_record -max_len=8192 corpus/queue_record
 */
#include "fuzz_util.h"
#include "queue/queue_record.h"

#define HDR_MAX 64

static int on_header(void *ctx, const char *name, size_t namelen, const char *value,
                     size_t valuelen)
{
    size_t *n = ctx;
    FUZZ_CHECK(namelen <= HDR_MAX && valuelen <= HDR_MAX + 1);
    FUZZ_CHECK(value[valuelen] == '\0');
    *n += namelen + valuelen + (size_t)(name[0] == 0);
    return *n > 4096; /* the reader must also stop when asked */
}

static void check(const pp_qmsg *m, pp_qrec_status st)
{
    FUZZ_CHECK(st == m->status);
    if (st != PP_QREC_OK) {
        FUZZ_CHECK(m->error[0] != '\0');
        FUZZ_CHECK(pp_qrec_status_name(st) != NULL);
        return;
    }
    FUZZ_CHECK(m->sender != NULL);
    size_t total = strlen(m->sender);
    for (size_t i = 0; i < m->nrcpt; i++)
        total += strlen(m->rcpt[i]);
    FUZZ_CHECK(total != (size_t)-1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static pp_qmsg m;
    static int ready;
    size_t seen = 0;
    pp_qrec_opts plain = {0};
    pp_qrec_opts heads = {.header = on_header, .header_ctx = &seen, .header_max = HDR_MAX};

    if (!ready) {
        pp_qmsg_init(&m); /* reused, as a scan reuses it */
        ready = 1;
    }
    check(&m, pp_qrec_parse_mem(data, size, &plain, &m));
    check(&m, pp_qrec_parse_mem(data, size, &heads, &m));

    for (size_t off = 0; off < size && off < 64; off++) {
        int type;
        size_t len;
        int n = pp_qrec_header(data + off, size - off, &type, &len);
        FUZZ_CHECK(n >= -1 && n <= 6 && (size_t)(n > 0 ? n : 0) <= size - off);
        if (n > 0)
            FUZZ_CHECK(len <= PP_QREC_LEN_MAX);
    }
    return 0;
}
