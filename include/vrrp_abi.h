/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the XDP program, the vrrpd controller and atropos share: the VRRP wire format, the pinned
 * map keys and values, the ring-buffer events and the counter names. One definition, used by
 * both sides. Fixed-width types, explicit padding, a size assertion per struct.
 */
#ifndef VRRP_ABI_H
#define VRRP_ABI_H

#include <linux/bpf.h>
#include <linux/types.h>

#define VRRP_PROTO 112
#define VRRP_TTL 255
#define VRRP_MCAST4 0xe0000012 /* 224.0.0.18, host order */
#define VRRP_TYPE_ADVERT 1
#define VRRP_PRIO_OWNER 255
#define VRRP_PRIO_STOP 0
#define VRRP_PRIO_DFL 100
#define VRRP_V2_AUTH_LEN 8
#define VRRP_AUTH_NONE 0
#define VRRP_AUTH_PASS 1
#define VRRP_MAX_ADDRS 255
#define VRRP_V3_MAX_INT_CS 4095
/* The longest IPv4 VRRP message: header, 255 addresses, v2 authentication data. */
#define VRRP_MAX_MSG (8 + 4 * VRRP_MAX_ADDRS + VRRP_V2_AUTH_LEN)
/*
 * The longest IPv6 VRRP message taken: the most addresses (90) whose advert fits a 1500-byte
 * MTU. Longer ones (jumbo frames) count as length errors: the XDP program checksums at most
 * 1536 bytes.
 */
#define VRRP_MAX_ADDRS6 90
#define VRRP_MAX_MSG6 (8 + 16 * VRRP_MAX_ADDRS6)
#define VRRP_MCAST6_LAST 0x12 /* ff02::12 */

/* The common 8-byte VRRP header (RFC 3768 5.1, RFC 9568 5.1). */
struct vrrp_hdr {
	__u8 vers_type; /* version << 4 | type */
	__u8 vrid;
	__u8 priority;
	__u8 count;
	union {
		__be16 rsvd_int; /* v3: 4 reserved bits + 12-bit max adver int (cs) */
		struct {
			__u8 auth_type; /* v2 */
			__u8 adver_int_s; /* v2: seconds */
		};
	};
	__be16 csum;
};
_Static_assert(sizeof(struct vrrp_hdr) == 8, "vrrp_hdr is 8 bytes on the wire");

#define VRRP_V3_INT_MASK 0x0fff

/* Instance states as the controller publishes them. */
enum vrrpd_state {
	VRRPD_ST_INIT = 0,
	VRRPD_ST_BACKUP = 1,
	VRRPD_ST_MASTER = 2,
	VRRPD_ST_FAULT = 3,
};

/* Checksum forms for VRRPv3 over IPv4 (CONFORMANCE.md C3/C4). */
enum vrrpd_csum {
	VRRPD_CSUM_AUTO = 0, /* tx: follow the peers; rx: accept both */
	VRRPD_CSUM_RFC9568 = 1, /* no pseudo-header */
	VRRPD_CSUM_LEGACY = 2, /* IPv4 pseudo-header (RFC 5798, keepalived, FRR) */
};

/* vrrpd_cfg.flags */
#define VRRPD_F_PREEMPT (1u << 0)
#define VRRPD_F_VMAC (1u << 1)
#define VRRPD_F_OWNER_DROP (1u << 2) /* R12: an owner drops adverts instead of processing them */
#define VRRPD_F_NO_ACCEPT (1u << 3) /* D2: Accept_Mode off; a non-owner Master drops VIP traffic */
#define VRRPD_F_UNICAST (1u << 4) /* --peer: adverts only from the peers in vrrpd_peer */
#define VRRPD_F_PASS_ADVERTS (1u << 5) /* --pass-adverts: valid adverts go on to the kernel too */

/*
 * An address as the maps and events hold it, network order: IPv4 in v4 (the first 4 bytes, the
 * other 12 zero), or IPv6. Compared as 16 bytes, both families order as RFC 9568 6.4.3 wants.
 */
union vrrpd_addr {
	__be32 v4;
	__u8 v6[16];
	__be32 w[4];
};
_Static_assert(sizeof(union vrrpd_addr) == 16, "vrrpd_addr size");

