// SPDX-License-Identifier: GPL-2.0
/*
 * atropos: the vrrpd instances of this host, read straight from the pinned BPF maps (so it
 * answers even when a daemon is stuck), and requests to the daemons through their control
 * sockets (never a signal to a pid read from a file).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>
#include <linux/if_link.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "addr.h"
#include "clock.h"
#include "ctl.h"
#include "fsm.h"
#include "mapdump.h"
#include "own.h"
#include "vrrp_abi.h"
#include "xdp.h"

#define MAX_INST 256
#define MAX_VIPS 32

enum cmd {
	CMD_NONE,
	CMD_STATE,
	CMD_CHECK,
	CMD_WATCH,
	CMD_BACKUP,
	CMD_MASTER,
	CMD_RESUME,
	CMD_REDUCE,
	CMD_INCREASE,
	CMD_PRIORITY,
	CMD_GARP,
	CMD_RELOAD,
	CMD_PROMETHEUS,
};

struct args {
	enum cmd cmd;
	const char *pin_dir;
	const char *run_dir;
	const char *ifname; /* -i */
	int vrid; /* -v N, 0: any */
	int priority; /* --priority N */
	int timeout_s;
	int count; /* --watch: stop after this many transitions, 0: never */
	bool json;
};

/*
 * One instance as the pinned maps have it: what atropos reads (the daemon's own view of an
 * instance is struct inst, user/inst.h).
 */
struct pinned_inst {
	struct vrrpd_key key;
	struct vrrpd_cfg cfg;
	char ifname[IF_NAMESIZE];
	bool stale; /* its vrrpd is gone */
	union vrrpd_addr vips[MAX_VIPS]; /* of the instance's family (key.family) */
	int nvips;
	char group[VRRPD_GROUP_NAME_LEN];
	int group_size;
	__be32 peers[VRRPD_MAX_PEERS]; /* --peer */
	int npeers;
};

struct maps {
	int cfg, stats, vip, group, peer;
	int owners; /* PIN_DIR/owners: who holds each instance's claim (own.h) */
};

/* Counter names as in CONFORMANCE.md (RFC 6527) and struct vrrpd_stats, in its order. */
#define STAT(f) { #f, __builtin_offsetof(struct vrrpd_stats, f) },
static const struct {
	const char *name;
	size_t off;
} stat_fields[] = { VRRPD_STATS_FIELDS(STAT) };
_Static_assert(sizeof(stat_fields) / sizeof(stat_fields[0]) == VRRPD_STATS_COUNT,
	       "every counter has a name");

static const char *state_name(__u8 s)
{
	return fsm_state_name((enum fsm_state)s);
}

static void usage(FILE *out)
{
	fprintf(out,
		"usage: atropos [selectors] COMMAND [--json]\n"
		"\n"
		"Reading (from the pinned maps, answers even when a daemon is stuck):\n"
		"  -s, --state        every instance: state and since when, reason, priorities,\n"
		"                     master, interval, VMAC, group, XDP mode, counters\n"
		"      --check        for monitoring: exit 0 if all selected are master, 1 if one is\n"
		"                     backup, 2 if one is in fault or not running; one line\n"
		"      --watch        print transitions as they happen, numbered (--count N: stop\n"
		"                     after N)\n"
		"      --prometheus   state and counters in the Prometheus text format\n"
		"Changing (through the daemons' control sockets; returns once it took effect):\n"
		"  -b, --backup       masters step down and stay backup until --master or --resume\n"
		"      --master       take over now (at priority 254 unless higher)\n"
		"      --resume       configured priority again, no hold\n"
		"  -r, --reduce       priority -10, or to the daemon's -z value\n"
		"      --increase     priority +10, or to the daemon's -x value\n"
		"      --priority N   priority N (1..254)\n"
		"      --garp         send the gratuitous ARPs again (masters)\n"
		"      --reload       the daemons started with -c FILE read it again\n"
		"Selectors and places:\n"
		"  -i IFACE           only instances on IFACE\n"
		"  -v VRID            only instances of VRID (-v alone: the version, as before)\n"
		"      --pin-dir DIR  the vrrpd pin directory (default %s)\n"
		"  -f DIR             the vrrpd run directory, its -f (default %s)\n"
		"      --timeout S    how long a change may take (default 5)\n"
		"      --json         machine-readable output (see atropos(8))\n"
		"  -V, --version      version;  -h, --help: this help\n",
		VRRPD_PIN_DIR_DFL, VRRPD_RUN_DIR_DFL);
}

static double ago_s(__u64 then_ns)
{
	__u64 now = clock_now_ns();

	return then_ns && now > then_ns ? (double)(now - then_ns) / 1e9 : 0.0;
}

/*
 * A pinned map, if it has the layout this atropos was built for: maps left by another vrrpd
 * version are refused, never misread (vrrpd checks the whole type information at start-up;
 * here the sizes). Returns the fd, -1 when it is missing, -2 when it is another layout.
 */
static int open_map(const char *dir, const char *name, size_t key_size, size_t value_size,
		    bool quiet)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);
	char path[512];
	struct stat st;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (stat(path, &st) == 0 && st.st_uid != geteuid()) {
		fprintf(stderr, "atropos: %s belongs to uid %u, not to us: not reading it\n", path,
			(unsigned int)st.st_uid);
		errno = EPERM;
		return -2;
	}
	fd = bpf_obj_get(path);
	if (fd < 0) {
		if (quiet)
			return -1;
		if (errno == EACCES || errno == EPERM)
			fprintf(stderr,
				"atropos: permission denied reading %s: run atropos as root\n",
				path);
		else
			fprintf(stderr, "atropos: cannot open %s: %s (is vrrpd running?)\n", path,
				strerror(errno));
		return -1;
	}
	if (bpf_obj_get_info_by_fd(fd, &info, &len) || info.key_size != key_size ||
	    info.value_size != value_size) {
		fprintf(stderr,
			"atropos: %s was made by an incompatible vrrpd (key %u, value %u bytes; this atropos reads %zu, %zu)\n",
			path, info.key_size, info.value_size, key_size, value_size);
		close(fd);
		errno = EPROTO;
		return -2;
	}
	return fd;
}

