// SPDX-License-Identifier: GPL-2.0
/* opts_parse(): the original vrrpd command lines, the new options, and one row per misuse. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "check.h"
#include "opts.h"

#define MAX_ARGS 64

/* argv for opts_parse(): "vrrpd" then args split on spaces; the token '' is an empty string. */
struct argv_buf {
	char copy[1024];
	char *argv[MAX_ARGS + 2];
	int argc;
};

static void split_args(struct argv_buf *b, const char *args)
{
	char *save = NULL, *tok;

	snprintf(b->copy, sizeof(b->copy), "%s", args);
	b->argc = 0;
	b->argv[b->argc++] = (char *)"vrrpd";
	for (tok = strtok_r(b->copy, " ", &save); tok && b->argc <= MAX_ARGS;
	     tok = strtok_r(NULL, " ", &save)) {
		if (!strcmp(tok, "''"))
			tok[0] = '\0';
		b->argv[b->argc++] = tok;
	}
	b->argv[b->argc] = NULL;
}

static int parse(struct opts *o, const char *args, char *err, size_t errlen)
{
	struct argv_buf b;

	split_args(&b, args);
	return opts_parse(o, b.argc, b.argv, err, errlen);
}

static uint32_t ip(const char *s)
{
	struct in_addr a;

	if (inet_pton(AF_INET, s, &a) != 1)
		abort();
	return a.s_addr;
}

/* Parses args expecting success; reports the message otherwise. */
static int parse_ok(struct opts *o, const char *args)
{
	char err[256];
	int ret = parse(o, args, err, sizeof(err));

	if (ret)
		fprintf(stderr, "  '%s': %d: %s\n", args, ret, err);
	return ret;
}

struct misuse {
	const char *name;
	const char *args;
	const char *want; /* substring of the message */
};

