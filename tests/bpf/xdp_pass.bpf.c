// SPDX-License-Identifier: GPL-2.0
/*
 * XDP_PASS, for the switch side of the test labs' veth pairs: a veth drops the frames its peer
 * sends with XDP_TX unless it runs an XDP program of its own.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
int xdp_pass(struct xdp_md *ctx)
{
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
