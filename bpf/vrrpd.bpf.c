// SPDX-License-Identifier: GPL-2.0
/*
 * The vrrpd XDP program: validates and timestamps VRRP advertisements (CONFORMANCE.md R1..R12),
 * keeps routine adverts away from the controller (the fast path) and pushes the others as events.
 * Everything that is not VRRP passes untouched.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/socket.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#include "vrrp_abi.h"
#include "parse.h"

#ifndef AF_INET
#define AF_INET 2
#endif
#ifndef AF_INET6
#define AF_INET6 10
#endif

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, VRRPD_MAX_INSTANCES);
	__type(key, struct vrrpd_key);
	__type(value, struct vrrpd_cfg);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} vrrpd_cfg SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, VRRPD_MAX_INSTANCES);
	__type(key, struct vrrpd_key);
	__type(value, struct vrrpd_rx);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} vrrpd_rx SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, VRRPD_MAX_INSTANCES * 8);
	__type(key, struct vrrpd_vip_key);
	__type(value, struct vrrpd_key);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} vrrpd_vip SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, VRRPD_MAX_INSTANCES * 8);
	__type(key, struct vrrpd_key);
	__type(value, struct vrrpd_stats);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} vrrpd_stats SEC(".maps");

/* --peer: the unicast peers of each instance that has some (VRRPD_F_UNICAST). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, VRRPD_MAX_INSTANCES *VRRPD_MAX_PEERS);
	__type(key, struct vrrpd_peer_key);
	__type(value, __u32);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} vrrpd_peer SEC(".maps");

/* What each instance tracks: written by the controllers, read by atropos (vrrp_abi.h). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, VRRPD_MAX_INSTANCES *VRRPD_TRACK_PER_KIND *(VRRPD_TK_MAX - 1));
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct vrrpd_track_key);
	__type(value, struct vrrpd_track);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} vrrpd_track SEC(".maps");

/* -M groups: written and read by the controllers only; here so that it is pinned with the rest. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, VRRPD_MAX_INSTANCES);
	__type(key, struct vrrpd_group_key);
	__type(value, struct vrrpd_group_slot);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} vrrpd_group SEC(".maps");

/*
 * One ring buffer per vrrpd process, keyed by its pid: several processes share this program,
 * and a ring buffer has a single consumer.
 */
struct vrrpd_ring {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, VRRPD_RINGBUF_BYTES);
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH_OF_MAPS);
	__uint(max_entries, VRRPD_MAX_PROCS);
	__type(key, __u32);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
	__array(values, struct vrrpd_ring);
} vrrpd_events SEC(".maps");

/*
 * Master_Down_Timers (RFC 9568 6.4.2) in the kernel, so that a Backup's controller need not
 * wake to learn that its master still advertises. The loader sets down_timer_on where the
 * kernel lets XDP use bpf_timer (5.15 and later); without it the map stays empty.
 */
const volatile __u8 down_timer_on = 0;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, VRRPD_MAX_INSTANCES);
	__type(key, struct vrrpd_key);
	__type(value, struct vrrpd_down);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} vrrpd_down SEC(".maps");

/* A copy of the advert being checked: one per CPU, not pinned (nothing outside reads it). */
struct scratch {
	__u8 msg[2048]; /* what BOUND() lets the verifier prove, at least CSUM_BUF_MAX */
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct scratch);
} vrrpd_scratch SEC(".maps");

/* Counter ids are offsets into struct vrrpd_stats, so both sides name them the same way. */
#define CNT(field) __builtin_offsetof(struct vrrpd_stats, field)

static __always_inline struct vrrpd_stats *stats_get(struct vrrpd_key *key)
{
	struct vrrpd_stats *st = bpf_map_lookup_elem(&vrrpd_stats, key);

	if (!st) {
		struct vrrpd_stats zero = {};

		bpf_map_update_elem(&vrrpd_stats, key, &zero, BPF_NOEXIST);
		st = bpf_map_lookup_elem(&vrrpd_stats, key);
	}
	return st;
}

static __always_inline void count(struct vrrpd_key *key, __u32 off)
{
	struct vrrpd_stats *st;

	/* No instance (VRID 0): one entry per interface and family, whatever the frame's tag. */
	if (!key->vrid)
		key->vlan = 0;
	st = stats_get(key);

	if (st && off < sizeof(*st))
		(*(__u64 *)((char *)st + off))++;
}

