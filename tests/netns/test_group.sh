#!/bin/bash
# Multi-interface groups (-M; issue 5): two routers, two LANs, one vrrpd process per instance as
# the original's users start them:
#     vrrpd -i eth0 10.99.0.100 -v 51 -M 2 -U up.sh -D down.sh
#     vrrpd -i eth1 10.98.0.100 -v 52 -M 2 -U up.sh -D down.sh
# (r1 with -p 200, r2 with the default 100).
#   1. r1 masters both VIPs.
#   2. Link down on r1's eth1: both of r1's instances go backup, r2 masters both, within a
#      bound of Master_Down_Intervals (measured and printed); link back: r1 masters both again.
#      The eth0 member's event stream has the group's hold before its step down, then ready.
#   3. kill -9 of r1's eth1 member: its partner notices (the pid is gone) and steps down; r2
#      masters both (the killed member's VIP stays configured on r1, silenced by its lease). The restarted member rejoins and r1 masters both again: no stale veto.
#   3b. SIGSTOP of a member: its heartbeat stops, the group moves; SIGCONT: it comes back.
#   4. --group: a second group on the same routers is not moved by the first one's failure.
set -u
# shellcheck source=tests/netns/checks.sh
. "$(dirname "${BASH_SOURCE[0]}")/checks.sh"
t_require test_group

VIP1=$LAB_VIP
VIP2=$LAB_NET2.100
trap lab_down EXIT
trap 'exit 1' INT TERM
lab_up "vtg$$"
lab_lan2

# -d 0.5: Master_Down_Interval 1.80 s at priority 100.
MDI2=$(t_mdi_ms 50 100)
both() { t_only "$1" "$VIP1" && t_only "$1" "$VIP2"; }
where() { echo "$VIP1 on '$(t_holders "$VIP1")', $VIP2 on '$(t_holders "$VIP2")'"; }

# The seed's scripts: they record what they were told.
export REC=$LAB_DIR/rec
printf '#!/bin/sh\necho "$(basename "$0") $1 $2 $3" >>"$REC"\n' >"$LAB_DIR/up.sh"
cp "$LAB_DIR/up.sh" "$LAB_DIR/down.sh"
chmod +x "$LAB_DIR/up.sh" "$LAB_DIR/down.sh"

