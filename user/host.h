/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What vrrpd sets on the host rather than on an instance: once per interface (or per process),
 * however many instances share it.
 */
#ifndef VRRPD_HOST_H
#define VRRPD_HOST_H

#include <stdbool.h>

#include "net.h"
#include "opts.h"

/*
 * The interface li of o's instance: rx VLAN offload off the first time a process sees it (R6:
 * the XDP program must see the tags), and with a VMAC arp_announce 2 (D3). Logged with o's
 * prefix; a failure is logged, never fatal.
 */
void host_iface_prepare(const struct opts *o, const struct net_link_info *li);
/*
 * Before traffic for a VIP arrives on the macvlan vmac_name: strict reverse-path filtering in
 * conf/all would drop it (the route back is the interface's), so all's value is pushed down to
 * every device and all goes to 0 (once: it stays 0).
 */
void host_rp_filter(const struct opts *o, const char *vmac_name);

#endif /* VRRPD_HOST_H */
