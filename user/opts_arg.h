/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The option table's types and the values of vrrpd's options, for opts.c (internal to the two):
 * each reader returns 0, or -EINVAL with one message in err.
 */
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
	/* --track-interval, --track-timeout, --rise, --fall: for the --track-script after them. */
	int script_interval_s, script_timeout_s, script_rise, script_fall;
	const char *script_setting; /* one of those given since the last --track-script */
};

struct opts_def;
/* An option whose value needs more than a number or a path. */
typedef int (*opts_fn)(struct opts *o, struct opts_pending *pd, const struct opts_def *d,
		       const char *arg, char *err, size_t errlen);

enum opts_kind {
	OPTS_K_FN, /* fn reads the value */
	OPTS_K_INT, /* an int field, min..max */
	OPTS_K_PATH, /* a char[OPTS_PATH_MAX] field */
	OPTS_K_SET, /* a bool field set to true */
	OPTS_K_CLEAR, /* a bool field set to false */
	OPTS_K_TOGGLE, /* a bool field flipped */
	OPTS_K_STOP, /* a bool field set, and the rest of the line ignored (-h, -V) */
};

/* One option: what getopt, the parser, the usage text and conf.c know of it. */
struct opts_def {
	char letter; /* the short option, 0 if none */
	const char *name; /* the long option, NULL if none */
	const char *arg; /* its value in the usage text, NULL: it takes none */
	enum opts_kind kind;
	enum opts_scope scope;
	size_t off; /* the field of struct opts (all kinds but OPTS_K_FN) */
	long min, max; /* OPTS_K_INT */
	const char *what; /* OPTS_K_INT: the value in messages ("count"); OPTS_K_PATH: the path */
	const char *unit; /* OPTS_K_INT: after the range in messages, "" or " s" */
	bool zero_off; /* OPTS_K_INT: 0 means off, messages say "0 (off) or 1..max" */
	opts_fn fn; /* OPTS_K_FN */
	const char *help; /* the usage text; "\n" starts a line of its own */
};

#define OPTS_FN(name)                                                                          \
	int name(struct opts *o __attribute__((unused)),                                       \
		 struct opts_pending *pd __attribute__((unused)),                              \
		 const struct opts_def *d __attribute__((unused)), const char *arg, char *err, \
		 size_t errlen)

/* The options whose value needs more than a range or a path (opts_table's OPTS_K_FN). */
OPTS_FN(opts_v_ifname);
OPTS_FN(opts_v_vrid);
OPTS_FN(opts_v_prio);
OPTS_FN(opts_v_interval);
OPTS_FN(opts_v_auth);
OPTS_FN(opts_v_magic);
OPTS_FN(opts_v_version);
OPTS_FN(opts_v_checksum);
OPTS_FN(opts_v_group);
OPTS_FN(opts_v_name);
OPTS_FN(opts_v_keepalived);
OPTS_FN(opts_v_config);
OPTS_FN(opts_v_track);
OPTS_FN(opts_v_peer);
OPTS_FN(opts_v_track_script);
OPTS_FN(opts_v_notify);
OPTS_FN(opts_v_link_delay);
OPTS_FN(opts_v_track_file);
OPTS_FN(opts_v_track_process);
OPTS_FN(opts_v_script_setting);

/* The name of an option as messages give it: -X, or --NAME for a long-only one. */
const char *opts_def_name(const struct opts_def *d, char buf[40]);

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
/*
 * A weight at the very end of s: a colon, a sign and digits (-254..+254). The length of what
 * comes before it (the whole of s without one), or -EINVAL with *w out of range.
 */
int opts_signed_weight(const char *s, bool *weighted, int *w);
/* --track-script 'CMD ARGS'[:+W|:-W], with the settings given before it (pd). */
int opts_track_script(struct opts *o, struct opts_pending *pd, const char *s, char *err,
		      size_t errlen);
/* --track IFACE[:WEIGHT] */
int opts_track(struct opts *o, const char *s, char *err, size_t errlen);

#endif /* VRRPD_OPTS_ARG_H */
