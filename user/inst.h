/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One VRRP instance: the election (fsm), its map entries, its addresses and its transmit
 * socket, and the actions the election asks for.
 */
#ifndef VRRPD_INST_H
#define VRRPD_INST_H

#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>

#include "ctl.h"
#include "fsm.h"
#include "group.h"
#include "opts.h"
#include "vrrp_abi.h"

struct hook;
struct nl_sock;
struct xdp_ctx;
struct vipq;

/* Log lines about received adverts that are accepted but wrong (CONFORMANCE.md R11, R12). */
enum inst_warn {
	INST_WARN_INTERVAL, /* R11: v3 interval differs from ours */
	INST_WARN_ADDRS, /* R11: address list differs */
	INST_WARN_OWNER, /* R12: an advert while we own the addresses */
	INST_WARN_MAX,
};

#define INST_WARN_GAP_NS (60 * 1000000000ull)

struct inst_fx;

struct inst {
	const struct opts *o;
	const struct inst_fx *fx; /* what inst_apply() acts through (inst_int.h) */
	struct xdp_ctx *x;
	struct nl_sock *nl;
	struct hook *hook;
	struct fsm fsm;
	struct vrrpd_key key;
	struct vrrpd_cfg cfg; /* as last written to vrrpd_cfg */
	int ifindex;
	/*
	 * The VMAC (RFC 9568 7.3): a macvlan vmac_name on the interface, carrying the VIPs while
	 * Master and down otherwise. With -n, vmac_ifindex is 0 and the interface does it all.
	 */
	int vmac_ifindex;
	char vmac_name[IF_NAMESIZE];
	int vip_ifindex; /* where the VIPs go: the macvlan, or the interface with -n */
	uint8_t src_mac[6]; /* adverts, gratuitous ARPs, ARP replies: the VMAC, or the interface's */
	int tx_fd;
	int utx_fd; /* --peer: the unicast socket (tx_open_ip), else -1 */
	uint8_t peer_csum; /* v3: the checksum form the peers use; 0 until one is seen */
	bool vip_present[OPTS_MAX_VIPS]; /* there before we started: never added nor removed */
	bool vips_added;
	bool resigning; /* inside inst_resign: the addresses and the stop script wait */
	bool stop_hook_due; /* inst_resign left the STOP scripts to inst_stop */
	bool vips_on_vmac; /* inst_stop_begin left the addresses to the macvlan's removal */
	bool vmac_grouped; /* inst_stop_begin put the macvlan in the group to remove */
	uint8_t stop_hook_prio; /* their priority */
	enum fsm_state stop_hook_prev; /* the state left */
	int garp_left; /* of the takeover burst */
	uint64_t garp_next_ns;
	uint64_t garp_refresh_ns; /* next periodic gratuitous ARP while Master, 0: none */
	uint64_t fsm_deadline_ns; /* the election's next deadline (fsm_out.deadline_ns) */
	uint64_t fsm_due_ns; /* from when to tick it (fsm_out.due_ns): early, to share wake-ups */
	/*
	 * -c: the process's queue, where a change leaves its addresses and what follows them
	 * (vipq.h); NULL: done at once. vipq_seq numbers the instance's jobs: a job done when
	 * another was queued after it is no longer the latest.
	 */
	struct vipq *q;
	uint64_t vipq_seq;
	uint64_t down_from_ns; /* the kernel's Master_Down_Timer (vrrpd_down), as last read: */
	uint64_t down_expires_ns; /* started by the advert of down_from_ns, expiring then */
	uint64_t down_woken_from; /* down_from_ns of the timer that last woke us */
	uint64_t warned_ns[INST_WARN_MAX]; /* rate limit of the log lines below, per reason */
	struct group group; /* -M; group.fd < 0 without */
	bool group_ok; /* the group allows Master (always true without -M) */
	bool held; /* atropos --backup: Backup until --master or --resume */
	bool link_ok; /* admin up, carrier, and the driver agrees (ethtool) */
	/* --link-delay: the link as last queried, since when, and as it counts (once stable). */
	bool link_raw, link_stable;
	uint64_t link_raw_ns;
	bool gone; /* the interface was deleted: so were its addresses and our macvlan */
	/* --track: the other interfaces the instance depends on, as last seen. */
	bool track_down[OPTS_MAX_TRACKS];
	/* The first tracked interface or script without a weight that is down, as a reason. */
	char track_fault[IF_NAMESIZE + 256];
	/* --track-script: the process's checks (track.h) and this instance's among them. */
	const struct track_set *ts;
	const int *track_idx;
	bool script_down[OPTS_MAX_SCRIPTS];
	/* --track-file: this instance's files among the process's, and what each last added. */
	const int *file_idx;
	int file_delta[OPTS_MAX_FILES];
	bool file_bad[OPTS_MAX_FILES];
	/* --track-process: this instance's names among the process's, and which are short. */
	const int *proc_idx;
	bool proc_down[OPTS_MAX_PROCS];
	int track_delta; /* the weights of the tracked interfaces that are down, summed */
	bool tracks_published; /* every tracked object written to vrrpd_track once */
	int admin_prio; /* the priority tracking adds to: -p, or what atropos set */
	uint64_t link_poll_ns; /* next ethtool check, for drivers that report no carrier change */
};

