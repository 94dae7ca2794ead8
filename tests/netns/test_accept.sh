#!/bin/bash
# Accept_Mode (issue 10, CONFORMANCE.md D2, RFC 9568 6.1 and 6.4.3), as a host on the LAN sees it.
#   1. The default (on): the master answers a ping to the VIP; atropos says accept on.
#   2. --no-accept on both routers: the client still gets the VMAC for the VIP (ARP answered)
#      and still reaches what is behind the master through it (a route via the VIP), but a ping
#      to the VIP itself gets no answer; accept_mode_dropped counts the dropped requests on the
#      master; atropos --json says accept_mode false. After a kill -9 of the master, the same on
#      the new master.
#   3. The owner (priority 255) always accepts, even with --no-accept.
set -u
# shellcheck source=tests/netns/checks.sh
. "$(dirname "${BASH_SOURCE[0]}")/checks.sh"
t_require test_accept
trap lab_down EXIT
trap 'exit 1' INT TERM
lab_up "vac$$"
VIP=$LAB_VIP
BEHIND=10.77.0.1 # on each router's loopback: reached through the gateway, not at the VIP
VMAC=$(t_vmac 51)
MDI=$(t_mdi_ms 10 100)
for r in r1 r2; do
	lab_exec "$r" ip addr add "$BEHIND/32" dev lo
done
lab_exec c ip route add 10.77.0.0/24 via "$VIP"
atropos_json() {
	lab_exec "$1" "$ATROPOS" --json -s --pin-dir "/sys/fs/bpf/$LAB_PREFIX-$1" |
		jq -r ".instances[] | select(.vrid == 51) | .$2"
}

# --- 1. The default ------------------------------------------------------------------------------
t_start r1 main -i eth0 -v 51 -p 200 -d 0.1 "$VIP"
t_start r2 main -i eth0 -v 51 -p 100 -d 0.1 "$VIP"
t_check accept_default_setup t_wait_ms 3000 t_only r1 "$VIP"
t_check accept_default_ping_vip t_wait_ms 2000 t_ping "$VIP"
# (And, since it is here: the interface receives 01:00:5e:00:00:12, which vrrpd joined.)
t_check accept_joined_group_mac grep -q "link  01:00:5e:00:00:12" <<<"$(lab_exec r2 ip maddr show dev eth0)"
t_eq accept_default_json "$(atropos_json r1 accept_mode)" true
t_check accept_default_state grep -q "preempt on, accept on," \
	<<<"$(lab_exec r1 "$ATROPOS" --state --pin-dir "/sys/fs/bpf/$LAB_PREFIX-r1")"
t_eq accept_default_nothing_dropped "$(t_stat r1 51 accept_mode_dropped)" 0
t_stop r1
t_stop r2
lab_exec c ip neigh flush dev eth0

# --- 2. --no-accept --------------------------------------------------------------------------------
t_start r1 main -i eth0 -v 51 -p 200 -d 0.1 --no-accept "$VIP"
t_start r2 main -i eth0 -v 51 -p 100 -d 0.1 --no-accept "$VIP"
t_check accept_off_setup t_wait_ms 3000 t_only r1 "$VIP"
t_check accept_off_forwards_through_vmac t_wait_ms 2000 t_ping "$BEHIND"
t_eq accept_off_arp_answered_with_vmac "$(t_client_mac "$VIP")" "$VMAC"
if t_ping "$VIP" || t_ping "$VIP"; then
	t_fail accept_off_ping_vip_unanswered "the master answered a ping to $VIP"
else
	t_ok accept_off_ping_vip_unanswered
fi
N=$(t_stat r1 51 accept_mode_dropped)
if [ "$N" -ge 2 ]; then
	t_ok accept_off_counted "$N dropped"
else
	t_fail accept_off_counted "accept_mode_dropped is $N after two pings"
fi
t_eq accept_off_json "$(atropos_json r1 accept_mode)" false
t_eq accept_off_json_counter "$(atropos_json r1 counters.accept_mode_dropped)" "$N"
t_check accept_off_state grep -q "^  packets to the VIPs dropped as master (accept off): $N\$" \
	<<<"$(lab_exec r1 "$ATROPOS" --state --pin-dir "/sys/fs/bpf/$LAB_PREFIX-r1")"
# The VIP is on the master all the same: its own traffic from the VIP is not the XDP's business.
t_check accept_off_vip_present lab_has_ip r1 "$VIP" vr51-eth0

t_stop r1 main KILL
t_check accept_off_takeover t_wait_ms $((3 * MDI)) lab_has_ip r2 "$VIP" vr51-eth0
t_check accept_off_new_master_forwards t_wait_ms 2000 t_ping "$BEHIND"
if t_ping "$VIP" || t_ping "$VIP"; then
	t_fail accept_off_new_master_ping_unanswered "the new master answered a ping to $VIP"
else
	t_ok accept_off_new_master_ping_unanswered
fi
N=$(t_stat r2 51 accept_mode_dropped)
t_check accept_off_new_master_counted [ "$N" -ge 2 ]
t_stop r2
lab_exec c ip neigh flush dev eth0

# --- 3. The owner ----------------------------------------------------------------------------------
# r1's counters are still those of section 2: the restart adopts them with the instance.
N=$(t_stat r1 51 accept_mode_dropped)
t_start r1 main -i eth0 -v 51 -p 255 -d 0.1 --no-accept "$VIP"
t_check accept_owner_setup t_wait_ms 3000 t_only r1 "$VIP"
t_check accept_owner_ping_vip t_wait_ms 2000 t_ping "$VIP"
t_eq accept_owner_nothing_dropped "$(t_stat r1 51 accept_mode_dropped)" "$N"
t_stop r1

t_done
