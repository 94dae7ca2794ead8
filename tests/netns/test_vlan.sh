#!/bin/bash
# Instances on 802.1Q devices (CONFORMANCE.md R6): eth0.100 and eth0.200 on both routers, the same
# VRID 51 on both VLANs, each with its own VIP. The two instances are independent: r1 masters
# VLAN 100 and r2 VLAN 200; stopping r1's VLAN 100 instance moves VLAN 100 to r2 and leaves
# VLAN 200 untouched. The XDP program runs on the VLAN devices (generic mode: 8021q has no
# native XDP). Each instance has its own macvlan on its VLAN device (vr51-eth0.100,
# vr51-eth0.200) with the same VMAC 00:00:5e:00:01:33: the VLAN-aware switch learns it on r1's
# port in VLAN 100 and on r2's in VLAN 200, and moves only VLAN 100's on the takeover. Needs a
# kernel with 802.1Q devices (Debian's: make check-vm).
set -u
# shellcheck source=tests/netns/checks.sh
. "$(dirname "${BASH_SOURCE[0]}")/checks.sh"
t_require test_vlan
if ! lab_kernel_has_vlan; then
	echo "skip test_vlan: this kernel has no 802.1Q VLAN devices (8021q); run make check-vm"
	exit 0
fi

trap lab_down EXIT
trap 'exit 1' INT TERM
lab_up "vtv$$"
lab_vlan 100 10.100.0
lab_vlan 200 10.200.0
VIP100=10.100.0.100
VIP200=10.200.0.100

# only R DEV ADDR: R holds ADDR on DEV and the other router does not.
only() {
	local other=r2
	[ "$1" = r2 ] && other=r1
	lab_has_ip "$1" "$3" "$2" && lab_lacks_ip "$other" "$3" "$2"
}

# VLAN 200 must not change while VLAN 100 does: at 0.5 s (Master_Down_Interval 1.8 s), a stall of
# the emulated VM (check-vm runs without KVM here) cannot pass for a silent master, as a 0.36 s
# one did at 0.1 s.
t_start r1 v100 -i eth0.100 -v 51 -p 200 -d 0.1 "$VIP100"
t_start r1 v200 -i eth0.200 -v 51 -p 100 -d 0.5 "$VIP200"
t_start r2 v100 -i eth0.100 -v 51 -p 100 -d 0.1 "$VIP100"
t_start r2 v200 -i eth0.200 -v 51 -p 200 -d 0.5 "$VIP200"
t_check vlan_100_r1_master t_wait_ms 5000 only r1 vr51-eth0.100 "$VIP100"
t_check vlan_200_r2_master t_wait_ms 5000 only r2 vr51-eth0.200 "$VIP200"
t_check vlan_generic_xdp_logged t_log_has r1 "VRRP ID 51 on eth0\.100: started.*XDP generic mode"
VMAC=$(t_vmac 51)
t_check vlan_100_vip_on_its_macvlan lab_has_ip r1 "$VIP100" vr51-eth0.100
t_check vlan_200_vip_on_its_macvlan lab_has_ip r2 "$VIP200" vr51-eth0.200
t_check vlan_100_fdb_vmac_on_r1 t_wait_ms 2000 t_fdb_on r1 "$VMAC" 100
t_check vlan_200_fdb_vmac_on_r2 t_wait_ms 2000 t_fdb_on r2 "$VMAC" 200
t_check vlan_100_client_ping t_wait_ms 3000 t_ping "$VIP100"
t_check vlan_200_client_ping t_wait_ms 3000 t_ping "$VIP200"
# Both instances are VRID 51: neither VLAN's adverts reach the other VLAN's instance.
t_check vlan_200_backup_follows_r2 t_log_has r1 \
	"VRRP ID 51 on eth0\.200: master is 10\.200\.0\.2, priority 200"
if t_log_has r1 "VRRP ID 51 on eth0\.100: master is" ||
	t_log_has r2 "VRRP ID 51 on eth0\.200: master is"; then
	t_fail vlan_no_cross_talk "a master followed an advert from the other VLAN"
else
	t_ok vlan_no_cross_talk
fi

# Stop r1's VLAN 100 instance: r2 takes VLAN 100 (priority 0, Skew_Time); VLAN 200 stays.
V200_LINES=$(grep -c "eth0.200" "$LAB_DIR/r1.log" "$LAB_DIR/r2.log" | awk -F: '{s += $2} END {print s}')
t_stop r1 v100 TERM
t_check vlan_100_moves_to_r2 t_wait_ms 3000 only r2 vr51-eth0.100 "$VIP100"
t_check vlan_200_stays_on_r2 t_holds_ms 1500 only r2 vr51-eth0.200 "$VIP200"
t_check vlan_100_fdb_vmac_moves_to_r2 t_wait_ms 2000 t_fdb_on r2 "$VMAC" 100
t_check vlan_200_fdb_vmac_stays_on_r2 t_fdb_on r2 "$VMAC" 200
t_eq vlan_200_no_transition \
	"$(grep -c "eth0.200" "$LAB_DIR/r1.log" "$LAB_DIR/r2.log" | awk -F: '{s += $2} END {print s}')" \
	"$V200_LINES" "log lines about eth0.200 changed"
t_check vlan_200_client_ping_after t_ping "$VIP200"
t_stop r1 v200
t_stop r2 v100
t_stop r2 v200
t_done
