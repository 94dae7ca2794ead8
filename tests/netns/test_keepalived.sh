#!/bin/bash
# Interoperability with keepalived (Debian 12's 2.2.7) as the other router (issue 7): vrrpd in
# r1, keepalived in r2, on the same VRID.
#   1. VRRPv3, defaults on both sides (keepalived sends the legacy pseudo-header checksum; our
#      --checksum auto follows it): the higher priority masters; kill -9 of either side and the
#      other takes over; SIGTERM of either side and the other takes over at once (priority 0);
#      a lower priority vrrpd does not preempt keepalived, a higher one does.
#   2. keepalived with use_vmac, advertising every 0.5 s while vrrpd is configured for 1 s: vrrpd
#      follows the master's interval (RFC 9568 6.4.2) and takes over after the learned
#      Master_Down_Interval when keepalived is killed.
#   3. VRRPv2 (RFC 3768) on both sides.
#   4. --checksum legacy forced works with keepalived; --checksum rfc9568 forced does not (both
#      become master): keepalived 2.2.7 drops RFC 9568's form, which is why auto exists.
set -u
# shellcheck source=tests/netns/checks.sh
. "$(dirname "${BASH_SOURCE[0]}")/checks.sh"
t_require test_keepalived
command -v keepalived >/dev/null || {
	echo "skip test_keepalived: needs keepalived"
	exit 0
}

VIP=$LAB_VIP
trap lab_down EXIT
trap 'exit 1' INT TERM
lab_up "vtk$$"
KVER=$(keepalived --version 2>&1 | head -1)
echo "# $KVER"

# ka_start PRIO VERSION ADVER_INT [instance lines...]: keepalived in r2, in the foreground.
ka_start() {
	local prio=$1 version=$2 int=$3 conf=$LAB_DIR/keepalived.conf
	shift 3
	{
		printf 'global_defs {\n\trouter_id r2\n\tvrrp_version %s\n}\n' "$version"
		printf 'vrrp_instance VI_1 {\n\tstate BACKUP\n\tinterface eth0\n'
		printf '\tvirtual_router_id 51\n\tpriority %s\n\tadvert_int %s\n' "$prio" "$int"
		printf '\t%s\n' "$@"
		printf '\tvirtual_ipaddress {\n\t\t%s/32\n\t}\n}\n' "$VIP"
	} >"$conf"
	rm -f "$LAB_DIR/ka.pid" "$LAB_DIR/ka-vrrp.pid"
	nsenter --net="/run/netns/$(lab_ns r2)" keepalived -n -l -G -D -P -f "$conf" \
		-p "$LAB_DIR/ka.pid" -r "$LAB_DIR/ka-vrrp.pid" >>"$LAB_DIR/keepalived.log" 2>&1 &
	LAB_PID[r2.ka]=$!
	t_wait_ms 3000 test -s "$LAB_DIR/ka-vrrp.pid"
}
# ka_kill9: the whole of keepalived dies at once (parent and VRRP child), no goodbye. It leaves
# its VIP (and vrrp.51) configured, and its kernel goes on answering ARP for it: r2_cleanup is
# the operator removing them before the next part.
ka_kill9() {
	local child
	child=$(cat "$LAB_DIR/ka-vrrp.pid" 2>/dev/null)
	kill -9 "$(t_pid r2 ka)" ${child:+"$child"} 2>/dev/null
	t_reap r2 ka
}
r2_cleanup() {
	lab_exec r2 ip addr del "$VIP/32" dev eth0 2>/dev/null
	lab_exec r2 ip link del vrrp.51 2>/dev/null
	return 0
}
ka_term() { t_stop r2 ka TERM; }
vr_start() { t_start r1 main -i eth0 -v 51 "$@" "$VIP"; }
# within NAME MS CMD...: CMD holds within MS; the time is printed.
within() {
	local name=$1 ms=$2
	shift 2
	if t_wait_ms "$ms" "$@"; then
		t_ok "$name" "${T_WAITED} ms"
	else
		t_fail "$name" "VIP held by '$(t_holders "$VIP")' after ${T_WAITED} ms"
	fi
}

