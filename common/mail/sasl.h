/*
 * NAME
 *	sasl - the client side of SASL mechanisms: PLAIN, LOGIN, CRAM-MD5, SCRAM-SHA-1,
 *	SCRAM-SHA-256
 * SYNOPSIS
 *	int pp_sasl_supported(const char *mech);
 *	int pp_sasl_pick(const char *offered, char *out, size_t outlen);
 *	pp_sasl *pp_sasl_new(const char *mech, const char *user, const char *password,
 *			     const char *nonce);
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
 *	SCRAM-SHA-256, SCRAM-SHA-1, CRAM-MD5, PLAIN, LOGIN; it returns 0, or -1 when none.
 *	pp_sasl_new() starts an exchange; nonce (for tests) fixes the SCRAM client nonce,
 *	NULL draws one from OpenSSL's generator.
 *	pp_sasl_initial() gives the initial response (allocated) for mechanisms that have one
 *	(PLAIN, SCRAM), NULL for the others.
 *	pp_sasl_step() answers a server challenge: it returns 0 with *response allocated (maybe
 *	an empty string), or -1 with err: a challenge that is not base64, a SCRAM nonce the
 *	server did not extend, a server signature that does not verify (the server does not
 *	know the password: it is not the server it claims to be), a SCRAM error from the
 *	server, a step too many.
 *	pp_sasl_done() checks, after the server said yes, that the exchange is complete (for
 *	SCRAM: the server's signature was seen and verified); 0 or -1 with err.
 *	Every buffer that held the password or a key is wiped before it is freed.
 */
#ifndef PP_SASL_H
#define PP_SASL_H

#include <stddef.h>

typedef struct pp_sasl pp_sasl;

int pp_sasl_supported(const char *mech);
int pp_sasl_pick(const char *offered, char *out, size_t outlen);
pp_sasl *pp_sasl_new(const char *mech, const char *user, const char *password,
                     const char *nonce);
char *pp_sasl_initial(pp_sasl *s);
int pp_sasl_step(pp_sasl *s, const char *challenge, char **response, char *err, size_t errlen);
int pp_sasl_done(const pp_sasl *s, char *err, size_t errlen);
void pp_sasl_free(pp_sasl *s);
char *pp_sasl_b64(const unsigned char *data, size_t len);
unsigned char *pp_sasl_unb64(const char *text, size_t *len);

#endif
