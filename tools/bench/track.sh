#!/bin/bash
# Benchmark 6 of make bench, "track scripts": what a health check shared by many instances costs.
# In the test lab (tests/netns/lib.sh), r1 runs N instances alone (VRIDs 1..N on eth0, priority
# 200, adverts every 1 s, VIP 10.200.VRID.1/32 each, a virtual MAC: vrrpd's default,
# keepalived's use_vmac), all in ONE process: "vrrpd", one vrrpd with the N instances in its -c
# file and `--track-interval 1 --track-script CHECK` on the file's defaults line (so every
# instance gives the same check, which the process runs once per interval); "keepalived", one
# keepalived (a parent and its VRRP child) with N vrrp_instance blocks that all track_script
# the same vrrp_script (interval 1, timeout 1, rise 1, fall 1). CHECK is the same /bin/sh
# script for both: it appends a line to a file and exits 0. Each configuration runs with the
# check ("script") and, unless --quick, without it ("none": what the instances cost alone, so
# that the check's own share reads as the difference). Once every instance is master (and the
# takeovers' gratuitous ARPs are over), the daemon is measured over a window of W seconds (60:
# the children's time comes in clock ticks, 10 ms, so a reading is within 0.33 ms/s):
#   CPU ms/s      on-CPU time of the daemon's processes and threads (schedstat, ns), plus the
#                 CPU time of the children they reaped during W (the check's runs: utime +
#                 stime of the children, /proc/PID/stat's cutime + cstime, in clock ticks), per
#                 second of W
#   daemon, children  the two apart
#   runs/s        lines the check appended during W, per second
# and the state changes logged during W (0 when settled).
#
#   tools/bench/track.sh [--quick] [--window S] --json FILE
#
# --quick: N = 10, W = 3 s, with the check only. TRACK_INSTANCES and TRACK_IMPLS override N and
# the implementations. Prints a table and writes {"instances","interval_s","rows":[{"impl",
# "check","instances","window_s","cpu_ms_per_s","daemon_ms_per_s","children_ms_per_s","runs",
# "runs_per_s","transitions","settled_ms","all_master"}]} (check: "script" or "none"; runs and
# runs_per_s null without the check; settled_ms: from start until every instance was master).
# A daemon that does not start, or exits, stops the run (exit 1); a configuration whose
# instances do not all become master within 20 s is measured all the same (all_master false),
# and the run exits 3 at the end: a finding, not a harness failure.
set -u
# shellcheck source=tools/bench/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

KEEPALIVED=${KEEPALIVED:-/usr/sbin/keepalived}
bench_args "$@"

die() {
	echo "track.sh: $*" >&2
	exit 1
}

[ "$(id -u)" = 0 ] || die "needs root"
[ -x "$VRRPD" ] || die "$VRRPD is not built (make all)"
[ -x "$KEEPALIVED" ] || die "needs keepalived ($KEEPALIVED)"
for c in ip nsenter jq awk getconf; do
	command -v "$c" >/dev/null || die "needs $c"
done
bench_kernel_check

INT=1
if [ "$QUICK" = 1 ]; then
	N=${TRACK_INSTANCES:-10}
	W=${W:-3}
	CHECKS="script"
else
	N=${TRACK_INSTANCES:-255}
	W=${W:-60}
	CHECKS="script none"
fi
IMPLS=${TRACK_IMPLS:-vrrpd keepalived}
[[ "$W" =~ ^[0-9]+(\.[0-9]+)?$ ]] || die "--window wants seconds, not '$W'"
if ! [[ "$N" =~ ^[0-9]+$ ]] || [ "$N" -lt 1 ] || [ "$N" -gt 255 ]; then
	die "TRACK_INSTANCES wants 1 to 255, not '$N'"
fi
HZ=$(getconf CLK_TCK)
ROWS=()
UNSETTLED=()
KA_CHILD=""

# keepalived's VRRP child is not our child: stop it only if it still runs our configuration.
ka_child_ours() {
	[ -n "$1" ] && { tr '\0' ' ' <"/proc/$1/cmdline"; } 2>/dev/null | grep -qF -- "$LAB_DIR/"
}

