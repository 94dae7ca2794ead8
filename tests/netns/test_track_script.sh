#!/bin/bash
# Health checks (--track-script, issue 22) in a lab of two routers, r1 at priority 200 with the
# checks, r2 at 100; a check is $LAB_DIR/check.sh, which exits with what $LAB_DIR/health holds
# and writes its arguments and that health to $LAB_DIR/runs.
#   1. A weight (:-150), --fall 2, --rise 2: one failure moves nothing, two move the VIP to r2,
#      two successes bring it back; the log says after how many and why.
#   2. No weight: failing is FAULT, healthy again is master again.
#   3. A check that hangs is killed at --track-timeout and counts as a failure; one that does
#      not exist is a failure that says it cannot be run.
#   4. The command's own colons are its own: a URL argument reaches the check whole, and a
#      weight needs its sign.
#   5. One check given alike by two instances of a -c process runs once per interval.
#   6. --track-file: a number times its weight, acted on as soon as the file is written; not a
#      number is FAULT; a missing file is 0.
set -u
# shellcheck source=tests/netns/checks.sh
. "$(dirname "${BASH_SOURCE[0]}")/checks.sh"
t_require test_track_script

VIP=$LAB_VIP
trap lab_down EXIT
trap 'exit 1' INT TERM
lab_up "vtt$$"
CHECK=$LAB_DIR/check.sh
# Each run writes the health it read: the failures are counted by what the check saw.
printf '#!/bin/sh\nh=$(cat "%s/health")\necho "run $* h=$h" >>"%s/runs"\nexit "$h"\n' "$LAB_DIR" \
	"$LAB_DIR" >"$CHECK"
chmod +x "$CHECK"
healthy() { echo 0 >"$LAB_DIR/health"; }
failing() { echo 1 >"$LAB_DIR/health"; }
runs() { cat "$LAB_DIR/runs" 2>/dev/null | grep -c .; }
fails() { cat "$LAB_DIR/runs" 2>/dev/null | grep -c "h=1$"; }
# -d 0.5: r2's Master_Down_Interval is 1.80 s.
MDI2=$(t_mdi_ms 50 100)

# --- 1. A weight, --fall 2, --rise 2 -----------------------------------------------------------
t_phase
healthy
t_start r1 main -i eth0 -v 51 -p 200 -d 0.5 --track-interval 2 --fall 2 --rise 2 \
	--track-script "$CHECK:-150" "$VIP"
t_start r2 main -i eth0 -v 51 -p 100 -d 0.5 "$VIP"
t_check track_setup_r1_master t_wait_ms 4000 t_only r1 "$VIP"
t_check track_runs_every_interval t_wait_ms 5000 eval '[ "$(runs)" -ge 2 ]'
failing
# One failure changes nothing: seen while it is the only one (the next run is 2 s later).
t_wait_ms 3000 eval '[ "$(fails)" -ge 1 ]'
t_check track_one_failure_moves_nothing eval \
	'[ "$(fails)" = 1 ] && t_log_lacks r1 "failing after" && t_only r1 "$VIP"'
t_check track_fall_moves_vip t_wait_ms $((5000 + 2 * MDI2)) t_only r2 "$VIP"
t_check track_fall_logged t_log_has r1 \
	"track-script '$CHECK': failing after 2 failures in a row \(exit 1\)"
t_check track_fall_priority_logged t_log_has r1 \
	"VRRP ID 51 on eth0: tracked script '$CHECK' is failing \(exit 1\): priority -150"
t_check track_fall_priority_50 t_log_has r1 "VRRP ID 51 on eth0: priority 50 \(configured 200"
t_eq track_fall_after_two_failures "$(($(fails) >= 2))" 1
t_eq track_atropos_shows_failing \
	"$(t_atropos r1 --json -s -v 51 | jq -r '.instances[0].tracked[0] | [.kind, .name, .state, .weight, .detail] | join(",")')" \
	"script,$CHECK,failing,-150,exit 1"
healthy
t_check track_rise_takes_back t_wait_ms $((5000 + 2 * MDI2)) t_only r1 "$VIP"
t_check track_rise_logged t_log_has r1 \
	"track-script '$CHECK': healthy after 2 successes in a row \(exit 0\)"
t_check track_rise_healthy_logged t_log_has r1 \
	"VRRP ID 51 on eth0: tracked script '$CHECK' is healthy again"
t_stop r1

# --- 2. No weight: FAULT ------------------------------------------------------------------------
t_phase
healthy
t_start r1 main -i eth0 -v 51 -p 200 -d 0.5 --track-script "$CHECK" "$VIP"
t_check track_fault_setup_r1_master t_wait_ms 4000 t_only r1 "$VIP"
failing
t_check track_fault_r2_takes_over t_wait_ms $((2000 + 2 * MDI2)) t_only r2 "$VIP"
t_check track_fault_logged t_log_has r1 \
	"VRRP ID 51 on eth0: link down \(tracked script '$CHECK' failing\)"
t_check track_fault_state t_wait_ms 1000 eval '[ "$(t_cfg r1 51 state)" = 3 ]'
healthy
t_check track_fault_back t_wait_ms $((2000 + 2 * MDI2)) t_only r1 "$VIP"
t_check track_fault_link_up_logged t_log_has r1 "VRRP ID 51 on eth0: link up"
t_stop r1

