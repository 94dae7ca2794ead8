/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Part of bpf/vrrpd.bpf.c, included by it after its maps and counters (one BPF object, one
 * compilation unit): VRRP adverts: the receive rules (CONFORMANCE.md R1..R12, C1..C4), the
 * fast path of S4 and the events for the controller.
 */
#ifndef VRRPD_BPF_ADVERT_H
#define VRRPD_BPF_ADVERT_H

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
	/*
	 * Through w, the whole array: an initializer of .v4 alone leaves the union's other 12
	 * bytes unspecified, and clang left stack bytes there, which addr_gt and addr_eq compared
	 * (an equal-priority advert from our own address was taken for a higher one; fuzz_xdp).
	 */
	return record_advert(cfg, &key, vh, &(union vrrpd_addr){ .w = { saddr } }, int_cs, form);
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

#endif /* VRRPD_BPF_ADVERT_H */
