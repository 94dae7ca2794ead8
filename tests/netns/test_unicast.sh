#!/bin/bash
# Unicast peers (issue 10: --peer ADDR, for networks that filter multicast), on the lab's LAN.
#   1. r1 (200) and r2 (100) name each other with --peer: r1's adverts go to r2's address and
#      MAC, never to 224.0.0.18 (captured on the switch); r2 follows r1; the receivers send no
#      ICMP protocol unreachable back (vrrpd holds a protocol 112 socket); atropos shows the
#      peers. A third peer that does not exist changes nothing.
#   2. Only the peers are heard: a valid advert at priority 254 from the client, multicast or
#      unicast to r2's address, moves nothing and counts peer_errors.
#   3. kill -9 of r1: r2 takes over within 3 x Master_Down_Interval and advertises to r1's
#      address; the client reaches the VIP.
#   4. An instance without --peer hears only 224.0.0.18: a valid unicast advert to r1's address
#      counts peer_errors and moves nothing.
set -u
# shellcheck source=tests/netns/checks.sh
. "$(dirname "${BASH_SOURCE[0]}")/checks.sh"
t_require test_unicast
t_need test_unicast tcpdump
PY=/usr/bin/python3
"$PY" -c 'import scapy' 2>/dev/null || {
	echo "skip test_unicast: needs python3-scapy"
	exit 0
}
PROBE=$LAB_ROOT/tests/netns/vrrp_probe.py
trap lab_down EXIT
trap 'exit 1' INT TERM
lab_up "vun$$"
VIP=$LAB_VIP
R1=$LAB_NET.1
R2=$LAB_NET.2
MDI=$(t_mdi_ms 10 100)
cfg() {
	bpftool -j map dump pinned "/sys/fs/bpf/$LAB_PREFIX-$1/vrrpd_cfg" |
		jq -r --arg f "$2" '.[].formatted | select(.key.vrid == 51) | .value[$f]'
}
unreach() { lab_exec "$1" nstat -az IcmpOutDestUnreachs | awk '$1 == "IcmpOutDestUnreachs" { print $2 }'; }

# --- 1. Two peers ----------------------------------------------------------------------------------
t_phase
t_capture r1_out sw "$LAB_PREFIX-r1" -Q in -e ip proto 112
t_start r1 main -i eth0 -v 51 -p 200 -d 0.1 --peer "$R2" --peer "$LAB_NET.77" "$VIP"
t_start r2 main -i eth0 -v 51 -p 100 -d 0.1 --peer "$R1" "$VIP"
t_check unicast_r1_master t_wait_ms 3000 t_only r1 "$VIP"
t_check unicast_r2_follows t_wait_ms 2000 t_log_has r2 "VRRP ID 51 on eth0: master is $R1\b"
U0=$(unreach r2)
sleep 1 # ten adverts
t_capture_stop r1_out
OUT=$(t_capture_read r1_out)
N_R2=$(grep -c "> $(t_mac r2), .* $R1 > $R2: VRRPv3" <<<"$OUT")
N_MC=$(grep -c "> 224\.0\.0\.18: VRRP" <<<"$OUT")
if [ "$N_R2" -ge 5 ] && [ "$N_MC" = 0 ]; then
	t_ok unicast_adverts_to_peer "$N_R2 to $R2, none to 224.0.0.18"
else
	t_fail unicast_adverts_to_peer "$N_R2 to $R2 at $(t_mac r2), $N_MC to 224.0.0.18"
fi
t_eq unicast_r2_follows_still "$(cfg r2 state)" 1
t_eq unicast_no_icmp_unreachable "$(($(unreach r2) - U0))" 0
t_eq unicast_accepted_counter_r2 "$(($(t_stat r2 51 adverts_rcvd) > 5))" 1
STATE=$(lab_exec r1 "$ATROPOS" --state --pin-dir "/sys/fs/bpf/$LAB_PREFIX-r1")
t_check unicast_atropos_peers grep -q "^  adverts unicast to, and heard only from, the peers: .*$R2" <<<"$STATE"
t_eq unicast_atropos_json_peers "$(lab_exec r2 "$ATROPOS" --json -s --pin-dir "/sys/fs/bpf/$LAB_PREFIX-r2" |
	jq -c '.instances[0].peers')" "[\"$R1\"]"

# --- 2. Only the peers are heard ------------------------------------------------------------------
t_phase
E0=$(t_stat r2 51 peer_errors)
lab_exec c "$PY" "$PROBE" send eth0 valid 3
lab_exec c "$PY" "$PROBE" unicast eth0 "$R2" "$(t_mac r2)" "$LAB_NET.77" 3
t_check unicast_strangers_counted t_wait_ms 2000 eval '[ $(($(t_stat r2 51 peer_errors) - E0)) -ge 6 ]'
t_eq unicast_strangers_ignored "$(cfg r2 state)/$(lab_exec r2 "$ATROPOS" --json -s \
	--pin-dir "/sys/fs/bpf/$LAB_PREFIX-r2" | jq -r '.instances[0].master_ip')" "1/$R1"
t_check unicast_r1_still_master t_only r1 "$VIP"

# --- 3. Takeover ------------------------------------------------------------------------------------
t_phase
t_capture r2_out sw "$LAB_PREFIX-r2" -Q in -e ip proto 112
t_stop r1 main KILL
t_check unicast_r2_takes_over t_wait_ms $((3 * MDI)) eval '[ "$(cfg r2 state)" = 2 ]'
t_check unicast_client_reaches_vip t_wait_ms 2000 t_ping "$VIP"
sleep 0.5
t_capture_stop r2_out
N_R1=$(t_capture_read r2_out | grep -c "> $(t_mac r1), .* $R2 > $R1: VRRPv3")
t_check unicast_r2_adverts_to_r1 [ "$N_R1" -ge 3 ]
t_stop r2

# --- 4. Without --peer, only multicast ----------------------------------------------------------------
t_phase
t_start r1 other -i eth0 -v 51 -p 100 -d 0.1 "$VIP"
t_check unicast_multicast_instance_master t_wait_ms 3000 eval '[ "$(cfg r1 state)" = 2 ]'
E0=$(t_stat r1 51 peer_errors)
lab_exec c "$PY" "$PROBE" unicast eth0 "$R1" "$(t_mac r1)" "$LAB_NET.77" 3
t_check unicast_to_multicast_instance_counted t_wait_ms 2000 \
	eval '[ $(($(t_stat r1 51 peer_errors) - E0)) -ge 3 ]'
t_eq unicast_to_multicast_instance_ignored "$(cfg r1 state)" 2
t_stop r1 other

t_done
