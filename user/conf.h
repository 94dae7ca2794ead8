/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The configuration file (vrrpd -c FILE): many instances in one process. Each instance is a
 * block holding its command line, the options vrrpd takes, on as many lines as one likes:
 *
 *	# defaults for every instance, and the process's --pin-dir and -f
 *	-d 0.1 --garp-refresh 60
 *	vrrp {
 *		-i eth0 -v 51 -p 200 -U /etc/vrrpd/up.sh
 *		10.16.1.200/24
 *	}
 *
 * Words are separated by blanks; '#' starts a comment where a word would start. The lines
 * outside the blocks come before each block's own, so a block may override them. Every option
 * keeps its command-line meaning and checks; an error names the file and the line.
 */
#ifndef VRRPD_CONF_H
#define VRRPD_CONF_H

#include <stddef.h>

#include "opts.h"

struct conf_inst {
	struct opts o;
	int line; /* of the block's "vrrp {" */
};

struct conf {
	int n;
	struct conf_inst *inst;
};

/*
 * Parses text (name: the file's name, for the messages). The process's own options of cmdline
 * (-f, --pin-dir, --foreground), when given there, win over the file's. Returns 0, or -EINVAL
 * with "NAME:LINE: message" in err (nothing to free then).
 */
int conf_parse(const char *text, const char *name, const struct opts *cmdline, struct conf *c,
	       char *err, size_t errlen);
/* The same from the file path; a file that cannot be read is an error too. */
int conf_load(const char *path, const struct opts *cmdline, struct conf *c, char *err,
	      size_t errlen);
void conf_free(struct conf *c);

#endif /* VRRPD_CONF_H */
