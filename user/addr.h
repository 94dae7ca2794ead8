/* SPDX-License-Identifier: GPL-2.0 */
/* union vrrpd_addr (include/vrrp_abi.h) for the controller: compare, test, print. */
#ifndef VRRPD_ADDR_H
#define VRRPD_ADDR_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>

#include "vrrp_abi.h"

static inline union vrrpd_addr addr_v4(uint32_t v4)
{
	union vrrpd_addr a = { .v4 = v4 };

	return a;
}

static inline bool addr_eq(const union vrrpd_addr *a, const union vrrpd_addr *b)
{
	return !memcmp(a, b, sizeof(*a));
}

static inline bool addr_is_zero(const union vrrpd_addr *a)
{
	return !(a->w[0] | a->w[1] | a->w[2] | a->w[3]);
}

/* < 0, 0, > 0 as unsigned integers in network order (RFC 9568 6.4.3), either family. */
static inline int addr_cmp(const union vrrpd_addr *a, const union vrrpd_addr *b)
{
	return memcmp(a, b, sizeof(*a));
}

/* AF_INET or AF_INET6 text into buf (INET6_ADDRSTRLEN bytes); returns buf. */
static inline const char *addr_str(int family, const union vrrpd_addr *a, char *buf)
{
	if (!inet_ntop(family, family == AF_INET6 ? (const void *)a->v6 : (const void *)&a->v4, buf,
		       INET6_ADDRSTRLEN))
		snprintf(buf, INET6_ADDRSTRLEN, "?");
	return buf;
}

#endif /* VRRPD_ADDR_H */
