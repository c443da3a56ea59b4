/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	sasl - the client side of SASL mechanisms: PLAIN, LOGIN, CRAM-MD5, SCRAM-SHA-1,
 *	SCRAM-SHA-256
 * SYNOPSIS
 *	int pp_sasl_supported(const char *mech);
 *	int pp_sasl_pick(const char *offered, bool challenge_only, char *out, size_t outlen);
 *	pp_sasl *pp_sasl_new(const char *mech, const char *user, const char *password,
 *			     const char *nonce, char *err, size_t errlen);
 *	void pp_sasl_min_iterations(pp_sasl *s, long n);
 *	char *pp_sasl_initial(pp_sasl *s);
 *	int pp_sasl_step(pp_sasl *s, const char *challenge, char **response, char *err,
 *			 size_t errlen);
 *	int pp_sasl_done(const pp_sasl *s, char *err, size_t errlen);
 *	void pp_sasl_free(pp_sasl *s);
 *	char *pp_sasl_b64(const unsigned char *data, size_t len);
 *	unsigned char *pp_sasl_unb64(const char *text, size_t *len);
 * DESCRIPTION
 *	Pure: no I/O. Challenges and responses are base64 text as SMTP, IMAP and POP3 carry
 *	them (RFC 4954, 3501, 5034).
 *	pp_sasl_supported() is 1 for a mechanism this module speaks (any case).
 *	pp_sasl_pick() chooses the best supported mechanism among offered (space separated):
 *	SCRAM-SHA-256, SCRAM-SHA-1, CRAM-MD5, PLAIN, LOGIN; with challenge_only only those
 *	that never send the password, not even encoded (SCRAM, CRAM-MD5), which is what may
 *	go over a connection without TLS. It returns 0, or -1 when none.
 *	pp_sasl_new() starts an exchange; nonce (for tests) fixes the SCRAM client nonce,
 *	NULL draws one from OpenSSL's generator. For SCRAM the user name and the password
 *	are prepared with SASLprep (common/mail/saslprep; RFC 5802 5.1). It returns NULL with
 *	err when the generator fails or SASLprep refuses a string ("SASLprep: the password
 *	holds a character SASLprep prohibits ...": the text never holds the secret).
 *	pp_sasl_min_iterations() sets the smallest SCRAM iteration count accepted from the
 *	server (default PP_SASL_MIN_ITERATIONS, 4096: RFC 7677 section 4); fewer, and the
 *	exchange stops before the proof is computed: a server (or someone in the middle) asking
 *	for i=1 would get a proof that is cheap to attack offline.
 *	pp_sasl_initial() gives the initial response (allocated) for mechanisms that have one
 *	(PLAIN, SCRAM), NULL for the others.
 *	pp_sasl_step() answers a server challenge: it returns 0 with *response allocated (maybe
 *	an empty string), or -1 with err: a challenge that is not base64, a SCRAM nonce the
 *	server did not extend, a server signature that does not verify (the server does not
 *	know the password: it is not the server it claims to be), a SCRAM error from the
 *	server, an iteration count below the minimum, a step too many.
 *	pp_sasl_done() checks, after the server said yes, that the exchange is complete (for
 *	SCRAM: the server's signature was seen and verified); 0 or -1 with err.
 *	Every buffer that held the password, a key, the client proof or the server signature
 *	is wiped before it is freed or left.
 */
#ifndef PP_SASL_H
#define PP_SASL_H

#include <stdbool.h>
#include <stddef.h>

#define PP_SASL_MIN_ITERATIONS 4096

typedef struct pp_sasl pp_sasl;

int pp_sasl_supported(const char *mech);
int pp_sasl_pick(const char *offered, bool challenge_only, char *out, size_t outlen);
pp_sasl *pp_sasl_new(const char *mech, const char *user, const char *password,
                     const char *nonce, char *err, size_t errlen);
void pp_sasl_min_iterations(pp_sasl *s, long n);
char *pp_sasl_initial(pp_sasl *s);
int pp_sasl_step(pp_sasl *s, const char *challenge, char **response, char *err, size_t errlen);
int pp_sasl_done(const pp_sasl *s, char *err, size_t errlen);
void pp_sasl_free(pp_sasl *s);
char *pp_sasl_b64(const unsigned char *data, size_t len);
unsigned char *pp_sasl_unb64(const char *text, size_t *len);

#endif
