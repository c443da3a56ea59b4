/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	mailconn - one TCP connection to a mail server, plaintext then TLS, with deadlines
 * SYNOPSIS
 *	pp_mailconn *pp_mailconn_open(const char *host, long port, int family,
 *				      pp_mailconn_times *t, char *err, size_t errlen);
 *	int pp_mailconn_tls(pp_mailconn *c, const pp_mailconn_tlsopts *t, char *err, size_t errlen);
 *	X509_STORE *pp_mailconn_trust_store(const char *cafile, char *err, size_t errlen);
 *	pp_linereader *pp_mailconn_reader(pp_mailconn *c);
 *	bool pp_mailconn_pending(const pp_mailconn *c);
 *	SSL *pp_mailconn_ssl(const pp_mailconn *c);
 *	const char *pp_mailconn_addr(const pp_mailconn *c);
 *	void pp_mailconn_close(pp_mailconn *c);
 * DESCRIPTION
 *	pp_mailconn_open() resolves host (getaddrinfo, for family) and connects to each address
 *	in turn until one answers; t gets the seconds the lookup and the connect took. It
 *	returns NULL with err in words: "cannot resolve HOST: ...", "connection to HOST port N
 *	refused", "timed out after 2.8 s connecting to HOST port N".
 *	pp_mailconn_tls() makes the TLS handshake on the connection (right away for implicit
 *	TLS, after the STARTTLS exchange otherwise). With t->verify it checks the chain
 *	(t->cafile, or the system's store) and that the certificate is for t->name (a host
 *	name, wildcards allowed, or an address), sending t->sni as SNI; with t->inspect it
 *	accepts whatever the server offers (every protocol version and key size), for the
 *	judging to be done afterwards, and with t->ocsp asks for a stapled OCSP response. It
 *	returns 0, -1 with err ("certificate verification failed: <reason>", "TLS handshake
 *	failed: <OpenSSL's reason>", "connection closed by the server in the TLS handshake",
 *	"timed out after 2.8 s in the TLS handshake"), or -2 when t->cafile cannot be used;
 *	the time it took is in the tls member of the times given to pp_mailconn_open().
 *	pp_mailconn_trust_store() is the store certificates are verified against: the CA file,
 *	or OpenSSL's default places, the hashed directory and the bundle file (SSL_CERT_DIR and
 *	SSL_CERT_FILE move them; a system may have either or both); NULL with err when the CA
 *	file cannot be used.
 *	pp_mailconn_reader() is the line reader of the connection: plaintext before the
 *	handshake, TLS after it; every wait is limited by the -t time left.
 *	pp_mailconn_pending() tells whether the server sent bytes nobody has read yet: before a
 *	STARTTLS handshake, that is data injected behind the reply (CVE-2011-0411).
 *	pp_mailconn_close() ends TLS with a close_notify (not waited for) and closes.
 */
#ifndef PP_MAILCONN_H
#define PP_MAILCONN_H

#include <openssl/ssl.h>
#include <stdbool.h>
#include <stddef.h>

#include "mail/linereader.h"

typedef struct pp_mailconn pp_mailconn;

typedef struct pp_mailconn_times {
    double dns, connect, tls; /* seconds; tls is set by pp_mailconn_tls() */
} pp_mailconn_times;

typedef struct pp_mailconn_tlsopts {
    bool verify;          /* the chain and the name */
    const char *cafile;   /* NULL: the system's trust store */
    const char *name;     /* the name the certificate must be for */
    const char *sni;      /* sent as SNI unless NULL or an address */
    bool inspect;         /* accept anything: the caller judges the chain */
    bool ocsp;            /* ask for a stapled OCSP response */
} pp_mailconn_tlsopts;

pp_mailconn *pp_mailconn_open(const char *host, long port, int family, pp_mailconn_times *t,
                              char *err, size_t errlen);
int pp_mailconn_tls(pp_mailconn *c, const pp_mailconn_tlsopts *t, char *err, size_t errlen);
X509_STORE *pp_mailconn_trust_store(const char *cafile, char *err, size_t errlen);
pp_linereader *pp_mailconn_reader(pp_mailconn *c);
bool pp_mailconn_pending(const pp_mailconn *c);
SSL *pp_mailconn_ssl(const pp_mailconn *c);
const char *pp_mailconn_addr(const pp_mailconn *c);
void pp_mailconn_close(pp_mailconn *c);

#endif
