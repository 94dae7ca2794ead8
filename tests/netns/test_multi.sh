#!/bin/bash
# Several instances on one interface, and how vrrpd starts and fails (two defects of the original vrrpd):
#   1. Two instances (VRID 51, VIP .100 and VRID 52, VIP .101) as two vrrpd processes per router
#      share one XDP program and the pinned maps.
#   2. SIGTERM of one leaves the other alone: still master, no transition, VIP kept, and the
#      XDP program stays attached for it.
#   3. The same VRID on the same interface a second time fails, clearly, with a non-zero exit,
#      and does not disturb the running instance.
#   4. A nonexistent interface fails with a non-zero exit and a message naming it.
#   5. Daemon mode (no --foreground): returns 0 once running, writes its pid file in -f DIR,
#      and stops (cleaning up) when that pid is killed.
#   6. The last instance to leave an interface detaches the XDP program.
#   7. The program is pinned beside the maps and reused by the next vrrpd of the same build
#      (one load, checked in 1); a pin of another build goes, and a program that is not
#      vrrpd's under our pin's name is replaced, never attached.
set -u
# shellcheck source=tests/netns/checks.sh
. "$(dirname "${BASH_SOURCE[0]}")/checks.sh"
t_require test_multi

VIP1=$LAB_NET.100
VIP2=$LAB_NET.101
VIP3=$LAB_NET.102
DAEMON_PID=""

# The detached daemon is reparented to pid 1, which may take a while to reap it (here ~1 s):
# a zombie has stopped.
daemon_gone() {
	local st
	st=$(awk '/^State:/ { print $2 }' "/proc/$DAEMON_PID/status" 2>/dev/null)
	[ -z "$st" ] || [ "$st" = Z ]
}

# The daemon-mode vrrpd is not our child: stop it by the pid its pid file gave us, and only if
# that pid is still a vrrpd with our run directory on its command line.
cleanup() {
	if [ -n "$DAEMON_PID" ] && tr '\0' ' ' <"/proc/$DAEMON_PID/cmdline" 2>/dev/null |
		grep -qF -- "$LAB_DIR/daemon"; then
		kill "$DAEMON_PID" 2>/dev/null
		t_wait_ms 5000 daemon_gone
	fi
	lab_down
}
trap cleanup EXIT
trap 'exit 1' INT TERM
lab_up "vtm$$"

# vrrpd_once R ARGS...: runs vrrpd in the foreground in router R, expecting it to fail at once
# (a timeout stops it if it does not); OUT is what it printed, returns its exit status.
vrrpd_once() {
	local r=$1
	shift
	OUT=$(timeout 10 nsenter --net="/run/netns/$(lab_ns "$r")" "$VRRPD" --foreground \
		--pin-dir "/sys/fs/bpf/$LAB_PREFIX-$r" -f "$LAB_DIR/$r" "$@" 2>&1)
}

# Lines of either router's log about instance VRID that report a change.
changes() {
	cat "$LAB_DIR/r1.log" "$LAB_DIR/r2.log" | grep -Ec "VRRP ID $1 on eth0: (we are now|master is)"
}

# --- 1. Two instances per router, one XDP program, one set of maps --------------------------
t_phase
# -d 0.2: Master_Down_Interval 0.64 s (priority 200), 0.72 s (priority 100).
BOUND=$((3 * $(t_mdi_ms 20 100) + 500))
t_start r1 v51 -i eth0 -v 51 -p 200 -d 0.2 "$VIP1"
t_start r1 v52 -i eth0 -v 52 -p 200 -d 0.2 "$VIP2"
t_start r2 v51 -i eth0 -v 51 -p 100 -d 0.2 "$VIP1"
t_start r2 v52 -i eth0 -v 52 -p 100 -d 0.2 "$VIP2"
both_on_r1() { t_only r1 "$VIP1" && t_only r1 "$VIP2"; }
if t_wait_ms "$BOUND" both_on_r1; then
	t_ok multi_two_instances_master_on_r1 "${T_WAITED} ms"
else
	t_fail multi_two_instances_master_on_r1 \
		"$VIP1 on '$(t_holders "$VIP1")', $VIP2 on '$(t_holders "$VIP2")'"
fi
# loaded R: how many vrrpd_xdp programs the kernel holds that use router R's vrrpd_cfg.
loaded() {
	local id
	id=$(bpftool -j map show pinned "/sys/fs/bpf/$LAB_PREFIX-$1/vrrpd_cfg" | jq .id) &&
		bpftool -j prog show | jq --argjson id "$id" \
			'[.[] | select(.name == "vrrpd_xdp" and any(.map_ids[]?; . == $id))] | length'
}
for r in r1 r2; do
	N=$(t_xdp_progs "$r")
	t_eq "multi_${r}_one_xdp_program" "$N" 1 "$N XDP programs on eth0"
	# The second process reuses the program the first pinned: one load, not a copy each.
	t_eq "multi_${r}_program_loaded_once" "$(loaded "$r")" 1
	V=$(t_cfg_vrids "$r")
	t_eq "multi_${r}_cfg_map_has_both_instances" "$V" "51 52" "vrrpd_cfg holds VRIDs '$V'"
