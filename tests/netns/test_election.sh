#!/bin/bash
# Election in a lab of two routers and a client (CONFORMANCE.md S1, S2, S4, S7, S10, R9):
#   1. VRRPv3, priorities 200 and 100: r1 is master, holds the VIP alone, answers the client.
#   2. VRRPv3, equal priorities: the higher primary address wins (S7). Backups with equal
#      priorities never compare addresses (S10): whoever's Master_Down_Timer fires first would
#      simply stay master. So both routers are first partitioned (bridge port isolation, the
#      client still sees both) until both are master, then joined: the tie-break is then
#      between two masters, as S7 has it, and must leave r2 (10.99.0.2) master.
#   3. VRRPv2 with a password: elects like v3.
#   4. VRRPv2 with different passwords: the adverts are dropped (R9), both become master.
# Each scenario uses its own VRID so the log lines are its own.
set -u
# shellcheck source=tests/netns/checks.sh
. "$(dirname "${BASH_SOURCE[0]}")/checks.sh"
t_require test_election

VIP=$LAB_VIP
trap lab_down EXIT
trap 'exit 1' INT TERM
lab_up "vte$$"

# --- 1. VRRPv3, higher priority wins (S1, S2, S4) -------------------------------------------
t_phase
# -d 0.2: Master_Down_Interval 0.64 s (priority 200), 0.72 s (priority 100).
BOUND=$((3 * $(t_mdi_ms 20 100) + 500)) # 3 x MDI, plus their first adverts
t_start r1 main -i eth0 -v 51 -p 200 -d 0.2 "$VIP"
t_start r2 main -i eth0 -v 51 -p 100 -d 0.2 "$VIP"
t_started r1 51 && t_started r2 51
if t_wait_ms "$BOUND" t_only r1 "$VIP"; then
	t_ok election_v3_higher_priority_is_master "${T_WAITED} ms"
else
	t_fail election_v3_higher_priority_is_master "VIP held by '$(t_holders "$VIP")'"
fi
t_wait_ms 2000 t_log_has r2 "VRRP ID 51 on eth0: master is 10\.99\.0\.1, priority 200"
t_check election_v3_backup_follows_r1 t_log_has r2 \
	"VRRP ID 51 on eth0: master is 10\.99\.0\.1, priority 200"
# RFC 9568: one master at a time. Poll for 3 s (~15 checks).
if t_holds_ms 3000 t_only r1 "$VIP"; then
	t_ok election_v3_vip_on_exactly_one_router
else
	t_fail election_v3_vip_on_exactly_one_router "VIP held by '$(t_holders "$VIP")'"
fi
t_check election_v3_client_reaches_vip t_wait_ms 3000 t_ping "$VIP"
# The client's ARP entry is the VMAC, and the switch has learned the VMAC on r1's port.
MAC_C=$(t_client_mac "$VIP")
if [ "$MAC_C" = "$(t_vmac 51)" ] && t_fdb_on r1 "$MAC_C"; then
	t_ok election_v3_client_arp_is_vmac_on_r1
else
	t_fail election_v3_client_arp_is_vmac_on_r1 \
		"client has '$MAC_C', the switch has $(t_vmac 51) on '$(t_fdb_port "$(t_vmac 51)")'"
fi
t_stop r1
t_stop r2

# --- 2. VRRPv3, equal priority: the higher primary address wins between masters (S7, S10) ---
t_phase
lab_exec sw bridge link set dev "$LAB_PREFIX-r1" isolated on
lab_exec sw bridge link set dev "$LAB_PREFIX-r2" isolated on
t_start r1 main -i eth0 -v 52 -p 100 -d 0.2 "$VIP"
t_start r2 main -i eth0 -v 52 -p 100 -d 0.2 "$VIP"
both_hold() { [ "$(t_holders "$VIP")" = "r1 r2" ]; }
if t_wait_ms "$BOUND" both_hold; then
	t_ok election_v3_partitioned_routers_both_master "${T_WAITED} ms"
else
	t_fail election_v3_partitioned_routers_both_master "VIP held by '$(t_holders "$VIP")'"
fi
lab_exec sw bridge link set dev "$LAB_PREFIX-r1" isolated off
lab_exec sw bridge link set dev "$LAB_PREFIX-r2" isolated off
# The first advert each hears decides: within one interval, give it 3 x MDI.
if t_wait_ms "$BOUND" t_only r2 "$VIP"; then
	t_ok election_v3_equal_priority_higher_address_wins "${T_WAITED} ms"
else
	t_fail election_v3_equal_priority_higher_address_wins "VIP held by '$(t_holders "$VIP")'"