static const struct misuse misuses[] = {
	{ "unknown_long", "-i eth0 -v 1 --foo 10.0.0.1", "unknown option '--foo'" },
	{ "unknown_long_value", "-i eth0 -v 1 --foo=bar 10.0.0.1", "unknown option '--foo'" },
	{ "unknown_short", "-i eth0 -v 1 -q 10.0.0.1", "unknown option '-q'" },
	{ "unknown_short_in_cluster", "--foreground -qs -i eth0 -v 1 10.0.0.1",
	  "unknown option '-q'" },
	{ "ambiguous_long", "-i eth0 --v 1 10.0.0.1", "ambiguous option '--v'" },
	{ "long_takes_no_argument", "-i eth0 -v 1 --foreground=yes 10.0.0.1",
	  "option '--foreground' takes no argument" },
	{ "vrid_0", "-i eth0 -v 0 10.0.0.1", "invalid VRID '0' for -v: must be 1..255" },
	{ "notify_quote_open", "-i eth0 -v 1 --notify-backup 'x.sh 10.0.0.1",
	  "invalid --notify-backup ''x.sh': a quote is not closed" },
	{ "notify_empty", "-i eth0 -v 1 --notify '' 10.0.0.1",
	  "invalid --notify '': a command, then its arguments" },
	{ "track_script_quote_open", "-i eth0 -v 1 --track-script \"x.sh:-5 10.0.0.1",
	  "invalid --track-script '\"x.sh': a quote is not closed" },
	{ "vrid_256", "-i eth0 -v 256 10.0.0.1", "invalid VRID '256' for -v: must be 1..255" },
	{ "vrid_abc", "-i eth0 -v abc 10.0.0.1", "invalid VRID 'abc' for -v" },
	{ "vrid_trailing", "-i eth0 -v 51x 10.0.0.1", "invalid VRID '51x' for -v" },
	{ "vrid_empty", "-i eth0 -v '' 10.0.0.1", "invalid VRID '' for -v" },
	{ "vrid_negative", "-i eth0 -v -1 10.0.0.1", "invalid VRID '-1' for -v" },
	{ "vrid_plus", "-i eth0 -v +5 10.0.0.1", "invalid VRID '+5' for -v" },
	{ "vrid_huge", "-i eth0 -v 99999999999999999999 10.0.0.1",
	  "invalid VRID '99999999999999999999' for -v" },
	{ "prio_0", "-i eth0 -v 1 -p 0 10.0.0.1",
	  "invalid priority '0' for -p: must be 1..255 (0 is reserved for a resigning master)" },
	{ "prio_256", "-i eth0 -v 1 -p 256 10.0.0.1",
	  "invalid priority '256' for -p: must be 1..255" },
	{ "reduce_prio_0", "-i eth0 -v 1 -z 0 10.0.0.1", "invalid priority '0' for -z" },
	{ "increase_prio_300", "-i eth0 -v 1 -x 300 10.0.0.1", "invalid priority '300' for -x" },
	{ "interval_0", "-i eth0 -v 1 -d 0 10.0.0.1", "invalid interval '0' for -d" },
	{ "interval_0_00", "-i eth0 -v 1 -d 0.00 10.0.0.1", "invalid interval '0.00' for -d" },
	{ "interval_0_015", "-i eth0 -v 1 -d 0.015 10.0.0.1",
	  "invalid interval '0.015' for -d: the resolution is 0.01 s" },
	{ "interval_abc", "-i eth0 -v 1 -d 1s 10.0.0.1", "invalid interval '1s' for -d" },
	{ "interval_dot", "-i eth0 -v 1 -d 1. 10.0.0.1", "invalid interval '1.' for -d" },
	{ "interval_v3_too_long", "-i eth0 -v 1 -d 40.96 10.0.0.1",
	  "invalid interval '40.96' for -d: must be 0.01..40.95 s" },
	{ "interval_v2_fraction", "-i eth0 -v 1 -d 1.5 --vrrp-version 2 10.0.0.1",
	  "invalid interval '1.5' for -d: VRRPv2 takes whole seconds 1..255" },
	{ "interval_v2_256", "--vrrp-version 2 -i eth0 -v 1 -d 256 10.0.0.1",
	  "invalid interval '256' for -d: VRRPv2" },
	{ "vip_bad_octet", "-i eth0 -v 1 10.0.0.300", "invalid virtual IP address '10.0.0.300'" },
	{ "vip_short_form", "-i eth0 -v 1 10.1", "invalid virtual IP address '10.1'" },
	{ "vip_prefix_33", "-i eth0 -v 1 10.0.0.1/33",
	  "invalid prefix length '33' in virtual IP address '10.0.0.1/33': must be 1..32" },
	{ "vip_prefix_0", "-i eth0 -v 1 10.0.0.1/0", "invalid prefix length '0'" },
	{ "vip_prefix_empty", "-i eth0 -v 1 10.0.0.1/", "invalid prefix length ''" },
	{ "vip_zero", "-i eth0 -v 1 0.0.0.0", "invalid virtual IP address '0.0.0.0'" },
	{ "vip_multicast", "-i eth0 -v 1 224.0.0.18",
	  "invalid virtual IP address '224.0.0.18': multicast" },
	{ "vip_broadcast", "-i eth0 -v 1 255.255.255.255",
	  "invalid virtual IP address '255.255.255.255': broadcast" },
	{ "vip_duplicate", "-i eth0 -v 1 10.0.0.1 10.0.0.2 10.0.0.1/24",
	  "duplicate virtual IP address '10.0.0.1/24'" },
	{ "no_vip", "-i eth0 -v 1", "no virtual IP address given" },
	{ "missing_iface", "-v 1 10.0.0.1", "missing interface: use -i IFACE" },
	{ "missing_vrid", "-i eth0 10.0.0.1", "missing VRID: use -v VRID" },
	{ "iface_too_long", "-i abcdefghijklmnop -v 1 10.0.0.1", "interface name too long" },
	{ "iface_empty", "-i '' -v 1 10.0.0.1", "invalid interface name '' for -i" },
	{ "iface_slash", "-i a/b -v 1 10.0.0.1", "invalid interface name 'a/b' for -i" },
	/* Control characters in an argument show as '?': the message stays one line (fuzz_opts). */
	{ "iface_newline", "-i a\nb -v 1 10.0.0.1",
	  "invalid interface name 'a?b' for -i: '\\x0a' is not allowed" },
	{ "iface_tab", "-i a\tb -v 1 10.0.0.1",
	  "invalid interface name 'a?b' for -i: '\\x09' is not allowed" },
	{ "iface_long_control", "-i eth0\004\17710.16.1.200 -v 1 10.0.0.1",
	  "interface name too long: 'eth0??10.16.1.200' for -i" },
	{ "vrid_escape", "-i eth0 -v 5\x1b[2J 10.0.0.1", "invalid VRID '5?[2J' for -v" },
	{ "track_bad_weight", "-i eth0 -v 1 --track eth1:x 10.0.0.1",
	  "invalid weight in 'eth1:x' for --track: must be -254..254" },
	{ "track_weight_255", "-i eth0 -v 1 --track eth1:255 10.0.0.1",
	  "invalid weight in 'eth1:255' for --track" },
	{ "track_empty", "-i eth0 -v 1 --track :5 10.0.0.1", "invalid interface ':5' for --track" },
	{ "track_twice", "-i eth0 -v 1 --track eth1 --track eth1:-5 10.0.0.1",
	  "--track 'eth1' given twice" },
	{ "track_owner_weight", "-i eth0 -v 1 -p 255 --track eth1:-5 10.0.0.1",
	  "--track eth1:-5: the owner's priority (255) is fixed" },
	{ "track_too_many",
	  "-i eth0 -v 1 --track a --track b --track c --track d --track e --track f --track g "
	  "--track h --track i 10.0.0.1",
	  "too many --track: at most 8" },
	{ "config_with_iface", "-c /etc/vrrpd.conf -i eth0",
	  "'-i' describes an instance: with -c FILE the instances are in FILE" },
	{ "config_with_vip", "10.0.0.1 -c /etc/vrrpd.conf",
	  "'10.0.0.1' describes an instance: with -c FILE the instances are in FILE" },
	{ "config_with_priority_attached", "-c /etc/vrrpd.conf -p200",
	  "'-p200' describes an instance" },
	{ "test_without_config", "-t", "-t checks a configuration file: give it with -c FILE" },
	{ "print_conf_without_keepalived", "--print-conf -c /etc/vrrpd.conf",
	  "--print-conf prints a keepalived.conf as vrrpd's: give it with --keepalived FILE" },
	{ "config_empty", "-c ''", "invalid configuration file '' for -c: empty" },
	{ "auth_in_v3", "-i eth0 -v 1 -a pw/secret 10.0.0.1",
	  "-a needs --vrrp-version 2 (VRRPv3 has no authentication)" },
	{ "auth_password_too_long", "--vrrp-version 2 -i eth0 -v 1 -a pw/123456789 10.0.0.1",
	  "invalid password for -a: 9 characters, must be 1..8" },
	{ "auth_password_empty", "--vrrp-version 2 -i eth0 -v 1 -a pw/ 10.0.0.1",
	  "invalid password for -a: 0 characters" },
	{ "auth_unknown_type", "--vrrp-version 2 -i eth0 -v 1 -a ah/x 10.0.0.1",
	  "invalid authentication 'ah/x' for -a" },
	{ "magic_I_without_O", "-i eth0 -v 1 -I 10.0.0.1 10.0.0.1",
	  "needs both -I SRC and -O DST" },
	{ "magic_O_without_I", "-i eth0 -v 1 -O 10.0.0.254 10.0.0.1", "got only -O '10.0.0.254'" },
	{ "magic_bad_ip", "-i eth0 -v 1 -I 10.0.0.x -O 10.0.0.254 10.0.0.1",
	  "invalid IPv4 address '10.0.0.x' for -I" },
	{ "magic_src_not_a_vip", "-i eth0 -v 1 -I 10.0.0.2 -O 10.0.0.254 10.0.0.1",
	  "the magic packet source '10.0.0.2' for -I must be one of the virtual IPs" },
	{ "garp_count_big", "-i eth0 -v 1 --garp-count 101 10.0.0.1",
	  "invalid count '101' for --garp-count: must be 0..100" },
	{ "garp_count_negative", "-i eth0 -v 1 --garp-count -1 10.0.0.1",
	  "invalid count '-1' for --garp-count" },
	{ "garp_interval_zero", "-i eth0 -v 1 --garp-interval 0 10.0.0.1",
	  "invalid interval '0' for --garp-interval: must be 1..10000 ms" },
	{ "garp_interval_unit", "-i eth0 -v 1 --garp-interval 100ms 10.0.0.1",
	  "invalid interval '100ms' for --garp-interval" },
	{ "garp_refresh_big", "-i eth0 -v 1 --garp-refresh 86401 10.0.0.1",
	  "invalid period '86401' for --garp-refresh: must be 0 (off) or 1..86400 s" },
	{ "rt_priority_big", "-i eth0 -v 1 --rt-priority 100 10.0.0.1",
	  "invalid priority '100' for --rt-priority: must be 0 (off) or 1..99" },
	{ "rt_priority_negative", "-i eth0 -v 1 --rt-priority -1 10.0.0.1",
	  "invalid priority '-1' for --rt-priority" },
	{ "script_timeout_zero", "-i eth0 -v 1 --script-timeout 0 10.0.0.1",
	  "invalid timeout '0' for --script-timeout: must be 1..3600 s" },
	{ "peer_bad", "-i eth0 -v 1 --peer 10.0.0 10.0.0.1",
	  "invalid address '10.0.0' for --peer: expected A.B.C.D" },
	{ "peer_multicast", "-i eth0 -v 1 --peer 224.0.0.18 10.0.0.1",
	  "invalid address '224.0.0.18' for --peer: a peer's own unicast address" },
	{ "peer_loopback", "-i eth0 -v 1 --peer 127.0.0.1 10.0.0.1",
	  "invalid address '127.0.0.1' for --peer" },
	{ "peer_duplicate", "-i eth0 -v 1 --peer 10.0.0.2 --peer 10.0.0.2 10.0.0.1",
	  "duplicate --peer '10.0.0.2'" },
	{ "peer_too_many",
	  "-i eth0 -v 1 --peer 10.0.0.2 --peer 10.0.0.3 --peer 10.0.0.4 --peer 10.0.0.5 "
	  "--peer 10.0.0.6 --peer 10.0.0.7 --peer 10.0.0.8 --peer 10.0.0.9 --peer 10.0.0.10 "
	  "10.0.0.1",
	  "too many peers at --peer '10.0.0.10': at most 8" },
	{ "peer_is_vip", "-i eth0 -v 1 --peer 10.0.0.1 10.0.0.1",
	  "--peer 10.0.0.1 is one of the virtual IPs: give the peers' own addresses" },
	{ "ipv6_mixed", "-i eth0 -v 1 fe80::1 10.0.0.1",
	  "virtual IP address '10.0.0.1' is IPv4, the ones before it IPv6: one family per instance" },
	{ "ipv6_v2", "-i eth0 -v 1 --vrrp-version 2 fe80::1",
	  "IPv6 virtual addresses need VRRPv3 (VRRPv2 is IPv4 only, RFC 3768)" },
	{ "ipv6_no_link_local", "-i eth0 -v 1 2001:db8::1",
	  "an IPv6 instance needs a link-local virtual address (fe80::/10), advertised first" },
	{ "ipv6_prefix_129", "-i eth0 -v 1 fe80::1/129",
	  "invalid prefix length '129' in virtual IP address 'fe80::1/129': must be 1..128" },
	{ "ipv6_multicast", "-i eth0 -v 1 ff02::1",
	  "invalid virtual IP address 'ff02::1': multicast" },
	{ "ipv6_loopback", "-i eth0 -v 1 ::1", "invalid virtual IP address '::1': loopback" },
	{ "ipv6_unspecified", "-i eth0 -v 1 ::", "invalid virtual IP address '::': ::" },
	{ "ipv6_bad", "-i eth0 -v 1 fe80::g",
	  "invalid virtual IP address 'fe80::g': expected A.B.C.D[/LEN] or an IPv6 address[/LEN]" },
	{ "ipv6_duplicate", "-i eth0 -v 1 fe80::1 FE80::0001",
	  "duplicate virtual IP address 'FE80::0001'" },
	{ "ipv6_peer", "-i eth0 -v 1 --peer 10.0.0.2 fe80::1",
	  "--peer takes IPv4 peers: unicast IPv6 is not supported" },
	{ "ipv6_magic", "-i eth0 -v 1 -I 10.0.0.1 -O 10.0.0.254 fe80::1",
	  "the magic packet (-I, -O) is IPv4's: not with IPv6 addresses" },
	{ "no_accept_without_vmac", "-i eth0 -v 1 -n --no-accept 10.0.0.1",
	  "--no-accept needs the VMAC: it drops what comes to a VIP at the VMAC (remove -n)" },
	{ "track_process_count_0", "-i eth0 -v 1 --track-process bird::0 10.0.0.1",
	  "invalid count in 'bird::0' for --track-process: must be 1..64" },
	{ "track_process_weight", "-i eth0 -v 1 --track-process bird:300 10.0.0.1",
	  "invalid weight in 'bird:300' for --track-process: must be -254..254" },
	{ "track_process_slash", "-i eth0 -v 1 --track-process /usr/sbin/bird 10.0.0.1",
	  "invalid process name in '/usr/sbin/bird' for --track-process" },
	{ "track_process_owner_weight", "-i eth0 -v 1 -p 255 --track-process bird:-5 10.0.0.1",
	  "--track-process bird: the owner's priority (255) is fixed" },
	{ "name_blank", "-i eth0 -v 1 --name a\"b 10.0.0.1",
	  "invalid name 'a\"b' for --name: 1..63 letters, digits" },
	{ "name_empty", "-i eth0 -v 1 --name '' 10.0.0.1", "invalid name '' for --name" },
	{ "group_without_M", "-i eth0 -v 1 --group lan 10.0.0.1",
	  "--group 'lan' needs -M N (the group's size)" },
	{ "group_name_long", "-i eth0 -v 1 -M 2 --group abcdefghijklmnop 10.0.0.1",
	  "invalid group name 'abcdefghijklmnop' for --group: 1..15 letters" },
	{ "group_name_slash", "-i eth0 -v 1 -M 2 --group a/b 10.0.0.1",
	  "invalid group name 'a/b' for --group" },
	{ "checksum_in_v2", "-i eth0 -v 1 --checksum legacy --vrrp-version 2 10.0.0.1",
	  "--checksum 'legacy' needs --vrrp-version 3" },
	{ "checksum_bad", "-i eth0 -v 1 --checksum crc 10.0.0.1",
	  "invalid checksum mode 'crc' for --checksum" },
	{ "version_4", "-i eth0 -v 1 --vrrp-version 4 10.0.0.1",
	  "invalid version '4' for --vrrp-version: must be 2 or 3" },
	{ "monitor_0", "-i eth0 -v 1 -M 0 10.0.0.1",
	  "invalid group size '0' for -M: must be 1..32" },
	{ "monitor_33", "-i eth0 -v 1 -M 33 10.0.0.1", "invalid group size '33' for -M" },
	{ "missing_arg_short", "-i eth0 10.0.0.1 -v", "option '-v' needs an argument" },
	{ "missing_arg_cluster", "-i eth0 10.0.0.1 -snv", "option '-v' needs an argument" },
	{ "missing_arg_long", "-i eth0 10.0.0.1 --vrid", "option '--vrid' needs an argument" },
	{ "missing_arg_long_only", "-i eth0 -v 1 10.0.0.1 --pin-dir",
	  "option '--pin-dir' needs an argument" },
	{ "script_empty", "-i eth0 -v 1 -U '' 10.0.0.1", "invalid script path '' for -U" },
	{ "vip_after_double_dash", "-i eth0 -v 1 -- 10.0.0.1 -x",
	  "invalid virtual IP address '-x'" },
};