# --- 1. VRRPv3, defaults --------------------------------------------------------------------------
# At 0.2 s: Master_Down_Interval 0.72 s at priority 100, 0.67 s at 150.
ka_start 100 3 0.2
vr_start -p 200 -d 0.2
within ka_v3_vrrpd_higher_masters 4000 t_only r1 "$VIP"
t_check ka_v3_keepalived_backup t_holds_ms 1500 t_only r1 "$VIP"
t_stop r1 main KILL
within ka_v3_kill9_vrrpd_keepalived_takes_over 2200 lab_has_ip r2 "$VIP"
vr_start -p 50 -d 0.2
t_wait_ms 3000 t_log_has r1 "VRRP ID 51 on eth0: master is 10\.99\.0\.2, priority 100"
t_check ka_v3_lower_vrrpd_does_not_preempt t_holds_ms 2000 t_only r2 "$VIP"
t_check ka_v3_auto_follows_legacy_checksum eval '[ "$(t_stat r1 51 csum_legacy)" -gt 0 ]'
t_eq ka_v3_no_checksum_errors "$(t_stat r1 51 checksum_errors)" 0
ka_term
within ka_v3_sigterm_keepalived_vrrpd_takes_over 1000 t_only r1 "$VIP"
ka_start 100 3 0.2
within ka_v3_higher_keepalived_preempts 3000 t_only r2 "$VIP"
ka_kill9
within ka_v3_kill9_keepalived_vrrpd_takes_over 2500 lab_has_ip r1 "$VIP"
t_check ka_v3_kill9_keepalived_left_its_vip lab_has_ip r2 "$VIP"
r2_cleanup
t_stop r1
ka_start 100 3 0.2
within ka_v3_keepalived_alone 3000 t_only r2 "$VIP"
vr_start -p 200 -d 0.2
within ka_v3_higher_vrrpd_preempts 3000 t_only r1 "$VIP"
t_check ka_v3_keepalived_follows t_holds_ms 1000 t_only r1 "$VIP"
t_stop r1 main TERM
within ka_v3_sigterm_vrrpd_keepalived_takes_over 1000 lab_has_ip r2 "$VIP"
ka_term

# --- 2. keepalived use_vmac at 0.5 s, vrrpd at 1 s ------------------------------------------------
ka_start 200 3 0.5 use_vmac
vr_start -p 100 -d 1
within ka_vmac_keepalived_masters 5000 t_only r2 "$VIP"
t_check ka_vmac_keepalived_macvlan lab_exec r2 ip link show vrrp.51
t_wait_ms 3000 t_log_has r1 "VRRP ID 51 on eth0: master is 10\.99\.0\.2, priority 200, interval 50 cs"
t_eq ka_vmac_vrrpd_learns_interval \
	"$(lab_exec r1 "$LAB_ROOT/build/atropos" --pin-dir "/sys/fs/bpf/$LAB_PREFIX-r1" --json -s |
		jq -r '.instances[0] | "\(.adver_int_ms) \(.master_adver_int_ms)"')" "1000 500"
t_check ka_vmac_vrrpd_stays_backup t_holds_ms 2000 t_only r2 "$VIP"
ka_kill9
# Learned Master_Down_Interval at priority 100: 3 x 0.5 + 0.3 = 1.8 s (not 3.6 s).
within ka_vmac_kill9_takeover_after_learned_mdi 3000 lab_has_ip r1 "$VIP"
r2_cleanup
t_stop r1

# --- 3. VRRPv2 ----------------------------------------------------------------------------------------
ka_start 100 2 1
vr_start -p 200 -d 1 --vrrp-version 2
within ka_v2_vrrpd_masters 6000 t_only r1 "$VIP"
t_check ka_v2_keepalived_backup t_holds_ms 2000 t_only r1 "$VIP"
t_stop r1 main TERM
within ka_v2_sigterm_vrrpd_keepalived_takes_over 2000 lab_has_ip r2 "$VIP"
vr_start -p 50 -d 1 --vrrp-version 2
t_wait_ms 4000 t_log_has r1 "VRRP ID 51 on eth0: master is 10\.99\.0\.2, priority 100"
t_check ka_v2_lower_vrrpd_does_not_preempt t_holds_ms 1500 t_only r2 "$VIP"
ka_kill9
# Master_Down_Interval at priority 50: 3 + 0.8 s.
within ka_v2_kill9_keepalived_vrrpd_takes_over 6000 lab_has_ip r1 "$VIP"
r2_cleanup
t_stop r1

# --- 4. Forced checksum forms ---------------------------------------------------------------------
ka_start 100 3 0.2
vr_start -p 200 -d 0.2 --checksum legacy
within ka_legacy_forced_vrrpd_masters 4000 t_only r1 "$VIP"
t_check ka_legacy_forced_keepalived_accepts t_holds_ms 1500 t_only r1 "$VIP"
t_stop r1 main TERM
t_wait_ms 2000 t_only r2 "$VIP"
vr_start -p 200 -d 0.2 --checksum rfc9568
both() { [ "$(t_holders "$VIP")" = "r1 r2" ]; }
within ka_rfc9568_forced_keepalived_rejects_both_master 4000 both
t_stop r1
ka_term
t_done
