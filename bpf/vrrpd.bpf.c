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

static __always_inline int addr_eq(const union vrrpd_addr *a, const union vrrpd_addr *b)
{
	return a->w[0] == b->w[0] && a->w[1] == b->w[1] && a->w[2] == b->w[2] && a->w[3] == b->w[3];
}

/* a > b, as unsigned numbers in network order (RFC 9568 6.4.3). */
static __always_inline int addr_gt(const union vrrpd_addr *a, const union vrrpd_addr *b)
{
	int i;

#pragma unroll
	for (i = 0; i < 4; i++) {
		__u32 x = bpf_ntohl(a->w[i]), y = bpf_ntohl(b->w[i]);

		if (x != y)
			return x > y;
	}
	return 0;
}

/*
 * Can this advert change the election (RFC 9568 6.4.2, 6.4.3), as the controller last
 * published it? A Master steps down for a higher priority, or an equal one from a higher address
 * (S7); a lower priority (S8) or a resignation (S6) only makes it advertise. A Backup acts on a
 * resignation (S3), on its master changing priority, interval or checksum form (the controller
 * sends in the peers' form; last_form: the previous advert's), and on a new master it would
 * follow (S4: preemption discards a lower priority). INIT and FAULT ignore adverts.
 */
static __always_inline int advert_matters(const struct vrrpd_cfg *cfg,
					  const union vrrpd_addr *saddr, __u8 prio, __u16 int_cs,
					  __u8 form, __u8 last_form, __u8 preempt)
{
	if (cfg->state == VRRPD_ST_MASTER)
		return prio > cfg->priority ||
		       (prio == cfg->priority && addr_gt(saddr, &cfg->primary_ip));
	if (cfg->state != VRRPD_ST_BACKUP)
		return 0;
	if (prio == VRRP_PRIO_STOP)
		return 1;
	if (addr_eq(saddr, &cfg->master_ip))
		return prio != cfg->master_priority || int_cs != cfg->master_adver_int_cs ||
		       form != last_form;
	return !preempt || prio >= cfg->priority;
}

/*
 * An advert that passed every check, for either family (vh: the scratch copy): R12, the
 * counters, then the fast path of S4, or an event for the controller. An advert that cannot
 * change the election becomes an event only if none was pushed within the instance's
 * Advertisement_Interval: a host that floods valid adverts (VRRPv3 has no authentication)
 * reaches the controller once an interval, and so makes a Master answer (S8) once an interval.
 * It is still counted and recorded in vrrpd_rx, which the controller reads at its deadlines.
 *
 * Then the frame ends here (XDP_DROP): nothing in the kernel reads VRRP, and what it would do
 * with it costs: the receive path up to the IP layer, and where the interface carries macvlans
 * (the VMACs), a copy of every multicast frame queued to a kworker, which then wakes once an
 * advert (the macvlan port's broadcast filter goes on matching every multicast frame once a
 * macvlan was up on a promiscuous lower device, down or not: 8,400 wakeups a second at
 * 100 x 10 ms here). VRRPD_F_PASS_ADVERTS (--pass-adverts) hands them on, for tcpdump.
 */
