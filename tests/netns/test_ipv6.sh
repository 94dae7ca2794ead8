#!/bin/bash
# VRRPv3 for IPv6 (issue 10, RFC 9568, CONFORMANCE.md wire format, R8, D1, D5) on the lab's LAN: two
# vrrpd routers with the virtual addresses fe80::1 (the virtual router's link-local, advertised
# first) and 2001:db8::100/64, and a client at 2001:db8::10.
#   1. The master's adverts as the switch sees them: from the VMAC 00:00:5e:00:02:33 to
#      33:33:00:00:00:12, from its interface's link-local address to ff02::12, hop limit 255,
#      the link-local VIP first, a checksum tcpdump accepts (IPv6 pseudo-header). The VIPs are
#      on the master's macvlan only; the backup's is down with IPv6 off.
#   2. The client reaches the global VIP; its neighbour entry is the VMAC with the router flag:
#      the Neighbor Solicitation was answered in XDP (nd_replies) and the backup dropped its copy
#      (nd_dropped). The backup sends no frame from the VMAC and no Neighbor Advertisement.
#   3. kill -9 of the master: the backup takes over within 3 x Master_Down_Interval and sends
#      exactly --garp-count 3 unsolicited NAs per VIP (R=1, S=0, O=1, to ff02::1, from the
#      VMAC); the client still reaches the VIP. atropos shows the IPv6 instance.
#   4. SIGTERM of the master: priority 0, the other takes over at once.
#   5. -n: the VIPs go on the interface and the NS is answered with its own MAC.
set -u
# shellcheck source=tests/netns/checks.sh
. "$(dirname "${BASH_SOURCE[0]}")/checks.sh"
t_require test_ipv6
t_need test_ipv6 tcpdump
if [ ! -e /proc/sys/net/ipv6 ]; then
	echo "skip test_ipv6: the kernel has no IPv6"
	exit 0
fi
trap lab_down EXIT
trap 'exit 1' INT TERM
lab_up "vt6$$"
LL=fe80::1
VIP=2001:db8::100
VMAC=00:00:5e:00:02:33
MDI=$(t_mdi_ms 10 100)
lab_exec c ip -6 addr add 2001:db8::10/64 dev eth0 nodad
# The interfaces' own link-local addresses, once out of Duplicate Address Detection.
lladdr() { lab_exec "$1" ip -j -6 addr show dev eth0 scope link | jq -r '.[0].addr_info[] | select(.tentative != true) | .local' | head -1; }
t_check ipv6_link_local_ready t_wait_ms 5000 eval '[ -n "$(lladdr r1)" ] && [ -n "$(lladdr r2)" ]'
LL_R1=$(lladdr r1)
has6() { lab_exec "$1" ip -6 addr show dev "${3:-vr51-eth0}" 2>/dev/null | grep -q "inet6 $2/"; }
holders6() {
	local h out=""
	for h in r1 r2; do has6 "$h" "$VIP" "${1:-vr51-eth0}" && out="$out${out:+ }$h"; done
	echo "$out"
}
ping6() { lab_exec c ping -6 -c 1 -W 1 -q "$VIP" >/dev/null 2>&1; }
neigh() { lab_exec c ip -6 neigh show "$VIP" dev eth0; }
A() { lab_exec "$1" "$ATROPOS" --pin-dir "/sys/fs/bpf/$LAB_PREFIX-$1" "${@:2}"; }
J() { A "$1" --json -s | jq -r ".instances[0] | $2"; }

# --- 1. The master's adverts -----------------------------------------------------------------------
t_phase
t_capture r1_out sw "$LAB_PREFIX-r1" -Q in ip6 proto 112
t_capture r2_out sw "$LAB_PREFIX-r2" -Q in -e ether src "$VMAC" or icmp6
t_start r1 main -i eth0 -v 51 -p 200 -d 0.1 --garp-count 3 --garp-interval 50 "$VIP/64" "$LL"
t_start r2 main -i eth0 -v 51 -p 100 -d 0.1 --garp-count 3 --garp-interval 50 "$VIP/64" "$LL"
t_check ipv6_r1_master t_wait_ms 3000 eval '[ "$(holders6)" = r1 ]'
t_check ipv6_r2_follows t_wait_ms 2000 t_log_has r2 "VRRP ID 51 on eth0: master is $LL_R1, priority 200"
t_check ipv6_link_local_vip_on_master has6 r1 "$LL"
# A NIC filters multicast MACs nobody asked for: vrrpd asks for the group's.
t_check ipv6_joined_group_mac grep -q "link  33:33:00:00:00:12" <<<"$(lab_exec r2 ip maddr show dev eth0)"
t_eq ipv6_backup_macvlan_ipv6_off "$(lab_exec r2 cat /proc/sys/net/ipv6/conf/vr51-eth0/disable_ipv6)" 1
sleep 1
t_capture_stop r1_out
ADV=$(t_capture_read r1_out -vv | grep -A1 "$VMAC > 33:33:00:00:00:12" | tr -s ' \n\t' ' ')
N=$(grep -o "hlim 255, next-header VRRP (112)" <<<"$ADV" | wc -l)
if [ "$N" -ge 5 ]; then
	t_ok ipv6_adverts_vmac_to_ff02_12_hlim_255 "$N adverts"