/* Identifies one instance: the receiving interface, its 802.1Q VLAN (0: untagged), family, VRID. */
struct vrrpd_key {
	__u32 ifindex;
	__u16 vlan;
	__u8 family; /* AF_INET (2) or AF_INET6 (10) */
	__u8 vrid;
};
_Static_assert(sizeof(struct vrrpd_key) == 8, "vrrpd_key size");

/* vrrpd_cfg: what the controller decided. Written by the instance's controller only. */
struct vrrpd_cfg {
	__u64 lease_until_ns; /* CLOCK_MONOTONIC; the kernel claims the VIPs only before this */
	__u64 since_ns; /* time of the last state change */
	__u64 master_transitions;
	__u64 adverts_sent;
	__u64 pri_zero_sent;
	__u32 owner_pid; /* also the key of this process's ring buffer in vrrpd_events */
	union vrrpd_addr primary_ip; /* our own source address (IPv6: the interface's link-local) */
	union vrrpd_addr master_ip; /* the master we follow (Backup) */
	__u16 adver_int_cs; /* configured */
	__u16 master_adver_int_cs; /* learned from the master (v3) */
	__u8 state; /* enum vrrpd_state */
	__u8 priority; /* effective priority */
	__u8 cfg_priority; /* configured priority */
	__u8 master_priority;
	__u8 version; /* 2 or 3 */
	__u8 csum_mode; /* enum vrrpd_csum: receive accepts both unless forced */
	__u8 flags; /* VRRPD_F_* */
	__u8 auth_type; /* v2 */
	__u8 auth_data[VRRP_V2_AUTH_LEN]; /* v2 simple password, zero padded */
	__u8 vmac[6]; /* the MAC that answers ARP for the VIPs: the VMAC, or the interface's */
	__u8 reason; /* enum vrrpd_reason of the last change */
	__u8 naddrs;
};
_Static_assert(sizeof(struct vrrpd_cfg) == 104, "vrrpd_cfg size");

/* vrrpd_rx: what the kernel saw. Written by the XDP program only. */
struct vrrpd_rx {
	__u64 last_ns; /* arrival of the last valid advert */
	__u64 confirm_ns; /* arrival of the last advert that took the fast path */
	/*
	 * Arrival of the last advert pushed as an event (or due one, without a ring buffer): one
	 * that cannot change the election (a Master hearing a lower priority, ...) is held back
	 * until an Advertisement_Interval after it.
	 */
	__u64 event_ns;
	__u64 adverts; /* valid adverts received */
	union vrrpd_addr master_ip; /* sender of the last valid advert */
	__u16 adver_int_cs; /* its interval, in centiseconds (v2: converted) */
	__u8 priority; /* its priority */
	__u8 csum_form; /* enum vrrpd_csum that matched (v3 IPv4) */
	__u8 pad[4];
};
_Static_assert(sizeof(struct vrrpd_rx) == 56, "vrrpd_rx size");

/*
 * vrrpd_down: a Backup's Master_Down_Timer kept by the kernel (a bpf_timer; kernels without
 * bpf_timer for XDP leave the map empty and the controller keeps the timer itself). Written by
 * the XDP program only. Each advert of the fast path (the master the controller follows,
 * unchanged) starts it again for the Master_Down_Interval of vrrpd_cfg (RFC 9568 6.1, RFC 3768
 * 6.1); VRRPD_DOWN_EARLY_NS before it expires, with the instance still a Backup, it pushes one
 * VRRPD_EV_MASTER_DOWN event to the owner's ring buffer. A controller that finds expires_ns equal to its own
 * deadline sleeps until that event (or its next link check).
 */
/*
 * The timer fires this long before expires_ns: vrrpd, woken, reads vrrpd_rx and waits for the
 * deadline on its own clock, so that the wake-up's longer path (softirq, ring buffer) does not
 * make the takeover late.
 */
#define VRRPD_DOWN_EARLY_NS 1000000ull