static __always_inline int record_advert(struct vrrpd_cfg *cfg, struct vrrpd_key *key,
					 struct vrrp_hdr *vh, const union vrrpd_addr *saddr,
					 __u16 int_cs, __u8 form)
{
	__u8 version = vh->vers_type >> 4, preempt;
	struct vrrpd_stats *st;
	struct vrrpd_rx *rx;
	int done = (cfg->flags & VRRPD_F_PASS_ADVERTS) ? XDP_PASS : XDP_DROP;
	__u64 now;

	/* R12: an address owner may refuse adverts for its own addresses (RFC 9568 relaxes it). */
	if (cfg->cfg_priority == VRRP_PRIO_OWNER && (cfg->flags & VRRPD_F_OWNER_DROP))
		return drop(key, CNT(owner_adverts));

	st = stats_get(key);
	if (st) {
		st->adverts_rcvd++;
		if (vh->priority == VRRP_PRIO_STOP)
			st->pri_zero_rcvd++;
		if (version == 3 && (bpf_ntohs(vh->rsvd_int) & ~VRRP_V3_INT_MASK)) /* R10 */
			st->reserved_set++;
		if (version == 3 && int_cs != cfg->adver_int_cs) /* R11: accepted */
			st->interval_differs++;
		if (cfg->cfg_priority == VRRP_PRIO_OWNER)
			st->owner_adverts++;
		if (form == VRRPD_CSUM_RFC9568)
			st->csum_rfc9568++;
		else if (form == VRRPD_CSUM_LEGACY)
			st->csum_legacy++;
	}

	/* The timestamp is taken only now: it costs more than all the parsing above. */
	now = bpf_ktime_get_ns();
	rx = bpf_map_lookup_elem(&vrrpd_rx, key);
	preempt = (cfg->flags & VRRPD_F_PREEMPT) || cfg->priority == VRRP_PRIO_OWNER;
	/*
	 * Fast path: a Backup hearing the master it already follows, unchanged, with an advert
	 * that RFC 9568 6.4.2 says only resets the Master_Down_Timer. Record it, wake nobody.
	 */
	if (rx && cfg->state == VRRPD_ST_BACKUP && addr_eq(saddr, &cfg->master_ip) &&
	    vh->priority == cfg->master_priority && int_cs == cfg->master_adver_int_cs &&
	    vh->priority != VRRP_PRIO_STOP && (!preempt || vh->priority >= cfg->priority) &&
	    form == rx->csum_form) {
		rx->last_ns = now;
		rx->confirm_ns = now;
		__sync_fetch_and_add(&rx->adverts, 1);
		if (st)
			st->fast_path++;
		down_restart(cfg, key, now);
		return done;
	}
	if (rx) {
		int matters = advert_matters(cfg, saddr, vh->priority, int_cs, form, rx->csum_form,
					     preempt);

		rx->last_ns = now;
		rx->master_ip = *saddr;
		rx->adver_int_cs = int_cs;
		rx->priority = vh->priority;
		rx->csum_form = form;
		__sync_fetch_and_add(&rx->adverts, 1);
		if (!matters && rx->event_ns &&
		    now - rx->event_ns < (__u64)cfg->adver_int_cs * 10000000ull) {
			if (st)
				st->events_held++;
			return done;
		}
		rx->event_ns = now;
	}
	push_event(cfg, key, st, now, saddr, vh, int_cs, form);
	return done;
}

#define IP_MF 0x2000
#define IP_OFFSET 0x1fff

/* The IPv4 header's checksum (ihl bytes, 20..60, in the frame) does not add up. */
static __always_inline int ip4_hdr_csum_bad(struct xdp_md *ctx, struct iphdr *iph, __u32 ihl)
{
	void *data = (void *)(long)ctx->data;
	__u32 hdr[16];
	__s64 s;

	/* 20..60 in whole words (the caller checked): restated as 4..64 for the 6.1 verifier. */
	ihl -= 4;
	BOUND(ihl, 0x3c);
	ihl += 4;
	if (bpf_xdp_load_bytes(ctx, (void *)iph - data, hdr, ihl) < 0)
		return 1;
	s = bpf_csum_diff(0, 0, hdr, ihl, 0);
	return s < 0 || csum_fold((__u64)(__u32)s) != 0xffff;
}

/*
 * The receive rules both families share, in the order of the tests' parsers. Each returns 0 when
 * the advert passes, or the offset of the counter of the rule it breaks (CNT(): never 0, which
 * is adverts_rcvd's).
 */

/* R6: the instance of vrid on key's interface and VLAN, or NULL, counted on VRID 0. */
static __always_inline struct vrrpd_cfg *advert_instance(struct vrrpd_key *key, __u8 vrid)
{
	struct vrrpd_cfg *cfg;

	key->vrid = vrid;
	cfg = bpf_map_lookup_elem(&vrrpd_cfg, key);
	if (!cfg) {
		key->vrid = 0;
		count(key, CNT(vrid_errors));
	}
	return cfg;
}

/*
 * R1 (ttl: the TTL or hop limit), R2, R3, R4 (the header, count addresses of addr_len bytes and
 * in v2 the authentication data, in whole 32-bit words, at most max bytes), R7. *need gets the
 * length R4 asked for, *int_cs the interval in centiseconds.
 */
static __always_inline __u32 advert_header_rules(const struct vrrpd_cfg *cfg,
						 const struct vrrp_hdr *vh, __u8 ttl, __u32 msg_len,
						 __u32 addr_len, __u32 max, __u32 *need,
						 __u16 *int_cs)
{
	__u8 version = vh->vers_type >> 4;

	/* R1: TTL 255 proves the sender is on this link (RFC 9568 7.1). */
	if (ttl != VRRP_TTL)
		return CNT(ip_ttl_errors);
	/* R2 (an IPv6 instance is VRRPv3), R3 */
	if (version != cfg->version)
		return CNT(version_errors);
	if ((vh->vers_type & 0x0f) != VRRP_TYPE_ADVERT)
		return CNT(invalid_type);
	*need = sizeof(*vh) + addr_len * (__u32)vh->count + (version == 2 ? VRRP_V2_AUTH_LEN : 0);
	if (msg_len < *need || msg_len > max || (msg_len & 3))
		return CNT(length_errors);
	/* R7; a v2 interval of 0 is only one unlike ours (R9, RFC 3768 7.1), checked later. */
	if (version == 3)
		*int_cs = bpf_ntohs(vh->rsvd_int) & VRRP_V3_INT_MASK;
	else
		*int_cs = (__u16)vh->adver_int_s * 100;
	if (vh->count == 0 || (version == 3 && *int_cs == 0))
		return CNT(invalid_count);
	return 0;
}

