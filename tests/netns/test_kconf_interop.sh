#!/bin/bash
# One keepalived.conf, two daemons (issue 23): keepalived runs the file in r2, vrrpd runs the
# same file in r1 (--keepalived). Both at priority 150, so the higher address (r2's) is master;
# a vrrp_script with weight -100 fails where $LAB_DIR/fail-NETNS exists; notify_master writes
# which router became master to $LAB_DIR/masters.
#   1. r2 (keepalived) masters; its notify_master ran.
#   2. r2's check fails: r1 (vrrpd) takes over, its notify_master (--notify-master) ran; r2's
#      check is healthy again: r2 does not preempt r1 (equal priority: a Backup does not,
#      whatever the addresses).
#   3. r1's check fails: r2 takes back; the three notify_masters ran in order. keepalived killed:
#      r1 takes over all the same (its failing check only lowers it to 50).
#   notify_backup, notify_stop and notify: both daemons tell their scripts the same words
#   (INSTANCE VI_1 STATE PRIORITY, the priority as it is then) at the same changes; vrrpd
#   runs them in order, notify last, and STOP when it stops.
set -u
# shellcheck source=tests/netns/checks.sh
. "$(dirname "${BASH_SOURCE[0]}")/checks.sh"
t_require test_kconf_interop
t_need test_kconf_interop keepalived

VIP=$LAB_VIP
trap lab_down EXIT
trap 'exit 1' INT TERM
lab_up "vki$$"
CONF=$LAB_DIR/keepalived.conf
NS1=$(lab_ns r1)
NS2=$(lab_ns r2)
printf '#!/bin/sh\n[ ! -e "%s/fail-$(ip netns identify)" ]\n' "$LAB_DIR" >"$LAB_DIR/check.sh"
printf '#!/bin/sh\necho "$(ip netns identify) MASTER" >>"%s/masters"\n' "$LAB_DIR" >"$LAB_DIR/master.sh"
# Every change, as each daemon tells its notify scripts: "$@", one file per router.
printf '#!/bin/sh\necho "$*" >>"%s/notify-$(ip netns identify)"\n' "$LAB_DIR" >"$LAB_DIR/notify.sh"
chmod 755 "$LAB_DIR/check.sh" "$LAB_DIR/master.sh" "$LAB_DIR/notify.sh"
cat >"$CONF" <<CONF
! The same file for both routers.
global_defs {
    router_id lab
}
vrrp_script chk {
    script "$LAB_DIR/check.sh"
    interval 1
    weight -100
}
vrrp_instance VI_1 {
    state BACKUP
    interface eth0
    virtual_router_id 51
    priority 150
    advert_int 1
    virtual_ipaddress {
        $VIP/32
    }
    track_script {
        chk
    }
    notify_master "$LAB_DIR/master.sh"
    notify_backup "$LAB_DIR/notify.sh backup"
    notify_stop "$LAB_DIR/notify.sh stop"
    notify "$LAB_DIR/notify.sh any"
}
CONF
# Master_Down_Interval at priority 50 and 1 s: 3.8 s; the checks run every second.
BOUND=$(($(t_mdi_ms 100 50) + 3000))
masters() { cat "$LAB_DIR/masters" 2>/dev/null; }

rm -f "$LAB_DIR/ka.pid" "$LAB_DIR/ka-vrrp.pid"
nsenter --net="/run/netns/$NS2" keepalived -n -l -G -D -P -f "$CONF" -p "$LAB_DIR/ka.pid" \
	-r "$LAB_DIR/ka-vrrp.pid" >>"$LAB_DIR/keepalived.log" 2>&1 &
LAB_PID[r2.ka]=$!
t_wait_ms 3000 test -s "$LAB_DIR/ka-vrrp.pid"
t_start r1 main --keepalived "$CONF"
t_check kconf_interop_vrrpd_read_it t_log_has r1 "VRRP ID 51 on eth0: started, VRRPv2"

# --- 1. keepalived masters ---------------------------------------------------------------------
t_phase
t_check kconf_interop_r2_master t_wait_ms $((2 * BOUND)) t_only r2 "$VIP"
t_check kconf_interop_r2_notified t_wait_ms 3000 grep -qx "$NS2 MASTER" "$LAB_DIR/masters"
t_check kconf_interop_r1_backup t_holds_ms 1500 t_only r2 "$VIP"

# --- 2. A failing check moves the master; equal again, it stays -------------------------------
t_phase
touch "$LAB_DIR/fail-$NS2"
t_check kconf_interop_r1_takes_over t_wait_ms "$BOUND" t_only r1 "$VIP"
t_check kconf_interop_r1_notified t_wait_ms 3000 grep -qx "$NS1 MASTER" "$LAB_DIR/masters"
t_check kconf_interop_r1_priority_150 eval '[ "$(t_cfg r1 51 priority)" = 150 ]'
# A Backup does not preempt a master of its own priority (RFC 3768 6.4.2), whatever the addresses.
rm -f "$LAB_DIR/fail-$NS2"
t_check kconf_interop_equal_does_not_preempt t_holds_ms 3000 t_only r1 "$VIP"

# --- 3. vrrpd's own check moves it back; keepalived gone -------------------------------------------
t_phase
touch "$LAB_DIR/fail-$NS1"
t_check kconf_interop_r1_check_lowers t_wait_ms "$BOUND" eval '[ "$(t_cfg r1 51 priority)" = 50 ]'
t_check kconf_interop_r2_takes_back t_wait_ms "$BOUND" t_only r2 "$VIP"
t_check kconf_interop_notified_in_order t_wait_ms 3000 eval \
	'[ "$(masters | tr "\n" ,)" = "$NS2 MASTER,$NS1 MASTER,$NS2 MASTER," ]'
anys() { grep '^any' "$LAB_DIR/notify-$1" 2>/dev/null | tr '\n' ,; }
t_wait_ms 3000 eval '[ "$(anys "$NS2" | tr -cd ,)" = ",,,," ]'
# keepalived starts its scripts without waiting for them: only --notify's lines are in order.
t_eq kconf_interop_keepalived_notify "$(anys "$NS2")" \
	"any INSTANCE VI_1 BACKUP 150,any INSTANCE VI_1 MASTER 150,any INSTANCE VI_1 BACKUP 50,any INSTANCE VI_1 MASTER 150,"
child=$(cat "$LAB_DIR/ka-vrrp.pid" 2>/dev/null)
kill -STOP "$(t_pid r2 ka)" ${child:+"$child"} 2>/dev/null
kill -9 "$(t_pid r2 ka)" ${child:+"$child"} 2>/dev/null
t_reap r2 ka
lab_exec r2 ip addr del "$VIP/32" dev eth0 2>/dev/null
t_check kconf_interop_r1_takes_over_alone t_wait_ms "$BOUND" t_only r1 "$VIP"
t_stop r1 main TERM
# The same words at the same changes, and vrrpd's in order: notify_<state>, then notify.
t_wait_ms 3000 grep -q "STOP" "$LAB_DIR/notify-$NS1"
t_eq kconf_interop_vrrpd_notify "$(tr '\n' , <"$LAB_DIR/notify-$NS1")" \
	"backup,any INSTANCE VI_1 BACKUP 150,any INSTANCE VI_1 MASTER 150,backup,any INSTANCE VI_1 BACKUP 50,any INSTANCE VI_1 MASTER 50,stop,any INSTANCE VI_1 STOP 50,"
t_done
