// SPDX-License-Identifier: GPL-2.0
/* Loading, sharing and attaching the XDP program; the map entries of our instances. */
#include <dirent.h>
#include <errno.h>
#include <linux/if_link.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <bpf/bpf.h>

#include "vrrpd.skel.h"
#include "mapdump.h"
#include "own.h"
#include "pindir.h"
#include "xdp.h"

/* libbpf's messages, kept so that a load failure can show the verifier's reason. */
static char xdp_libbpf_log[16384];
static size_t xdp_libbpf_len;

__attribute__((format(printf, 2, 0))) static int xdp_libbpf_print(enum libbpf_print_level level,
								  const char *fmt, va_list ap)
{
	int n;

	if (level == LIBBPF_DEBUG)
		return 0;
	if (xdp_libbpf_len >= sizeof(xdp_libbpf_log) - 256)
		xdp_libbpf_len = 0; /* keep the tail, where the reason is */
	n = vsnprintf(xdp_libbpf_log + xdp_libbpf_len, sizeof(xdp_libbpf_log) - xdp_libbpf_len, fmt,
		      ap);
	if (n > 0)
		xdp_libbpf_len += (size_t)n < sizeof(xdp_libbpf_log) - xdp_libbpf_len ?
					  (size_t)n :
					  sizeof(xdp_libbpf_log) - xdp_libbpf_len - 1;
	return 0;
}

