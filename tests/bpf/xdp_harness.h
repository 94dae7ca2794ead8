/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the BPF_PROG_TEST_RUN tests share: the XDP program loaded from its skeleton with its maps
 * pinned in a private directory, a ring buffer of our own registered in vrrpd_events under our
 * pid (as user/xdp.c registers a vrrpd process's), and one frame at a time through the program
 * as if received on lo.
 */
#ifndef VRRPD_XDP_HARNESS_H
#define VRRPD_XDP_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <bpf/libbpf.h>

#include "vrrp_abi.h"

#define HARNESS_IFINDEX 1 /* lo: BPF_PROG_TEST_RUN needs a real ingress device */
#define HARNESS_BUF_LEN 2048

struct vrrpd_bpf;

struct harness {
	struct vrrpd_bpf *skel;
	char pin_dir[64];
	bool made_dir;
	int prog_fd, cfg_fd, rx_fd, stats_fd, events_fd, vip_fd, peer_fd, down_fd;
	bool down_timer; /* the program starts Master_Down_Timers (the kernel has bpf_timer) */
	int ring_fd;
	struct ring_buffer *rb;
	int ncpus;
};

struct harness_out {
	int err; /* 0 or -errno of bpf_prog_test_run_opts() */
	uint32_t verdict;
	uint32_t len;
	uint8_t data[HARNESS_BUF_LEN];
};

/*
 * Loads the program and sets up h; on_event(ctx, ...) gets what our ring buffer receives.
 * max_entries, unless 0, resizes vrrpd_cfg, vrrpd_rx, vrrpd_vip and vrrpd_stats (the code is
 * the same; only a full map would behave differently). The program starts Master_Down_Timers
 * where the kernel lets XDP use bpf_timer, as user/xdp.c loads it. Mounts bpffs on /sys/fs/bpf if it is not
 * there. Returns 0, 1 to skip (not root: why in reason), or -errno (why in reason).
 * harness_teardown() undoes it, after a failure too.
 */
int harness_setup(struct harness *h, const char *name, uint32_t max_entries,
		  ring_buffer_sample_fn on_event, void *ctx, char *reason, size_t len);
void harness_teardown(struct harness *h);

/* What the ring buffer received: harness_on_event(), with one of these as its ctx, fills it. */
struct harness_events {
	int n; /* events received, kept or not */
	int bad_size; /* of them, of another size than struct vrrpd_event */
	struct vrrpd_event ev[8]; /* the first ones */
};
int harness_on_event(void *ctx, void *data, size_t size);

/* One frame through the program, as received on HARNESS_IFINDEX. */
void harness_run(const struct harness *h, const uint8_t *frame, uint32_t len,
		 struct harness_out *out);

/* Empties a map (keys up to 64 bytes: struct vrrpd_key, struct vrrpd_vip_key). */
void harness_map_clear(int fd);

/* CLOCK_MONOTONIC, bpf_ktime_get_ns()'s clock. */
uint64_t harness_mono_ns(void);

static inline uint16_t get_be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline void put_be16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

#endif /* VRRPD_XDP_HARNESS_H */
