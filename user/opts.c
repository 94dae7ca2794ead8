// SPDX-License-Identifier: GPL-2.0
/*
 * The vrrpd command line: the original Advanced Vrrpd options plus long options, all in one table
 * (opts_table) that getopt's strings, the parsing, the usage text and the configuration file's
 * list of process-wide options are made from. The values are read by opts_arg.c. Pure: no
 * logging, no system calls besides the string conversions; every error is one message in the
 * caller's buffer.
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "addr.h"
#include "opts.h"
#include "opts_arg.h"

#define OPTS_MONITOR_MAX 32
#define STR_(x) #x
#define STR(x) STR_(x)

#define F(field) offsetof(struct opts, field)
/* The offset of field, which must be of type t: a row of the wrong kind does not compile. */
#define FT(field, t)                                                                              \
	(F(field) +                                                                               \
	 0 * sizeof(char[__builtin_types_compatible_p(__typeof__(((struct opts *)0)->field), t) ? \
				 1 :                                                              \
				 -1]))

/* The options, in the order of the usage text. */
#define INT_OPT(l, n, a, sc, field, lo, hi, w, u)                                                 \
	.letter = l, .name = n, .arg = a, .kind = OPTS_K_INT, .scope = sc, .off = FT(field, int), \
	.min = lo, .max = hi, .what = w, .unit = u
#define FN_OPT(l, n, a, sc, f) \
	.letter = l, .name = n, .arg = a, .kind = OPTS_K_FN, .scope = sc, .fn = f
#define PATH_OPT(l, n, a, sc, field, w)                                     \
	.letter = l, .name = n, .arg = a, .kind = OPTS_K_PATH, .scope = sc, \
	.off = FT(field, char[OPTS_PATH_MAX]), .what = w
#define FLAG_OPT(l, n, k, sc, field) \
	.letter = l, .name = n, .kind = k, .scope = sc, .off = FT(field, bool)