/* The verifier's reason: the last line of its log that is not a summary or libbpf noise. */
static void xdp_last_reason(char *out, size_t outlen)
{
	char *line, *save = NULL, *best = NULL;

	for (line = strtok_r(xdp_libbpf_log, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (!strncmp(line, "libbpf:", 7) || !strncmp(line, "processed ", 10) ||
		    !strncmp(line, "--", 2) || !strncmp(line, "Validating", 10) ||
		    (line[0] >= '0' && line[0] <= '9') || line[0] == ';')
			continue;
		best = line;
	}
	snprintf(out, outlen, "%s", best ? best : "see the libbpf messages above");
}

/*
 * The program is pinned too, as PIN_DIR/vrrpd_xdp_<HASH> (HASH: this build's BPF object and
 * whether it starts the kernel's Master_Down_Timers), and a vrrpd of the same build reuses it
 * instead of loading a copy of its own: the verifier takes some 20 ms of CPU for each load,
 * which a host starting hundreds of single-instance processes pays hundreds of times. A build
 * that differs pins its own, and the others' pins go (their processes keep theirs).
 */
#define XDP_PIN_PREFIX VRRPD_PROG_NAME "_"

static void xdp_prog_pin_path(struct xdp_ctx *x)
{
	uint64_t h = 14695981039346656037ull; /* FNV-1a */
	const unsigned char *p;
	size_t n, i;

	p = vrrpd_bpf__elf_bytes(&n);
	for (i = 0; i <= n; i++) {
		h ^= i < n ? p[i] : x->down_timer;
		h *= 1099511628211ull;
	}
	snprintf(x->prog_pin, sizeof(x->prog_pin), "%s/" XDP_PIN_PREFIX "%016llx", x->pin_dir,
		 (unsigned long long)h);
}

/*
 * Is prog_fd a vrrpd XDP program (1; 0: another program; -errno: cannot tell), and is each
 * pinned map it uses the one we have (same_maps)? tag (if not NULL) gets its tag: the kernel's
 * hash of its instructions, map references left out, which tells one build's from another's.
 */
static int xdp_prog_match(struct xdp_ctx *x, int prog_fd, bool *same_maps, uint8_t *tag)
{
	struct bpf_prog_info info = {};
	uint32_t map_ids[16] = {};
	__u32 len = sizeof(info), i;

	*same_maps = false;
	info.nr_map_ids = 16;
	info.map_ids = (__u64)(unsigned long)map_ids;
	if (bpf_obj_get_info_by_fd(prog_fd, &info, &len))
		return -errno;
	if (info.type != BPF_PROG_TYPE_XDP || strcmp(info.name, VRRPD_PROG_NAME))
		return 0;
	if (tag)
		memcpy(tag, info.tag, BPF_TAG_SIZE);
	if (info.nr_map_ids > 16)
		return 1;
	for (i = 0; i < info.nr_map_ids; i++) {
		struct bpf_map_info mi = {}, ours = {};
		__u32 mlen = sizeof(mi), olen = sizeof(ours);
		struct bpf_map *map;
		int fd = bpf_map_get_fd_by_id(map_ids[i]);
		int ret = fd < 0 ? -1 : bpf_obj_get_info_by_fd(fd, &mi, &mlen);

		if (fd >= 0)
			close(fd);
		if (ret)
			return 1;
		map = bpf_object__find_map_by_name(x->skel->obj, mi.name);
		if (!map || !bpf_map__pin_path(map))
			continue; /* the program's own (scratch space, constants) */
		if (bpf_obj_get_info_by_fd(bpf_map__fd(map), &ours, &olen) || ours.id != mi.id)
			return 1;
	}
	*same_maps = true;
	return 1;
}

/* Removes the pins of programs of other builds (not ours, not attached ones: pins only). */
static void xdp_unpin_others(struct xdp_ctx *x)
{
	const char *ours = strrchr(x->prog_pin, '/') + 1;
	struct dirent *e;
	DIR *dir = opendir(x->pin_dir);

	if (!dir)
		return;
	while ((e = readdir(dir)))
		if (!strncmp(e->d_name, XDP_PIN_PREFIX, strlen(XDP_PIN_PREFIX)) &&
		    strcmp(e->d_name, ours))
			unlinkat(dirfd(dir), e->d_name, 0);
	closedir(dir);
}

/* Opens and loads the object; with reuse, takes the pinned program of this build if there. */
static int xdp_load(struct xdp_ctx *x, bool no_down_timer, bool reuse, char *err, size_t errlen)
{
	LIBBPF_OPTS(bpf_object_open_opts, oo, .pin_root_path = x->pin_dir);
	char reason[512];
	int ret, pinned = -1;
	bool same_maps;

	x->skel = vrrpd_bpf__open_opts(&oo);
	if (!x->skel) {
		ret = -errno;
		snprintf(err, errlen, "cannot open the BPF object: %s", strerror(-ret));
		return ret;
	}
	ret = pindir_check_maps(x->skel->obj, x->pin_dir, err, errlen);
	if (ret)
		goto fail;
	/* 1: the kernel lets XDP use bpf_timer (5.15 and later); 0 or -errno: it does not. */
	x->down_timer = !no_down_timer &&
			libbpf_probe_bpf_helper(BPF_PROG_TYPE_XDP, BPF_FUNC_timer_init, NULL) == 1;
	x->skel->rodata->down_timer_on = x->down_timer;
	bpf_program__set_autoload(x->skel->progs.vrrpd_down_init, x->down_timer);
	xdp_prog_pin_path(x);
	if (reuse)
		pinned = bpf_obj_get(x->prog_pin);
	bpf_program__set_autoload(x->skel->progs.vrrpd_xdp, pinned < 0);
	xdp_libbpf_len = 0;
	ret = vrrpd_bpf__load(x->skel);
	if (ret) {
		xdp_last_reason(reason, sizeof(reason));
		snprintf(err, errlen, "cannot load the XDP program: %s (verifier: %s)",
			 strerror(-ret), reason);
		goto fail;
	}
	if (pinned >= 0 &&
	    (xdp_prog_match(x, pinned, &same_maps, x->prog_tag) != 1 || !same_maps)) {
		/* Pinned against maps removed since (or not a program of ours): a fresh load. */
		unlink(x->prog_pin);
		ret = -ESTALE;
		goto fail;
	}
	if (pinned >= 0) {
		x->prog_fd = pinned;
		x->prog_fd_own = true;
		return 0;
	}
	x->prog_fd = bpf_program__fd(x->skel->progs.vrrpd_xdp);
	if (xdp_prog_match(x, x->prog_fd, &same_maps, x->prog_tag) != 1) {
		snprintf(err, errlen, "cannot read back the XDP program just loaded: %s",
			 strerror(errno));
		ret = -EIO;
		goto fail;
	}
	/* EEXIST: another vrrpd of this build pinned its own meanwhile; both are the same. */
	if (bpf_obj_pin(x->prog_fd, x->prog_pin) == 0)
		xdp_unpin_others(x);
	return 0;
fail:
	if (pinned >= 0)
		close(pinned);
	vrrpd_bpf__destroy(x->skel);
	x->skel = NULL;
	return ret;
}

int xdp_open(struct xdp_ctx *x, const char *pin_dir, bool no_down_timer, char *err, size_t errlen)
{
	int ret;

	memset(x, 0, sizeof(*x));
	x->ring_fd = -1;
	x->prog_fd = -1;
	x->owners_fd = -1;
	x->proc_lock_fd = -1;
	snprintf(x->pin_dir, sizeof(x->pin_dir), "%s", pin_dir);
	libbpf_set_print(xdp_libbpf_print);

	ret = pindir_bpffs(pin_dir);
	if (ret) {
		snprintf(
			err, errlen,
			"pin directory %s is not on a BPF filesystem (mount it with: mount -t bpf bpf /sys/fs/bpf)",
			pin_dir);
		return ret;
	}
	ret = pindir_mkdir(pin_dir);
	if (ret) {
		snprintf(err, errlen, "cannot create pin directory %s: %s", pin_dir,
			 strerror(-ret));
		return ret;
	}
	x->owners_fd = own_dir_open(pin_dir, true);
	if (x->owners_fd >= 0)
		x->proc_lock_fd = own_proc_lock(x->owners_fd);
	if (x->owners_fd < 0 || x->proc_lock_fd < 0) {
		ret = x->owners_fd < 0 ? x->owners_fd : x->proc_lock_fd;
		snprintf(err, errlen, "cannot make the owners' locks in %s/owners: %s", pin_dir,
			 strerror(-ret));
		return ret;
	}
	ret = xdp_load(x, no_down_timer, true, err, errlen);
	if (ret == -ESTALE)
		ret = xdp_load(x, no_down_timer, false, err, errlen);
	if (ret)
		return ret;
	x->cfg_fd = bpf_map__fd(x->skel->maps.vrrpd_cfg);
	x->rx_fd = bpf_map__fd(x->skel->maps.vrrpd_rx);
	x->vip_fd = bpf_map__fd(x->skel->maps.vrrpd_vip);
	x->stats_fd = bpf_map__fd(x->skel->maps.vrrpd_stats);
	x->group_fd = bpf_map__fd(x->skel->maps.vrrpd_group);
	x->peer_fd = bpf_map__fd(x->skel->maps.vrrpd_peer);
	x->track_fd = bpf_map__fd(x->skel->maps.vrrpd_track);
	x->events_fd = bpf_map__fd(x->skel->maps.vrrpd_events);
	x->down_fd = bpf_map__fd(x->skel->maps.vrrpd_down);
	return 0;
}

void xdp_close(struct xdp_ctx *x)
{
	uint32_t pid = (uint32_t)getpid();

	if (x->rb) {
		ring_buffer__free(x->rb);
		x->rb = NULL;
	}
	if (x->ring_fd >= 0) {
		if (x->skel)
			bpf_map_delete_elem(x->events_fd, &pid);
		close(x->ring_fd);
		x->ring_fd = -1;
	}
	if (x->prog_fd_own)
		close(x->prog_fd);
	x->prog_fd = -1;
	x->prog_fd_own = false;
	if (x->skel) {
		vrrpd_bpf__destroy(x->skel);
		x->skel = NULL;
	}
	while (x->nclaims)
		xdp_unclaim(x, &x->claims[0].key);
	free(x->claims);
	x->claims = NULL;
	if (x->owners_fd >= 0) {
		own_proc_unlock(x->owners_fd, x->proc_lock_fd);
		close(x->owners_fd);
	}
	x->owners_fd = x->proc_lock_fd = -1;
}

/* xdp_prog_match() of the program with id prog_id. */
static int xdp_prog_is_ours(struct xdp_ctx *x, uint32_t prog_id, bool *same_maps, uint8_t *tag)
{
	int fd = bpf_prog_get_fd_by_id(prog_id), ret;

	*same_maps = false;
	if (fd < 0)
		return -errno;
	ret = xdp_prog_match(x, fd, same_maps, tag);
	close(fd);
	return ret;
}

/*
 * A vrrpd program of another build runs on ifindex with our maps (a vrrpd of the version before
 * an upgrade attached it): ours takes its place in one step (XDP_FLAGS_REPLACE: the kernel
 * swaps the programs only if the old one is still there), so that no ARP request falls in
 * between. The processes of the other build go on with ours: the maps are the same.
 */
static int xdp_replace(struct xdp_ctx *x, int ifindex, const struct bpf_xdp_query_opts *q,
		       const char **mode, char *err, size_t errlen)
{
	int old_fd = bpf_prog_get_fd_by_id(q->prog_id), ret;
	LIBBPF_OPTS(bpf_xdp_attach_opts, ao, .old_prog_fd = old_fd);
	__u32 flags = XDP_FLAGS_REPLACE | (q->attach_mode == XDP_ATTACHED_SKB ? XDP_FLAGS_SKB_MODE :
										XDP_FLAGS_DRV_MODE);

	if (old_fd < 0)
		return -EAGAIN; /* detached meanwhile */
	ret = bpf_xdp_attach(ifindex, x->prog_fd, flags, &ao);
	close(old_fd);
	/* -EEXIST: it is not the one that runs any more. */
	if (ret == -EEXIST)
		return -EAGAIN;
	if (ret) {
		snprintf(err, errlen,
			 "cannot replace the XDP program of another vrrpd build (id %u): %s",
			 q->prog_id, strerror(-ret));
		return ret;
	}
	*mode = xdp_mode_name(q->attach_mode);
	x->replaced_id = q->prog_id;
	return 0;
}

/*
 * One attempt; -EAGAIN: another vrrpd attached between our query and our attach (several
 * processes started together on one interface), so the caller looks again.
 */
static int xdp_attach_once(struct xdp_ctx *x, int ifindex, const char **mode, char *err,
			   size_t errlen)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);
	int prog_fd = x->prog_fd;
	uint8_t tag[BPF_TAG_SIZE];
	bool same_maps;
	int ret;

	ret = bpf_xdp_query(ifindex, 0, &q);
	if (ret) {
		snprintf(err, errlen, "cannot query XDP on ifindex %d: %s", ifindex,
			 strerror(-ret));
		return ret;
	}
	if (q.prog_id) {
		ret = xdp_prog_is_ours(x, q.prog_id, &same_maps, tag);
		if (ret == 1 && same_maps && !memcmp(tag, x->prog_tag, sizeof(tag))) {
			*mode = xdp_mode_name(q.attach_mode);
			return 0;
		}
		if (ret == 1 && same_maps)
			return xdp_replace(x, ifindex, &q, mode, err, errlen);
		if (ret == 1)
			snprintf(
				err, errlen,
				"the interface already runs a vrrpd XDP program with other maps (another --pin-dir?)");
		else
			snprintf(
				err, errlen,
				"the interface already runs another XDP program (id %u); not replacing it",
				q.prog_id);
		return -EBUSY;
	}
	ret = bpf_xdp_attach(ifindex, prog_fd, XDP_FLAGS_DRV_MODE | XDP_FLAGS_UPDATE_IF_NOEXIST,
			     NULL);
	if (ret == 0) {
		*mode = xdp_mode_name(XDP_ATTACHED_DRV);
		return 0;
	}
	/* -EBUSY: a native program is there now (UPDATE_IF_NOEXIST). */
	if (ret == -EBUSY)
		return -EAGAIN;
	ret = bpf_xdp_attach(ifindex, prog_fd, XDP_FLAGS_SKB_MODE | XDP_FLAGS_UPDATE_IF_NOEXIST,
			     NULL);
	if (ret == 0) {
		*mode = xdp_mode_name(XDP_ATTACHED_SKB);
		return 0;
	}
	/* -EBUSY: a generic one is there now; -EEXIST: a native one (they exclude each other). */
	if (ret == -EBUSY || ret == -EEXIST)
		return -EAGAIN;
	snprintf(err, errlen, "cannot attach the XDP program: %s", strerror(-ret));
	return ret;
}

