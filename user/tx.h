/* SPDX-License-Identifier: GPL-2.0 */
/* Sending whole Ethernet frames on an interface through AF_PACKET. */
#ifndef VRRPD_TX_H
#define VRRPD_TX_H

#include <stddef.h>
#include <stdint.h>

/* Returns a socket that sends on ifindex and receives nothing, or -errno. */
int tx_open(int ifindex);
int tx_send(int fd, const uint8_t *frame, size_t len);

#endif /* VRRPD_TX_H */