/*
 * The rest reads a copy of the message (msg_len bytes at vh, which R4 bounded): the verifier
 * then sees one buffer of known size instead of packet ranges that differ on every path. *sum
 * gets its one's complement sum (R5 adds what its family needs). -1 without a scratch buffer
 * (the frame then passes untouched).
 */
static __always_inline int advert_copy(struct xdp_md *ctx, struct vrrp_hdr *vh, __u32 msg_len,
				       struct scratch **sc, __u64 *sum)
{
	void *data = (void *)(long)ctx->data;
	__u32 zero = 0;

	/* 8 <= msg_len <= 2048: restated as 1..2048 for the 6.1 verifier. */
	msg_len -= 1;
	BOUND(msg_len, 0x7ff);
	msg_len += 1;
	*sc = bpf_map_lookup_elem(&vrrpd_scratch, &zero);
	if (!*sc)
		return -1;
	if (bpf_xdp_load_bytes(ctx, (void *)vh - data, (*sc)->msg, msg_len) < 0)
		return CNT(length_errors);
	if (csum_buf((*sc)->msg, msg_len, sum) < 0)
		return CNT(length_errors);
	return 0;
}

/*
 * Unicast (--peer): an instance with peers hears only them (saddr, addr_len bytes), however they
 * send; one without hears only what goes to the VRRP group (to_group: 224.0.0.18, ff02::12; RFC
 * 9568 5.1.1.2, 5.1.2.2). Checked once the message proved sound, so that the counter means "a
 * real advert, from the wrong place".
 */
static __always_inline __u32 advert_peer_rule(const struct vrrpd_cfg *cfg,
					      const struct vrrpd_key *key, const void *saddr,
					      __u32 addr_len, int to_group)
{
	if (cfg->flags & VRRPD_F_UNICAST) {
		struct vrrpd_peer_key pk = { .key = *key };

		__builtin_memcpy(pk.addr, saddr, addr_len);
		if (!bpf_map_lookup_elem(&vrrpd_peer, &pk))
			return CNT(peer_errors);
	} else if (!to_group) {
		return CNT(peer_errors);
	}
	return 0;
}

/* R9: v2 authentication and interval must match ours (RFC 3768 7.1); auth: the message's. */
static __always_inline __u32 advert_v2_rules(const struct vrrpd_cfg *cfg, const struct vrrp_hdr *vh,
					     const __u8 *auth, __u16 int_cs)
{
	if (vh->auth_type != cfg->auth_type)
		return CNT(auth_errors);
	if (cfg->auth_type == VRRP_AUTH_PASS) {
		__u8 diff = 0;
		int i;

#pragma unroll
		for (i = 0; i < VRRP_V2_AUTH_LEN; i++)
			diff |= auth[i] ^ cfg->auth_data[i];
		if (diff)
			return CNT(auth_errors);
	}
	if (int_cs != cfg->adver_int_cs)
		return CNT(adver_interval_errors);
	return 0;
}