/* One line per row, counted by the runner like RUN()'s. */
static void test_misuse(void)
{
	for (size_t i = 0; i < sizeof(misuses) / sizeof(misuses[0]); i++) {
		const struct misuse *m = &misuses[i];
		struct opts o;
		char err[256] = "";
		int ret;

		check_failed_case = 0;
		ret = parse(&o, m->args, err, sizeof(err));
		CHECK_EQ(ret, -EINVAL);
		if (!strstr(err, m->want)) {
			fprintf(stderr, "  '%s': got \"%s\", want \"%s\"\n", m->args, err, m->want);
			check_failed_case++;
		}
		if (strchr(err, '\n')) {
			fprintf(stderr, "  '%s': newline in \"%s\"\n", m->args, err);
			check_failed_case++;
		}
		if (check_failed_case) {
			printf("not ok misuse_%s\n", m->name);
			check_failures++;
		} else {
			printf("ok misuse_%s\n", m->name);
		}
		fflush(stdout);
	}
	check_failed_case = 0;
}

/* The original vrrpd README's first command line, unchanged. */
static void test_original_cmdline(void)
{
	struct opts o;
	static const uint8_t zero[VRRP_V2_AUTH_LEN];

	CHECK_EQ(parse_ok(&o, "-i eth0 10.16.1.200 -v 51 -M 2 -U /etc/scripts/MASTER.sh "
			      "-D /etc/scripts/DOWN.sh"),
		 0);
	CHECK(!strcmp(o.ifname, "eth0"));
	CHECK_EQ(o.vrid, 51);
	CHECK_EQ(o.priority, VRRP_PRIO_DFL);
	CHECK_EQ(o.adver_int_cs, 100);
	CHECK(o.preempt);
	CHECK(o.vmac);
	CHECK_EQ(o.version, 3);
	CHECK_EQ(o.csum_mode, VRRPD_CSUM_AUTO);
	CHECK_EQ(o.auth_type, VRRP_AUTH_NONE);
	CHECK_MEM(o.auth_data, zero, sizeof(zero));
	CHECK_EQ(o.reduce_prio, -1);
	CHECK_EQ(o.increase_prio, -1);
	CHECK(!strcmp(o.up_script, "/etc/scripts/MASTER.sh"));
	CHECK(!strcmp(o.down_script, "/etc/scripts/DOWN.sh"));
	CHECK_EQ(o.monitor, 2);
	CHECK_EQ(o.magic_src, 0);
	CHECK_EQ(o.magic_dst, 0);
	CHECK_EQ(o.garp_count, 5);
	CHECK_EQ(o.garp_interval_ms, 100);
	CHECK_EQ(o.garp_refresh_s, 0);
	CHECK_EQ(o.script_timeout_s, 60);
	CHECK(!strcmp(o.run_dir, "/run/vrrpd"));
	CHECK(!strcmp(o.pin_dir, VRRPD_PIN_DIR_DFL));
	CHECK(!o.foreground);
	CHECK(!o.owner_drop);
	CHECK(!o.pass_adverts); /* valid adverts end in the XDP program */
	CHECK(!o.no_accept); /* CONFORMANCE.md D2: accept, as keepalived and FRR */
	CHECK_EQ(o.npeers, 0); /* multicast */
	CHECK_EQ(o.nvips, 1);
	CHECK_EQ(o.vips[0].addr.v4, ip("10.16.1.200"));
	CHECK_EQ(o.vips[0].prefix_len, 32);
	CHECK(!o.show_version);
	CHECK(!o.show_help);
}