static int open_maps(const struct args *a, struct maps *m)
{
	m->cfg = open_map(a->pin_dir, VRRPD_MAP_CFG, sizeof(struct vrrpd_key),
			  sizeof(struct vrrpd_cfg), false);
	if (m->cfg < 0)
		return errno == EACCES || errno == EPERM ? -EACCES : -ENOENT;
	m->stats = open_map(a->pin_dir, VRRPD_MAP_STATS, sizeof(struct vrrpd_key),
			    sizeof(struct vrrpd_stats), true);
	m->vip = open_map(a->pin_dir, VRRPD_MAP_VIP, sizeof(struct vrrpd_vip_key),
			  sizeof(struct vrrpd_key), true);
	m->group = open_map(a->pin_dir, VRRPD_MAP_GROUP, sizeof(struct vrrpd_group_key),
			    sizeof(struct vrrpd_group_slot), true);
	m->peer = open_map(a->pin_dir, VRRPD_MAP_PEER, sizeof(struct vrrpd_peer_key), sizeof(__u32),
			   true);
	if (m->stats == -2 || m->vip == -2 || m->group == -2 || m->peer == -2)
		return -EPROTO;
	/* Missing (no vrrpd of this version made it): every instance shows as stale. */
	m->owners = own_dir_open(a->pin_dir, false);
	return 0;
}

static void sum_stats(int fd, const struct vrrpd_key *key, struct vrrpd_stats *sum)
{
	int ncpu = libbpf_num_possible_cpus();
	struct vrrpd_stats *per;
	int c;
	size_t i;

	memset(sum, 0, sizeof(*sum));
	if (fd < 0 || ncpu <= 0)
		return;
	per = calloc((size_t)ncpu, sizeof(*per));
	if (!per)
		return;
	if (bpf_map_lookup_elem(fd, key, per) == 0) {
		for (c = 0; c < ncpu; c++)
			for (i = 0; i < sizeof(*sum) / sizeof(__u64); i++)
				((__u64 *)sum)[i] += ((__u64 *)&per[c])[i];
	}
	free(per);
}

/* How the program is attached to the interface, as the kernel says (not from the maps). */
static const char *xdp_mode(__u32 ifindex)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);
	static char buf[32];

	if (bpf_xdp_query((int)ifindex, 0, &q))
		return "unknown";
	if (q.attach_mode == XDP_ATTACHED_NONE)
		return "not attached";
	snprintf(buf, sizeof(buf), "%s mode", xdp_mode_name(q.attach_mode));
	return buf;
}

static bool key_eq(const struct vrrpd_key *a, const struct vrrpd_key *b)
{
	return !memcmp(a, b, sizeof(*a));
}

/* Whole maps, each read at once (mapdump.h): every entry exactly once, however busy. */
struct dump {
	uint32_t n;
	void *keys, *vals;
};

static void dump_read(int fd, size_t ksz, size_t vsz, struct dump *d)
{
	memset(d, 0, sizeof(*d));
	if (fd >= 0 && map_dump(fd, ksz, vsz, &d->keys, &d->vals, &d->n))
		d->n = 0;
}

static void dump_free(struct dump *d)
{
	free(d->keys);
	free(d->vals);
}

/* The VIPs, the group and the peers of an instance, from vrrpd_vip, vrrpd_group, vrrpd_peer. */
static void inst_extras(const struct dump *vip, const struct dump *group, const struct dump *peer,
			struct pinned_inst *in)
{
	const struct vrrpd_vip_key *vk = vip->keys;
	const struct vrrpd_key *owner = vip->vals;
	const struct vrrpd_group_key *gk = group->keys;
	const struct vrrpd_group_slot *slot = group->vals;
	const struct vrrpd_peer_key *pk = peer->keys;
	uint32_t i;

	for (i = 0; i < vip->n && in->nvips < MAX_VIPS; i++)
		if (vk[i].family == in->key.family && key_eq(&owner[i], &in->key))
			memcpy(&in->vips[in->nvips++], vk[i].addr, sizeof(vk[i].addr));
	for (i = 0; i < group->n; i++)
		if (key_eq(&gk[i].member, &in->key)) {
			snprintf(in->group, sizeof(in->group), "%.*s", VRRPD_GROUP_NAME_LEN - 1,
				 gk[i].name);
			in->group_size = slot[i].size;
		}
	for (i = 0; i < peer->n && in->npeers < VRRPD_MAX_PEERS; i++)
		if (key_eq(&pk[i].key, &in->key))
			memcpy(&in->peers[in->npeers++], pk[i].addr, 4);
}

