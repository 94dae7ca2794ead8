// SPDX-License-Identifier: GPL-2.0
/*
 * vrrpd_stats "left by another vrrpd build" for tests/netns/test_faults.sh, with this build's
 * key and value sizes. LAYOUT_NEWER: a build with one more counter (appended, in a spare slot),
 * which vrrpd must accept. LAYOUT_SWAPPED: the first two counters swapped, which it must refuse.
 * Loaded with bpftool prog loadall ... pinmaps DIR, which pins the map with its BTF.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "vrrp_abi.h"

#define FIELD(f) __u64 f;

struct other_stats {
#ifdef LAYOUT_SWAPPED
	__u64 pri_zero_rcvd;
	__u64 adverts_rcvd;
	__u64 rest[VRRPD_STATS_COUNT - 2];
	__u64 spare[VRRPD_STATS_SLOTS - VRRPD_STATS_COUNT];
#else
	VRRPD_STATS_FIELDS(FIELD)
	__u64 counter_of_a_newer_build;
	__u64 spare[VRRPD_STATS_SLOTS - VRRPD_STATS_COUNT - 1];
#endif
};
_Static_assert(sizeof(struct other_stats) == sizeof(struct vrrpd_stats), "same value size");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, VRRPD_MAX_INSTANCES * 8);
	__type(key, struct vrrpd_key);
	__type(value, struct other_stats);
} vrrpd_stats SEC(".maps");

SEC("xdp")
int other_xdp(struct xdp_md *ctx)
{
	struct vrrpd_key k = {};

	return bpf_map_lookup_elem(&vrrpd_stats, &k) ? XDP_PASS : XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
