#!/bin/bash
# ARP for the virtual IP answered by the XDP program (CONFORMANCE.md D1, D2, D3) and the lease:
#   1. The client's arping gets exactly one reply per request, from the VMAC, counted by the
#      master's XDP program (arp_replies), never by the backup's.
#   2. kill -9 of the master's vrrpd: its kernel still has the VIP configured (nothing removed
#      it), but its XDP program stops answering once the lease runs out, at the moment the peer
#      takes over. arping then gets exactly one reply per request, from the new master.
#   3. SIGTERM: the same, after Skew_Time.
#   4. -n (no VMAC): the same with the interface MACs.
set -u
# shellcheck source=tests/netns/checks.sh
. "$(dirname "${BASH_SOURCE[0]}")/checks.sh"
t_require test_arp
t_need test_arp arping

VIP=$LAB_VIP
trap lab_down EXIT
trap 'exit 1' INT TERM
lab_up "vta$$"
MAC_R1=$(t_mac r1)
MAC_R2=$(t_mac r2)
VMAC=$(t_vmac 51)

# arp_from MAC: 3 requests (the first broadcast), 3 replies, every one from MAC.
arp_from() {
	local out want
	want=$(echo "$1" | tr a-f A-F)
	out=$(lab_exec c arping -c 3 -w 4 -I eth0 "$VIP" 2>&1)
	if [ "$(grep -c '^Unicast reply' <<<"$out")" = 3 ] &&
		[ "$(grep -c "\[$want\]" <<<"$out")" = 3 ] && grep -q 'Received 3 response' <<<"$out"; then
		return 0
	fi
	echo "arp_from $want: arping said:" >&2
	sed 's/^/  /' <<<"$out" >&2
	return 1
}

# answered_by R BEFORE_R1 BEFORE_R2: R's XDP program answered the 3 requests of arp_from since
# the counts BEFORE_*, the other router's none.
answered_by() {
	local r1 r2
	r1=$(($(t_stat r1 51 arp_replies) - $2))
	r2=$(($(t_stat r2 51 arp_replies) - $3))
	if [ "$1" = r1 ]; then
		[ "$r1" -ge 3 ] && [ "$r2" = 0 ]
	else
		[ "$r2" -ge 3 ] && [ "$r1" = 0 ]
	fi
}

# --- 1. The master answers, the backup does not ------------------------------------------------
t_phase
t_start r1 main -i eth0 -v 51 -p 200 -d 0.2 "$VIP"
t_start r2 main -i eth0 -v 51 -p 100 -d 0.2 "$VIP"
t_wait_ms 4000 t_only r1 "$VIP"
t_wait_ms 3000 t_log_has r2 "VRRP ID 51 on eth0: master is 10\.99\.0\.1"
t_check arp_master_answers_once_per_request_from_vmac arp_from "$VMAC"
t_check arp_answered_in_xdp_by_r1 t_wait_ms 1000 answered_by r1 0 0

# --- 2. kill -9: the lease runs out, the dead master's host goes silent ------------------------
t_phase
t_stop r1 main KILL
t_check arp_kill9_takeover t_wait_ms 3000 lab_has_ip r2 "$VIP"
t_check arp_kill9_vip_still_configured_on_dead_master lab_has_ip r1 "$VIP"
lab_exec c ip neigh flush dev eth0
B1=$(t_stat r1 51 arp_replies)
B2=$(t_stat r2 51 arp_replies)
t_check arp_kill9_only_new_master_answers arp_from "$VMAC"
t_check arp_kill9_answered_by_r2 t_wait_ms 1000 answered_by r2 "$B1" "$B2"
t_check arp_kill9_dead_master_drops t_wait_ms 1000 eval '[ "$(t_stat r1 51 arp_dropped)" -ge 1 ]'
t_check arp_kill9_client_pings t_ping "$VIP"

# --- 3. Restart (it removes the VIP the dead process left), then SIGTERM ------------------------
t_phase
t_start r1 main -i eth0 -v 51 -p 200 -d 0.2 "$VIP"
t_check arp_restart_adopts t_wait_ms 3000 t_log_has r1 "taking over from vrrpd pid [0-9]+, which is gone"
t_check arp_restart_preempts t_wait_ms 4000 t_only r1 "$VIP"
B1=$(t_stat r1 51 arp_replies)
B2=$(t_stat r2 51 arp_replies)
t_check arp_restart_master_answers arp_from "$VMAC"
t_check arp_restart_answered_by_r1 t_wait_ms 1000 answered_by r1 "$B1" "$B2"
t_stop r1 main TERM
t_check arp_sigterm_takeover t_wait_ms 2000 t_only r2 "$VIP"
lab_exec c ip neigh flush dev eth0
t_check arp_sigterm_new_master_answers arp_from "$VMAC"
t_stop r2

# --- 4. -n: the interface MACs answer ------------------------------------------------------------
t_phase
lab_exec c ip neigh flush dev eth0
t_start r1 main -n -i eth0 -v 51 -p 200 -d 0.2 "$VIP"
t_start r2 main -n -i eth0 -v 51 -p 100 -d 0.2 "$VIP"
t_check arp_novmac_r1_master t_wait_ms 4000 t_only r1 "$VIP"
t_check arp_novmac_vip_on_eth0 lab_has_ip r1 "$VIP" eth0
t_check arp_novmac_r1_mac_answers arp_from "$MAC_R1"
t_stop r1 main TERM
t_check arp_novmac_sigterm_takeover t_wait_ms 2000 t_only r2 "$VIP"
lab_exec c ip neigh flush dev eth0
t_check arp_novmac_r2_mac_answers arp_from "$MAC_R2"
t_stop r2
t_done
