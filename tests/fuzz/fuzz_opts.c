// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for opts_parse() (user/opts.c), vrrpd's command-line parser (the
 * configuration file's has its own, fuzz_conf.c).
 *
 * The input is the argument list after argv[0] = "vrrpd", words separated by NUL bytes as in
 * /proc/PID/cmdline, so that a word may hold any other byte (newlines included); a trailing NUL
 * ends the last word, two in a row give an empty word, and words past FUZZ_MAX_ARGS are dropped.
 * Each word is a heap block of its own and argv exactly argc + 1 pointers long, so that ASan sees
 * a read past either. opts_parse() resets getopt itself (optind = 0, glibc's full reset) and
 * neither prints nor exits: -h and -V only set show_help / show_version and stop parsing, so no
 * word needs to be kept from it.
 *
 * Properties, each aborting when violated:
 * - the result is 0 or -EINVAL, the same with a full, a tiny and no message buffer;
 * - on error the message is non-empty, NUL-terminated inside the buffer, one line (no control
 *   characters), and the tiny buffer holds its first bytes; on success it is empty;
 * - on success every field is in the range that opts.h and vrrpd(8) give it, and the options
 *   checked once all are known (opts_finish()) hold unless -h or -V stopped the parse early.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "opts.h"

#define FUZZ_MAX_ARGS 64
#define FUZZ_ERR_LEN 256
#define FUZZ_ERR_TINY 8
#define FUZZ_MONITOR_MAX 32 /* -M N: 1..32, as vrrpd(8) says */
#define GROUP_CHARS "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-"

static bool is_str(const char *s, size_t size)
{
	return memchr(s, '\0', size) != NULL;
}

static bool all_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

static void check_ifname(const char *s)
{
	PROPERTY(is_str(s, IF_NAMESIZE) && s[0]);
	PROPERTY(strcmp(s, ".") && strcmp(s, ".."));
	for (; *s; s++)
		PROPERTY(*s != '/' && *s != ':' && !isspace((unsigned char)*s));
}

static void check_path(const char *s, bool may_be_empty)
{
	PROPERTY(is_str(s, OPTS_PATH_MAX));
	PROPERTY(may_be_empty || s[0]);
}

static void check_vips(const struct opts *o)
{
	PROPERTY(o->nvips >= 0 && o->nvips <= OPTS_MAX_VIPS);
	for (int i = 0; i < o->nvips; i++) {
		uint32_t h = ntohl(o->vips[i].addr.v4);

		if (o->family == AF_INET6) {
			PROPERTY(o->vips[i].addr.v6[0] != 0xff);
			PROPERTY(o->vips[i].prefix_len >= 1 && o->vips[i].prefix_len <= 128);
		} else {
			PROPERTY(h && h != 0xffffffff && (h & 0xf0000000) != 0xe0000000);
			PROPERTY(!o->vips[i].addr.w[1] && !o->vips[i].addr.w[2] &&
				 !o->vips[i].addr.w[3]);
			PROPERTY(o->vips[i].prefix_len >= 1 && o->vips[i].prefix_len <= 32);
		}
		for (int j = 0; j < i; j++)
			PROPERTY(memcmp(&o->vips[j].addr, &o->vips[i].addr, 16));
	}
}

/* What every successful parse holds, -h and -V included: each option is checked as it comes. */
static void check_options(const struct opts *o)
{
	PROPERTY(o->priority >= 1);
	PROPERTY(o->version == 2 || o->version == 3);
	PROPERTY(o->csum_mode <= VRRPD_CSUM_LEGACY);
	if (o->auth_type == VRRP_AUTH_PASS) {
		size_t len = strnlen((const char *)o->auth_data, VRRP_V2_AUTH_LEN);

		/* RFC 2338 5.3.10: 1..8 characters, zero padded. */
		PROPERTY(len >= 1);
		PROPERTY(all_zero(o->auth_data + len, VRRP_V2_AUTH_LEN - len));
	} else {
		PROPERTY(o->auth_type == VRRP_AUTH_NONE);
		PROPERTY(all_zero(o->auth_data, VRRP_V2_AUTH_LEN));
	}
	PROPERTY(o->reduce_prio == -1 || (o->reduce_prio >= 1 && o->reduce_prio <= 255));
	PROPERTY(o->increase_prio == -1 || (o->increase_prio >= 1 && o->increase_prio <= 255));
	check_path(o->up_script, true);
	check_path(o->down_script, true);
	check_path(o->run_dir, false);
	check_path(o->pin_dir, false);
	PROPERTY(o->script_timeout_s >= 1 && o->script_timeout_s <= OPTS_SCRIPT_TIMEOUT_MAX_S);
	PROPERTY(o->monitor >= 0 && o->monitor <= FUZZ_MONITOR_MAX);
	PROPERTY(is_str(o->group, sizeof(o->group)));
	PROPERTY(strspn(o->group, GROUP_CHARS) == strlen(o->group));
	PROPERTY(o->garp_count >= 0 && o->garp_count <= OPTS_GARP_COUNT_MAX);
	PROPERTY(o->garp_interval_ms >= 1 && o->garp_interval_ms <= OPTS_GARP_INTERVAL_MAX_MS);
	PROPERTY(o->garp_refresh_s >= 0 && o->garp_refresh_s <= OPTS_GARP_REFRESH_MAX_S);
	PROPERTY(o->preempt_delay_s >= 0 && o->preempt_delay_s <= OPTS_PREEMPT_DELAY_MAX_S);
	PROPERTY(o->ntracks >= 0 && o->ntracks <= OPTS_MAX_TRACKS);
	for (int i = 0; i < o->ntracks; i++) {
		PROPERTY(o->tracks[i].ifname[0] && is_str(o->tracks[i].ifname, IF_NAMESIZE));
		PROPERTY(o->tracks[i].weight >= -254 && o->tracks[i].weight <= 254);
	}
	check_vips(o);
	if (o->ifname[0])
		check_ifname(o->ifname);
}

/* What opts_finish() adds once every option is known. */
static void check_finished(const struct opts *o)
{
	bool magic_is_vip = false;

	check_ifname(o->ifname);
	PROPERTY(o->vrid >= 1);
	if (o->version == 3) {
		/* RFC 9568 5.2.7: 12 bits of centiseconds. */
		PROPERTY(o->adver_int_cs >= 1 && o->adver_int_cs <= VRRP_V3_MAX_INT_CS);
		PROPERTY(o->auth_type == VRRP_AUTH_NONE);
	} else {
		/* RFC 3768 5.3.7: whole seconds, 1..255. */
		PROPERTY(o->adver_int_cs % 100 == 0);
		PROPERTY(o->adver_int_cs >= 100 && o->adver_int_cs <= 255 * 100);
		PROPERTY(o->csum_mode == VRRPD_CSUM_AUTO);
	}
	PROPERTY(o->nvips >= 1);
	PROPERTY(!o->group[0] || o->monitor);
	/* -I must name one of the VIPs (0.0.0.0 never is one: -I without -O is refused). */
	for (int i = 0; i < o->nvips; i++)
		magic_is_vip |= o->vips[i].addr.v4 == o->magic_src;
	PROPERTY(!o->magic_src || magic_is_vip);
	PROPERTY(!o->show_help && !o->show_version);
}

static int parse(struct opts *o, int argc, char **argv, char *err, size_t errlen)
{
	if (err)
		memset(err, 0xff, errlen); /* a missing terminator must show */
	return opts_parse(o, argc, argv, err, errlen);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *words[FUZZ_MAX_ARGS], **argv, err[FUZZ_ERR_LEN], tiny[FUZZ_ERR_TINY];
	int nwords = 0, argc, ret;
	size_t off = 0;
	struct opts o;

	while (off < size && nwords < FUZZ_MAX_ARGS) {
		const uint8_t *nul = memchr(data + off, '\0', size - off);
		size_t len = nul ? (size_t)(nul - data) - off : size - off;

		words[nwords] = strndup((const char *)data + off, len);
		PROPERTY(words[nwords]);
		nwords++;
		off += len + 1;
	}
	argc = nwords + 1;
	argv = calloc((size_t)argc + 1, sizeof(*argv));
	PROPERTY(argv);
	argv[0] = (char *)"vrrpd";
	memcpy(argv + 1, words, sizeof(*words) * (size_t)nwords);

	/*
	 * The smaller buffers first: the last parse, with the full one, leaves o for the checks.
	 * argv is not permuted ('-' leads the option string), so every parse sees the same.
	 */
	ret = parse(&o, argc, argv, NULL, 0);
	PROPERTY(parse(&o, argc, argv, tiny, sizeof(tiny)) == ret);
	PROPERTY(parse(&o, argc, argv, err, sizeof(err)) == ret);
	PROPERTY(ret == 0 || ret == -EINVAL);
	PROPERTY(is_str(err, sizeof(err)) && is_str(tiny, sizeof(tiny)));
	if (ret) {
		PROPERTY(err[0]);
		PROPERTY(one_line(err));
		PROPERTY(!strncmp(tiny, err, sizeof(tiny) - 1));
	} else {
		PROPERTY(!err[0] && !tiny[0]);
		check_options(&o);
		/*
		 * -h and -V end the parse early, unchecked. With -c the instances come from the
		 * file (fuzz_conf): none is on the line.
		 */
		if (!o.show_help && !o.show_version && o.config[0])
			PROPERTY(!o.ifname[0] && !o.nvips);
		else if (!o.show_help && !o.show_version)
			check_finished(&o);
	}

	free(argv);
	for (int i = 0; i < nwords; i++)
		free(words[i]);
	return 0;
}
