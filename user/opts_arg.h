/* SPDX-License-Identifier: GPL-2.0 */
/* The values of vrrpd's options, for opts.c: each returns 0, or -EINVAL with one message in err. */
#ifndef VRRPD_OPTS_ARG_H
#define VRRPD_OPTS_ARG_H

#include <stdbool.h>
#include <stddef.h>

#include "opts.h"

#define OPTS_INT_DFL_CS 100
#define OPTS_V2_MAX_INT_CS (255 * 100) /* the larger range of the two versions */

/* What is only checked once every option is known (--vrrp-version may come last). */
struct opts_pending {
	const char *interval; /* -d as given, NULL: default */
	long interval_cs; /* its value, capped at OPTS_V2_MAX_INT_CS + 1 */
	const char *auth; /* -a pw/... as given */
	const char *csum; /* --checksum as given */
	const char *magic_src; /* -I as given */
	const char *magic_dst; /* -O as given */
	bool have_vrid;
	const char *instance_opt; /* the first option (or VIP) given that belongs to an instance */
};

/* err gets the message, its control characters as '?'; returns -EINVAL. */
__attribute__((format(printf, 3, 4))) int opts_err(char *err, size_t errlen, const char *fmt, ...);
/* Strict decimal: digits only (no sign, no blanks, no base prefix), the whole string, in range. */
int opts_num(const char *s, long min, long max, long *out);
/*
 * "S", "S.F" in seconds -> centiseconds; finer than that is -ERANGE. Anything above max_cs is
 * reported as max_cs + 1.
 */
int opts_interval_cs(const char *s, long max_cs, long *out);
/* -i IFACE: what Linux's dev_valid_name() accepts. */
int opts_ifname(struct opts *o, const char *s, char *err, size_t errlen);
/* A path into dst (OPTS_PATH_MAX), for option opt; what: what it is, in the message. */
int opts_path(char *dst, const char *s, const char *opt, const char *what, char *err,
	      size_t errlen);
/* A priority 1..255 for option opt. */
int opts_prio(const char *s, const char *opt, long *out, char *err, size_t errlen);
/* Dotted decimal A.B.C.D only, into *addr (network order); -EINVAL. */
int opts_ip4(const char *s, uint32_t *addr);
/* fe80::/10 (RFC 4291 2.5.6). */
bool opts_link_local6(const union vrrpd_addr *a);
/* A positional argument: A.B.C.D[/LEN] or an IPv6 address X:X::X[/LEN]. */
int opts_vip(struct opts *o, const char *arg, char *err, size_t errlen);
/* --peer A.B.C.D */
int opts_peer(struct opts *o, const char *arg, char *err, size_t errlen);
/* -a none | pw/SECRET */
int opts_auth(struct opts *o, struct opts_pending *pd, const char *s, char *err, size_t errlen);
/* --track IFACE[:WEIGHT] */
int opts_track(struct opts *o, const char *s, char *err, size_t errlen);

#endif /* VRRPD_OPTS_ARG_H */
