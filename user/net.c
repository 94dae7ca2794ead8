// SPDX-License-Identifier: GPL-2.0
/* Interfaces and addresses through libnl-route. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_addr.h>
#include <linux/ethtool.h>
#include <linux/if_link.h>
#include <linux/sockios.h>
#include <net/if_arp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/link/macvlan.h>

#include "addr.h"
#include "net.h"

/* libnl's -NLE_* codes mapped to errno, at the module boundary. */
static int net_errno(int nle)
{
	switch (-nle) {
	case 0:
		return 0;
	case NLE_NOMEM:
		return -ENOMEM;
	case NLE_EXIST:
		return -EEXIST;
	case NLE_OBJ_NOTFOUND:
	case NLE_NODEV:
		return -ENODEV;
	case NLE_PERM:
		return -EPERM;
	case NLE_NOADDR:
		return -EADDRNOTAVAIL;
	case NLE_INVAL:
		return -EINVAL;
	case NLE_BUSY:
		return -EBUSY;
	case NLE_OPNOTSUPP:
		return -EOPNOTSUPP;
	default:
		return -EIO;
	}
}

struct nl_sock *net_open(void)
{
	struct nl_sock *sk = nl_socket_alloc();

	if (!sk) {
		errno = ENOMEM;
		return NULL;
	}
	if (nl_connect(sk, NETLINK_ROUTE) < 0) {
		nl_socket_free(sk);
		errno = EIO;
		return NULL;
	}
	/*
	 * One read per message, not a peek for its size first: a takeover of many instances makes
	 * hundreds of requests in a row. The kernel's largest message (a dump's part) is 32 KiB.
	 */
	nl_socket_disable_msg_peek(sk);
	if (nl_socket_set_msg_buf_size(sk, 65536) < 0)
		nl_socket_enable_msg_peek(sk);
	return sk;
}

void net_close(struct nl_sock *sk)
{
	if (sk)
		nl_socket_free(sk);
}

int net_link_get(struct nl_sock *sk, const char *ifname, struct net_link_info *info)
{
	struct rtnl_link *link = NULL;
	struct nl_addr *lladdr;
	unsigned int flags;
	int ret;

	ret = rtnl_link_get_kernel(sk, 0, ifname, &link);
	if (ret < 0)
		return net_errno(ret) == -EIO ? -ENODEV : net_errno(ret);
	memset(info, 0, sizeof(*info));
	info->ifindex = rtnl_link_get_ifindex(link);
	flags = rtnl_link_get_flags(link);
	info->up = flags & IFF_UP;
	info->carrier = flags & IFF_LOWER_UP;
	info->ether = rtnl_link_get_arptype(link) == ARPHRD_ETHER;
	lladdr = rtnl_link_get_addr(link);
	if (lladdr && nl_addr_get_len(lladdr) == 6)
		memcpy(info->mac, nl_addr_get_binary_addr(lladdr), 6);
	info->parent = rtnl_link_get_link(link);
	if (rtnl_link_get_type(link))
		snprintf(info->kind, sizeof(info->kind), "%s", rtnl_link_get_type(link));
	rtnl_link_put(link);
	return 0;
}

int net_sysctl_get(const char *proto, const char *ifname, const char *key, int *value)
{
	char path[128], buf[32];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/sys/net/%s/conf/%s/%s", proto, ifname, key);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -EIO;
	buf[n] = '\0';
	*value = atoi(buf);
	return 0;
}

int net_sysctl(const char *proto, const char *ifname, const char *key, const char *value)
{
	char path[128];
	ssize_t len = (ssize_t)strlen(value);
	int fd, ret = 0;

	snprintf(path, sizeof(path), "/proc/sys/net/%s/conf/%s/%s", proto, ifname, key);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, value, (size_t)len) != len)
		ret = -errno;
	close(fd);
	return ret;
}

int net_rp_filter_push_down(const char *except, int *was)
{
	char value[16];
	struct dirent *de;
	int all, cur, ret;
	DIR *d;

	ret = net_sysctl_get("ipv4", "all", "rp_filter", &all);
	if (ret)
		return ret;
	*was = all;
	if (all == 0)
		return 0;
	d = opendir("/proc/sys/net/ipv4/conf");
	if (!d)
		return -errno;
	snprintf(value, sizeof(value), "%d", all);
	/* Each device (and "default", for the ones to come) keeps max(all, its own). */
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.' || !strcmp(de->d_name, "all") ||
		    !strcmp(de->d_name, except))
			continue;
		if (net_sysctl_get("ipv4", de->d_name, "rp_filter", &cur) == 0 && cur < all)
			net_sysctl("ipv4", de->d_name, "rp_filter", value);
	}
	closedir(d);
	return net_sysctl("ipv4", "all", "rp_filter", "0");
}

