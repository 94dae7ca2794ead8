// SPDX-License-Identifier: GPL-2.0
/* AF_PACKET transmit: adverts and gratuitous ARPs leave as the frames pkt.c built. */
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tx.h"

int tx_open(int ifindex)
{
	struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_ifindex = ifindex };
	int fd, prio = 6; /* TC_PRIO_INTERACTIVE_BULK..CONTROL range: ahead of bulk traffic */

	/* Protocol 0: this socket only sends, nothing is queued to it. */
	fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)) < 0) {
		int ret = -errno;

		close(fd);
		return ret;
	}
	setsockopt(fd, SOL_SOCKET, SO_PRIORITY, &prio, sizeof(prio));
	return fd;
}

int tx_send(int fd, const uint8_t *frame, size_t len)
{
	ssize_t n = send(fd, frame, len, 0);

	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : -EMSGSIZE;
}
