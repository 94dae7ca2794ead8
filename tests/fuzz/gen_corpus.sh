#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Regenerates the committed seed corpora of the libFuzzer harnesses (issue 9):
#   tests/fuzz/corpus/pkt/   frames from pkt_build_advert() (tests/fuzz/gen_pkt_corpus.c)
#   tests/fuzz/corpus/opts/  the command lines below, one file each, words NUL-separated as in
#                            /proc/PID/cmdline (fuzz_opts splits its input the same way)
# Usage: bash tests/fuzz/gen_corpus.sh   (then review and commit the changes)
# Inputs that a harness found failing are committed as regress_* seeds, by hand: this script
# leaves them alone.
set -eu

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
CORPUS=$ROOT/tests/fuzz/corpus
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

mkdir -p "$CORPUS/pkt" "$CORPUS/opts"
${CC:-cc} -std=gnu11 -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wmissing-prototypes \
	-I"$ROOT/include" -I"$ROOT/user" -D_GNU_SOURCE -o "$TMP/gen_pkt_corpus" \
	"$ROOT/tests/fuzz/gen_pkt_corpus.c" "$ROOT/user/pkt.c"
"$TMP/gen_pkt_corpus" "$CORPUS/pkt"

# NAME ARGS...: one command line (without argv[0], which the harness adds).
opts() {
	local name=$1
	shift
	printf '%s\0' "$@" >"$CORPUS/opts/$name"
}

# the original vrrpd, README and vrrpd(8).
opts original_1 -i eth0 10.16.1.200 -v 51 -M 2 -U /etc/scripts/MASTER.sh -D /etc/scripts/DOWN.sh
opts original_2 -i eth1 10.17.1.200 -v 52 -M 2 -U /etc/scripts/MASTER.sh -D /etc/scripts/DOWN.sh
opts readme_group -i eth0 10.16.1.200 -v 51 -M 2 -U up.sh -D down.sh
opts readme_minimal -i eth0 10.16.1.200 -v 51
opts readme_fast -i eth0 -v 51 -p 200 -d 0.1 10.16.1.200/24 10.16.1.201
opts readme_v2_password -i eth0 -v 7 --vrrp-version 2 -a pw/secret 10.16.1.7
opts readme_magic -i eth0 -v 51 -n -I 10.16.1.200 -O 10.16.1.1 10.16.1.200
opts readme_vlan -i eth0.100 -v 51 10.100.0.200
# Every other option, long forms, "=" arguments, clusters and "--".
opts long_all --interface=eth0.190 --vrid 200 --priority 150 --no-vmac --checksum legacy \
	--owner-drop --pass-adverts -z 50 -x 200 -I 10.3.3.3 -O 10.3.3.254 10.3.3.3/16
opts garp_timers -i eth0 -v 1 --garp-count 0 --garp-interval=250 --garp-refresh 60 \
	--script-timeout 3600 10.1.1.1
opts dirs --pin-dir /sys/fs/bpf/test -f /tmp/vrrpd-run --foreground -i eth0 -v 9 10.2.2.2
opts group -i eth0 -v 1 -M 2 --group dmz-1 --checksum rfc9568 10.1.1.1
opts v2_version_last -i eth0 -v 1 -a pw/12345678 -d 255 10.1.1.1 --vrrp-version 2
opts cluster_rest -s -i eth0 -ssn -v 1 -- 10.1.1.1 10.1.1.2
opts owner_fast -i eth0 -v 7 -p 255 -d 0.01 -s -n 10.0.0.1/24 10.0.0.2
opts help -h
opts version --version
# Errors: each fails at a different check.
opts err_missing_arg -i eth0 10.0.0.1 -v
opts err_unknown_long -i eth0 -v 1 --foo=bar 10.0.0.1
opts err_ambiguous -i eth0 --v 1 10.0.0.1
opts err_takes_no_arg -i eth0 -v 1 --foreground=yes 10.0.0.1
opts err_interval -i eth0 -v 1 -d 0.015 10.0.0.1
opts err_magic_not_vip -i eth0 -v 1 -I 10.0.0.2 -O 10.0.0.254 10.0.0.1
opts err_vip_prefix -i eth0 -v 1 10.0.0.1/33
opts err_iface -i 'a b' -v 1 10.0.0.1
