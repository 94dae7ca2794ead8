// SPDX-License-Identifier: GPL-2.0
/* Interfaces and addresses through libnl-route. */
#include <errno.h>
#include <linux/if.h>
#include <linux/if_addr.h>
#include <string.h>
#include <sys/socket.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>

#include "nl.h"

/* libnl's -NLE_* codes mapped to errno, at the module boundary. */
static int nl_errno(int nle)
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
	default:
		return -EIO;
	}
}

struct nl_sock *nl_open(void)
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
	return sk;
}

void nl_close(struct nl_sock *sk)
{
	if (sk)
		nl_socket_free(sk);
}

int nl_link_get(struct nl_sock *sk, const char *ifname, struct nl_link_info *info)
{
	struct rtnl_link *link = NULL;
	struct nl_addr *lladdr;
	unsigned int flags;
	int ret;

	ret = rtnl_link_get_kernel(sk, 0, ifname, &link);
	if (ret < 0)
		return nl_errno(ret) == -EIO ? -ENODEV : nl_errno(ret);
	memset(info, 0, sizeof(*info));
	info->ifindex = rtnl_link_get_ifindex(link);
	flags = rtnl_link_get_flags(link);
	info->up = flags & IFF_UP;
	info->carrier = flags & IFF_LOWER_UP;
	lladdr = rtnl_link_get_addr(link);
	if (lladdr && nl_addr_get_len(lladdr) == 6)
		memcpy(info->mac, nl_addr_get_binary_addr(lladdr), 6);
	rtnl_link_put(link);
	return 0;
}

struct nl_walk {
	int ifindex;
	const uint32_t *skip;
	int nskip;
	uint32_t want; /* nl_has_ip4 */
	uint32_t found;
	bool hit;
};

static void nl_walk_addr(struct nl_object *obj, void *arg)
{
	struct rtnl_addr *a = (struct rtnl_addr *)obj;
	struct nl_walk *w = arg;
	struct nl_addr *local;
	uint32_t ip;
	int i;

	if (rtnl_addr_get_ifindex(a) != w->ifindex || rtnl_addr_get_family(a) != AF_INET)
		return;
	local = rtnl_addr_get_local(a);
	if (!local || nl_addr_get_len(local) != 4)
		return;
	memcpy(&ip, nl_addr_get_binary_addr(local), 4);
	if (w->want) {
		if (ip == w->want)
			w->hit = true;
		return;
	}
	if (w->hit || (rtnl_addr_get_flags(a) & IFA_F_SECONDARY))
		return;
	for (i = 0; i < w->nskip; i++)
		if (w->skip[i] == ip)
			return;
	w->found = ip;
	w->hit = true;
}

static int nl_walk_addrs(struct nl_sock *sk, struct nl_walk *w)
{
	struct nl_cache *cache;
	int ret;

	ret = rtnl_addr_alloc_cache(sk, &cache);
	if (ret < 0)
		return nl_errno(ret);
	nl_cache_foreach(cache, nl_walk_addr, w);
	nl_cache_free(cache);
	return 0;
}

int nl_primary_ip4(struct nl_sock *sk, int ifindex, const uint32_t *skip, int nskip, uint32_t *addr)
{
	struct nl_walk w = { .ifindex = ifindex, .skip = skip, .nskip = nskip };
	int ret = nl_walk_addrs(sk, &w);

	if (ret)
		return ret;
	if (!w.hit)
		return -EADDRNOTAVAIL;
	*addr = w.found;
	return 0;
}

int nl_has_ip4(struct nl_sock *sk, int ifindex, uint32_t addr)
{
	struct nl_walk w = { .ifindex = ifindex, .want = addr };
	int ret = nl_walk_addrs(sk, &w);

	return ret ? ret : w.hit;
}

static int nl_addr_change4(struct nl_sock *sk, int ifindex, uint32_t ip, uint8_t prefix_len,
			   bool add)
{
	struct rtnl_addr *a = rtnl_addr_alloc();
	struct nl_addr *local;
	int ret;

	if (!a)
		return -ENOMEM;
	local = nl_addr_build(AF_INET, &ip, 4);
	if (!local) {
		rtnl_addr_put(a);
		return -ENOMEM;
	}
	nl_addr_set_prefixlen(local, prefix_len);
	rtnl_addr_set_ifindex(a, ifindex);
	rtnl_addr_set_family(a, AF_INET);
	rtnl_addr_set_local(a, local);
	rtnl_addr_set_prefixlen(a, prefix_len);
	ret = add ? rtnl_addr_add(sk, a, 0) : rtnl_addr_delete(sk, a, 0);
	nl_addr_put(local);
	rtnl_addr_put(a);
	ret = nl_errno(ret);
	if ((add && ret == -EEXIST) || (!add && ret == -EADDRNOTAVAIL))
		return 0;
	return ret;
}

int nl_addr_add4(struct nl_sock *sk, int ifindex, uint32_t addr, uint8_t prefix_len)
{
	return nl_addr_change4(sk, ifindex, addr, prefix_len, true);
}

int nl_addr_del4(struct nl_sock *sk, int ifindex, uint32_t addr, uint8_t prefix_len)
{
	return nl_addr_change4(sk, ifindex, addr, prefix_len, false);
}