/* Validates one IPv4 VRRP advert (CONFORMANCE.md R1..R12) and records it. */
static __noinline int handle_vrrp4(struct xdp_md *ctx, struct iphdr *iph, __u16 vlan)
{
	void *data_end = (void *)(long)ctx->data_end;
	struct vrrpd_key key = { .ifindex = ctx->ingress_ifindex, .vlan = vlan, .family = AF_INET };
	__u32 ihl, tot_len, msg_len, need = 0, bad;
	__u8 form = VRRPD_CSUM_AUTO;
	struct vrrpd_cfg *cfg;
	struct scratch *sc;
	struct vrrp_hdr *vh;
	__u64 sum = 0;
	__be32 saddr;
	__u16 int_cs = 0;
	int ret;

	/* R4: the IP header, its total length and the fixed VRRP header must be in the frame. */
	ihl = iph->ihl * 4;
	tot_len = load_be16(&iph->tot_len);
	if (ihl < sizeof(*iph) || ihl > 60)
		return drop(&key, CNT(length_errors));
	vh = (void *)iph + ihl;
	if ((void *)(vh + 1) > data_end || (void *)iph + tot_len > data_end ||
	    tot_len < ihl + sizeof(*vh))
		return drop(&key, CNT(length_errors));
	msg_len = tot_len - ihl;

	/*
	 * What the stack would drop first: a header whose checksum is wrong, and fragments (an
	 * advert is never fragmented; a fragment is only part of one). Before the VRID, which a
	 * broken packet cannot be trusted for: counted per interface.
	 */
	if (ip4_hdr_csum_bad(ctx, iph, ihl))
		return drop(&key, CNT(ip_header_errors));
	if (iph->frag_off & bpf_htons(IP_MF | IP_OFFSET))
		return drop(&key, CNT(ip_fragments));

	cfg = advert_instance(&key, vh->vrid);
	if (!cfg)
		return XDP_DROP;
	bad = advert_header_rules(cfg, vh, iph->ttl, msg_len, 4, VRRP_MAX_MSG, &need, &int_cs);
	if (bad)
		return drop(&key, bad);
	ret = advert_copy(ctx, vh, msg_len, &sc, &sum);
	if (ret < 0)
		return XDP_PASS;
	if (ret)
		return drop(&key, ret);
	saddr = iph->saddr;
	/* R5: C1 for v2; for v3 over IPv4 either C3 (RFC 9568) or C4 (legacy pseudo-header). */
	if (cfg->version == 2) {
		if (csum_fold(sum) != 0xffff)
			return drop(&key, CNT(checksum_errors));
	} else if (csum_fold(sum) == 0xffff) {
		form = VRRPD_CSUM_RFC9568;
	} else {
		sum += (saddr & 0xffff) + (saddr >> 16);
		sum += (iph->daddr & 0xffff) + (iph->daddr >> 16);
		sum += bpf_htons(VRRP_PROTO) + bpf_htons((__u16)msg_len);
		if (csum_fold(sum) != 0xffff)
			return drop(&key, CNT(checksum_errors));
		form = VRRPD_CSUM_LEGACY;
	}
	vh = (struct vrrp_hdr *)sc->msg;

	bad = advert_peer_rule(cfg, &key, &saddr, 4, iph->daddr == bpf_htonl(VRRP_MCAST4));
	if (bad)
		return drop(&key, bad);
	if (cfg->version == 2) {
		if (need > VRRP_MAX_MSG || need < sizeof(*vh) + VRRP_V2_AUTH_LEN)
			return drop(&key, CNT(length_errors));
		bad = advert_v2_rules(cfg, vh, sc->msg + (need & 0x7ff) - VRRP_V2_AUTH_LEN, int_cs);
		if (bad)
			return drop(&key, bad);
	}
	return record_advert(cfg, &key, vh, &(union vrrpd_addr){ .v4 = saddr }, int_cs, form);
}

/* The one's complement sum of the IPv6 pseudo-header (RFC 8200 8.1), raw memory order. */
static __always_inline __u64 pseudo6(const struct ipv6hdr *ip6h, __u32 len, __u8 next)
{
	__u64 sum = (__u64)bpf_htonl(len) + bpf_htonl(next);
	int i;

#pragma unroll
	for (i = 0; i < 4; i++)
		sum += (__u64)ip6h->saddr.in6_u.u6_addr32[i] + ip6h->daddr.in6_u.u6_addr32[i];
	return sum;
}

/*
 * Validates one IPv6 VRRPv3 advert (CONFORMANCE.md R1..R8, C2; in the order of
 * tests/lib/pkt6_parse.c) and records it. Extension headers are not VRRP for us (the caller
 * passes only next header 112).
 */
