// SPDX-License-Identifier: GPL-2.0
/*
 * The XDP program under BPF_PROG_TEST_RUN, set up the way user/xdp.c sets it up for a vrrpd
 * process, but with its maps pinned in a directory of our own so that a running vrrpd is left
 * alone. Shared by test_xdp (table-driven) and fuzz_xdp (differential).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <time.h>
#include <unistd.h>
#include <linux/bpf.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "vrrp_abi.h"
#include "vrrpd.skel.h"
#include "xdp_harness.h"

#ifndef BPF_FS_MAGIC
#define BPF_FS_MAGIC 0xcafe4a11
#endif

static int libbpf_quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_DEBUG)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

void harness_teardown(struct harness *h)
{
	struct dirent *de;
	DIR *d;

	if (h->rb)
		ring_buffer__free(h->rb);
	h->rb = NULL;
	if (h->skel) {
		uint32_t pid = (uint32_t)getpid();

		bpf_map_delete_elem(h->events_fd, &pid);
		bpf_object__unpin_maps(h->skel->obj, NULL);
		vrrpd_bpf__destroy(h->skel);
		h->skel = NULL;
	}
	if (h->ring_fd >= 0)
		close(h->ring_fd);
	h->ring_fd = -1;
	if (!h->made_dir)
		return;
	/* Whatever is still pinned there, then the directory. */
	d = opendir(h->pin_dir);
	if (d) {
		while ((de = readdir(d)))
			if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
				unlinkat(dirfd(d), de->d_name, 0);
		closedir(d);
	}
	if (rmdir(h->pin_dir))
		fprintf(stderr, "cannot remove %s: %s\n", h->pin_dir, strerror(errno));
	h->made_dir = false;
}

int harness_setup(struct harness *h, const char *name, uint32_t max_entries,
		  ring_buffer_sample_fn on_event, void *ctx, char *reason, size_t len)
{
	LIBBPF_OPTS(bpf_object_open_opts, oo);
	struct statfs st;
	uint32_t pid = (uint32_t)getpid();
	int ret;

	memset(h, 0, sizeof(*h));
	h->ring_fd = -1;
	/* The one reason to skip: BPF needs root, which CI and make check's bpf group have. */
	if (geteuid()) {
		snprintf(reason, len, "needs root (BPF, bpffs)");
		return 1;
	}
	/*
	 * A fresh host may have no bpffs at /sys/fs/bpf (it is systemd that mounts it, and the
	 * namespace tests that would mount it run later): mount it, as they do.
	 */
	if (statfs("/sys/fs/bpf", &st) || st.f_type != BPF_FS_MAGIC) {
		if (mount("bpf", "/sys/fs/bpf", "bpf", 0, "mode=0700")) {
			ret = -errno;
			snprintf(reason, len,
				 "/sys/fs/bpf is not a BPF filesystem and mounting one failed: %s",
				 strerror(-ret));
			return ret;
		}
	}
	snprintf(h->pin_dir, sizeof(h->pin_dir), "/sys/fs/bpf/vrrpd-%s-%u", name, pid);
	if (mkdir(h->pin_dir, 0700)) {
		ret = -errno;
		snprintf(reason, len, "cannot create %s: %s", h->pin_dir, strerror(-ret));
		return ret;
	}
	h->made_dir = true;

	libbpf_set_print(libbpf_quiet);
	oo.pin_root_path = h->pin_dir;
	h->skel = vrrpd_bpf__open_opts(&oo);
	if (!h->skel) {
		ret = -errno;
		snprintf(reason, len, "cannot open the skeleton: %s", strerror(-ret));
		return ret;
	}
	if (max_entries) {
		struct bpf_map *maps[] = { h->skel->maps.vrrpd_cfg, h->skel->maps.vrrpd_rx,
					   h->skel->maps.vrrpd_vip, h->skel->maps.vrrpd_stats };

		/* A hash map's batch lookup walks every bucket: fewer make it cheap. */
		for (size_t i = 0; i < sizeof(maps) / sizeof(maps[0]); i++)
			bpf_map__set_max_entries(maps[i], max_entries);
	}
	h->down_timer = libbpf_probe_bpf_helper(BPF_PROG_TYPE_XDP, BPF_FUNC_timer_init, NULL) == 1;
	h->skel->rodata->down_timer_on = h->down_timer;
	bpf_program__set_autoload(h->skel->progs.vrrpd_down_init, h->down_timer);
	ret = vrrpd_bpf__load(h->skel);
	if (ret) {
		snprintf(reason, len, "cannot load the XDP program: %s", strerror(-ret));
		return ret;
	}
	h->prog_fd = bpf_program__fd(h->skel->progs.vrrpd_xdp);
	h->cfg_fd = bpf_map__fd(h->skel->maps.vrrpd_cfg);
	h->rx_fd = bpf_map__fd(h->skel->maps.vrrpd_rx);
	h->stats_fd = bpf_map__fd(h->skel->maps.vrrpd_stats);
	h->events_fd = bpf_map__fd(h->skel->maps.vrrpd_events);
	h->vip_fd = bpf_map__fd(h->skel->maps.vrrpd_vip);
	h->peer_fd = bpf_map__fd(h->skel->maps.vrrpd_peer);
	h->down_fd = bpf_map__fd(h->skel->maps.vrrpd_down);
	h->ncpus = libbpf_num_possible_cpus();
	if (h->ncpus <= 0) {
		snprintf(reason, len, "cannot count the possible CPUs");
		return h->ncpus ? h->ncpus : -EINVAL;
	}

	h->ring_fd = bpf_map_create(BPF_MAP_TYPE_RINGBUF, "vrrpd_test_ring", 0, 0,
				    VRRPD_RINGBUF_BYTES, NULL);
	if (h->ring_fd < 0 || bpf_map_update_elem(h->events_fd, &pid, &h->ring_fd, BPF_ANY)) {
		ret = -errno;
		snprintf(reason, len, "cannot set up the ring buffer: %s", strerror(-ret));
		return ret;
	}
	h->rb = ring_buffer__new(h->ring_fd, on_event, ctx, NULL);
	if (!h->rb) {
		ret = -errno;
		snprintf(reason, len, "cannot open the ring buffer: %s", strerror(-ret));
		return ret;
	}
	return 0;
}

void harness_run(const struct harness *h, const uint8_t *frame, uint32_t len,
		 struct harness_out *out)
{
	struct xdp_md ctx = { .data = 0, .data_end = len, .ingress_ifindex = HARNESS_IFINDEX };
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = frame, .data_size_in = len,
		    .data_out = out->data, .data_size_out = sizeof(out->data), .ctx_in = &ctx,
		    .ctx_size_in = sizeof(ctx), .repeat = 1);

	out->err = bpf_prog_test_run_opts(h->prog_fd, &o) ? -errno : 0;
	out->verdict = o.retval;
	out->len = o.data_size_out;
}

void harness_map_clear(int fd)
{
	uint8_t key[64];

	while (bpf_map_get_next_key(fd, NULL, &key) == 0)
		if (bpf_map_delete_elem(fd, &key))
			break;
}

uint64_t harness_mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

int harness_on_event(void *ctx, void *data, size_t size)
{
	struct harness_events *e = ctx;

	if (size != sizeof(struct vrrpd_event))
		e->bad_size++;
	else if (e->n < (int)(sizeof(e->ev) / sizeof(e->ev[0])))
		memcpy(&e->ev[e->n], data, sizeof(e->ev[0]));
	e->n++;
	return 0;
}
