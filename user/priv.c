// SPDX-License-Identifier: GPL-2.0
/* vrrpd's privileges (priv.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "priv.h"

/* Does the kernel know capability cap? PR_CAPBSET_READ says EINVAL for one it does not. */
static bool cap_known(int cap)
{
	return prctl(PR_CAPBSET_READ, cap) >= 0;
}

/*
 * Once set up, vrrpd keeps only what its work needs: CAP_NET_ADMIN (addresses, the macvlan, XDP
 * attach, sysctls), CAP_NET_RAW (the packet socket, reopened with the interface), CAP_BPF and
 * CAP_SYS_ADMIN (finding whose XDP program is attached: BPF_PROG_GET_FD_BY_ID wants the
 * latter). The bounding set stays whole: the scripts, run as root, get root's capabilities, as
 * with the original; but the execve() that starts one is vrrpd's, without the override of file
 * permissions (hook_check asks priv_access).
 */
int priv_drop(char *err, size_t errlen)
{
	static const int keep[] = { CAP_NET_ADMIN, CAP_NET_RAW, CAP_SYS_ADMIN, CAP_BPF };
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2] = { { 0 } };
	size_t i;

	for (i = 0; i < sizeof(keep) / sizeof(keep[0]); i++) {
		/* CAP_BPF (Linux 5.8) is refused by older kernels: they check CAP_SYS_ADMIN. */
		if (keep[i] == CAP_BPF && !cap_known(CAP_BPF))
			continue;
		data[keep[i] / 32].effective |= 1u << (keep[i] % 32);
		data[keep[i] / 32].permitted |= 1u << (keep[i] % 32);
	}
	if (syscall(SYS_capset, &hdr, data)) {
		snprintf(err, errlen, "cannot drop capabilities: %s", strerror(errno));
		return -errno;
	}
	return 0;
}

int priv_access(const char *path, int mode)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct now[2], without[2];
	int ret, err;

	if (syscall(SYS_capget, &hdr, now))
		return -errno;
	memcpy(without, now, sizeof(now));
	without[CAP_DAC_OVERRIDE / 32].effective &= ~(1u << (CAP_DAC_OVERRIDE % 32));
	without[CAP_DAC_READ_SEARCH / 32].effective &= ~(1u << (CAP_DAC_READ_SEARCH % 32));
	if (syscall(SYS_capset, &hdr, without))
		return -errno;
	/* AT_EACCESS: with the effective rights, the ones just lowered. */
	ret = faccessat(AT_FDCWD, path, mode, AT_EACCESS);
	err = errno;
	syscall(SYS_capset, &hdr, now);
	return ret ? -err : 0;
}
