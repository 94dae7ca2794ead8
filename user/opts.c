// SPDX-License-Identifier: GPL-2.0
/*
 * The vrrpd command line: the original Advanced Vrrpd options plus long options.
 * Pure: no logging, no system calls besides the string conversions; every error is one message
 * in the caller's buffer.
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "addr.h"
#include "opts.h"

#define OPTS_INT_DFL_CS 100
#define OPTS_MONITOR_MAX 32
#define OPTS_V2_MAX_INT_CS (255 * 100) /* the larger range of the two versions */

/* Long-only options: values outside the range of a short option character. */
enum {
	OPT_FOREGROUND = 256,
	OPT_PIN_DIR,
	OPT_VRRP_VERSION,
	OPT_CHECKSUM,
	OPT_OWNER_DROP,
	OPT_GARP_COUNT,
	OPT_GARP_INTERVAL,
	OPT_GARP_REFRESH,
	OPT_SCRIPT_TIMEOUT,
	OPT_GROUP,
	OPT_CONFIG_TEST,
	OPT_PREEMPT_DELAY,
	OPT_TRACK,
	OPT_ACCEPT,
	OPT_NO_ACCEPT,
	OPT_PEER,
	OPT_RT_PRIORITY,
	OPT_NO_KERNEL_TIMER,
	OPT_PASS_ADVERTS,
};

/*
 * A leading '-' returns every non-option argument in place (as option 1), so VIPs may appear
 * anywhere, as with the original, without permuting the caller's argv and whatever
 * POSIXLY_CORRECT says. ':' makes a missing argument distinguishable from an unknown option.
 */
static const char opts_short[] = "-:i:v:p:d:sna:z:x:U:D:M:I:O:f:c:tVh";

static const struct option opts_long[] = {
	{ "interface", required_argument, NULL, 'i' },
	{ "vrid", required_argument, NULL, 'v' },
	{ "priority", required_argument, NULL, 'p' },
	{ "interval", required_argument, NULL, 'd' },
	{ "no-vmac", no_argument, NULL, 'n' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ "foreground", no_argument, NULL, OPT_FOREGROUND },
	{ "pin-dir", required_argument, NULL, OPT_PIN_DIR },
	{ "rt-priority", required_argument, NULL, OPT_RT_PRIORITY },
	{ "no-kernel-timer", no_argument, NULL, OPT_NO_KERNEL_TIMER },
	{ "vrrp-version", required_argument, NULL, OPT_VRRP_VERSION },
	{ "checksum", required_argument, NULL, OPT_CHECKSUM },
	{ "owner-drop", no_argument, NULL, OPT_OWNER_DROP },
	{ "pass-adverts", no_argument, NULL, OPT_PASS_ADVERTS },
	{ "garp-count", required_argument, NULL, OPT_GARP_COUNT },
	{ "garp-interval", required_argument, NULL, OPT_GARP_INTERVAL },
	{ "garp-refresh", required_argument, NULL, OPT_GARP_REFRESH },
	{ "script-timeout", required_argument, NULL, OPT_SCRIPT_TIMEOUT },
	{ "group", required_argument, NULL, OPT_GROUP },
	{ "config", required_argument, NULL, 'c' },
	{ "preempt-delay", required_argument, NULL, OPT_PREEMPT_DELAY },
	{ "track", required_argument, NULL, OPT_TRACK },
	{ "accept", no_argument, NULL, OPT_ACCEPT },
	{ "no-accept", no_argument, NULL, OPT_NO_ACCEPT },
	{ "peer", required_argument, NULL, OPT_PEER },
	{ "test-config", no_argument, NULL, 't' },
	{ NULL, 0, NULL, 0 },
};

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

/*
 * The message quotes the arguments, which may hold any byte: their control characters show as
 * '?', so that it stays one line on the terminal and in the log (a newline in an argument made
 * two; found by tests/fuzz/fuzz_opts).
 */
__attribute__((format(printf, 3, 4))) static int opts_err(char *err, size_t errlen, const char *fmt,
							  ...)
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