static __noinline int handle_vrrp6(struct xdp_md *ctx, struct ipv6hdr *ip6h, __u16 vlan)
{
	void *data_end = (void *)(long)ctx->data_end;
	struct vrrpd_key key = { .ifindex = ctx->ingress_ifindex,
				 .vlan = vlan,
				 .family = AF_INET6 };
	struct vrrp_hdr *vh = (void *)(ip6h + 1);
	__u32 msg_len, need = 0, bad;
	union vrrpd_addr saddr;
	struct vrrpd_cfg *cfg;
	struct scratch *sc;
	__u64 sum = 0;
	__u16 int_cs = 0;
	int ret;

	/* R4: the fixed VRRP header and the whole payload must be in the frame. */
	msg_len = load_be16(&ip6h->payload_len);
	if ((void *)(vh + 1) > data_end || (void *)(ip6h + 1) + msg_len > data_end ||
	    msg_len < sizeof(*vh))
		return drop(&key, CNT(length_errors));
	cfg = advert_instance(&key, vh->vrid);
	if (!cfg)
		return XDP_DROP;
	bad = advert_header_rules(cfg, vh, ip6h->hop_limit, msg_len, 16, VRRP_MAX_MSG6, &need,
				  &int_cs);
	if (bad)
		return drop(&key, bad);
	ret = advert_copy(ctx, vh, msg_len, &sc, &sum);
	if (ret < 0)
		return XDP_PASS;
	if (ret)
		return drop(&key, ret);
	/* R5, C2: with the IPv6 pseudo-header. */
	sum += pseudo6(ip6h, msg_len, VRRP_PROTO);
	if (csum_fold(sum) != 0xffff)
		return drop(&key, CNT(checksum_errors));
	vh = (struct vrrp_hdr *)sc->msg;
	/* R8: the first address is the virtual router's link-local (RFC 9568 5.2.9). */
	if (sc->msg[8] != 0xfe || (sc->msg[9] & 0xc0) != 0x80)
		return drop(&key, CNT(address_list_errors));
	__builtin_memcpy(saddr.v6, &ip6h->saddr, 16);
	bad = advert_peer_rule(
		cfg, &key, saddr.v6, 16,
		ip6h->daddr.in6_u.u6_addr32[0] == bpf_htonl(0xff020000) &&
			!ip6h->daddr.in6_u.u6_addr32[1] && !ip6h->daddr.in6_u.u6_addr32[2] &&
			ip6h->daddr.in6_u.u6_addr32[3] == bpf_htonl(VRRP_MCAST6_LAST));
	if (bad)
		return drop(&key, bad);
	return record_advert(cfg, &key, vh, &saddr, int_cs, VRRPD_CSUM_AUTO);
}

/* RFC 4861 4.3, 4.4: a Neighbor Solicitation or Advertisement, before its options. */
struct nd_msg6 {
	__u8 type;
	__u8 code;
	__be16 csum;
	__u8 flags; /* NA: R, S, O */
	__u8 reserved[3];
	struct in6_addr target;
};

#define ND_NS 135
#define ND_NA 136
#define ND_NA_ROUTER 0x80
#define ND_NA_SOLICITED 0x40
#define ND_NA_OVERRIDE 0x20
#define ND_OPT_TLLA 2
#define ND_REPLY_LEN (sizeof(struct ethhdr) + sizeof(struct ipv6hdr) + sizeof(struct nd_msg6) + 8)

/*
 * Rewrites the untagged Neighbor Solicitation in ctx into the Neighbor Advertisement that
 * answers it for target, from cfg's VMAC: to the asker (its address asker), or to all nodes for
 * a DAD probe (dad). XDP_TX; XDP_PASS when the frame cannot be resized, for the kernel to
 * answer; XDP_DROP if it then is not what the verifier was told.
 */