static __always_inline int drop(struct vrrpd_key *key, __u32 off)
{
	count(key, off);
	return XDP_DROP;
}

static __always_inline void push_event(struct vrrpd_cfg *cfg, struct vrrpd_key *key,
				       struct vrrpd_stats *st, __u64 now,
				       const union vrrpd_addr *saddr, struct vrrp_hdr *vh,
				       __u16 int_cs, __u8 form)
{
	__u8 *addr = (__u8 *)(vh + 1); /* in the scratch copy, which holds them all */
	__u32 pid = cfg->owner_pid;
	struct vrrpd_event *ev;
	void *ring;
	int i;

	ring = bpf_map_lookup_elem(&vrrpd_events, &pid);
	if (!ring)
		goto lost;
	ev = bpf_ringbuf_reserve(ring, sizeof(*ev), 0);
	if (!ev)
		goto lost;
	__builtin_memset(ev, 0, sizeof(*ev));
	ev->ts_ns = now;
	ev->key = *key;
	ev->saddr = *saddr;
	ev->adver_int_cs = int_cs;
	ev->type = VRRPD_EV_ADVERT;
	ev->priority = vh->priority;
	ev->version = vh->vers_type >> 4;
	ev->csum_form = form;
	ev->count = vh->count;
#pragma unroll
	for (i = 0; i < VRRPD_EV_MAX_ADDRS; i++) {
		if (i >= vh->count)
			break;
		if (key->family == AF_INET6)
			__builtin_memcpy(ev->addrs[i].v6, addr + 16 * i, 16);
		else
			__builtin_memcpy(&ev->addrs[i].v4, addr + 4 * i, 4);
	}
	bpf_ringbuf_submit(ev, 0);
	if (st)
		st->events++;
	return;
lost:
	if (st)
		st->events_lost++;
}

/*
 * The Master_Down_Timer is about to expire (VRRPD_DOWN_EARLY_NS ahead): the master the
 * controller follows sent nothing on the fast path for nearly a Master_Down_Interval. One event
 * wakes the controller (which reads vrrpd_rx and keeps the deadline itself from there); nothing
 * if the instance is no longer a Backup, or if an advert on another CPU started the timer again
 * meanwhile.
 */
static int down_expired(void *map, struct vrrpd_key *key, struct vrrpd_down *d)
{
	struct vrrpd_cfg *cfg = bpf_map_lookup_elem(&vrrpd_cfg, key);
	__u64 now = bpf_ktime_get_ns();
	struct vrrpd_event *ev;
	void *ring = NULL;
	__u32 pid;

	if (!cfg || cfg->state != VRRPD_ST_BACKUP || now + VRRPD_DOWN_EARLY_NS < d->expires_ns)
		return 0;
	pid = cfg->owner_pid;
	ring = bpf_map_lookup_elem(&vrrpd_events, &pid);
	ev = ring ? bpf_ringbuf_reserve(ring, sizeof(*ev), 0) : NULL;
	if (!ev) {
		d->lost++;
		return 0;
	}
	__builtin_memset(ev, 0, sizeof(*ev));
	ev->ts_ns = now;
	ev->key = *key;
	ev->type = VRRPD_EV_MASTER_DOWN;
	/* The default (adaptive) wake-up can be skipped; a sleeping controller must not be. */
	bpf_ringbuf_submit(ev, BPF_RB_FORCE_WAKEUP);
	d->fired++;
	return 0;
}

/*
 * RFC 9568 6.1 / RFC 3768 6.1, as user/fsm.c computes it: Master_Down_Interval = 3 *
 * Master_Adver_Interval + Skew_Time, Skew_Time = (256 - Priority) * Master_Adver_Interval / 256
 * (v2: (256 - Priority) / 256 s), in ns, truncated once.
 */
static __always_inline __u64 master_down_ns(const struct vrrpd_cfg *cfg)
{
	__u64 int_ns = (__u64)cfg->master_adver_int_cs * 10000000ull;
	__u64 weight = 256 - (__u64)cfg->priority;

	if (cfg->version == 2)
		return 3 * int_ns + weight * 1000000000ull / 256;
	return 3 * int_ns + weight * int_ns / 256;
}