static void opts_defaults(struct opts *o)
{
	memset(o, 0, sizeof(*o));
	o->priority = VRRP_PRIO_DFL;
	o->adver_int_cs = OPTS_INT_DFL_CS;
	o->preempt = true;
	o->vmac = true;
	o->version = 3;
	o->family = AF_INET;
	o->csum_mode = VRRPD_CSUM_AUTO;
	o->auth_type = VRRP_AUTH_NONE;
	o->reduce_prio = -1;
	o->increase_prio = -1;
	o->garp_count = OPTS_GARP_COUNT_DFL;
	o->garp_interval_ms = OPTS_GARP_INTERVAL_DFL_MS;
	o->script_timeout_s = OPTS_SCRIPT_TIMEOUT_DFL_S;
	snprintf(o->run_dir, sizeof(o->run_dir), "%s", VRRPD_RUN_DIR_DFL);
	snprintf(o->pin_dir, sizeof(o->pin_dir), "%s", VRRPD_PIN_DIR_DFL);
	o->rt_priority = OPTS_RT_PRIORITY_DFL;
}

/* Strict decimal: digits only (no sign, no blanks, no base prefix), the whole string, in range. */
static int opts_num(const char *s, long min, long max, long *out)
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
static int opts_interval_cs(const char *s, long max_cs, long *out)
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
static int opts_ifname(struct opts *o, const char *s, char *err, size_t errlen)
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

static int opts_path(char *dst, const char *s, const char *opt, const char *what, char *err,
		     size_t errlen)
{
	if (!*s)
		return opts_err(err, errlen, "invalid %s '' for %s: empty", what, opt);
	if (strlen(s) >= OPTS_PATH_MAX)
		return opts_err(err, errlen, "%s too long for %s (at most %d characters)", what,
				opt, OPTS_PATH_MAX - 1);
	snprintf(dst, OPTS_PATH_MAX, "%s", s);
	return 0;
}

static int opts_prio(const char *s, const char *opt, long *out, char *err, size_t errlen)
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

static int opts_ip4(const char *s, uint32_t *addr)
{
	struct in_addr a;

	/* inet_pton() takes dotted decimal only: no "10.1", no hex, no octal. */
	if (inet_pton(AF_INET, s, &a) != 1)
		return -EINVAL;
	*addr = a.s_addr;
	return 0;
}

/* fe80::/10 (RFC 4291 2.5.6). */
static bool opts_link_local6(const union vrrpd_addr *a)
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
static int opts_vip(struct opts *o, const char *arg, char *err, size_t errlen)
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
static int opts_peer(struct opts *o, const char *arg, char *err, size_t errlen)
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

static int opts_auth(struct opts *o, struct opts_pending *pd, const char *s, char *err,
		     size_t errlen)
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

/* The long option an argument such as "--pri=3" names, if exactly one matches. */
static const struct option *opts_long_find(const char *arg, int *nmatch)
{
	const struct option *found = NULL;
	size_t len = strcspn(arg + 2, "=");

	*nmatch = 0;
	for (const struct option *lo = opts_long; lo->name; lo++) {
		if (strncmp(lo->name, arg + 2, len))
			continue;
		if (strlen(lo->name) == len) {
			*nmatch = 1;
			return lo;
		}
		found = lo;
		(*nmatch)++;
	}
	return *nmatch == 1 ? found : NULL;
}

const char *opts_long_name(const char *word)
{
	const struct option *lo;
	int n;

	if (strncmp(word, "--", 2) || !word[2] || word[2] == '=')
		return NULL;
	lo = opts_long_find(word, &n);
	return lo ? lo->name : NULL;
}

bool opts_short_gives(const char *word, char letter)
{
	const char *p, *spec;

	if (word[0] != '-' || word[1] == '-' || !word[1])
		return false;
	for (p = word + 1; *p; p++) {
		if (*p == letter)
			return true;
		spec = *p != ':' && *p != '-' ? strchr(opts_short, *p) : NULL;
		/* An unknown letter (getopt refuses the word), or one whose value is the rest. */
		if (!spec || spec[1] == ':')
			return false;
	}
	return false;
}

/* Whether getopt's optopt is one of ours: a short option letter or a long-only value. */
static bool opts_known(int c)
{
	return c >= OPT_FOREGROUND || (c > 0 && isalpha(c) && strchr(opts_short, c));
}

/*
 * Our own message for what getopt rejected, instead of its stderr output. glibc sets optopt to 0
 * for an unknown or ambiguous long option, to the option's value for a missing argument or an
 * argument given to a long option that takes none, and to the letter for an unknown short one.
 * For the long cases optind is already past the offending argument.
 */