struct vrrpd_down {
	struct bpf_timer timer; /* opaque; reads as zeros from user space */
	__u64 from_ns; /* arrival of the advert that started it (vrrpd_rx.confirm_ns) */
	__u64 expires_ns; /* from_ns + Master_Down_Interval */
	__u64 fired; /* expiries that pushed an event */
	__u64 lost; /* expiries whose event found no ring buffer or a full one */
	__u32 ready; /* the timer is initialised and has its callback */
	__u32 pad;
};
_Static_assert(sizeof(struct vrrpd_down) == 56, "vrrpd_down size");

/* vrrpd_vip: a virtual address on an interface -> its instance (used by the ARP responder). */
struct vrrpd_vip_key {
	__u32 ifindex;
	__u8 family;
	__u8 pad[3];
	__u8 addr[16]; /* IPv4 in the first 4 bytes */
};
_Static_assert(sizeof(struct vrrpd_vip_key) == 24, "vrrpd_vip_key size");

/*
 * vrrpd_peer: the unicast peers (--peer) of an instance; the value is unused. An instance with
 * VRRPD_F_UNICAST accepts adverts only from these sources; one without accepts only adverts
 * sent to 224.0.0.18.
 */
struct vrrpd_peer_key {
	struct vrrpd_key key;
	__u8 addr[16]; /* IPv4 in the first 4 bytes */
};
_Static_assert(sizeof(struct vrrpd_peer_key) == 24, "vrrpd_peer_key size");

/*
 * vrrpd_track: what an instance tracks (--track, --track-script, --track-file,
 * --track-process), each object as its daemon last decided, written when it changes; for
 * atropos and bpftool. Not read by the XDP program. Key: the instance and
 * kind * VRRPD_TRACK_PER_KIND + the object's place among those of its kind.
 */
#define VRRPD_TRACK_PER_KIND 8
enum vrrpd_track_kind {
	VRRPD_TK_INTERFACE = 1, /* --track */
	VRRPD_TK_SCRIPT = 2, /* --track-script */
	VRRPD_TK_FILE = 3, /* --track-file */
	VRRPD_TK_PROCESS = 4, /* --track-process */
	VRRPD_TK_MAX,
};
struct vrrpd_track_key {
	struct vrrpd_key key;
	__u32 idx;
};
_Static_assert(sizeof(struct vrrpd_track_key) == 12, "vrrpd_track_key size");

struct vrrpd_track {
	__u64 since_ns; /* CLOCK_MONOTONIC: in this state since */
	__s32 weight; /* added to the priority while down (a file: what it adds now) */
	__u8 kind; /* enum vrrpd_track_kind */
	__u8 down; /* down, failing, missing, not a number: 1 */
	__u8 fault; /* no weight: the instance is in FAULT while it is down */
	__u8 pad;
	char name[128]; /* the interface, command, path or process name (cut to fit) */
	char state[16]; /* up, down; healthy, failing; ok, bad; running, missing */
	char detail[64]; /* "exit 1", "holds 20", "2 running, 1 needed" */
};
_Static_assert(sizeof(struct vrrpd_track) == 224, "vrrpd_track size");

/*
 * Every counter of struct vrrpd_stats, in its order, as X(field): the one list atropos and the
 * tests name the counters from. Append-only: a new counter goes at the end, here and in the
 * struct, and takes one of the spare slots, so the value keeps its size and a pin directory
 * made by an older build stays usable (xdp.c accepts a layout whose counters are a prefix of
 * ours, or ours of its; an older program leaves the newer counters at 0).
 */
/* clang-format off */
#define VRRPD_STATS_FIELDS(X) \
	X(adverts_rcvd) X(pri_zero_rcvd) X(fast_path) X(events) X(events_lost) X(events_held) \
	X(ip_ttl_errors) X(version_errors) X(invalid_type) X(length_errors) \
	X(checksum_errors) X(vrid_errors) X(invalid_count) X(address_list_errors) \
	X(auth_errors) X(adver_interval_errors) X(reserved_set) X(interval_differs) \
	X(owner_adverts) X(csum_rfc9568) X(csum_legacy) X(arp_replies) X(arp_dropped) \
	X(vmac_dropped) X(accept_mode_dropped) X(peer_errors) X(nd_replies) X(nd_dropped) \
	X(ip_header_errors) X(ip_fragments) X(arp_invalid)