/* The instances the selectors select, sorted by interface and VRID. */
static int load(const struct args *a, const struct maps *m, struct pinned_inst *out, int max)
{
	struct dump cfg, vip, group, peer;
	const struct vrrpd_key *keys;
	const struct vrrpd_cfg *vals;
	int n = 0, i, j;
	uint32_t e;

	dump_read(m->cfg, sizeof(struct vrrpd_key), sizeof(struct vrrpd_cfg), &cfg);
	dump_read(m->vip, sizeof(struct vrrpd_vip_key), sizeof(struct vrrpd_key), &vip);
	dump_read(m->group, sizeof(struct vrrpd_group_key), sizeof(struct vrrpd_group_slot),
		  &group);
	dump_read(m->peer, sizeof(struct vrrpd_peer_key), sizeof(__u32), &peer);
	keys = cfg.keys;
	vals = cfg.vals;
	for (e = 0; e < cfg.n && n < max; e++) {
		struct pinned_inst *in = &out[n];

		memset(in, 0, sizeof(*in));
		in->key = keys[e];
		in->cfg = vals[e];
		if (!if_indextoname(in->key.ifindex, in->ifname))
			snprintf(in->ifname, sizeof(in->ifname), "if%u", in->key.ifindex);
		if (a->ifname && strcmp(a->ifname, in->ifname))
			continue;
		if (a->vrid && a->vrid != in->key.vrid)
			continue;
		in->stale = m->owners < 0 || !own_held(m->owners, &in->key);
		inst_extras(&vip, &group, &peer, in);
		n++;
	}
	dump_free(&cfg);
	dump_free(&vip);
	dump_free(&group);
	dump_free(&peer);
	for (i = 1; i < n; i++)
		for (j = i; j > 0; j--) {
			int c = strcmp(out[j - 1].ifname, out[j].ifname);
			struct pinned_inst t;

			if (c < 0 || (c == 0 && out[j - 1].key.vrid <= out[j].key.vrid))
				break;
			t = out[j];
			out[j] = out[j - 1];
			out[j - 1] = t;
		}
	return n;
}

