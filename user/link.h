/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The state of the host's interfaces as the instances see it: read from the kernel once for all
 * the instances checked at one time (a turn of the event loop passes them one clock reading),
 * not once per instance. 255 instances on eth0 made one netlink round trip and one ethtool
 * query each, per link event and per second of the link poll.
 */
#ifndef VRRPD_LINK_H
#define VRRPD_LINK_H

#include <stdint.h>

#include "net.h"

/* net_link_get(), read once for every caller with the same stamp (a CLOCK_MONOTONIC time). */
int link_get(struct nl_sock *nl, const char *ifname, uint64_t stamp, struct net_link_info *li);
/* net_ethtool_link(), the same way. */
int link_ethtool(const char *ifname, uint64_t stamp);

#endif
