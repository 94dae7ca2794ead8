#!/bin/bash
# The virtual MAC (issue 4, CONFORMANCE.md D1, D4) as the switch and the hosts see it:
#   1. Each router has a macvlan vr51-eth0 with the VMAC; the backup's is down and has no IPv6,
#      so no frame with the VMAC as source ever enters the switch from the backup's port
#      (captured on the switch); the bridge learns the VMAC on the master's port.
#   2. kill -9 of the master: the VMAC moves to the new master's port. The restarted router,
#      backup without preemption, sends nothing from the VMAC either; SIGTERM of the master
#      moves the VMAC back.
#   3. The takeover burst: --garp-count 3 --garp-interval 50 gives exactly three gratuitous ARPs
#      per VIP (sender = target = VIP, from the VMAC, broadcast), about 50 ms apart, and
#      --garp-refresh 1 one more every second while master.
#   4. -n: no macvlan, the interface MAC is learned.
#   5. The magic packet (-n -I VIP -O GATEWAY, with --garp-count 0 so that nothing else tells
#      the gateway): the gateway's neighbour entry for the VIP moves to the new master's MAC by
#      itself; without -I/-O it stays on the old master's (the control).
#   6. With strict reverse-path filtering for all devices, the VIP is still reachable, and the
#      other devices stay strict.
#   7. Start-up: a macvlan left by a vrrpd that died is removed and made again; an interface of
#      that name that is not a VMAC of ours refuses the start.
#   8. The adverts a router hears end in its XDP program once recorded: tcpdump on the backup's
#      eth0 sees none of the master's while its counters count them (on an interface that
#      carries macvlans, each one the kernel saw cost a kworker's wakeup); --pass-adverts hands
#      them on, and tcpdump sees them.
set -u
# shellcheck source=tests/netns/checks.sh
. "$(dirname "${BASH_SOURCE[0]}")/checks.sh"
t_require test_vmac
t_need test_vmac tcpdump

VIP=$LAB_VIP
VMAC=$(t_vmac 51)
trap lab_down EXIT
trap 'exit 1' INT TERM
lab_up "vtm$$"
PORT_R1=$LAB_PREFIX-r1
PORT_R2=$LAB_PREFIX-r2

# link_state R DEV: "UP", "DOWN" or "" (no such device).
link_state() { lab_exec "$1" ip -j link show "$2" 2>/dev/null | jq -r '.[0].operstate // empty'; }
# vmac_frames CAPTURE: frames with the VMAC as source in a capture.
vmac_frames() { t_capture_read "$1" | grep -c " $VMAC > " || true; }

# --- 1. Master and backup ------------------------------------------------------------------------
t_phase
t_capture from_r2 sw "$PORT_R2" -Q in ether src "$VMAC"
t_capture adverts_r1 sw "$PORT_R1" -Q in ether src "$VMAC" and ip proto 112
# -d 0.2: the backup's silence is watched for seconds; at 0.1 s a loaded VM lane (emulated CPU,
# two tests at once) once delayed the master's adverts past Master_Down_Interval.
t_start r1 main -i eth0 -v 51 -p 200 -d 0.2 "$VIP"
t_start r2 main -i eth0 -v 51 -p 100 -d 0.2 "$VIP"
t_check vmac_r1_master t_wait_ms 3000 t_only r1 "$VIP"
t_wait_ms 2000 t_log_has r2 "VRRP ID 51 on eth0: master is 10\.99\.0\.1"
t_check vmac_vip_on_macvlan lab_has_ip r1 "$VIP" vr51-eth0
t_eq vmac_macvlan_address "$(lab_exec r2 ip -j link show vr51-eth0 | jq -r '.[0].address')" "$VMAC"
t_eq vmac_backup_macvlan_down "$(link_state r2 vr51-eth0)" DOWN
t_eq vmac_macvlan_no_ipv6 "$(lab_exec r2 cat /proc/sys/net/ipv6/conf/vr51-eth0/disable_ipv6)" 1
t_check vmac_fdb_on_master_port t_wait_ms 2000 t_fdb_on r1 "$VMAC"
t_check vmac_client_pings_through_vmac t_ping "$VIP"
STATE=$(lab_exec r2 "$ATROPOS" --state --pin-dir "/sys/fs/bpf/$LAB_PREFIX-r2")
t_check vmac_atropos_shows_vmac grep -q "^  VMAC $VMAC\$" <<<"$STATE"
t_check vmac_atropos_shows_xdp_mode grep -q "^  XDP: native mode on eth0\$" <<<"$STATE"
t_eq vmac_client_arp_is_vmac "$(t_client_mac "$VIP")" "$VMAC"
sleep 1 # steady state, adverts every 200 ms from r1
t_capture_stop from_r2
t_capture_stop adverts_r1
t_eq vmac_backup_port_sends_nothing_from_vmac "$(vmac_frames from_r2)" 0 \
	"$(vmac_frames from_r2) frames from $VMAC entered the switch from the backup's port"
