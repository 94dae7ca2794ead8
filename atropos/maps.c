// SPDX-License-Identifier: GPL-2.0
/* atropos: the pinned maps, opened and read (atropos.h). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <bpf/bpf.h>

#include "atropos.h"
#include "clock.h"
#include "mapdump.h"
#include "own.h"
#include "xdp.h"

/* Whole maps, each read at once (mapdump.h): every entry exactly once, however busy. */
struct dump {
	uint32_t n;
	void *keys, *vals;
};

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

int maps_open(const struct args *a, struct maps *m)
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
	m->track = open_map(a->pin_dir, VRRPD_MAP_TRACK, sizeof(struct vrrpd_track_key),
			    sizeof(struct vrrpd_track), true);
	if (m->stats == -2 || m->vip == -2 || m->group == -2 || m->peer == -2 || m->track == -2)
		return -EPROTO;
	/* Missing (no vrrpd of this version made it): every instance shows as stale. */
	m->owners = own_dir_open(a->pin_dir, false);
	return 0;
}

void maps_close(struct maps *m)
{
	int *fds[] = { &m->cfg, &m->stats, &m->vip, &m->group, &m->peer, &m->track, &m->owners };

	for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++) {
		if (*fds[i] >= 0)
			close(*fds[i]);
		*fds[i] = -1;
	}
}

void maps_sum_stats(int fd, const struct vrrpd_key *key, struct vrrpd_stats *sum)
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
const char *maps_xdp_mode(__u32 ifindex)
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

bool maps_key_eq(const struct vrrpd_key *a, const struct vrrpd_key *b)
{
	return !memcmp(a, b, sizeof(*a));
}

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
		if (vk[i].family == in->key.family && maps_key_eq(&owner[i], &in->key))
			memcpy(&in->vips[in->nvips++], vk[i].addr, sizeof(vk[i].addr));
	for (i = 0; i < group->n; i++)
		if (maps_key_eq(&gk[i].member, &in->key)) {
			snprintf(in->group, sizeof(in->group), "%.*s", VRRPD_GROUP_NAME_LEN - 1,
				 gk[i].name);
			in->group_size = slot[i].size;
		}
	for (i = 0; i < peer->n && in->npeers < VRRPD_MAX_PEERS; i++)
		if (maps_key_eq(&pk[i].key, &in->key))
			memcpy(&in->peers[in->npeers++], pk[i].addr, 4);
}

/* What an instance tracks, from vrrpd_track, in the order of its key (kind, then place). */
static void inst_tracks(const struct dump *track, struct pinned_inst *in)
{
	const struct vrrpd_track_key *tk = track->keys;
	const struct vrrpd_track *tv = track->vals;
	bool have[MAX_TRACKED] = { false };
	struct vrrpd_track all[MAX_TRACKED];
	uint32_t i, slot;

	for (i = 0; i < track->n; i++) {
		slot = tk[i].idx - VRRPD_TRACK_PER_KIND;
		if (!maps_key_eq(&tk[i].key, &in->key) || tk[i].idx < VRRPD_TRACK_PER_KIND ||
		    slot >= MAX_TRACKED)
			continue;
		all[slot] = tv[i];
		/* Names as the daemon cut them, and NUL-terminated whatever the map holds. */
		all[slot].name[sizeof(all[slot].name) - 1] = '\0';
		all[slot].state[sizeof(all[slot].state) - 1] = '\0';
		all[slot].detail[sizeof(all[slot].detail) - 1] = '\0';
		have[slot] = true;
	}
	for (slot = 0; slot < MAX_TRACKED; slot++)
		if (have[slot])
			in->tracks[in->ntracks++] = all[slot];
}

/* The instances the selectors select, sorted by interface and VRID. */
int maps_load(const struct args *a, const struct maps *m, struct pinned_inst *out, int max)
{
	struct dump cfg, vip, group, peer, track;
	const struct vrrpd_key *keys;
	const struct vrrpd_cfg *vals;
	int n = 0, i, j;
	uint32_t e;

	dump_read(m->cfg, sizeof(struct vrrpd_key), sizeof(struct vrrpd_cfg), &cfg);
	dump_read(m->vip, sizeof(struct vrrpd_vip_key), sizeof(struct vrrpd_key), &vip);
	dump_read(m->group, sizeof(struct vrrpd_group_key), sizeof(struct vrrpd_group_slot),
		  &group);
	dump_read(m->peer, sizeof(struct vrrpd_peer_key), sizeof(__u32), &peer);
	dump_read(m->track, sizeof(struct vrrpd_track_key), sizeof(struct vrrpd_track), &track);
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
		inst_tracks(&track, in);
		n++;
	}
	dump_free(&cfg);
	dump_free(&vip);
	dump_free(&group);
	dump_free(&peer);
	dump_free(&track);
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

bool maps_lease_expired(const struct pinned_inst *in)
{
	return in->cfg.state == VRRPD_ST_MASTER && clock_now_ns() >= in->cfg.lease_until_ns;
}
