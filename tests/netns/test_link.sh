#!/bin/bash
# Link supervision (issue 5): from rtnetlink link events, plus the driver's own view (ethtool).
#   1. ip link set eth0 down on the master: it steps down at once (FAULT, reason "link down",
#      VIPs and VMAC removed, down script run with FAULT); the backup owns the VIP within a
#      bound of Master_Down_Intervals (the measured time is printed).
#   2. Link back up: the old master rejoins as backup ("link up") and, with the higher
#      priority, preempts.
#   3. Carrier lost from the far end of the veth (the switch port goes down): the same.
#   4. A link that is down when vrrpd starts: FAULT from the start, master once it comes up.
set -u
# shellcheck source=tests/netns/checks.sh
. "$(dirname "${BASH_SOURCE[0]}")/checks.sh"
t_require test_link

VIP=$LAB_VIP
trap lab_down EXIT
trap 'exit 1' INT TERM
lab_up "vtl$$"
export REC=$LAB_DIR/rec
printf '#!/bin/sh\necho "$(basename "$0") $3" >>"$REC"\n' >"$LAB_DIR/down.sh"
chmod +x "$LAB_DIR/down.sh"

# -d 0.5: Master_Down_Interval 1.80 s for r2 (priority 100).
MDI2=$(t_mdi_ms 50 100)
# t_cfg R VRID FIELD: a field of R's vrrpd_cfg entry for VRID.
t_cfg() {
	bpftool -j map dump pinned "/sys/fs/bpf/$LAB_PREFIX-$1/vrrpd_cfg" 2>/dev/null |
		jq -r --argjson vrid "$2" --arg f "$3" '.[].formatted | select(.key.vrid == $vrid) | .value[$f]'
}
holds_none() { lab_lacks_ip "$1" "$VIP"; }

# takeover NAME CMD...: with r1 master, CMD takes r1's link away; r1 must go FAULT at once and
# r2 take the VIP.
takeover() {
	local name=$1 t0 t1
	shift
	"$@"
	t0=$(t_now_ms)
	t_check "${name}_r1_fault_at_once" t_wait_ms 1000 eval '[ "$(t_cfg r1 51 state)" = 3 ]'
	t_check "${name}_r1_vip_removed" t_wait_ms 1000 holds_none r1
	if t_wait_ms $((2 * MDI2)) t_only r2 "$VIP"; then
		t1=$(t_now_ms)
		t_ok "${name}_r2_takes_over" "$((t1 - t0)) ms after the link went, MDI $MDI2 ms"
	else
		t_fail "${name}_r2_takes_over" "VIP held by '$(t_holders "$VIP")'"
	fi
	t_eq "${name}_reason_link_down" "$(t_cfg r1 51 reason)" 9
}

t_start r1 main -i eth0 -v 51 -p 200 -d 0.5 -D "$LAB_DIR/down.sh" "$VIP"
t_start r2 main -i eth0 -v 51 -p 100 -d 0.5 "$VIP"
t_check link_setup_r1_master t_wait_ms 4000 t_only r1 "$VIP"
t_wait_ms 3000 t_log_has r2 "VRRP ID 51 on eth0: master is 10\.99\.0\.1"

# --- 1. Administratively down ----------------------------------------------------------------------
t_phase
takeover link_admin_down lab_exec r1 ip link set eth0 down
t_check link_admin_down_logged t_log_has r1 \
	"VRRP ID 51 on eth0: link down \(administratively down\)"
t_check link_admin_down_fault_logged t_log_has r1 \
	"VRRP ID 51 on eth0: we are now in FAULT state \(link down\), addresses removed"
t_check link_admin_down_script t_wait_ms 2000 grep -qx "down.sh FAULT" "$REC"
t_check link_admin_down_vmac_down eval \
	'[ "$(lab_exec r1 ip -j link show vr51-eth0 | jq -r ".[0].flags | index(\"UP\") // empty")" = "" ]'

# --- 2. Back up: backup first, then preemption ----------------------------------------------------
t_phase
lab_exec r1 ip link set eth0 up
t_check link_up_rejoins_as_backup t_wait_ms 3000 t_log_has r1 \
	"VRRP ID 51 on eth0: we are now a backup router \(link up\)"
t_check link_up_preempts t_wait_ms 5000 t_only r1 "$VIP"

# --- 3. Carrier lost at the far end --------------------------------------------------------------
t_phase
takeover link_carrier lab_exec sw ip link set "$LAB_PREFIX-r1" down
t_check link_carrier_logged t_log_has r1 "VRRP ID 51 on eth0: link down \(no carrier\)"
lab_exec sw ip link set "$LAB_PREFIX-r1" up
t_check link_carrier_back_preempts t_wait_ms 6000 t_only r1 "$VIP"
t_eq link_down_script_once_per_fault "$(grep -c 'down.sh FAULT' "$REC")" 2
t_stop r2
t_stop r1

# --- 4. Down at start ----------------------------------------------------------------------------
t_phase
lab_exec r1 ip link set eth0 down
t_start r1 main -i eth0 -v 52 -p 100 -d 0.1 "$VIP"
t_check link_down_at_start_logged t_wait_ms 3000 t_log_has r1 \
	"VRRP ID 52 on eth0: link down \(administratively down\)"
t_check link_down_at_start_fault t_wait_ms 2000 eval '[ "$(t_cfg r1 52 state)" = 3 ]'
t_check link_down_at_start_no_vip t_holds_ms 1000 holds_none r1
lab_exec r1 ip link set eth0 up
t_check link_down_at_start_then_master t_wait_ms 3000 t_only r1 "$VIP"
t_stop r1
t_done