static void mac_str(const __u8 *m, char *buf, size_t len)
{
	snprintf(buf, len, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
}

static bool lease_expired(const struct pinned_inst *in)
{
	return in->cfg.state == VRRPD_ST_MASTER && clock_now_ns() >= in->cfg.lease_until_ns;
}

static void print_text(const struct maps *m, const struct pinned_inst *in)
{
	const struct vrrpd_cfg *cfg = &in->cfg;
	char ip[INET6_ADDRSTRLEN], mip[INET6_ADDRSTRLEN], mac[18];
	struct vrrpd_stats st;
	int i;

	addr_str(in->key.family, &cfg->primary_ip, ip);
	addr_str(in->key.family, &cfg->master_ip, mip);
	printf("%s vrid %u: %s for %.1fs (%s)", in->ifname, in->key.vrid, state_name(cfg->state),
	       ago_s(cfg->since_ns), fsm_reason_name((enum vrrpd_reason)cfg->reason));
	if (in->stale)
		printf(" [stale: vrrpd pid %u is gone]", cfg->owner_pid);
	if (lease_expired(in))
		printf(" [lease expired: the kernel no longer answers ARP for the VIPs]");
	printf("\n");
	printf("  VRRPv%u%s, priority %u (configured %u), interval %u cs, preempt %s, accept %s, "
	       "pid %u\n",
	       cfg->version, in->key.family == AF_INET6 ? " IPv6" : "", cfg->priority,
	       cfg->cfg_priority, cfg->adver_int_cs, cfg->flags & VRRPD_F_PREEMPT ? "on" : "off",
	       cfg->flags & VRRPD_F_NO_ACCEPT ? "off" : "on", cfg->owner_pid);
	printf("  VIPs:");
	for (i = 0; i < in->nvips; i++) {
		addr_str(in->key.family, &in->vips[i], mip);
		printf(" %s", mip);
	}
	printf("\n");
	if (in->npeers) {
		printf("  adverts unicast to, and heard only from, the peers:");
		for (i = 0; i < in->npeers; i++) {
			inet_ntop(AF_INET, &in->peers[i], mip, sizeof(mip));
			printf(" %s", mip);
		}
		printf("\n");
	}
	if (in->group[0])
		printf("  group %s of %d (-M)\n", in->group, in->group_size);
	printf("  XDP: %s on %s\n", xdp_mode(in->key.ifindex), in->ifname);
	mac_str(cfg->vmac, mac, sizeof(mac));
	if (cfg->flags & VRRPD_F_VMAC)
		printf("  VMAC %s\n", mac);
	else
		printf("  VMAC off (-n): %s answered with %s\n",
		       in->key.family == AF_INET6 ? "Neighbor Solicitations" : "ARP", mac);
	addr_str(in->key.family, &cfg->master_ip, mip);
	if (cfg->state == VRRPD_ST_MASTER)
		printf("  master: this router (%s), %llu adverts sent\n", ip,
		       (unsigned long long)cfg->adverts_sent);
	else if (!addr_is_zero(&cfg->master_ip))
		printf("  master: %s, priority %u, interval %u cs\n", mip, cfg->master_priority,
		       cfg->master_adver_int_cs);
	if (m->stats < 0)
		return;
	sum_stats(m->stats, &in->key, &st);
	printf("  received %llu adverts (%llu fast path, %llu held back from vrrpd), dropped: "
	       "ttl %llu, version %llu, type %llu, length %llu, checksum %llu, auth %llu, "
	       "interval %llu\n",
	       (unsigned long long)st.adverts_rcvd, (unsigned long long)st.fast_path,
	       (unsigned long long)st.events_held, (unsigned long long)st.ip_ttl_errors,
	       (unsigned long long)st.version_errors, (unsigned long long)st.invalid_type,
	       (unsigned long long)st.length_errors, (unsigned long long)st.checksum_errors,
	       (unsigned long long)st.auth_errors, (unsigned long long)st.adver_interval_errors);
	if (in->key.family == AF_INET6)
		printf("  Neighbor Solicitations for the VIPs: %llu answered in XDP, %llu dropped; ",
		       (unsigned long long)st.nd_replies, (unsigned long long)st.nd_dropped);
	else
		printf("  ARP requests for the VIPs: %llu answered in XDP, %llu dropped, %llu refused "
		       "(sender not the frame's source); ",
		       (unsigned long long)st.arp_replies, (unsigned long long)st.arp_dropped,
		       (unsigned long long)st.arp_invalid);
	printf("frames to the VMAC dropped while not master: %llu\n",
	       (unsigned long long)st.vmac_dropped);
	if (cfg->flags & VRRPD_F_NO_ACCEPT)
		printf("  packets to the VIPs dropped as master (accept off): %llu\n",
		       (unsigned long long)st.accept_mode_dropped);
}

/* One instance as a JSON object (the schema is in atropos(8)). */
static void print_json(const struct maps *m, const struct pinned_inst *in)
{
	const struct vrrpd_cfg *cfg = &in->cfg;
	char ip[INET6_ADDRSTRLEN], mac[18];
	struct vrrpd_stats st;
	size_t i;

	printf("{\"ifname\":\"%s\",\"ifindex\":%u,\"vlan\":%u,\"vrid\":%u,\"state\":\"%s\","
	       "\"since\":%.3f,\"reason\":\"%s\",",
	       in->ifname, in->key.ifindex, in->key.vlan, in->key.vrid, state_name(cfg->state),
	       ago_s(cfg->since_ns), fsm_reason_name((enum vrrpd_reason)cfg->reason));
	printf("\"priority\":%u,\"effective_priority\":%u,", cfg->cfg_priority, cfg->priority);
	if (cfg->state == VRRPD_ST_MASTER)
		addr_str(in->key.family, &cfg->primary_ip, ip);
	else if (!addr_is_zero(&cfg->master_ip))
		addr_str(in->key.family, &cfg->master_ip, ip);
	if (cfg->state == VRRPD_ST_MASTER || !addr_is_zero(&cfg->master_ip))
		printf("\"master_ip\":\"%s\",\"master_priority\":%u,", ip,
		       cfg->state == VRRPD_ST_MASTER ? cfg->priority : cfg->master_priority);
	else
		printf("\"master_ip\":null,\"master_priority\":null,");
	printf("\"adver_int_ms\":%u,\"master_adver_int_ms\":%u,\"vips\":[", cfg->adver_int_cs * 10,
	       cfg->master_adver_int_cs * 10);
	for (i = 0; i < (size_t)in->nvips; i++) {
		addr_str(in->key.family, &in->vips[i], ip);
		printf("%s\"%s\"", i ? "," : "", ip);
	}
	printf("],\"peers\":[");
	for (i = 0; i < (size_t)in->npeers; i++) {
		inet_ntop(AF_INET, &in->peers[i], ip, sizeof(ip));
		printf("%s\"%s\"", i ? "," : "", ip);
	}
	mac_str(cfg->vmac, mac, sizeof(mac));
	printf("],\"vmac\":\"%s\",\"arp_mac\":\"%s\",\"preempt\":%s,\"accept_mode\":%s,"
	       "\"family\":\"%s\",\"version\":%u,",
	       cfg->flags & VRRPD_F_VMAC ? mac : "off", mac,
	       cfg->flags & VRRPD_F_PREEMPT ? "true" : "false",
	       cfg->flags & VRRPD_F_NO_ACCEPT ? "false" : "true",
	       in->key.family == AF_INET6 ? "ipv6" : "ipv4", cfg->version);
	if (in->group[0])
		printf("\"group\":\"%s\",\"group_size\":%d,", in->group, in->group_size);
	else
		printf("\"group\":null,\"group_size\":0,");
	printf("\"xdp_mode\":\"%s\",\"pid\":%u,\"stale\":%s,\"lease_expired\":%s,"
	       "\"master_transitions\":%llu,\"adverts_sent\":%llu,\"pri_zero_sent\":%llu,"
	       "\"counters\":{",
	       xdp_mode(in->key.ifindex), cfg->owner_pid, in->stale ? "true" : "false",
	       lease_expired(in) ? "true" : "false", (unsigned long long)cfg->master_transitions,
	       (unsigned long long)cfg->adverts_sent, (unsigned long long)cfg->pri_zero_sent);
	sum_stats(m->stats, &in->key, &st);
	for (i = 0; i < sizeof(stat_fields) / sizeof(stat_fields[0]); i++)
		printf("%s\"%s\":%llu", i ? "," : "", stat_fields[i].name,
		       (unsigned long long)*(__u64 *)((char *)&st + stat_fields[i].off));
	printf("}}");
}

/*
 * --prometheus: the state and counters in the Prometheus text format (version 0.0.4), for a
 * node_exporter textfile collector or a small HTTP wrapper. One family at a time, each sample
 * labelled with the instance's interface and VRID.
 */
/* An interface name as a label value: backslash and double quote escaped (no newline fits). */
static const char *prom_label(const char *s, char *buf, size_t len)
{
	size_t o = 0;

	for (; *s && o + 3 < len; s++) {
		if (*s == '\\' || *s == '"')
			buf[o++] = '\\';
		buf[o++] = *s;
	}
	buf[o] = '\0';
	return buf;
}

/* One sample of an instance: a whole number, or seconds with a fraction when secs. */
static void prom_sample(const char *name, const struct pinned_inst *in, unsigned long long v,
			double secs, bool is_secs)
{
	char lbl[2 * IF_NAMESIZE];

	printf("%s{interface=\"%s\",vrid=\"%u\"} ", name, prom_label(in->ifname, lbl, sizeof(lbl)),
	       in->key.vrid);
	if (is_secs)
		printf("%.3f\n", secs);
	else
		printf("%llu\n", v);
}

static int cmd_prometheus(const struct args *a, const struct maps *m)
{
	static struct pinned_inst in[MAX_INST];
	static struct vrrpd_stats st[MAX_INST];
	enum { UP, STATE, PRIO, CFG_PRIO, INTERVAL, SINCE, TRANSITIONS, SENT, ZERO_SENT, NFAM };
	static const struct {
		const char *name, *type, *help;
	} fam[NFAM] = {
		[UP] = { "vrrpd_up", "gauge",
			 "1 if the instance's vrrpd is running, 0 if it is gone" },
		[STATE] = { "vrrpd_state", "gauge", "0 init, 1 backup, 2 master, 3 fault" },
		[PRIO] = { "vrrpd_priority", "gauge", "the effective priority" },
		[CFG_PRIO] = { "vrrpd_configured_priority", "gauge",
			       "the priority it was started with" },
		[INTERVAL] = { "vrrpd_advert_interval_seconds", "gauge",
			       "the advertisement interval" },
		[SINCE] = { "vrrpd_state_since_seconds", "gauge",
			    "how long it has been in its state" },
		[TRANSITIONS] = { "vrrpd_master_transitions_total", "counter",
				  "transitions to master" },
		[SENT] = { "vrrpd_adverts_sent_total", "counter", "advertisements sent" },
		[ZERO_SENT] = { "vrrpd_priority_zero_sent_total", "counter",
				"priority 0 advertisements sent" },
	};
	int n = load(a, m, in, MAX_INST), i, f;
	char name[64];

	for (i = 0; i < n; i++)
		sum_stats(m->stats, &in[i].key, &st[i]);
	for (f = 0; f < NFAM; f++) {
		printf("# HELP %s %s\n# TYPE %s %s\n", fam[f].name, fam[f].help, fam[f].name,
		       fam[f].type);
		for (i = 0; i < n; i++) {
			const struct vrrpd_cfg *c = &in[i].cfg;
			const unsigned long long v[NFAM] = {
				[UP] = !in[i].stale,
				[STATE] = c->state,
				[PRIO] = c->priority,
				[CFG_PRIO] = c->cfg_priority,
				[TRANSITIONS] = c->master_transitions,
				[SENT] = c->adverts_sent,
				[ZERO_SENT] = c->pri_zero_sent,
			};

			if (f == INTERVAL)
				prom_sample(fam[f].name, &in[i], 0, c->adver_int_cs / 100.0, true);
			else if (f == SINCE)
				prom_sample(fam[f].name, &in[i], 0, ago_s(c->since_ns), true);
			else
				prom_sample(fam[f].name, &in[i], v[f], 0, false);
		}
	}
	/* The XDP program's counters, named as in RFC 6527 and vrrpd_stats. */
	for (f = 0; f < (int)(sizeof(stat_fields) / sizeof(stat_fields[0])); f++) {
		printf("# HELP vrrpd_%s_total XDP counter %s (vrrpd_stats)\n"
		       "# TYPE vrrpd_%s_total counter\n",
		       stat_fields[f].name, stat_fields[f].name, stat_fields[f].name);
		snprintf(name, sizeof(name), "vrrpd_%s_total", stat_fields[f].name);
		for (i = 0; i < n; i++)
			prom_sample(name, &in[i], *(__u64 *)((char *)&st[i] + stat_fields[f].off),
				    0, false);
	}
	return 0;
}

static int cmd_state(const struct args *a, const struct maps *m)
{
	static struct pinned_inst in[MAX_INST];
	int n = load(a, m, in, MAX_INST), i;

	if (a->json) {
		printf("{\"instances\":[");
		for (i = 0; i < n; i++) {
			printf(i ? "," : "");
			print_json(m, &in[i]);
		}
		printf("]}\n");
		return 0;
	}
	for (i = 0; i < n; i++)
		print_text(m, &in[i]);
	if (!n)
		printf("no vrrpd instance%s\n", a->ifname || a->vrid ? " matches" : "");
	return 0;
}

/* Nagios-style: 0 all master, 1 some backup, 2 some fault or not running (or none). */
static int cmd_check(const struct args *a, const struct maps *m)
{
	static struct pinned_inst in[MAX_INST];
	int n = load(a, m, in, MAX_INST), i, worst = 0, masters = 0;
	char what[256] = "", line[400];

	for (i = 0; i < n; i++) {
		int level = 0;

		if (in[i].stale || in[i].cfg.state == VRRPD_ST_FAULT ||
		    in[i].cfg.state == VRRPD_ST_INIT)
			level = 2;
		else if (in[i].cfg.state != VRRPD_ST_MASTER)
			level = 1;
		else
			masters++;
		if (level > worst || (level == worst && level && !what[0])) {
			worst = level;
			snprintf(what, sizeof(what), "%s vrid %u is %s%s", in[i].ifname,
				 in[i].key.vrid, in[i].stale ? "not running (stale)" : "",
				 in[i].stale ? "" : state_name(in[i].cfg.state));
		}
	}
	if (!n) {
		worst = 2;
		snprintf(line, sizeof(line), "VRRP CRITICAL: no vrrpd instance%s",
			 a->ifname || a->vrid ? " matches" : "");
	} else if (worst == 0) {
		snprintf(line, sizeof(line), "VRRP OK: %d of %d instances master", masters, n);
	} else {
		snprintf(line, sizeof(line), "VRRP %s: %s (%d of %d master)",
			 worst == 2 ? "CRITICAL" : "WARNING", what, masters, n);
	}
	if (a->json)
		printf("{\"status\":%d,\"masters\":%d,\"instances\":%d,\"summary\":\"%s\"}\n",
		       worst, masters, n, line);
	else
		printf("%s\n", line);
	return worst;
}

static volatile sig_atomic_t stop_watch;

static void on_stop(int sig)
{
	(void)sig;
	stop_watch = 1;
}

/*
 * Transitions as they happen: the maps are read every 20 ms; since_ns changes with every
 * transition, so none is missed unless two fall within one poll (then the count of
 * master_transitions says so).
 */
static int cmd_watch(const struct args *a, const struct maps *m)
{
	static struct pinned_inst prev[MAX_INST], cur[MAX_INST];
	struct timespec tick = { .tv_nsec = 20000000 };
	int np, nc, i, j, seq = 0;

	signal(SIGINT, on_stop);
	signal(SIGTERM, on_stop);
	setvbuf(stdout, NULL, _IOLBF, 0);
	np = load(a, m, prev, MAX_INST);
	while (!stop_watch && (!a->count || seq < a->count)) {
		nanosleep(&tick, NULL);
		nc = load(a, m, cur, MAX_INST);
		for (i = 0; i < nc && (!a->count || seq < a->count); i++) {
			const struct pinned_inst *o = NULL;

			for (j = 0; j < np; j++)
				if (key_eq(&prev[j].key, &cur[i].key))
					o = &prev[j];
			if (o && o->cfg.since_ns == cur[i].cfg.since_ns)
				continue;
			seq++;
			if (a->json) {
				printf("{\"seq\":%d,\"ifname\":\"%s\",\"vrid\":%u,\"from\":\"%s\","
				       "\"to\":\"%s\",\"reason\":\"%s\",\"priority\":%u}\n",
				       seq, cur[i].ifname, cur[i].key.vrid,
				       o ? state_name(o->cfg.state) : "NONE",
				       state_name(cur[i].cfg.state),
				       fsm_reason_name((enum vrrpd_reason)cur[i].cfg.reason),
				       cur[i].cfg.priority);
			} else {
				printf("%d %s vrid %u: %s -> %s (%s), priority %u\n", seq,
				       cur[i].ifname, cur[i].key.vrid,
				       o ? state_name(o->cfg.state) : "NONE",
				       state_name(cur[i].cfg.state),
				       fsm_reason_name((enum vrrpd_reason)cur[i].cfg.reason),
				       cur[i].cfg.priority);
			}
		}
		memcpy(prev, cur, sizeof(prev[0]) * (size_t)nc);
		np = nc;
	}
	return 0;
}

/* Sends req to one daemon; reply gets its answer. 0, or -errno with a message printed. */
static int request(const struct args *a, const struct pinned_inst *in, const char *req, char *reply,
		   size_t len)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct timeval tv = { .tv_sec = 2 };
	char path[sizeof(sa.sun_path)];
	socklen_t clen = sizeof(struct ucred);
	struct ucred cred = { 0 };
	struct stat st;
	ssize_t n;
	int fd, ret;

	if (ctl_path(path, sizeof(path), a->run_dir, in->ifname, in->key.vrid)) {
		fprintf(stderr, "atropos: %s vrid %u: control socket path too long\n", in->ifname,
			in->key.vrid);
		return -ENAMETOOLONG;
	}
	memcpy(sa.sun_path, path, strlen(path) + 1);
	/* Only a socket of our own user, served by the instance's own vrrpd, gets a request. */
	if (lstat(path, &st) == 0 && (!S_ISSOCK(st.st_mode) || st.st_uid != geteuid())) {
		fprintf(stderr, "atropos: %s is not a socket of uid %u: not using it\n", path,
			(unsigned int)geteuid());
		return -EPERM;
	}
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		ret = -errno;
		if (ret == -EACCES || ret == -EPERM)
			fprintf(stderr, "atropos: permission denied on %s: run atropos as root\n",
				path);
		else
			fprintf(stderr, "atropos: %s vrid %u: cannot reach vrrpd at %s: %s%s\n",
				in->ifname, in->key.vrid, path, strerror(-ret),
				ret == -ENOENT ? " (is it running with this -f?)" : "");
		close(fd);
		return ret;
	}
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &clen) || cred.uid != geteuid() ||
	    (uint32_t)cred.pid != in->cfg.owner_pid) {
		fprintf(stderr,
			"atropos: %s is served by pid %d (uid %u), not by vrrpd pid %u of %s vrid %u: not using it\n",
			path, (int)cred.pid, (unsigned int)cred.uid, in->cfg.owner_pid, in->ifname,
			in->key.vrid);
		close(fd);
		return -EPERM;
	}
	if (send(fd, req, strlen(req), MSG_NOSIGNAL) < 0 ||
	    (n = recv(fd, reply, len - 1, 0)) <= 0) {
		ret = errno ? -errno : -EIO;
		fprintf(stderr, "atropos: %s vrid %u: no answer from vrrpd: %s\n", in->ifname,
			in->key.vrid, strerror(-ret));
		close(fd);
		return ret;
	}
	reply[n] = '\0';
	close(fd);
	return 0;
}