int xdp_attach(struct xdp_ctx *x, int ifindex, const char **mode, char *err, size_t errlen)
{
	int ret, tries;

	for (tries = 0; tries < 3; tries++) {
		ret = xdp_attach_once(x, ifindex, mode, err, errlen);
		if (ret != -EAGAIN)
			return ret;
	}
	snprintf(err, errlen, "cannot attach the XDP program: it keeps changing under us");
	return -EBUSY;
}

int xdp_detach_if_unused(struct xdp_ctx *x, int ifindex)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);
	struct vrrpd_key *keys;
	struct vrrpd_cfg *vals;
	bool same_maps, used = false;
	uint32_t i, n;
	__u32 flags;

	/* Read at once: a walk key by key can miss an instance another vrrpd is updating. */
	if (map_dump(x->cfg_fd, sizeof(*keys), sizeof(*vals), (void **)&keys, (void **)&vals, &n))
		return 0; /* cannot tell: leave it attached */
	for (i = 0; i < n; i++)
		used |= keys[i].ifindex == (__u32)ifindex; /* another instance still needs it */
	free(keys);
	free(vals);
	if (used)
		return 0;
	if (bpf_xdp_query(ifindex, 0, &q) || !q.prog_id)
		return 0;
	if (xdp_prog_is_ours(x, q.prog_id, &same_maps, NULL) != 1 || !same_maps)
		return 0;
	flags = q.attach_mode == XDP_ATTACHED_SKB ? XDP_FLAGS_SKB_MODE : XDP_FLAGS_DRV_MODE;
	return bpf_xdp_detach(ifindex, flags, NULL);
}

