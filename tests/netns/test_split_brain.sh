#!/bin/bash
# Split brain healing (CONFORMANCE.md D6): r1 (priority 200) is master; its port leaves the
# switch (its own link stays up), so r2 (priority 100) becomes master too and the switch learns
# the VMAC on r2's port. The port comes back: r2 hears r1 and steps down, r1 hears r2 (another
# master, lower priority: S8) and sends its takeover burst of gratuitous ARPs again, from the
# VMAC, so the switch moves the VMAC back to r1's port at once, not when some later frame from
# the VMAC happens to cross it.
#   1. Multicast adverts: r1's answer (S8) leaves from the VMAC too; the burst is seen on r1's
#      port, and r1 logs the meeting once.
#   2. --peer: the adverts leave through the kernel's IP path, from eth0's MAC: the burst is all
#      that moves the VMAC back, and without it the client's traffic to the VIP goes to r2's port
#      (where r2, backup, drops it) until the switch forgets the VMAC.
# r1 advertises every 3 s and r2 every second, and the port comes back just after one of r1's
# adverts: the two meet through r2's next advert (a second later at most, on the clock's common
# grid: fsm.c fsm_adver_next_ns), while r1's next routine advert is two seconds after that. So
# the VMAC back on r1's port within one second of r2 stepping down is the burst's doing.
set -u
# shellcheck source=tests/netns/checks.sh
. "$(dirname "${BASH_SOURCE[0]}")/checks.sh"
t_require test_split_brain
t_need test_split_brain tcpdump

VIP=$LAB_VIP
VMAC=$(t_vmac 51)
GARPS=3
trap lab_down EXIT
trap 'exit 1' INT TERM
lab_up "sbh$$"
PORT_R1=$LAB_PREFIX-r1

# after_r1_advert: returns just after r1 sent an advert (its counter moved).
# shellcheck disable=SC2016,SC2034 # n0 is read by the eval'd condition
after_r1_advert() {
	local n0
	n0=$(t_cfg r1 51 adverts_sent) || return 1
	t_wait_ms 5000 eval '[ "$(t_cfg r1 51 adverts_sent)" != "$n0" ]'
}

# garps_from_r1 CAPTURE: r1's gratuitous ARPs for the VIP from the VMAC in a capture.
garps_from_r1() {
	t_capture_read "$1" | grep -c " $VMAC > ff:ff:ff:ff:ff:ff, .*who-has $VIP tell $VIP," || true
}

# split_round NAME R1-ARGS -- R2-ARGS: one split and its healing, checks named NAME_*.
split_round() {
	local n=$1 r1_args=() r2_args=() heal_ms fdb_ms down_ms first MET
	shift
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		r1_args+=("$1")
		shift
	done
	shift
	r2_args=("$@")

	t_phase
	t_start r1 main -i eth0 -v 51 -p 200 -d 3 --garp-count "$GARPS" --garp-interval 50 \
		"${r1_args[@]}" "$VIP" || return
	t_start r2 main -i eth0 -v 51 -p 100 -d 1 --garp-count "$GARPS" --garp-interval 50 \
		"${r2_args[@]}" "$VIP" || return
	t_check "${n}_r1_master" t_wait_ms 15000 t_only r1 "$VIP"
	t_wait_ms 5000 t_log_has r2 "VRRP ID 51 on eth0: master is 10\.99\.0\.1"
	t_ping "$VIP"
	t_wait_ms 2000 t_fdb_on r1 "$VMAC"

	# The cut: r1's port leaves the bridge; r1's eth0 keeps its carrier, and r1 stays master.
	lab_exec sw ip link set "$PORT_R1" nomaster
	# shellcheck disable=SC2016 # expanded by eval, at each poll
	t_check "${n}_split_both_master" \
		t_wait_ms 20000 eval '[ "$(t_holders "$VIP")" = "r1 r2" ]'
	t_check "${n}_split_vmac_on_r2_port" t_wait_ms 3000 t_fdb_on r2 "$VMAC"
	t_capture "garps_$n" sw "$PORT_R1" -Q in arp and ether src "$VMAC"

	# The healing, just after one of r1's adverts.
	after_r1_advert
	t_phase
	lab_exec sw ip link set "$PORT_R1" master br0
	heal_ms=$(t_now_ms)
	fdb_ms=
	t_wait_ms 6000 t_fdb_on r1 "$VMAC" && fdb_ms=$(t_now_ms)
	t_check "${n}_r2_back_to_backup" t_wait_ms 5000 t_log_has r2 \
		"VRRP ID 51 on eth0: we are now a backup router \(higher priority advert\)"
	down_ms=$(t_log_ms r2 "we are now a backup router") || down_ms=
	if [ -n "$fdb_ms" ] && [ -n "$down_ms" ] && [ $((fdb_ms - down_ms)) -le 1000 ]; then
		echo "measured: $n: the VMAC on r1's port $((fdb_ms - down_ms)) ms after r2 stepped" \
			"down ($((fdb_ms - heal_ms)) ms after the port came back; polled every 50 ms)"
		t_ok "${n}_vmac_back_on_r1_port_within_1s" \
			"$((fdb_ms - down_ms)) ms after r2 stepped down"
	else
		t_fail "${n}_vmac_back_on_r1_port_within_1s" \
			"the VMAC on port '$(t_fdb_port "$VMAC")' (on r1's at ${fdb_ms:-never}," \
			"r2 backup at ${down_ms:-never}, port back at $heal_ms)"
	fi
	t_check "${n}_r2_gave_up_vip" t_wait_ms 3000 t_only r1 "$VIP"
	t_check "${n}_r1_stayed_master" t_log_lacks r1 "we are now a backup router"
	t_eq "${n}_client_neighbour_is_vmac" "$(t_client_mac "$VIP")" "$VMAC"
	t_check "${n}_client_pings_vip" t_ping "$VIP"
	sleep 1 # the burst (3 x 50 ms) is long over
	t_capture_stop "garps_$n"
	t_eq "${n}_r1_garps_again" "$(garps_from_r1 "garps_$n")" "$GARPS" \
		"$(garps_from_r1 "garps_$n") gratuitous ARPs from r1 after the port came back"
	first=$(t_capture_read "garps_$n" | awk -v vip="$VIP" '$0 ~ "who-has " vip " tell " vip "," {
		printf "%.0f", $1 * 1000; exit }')
	[ -z "$first" ] || [ -z "$down_ms" ] ||
		echo "measured: $n: r1's first gratuitous ARP $((first - down_ms)) ms after r2" \
			"stepped down (capture against log stamps, to the ms)"
	MET='VRRP ID 51 on eth0: another master \(10\.99\.0\.2, priority 100\) met: '
	MET+='we stay master, gratuitous ARPs again$'
	t_eq "${n}_another_master_logged_once" "$(t_log_since r1 | grep -Ec "$MET")" 1
	t_stop r1
	t_stop r2
}

# --- 1. Multicast adverts -------------------------------------------------------------------
split_round split_multicast --
# --- 2. Unicast peers -----------------------------------------------------------------------
split_round split_peer --peer 10.99.0.2 -- --peer 10.99.0.1
t_done
