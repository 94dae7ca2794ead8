// SPDX-License-Identifier: GPL-2.0
/* Reading a whole pinned hash map consistently (mapdump.h). */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>

#include "mapdump.h"

/* The walk key by key, for kernels without batch lookups: may skip entries being updated. */
static int map_walk(int fd, size_t ksz, size_t vsz, uint32_t max, char *keys, char *vals,
		    uint32_t *n)
{
	uint32_t got = 0;
	void *prev = NULL;

	while (got < max && bpf_map_get_next_key(fd, prev, keys + got * ksz) == 0) {
		prev = keys + got * ksz;
		if (bpf_map_lookup_elem(fd, prev, vals + got * vsz) == 0)
			got++;
		else if (got > 0)
			prev = keys + (got - 1) * ksz; /* deleted meanwhile: go on from the last */
		else
			prev = NULL;
	}
	*n = got;
	return 0;
}

int map_dump(int fd, size_t ksz, size_t vsz, void **keys, void **vals, uint32_t *n)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info), count, got = 0;
	/* The batch position: a bucket number for hash maps (4 bytes); room for any. */
	uint64_t in_batch = 0, out_batch = 0;
	bool first = true;
	char *k, *v;
	int ret = 0;

	*keys = *vals = NULL;
	*n = 0;
	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		return -errno;
	if (info.key_size != ksz || info.value_size != vsz)
		return -EINVAL;
	if (!info.max_entries)
		return 0;
	k = calloc(info.max_entries, ksz);
	v = calloc(info.max_entries, vsz);
	if (!k || !v) {
		free(k);
		free(v);
		return -ENOMEM;
	}
	while (got < info.max_entries) {
		count = info.max_entries - got;
		if (bpf_map_lookup_batch(fd, first ? NULL : &in_batch, &out_batch, k + got * ksz,
					 v + got * vsz, &count, NULL)) {
			ret = -errno;
			if (ret == -ENOENT) { /* the end: count says how many came with it */
				got += count;
				ret = 0;
			} else if (first && (ret == -EINVAL || ret == -EOPNOTSUPP ||
					     ret == -524 /* ENOTSUPP */)) {
				ret = map_walk(fd, ksz, vsz, info.max_entries, k, v, &got);
			}
			break;
		}
		got += count;
		in_batch = out_batch;
		first = false;
	}
	if (ret || !got) {
		free(k);
		free(v);
		return ret;
	}
	*keys = k;
	*vals = v;
	*n = got;
	return 0;
}
