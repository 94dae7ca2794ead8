/* SPDX-License-Identifier: GPL-2.0 */
/* The pin directory: on a BPF filesystem, made, and holding only maps this build can use. */
#ifndef VRRPD_PINDIR_H
#define VRRPD_PINDIR_H

#include <stddef.h>

struct bpf_object;

/* mkdir -p (libbpf creates only the last level): 0 or -errno. */
int pindir_mkdir(const char *path);
/* 0 if path (or the directory it would be made in) is on a BPF filesystem, else -ENOTDIR. */
int pindir_bpffs(const char *path);
/*
 * A map pinned by an older (or newer) vrrpd with another layout would be reused by libbpf only
 * if its sizes happen to match, and then misread. Each map of obj already pinned in pin_dir
 * must have this build's type, sizes, flags and, when both carry BTF, the same key and value
 * layout (vrrpd_stats: one whose counters agree, vrrp_abi.h). 0, or -EEXIST with err saying
 * which map differs and what to do.
 */
int pindir_check_maps(struct bpf_object *obj, const char *pin_dir, char *err, size_t errlen);

#endif /* VRRPD_PINDIR_H */
