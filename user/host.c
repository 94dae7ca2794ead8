// SPDX-License-Identifier: GPL-2.0
/* Settings of the host, once per interface (host.h). */
#include <stdio.h>
#include <string.h>

#include "host.h"
#include "log.h"

/* The interfaces prepared by this process; one prepared again after this many is harmless. */
#define HOST_IFACES 64
static int host_ifindex[HOST_IFACES];
static int host_nifaces;

static bool host_prepared(int ifindex)
{
	for (int i = 0; i < host_nifaces; i++)
		if (host_ifindex[i] == ifindex)
			return true;
	if (host_nifaces < HOST_IFACES)
		host_ifindex[host_nifaces++] = ifindex;
	return false;
}

void host_iface_prepare(const struct opts *o, const struct net_link_info *li)
{
	int ret, v;

	/*
	 * R6: an advert tagged for another VLAN must not pass for an untagged one, and the XDP
	 * program can only tell them apart if the tag is still in the frame. Left off: once per
	 * interface, not once for each of its instances.
	 */
	if (strcmp(li->kind, "vlan") && !host_prepared(li->ifindex)) {
		ret = net_ethtool_rxvlan_off(o->ifname);
		if (ret < 0)
			log_warnx(
				LOG_INST_FMT
				"cannot turn off rx VLAN offload (%s): adverts tagged for another VLAN may pass for untagged ones",
				LOG_INST_ARGS(o), strerror(-ret));
		else if (ret)
			log_info(
				LOG_INST_FMT
				"turned off rx VLAN offload (ethtool -K %s rxvlan off), so that XDP sees VLAN tags",
				LOG_INST_ARGS(o), o->ifname);
	}
	/*
	 * D3: the kernel's own ARP requests on the interface (for a host it replies to) would say
	 * "VIP is at the interface's MAC" with arp_announce 0, and hosts take it. 2 makes them use
	 * the interface's own address. Raised, never lowered, and left set (a read once set).
	 */
	if (!o->vmac || net_sysctl_get("ipv4", o->ifname, "arp_announce", &v) || v >= 2)
		return;
	ret = net_sysctl("ipv4", o->ifname, "arp_announce", "2");
	if (ret)
		log_warnx(
			LOG_INST_FMT
			"cannot set arp_announce to 2 (%s): %s may announce a VIP with its own MAC",
			LOG_INST_ARGS(o), strerror(-ret), o->ifname);
	else
		log_info(
			LOG_INST_FMT
			"set net.ipv4.conf.%s.arp_announce=2, so that %s never announces a VIP with its own MAC",
			LOG_INST_ARGS(o), o->ifname, o->ifname);
}

void host_rp_filter(const struct opts *o, const char *vmac_name)
{
	int was, ret = net_rp_filter_push_down(vmac_name, &was);

	if (ret)
		log_warnx(
			LOG_INST_FMT
			"cannot set rp_filter per device (%s): traffic to the VIPs may be dropped",
			LOG_INST_ARGS(o), strerror(-ret));
	else if (was)
		log_info(
			LOG_INST_FMT
			"net.ipv4.conf.all.rp_filter was %d: now 0, and %d on every other device, so that %s may take traffic for the VIPs",
			LOG_INST_ARGS(o), was, was, vmac_name);
}