static void test_original_cmdline_second(void)
{
	struct opts o;

	CHECK_EQ(parse_ok(&o, "-i eth1 10.17.1.200 -v 52 -M 2 -U /etc/scripts/MASTER.sh "
			      "-D /etc/scripts/DOWN.sh"),
		 0);
	CHECK(!strcmp(o.ifname, "eth1"));
	CHECK_EQ(o.vrid, 52);
	CHECK_EQ(o.nvips, 1);
	CHECK_EQ(o.vips[0].addr.v4, ip("10.17.1.200"));
}

static void test_owner_fast_two_vips(void)
{
	struct opts o;

	CHECK_EQ(parse_ok(&o, "-i eth0 -v 7 -p 255 -d 0.01 -s -n 10.0.0.1/24 10.0.0.2"), 0);
	CHECK(!strcmp(o.ifname, "eth0"));
	CHECK_EQ(o.vrid, 7);
	CHECK_EQ(o.priority, 255);
	CHECK_EQ(o.adver_int_cs, 1);
	CHECK(!o.preempt);
	CHECK(!o.vmac);
	CHECK_EQ(o.version, 3);
	CHECK_EQ(o.nvips, 2);
	CHECK_EQ(o.vips[0].addr.v4, ip("10.0.0.1"));
	CHECK_EQ(o.vips[0].prefix_len, 24);
	CHECK_EQ(o.vips[1].addr.v4, ip("10.0.0.2"));
	CHECK_EQ(o.vips[1].prefix_len, 32);
}

