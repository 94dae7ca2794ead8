// SPDX-License-Identifier: GPL-2.0
/*
 * atropos: shows the vrrpd instances of this host, read straight from the pinned BPF maps, so
 * that it answers even when a daemon is stuck.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/if_link.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "fsm.h"
#include "vrrp_abi.h"

#define ATROPOS_VERSION "2.0.0"

static const char *state_name(__u8 s)
{
	static const char *const names[] = { "INIT", "BACKUP", "MASTER", "FAULT" };

	return s < 4 ? names[s] : "UNKNOWN";
}

static void usage(FILE *out)
{
	fprintf(out,
		"usage: atropos [--pin-dir DIR] --state | -s\n"
		"       atropos -v | --version | -h | --help\n\n"
		"  -s, --state      every vrrpd instance on this host: state and since when,\n"
		"                   reason, priority, master, interval, counters\n"
		"  --pin-dir DIR    the vrrpd pin directory (default %s)\n",
		VRRPD_PIN_DIR_DFL);
}

static int open_map(const char *dir, const char *name)
{
	char path[512];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = bpf_obj_get(path);
	if (fd < 0)
		fprintf(stderr, "atropos: cannot open %s: %s (is vrrpd running?)\n", path,
			strerror(errno));
	return fd;
}

static void sum_stats(int fd, const struct vrrpd_key *key, struct vrrpd_stats *sum)
{
	int ncpu = libbpf_num_possible_cpus();
	struct vrrpd_stats *per;
	int c;
	size_t i;

	memset(sum, 0, sizeof(*sum));
	if (ncpu <= 0)
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

static double ago_s(__u64 then_ns)
{
	struct timespec ts;
	__u64 now;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	now = (__u64)ts.tv_sec * 1000000000ull + (__u64)ts.tv_nsec;
	return then_ns && now > then_ns ? (double)(now - then_ns) / 1e9 : 0.0;
}

static bool lease_expired(__u64 until_ns)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (__u64)ts.tv_sec * 1000000000ull + (__u64)ts.tv_nsec >= until_ns;
}

/* How the program is attached to the interface, as the kernel says (not from the maps). */
static const char *xdp_mode(__u32 ifindex)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);

	if (bpf_xdp_query((int)ifindex, 0, &q))
		return "unknown";
	switch (q.attach_mode) {
	case XDP_ATTACHED_DRV:
		return "native mode";
	case XDP_ATTACHED_SKB:
		return "generic mode";
	case XDP_ATTACHED_HW:
		return "offloaded";
	case XDP_ATTACHED_MULTI:
		return "several modes";
	default:
		return "not attached";
	}
}

static int show_state(const char *pin_dir)
{
	int cfg_fd, stats_fd, n = 0;
	struct vrrpd_key key, *prev = NULL;
	char ifname[IF_NAMESIZE], ip[INET_ADDRSTRLEN], mip[INET_ADDRSTRLEN];
	struct vrrpd_stats st;
	struct vrrpd_cfg cfg;

	cfg_fd = open_map(pin_dir, VRRPD_MAP_CFG);
	if (cfg_fd < 0)
		return 2;
	stats_fd = open_map(pin_dir, VRRPD_MAP_STATS);
	while (bpf_map_get_next_key(cfg_fd, prev, &key) == 0) {
		prev = &key;
		if (bpf_map_lookup_elem(cfg_fd, &key, &cfg))
			continue;
		if (!if_indextoname(key.ifindex, ifname))
			snprintf(ifname, sizeof(ifname), "if%u", key.ifindex);
		inet_ntop(AF_INET, &cfg.primary_ip, ip, sizeof(ip));
		inet_ntop(AF_INET, &cfg.master_ip, mip, sizeof(mip));
		printf("%s vrid %u: %s for %.1fs (%s)", ifname, key.vrid, state_name(cfg.state),
		       ago_s(cfg.since_ns), fsm_reason_name((enum vrrpd_reason)cfg.reason));
		if (kill((pid_t)cfg.owner_pid, 0) && errno == ESRCH)
			printf(" [stale: vrrpd pid %u is gone]", cfg.owner_pid);
		if (cfg.state == VRRPD_ST_MASTER && lease_expired(cfg.lease_until_ns))
			printf(" [lease expired: the kernel no longer answers ARP for the VIPs]");
		printf("\n");
		printf("  VRRPv%u, priority %u (configured %u), interval %u cs, preempt %s, pid %u\n",
		       cfg.version, cfg.priority, cfg.cfg_priority, cfg.adver_int_cs,
		       cfg.flags & VRRPD_F_PREEMPT ? "on" : "off", cfg.owner_pid);
		printf("  XDP: %s on %s\n", xdp_mode(key.ifindex), ifname);
		if (cfg.flags & VRRPD_F_VMAC)
			printf("  VMAC %02x:%02x:%02x:%02x:%02x:%02x\n", cfg.vmac[0], cfg.vmac[1],
			       cfg.vmac[2], cfg.vmac[3], cfg.vmac[4], cfg.vmac[5]);
		else
			printf("  VMAC off (-n): ARP answered with %02x:%02x:%02x:%02x:%02x:%02x\n",
			       cfg.vmac[0], cfg.vmac[1], cfg.vmac[2], cfg.vmac[3], cfg.vmac[4],
			       cfg.vmac[5]);
		if (cfg.state == VRRPD_ST_MASTER)
			printf("  master: this router (%s), %llu adverts sent\n", ip,
			       (unsigned long long)cfg.adverts_sent);
		else if (cfg.master_ip)
			printf("  master: %s, priority %u, interval %u cs\n", mip,
			       cfg.master_priority, cfg.master_adver_int_cs);
		if (stats_fd >= 0) {
			sum_stats(stats_fd, &key, &st);
			printf("  received %llu adverts (%llu fast path), dropped: ttl %llu, version %llu, "
			       "type %llu, length %llu, checksum %llu, auth %llu, interval %llu\n",
			       (unsigned long long)st.adverts_rcvd,
			       (unsigned long long)st.fast_path,
			       (unsigned long long)st.ip_ttl_errors,
			       (unsigned long long)st.version_errors,
			       (unsigned long long)st.invalid_type,
			       (unsigned long long)st.length_errors,
			       (unsigned long long)st.checksum_errors,
			       (unsigned long long)st.auth_errors,
			       (unsigned long long)st.adver_interval_errors);
			printf("  ARP requests for the VIPs: %llu answered in XDP, %llu dropped; "
			       "frames to the VMAC dropped while not master: %llu\n",
			       (unsigned long long)st.arp_replies,
			       (unsigned long long)st.arp_dropped,
			       (unsigned long long)st.vmac_dropped);
		}
		n++;
	}
	if (!n)
		printf("no vrrpd instance\n");
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "state", no_argument, NULL, 's' },
		{ "pin-dir", required_argument, NULL, 'P' },
		{ "version", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *pin_dir = VRRPD_PIN_DIR_DFL;
	bool state = false;
	int c;

	while ((c = getopt_long(argc, argv, "svh", longopts, NULL)) != -1) {
		switch (c) {
		case 's':
			state = true;
			break;
		case 'P':
			pin_dir = optarg;
			break;
		case 'v':
			printf("atropos %s\n", ATROPOS_VERSION);
			return 0;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "atropos: unexpected argument '%s'\n", argv[optind]);
		return 2;
	}
	if (!state) {
		usage(stderr);
		return 2;
	}
	return show_state(pin_dir);
}
