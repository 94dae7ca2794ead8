/* SPDX-License-Identifier: GPL-2.0 */
/* The vrrpd command line: the original Advanced Vrrpd options plus long options. */
#ifndef VRRPD_OPTS_H
#define VRRPD_OPTS_H

#include <stdbool.h>
#include <stdint.h>
#include <net/if.h>
#include <stdio.h>

#include "vrrp_abi.h"

#define OPTS_MAX_VIPS 32
#define OPTS_PATH_MAX 256
#define OPTS_NAME_MAX 64 /* --name, with its NUL */
#define OPTS_GARP_COUNT_DFL 5
#define OPTS_GARP_COUNT_MAX 100
#define OPTS_GARP_INTERVAL_DFL_MS 100
#define OPTS_GARP_INTERVAL_MAX_MS 10000
/*
 * --rt-priority: off unless asked (as keepalived's vrrp_rt_priority). A real-time process that
 * is busy keeps ksoftirqd (normal priority), and so the kernel's deferred packet processing, off
 * its CPU: several busy ones on a small machine delay everyone's adverts. 10 is the advice:
 * below the 50 of the kernel's interrupt threads.
 */
#define OPTS_RT_PRIORITY_DFL 0
#define OPTS_RT_PRIORITY_MAX 99
#define OPTS_GARP_REFRESH_MAX_S 86400
#define OPTS_SCRIPT_TIMEOUT_DFL_S 60
#define OPTS_SCRIPT_TIMEOUT_MAX_S 3600
#define OPTS_PREEMPT_DELAY_MAX_S 3600
#define OPTS_MAX_TRACKS 8

struct opts_vip {
	union vrrpd_addr addr; /* IPv4 in addr.v4, or IPv6 */
	uint8_t prefix_len; /* 1..32 (IPv6: 1..128), default 32 (128) */
};

/*
 * The commands run on a change of state, keepalived's notify_master, notify_backup, notify_fault,
 * notify_stop (run with the words given) and notify (run on every change, with four words more:
 * INSTANCE NAME STATE PRIORITY).
 */
enum opts_notify {
	OPTS_NOTIFY_MASTER, /* --notify-master */
	OPTS_NOTIFY_BACKUP, /* --notify-backup */
	OPTS_NOTIFY_FAULT, /* --notify-fault */
	OPTS_NOTIFY_STOP, /* --notify-stop */
	OPTS_NOTIFY_ANY, /* --notify */
	OPTS_NOTIFY_N,
};

/* The words of a command (--track-script, --notify-*), and at most how many. */
#define OPTS_CMD_WORDS 32

/* --track IFACE[:WEIGHT]: another interface whose link the instance depends on. */
struct opts_track {
	char ifname[IF_NAMESIZE];
	int weight; /* added to the priority while IFACE is down, -254..254; 0: FAULT instead */
};

/* --track-script 'CMD ARGS'[:+W|:-W]: a health check the instance depends on. */
#define OPTS_MAX_SCRIPTS 8
#define OPTS_TRACK_INTERVAL_DFL_S 1
#define OPTS_TRACK_MAX_S 3600
#define OPTS_TRACK_STREAK_MAX 100
struct opts_script {
	char cmd[OPTS_PATH_MAX]; /* the command and its arguments, as given */
	bool weighted; /* W given: added to the priority while failing; else FAULT */
	int weight; /* -254..254 */
	int interval_s; /* --track-interval before it: run every S seconds */
	int timeout_s; /* --track-timeout before it (default: the interval): killed, a failure */
	int rise, fall; /* --rise, --fall before it: successes (failures) in a row to change */
};

/* --track-process NAME[:W[:N]]: healthy while at least N processes of that name run. */
#define OPTS_MAX_PROCS 8
#define OPTS_PROC_MIN_MAX 64 /* N, and the processes of a name that are counted */
struct opts_proc {
	char name[OPTS_NAME_MAX]; /* /proc/PID/comm (15 characters), or argv[0]'s base name */
	bool weighted; /* W given: added to the priority while too few run; else FAULT */
	int weight; /* -254..254 */
	int min; /* N, default 1 */
};

/* --track-file PATH[:+W|:-W]: a number in a file, times W, added to the priority. */
#define OPTS_MAX_FILES 8
struct opts_file {
	char path[OPTS_PATH_MAX]; /* absolute */
	int weight; /* -254..254, default 1 */
};