/* Removes the ring buffers of vrrpd processes that are gone. */
static void xdp_reap_rings(struct xdp_ctx *x)
{
	uint32_t pid, next, *prev = NULL;

	while (bpf_map_get_next_key(x->events_fd, prev, &next) == 0) {
		pid = next;
		if (!own_proc_alive(x->owners_fd, pid)) {
			bpf_map_delete_elem(x->events_fd, &pid);
			prev = NULL; /* the walk restarts after a deletion */
			continue;
		}
		prev = &pid;
	}
}

int xdp_ring_open(struct xdp_ctx *x, ring_buffer_sample_fn fn, void *ctx)
{
	uint32_t pid = (uint32_t)getpid();
	int ret;

	xdp_reap_rings(x);
	x->ring_fd =
		bpf_map_create(BPF_MAP_TYPE_RINGBUF, "vrrpd_ring", 0, 0, VRRPD_RINGBUF_BYTES, NULL);
	if (x->ring_fd < 0)
		return -errno;
	if (bpf_map_update_elem(x->events_fd, &pid, &x->ring_fd, BPF_ANY))
		return -errno;
	x->rb = ring_buffer__new(x->ring_fd, fn, ctx, NULL);
	if (!x->rb) {
		ret = -errno;
		bpf_map_delete_elem(x->events_fd, &pid);
		return ret;
	}
	return 0;
}

