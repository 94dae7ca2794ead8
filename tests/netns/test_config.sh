#!/bin/bash
# The configuration file (issue 10): vrrpd -c FILE runs many instances in one process.
#   1. vrrpd -t -c FILE: a good file is described, one line per instance, exit 0; each kind of
#      mistake gives one line "vrrpd: FILE:LINE: what", exit 2 (table-driven).
#   2. One process for four instances (one of them IPv6), on two interfaces, against r2 running
#      the same four as the original's command lines: r1 is master of all four; atropos sees
#      four instances with one pid; one instance steps down alone (atropos -v); a SIGTERM to the
#      process makes every master resign (priority 0) and r2 takes all four over after
#      Skew_Time; one XDP program per interface, and nothing left behind.
set -u
# shellcheck source=tests/netns/checks.sh
. "$(dirname "${BASH_SOURCE[0]}")/checks.sh"
t_require test_config
trap lab_down EXIT
trap 'exit 1' INT TERM
lab_up "vtg$$"
lab_lan2
CONF=$LAB_DIR/vrrpd.conf

# --- 1. vrrpd -t -c FILE -------------------------------------------------------------------------
cat >"$CONF" <<'EOF'
# defaults of every instance
-d 0.1 --garp-refresh 60
vrrp {
	-i eth0 -v 51 -p 200
	10.99.0.100/24   # the gateway
}
vrrp {
	-i eth0 -v 52 -p 200 10.99.0.150
}
vrrp {
	-i eth1 -v 53 -p 200 -d 0.2 10.98.0.100
}
vrrp {	# IPv6, beside the others in the same process
	-i eth0 -v 54 -p 200 2001:db8::100/64 fe80::1
}
EOF
OUT=$("$VRRPD" -t -c "$CONF" 2>&1)
RC=$?
t_eq config_check_good_rc "$RC" 0 "$OUT"
t_eq config_check_good_report "$OUT" "$CONF: 4 instances
  VRID 51 on eth0: VRRPv3, priority 200, interval 10 cs, 1 VIP (10.99.0.100)
  VRID 52 on eth0: VRRPv3, priority 200, interval 10 cs, 1 VIP (10.99.0.150)
  VRID 53 on eth1: VRRPv3, priority 200, interval 20 cs, 1 VIP (10.98.0.100)
  VRID 54 on eth0: VRRPv3, priority 200, interval 10 cs, 2 VIPs (fe80::1, ...)"

# name | file content (printf format) | message after "vrrpd: FILE:"
while IFS='|' read -r name content want; do
	f=$LAB_DIR/$name.conf
	# shellcheck disable=SC2059 # the content is a printf format on purpose
	printf -- "$content" >"$f"
	OUT=$("$VRRPD" -t -c "$f" 2>&1)
	RC=$?
	if [ "$RC" = 2 ] && [ "$OUT" = "vrrpd: $f:$want" ]; then
		t_ok "config_check_$name" "$OUT"
	else
		t_fail "config_check_$name" "exit $RC, \"$OUT\" (want \"vrrpd: $f:$want\")"
	fi
