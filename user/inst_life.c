// SPDX-License-Identifier: GPL-2.0
/*
 * Starting and stopping an instance: its claim, interface, addresses, sockets, VMAC and map
 * entries (inst_start), and their removal (inst_stop). What is the host's rather than the
 * instance's (offloads, sysctls) is host.c's, done once per interface.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "addr.h"
#include "hook.h"
#include "host.h"
#include "inst_int.h"
#include "log.h"
#include "net.h"
#include "tx.h"
#include "vipq.h"
#include "xdp.h"

/*
 * The VMAC's macvlan: its name, "vr<VRID>-<IFACE>" (or "vr<VRID>-if<IFINDEX>" when that is too
 * long), and its MAC (RFC 9568 7.3: 00:00:5e:00:01:VRID for IPv4, 00:00:5e:00:02:VRID for IPv6).
 */
static void inst_vmac_id(const struct opts *o, int ifindex, char name[IF_NAMESIZE], uint8_t mac[6])
{
	const uint8_t vmac[6] = { 0x00,	  0x00, 0x5e, 0x00, o->family == AF_INET6 ? 0x02 : 0x01,
				  o->vrid };

	memcpy(mac, vmac, 6);
	if ((size_t)snprintf(name, IF_NAMESIZE, "vr%d-%s", o->vrid, o->ifname) >= IF_NAMESIZE)
		snprintf(name, IF_NAMESIZE, "vr%d-if%d", o->vrid, ifindex);
}

/* Is the interface l the VMAC macvlan of an instance on ifindex with that MAC? */
static bool inst_vmac_is(const struct net_link_info *l, int ifindex, const uint8_t mac[6])
{
	return !strcmp(l->kind, "macvlan") && l->parent == ifindex && !memcmp(l->mac, mac, 6);
}

int inst_leftover_group(const struct opts *o, struct xdp_ctx *x, struct nl_sock *nl, uint32_t group)
{
	struct net_link_info li, old;
	char name[IF_NAMESIZE];
	struct vrrpd_key key;
	uint32_t owner;
	uint8_t mac[6];

	if (!o->vmac || net_link_get(nl, o->ifname, &li))
		return 0;
	key = (struct vrrpd_key){ .ifindex = (uint32_t)li.ifindex,
				  .family = (uint8_t)o->family,
				  .vrid = o->vrid };
	/* A live vrrpd runs it: inst_start will say so, and its macvlan is its own. */
	if (xdp_claim(x, &key, &owner) == -EEXIST)
		return 0;
	inst_vmac_id(o, li.ifindex, name, mac);
	if (net_link_get(nl, name, &old) || !inst_vmac_is(&old, li.ifindex, mac) ||
	    net_link_set_group(nl, old.ifindex, group))
		return 0;
	log_warnx(LOG_INST_FMT "removing %s, left by a vrrpd that is gone", LOG_INST_ARGS(o), name);
	return 1;
}

/*
 * The VMAC's macvlan, created down. One of that name left by a vrrpd that died is removed first;
 * anything else of that name is not ours and stops us.
 */
static int inst_vmac_open(struct inst *in, char *err, size_t errlen)
{
	const struct opts *o = in->o;
	struct net_link_info old;
	uint8_t vmac[6];
	int ret;

	inst_vmac_id(o, in->ifindex, in->vmac_name, vmac);
	if (net_link_get(in->nl, in->vmac_name, &old) == 0) {
		if (!inst_vmac_is(&old, in->ifindex, vmac)) {
			snprintf(
				err, errlen,
				"interface %s exists and is not the VMAC of VRID %d on %s: remove it, or run with -n",
				in->vmac_name, o->vrid, o->ifname);
			return -EEXIST;
		}
		log_warnx(LOG_INST_FMT "removing %s, left by a vrrpd that is gone",
			  LOG_INST_ARGS(o), in->vmac_name);
		net_link_del(in->nl, old.ifindex);
	}
	ret = net_vmac_add(in->nl, in->ifindex, in->vmac_name, vmac, &in->vmac_ifindex);
	if (ret) {
		in->vmac_ifindex = 0;
		snprintf(
			err, errlen,
			"cannot create the VMAC interface %s (macvlan) on %s: %s; -n runs without a VMAC",
			in->vmac_name, o->ifname, strerror(-ret));
		return ret;
	}
	memcpy(in->src_mac, vmac, 6);
	in->vip_ifindex = in->vmac_ifindex;
	/* IPv6: no link-local of its own from the VMAC, only the VIPs (with IPv6 on, as Master). */
	if (inst_v6(in) && net_sysctl("ipv6", in->vmac_name, "addr_gen_mode", "1"))
		log_warnx(LOG_INST_FMT "cannot set addr_gen_mode on %s", LOG_INST_ARGS(o),
			  in->vmac_name);
	host_rp_filter(o, in->vmac_name);
	return 0;
}

