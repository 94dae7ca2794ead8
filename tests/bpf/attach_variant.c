// SPDX-License-Identifier: GPL-2.0
/*
 * attach_variant OBJ PIN_DIR IFNAME: loads the program vrrpd_xdp of OBJ (another build of
 * bpf/vrrpd.bpf.c: build/tests/variant.bpf.o) with the maps pinned in PIN_DIR, attaches it to
 * IFNAME in place of the program there (same mode), and prints its id and tag. What a vrrpd of
 * another version leaves running on an interface (tests/netns/test_hardening.sh).
 */
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <linux/if_link.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

int main(int argc, char **argv)
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info), flags;
	struct bpf_program *prog;
	struct bpf_object *obj;
	int ifindex, fd, i;

	if (argc != 4) {
		fprintf(stderr, "usage: attach_variant OBJ PIN_DIR IFNAME\n");
		return 2;
	}
	LIBBPF_OPTS(bpf_object_open_opts, oo, .pin_root_path = argv[2]);
	LIBBPF_OPTS(bpf_xdp_query_opts, q);
	ifindex = (int)if_nametoindex(argv[3]);
	obj = bpf_object__open_file(argv[1], &oo);
	if (!ifindex || !obj) {
		fprintf(stderr, "attach_variant: no interface %s, or cannot open %s\n", argv[3],
			argv[1]);
		return 1;
	}
	bpf_object__for_each_program(prog, obj)
		bpf_program__set_autoload(prog, !strcmp(bpf_program__name(prog), "vrrpd_xdp"));
	prog = bpf_object__find_program_by_name(obj, "vrrpd_xdp");
	if (!prog || bpf_object__load(obj)) {
		fprintf(stderr, "attach_variant: cannot load vrrpd_xdp from %s\n", argv[1]);
		return 1;
	}
	fd = bpf_program__fd(prog);
	flags = bpf_xdp_query(ifindex, 0, &q) == 0 && q.attach_mode == XDP_ATTACHED_SKB ?
			XDP_FLAGS_SKB_MODE :
			XDP_FLAGS_DRV_MODE;
	if (bpf_xdp_attach(ifindex, fd, flags, NULL) || bpf_obj_get_info_by_fd(fd, &info, &len)) {
		fprintf(stderr, "attach_variant: cannot attach it to %s\n", argv[3]);
		return 1;
	}
	printf("%u ", info.id);
	for (i = 0; i < BPF_TAG_SIZE; i++)
		printf("%02x", info.tag[i]);
	printf("\n");
	return 0;
}