static int opts_getopt_err(int c, char **argv, int ind, char *err, size_t errlen)
{
	const char *arg = ind > 0 ? argv[ind - 1] : "";
	int len = (int)strcspn(arg, "=");
	bool is_long = !strncmp(arg, "--", 2) && len > 2;
	const struct option *lo;
	int n;

	if (c == ':') {
		if (is_long)
			return opts_err(err, errlen, "option '%.*s' needs an argument", len, arg);
		return opts_err(err, errlen, "option '-%c' needs an argument", optopt);
	}
	if (optopt && !opts_known(optopt)) {
		if (optopt > 0 && optopt < 0x80 && isprint(optopt))
			return opts_err(err, errlen, "unknown option '-%c'", optopt);
		return opts_err(err, errlen, "unknown option '-\\x%02x'", optopt & 0xff);
	}
	if (!is_long) /* cannot happen with glibc; still one message */
		return opts_err(err, errlen, "invalid option '%s'", arg);
	lo = opts_long_find(arg, &n);
	if (n > 1)
		return opts_err(err, errlen, "ambiguous option '%.*s'", len, arg);
	if (lo && optopt)
		return opts_err(err, errlen, "option '--%s' takes no argument", lo->name);
	return opts_err(err, errlen, "unknown option '%.*s'", len, arg);
}

/* --track IFACE[:WEIGHT] */
static int opts_track(struct opts *o, const char *s, char *err, size_t errlen)
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

/* The checks that need every option: the version decides what -d, -a and --checksum mean. */
static int opts_finish(struct opts *o, const struct opts_pending *pd, char *err, size_t errlen)
{
	long cs = OPTS_INT_DFL_CS;

	if (o->check_config && !o->config[0])
		return opts_err(err, errlen,
				"-t checks a configuration file: give it with -c FILE");
	if (o->config[0]) {
		if (pd->instance_opt)
			return opts_err(
				err, errlen,
				"'%s' describes an instance: with -c FILE the instances are in FILE",
				pd->instance_opt);
		return 0;
	}
	if (!o->ifname[0])
		return opts_err(err, errlen, "missing interface: use -i IFACE");
	if (!pd->have_vrid)
		return opts_err(err, errlen, "missing VRID: use -v VRID");
	if (pd->interval) {
		cs = pd->interval_cs;
		if (o->version == 2) {
			/* RFC 3768 5.3.7: Adver Int is a whole number of seconds in v2. */
			if (cs % 100 || cs < 100 || cs > OPTS_V2_MAX_INT_CS)
				return opts_err(
					err, errlen,
					"invalid interval '%s' for -d: VRRPv2 takes whole seconds 1..255",
					pd->interval);
		} else if (cs < 1 || cs > VRRP_V3_MAX_INT_CS) {
			/* RFC 9568 5.2.7: 12 bits of centiseconds. */
			return opts_err(err, errlen,
					"invalid interval '%s' for -d: must be 0.01..40.95 s",
					pd->interval);
		}
	}
	o->adver_int_cs = (uint16_t)cs;
	if (pd->auth && o->version != 2)
		return opts_err(err, errlen,
				"-a needs --vrrp-version 2 (VRRPv3 has no authentication)");
	if (pd->csum && o->version != 3)
		return opts_err(
			err, errlen,
			"--checksum '%s' needs --vrrp-version 3 (VRRPv2 has a single checksum form)",
			pd->csum);
	if (!!pd->magic_src != !!pd->magic_dst)
		return opts_err(err, errlen,
				"the magic packet needs both -I SRC and -O DST (got only %s '%s')",
				pd->magic_src ? "-I" : "-O",
				pd->magic_src ? pd->magic_src : pd->magic_dst);
	if (!o->nvips)
		return opts_err(err, errlen, "no virtual IP address given");
	for (int i = 0; i < o->ntracks; i++)
		if (o->priority == VRRP_PRIO_OWNER && o->tracks[i].weight)
			return opts_err(
				err, errlen,
				"--track %s:%d: the owner's priority (255) is fixed; give no weight (FAULT) or another priority",
				o->tracks[i].ifname, o->tracks[i].weight);
	/* Hosts could reach the VIP at the interface's own MAC: nothing would stop it there. */
	if (o->no_accept && !o->vmac)
		return opts_err(
			err, errlen,
			"--no-accept needs the VMAC: it drops what comes to a VIP at the VMAC (remove -n)");
	if (o->group[0] && !o->monitor)
		return opts_err(err, errlen, "--group '%s' needs -M N (the group's size)",
				o->group);
	if (o->family == AF_INET6) {
		int i;

		if (o->version != 3)
			return opts_err(
				err, errlen,
				"IPv6 virtual addresses need VRRPv3 (VRRPv2 is IPv4 only, RFC 3768)");
		/* RFC 9568 5.2.9: the virtual router's link-local address is advertised first. */
		for (i = 0; i < o->nvips && !opts_link_local6(&o->vips[i].addr); i++)
			;
		if (i == o->nvips)
			return opts_err(
				err, errlen,
				"an IPv6 instance needs a link-local virtual address (fe80::/10), advertised first (RFC 9568 5.2.9)");
		if (i) {
			struct opts_vip ll = o->vips[i];

			memmove(&o->vips[1], &o->vips[0], (size_t)i * sizeof(o->vips[0]));
			o->vips[0] = ll;
		}
		if (o->npeers)
			return opts_err(err, errlen,
					"--peer takes IPv4 peers: unicast IPv6 is not supported");
		if (pd->magic_src)
			return opts_err(
				err, errlen,
				"the magic packet (-I, -O) is IPv4's: not with IPv6 addresses");
	}
	/* A peer that is one of our VIPs would be ourselves, once master. */
	char buf[INET_ADDRSTRLEN];

	for (int i = 0; i < o->npeers; i++)
		for (int j = 0; j < o->nvips; j++)
			if (o->peers[i] == o->vips[j].addr.v4)
				return opts_err(
					err, errlen,
					"--peer %s is one of the virtual IPs: give the peers' own addresses",
					inet_ntop(AF_INET, &o->peers[i], buf, sizeof(buf)));
	if (pd->magic_src) {
		int i;

		for (i = 0; i < o->nvips && o->vips[i].addr.v4 != o->magic_src; i++)
			;
		if (i == o->nvips)
			return opts_err(
				err, errlen,
				"the magic packet source '%s' for -I must be one of the virtual IPs",
				pd->magic_src);
	}
	return 0;
}

