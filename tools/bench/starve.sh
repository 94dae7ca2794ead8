#!/bin/bash
# Benchmark 4, starvation (issue 8): r1 master (priority 200) and r2 backup (100) advertise
# every 10 ms, vrrpd or keepalived on both; the master stays healthy while the backup's
# controller is starved:
#   sigstop  SIGSTOP for 2 x Master_Down_Interval, then SIGCONT, REPEAT times (keepalived: its
#            parent and VRRP child together)
#   cpu1pct  held at 1 % of a CPU for SECS seconds by a CPU cgroup quota (cgroup v2 cpu.max, or
#            v1 cpu.cfs_quota_us), all its threads in the cgroup
# Any state change of the backup (or the master) is a false takeover, unless the master's own
# adverts (captured as they leave it) show a gap longer than Master_Down_Interval: then the host
# was too loaded for the master itself, which the row's master_max_gap_ms says.
#
#   starve.sh [--quick] --json FILE
set -u
# shellcheck source=tools/bench/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

bench_args "$@"
bench_kernel_check

INT=10
if [ $QUICK = 1 ]; then
	REPEAT=2
	SECS=2
else
	REPEAT=20
	SECS=10
fi
ROWS=$(mktemp)
NOT_MEASURED=$(mktemp)
trap 'cg_remove; lab_down; rm -f "$ROWS" "$NOT_MEASURED" "$NOT_MEASURED.err"' EXIT
trap 'exit 1' INT TERM

# row IMPL CASE REPEATS SECONDS BACKUP_CHANGES MASTER_CHANGES GAP_MS [THROTTLED]
row() {
	jq -n -c --arg impl "$1" --arg case "$2" --argjson n "$3" --argjson secs "$4" \
		--argjson b "$5" --argjson m "$6" --argjson gap "$7" --argjson thr "${8:-null}" \
		'{impl: $impl, case: $case, repeats: $n, seconds: $secs, false_takeovers: $b,
		  master_changes: $m, master_max_gap_ms: $gap, throttled: $thr}' >>"$ROWS"
	tail -1 "$ROWS" | jq -r '"# \(.impl) \(.case): \(.false_takeovers) false takeovers"'
}

mdi=$(t_mdi_ms 1 100)
for impl in vrrpd keepalived; do
	lab_up "bst$$"
	bench_start "$impl" r1 200 $INT
	t_wait_ms 5000 t_only r1 "$LAB_VIP" || {
		echo "starve.sh: $impl: r1 did not become master" >&2
		exit 1
	}
	bench_start "$impl" r2 100 $INT
	t_wait_ms 5000 bench_is_backup "$impl" r2 || {
		echo "starve.sh: $impl: r2 did not become backup" >&2
		exit 1
	}
	sleep 0.5
	mapfile -t pids < <(bench_pids "$impl" r2)
	b0=$(bench_changes "$impl" r2)
	m0=$(bench_changes "$impl" r1)
	bench_gaps_start r1
	for ((i = 0; i < REPEAT; i++)); do
		kill -STOP "${pids[@]}"
		sleep "$(awk -v ms=$((2 * mdi)) 'BEGIN { printf "%.3f", ms / 1000 }')"
		kill -CONT "${pids[@]}"
		sleep 0.3
	done
	gap=$(bench_gaps_stop r1)
	row "$impl" sigstop "$REPEAT" "$(awk -v ms=$((2 * mdi)) 'BEGIN { print ms / 1000 }')" \
		$(($(bench_changes "$impl" r2) - b0)) $(($(bench_changes "$impl" r1) - m0)) "$gap"
	# Back to the start if the stops moved the VIP.
	t_wait_ms 5000 t_only r1 "$LAB_VIP"
	sleep 0.3
	cg_make "vrrpd-bench-$$" 2>"$NOT_MEASURED.err"
	rc=$?
	if [ $rc = 0 ]; then
		b0=$(bench_changes "$impl" r2)
		m0=$(bench_changes "$impl" r1)
		bench_gaps_start r1
		cg_add "${pids[@]}"
		sleep "$SECS"
		thr=$(cg_throttled)
		cg_remove
		sleep 0.3
		row "$impl" cpu1pct 1 "$SECS" $(($(bench_changes "$impl" r2) - b0)) \
			$(($(bench_changes "$impl" r1) - m0)) "$(bench_gaps_stop r1)" "${thr:-null}"
	elif [ $rc = 1 ]; then
		# Not measurable here: the row is left out, the report says why.
		why="no CPU cgroup controller on this kernel (no cpu in"
		why+=" /sys/fs/cgroup/cgroup.controllers, no /sys/fs/cgroup/cpu)"
		jq -n -c --arg impl "$impl" --arg why "$why" \
			'{impl: $impl, case: "cpu1pct", reason: $why}' >>"$NOT_MEASURED"
		echo "# starve.sh: $impl cpu1pct not measurable here: $why" >&2
	else
		cat "$NOT_MEASURED.err" >&2
		echo "starve.sh: $impl: cannot make the CPU cgroup" >&2
		exit 1
	fi
	[ -z "${STARVE_LOGS:-}" ] || cp "$LAB_DIR/r2.log" "$STARVE_LOGS/$impl-r2.log" 2>/dev/null
	lab_down
done
jq -n --slurpfile rows "$ROWS" --slurpfile nm "$NOT_MEASURED" \
	'{interval_ms: '$INT', rows: $rows, not_measured: $nm}' >"$JSON"
