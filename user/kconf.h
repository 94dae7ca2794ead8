/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vrrpd --keepalived FILE: the VRRP part of a keepalived.conf, translated into vrrpd's own
 * configuration file (conf.h) and read as that: every instance keeps the checks of the command
 * line. Each keepalived statement becomes one line of the translation, so that an error found
 * there names the keepalived file and line it came from. What has no VRRP meaning (the LVS
 * part, BFD, e-mail) is left out with a note; what has one that vrrpd cannot honour is refused,
 * never silently changed.
 */
#ifndef VRRPD_KCONF_H
#define VRRPD_KCONF_H

#include <stddef.h>

#include "conf.h"

struct kconf {
	char *text; /* the translation: a vrrpd -c file */
	char *notes; /* what was left out, a line each ("FILE:LINE: ..."), or "" */
	int nlines; /* of text */
	int *src_line; /* per line of text: the keepalived line (0: none) */
	const char **src_file; /* ... and its file */
	char **files; /* the files read (name, then includes), owned */
	int nfiles;
};

/* Translates the keepalived configuration at path (and its includes); 0, or -errno and err. */
int kconf_translate(const char *path, struct kconf *k, char *err, size_t errlen);
/*
 * The instances of the keepalived configuration at path, as conf_load's; notes (if not NULL)
 * gets the translation's notes (to free).
 */
int kconf_load(const char *path, const struct opts *cmdline, struct conf *c, char **notes,
	       char *err, size_t errlen);
void kconf_free(struct kconf *k);

#endif /* VRRPD_KCONF_H */
