/* SPDX-License-Identifier: GPL-2.0 */
/* The one clock of vrrpd and atropos. */
#ifndef VRRPD_CLOCK_H
#define VRRPD_CLOCK_H

#include <stdint.h>
#include <time.h>

#define CLOCK_NS_PER_S 1000000000ull

/*
 * CLOCK_MONOTONIC in nanoseconds: the clock of bpf_ktime_get_ns(), so the XDP program's
 * timestamps (vrrpd_rx, leases, the kernel's Master_Down_Timer) compare with it directly.
 */
static inline uint64_t clock_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * CLOCK_NS_PER_S + (uint64_t)ts.tv_nsec;
}

#endif /* VRRPD_CLOCK_H */