/* clang-format off */
static const struct opts_def opts_table[] = {
	{ FN_OPT('i', "interface", "IFACE", OPTS_INSTANCE, opts_v_ifname),
	  .help = "interface that carries the instance (required)" },
	{ FN_OPT('v', "vrid", "VRID", OPTS_INSTANCE, opts_v_vrid),
	  .help = "virtual router id 1..255; VMAC 00:00:5e:00:01:VRID (required)" },
	{ FN_OPT(0, "name", "NAME", OPTS_INSTANCE, opts_v_name),
	  .help = "the instance's name in the events and --notify-fifo's lines\n"
		  "(default IFACE-VRID, IPv6 IFACE-VRID-6)" },
	{ FN_OPT('p', "priority", "PRIO", OPTS_INSTANCE, opts_v_prio),
	  .help = "priority 1..255, 255 = address owner (default " STR(VRRP_PRIO_DFL) ")" },
	{ FN_OPT('d', "interval", "SECS", OPTS_INSTANCE, opts_v_interval),
	  .help = "advertisement interval: v3 0.01..40.95 s, v2 1..255 s (default 1)" },
	{ FLAG_OPT('s', NULL, OPTS_K_TOGGLE, OPTS_INSTANCE, preempt),
	  .help = "toggle preemption (default on)" },
	{ FN_OPT(0, "track", "IFACE[:W]", OPTS_INSTANCE, opts_v_track),
	  .help = "also depend on IFACE's link: while it is down, priority + W\n"
		  "(-254..254), or FAULT without W; up to " STR(OPTS_MAX_TRACKS) },
	{ FN_OPT(0, "track-script", "'CMD ARGS'[:+W|:-W]", OPTS_INSTANCE, opts_v_track_script),
	  .help = "also depend on a health check (exit 0: healthy): after --fall\n"
		  "failures, W (-254..+254, its sign required) is added to the\n"
		  "priority, or FAULT without W; healthy after --rise successes;\n"
		  "up to " STR(OPTS_MAX_SCRIPTS) },
	{ FN_OPT(0, "track-interval", "S", OPTS_INSTANCE, opts_v_script_setting),
	  .help = "every --track-script after it runs every S seconds (default 1)" },
	{ FN_OPT(0, "track-timeout", "S", OPTS_INSTANCE, opts_v_script_setting),
	  .help = "... and are killed, a failure, after S seconds (default: the interval)" },
	{ FN_OPT(0, "rise", "N", OPTS_INSTANCE, opts_v_script_setting),
	  .help = "... are healthy again after N successes in a row (default 1)" },
	{ FN_OPT(0, "fall", "N", OPTS_INSTANCE, opts_v_script_setting),
	  .help = "... are failing after N failures in a row (default 1)" },
	{ FN_OPT(0, "track-process", "NAME[:W[:N]]", OPTS_INSTANCE, opts_v_track_process),
	  .help = "also depend on a process: while fewer than N (default 1) of\n"
		  "that name run, W is added to the priority, or FAULT without W;\n"
		  "noticed within 100 ms; up to " STR(OPTS_MAX_PROCS) },
	{ FN_OPT(0, "track-file", "PATH[:+W|:-W]", OPTS_INSTANCE, opts_v_track_file),
	  .help = "the number in PATH (-254..254), times W (default +1), is added to\n"
		  "the priority, at once on every write (close); missing: 0; not a number:\n"
		  "FAULT; up to " STR(OPTS_MAX_FILES) },
	{ FN_OPT(0, "link-delay", "UP[:DOWN]", OPTS_INSTANCE, opts_v_link_delay),
	  .help = "the link (up, down) must stay so this long, in seconds, before\n"
		  "it counts: a flapping port does not flap the master (default 0)" },
	{ INT_OPT(0, "preempt-delay", "S", OPTS_INSTANCE, preempt_delay_s, 0,
		  OPTS_PREEMPT_DELAY_MAX_S, "delay", " s"),
	  .help = "after start and link up, follow a lower priority master for\n"
		  "S seconds before preempting it, 0.." STR(OPTS_PREEMPT_DELAY_MAX_S) " (default 0)" },
	{ FLAG_OPT('n', "no-vmac", OPTS_K_CLEAR, OPTS_INSTANCE, vmac),
	  .help = "no virtual MAC: the VIPs go on IFACE, its MAC answers (for VMs,\n"
		  "switches with STP); default: a macvlan vr<VRID>-<IFACE> with the VMAC" },
	{ FN_OPT('a', NULL, "none|pw/SECRET", OPTS_INSTANCE, opts_v_auth),
	  .help = "VRRPv2 simple password of 1..8 characters (default none)" },
	{ FN_OPT('z', NULL, "PRIO", OPTS_INSTANCE, opts_v_prio), .off = F(reduce_prio),
	  .help = "priority to take on atropos --reduce (default priority - 10)" },
	{ FN_OPT('x', NULL, "PRIO", OPTS_INSTANCE, opts_v_prio), .off = F(increase_prio),
	  .help = "priority to take on atropos --increase (default priority + 10)" },
	{ PATH_OPT('U', NULL, "FILE", OPTS_INSTANCE, up_script, "script path"),
	  .help = "script run on becoming master, with IFACE VRID MASTER PRIO VIP..." },
	{ PATH_OPT('D', NULL, "FILE", OPTS_INSTANCE, down_script, "script path"),
	  .help = "script run on leaving master (to BACKUP, FAULT or STOP)" },
	{ FN_OPT(0, "notify-master", "'CMD ARGS'", OPTS_INSTANCE, opts_v_notify),
	  .help = "command run on becoming master, with the arguments given" },
	{ FN_OPT(0, "notify-backup", "'CMD ARGS'", OPTS_INSTANCE, opts_v_notify),
	  .help = "command run on becoming backup (at start-up too)" },
	{ FN_OPT(0, "notify-fault", "'CMD ARGS'", OPTS_INSTANCE, opts_v_notify),
	  .help = "command run on entering FAULT (a link or a check down)" },
	{ FN_OPT(0, "notify-stop", "'CMD ARGS'", OPTS_INSTANCE, opts_v_notify),
	  .help = "command run when the instance stops, in any state" },
	{ FN_OPT(0, "notify", "'CMD ARGS'", OPTS_INSTANCE, opts_v_notify),
	  .help = "command run on every change of state, after the others, with\n"
		  "INSTANCE NAME STATE PRIO after its arguments (as keepalived's)" },
	{ INT_OPT('M', NULL, "N", OPTS_INSTANCE, monitor, 1, OPTS_MONITOR_MAX, "group size", ""),
	  .help = "N instances 1.." STR(OPTS_MONITOR_MAX) " go backup together (default off)" },
	{ FN_OPT(0, "group", "NAME", OPTS_INSTANCE, opts_v_group),
	  .help = "the -M group's name, for several groups (default \"default\")" },
	{ FN_OPT('I', NULL, "IP", OPTS_INSTANCE, opts_v_magic),
	  .help = "magic packet source (one of the VIPs), sent after a takeover so\n"
		  "the gateway -O refreshes its ARP entry for it; meant for -n" },
	{ FN_OPT('O', NULL, "IP", OPTS_INSTANCE, opts_v_magic),
	  .help = "magic packet destination (the gateway); needs -I" },
	{ PATH_OPT('f', NULL, "DIR", OPTS_PROCESS, run_dir, "run directory"),
	  .help = "directory for pid and state files (default " VRRPD_RUN_DIR_DFL ")" },
	{ FLAG_OPT(0, "foreground", OPTS_K_SET, OPTS_PROCESS, foreground),
	  .help = "stay in the foreground, log to stderr" },
	{ PATH_OPT(0, "notify-fifo", "PATH", OPTS_PROCESS, notify_fifo, "FIFO path"),
	  .help = "write every transition (and priority change) to the FIFO PATH\n"
		  "as keepalived's notify_fifo does: INSTANCE \"NAME\" MASTER 100" },
	{ PATH_OPT(0, "pin-dir", "DIR", OPTS_PROCESS, pin_dir, "pin directory"),
	  .help = "bpffs directory of the pinned maps (default " VRRPD_PIN_DIR_DFL ")" },
	{ INT_OPT(0, "rt-priority", "N", OPTS_PROCESS, rt_priority, 0, OPTS_RT_PRIORITY_MAX,
		  "priority", ""), .zero_off = true,
	  .help = "real-time priority (SCHED_FIFO) 1.." STR(OPTS_RT_PRIORITY_MAX) ", memory locked, so that\n"
		  "adverts leave on time on a busy machine (10 is a good value);\n"
		  "0: off (default " STR(OPTS_RT_PRIORITY_DFL) ")" },
	{ FLAG_OPT(0, "no-kernel-timer", OPTS_K_SET, OPTS_PROCESS, no_kernel_timer),
	  .help = "a backup wakes to check its master's adverts itself instead of\n"
		  "sleeping on a timer in the kernel (bpf_timer), as it must on\n"
		  "kernels before 5.15)" },
	{ FN_OPT(0, "vrrp-version", "2|3", OPTS_INSTANCE, opts_v_version),
	  .help = "protocol version (default 3)" },
	{ FN_OPT(0, "checksum", "MODE", OPTS_INSTANCE, opts_v_checksum),
	  .help = "v3 checksum: auto, rfc9568 or legacy (default auto)" },
	{ FLAG_OPT(0, "owner-drop", OPTS_K_SET, OPTS_INSTANCE, owner_drop),
	  .help = "as the address owner, drop adverts instead of processing them" },
	{ FLAG_OPT(0, "pass-adverts", OPTS_K_SET, OPTS_INSTANCE, pass_adverts),
	  .help = "hand the valid adverts on to the kernel once recorded, so that\n"
		  "tcpdump here shows them (default: they end in the XDP program)" },
	{ FLAG_OPT(0, "no-accept", OPTS_K_SET, OPTS_INSTANCE, no_accept),
	  .help = "as master (not owner), drop packets addressed to a VIP\n"
		  "(Accept_Mode off); --accept: take them (the default)" },
	{ FLAG_OPT(0, "accept", OPTS_K_CLEAR, OPTS_INSTANCE, no_accept) },
	{ FN_OPT(0, "peer", "A.B.C.D", OPTS_INSTANCE, opts_v_peer),
	  .help = "send adverts to this peer (unicast), hear only the peers;\n"
		  "repeat for each peer, up to " STR(VRRPD_MAX_PEERS) " (default: multicast)" },
	{ INT_OPT(0, "garp-count", "N", OPTS_INSTANCE, garp_count, 0, OPTS_GARP_COUNT_MAX,
		  "count", ""),
	  .help = "gratuitous ARPs per VIP on takeover, 0.." STR(OPTS_GARP_COUNT_MAX)
		  " (default " STR(OPTS_GARP_COUNT_DFL) ")" },
	{ INT_OPT(0, "garp-interval", "MS", OPTS_INSTANCE, garp_interval_ms, 1,
		  OPTS_GARP_INTERVAL_MAX_MS, "interval", " ms"),
	  .help = "time between them, 1.." STR(OPTS_GARP_INTERVAL_MAX_MS) " ms (default "
		  STR(OPTS_GARP_INTERVAL_DFL_MS) ")" },
	{ INT_OPT(0, "garp-refresh", "S", OPTS_INSTANCE, garp_refresh_s, 0,
		  OPTS_GARP_REFRESH_MAX_S, "period", " s"), .zero_off = true,
	  .help = "as master, send one more every S seconds (default 0: off)" },
	{ INT_OPT(0, "script-timeout", "S", OPTS_INSTANCE, script_timeout_s, 1,
		  OPTS_SCRIPT_TIMEOUT_MAX_S, "timeout", " s"),
	  .help = "kill a script (-U, -D, --notify*) still running after S s (default "
		  STR(OPTS_SCRIPT_TIMEOUT_DFL_S) ")" },
	{ FN_OPT('c', "config", "FILE", OPTS_CMDLINE, opts_v_config),
	  .help = "the instances are in FILE, one 'vrrp { OPTIONS }' block each" },
	{ FN_OPT(0, "keepalived", "FILE", OPTS_CMDLINE, opts_v_keepalived),
	  .help = "the instances are the vrrp_instances of a keepalived.conf: its\n"
		  "VRRP part, read as keepalived does (see vrrpd(8))" },
	{ FLAG_OPT(0, "print-conf", OPTS_K_SET, OPTS_CMDLINE, print_conf),
	  .help = "with --keepalived: print it as a configuration file of vrrpd's\n"
		  "own (for -c) and exit" },
	{ FLAG_OPT('t', "test-config", OPTS_K_SET, OPTS_CMDLINE, check_config),
	  .help = "check the -c FILE, print its instances and exit" },
	{ FLAG_OPT('V', "version", OPTS_K_STOP, OPTS_CMDLINE, show_version),
	  .help = "print the version and exit" },
	{ FLAG_OPT('h', "help", OPTS_K_STOP, OPTS_CMDLINE, show_help),
	  .help = "print this help and exit" },
};
/* clang-format on */
#define OPTS_N (sizeof(opts_table) / sizeof(opts_table[0]))
/* getopt's value of a long-only option: past every character. */
#define OPTS_LONG_ONLY 256