/* Returns 0, or the error removing the macvlan (which is then left, with its addresses). */
static int inst_vmac_close(struct inst *in)
{
	int ret;

	if (!in->vmac_ifindex || in->gone)
		return 0;
	ret = net_link_del(in->nl, in->vmac_ifindex);
	if (ret)
		log_warnx(LOG_INST_FMT "cannot remove %s: %s", LOG_INST_ARGS(in->o), in->vmac_name,
			  strerror(-ret));
	in->vmac_ifindex = 0;
	return ret;
}

/* The interface: there, Ethernet; what the host needs of it (host.c). */
static int inst_open_iface(struct inst *in, char *err, size_t errlen)
{
	const struct opts *o = in->o;
	struct net_link_info li;
	int ret = net_link_get(in->nl, o->ifname, &li);

	if (ret) {
		snprintf(err, errlen, "interface '%s' does not exist", o->ifname);
		return ret;
	}
	if (!li.ether) {
		snprintf(err, errlen, "interface '%s' is not an Ethernet interface: VRRP needs one",
			 o->ifname);
		return -EINVAL;
	}
	in->ifindex = li.ifindex;
	memcpy(in->src_mac, li.mac, 6);
	host_iface_prepare(o, &li);
	in->vip_ifindex = li.ifindex;
	in->key = (struct vrrpd_key){ .ifindex = (uint32_t)li.ifindex,
				      .family = (uint8_t)o->family,
				      .vrid = o->vrid };
	return 0;
}

/*
 * The instance's claim (own.c): 0, 1 when taken over from a vrrpd that is gone, or an error,
 * as when another instance on the interface has one of our VIPs.
 */
static int inst_open_claim(struct inst *in, char *err, size_t errlen)
{
	const struct opts *o = in->o;
	char buf[INET6_ADDRSTRLEN];
	uint32_t owner = 0;
	int i, ret = xdp_claim(in->x, &in->key, &owner);

	if (ret == -EEXIST && owner) {
		snprintf(err, errlen, "VRID %d on %s is already run by vrrpd pid %u", o->vrid,
			 o->ifname, owner);
		return ret;
	}
	if (ret == -EEXIST) {
		snprintf(err, errlen, "VRID %d on %s is already run by a vrrpd that is starting",
			 o->vrid, o->ifname);
		return ret;
	}
	if (ret < 0) {
		snprintf(err, errlen, "cannot claim VRID %d on %s: %s", o->vrid, o->ifname,
			 strerror(-ret));
		return ret;
	}
	/* Two instances answering ARP for one address would take turns at random. */
	for (i = 0; i < o->nvips; i++) {
		struct vrrpd_key other;
		uint32_t pid;

		if (xdp_vip_owner(in->x, in->ifindex, o->family, &o->vips[i].addr, &in->key, &other,
				  &pid) == 1) {
			snprintf(err, errlen,
				 "%s is already a virtual IP of VRID %d on %s (vrrpd pid %u)",
				 addr_str(o->family, &o->vips[i].addr, buf), other.vrid, o->ifname,
				 pid);
			return -EEXIST;
		}
	}
	if (ret == 1)
		log_warnx(LOG_INST_FMT "taking over from vrrpd pid %u, which is gone",
			  LOG_INST_ARGS(o), owner);
	return ret;
}

/*
 * The address adverts go from; the VIPs already there are left alone, unless a crashed vrrpd
 * left them (adopted): those go, so that a backup holds no VIP.
 */