static void test_v2_password(void)
{
	struct opts o;
	static const uint8_t want[VRRP_V2_AUTH_LEN] = { 's', 'e', 'c', 'r', 'e', 't', 0, 0 };

	CHECK_EQ(parse_ok(&o, "--vrrp-version 2 -a pw/secret -i eth0 -v 1 -d 3 10.1.1.1"), 0);
	CHECK_EQ(o.version, 2);
	CHECK_EQ(o.auth_type, VRRP_AUTH_PASS);
	CHECK_MEM(o.auth_data, want, sizeof(want));
	CHECK_EQ(o.adver_int_cs, 300);
	CHECK_EQ(o.vrid, 1);
	CHECK_EQ(o.nvips, 1);
	CHECK_EQ(o.vips[0].addr.v4, ip("10.1.1.1"));
}

/* Eight characters fill auth_data without a terminator; --vrrp-version may come last. */
static void test_v2_password_8_version_last(void)
{
	struct opts o;

	CHECK_EQ(parse_ok(&o, "-i eth0 -v 1 -a pw/12345678 -d 255 10.1.1.1 --vrrp-version 2"), 0);
	CHECK_EQ(o.auth_type, VRRP_AUTH_PASS);
	CHECK_MEM(o.auth_data, "12345678", 8);
	CHECK_EQ(o.adver_int_cs, 25500);
}

/* "-a none" says what VRRPv3 does anyway: accepted in both versions. */
static void test_auth_none(void)
{
	struct opts o;

	CHECK_EQ(parse_ok(&o, "-i eth0 -v 1 -a none 10.1.1.1"), 0);
	CHECK_EQ(o.auth_type, VRRP_AUTH_NONE);
	CHECK_EQ(parse_ok(&o, "--vrrp-version 2 -i eth0 -v 1 -a pw/x -a none 10.1.1.1"), 0);
	CHECK_EQ(o.auth_type, VRRP_AUTH_NONE);
	CHECK_EQ(o.auth_data[0], 0);
}

static void test_intervals(void)
{
	struct opts o;

	CHECK_EQ(parse_ok(&o, "-i eth0 -v 1 -d 1.5 10.1.1.1"), 0);
	CHECK_EQ(o.adver_int_cs, 150);
	CHECK_EQ(parse_ok(&o, "-i eth0 -v 1 -d 0.5 10.1.1.1"), 0);
	CHECK_EQ(o.adver_int_cs, 50);
	CHECK_EQ(parse_ok(&o, "-i eth0 -v 1 -d 1.500 10.1.1.1"), 0);
	CHECK_EQ(o.adver_int_cs, 150);
	CHECK_EQ(parse_ok(&o, "-i eth0 -v 1 -d 40.95 10.1.1.1"), 0);
	CHECK_EQ(o.adver_int_cs, 4095);
	CHECK_EQ(parse_ok(&o, "-i eth0 -v 1 --interval 2 10.1.1.1"), 0);
	CHECK_EQ(o.adver_int_cs, 200);
	CHECK_EQ(parse_ok(&o, "--vrrp-version 2 -i eth0 -v 1 -d 1.0 10.1.1.1"), 0);
	CHECK_EQ(o.adver_int_cs, 100);
	CHECK_EQ(parse_ok(&o, "--vrrp-version 2 -i eth0 -v 1 10.1.1.1"), 0);
	CHECK_EQ(o.adver_int_cs, 100);
}