/* Whether what was asked shows in the maps. */
static bool took_effect(enum cmd c, const struct vrrpd_cfg *cfg, int prio)
{
	switch (c) {
	case CMD_BACKUP:
		return cfg->state != VRRPD_ST_MASTER;
	case CMD_MASTER:
		return cfg->state == VRRPD_ST_MASTER;
	case CMD_RESUME:
	case CMD_REDUCE:
	case CMD_INCREASE:
	case CMD_PRIORITY:
		return cfg->priority == prio;
	default:
		return true;
	}
}

/*
 * --reload: each selected instance's daemon, once (a daemon with -c FILE runs several), reads
 * its file again; its answer is printed. 0 if every one reloaded.
 */
static int cmd_reload(const struct args *a, const struct maps *m)
{
	static struct pinned_inst in[MAX_INST];
	int n = load(a, m, in, MAX_INST), i, j, failed = 0, done = 0;
	char reply[CTL_MSG_MAX];

	for (i = 0; i < n; i++) {
		if (in[i].stale)
			continue;
		for (j = 0; j < i; j++)
			if (!in[j].stale && in[j].cfg.owner_pid == in[i].cfg.owner_pid)
				break;
		if (j < i)
			continue;
		done++;
		if (request(a, &in[i], ctl_req_word(CTL_REQ_RELOAD), reply, sizeof(reply))) {
			failed++;
			continue;
		}
		if (strncmp(reply, "ok ", 3)) {
			fprintf(stderr, "atropos: vrrpd pid %u: %s\n", in[i].cfg.owner_pid,
				strncmp(reply, "error ", 6) ? reply : reply + 6);
			failed++;
			continue;
		}
		printf("vrrpd pid %u: reloaded: %s\n", in[i].cfg.owner_pid, reply + 3);
	}
	if (!done) {
		fprintf(stderr, "atropos: no vrrpd instance matches\n");
		return 1;
	}
	return failed ? 1 : 0;
}

