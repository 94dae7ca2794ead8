/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel side as the controller sees it: loading the XDP program with its pinned maps,
 * attaching it to interfaces shared with other vrrpd processes, this process's ring buffer,
 * and the map entries of its instances.
 */
#ifndef VRRPD_XDP_H
#define VRRPD_XDP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <bpf/libbpf.h>
#include <linux/if_link.h>

#include "vrrp_abi.h"

struct vrrpd_bpf;

/*
 * The kernel's XDP attach mode (XDP_ATTACHED_*, as bpf_xdp_query() reports it) in the words
 * vrrpd logs ("XDP native mode") and atropos shows.
 */
static inline const char *xdp_mode_name(unsigned int attach_mode)
{
	switch (attach_mode) {
	case XDP_ATTACHED_NONE:
		return "none";
	case XDP_ATTACHED_DRV:
		return "native";
	case XDP_ATTACHED_SKB:
		return "generic";
	case XDP_ATTACHED_HW:
		return "offload";
	default:
		return "multi";
	}
}

/* An instance this process has claimed (xdp_claim). */
struct xdp_claim {
	struct vrrpd_key key;
	int fd; /* holds its lock */
};

struct xdp_ctx {
	struct vrrpd_bpf *skel;
	int cfg_fd;
	int rx_fd;
	int vip_fd;
	int stats_fd;
	int events_fd;
	int group_fd;
	int peer_fd;
	int track_fd;
	int down_fd;
	bool down_timer; /* our program starts Master_Down_Timers in vrrpd_down */
	int ring_fd; /* this process's ring buffer, in vrrpd_events under our pid */
	struct ring_buffer *rb;
	int prog_fd; /* the XDP program: ours, or the pinned one of this build (xdp_open) */
	bool prog_fd_own; /* prog_fd is the pinned one's, ours to close */
	uint8_t prog_tag[8]; /* prog_fd's tag (BPF_TAG_SIZE): this build's program */
	uint32_t replaced_id; /* set by xdp_attach when it replaced another build's program */
	char pin_dir[256];
	char prog_pin[256 + 32]; /* where the program of this build is pinned */
	int owners_fd; /* PIN_DIR/owners (own.h) */
	int proc_lock_fd; /* this process's lock there, for its ring buffer */
	struct xdp_claim *claims; /* the instances we hold the lock of */
	int nclaims;
};

/*
 * Opens and loads the program, creating or reusing the maps pinned in pin_dir. On failure
 * returns -errno and writes one line into err (the verifier's last lines for a load failure).
 */
int xdp_open(struct xdp_ctx *x, const char *pin_dir, bool no_down_timer, char *err, size_t errlen);
void xdp_close(struct xdp_ctx *x);
static inline int xdp_group_fd(const struct xdp_ctx *x)
{
	return x->group_fd;
}

/*
 * Makes sure our program runs on ifindex: attaches it (native mode, else generic) unless a
 * vrrpd program of this build using the same maps already does; one of another build (same
 * maps) is replaced at once, and x->replaced_id says its id. *mode gets "native" or "generic".
 */
int xdp_attach(struct xdp_ctx *x, int ifindex, const char **mode, char *err, size_t errlen);
/* Detaches the program from ifindex if no instance in vrrpd_cfg uses the interface any more. */
int xdp_detach_if_unused(struct xdp_ctx *x, int ifindex);

/* Creates this process's ring buffer and registers it under our pid. */
int xdp_ring_open(struct xdp_ctx *x, ring_buffer_sample_fn fn, void *ctx);

/*
 * Claims key for this process (own.h: a lock the kernel drops when we die), or finds it ours
 * already. Returns 0 (new), 1 (adopted: the maps hold the entry of a process that is gone, pid
 * in *owner), -EEXIST when a live process runs it (*owner: its pid as the maps say, 0 when it
 * has not written it yet), or another -errno when the lock cannot be made.
 */
int xdp_claim(struct xdp_ctx *x, const struct vrrpd_key *key, uint32_t *owner);
/* Gives a claim up (xdp_release does too). */
void xdp_unclaim(struct xdp_ctx *x, const struct vrrpd_key *key);
/* Does a live process run key (hold its claim)? */
bool xdp_claimed(struct xdp_ctx *x, const struct vrrpd_key *key);
int xdp_cfg_write(struct xdp_ctx *x, const struct vrrpd_key *key, const struct vrrpd_cfg *cfg);
/* Creates the zeroed vrrpd_rx entry the XDP program fills. */
int xdp_rx_init(struct xdp_ctx *x, const struct vrrpd_key *key);
int xdp_rx_read(struct xdp_ctx *x, const struct vrrpd_key *key, struct vrrpd_rx *rx);
/* The instance's Master_Down_Timer as the XDP program last started it; -ENOENT: never. */
int xdp_down_read(struct xdp_ctx *x, const struct vrrpd_key *key, struct vrrpd_down *d);
/* Maps a virtual IPv4 address on ifindex to its instance (vrrpd_vip), or removes it. */
int xdp_vip_set(struct xdp_ctx *x, int ifindex, int family, const union vrrpd_addr *addr,
		const struct vrrpd_key *key);
void xdp_vip_del(struct xdp_ctx *x, int ifindex, int family, const union vrrpd_addr *addr);
/*
 * Is addr on ifindex a VIP of another instance (not key) whose vrrpd is alive? Returns 1 and
 * fills other and owner if so; an entry left by a vrrpd that is gone does not count.
 */
int xdp_vip_owner(struct xdp_ctx *x, int ifindex, int family, const union vrrpd_addr *addr,
		  const struct vrrpd_key *key, struct vrrpd_key *other, uint32_t *owner);
/* Removes every map entry of key (cfg, rx, down, stats), then gives the claim up. */
void xdp_release(struct xdp_ctx *x, const struct vrrpd_key *key);
/*
 * The unicast peers of an instance in vrrpd_peer become addrs (n of them, network order): the
 * entries of a vrrpd that died with this key go first. 0 or -errno.
 */
int xdp_peers_set(struct xdp_ctx *x, const struct vrrpd_key *key, const uint32_t *addrs, int n);
/* A tracked object of key's (vrrpd_track): t, or gone (t NULL). 0 or -errno. */
int xdp_track_set(struct xdp_ctx *x, const struct vrrpd_key *key, int kind, int i,
		  const struct vrrpd_track *t);
/* Every tracked object of key's gone (those a vrrpd that died with this key left too). */
void xdp_tracks_clear(struct xdp_ctx *x, const struct vrrpd_key *key);

#endif /* VRRPD_XDP_H */