done
settled_52() { [ "$(changes 52)" -ge 3 ]; } # r1: backup, master; r2: backup, master is
t_wait_ms 2000 settled_52
t_check multi_r2_follows_both t_log_has r2 "VRRP ID 52 on eth0: master is 10\.99\.0\.1"

# Steady state: routine adverts now take the XDP fast path and reach r2's controllers late.
if t_holds_ms 1500 both_on_r1; then
	t_ok multi_two_instances_steady
else
	t_fail multi_two_instances_steady \
		"$VIP1 on '$(t_holders "$VIP1")', $VIP2 on '$(t_holders "$VIP2")'"
fi

# --- 2. Stopping one instance leaves the other undisturbed -----------------------------------
t_phase
BEFORE=$(changes 52)
t_stop r1 v51
RC=$?
t_eq multi_stop_one_exits_0 "$RC" 0 "exit status $RC"
if t_wait_ms 2000 t_only r2 "$VIP1"; then
	t_ok multi_stop_one_peer_takes_its_vip "${T_WAITED} ms"
else
	t_fail multi_stop_one_peer_takes_its_vip "$VIP1 on '$(t_holders "$VIP1")'"
fi
# S3: the priority 0 advert, not the Master_Down_Timer (0.72 s here, skew 0.12 s).
t_check multi_stop_one_peer_takes_over_on_priority_0 t_log_has r2 \
	"VRRP ID 51 on eth0: we are now the master router \(master resigned \(priority 0\)\)"
# Several advert intervals and a few Master_Down_Intervals of r2's instance 52.
if t_holds_ms 2500 t_only r1 "$VIP2"; then
	t_ok multi_stop_one_other_stays_master
else
	t_fail multi_stop_one_other_stays_master "$VIP2 on '$(t_holders "$VIP2")'"
fi
AFTER=$(changes 52)
t_eq multi_stop_one_no_transition_in_other "$AFTER" "$BEFORE" \
	"$((AFTER - BEFORE)) new state lines for VRID 52"
t_check multi_stop_one_other_still_runs t_alive r1 v52
N=$(t_xdp_progs r1)
t_eq multi_xdp_stays_attached_while_other_runs "$N" 1 "$N XDP programs on r1's eth0"
V=$(t_cfg_vrids r1)
t_eq multi_stopped_instance_left_cfg_map "$V" 52 "vrrpd_cfg holds VRIDs '$V'"

# --- 3. The same VRID on the same interface twice --------------------------------------------
t_phase
vrrpd_once r2 -i eth0 -v 52 -p 100 -d 0.2 "$VIP2"
RC=$?
if [ "$RC" -ne 0 ] && [ "$RC" -ne 124 ] &&
	grep -Eq "VRID 52 on eth0 is already run by vrrpd pid $(t_pid r2 v52)" <<<"$OUT"; then
	t_ok multi_duplicate_vrid_fails "exit $RC"
else
	t_fail multi_duplicate_vrid_fails "exit $RC: $OUT"
fi
t_check multi_duplicate_vrid_leaves_first_running t_alive r2 v52
V=$(t_cfg_vrids r2)
t_eq multi_duplicate_vrid_leaves_cfg_map "$V" "51 52" "vrrpd_cfg holds VRIDs '$V'"
t_check multi_duplicate_vrid_leaves_pid_file test -s "$LAB_DIR/r2/vrrpd-eth0-52.pid"

# --- 4. A nonexistent interface --------------------------------------------------------------
t_phase
vrrpd_once r2 -i nosuch0 -v 60 "$LAB_NET.120"
RC=$?
if [ "$RC" -ne 0 ] && [ "$RC" -ne 124 ] && grep -q "nosuch0" <<<"$OUT"; then
	t_ok multi_nonexistent_interface_fails "exit $RC"
else
	t_fail multi_nonexistent_interface_fails "exit $RC: $OUT"
fi

# --- 5. Daemon mode ---------------------------------------------------------------------------
t_phase
PIDFILE=$LAB_DIR/daemon/vrrpd-eth0-53.pid
START_MS=$(t_now_ms)
timeout 20 nsenter --net="/run/netns/$(lab_ns r1)" "$VRRPD" --pin-dir "/sys/fs/bpf/$LAB_PREFIX-r1" \
	-f "$LAB_DIR/daemon" -i eth0 -v 53 -p 200 -d 0.2 "$VIP3" >"$LAB_DIR/daemon.out" 2>&1
