#!/bin/bash
# --track IFACE[:WEIGHT] (issue 10, keepalived's track_interface): an instance on eth0 that
# also depends on eth1's link.
#   1. With a weight (-150): eth1 down lowers r1's priority from 200 to 50, below r2's 100: r1
#      advertises it at once and r2 (preempt) takes over; eth1 back: 200 again, r1 preempts.
#   2. Without a weight: eth1 down makes r1 FAULT, as its own link would (VIP removed, r2 takes
#      over after Master_Down_Interval); eth1 back: r1 starts over and preempts.
#   3. A tracked interface already down at start: the instance starts with the lowered priority.
set -u
# shellcheck source=tests/netns/checks.sh
. "$(dirname "${BASH_SOURCE[0]}")/checks.sh"
t_require test_track
trap lab_down EXIT
trap 'exit 1' INT TERM
lab_up "vtk$$"
lab_lan2
VIP=$LAB_VIP
cfg() {
	bpftool -j map dump pinned "/sys/fs/bpf/$LAB_PREFIX-$1/vrrpd_cfg" |
		jq -r --argjson v "$2" --arg f "$3" '.[].formatted | select(.key.vrid == $v) | .value[$f]'
}
MDI=$(t_mdi_ms 10 100)

# --- 1. A weight -------------------------------------------------------------------------------------
t_phase
t_start r1 main -i eth0 -v 51 -p 200 -d 0.1 --track eth1:-150 "$VIP"
t_start r2 main -i eth0 -v 51 -p 100 -d 0.1 "$VIP"
t_check track_setup t_wait_ms 4000 t_only r1 "$VIP"
lab_exec r1 ip link set eth1 down
t_check track_weight_logged t_wait_ms 2000 t_log_has r1 \
	"VRRP ID 51 on eth0: tracked interface eth1 is down$"
t_check track_weight_priority t_wait_ms 2000 eval '[ "$(cfg r1 51 priority)" = 50 ]'
t_check track_weight_priority_logged t_log_has r1 \
	"VRRP ID 51 on eth0: priority 50 \(configured 200, -150 from tracking\)"
t_check track_weight_peer_takes_over t_wait_ms $((3 * MDI)) t_only r2 "$VIP"
t_eq track_weight_not_fault "$(cfg r1 51 state)" 1
lab_exec r1 ip link set eth1 up
t_check track_weight_back t_wait_ms 2000 eval '[ "$(cfg r1 51 priority)" = 200 ]'
t_check track_weight_preempts_back t_wait_ms $((3 * MDI + 1000)) t_only r1 "$VIP"
t_stop r1

# --- 2. No weight: FAULT -----------------------------------------------------------------------------
t_phase
t_start r1 main -i eth0 -v 51 -p 200 -d 0.1 --track eth1 "$VIP"
t_check track_fault_setup t_wait_ms 4000 t_only r1 "$VIP"
lab_exec r1 ip link set eth1 down
t_check track_fault_state t_wait_ms 2000 eval '[ "$(cfg r1 51 state)" = 3 ]'
t_check track_fault_logged t_log_has r1 \
	"VRRP ID 51 on eth0: link down \(tracked interface eth1 down\)"
t_check track_fault_vip_removed t_wait_ms 1000 lab_lacks_ip r1 "$VIP"
t_check track_fault_peer_takes_over t_wait_ms $((3 * MDI)) t_only r2 "$VIP"
lab_exec r1 ip link set eth1 up
t_check track_fault_back t_wait_ms $((3 * MDI + 2000)) t_only r1 "$VIP"
t_stop r1

# --- 3. Down at start -------------------------------------------------------------------------------
t_phase
lab_exec r1 ip link set eth1 down
t_start r1 main -i eth0 -v 51 -p 200 -d 0.1 --track eth1:-150 "$VIP"
t_check track_down_at_start_priority t_wait_ms 3000 eval '[ "$(cfg r1 51 priority)" = 50 ]'
t_check track_down_at_start_follows t_wait_ms 3000 t_log_has r1 \
	"VRRP ID 51 on eth0: master is 10\.99\.0\.2, priority 100"
t_check track_down_at_start_stays_backup t_holds_ms 1000 t_only r2 "$VIP"
lab_exec r1 ip link set eth1 up
t_check track_down_at_start_then_master t_wait_ms $((3 * MDI + 2000)) t_only r1 "$VIP"
t_stop r1
t_stop r2
t_done
