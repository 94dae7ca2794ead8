// SPDX-License-Identifier: GPL-2.0
/* The pin directory (pindir.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "pindir.h"
#include "vrrp_abi.h"

#ifndef BPF_FS_MAGIC
#define BPF_FS_MAGIC 0xcafe4a11
#endif

/* mkdir -p, for the pin directory (libbpf creates only the last level). */
int pindir_mkdir(const char *path)
{
	char tmp[256];
	char *p;

	if (snprintf(tmp, sizeof(tmp), "%s", path) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	for (p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, 0700) && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(tmp, 0700) && errno != EEXIST)
		return -errno;
	return 0;
}

/* The nearest existing ancestor of path must be on a bpffs. */
int pindir_bpffs(const char *path)
{
	char tmp[256];
	struct statfs st;
	char *slash;

	snprintf(tmp, sizeof(tmp), "%s", path);
	while (statfs(tmp, &st) != 0) {
		if (errno != ENOENT)
			return -errno;
		slash = strrchr(tmp, '/');
		if (!slash || slash == tmp)
			return -ENOENT;
		*slash = '\0';
	}
	return st.f_type == BPF_FS_MAGIC ? 0 : -ENOTDIR;
}

/*
 * Do types a (in BTF ba) and b (in bb) describe the same bytes: same kinds, sizes, member
 * names and offsets, array lengths, integer encodings, all the way down? Names of the types
 * themselves and typedefs or qualifiers in between do not matter.
 */
static bool btf_same(const struct btf *ba, __u32 a, const struct btf *bb, __u32 b, int depth)
{
	const struct btf_type *ta, *tb;
	int i, ra, rb;

	if (depth > 16)
		return false;
	/* Through typedefs and qualifiers to the type itself. */
	ra = btf__resolve_type(ba, a);
	rb = btf__resolve_type(bb, b);
	ta = ra < 0 ? NULL : btf__type_by_id(ba, (__u32)ra);
	tb = rb < 0 ? NULL : btf__type_by_id(bb, (__u32)rb);
	if (!ta || !tb || btf_kind(ta) != btf_kind(tb) || btf_vlen(ta) != btf_vlen(tb))
		return false;
	switch (btf_kind(ta)) {
	case BTF_KIND_INT: /* size, then encoding, bit offset and bits in one word */
		return ta->size == tb->size && *(const __u32 *)(ta + 1) == *(const __u32 *)(tb + 1);
	case BTF_KIND_ENUM:
		return ta->size == tb->size;
	case BTF_KIND_ARRAY: {
		const struct btf_array *aa = btf_array(ta), *ab = btf_array(tb);

		return aa->nelems == ab->nelems && btf_same(ba, aa->type, bb, ab->type, depth + 1);
	}
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION: {
		const struct btf_member *ma = btf_members(ta), *mb = btf_members(tb);

		if (ta->size != tb->size)
			return false;
		for (i = 0; i < btf_vlen(ta); i++, ma++, mb++)
			if (ma->offset != mb->offset ||
			    strcmp(btf__name_by_offset(ba, ma->name_off),
				   btf__name_by_offset(bb, mb->name_off)) ||
			    !btf_same(ba, ma->type, bb, mb->type, depth + 1))
				return false;
		return true;
	}
	default:
		return false;
	}
}

/*
 * vrrpd_stats grows at its end (vrrp_abi.h): two layouts agree when they are the same size,
 * both end in the spare slots, and the shorter list of counters is the start of the longer.
 */
static bool btf_counters_agree(const struct btf *ba, __u32 a, const struct btf *bb, __u32 b)
{
	const struct btf_type *ta = btf__type_by_id(ba, (__u32)btf__resolve_type(ba, a));
	const struct btf_type *tb = btf__type_by_id(bb, (__u32)btf__resolve_type(bb, b));
	const struct btf_member *ma, *mb;
	int i, n;

	if (!ta || !tb || !btf_is_struct(ta) || !btf_is_struct(tb) || ta->size != tb->size ||
	    !btf_vlen(ta) || !btf_vlen(tb))
		return false;
	ma = btf_members(ta);
	mb = btf_members(tb);
	if (strcmp(btf__name_by_offset(ba, ma[btf_vlen(ta) - 1].name_off), "spare") ||
	    strcmp(btf__name_by_offset(bb, mb[btf_vlen(tb) - 1].name_off), "spare"))
		return false;
	n = (btf_vlen(ta) < btf_vlen(tb) ? btf_vlen(ta) : btf_vlen(tb)) - 1;
	for (i = 0; i < n; i++)
		if (ma[i].offset != mb[i].offset ||
		    strcmp(btf__name_by_offset(ba, ma[i].name_off),
			   btf__name_by_offset(bb, mb[i].name_off)) ||
		    !btf_same(ba, ma[i].type, bb, mb[i].type, 1))
			return false;
	return true;
}

/*
 * A map pinned by an older (or newer) vrrpd with another layout would be reused by libbpf only
 * if its sizes happen to match, and then misread. Each pinned map must have this build's type,
 * sizes, flags and, when both carry BTF, the same key and value layout (vrrpd_stats: one that
 * agrees, btf_counters_agree).
 */
int pindir_check_maps(struct bpf_object *obj, const char *pin_dir, char *err, size_t errlen)
{
	const struct btf *ours = bpf_object__btf(obj);
	struct bpf_map_info info;
	struct bpf_map *map;
	const char *why;
	__u32 len;
	int fd;

	bpf_object__for_each_map(map, obj) {
		const char *path = bpf_map__pin_path(map);
		struct btf *theirs = NULL;

		if (!path || access(path, F_OK))
			continue;
		fd = bpf_obj_get(path);
		if (fd < 0) {
			snprintf(err, errlen, "cannot open the pinned map %s: %s", path,
				 strerror(errno));
			return -errno;
		}
		memset(&info, 0, sizeof(info));
		len = sizeof(info);
		why = NULL;
		if (bpf_obj_get_info_by_fd(fd, &info, &len))
			why = "unreadable";
		else if (info.type != bpf_map__type(map))
			why = "map type";
		else if (info.key_size != bpf_map__key_size(map))
			why = "key size";
		else if (info.value_size != bpf_map__value_size(map))
			why = "value size";
		else if (info.max_entries != bpf_map__max_entries(map))
			why = "number of entries";
		else if (info.map_flags != bpf_map__map_flags(map))
			why = "flags";
		else if (info.btf_id && ours && info.btf_value_type_id &&
			 bpf_map__btf_value_type_id(map)) {
			theirs = btf__load_from_kernel_by_id(info.btf_id);
			if (!theirs)
				why = "type information unreadable";
			else if (!btf_same(theirs, info.btf_key_type_id, ours,
					   bpf_map__btf_key_type_id(map), 0))
				why = "key layout";
			else if (!strcmp(bpf_map__name(map), VRRPD_MAP_STATS) ?
					 !btf_counters_agree(theirs, info.btf_value_type_id, ours,
							     bpf_map__btf_value_type_id(map)) :
					 !btf_same(theirs, info.btf_value_type_id, ours,
						   bpf_map__btf_value_type_id(map), 0))
				why = "value layout";
			btf__free(theirs);
		}
		close(fd);
		if (why) {
			snprintf(
				err, errlen,
				"pin directory %s was made by an incompatible vrrpd (%s of %s differs): stop the vrrpd processes that use it and remove it (rm -r %s), or use another --pin-dir",
				pin_dir, why, bpf_map__name(map), pin_dir);
			return -EEXIST;
		}
	}
	return 0;
}
