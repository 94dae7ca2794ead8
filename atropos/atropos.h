/* SPDX-License-Identifier: GPL-2.0 */
/*
 * atropos's parts: atropos.c reads the command line, maps.c reads the pinned maps, show.c
 * prints what they hold (--state, --check, --prometheus), change.c asks the daemons for changes
 * through their control sockets, watch.c follows their event streams there (--watch), agentx.c
 * and agentx_mib.c serve the VRRPv3-MIB to snmpd (--agentx, agentx.h).
 */
#ifndef ATROPOS_H
#define ATROPOS_H

#include <net/if.h>
#include <stdbool.h>
#include <linux/types.h>

#include "vrrp_abi.h"

#define MAX_INST 256
#define MAX_VIPS 32
#define MAX_TRACKED (VRRPD_TRACK_PER_KIND * (VRRPD_TK_MAX - 1))

enum cmd {
	CMD_NONE,
	CMD_STATE,
	CMD_CHECK,
	CMD_WATCH,
	CMD_BACKUP,
	CMD_MASTER,
	CMD_RESUME,
	CMD_REDUCE,
	CMD_INCREASE,
	CMD_PRIORITY,
	CMD_GARP,
	CMD_RELOAD,
	CMD_PROMETHEUS,
	CMD_AGENTX,
};

struct args {
	enum cmd cmd;
	const char *pin_dir;
	const char *run_dir;
	const char *ifname; /* -i */
	const char *agentx_socket; /* --agentx SOCKET, NULL: net-snmp's default */
	int vrid; /* -v N, 0: any */
	int priority; /* --priority N */
	int timeout_s;
	int count; /* --watch: stop after this many transitions, 0: never */
	bool json;
};

/*
 * One instance as the pinned maps have it: what atropos reads (the daemon's own view of an
 * instance is struct inst, user/inst.h).
 */
struct pinned_inst {
	struct vrrpd_key key;
	struct vrrpd_cfg cfg;
	char ifname[IF_NAMESIZE];
	bool stale; /* its vrrpd is gone */
	union vrrpd_addr vips[MAX_VIPS]; /* of the instance's family (key.family) */
	int nvips;
	char group[VRRPD_GROUP_NAME_LEN];
	int group_size;
	__be32 peers[VRRPD_MAX_PEERS]; /* --peer */
	int npeers;
	/* What it tracks (vrrpd_track), in the order of the options: interfaces, scripts, ... */
	struct vrrpd_track tracks[MAX_TRACKED];
	int ntracks;
};

struct maps {
	int cfg, stats, vip, group, peer;
	int track; /* -1: none (a pin directory of an older vrrpd) */
	int owners; /* PIN_DIR/owners: who holds each instance's claim (own.h) */
};

/* maps.c */
/* Opens the pinned maps of a->pin_dir, checking their sizes; 0, or -1 with a message printed. */
int maps_open(const struct args *a, struct maps *m);
/* Closes what maps_open opened (every fd -1 after). */
void maps_close(struct maps *m);
/* The instances a selects (-i, -v), up to max, into out: how many. */
int maps_load(const struct args *a, const struct maps *m, struct pinned_inst *out, int max);
/* An instance's counters, summed over the CPUs. */
void maps_sum_stats(int fd, const struct vrrpd_key *key, struct vrrpd_stats *sum);
/* How the program is attached to ifindex, as the kernel says. */
const char *maps_xdp_mode(__u32 ifindex);
bool maps_key_eq(const struct vrrpd_key *a, const struct vrrpd_key *b);
/* A master whose daemon stopped renewing: the kernel no longer answers for its VIPs. */
bool maps_lease_expired(const struct pinned_inst *in);

/* show.c: each returns atropos's exit status. */
const char *show_state_name(__u8 s);
/* s as a JSON string, quoted and escaped. */
void show_json_string(const char *s);
void show_json(const struct maps *m, const struct pinned_inst *in);
int cmd_state(const struct args *a, const struct maps *m);
int cmd_check(const struct args *a, const struct maps *m);
int cmd_prometheus(const struct args *a, const struct maps *m);

/* change.c */
/*
 * A connection to the control socket of in's daemon, checked to be served by it (SO_PEERCRED):
 * the socket, or -errno with a message printed.
 */
int daemon_connect(const struct args *a, const struct pinned_inst *in);
int cmd_reload(const struct args *a, const struct maps *m);
int cmd_change(const struct args *a, const struct maps *m);

/* watch.c */
int cmd_watch(const struct args *a, const struct maps *m);

/* agentx.c: --agentx, until SIGTERM or SIGINT; 1 when snmpd cannot be reached. */
#define ATROPOS_AGENTX_DFL "/var/agentx/master" /* net-snmp's NETSNMP_AGENTX_SOCKET */
int cmd_agentx(const struct args *a, struct maps *m);

#endif /* ATROPOS_H */
