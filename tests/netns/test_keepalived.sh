#!/bin/bash
# Interoperability with keepalived (Debian 12's 2.2.7) as the other router (issue 7): vrrpd in
# r1, keepalived in r2, on the same VRID.
#   1. The same round for VRRPv3 with defaults on both sides (keepalived sends the legacy
#      pseudo-header checksum; --checksum auto follows it), keepalived with use_vmac, vrrpd with
#      --checksum legacy forced, and VRRPv2 (with use_vmac: a shorter round): the higher priority
#      masters; kill -9 of either side and the other takes over; SIGTERM of either side and the
#      other takes over at once (priority 0); a lower priority vrrpd does not preempt
#      keepalived, a higher one does.
#   2. keepalived with use_vmac, advertising every 0.5 s while vrrpd is configured for 1 s: vrrpd
#      follows the master's interval (RFC 9568 6.4.2) and takes over after the learned
#      Master_Down_Interval when keepalived is killed.
#      The same round once more with unicast peers on both sides (keepalived's unicast_peer,
#      vrrpd's --peer).
#   3. --checksum rfc9568 forced does not work with keepalived (both become master): keepalived
#      2.2.7 drops RFC 9568's form, which is why auto exists.
#   4. A stranger's adverts in RFC 9568's form at priority 1 (every 50 ms for 3 s) do not switch
#      a master that keepalived follows to that form (--checksum auto learns from the master it
#      follows and from --peer sources only): keepalived never becomes master meanwhile.
set -u
# shellcheck source=tests/netns/checks.sh
. "$(dirname "${BASH_SOURCE[0]}")/checks.sh"
t_require test_keepalived
t_need test_keepalived keepalived

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
	# Both frozen first: the VRRP child gets SIGTERM when its parent dies (PR_SET_PDEATHSIG)
	# and, on a busy machine, could run its clean-up before its own SIGKILL lands.
	kill -STOP "$(t_pid r2 ka)" ${child:+"$child"} 2>/dev/null
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