done <<'EOF'
bad_priority|vrrp {\n -i eth0 -v 51\n -p 0 10.0.0.1\n}\n|3: invalid priority '0' for -p: must be 1..255 (0 is reserved for a resigning master)
bad_address|# one\nvrrp {\n -i eth0 -v 51\n\n 10.0.0.300\n}\n|5: invalid virtual IP address '10.0.0.300': expected A.B.C.D[/LEN] or an IPv6 address[/LEN]
bad_default|-d 0\nvrrp {\n -i eth0 -v 51 10.0.0.1\n}\n|1: invalid interval '0' for -d: must be greater than 0
unknown_option|vrrp {\n -i eth0 -v 51 --bogus 10.0.0.1\n}\n|2: unknown option '--bogus'
missing_vrid|\nvrrp {\n -i eth0 10.0.0.1\n}\n|2: missing VRID: use -v VRID (in the vrrp block of this line)
duplicate_vrid|vrrp {\n -i eth0 -v 51 10.0.0.1\n}\nvrrp {\n -i eth0 -v 51 10.0.0.2\n}\n|4: VRID 51 on eth0 is already the instance of line 1
duplicate_vip|vrrp {\n -i eth0 -v 51 10.0.0.1\n}\nvrrp {\n -i eth0 -v 52 10.0.0.1\n}\n|4: 10.0.0.1 on eth0 is already a virtual IP of the instance of line 1
unclosed|vrrp {\n -i eth0 -v 51 10.0.0.1\n|1: the vrrp block has no closing '}'
nested|vrrp {\n -i eth0 -v 51 10.0.0.1\nvrrp {\n}\n|3: 'vrrp' inside the block of line 1 (missing '}'?)
stray_brace|}\n|1: '}' without 'vrrp {'
no_brace|vrrp\n{\n}\n|1: expected 'vrrp {'
pin_dir_in_block|vrrp {\n -i eth0 -v 51 --pin-dir /x 10.0.0.1\n}\n|2: '--pin-dir' is the same for all instances: give it outside the blocks
config_in_file|-c /etc/other.conf\nvrrp {\n -i eth0 -v 51 10.0.0.1\n}\n|1: '-c' is an option of the command line, not of the file
help_abbreviation|vrrp {\n -i eth0 -v 51 --he 10.0.0.1\n}\n|2: '--help' is an option of the command line, not of the file
help_in_cluster|vrrp {\n -i eth0 -v 51 -sh 10.0.0.1\n}\n|2: '-h' is an option of the command line, not of the file
run_dir_in_block|vrrp {\n -i eth0 -v 51 -f /tmp 10.0.0.1\n}\n|2: '-f' is the same for all instances: give it outside the blocks
run_dir_in_cluster|vrrp {\n -i eth0 -v 51 -nf/tmp 10.0.0.1\n}\n|2: '-f' is the same for all instances: give it outside the blocks
test_in_cluster|vrrp {\n -i eth0 -v 51 -snt 10.0.0.1\n}\n|2: '-t' is an option of the command line, not of the file
rt_priority_in_block|vrrp {\n -i eth0 -v 51 --rt-priority 5 10.0.0.1\n}\n|2: '--rt-priority' is the same for all instances: give it outside the blocks
no_kernel_timer_in_block|vrrp {\n -i eth0 -v 51 --no-kernel-timer 10.0.0.1\n}\n|2: '--no-kernel-timer' is the same for all instances: give it outside the blocks
pin_dir_abbreviated|vrrp {\n -i eth0 -v 51 --pin /x 10.0.0.1\n}\n|2: '--pin-dir' is the same for all instances: give it outside the blocks
empty|# nothing\n| no instance: describe each in a 'vrrp { ... }' block
unclosed_quote|vrrp {\n -i eth0 -v 51 --track-script "x y\n 10.0.0.1\n}\n|2: a quote (' or ") is not closed on its line
EOF
OUT=$("$VRRPD" -t -c "$LAB_DIR/missing.conf" 2>&1)
t_eq config_check_missing_file "$OUT" \
	"vrrpd: cannot read the configuration file $LAB_DIR/missing.conf: No such file or directory"
OUT=$("$VRRPD" -c "$CONF" -i eth0 2>&1)
RC=$?
t_eq config_instance_option_beside_file "$RC:$OUT" \
	"2:vrrpd: '-i' describes an instance: with -c FILE the instances are in FILE (see vrrpd -h)"

# --- 2. One process, four instances --------------------------------------------------------------
mkdir -p "$LAB_DIR/r1"
nsenter --net="/run/netns/$(lab_ns r1)" "$VRRPD" --foreground -c "$CONF" \
	--pin-dir "/sys/fs/bpf/$LAB_PREFIX-r1" -f "$LAB_DIR/r1" >>"$LAB_DIR/r1.log" 2>&1 &
LAB_PID[r1.main]=$!
t_start r2 v51 -i eth0 -v 51 -p 100 -d 0.1 10.99.0.100/24
t_start r2 v52 -i eth0 -v 52 -p 100 -d 0.1 10.99.0.150
t_start r2 v53 -i eth1 -v 53 -p 100 -d 0.2 10.98.0.100
t_start r2 v54 -i eth0 -v 54 -p 100 -d 0.1 2001:db8::100/64 fe80::1
# only6 R: R alone holds the IPv6 VIP.
only6() {
	local h out=""
	for h in r1 r2; do
		lab_exec "$h" ip -6 -br addr | grep -q " 2001:db8::100/64" && out="$out${out:+ }$h"
	done
	[ "$out" = "$1" ]
}
all_on() {
	local r=$1
	t_only "$r" 10.99.0.100 && t_only "$r" 10.99.0.150 && t_only "$r" 10.98.0.100 && only6 "$r"
}
t_check config_one_process_masters_all t_wait_ms 5000 all_on r1
P1=$(t_pid r1)
A=(--pin-dir "/sys/fs/bpf/$LAB_PREFIX-r1" -f "$LAB_DIR/r1")
STATE=$(lab_exec r1 "$ATROPOS" "${A[@]}" --json -s)
t_eq config_atropos_sees_four "$(jq '.instances | length' <<<"$STATE")" 4
t_eq config_atropos_families "$(jq -r '[.instances[].family] | sort | join(" ")' <<<"$STATE")" \
	"ipv4 ipv4 ipv4 ipv6"
t_eq config_atropos_one_pid "$(jq -r '[.instances[].pid] | unique | map(tostring) | join(" ")' \
	<<<"$STATE")" "$P1"
t_eq config_one_program_on_eth0 "$(t_xdp_progs r1)" 1
t_eq config_one_program_on_eth1 "$(t_xdp_progs r1 eth1)" 1
# One instance of the process steps down, the others stay.
t_check config_atropos_one_instance lab_exec r1 "$ATROPOS" "${A[@]}" -i eth0 -v 52 --backup
t_check config_one_instance_moved t_wait_ms 3000 t_only r2 10.99.0.150
t_check config_others_stay eval 't_only r1 10.99.0.100 && t_only r1 10.98.0.100 && only6 r1'
t_check config_atropos_resume lab_exec r1 "$ATROPOS" "${A[@]}" -i eth0 -v 52 --resume
t_check config_resumed t_wait_ms 3000 all_on r1
# SIGTERM: all four resign.
t_capture prio0 sw "$LAB_PREFIX-r1" -Q in ip proto 112
t_stop r1
RC=$?
t_eq config_clean_exit "$RC" 0
t_check config_r2_takes_all t_wait_ms 3000 all_on r2
t_capture_stop prio0
for v in 51 52; do
	t_check "config_vrid${v}_resigned" eval \
		"t_capture_read prio0 | grep -q 'vrid $v, prio 0,'"
done
t_check config_stopped_logged_each eval \
	'[ "$(grep -c "VRRP ID 5[1234] on eth[01]: stopped" "$LAB_DIR/r1.log")" = 4 ]'
t_eq config_nothing_left_eth0 "$(t_xdp_progs r1)" 0
t_eq config_nothing_left_maps "$(t_cfg_vrids r1)" ""
t_eq config_nothing_left_vmacs "$(t_count . lab_exec r1 ip -o link show type macvlan)" 0
t_done
