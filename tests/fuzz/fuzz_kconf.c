// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for kconf_load() (user/kconf.c), vrrpd --keepalived FILE. The input is the
 * keepalived.conf's text, written to a file of its own (kconf reads files: includes are relative
 * to them).
 *
 * Properties, each aborting when violated:
 * - the result is 0 or a negative errno; on error the message is one line, not empty, and
 *   nothing is left allocated (c->inst NULL, n 0);
 * - on success there is at least one instance, each one complete as on the command line
 *   (interface, VRID 1..255, a VIP, an interval), with a name, and the notes are lines.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"
#include "kconf.h"

static char path[] = "/tmp/fuzz_kconf.XXXXXX";

static void remove_input(void)
{
	unlink(path);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct opts cmdline = { .run_dir = VRRPD_RUN_DIR_DFL,
					     .pin_dir = VRRPD_PIN_DIR_DFL };
	static int fd = -1;
	char err[512] = "", *notes = NULL;
	struct conf c;
	int ret;

	if (fd < 0 && (fd = mkstemp(path)) >= 0)
		atexit(remove_input);
	if (fd < 0 || ftruncate(fd, 0) || pwrite(fd, data, size, 0) != (ssize_t)size)
		return 0;
	ret = kconf_load(path, &cmdline, &c, &notes, err, sizeof(err));
	PROPERTY(ret <= 0);
	if (ret) {
		PROPERTY(err[0] && one_line(err));
		PROPERTY(!c.inst && !c.n && !notes);
		return 0;
	}
	PROPERTY(c.n >= 1 && c.inst && notes);
	for (int i = 0; i < c.n; i++) {
		const struct opts *o = &c.inst[i].o;

		PROPERTY(o->ifname[0] && o->vrid >= 1 && o->nvips >= 1 && o->adver_int_cs >= 1);
		PROPERTY(o->name[0] && !o->config[0]);
	}
	for (char *l = notes; *l; l++)
		PROPERTY(*l == '\n' || ((unsigned char)*l >= ' ' && *l != 0x7f));
	free(notes);
	conf_free(&c);
	return 0;
}