static struct xdp_claim *xdp_claim_find(struct xdp_ctx *x, const struct vrrpd_key *key)
{
	int i;

	for (i = 0; i < x->nclaims; i++)
		if (!memcmp(&x->claims[i].key, key, sizeof(*key)))
			return &x->claims[i];
	return NULL;
}

int xdp_claim(struct xdp_ctx *x, const struct vrrpd_key *key, uint32_t *owner)
{
	struct xdp_claim *c;
	struct vrrpd_cfg cfg;
	int fd;

	*owner = 0;
	if (!xdp_claim_find(x, key)) {
		fd = own_claim(x->owners_fd, key);
		if (fd == -EEXIST && !bpf_map_lookup_elem(x->cfg_fd, key, &cfg))
			*owner = cfg.owner_pid;
		if (fd < 0)
			return fd;
		c = realloc(x->claims, (size_t)(x->nclaims + 1) * sizeof(*c));
		if (!c) {
			close(fd);
			return -ENOMEM;
		}
		x->claims = c;
		x->claims[x->nclaims++] = (struct xdp_claim){ .key = *key, .fd = fd };
	}
	/* Ours now: an entry of another pid is one a process that is gone left. */
	if (bpf_map_lookup_elem(x->cfg_fd, key, &cfg) || cfg.owner_pid == (uint32_t)getpid())
		return 0;
	*owner = cfg.owner_pid;
	return 1;
}