/*
 * getopt's strings, made from the table once. A leading '-' returns every non-option argument in
 * place (as option 1), so VIPs may appear anywhere, as with the original, without permuting the
 * caller's argv and whatever POSIXLY_CORRECT says. ':' makes a missing argument distinguishable
 * from an unknown option.
 */
static char opts_short[2 + 2 * OPTS_N + 1];
static struct option opts_long[OPTS_N + 1];

static void opts_tables(void)
{
	size_t i, n = 0, s = 0;

	if (opts_short[0])
		return;
	opts_short[s++] = '-';
	opts_short[s++] = ':';
	for (i = 0; i < OPTS_N; i++) {
		const struct opts_def *d = &opts_table[i];

		if (d->letter) {
			opts_short[s++] = d->letter;
			if (d->arg)
				opts_short[s++] = ':';
		}
		if (d->name)
			opts_long[n++] =
				(struct option){ d->name, d->arg ? required_argument : no_argument,
						 NULL,
						 d->letter ? d->letter : OPTS_LONG_ONLY + (int)i };
	}
}

/* The table's entry of getopt's value c, or NULL. */
static const struct opts_def *opts_def_of(int c)
{
	size_t i;

	if (c >= OPTS_LONG_ONLY)
		return (size_t)(c - OPTS_LONG_ONLY) < OPTS_N ? &opts_table[c - OPTS_LONG_ONLY] :
							       NULL;
	for (i = 0; i < OPTS_N; i++)
		if (c > 0 && opts_table[i].letter == c)
			return &opts_table[i];
	return NULL;
}