fi
t_check election_v3_equal_priority_loser_logs_reason t_log_has r1 \
	"VRRP ID 52 on eth0: we are now a backup router \(equal priority, higher address\)"
if t_holds_ms 2000 t_only r2 "$VIP"; then
	t_ok election_v3_equal_priority_vip_on_exactly_one_router
else
	t_fail election_v3_equal_priority_vip_on_exactly_one_router \
		"VIP held by '$(t_holders "$VIP")'"
fi
t_stop r1
t_stop r2

# --- 3. VRRPv2 with a password elects too ---------------------------------------------------
t_phase
# -d 1 (v2 intervals are whole seconds): MDI 3.22 s (priority 200), 3.61 s (priority 100).
V2_BOUND=$((3 * $(t_mdi_ms 100 100) + 500))
t_start r1 main --vrrp-version 2 -a pw/secret -d 1 -i eth0 -v 53 -p 200 "$VIP"
t_start r2 main --vrrp-version 2 -a pw/secret -d 1 -i eth0 -v 53 -p 100 "$VIP"
if t_wait_ms "$V2_BOUND" t_only r1 "$VIP"; then
	t_ok election_v2_higher_priority_is_master "${T_WAITED} ms"
else
	t_fail election_v2_higher_priority_is_master "VIP held by '$(t_holders "$VIP")'"
fi
t_wait_ms 3000 t_log_has r2 "VRRP ID 53 on eth0: master is 10\.99\.0\.1, priority 200"
t_check election_v2_backup_follows_r1 t_log_has r2 \
	"VRRP ID 53 on eth0: master is 10\.99\.0\.1, priority 200"
if t_holds_ms 2500 t_only r1 "$VIP"; then
	t_ok election_v2_vip_on_exactly_one_router
else
	t_fail election_v2_vip_on_exactly_one_router "VIP held by '$(t_holders "$VIP")'"
fi
N=$(t_stat r2 53 auth_errors)
A=$(t_stat r2 53 adverts_rcvd)
if [ "$N" = 0 ] && [ "${A:-0}" -gt 0 ] 2>/dev/null; then
	t_ok election_v2_same_password_adverts_accepted "adverts_rcvd $A"
else
	t_fail election_v2_same_password_adverts_accepted "adverts_rcvd '$A', auth_errors '$N'"
fi

# --- 4. VRRPv2, different passwords: every advert fails R9, both are master -----------------
t_phase
t_stop r2
t_start r2 main --vrrp-version 2 -a pw/other -d 1 -i eth0 -v 53 -p 100 "$VIP"
if t_wait_ms "$V2_BOUND" both_hold; then
	t_ok election_v2_password_mismatch_both_master "${T_WAITED} ms"
else
	t_fail election_v2_password_mismatch_both_master "VIP held by '$(t_holders "$VIP")'"
fi
# Over two more intervals, neither steps down.
if t_holds_ms 2500 both_hold; then
	t_ok election_v2_password_mismatch_stays_both_master
else
	t_fail election_v2_password_mismatch_stays_both_master "VIP held by '$(t_holders "$VIP")'"
fi
for r in r2 r1; do
	N=$(t_stat "$r" 53 auth_errors)
	if [ "${N:-0}" -gt 0 ] 2>/dev/null; then
		t_ok "election_v2_password_mismatch_${r}_counts_auth_errors" "auth_errors $N"
	else
		t_fail "election_v2_password_mismatch_${r}_counts_auth_errors" "auth_errors '$N'"
	fi
done
t_stop r1
t_stop r2

# --- 5. R11: a different interval or address list is accepted, and logged once ----------------
t_phase
t_start r1 main -i eth0 -v 54 -p 200 -d 0.2 "$VIP"
t_start r2 main -i eth0 -v 54 -p 100 -d 0.1 "$VIP" 10.99.0.101
t_check election_r11_master_followed t_wait_ms 3000 t_log_has r2 \
	"VRRP ID 54 on eth0: master is 10\.99\.0\.1, priority 200, interval 20 cs"
t_check election_r11_interval_logged t_log_has r2 \
	"VRRP ID 54 on eth0: advert from 10\.99\.0\.1 has interval 20 cs, ours is 10 cs"
t_check election_r11_addresses_logged t_log_has r2 \
	"VRRP ID 54 on eth0: advert from 10\.99\.0\.1 lists 1 addresses that differ from ours \(2\)"
sleep 1
t_eq election_r11_logged_once "$(grep -c 'advert from 10.99.0.1 has interval' "$LAB_DIR/r2.log")" 1
t_check election_r11_backup_stays_backup t_only r1 "$VIP"
t_stop r1
t_stop r2
t_done