static void test_dirs_foreground(void)
{
	struct opts o;

	CHECK_EQ(parse_ok(&o, "--pin-dir /sys/fs/bpf/test -f /tmp/vrrpd-run --foreground -i eth0 "
			      "-v 9 10.2.2.2"),
		 0);
	CHECK(!strcmp(o.pin_dir, "/sys/fs/bpf/test"));
	CHECK(!strcmp(o.run_dir, "/tmp/vrrpd-run"));
	CHECK(o.foreground);
	CHECK_EQ(parse_ok(&o, "--pin-dir=/sys/fs/bpf/x -i eth0 -v 9 10.2.2.2"), 0);
	CHECK(!strcmp(o.pin_dir, "/sys/fs/bpf/x"));
	CHECK(!strcmp(o.run_dir, "/run/vrrpd"));
	CHECK(!o.foreground);
	/* --rt-priority: off unless said. */
	CHECK_EQ(o.rt_priority, 0);
	CHECK_EQ(parse_ok(&o, "--rt-priority 10 -i eth0 -v 9 10.2.2.2"), 0);
	CHECK_EQ(o.rt_priority, 10);
	CHECK_EQ(parse_ok(&o, "-i eth0 -v 9 --rt-priority=99 10.2.2.2"), 0);
	CHECK_EQ(o.rt_priority, 99);
	/* --no-kernel-timer: the kernel keeps backups' timers unless said. */
	CHECK(!o.no_kernel_timer);
	CHECK_EQ(parse_ok(&o, "-i eth0 -v 9 --no-kernel-timer 10.2.2.2"), 0);
	CHECK(o.no_kernel_timer);
}

/* --track: names and weights, in order; none is FAULT. */
static void test_track(void)
{
	struct opts o;

	CHECK_EQ(parse_ok(&o,
			  "-i eth0 -v 1 --track eth1:-50 --track eth2 --track=eth3:+7 10.0.0.1"),
		 0);
	CHECK_EQ(o.ntracks, 3);
	CHECK(!strcmp(o.tracks[0].ifname, "eth1") && o.tracks[0].weight == -50);
	CHECK(!strcmp(o.tracks[1].ifname, "eth2") && o.tracks[1].weight == 0);
	CHECK(!strcmp(o.tracks[2].ifname, "eth3") && o.tracks[2].weight == 7);
	CHECK_EQ(parse_ok(&o, "-i eth0 -v 1 -p 255 --track eth1 10.0.0.1"), 0);
}

/* keepalived's notify_*: a command each, kept as given (hook.c splits it when it runs). */
static void test_notify(void)
{
	char buf[OPTS_PATH_MAX], *argv[OPTS_CMD_WORDS];
	struct opts o;

	CHECK_EQ(parse_ok(&o, "-i eth0 -v 1 --notify-master m.sh --notify-stop=s.sh --notify n.sh "
			      "--notify-fault f.sh --notify-backup b.sh 10.0.0.1"),
		 0);
	CHECK(!strcmp(o.notify[OPTS_NOTIFY_MASTER], "m.sh"));
	CHECK(!strcmp(o.notify[OPTS_NOTIFY_BACKUP], "b.sh"));
	CHECK(!strcmp(o.notify[OPTS_NOTIFY_FAULT], "f.sh"));
	CHECK(!strcmp(o.notify[OPTS_NOTIFY_STOP], "s.sh"));
	CHECK(!strcmp(o.notify[OPTS_NOTIFY_ANY], "n.sh"));
	/* The words as a shell splits them, quotes and all, but nothing else is special. */
	CHECK_EQ(opts_words(" /x/n.sh  'a b'\tc\"d e\"f $HOME ", buf, sizeof(buf), argv), 4);
	CHECK(!strcmp(argv[0], "/x/n.sh") && !strcmp(argv[1], "a b") && !strcmp(argv[2], "cd ef") &&
	      !strcmp(argv[3], "$HOME") && !argv[4]);
	CHECK_EQ(opts_words("  ", buf, sizeof(buf), argv), -EINVAL);
	CHECK_EQ(opts_words("a 'b", buf, sizeof(buf), argv), -EINVAL);
	CHECK_EQ(opts_words("abcdef", buf, 6, argv), -EINVAL); /* no room for the NUL */
	CHECK_EQ(opts_words("abcde", buf, 6, argv), 1);
	CHECK_EQ(opts_words("abcde ''", buf, 6, argv), -EINVAL); /* the empty word's NUL */
	CHECK_EQ(opts_words("abcd ''", buf, 6, argv), 2);
}

/* -c: only the process's options beside it; the instances come from the file (conf.c). */
static void test_config(void)
{
	struct opts o;

	CHECK_EQ(parse_ok(&o, "-c /etc/vrrpd.conf"), 0);
	CHECK(!strcmp(o.config, "/etc/vrrpd.conf"));
	CHECK(!o.check_config && !o.ifname[0] && !o.nvips);
	CHECK_EQ(parse_ok(&o, "--config=/x.conf -t -f /tmp/r --pin-dir /sys/fs/bpf/t --foreground "
			      "--rt-priority 5 --no-kernel-timer"),
		 0);
	CHECK(!strcmp(o.config, "/x.conf"));
	CHECK(o.check_config && o.foreground && o.rt_priority == 5 && o.no_kernel_timer);
	CHECK(!strcmp(o.run_dir, "/tmp/r") && !strcmp(o.pin_dir, "/sys/fs/bpf/t"));
}