int net_vmac_add(struct nl_sock *sk, int parent, const char *name, const uint8_t mac[6],
		 int *ifindex)
{
	struct rtnl_link *link = rtnl_link_macvlan_alloc();
	struct net_link_info li;
	struct nl_addr *addr;
	int ret;

	if (!link)
		return -ENOMEM;
	addr = nl_addr_build(AF_LLC, mac, 6);
	if (!addr) {
		rtnl_link_put(link);
		return -ENOMEM;
	}
	rtnl_link_set_name(link, name);
	rtnl_link_set_link(link, parent);
	rtnl_link_set_addr(link, addr);
	rtnl_link_macvlan_set_mode(link, MACVLAN_MODE_BRIDGE);
	ret = net_errno(rtnl_link_add(sk, link, NLM_F_CREATE | NLM_F_EXCL));
	nl_addr_put(addr);
	rtnl_link_put(link);
	if (ret)
		return ret;
	ret = net_link_get(sk, name, &li);
	if (ret)
		return ret;
	*ifindex = li.ifindex;
	/* Before it is ever up: a backup's VMAC must never send anything (CONFORMANCE.md D1). */
	ret = net_sysctl("ipv6", name, "disable_ipv6", "1");
	if (ret && ret != -ENOENT) /* -ENOENT: a kernel without IPv6 */
		goto fail;
	/* ARP only for the addresses on it (the VIPs, which XDP answers anyway). */
	ret = net_sysctl("ipv4", name, "arp_ignore", "1");
	if (!ret)
		ret = net_sysctl("ipv4", name, "arp_announce", "2");
	/* Traffic for a VIP arrives here while the route back is the parent's. */
	if (!ret)
		ret = net_sysctl("ipv4", name, "rp_filter", "0");
	if (!ret)
		return 0;
fail:
	net_link_del(sk, *ifindex);
	return ret;
}

int net_link_del(struct nl_sock *sk, int ifindex)
{
	struct rtnl_link *link = rtnl_link_alloc();
	int ret;

	if (!link)
		return -ENOMEM;
	rtnl_link_set_ifindex(link, ifindex);
	ret = net_errno(rtnl_link_delete(sk, link));
	rtnl_link_put(link);
	return ret == -ENODEV ? 0 : ret;
}

/* One RTM_SETLINK or RTM_DELLINK of ifi, with IFLA_GROUP if group is not NULL; waits for the ack. */
static int net_link_request(struct nl_sock *sk, int type, const struct ifinfomsg *ifi,
			    const uint32_t *group)
{
	struct nl_msg *msg = nlmsg_alloc_simple(type, NLM_F_REQUEST | NLM_F_ACK);
	int ret;

	if (!msg)
		return -ENOMEM;
	ret = nlmsg_append(msg, (void *)ifi, sizeof(*ifi), NLMSG_ALIGNTO);
	if (!ret && group)
		ret = nla_put_u32(msg, IFLA_GROUP, *group);
	if (!ret)
		ret = nl_send_auto(sk, msg);
	if (ret >= 0)
		ret = nl_wait_for_ack(sk);
	nlmsg_free(msg);
	return net_errno(ret < 0 ? ret : 0);
}

/* IFF_UP alone changed, in one request: no read of the link first. */
int net_link_set_up(struct nl_sock *sk, int ifindex, bool up)
{
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC,
				 .ifi_index = ifindex,
				 .ifi_flags = up ? IFF_UP : 0,
				 .ifi_change = IFF_UP };

	return net_link_request(sk, RTM_SETLINK, &ifi, NULL);
}

/* ifindex's group, or (0) every link of group removed. */
static int net_link_group_request(struct nl_sock *sk, int type, int ifindex, uint32_t group)
{
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC, .ifi_index = ifindex };

	return net_link_request(sk, type, &ifi, &group);
}

int net_link_set_group(struct nl_sock *sk, int ifindex, uint32_t group)
{
	return net_link_group_request(sk, RTM_SETLINK, ifindex, group);
}

int net_link_del_group(struct nl_sock *sk, uint32_t group)
{
	return net_link_group_request(sk, RTM_DELLINK, 0, group);
}

struct net_walk {
	int ifindex;
	int family;
	const union vrrpd_addr *skip;
	int nskip;
	const union vrrpd_addr *want; /* net_has_ip */
	union vrrpd_addr found;
	bool hit;
};

static void net_walk_addr(struct nl_object *obj, void *arg)
{
	struct rtnl_addr *a = (struct rtnl_addr *)obj;
	struct net_walk *w = arg;
	union vrrpd_addr ip = { 0 };
	size_t len = w->family == AF_INET6 ? 16 : 4;
	struct nl_addr *local;
	int i;

	if (rtnl_addr_get_ifindex(a) != w->ifindex || rtnl_addr_get_family(a) != w->family)
		return;
	local = rtnl_addr_get_local(a);
	if (!local || nl_addr_get_len(local) != len)
		return;
	memcpy(ip.v6, nl_addr_get_binary_addr(local), len);
	if (w->want) {
		if (addr_eq(&ip, w->want))
			w->hit = true;
		return;
	}
	if (w->hit || (rtnl_addr_get_flags(a) & IFA_F_SECONDARY))
		return;
	/* RFC 9568 5.1.2.1: IPv6 adverts come from the interface's link-local address. */
	if (w->family == AF_INET6 && !(ip.v6[0] == 0xfe && (ip.v6[1] & 0xc0) == 0x80))
		return;
	for (i = 0; i < w->nskip; i++)
		if (addr_eq(&w->skip[i], &ip))
			return;
	w->found = ip;
	w->hit = true;
}

