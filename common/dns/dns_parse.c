/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * dns_parse.c - the pure part of the dns module: DNS response bytes in, records out, and
 * the small text helpers. No I/O here, so it is unit-tested and fuzzed on its own.
 * See dns.h.
 */
#include "dns/dns.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "core/buf.h"

#define HDR_LEN 12
#define NAME_TEXT_MAX 1025 /* MAXDNAME: 255 wire bytes, escaped */
#define MAX_HOPS 64

static unsigned get16(const unsigned char *p)
{
    return (unsigned)p[0] << 8 | p[1];
}

static uint32_t get32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Appends one label byte in presentation form, escaped like ns_name_ntop(). */
static size_t put_label_char(char *out, size_t o, unsigned char c)
{
    if (strchr("\".;\\()@$", c) && c != 0) {
        out[o++] = '\\';
        out[o++] = (char)c;
    } else if (c <= 0x20 || c >= 0x7f) {
        o += (size_t)sprintf(out + o, "\\%03u", c);
    } else {
        out[o++] = (char)c;
    }
    return o;
}

/*
 * get_name - decodes the (possibly compressed) name at msg[off] into out (NAME_TEXT_MAX
 * bytes) and sets *next to the offset just after the name where it was written. Each
 * compression pointer must point before the start of the labels that led to it, so the
 * walk always moves backwards and ends.
 */
static int get_name(const unsigned char *msg, size_t len, size_t off, char *out, size_t *next,
                    char *err, size_t errlen)
{
    size_t pos = off, seg_start = off, o = 0, wire = 1;
    int hops = 0;
    bool jumped = false;

    for (;;) {
        if (pos >= len)
            return pp_errf(err, errlen, "name at offset %zu runs past the end", off);
        unsigned c = msg[pos];
        if ((c & 0xc0) == 0xc0) {
            if (pos + 1 >= len)
                return pp_errf(err, errlen, "name at offset %zu: cut compression pointer", off);
            size_t target = (c & 0x3f) << 8 | msg[pos + 1];
            if (target >= seg_start || ++hops > MAX_HOPS)
                return pp_errf(err, errlen, "name at offset %zu: compression pointer loop", off);
            if (!jumped)
                *next = pos + 2;
            jumped = true;
            pos = seg_start = target;
            continue;
        }
        if (c & 0xc0)
            return pp_errf(err, errlen, "name at offset %zu: unsupported label type 0x%02x", off,
                           c);
        if (c == 0) {
            if (!jumped)
                *next = pos + 1;
            break;
        }
        if (pos + 1 + c > len)
            return pp_errf(err, errlen, "name at offset %zu: label runs past the end", off);
        wire += c + 1;
        if (wire > 255)
            return pp_errf(err, errlen, "name at offset %zu is longer than 255 bytes", off);
        if (o)
            out[o++] = '.';
        for (unsigned i = 0; i < c; i++)
            o = put_label_char(out, o, msg[pos + 1 + i]);
        pos += 1 + c;
    }
    if (o == 0)
        out[o++] = '.';
    out[o] = '\0';
    return 0;
}

/* A TXT record's character-strings, joined, into rr->text: bytes outside printable ASCII and
 * the backslash as \DDD, as dig prints them. Each string must end inside the rdata. */
static int get_txt(const unsigned char *rd, size_t rdlen, pp_dns_rr *rr, char *err,
                   size_t errlen)
{
    pp_buf t;
    pp_buf_init(&t);
    for (size_t at = 0; at < rdlen;) {
        size_t n = rd[at++];
        if (n > rdlen - at) {
            pp_buf_free(&t);
            return pp_errf(err, errlen, "TXT record of %s: a string runs past its data",
                           rr->owner);
        }
        for (size_t i = 0; i < n; i++, at++) {
            unsigned char c = rd[at];
            if (c < 0x20 || c >= 0x7f || c == '\\')
                pp_buf_printf(&t, "\\%03u", c);
            else
                pp_buf_putc(&t, (char)c);
        }
    }
    rr->text = t.s ? t.s : pp_xstrdup(""); /* the buffer's string is handed over */
    return 0;
}