/* The instance's entry in vrrpd_down, made if need be, its timer initialised: or NULL. */
static __always_inline struct vrrpd_down *down_get(struct vrrpd_key *key)
{
	struct vrrpd_down *d = bpf_map_lookup_elem(&vrrpd_down, key);
	long ret;

	if (!d) {
		struct vrrpd_down zero = {};

		bpf_map_update_elem(&vrrpd_down, key, &zero, BPF_NOEXIST);
		d = bpf_map_lookup_elem(&vrrpd_down, key);
		if (!d)
			return NULL;
	}
	if (d->ready)
		return d;
	/* -EBUSY: another CPU initialised it first, which is as good. */
	ret = bpf_timer_init(&d->timer, &vrrpd_down, 1 /* CLOCK_MONOTONIC */);
	if (ret && ret != -16 /* EBUSY */)
		return NULL;
	if (bpf_timer_set_callback(&d->timer, down_expired))
		return NULL;
	d->ready = 1;
	return d;
}

/*
 * Run by vrrpd (BPF_PROG_TEST_RUN) when it starts an instance: the timer's memory is allocated
 * in process context, where the kernel's allocator can take its locks. In XDP's softirq some
 * kernels (6.18 here: kmalloc_nolock) refuse it for a while, and the fast path would keep trying.
 */
SEC("syscall")
int vrrpd_down_init(struct vrrpd_key *ctx)
{
	struct vrrpd_key key = *ctx;

	return down_get(&key) ? 0 : -12 /* ENOMEM */;
}

/* Starts the instance's Master_Down_Timer again, from now (the advert's arrival). */
static __always_inline void down_restart(const struct vrrpd_cfg *cfg, struct vrrpd_key *key,
					 __u64 now)
{
	struct vrrpd_down *d;
	__u64 down_ns;

	if (!down_timer_on)
		return;
	d = down_get(key);
	if (!d)
		return;
	down_ns = master_down_ns(cfg); /* at least 30 ms */
	d->from_ns = now;
	d->expires_ns = now + down_ns;
	/* Relative: it fires a little after expires_ns - VRRPD_DOWN_EARLY_NS, never before. */
	bpf_timer_start(&d->timer, down_ns - VRRPD_DOWN_EARLY_NS, 0);
}

/* Adverts, then ARP, Neighbor Discovery and the VMAC: the rest of the program. */
#include "advert.h"
#include "neigh.h"

SEC("xdp")
int vrrpd_xdp(struct xdp_md *ctx)
{
	void *data_end = (void *)(long)ctx->data_end;
	void *data = (void *)(long)ctx->data;
	struct hdr_cursor nh = { .pos = data };
	struct ethhdr *eth;
	struct iphdr *iph;
	__u16 vlan;
	int proto;

	proto = parse_ethhdr(&nh, data_end, &eth, &vlan);
	if (proto < 0)
		return XDP_PASS;
	/*
	 * The handlers are functions of their own (__noinline): the verifier then goes on after
	 * handle_vmac() with one state instead of one per way through it (23,700 instructions
	 * verified to 15,800: headroom, and less time in the VM lane's emulated CPU), and no frame
	 * needs more than 512 bytes of stack. It costs a call on the frames the handlers take.
	 */
	if (vmac_family(eth->h_dest)) {
		int ret = handle_vmac(ctx, eth, nh.pos, proto, vlan);

		if (ret >= 0)
			return ret;
	}
	if (proto == bpf_htons(ETH_P_ARP))
		return vlan ? XDP_PASS : handle_arp(ctx, eth, nh.pos);
	if (proto == bpf_htons(ETH_P_IPV6)) {
		struct ipv6hdr *ip6h = nh.pos;

		if ((void *)(ip6h + 1) > data_end || ip6h->version != 6)
			return XDP_PASS;
		if (ip6h->nexthdr == VRRP_PROTO)
			return handle_vrrp6(ctx, ip6h, vlan);
		/* Instances on VLAN devices get their solicitations untagged there, as ARP. */
		if (ip6h->nexthdr == IPPROTO_ICMPV6 && !vlan)
			return handle_ns6(ctx, ip6h);
		return XDP_PASS;
	}
	if (proto != bpf_htons(ETH_P_IP))
		return XDP_PASS;
	iph = nh.pos;
	if ((void *)(iph + 1) > data_end)
		return XDP_PASS;
	if (iph->protocol != VRRP_PROTO || iph->version != 4)
		return XDP_PASS;
	return handle_vrrp4(ctx, iph, vlan);
}

char LICENSE[] SEC("license") = "GPL";