static int net_walk_addrs(struct nl_sock *sk, struct net_walk *w)
{
	struct nl_cache *cache;
	int ret;

	ret = rtnl_addr_alloc_cache(sk, &cache);
	if (ret < 0)
		return net_errno(ret);
	nl_cache_foreach(cache, net_walk_addr, w);
	nl_cache_free(cache);
	return 0;
}

int net_primary_ip(struct nl_sock *sk, int ifindex, int family, const union vrrpd_addr *skip,
		   int nskip, union vrrpd_addr *addr)
{
	struct net_walk w = { .ifindex = ifindex, .family = family, .skip = skip, .nskip = nskip };
	int ret = net_walk_addrs(sk, &w);

	if (ret)
		return ret;
	if (!w.hit)
		return -EADDRNOTAVAIL;
	*addr = w.found;
	return 0;
}

int net_has_ip(struct nl_sock *sk, int ifindex, int family, const union vrrpd_addr *addr)
{
	struct net_walk w = { .ifindex = ifindex, .family = family, .want = addr };
	int ret = net_walk_addrs(sk, &w);

	return ret ? ret : w.hit;
}

static int net_addr_change(struct nl_sock *sk, int ifindex, int family, const union vrrpd_addr *ip,
			   uint8_t prefix_len, bool add)
{
	struct rtnl_addr *a = rtnl_addr_alloc();
	struct nl_addr *local;
	int ret;

	if (!a)
		return -ENOMEM;
	local = nl_addr_build(family, ip->v6, family == AF_INET6 ? 16 : 4);
	if (!local) {
		rtnl_addr_put(a);
		return -ENOMEM;
	}
	nl_addr_set_prefixlen(local, prefix_len);
	rtnl_addr_set_ifindex(a, ifindex);
	rtnl_addr_set_family(a, family);
	rtnl_addr_set_local(a, local);
	rtnl_addr_set_prefixlen(a, prefix_len);
	/*
	 * A VIP is ours the moment we are Master: Duplicate Address Detection would hold it
	 * tentative for a second, and its probes would ask the old master (RFC 9568 8.2.3).
	 */
	if (family == AF_INET6)
		rtnl_addr_set_flags(a, IFA_F_NODAD);
	ret = add ? rtnl_addr_add(sk, a, 0) : rtnl_addr_delete(sk, a, 0);
	nl_addr_put(local);
	rtnl_addr_put(a);
	ret = net_errno(ret);
	if ((add && ret == -EEXIST) || (!add && ret == -EADDRNOTAVAIL))
		return 0;
	return ret;
}

int net_addr_add(struct nl_sock *sk, int ifindex, int family, const union vrrpd_addr *addr,
		 uint8_t prefix_len)
{
	return net_addr_change(sk, ifindex, family, addr, prefix_len, true);
}

int net_addr_del(struct nl_sock *sk, int ifindex, int family, const union vrrpd_addr *addr,
		 uint8_t prefix_len)
{
	return net_addr_change(sk, ifindex, family, addr, prefix_len, false);
}

struct nl_sock *net_link_watch_open(void)
{
	struct nl_sock *sk = net_open();

	if (!sk)
		return NULL;
	/* Notifications carry no sequence number of ours; their content is not read. */
	nl_socket_disable_seq_check(sk);
	if (nl_socket_add_membership(sk, RTNLGRP_LINK) < 0 || nl_socket_set_nonblocking(sk) < 0) {
		nl_socket_free(sk);
		errno = EIO;
		return NULL;
	}
	return sk;
}

int net_link_watch_fd(struct nl_sock *sk)
{
	return nl_socket_get_fd(sk);
}

void net_link_watch_read(struct nl_sock *sk)
{
	/* Non-blocking: returns once the queue is empty (or on an overrun, heard as an error). */
	while (nl_recvmsgs_default(sk) >= 0)
		;
}

int net_ethtool_rxvlan_off(const char *ifname)
{
	struct ethtool_value ev = { .cmd = ETHTOOL_GFLAGS };
	struct ifreq ifr = { 0 };
	int fd, ret = 0;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	ifr.ifr_data = (void *)&ev;
	if (ioctl(fd, SIOCETHTOOL, &ifr)) {
		ret = errno == EOPNOTSUPP ? 0 : -errno;
	} else if (ev.data & ETH_FLAG_RXVLAN) {
		ev.cmd = ETHTOOL_SFLAGS;
		ev.data &= ~(__u32)ETH_FLAG_RXVLAN;
		ret = ioctl(fd, SIOCETHTOOL, &ifr) ? -errno : 1;
	}
	close(fd);
	return ret;
}

int net_ethtool_link(const char *ifname)
{
	struct ethtool_value ev = { .cmd = ETHTOOL_GLINK };
	struct ifreq ifr = { 0 };
	int fd, ret;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	ifr.ifr_data = (void *)&ev;
	ret = ioctl(fd, SIOCETHTOOL, &ifr) ? -errno : !!ev.data;
	close(fd);
	return ret;
}
