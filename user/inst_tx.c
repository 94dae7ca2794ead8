// SPDX-License-Identifier: GPL-2.0
/*
 * What an instance sends (adverts, to the group or to its --peers; gratuitous ARPs or NAs; the
 * magic packet) and publishes (vrrpd_cfg), and the effects vrrpd gives inst_apply().
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "hook.h"
#include "inst_int.h"
#include "log.h"
#include "pkt.h"
#include "pkt6.h"
#include "tx.h"
#include "vipq.h"
#include "xdp.h"

static const char *ip4_str(uint32_t addr, char *buf)
{
	return inet_ntop(AF_INET, &addr, buf, INET_ADDRSTRLEN);
}

static uint32_t inst_vip_list(const struct inst *in, uint32_t *out)
{
	int i;

	for (i = 0; i < in->o->nvips; i++)
		out[i] = in->o->vips[i].addr.v4;
	return (uint32_t)in->o->nvips;
}

_Static_assert(OPTS_MAX_VIPS <= PKT6_MAX_ADDRS, "every VIP fits an IPv6 advert");

/* RFC 9568 5.1.2: an IPv6 advert from the link-local address to ff02::12, the VIPs in it. */
static int inst_build_advert6(const struct inst *in, uint8_t priority, uint8_t *frame, size_t len)
{
	struct pkt6_advert a = {
		.vrid = in->o->vrid,
		.priority = priority,
		.adver_int_cs = in->o->adver_int_cs,
		.count = (uint8_t)in->o->nvips,
	};

	memcpy(a.saddr, in->fsm.cfg.primary_ip.v6, 16);
	memcpy(a.src_mac, in->src_mac, 6);
	for (int i = 0; i < in->o->nvips; i++)
		memcpy(a.addrs[i], in->o->vips[i].addr.v6, 16);
	return pkt6_build_advert(frame, len, &a);
}

/* The lease: how long the kernel may claim our addresses without hearing from us again. */
static uint64_t inst_lease_ns(const struct inst *in)
{
	return fsm_master_down_ns(in->o->version, in->fsm.priority, in->o->adver_int_cs);
}

/* Copies what the election decided into vrrpd_cfg, where the XDP program and atropos see it. */
void inst_publish(struct inst *in)
{
	struct vrrpd_cfg *c = &in->cfg;
	int ret;

	c->state = (uint8_t)in->fsm.state;
	c->priority = in->fsm.priority;
	c->master_ip = in->fsm.state == FSM_BACKUP ? in->fsm.master_ip : (union vrrpd_addr){ 0 };
	c->master_priority = in->fsm.state == FSM_BACKUP ? in->fsm.master_priority : 0;
	c->master_adver_int_cs = in->fsm.master_adver_int_cs;
	ret = xdp_cfg_write(in->x, &in->key, c);
	if (ret)
		log_warnx(LOG_INST_FMT "cannot update the kernel's state: %s", LOG_INST_ARGS(in->o),
			  strerror(-ret));
}

static uint8_t inst_tx_csum(const struct inst *in)
{
	if (in->o->csum_mode != VRRPD_CSUM_AUTO)
		return in->o->csum_mode;
	/* CONFORMANCE.md C3/C4: follow the form the peers use; RFC 9568 until one is seen. */
	return in->peer_csum ? in->peer_csum : VRRPD_CSUM_RFC9568;
}

/*
 * --peer: one advert to each peer, its checksum over its own destination (C4), its IPv4 packet
 * through the unicast socket. Counts as sent when one of them left; -1 when none did.
 */
static int inst_send_unicast(struct inst *in, struct pkt_advert *a)
{
	uint8_t frame[PKT_MAX_FRAME];
	char buf[INET_ADDRSTRLEN];
	int i, len, ret, sent = 0;

	for (i = 0; i < in->o->npeers; i++) {
		a->daddr = in->o->peers[i];
		len = pkt_build_advert(frame, sizeof(frame), a);
		if (len < 0) {
			log_warnx(LOG_INST_FMT "cannot build an advert: %s", LOG_INST_ARGS(in->o),
				  strerror(-len));
			return -1;
		}
		/* The IPv4 packet without the frame's Ethernet padding: its total length. */
		ret = tx_send_ip(in->utx_fd, frame + PKT_ETH_HLEN,
				 (size_t)(frame[PKT_ETH_HLEN + 2] << 8 | frame[PKT_ETH_HLEN + 3]),
				 a->daddr);
		if (ret)
			log_warnx(LOG_INST_FMT "cannot send an advert to peer %s: %s",
				  LOG_INST_ARGS(in->o), ip4_str(a->daddr, buf), strerror(-ret));
		else
			sent++;
	}
	return sent ? 0 : -1;
}