else
	t_fail ipv6_adverts_vmac_to_ff02_12_hlim_255 "$N adverts from $VMAC with hop limit 255: $(head -c 600 <<<"$ADV")"
fi
t_check ipv6_adverts_from_link_local grep -q "$LL_R1 > ff02::12: VRRPv3, Advertisement, vrid 51, prio 200" <<<"$ADV"
t_check ipv6_adverts_link_local_first grep -q "addrs(2): $LL,$VIP" <<<"$ADV"
t_check ipv6_adverts_checksum_good eval '! grep -q "bad vrrp cksum" <<<"$ADV"'

# --- 2. Neighbor Discovery ---------------------------------------------------------------------------
t_phase
t_check ipv6_client_reaches_vip t_wait_ms 2000 ping6
t_check ipv6_client_neighbour_is_vmac_router grep -q "lladdr $VMAC router" <<<"$(neigh)"
t_check ipv6_ns_answered_in_xdp eval '[ "$(t_stat r1 51 nd_replies)" -ge 1 ]'
t_check ipv6_backup_dropped_ns eval '[ "$(t_stat r2 51 nd_dropped)" -ge 1 ]'
t_capture_stop r2_out
OUT=$(t_capture_read r2_out)
t_eq ipv6_backup_sends_nothing_from_vmac "$(grep -c "$VMAC >" <<<"$OUT")" 0
t_eq ipv6_backup_sends_no_na "$(grep -c "neighbor advertisement" <<<"$OUT")" 0
t_eq ipv6_atropos_backup "$(J r2 '.family + " " + .master_ip + " " + .vmac')" "ipv6 $LL_R1 $VMAC"

# --- 3. kill -9 of the master ------------------------------------------------------------------------
t_phase
t_capture takeover sw "$LAB_PREFIX-r2" -Q in icmp6
t_stop r1 main KILL
t_check ipv6_kill9_takeover t_wait_ms $((3 * MDI)) has6 r2 "$VIP"
sleep 0.5 # the burst: 3 NAs 50 ms apart
t_capture_stop takeover
NA=$(t_capture_read takeover -vv | tr -s ' \n\t' ' ' | grep -o "$VMAC > 33:33:00:00:00:01[^>]*> ff02::1: \[icmp6 sum ok\] ICMP6, neighbor advertisement, length 32, tgt is [0-9a-f:]*, Flags \[router, override\]" || true)
t_eq ipv6_unsolicited_na_vip "$(grep -c "tgt is $VIP," <<<"$NA")" 3
t_eq ipv6_unsolicited_na_link_local "$(grep -c "tgt is $LL," <<<"$NA")" 3
t_check ipv6_client_reaches_vip_after_takeover t_wait_ms 2000 ping6
t_check ipv6_client_neighbour_still_vmac grep -q "lladdr $VMAC" <<<"$(neigh)"
STATE=$(A r2 -s)
t_check ipv6_atropos_state grep -q "VRRPv3 IPv6, priority 100" <<<"$STATE"
t_eq ipv6_atropos_json "$(J r2 '[.family, .state, .vips[0], .vips[1]] | join(" ")' | tr ' ' '\n' | sort | tr '\n' ' ')" \
	"$(printf '%s\n' 2001:db8::100 MASTER fe80::1 ipv6 | sort | tr '\n' ' ')"

# --- 4. SIGTERM: priority 0 ----------------------------------------------------------------------------
t_phase
t_start r1 main -i eth0 -v 51 -p 200 -d 0.1 "$VIP/64" "$LL"
t_check ipv6_restart_preempts t_wait_ms $((3 * MDI + 2000)) eval '[ "$(holders6)" = r1 ]'
t_stop r1
t_check ipv6_sigterm_takeover t_wait_ms 1000 eval '[ "$(holders6)" = r2 ]'
t_check ipv6_sigterm_resigned t_log_has r2 "we are now the master router \(master resigned \(priority 0\)\)"
t_stop r2

# --- 5. -n: no VMAC ---------------------------------------------------------------------------------------
t_phase
lab_exec c ip -6 neigh flush dev eth0
t_start r1 main -i eth0 -v 51 -p 200 -d 0.1 -n "$VIP/64" "$LL"
t_check ipv6_novmac_vip_on_interface t_wait_ms 3000 has6 r1 "$VIP" eth0
t_check ipv6_novmac_client_reaches_vip t_wait_ms 2000 ping6
t_check ipv6_novmac_neighbour_is_interface grep -q "lladdr $(t_mac r1) router" <<<"$(neigh)"
t_stop r1

t_done