RC=$?
END_MS=$(t_now_ms)
[ -s "$PIDFILE" ] && DAEMON_PID=$(head -n 1 "$PIDFILE")
t_eq multi_daemon_returns_0 "$RC" 0 "exit $RC: $(cat "$LAB_DIR/daemon.out")"
echo "# multi_daemon_returns_0: after $((END_MS - START_MS)) ms"
if [[ "$DAEMON_PID" =~ ^[0-9]+$ ]] && tr '\0' ' ' <"/proc/$DAEMON_PID/cmdline" 2>/dev/null |
	grep -qF -- "$LAB_DIR/daemon"; then
	t_ok multi_daemon_pid_file_names_the_daemon
else
	t_fail multi_daemon_pid_file_names_the_daemon "pid file: '$DAEMON_PID'"
	DAEMON_PID=""
fi
if t_wait_ms "$BOUND" lab_has_ip r1 "$VIP3"; then
	t_ok multi_daemon_becomes_master "${T_WAITED} ms"
else
	t_fail multi_daemon_becomes_master "$VIP3 on '$(t_holders "$VIP3")'"
fi
V=$(t_cfg_vrids r1)
t_eq multi_daemon_shares_maps_with_foreground_instance "$V" "52 53" \
	"vrrpd_cfg holds VRIDs '$V'"
if [ -n "$DAEMON_PID" ]; then
	kill "$DAEMON_PID"
	if t_wait_ms 5000 daemon_gone; then
		t_ok multi_daemon_stops_on_kill "${T_WAITED} ms"
		DAEMON_PID=""
	else
		t_fail multi_daemon_stops_on_kill "pid $DAEMON_PID still running"
	fi
else
	t_fail multi_daemon_stops_on_kill "no pid"
fi
t_check multi_daemon_removed_pid_file test ! -e "$PIDFILE"
if lab_has_ip r1 "$VIP3"; then
	t_fail multi_daemon_removed_its_vip
else
	t_ok multi_daemon_removed_its_vip
fi
t_check multi_daemon_exit_left_other_running t_alive r1 v52

# --- 6. The last instance to leave detaches the XDP program ----------------------------------
t_phase
N=$(t_xdp_progs r1)
t_eq multi_xdp_attached_before_last_exit "$N" 1 "$N XDP programs on r1's eth0"
t_stop r1 v52
RC=$?
t_eq multi_last_exits_0 "$RC" 0 "exit status $RC"
N=$(t_xdp_progs r1)
t_eq multi_xdp_detached_after_last_exit "$N" 0 "$N XDP programs on r1's eth0"
V=$(t_cfg_vrids r1)
t_eq multi_cfg_map_empty_after_last_exit "$V" "" "vrrpd_cfg holds VRIDs '$V'"
t_stop r2 v51
t_stop r2 v52
N=$(t_xdp_progs r2)
t_eq multi_r2_xdp_detached_after_last_exit "$N" 0 "$N XDP programs on r2's eth0"

# --- 7. The pinned program: another build's pin goes, a foreign one is not run ---------------
t_phase
PINS=/sys/fs/bpf/$LAB_PREFIX-r1
OURS=$(cd "$PINS" && echo vrrpd_xdp_*)
t_check multi_program_pinned eval '[ -e "$PINS/$OURS" ] && [ "${OURS#vrrpd_xdp_}" != "*" ]'
# In place of ours, a program that is not vrrpd's; beside it, the pin of another build.
rm -f "$PINS/$OURS"
bpftool prog load "$LAB_ROOT/build/xdp_pass.bpf.o" "$PINS/$OURS" type xdp
bpftool prog load "$LAB_ROOT/build/xdp_pass.bpf.o" "$PINS/vrrpd_xdp_0000000000000000" type xdp
t_start r1 v51 -i eth0 -v 51 -p 200 -d 0.2 "$VIP1"
t_eq multi_foreign_pin_not_attached "$(lab_exec r1 ip -d link show eth0 |
	grep -o 'name [a-z_]*' | head -n 1)" "name vrrpd_xdp"
t_eq multi_foreign_pin_replaced "$(bpftool -j prog show pinned "$PINS/$OURS" | jq -r .name)" vrrpd_xdp
t_check multi_other_build_pin_removed eval '[ ! -e "$PINS/vrrpd_xdp_0000000000000000" ]'
t_check multi_restarted_master t_wait_ms "$BOUND" t_only r1 "$VIP1"
t_stop r1 v51
t_done
