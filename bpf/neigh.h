/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Part of bpf/vrrpd.bpf.c, included by it after its maps and counters (one BPF object, one
 * compilation unit): what a Master answers for its VIPs (ARP, Neighbor Solicitations:
 * CONFORMANCE.md D1..D3, D5) and the frames to a VMAC (D1, D2).
 */
#ifndef VRRPD_BPF_NEIGH_H
#define VRRPD_BPF_NEIGH_H

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

#endif /* VRRPD_BPF_NEIGH_H */
