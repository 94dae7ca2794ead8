/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vrrpd's privileges: what it keeps once set up, and asking for access as the rights it runs
 * with then, not with root's override of file permissions it has while it starts.
 */
#ifndef VRRPD_PRIV_H
#define VRRPD_PRIV_H

#include <stddef.h>

/* Keeps only the capabilities the running daemon needs (priv.c says which); 0 or -errno. */
int priv_drop(char *err, size_t errlen);
/*
 * access(path, mode) as vrrpd will have it once set up: without CAP_DAC_OVERRIDE and
 * CAP_DAC_READ_SEARCH, whether or not it has them now. 0 or -errno (-EACCES: only the override
 * would allow it).
 */
int priv_access(const char *path, int mode);

#endif /* VRRPD_PRIV_H */