void xdp_unclaim(struct xdp_ctx *x, const struct vrrpd_key *key)
{
	struct xdp_claim *c = xdp_claim_find(x, key);

	if (!c)
		return;
	close(c->fd);
	*c = x->claims[--x->nclaims];
}

bool xdp_claimed(struct xdp_ctx *x, const struct vrrpd_key *key)
{
	return xdp_claim_find(x, key) || own_held(x->owners_fd, key);
}

int xdp_cfg_write(struct xdp_ctx *x, const struct vrrpd_key *key, const struct vrrpd_cfg *cfg)
{
	return bpf_map_update_elem(x->cfg_fd, key, cfg, BPF_ANY) ? -errno : 0;
}

int xdp_rx_read(struct xdp_ctx *x, const struct vrrpd_key *key, struct vrrpd_rx *rx)
{
	return bpf_map_lookup_elem(x->rx_fd, key, rx) ? -errno : 0;
}

int xdp_down_read(struct xdp_ctx *x, const struct vrrpd_key *key, struct vrrpd_down *d)
{
	return bpf_map_lookup_elem(x->down_fd, key, d) ? -errno : 0;
}

void xdp_release(struct xdp_ctx *x, const struct vrrpd_key *key)
{
	bpf_map_delete_elem(x->cfg_fd, key);
	bpf_map_delete_elem(x->rx_fd, key);
	bpf_map_delete_elem(x->down_fd, key); /* cancels its timer */
	bpf_map_delete_elem(x->stats_fd, key);
	xdp_peers_set(x, key, NULL, 0);
	xdp_tracks_clear(x, key);
	xdp_unclaim(x, key);
}

static struct vrrpd_track_key xdp_track_key(const struct vrrpd_key *key, int kind, int i)
{
	return (struct vrrpd_track_key){ .key = *key,
					 .idx = (__u32)(kind * VRRPD_TRACK_PER_KIND + i) };
}

int xdp_track_set(struct xdp_ctx *x, const struct vrrpd_key *key, int kind, int i,
		  const struct vrrpd_track *t)
{
	struct vrrpd_track_key k = xdp_track_key(key, kind, i);

	if (!t)
		return bpf_map_delete_elem(x->track_fd, &k) && errno != ENOENT ? -errno : 0;
	return bpf_map_update_elem(x->track_fd, &k, t, BPF_ANY) ? -errno : 0;
}

