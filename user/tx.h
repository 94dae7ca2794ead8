/* SPDX-License-Identifier: GPL-2.0 */
/* Sending whole Ethernet frames on an interface through AF_PACKET. */
#ifndef VRRPD_TX_H
#define VRRPD_TX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Returns a socket that sends on ifindex and receives nothing, or -errno. */
int tx_open(int ifindex);
int tx_send(int fd, const uint8_t *frame, size_t len);
/*
 * Asks the interface to receive the VRRP group's multicast MAC for as long as fd is open (a NIC
 * filters unknown groups before XDP sees them). 0 or -errno.
 */
int tx_join(int fd, int ifindex, bool v6);
/*
 * Unicast (--peer): a raw IPv4 socket for protocol 112 bound to ifname that sends whole IPv4
 * packets (header included) and keeps nothing it receives; the kernel routes them and resolves
 * the peer's MAC. -errno.
 */
int tx_open_ip(const char *ifname);
int tx_send_ip(int fd, const uint8_t *packet, size_t len, uint32_t daddr);

#endif /* VRRPD_TX_H */
