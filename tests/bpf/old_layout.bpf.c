// SPDX-License-Identifier: GPL-2.0
/*
 * Maps "left by an older vrrpd" for tests/netns/test_faults.sh: vrrpd_cfg with this build's key
 * and value sizes but another value layout, so that only the type information tells them apart.
 * Loaded with bpftool prog loadall ... pinmaps DIR, which pins the maps with their BTF.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "vrrp_abi.h"

struct old_cfg {
	__u8 raw[sizeof(struct vrrpd_cfg)];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, VRRPD_MAX_INSTANCES);
	__type(key, struct vrrpd_key);
	__type(value, struct old_cfg);
} vrrpd_cfg SEC(".maps");

SEC("xdp")
int old_xdp(struct xdp_md *ctx)
{
	struct vrrpd_key k = {};

	return bpf_map_lookup_elem(&vrrpd_cfg, &k) ? XDP_PASS : XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