static __always_inline int ns6_answer(struct xdp_md *ctx, const struct vrrpd_cfg *cfg,
				      const struct in6_addr *asker, const struct in6_addr *target,
				      int dad)
{
	void *data_end = (void *)(long)ctx->data_end;
	void *data = (void *)(long)ctx->data;
	struct ethhdr *eth = data;
	__u8 asker_mac[ETH_ALEN], *opt;
	struct ipv6hdr *ip6h;
	struct nd_msg6 *nd;
	__u64 sum;
	int delta;

	if ((void *)(eth + 1) > data_end)
		return XDP_PASS;
	__builtin_memcpy(asker_mac, eth->h_source, ETH_ALEN);
	/* The reply has one option, the target's link-layer address: 86 bytes. */
	delta = (int)ND_REPLY_LEN - (int)(data_end - data);
	if (delta && bpf_xdp_adjust_tail(ctx, delta))
		return XDP_PASS; /* the kernel answers then, from the macvlan */
	data = (void *)(long)ctx->data;
	data_end = (void *)(long)ctx->data_end;
	if (data + ND_REPLY_LEN > data_end)
		return XDP_DROP;
	eth = data;
	ip6h = (void *)(eth + 1);
	nd = (void *)(ip6h + 1);
	opt = (__u8 *)(nd + 1);

	if (dad) {
		/* To all nodes, 33:33:00:00:00:01 (RFC 2464 7), ff02::1. */
		__builtin_memset(eth->h_dest, 0, ETH_ALEN);
		eth->h_dest[0] = 0x33;
		eth->h_dest[1] = 0x33;
		eth->h_dest[5] = 1;
		__builtin_memset(&ip6h->daddr, 0, sizeof(ip6h->daddr));
		ip6h->daddr.in6_u.u6_addr8[0] = 0xff;
		ip6h->daddr.in6_u.u6_addr8[1] = 0x02;
		ip6h->daddr.in6_u.u6_addr8[15] = 1;
	} else {
		__builtin_memcpy(eth->h_dest, asker_mac, ETH_ALEN);
		ip6h->daddr = *asker;
	}
	__builtin_memcpy(eth->h_source, cfg->vmac, ETH_ALEN);
	eth->h_proto = bpf_htons(ETH_P_IPV6);
	*(__be32 *)ip6h = bpf_htonl(0x60000000); /* version 6, class 0, flow 0 */
	ip6h->payload_len = bpf_htons(sizeof(*nd) + 8);
	ip6h->nexthdr = IPPROTO_ICMPV6;
	ip6h->hop_limit = 255;
	ip6h->saddr = *target;
	nd->type = ND_NA;
	nd->code = 0;
	nd->csum = 0;
	nd->flags = ND_NA_ROUTER | ND_NA_OVERRIDE | (dad ? 0 : ND_NA_SOLICITED);
	__builtin_memset(nd->reserved, 0, sizeof(nd->reserved));
	nd->target = *target;
	opt[0] = ND_OPT_TLLA;
	opt[1] = 1; /* in units of 8 bytes */
	__builtin_memcpy(opt + 2, cfg->vmac, ETH_ALEN);
	sum = (__u64)(__u32)bpf_csum_diff(0, 0, (__be32 *)nd, sizeof(*nd) + 8, 0);
	sum += pseudo6(ip6h, sizeof(*nd) + 8, IPPROTO_ICMPV6);
	nd->csum = ~csum_fold(sum);
	return XDP_TX;
}

/*
 * A Neighbor Solicitation for a virtual IPv6 address (CONFORMANCE.md D5, the IPv6 twin of
 * handle_arp): a Master with a fresh lease answers here with a Neighbor Advertisement from the
 * VMAC, Router flag set (RFC 9568 8.2.1), built in place and sent back with XDP_TX; a Backup or a
 * Master whose controller stopped renewing drops it. What a node would discard (RFC 4861 7.1.1: hop
 * limit, code, length, checksum, a multicast source, a DAD probe not to the solicited-node
 * group; the options are not looked at) is left to the kernel. A DAD probe (from ::) is answered
 * to all nodes, unsolicited (RFC 4861 7.2.4), which defends the address.
 */
static __noinline int handle_ns6(struct xdp_md *ctx, struct ipv6hdr *ip6h)
{
	void *data_end = (void *)(long)ctx->data_end;
	void *data = (void *)(long)ctx->data;
	struct vrrpd_vip_key vk = { .ifindex = ctx->ingress_ifindex, .family = AF_INET6 };
	struct nd_msg6 *nd = (void *)(ip6h + 1);
	struct in6_addr asker, target;
	__u32 plen, zero = 0;
	struct vrrpd_stats *st;
	struct vrrpd_key *key;
	struct vrrpd_cfg *cfg;
	struct scratch *sc;
	__u64 sum = 0;
	int dad, ret;

	if ((void *)(nd + 1) > data_end || nd->type != ND_NS)
		return XDP_PASS;
	__builtin_memcpy(vk.addr, &nd->target, 16);
	key = bpf_map_lookup_elem(&vrrpd_vip, &vk);
	if (!key)
		return XDP_PASS;
	cfg = bpf_map_lookup_elem(&vrrpd_cfg, key);
	if (!cfg)
		return XDP_PASS;
	plen = load_be16(&ip6h->payload_len);
	if (ip6h->hop_limit != 255 || nd->code != 0 || plen < sizeof(*nd) || plen > CSUM_BUF_MAX ||
	    (plen & 3) || (void *)(ip6h + 1) + plen > data_end)
		return XDP_PASS;
	sc = bpf_map_lookup_elem(&vrrpd_scratch, &zero);
	if (!sc)
		return XDP_PASS;
	plen -= 1;
	BOUND(plen, 0x7ff);
	plen += 1;
	if (bpf_xdp_load_bytes(ctx, (void *)nd - data, sc->msg, plen) < 0 ||
	    csum_buf(sc->msg, plen, &sum) < 0)
		return XDP_PASS;
	sum += pseudo6(ip6h, plen, IPPROTO_ICMPV6);
	if (csum_fold(sum) != 0xffff)
		return XDP_PASS;
	/*
	 * RFC 4291 2.7: a multicast source is nobody to answer. RFC 4861 7.1.1: a DAD probe (from
	 * ::) goes to the target's solicited-node group, ff02::1:ffXX:XXXX.
	 */
	asker = ip6h->saddr;
	if (asker.in6_u.u6_addr8[0] == 0xff)
		return XDP_PASS;
	dad = !(asker.in6_u.u6_addr32[0] | asker.in6_u.u6_addr32[1] | asker.in6_u.u6_addr32[2] |
		asker.in6_u.u6_addr32[3]);
	if (dad &&
	    (ip6h->daddr.in6_u.u6_addr32[0] != bpf_htonl(0xff020000) ||
	     ip6h->daddr.in6_u.u6_addr32[1] || ip6h->daddr.in6_u.u6_addr32[2] != bpf_htonl(1) ||
	     ip6h->daddr.in6_u.u6_addr8[12] != 0xff))
		return XDP_PASS;
	st = stats_get(key);
	if (cfg->state != VRRPD_ST_MASTER || bpf_ktime_get_ns() >= cfg->lease_until_ns) {
		if (st)
			st->nd_dropped++;
		return XDP_DROP;
	}

	target = nd->target;
	ret = ns6_answer(ctx, cfg, &asker, &target, dad);
	if (ret == XDP_TX && st)
		st->nd_replies++;
	return ret;
}