ka_child_gone() { ! ka_child_ours "$KA_CHILD"; }

cleanup() {
	local p
	for p in "${LAB_PID[@]}"; do
		kill -KILL "$p" 2>/dev/null
	done
	ka_child_ours "$KA_CHILD" && kill -KILL "$KA_CHILD" 2>/dev/null
	lab_down
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# The check both run: one line per run into $LAB_DIR/check.runs, exit 0 (echo is sh's own: no
# fork beyond the run itself).
make_check() {
	printf '#!/bin/sh\necho run >>%s/check.runs\nexit 0\n' "$LAB_DIR" >"$LAB_DIR/check.sh"
	chmod 755 "$LAB_DIR/check.sh"
	: >"$LAB_DIR/check.runs"
}

# vrrpd_start CHECK: one vrrpd in r1 with the N instances in its -c file; the check, if any, on
# the defaults line, so that every instance gives the same one.
vrrpd_start() {
	local v
	{
		printf -- '-p 200 -d %s' "$INT"
		[ "$1" = none ] || printf -- ' --track-interval %s --track-script %s' "$INT" "$LAB_DIR/check.sh"
		echo
		for ((v = 1; v <= N; v++)); do
			printf 'vrrp {\n -i eth0 -v %d 10.200.%d.1/32\n}\n' "$v" "$v"
		done
	} >"$LAB_DIR/r1.conf"
	mkdir -p "$LAB_DIR/r1"
	nsenter --net="/run/netns/$(lab_ns r1)" "$VRRPD" --foreground \
		--pin-dir "/sys/fs/bpf/$LAB_PREFIX-r1" -f "$LAB_DIR/r1" -c "$LAB_DIR/r1.conf" \
		>>"$LAB_DIR/r1.log" 2>&1 &
	LAB_PID[r1.c]=$!
	PIDS=("$!")
}

# ka_start CHECK: keepalived in r1, the N vrrp_instance blocks tracking one vrrp_script (the
# same timings as vrrpd's defaults: timeout = interval, rise 1, fall 1); returns once the VRRP
# child runs. vrrp_garp_master_delay 0: no second burst of gratuitous ARPs 5 s after the
# takeovers, which would fall into the window. script_user root: the scripts run as root, as
# vrrpd's do (keepalived's default user, keepalived_script, does not exist here).
ka_start() {
	local v
	{
		printf 'global_defs {\n\trouter_id r1\n\tvrrp_version 3\n\tvrrp_garp_master_delay 0\n'
		printf '\tscript_user root\n}\n'
		[ "$1" = none ] ||
			printf 'vrrp_script chk {\n\tscript "%s"\n\tinterval %s\n\ttimeout %s\n\trise 1\n\tfall 1\n}\n' \
				"$LAB_DIR/check.sh" "$INT" "$INT"
		for ((v = 1; v <= N; v++)); do
			printf 'vrrp_instance VI_%d {\n\tstate BACKUP\n\tinterface eth0\n\tuse_vmac\n' "$v"
			printf '\tvirtual_router_id %d\n\tpriority 200\n\tadvert_int %s\n' "$v" "$INT"
			[ "$1" = none ] || printf '\ttrack_script {\n\t\tchk\n\t}\n'
			printf '\tvirtual_ipaddress {\n\t\t10.200.%d.1/32\n\t}\n}\n' "$v"
		done
	} >"$LAB_DIR/ka.conf"
	rm -f "$LAB_DIR/ka.pid" "$LAB_DIR/ka-vrrp.pid"
	nsenter --net="/run/netns/$(lab_ns r1)" "$KEEPALIVED" -n -l -G -D -P -f "$LAB_DIR/ka.conf" \
		-p "$LAB_DIR/ka.pid" -r "$LAB_DIR/ka-vrrp.pid" >>"$LAB_DIR/r1.log" 2>&1 &
	LAB_PID[r1.ka]=$!
	t_wait_ms 10000 test -s "$LAB_DIR/ka-vrrp.pid" ||
		die "keepalived did not start its VRRP child: $(tail -n 5 "$LAB_DIR/r1.log")"
	KA_CHILD=$(cat "$LAB_DIR/ka-vrrp.pid")
	PIDS=("${LAB_PID[r1.ka]}" "$KA_CHILD")
}

# stop IMPL: SIGTERM, then waits (SIGKILL after 20 s: keepalived takes seconds to remove 255
# macvlans); keepalived's VRRP child must go with its parent.
stop() {
	local k deadline=$(($(t_now_ms) + 20000))
	for k in "${!LAB_PID[@]}"; do
		kill -TERM "${LAB_PID[$k]}" 2>/dev/null
	done
	for k in "${!LAB_PID[@]}"; do
		while kill -0 "${LAB_PID[$k]}" 2>/dev/null && [ "$(t_now_ms)" -lt "$deadline" ]; do
			sleep 0.05
		done
		if kill -0 "${LAB_PID[$k]}" 2>/dev/null; then
			echo "# $1: $k did not exit on SIGTERM within 20 s: SIGKILL"
			kill -KILL "${LAB_PID[$k]}" 2>/dev/null
		fi
		wait "${LAB_PID[$k]}" 2>/dev/null
		unset "LAB_PID[$k]"
	done
	if [ -n "$KA_CHILD" ]; then
		t_wait_ms 5000 ka_child_gone || {
			echo "# keepalived's VRRP child $KA_CHILD outlived its parent: SIGKILL"
			kill -KILL "$KA_CHILD" 2>/dev/null
		}
		KA_CHILD=""
	fi
}

# How many of r1's instances said they became master, and all the state changes so far.
masters() {
	if [ "$1" = vrrpd ]; then
		grep -c ': we are now the master' "$LAB_DIR/r1.log"
	else
		grep -cE '\(VI_[0-9]+\) Entering MASTER STATE' "$LAB_DIR/r1.log"
	fi
}
changes() {
	if [ "$1" = vrrpd ]; then
		grep -c ': we are now ' "$LAB_DIR/r1.log"
	else
		grep -cE '\(VI_[0-9]+\) Entering [A-Z]+ STATE' "$LAB_DIR/r1.log"
	fi
}
all_masters() { [ "$(masters "$1")" -ge "$N" ]; }

# alive: are the daemon's processes all running?
alive() {
	local p
	for p in "${PIDS[@]}"; do
		kill -0 "$p" 2>/dev/null || return 1
	done
}

# done_waiting IMPL: every instance is master, or the daemon has gone (no use waiting).
done_waiting() { ! alive || all_masters "$1"; }

# sample PIDS...: "SELF_NS CHILDREN_TICKS": the processes' threads' on-CPU time (schedstat, as
# idle.sh), and the user and system time of the children they have reaped (/proc/PID/stat
# fields 16 and 17, after the command name, which may hold blanks, in parentheses).
sample() {
	local p self children
	self=$(for p in "$@"; do cat "/proc/$p/task/"*/schedstat; done 2>/dev/null |
		awk '{ ns += $1 } END { printf "%.0f\n", ns }')
	children=$(for p in "$@"; do cat "/proc/$p/stat"; done 2>/dev/null |
		awk '{ sub(/^.*\) /, ""); t += $14 + $15 } END { printf "%.0f\n", t }')
	echo "$self $children"
}

# A clock in µs.
now_us() { echo "${EPOCHREALTIME/[.,]/}"; }

# measure IMPL CHECK: one configuration, on a lab of its own.
measure() {
	local impl=$1 check=$2 t0 settled_ms=-1 ok=true a b ta tb tc td r0 r1 ch0 ch1 cpu self kids \
		runs rps
	lab_up "vbt$$"
	make_check
	t0=$(t_now_ms)
	if [ "$impl" = vrrpd ]; then
		vrrpd_start "$check"
	else
		ka_start "$check"
	fi
	# Master_Down_Interval (3 s and a bit at 1 s) and the takeovers, with room to spare.
	t_wait_ms 20000 done_waiting "$impl"
	alive || die "$impl ($check): the daemon exited: $(tail -n 5 "$LAB_DIR/r1.log")"
	if all_masters "$impl"; then
		settled_ms=$(($(t_now_ms) - t0))
	else
		echo "# $impl ($check): only $(masters "$impl") of $N instances master after 20 s;" \
			"measured all the same"
		UNSETTLED+=("$impl ($check)")
		ok=false
	fi
	# The takeovers' gratuitous ARPs (vrrpd: 5, 100 ms apart) are over.
	sleep 1
	ch0=$(changes "$impl")
	ta=$(now_us)
	a=$(sample "${PIDS[@]}")
	r0=$(wc -l <"$LAB_DIR/check.runs")
	tb=$(now_us)
	sleep "$W"
	tc=$(now_us)
	b=$(sample "${PIDS[@]}")
	r1=$(wc -l <"$LAB_DIR/check.runs")
	td=$(now_us)
	ch1=$(changes "$impl")
	alive || die "$impl ($check): the daemon exited during the window: $(tail -n 5 "$LAB_DIR/r1.log")"
	[ "$ch0" = "$ch1" ] || ok=false
	runs=$((r1 - r0))
	# The window: between the middles of the two samples.
	read -r cpu self kids rps < <(awk -v a="$a" -v b="$b" -v hz="$HZ" -v runs="$runs" \
		-v us=$(((tc + td) / 2 - (ta + tb) / 2)) 'BEGIN {
			split(a, x, " "); split(b, y, " "); s = us / 1e6
			self = (y[1] - x[1]) / 1e6 / s; kids = (y[2] - x[2]) * 1000 / hz / s
			printf "%.3f %.3f %.3f %.3f\n", self + kids, self, kids, runs / s }')
	if [ "$check" = none ]; then
		runs=null
		rps=null
	fi
	printf '%-10s %-6s %5d %6s %10.3f %10.3f %10.3f %6s %8s %5d %s\n' "$impl" "$check" "$N" "$W" \
		"$cpu" "$self" "$kids" "$runs" "$rps" $((ch1 - ch0)) "$ok"
	ROWS+=("$(jq -n -c --arg impl "$impl" --arg check "$check" --argjson n "$N" --argjson w "$W" \
		--argjson cpu "$cpu" --argjson self "$self" --argjson kids "$kids" --argjson runs "$runs" \
		--argjson rps "$rps" --argjson tr $((ch1 - ch0)) --argjson set "$settled_ms" \
		--argjson ok "$ok" \
		'{impl: $impl, check: $check, instances: $n, window_s: $w, cpu_ms_per_s: $cpu,
		  daemon_ms_per_s: $self, children_ms_per_s: $kids, runs: $runs, runs_per_s: $rps,
		  transitions: $tr, settled_ms: $set, all_master: $ok}')")
	t0=$(t_now_ms)
	stop "$impl"
	echo "# $impl ($check): $N instances master in $settled_ms ms; stopped in $(($(t_now_ms) - t0)) ms"
	lab_down
}

T_START=$(t_now_ms)
printf '%-10s %-6s %5s %6s %10s %10s %10s %6s %8s %5s %s\n' impl check N "W s" "CPU ms/s" \
	"daemon" "children" runs runs/s trans all-master
for check in $CHECKS; do
	for impl in $IMPLS; do
		measure "$impl" "$check"
	done
done
printf '%s\n' "${ROWS[@]}" | jq -s --argjson n "$N" --argjson int "$INT" \
	'{instances: $n, interval_s: $int, rows: .}' >"$JSON" || die "cannot write $JSON"
echo "# ${#ROWS[@]} rows in $JSON, $(($(t_now_ms) - T_START)) ms in all"
if [ ${#UNSETTLED[@]} -gt 0 ]; then
	printf -v p '%s, ' "${UNSETTLED[@]}"
	echo "track.sh: not every instance became master for: ${p%, } (their rows say all_master false)" >&2
	exit 3
fi