#define INST_LINK_POLL_NS (1000 * 1000000ull)
/* How early a link poll may be done, so that those of many instances share a wake-up. */
#define INST_LINK_POLL_SLACK_NS (250 * 1000000ull)

/* Claims the instance in the maps, opens its socket and VMAC; the election waits for inst_begin. */
int inst_start(struct inst *in, const struct opts *o, struct xdp_ctx *x, struct nl_sock *nl,
	       struct hook *hook, uint64_t now_ns, char *err, size_t errlen);
/*
 * Starts the election (S1) once the XDP program is attached: the Master_Down_Timer runs from
 * when adverts can be heard, not from before a set-up that may take long on a loaded host.
 */
void inst_begin(struct inst *in, uint64_t now_ns);
/*
 * Before starting many instances: puts the VMAC macvlan a vrrpd that is gone (kill -9) left for
 * the instance of o in netdev group `group`, for the caller to remove them all in one request
 * (net_link_del_group) instead of one kernel RCU grace period each in inst_start. 1 if it did.
 */
int inst_leftover_group(const struct opts *o, struct xdp_ctx *x, struct nl_sock *nl,
			uint32_t group);
/*
 * S9 without the slow part: a Master sends its priority-0 advert and XDP stops answering for
 * its addresses; removing them and the stop script wait for inst_stop. Stopping many instances,
 * resign them all first: their backups take over at once, not one netlink round trip apart.
 */
void inst_resign(struct inst *in, uint64_t now_ns);
/* S9: resign if Master (unless inst_resign did), remove our addresses and map entries. */
void inst_stop(struct inst *in, uint64_t now_ns);
/*
 * inst_stop in two halves, for many instances: the first puts the VMAC's macvlan in netdev
 * group (when not 0) instead of removing it, the caller removes the group in one request
 * (net_link_del_group), and the second finishes (removes the macvlan itself unless the group's
 * removal succeeded, then runs the stop script).
 */
void inst_stop_begin(struct inst *in, uint64_t now_ns, uint32_t group);
void inst_stop_end(struct inst *in, uint64_t now_ns, bool group_removed);
/* An advert event from the ring buffer. */
void inst_on_event(struct inst *in, const struct vrrpd_event *ev, uint64_t now_ns);
/* Another instance's master, `master`, fell silent: this one may follow it (see inst.c). */
void inst_down_hint(struct inst *in, const union vrrpd_addr *master, uint64_t now_ns);
/* Timers: adverts, Master_Down, gratuitous ARPs. */
void inst_tick(struct inst *in, uint64_t now_ns);
/* vipq's finish: a job of an instance done (on the event loop). */
struct vipq_job;
void inst_vipq_done(struct vipq_job *j);
/* What atropos may ask for, through the control socket. */
/*
 * Carries out an instance's request (ctl.h; not CTL_REQ_RELOAD, the daemon's); 0, or -errno with
 * a message in msg.
 */
int inst_command(struct inst *in, enum ctl_req cmd, int arg, uint64_t now_ns, char *msg,
		 size_t len);

/* A link changed somewhere: look at ours (link supervision, -> FAULT and back). */
void inst_link_check(struct inst *in, uint64_t now_ns);
/*
 * After the interface was deleted: is an Ethernet interface of that name there again, with an
 * IPv4 address to advertise from, so that the instance can start on it?
 */
bool inst_iface_back(struct inst *in);
/* The earliest time inst_tick() has work to do. */
uint64_t inst_deadline(const struct inst *in);
/*
 * The Master_Down deadline this Backup keeps on its own timer (after a priority 0, without the
 * kernel's timer), 0 if none: the event loop wakes a little ahead of it (see loop.c).
 */
uint64_t inst_down_deadline(const struct inst *in);

#endif /* VRRPD_INST_H */