/* clang-format on */
#define VRRPD_STATS_ONE(field) +1
/* How many counters there are; the value has room for VRRPD_STATS_SLOTS. */
#define VRRPD_STATS_COUNT (0 VRRPD_STATS_FIELDS(VRRPD_STATS_ONE))
#define VRRPD_STATS_SLOTS 40

/*
 * vrrpd_stats: per-CPU counters per instance, named after RFC 6527 and keepalived. Drops that
 * cannot be tied to a configured instance are counted under the key with vrid 0 (and vlan 0) of
 * the receiving interface and family: one entry per interface and family, whatever VLAN tags a
 * host puts on its frames, so that strangers cannot fill the map.
 */
struct vrrpd_stats {
	__u64 adverts_rcvd; /* valid adverts */
	__u64 pri_zero_rcvd;
	__u64 fast_path; /* valid adverts that woke nobody */
	__u64 events; /* adverts pushed to the controller */
	__u64 events_lost; /* ring buffer full */
	__u64 events_held; /* valid adverts that could change nothing, kept from the controller */
	__u64 ip_ttl_errors; /* R1 */
	__u64 version_errors; /* R2 */
	__u64 invalid_type; /* R3 */
	__u64 length_errors; /* R4 */
	__u64 checksum_errors; /* R5 */
	__u64 vrid_errors; /* R6 */
	__u64 invalid_count; /* R7: count 0 or interval 0 */
	__u64 address_list_errors; /* R8: family mismatch, IPv6 first address not link-local */
	__u64 auth_errors; /* R9: auth type or password */
	__u64 adver_interval_errors; /* R9: v2 interval differs */
	__u64 reserved_set; /* R10: accepted */
	__u64 interval_differs; /* R11: v3 interval differs from ours, accepted */
	__u64 owner_adverts; /* R12: adverts received while we own the addresses */
	__u64 csum_rfc9568; /* C3 form matched */
	__u64 csum_legacy; /* C4 form matched */
	__u64 arp_replies; /* D2: ARP requests for a VIP answered in XDP */
	__u64 arp_dropped; /* D1, D3: ARP requests for a VIP while Backup or the lease expired */
	__u64 vmac_dropped; /* D1: frames to the VMAC while not Master */
	__u64 accept_mode_dropped; /* D2: packets to a VIP at the VMAC, Master without Accept_Mode */
	__u64 peer_errors; /* unicast: from a source not a --peer, or not to 224.0.0.18 without */
	__u64 nd_replies; /* D5: Neighbor Solicitations for a VIP answered in XDP */
	__u64 nd_dropped; /* D1, D5: Neighbor Solicitations for a VIP while Backup or expired */
	__u64 ip_header_errors; /* IPv4 VRRP packets whose header checksum is wrong */
	__u64 ip_fragments; /* IPv4 VRRP fragments (an advert is never fragmented) */
	__u64 arp_invalid; /* ARP requests for a VIP not answered: the sender's hardware address is
			    * not the frame's source, or not a unicast one (a reply would go astray) */
	/* A new counter goes above this line (and at the end of VRRPD_STATS_FIELDS). */
	__u64 spare[VRRPD_STATS_SLOTS - VRRPD_STATS_COUNT];
};
_Static_assert(sizeof(struct vrrpd_stats) == VRRPD_STATS_SLOTS * 8, "vrrpd_stats size");
_Static_assert(__builtin_offsetof(struct vrrpd_stats, spare) == VRRPD_STATS_COUNT * 8,
	       "VRRPD_STATS_FIELDS names every counter");

/* Why an instance changed state; published in vrrpd_cfg.reason. */
enum vrrpd_reason {
	VRRPD_R_NONE = 0,
	VRRPD_R_STARTUP = 1, /* S1 */
	VRRPD_R_OWNER = 2, /* S1 with priority 255 */
	VRRPD_R_MASTER_DOWN = 3, /* S2: no advert within Master_Down_Interval */
	VRRPD_R_PRIO_ZERO = 4, /* S3 then S2: the master resigned */
	VRRPD_R_HIGHER_PRIO = 5, /* S7 */
	VRRPD_R_HIGHER_ADDR = 6, /* S7, equal priority */
	VRRPD_R_PREEMPT = 7, /* S2 after discarding a lower priority master (preempt) */
	VRRPD_R_SHUTDOWN = 8, /* S9 */
	VRRPD_R_LINK_DOWN = 9, /* -> FAULT: carrier or admin state lost */
	VRRPD_R_LINK_UP = 10, /* FAULT -> BACKUP: the link is back */
	VRRPD_R_GROUP = 11, /* -M: a member of our group is backup, faulty or gone */
	VRRPD_R_GROUP_READY = 12, /* -M: every member of the group can be master now */
	VRRPD_R_ADMIN_BACKUP = 13, /* atropos --backup */
	VRRPD_R_ADMIN_MASTER = 14, /* atropos --master */
	VRRPD_R_MAX,
};

