// SPDX-License-Identifier: GPL-2.0
/*
 * The values of vrrpd's options (opts_arg.h): numbers, intervals, names, paths, addresses. Pure,
 * as opts.c: every error is one message in the caller's buffer.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "addr.h"
#include "opts_arg.h"

/*
 * The message quotes the arguments, which may hold any byte: their control characters show as
 * '?', so that it stays one line on the terminal and in the log (a newline in an argument made
 * two; found by tests/fuzz/fuzz_opts).
 */
int opts_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
		for (char *p = err; *p; p++)
			if ((unsigned char)*p < 0x20 || *p == 0x7f)
				*p = '?';
	}
	return -EINVAL;
}

/* Strict decimal: digits only (no sign, no blanks, no base prefix), the whole string, in range. */
int opts_num(const char *s, long min, long max, long *out)
{
	char *end;
	long v;

	if (!isdigit((unsigned char)s[0]))
		return -EINVAL;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

/*
 * "S", "S.F" in seconds -> centiseconds. The value must be an exact number of centiseconds
 * ("1.50" is fine, "0.015" is not). Anything above max_cs is reported as max_cs + 1.
 */
int opts_interval_cs(const char *s, long max_cs, long *out)
{
	const char *p = s;
	long cs = 0;
	int frac = 0;

	if (!isdigit((unsigned char)*p))
		return -EINVAL;
	for (; isdigit((unsigned char)*p); p++)
		if (cs <= max_cs)
			cs = cs * 10 + (*p - '0');
	if (cs > max_cs / 100 + 1)
		cs = max_cs / 100 + 1;
	cs *= 100;
	if (*p == '.') {
		p++;
		if (!isdigit((unsigned char)*p))
			return -EINVAL;
		for (; isdigit((unsigned char)*p); p++, frac++) {
			if (frac == 0)
				cs += (*p - '0') * 10;
			else if (frac == 1)
				cs += *p - '0';
			else if (*p != '0')
				return -ERANGE; /* finer than a centisecond */
		}
	}
	if (*p)
		return -EINVAL;
	*out = cs > max_cs ? max_cs + 1 : cs;
	return 0;
}

/* What Linux's dev_valid_name() accepts; whether it exists is the caller's business. */
int opts_ifname(struct opts *o, const char *s, char *err, size_t errlen)
{
	if (!*s)
		return opts_err(err, errlen, "invalid interface name '' for -i: empty");
	if (strlen(s) >= IF_NAMESIZE)
		return opts_err(err, errlen,
				"interface name too long: '%s' for -i (at most %d characters)", s,
				IF_NAMESIZE - 1);
	if (!strcmp(s, ".") || !strcmp(s, ".."))
		return opts_err(err, errlen, "invalid interface name '%s' for -i", s);
	for (const char *p = s; *p; p++) {
		unsigned char c = (unsigned char)*p;

		if (c == '/' || c == ':' || c == ' ')
			return opts_err(err, errlen,
					"invalid interface name '%s' for -i: '%c' is not allowed",
					s, c);
		/* A tab or a newline, named: opts_err() would show it as '?'. */
		if (isspace(c))
			return opts_err(
				err, errlen,
				"invalid interface name '%s' for -i: '\\x%02x' is not allowed", s,
				c);
	}
	snprintf(o->ifname, sizeof(o->ifname), "%s", s);
	return 0;
}

int opts_path(char *dst, const char *s, const char *opt, const char *what, char *err, size_t errlen)
{
	if (!*s)
		return opts_err(err, errlen, "invalid %s '' for %s: empty", what, opt);
	if (strlen(s) >= OPTS_PATH_MAX)
		return opts_err(err, errlen, "%s too long for %s (at most %d characters)", what,
				opt, OPTS_PATH_MAX - 1);
	snprintf(dst, OPTS_PATH_MAX, "%s", s);
	return 0;
}

int opts_prio(const char *s, const char *opt, long *out, char *err, size_t errlen)
{
	if (opts_num(s, 1, 255, out) == 0)
		return 0;
	if (!strcmp(s, "0"))
		return opts_err(
			err, errlen,
			"invalid priority '0' for %s: must be 1..255 (0 is reserved for a resigning master)",
			opt);
	return opts_err(err, errlen, "invalid priority '%s' for %s: must be 1..255", s, opt);
}

int opts_ip4(const char *s, uint32_t *addr)
{
	struct in_addr a;

	/* inet_pton() takes dotted decimal only: no "10.1", no hex, no octal. */
	if (inet_pton(AF_INET, s, &a) != 1)
		return -EINVAL;
	*addr = a.s_addr;
	return 0;
}

/* fe80::/10 (RFC 4291 2.5.6). */
bool opts_link_local6(const union vrrpd_addr *a)
{
	return a->v6[0] == 0xfe && (a->v6[1] & 0xc0) == 0x80;
}

/* IPv4 A.B.C.D: one a host may have. 0 or an error. */
static int opts_vip4(const char *arg, uint32_t addr, char *err, size_t errlen)
{
	uint32_t h = ntohl(addr);

	if (h == 0)
		return opts_err(err, errlen, "invalid virtual IP address '%s': 0.0.0.0", arg);
	if (h == 0xffffffff)
		return opts_err(err, errlen, "invalid virtual IP address '%s': broadcast", arg);
	if ((h & 0xf0000000) == 0xe0000000)
		return opts_err(err, errlen, "invalid virtual IP address '%s': multicast", arg);
	return 0;
}

/* IPv6: unicast, not :: or ::1 (RFC 4291 2.5.2, 2.5.3, 2.7). */
static int opts_vip6(const char *arg, const union vrrpd_addr *a, char *err, size_t errlen)
{
	static const union vrrpd_addr loopback = { .v6 = { [15] = 1 } };

	if (addr_is_zero(a))
		return opts_err(err, errlen, "invalid virtual IP address '%s': ::", arg);
	if (addr_eq(a, &loopback))
		return opts_err(err, errlen, "invalid virtual IP address '%s': loopback", arg);
	if (a->v6[0] == 0xff)
		return opts_err(err, errlen, "invalid virtual IP address '%s': multicast", arg);
	return 0;
}

/* A positional argument: A.B.C.D[/LEN] or an IPv6 address X:X::X[/LEN]. */
int opts_vip(struct opts *o, const char *arg, char *err, size_t errlen)
{
	char buf[INET6_ADDRSTRLEN];
	const char *slash = strchr(arg, '/');
	size_t len = slash ? (size_t)(slash - arg) : strlen(arg);
	union vrrpd_addr addr = { 0 };
	int family = AF_INET, ret;
	long plen;

	if (len >= sizeof(buf))
		goto bad_addr;
	memcpy(buf, arg, len);
	buf[len] = '\0';
	if (strchr(buf, ':')) {
		family = AF_INET6;
		if (inet_pton(AF_INET6, buf, addr.v6) != 1)
			goto bad_addr;
	} else if (opts_ip4(buf, &addr.v4)) {
		goto bad_addr;
	}
	plen = family == AF_INET6 ? 128 : 32;
	if (slash && opts_num(slash + 1, 1, plen, &plen))
		return opts_err(
			err, errlen,
			"invalid prefix length '%s' in virtual IP address '%s': must be 1..%d",
			slash + 1, arg, family == AF_INET6 ? 128 : 32);
	ret = family == AF_INET6 ? opts_vip6(arg, &addr, err, errlen) :
				   opts_vip4(arg, addr.v4, err, errlen);
	if (ret)
		return ret;
	/* RFC 9568 5.2.9: an advert carries addresses of one family, as its IP header. */
	if (o->nvips && o->family != family)
		return opts_err(
			err, errlen,
			"virtual IP address '%s' is %s, the ones before it %s: one family per instance (run another instance, with another VRID, for the other)",
			arg, family == AF_INET6 ? "IPv6" : "IPv4",
			o->family == AF_INET6 ? "IPv6" : "IPv4");
	for (int i = 0; i < o->nvips; i++)
		if (addr_eq(&o->vips[i].addr, &addr))
			return opts_err(err, errlen, "duplicate virtual IP address '%s'", arg);
	if (o->nvips >= OPTS_MAX_VIPS)
		return opts_err(err, errlen, "too many virtual IP addresses at '%s': at most %d",
				arg, OPTS_MAX_VIPS);
	o->family = family;
	o->vips[o->nvips].addr = addr;
	o->vips[o->nvips].prefix_len = (uint8_t)plen;
	o->nvips++;
	return 0;

bad_addr:
	return opts_err(
		err, errlen,
		"invalid virtual IP address '%s': expected A.B.C.D[/LEN] or an IPv6 address[/LEN]",
		arg);
}

/* --peer A.B.C.D: a unicast peer, one of at most VRRPD_MAX_PEERS. */
int opts_peer(struct opts *o, const char *arg, char *err, size_t errlen)
{
	uint32_t addr, h;

	if (opts_ip4(arg, &addr))
		return opts_err(err, errlen, "invalid address '%s' for --peer: expected A.B.C.D",
				arg);
	h = ntohl(addr);
	if (h == 0 || h == 0xffffffff || (h & 0xf0000000) == 0xe0000000 || (h >> 24) == 127)
		return opts_err(err, errlen,
				"invalid address '%s' for --peer: a peer's own unicast address",
				arg);
	for (int i = 0; i < o->npeers; i++)
		if (o->peers[i] == addr)
			return opts_err(err, errlen, "duplicate --peer '%s'", arg);
	if (o->npeers >= VRRPD_MAX_PEERS)
		return opts_err(err, errlen, "too many peers at --peer '%s': at most %d", arg,
				VRRPD_MAX_PEERS);
	o->peers[o->npeers++] = addr;
	return 0;
}

int opts_auth(struct opts *o, struct opts_pending *pd, const char *s, char *err, size_t errlen)
{
	size_t len;

	if (!strcmp(s, "none")) {
		o->auth_type = VRRP_AUTH_NONE;
		memset(o->auth_data, 0, sizeof(o->auth_data));
		pd->auth = NULL;
		return 0;
	}
	if (strncmp(s, "pw/", 3))
		return opts_err(err, errlen,
				"invalid authentication '%s' for -a: use none or pw/SECRET", s);
	len = strlen(s + 3);
	if (len < 1 || len > VRRP_V2_AUTH_LEN)
		return opts_err(err, errlen,
				"invalid password for -a: %zu characters, must be 1..%d", len,
				VRRP_V2_AUTH_LEN);
	/* RFC 2338 5.3.10: the password, zero padded to 8 octets. */
	o->auth_type = VRRP_AUTH_PASS;
	memset(o->auth_data, 0, sizeof(o->auth_data));
	memcpy(o->auth_data, s + 3, len);
	pd->auth = s;
	return 0;
}

/* --track IFACE[:WEIGHT] */
int opts_track(struct opts *o, const char *s, char *err, size_t errlen)
{
	const char *colon = strrchr(s, ':');
	size_t len = colon ? (size_t)(colon - s) : strlen(s);
	struct opts_track *t;
	long w = 0;
	int i;

	if (o->ntracks == OPTS_MAX_TRACKS)
		return opts_err(err, errlen, "too many --track: at most %d", OPTS_MAX_TRACKS);
	if (!len || len >= IF_NAMESIZE || memchr(s, '/', len) || memchr(s, ' ', len))
		return opts_err(err, errlen, "invalid interface '%s' for --track", s);
	if (colon) {
		const char *ws = colon + 1;
		bool neg = *ws == '-';

		if (opts_num(neg || *ws == '+' ? ws + 1 : ws, 0, 254, &w))
			return opts_err(err, errlen,
					"invalid weight in '%s' for --track: must be -254..254", s);
		w = neg ? -w : w;
	}
	for (i = 0; i < o->ntracks; i++)
		if (strlen(o->tracks[i].ifname) == len && !strncmp(o->tracks[i].ifname, s, len))
			return opts_err(err, errlen, "--track '%.*s' given twice", (int)len, s);
	t = &o->tracks[o->ntracks++];
	memcpy(t->ifname, s, len);
	t->ifname[len] = '\0';
	t->weight = (int)w;
	return 0;
}

/*
 * The weight of a --track-script: a colon, a sign and digits at the very end ("check.sh:-20",
 * "check.sh:+10"), so that a command's own colons never pass for one: a port or a URL has no
 * sign before its digits ("curl -f http://127.0.0.1:8080/health", "nc -z gw:80"). A command
 * whose last word does end in ":-N" gives a weight after it ("cmd x:-5:+0").
 */
int opts_signed_weight(const char *s, bool *weighted, int *w)
{
	const char *colon = strrchr(s, ':');
	long v;

	*weighted = false;
	*w = 0;
	if (!colon || (colon[1] != '+' && colon[1] != '-') || !isdigit((unsigned char)colon[2]) ||
	    strspn(colon + 2, "0123456789") != strlen(colon + 2))
		return (int)strlen(s);
	if (opts_num(colon + 2, 0, 254, &v))
		return -EINVAL;
	*weighted = true;
	*w = colon[1] == '-' ? -(int)v : (int)v;
	return (int)(colon - s);
}

int opts_words(const char *cmd, char *buf, size_t len, char *argv[OPTS_CMD_WORDS])
{
	const char *p = cmd;
	size_t o = 0;
	int n = 0;

	while (*p) {
		char q = 0;

		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			break;
		if (n == OPTS_CMD_WORDS - 1)
			return -EINVAL;
		argv[n++] = buf + o;
		for (; *p && (q || (*p != ' ' && *p != '\t')); p++) {
			if (!q && (*p == '\'' || *p == '"'))
				q = *p;
			else if (q && *p == q)
				q = 0;
			else if (o < len - 1)
				buf[o++] = *p;
			else
				return -EINVAL;
		}
		if (q || o >= len)
			return -EINVAL;
		buf[o++] = '\0';
	}
	argv[n] = NULL;
	return n ? n : -EINVAL;
}

/* A command a script option gives: its words must be there, quotes closed. */
static int opts_cmd(const char *s, size_t len, const char *opt, char *err, size_t errlen)
{
	char cmd[OPTS_PATH_MAX], buf[OPTS_PATH_MAX], *argv[OPTS_CMD_WORDS];

	if (!len || isspace((unsigned char)s[0]))
		return opts_err(err, errlen, "invalid %s '%s': a command, then its arguments", opt,
				s);
	if (len >= OPTS_PATH_MAX)
		return opts_err(err, errlen, "%s too long (at most %d characters)", opt,
				OPTS_PATH_MAX - 1);
	memcpy(cmd, s, len);
	cmd[len] = '\0';
	if (opts_words(cmd, buf, sizeof(buf), argv) < 0)
		return opts_err(
			err, errlen,
			"invalid %s '%s': a quote is not closed, or more than %d words (no shell runs it: '...' and \"...\" quote, nothing else is special)",
			opt, cmd, OPTS_CMD_WORDS - 1);
	return 0;
}

int opts_track_script(struct opts *o, struct opts_pending *pd, const char *s, char *err,
		      size_t errlen)
{
	struct opts_script *sc;
	size_t len;
	int n, ret;

	if (o->nscripts == OPTS_MAX_SCRIPTS)
		return opts_err(err, errlen, "too many --track-script: at most %d",
				OPTS_MAX_SCRIPTS);
	sc = &o->scripts[o->nscripts];
	memset(sc, 0, sizeof(*sc));
	n = opts_signed_weight(s, &sc->weighted, &sc->weight);
	if (n < 0)
		return opts_err(err, errlen,
				"invalid weight in '%s' for --track-script: must be -254..+254", s);
	len = (size_t)n;
	while (len && isspace((unsigned char)s[len - 1]))
		len--;
	ret = opts_cmd(s, len, "--track-script", err, errlen);
	if (ret)
		return ret;
	memcpy(sc->cmd, s, len);
	sc->cmd[len] = '\0';
	sc->interval_s = pd->script_interval_s ? pd->script_interval_s : OPTS_TRACK_INTERVAL_DFL_S;
	sc->timeout_s = pd->script_timeout_s ? pd->script_timeout_s : sc->interval_s;
	sc->rise = pd->script_rise ? pd->script_rise : 1;
	sc->fall = pd->script_fall ? pd->script_fall : 1;
	pd->script_setting = NULL;
	o->nscripts++;
	return 0;
}

/* The name of an option as messages give it: -X, or --NAME for a long-only one. */
const char *opts_def_name(const struct opts_def *d, char buf[40])
{
	if (d->letter)
		snprintf(buf, 40, "-%c", d->letter);
	else
		snprintf(buf, 40, "--%s", d->name);
	return buf;
}

OPTS_FN(opts_v_ifname)
{
	return opts_ifname(o, arg, err, errlen);
}

OPTS_FN(opts_v_vrid)
{
	long v;

	if (opts_num(arg, 1, 255, &v))
		return opts_err(err, errlen, "invalid VRID '%s' for -v: must be 1..255", arg);
	o->vrid = (uint8_t)v;
	pd->have_vrid = true;
	return 0;
}

/* -p, -z, -x: a priority, into an uint8_t (-p) or an int field. */
OPTS_FN(opts_v_prio)
{
	char name[40];
	long v;
	int ret = opts_prio(arg, opts_def_name(d, name), &v, err, errlen);

	if (ret)
		return ret;
	if (d->letter == 'p')
		o->priority = (uint8_t)v;
	else
		*(int *)((char *)o + d->off) = (int)v;
	return 0;
}

OPTS_FN(opts_v_interval)
{
	long v = 0;
	/* Only the syntax and 0 here; the range depends on --vrrp-version. */
	int ret = opts_interval_cs(arg, OPTS_V2_MAX_INT_CS, &v);

	if (ret == -ERANGE)
		return opts_err(err, errlen,
				"invalid interval '%s' for -d: the resolution is 0.01 s", arg);
	if (ret)
		return opts_err(err, errlen,
				"invalid interval '%s' for -d: expected seconds such as 1 or 0.5",
				arg);
	if (v == 0)
		return opts_err(err, errlen, "invalid interval '%s' for -d: must be greater than 0",
				arg);
	pd->interval = arg;
	pd->interval_cs = v;
	return 0;
}

OPTS_FN(opts_v_auth)
{
	return opts_auth(o, pd, arg, err, errlen);
}

/* -I, -O: the magic packet's addresses. */
OPTS_FN(opts_v_magic)
{
	bool src = d->letter == 'I';

	if (opts_ip4(arg, src ? &o->magic_src : &o->magic_dst))
		return opts_err(err, errlen, "invalid IPv4 address '%s' for -%c: expected A.B.C.D",
				arg, d->letter);
	if (src)
		pd->magic_src = arg;
	else
		pd->magic_dst = arg;
	return 0;
}

OPTS_FN(opts_v_version)
{
	if (strcmp(arg, "2") && strcmp(arg, "3"))
		return opts_err(err, errlen,
				"invalid version '%s' for --vrrp-version: must be 2 or 3", arg);
	o->version = (uint8_t)(arg[0] - '0');
	return 0;
}

OPTS_FN(opts_v_checksum)
{
	if (!strcmp(arg, "auto"))
		o->csum_mode = VRRPD_CSUM_AUTO;
	else if (!strcmp(arg, "rfc9568"))
		o->csum_mode = VRRPD_CSUM_RFC9568;
	else if (!strcmp(arg, "legacy"))
		o->csum_mode = VRRPD_CSUM_LEGACY;
	else
		return opts_err(
			err, errlen,
			"invalid checksum mode '%s' for --checksum: must be auto, rfc9568 or legacy",
			arg);
	pd->csum = arg;
	return 0;
}

OPTS_FN(opts_v_group)
{
	if (!arg[0] || strlen(arg) >= sizeof(o->group) ||
	    strspn(arg, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-") !=
		    strlen(arg))
		return opts_err(
			err, errlen,
			"invalid group name '%s' for --group: 1..%d letters, digits, '_', '.', '-'",
			arg, (int)sizeof(o->group) - 1);
	snprintf(o->group, sizeof(o->group), "%s", arg);
	return 0;
}

/* -c FILE and --keepalived FILE: the same place (the last given wins), two formats. */
OPTS_FN(opts_v_config)
{
	int ret = opts_path(o->config, arg, "-c", "configuration file", err, errlen);

	(void)pd;
	(void)d;
	o->config_keepalived = false;
	return ret;
}

OPTS_FN(opts_v_keepalived)
{
	int ret = opts_path(o->config, arg, "--keepalived", "configuration file", err, errlen);

	(void)pd;
	(void)d;
	o->config_keepalived = !ret;
	return ret;
}

/* A name a FIFO line quotes ("NAME") and a consumer's shell takes as one word. */
OPTS_FN(opts_v_name)
{
	if (!arg[0] || strlen(arg) >= sizeof(o->name) ||
	    strspn(arg, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.:@+-") !=
		    strlen(arg))
		return opts_err(
			err, errlen,
			"invalid name '%s' for --name: 1..%d letters, digits, '_', '.', ':', '@', '+', '-'",
			arg, (int)sizeof(o->name) - 1);
	snprintf(o->name, sizeof(o->name), "%s", arg);
	return 0;
}

OPTS_FN(opts_v_track)
{
	return opts_track(o, arg, err, errlen);
}

OPTS_FN(opts_v_peer)
{
	return opts_peer(o, arg, err, errlen);
}

OPTS_FN(opts_v_track_script)
{
	return opts_track_script(o, pd, arg, err, errlen);
}

/* --notify-master, --notify-backup, --notify-fault, --notify-stop, --notify: 'CMD ARGS'. */
OPTS_FN(opts_v_notify)
{
	static const char *const names[OPTS_NOTIFY_N] = {
		[OPTS_NOTIFY_MASTER] = "notify-master", [OPTS_NOTIFY_BACKUP] = "notify-backup",
		[OPTS_NOTIFY_FAULT] = "notify-fault",	[OPTS_NOTIFY_STOP] = "notify-stop",
		[OPTS_NOTIFY_ANY] = "notify",
	};
	char opt[32];
	int i, ret;

	(void)pd;
	for (i = 0; i < OPTS_NOTIFY_N && strcmp(d->name, names[i]); i++)
		;
	snprintf(opt, sizeof(opt), "--%s", d->name);
	ret = i < OPTS_NOTIFY_N ? opts_cmd(arg, strlen(arg), opt, err, errlen) : -EINVAL;
	if (!ret)
		snprintf(o->notify[i], sizeof(o->notify[i]), "%s", arg);
	return ret;
}

/* --track-interval, --track-timeout, --rise, --fall: for the --track-scripts after them. */
OPTS_FN(opts_v_script_setting)
{
	bool streak = !strcmp(d->name, "rise") || !strcmp(d->name, "fall");
	long max = streak ? OPTS_TRACK_STREAK_MAX : OPTS_TRACK_MAX_S, v;
	int *to = !strcmp(d->name, "rise")	     ? &pd->script_rise :
		  !strcmp(d->name, "fall")	     ? &pd->script_fall :
		  !strcmp(d->name, "track-interval") ? &pd->script_interval_s :
						       &pd->script_timeout_s;

	(void)o;
	if (opts_num(arg, 1, max, &v))
		return opts_err(err, errlen, "invalid %s '%s' for --%s: must be 1..%ld%s",
				streak ? "count" : "time", arg, d->name, max, streak ? "" : " s");
	*to = (int)v;
	pd->script_setting = d->name;
	return 0;
}

/* --link-delay UP[:DOWN], seconds with centiseconds at most (DOWN: UP when not given). */
OPTS_FN(opts_v_link_delay)
{
	const char *colon = strchr(arg, ':');
	char up[32];
	long u, dn;

	(void)pd;
	(void)d;
	snprintf(up, sizeof(up), "%.*s", colon ? (int)(colon - arg) : (int)strlen(arg), arg);
	if (opts_interval_cs(up, 3600 * 100, &u) || u > 3600 * 100 ||
	    (colon && (opts_interval_cs(colon + 1, 3600 * 100, &dn) || dn > 3600 * 100)))
		return opts_err(
			err, errlen,
			"invalid delays '%s' for --link-delay: UP[:DOWN], seconds 0..3600 such as 2 or 0.5:3",
			arg);
	o->link_up_delay_cs = (int)u;
	o->link_down_delay_cs = colon ? (int)dn : (int)u;
	return 0;
}

/* --track-file PATH[:+W|:-W]: absolute, W 1 when not given. */
/*
 * NAME[:W[:N]]: a process name has no colon, so the first one ends it; W may be empty (FAULT)
 * when N is given ("haproxy::2").
 */
OPTS_FN(opts_v_track_process)
{
	const char *c1 = strchr(arg, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
	size_t len = c1 ? (size_t)(c1 - arg) : strlen(arg);
	struct opts_proc *p;
	char num[16];
	long v;

	(void)pd;
	(void)d;
	if (o->nprocs == OPTS_MAX_PROCS)
		return opts_err(err, errlen, "too many --track-process: at most %d",
				OPTS_MAX_PROCS);
	p = &o->procs[o->nprocs];
	memset(p, 0, sizeof(*p));
	p->min = 1;
	if (!len || len >= sizeof(p->name) || memchr(arg, '/', len))
		return opts_err(
			err, errlen,
			"invalid process name in '%s' for --track-process: 1..%d characters, no '/'",
			arg, (int)sizeof(p->name) - 1);
	memcpy(p->name, arg, len);
	if (c1 && (c2 ? c2 > c1 + 1 : c1[1])) {
		snprintf(num, sizeof(num), "%.*s", (int)(c2 ? c2 - c1 - 1 : (long)strlen(c1 + 1)),
			 c1 + 1);
		if (opts_num(num + (num[0] == '+' || num[0] == '-'), 0, 254, &v))
			return opts_err(
				err, errlen,
				"invalid weight in '%s' for --track-process: must be -254..254",
				arg);
		p->weighted = true;
		p->weight = num[0] == '-' ? -(int)v : (int)v;
	}
	if (c2 && (opts_num(c2 + 1, 1, OPTS_PROC_MIN_MAX, &v)))
		return opts_err(err, errlen,
				"invalid count in '%s' for --track-process: must be 1..%d", arg,
				OPTS_PROC_MIN_MAX);
	if (c2)
		p->min = (int)v;
	o->nprocs++;
	return 0;
}

OPTS_FN(opts_v_track_file)
{
	struct opts_file *f;
	bool weighted;
	int n, w;

	(void)pd;
	(void)d;
	if (o->nfiles == OPTS_MAX_FILES)
		return opts_err(err, errlen, "too many --track-file: at most %d", OPTS_MAX_FILES);
	n = opts_signed_weight(arg, &weighted, &w);
	if (n < 0)
		return opts_err(err, errlen,
				"invalid weight in '%s' for --track-file: must be -254..+254", arg);
	if (arg[0] != '/' || n >= OPTS_PATH_MAX)
		return opts_err(
			err, errlen,
			"invalid path in '%s' for --track-file: an absolute path, shorter than %d characters",
			arg, OPTS_PATH_MAX);
	f = &o->files[o->nfiles++];
	snprintf(f->path, sizeof(f->path), "%.*s", n, arg);
	f->weight = weighted ? w : 1;
	return 0;
}