# --- 3. A check that hangs, one that does not exist ---------------------------------------------
t_phase
healthy
t_start r1 main -i eth0 -v 51 -p 200 -d 0.5 --track-timeout 1 --track-script "sleep 37:-10" \
	--track-script "$LAB_DIR/missing.sh:-20" "$VIP"
t_check track_hung_killed t_wait_ms 4000 t_log_has r1 \
	"track-script 'sleep 37': still running after 1 s: killed"
t_check track_hung_is_a_failure t_wait_ms 2000 t_log_has r1 \
	"track-script 'sleep 37': failing after 1 failure in a row \(timed out after 1 s: killed\)"
t_check track_missing_is_a_failure t_wait_ms 2000 t_log_has r1 \
	"track-script '$LAB_DIR/missing.sh': failing after 1 failure in a row \(cannot be run: No such file or directory\)"
t_check track_both_weights t_wait_ms 2000 t_log_has r1 \
	"VRRP ID 51 on eth0: priority 170 \(configured 200"
t_stop r1
t_check track_no_check_left_after_stop t_wait_ms 3000 eval '! pgrep -f "^sleep 37$" >/dev/null'

# --- 4. Colons ----------------------------------------------------------------------------------
t_phase
healthy
: >"$LAB_DIR/runs"
t_start r1 main -i eth0 -v 51 -p 200 -d 0.5 --track-script "$CHECK http://127.0.0.1:8080/health" \
	"$VIP"
t_check track_colon_argument_whole t_wait_ms 3000 grep -qx "run http://127.0.0.1:8080/health h=0" \
	"$LAB_DIR/runs"
t_stop r1
OUT=$("$VRRPD" -i eth0 -v 51 --track-script "$CHECK:300" -t "$VIP" 2>&1)
t_check track_unsigned_number_is_the_command eval '! grep -q weight <<<"$OUT"'
OUT=$("$VRRPD" -i eth0 -v 51 --track-script "$CHECK:+300" "$VIP" 2>&1)
t_eq track_weight_out_of_range "$OUT" \
	"vrrpd: invalid weight in '$CHECK:+300' for --track-script: must be -254..+254 (see vrrpd -h)"
OUT=$("$VRRPD" -i eth0 -v 51 --track-script "$CHECK" --rise 2 "$VIP" 2>&1)
t_eq track_setting_after_last_script "$OUT" \
	"vrrpd: --rise comes after the last --track-script: give it before the scripts it is for (see vrrpd -h)"
t_stop r2

# --- 5. One check for two instances -------------------------------------------------------------
t_phase
healthy
: >"$LAB_DIR/runs"
cat >"$LAB_DIR/two.conf" <<EOF
-d 0.5 --track-script "$CHECK shared:-50"
vrrp {
	-i eth0 -v 51 -p 200 $VIP
}
vrrp {
	-i eth0 -v 52 -p 200 $LAB_NET.150
}
EOF
t_start r1 main -c "$LAB_DIR/two.conf"
START_MS=$(t_now_ms)
# Once a second, four runs take three seconds; run for each instance, they would take one.
t_wait_ms 10000 eval '[ "$(runs)" -ge 4 ]'
END_MS=$(t_now_ms)
t_check track_shared_runs_once_an_interval eval \
	"[ $(runs) -ge 4 ] && [ $((END_MS - START_MS)) -ge 2500 ]"
echo "# track_shared_runs_once_an_interval: $(runs) runs in $((END_MS - START_MS)) ms"
t_stop r1

# --- 6. --track-file: a number, times its weight, read at once on every write -------------------
t_phase
FILE=$LAB_DIR/prio
rm -f "$FILE"
t_start r1 main -i eth0 -v 51 -p 200 -d 0.5 --track-file "$FILE:-2" "$VIP"
t_start r2 main -i eth0 -v 51 -p 100 -d 0.5 "$VIP"
t_check track_file_missing_is_zero t_log_has r1 "track-file $FILE: missing: 0"
t_check track_file_setup_r1_master t_wait_ms 4000 t_only r1 "$VIP"
echo 60 >"$FILE"
t_check track_file_write_read_at_once t_wait_ms 500 t_log_has r1 \
	"VRRP ID 51 on eth0: tracked file $FILE holds 60: priority -120"
t_check track_file_moves_vip t_wait_ms $((2 * MDI2)) t_only r2 "$VIP"
echo "sixty" >"$FILE"
t_check track_file_not_a_number_is_fault t_wait_ms 1000 t_log_has r1 \
	"VRRP ID 51 on eth0: link down \(tracked file $FILE not a number\)"
echo 0 >"$FILE"
t_check track_file_back t_wait_ms $((2000 + 2 * MDI2)) t_only r1 "$VIP"
OUT=$("$VRRPD" -i eth0 -v 51 --track-file prio "$VIP" 2>&1)
t_check track_file_relative_refused grep -q "invalid path in 'prio' for --track-file" <<<"$OUT"
t_stop r2
t_stop r1

t_done