struct arp_eth4 {
	__be16 htype;
	__be16 ptype;
	__u8 hlen;
	__u8 plen;
	__be16 op;
	__u8 sha[ETH_ALEN];
	__be32 spa;
	__u8 tha[ETH_ALEN];
	__be32 tpa;
} __attribute__((packed));

/*
 * ARP for a virtual IP (CONFORMANCE.md D1..D3): a Master whose controller renewed its lease answers
 * here, with the reply built in place and sent back with XDP_TX, so the kernel (and the
 * physical MAC) never answers for a VIP. A Backup, or a Master whose controller stopped
 * renewing the lease (crashed, frozen), drops the request: its host goes silent for the VIP
 * by itself, at the moment the peer takes over. Gratuitous ARPs are passed on.
 */
static __always_inline int mac_eq(const __u8 *a, const __u8 *b)
{
	return a[0] == b[0] && a[1] == b[1] && a[2] == b[2] && a[3] == b[3] && a[4] == b[4] &&
	       a[5] == b[5];
}

static __noinline int handle_arp(struct xdp_md *ctx, struct ethhdr *eth, struct arp_eth4 *arp)
{
	void *data_end = (void *)(long)ctx->data_end;
	struct vrrpd_vip_key vk = { .ifindex = ctx->ingress_ifindex, .family = AF_INET };
	struct vrrpd_key *key;
	struct vrrpd_stats *st;
	struct vrrpd_cfg *cfg;
	__be32 vip;
	int pad;

	if ((void *)(arp + 1) > data_end)
		return XDP_PASS;
	pad = (int)(data_end - (void *)(arp + 1));
	if (arp->htype != bpf_htons(1) || arp->ptype != bpf_htons(ETH_P_IP) ||
	    arp->hlen != ETH_ALEN || arp->plen != 4 || arp->op != bpf_htons(1))
		return XDP_PASS;
	vip = arp->tpa;
	if (arp->spa == vip)
		return XDP_PASS; /* gratuitous: an announcement, nothing to answer */
	__builtin_memcpy(vk.addr, &vip, 4);
	key = bpf_map_lookup_elem(&vrrpd_vip, &vk);
	if (!key)
		return XDP_PASS;
	cfg = bpf_map_lookup_elem(&vrrpd_cfg, key);
	if (!cfg)
		return XDP_PASS;
	st = stats_get(key);
	if (cfg->state != VRRPD_ST_MASTER || bpf_ktime_get_ns() >= cfg->lease_until_ns) {
		if (st)
			st->arp_dropped++;
		return XDP_DROP;
	}
	/*
	 * The reply goes to the sender's hardware address: only to one that sent the frame, and a
	 * unicast one. Otherwise a host could have it sent to the whole LAN (broadcast), to a
	 * multicast group or to another host's MAC. Dropped, not passed: the kernel would answer
	 * the same way, and with the interface's own MAC, which must never answer for a VIP.
	 */
	if ((arp->sha[0] & 1) || !mac_eq(arp->sha, eth->h_source) ||
	    !(arp->sha[0] | arp->sha[1] | arp->sha[2] | arp->sha[3] | arp->sha[4] | arp->sha[5])) {
		if (st)
			st->arp_invalid++;
		return XDP_DROP;
	}
	/* The reply, in place: to the asker, from our MAC, "vip is at our MAC" (RFC 826). */
	__builtin_memcpy(eth->h_dest, arp->sha, ETH_ALEN);
	__builtin_memcpy(eth->h_source, cfg->vmac, ETH_ALEN);
	arp->op = bpf_htons(2);
	__builtin_memcpy(arp->tha, arp->sha, ETH_ALEN);
	arp->tpa = arp->spa;
	__builtin_memcpy(arp->sha, cfg->vmac, ETH_ALEN);
	arp->spa = vip;
	/* ARP's own size (42 bytes untagged), as the kernel sends it, not the request's padding. */
	if (pad && bpf_xdp_adjust_tail(ctx, -pad))
		return XDP_DROP;
	if (st)
		st->arp_replies++;
	return XDP_TX;
}