# battery NAME KA_VERSION INT_S INT_CS [keepalived lines...] -- [vrrpd options...]: the whole
# round for one configuration; INT_S is keepalived's advert_int, INT_CS vrrpd's -d in cs.
battery() {
	local n=$1 kv=$2 ki=$3 cs=$4 ka=() vr=() mdi skew
	t_phase # each configuration's round reads only its own lines
	shift 4
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		ka+=("$1")
		shift
	done
	[ $# -gt 0 ] && shift
	vr=("$@" -d "$(awk "BEGIN { print $cs / 100 }")")
	# Bounds: 3 x Master_Down_Interval at priority 50 (the slowest here) after a crash; after a
	# priority 0, Skew_Time plus an interval.
	mdi=$(t_mdi_ms "$cs" 50)
	skew=$((cs * 10 * 206 / 256 + cs * 10))
	ka_start 100 "$kv" "$ki" "${ka[@]}"
	vr_start -p 200 "${vr[@]}"
	within "${n}_vrrpd_higher_masters" $((3 * mdi + 2000)) t_only r1 "$VIP"
	t_check "${n}_keepalived_backup" t_holds_ms 1500 t_only r1 "$VIP"
	t_stop r1 main KILL
	within "${n}_kill9_vrrpd_keepalived_takes_over" $((3 * mdi)) lab_has_ip r2 "$VIP"
	vr_start -p 50 "${vr[@]}"
	# The restarted vrrpd first removes the VIP its killed predecessor left.
	t_wait_ms $((3 * mdi)) t_only r2 "$VIP"
	t_check "${n}_lower_vrrpd_does_not_preempt" t_holds_ms 1500 t_only r2 "$VIP"
	# The instance has heard keepalived (adverts counted: the counters are there to read), none
	# with a checksum error, and none from outside its peers (unicast) or 224.0.0.18.
	t_check "${n}_adverts_counted" eval '[ "$(t_stat r1 51 adverts_rcvd)" -gt 0 ]'
	t_eq "${n}_no_checksum_errors" "$(t_stat r1 51 checksum_errors)" 0
	t_eq "${n}_no_peer_errors" "$(t_stat r1 51 peer_errors)" 0
	if [ "$kv" = 3 ]; then
		t_check "${n}_hears_legacy_checksum" eval '[ "$(t_stat r1 51 csum_legacy)" -gt 0 ]'
	fi
	ka_term
	within "${n}_sigterm_keepalived_vrrpd_takes_over" $((skew + 1000)) t_only r1 "$VIP"
	ka_start 100 "$kv" "$ki" "${ka[@]}"
	within "${n}_higher_keepalived_preempts" $((3 * mdi + 2000)) t_only r2 "$VIP"
	ka_kill9
	within "${n}_kill9_keepalived_vrrpd_takes_over" $((3 * mdi)) lab_has_ip r1 "$VIP"
	t_check "${n}_kill9_keepalived_left_its_vip" lab_has_ip r2 "$VIP"
	r2_cleanup
	t_stop r1
	ka_start 100 "$kv" "$ki" "${ka[@]}"
	within "${n}_keepalived_alone" $((3 * mdi + 2000)) t_only r2 "$VIP"
	vr_start -p 200 "${vr[@]}"
	within "${n}_higher_vrrpd_preempts" $((3 * mdi + 2000)) t_only r1 "$VIP"
	t_check "${n}_keepalived_follows" t_holds_ms 1000 t_only r1 "$VIP"
	t_stop r1 main TERM
	within "${n}_sigterm_vrrpd_keepalived_takes_over" $((skew + 1000)) lab_has_ip r2 "$VIP"
	ka_term
	r2_cleanup
}

# --- 1. The round, for each configuration ---------------------------------------------------------
t_phase
battery ka_v3 3 0.2 20
battery ka_v3_vmac 3 0.2 20 use_vmac
battery ka_v3_legacy 3 0.2 20 -- --checksum legacy
battery ka_v2 2 1 100 -- --vrrp-version 2
# Unicast both ways: keepalived's unicast_peer and vrrpd's --peer name each other.
battery ka_v3_unicast 3 0.2 20 "unicast_peer {" "$LAB_NET.1" "}" -- --peer "$LAB_NET.2"
# VRRPv2 with use_vmac: the short round (whole-second intervals make the full one slow).
t_phase
ka_start 200 2 1 use_vmac
t_start r1 main -i eth0 -v 51 -p 100 -d 1 --vrrp-version 2 "$VIP"
within ka_v2_vmac_keepalived_masters 6000 t_only r2 "$VIP"
t_check ka_v2_vmac_vrrpd_follows t_wait_ms 4000 t_log_has r1 \
	"VRRP ID 51 on eth0: master is 10\.99\.0\.2, priority 200, interval 100 cs"
t_check ka_v2_vmac_vrrpd_stays_backup t_holds_ms 1500 t_only r2 "$VIP"
ka_kill9
within ka_v2_vmac_kill9_keepalived_vrrpd_takes_over 6000 lab_has_ip r1 "$VIP"
r2_cleanup
t_stop r1

# --- 2. keepalived use_vmac at 0.5 s, vrrpd at 1 s ------------------------------------------------
t_phase
ka_start 200 3 0.5 use_vmac
vr_start -p 100 -d 1
within ka_vmac_keepalived_masters 5000 t_only r2 "$VIP"
t_check ka_vmac_keepalived_macvlan lab_exec r2 ip link show vrrp.51
t_wait_ms 3000 t_log_has r1 "VRRP ID 51 on eth0: master is 10\.99\.0\.2, priority 200, interval 50 cs"
t_eq ka_vmac_vrrpd_learns_interval \
	"$(lab_exec r1 "$ATROPOS" --pin-dir "/sys/fs/bpf/$LAB_PREFIX-r1" --json -s |
		jq -r '.instances[0] | "\(.adver_int_ms) \(.master_adver_int_ms)"')" "1000 500"
t_check ka_vmac_vrrpd_stays_backup t_holds_ms 2000 t_only r2 "$VIP"
ka_kill9
# Learned Master_Down_Interval at priority 100: 3 x 0.5 + 0.3 = 1.8 s (not 3.6 s).
within ka_vmac_kill9_takeover_after_learned_mdi 3000 lab_has_ip r1 "$VIP"
r2_cleanup
t_stop r1

# --- 3. RFC 9568's checksum form forced: keepalived drops our adverts ------------------------------
t_phase
ka_start 100 3 0.2
t_wait_ms 3000 t_only r2 "$VIP"
vr_start -p 200 -d 0.2 --checksum rfc9568
both() { [ "$(t_holders "$VIP")" = "r1 r2" ]; }
within ka_rfc9568_forced_keepalived_rejects_both_master 4000 both
t_stop r1
ka_term

# --- 4. A stranger does not teach the master its checksum form ------------------------------------
t_phase
ka_start 100 3 0.2
vr_start -p 200 -d 0.2
within ka_stranger_vrrpd_masters 4000 t_only r1 "$VIP"
t_check ka_stranger_keepalived_backup t_holds_ms 1000 t_only r1 "$VIP"
t_phase
BEFORE=$(t_stat r1 51 csum_rfc9568)
lab_exec c /usr/bin/python3 "$LAB_ROOT/tests/netns/vrrp_probe.py" rfc9568 eth0 60 0.05
t_check ka_stranger_keepalived_stays_backup t_holds_ms 1500 t_only r1 "$VIP"
t_check ka_stranger_keepalived_never_master eval \
	'! t_log_since keepalived | grep -q "Entering MASTER STATE"'
# The stranger's adverts were valid, and heard: counted in RFC 9568's form.
t_check ka_stranger_adverts_heard eval '[ "$(t_stat r1 51 csum_rfc9568)" -ge $((BEFORE + 30)) ]'
t_stop r1
ka_term
t_done