static int inst_open_addrs(struct inst *in, bool adopted, union vrrpd_addr *primary, char *err,
			   size_t errlen)
{
	const struct opts *o = in->o;
	union vrrpd_addr vips[OPTS_MAX_VIPS];
	char buf[INET6_ADDRSTRLEN];
	int i, ret;

	inst_vip_addrs(in, vips);
	ret = net_primary_ip(in->nl, in->ifindex, o->family, vips, o->nvips, primary);
	if (ret) {
		snprintf(err, errlen, "interface %s has no %s address to send adverts from",
			 o->ifname, o->family == AF_INET6 ? "IPv6 link-local" : "IPv4");
		return ret;
	}
	for (i = 0; i < o->nvips; i++) {
		if (net_has_ip(in->nl, in->ifindex, o->family, &o->vips[i].addr) <= 0)
			continue;
		if (adopted) {
			net_addr_del(in->nl, in->ifindex, o->family, &o->vips[i].addr,
				     o->vips[i].prefix_len);
		} else {
			in->vip_present[i] = true;
			log_warnx(LOG_INST_FMT
				  "%s is already configured; vrrpd will not add or remove it",
				  LOG_INST_ARGS(o), addr_str(o->family, &o->vips[i].addr, buf));
		}
	}
	return 0;
}

/* The packet socket adverts leave by, and the raw one for --peer. */
static int inst_open_sockets(struct inst *in, char *err, size_t errlen)
{
	const struct opts *o = in->o;
	int ret;

	in->tx_fd = tx_open(in->ifindex);
	if (in->tx_fd < 0) {
		snprintf(err, errlen, "cannot open a packet socket on %s: %s", o->ifname,
			 strerror(-in->tx_fd));
		return in->tx_fd;
	}
	ret = tx_join(in->tx_fd, in->ifindex, inst_v6(in));
	if (ret)
		log_warnx(LOG_INST_FMT
			  "cannot join the VRRP multicast group (%s): adverts may not be heard",
			  LOG_INST_ARGS(o), strerror(-ret));
	if (o->npeers) {
		in->utx_fd = tx_open_ip(o->ifname);
		if (in->utx_fd < 0) {
			snprintf(err, errlen, "cannot open a raw IPv4 socket on %s: %s", o->ifname,
				 strerror(-in->utx_fd));
			return in->utx_fd;
		}
	}
	return 0;
}

/* The election, and the instance's entries in the maps: vrrpd_cfg, rx, peers, VIPs, group. */
static int inst_open_kernel(struct inst *in, const union vrrpd_addr *primary, uint64_t now_ns,
			    char *err, size_t errlen)
{
	const struct opts *o = in->o;
	struct fsm_cfg fc = { .primary_ip = *primary };
	char buf[INET6_ADDRSTRLEN];
	int i, ret;

	fc.vrid = o->vrid;
	fc.priority = o->priority;
	fc.version = o->version;
	fc.preempt = o->preempt;
	fc.preempt_delay_ns = (uint64_t)o->preempt_delay_s * FSM_NS_PER_S;
	fc.adver_int_cs = o->adver_int_cs;
	fc.grouped = o->monitor > 0;
	fsm_init(&in->fsm, &fc);
	in->group.fd = -1;
	in->group_ok = !o->monitor;

	in->cfg = (struct vrrpd_cfg){
		.owner_pid = (uint32_t)getpid(),
		.primary_ip = fc.primary_ip,
		.adver_int_cs = o->adver_int_cs,
		.cfg_priority = o->priority,
		.version = o->version,
		.csum_mode = o->csum_mode,
		.flags = (o->preempt ? VRRPD_F_PREEMPT : 0) |
			 (o->owner_drop ? VRRPD_F_OWNER_DROP : 0) | (o->vmac ? VRRPD_F_VMAC : 0) |
			 (o->no_accept ? VRRPD_F_NO_ACCEPT : 0) |
			 (o->npeers ? VRRPD_F_UNICAST : 0) |
			 (o->pass_adverts ? VRRPD_F_PASS_ADVERTS : 0),
		.auth_type = o->auth_type,
		.naddrs = (uint8_t)o->nvips,
		.since_ns = now_ns,
	};
	memcpy(in->cfg.auth_data, o->auth_data, sizeof(in->cfg.auth_data));
	/* The XDP program answers ARP for the VIPs with this MAC. */
	memcpy(in->cfg.vmac, in->src_mac, 6);
	xdp_rx_init(in->x, &in->key);
	xdp_tracks_clear(in->x, &in->key);
	ret = xdp_peers_set(in->x, &in->key, o->peers, o->npeers);
	if (ret) {
		snprintf(err, errlen, "cannot register the peers in the kernel: %s",
			 strerror(-ret));
		return ret;
	}
	for (i = 0; i < o->nvips; i++) {
		ret = xdp_vip_set(in->x, in->ifindex, o->family, &o->vips[i].addr, &in->key);
		if (ret) {
			snprintf(err, errlen, "cannot register %s in the kernel: %s",
				 addr_str(o->family, &o->vips[i].addr, buf), strerror(-ret));
			return ret;
		}
	}
	inst_publish(in);
	if (!o->monitor)
		return 0;
	ret = group_open(&in->group, xdp_group_fd(in->x), in->x->owners_fd,
			 o->group[0] ? o->group : VRRPD_GROUP_DFL, o->monitor, &in->key,
			 o->adver_int_cs);
	if (ret)
		snprintf(err, errlen, "cannot join the group: %s", strerror(-ret));
	return ret;
}