/* The options of the process rather than of an instance: allowed beside -c FILE. */
static bool opts_process_opt(int c)
{
	return c == 'c' || c == 't' || c == 'f' || c == OPT_PIN_DIR || c == OPT_FOREGROUND ||
	       c == OPT_RT_PRIORITY || c == OPT_NO_KERNEL_TIMER;
}

int opts_parse_at(struct opts *o, int argc, char **argv, char *err, size_t errlen, int *argi)
{
	struct opts_pending pd = { 0 };
	int saved_opterr = opterr;
	long v = 0;
	int c, ret = 0;

	opts_defaults(o);
	*argi = -1;
	if (err && errlen)
		err[0] = '\0';
	/* optind 0: glibc starts over, so tests may parse again and again. */
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, opts_short, opts_long, NULL)) != -1) {
		const char *arg = optarg;

		switch (c) {
		case 1:
			ret = opts_vip(o, arg, err, errlen);
			break;
		case 'i':
			ret = opts_ifname(o, arg, err, errlen);
			break;
		case 'v':
			if (opts_num(arg, 1, 255, &v)) {
				ret = opts_err(err, errlen,
					       "invalid VRID '%s' for -v: must be 1..255", arg);
				break;
			}
			o->vrid = (uint8_t)v;
			pd.have_vrid = true;
			break;
		case 'p':
			ret = opts_prio(arg, "-p", &v, err, errlen);
			if (!ret)
				o->priority = (uint8_t)v;
			break;
		case 'd':
			/* Only the syntax and 0 here; the range depends on --vrrp-version. */
			ret = opts_interval_cs(arg, OPTS_V2_MAX_INT_CS, &v);
			if (ret == -ERANGE)
				ret = opts_err(
					err, errlen,
					"invalid interval '%s' for -d: the resolution is 0.01 s",
					arg);
			else if (ret)
				ret = opts_err(
					err, errlen,
					"invalid interval '%s' for -d: expected seconds such as 1 or 0.5",
					arg);
			else if (v == 0)
				ret = opts_err(
					err, errlen,
					"invalid interval '%s' for -d: must be greater than 0",
					arg);
			pd.interval = arg;
			pd.interval_cs = v;
			break;
		case 's':
			o->preempt = !o->preempt;
			break;
		case 'n':
			o->vmac = false;
			break;
		case 'a':
			ret = opts_auth(o, &pd, arg, err, errlen);
			break;
		case 'z':
			ret = opts_prio(arg, "-z", &v, err, errlen);
			if (!ret)
				o->reduce_prio = (int)v;
			break;
		case 'x':
			ret = opts_prio(arg, "-x", &v, err, errlen);
			if (!ret)
				o->increase_prio = (int)v;
			break;
		case 'U':
			ret = opts_path(o->up_script, arg, "-U", "script path", err, errlen);
			break;
		case 'D':
			ret = opts_path(o->down_script, arg, "-D", "script path", err, errlen);
			break;
		case 'M':
			if (opts_num(arg, 1, OPTS_MONITOR_MAX, &v)) {
				ret = opts_err(err, errlen,
					       "invalid group size '%s' for -M: must be 1..%d", arg,
					       OPTS_MONITOR_MAX);
				break;
			}
			o->monitor = (int)v;
			break;
		case 'I':
		case 'O':
			if (opts_ip4(arg, c == 'I' ? &o->magic_src : &o->magic_dst)) {
				ret = opts_err(
					err, errlen,
					"invalid IPv4 address '%s' for -%c: expected A.B.C.D", arg,
					c);
				break;
			}
			if (c == 'I')
				pd.magic_src = arg;
			else
				pd.magic_dst = arg;
			break;
		case 'f':
			ret = opts_path(o->run_dir, arg, "-f", "run directory", err, errlen);
			break;
		case OPT_PIN_DIR:
			ret = opts_path(o->pin_dir, arg, "--pin-dir", "pin directory", err, errlen);
			break;
		case OPT_VRRP_VERSION:
			if (strcmp(arg, "2") && strcmp(arg, "3")) {
				ret = opts_err(
					err, errlen,
					"invalid version '%s' for --vrrp-version: must be 2 or 3",
					arg);
				break;
			}
			o->version = (uint8_t)(arg[0] - '0');
			break;
		case OPT_CHECKSUM:
			if (!strcmp(arg, "auto")) {
				o->csum_mode = VRRPD_CSUM_AUTO;
			} else if (!strcmp(arg, "rfc9568")) {
				o->csum_mode = VRRPD_CSUM_RFC9568;
			} else if (!strcmp(arg, "legacy")) {
				o->csum_mode = VRRPD_CSUM_LEGACY;
			} else {
				ret = opts_err(
					err, errlen,
					"invalid checksum mode '%s' for --checksum: must be auto, rfc9568 or legacy",
					arg);
				break;
			}
			pd.csum = arg;
			break;
		case OPT_GARP_COUNT:
			if (opts_num(arg, 0, OPTS_GARP_COUNT_MAX, &v)) {
				ret = opts_err(err, errlen,
					       "invalid count '%s' for --garp-count: must be 0..%d",
					       arg, OPTS_GARP_COUNT_MAX);
				break;
			}
			o->garp_count = (int)v;
			break;
		case OPT_GARP_INTERVAL:
			if (opts_num(arg, 1, OPTS_GARP_INTERVAL_MAX_MS, &v)) {
				ret = opts_err(
					err, errlen,
					"invalid interval '%s' for --garp-interval: must be 1..%d ms",
					arg, OPTS_GARP_INTERVAL_MAX_MS);
				break;
			}
			o->garp_interval_ms = (int)v;
			break;
		case OPT_RT_PRIORITY:
			if (opts_num(arg, 0, OPTS_RT_PRIORITY_MAX, &v)) {
				ret = opts_err(
					err, errlen,
					"invalid priority '%s' for --rt-priority: must be 0 (off) or 1..%d",
					arg, OPTS_RT_PRIORITY_MAX);
				break;
			}
			o->rt_priority = (int)v;
			break;
		case OPT_NO_KERNEL_TIMER:
			o->no_kernel_timer = true;
			break;
		case OPT_GARP_REFRESH:
			if (opts_num(arg, 0, OPTS_GARP_REFRESH_MAX_S, &v)) {
				ret = opts_err(
					err, errlen,
					"invalid period '%s' for --garp-refresh: must be 0 (off) or 1..%d s",
					arg, OPTS_GARP_REFRESH_MAX_S);
				break;
			}
			o->garp_refresh_s = (int)v;
			break;
		case OPT_GROUP:
			if (!arg[0] || strlen(arg) >= sizeof(o->group) ||
			    strspn(arg, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
					"0123456789_.-") != strlen(arg)) {
				ret = opts_err(
					err, errlen,
					"invalid group name '%s' for --group: 1..%d letters, digits, '_', '.', '-'",
					arg, (int)sizeof(o->group) - 1);
				break;
			}
			snprintf(o->group, sizeof(o->group), "%s", arg);
			break;
		case OPT_TRACK:
			ret = opts_track(o, arg, err, errlen);
			break;
		case OPT_PREEMPT_DELAY:
			if (opts_num(arg, 0, OPTS_PREEMPT_DELAY_MAX_S, &v)) {
				ret = opts_err(
					err, errlen,
					"invalid delay '%s' for --preempt-delay: must be 0..%d s",
					arg, OPTS_PREEMPT_DELAY_MAX_S);
				break;
			}
			o->preempt_delay_s = (int)v;
			break;
		case OPT_SCRIPT_TIMEOUT:
			if (opts_num(arg, 1, OPTS_SCRIPT_TIMEOUT_MAX_S, &v)) {
				ret = opts_err(
					err, errlen,
					"invalid timeout '%s' for --script-timeout: must be 1..%d s",
					arg, OPTS_SCRIPT_TIMEOUT_MAX_S);
				break;
			}
			o->script_timeout_s = (int)v;
			break;
		case OPT_FOREGROUND:
			o->foreground = true;
			break;
		case OPT_OWNER_DROP:
			o->owner_drop = true;
			break;
		case OPT_PASS_ADVERTS:
			o->pass_adverts = true;
			break;
		case OPT_ACCEPT:
			o->no_accept = false;
			break;
		case OPT_NO_ACCEPT:
			o->no_accept = true;
			break;
		case OPT_PEER:
			ret = opts_peer(o, arg, err, errlen);
			break;
		case 'c':
			ret = opts_path(o->config, arg, "-c", "configuration file", err, errlen);
			break;
		case 't':
			o->check_config = true;
			break;
		case 'h':
			o->show_help = true;
			goto out;
		case 'V':
			o->show_version = true;
			goto out;
		default: /* '?' or ':' */
			ret = opts_getopt_err(c, argv, optind, err, errlen);
			break;
		}
		if (ret) {
			*argi = optind - 1;
			goto out;
		}
		/* The option's own word, not its argument, when that was a word of its own. */
		if (!pd.instance_opt && !opts_process_opt(c)) {
			bool own = c != 1 && optarg && optind >= 2 && optarg == argv[optind - 1];

			pd.instance_opt = argv[optind - (own ? 2 : 1)];
		}
	}
	/* After "--", getopt leaves the rest to us: VIPs too. */
	for (; optind < argc; optind++) {
		ret = opts_vip(o, argv[optind], err, errlen);
		if (ret) {
			*argi = optind;
			goto out;
		}
		if (!pd.instance_opt)
			pd.instance_opt = argv[optind];
	}
	ret = opts_finish(o, &pd, err, errlen);