# The same capture on the master's port sees its adverts, which leave from the VMAC.
N=$(vmac_frames adverts_r1)
if [ "$N" -ge 5 ]; then
	t_ok vmac_master_adverts_from_vmac "$N adverts"
else
	t_fail vmac_master_adverts_from_vmac "$N adverts from $VMAC on the master's port"
fi

# --- 2. Takeovers move the VMAC ------------------------------------------------------------------
t_phase
t_stop r1 main KILL
t_check vmac_kill9_fdb_moves_to_r2 t_wait_ms 3000 t_fdb_on r2 "$VMAC"
t_check vmac_kill9_client_pings t_ping "$VIP"
t_capture from_r1 sw "$PORT_R1" -Q in ether src "$VMAC"
t_start r1 main -s -i eth0 -v 51 -p 200 -d 0.1 "$VIP"
t_check vmac_restart_removes_leftover t_wait_ms 3000 t_log_has r1 \
	"VRRP ID 51 on eth0: removing vr51-eth0, left by a vrrpd that is gone"
t_wait_ms 2000 t_log_has r1 "VRRP ID 51 on eth0: master is 10\.99\.0\.2"
t_eq vmac_restarted_backup_macvlan_down "$(link_state r1 vr51-eth0)" DOWN
sleep 1
t_capture_stop from_r1
t_eq vmac_restarted_backup_sends_nothing_from_vmac "$(vmac_frames from_r1)" 0
t_check vmac_fdb_stays_on_r2 t_fdb_on r2 "$VMAC"
t_stop r2 main TERM
t_check vmac_sigterm_fdb_moves_to_r1 t_wait_ms 3000 t_fdb_on r1 "$VMAC"
t_check vmac_sigterm_client_pings t_ping "$VIP"
t_eq vmac_stopped_router_has_no_macvlan "$(link_state r2 vr51-eth0)" ""
t_stop r1

