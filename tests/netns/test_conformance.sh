#!/bin/bash
# Conformance probes (issue 7, CONFORMANCE.md R1..R7): into a lab with a running master (r1,
# priority 100) and backup (r2, priority 50), the client injects with scapy each kind of invalid
# advert, three times, claiming priority 254 for their VRID: none changes any state or counts as an
# advert, and each increments its own drop counter by three on both routers, and both daemons
# live on (the original could be stopped by one crafted packet). Besides R1..R7 proper: an IP
# length beyond the frame, a count beyond the message, a valid advert tagged for a VLAN where
# no instance runs. Then R9 in a
# VRRPv2 lab with a password: wrong password, wrong type, wrong interval. A valid probe is the
# control each time. (R8, IPv6's, is in test_xdp's IPv6 rows.)
set -u
# shellcheck source=tests/netns/checks.sh
. "$(dirname "${BASH_SOURCE[0]}")/checks.sh"
t_require test_conformance
PY=/usr/bin/python3
if ! "$PY" -c 'import scapy' 2>/dev/null; then
	echo "skip test_conformance: needs python3-scapy"
	exit 0
fi
PROBE=$LAB_ROOT/tests/netns/vrrp_probe.py
trap lab_down EXIT
trap 'exit 1' INT TERM
lab_up "vtc$$"

t_start r1 main -i eth0 -v 51 -p 100 -d 0.2 "$LAB_VIP"
t_start r2 main -i eth0 -v 51 -p 50 -d 0.2 "$LAB_VIP"
t_check conf_setup_r1_master t_wait_ms 4000 t_only r1 "$LAB_VIP"
t_wait_ms 3000 t_log_has r2 "VRRP ID 51 on eth0: master is 10\.99\.0\.1, priority 100"

# cfg R FIELD: a field of R's VRID 51 entry in vrrpd_cfg.
cfg() { t_cfg "$1" 51 "$2"; }
state_line() {
	echo "$(cfg r1 state) $(cfg r1 master_transitions) $(cfg r2 state) $(cfg r2 master_transitions) $(cfg r2 master_ip)"
}
STATE0=$(state_line)
RCVD1=$(t_stat r1 51 adverts_rcvd)
# counted R VRID COUNTER BEFORE: the counter went up by 3 (at least: exactly is checked after).
counted() { [ $(($(t_stat "$1" "$2" "$3") - $4)) -ge 3 ]; }

while read -r name counter vrid; do
	b1=$(t_stat r1 "$vrid" "$counter")
	b2=$(t_stat r2 "$vrid" "$counter")
	lab_exec c "$PY" "$PROBE" send eth0 "$name" 3
	t_wait_ms 2000 counted r1 "$vrid" "$counter" "$b1"
	t_wait_ms 2000 counted r2 "$vrid" "$counter" "$b2"
	t_eq "conf_${name}_counted_by_r1" "$(($(t_stat r1 "$vrid" "$counter") - b1))" 3 \
		"$counter went up by $(($(t_stat r1 "$vrid" "$counter") - b1))"
	t_eq "conf_${name}_counted_by_r2" "$(($(t_stat r2 "$vrid" "$counter") - b2))" 3 \
		"$counter went up by $(($(t_stat r2 "$vrid" "$counter") - b2))"
done < <("$PY" "$PROBE" cases)

# R6 for tagged frames: the XDP program sees the tag only if the NIC leaves it in the frame.
t_check conf_rxvlan_offload_off eval \
	'lab_exec r1 ethtool -k eth0 | grep -q "^rx-vlan-offload: off"'
t_check conf_rxvlan_offload_logged t_log_has r1 \
	"VRRP ID 51 on eth0: turned off rx VLAN offload \(ethtool -K eth0 rxvlan off\), so that XDP sees VLAN tags"

sleep 1 # more than a Master_Down_Interval (0.7 s): a probe taken as an advert would show by now
t_eq conf_no_state_changed "$(state_line)" "$STATE0"
t_eq conf_no_advert_counted_by_master "$(t_stat r1 51 adverts_rcvd)" "$RCVD1"
t_check conf_r1_still_master t_only r1 "$LAB_VIP"
t_check conf_daemons_alive eval 't_alive r1 && t_alive r2'

# The control: the same advert, valid, is taken at once (a higher priority: the master yields).
lab_exec c "$PY" "$PROBE" send eth0 valid 1
t_check conf_control_valid_probe_taken t_wait_ms 2000 t_log_has r1 \
	"VRRP ID 51 on eth0: we are now a backup router \(higher priority advert\)"
t_stop r1
t_stop r2

# --- R9: VRRPv2 authentication and interval ----------------------------------------------------------
t_phase
V2=(-i eth0 -v 51 -d 1 --vrrp-version 2 -a pw/secret "$LAB_VIP")
t_start r1 v2 -p 100 "${V2[@]}"
t_start r2 v2 -p 50 "${V2[@]}"
t_check conf_v2_setup_r1_master t_wait_ms 8000 t_only r1 "$LAB_VIP"
t_wait_ms 4000 eval '[ "$(cfg r2 state)" = 1 ] && [ "$(cfg r2 master_transitions)" = 0 ]'
STATE0=$(state_line)
while read -r name counter vrid; do
	b1=$(t_stat r1 "$vrid" "$counter")
	lab_exec c "$PY" "$PROBE" send eth0 "$name" 3
	t_wait_ms 2000 counted r1 "$vrid" "$counter" "$b1"
	t_eq "conf_${name}_counted" "$(($(t_stat r1 "$vrid" "$counter") - b1))" 3
done < <("$PY" "$PROBE" cases2)
sleep 1
t_eq conf_v2_no_state_changed "$(state_line)" "$STATE0"
lab_exec c "$PY" "$PROBE" send eth0 valid2 1
t_check conf_v2_control_valid_probe_taken t_wait_ms 3000 t_log_has r1 \
	"VRRP ID 51 on eth0: we are now a backup router \(higher priority advert\)"
t_done