static int cmd_change(const struct args *a, const struct maps *m)
{
	/* The control request (ctl.h) of each command that changes an instance. */
	static const enum ctl_req reqs[] = {
		[CMD_BACKUP] = CTL_REQ_BACKUP,	   [CMD_MASTER] = CTL_REQ_MASTER,
		[CMD_RESUME] = CTL_REQ_RESUME,	   [CMD_REDUCE] = CTL_REQ_REDUCE,
		[CMD_INCREASE] = CTL_REQ_INCREASE, [CMD_PRIORITY] = CTL_REQ_PRIORITY,
		[CMD_GARP] = CTL_REQ_GARP,
	};
	static struct pinned_inst in[MAX_INST];
	int n = load(a, m, in, MAX_INST), i, failed = 0, done = 0, shown = 0;
	char req[64], reply[CTL_MSG_MAX];

	ctl_req_format(req, sizeof(req), reqs[a->cmd], a->priority);
	for (i = 0; i < n; i++) {
		struct vrrpd_cfg cfg;
		char state[16];
		int prio = -1;
		__u64 deadline;

		if (in[i].stale)
			continue;
		/* --backup concerns masters, --master backups, --garp masters. */
		if ((a->cmd == CMD_BACKUP || a->cmd == CMD_GARP) &&
		    in[i].cfg.state != VRRPD_ST_MASTER && !a->ifname && !a->vrid)
			continue;
		done++;
		if (request(a, &in[i], req, reply, sizeof(reply))) {
			failed++;
			continue;
		}
		if (strncmp(reply, "ok ", 3) || sscanf(reply + 3, "%15s %d", state, &prio) != 2) {
			fprintf(stderr, "atropos: %s vrid %u: %s\n", in[i].ifname, in[i].key.vrid,
				strncmp(reply, "error ", 6) ? reply : reply + 6);
			failed++;
			continue;
		}
		deadline = clock_now_ns() + (__u64)a->timeout_s * 1000000000ull;
		for (;;) {
			if (bpf_map_lookup_elem(m->cfg, &in[i].key, &cfg))
				memset(&cfg, 0, sizeof(cfg));
			if (took_effect(a->cmd, &cfg, prio))
				break;
			if (clock_now_ns() >= deadline)
				break;
			usleep(10000);
		}
		if (!took_effect(a->cmd, &cfg, prio)) {
			fprintf(stderr,
				"atropos: %s vrid %u: not in effect after %d s: %s, priority %u\n",
				in[i].ifname, in[i].key.vrid, a->timeout_s, state_name(cfg.state),
				cfg.priority);
			failed++;
			continue;
		}
		if (a->json) {
			/* The instance as it is now, in the --state schema. */
			in[i].cfg = cfg;
			printf(shown++ ? "," : "{\"instances\":[");
			print_json(m, &in[i]);
			continue;
		}
		printf("%s vrid %u: %s, priority %u (configured %u)\n", in[i].ifname,
		       in[i].key.vrid, state_name(cfg.state), cfg.priority, cfg.cfg_priority);
	}
	if (a->json && done)
		printf("%s]}\n", shown ? "" : "{\"instances\":[");
	if (!done) {
		fprintf(stderr, "atropos: no %svrrpd instance%s\n",
			a->cmd == CMD_BACKUP || a->cmd == CMD_GARP ? "master " : "",
			a->ifname || a->vrid ? " matches" : "");
		return 2;
	}
	return failed ? 1 : 0;
}

