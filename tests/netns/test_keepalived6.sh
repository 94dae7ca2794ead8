#!/bin/bash
# Interoperability with keepalived (Debian 12's 2.2.7) over IPv6 (issue 10): vrrpd in r1,
# keepalived in r2, VRID 51 with the virtual addresses fe80::1 and 2001:db8::100/64, VRRPv3 at
# 0.2 s, keepalived with and without use_vmac.
#   The higher priority masters; kill -9 of either side and the other takes over; SIGTERM of
#   either side and the other takes over at once (priority 0); a lower priority vrrpd does not
#   preempt keepalived, a higher one does; vrrpd finds no checksum (C2) or address list (R8)
#   error in keepalived's adverts, and learns its link-local address as the master's.
set -u
# shellcheck source=tests/netns/checks.sh
. "$(dirname "${BASH_SOURCE[0]}")/checks.sh"
t_require test_keepalived6
t_need test_keepalived6 keepalived
if [ ! -e /proc/sys/net/ipv6 ]; then
	echo "skip test_keepalived6: the kernel has no IPv6"
	exit 0
fi
LL=fe80::1
VIP=2001:db8::100
trap lab_down EXIT
trap 'exit 1' INT TERM
lab_up "vk6$$"
lladdr() { lab_exec "$1" ip -j -6 addr show dev eth0 scope link | jq -r '.[0].addr_info[] | select(.tentative != true) | .local' | head -1; }
t_check ka6_link_local_ready t_wait_ms 5000 eval '[ -n "$(lladdr r1)" ] && [ -n "$(lladdr r2)" ]'
LL_R2=$(lladdr r2)

# ka_start PRIO [instance lines...]: keepalived in r2, in the foreground.
ka_start() {
	local prio=$1 conf=$LAB_DIR/keepalived.conf
	shift
	{
		printf 'global_defs {\n\trouter_id r2\n\tvrrp_version 3\n}\n'
		printf 'vrrp_instance VI_6 {\n\tstate BACKUP\n\tinterface eth0\n'
		printf '\tvirtual_router_id 51\n\tpriority %s\n\tadvert_int 0.2\n' "$prio"
		printf '\t%s\n' "$@"
		printf '\tvirtual_ipaddress {\n\t\t%s/64\n\t\t%s/64\n\t}\n}\n' "$LL" "$VIP"
	} >"$conf"
	rm -f "$LAB_DIR/ka.pid" "$LAB_DIR/ka-vrrp.pid"
	nsenter --net="/run/netns/$(lab_ns r2)" keepalived -n -l -G -D -P -f "$conf" \
		-p "$LAB_DIR/ka.pid" -r "$LAB_DIR/ka-vrrp.pid" >>"$LAB_DIR/keepalived.log" 2>&1 &
	LAB_PID[r2.ka]=$!
	t_wait_ms 3000 test -s "$LAB_DIR/ka-vrrp.pid"
}
# As in test_keepalived: both processes frozen, then killed; their VIPs stay behind.
ka_kill9() {
	local child
	child=$(cat "$LAB_DIR/ka-vrrp.pid" 2>/dev/null)
	kill -STOP "$(t_pid r2 ka)" ${child:+"$child"} 2>/dev/null
	kill -9 "$(t_pid r2 ka)" ${child:+"$child"} 2>/dev/null
	t_reap r2 ka
}
r2_cleanup() {
	lab_exec r2 ip -6 addr del "$VIP/64" dev eth0 2>/dev/null
	lab_exec r2 ip -6 addr del "$LL/64" dev eth0 2>/dev/null
	lab_exec r2 ip link del vrrp.51 2>/dev/null
	return 0
}
# has6 ROUTER: the global VIP is on one of its interfaces.
has6() { lab_exec "$1" ip -6 -br addr | grep -q " $VIP/64"; }
holders6() {
	local h out=""
	for h in r1 r2; do has6 "$h" && out="$out${out:+ }$h"; done
	echo "$out"
}
only() { [ "$(holders6)" = "$1" ]; }
vr_start() { t_start r1 main -i eth0 -v 51 -d 0.2 "$@" "$VIP/64" "$LL"; }
within() {
	local name=$1 ms=$2
	shift 2
	if t_wait_ms "$ms" "$@"; then
		t_ok "$name" "${T_WAITED} ms"
	else
		t_fail "$name" "VIP held by '$(holders6)' after ${T_WAITED} ms"
	fi
}

# battery NAME [keepalived lines...]
battery() {
	local n=$1 mdi skew
	t_phase # each configuration's round reads only its own lines
	shift
	mdi=$(t_mdi_ms 20 50)
	skew=$((20 * 10 * 206 / 256 + 200))
	ka_start 100 "$@"
	vr_start -p 200
	within "${n}_vrrpd_higher_masters" $((3 * mdi + 2000)) only r1
	t_check "${n}_keepalived_backup" t_holds_ms 1500 only r1
	t_stop r1 main KILL
	within "${n}_kill9_vrrpd_keepalived_takes_over" $((3 * mdi)) has6 r2
	t_phase # what the lower vrrpd logs, not the one just killed
	vr_start -p 50
	t_wait_ms $((3 * mdi)) only r2
	t_check "${n}_lower_vrrpd_does_not_preempt" t_holds_ms 1500 only r2
	t_check "${n}_vrrpd_follows_keepalived" t_log_has r1 \
		"VRRP ID 51 on eth0: master is $LL_R2, priority 100, interval 20 cs"
	t_eq "${n}_no_checksum_errors" "$(t_stat r1 51 checksum_errors)" 0
	t_eq "${n}_no_address_list_errors" "$(t_stat r1 51 address_list_errors)" 0
	t_stop r2 ka TERM
	within "${n}_sigterm_keepalived_vrrpd_takes_over" $((skew + 1000)) only r1
	ka_start 100 "$@"
	t_stop r1
	vr_start -p 200
	within "${n}_higher_vrrpd_preempts" $((3 * mdi + 2000)) only r1
	t_stop r1 main TERM
	within "${n}_sigterm_vrrpd_keepalived_takes_over" $((skew + 1000)) has6 r2
	ka_kill9
	r2_cleanup
}

echo "# $(keepalived --version 2>&1 | head -1)"
battery ka6
battery ka6_vmac use_vmac
t_done
