/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * fuzz_plugout - libFuzzer harness for common/core/plugout.c, the reader of another plugin's
 * output (check_snmp_extend relays what an extend printed): any bytes through
 * pp_plugout_split() and every perfdata item of both perfdata parts through
 * pp_plugout_perf_next(). Parts lie inside the input, the cursor only moves forward and
 * stays inside its part, and an item's label is never empty.
 *
 *   ./fuzz_plugout -max_len=4096 corpus/plugout
 */
#include "fuzz_util.h"
#include "core/plugout.h"

static void perf_items(const char *part, size_t len, pp_buf *label, pp_buf *uom)
{
    const char *cur = part, *end = part + len;
    pp_perf p;
    size_t n = 0;
    int rc;
    while ((rc = pp_plugout_perf_next(&cur, end, &p, label, uom)) != 0) {
        FUZZ_CHECK(rc == 1 || rc == -1);
        FUZZ_CHECK(cur > part && cur <= end);
        FUZZ_CHECK(++n <= len); /* each item consumes at least one byte */
        if (rc == 1) {
            FUZZ_CHECK(p.label && p.label[0] != '\0' && p.uom);
            pp_buf out;
            pp_buf_init(&out);
            pp_perf_format(&p, &out);
            pp_buf_free(&out);
        }
        part = cur;
    }
}

static int inside(const char *p, size_t n, const char *base, size_t size)
{
    return n == 0 || (p >= base && p + n <= base + size);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *out = (const char *)data;
    pp_plugout po;
    pp_buf label, uom;

    pp_plugout_split(out, size, &po);
    FUZZ_CHECK(inside(po.text, po.text_len, out, size) && inside(po.perf, po.perf_len, out, size));
    FUZZ_CHECK(inside(po.longout, po.long_len, out, size) &&
               inside(po.perf2, po.perf2_len, out, size));
    pp_buf_init(&label);
    pp_buf_init(&uom);
    if (po.perf_len)
        perf_items(po.perf, po.perf_len, &label, &uom);
    if (po.perf2_len)
        perf_items(po.perf2, po.perf2_len, &label, &uom);
    pp_buf_free(&label);
    pp_buf_free(&uom);
    return 0;
}
