// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for conf_parse() (user/conf.c), the configuration file of vrrpd -c. The
 * input is the file's text (up to its first NUL byte, as conf_load() refuses a file with one).
 *
 * Properties, each aborting when violated:
 * - the result is 0 or -EINVAL; on error the message starts with the file's name and a colon,
 *   is one line, and nothing is left allocated (c->inst NULL, n 0);
 * - on success there is at least one instance, each one complete as on the command line
 *   (interface, VRID 1..255, a VIP, an interval), no two with the same VRID or a shared VIP on
 *   one interface, and all with the same run and pin directories.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "conf.h"

static void check_instances(const struct conf *c)
{
	PROPERTY(c->n >= 1 && c->n <= VRRPD_MAX_INSTANCES && c->inst);
	for (int i = 0; i < c->n; i++) {
		const struct opts *o = &c->inst[i].o;

		PROPERTY(o->ifname[0] && o->vrid >= 1 && o->nvips >= 1 && o->adver_int_cs >= 1);
		PROPERTY(!o->config[0] && !o->check_config && !o->show_help && !o->show_version);
		PROPERTY(!strcmp(o->run_dir, c->inst[0].o.run_dir));
		PROPERTY(!strcmp(o->pin_dir, c->inst[0].o.pin_dir));
		PROPERTY(c->inst[i].line >= 1);
		for (int j = 0; j < i; j++) {
			const struct opts *p = &c->inst[j].o;

			if (strcmp(o->ifname, p->ifname))
				continue;
			PROPERTY(o->vrid != p->vrid);
			for (int k = 0; k < o->nvips; k++)
				for (int l = 0; l < p->nvips; l++)
					PROPERTY(memcmp(&o->vips[k].addr, &p->vips[l].addr, 16));
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct opts cmdline = { .run_dir = VRRPD_RUN_DIR_DFL,
					     .pin_dir = VRRPD_PIN_DIR_DFL };
	char *text = malloc(size + 1), err[512];
	struct conf c;
	int ret;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	ret = conf_parse(text, "f.conf", &cmdline, &c, err, sizeof(err));
	PROPERTY(ret == 0 || ret == -EINVAL);
	if (ret) {
		PROPERTY(!strncmp(err, "f.conf:", 7));
		PROPERTY(one_line(err));
		PROPERTY(!c.inst && !c.n);
	} else {
		check_instances(&c);
		conf_free(&c);
	}
	free(text);
	return 0;
}
