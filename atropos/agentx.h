/* SPDX-License-Identifier: GPL-2.0 */
/*
 * atropos --agentx: the VRRPv3-MIB (RFC 6527) served to snmpd as an AgentX subagent.
 * agentx_mib.c is the MIB: the objects served, the virtual routers as the pinned maps have them
 * and what the subagent works out between two readings (counters summed and kept monotonic, up
 * time, the reasons, the notifications due); agentx.c is the process: net-snmp's agent, the
 * requests, the notifications, the clock.
 */
#ifndef ATROPOS_AGENTX_H
#define ATROPOS_AGENTX_H

#include <stdbool.h>
#include <stdint.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>
#include <net-snmp/agent/agent_callbacks.h>
#include <net-snmp/agent/agent_sysORTable.h>

#include "atropos.h"

/* vrrpv3MIB: mib-2 207 (RFC 6527). */
#define VMIB_ROOT 1, 3, 6, 1, 2, 1, 207
#define VMIB_ROOT_LEN 7
/*
 * The longest instance OID served: the root, vrrpv3AssociatedIpAddrRowStatus's 5 arcs, and its
 * index: ifIndex, VRID, address type, the address's length and its 16 bytes.
 */
#define VMIB_OID_MAX (VMIB_ROOT_LEN + 5 + 3 + 1 + 16)
/*
 * How old the maps' reading may be when a request comes: vrrpv3StatisticsRefreshRate. Readings
 * are also made once a second without requests, for the notifications.
 */
#define VMIB_FRESH_MS 100
#define VMIB_POLL_S 1

/* One instance of an object, ready for a varbind. */
struct vmib_var {
	oid name[VMIB_OID_MAX];
	size_t len;
	u_char type; /* ASN_INTEGER, ASN_OCTET_STR, ... */
	union {
		long l;
		u_long ul;
		struct counter64 c64;
		u_char s[16];
	} v;
	size_t vlen; /* bytes of v */
};

/* vrrpv3StatisticsNewMasterReason (RFC 6527) */
enum vmib_master_reason {
	VMIB_NOT_MASTER = 0,
	VMIB_PRIORITY = 1,
	VMIB_PREEMPTED = 2,
	VMIB_MASTER_NO_RESPONSE = 3,
};

/* vrrpv3StatisticsProtoErrReason (RFC 6527); vrIdError(4) is never a row's (see agentx_mib.c). */
enum vmib_proto_err {
	VMIB_NO_ERROR = 0,
	VMIB_IP_TTL_ERROR = 1,
	VMIB_VERSION_ERROR = 2,
	VMIB_CHECKSUM_ERROR = 3,
};

/* One virtual router: a row of vrrpv3OperationsTable and of vrrpv3StatisticsTable. */
struct vmib_row {
	struct vrrpd_key key;
	struct vrrpd_cfg cfg;
	struct vrrpd_stats st;
	bool stale; /* its vrrpd is gone */
	int naddrs; /* its rows in vrrpv3AssociatedIpAddrTable */
	/* What the subagent worked out over its readings: */
	bool up_known;
	uint64_t up_ns; /* CLOCK_MONOTONIC when it left Initialize; 0: in it */
	int master_reason; /* enum vmib_master_reason, -1: unknown */
	int proto_err; /* enum vmib_proto_err */
	u_long discontinuity; /* vrrpv3StatisticsRowDiscontinuityTime */
};

/* One row of vrrpv3AssociatedIpAddrTable. */
struct vmib_addr {
	struct vrrpd_key key; /* its virtual router */
	union vrrpd_addr addr;
	bool stale; /* its virtual router's vrrpd is gone */
};

/* A key of vrrpd_stats and its counters of router-wide objects, as last read. */
enum { VMIB_R_CHECKSUM, VMIB_R_VERSION, VMIB_R_VRID, VMIB_R_COUNT };
struct vmib_keysum {
	struct vrrpd_key key;
	uint64_t c[VMIB_R_COUNT];
};

/* A notification a reading found due. */
struct vmib_note {
	bool new_master; /* vrrpv3NewMaster, or vrrpv3ProtoError */
	struct vrrpd_key key;
	int reason; /* its NewMasterReason or ProtoErrReason */
};
#define VMIB_NOTES_MAX 64

struct vmib {
	struct vmib_row *rows; /* in index order */
	size_t nrows;
	struct vmib_addr *addrs; /* in index order */
	size_t naddrs;
	struct vmib_keysum *keys; /* sorted by key */
	size_t nkeys;
	uint64_t router[VMIB_R_COUNT]; /* the router-wide counters, kept monotonic */
	bool primed; /* a first reading was made: what changes after it is news */
	uint64_t read_ns; /* CLOCK_MONOTONIC of the last reading */
	u_long uptime; /* the agent's sysUpTime then */
	struct vmib_note notes[VMIB_NOTES_MAX];
	size_t nnotes;
	size_t notes_lost; /* found beyond VMIB_NOTES_MAX */
};

/* agentx_mib.c */
/* A reading of the maps into m: the rows, the addresses, the counters, the notes due. */
void vmib_read(struct vmib *m, const struct maps *maps, uint64_t now_ns, u_long uptime);
/*
 * The instance name: into v, true; false with *err SNMP_NOSUCHOBJECT (not an object served)
 * or SNMP_NOSUCHINSTANCE.
 */
bool vmib_get(const struct vmib *m, const oid *name, size_t len, struct vmib_var *v, int *err);
/* The first instance after name (or at it, when inclusive): into v, true; false when none. */
bool vmib_next(const struct vmib *m, const oid *name, size_t len, bool inclusive,
	       struct vmib_var *v);
/* The OIDs a note's varbinds name, into v[0..] (at most 2): how many. */
int vmib_note_vars(const struct vmib *m, const struct vmib_note *n, struct vmib_var *v);
void vmib_free(struct vmib *m);

#endif /* ATROPOS_AGENTX_H */
