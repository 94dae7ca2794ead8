// SPDX-License-Identifier: GPL-2.0
/*
 * atropos: the vrrpd instances of this host, read straight from the pinned BPF maps (so it
 * answers even when a daemon is stuck), and requests to the daemons through their control
 * sockets (never a signal to a pid read from a file).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "atropos.h"

static void usage(FILE *out)
{
	fprintf(out,
		"usage: atropos [selectors] COMMAND [--json]\n"
		"\n"
		"Reading (from the pinned maps, answers even when a daemon is stuck):\n"
		"  -s, --state        every instance: state and since when, reason, priorities,\n"
		"                     master, interval, VMAC, group, XDP mode, counters\n"
		"      --check        for monitoring: exit 0 if all selected are master, 1 if one is\n"
		"                     backup, 2 if one is in fault or not running; one line\n"
		"      --watch        the daemons' events as they happen (transitions, priorities,\n"
		"                     tracked objects, links, groups), numbered and timed, in\n"
		"                     order (--count N: stop after N)\n"
		"      --prometheus   state and counters in the Prometheus text format\n"
		"      --agentx [SOCKET]  serve the VRRPv3-MIB (RFC 6527) to snmpd as an AgentX\n"
		"                     subagent, with its notifications (default socket %s)\n"
		"Changing (through the daemons' control sockets; returns once it took effect):\n"
		"  -b, --backup       masters step down and stay backup until --master or --resume\n"
		"      --master       take over now (at priority 254 unless higher)\n"
		"      --resume       configured priority again, no hold\n"
		"  -r, --reduce       priority -10, or to the daemon's -z value\n"
		"      --increase     priority +10, or to the daemon's -x value\n"
		"      --priority N   priority N (1..254)\n"
		"      --garp         send the gratuitous ARPs again (masters)\n"
		"      --reload       the daemons started with -c FILE read it again\n"
		"Selectors and places:\n"
		"  -i IFACE           only instances on IFACE\n"
		"  -v VRID            only instances of VRID (-v alone: the version, as before)\n"
		"      --pin-dir DIR  the vrrpd pin directory (default %s)\n"
		"  -f DIR             the vrrpd run directory, its -f (default %s)\n"
		"      --timeout S    how long a change may take (default 5)\n"
		"      --json         machine-readable output (see atropos(8))\n"
		"  -V, --version      version;  -h, --help: this help\n",
		ATROPOS_AGENTX_DFL, VRRPD_PIN_DIR_DFL, VRRPD_RUN_DIR_DFL);
}

/*
 * --prometheus: the state and counters in the Prometheus text format (version 0.0.4), for a
 * node_exporter textfile collector or a small HTTP wrapper. One family at a time, each sample
 * labelled with the instance's interface and VRID.
 */

/* "-v N" selects VRID N; "-v" alone (or before another option) is the original's version. */
static void rewrite_v(int argc, char **argv)
{
	static char buf[MAX_INST][16];
	int i, k = 0;

	for (i = 1; i + 1 < argc && k < MAX_INST; i++) {
		const char *n = argv[i + 1];

		if (strcmp(argv[i], "-v") || !n[0] || strspn(n, "0123456789") != strlen(n))
			continue;
		snprintf(buf[k], sizeof(buf[k]), "--vrid=%.5s", n);
		argv[i] = buf[k++];
		memmove(&argv[i + 1], &argv[i + 2], sizeof(*argv) * (size_t)(argc - i - 1));
		argc--;
	}
}

static int set_cmd(struct args *a, enum cmd c)
{
	if (a->cmd && a->cmd != c) {
		fprintf(stderr, "atropos: one command at a time\n");
		return -1;
	}
	a->cmd = c;
	return 0;
}

static int parse_int(const char *s, int min, int max, int *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || end == s || v < min || v > max)
		return -1;
	*out = (int)v;
	return 0;
}

/* The commands, as options: each selects one (set_cmd). */
static const struct {
	const char *name;
	char letter; /* its short option, 0: none */
	enum cmd cmd;
} commands[] = {
	{ "state", 's', CMD_STATE },
	{ "backup", 'b', CMD_BACKUP },
	{ "reduce", 'r', CMD_REDUCE },
	{ "master", 0, CMD_MASTER },
	{ "resume", 0, CMD_RESUME },
	{ "increase", 0, CMD_INCREASE },
	{ "garp", 0, CMD_GARP },
	{ "reload", 0, CMD_RELOAD },
	{ "prometheus", 0, CMD_PROMETHEUS },
	{ "check", 0, CMD_CHECK },
	{ "watch", 0, CMD_WATCH },
};
#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

