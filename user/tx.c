// SPDX-License-Identifier: GPL-2.0
/*
 * AF_PACKET transmit: adverts and gratuitous ARPs leave as the frames pkt.c built. Unicast
 * adverts leave as the IPv4 packets of those frames, through the kernel's routing.
 */
#include <errno.h>
#include <linux/filter.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tx.h"
#include "vrrp_abi.h"

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

int tx_join(int fd, int ifindex, bool v6)
{
	/* 01:00:5e:00:00:12 (224.0.0.18, RFC 1112 6.4) or 33:33:00:00:00:12 (ff02::12, RFC 2464 7). */
	struct packet_mreq mr = { .mr_ifindex = ifindex,
				  .mr_type = PACKET_MR_MULTICAST,
				  .mr_alen = 6,
				  .mr_address = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0x12 } };

	if (v6) {
		static const uint8_t mac6[6] = { 0x33, 0x33, 0x00, 0x00, 0x00, 0x12 };

		memcpy(mr.mr_address, mac6, sizeof(mac6));
	}
	return setsockopt(fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr, sizeof(mr)) ? -errno : 0;
}

int tx_send(int fd, const uint8_t *frame, size_t len)
{
	ssize_t n = send(fd, frame, len, 0);

	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : -EMSGSIZE;
}

int tx_open_ip(const char *ifname)
{
	/* Accepts nothing: the XDP program already read every advert. */
	struct sock_filter none = BPF_STMT(BPF_RET | BPF_K, 0);
	struct sock_fprog prog = { .len = 1, .filter = &none };
	int fd, one = 1, prio = 6;

	/*
	 * Protocol 112, header ours (IP_HDRINCL). The socket also stands for a listener: without
	 * one for protocol 112, the kernel answers each unicast advert from a peer with an ICMP
	 * protocol unreachable.
	 */
	fd = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, VRRP_PROTO);
	if (fd < 0)
		return -errno;
	/* Out of this interface only, even when a route says otherwise. */
	if (setsockopt(fd, IPPROTO_IP, IP_HDRINCL, &one, sizeof(one)) ||
	    setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog)) ||
	    setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, ifname, (socklen_t)strlen(ifname) + 1)) {
		int ret = -errno;

		close(fd);
		return ret;
	}
	setsockopt(fd, SOL_SOCKET, SO_PRIORITY, &prio, sizeof(prio));
	return fd;
}

int tx_send_ip(int fd, const uint8_t *packet, size_t len, uint32_t daddr)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_addr.s_addr = daddr };
	ssize_t n = sendto(fd, packet, len, 0, (struct sockaddr *)&sin, sizeof(sin));

	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : -EMSGSIZE;
}