void inst_send_advert(struct inst *in, uint8_t priority, uint64_t now_ns)
{
	struct pkt_advert a = {
		.version = in->o->version,
		.vrid = in->o->vrid,
		.priority = priority,
		.adver_int_cs = in->o->adver_int_cs,
		.csum_form = inst_tx_csum(in),
		.auth_type = in->o->auth_type,
	};
	uint8_t frame[PKT_MAX_FRAME];
	int len, ret;

	memcpy(a.auth_data, in->o->auth_data, sizeof(a.auth_data));
	memcpy(a.src_mac, in->src_mac, 6);
	a.count = (uint8_t)inst_vip_list(in, a.addrs);
	a.saddr = in->fsm.cfg.primary_ip.v4;
	if (in->o->npeers) {
		if (inst_send_unicast(in, &a))
			return;
	} else {
		len = inst_v6(in) ? inst_build_advert6(in, priority, frame, sizeof(frame)) :
				    pkt_build_advert(frame, sizeof(frame), &a);
		if (len < 0) {
			log_warnx(LOG_INST_FMT "cannot build an advert: %s", LOG_INST_ARGS(in->o),
				  strerror(-len));
			return;
		}
		ret = tx_send(in->tx_fd, frame, (size_t)len);
		if (ret) {
			log_warnx(LOG_INST_FMT "cannot send an advert: %s", LOG_INST_ARGS(in->o),
				  strerror(-ret));
			return;
		}
	}
	in->cfg.adverts_sent++;
	if (priority == VRRP_PRIO_STOP) {
		in->cfg.pri_zero_sent++;
		in->cfg.lease_until_ns = 0;
	} else {
		in->cfg.lease_until_ns = now_ns + inst_lease_ns(in);
	}
}

void inst_send_garps(struct inst *in)
{
	uint8_t frame[PKT_MAX_FRAME];
	int i, len;

	for (i = 0; i < in->o->nvips; i++) {
		/* D4; D5 for IPv6: an unsolicited NA (R=1, S=0, O=1) to all nodes. */
		if (inst_v6(in))
			len = pkt6_build_unsolicited_na(frame, sizeof(frame), in->src_mac,
							in->o->vips[i].addr.v6, 0);
		else
			len = pkt_build_garp(frame, sizeof(frame), in->src_mac,
					     in->o->vips[i].addr.v4, 0);
		if (len > 0 && tx_send(in->tx_fd, frame, (size_t)len))
			log_warn(LOG_INST_FMT "cannot send a gratuitous %s", LOG_INST_ARGS(in->o),
				 inst_v6(in) ? "NA" : "ARP");
	}
}

/*
 * The magic packet (-I VIP -O GATEWAY), for gateways that ignore gratuitous ARPs: an ARP
 * request from the VIP for the gateway (a request to it makes Linux, and most routers, take the
 * sender's MAC at once), then a datagram from the VIP to the gateway's discard port.
 */
void inst_send_magic(struct inst *in)
{
	struct sockaddr_in src = { .sin_family = AF_INET, .sin_addr.s_addr = in->o->magic_src };
	struct sockaddr_in dst = { .sin_family = AF_INET,
				   .sin_addr.s_addr = in->o->magic_dst,
				   .sin_port = htons(9) };
	static const char payload[] = "vrrpd takeover";
	uint8_t frame[PKT_MAX_FRAME];
	int fd, len;

	if (!in->o->magic_src)
		return;
	len = pkt_build_arp_request(frame, sizeof(frame), in->src_mac, in->o->magic_src,
				    in->o->magic_dst, 0);
	if (len > 0 && tx_send(in->tx_fd, frame, (size_t)len))
		log_warn(LOG_INST_FMT "cannot send the magic ARP request", LOG_INST_ARGS(in->o));
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&src, sizeof(src)) ||
	    sendto(fd, payload, sizeof(payload) - 1, 0, (struct sockaddr *)&dst, sizeof(dst)) < 0)
		log_warn(LOG_INST_FMT "cannot send the magic packet", LOG_INST_ARGS(in->o));
	if (fd >= 0)
		close(fd);
}

static void inst_fx_vips(struct inst *in, struct vipq_req *r)
{
	vipq_apply(in->nl, r);
}

static void inst_fx_vips_push(struct inst *in, const struct vipq_job *j)
{
	vipq_push(in->q, j);
}

static void inst_fx_hook(struct inst *in, const char *state, const char *prev, const char *reason,
			 uint8_t prio, uint64_t now_ns)
{
	hook_queue(in->hook, state, prev, reason, prio, now_ns);
}

const struct inst_fx inst_fx_system = {
	.advert = inst_send_advert,
	.garps = inst_send_garps,
	.magic = inst_send_magic,
	.publish = inst_publish,
	.vips = inst_fx_vips,
	.vips_push = inst_fx_vips_push,
	.hook = inst_fx_hook,
};