void xdp_tracks_clear(struct xdp_ctx *x, const struct vrrpd_key *key)
{
	for (int kind = VRRPD_TK_INTERFACE; kind < VRRPD_TK_MAX; kind++)
		for (int i = 0; i < VRRPD_TRACK_PER_KIND; i++)
			xdp_track_set(x, key, kind, i, NULL);
}

int xdp_peers_set(struct xdp_ctx *x, const struct vrrpd_key *key, const uint32_t *addrs, int n)
{
	struct vrrpd_peer_key pk, next, gone[VRRPD_MAX_PEERS * 4];
	__u32 unused = 0;
	int i, ngone = 0;
	void *prev = NULL;

	/* Collected first: deleting while walking a hash map may restart the walk. */
	while (ngone < (int)(sizeof(gone) / sizeof(gone[0])) &&
	       !bpf_map_get_next_key(x->peer_fd, prev, &next)) {
		if (!memcmp(&next.key, key, sizeof(*key)))
			gone[ngone++] = next;
		pk = next;
		prev = &pk;
	}
	for (i = 0; i < ngone; i++)
		bpf_map_delete_elem(x->peer_fd, &gone[i]);
	for (i = 0; i < n; i++) {
		memset(&pk, 0, sizeof(pk));
		pk.key = *key;
		memcpy(pk.addr, &addrs[i], 4);
		if (bpf_map_update_elem(x->peer_fd, &pk, &unused, BPF_ANY))
			return -errno;
	}
	return 0;
}

int xdp_rx_init(struct xdp_ctx *x, const struct vrrpd_key *key)
{
	struct vrrpd_rx rx = {};

	/* A timer a vrrpd that died with this key left running goes with it. */
	bpf_map_delete_elem(x->down_fd, key);
	if (x->down_timer) {
		LIBBPF_OPTS(bpf_test_run_opts, run, .ctx_in = key, .ctx_size_in = sizeof(*key));

		/* Made now, in process context; if it fails, the fast path tries again. */
		bpf_prog_test_run_opts(bpf_program__fd(x->skel->progs.vrrpd_down_init), &run);
	}

	return bpf_map_update_elem(x->rx_fd, key, &rx, BPF_ANY) ? -errno : 0;
}

static struct vrrpd_vip_key xdp_vip_key(int ifindex, int family, const union vrrpd_addr *addr)
{
	struct vrrpd_vip_key vk = { .ifindex = (__u32)ifindex, .family = (__u8)family };

	/* The IPv4 key is the address and 12 zero bytes, as the XDP program builds it. */
	memcpy(vk.addr, addr->v6, sizeof(vk.addr));
	return vk;
}

int xdp_vip_set(struct xdp_ctx *x, int ifindex, int family, const union vrrpd_addr *addr,
		const struct vrrpd_key *key)
{
	struct vrrpd_vip_key vk = xdp_vip_key(ifindex, family, addr);

	return bpf_map_update_elem(x->vip_fd, &vk, key, BPF_ANY) ? -errno : 0;
}

int xdp_vip_owner(struct xdp_ctx *x, int ifindex, int family, const union vrrpd_addr *addr,
		  const struct vrrpd_key *key, struct vrrpd_key *other, uint32_t *owner)
{
	struct vrrpd_vip_key vk = xdp_vip_key(ifindex, family, addr);
	struct vrrpd_cfg cfg;

	if (bpf_map_lookup_elem(x->vip_fd, &vk, other) || !memcmp(other, key, sizeof(*key)))
		return 0;
	if (bpf_map_lookup_elem(x->cfg_fd, other, &cfg))
		return 0;
	*owner = cfg.owner_pid;
	return xdp_claimed(x, other);
}

void xdp_vip_del(struct xdp_ctx *x, int ifindex, int family, const union vrrpd_addr *addr)
{
	struct vrrpd_vip_key vk = xdp_vip_key(ifindex, family, addr);

	bpf_map_delete_elem(x->vip_fd, &vk);
}