static void test_long_aliases_and_rest(void)
{
	struct opts o;

	CHECK_EQ(parse_ok(&o,
			  "--interface=eth0.190 --vrid 200 --priority 150 --no-vmac "
			  "--checksum legacy --owner-drop --pass-adverts -z 50 -x 200 -I 10.3.3.3 "
			  "-O 10.3.3.254 10.3.3.3/16"),
		 0);
	CHECK(!strcmp(o.ifname, "eth0.190"));
	CHECK_EQ(o.vrid, 200);
	CHECK_EQ(o.priority, 150);
	CHECK(!o.vmac);
	CHECK_EQ(o.csum_mode, VRRPD_CSUM_LEGACY);
	CHECK(o.owner_drop);
	CHECK(o.pass_adverts);
	CHECK_EQ(o.reduce_prio, 50);
	CHECK_EQ(o.increase_prio, 200);
	CHECK_EQ(o.magic_src, ip("10.3.3.3"));
	CHECK_EQ(o.magic_dst, ip("10.3.3.254"));
	CHECK_EQ(o.vips[0].prefix_len, 16);
	CHECK_EQ(parse_ok(&o, "-i eth0 -v 1 --garp-count 0 --garp-interval=250 --garp-refresh 60 "
			      "10.1.1.1"),
		 0);
	CHECK_EQ(o.garp_count, 0);
	CHECK_EQ(o.garp_interval_ms, 250);
	CHECK_EQ(o.garp_refresh_s, 60);
	CHECK_EQ(parse_ok(&o, "-i eth0 -v 1 --script-timeout 3600 10.1.1.1"), 0);
	CHECK_EQ(o.script_timeout_s, 3600);
	/* IPv6: the link-local VIP moves first (RFC 9568 5.2.9), the others keep their order. */
	CHECK_EQ(parse_ok(&o, "-i eth0 -v 1 2001:db8::1/64 2001:db8::2 fe80::1 fe80::2"), 0);
	CHECK_EQ(o.family, AF_INET6);
	CHECK_EQ(o.nvips, 4);
	CHECK_EQ(o.vips[0].addr.v6[0], 0xfe);
	CHECK_EQ(o.vips[0].addr.v6[15], 1);
	CHECK_EQ(o.vips[0].prefix_len, 128);
	CHECK_EQ(o.vips[1].addr.v6[15], 1);
	CHECK_EQ(o.vips[1].prefix_len, 64);
	CHECK_EQ(o.vips[2].addr.v6[15], 2);
	CHECK_EQ(o.vips[2].addr.v6[0], 0x20);
	CHECK_EQ(o.vips[3].addr.v6[0], 0xfe);
	CHECK_EQ(parse_ok(&o, "-i eth0 -v 1 10.1.1.1"), 0);
	CHECK_EQ(o.family, AF_INET);
	CHECK_EQ(parse_ok(&o, "-i eth0 -v 1 --peer 10.1.1.2 --peer=10.1.1.3 10.1.1.1"), 0);
	CHECK_EQ(o.npeers, 2);
	CHECK_EQ(o.peers[0], ip("10.1.1.2"));
	CHECK_EQ(o.peers[1], ip("10.1.1.3"));
	CHECK_EQ(parse_ok(&o, "-i eth0 -v 1 --no-accept 10.1.1.1"), 0);
	CHECK(o.no_accept);
	/* The last word wins: a config block's --accept over a --no-accept default. */
	CHECK_EQ(parse_ok(&o, "-i eth0 -v 1 --no-accept --accept 10.1.1.1"), 0);
	CHECK(!o.no_accept);
	CHECK_EQ(parse_ok(&o, "-i eth0 -v 1 -M 2 --group dmz-1 10.1.1.1"), 0);
	CHECK(!strcmp(o.group, "dmz-1"));
	CHECK_EQ(o.monitor, 2);
	/* -c and --keepalived name the same file: the last one given, in its format. */
	CHECK_EQ(parse_ok(&o, "-c /etc/vrrpd.conf --keepalived /etc/keepalived/keepalived.conf"),
		 0);
	CHECK(o.config_keepalived && !strcmp(o.config, "/etc/keepalived/keepalived.conf"));
	CHECK_EQ(parse_ok(&o, "--keepalived /etc/keepalived/keepalived.conf -c /etc/vrrpd.conf"),
		 0);
	CHECK(!o.config_keepalived && !strcmp(o.config, "/etc/vrrpd.conf"));
	/* --track-process NAME[:W[:N]]: W's sign optional, N without W. */
	CHECK_EQ(parse_ok(&o, "-i eth0 -v 1 --track-process haproxy:-100 --track-process bird::2 "
			      "--track-process x:+7:3 10.1.1.1"),
		 0);
	CHECK_EQ(o.nprocs, 3);
	CHECK(!strcmp(o.procs[0].name, "haproxy") && o.procs[0].weighted &&
	      o.procs[0].weight == -100 && o.procs[0].min == 1);
	CHECK(!strcmp(o.procs[1].name, "bird") && !o.procs[1].weighted && o.procs[1].min == 2);
	CHECK(o.procs[2].weighted && o.procs[2].weight == 7 && o.procs[2].min == 3);
	/* --name: keepalived's instance names; default IFACE-VRID, -6 for IPv6. */
	CHECK_EQ(parse_ok(&o, "-i eth0 -v 51 --name VI_1 10.1.1.1"), 0);
	CHECK(!strcmp(o.name, "VI_1"));
	CHECK_EQ(parse_ok(&o, "-i eth0 -v 51 10.1.1.1"), 0);
	CHECK(!strcmp(o.name, "eth0-51"));
	CHECK_EQ(parse_ok(&o, "-i eth0 -v 51 fe80::1"), 0);
	CHECK(!strcmp(o.name, "eth0-51-6"));
	CHECK_EQ(parse_ok(&o, "-i eth0 -v 1 --notify-fifo /run/vrrp.fifo 10.1.1.1"), 0);
	CHECK(!strcmp(o.notify_fifo, "/run/vrrp.fifo"));
	CHECK_EQ(parse_ok(&o, "-i eth0 -v 1 --checksum rfc9568 10.1.1.1"), 0);
	CHECK_EQ(o.csum_mode, VRRPD_CSUM_RFC9568);
	/* Fifteen characters is the most Linux takes. */
	CHECK_EQ(parse_ok(&o, "-i abcdefghijklmno -v 1 10.1.1.1"), 0);
	CHECK(!strcmp(o.ifname, "abcdefghijklmno"));
	/* -s toggles: twice is back on. */
	CHECK_EQ(parse_ok(&o, "-s -i eth0 -ss -v 1 10.1.1.1"), 0);
	CHECK(!o.preempt);
	CHECK_EQ(parse_ok(&o, "-i eth0 -v 1 -- 10.1.1.1 10.1.1.2"), 0);
	CHECK_EQ(o.nvips, 2);
}