# start R TAG IFACE VIP VRID [ARGS...]: one member of a group, as its own process.
start() {
	local r=$1 tag=$2 dev=$3 vip=$4 vrid=$5 prio=100
	shift 5
	[ "$r" = r1 ] && prio=200
	t_start "$r" "$tag" -i "$dev" "$vip" -v "$vrid" -M 2 -U "$LAB_DIR/up.sh" -D "$LAB_DIR/down.sh" \
		-p "$prio" -d 0.5 "$@"
}
# moves NAME: r2 must master both within 2 x MDI of now.
# moves START_MS NAME [CMD...]: CMD (default: r2 masters both) holds within 2 x MDI of START_MS.
moves() {
	local t0=$1 name=$2
	shift 2
	[ $# -gt 0 ] || set -- both r2
	if t_wait_ms $((2 * MDI2)) "$@"; then
		t_ok "$name" "$(($(t_now_ms) - t0)) ms, MDI $MDI2 ms"
	else
		t_fail "$name" "$(where)"
	fi
}
# back NAME MS: r1 masters both again within MS.
back() {
	if t_wait_ms "$2" both r1; then
		t_ok "$1" "${T_WAITED} ms"
	else
		t_fail "$1" "$(where)"
	fi
}

start r1 a eth0 "$VIP1" 51
start r1 b eth1 "$VIP2" 52
start r2 a eth0 "$VIP1" 51
start r2 b eth1 "$VIP2" 52
back group_r1_masters_both 8000
t_check group_r1_both_steady t_holds_ms 1500 both r1

# --- 2. Link down on one member's interface moves the whole group ------------------------------
t_phase
: >"$REC"
# The eth0 member's events: the group's hold, then the step down it causes; ready again after.
conns() { lab_exec r1 ss -xH state connected | grep -c "$LAB_DIR/r1/vrrpd-eth0-51.sock"; }
N0=$(conns)
t_atropos r1 --watch --json -v 51 >"$LAB_DIR/group.events" &
LAB_PID[cap.watch]=$!
t_check group_watch_subscribed t_wait_ms 5000 eval '[ "$(conns)" -gt "$N0" ]'
START_MS=$(t_now_ms)
lab_exec r1 ip link set eth1 down
moves "$START_MS" group_link_down_moves_both_to_r2
# Down scripts of both of r1's members (FAULT for the one whose link went, BACKUP for the
# other), up scripts of both of r2's; in some order between the instances.
t_wait_ms 2000 eval '[ "$(wc -l <"$REC")" -ge 4 ]'
t_eq group_link_down_scripts "$(sort "$REC" | tr '\n' ,)" \
	"down.sh eth0 51 BACKUP,down.sh eth1 52 FAULT,up.sh eth0 51 MASTER,up.sh eth1 52 MASTER,"
t_check group_link_down_logged t_log_has r1 \
	"VRRP ID 51 on eth0: group default: VRID 52 on eth1 has its link down: backup until it can be master"
t_check group_link_down_partner_resigned t_log_has r1 \
	"VRRP ID 51 on eth0: we are now a backup router \(group member not ready\)"
lab_exec r1 ip link set eth1 up
back group_link_up_r1_masters_both_again $((4 * MDI2))
t_check group_event_hold_then_backup t_jq '[.[] | select(.type == "group" or .type == "state")] |
	(map(.type == "group" and .state == "hold" and .group == "default") | index(true)) as $h |
	(map(.type == "state" and .to == "BACKUP") | index(true)) as $b |
	$h != null and $b != null and $h < $b' "$LAB_DIR/group.events"
t_check group_event_ready t_wait_ms 3000 t_jq \
	'any(.[]; .type == "group" and .state == "ready" and .size == 2)' "$LAB_DIR/group.events"
t_stop cap watch

# --- 3. kill -9 of one member ---------------------------------------------------------------------
t_phase
t_holds_ms 1000 both r1
START_MS=$(t_now_ms)
t_stop r1 b KILL
# The killed member could not remove its VIP (its kernel no longer answers ARP for it: the
# lease): r2 must hold both, r1's live member none.
moved_after_kill() { t_only r2 "$VIP1" && lab_has_ip r2 "$VIP2"; }
moves "$START_MS" group_kill9_moves_both_to_r2 moved_after_kill
t_check group_kill9_noticed t_log_has r1 \
	"VRRP ID 51 on eth0: group default: .*VRID 52 on eth1 is gone \(vrrpd pid [0-9]+\)"
start r1 b eth1 "$VIP2" 52
back group_restarted_member_rejoins $((4 * MDI2))
t_check group_rejoined_steady t_holds_ms 1500 both r1

# --- 3b. A frozen member (SIGSTOP): its heartbeat stops, the group moves; SIGCONT: back --------
t_phase
START_MS=$(t_now_ms)
kill -STOP "$(t_pid r1 b)"
moves "$START_MS" group_sigstop_moves_both_to_r2 moved_after_kill
t_check group_sigstop_noticed t_log_has r1 \
	"VRRP ID 51 on eth0: group default: .*VRID 52 on eth1 is not responding \(vrrpd pid [0-9]+\)"
kill -CONT "$(t_pid r1 b)"
back group_sigcont_r1_masters_both_again $((4 * MDI2))

# --- 4. A second group is independent -------------------------------------------------------------
t_phase
VIP3=10.99.0.103
t_start r1 c -i eth0 "$VIP3" -v 53 -M 1 --group other -p 200 -d 0.5
t_start r2 c -i eth0 "$VIP3" -v 53 -M 1 --group other -d 0.5
t_check group_other_r1_master t_wait_ms 5000 t_only r1 "$VIP3"
lab_exec r1 ip link set eth1 down
t_wait_ms $((2 * MDI2)) both r2
t_check group_other_not_moved t_holds_ms 1500 t_only r1 "$VIP3"
lab_exec r1 ip link set eth1 up
t_done
