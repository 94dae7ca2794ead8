#!/bin/bash
# --track-process (issue 22) in a lab of two routers, r1 at priority 200 tracking a process,
# r2 at 100. The tracked processes are copies of sleep under names of their own.
#   1. A weight: the process killed moves the VIP to r2, started again brings it back; each
#      change is noticed within 100 ms (pidfd for the exit, the 100 ms scan for the start),
#      measured from the event stream's times.
#   2. NAME:W:N: one of two running is too few; the second makes it healthy.
#   3. No weight: FAULT; a name longer than comm's 15 characters matches argv[0].
set -u
# shellcheck source=tests/netns/checks.sh
. "$(dirname "${BASH_SOURCE[0]}")/checks.sh"
t_require test_track_process

VIP=$LAB_VIP
trap 'svc_stop_all; lab_down' EXIT
trap 'exit 1' INT TERM
lab_up "vtp$$"
MDI2=$(t_mdi_ms 20 100)
declare -A SVC=()
# svc NAME [TAG]: runs a process called NAME (a copy of sleep); its pid is SVC[NAME.TAG].
svc() {
	[ -e "$LAB_DIR/$1" ] || cp "$(command -v sleep)" "$LAB_DIR/$1"
	"$LAB_DIR/$1" 600 &
	SVC[$1.${2:-1}]=$!
}
svc_stop() {
	local k=$1.${2:-1}
	[ -n "${SVC[$k]:-}" ] || return 0
	kill "${SVC[$k]}" 2>/dev/null
	wait "${SVC[$k]}" 2>/dev/null
	unset "SVC[$k]"
}
svc_stop_all() {
	local k
	for k in "${!SVC[@]}"; do svc_stop "${k%.*}" "${k##*.}"; done
}
A() { t_atropos "$@"; }
events() { cat "$LAB_DIR/events.json"; }
now_s() { date +%s.%N; }
# noticed_ms SINCE STATE: ms from SINCE (seconds) to r1's track event of the process in STATE.
noticed_ms() {
	jq -rs --arg st "$2" --argjson since "$1" \
		'[.[] | select(.type == "track" and .kind == "process" and .state == $st and .time >= $since)][0].time
		| if . == null then "none" else ((. - $since) * 1000 | floor) end' "$LAB_DIR/events.json"
}

# --- 1. A weight -------------------------------------------------------------------------------
t_phase
svc vtp-svc
t_start r1 main -i eth0 -v 51 -p 200 -d 0.2 --track-process vtp-svc:-150 "$VIP"
t_start r2 main -i eth0 -v 51 -p 100 -d 0.2 "$VIP"
t_check proc_setup_r1_master t_wait_ms 4000 t_only r1 "$VIP"
N0=$(lab_exec r1 ss -xH state connected | grep -c "$LAB_DIR/r1/")
A r1 --watch --json >"$LAB_DIR/events.json" &
LAB_PID[cap.watch]=$!
t_wait_ms 5000 eval '[ "$(lab_exec r1 ss -xH state connected | grep -c "$LAB_DIR/r1/")" -gt "$N0" ]'
# atropos shows what is tracked, from the pinned map vrrpd_track (bpftool too).
J() { A r1 --json -s -v 51 | jq -r ".instances[0].tracked[0] | $1"; }
# shows ARG REGEX: a line of atropos ARG -v 51 (in r1) matches REGEX.
shows() { A r1 "$1" -v 51 | grep -Eq -- "$2"; }
t_eq proc_atropos_json_running "$(J '[.kind, .name, .state, .down, .weight, .fault] | join(" ")')" \
	"process vtp-svc running false -150 false"
t_check proc_bpftool_named t_jq '.[0][] | select(.formatted.value.name == "vtp-svc") |
	.formatted.value.state == "running"' <(bpftool -j map dump pinned "/sys/fs/bpf/$LAB_PREFIX-r1/vrrpd_track")
T=$(now_s)
svc_stop vtp-svc
t_check proc_atropos_json_missing t_wait_ms 2000 eval \
	'[ "$(J "[.state, .down, .detail] | join(\",\")")" = "missing,true,0 running, 1 needed" ]'
t_check proc_atropos_text shows -s \
	'^  tracked process vtp-svc: missing for [0-9.]+s \(weight -150 while down\): 0 running, 1 needed$'
t_check proc_prometheus shows --prometheus \
	'^vrrpd_track_down\{interface="eth0",vrid="51",kind="process",name="vtp-svc"\} 1$'
t_check proc_exit_moves_vip t_wait_ms $((2000 + 2 * MDI2)) t_only r2 "$VIP"
t_check proc_exit_logged t_log_has r1 \
	"VRRP ID 51 on eth0: tracked process vtp-svc: 0 running, 1 needed: priority -150"
EXIT_MS=$(noticed_ms "$T" missing)
echo "# measured: exit noticed ${EXIT_MS} ms after the kill"
t_check proc_exit_within_1s eval '[ "$EXIT_MS" != none ] && [ "$EXIT_MS" -lt 1000 ]'
T=$(now_s)
svc vtp-svc
t_check proc_start_takes_back t_wait_ms $((2000 + 2 * MDI2)) t_only r1 "$VIP"
START_MS=$(noticed_ms "$T" running)
echo "# measured: start noticed ${START_MS} ms after the exec"
t_check proc_start_within_1s eval '[ "$START_MS" != none ] && [ "$START_MS" -lt 1000 ]'
t_check proc_start_logged t_log_has r1 \
	"VRRP ID 51 on eth0: tracked process vtp-svc: 1 running, 1 needed: healthy again"
t_check proc_event_fields t_jq \
	'any(.[]; .type == "track" and .kind == "process" and .object == "vtp-svc" and .weight == -150)' \
	"$LAB_DIR/events.json"
t_stop cap watch
t_stop r1
svc_stop vtp-svc

# --- 2. At least N ------------------------------------------------------------------------------
t_phase
svc vtp-pool 1
t_start r1 main -i eth0 -v 51 -p 200 -d 0.2 --track-process vtp-pool:-150:2 "$VIP"
t_check proc_count_too_few t_holds_ms 1500 t_only r2 "$VIP"
t_check proc_count_logged t_log_has r1 "tracked process vtp-pool: 1 running, 2 needed: priority -150"
svc vtp-pool 2
t_check proc_count_enough t_wait_ms $((2000 + 2 * MDI2)) t_only r1 "$VIP"
svc_stop vtp-pool 1
t_check proc_count_one_gone t_wait_ms $((2000 + 2 * MDI2)) t_only r2 "$VIP"
t_stop r1
svc_stop vtp-pool 2

# --- 3. FAULT; a long name ----------------------------------------------------------------------
t_phase
LONG=vtp-a-long-service-name
svc "$LONG"
t_start r1 main -i eth0 -v 51 -p 200 -d 0.2 --track-process "$LONG" "$VIP"
t_check proc_long_name_matches t_wait_ms $((2000 + 2 * MDI2)) t_only r1 "$VIP"
svc_stop "$LONG"
t_check proc_fault_r2 t_wait_ms $((2000 + 2 * MDI2)) t_only r2 "$VIP"
t_check proc_fault_state t_wait_ms 1000 eval '[ "$(t_cfg r1 51 state)" = 3 ]'
t_check proc_fault_logged t_log_has r1 \
	"VRRP ID 51 on eth0: link down \(tracked process $LONG: 0 running, 1 needed\)"
svc "$LONG"
t_check proc_fault_back t_wait_ms $((2000 + 2 * MDI2)) t_only r1 "$VIP"
t_stop r1
t_done
