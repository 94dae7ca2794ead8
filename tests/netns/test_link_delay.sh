#!/bin/bash
# --link-delay UP:DOWN (issue 22, keepalived's interface_up_down_delays): r1 (priority 200,
# --link-delay 3:2) and r2 (100), both at 1 s.
#   1. r1's link down for half a second, less than DOWN: no FAULT, no transition anywhere.
#   2. Down for longer: FAULT once it has been down 2 s, not before; r2 takes over.
#   3. Up again: r1 counts it once it has been up 3 s, not before, then preempts.
set -u
# shellcheck source=tests/netns/checks.sh
. "$(dirname "${BASH_SOURCE[0]}")/checks.sh"
t_require test_link_delay

VIP=$LAB_VIP
trap lab_down EXIT
trap 'exit 1' INT TERM
lab_up "vtd$$"
MDI2=$(t_mdi_ms 100 100)

t_start r1 main -i eth0 -v 51 -p 200 -d 1 --link-delay 3:2 "$VIP"
t_start r2 main -i eth0 -v 51 -p 100 -d 1 "$VIP"
t_check link_delay_setup_r1_master t_wait_ms 5000 t_only r1 "$VIP"
t_wait_ms 4000 t_log_has r2 "VRRP ID 51 on eth0: master is 10\.99\.0\.1"

# --- 1. A flap shorter than DOWN --------------------------------------------------------------------
t_phase
lab_exec r1 ip link set eth0 down
t_check link_delay_flap_down_noticed t_wait_ms 1000 t_log_has r1 \
	"VRRP ID 51 on eth0: link down: counted once it stays so 2\.00 s"
sleep 0.5 # the flap: down this long
lab_exec r1 ip link set eth0 up
t_check link_delay_flap_up_again t_wait_ms 1000 t_log_has r1 \
	"VRRP ID 51 on eth0: link up again within --link-delay: no change"
# Past DOWN: nothing happens, on either router.
t_check link_delay_flap_no_fault t_holds_ms 2500 t_log_lacks r1 "VRRP ID 51 on eth0: link down \("
t_check link_delay_flap_r1_no_transition t_log_lacks r1 "we are now"
t_check link_delay_flap_r2_no_transition t_log_lacks r2 "we are now"

# --- 2. Down for longer than DOWN ---------------------------------------------------------------
t_phase
lab_exec r1 ip link set eth0 down
START_MS=$(t_now_ms)
if t_wait_ms 6000 t_log_has r1 "VRRP ID 51 on eth0: link down \(administratively down\)"; then
	MS=$(($(t_now_ms) - START_MS))
	# Not before DOWN (the clock of this script starts after ip returned: a little slack).
	t_check link_delay_fault_not_before_down eval "[ $MS -ge 1800 ]"
	echo "# link_delay_fault_not_before_down: FAULT logged $MS ms after the link went down"
else
	t_fail link_delay_fault_not_before_down "no FAULT within 6 s"
fi
t_check link_delay_r2_takes_over t_wait_ms $((2 * MDI2)) t_only r2 "$VIP"

# --- 3. Up again: counted after UP ----------------------------------------------------------------
t_phase
lab_exec r1 ip link set eth0 up
START_MS=$(t_now_ms)
t_check link_delay_up_noticed t_wait_ms 1000 t_log_has r1 \
	"VRRP ID 51 on eth0: link up: counted once it stays so 3\.00 s"
if t_wait_ms 8000 t_log_has r1 "VRRP ID 51 on eth0: link up$"; then
	MS=$(($(t_now_ms) - START_MS))
	t_check link_delay_up_not_before_up eval "[ $MS -ge 2800 ]"
	echo "# link_delay_up_not_before_up: link up counted $MS ms after it came back"
else
	t_fail link_delay_up_not_before_up "no link up within 8 s"
fi
t_check link_delay_r1_preempts t_wait_ms $((2 * MDI2 + 2000)) t_only r1 "$VIP"
t_stop r1
t_stop r2

t_done