enum vrrpd_event_type {
	VRRPD_EV_ADVERT = 1,
	VRRPD_EV_MASTER_DOWN = 2, /* vrrpd_down expired: ts_ns and key only */
};

#define VRRPD_EV_MAX_ADDRS 8

/* One event on the ring buffer: an advert the controller must see, or a Master_Down expiry. */
struct vrrpd_event {
	__u64 ts_ns; /* arrival, CLOCK_MONOTONIC */
	struct vrrpd_key key;
	union vrrpd_addr saddr;
	__u16 adver_int_cs;
	__u8 type; /* enum vrrpd_event_type */
	__u8 priority;
	__u8 version;
	__u8 csum_form;
	__u8 count; /* addresses in the advert */
	__u8 pad;
	union vrrpd_addr addrs[VRRPD_EV_MAX_ADDRS]; /* the first addresses of the advert */
};
_Static_assert(sizeof(struct vrrpd_event) == 168, "vrrpd_event size");

/*
 * Multi-interface groups (-M N [--group NAME]), in vrrpd_group: one slot per member instance,
 * written by its own vrrpd only. A member may be Master only while all N members have fresh
 * slots, a live owner, their link up and are ready (Master, or would be Master).
 */
#define VRRPD_GROUP_NAME_LEN 16
#define VRRPD_GROUP_DFL "default"

struct vrrpd_group_key {
	char name[VRRPD_GROUP_NAME_LEN]; /* NUL padded */
	struct vrrpd_key member;
};
_Static_assert(sizeof(struct vrrpd_group_key) == 24, "vrrpd_group_key size");

struct vrrpd_group_slot {
	__u64 heartbeat_ns; /* CLOCK_MONOTONIC of the last write */
	__u64 stale_after_ns; /* no write since then: the member is frozen or gone */
	__u32 owner_pid;
	__u8 size; /* the N of its -M N */
	__u8 state; /* enum vrrpd_state */
	__u8 link_up;
	__u8 ready; /* Master, or its own election would make it Master */
};
_Static_assert(sizeof(struct vrrpd_group_slot) == 24, "vrrpd_group_slot size");

/* The release vrrpd -V and atropos -V report (and the man pages' headers say). */
#define VRRPD_VERSION "2.0.0"
/* Where the daemons keep their control sockets and pid files (vrrpd -f, atropos -f). */
#define VRRPD_RUN_DIR_DFL "/run/vrrpd"

/* Map names, pinned under the pin directory (default /sys/fs/bpf/vrrpd). */
#define VRRPD_PIN_DIR_DFL "/sys/fs/bpf/vrrpd"
#define VRRPD_MAP_CFG "vrrpd_cfg"
#define VRRPD_MAP_RX "vrrpd_rx"
#define VRRPD_MAP_VIP "vrrpd_vip"
#define VRRPD_MAP_STATS "vrrpd_stats"
#define VRRPD_MAP_EVENTS "vrrpd_events"
#define VRRPD_MAP_GROUP "vrrpd_group"
#define VRRPD_MAP_PEER "vrrpd_peer"
#define VRRPD_MAP_DOWN "vrrpd_down"
#define VRRPD_MAP_TRACK "vrrpd_track"
#define VRRPD_MAX_PEERS 8 /* per instance */
#define VRRPD_MAX_INSTANCES 1024
#define VRRPD_MAX_PROCS 256
#define VRRPD_RINGBUF_BYTES (256 * 1024)
#define VRRPD_PROG_NAME "vrrpd_xdp"

#endif /* VRRP_ABI_H */
