/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rtnetlink through libnl-route: interfaces and addresses. libnl's codes stay in here. Our
 * functions are net_*, never libnl's nl_* or rtnl_*: libnl calls its own exported functions
 * (nl_close, for one) through the PLT, and one of ours with that name would replace them.
 */
#ifndef VRRPD_NET_H
#define VRRPD_NET_H

#include <stdbool.h>
#include <stdint.h>

#include "vrrp_abi.h"

struct nl_sock;

struct net_link_info {
	int ifindex;
	uint8_t mac[6];
	bool up; /* IFF_UP */
	bool carrier; /* IFF_LOWER_UP */
	int parent; /* the lower device (macvlan, VLAN), 0 if none */
	char kind[16]; /* "macvlan", "vlan", ... ("" for a plain device) */
	bool ether; /* ARPHRD_ETHER: has a MAC VRRP can use (not loopback, tun, ...) */
};

struct nl_sock *net_open(void);
void net_close(struct nl_sock *sk);
int net_link_get(struct nl_sock *sk, const char *ifname, struct net_link_info *info);
/*
 * The address adverts go out from (network order): IPv4, the interface's first address that is
 * not secondary and not in skip (the VIPs); IPv6, its first link-local address not in skip.
 * 0, -EADDRNOTAVAIL when there is none, or -errno.
 */
int net_primary_ip(struct nl_sock *sk, int ifindex, int family, const union vrrpd_addr *skip,
		   int nskip, union vrrpd_addr *addr);
/* 1 if addr is configured on ifindex, 0 if not, -errno on error. */
int net_has_ip(struct nl_sock *sk, int ifindex, int family, const union vrrpd_addr *addr);
/*
 * Adds or removes addr/prefix_len (IPv6: without Duplicate Address Detection); adding an
 * existing one or removing a missing one is 0.
 */
int net_addr_add(struct nl_sock *sk, int ifindex, int family, const union vrrpd_addr *addr,
		 uint8_t prefix_len);
int net_addr_del(struct nl_sock *sk, int ifindex, int family, const union vrrpd_addr *addr,
		 uint8_t prefix_len);

/*
 * A macvlan named name on parent (bridge mode), with mac as its address, created down. It never
 * speaks on its own: no IPv6 on it (no DAD, no MLD), and it answers ARP only for its own
 * addresses. Returns 0 and its ifindex, or -errno.
 */
int net_vmac_add(struct nl_sock *sk, int parent, const char *name, const uint8_t mac[6],
		 int *ifindex);
int net_link_set_up(struct nl_sock *sk, int ifindex, bool up);
/* /proc/sys/net/PROTO/conf/IFNAME/KEY (proto "ipv4" or "ipv6"). */
int net_sysctl(const char *proto, const char *ifname, const char *key, const char *value);
int net_sysctl_get(const char *proto, const char *ifname, const char *key, int *value);
/*
 * Reverse-path filtering is max(conf/all, conf/DEV): with all at 1, no device can turn it off.
 * Sets every device's rp_filter (and default's) to max(all, its own), then all to 0, so that
 * nothing changes for them but except may have 0. *was gets all's old value.
 */
int net_rp_filter_push_down(const char *except, int *was);
/* Removing a link that is gone already is 0. */
int net_link_del(struct nl_sock *sk, int ifindex);
/*
 * Links in a netdev group, to remove many at once: each removal alone waits for the kernel's
 * RCU grace period (some 28 ms a macvlan here), a group's removal waits once for them all.
 */
int net_link_set_group(struct nl_sock *sk, int ifindex, uint32_t group);
int net_link_del_group(struct nl_sock *sk, uint32_t group);

/*
 * A socket that hears every link change (RTNLGRP_LINK). Reading it only drains it: the caller
 * then asks for the state it cares about (net_link_get), which also covers lost messages.
 */
struct nl_sock *net_link_watch_open(void);
int net_link_watch_fd(struct nl_sock *sk);
void net_link_watch_read(struct nl_sock *sk);
/*
 * Turns off the receive VLAN offload (ethtool rxvlan): with it on, a NIC strips the 802.1Q tag
 * into the descriptor and XDP sees a tagged frame as untagged. 1 if it was on and is now off,
 * 0 if it was off or the driver has no such setting, -errno if it cannot be turned off.
 */
int net_ethtool_rxvlan_off(const char *ifname);
/* The driver's own view (ethtool ETHTOOL_GLINK): 1 up, 0 down, -errno if it has none. */
int net_ethtool_link(const char *ifname);

#endif /* VRRPD_NET_H */