# --- 3. The takeover burst and the refresh -------------------------------------------------------
t_phase
t_capture garps c eth0 arp and ether src "$VMAC"
t_start r1 main -i eth0 -v 51 -p 200 -d 0.1 --garp-count 3 --garp-interval 50 --garp-refresh 1 "$VIP"
t_check vmac_garp_master t_wait_ms 3000 t_only r1 "$VIP"
sleep 2.6 # the burst, then two or three refreshes
t_stop r1
t_capture_stop garps
# Lines: "TS 00:00:5e:00:01:33 > ff:ff:ff:ff:ff:ff, ... Request who-has VIP tell VIP, ..."
GARPS=$(t_capture_read garps | grep " $VMAC > ff:ff:ff:ff:ff:ff, .*who-has $VIP tell $VIP,")
NG=$(grep -c . <<<"$GARPS")
# The first three are the burst: gaps ~50 ms (bounds generous for a loaded machine).
GAPS=$(awk 'NR <= 3 { if (NR > 1) printf "%d ", ($1 - p) * 1000; p = $1 }' <<<"$GARPS")
burst_ok() {
	local g
	set -- $GAPS
	[ $# = 2 ] || return 1
	for g in "$@"; do
		[ "$g" -ge 40 ] && [ "$g" -le 500 ] || return 1
	done
}
if burst_ok; then
	t_ok vmac_garp_burst_of_3_at_50ms "gaps ${GAPS}ms"
else
	t_fail vmac_garp_burst_of_3_at_50ms "gaps '${GAPS}' ms, $NG gratuitous ARPs"
fi
# Then one refresh a second: at least two in the 2.6 s (more if the stop was slow), the first
# 0.7 to 3 s after the takeover's first, each next as long after the one before (never a second
# burst).
REFRESH_GAPS=$(awk 'NR == 1 { p = $1 } NR >= 4 { printf "%d ", ($1 - p) * 1000; p = $1 }' <<<"$GARPS")
refresh_ok() {
	local g
	set -- $REFRESH_GAPS
	[ $# -ge 2 ] || return 1
	for g in "$@"; do
		[ "$g" -ge 700 ] && [ "$g" -le 3000 ] || return 1
	done
}
if refresh_ok; then
	t_ok vmac_garp_refresh_every_second "$NG gratuitous ARPs in all, refresh gaps ${REFRESH_GAPS}ms"
else
	t_fail vmac_garp_refresh_every_second \
		"$NG gratuitous ARPs in all, refresh gaps '${REFRESH_GAPS}' ms (want 2 or more, 700..3000)"
fi

# --- 4. -n ------------------------------------------------------------------------------------------
t_phase
t_start r1 main -n -i eth0 -v 51 -p 200 -d 0.1 "$VIP"
t_check vmac_off_master t_wait_ms 3000 t_only r1 "$VIP"
t_eq vmac_off_no_macvlan "$(link_state r1 vr51-eth0)" ""
t_check vmac_off_vip_on_eth0 lab_has_ip r1 "$VIP" eth0
t_check vmac_off_logged t_log_has r1 "VRRP ID 51 on eth0: started, .*no VMAC \(-n\)"
t_check vmac_off_atropos grep -q "^  VMAC off (-n): ARP answered with $(t_mac r1)\$" \
	<<<"$(lab_exec r1 "$ATROPOS" --state --pin-dir "/sys/fs/bpf/$LAB_PREFIX-r1")"
t_stop r1

# --- 5. The magic packet ------------------------------------------------------------------------
t_phase
# The client c (10.99.0.10) plays the gateway. It learns the VIP at r1's MAC from a ping, then
# sends nothing: only what r2 sends on takeover can move its entry.
MAC_R1=$(t_mac r1)
MAC_R2=$(t_mac r2)
gw_entry() { lab_exec c ip -j neigh show "$VIP" dev eth0 | jq -r '.[0].lladdr // empty'; }
# magic_round NAME [R2 ARGS...]: r1 master with -n, the gateway learns it, r1 stops (priority
# 0), r2 takes over with ARGS. Prints how long after r2 held the VIP the gateway moved, or -1.
magic_round() {
	local name=$1 t0
	shift
	lab_exec c ip neigh flush dev eth0
	t_start r1 main -n -i eth0 -v 51 -p 200 -d 0.1 --garp-count 0 "$VIP"
	t_start r2 main -n -i eth0 -v 51 -p 100 -d 0.1 --garp-count 0 "$@" "$VIP"
	t_wait_ms 3000 t_only r1 "$VIP"
	t_wait_ms 2000 t_log_has r2 "VRRP ID 51 on eth0: master is 10\.99\.0\.1"
	t_ping "$VIP"
	if [ "$(gw_entry)" != "$MAC_R1" ]; then
		echo "setup: the gateway has '$(gw_entry)' for the VIP, not r1's $MAC_R1" >&2
		t_stop r1
		t_stop r2
		echo -2
		return
	fi
	sleep 1.1 # past the neighbour locktime (1 s), so nothing but ARP rules decide
	t_stop r1 main TERM
	t_wait_ms 3000 t_only r2 "$VIP"
	t0=$(t_now_ms)
	if t_wait_ms 1000 eval '[ "$(gw_entry)" = "$MAC_R2" ]'; then
		echo $(($(t_now_ms) - t0))
	else
		echo -1
	fi
	t_stop r2
}
MS=$(magic_round magic -I "$VIP" -O 10.99.0.10)
if [ "$MS" -ge 0 ]; then
	t_ok vmac_magic_packet_moves_gateway_entry "${MS} ms after r2 held the VIP"
else
	t_fail vmac_magic_packet_moves_gateway_entry "the gateway has '$(gw_entry)', r2 is $MAC_R2"
fi
MS=$(magic_round control)
t_eq vmac_magic_control_without_it_entry_stays "$MS" -1 \
	"the gateway moved to r2 ${MS} ms after the takeover without the magic packet"

# --- 6. Strict reverse-path filtering (conf/all = 1) ------------------------------------------
t_phase
# Traffic to the VIP arrives on the macvlan, the route back is eth0's: vrrpd moves the global 1
# down to every device, so eth0 stays strict and the macvlan does not.
lab_exec r1 sysctl -qw net.ipv4.conf.all.rp_filter=1 net.ipv4.conf.eth0.rp_filter=0
t_start r1 main -i eth0 -v 51 -p 200 -d 0.1 "$VIP"
t_check vmac_rp_filter_master t_wait_ms 3000 t_only r1 "$VIP"
t_check vmac_rp_filter_client_pings t_wait_ms 2000 t_ping "$VIP"
t_eq vmac_rp_filter_eth0_still_strict \
	"$(lab_exec r1 sysctl -n net.ipv4.conf.eth0.rp_filter net.ipv4.conf.all.rp_filter | tr '\n' ' ')" \
	"1 0 "
t_check vmac_rp_filter_logged t_log_has r1 "net\.ipv4\.conf\.all\.rp_filter was 1: now 0"
t_stop r1

# --- 7. Start-up and leftovers -------------------------------------------------------------------
t_phase
lab_exec r1 ip link add link eth0 name vr51-eth0 address 02:00:00:00:00:51 type macvlan mode bridge
OUT=$(lab_exec r1 "$VRRPD" --foreground --pin-dir "/sys/fs/bpf/$LAB_PREFIX-r1" -f "$LAB_DIR/r1" \
	-i eth0 -v 51 "$VIP" 2>&1)
RC=$?
t_eq vmac_foreign_interface_refused_rc "$RC" 1
t_check vmac_foreign_interface_refused_message grep -q \
	"interface vr51-eth0 exists and is not the VMAC of VRID 51 on eth0: remove it, or run with -n" \
	<<<"$OUT"
t_eq vmac_foreign_interface_left_alone \
	"$(lab_exec r1 ip -j link show vr51-eth0 | jq -r '.[0].address')" 02:00:00:00:00:51
lab_exec r1 ip link del vr51-eth0
# A VMAC macvlan of ours left behind without its maps (pins removed, say): made again.
lab_exec r1 ip link add link eth0 name vr51-eth0 address "$VMAC" type macvlan mode bridge
lab_exec r1 ip link set vr51-eth0 up
t_start r1 main -i eth0 -v 51 -p 200 -d 0.1 "$VIP"
t_check vmac_leftover_removed t_wait_ms 3000 t_log_has r1 \
	"VRRP ID 51 on eth0: removing vr51-eth0, left by a vrrpd that is gone"
t_check vmac_leftover_then_master t_wait_ms 3000 t_only r1 "$VIP"

# --- 8. Where the adverts end --------------------------------------------------------------------
# heard NAME R2-OPTIONS...: r2 (backup) started with these options; SEEN: how many of r1's adverts
# tcpdump on r2's eth0 saw in one second, COUNTED: how many r2's XDP program counted meanwhile.
heard() {
	local name=$1 n0 n1
	shift
	t_phase
	t_start r2 main -i eth0 -v 51 -p 100 -d 0.1 "$@" "$VIP"
	t_wait_ms 3000 t_log_has r2 "VRRP ID 51 on eth0: master is 10\.99\.0\.1"
	t_capture "$name" r2 eth0 -Q in ip proto 112 and src host 10.99.0.1
	n0=$(t_stat r2 51 adverts_rcvd)
	sleep 1
	n1=$(t_stat r2 51 adverts_rcvd)
	t_capture_stop "$name"
	t_stop r2
	SEEN=$(t_capture_read "$name" | wc -l)
	case "$n0 $n1" in
	*missing*) COUNTED=-1 ;; # t_stat said why on stderr
	*) COUNTED=$((n1 - n0)) ;;
	esac
}
heard in_r2
echo "# default: tcpdump on the backup saw $SEEN of r1's adverts in 1 s, its XDP program counted $COUNTED"
t_eq vmac_adverts_end_in_xdp "$SEEN" 0
t_check vmac_adverts_counted_all_the_same [ "${COUNTED:-0}" -ge 5 ]
heard in_r2_pass --pass-adverts
echo "# --pass-adverts: tcpdump on the backup saw $SEEN of r1's adverts in 1 s, its XDP program counted $COUNTED"
t_check vmac_pass_adverts_seen_by_tcpdump [ "${SEEN:-0}" -ge 5 ]
t_check vmac_pass_adverts_counted [ "${COUNTED:-0}" -ge 5 ]
t_stop r1
t_done
