/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	tlsfetch - the certificate chain a server presents (plain TLS or SMTP/IMAP/POP3
 *	STARTTLS), or the one in a PEM file
 * SYNOPSIS
 *	int pp_tlsfetch(const pp_tlsfetch_opts *o, pp_tls_peer *p, char *err, size_t errlen);
 *	int pp_tlsfetch_file(const char *path, pp_tls_peer *p, char *err, size_t errlen);
 *	void pp_tls_peer_free(pp_tls_peer *p);
 *	int pp_tlsfetch_starttls_parse(const char *name, pp_starttls *st);
 *	const char *pp_tlsfetch_starttls_name(pp_starttls st);
 *	void pp_tls_cert_name(const X509 *x, char *out, size_t len);
 * DESCRIPTION
 *	pp_tlsfetch() runs a session of common/mail/mailsession without login in its inspect mode:
 *	connect to o->host (every address of o->family in turn) and port, the plaintext
 *	dialogue of STARTTLS when asked (SMTP: banner, EHLO, STARTTLS; IMAP: greeting,
 *	CAPABILITY, STARTTLS; POP3: greeting, CAPA, STLS), then a TLS handshake that accepts
 *	anything the server offers (every protocol version and key size, no verification:
 *	judging is tlsinspect's job), with SNI o->sni (not sent for an address) and, with
 *	o->ocsp, a request for a stapled OCSP response; then QUIT or LOGOUT. Every wait is
 *	limited by the -t time left. It fills p with the chain as presented (leaf first), the
 *	protocol version and cipher, the stapled response, the address used and how long the
 *	connect and the handshake took. It returns 0, -2 when a wait ran out of time, or -1,
 *	both with err in mailsession's words:
 *	refused, "timed out after 3.0 s waiting for the banner", "server does not offer
 *	STARTTLS", "TLS handshake failed: <OpenSSL's reason>", "server sent data after its reply
 *	to STARTTLS (a command injection, CVE-2011-0411)".
 *	pp_tlsfetch_file() reads every certificate of a PEM file (leaf first, as Postfix's
 *	smtpd_tls_cert_file holds them); -1 with err when the file cannot be read or holds none.
 *	pp_tls_peer_free() frees what a peer holds, an OCSP response asked for by ocspfetch too.
 *	pp_tls_cert_name() names a certificate for messages: "CN=mx1.example.org", or its
 *	whole subject when it has no CN.
 */
#ifndef PP_TLSFETCH_H
#define PP_TLSFETCH_H

#include <openssl/x509.h>
#include <stdbool.h>
#include <stddef.h>

typedef enum pp_starttls {
    PP_STARTTLS_NONE,
    PP_STARTTLS_SMTP,
    PP_STARTTLS_IMAP,
    PP_STARTTLS_POP3
} pp_starttls;

typedef struct pp_tlsfetch_opts {
    const char *host;
    long port;
    int family;          /* AF_UNSPEC, AF_INET, AF_INET6 */
    pp_starttls starttls;
    const char *sni;     /* NULL: none */
    const char *helo;    /* SMTP EHLO name; NULL: this host's name */
    bool ocsp;           /* ask for a stapled OCSP response */
} pp_tlsfetch_opts;

typedef struct pp_tls_peer {
    STACK_OF(X509) *chain;  /* leaf first; owned */
    int version;            /* TLS1_2_VERSION...; 0 for a file */
    char version_name[16];
    char cipher[64];
    unsigned char *ocsp;    /* OCSP response (DER), NULL when none */
    size_t ocsp_len;
    char *ocsp_url;         /* the responder it was asked from (ocspfetch), NULL: stapled */
    char *ocsp_err;         /* why asking the responder gave no response, NULL: not asked */
    bool ocsp_none;         /* the leaf names no responder to ask (ocspfetch) */
    char addr[64];          /* the address connected to */
    double t_connect;       /* seconds for the TCP connect */
    double t_tls;           /* seconds for the TLS handshake */
} pp_tls_peer;

int pp_tlsfetch(const pp_tlsfetch_opts *o, pp_tls_peer *p, char *err, size_t errlen);
int pp_tlsfetch_file(const char *path, pp_tls_peer *p, char *err, size_t errlen);
void pp_tls_peer_free(pp_tls_peer *p);
int pp_tlsfetch_starttls_parse(const char *name, pp_starttls *st);
const char *pp_tlsfetch_starttls_name(pp_starttls st);
void pp_tls_cert_name(const X509 *x, char *out, size_t len);

#endif