/* The other long options' values; a command's is O_CMD + its index in commands[]. */
enum {
	O_PIN_DIR = 256,
	O_PRIORITY,
	O_JSON,
	O_TIMEOUT,
	O_VRID,
	O_COUNT,
	O_AGENTX,
	O_CMD,
};

/* One option with a number: into *out, or a message and -1. */
static int number_opt(const char *arg, int min, int max, int *out, const char *what,
		      const char *range)
{
	if (!parse_int(arg, min, max, out))
		return 0;
	fprintf(stderr, "atropos: invalid %s '%s'%s%s\n", what, arg, range[0] ? ": must be " : "",
		range);
	return -1;
}

/* One option of the command line into a; 1 when it said all there is to say (-V, -h). */
static int one_opt(struct args *a, int c, char **argv)
{
	size_t i;

	for (i = 0; i < NCOMMANDS; i++)
		if (c == (int)(O_CMD + i) || (commands[i].letter && c == commands[i].letter))
			return set_cmd(a, commands[i].cmd);
	switch (c) {
	case O_PRIORITY:
		if (set_cmd(a, CMD_PRIORITY))
			return -1;
		return number_opt(optarg, 1, 254, &a->priority, "priority", "1..254");
	case O_COUNT:
		return number_opt(optarg, 1, 1000000, &a->count, "count", "");
	case O_TIMEOUT:
		return number_opt(optarg, 1, 3600, &a->timeout_s, "timeout", "1..3600 s");
	case O_VRID:
		return number_opt(optarg, 1, 255, &a->vrid, "VRID", "1..255");
	case O_JSON:
		a->json = true;
		return 0;
	case O_AGENTX:
		a->agentx_socket = optarg;
		return set_cmd(a, CMD_AGENTX);
	case O_PIN_DIR:
		a->pin_dir = optarg;
		return 0;
	case 'i':
		a->ifname = optarg;
		return 0;
	case 'f':
		a->run_dir = optarg;
		return 0;
	case 'v':
	case 'V':
		printf("atropos %s\n", VRRPD_VERSION);
		return 1;
	case 'h':
		usage(stdout);
		return 1;
	case ':':
		fprintf(stderr, "atropos: option '%s' needs an argument\n", argv[optind - 1]);
		return -1;
	default:
		fprintf(stderr, "atropos: unknown option '%s' (see atropos -h)\n",
			argv[optind - 1]);
		return -1;
	}
}

/* The command line into a: 0, 1 when done (-V, -h), -1 on an error (said). */
static int parse_args(int argc, char **argv, struct args *a)
{
	static struct option longopts[NCOMMANDS + 10] = {
		{ "priority", required_argument, NULL, O_PRIORITY },
		{ "count", required_argument, NULL, O_COUNT },
		{ "json", no_argument, NULL, O_JSON },
		{ "timeout", required_argument, NULL, O_TIMEOUT },
		{ "pin-dir", required_argument, NULL, O_PIN_DIR },
		{ "vrid", required_argument, NULL, O_VRID },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ "agentx", optional_argument, NULL, O_AGENTX },
	};
	int c, ret;
	size_t i;

	for (i = 0; i < NCOMMANDS; i++)
		longopts[9 + i] =
			(struct option){ commands[i].name, no_argument, NULL, (int)(O_CMD + i) };
	rewrite_v(argc, argv);
	while (argc > 1 && argv[argc - 1] == NULL)
		argc--;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":sbri:f:vVh", longopts, NULL)) != -1) {
		ret = one_opt(a, c, argv);
		if (ret)
			return ret;
	}
	/* --agentx SOCKET, as well as --agentx=SOCKET */
	if (a->cmd == CMD_AGENTX && !a->agentx_socket && optind == argc - 1)
		a->agentx_socket = argv[optind++];
	if (optind < argc) {
		fprintf(stderr, "atropos: unexpected argument '%s'\n", argv[optind]);
		return -1;
	}
	if (!a->cmd) {
		usage(stderr);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct args a = { .pin_dir = VRRPD_PIN_DIR_DFL,
			  .run_dir = VRRPD_RUN_DIR_DFL,
			  .timeout_s = 5 };
	struct maps m;
	int ret = parse_args(argc, argv, &a);

	if (ret)
		return ret > 0 ? 0 : 2;
	if (maps_open(&a, &m))
		return 2;
	switch (a.cmd) {
	case CMD_STATE:
		return cmd_state(&a, &m);
	case CMD_CHECK:
		return cmd_check(&a, &m);
	case CMD_WATCH:
		return cmd_watch(&a, &m);
	case CMD_RELOAD:
		return cmd_reload(&a, &m);
	case CMD_PROMETHEUS:
		return cmd_prometheus(&a, &m);
	case CMD_AGENTX:
		return cmd_agentx(&a, &m);
	default:
		return cmd_change(&a, &m);
	}
}
