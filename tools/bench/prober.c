// SPDX-License-Identifier: GPL-2.0
/*
 * The failover benchmark's client: every PERIOD microseconds, one broadcast ARP request for the
 * VIP and one ICMP echo request to it, sent to DST_MAC (the virtual MAC), through an AF_PACKET
 * socket so that neither the client's ARP cache nor its routing decides where they go. It never
 * reads the answers: the benchmark's captures on the switch ports see them, with the port that
 * tells which router answered.
 *
 *   prober IFACE CLIENT_IP VIP DST_MAC PERIOD_US
 *
 * Runs until SIGTERM or SIGINT. The period is kept on CLOCK_MONOTONIC deadlines (absolute), so
 * a late wake-up does not shift every later probe.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static uint16_t csum(const uint8_t *p, size_t len)
{
	uint32_t sum = 0;

	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

static int parse_mac(const char *s, uint8_t mac[6])
{
	unsigned int b[6];

	if (sscanf(s, "%x:%x:%x:%x:%x:%x", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5]) != 6)
		return -1;
	for (int i = 0; i < 6; i++) {
		if (b[i] > 0xff)
			return -1;
		mac[i] = (uint8_t)b[i];
	}
	return 0;
}

/* A 42-byte ARP request: who has VIP, tell CLIENT_IP. */
static size_t build_arp(uint8_t *f, const uint8_t *src, struct in_addr me, struct in_addr vip)
{
	memset(f, 0xff, 6);
	memcpy(f + 6, src, 6);
	put16(f + 12, ETH_P_ARP);
	put16(f + 14, 1);
	put16(f + 16, ETH_P_IP);
	f[18] = 6;
	f[19] = 4;
	put16(f + 20, 1);
	memcpy(f + 22, src, 6);
	memcpy(f + 28, &me, 4);
	memset(f + 32, 0, 6);
	memcpy(f + 38, &vip, 4);
	return 42;
}

/* An ICMP echo request to VIP through DST_MAC, with SEQ; 14 + 20 + 8 + 8 bytes. */
static size_t build_echo(uint8_t *f, const uint8_t *dst, const uint8_t *src, struct in_addr me,
			 struct in_addr vip, uint16_t id, uint16_t seq)
{
	uint8_t *ip = f + 14, *icmp = f + 34;

	memcpy(f, dst, 6);
	memcpy(f + 6, src, 6);
	put16(f + 12, ETH_P_IP);
	memset(ip, 0, 20);
	ip[0] = 0x45;
	put16(ip + 2, 36);
	ip[8] = 64;
	ip[9] = IPPROTO_ICMP;
	memcpy(ip + 12, &me, 4);
	memcpy(ip + 16, &vip, 4);
	put16(ip + 10, csum(ip, 20));
	memset(icmp, 0, 16);
	icmp[0] = 8;
	put16(icmp + 4, id);
	put16(icmp + 6, seq);
	memcpy(icmp + 8, "vrrpbnch", 8);
	put16(icmp + 2, csum(icmp, 16));
	return 50;
}

int main(int argc, char **argv)
{
	uint8_t dst[6], src[6], arp[64], echo[64];
	struct sockaddr_ll sll = { 0 };
	struct in_addr me, vip;
	struct ifreq ifr = { 0 };
	struct timespec next;
	long period_us;
	size_t arp_len;
	uint16_t seq = 0;
	int fd;

	if (argc != 6 || inet_pton(AF_INET, argv[2], &me) != 1 ||
	    inet_pton(AF_INET, argv[3], &vip) != 1 || parse_mac(argv[4], dst) ||
	    (period_us = strtol(argv[5], NULL, 10)) < 10) {
		fprintf(stderr, "usage: prober IFACE CLIENT_IP VIP DST_MAC PERIOD_US (>= 10)\n");
		return 2;
	}
	fd = socket(AF_PACKET, SOCK_RAW, 0);
	if (fd < 0) {
		perror("prober: socket");
		return 1;
	}
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", argv[1]);
	if (ioctl(fd, SIOCGIFHWADDR, &ifr) < 0) {
		fprintf(stderr, "prober: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	memcpy(src, ifr.ifr_hwaddr.sa_data, 6);
	sll.sll_family = AF_PACKET;
	sll.sll_ifindex = (int)if_nametoindex(argv[1]);
	sll.sll_halen = 6;
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)) < 0) {
		perror("prober: bind");
		return 1;
	}
	arp_len = build_arp(arp, src, me, vip);
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	clock_gettime(CLOCK_MONOTONIC, &next);
	while (!stop) {
		size_t len = build_echo(echo, dst, src, me, vip, (uint16_t)getpid(), seq++);

		/* A full queue (ENOBUFS) loses one probe, not the run. */
		(void)!send(fd, arp, arp_len, 0);
		(void)!send(fd, echo, len, 0);
		next.tv_nsec += period_us * 1000;
		while (next.tv_nsec >= 1000000000) {
			next.tv_nsec -= 1000000000;
			next.tv_sec++;
		}
		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL) == EINTR &&
		       !stop)
			;
	}
	close(fd);
	return 0;
}