out:
	opterr = saved_opterr;
	return ret;
}

int opts_parse(struct opts *o, int argc, char **argv, char *err, size_t errlen)
{
	int argi;

	return opts_parse_at(o, argc, argv, err, errlen, &argi);
}

void opts_usage(FILE *out)
{
	fprintf(out,
		"usage: vrrpd -i IFACE -v VRID [options] A.B.C.D[/LEN]...\n"
		"       vrrpd -c FILE [-t] [-f DIR] [--pin-dir DIR] [--rt-priority N] [--no-kernel-timer]\n"
		"             [--foreground]\n"
		"       vrrpd -h | -V\n"
		"\n"
		"  -i, --interface IFACE  interface that carries the instance (required)\n"
		"  -v, --vrid VRID        virtual router id 1..255; VMAC 00:00:5e:00:01:VRID (required)\n"
		"  -p, --priority PRIO    priority 1..255, 255 = address owner (default %d)\n"
		"  -d, --interval SECS    advertisement interval: v3 0.01..40.95 s, v2 1..255 s (default 1)\n"
		"  -s                     toggle preemption (default on)\n"
		"      --track IFACE[:W]  also depend on IFACE's link: while it is down, priority + W\n"
		"                         (-254..254), or FAULT without W; up to 8\n"
		"      --preempt-delay S  after start and link up, follow a lower priority master for\n"
		"                         S seconds before preempting it, 0..3600 (default 0)\n"
		"  -n, --no-vmac          no virtual MAC: the VIPs go on IFACE, its MAC answers (for VMs,\n"
		"                         switches with STP); default: a macvlan vr<VRID>-<IFACE> with the VMAC\n"
		"  -a none|pw/SECRET      VRRPv2 simple password of 1..8 characters (default none)\n"
		"  -z PRIO                priority to take on atropos --reduce (default priority - 10)\n"
		"  -x PRIO                priority to take on atropos --increase (default priority + 10)\n"
		"  -U FILE                script run on becoming master, with IFACE VRID MASTER PRIO VIP...\n"
		"  -D FILE                script run on leaving master (to BACKUP, FAULT or STOP)\n"
		"  -M N                   N instances 1..%d go backup together (default off)\n"
		"      --group NAME       the -M group's name, for several groups (default \"default\")\n"
		"  -I IP                  magic packet source (one of the VIPs), sent after a takeover so\n"
		"                         the gateway -O refreshes its ARP entry for it; meant for -n\n"
		"  -O IP                  magic packet destination (the gateway); needs -I\n"
		"  -f DIR                 directory for pid and state files (default %s)\n"
		"      --foreground       stay in the foreground, log to stderr\n"
		"      --pin-dir DIR      bpffs directory of the pinned maps (default %s)\n"
		"      --rt-priority N    real-time priority (SCHED_FIFO) 1..%d, memory locked, so that\n"
		"                         adverts leave on time on a busy machine (10 is a good value);\n"
		"                         0: off (default %d)\n"
		"      --no-kernel-timer  a backup wakes to check its master's adverts itself instead of\n"
		"                         sleeping on a timer in the kernel (bpf_timer), as it must on\n"
		"                         kernels before 5.15)\n"
		"      --vrrp-version 2|3 protocol version (default 3)\n"
		"      --checksum MODE    v3 checksum: auto, rfc9568 or legacy (default auto)\n"
		"      --owner-drop       as the address owner, drop adverts instead of processing them\n"
		"      --pass-adverts     hand the valid adverts on to the kernel once recorded, so that\n"
		"                         tcpdump here shows them (default: they end in the XDP program)\n"
		"      --no-accept        as master (not owner), drop packets addressed to a VIP\n"
		"                         (Accept_Mode off); --accept: take them (the default)\n"
		"      --peer A.B.C.D     send adverts to this peer (unicast), hear only the peers;\n"
		"                         repeat for each peer, up to %d (default: multicast)\n"
		"      --garp-count N     gratuitous ARPs per VIP on takeover, 0..%d (default %d)\n"
		"      --garp-interval MS time between them, 1..%d ms (default %d)\n"
		"      --garp-refresh S   as master, send one more every S seconds (default 0: off)\n"
		"      --script-timeout S kill a -U/-D script still running after S seconds (default %d)\n"
		"  -c, --config FILE      the instances are in FILE, one 'vrrp { OPTIONS }' block each\n"
		"  -t, --test-config      check the -c FILE, print its instances and exit\n"
		"  -V, --version          print the version and exit\n"
		"  -h, --help             print this help and exit\n"
		"  A.B.C.D[/LEN]          virtual IPv4 address, prefix length 1..32 (default 32), up to %d\n"
		"  X:X::X[/LEN]           or IPv6 (VRRPv3), one of them link-local (fe80::/10), /128\n"
		"\nSee the README, vrrpd(8) and atropos(8).\n",
		VRRP_PRIO_DFL, OPTS_MONITOR_MAX, VRRPD_RUN_DIR_DFL, VRRPD_PIN_DIR_DFL,
		OPTS_RT_PRIORITY_MAX, OPTS_RT_PRIORITY_DFL, VRRPD_MAX_PEERS, OPTS_GARP_COUNT_MAX,
		OPTS_GARP_COUNT_DFL, OPTS_GARP_INTERVAL_MAX_MS, OPTS_GARP_INTERVAL_DFL_MS,
		OPTS_SCRIPT_TIMEOUT_DFL_S, OPTS_MAX_VIPS);
}
