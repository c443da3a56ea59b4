/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	relay_mx - the MX configuration of many mail domains: looked up concurrently, judged,
 *	and optionally probed over SMTP
 * SYNOPSIS
 *	pp_rmx *pp_rmx_new(void);
 *	void pp_rmx_add(pp_rmx *x, const char *domain);
 *	void pp_rmx_finish_list(pp_rmx *x);
 *	pp_rmx_domain *pp_rmx_find(pp_rmx *x, const char *domain);
void pp_rmx_route_parse(const char *transport, const char *command, const char *domain,
                        pp_rmx_route *r);
void pp_rmx_set_transport(pp_rmx_domain *d, const char *transport, const char *command);
 *	void pp_rmx_route_parse(const char *transport, const char *command, const char *domain,
 *				pp_rmx_route *r);
 *	void pp_rmx_set_transport(pp_rmx_domain *d, const char *transport, const char *command);
 *	void pp_rmx_resolve(pp_rmx *x, pp_dns *d);
 *	void pp_rmx_judge(pp_rmx *x, const pp_rmx_expect *e);
 *	void pp_rmx_probe(pp_rmx *x, const pp_rmx_probe_opts *o);
 *	void pp_rmx_note(pp_rmx_domain *dom, pp_rmx_problem p, const char *fmt, ...);
 *	const char *pp_rmx_problem_text(pp_rmx_problem p);
 *	pp_state pp_rmx_problem_state(pp_rmx_problem p);
 *	void pp_rmx_describe(const pp_rmx_domain *dom, pp_buf *out);
 *	void pp_rmx_free(pp_rmx *x);
 * DESCRIPTION
 *	pp_rmx_add() adds a domain (lowercase, without trailing dot); pp_rmx_finish_list()
 *	sorts them and removes duplicates; after it, pp_rmx_find() finds a domain by binary
 *	search (NULL if absent) and the entries stay where they are.
 *	pp_rmx_route_parse() (pure) reads a transport_maps value "transport:nexthop" the way
 *	Postfix uses it; command is the program of the transport's master.cf service ("smtp"
 *	for "relay", "error" for "retry"; NULL: the transport's name). smtp and lmtp deliver
 *	over the network: smtp to the MX hosts of a name (the domain when the next hop is
 *	empty), straight to "[host]" (its addresses, no MX lookup); lmtp never looks up MX,
 *	and "lmtp:unix:PATH" is a local socket; a next hop that is an IP address needs no DNS
 *	at all. Every other program is no network next hop: r->action says what Postfix does
 *	(error bounces, or defers as the "retry" service; discard, local, virtual, pipe ...).
 *	pp_rmx_set_transport() gives domain d its transport_maps value and the route it
 *	makes.
 *	pp_rmx_resolve() asks the MX of every domain at once, then the A and AAAA records of
 *	every distinct MX host (and of domains without MX, for the implicit MX), all through d.
 *	A domain that is not inbound (d->inbound false: it is only a transport_maps key) is
 *	looked up as Postfix's route for it goes: the MX of its smtp next hop name, the
 *	addresses of its next hop host, or nothing for an address, a socket or a local
 *	delivery. Memory is one entry per domain and per distinct host.
 *	pp_rmx_judge() is pure: from the answers it notes each domain's problems (see
 *	pp_rmx_problem), each with its detail ("MX 10 a.example is an alias of b.example"; ""
 *	when the problem says it all). pp_rmx_note() adds one.
 *	pp_rmx_probe() connects to each usable MX host (its first address that answers) on
 *	o->port, banner and EHLO, and with o->rcpt a RCPT TO for an address that must not
 *	exist in each domain it serves ("LOCALPART" becomes LOCALPART@domain; an address with
 *	"@" is used as it is), at most 5 recipients per session; o->parallel sessions at a
 *	time. Results are noted as problems of the domains.
 *	pp_rmx_describe() appends a line on a domain (its name left out): its MX set,
 *	addresses, transport, and where the transport_maps entry sends it compared with its MX
 *	hosts.
 */
#ifndef PP_RELAY_MX_H
#define PP_RELAY_MX_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

#include "core/buf.h"
#include "dns/dns.h"
#include "core/state.h"

