#!/bin/bash
# Interoperability with FRR's vrrpd (Debian 12's FRR 8.4) as the other router (issue 7). FRR needs
# zebra, and a macvlan carrying the VMAC with the VIP on it, made by hand as FRR's documentation
# says (`ip link add vrrp4-eth0-51 link eth0 type macvlan mode bridge`, 00:00:5e:00:01:33); the
# daemons run as the frr user with their sockets in the test's directory. vrrpd in r1.
#   1. FRR at priority 100, vrrpd at 50: FRR masters, vrrpd follows it (and its legacy checksum).
#   2. vrrpd restarted at 200 preempts: FRR becomes backup, having accepted our adverts.
#   3. kill -9 of vrrpd: FRR takes over within 3 x Master_Down_Interval.
#   4. kill -9 of FRR's vrrpd while master: vrrpd takes over; FRR's VIP stays on its macvlan
#      (FRR never removes it), so who is master is read from FRR itself and from the wire.
set -u
# shellcheck source=tests/netns/checks.sh
. "$(dirname "${BASH_SOURCE[0]}")/checks.sh"
t_require test_frr
t_need test_frr /usr/lib/frr/vrrpd /usr/lib/frr/zebra vtysh
if ! id frr >/dev/null 2>&1; then
	echo "skip test_frr: needs the user frr (the frr package makes it)"
	exit 0
fi

VIP=$LAB_VIP
trap lab_down EXIT
trap 'exit 1' INT TERM
lab_up "vtr$$"
FRR=$LAB_DIR/frr
mkdir -p "$FRR"
chmod 711 "$LAB_DIR" # the frr user reaches its own directory below
chown frr:frr "$FRR"
echo "# $(/usr/lib/frr/zebra --version 2>/dev/null | head -1)"

# frr_daemon NAME: zebra or vrrpd, in r2, as the frr user, in the background.
frr_daemon() {
	nsenter --net="/run/netns/$(lab_ns r2)" "/usr/lib/frr/$1" -f "$FRR/$1.conf" \
		-i "$FRR/$1.pid" -z "$FRR/zserv.api" --vty_socket "$FRR" -u frr -g frr -P 0 \
		>>"$LAB_DIR/frr-$1.log" 2>&1 &
	LAB_PID[r2.$1]=$!
}
frr_start() {
	printf 'hostname r2\n' >"$FRR/zebra.conf"
	printf 'interface eth0\n vrrp 51 version 3\n vrrp 51 priority %s\n' "$1" >"$FRR/vrrpd.conf"
	printf ' vrrp 51 advertisement-interval 200\n vrrp 51 ip %s\n' "$VIP" >>"$FRR/vrrpd.conf"
	chown frr:frr "$FRR"/*.conf
	frr_daemon zebra
	t_wait_ms 3000 test -S "$FRR/zserv.api"
	frr_daemon vrrpd
}
# frr_status: Master, Backup, Initialize (or "" if FRR does not answer).
frr_status() {
	lab_exec r2 vtysh --vty_socket "$FRR" -c 'show vrrp json' 2>/dev/null |
		jq -r '.[0].v4.status // empty' 2>/dev/null
}
frr_is() { [ "$(frr_status)" = "$1" ]; }
frr_rx() {
	lab_exec r2 vtysh --vty_socket "$FRR" -c 'show vrrp json' 2>/dev/null | jq -r '.[0].v4.stats.adverRx'
}
vr_start() { t_start r1 main -i eth0 -v 51 "$@" -d 0.2 "$VIP"; }
# vr_state: r1's state (1 backup, 2 master) as published by the vrrpd we started last (a killed
# one's entry stays until its successor takes it over).
vr_state() {
	bpftool -j map dump pinned "/sys/fs/bpf/$LAB_PREFIX-r1/vrrpd_cfg" |
		jq -r --argjson pid "$(t_pid r1)" '.[0].formatted.value | select(.owner_pid == $pid) | .state'
}
vr_master() { [ "$(vr_state)" = 2 ]; }
vr_backup() { [ "$(vr_state)" = 1 ]; }

# FRR's macvlan, as its documentation has it.
lab_exec r2 ip link add vrrp4-eth0-51 link eth0 type macvlan mode bridge
lab_exec r2 ip link set vrrp4-eth0-51 address 00:00:5e:00:01:33
lab_exec r2 ip addr add "$VIP/32" dev vrrp4-eth0-51
lab_exec r2 ip link set vrrp4-eth0-51 up

# --- 1. FRR masters ----------------------------------------------------------------------------------
t_phase
frr_start 100
t_check frr_masters_alone t_wait_ms 5000 frr_is Master
vr_start -p 50
t_check frr_vrrpd_follows_frr t_wait_ms 3000 t_log_has r1 \
	"VRRP ID 51 on eth0: master is 10\.99\.0\.2, priority 100, interval 20 cs"
t_check frr_vrrpd_stays_backup t_holds_ms 1500 vr_backup
t_check frr_vrrpd_auto_legacy_checksum eval '[ "$(t_stat r1 51 csum_legacy)" -gt 0 ]'
t_eq frr_vrrpd_no_checksum_errors "$(t_stat r1 51 checksum_errors)" 0

# --- 2. vrrpd at 200 preempts ------------------------------------------------------------------------
t_phase
t_stop r1 main TERM
vr_start -p 200
t_check frr_higher_vrrpd_masters t_wait_ms 4000 vr_master
t_check frr_becomes_backup t_wait_ms 3000 frr_is Backup
t_check frr_accepts_our_adverts eval '[ "$(frr_rx)" -gt 0 ]'
t_check frr_stays_backup t_holds_ms 1500 frr_is Backup

# --- 3. kill -9 of vrrpd ------------------------------------------------------------------------------
t_phase
t_stop r1 main KILL
# FRR at priority 100, 0.2 s: Master_Down_Interval 0.72 s.
if t_wait_ms 2200 frr_is Master; then
	t_ok frr_takes_over_after_kill9 "${T_WAITED} ms"
else
	t_fail frr_takes_over_after_kill9 "FRR is '$(frr_status)'"
fi

# --- 4. kill -9 of FRR's vrrpd --------------------------------------------------------------------------
t_phase
vr_start -p 50
t_check frr_restarted_vrrpd_backup t_wait_ms 3000 vr_backup
t_check frr_restarted_vrrpd_stays_backup t_holds_ms 1000 vr_backup
kill -9 "$(t_pid r2 vrrpd)"
t_reap r2 vrrpd
# vrrpd at priority 50: Master_Down_Interval 0.6 + 0.16 s.
if t_wait_ms 2300 vr_master; then
	t_ok frr_vrrpd_takes_over_after_frr_kill9 "${T_WAITED} ms"
else
	t_fail frr_vrrpd_takes_over_after_frr_kill9 "vrrpd is not master"
fi
t_check frr_vrrpd_holds_vip lab_has_ip r1 "$VIP"
t_stop r1
t_stop r2 zebra
t_done