/* Decodes the rdata of the known types into rr; rd is msg + rdoff, rdlen bytes long. */
static int get_rdata(const unsigned char *msg, size_t len, size_t rdoff, size_t rdlen,
                     pp_dns_rr *rr, char *err, size_t errlen)
{
    const unsigned char *rd = msg + rdoff;
    char name[NAME_TEXT_MAX];
    size_t end;
    const char *what = pp_dns_type_str(rr->type);

    switch (rr->type) {
    case PP_DNS_A:
    case PP_DNS_AAAA: {
        size_t want = rr->type == PP_DNS_A ? 4 : 16;
        if (rdlen != want)
            return pp_errf(err, errlen, "%s record of %s has %zu bytes of data, not %zu", what,
                           rr->owner, rdlen, want);
        rr->family = rr->type == PP_DNS_A ? AF_INET : AF_INET6;
        memcpy(rr->addr, rd, want);
        inet_ntop(rr->family, rr->addr, rr->addr_text, sizeof rr->addr_text);
        return 0;
    }
    case PP_DNS_MX:
    case PP_DNS_CNAME: {
        size_t at = rr->type == PP_DNS_MX ? 2 : 0;
        if (rdlen < at + 1)
            return pp_errf(err, errlen, "%s record of %s is too short", what, rr->owner);
        if (rr->type == PP_DNS_MX)
            rr->pref = get16(rd);
        /* The name may point outside the rdata, but must end inside it. */
        if (get_name(msg, rdoff + rdlen, rdoff + at, name, &end, err, errlen) < 0)
            return -1;
        if (end != rdoff + rdlen)
            return pp_errf(err, errlen, "%s record of %s has trailing bytes", what, rr->owner);
        rr->host = pp_xstrdup(name);
        return 0;
    }
    case PP_DNS_TLSA:
        if (rdlen < 3)
            return pp_errf(err, errlen, "TLSA record of %s is too short", rr->owner);
        rr->usage = rd[0];
        rr->selector = rd[1];
        rr->mtype = rd[2];
        rr->datalen = rdlen - 3;
        rr->data = pp_xmalloc(rr->datalen ? rr->datalen : 1);
        memcpy(rr->data, rd + 3, rr->datalen);
        return 0;
    case PP_DNS_TXT:
        return get_txt(rd, rdlen, rr, err, errlen);
    default:
        (void)len;
        return 0;
    }
}

static void clear_rr(pp_dns_rr *rr)
{
    free(rr->owner);
    free(rr->host);
    free(rr->data);
    free(rr->text);
}

void pp_dns_answer_free(pp_dns_answer *ans)
{
    if (!ans)
        return;
    for (size_t i = 0; i < ans->nrr; i++)
        clear_rr(&ans->rr[i]);
    free(ans->rr);
    free(ans->qname);
    ans->rr = NULL;
    ans->nrr = 0;
    ans->qname = NULL;
}

static pp_dns_status status_of(const pp_dns_answer *ans)
{
    if (ans->rcode == 0)
        for (size_t i = 0; i < ans->nrr; i++)
            if (ans->rr[i].type == ans->qtype)
                return PP_DNS_OK;
    return pp_dns_rcode_status(ans->rcode);
}

pp_dns_status pp_dns_rcode_status(int rcode)
{
    switch (rcode) {
    case 0:
        return PP_DNS_NODATA;
    case 2:
        return PP_DNS_SERVFAIL;
    case 3:
        return PP_DNS_NXDOMAIN;
    case 5:
        return PP_DNS_REFUSED;
    default:
        return PP_DNS_RCODE;
    }
}

static int parse(const unsigned char *msg, size_t len, pp_dns_answer *ans, char *err,
                 size_t errlen)
{
    char name[NAME_TEXT_MAX];
    size_t pos;

    if (len < HDR_LEN)
        return pp_errf(err, errlen, "answer of %zu bytes is shorter than a DNS header", len);
    if (!(msg[2] & 0x80))
        return pp_errf(err, errlen, "message is a query, not an answer");
    ans->aa = msg[2] & 0x04;
    ans->tc = msg[2] & 0x02;
    ans->ad = msg[3] & 0x20;
    ans->rcode = msg[3] & 0x0f;
    unsigned qdcount = get16(msg + 4), ancount = get16(msg + 6);
    pos = HDR_LEN;
    /* RFC 1035 4.1.2: the answer echoes the one question asked; without it nothing ties
     * the answer to the query. */
    if (qdcount != 1)
        return pp_errf(err, errlen, "answer has %u questions, not the one asked", qdcount);
    if (get_name(msg, len, pos, name, &pos, err, errlen) < 0)
        return -1;
    if (pos + 4 > len)
        return pp_errf(err, errlen, "question section runs past the end");
    ans->qname = pp_xstrdup(name);
    ans->qtype = (int)get16(msg + pos);
    ans->qclass = (int)get16(msg + pos + 2);
    pos += 4;
    /* Every record takes at least 11 bytes, so ancount cannot ask for more than len allows. */
    if (ancount > (len - pos) / 11 + 1)
        return pp_errf(err, errlen, "answer claims %u records in %zu bytes", ancount, len - pos);
    ans->rr = pp_xcalloc(ancount ? ancount : 1, sizeof *ans->rr);
    for (unsigned i = 0; i < ancount; i++) {
        pp_dns_rr *rr = &ans->rr[ans->nrr];
        if (get_name(msg, len, pos, name, &pos, err, errlen) < 0)
            return -1;
        if (pos + 10 > len)
            return pp_errf(err, errlen, "record %u of the answer section is cut short", i + 1);
        size_t rdlen = get16(msg + pos + 8);
        if (pos + 10 + rdlen > len)
            return pp_errf(err, errlen, "record %u of the answer section runs past the end",
                           i + 1);
        rr->owner = pp_xstrdup(name);
        rr->type = (int)get16(msg + pos);
        rr->rclass = (int)get16(msg + pos + 2);
        rr->ttl = get32(msg + pos + 4);
        ans->nrr++;
        if (get_rdata(msg, len, pos + 10, rdlen, rr, err, errlen) < 0)
            return -1;
        pos += 10 + rdlen;
    }
    ans->status = status_of(ans);
    return 0;
}