static int inst_open(struct inst *in, const struct opts *o, struct xdp_ctx *x, struct nl_sock *nl,
		     struct hook *hook, uint64_t now_ns, char *err, size_t errlen)
{
	union vrrpd_addr primary;
	int ret, claim;

	memset(in, 0, sizeof(*in));
	in->o = o;
	in->x = x;
	in->nl = nl;
	in->hook = hook;
	in->fx = &inst_fx_system;
	in->tx_fd = -1;
	in->utx_fd = -1;
	ret = inst_open_iface(in, err, errlen);
	if (ret)
		return ret;
	claim = inst_open_claim(in, err, errlen);
	if (claim < 0)
		return claim;
	ret = inst_open_addrs(in, claim == 1, &primary, err, errlen);
	if (!ret)
		ret = inst_open_sockets(in, err, errlen);
	if (!ret && o->vmac)
		ret = inst_vmac_open(in, err, errlen);
	if (ret)
		return ret;
	ret = inst_open_kernel(in, &primary, now_ns, err, errlen);
	if (ret)
		inst_vmac_close(in);
	return ret;
}

int inst_start(struct inst *in, const struct opts *o, struct xdp_ctx *x, struct nl_sock *nl,
	       struct hook *hook, uint64_t now_ns, char *err, size_t errlen)
{
	int ret = inst_open(in, o, x, nl, hook, now_ns, err, errlen);

	/* Whatever failed, the instance is not ours to hold (a -c reload goes on without it). */
	if (ret)
		xdp_unclaim(x, &in->key);
	return ret;
}

void inst_stop_begin(struct inst *in, uint64_t now_ns, uint32_t group)
{
	struct fsm_input stop = { .type = FSM_IN_SHUTDOWN };
	int i;

	inst_feed(in, &stop, now_ns); /* nothing if inst_resign did */
	group_close(&in->group);
	/* What the queue still holds for it comes first: its addresses are known from then on. */
	if (in->q)
		vipq_drain(in->q);

	/* Our macvlan goes, and its addresses with it: no round trip for each. */
	in->vips_on_vmac = in->vips_added && in->vmac_ifindex && !in->gone;
	if (in->vips_added && !in->vips_on_vmac)
		inst_vips(in, false);
	in->vips_added = false;
	for (i = 0; i < in->o->nvips; i++)
		xdp_vip_del(in->x, in->ifindex, in->o->family, &in->o->vips[i].addr);
	in->vmac_grouped = group && in->vmac_ifindex && !in->gone &&
			   net_link_set_group(in->nl, in->vmac_ifindex, group) == 0;
}

void inst_stop_end(struct inst *in, uint64_t now_ns, bool group_removed)
{
	if (in->vmac_grouped && group_removed)
		in->vmac_ifindex = 0;
	in->vmac_grouped = false;
	if (inst_vmac_close(in) && in->vips_on_vmac)
		inst_vips(in, false); /* the macvlan stays: its addresses must not */
	in->vips_on_vmac = false;
	in->vips_added = false;
	/* After the addresses, as inst_apply orders it: the script finds the VIPs gone. */
	if (in->stop_hook_due)
		hook_queue(in->hook, "STOP", fsm_state_name(in->stop_hook_prev),
			   fsm_reason_name(VRRPD_R_SHUTDOWN), in->stop_hook_prio, now_ns);
	in->stop_hook_due = false;
	xdp_release(in->x, &in->key);
	if (in->tx_fd >= 0)
		close(in->tx_fd);
	in->tx_fd = -1;
	if (in->utx_fd >= 0)
		close(in->utx_fd);
	in->utx_fd = -1;
}

void inst_stop(struct inst *in, uint64_t now_ns)
{
	inst_stop_begin(in, now_ns, 0);
	inst_stop_end(in, now_ns, false);
}