/* "-v N" selects VRID N; "-v" alone (or before another option) is the original's version. */
static void rewrite_v(int argc, char **argv)
{
	static char buf[MAX_INST][16];
	int i, k = 0;

	for (i = 1; i + 1 < argc && k < MAX_INST; i++) {
		const char *n = argv[i + 1];

		if (strcmp(argv[i], "-v") || !n[0] || strspn(n, "0123456789") != strlen(n))
			continue;
		snprintf(buf[k], sizeof(buf[k]), "--vrid=%.5s", n);
		argv[i] = buf[k++];
		memmove(&argv[i + 1], &argv[i + 2], sizeof(*argv) * (size_t)(argc - i - 1));
		argc--;
	}
}

static int set_cmd(struct args *a, enum cmd c)
{
	if (a->cmd && a->cmd != c) {
		fprintf(stderr, "atropos: one command at a time\n");
		return -1;
	}
	a->cmd = c;
	return 0;
}

static int parse_int(const char *s, int min, int max, int *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || end == s || v < min || v > max)
		return -1;
	*out = (int)v;
	return 0;
}

int main(int argc, char **argv)
{
	enum {
		O_PIN_DIR = 256,
		O_MASTER,
		O_RESUME,
		O_INCREASE,
		O_PRIORITY,
		O_GARP,
		O_RELOAD,
		O_PROMETHEUS,
		O_CHECK,
		O_WATCH,
		O_JSON,
		O_TIMEOUT,
		O_VRID,
		O_COUNT,
	};
	static const struct option longopts[] = {
		{ "state", no_argument, NULL, 's' },
		{ "backup", no_argument, NULL, 'b' },
		{ "reduce", no_argument, NULL, 'r' },
		{ "master", no_argument, NULL, O_MASTER },
		{ "resume", no_argument, NULL, O_RESUME },
		{ "increase", no_argument, NULL, O_INCREASE },
		{ "priority", required_argument, NULL, O_PRIORITY },
		{ "garp", no_argument, NULL, O_GARP },
		{ "reload", no_argument, NULL, O_RELOAD },
		{ "prometheus", no_argument, NULL, O_PROMETHEUS },
		{ "check", no_argument, NULL, O_CHECK },
		{ "watch", no_argument, NULL, O_WATCH },
		{ "count", required_argument, NULL, O_COUNT },
		{ "json", no_argument, NULL, O_JSON },
		{ "timeout", required_argument, NULL, O_TIMEOUT },
		{ "pin-dir", required_argument, NULL, O_PIN_DIR },
		{ "vrid", required_argument, NULL, O_VRID },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct args a = { .pin_dir = VRRPD_PIN_DIR_DFL,
			  .run_dir = VRRPD_RUN_DIR_DFL,
			  .timeout_s = 5 };
	struct maps m;
	int c, ret = 0;

	rewrite_v(argc, argv);
	while (argc > 1 && argv[argc - 1] == NULL)
		argc--;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":sbri:f:vVh", longopts, NULL)) != -1) {
		switch (c) {
		case 's':
			ret = set_cmd(&a, CMD_STATE);
			break;
		case 'b':
			ret = set_cmd(&a, CMD_BACKUP);
			break;
		case 'r':
			ret = set_cmd(&a, CMD_REDUCE);
			break;
		case O_MASTER:
			ret = set_cmd(&a, CMD_MASTER);
			break;
		case O_RESUME:
			ret = set_cmd(&a, CMD_RESUME);
			break;
		case O_INCREASE:
			ret = set_cmd(&a, CMD_INCREASE);
			break;
		case O_RELOAD:
			ret = set_cmd(&a, CMD_RELOAD);
			break;
		case O_PROMETHEUS:
			ret = set_cmd(&a, CMD_PROMETHEUS);
			break;
		case O_GARP:
			ret = set_cmd(&a, CMD_GARP);
			break;
		case O_CHECK:
			ret = set_cmd(&a, CMD_CHECK);
			break;
		case O_WATCH:
			ret = set_cmd(&a, CMD_WATCH);
			break;
		case O_PRIORITY:
			ret = set_cmd(&a, CMD_PRIORITY);
			if (!ret && parse_int(optarg, 1, 254, &a.priority)) {
				fprintf(stderr, "atropos: invalid priority '%s': must be 1..254\n",
					optarg);
				ret = -1;
			}
			break;
		case O_COUNT:
			if (parse_int(optarg, 1, 1000000, &a.count)) {
				fprintf(stderr, "atropos: invalid count '%s'\n", optarg);
				ret = -1;
			}
			break;
		case O_TIMEOUT:
			if (parse_int(optarg, 1, 3600, &a.timeout_s)) {
				fprintf(stderr,
					"atropos: invalid timeout '%s': must be 1..3600 s\n",
					optarg);
				ret = -1;
			}
			break;
		case O_VRID:
			if (parse_int(optarg, 1, 255, &a.vrid)) {
				fprintf(stderr, "atropos: invalid VRID '%s': must be 1..255\n",
					optarg);
				ret = -1;
			}
			break;
		case O_JSON:
			a.json = true;
			break;
		case O_PIN_DIR:
			a.pin_dir = optarg;
			break;
		case 'i':
			a.ifname = optarg;
			break;
		case 'f':
			a.run_dir = optarg;
			break;
		case 'v':
		case 'V':
			printf("atropos %s\n", VRRPD_VERSION);
			return 0;
		case 'h':
			usage(stdout);
			return 0;
		case ':':
			fprintf(stderr, "atropos: option '%s' needs an argument\n",
				argv[optind - 1]);
			ret = -1;
			break;
		default:
			fprintf(stderr, "atropos: unknown option '%s' (see atropos -h)\n",
				argv[optind - 1]);
			ret = -1;
			break;
		}
		if (ret)
			return 2;
	}
	if (optind < argc) {
		fprintf(stderr, "atropos: unexpected argument '%s'\n", argv[optind]);
		return 2;
	}
	if (!a.cmd) {
		usage(stderr);
		return 2;
	}
	if (open_maps(&a, &m))
		return 2;
	switch (a.cmd) {
	case CMD_STATE:
		return cmd_state(&a, &m);
	case CMD_CHECK:
		return cmd_check(&a, &m);
	case CMD_WATCH:
		return cmd_watch(&a, &m);
	case CMD_RELOAD:
		return cmd_reload(&a, &m);
	case CMD_PROMETHEUS:
		return cmd_prometheus(&a, &m);
	default:
		return cmd_change(&a, &m);
	}
}