/* Reads one option's value (arg: NULL for one without) into o. */
static int opts_apply(const struct opts_def *d, struct opts *o, struct opts_pending *pd,
		      const char *arg, char *err, size_t errlen)
{
	bool *flag = (bool *)((char *)o + d->off);
	char name[40];
	long v;

	switch (d->kind) {
	case OPTS_K_FN:
		return d->fn(o, pd, d, arg, err, errlen);
	case OPTS_K_INT:
		if (opts_num(arg, d->min, d->max, &v)) {
			if (d->zero_off)
				return opts_err(
					err, errlen,
					"invalid %s '%s' for %s: must be 0 (off) or 1..%ld%s",
					d->what, arg, opts_def_name(d, name), d->max, d->unit);
			return opts_err(err, errlen, "invalid %s '%s' for %s: must be %ld..%ld%s",
					d->what, arg, opts_def_name(d, name), d->min, d->max,
					d->unit);
		}
		*(int *)((char *)o + d->off) = (int)v;
		return 0;
	case OPTS_K_PATH:
		return opts_path((char *)o + d->off, arg, opts_def_name(d, name), d->what, err,
				 errlen);
	case OPTS_K_SET:
	case OPTS_K_STOP:
		*flag = true;
		return 0;
	case OPTS_K_CLEAR:
		*flag = false;
		return 0;
	case OPTS_K_TOGGLE:
		*flag = !*flag;
		return 0;
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

static const char *opts_long_name(const char *word)
{
	const struct option *lo;
	int n;

	if (strncmp(word, "--", 2) || !word[2] || word[2] == '=')
		return NULL;
	lo = opts_long_find(word, &n);
	return lo ? lo->name : NULL;
}

static bool opts_short_gives(const char *word, char letter)
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
	return opts_def_of(c) != NULL;
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

/* What an IPv6 instance needs besides (RFC 9568 5.2.9: the link-local VIP first). */
static int opts_finish6(struct opts *o, const struct opts_pending *pd, char *err, size_t errlen)
{
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
		return opts_err(err, errlen,
				"the magic packet (-I, -O) is IPv4's: not with IPv6 addresses");
	return 0;
}

/* The addresses of the peers and of the magic packet, against the VIPs. */
static int opts_finish_addrs(const struct opts *o, const struct opts_pending *pd, char *err,
			     size_t errlen)
{
	char buf[INET_ADDRSTRLEN];

	/* A peer that is one of our VIPs would be ourselves, once master. */
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

/* The checks that need every option: the version decides what -d, -a and --checksum mean. */
static int opts_finish(struct opts *o, const struct opts_pending *pd, char *err, size_t errlen)
{
	long cs = OPTS_INT_DFL_CS;

	if (o->check_config && !o->config[0])
		return opts_err(
			err, errlen,
			"-t checks a configuration file: give it with -c FILE or --keepalived FILE");
	if (o->print_conf && !o->config_keepalived)
		return opts_err(
			err, errlen,
			"--print-conf prints a keepalived.conf as vrrpd's: give it with --keepalived FILE");
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
	if (pd->script_setting)
		return opts_err(
			err, errlen,
			"--%s comes after the last --track-script: give it before the scripts it is for",
			pd->script_setting);
	for (int i = 0; i < o->nscripts; i++)
		if (o->priority == VRRP_PRIO_OWNER && o->scripts[i].weighted &&
		    o->scripts[i].weight)
			return opts_err(
				err, errlen,
				"--track-script %s: the owner's priority (255) is fixed; give no weight (FAULT) or another priority",
				o->scripts[i].cmd);
	for (int i = 0; i < o->nprocs; i++)
		if (o->priority == VRRP_PRIO_OWNER && o->procs[i].weighted && o->procs[i].weight)
			return opts_err(
				err, errlen,
				"--track-process %s: the owner's priority (255) is fixed; give no weight (FAULT) or another priority",
				o->procs[i].name);
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
	if (!o->name[0])
		snprintf(o->name, sizeof(o->name), "%s-%d%s", o->ifname, o->vrid,
			 o->family == AF_INET6 ? "-6" : "");
	if (o->family == AF_INET6) {
		int ret = opts_finish6(o, pd, err, errlen);

		if (ret)
			return ret;
	}
	return opts_finish_addrs(o, pd, err, errlen);
}

int opts_parse_at(struct opts *o, int argc, char **argv, char *err, size_t errlen, int *argi)
{
	struct opts_pending pd = { 0 };
	int saved_opterr = opterr;
	const struct opts_def *d;
	int c, ret = 0;

	opts_tables();
	opts_defaults(o);
	*argi = -1;
	if (err && errlen)
		err[0] = '\0';
	/* optind 0: glibc starts over, so tests may parse again and again. */
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, opts_short, opts_long, NULL)) != -1) {
		d = c == 1 ? NULL : opts_def_of(c);
		if (c == 1)
			ret = opts_vip(o, optarg, err, errlen);
		else if (d)
			ret = opts_apply(d, o, &pd, optarg, err, errlen);
		else /* '?' or ':' */
			ret = opts_getopt_err(c, argv, optind, err, errlen);
		if (ret) {
			*argi = optind - 1;
			goto out;
		}
		if (d && d->kind == OPTS_K_STOP)
			goto out;
		/* The option's own word, not its argument, when that was a word of its own. */
		if (!pd.instance_opt && (!d || d->scope == OPTS_INSTANCE)) {
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

const char *opts_process_word(const char *word, bool *top_ok)
{
	/* A long option as getopt reads it: abbreviated (--pin), or with =VALUE. */
	const char *lo = opts_long_name(word);
	static char spelled[40];
	size_t i;

	for (i = 0; i < OPTS_N; i++) {
		const struct opts_def *d = &opts_table[i];

		if (d->scope == OPTS_INSTANCE)
			continue;
		*top_ok = d->scope == OPTS_PROCESS;
		/* A long option, or a short one, alone, with its value attached (-f/run/x) or in a
		 * cluster (-nf/run/x). */
		if (lo && d->name && !strcmp(lo, d->name)) {
			snprintf(spelled, sizeof(spelled), "--%s", d->name);
			return spelled;
		}
		if (d->letter && opts_short_gives(word, d->letter)) {
			snprintf(spelled, sizeof(spelled), "-%c", d->letter);
			return spelled;
		}
	}
	return NULL;
}

int opts_spellings(size_t i, char words[2][40])
{
	int n = 0;

	if (i >= OPTS_N)
		return -1;
	if (opts_table[i].letter)
		snprintf(words[n++], 40, "-%c", opts_table[i].letter);
	if (opts_table[i].name)
		snprintf(words[n++], 40, "--%s", opts_table[i].name);
	return n;
}

/* One option's lines of the usage text: its words, then its help from column 25. */
static void opts_usage_one(FILE *out, const struct opts_def *d)
{
	char left[64];
	const char *h = d->help, *nl;
	int n;

	if (d->letter && d->name)
		n = snprintf(left, sizeof(left), "  -%c, --%s", d->letter, d->name);
	else if (d->letter)
		n = snprintf(left, sizeof(left), "  -%c", d->letter);
	else
		n = snprintf(left, sizeof(left), "      --%s", d->name);
	if (d->arg && n > 0 && (size_t)n < sizeof(left))
		snprintf(left + n, sizeof(left) - (size_t)n, " %s", d->arg);
	/* Words too long for the column: on a line of their own, the help under them. */
	if (strlen(left) > 24) {
		fprintf(out, "%s\n", left);
		left[0] = '\0';
	}
	do {
		nl = strchr(h, '\n');
		fprintf(out, "%-24s %.*s\n", left, nl ? (int)(nl - h) : (int)strlen(h), h);
		left[0] = '\0';
		h = nl + 1;
	} while (nl);
}

void opts_usage(FILE *out)
{
	size_t i;

	opts_tables();
	fprintf(out,
		"usage: vrrpd -i IFACE -v VRID [options] A.B.C.D[/LEN]...\n"
		"       vrrpd -c FILE [-t] [-f DIR] [--pin-dir DIR] [--rt-priority N] [--no-kernel-timer]\n"
		"             [--foreground]\n"
		"       vrrpd -h | -V\n"
		"\n");
	for (i = 0; i < OPTS_N; i++)
		if (opts_table[i].help)
			opts_usage_one(out, &opts_table[i]);
	fprintf(out,
		"  A.B.C.D[/LEN]          virtual IPv4 address, prefix length 1..32 (default 32), up to %d\n"
		"  X:X::X[/LEN]           or IPv6 (VRRPv3), one of them link-local (fe80::/10), /128\n"
		"\nSee the README, vrrpd(8) and atropos(8).\n",
		OPTS_MAX_VIPS);
}
