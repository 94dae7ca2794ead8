// SPDX-License-Identifier: GPL-2.0
/*
 * The "bare timestamp" reference of the XDP cost benchmark (tools/bench/xdp_cost.c): one
 * bpf_ktime_get_ns(), the clock the vrrpd program reads for every valid advert and every ARP
 * request for a VIP, and XDP_PASS. The value goes to a global (the .bss array map) so that the
 * call is not optimised away; the benchmark reads it back to check that the program ran.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

__u64 xdp_ts_last;

SEC("xdp")
int xdp_ts(struct xdp_md *ctx)
{
	xdp_ts_last = bpf_ktime_get_ns();
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
