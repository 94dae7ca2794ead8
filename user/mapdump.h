/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reading a whole pinned hash map while its writers keep writing. Walking it key by key
 * (bpf_map_get_next_key) skips or repeats entries then: the kernel moves an updated entry to the
 * head of its bucket, so the walk loses its place among the entries that share the bucket (with
 * 255 instances advertising every 10 ms, vrrpd_cfg changes 25,000 times a second). A batch
 * lookup copies each bucket whole, under its lock: every entry exactly once.
 */
#ifndef VRRPD_MAPDUMP_H
#define VRRPD_MAPDUMP_H

#include <stddef.h>
#include <stdint.h>

/*
 * Every entry of the hash map fd (keys of ksz bytes, values of vsz): *keys and *vals become
 * arrays of *n entries (malloc'd, the caller frees them; NULL when *n is 0). A kernel without
 * batch lookups (before Linux 5.6) gets the walk key by key. 0 or -errno.
 */
int map_dump(int fd, size_t ksz, size_t vsz, void **keys, void **vals, uint32_t *n);

#endif /* VRRPD_MAPDUMP_H */
