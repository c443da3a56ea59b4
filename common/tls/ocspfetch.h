/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	ocspfetch - ask a certificate's OCSP responder for its status (RFC 6960), as a client
 *	does when the server staples nothing
 * SYNOPSIS
 *	int pp_ocspfetch(pp_tls_peer *p, const char *cafile);
 * DESCRIPTION
 *	pp_ocspfetch() asks the first OCSP responder that the leaf p->chain[0] names in its
 *	authorityInfoAccess extension about the leaf: a request of one certificate id (SHA-1
 *	hashes of the issuer's name and key, the serial number: what responders are required
 *	to understand; no nonce, which CAs' responders answering from a cache ignore), POSTed
 *	as application/ocsp-request over http (or https, verified against cafile or the
 *	system's store) through common/tls/httpsget: no redirect, status 200,
 *	application/ocsp-response, at most PP_OCSPFETCH_MAX_BODY bytes, within the -t time
 *	left. The issuer is the certificate after the leaf that signed it, or one of the trust
 *	store's (cafile). The responder is asked only when the chain verifies (PKIX, against
 *	cafile or the system's store): a URL in a certificate nobody vouches for could name
 *	any service the monitoring host reaches, and browsers do not ask it either. A leaf
 *	that names no responder (as Let's Encrypt's have not since 2025) sets p->ocsp_none
 *	and returns 1: there is nothing to ask, which pp_tlsinspect_ocsp() reports as such.
 *	It returns 0 with the DER response in p->ocsp (p->ocsp_len bytes) and the responder's
 *	URL in p->ocsp_url; the response is not checked here: pp_tlsinspect_ocsp() judges it
 *	as it judges a stapled one. Otherwise -1, or -2 when the time ran out, with p->ocsp_err
 *	saying why ("not asked: the chain does not verify (...)", "the issuer ... is
 *	neither in the chain nor trusted", "Failed to connect to
 *	127.0.0.1 port 1 ...", "HTTP 500 (only 200 is an answer)") and p->ocsp_url set when
 *	the certificate named one. Safe to call from several threads at once.
 */
#ifndef PP_OCSPFETCH_H
#define PP_OCSPFETCH_H

#include "tls/tlsfetch.h"

#define PP_OCSPFETCH_MAX_BODY 65536 /* a response with a few certificates is a few KB */

int pp_ocspfetch(pp_tls_peer *p, const char *cafile);

#endif