typedef enum pp_rmx_problem {
    PP_RMX_NXDOMAIN,      /* the domain does not exist */
    PP_RMX_SERVFAIL,      /* the MX lookup failed on the server side */
    PP_RMX_DNS_FAILED,    /* no usable answer: timeout, REFUSED, malformed */
    PP_RMX_NO_MAIL,       /* no MX and no address: undeliverable */
    PP_RMX_NULL_MX,       /* "MX 0 ." : the domain says it takes no mail */
    PP_RMX_NULL_MX_MIXED, /* null MX next to other MX records */
    PP_RMX_NO_USABLE_MX,  /* no MX host has an address */
    PP_RMX_HOP_NOADDR,    /* the next hop host of transport_maps has no address */
    PP_RMX_UNEXPECTED,    /* not the MX set the admin expects */
    PP_RMX_SMTP_DOWN,     /* no MX host completes banner + EHLO */
    PP_RMX_SMTP_REFUSED,  /* none does, and some answered with a refusal (554 banner, ...) */
    PP_RMX_IMPLICIT,      /* no MX record, A/AAAA used (RFC 5321 5.1) */
    PP_RMX_CNAME,         /* an MX target is an alias (RFC 2181 10.3) */
    PP_RMX_IP_LITERAL,    /* an MX target is an address, not a name */
    PP_RMX_HOST_NOADDR,   /* some MX host has no address */
    PP_RMX_V6_ONLY,       /* every usable MX host is IPv6-only */
    PP_RMX_HOST_FAILED,   /* some MX host's address lookup failed */
    PP_RMX_SMTP_SOME,     /* some MX host does not answer SMTP */
    PP_RMX_ACCEPTS_ANY,   /* an MX host accepts an unknown recipient */
    PP_RMX_RCPT_TEMP,     /* an MX host deferred the unknown recipient */
    PP_RMX_BACKSCATTER,   /* this relay accepts unknown recipients (Postfix settings) */
    PP_RMX_SMTP_OK,       /* (not a problem) an MX host answers SMTP */
    PP_RMX_RCPT_REFUSED,  /* (not a problem) an MX host refuses the unknown recipient */
    PP_RMX_NPROBLEMS
} pp_rmx_problem;

typedef struct pp_rmx_host {
    char *name;
    pp_dns_status a, aaaa; /* status of the A and AAAA lookups */
    bool alias;            /* the name is a CNAME */
    char *alias_target;
    size_t n4, n6;
    struct sockaddr_storage addr[4]; /* the first addresses, for probes */
    socklen_t addrlen[4];
    size_t naddr;
    char err[256]; /* the lookup failure, if any */
    double seconds;
    bool used;     /* some domain relies on it (probe it) */
} pp_rmx_host;

typedef struct pp_rmx_mx {
    unsigned pref;
    char *name;
    pp_rmx_host *host; /* NULL for the null MX and IP literals */
} pp_rmx_mx;

typedef struct pp_rmx_issue {
    pp_rmx_problem problem;
    char *text;
} pp_rmx_issue;

typedef enum pp_rmx_hop {
    PP_RMX_HOP_MX,      /* smtp to the MX hosts of r->host */
    PP_RMX_HOP_HOST,    /* smtp to [host], or lmtp to host: its addresses, no MX */
    PP_RMX_HOP_ADDRESS, /* smtp or lmtp to an IP address: no DNS */
    PP_RMX_HOP_SOCKET,  /* lmtp over the local socket r->host */
    PP_RMX_HOP_LOCAL    /* no network next hop: r->action */
} pp_rmx_hop;

typedef struct pp_rmx_route {
    pp_rmx_hop hop;
    char host[256]; /* the MX domain, host, address or socket path */
    char port[32];  /* "" : the transport's default */
    char action[256];
} pp_rmx_route;

typedef struct pp_rmx_domain {
    char *name;
    char *transport; /* its transport_maps entry, or NULL */
    pp_rmx_route route; /* where the transport_maps entry sends it (with transport) */
    bool relayed;    /* listed in relay_domains */
    bool inbound;    /* its own MX is judged (pp_rmx_add: true) */
    pp_rmx_host *hop;   /* the next hop host of a domain that is not inbound */
    pp_dns_status status;
    char err[192];
    double seconds;
    pp_rmx_mx *mx;
    size_t nmx;
    pp_rmx_host *self; /* the domain as its own host, without MX */
    pp_rmx_issue *notes;
    size_t nnotes;
} pp_rmx_domain;

typedef struct pp_rmx {
    pp_rmx_domain *dom;
    size_t ndom, cap;
    pp_rmx_host *hosts; /* sorted by name */
    size_t nhosts;
    double slowest; /* the slowest DNS answer */
} pp_rmx;

typedef struct pp_rmx_expect {
    const char *const *names; /* the exact MX host set, or */
    size_t nnames;
    const void *regex; /* a pcre2_code every MX host must match (or NULL) */
} pp_rmx_expect;

typedef struct pp_rmx_probe_opts {
    unsigned port;
    const char *helo;
    const char *mail_from;
    const char *rcpt; /* NULL: banner and EHLO only */
    double timeout;
    int parallel;
} pp_rmx_probe_opts;

pp_rmx *pp_rmx_new(void);
void pp_rmx_add(pp_rmx *x, const char *domain);
void pp_rmx_finish_list(pp_rmx *x);
pp_rmx_domain *pp_rmx_find(pp_rmx *x, const char *domain);
void pp_rmx_route_parse(const char *transport, const char *command, const char *domain,
                        pp_rmx_route *r);
void pp_rmx_set_transport(pp_rmx_domain *d, const char *transport, const char *command);
void pp_rmx_resolve(pp_rmx *x, pp_dns *d);
void pp_rmx_judge(pp_rmx *x, const pp_rmx_expect *e);
void pp_rmx_probe(pp_rmx *x, const pp_rmx_probe_opts *o);
void pp_rmx_note(pp_rmx_domain *dom, pp_rmx_problem p, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
const char *pp_rmx_problem_text(pp_rmx_problem p);
pp_state pp_rmx_problem_state(pp_rmx_problem p);
void pp_rmx_describe(const pp_rmx_domain *dom, pp_buf *out);
void pp_rmx_free(pp_rmx *x);

#endif