int pp_dns_parse(const unsigned char *msg, size_t len, pp_dns_answer *ans, char *err,
                 size_t errlen)
{
    memset(ans, 0, sizeof *ans);
    if (parse(msg, len, ans, err, errlen) == 0)
        return 0;
    pp_dns_answer_free(ans);
    ans->status = PP_DNS_ERROR;
    return -1;
}

int pp_dns_parse_server(const char *spec, char *host, size_t hostlen, unsigned *port)
{
    const char *h = spec, *p = NULL;
    size_t hl;

    if (!spec || !*spec)
        return -1;
    if (spec[0] == '[') {
        const char *close = strchr(spec, ']');
        if (!close || close == spec + 1)
            return -1;
        h = spec + 1;
        hl = (size_t)(close - h);
        if (close[1] == ':')
            p = close + 2;
        else if (close[1] != '\0')
            return -1;
    } else {
        const char *colon = strchr(spec, ':');
        if (colon && strchr(colon + 1, ':'))
            colon = NULL; /* a bare IPv6 address: no port */
        hl = colon ? (size_t)(colon - spec) : strlen(spec);
        if (colon)
            p = colon + 1;
    }
    if (hl == 0 || hl >= hostlen)
        return -1;
    memcpy(host, h, hl);
    host[hl] = '\0';
    *port = 53;
    if (p) {
        char *end;
        if (!isdigit((unsigned char)*p))
            return -1;
        unsigned long v = strtoul(p, &end, 10);
        if (*end || v == 0 || v > 65535)
            return -1;
        *port = (unsigned)v;
    }
    return 0;
}

const char *pp_dns_status_str(pp_dns_status s)
{
    switch (s) {
    case PP_DNS_OK:
        return "OK";
    case PP_DNS_NODATA:
        return "no data";
    case PP_DNS_NXDOMAIN:
        return "NXDOMAIN";
    case PP_DNS_SERVFAIL:
        return "SERVFAIL";
    case PP_DNS_REFUSED:
        return "REFUSED";
    case PP_DNS_RCODE:
        return "error rcode";
    case PP_DNS_TIMEOUT:
        return "timeout";
    case PP_DNS_ERROR:
        break;
    }
    return "error";
}

const char *pp_dns_type_str(int type)
{
    switch (type) {
    case PP_DNS_A:
        return "A";
    case PP_DNS_CNAME:
        return "CNAME";
    case PP_DNS_MX:
        return "MX";
    case PP_DNS_TXT:
        return "TXT";
    case PP_DNS_AAAA:
        return "AAAA";
    case PP_DNS_TLSA:
        return "TLSA";
    default:
        return "TYPE?";
    }
}

int pp_dns_name_eq(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 1 && a[la - 1] == '.')
        la--;
    if (lb > 1 && b[lb - 1] == '.')
        lb--;
    return la == lb && strncasecmp(a, b, la) == 0;
}

int pp_dns_answer_has_cname(const pp_dns_answer *ans)
{
    if (!ans->qname)
        return 0;
    for (size_t i = 0; i < ans->nrr; i++)
        if (ans->rr[i].type == PP_DNS_CNAME && pp_dns_name_eq(ans->rr[i].owner, ans->qname))
            return 1;
    return 0;
}

static int by_pref(const void *a, const void *b)
{
    const pp_dns_rr *x = a, *y = b;
    return (x->pref > y->pref) - (x->pref < y->pref);
}

int pp_dns_mx_hosts(pp_dns_answer *ans, const char *domain)
{
    if (ans->status == PP_DNS_NODATA) {
        for (size_t i = 0; i < ans->nrr; i++)
            clear_rr(&ans->rr[i]);
        ans->rr = pp_xrealloc(ans->rr, sizeof *ans->rr);
        ans->rr[0] = (pp_dns_rr){.type = PP_DNS_MX, .host = pp_xstrdup(domain)};
        ans->nrr = 1;
        return 0;
    }
    if (ans->status != PP_DNS_OK)
        return -1;
    qsort(ans->rr, ans->nrr, sizeof *ans->rr, by_pref);
    return 0;
}