static void test_max_vips(void)
{
	char args[1024];
	struct opts o;
	char err[256];
	int n = snprintf(args, sizeof(args), "-i eth0 -v 1");

	for (int i = 1; i <= OPTS_MAX_VIPS; i++)
		n += snprintf(args + n, sizeof(args) - n, " 10.0.0.%d", i);
	CHECK_EQ(parse_ok(&o, args), 0);
	CHECK_EQ(o.nvips, OPTS_MAX_VIPS);
	CHECK_EQ(o.vips[OPTS_MAX_VIPS - 1].addr.v4, ip("10.0.0.32"));
	snprintf(args + n, sizeof(args) - n, " 10.0.0.99");
	CHECK_EQ(parse(&o, args, err, sizeof(err)), -EINVAL);
	CHECK(strstr(err, "too many virtual IP addresses at '10.0.0.99': at most 32"));
}

/* -h and -V need nothing else and stop there. */
static void test_help_version(void)
{
	struct opts o;
	char err[256];

	CHECK_EQ(parse(&o, "-h", err, sizeof(err)), 0);
	CHECK(o.show_help);
	CHECK_EQ(parse(&o, "--help --bogus", err, sizeof(err)), 0);
	CHECK(o.show_help);
	CHECK_EQ(parse(&o, "-V", err, sizeof(err)), 0);
	CHECK(o.show_version);
	CHECK(!o.show_help);
	CHECK_EQ(parse(&o, "-i eth0 --version", err, sizeof(err)), 0);
	CHECK(o.show_version);
}

/* A small or absent buffer truncates or drops the message, the result stays. */
static void test_err_buffer(void)
{
	struct opts o;
	char err[8];

	CHECK_EQ(parse(&o, "-v 1 10.0.0.1", err, sizeof(err)), -EINVAL);
	CHECK(!strcmp(err, "missing"));
	CHECK_EQ(parse(&o, "-v 1 10.0.0.1", NULL, 0), -EINVAL);
}

static void test_usage(void)
{
	static const char *const want[] = {
		"-i, --interface",
		"-v, --vrid",
		"-p, --priority",
		"-d, --interval",
		"-s ",
		"-n, --no-vmac",
		"-a none|pw/SECRET",
		"-z PRIO",
		"-x PRIO",
		"-U FILE",
		"-D FILE",
		"-M N",
		"-I IP",
		"-O IP",
		"-f DIR",
		"--foreground",
		"--pin-dir",
		"--rt-priority N",
		"--no-kernel-timer",
		"--vrrp-version",
		"--checksum",
		"--owner-drop",
		"--pass-adverts",
		"--no-accept",
		"--peer A.B.C.D",
		"--garp-count N",
		"--garp-interval MS",
		"--garp-refresh S",
		"--script-timeout S",
		"--group NAME",
		"-V, --version",
		"-h, --help",
		"A.B.C.D[/LEN]",
		"/run/vrrpd",
		VRRPD_PIN_DIR_DFL,
	};
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	CHECK(f);
	if (!f)
		return;
	opts_usage(f);
	fclose(f);
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		if (!strstr(buf, want[i])) {
			fprintf(stderr, "  usage lacks '%s'\n", want[i]);
			check_failed_case++;
		}
	}
	/* One line per option, within 100 columns. */
	for (char *line = buf, *nl; line && *line; line = nl ? nl + 1 : NULL) {
		nl = strchr(line, '\n');
		CHECK((nl ? (size_t)(nl - line) : strlen(line)) <= 100);
	}
	free(buf);
}

/*
 * The fuzz dictionary names every option of the table (a new option gets there too): each
 * spelling, quoted, on a line of tests/fuzz/opts.dict.
 */
static const char *dict_path;

static void test_fuzz_dict_has_every_option(void)
{
	char words[2][40], line[128], want[48];
	FILE *f = fopen(dict_path, "r");
	int i, n, found;
	size_t k;

	CHECK(f != NULL);
	if (!f)
		return;
	for (k = 0; (n = opts_spellings(k, words)) >= 0; k++) {
		for (i = 0; i < n; i++) {
			snprintf(want, sizeof(want), "\"%s\"\n", words[i]);
			rewind(f);
			found = 0;
			while (!found && fgets(line, sizeof(line), f))
				found = !strcmp(line, want);
			if (!found)
				fprintf(stderr, "%s: no line %s", dict_path, want);
			CHECK(found);
		}
	}
	CHECK(k > 30);
	fclose(f);
}

int main(int argc, char **argv)
{
	/* The dictionary is ROOT/tests/fuzz/opts.dict, this program ROOT/build/tests/test_opts. */
	static char path[4096];
	char *slash;

	if (argc < 1 || !realpath(argv[0], path))
		path[0] = '\0';
	for (int up = 0; up < 3 && (slash = strrchr(path, '/')); up++)
		*slash = '\0';
	if (strlen(path) + sizeof("/tests/fuzz/opts.dict") < sizeof(path))
		strcat(path, "/tests/fuzz/opts.dict");
	dict_path = getenv("OPTS_DICT") ? getenv("OPTS_DICT") : path;

	test_misuse();
	RUN(test_original_cmdline);
	RUN(test_original_cmdline_second);
	RUN(test_owner_fast_two_vips);
	RUN(test_v2_password);
	RUN(test_v2_password_8_version_last);
	RUN(test_auth_none);
	RUN(test_intervals);
	RUN(test_dirs_foreground);
	RUN(test_config);
	RUN(test_track);
	RUN(test_notify);
	RUN(test_long_aliases_and_rest);
	RUN(test_max_vips);
	RUN(test_help_version);
	RUN(test_err_buffer);
	RUN(test_usage);
	RUN(test_fuzz_dict_has_every_option);
	CHECK_EXIT();
}