struct opts {
	char ifname[IF_NAMESIZE]; /* -i */
	/* --name: in the events and the --notify-fifo; default IFACE-VRID (IPv6: IFACE-VRID-6) */
	char name[OPTS_NAME_MAX];
	uint8_t vrid; /* -v, 1..255 */
	uint8_t priority; /* -p, 1..255, default 100 */
	uint16_t adver_int_cs; /* -d SECS (fractional in v3), default 100 cs */
	bool preempt; /* -s toggles; default on */
	int preempt_delay_s; /* --preempt-delay: follow a lower master this long after start */
	int link_up_delay_cs; /* --link-delay UP[:DOWN]: the link must stay up this long to count */
	int link_down_delay_cs; /* ... and down this long */
	bool vmac; /* -n turns it off; default on */
	uint8_t version; /* --vrrp-version 2|3, default 3 */
	uint8_t csum_mode; /* --checksum auto|rfc9568|legacy: enum vrrpd_csum */
	uint8_t auth_type; /* -a none | -a pw/SECRET (v2 only) */
	uint8_t auth_data[VRRP_V2_AUTH_LEN];
	int reduce_prio; /* -z, -1: priority - 10 */
	int increase_prio; /* -x, -1: priority + 10 */
	char up_script[OPTS_PATH_MAX]; /* -U */
	char down_script[OPTS_PATH_MAX]; /* -D */
	/* --notify-master ... --notify: commands with their arguments (keepalived's notify_*) */
	char notify[OPTS_NOTIFY_N][OPTS_PATH_MAX];
	int script_timeout_s; /* --script-timeout: a script still running then is killed */
	int monitor; /* -M N, 0: off */
	char group[VRRPD_GROUP_NAME_LEN]; /* --group, "" for the default group */
	uint32_t magic_src; /* -I, network order, 0: off */
	uint32_t magic_dst; /* -O */
	int garp_count; /* --garp-count: gratuitous ARPs per VIP on takeover (CONFORMANCE.md D4) */
	int garp_interval_ms; /* --garp-interval: between those */
	int garp_refresh_s; /* --garp-refresh: one more every S seconds while master, 0: off */
	char run_dir[OPTS_PATH_MAX]; /* -f, default /run/vrrpd */
	char pin_dir[OPTS_PATH_MAX]; /* --pin-dir, default /sys/fs/bpf/vrrpd */
	char notify_fifo[OPTS_PATH_MAX]; /* --notify-fifo: events, keepalived's FIFO lines */
	bool foreground; /* --foreground */
	int rt_priority; /* --rt-priority: the process's SCHED_FIFO priority, 0: none */
	bool no_kernel_timer; /* --no-kernel-timer: Master_Down_Timers in vrrpd, not in XDP */
	bool owner_drop; /* --owner-drop: R12, an owner drops adverts instead of processing them */
	bool pass_adverts; /* --pass-adverts: valid adverts go on to the kernel (tcpdump) */
	bool no_accept; /* --no-accept: D2, Accept_Mode off (--accept: on, the default) */
	int family; /* AF_INET or AF_INET6: what the VIPs are (RFC 9568: one family an instance) */
	int nvips;
	struct opts_vip vips[OPTS_MAX_VIPS];
	int ntracks;
	struct opts_track tracks[OPTS_MAX_TRACKS];
	int nscripts;
	struct opts_script scripts[OPTS_MAX_SCRIPTS];
	int nfiles;
	struct opts_file files[OPTS_MAX_FILES];
	int nprocs;
	struct opts_proc procs[OPTS_MAX_PROCS];
	int npeers; /* --peer: unicast adverts to these, and only theirs heard; 0: multicast */
	uint32_t peers[VRRPD_MAX_PEERS]; /* network order */
	bool show_version; /* -V */
	bool show_help; /* -h */
	char config[OPTS_PATH_MAX]; /* -c FILE: the instances are in FILE (conf.h) */
	bool config_keepalived; /* --keepalived FILE: ... a keepalived.conf (kconf.h) */
	bool print_conf; /* --print-conf: the keepalived.conf as a vrrpd -c file, and exit */
	bool check_config; /* -t: check the -c FILE, say what it holds, and exit */
};

/*
 * Parses argv into o (after setting the defaults). Returns 0, or -EINVAL with one clear
 * message in err (no trailing newline). Does not touch the system: the interface's existence is
 * checked by the caller.
 */
int opts_parse(struct opts *o, int argc, char **argv, char *err, size_t errlen);
/*
 * The same; *argi gets the index in argv of the word where the error was found, or -1 when it
 * was found once all were read (a missing -i, an interval against the version...).
 */
int opts_parse_at(struct opts *o, int argc, char **argv, char *err, size_t errlen, int *argi);
void opts_usage(FILE *out);

/* Where an option may be given. */
enum opts_scope {
	OPTS_INSTANCE, /* on the command line, and in a vrrp { } block of the -c file */
	OPTS_PROCESS, /* the same for all instances: in the -c file, outside the blocks only */
	OPTS_CMDLINE, /* on the command line only (-c, -t, -h, -V) */
};
/*
 * Whether word, as getopt reads it (an abbreviated --NAME, --NAME=VALUE, a short option alone,
 * with its value attached or in a cluster such as -nf/run/x), gives an option of the process or
 * of the command line: its spelling ("--pin-dir", "-f"; valid until the next call), with
 * *top_ok set when the -c file may give it outside the blocks. NULL for an instance's.
 */
const char *opts_process_word(const char *word, bool *top_ok);
/*
 * The spellings of the i-th option ("-i" and "--interface", or one of them) into words: how
 * many, or -1 past the last option. For the tests that hold lists kept elsewhere (the fuzz
 * dictionaries) to the table.
 */
int opts_spellings(size_t i, char words[2][40]);
/*
 * A command's words (--track-script, --notify-*): split at blanks, '...' and "..." each one
 * word (or part of one) as in a shell, without escapes; no shell runs it. argv[] points into
 * buf and ends with NULL. How many words, or -EINVAL: none, a quote not closed, more than
 * OPTS_CMD_WORDS - 1, or longer than buf.
 */
int opts_words(const char *cmd, char *buf, size_t len, char *argv[OPTS_CMD_WORDS]);

#endif /* VRRPD_OPTS_H */