/*
 * A Neighbor Solicitation or Advertisement (its ICMPv6 type, right after the fixed header): RFC
 * 9568 6.1 says they MUST NOT be dropped when Accept_Mode is False. A host confirms its router
 * with a unicast NS to the VIP at the VMAC (RFC 4861 7.3.1); dropping it takes the router away.
 */
static __always_inline int is_nd6(struct ipv6hdr *ip6h, void *data_end)
{
	__u8 *type = (void *)(ip6h + 1);

	return ip6h->nexthdr == IPPROTO_ICMPV6 && (void *)(type + 1) <= data_end &&
	       (*type == ND_NS || *type == ND_NA);
}

/* 00:00:5e:00:01:VRID (IPv4) and 00:00:5e:00:02:VRID (IPv6): the family, or 0 (RFC 9568 7.3). */
static __always_inline __u8 vmac_family(const __u8 *mac)
{
	if (mac[0] || mac[1] || mac[2] != 0x5e || mac[3])
		return 0;
	return mac[4] == 1 ? AF_INET : mac[4] == 2 ? AF_INET6 : 0;
}

/*
 * CONFORMANCE.md D1: a frame to the VMAC of one of our instances reaches the stack (the macvlan)
 * only while that instance is Master; otherwise it is dropped. No lease check here: this is the
 * gateway's forwarding traffic, and a frozen master's switch port stops receiving it as soon as
 * the new master's gratuitous ARPs move the VMAC.
 * CONFORMANCE.md D2: a Master without Accept_Mode (--no-accept) that does not own the addresses
 * also drops what is addressed to one of its VIPs; what it forwards passes. Only here, where the
 * instance is already looked up: hosts reach a VIP at the VMAC, the only MAC that answers for it
 * (D3), so other traffic pays nothing. Neighbor Discovery for a VIP goes on (is_nd6()). Returns
 * -1 to go on.
 */
static __noinline int handle_vmac(struct xdp_md *ctx, struct ethhdr *eth, void *l3, int proto,
				  __u16 vlan)
{
	void *data_end = (void *)(long)ctx->data_end;
	__u8 family = vmac_family(eth->h_dest);
	struct vrrpd_key key = { .ifindex = ctx->ingress_ifindex,
				 .vlan = vlan,
				 .family = family,
				 .vrid = eth->h_dest[5] };
	struct vrrpd_cfg *cfg = bpf_map_lookup_elem(&vrrpd_cfg, &key);
	struct vrrpd_vip_key vk = { .ifindex = ctx->ingress_ifindex, .family = family };
	struct ipv6hdr *ip6h = l3;
	struct iphdr *iph = l3;
	struct vrrpd_key *owner;

	if (!cfg || !(cfg->flags & VRRPD_F_VMAC))
		return -1;
	if (cfg->state != VRRPD_ST_MASTER)
		return drop(&key, CNT(vmac_dropped));
	if (!(cfg->flags & VRRPD_F_NO_ACCEPT) || cfg->cfg_priority == VRRP_PRIO_OWNER)
		return -1;
	if (family == AF_INET && proto == bpf_htons(ETH_P_IP) && (void *)(iph + 1) <= data_end &&
	    iph->version == 4)
		__builtin_memcpy(vk.addr, &iph->daddr, 4);
	else if (family == AF_INET6 && proto == bpf_htons(ETH_P_IPV6) &&
		 (void *)(ip6h + 1) <= data_end && ip6h->version == 6 && !is_nd6(ip6h, data_end))
		__builtin_memcpy(vk.addr, &ip6h->daddr, 16);
	else
		return -1;
	owner = bpf_map_lookup_elem(&vrrpd_vip, &vk);
	if (!owner || owner->ifindex != key.ifindex || owner->vlan != key.vlan ||
	    owner->family != key.family || owner->vrid != key.vrid)
		return -1;
	return drop(&key, CNT(accept_mode_dropped));
}

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
