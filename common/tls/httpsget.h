/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	httpsget - one strict HTTPS (or, when asked, HTTP) request through libcurl
 * SYNOPSIS
 *	int pp_https_get(const pp_https_opts *o, pp_https_reply *r, char *err, size_t errlen);
 *	void pp_https_reply_free(pp_https_reply *r);
 * DESCRIPTION
 *	pp_https_get() asks for o->url (GET, or POST of o->post with o->post_type) and accepts
 *	the answer only when it is what a sender fetching an MTA-STS policy (RFC 8461 3.3)
 *	accepts: the certificate PKIX-valid for the URL's host (o->cafile or the system's
 *	store), no redirect followed (a 3xx is an error that names where it points), status
 *	200 only, the media type o->type when set (parameters such as "; charset=utf-8"
 *	allowed), a body of at most o->max_body bytes (announced or received), all within
 *	the -t time left (pp_timeout_left(), less a margin so the plugin can still report).
 *	Only https is allowed unless o->http (an OCSP responder's plain http URL).
 *	o->connect_to ("HOST:PORT:ADDR:PORT", curl's --connect-to) and o->resolve
 *	("HOST:PORT:ADDR", curl's --resolve) send the connection elsewhere without changing the
 *	name the certificate is checked against. It fills r with the status, the body
 *	(NUL-terminated, r->len bytes), the media type, the address connected to and the
 *	time taken, and returns 0; or -2 when the time ran out, or -1, both with err
 *	("HTTP 404 (only 200 gives a policy)", "redirected (HTTP 301) to https://...: not
 *	followed", "Content-Type is text/html, not text/plain", "the body is larger than
 *	65536 bytes", curl's reason such as "SSL certificate problem: certificate has
 *	expired"). r is empty after a failure but for the status and the address.
 *	It may be called from several threads at once. libcurl (libcurl.so.4) is opened at
 *	the first call, not linked: a plugin that never fetches does not pay for loading it
 *	and its libraries; a libcurl that cannot be opened, or is older than 7.85 (the
 *	first with CURLOPT_PROTOCOLS_STR), is an error like any other, and so is an option
 *	that libcurl refuses (the request is not made).
 */
#ifndef PP_HTTPSGET_H
#define PP_HTTPSGET_H

#include <stdbool.h>
#include <stddef.h>

typedef struct pp_https_opts {
    const char *url;
    const char *cafile;     /* NULL: the system's trust store */
    const char *connect_to; /* NULL or "HOST:PORT:ADDR:PORT" */
    const char *resolve;    /* NULL or "HOST:PORT:ADDR" */
    const char *type;       /* NULL or the media type required, "text/plain" */
    size_t max_body;
    bool http;              /* plain http allowed too */
    const void *post;       /* NULL: GET */
    size_t post_len;
    const char *post_type;
} pp_https_opts;

typedef struct pp_https_reply {
    long status;
    char *body;
    size_t len;
    char type[128];
    char addr[64];
    double seconds;
} pp_https_reply;

int pp_https_get(const pp_https_opts *o, pp_https_reply *r, char *err, size_t errlen);
void pp_https_reply_free(pp_https_reply *r);

#endif
