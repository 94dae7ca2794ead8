#!/bin/bash
# Command-line misuse (issue 9): every wrong way to start vrrpd or atropos prints one clear
# message, one line on stderr naming what is wrong, nothing on stdout, and exits non-zero
# (2: the command line itself; 1: the command line is fine but the system disagrees, e.g. the
# interface does not exist or the instance already runs). Nothing is left behind: no
# namespace, no pin, no address. Table-driven: one row per misuse, run in router r1 of a lab
# where VRID 51 already runs, so that duplicates can be tried too.
set -u
# shellcheck source=tests/netns/checks.sh
. "$(dirname "${BASH_SOURCE[0]}")/checks.sh"
t_require test_cli
trap lab_down EXIT
trap 'exit 1' INT TERM
lab_up "vtl$$"

VIP=$LAB_VIP
t_start r1 main -i eth0 -v 51 -p 100 -d 0.2 "$VIP"
t_check cli_setup_running t_wait_ms 4000 t_only r1 "$VIP"
UP=$LAB_DIR/up.sh
printf '#!/bin/sh\nexit 0\n' >"$UP"
chmod 755 "$UP"
printf '#!/bin/sh\nexit 0\n' >"$LAB_DIR/noexec.sh"
chmod 644 "$LAB_DIR/noexec.sh"
# An interface that exists but cannot carry VRRP: no MAC.
lab_exec r1 ip link add tun9 type ipip local 10.99.0.1 remote 10.99.0.2 2>/dev/null ||
	lab_exec r1 ip tuntap add dev tun9 mode tun

