/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Multi-interface groups (-M N [--group NAME]) through the pinned map vrrpd_group: each member
 * instance writes its own slot (state, link, readiness, heartbeat) and reads the others', in
 * this process or in other vrrpd processes alike.
 */
#ifndef VRRPD_GROUP_H
#define VRRPD_GROUP_H

#include <stdbool.h>
#include <stdint.h>

#include "vrrp_abi.h"

struct group {
	int fd; /* vrrpd_group; -1: not in a group */
	int owners_fd; /* PIN_DIR/owners: whose claims make a member alive (own.h) */
	struct vrrpd_group_key key; /* our slot */
	int size; /* N */
	uint64_t beat_ns; /* how often we write our slot and look at the others */
	uint64_t stale_ns; /* a slot not written for this long is a frozen or dead member */
	uint64_t next_ns; /* next beat */
	char why[128]; /* why the group does not allow Master, for the log */
};

/* Joins group name (of size members) as member; 0 or -errno. */
int group_open(struct group *g, int map_fd, int owners_fd, const char *name, int size,
	       const struct vrrpd_key *member, uint16_t adver_int_cs);
/* Writes our slot: state, link, readiness, a fresh heartbeat. */
int group_write(struct group *g, uint8_t state, bool link_up, bool ready, uint64_t now_ns);
/*
 * Whether the group allows Master now: at least N live members (claim held, slot fresh), all
 * of them with their link up and ready. Otherwise g->why says who is not.
 */
bool group_allows(struct group *g, uint64_t now_ns);
/* Leaves the group: our slot is removed. */
void group_close(struct group *g);

#endif /* VRRPD_GROUP_H */
