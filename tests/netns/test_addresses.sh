#!/bin/bash
# Virtual addresses (issue 4, "VLANs and addresses"):
#   1. VIP/LEN is configured with that prefix length on becoming master and removed cleanly on
#      every way out (SIGTERM here), with its subnet route: on the VMAC's macvlan (removed too),
#      and with -n on the interface.
#   2. A VIP that was on the interface before vrrpd started is never added nor removed by vrrpd
#      (it says so in its log); the others are.
set -u
# shellcheck source=tests/netns/checks.sh
. "$(dirname "${BASH_SOURCE[0]}")/checks.sh"
t_require test_addresses

trap lab_down EXIT
trap 'exit 1' INT TERM
lab_up "vtd$$"

# addr_line DEV ADDR: "inet ADDR/LEN" if ADDR is on DEV.
addr_line() { lab_exec r1 ip -4 -o addr show dev "$1" 2>/dev/null | grep -o "inet $2/[0-9]*"; }
# routes_to PREFIX: how many routes r1 has to PREFIX, on any device.
routes_to() { t_count "^$1 " lab_exec r1 ip -4 route show; }

# --- 1. VIP/24, on the VMAC's macvlan and with -n on eth0 ------------------------------------------
t_phase
t_start r1 main -i eth0 -v 91 -p 100 -d 0.1 10.98.0.100/24
t_check addr_prefix_len_configured t_wait_ms 3000 eval \
	'[ "$(addr_line vr91-eth0 10.98.0.100)" = "inet 10.98.0.100/24" ]'
t_check addr_subnet_route lab_exec r1 sh -c 'ip -4 route show dev vr91-eth0 | grep -q "^10.98.0.0/24"'
t_stop r1 main TERM
t_eq addr_prefix_removed "$(t_count 'inet 10\.98\.0\.100/' lab_exec r1 ip -4 -o addr show)" 0
t_eq addr_subnet_route_removed "$(routes_to 10.98.0.0/24)" 0
if lab_exec r1 ip link show vr91-eth0 >/dev/null 2>&1; then
	t_fail addr_vmac_interface_removed "vr91-eth0 is still there"
else
	t_ok addr_vmac_interface_removed
fi

t_start r1 main -n -i eth0 -v 91 -p 100 -d 0.1 10.98.0.100/24
t_check addr_novmac_prefix_len_configured t_wait_ms 3000 eval \
	'[ "$(addr_line eth0 10.98.0.100)" = "inet 10.98.0.100/24" ]'
t_check addr_novmac_subnet_route lab_exec r1 sh -c 'ip -4 route show dev eth0 | grep -q "^10.98.0.0/24"'
t_stop r1 main TERM
t_eq addr_novmac_prefix_removed "$(addr_line eth0 10.98.0.100)" ""
t_eq addr_novmac_subnet_route_removed "$(routes_to 10.98.0.0/24)" 0

# --- 2. An address that was there before is left alone ---------------------------------------------
t_phase
lab_exec r1 ip addr add 10.99.0.101/32 dev eth0
t_start r1 main -i eth0 -v 92 -p 100 -d 0.1 10.99.0.100 10.99.0.101
t_check addr_preexisting_logged t_wait_ms 3000 t_log_has r1 \
	"VRRP ID 92 on eth0: 10\.99\.0\.101 is already configured; vrrpd will not add or remove it"
t_check addr_other_vip_added t_wait_ms 3000 lab_has_ip r1 10.99.0.100
t_stop r1 main TERM
t_check addr_preexisting_kept lab_has_ip r1 10.99.0.101
if lab_has_ip r1 10.99.0.100; then
	t_fail addr_added_vip_removed "10.99.0.100 still configured"
else
	t_ok addr_added_vip_removed
fi
t_done
