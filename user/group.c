// SPDX-License-Identifier: GPL-2.0
/*
 * Multi-interface groups. The original counted vrrpd processes with `pgrep | wc` and kept
 * marker files that a crashed process left behind as a veto for ever; here each member owns one
 * slot in a pinned map, and a slot only counts while its owner is alive (a process holds the
 * member instance's claim, own.h: a zombie or a reused pid does not) and keeps it fresh (its
 * heartbeat is recent). A restarted member writes the same slot again.
 */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>

#include "fsm.h"
#include "group.h"
#include "mapdump.h"
#include "own.h"

#define GROUP_BEAT_MIN_NS (10 * 1000000ull)
#define GROUP_BEAT_MAX_NS (100 * 1000000ull)
#define GROUP_NS_PER_CS 10000000ull

int group_open(struct group *g, int map_fd, int owners_fd, const char *name, int size,
	       const struct vrrpd_key *member, uint16_t adver_int_cs)
{
	uint64_t adver_ns = adver_int_cs * GROUP_NS_PER_CS;

	memset(g, 0, sizeof(*g));
	g->fd = map_fd;
	g->owners_fd = owners_fd;
	g->size = size;
	snprintf(g->key.name, sizeof(g->key.name), "%s", name);
	g->key.member = *member;
	/* A quarter of the interval, within 10..100 ms: a change is seen well within an MDI. */
	g->beat_ns = adver_ns / 4;
	if (g->beat_ns < GROUP_BEAT_MIN_NS)
		g->beat_ns = GROUP_BEAT_MIN_NS;
	if (g->beat_ns > GROUP_BEAT_MAX_NS)
		g->beat_ns = GROUP_BEAT_MAX_NS;
	/* Frozen for three intervals (as long as a peer waits for a silent master): gone. */
	g->stale_ns = 3 * adver_ns;
	if (g->stale_ns < 4 * g->beat_ns)
		g->stale_ns = 4 * g->beat_ns;
	return map_fd < 0 ? -EBADF : 0;
}

int group_write(struct group *g, uint8_t state, bool link_up, bool ready, uint64_t now_ns)
{
	struct vrrpd_group_slot slot = {
		.heartbeat_ns = now_ns,
		.stale_after_ns = now_ns + g->stale_ns,
		.owner_pid = (uint32_t)getpid(),
		.size = (uint8_t)g->size,
		.state = state,
		.link_up = link_up,
		.ready = ready,
	};

	if (g->fd < 0)
		return 0;
	return bpf_map_update_elem(g->fd, &g->key, &slot, BPF_ANY) ? -errno : 0;
}

/* "VRID 52 on eth1" */
static void group_member_str(const struct vrrpd_key *k, char *buf, size_t len)
{
	char ifname[IF_NAMESIZE];

	if (!if_indextoname(k->ifindex, ifname))
		snprintf(ifname, sizeof(ifname), "if%u", k->ifindex);
	snprintf(buf, len, "VRID %u on %s", k->vrid, ifname);
}

bool group_allows(struct group *g, uint64_t now_ns)
{
	struct vrrpd_group_key *keys, key;
	struct vrrpd_group_slot *slots, slot;
	int live = 0, ok = 0;
	uint32_t i, n;
	char who[48];

	g->why[0] = '\0';
	if (g->fd < 0)
		return true;
	/* All the slots at once: a walk key by key misses slots their members are rewriting. */
	if (map_dump(g->fd, sizeof(key), sizeof(slot), (void **)&keys, (void **)&slots, &n)) {
		snprintf(g->why, sizeof(g->why), "the group's map cannot be read");
		return false;
	}
	for (i = 0; i < n; i++) {
		key = keys[i];
		slot = slots[i];
		if (strncmp(key.name, g->key.name, sizeof(key.name)))
			continue;
		/* Named only for a reason to give: if_indextoname() is a system call. */
		if (!own_held(g->owners_fd, &key.member)) {
			group_member_str(&key.member, who, sizeof(who));
			snprintf(g->why, sizeof(g->why), "%s is gone (vrrpd pid %u)", who,
				 slot.owner_pid);
			continue;
		}
		if (now_ns >= slot.stale_after_ns) {
			group_member_str(&key.member, who, sizeof(who));
			snprintf(g->why, sizeof(g->why), "%s is not responding (vrrpd pid %u)", who,
				 slot.owner_pid);
			continue;
		}
		live++;
		if (slot.link_up && slot.ready) {
			ok++;
			continue;
		}
		group_member_str(&key.member, who, sizeof(who));
		if (!slot.link_up)
			snprintf(g->why, sizeof(g->why), "%s has its link down", who);
		else
			snprintf(g->why, sizeof(g->why), "%s is %s", who,
				 fsm_state_name((enum fsm_state)slot.state));
	}
	free(keys);
	free(slots);
	if (ok == live && live >= g->size)
		return true;
	if (ok == live) { /* nobody is in the way but somebody is missing */
		char detail[sizeof(g->why) - 40];

		snprintf(detail, sizeof(detail), "%.*s", (int)sizeof(detail) - 1, g->why);
		snprintf(g->why, sizeof(g->why), "%d of %d members present%s%s", live, g->size,
			 detail[0] ? "; " : "", detail);
	}
	return false;
}

void group_close(struct group *g)
{
	if (g->fd >= 0)
		bpf_map_delete_elem(g->fd, &g->key);
	g->fd = -1;
}