# name | exit status | what the message must say (ERE) | arguments
ROWS=$(
	cat <<EOF
unknown_option|2|unknown option '--bogus'|-i eth0 -v 52 --bogus 10.99.0.150
unknown_short|2|unknown option '-Z'|-i eth0 -v 52 -Z 10.99.0.150
missing_argument|2|option '-v' needs an argument|-i eth0 10.99.0.150 -v
vrid_0|2|invalid VRID '0' for -v: must be 1\.\.255|-i eth0 -v 0 10.99.0.150
vrid_256|2|invalid VRID '256' for -v: must be 1\.\.255|-i eth0 -v 256 10.99.0.150
vrid_text|2|invalid VRID 'x' for -v|-i eth0 -v x 10.99.0.150
priority_0|2|invalid priority '0' for -p: must be 1\.\.255 \(0 is reserved|-i eth0 -v 52 -p 0 10.99.0.150
priority_256|2|invalid priority '256' for -p: must be 1\.\.255|-i eth0 -v 52 -p 256 10.99.0.150
interval_0|2|invalid interval '0' for -d: must be greater than 0|-i eth0 -v 52 -d 0 10.99.0.150
interval_negative|2|invalid interval '-1' for -d|-i eth0 -v 52 -d -1 10.99.0.150
interval_too_long|2|invalid interval '41' for -d: must be 0\.01\.\.40\.95 s|-i eth0 -v 52 -d 41 10.99.0.150
interval_resolution|2|invalid interval '0\.001' for -d: the resolution is 0\.01 s|-i eth0 -v 52 -d 0.001 10.99.0.150
bad_address|2|invalid virtual IP address '10\.99\.0\.300'|-i eth0 -v 52 10.99.0.300
bad_prefix|2|invalid prefix length '33' in virtual IP address '10\.99\.0\.150/33': must be 1\.\.32|-i eth0 -v 52 10.99.0.150/33
no_address|2|no virtual IP address given|-i eth0 -v 52
duplicate_address|2|duplicate virtual IP address '10\.99\.0\.150'|-i eth0 -v 52 10.99.0.150 10.99.0.150
missing_interface|2|missing interface: use -i IFACE|-v 52 10.99.0.150
no_such_interface|1|interface 'nosuch0' does not exist|-i nosuch0 -v 52 10.99.0.150
not_ethernet_loopback|1|interface 'lo' is not an Ethernet interface|-i lo -v 52 10.99.0.150
not_ethernet_tunnel|1|interface 'tun9' is not an Ethernet interface|-i tun9 -v 52 10.99.0.150
duplicate_instance|1|VRID 51 on eth0 is already run by vrrpd pid [0-9]+|-i eth0 -v 51 10.99.0.150
vip_of_another_instance|1|10\.99\.0\.100 is already a virtual IP of VRID 51 on eth0 \(vrrpd pid [0-9]+\)|-i eth0 -v 52 10.99.0.100
password_empty|2|invalid password for -a|-i eth0 -v 52 -a pw/ 10.99.0.150
group_size_0|2|invalid group size '0' for -M|-i eth0 -v 52 -M 0 10.99.0.150
script_missing|1|script '/nonexistent/up\.sh' for -U|-i eth0 -v 52 -U /nonexistent/up.sh 10.99.0.150
script_not_executable|1|script '$LAB_DIR/noexec\.sh' for -D|-i eth0 -v 52 -D $LAB_DIR/noexec.sh 10.99.0.150
EOF
)

# One row: vrrpd in r1 with the lab's pin and run directories, so that it would really start.
while IFS='|' read -r name want_rc want_msg args; do
	out=$LAB_DIR/cli.out
	err=$LAB_DIR/cli.err
	# shellcheck disable=SC2086 # the arguments are words
	timeout 10 nsenter --net="/run/netns/$(lab_ns r1)" "$VRRPD" --foreground \
		--pin-dir "/sys/fs/bpf/$LAB_PREFIX-r1" -f "$LAB_DIR/r1" $args >"$out" 2>"$err"
	rc=$?
	lines=$(wc -l <"$err")
	if [ "$rc" != "$want_rc" ]; then
		t_fail "cli_$name" "exit status $rc (want $want_rc): $(head -c 300 "$err")"
	elif [ "$lines" != 1 ] || [ -s "$out" ]; then
		t_fail "cli_$name" "want one line on stderr and none on stdout, got $lines: $(head -c 300 "$err")"
	elif ! grep -Eq "^vrrpd: .*$want_msg" "$err"; then
		t_fail "cli_$name" "message \"$(cat "$err")\" does not say \"$want_msg\""
	else
		t_ok "cli_$name" "$(cat "$err")"
	fi
done <<<"$ROWS"

# Nothing of the refused instances is left: the running one is the only instance, holds its
# VIP alone and is still master; no VMAC of VRID 52 and no 10.99.0.150.
t_eq cli_nothing_left_cfg "$(t_cfg_vrids r1)" 51
t_check cli_nothing_left_vmac t_no_link r1 vr52-eth0
t_check cli_nothing_left_address lab_lacks_ip r1 10.99.0.150
t_check cli_running_instance_unharmed t_only r1 "$VIP"
t_check cli_running_instance_alive t_alive r1

# atropos: the same rules.
ATROWS=$(
	cat <<EOF
atropos_unknown_option|2|unknown option '--bogus'|--bogus
atropos_vrid_0|2|invalid VRID '0': must be 1\.\.255|-v 0 --state
atropos_priority_255|2|invalid priority '255': must be 1\.\.254|-v 51 --priority 255
atropos_no_maps|2|cannot open /nonexistent/vrrpd_cfg: No such file or directory \(is vrrpd running\?\)|--pin-dir /nonexistent --state
EOF
)
while IFS='|' read -r name want_rc want_msg args; do
	# shellcheck disable=SC2086
	"$ATROPOS" $args >"$LAB_DIR/cli.out" 2>"$LAB_DIR/cli.err"
	rc=$?
	if [ "$rc" = "$want_rc" ] && [ "$(wc -l <"$LAB_DIR/cli.err")" = 1 ] &&
		[ ! -s "$LAB_DIR/cli.out" ] && grep -Eq "^atropos: .*$want_msg" "$LAB_DIR/cli.err"; then
		t_ok "cli_$name" "$(cat "$LAB_DIR/cli.err")"
	else
		t_fail "cli_$name" "exit status $rc (want $want_rc): $(head -c 300 "$LAB_DIR/cli.err")"
	fi
done <<<"$ATROWS"

t_stop r1
t_done
