// SPDX-License-Identifier: GPL-2.0
/* The host's interfaces, read once per clock reading: see link.h. */
#include <net/if.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "link.h"

/* Interfaces a process watches at once: its instances' and tracked ones; more are read again. */
#define LINK_CACHE 32

struct link_entry {
	char ifname[IF_NAMESIZE];
	uint64_t stamp; /* when read; 0: a free entry */
	int err; /* net_link_get()'s answer */
	struct net_link_info li;
	bool ethtool_read; /* at this stamp */
	int ethtool; /* net_ethtool_link()'s answer */
};

static struct link_entry link_cache[LINK_CACHE];

/* The entry of ifname, fresh (read at stamp) or not: that one, or the oldest, to be read. */
static struct link_entry *link_entry(const char *ifname, uint64_t stamp, bool *fresh)
{
	struct link_entry *e, *oldest = &link_cache[0];

	for (e = link_cache; e < link_cache + LINK_CACHE; e++) {
		if (e->stamp && !strncmp(e->ifname, ifname, sizeof(e->ifname))) {
			*fresh = e->stamp == stamp;
			return e;
		}
		if (e->stamp < oldest->stamp)
			oldest = e;
	}
	*fresh = false;
	return oldest;
}

int link_get(struct nl_sock *nl, const char *ifname, uint64_t stamp, struct net_link_info *li)
{
	bool fresh;
	struct link_entry *e = link_entry(ifname, stamp, &fresh);

	if (!fresh) {
		snprintf(e->ifname, sizeof(e->ifname), "%s", ifname);
		e->stamp = stamp;
		e->err = net_link_get(nl, ifname, &e->li);
		e->ethtool_read = false;
	}
	*li = e->li;
	return e->err;
}

int link_ethtool(const char *ifname, uint64_t stamp)
{
	bool fresh;
	struct link_entry *e = link_entry(ifname, stamp, &fresh);

	/* Without a link_get() at this stamp: read, not kept (the entry holds no link state). */
	if (!fresh)
		return net_ethtool_link(ifname);
	if (!e->ethtool_read) {
		e->ethtool = net_ethtool_link(ifname);
		e->ethtool_read = true;
	}
	return e->ethtool;
}
