#!/bin/bash
# shellcheck disable=SC2034 # T_WAITED and the like are read by the tests that source this
# What the netns tests share on top of lib.sh: result lines for tests/run.sh, polling with a
# clock, stopping one daemon by its pid, and questions about the lab (who holds an address,
# which MAC the client uses). Sourced by tests/netns/test_*.sh; not a test itself.
# shellcheck source=tests/netns/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# lib.sh's lab_down reads these; set them before the trap so a failure in lab_up cleans up.
LAB_PREFIX=${LAB_PREFIX:-}
LAB_DIR=${LAB_DIR:-}
CG= # cg_make's cgroup, removed by cg_remove
CG_TASKS=
T_FAILS=0
T_WAITED=0

# t_ok NAME [DETAIL]: DETAIL (a measured time, a count) goes on a comment line of its own, so
# that NAME stays the same from run to run.
t_ok() {
	echo "ok $1"
	[ -z "${2:-}" ] || echo "# $1: $2"
}

# t_fail NAME [WHY]: the reason and the daemons' logs go to stderr.
t_fail() {
	echo "not ok $1${2:+: $2}"
	T_FAILS=$((T_FAILS + 1))
	t_logs >&2
}

# t_eq NAME GOT WANT [WHY]: ok if GOT is WANT; WHY says what GOT means when it is not. A value
# t_stat or t_cfg could not read ("missing:FIELD") is never equal to anything, itself included.
t_eq() {
	if [ "$2" = "$3" ] && [[ $2 != missing:* ]]; then
		t_ok "$1"
	else
		t_fail "$1" "${4:-got \"$2\"} (want \"$3\")"
	fi
}

# t_check NAME CMD...: ok if CMD succeeds.
t_check() {
	local name=$1
	shift
	if "$@"; then
		t_ok "$name"
	else
		t_fail "$name"
	fi
}

t_logs() {
	local f

	[ -n "$LAB_DIR" ] || return 0
	for f in "$LAB_DIR"/*.log; do
		[ -e "$f" ] || continue
		echo "  --- $(basename "$f") ---"
		tail -n 30 "$f" | sed 's/^/  /'
	done
}

# Wall clock in ms from bash's EPOCHREALTIME (no fork): good enough for intervals of seconds.
t_now_ms() {
	local t=${EPOCHREALTIME/[.,]/}
	echo $((t / 1000))
}

# t_wait_ms MS CMD...: polls CMD every 50 ms until it succeeds or MS pass. T_WAITED is the time
# it took (or MS).
t_wait_ms() {
	local limit=$1 start now
	shift
	start=$(t_now_ms)
	while :; do
		if "$@"; then
			now=$(t_now_ms)
			T_WAITED=$((now - start))
			return 0
		fi
		now=$(t_now_ms)
		if [ $((now - start)) -ge "$limit" ]; then
			T_WAITED=$((now - start))
			return 1
		fi
		sleep 0.05
	done
}

# t_holds_ms MS CMD...: CMD succeeds at every poll (every ~150 ms) for MS, and every daemon the
# test started is alive at each (t_lab_alive). A limit of 0 or less
# (a window computed from a slow start that is already over) proves nothing: that is a failure.
# Every poll starts within the window; a failing one that ended after it may have looked after
# it (one poll takes most of a second in the VM lane): once an earlier poll passed, it is said on
# stderr and not counted.
t_holds_ms() {
	local limit=$1 start now passed=0
	shift
	if [ "$limit" -le 0 ]; then
		echo "t_holds_ms: a window of $limit ms holds nothing ($*)" >&2
		return 1
	fi
	start=$(t_now_ms)
	while :; do
		if ! { "$@" && t_lab_alive; }; then
			now=$(t_now_ms)
			if [ "$passed" -gt 0 ] && [ $((now - start)) -gt "$limit" ]; then
				echo "t_holds_ms: the last poll failed, but ended $((now - start - limit)) ms after the $limit ms window ($*): not counted" >&2
				return 0
			fi
			echo "t_holds_ms: failed $((now - start)) ms into the $limit ms window: $*" >&2
			return 1
		fi
		passed=$((passed + 1))
		now=$(t_now_ms)
		[ $((now - start)) -ge "$limit" ] && return 0
		sleep 0.15
	done
}

# RFC 9568 6.1 in ms: Master_Down_Interval = 3 * interval + (256 - prio) * interval / 256.
t_mdi_ms() {
	local int_cs=$1 prio=$2
	echo $((3 * int_cs * 10 + (256 - prio) * int_cs * 10 / 256))
}

# t_pid R [TAG]: the pid lab_vrrpd started (LAB_TAG selects one of several per router).
t_pid() { echo "${LAB_PID[$1.${2:-main}]:-}"; }

# t_stop R [TAG] [SIGNAL]: signals a daemon we started, waits for it and forgets its pid (so
# lab_down never signals a pid that may have been reused). Returns the daemon's exit status.
t_stop() {
	local key=$1.${2:-main} sig=${3:-TERM} pid rc

	pid=${LAB_PID[$key]:-}
	[ -n "$pid" ] || return 255
	[ "$sig" = 0 ] || lab_kill "$key" "$sig"
	wait "$pid" 2>/dev/null
	rc=$?
	unset "LAB_PID[$key]"
	return "$rc"
}

# t_reap R [TAG]: waits for a daemon that was signalled by hand; returns its exit status.
t_reap() { t_stop "$1" "${2:-main}" 0; }

# t_lab_alive: every daemon the test started and has not stopped (LAB_PID, captures aside) still
# runs. t_holds_ms asks it at every poll: a negative check ("stays backup", "does not preempt")
# proves nothing about a daemon that is dead.
t_lab_alive() {
	local k
	for k in "${!LAB_PID[@]}"; do
		case $k in cap.*) continue ;; esac
		if ! t_running "${LAB_PID[$k]}"; then
			echo "t_lab_alive: $k (pid ${LAB_PID[$k]}) is not running" >&2
			return 1
		fi
	done
}

# t_alive R [TAG]: is the daemon still running?
t_alive() {
	local pid
	pid=$(t_pid "$@")
	[ -n "$pid" ] && kill -0 "$pid" 2>/dev/null
}

# t_start R [TAG] ARGS...: lab_vrrpd with a tag, without printing the pid; returns once the daemon
# has logged its instance started: what a test times then runs from there, not from before the
# XDP program's load (seconds in the VM lane's emulated CPU). A daemon that exits instead (a
# refusal, a crash) or has not started after 30 s is a failure, "not ok start_R_TAG", and t_start
# returns 1: what follows ("stays backup") would otherwise pass on a dead daemon.
t_start() {
	local r=$1 tag=$2 n pid
	shift 2
	n=$(t_starts "$r")
	LAB_TAG=$tag lab_vrrpd "$r" "$@" >/dev/null
	pid=$(t_pid "$r" "$tag")
	t_wait_ms 30000 eval '[ "$(t_starts "$r")" -gt "$n" ] || ! t_running "$pid"'
	if ! t_running "$pid"; then
		t_fail "start_${r}_$tag" "vrrpd $* exited: $(tail -n 1 "$LAB_DIR/$r.log" 2>/dev/null)"
		return 1
	fi
	if [ "$(t_starts "$r")" -le "$n" ]; then
		t_fail "start_${r}_$tag" "vrrpd $* has not started its instance after 30 s"
		return 1
	fi
}
# t_starts R: how many times R's log says an instance started.
t_starts() { cat "$LAB_DIR/$1.log" 2>/dev/null | grep -c ': started, VRRPv'; }
# t_running PID: alive and not a zombie (an exited child stays one until the test waits for it).
t_running() { [ -n "$1" ] && [ -e "/proc/$1" ] && ! grep -q '^State:.*Z' "/proc/$1/status" 2>/dev/null; }

# Who holds ADDR: "r1", "r2", "r1 r2" or ""; a router whose addresses cannot be listed shows as
# "r1?" (so that no check about who holds it can pass).
t_holders() {
	local r out="" rc
	for r in r1 r2; do
		lab_has_ip "$r" "$1"
		rc=$?
		[ $rc = 0 ] && out="${out:+$out }$r"
		[ $rc = 2 ] && out="${out:+$out }$r?"
	done
	echo "$out"
}

# t_only R ADDR: R holds ADDR and the other router does not (RFC 9568: one master at a time).
t_only() { [ "$(t_holders "$2")" = "$1" ]; }

t_mac() { lab_exec "$1" ip -j link show eth0 | jq -r '.[0].address'; }

# t_vmac VRID: the IPv4 virtual MAC of VRID (RFC 9568 7.3).
t_vmac() { printf '00:00:5e:00:01:%02x' "$1"; }

# t_fdb_port MAC [VLAN]: the switch port the bridge has learned MAC on, in VLAN if given
# ("" if none).
t_fdb_port() {
	lab_exec sw bridge -j fdb show br br0 |
		jq -r --arg m "$1" --arg v "${2:-}" '[.[] | select(.mac == $m and .master == "br0")
			| select($v == "" or (.vlan | tostring) == $v) | .ifname][0] // empty'
}

# t_fdb_on R MAC [VLAN]: the switch sends frames for MAC (in VLAN) to router R's port.
t_fdb_on() { [ "$(t_fdb_port "$2" "${3:-}")" = "$LAB_PREFIX-$1" ]; }

# The MAC the client's ARP entry for ADDR points to ("" if none).
t_client_mac() {
	lab_exec c ip -j neigh show "$1" dev eth0 | jq -r '.[0].lladdr // empty'
}

t_ping() { lab_exec c ping -c 1 -W 1 -q "$1" >/dev/null 2>&1; }

# t_capture NAME NS IFACE TCPDUMP-ARGS...: starts tcpdump in namespace NS on IFACE, writing
# $LAB_DIR/NAME.pcap with nanosecond timestamps; returns once it listens. lab_down stops it.
t_capture() {
	local name=$1 ns=$2 dev=$3 err
	shift 3
	err=$LAB_DIR/$name.tcpdump.err
	# --immediate-mode: without it, frames wait in a block of the capture ring for up to a second
	# and those of the last block are lost when the capture stops.
	nsenter --net="/run/netns/$(lab_ns "$ns")" tcpdump -n -U --immediate-mode -i "$dev" \
		--time-stamp-precision=nano -w "$LAB_DIR/$name.pcap" "$@" 2>"$err" &
	LAB_PID[cap.$name]=$!
	t_wait_ms 5000 grep -qs 'listening on' "$err"
}

# t_addr_watch R: from now on, every address added or removed in router R is written down, with
# the time ip read the kernel's message (ip -ts monitor: the wall clock, as a capture's, in µs),
# to $LAB_DIR/addrwatch-R.txt, until t_addr_unwatch R. Returns once the monitor listens (a probe
# address on lo shows it).
t_addr_watch() {
	local r=$1 rt=()
	# At real-time priority where it may, so that a busy router does not put the reading off.
	chrt -f 1 true 2>/dev/null && rt=(chrt -f 1)
	nsenter --net="/run/netns/$(lab_ns "$r")" "${rt[@]}" ip -ts -o monitor address \
		>"$LAB_DIR/addrwatch-$r.txt" 2>/dev/null &
	LAB_PID[cap.addr-$r]=$!
	lab_exec "$r" ip addr add 127.255.255.254/32 dev lo
	t_wait_ms 2000 grep -q '127\.255\.255\.254/32' "$LAB_DIR/addrwatch-$r.txt"
	lab_exec "$r" ip addr del 127.255.255.254/32 dev lo
}

t_addr_unwatch() { t_stop cap "addr-$1" >/dev/null; }

# t_capture_stop NAME: stops the capture, once what it saw is written.
t_capture_stop() {
	sleep 0.2
	t_stop cap "$1" INT >/dev/null
}

# t_capture_read NAME [FILTER...]: the captured frames, one line each (-e: with MACs). A capture
# that cannot be read is not an empty one: it is noted, and t_done fails the test for it (a read
# in a pipe, "... | grep -c", cannot fail the check itself).
t_capture_read() {
	local name=$1 err
	shift
	err=$LAB_DIR/$name.read.err
	if ! tcpdump -n -e -r "$LAB_DIR/$name.pcap" --time-stamp-precision=nano -tt "$@" 2>"$err"; then
		# A reader that stopped early (grep -q, head) is not a capture that could not be read.
		grep -q 'Broken pipe' "$err" && return 1
		echo "$name: $(tail -n 1 "$err")" >>"$LAB_DIR/capture.errors"
		return 1
	fi
}

# t_log_has R REGEX: a line of router R's log (all its daemons) written since the last t_phase
# matches: a phase never passes on a line an earlier phase produced.
t_log_has() { t_log_since "$1" | grep -Eq -- "$2"; }
# t_log_since R: router R's log since the last t_phase.
t_log_since() { tail -c +$((${T_LOG_MARK[$1]:-0} + 1)) "$LAB_DIR/$1.log" 2>/dev/null; }

# t_log_ms R REGEX: the time (epoch ms, t_now_ms's clock) of the last line of R's log since the
# last t_phase that matches; no output and status 1 when there is none. The daemon's log stamps
# are local time to the millisecond.
t_log_ms() {
	local line
	line=$(tail -c +$((${T_LOG_MARK[$1]:-0} + 1)) "$LAB_DIR/$1.log" 2>/dev/null |
		grep -E -- "$2" | tail -n 1)
	[ -n "$line" ] || return 1
	date -d "${line%% *}" +%s%3N
}

# t_log_lacks R REGEX: R's log is there, and no line since the last t_phase matches.
t_log_lacks() { [ -e "$LAB_DIR/$1.log" ] && ! t_log_has "$@"; }

# t_phase: a new phase of the test begins: t_log_has reads only what the logs get from now on.
declare -A T_LOG_MARK
t_phase() {
	local f r
	for f in "$LAB_DIR"/*.log; do
		[ -e "$f" ] || continue
		r=$(basename "$f" .log)
		T_LOG_MARK[$r]=$(wc -c <"$f")
	done
}
# t_started R VRID [IFACE]: waits (up to 30 s) for R's daemon to have started the instance, so that
# a protocol bound is timed from there: loading the XDP program (the verifier) takes seconds in
# the VM lane's emulated CPU.
t_started() { t_wait_ms 30000 t_log_has "$1" "VRRP ID $2 on ${3:-eth0}: started,"; }

# bpftool -j prints the BTF-named fields under "formatted".
# The counters of struct vrrpd_stats, from the one list in include/vrrp_abi.h.
T_STATS_FIELDS=" $(sed -n '/^#define VRRPD_STATS_FIELDS/,/^$/p' "$LAB_ROOT/include/vrrp_abi.h" |
	grep -o 'X([a-z0-9_]*)' | sed 's/^X(//; s/)$//' | tr '\n' ' ')"

# t_stat R VRID FIELD: a vrrpd_stats counter of router R's instance, summed over the CPUs. The
# XDP program makes an instance's entry with its first counted frame, so an instance that is in
# vrrpd_cfg without one has counted nothing: 0 (VRID 0, where drops without an instance are
# counted, needs no instance). Anything else missing (no such counter, no map, no such instance,
# a field bpftool did not print) is not 0: t_stat says so on stderr, prints "missing:FIELD",
# which no check expects (and which arithmetic refuses), and returns 1.
t_stat() {
	local pins=/sys/fs/bpf/$LAB_PREFIX-$1 v why=""
	case $T_STATS_FIELDS in
	*" $3 "*) ;;
	*) why="vrrpd_stats has no counter $3" ;;
	esac
	if [ -z "$why" ] && [ "$2" != 0 ]; then
		v=$(bpftool -j map dump pinned "$pins/vrrpd_cfg" 2>/dev/null |
			jq --argjson vrid "$2" 'type == "array" and any(.[]; .formatted.key.vrid == $vrid)')
		[ "$v" = true ] || why="$1 has no instance with VRID $2 in $pins/vrrpd_cfg"
	fi
	[ -n "$why" ] || v=$(bpftool -j map dump pinned "$pins/vrrpd_stats" 2>/dev/null |
		jq --argjson vrid "$2" --arg f "$3" 'if type != "array" then null else
			[.[].formatted | select(.key.vrid == $vrid) | .values[].value[$f]] |
			if any(. == null) then null else add // 0 end end')
	[ -n "$why" ] || { [ -n "$v" ] && [ "$v" != null ]; } || why="cannot read $3 in $pins/vrrpd_stats"
	if [ -n "$why" ]; then
		echo "t_stat: $why" >&2
		echo "missing:$3"
		return 1
	fi
	echo "$v"
}

# t_atropos R ARGS...: atropos in router R, pointed at R's daemons (pin and run directories).
t_atropos() {
	local r=$1
	shift
	lab_exec "$r" "$ATROPOS" --pin-dir "/sys/fs/bpf/$LAB_PREFIX-$r" -f "$LAB_DIR/$r" "$@"
}

# t_entry MAP R VRID FIELD: a field of router R's entry for VRID in MAP (vrrpd_cfg, vrrpd_rx,
# vrrpd_down). No such map, entry or field is not "": it says so on stderr, prints
# "missing:FIELD" and returns 1, as t_stat does.
t_entry() {
	local v
	v=$(bpftool -j map dump pinned "/sys/fs/bpf/$LAB_PREFIX-$2/$1" 2>/dev/null |
		jq -r --argjson v "$3" --arg f "$4" 'if type != "array" then "null" else
			[.[].formatted | select(.key.vrid == $v) | .value[$f]] |
			if length == 1 and .[0] != null then .[0] else "null" end end' 2>/dev/null)
	if [ -z "$v" ] || [ "$v" = null ]; then
		echo "t_entry: cannot read $4 of VRID $3 in /sys/fs/bpf/$LAB_PREFIX-$2/$1" >&2
		echo "missing:$4"
		return 1
	fi
	echo "$v"
}

# t_no_entry MAP R VRID: router R's MAP can be read, and holds no entry for VRID.
t_no_entry() {
	local out
	out=$(bpftool -j map dump pinned "/sys/fs/bpf/$LAB_PREFIX-$2/$1" 2>&1 |
		jq --argjson v "$3" 'if type == "array" then any(.[]; .formatted.key.vrid == $v)
			else "error" end' 2>&1)
	[ "$out" = false ] || echo "t_no_entry: $1 of $2 for VRID $3: $out" >&2
	[ "$out" = false ]
}

# t_cfg R VRID FIELD: a field of router R's vrrpd_cfg entry for VRID (what its vrrpd published).
t_cfg() { t_entry vrrpd_cfg "$@"; }

# t_cfg_vrids R: the VRIDs in router R's vrrpd_cfg, sorted, space separated ("" for none). A map
# that cannot be read is not empty: "error: ..." and status 1.
t_cfg_vrids() {
	local out
	out=$(bpftool -j map dump pinned "/sys/fs/bpf/$LAB_PREFIX-$1/vrrpd_cfg" 2>&1 |
		jq -r 'if type == "array" then [.[].formatted.key.vrid] | sort | map(tostring) |
			join(" ") else "error: \(.error // .)" end' 2>&1)
	echo "$out"
	[[ $out != error* ]]
}

# t_xdp_progs R [DEV]: how many XDP programs are attached to R's DEV (eth0); "error: ..." and
# status 1 if the link cannot be shown (not 0).
t_xdp_progs() {
	local out
	if ! out=$(lab_exec "$1" ip -d link show "${2:-eth0}" 2>&1); then
		echo "error: $out"
		return 1
	fi
	grep -c 'prog/xdp' <<<"$out"
}

# t_jq FILTER FILE: whether jq's FILTER, over FILE's JSON values as one array, is true.
t_jq() { jq -se "$1" "$2" >/dev/null 2>&1; }

# t_count REGEX CMD...: how many lines of CMD's output match REGEX; if CMD fails, "error: ..."
# and status 1 (not 0: an absence must be seen by a probe that works).
t_count() {
	local re=$1 out
	shift
	if ! out=$("$@" 2>&1); then
		echo "error: $* failed: $(tail -n 1 <<<"$out")"
		return 1
	fi
	grep -cE -- "$re" <<<"$out"
}

# t_no_link R DEV: router R's links can be listed and DEV is not one of them (not "! ip link
# show DEV", which any error satisfies).
t_no_link() {
	local out
	lab_exec "$1" ip link show lo >/dev/null || return 1
	out=$(lab_exec "$1" ip link show "$2" 2>&1) && return 1
	[[ $out == *"does not exist"* ]]
}

# cg_make [NAME]: a CPU cgroup of our own that holds its threads to 1 % of a CPU: v2 if the
# unified hierarchy has the cpu controller, else v1. Returns 1 if the kernel has no CPU
# controller (the one reason to skip), 2 if making the cgroup failed otherwise (a failure: the
# error is on stderr). CG_TASKS is the file that takes thread ids (v2: cgroup.threads, v1: tasks).
cg_make() {
	local name=${1:-vrrpd-test-$$} dir
	# CG is set once the directory is ours: cg_remove must never empty someone else's cgroup.
	if [ -f /sys/fs/cgroup/cgroup.controllers ] && grep -qw cpu /sys/fs/cgroup/cgroup.controllers; then
		dir=/sys/fs/cgroup/$name
		CG_TASKS=cgroup.threads
		{ grep -qw cpu /sys/fs/cgroup/cgroup.subtree_control ||
			echo +cpu >/sys/fs/cgroup/cgroup.subtree_control; } &&
			mkdir "$dir" && CG=$dir && echo threaded >"$CG/cgroup.type" &&
			echo "1000 100000" >"$CG/cpu.max" && return 0
	elif [ -d /sys/fs/cgroup/cpu ]; then
		dir=/sys/fs/cgroup/cpu/$name
		CG_TASKS=tasks
		mkdir "$dir" && CG=$dir && echo 100000 >"$CG/cpu.cfs_period_us" &&
			echo 1000 >"$CG/cpu.cfs_quota_us" && return 0
	else
		return 1
	fi
	echo "cg_make: cannot make the CPU cgroup $dir with a 1 % quota" >&2
	return 2
}

# cg_add PID...: every thread of each PID into the cgroup; fails if one could not go (a
# real-time thread, with cgroup v1's RT group scheduling, is refused).
cg_add() {
	local p t rc=0
	for p in "$@"; do
		for t in /proc/"$p"/task/*; do
			echo "${t##*/}" 2>/dev/null >"$CG/$CG_TASKS" || rc=1
		done
	done
	return $rc
}

# How many times the quota stopped the cgroup (cpu.stat nr_throttled).
cg_throttled() { awk '$1 == "nr_throttled" { print $2 }' "$CG/cpu.stat"; }

# Back to the parent cgroup, then the cgroup goes.
cg_remove() {
	local t
	[ -n "$CG" ] && [ -d "$CG" ] || return 0
	while read -r t; do
		echo "$t" >"$(dirname "$CG")/$CG_TASKS" 2>/dev/null
	done <"$CG/$CG_TASKS"
	rmdir "$CG"
	CG=
}

# The end of a test script: its exit status says whether anything failed (and a capture that
# could not be read fails it: see t_capture_read).
t_done() {
	local l
	if [ -n "$LAB_DIR" ] && [ -s "$LAB_DIR/capture.errors" ]; then
		while IFS= read -r l; do
			t_fail capture_read "cannot read the capture $l"
		done <"$LAB_DIR/capture.errors"
	fi
	[ "$T_FAILS" -eq 0 ]
}

# Tests need root, the built daemon and the lab's programs; report a skip (not a failure)
# otherwise.
t_require() {
	local why=""
	[ "$(id -u)" = 0 ] || why="needs root"
	[ -x "$VRRPD" ] || why="${why:+$why, }$VRRPD is not built (make)"
	if [ -n "$why" ]; then
		echo "skip $1: $why"
		exit 0
	fi
	t_need "$1" ip nsenter bridge bpftool jq ping ethtool
}

# t_need TEST PROGRAM...: skips TEST unless every PROGRAM (a name on PATH, or a path) is
# installed. Each comes from a package on tools/install-deps.sh's list, which
# tests/deps/check_deps.py checks by reading these lines: such a skip means make deps did not run.
t_need() {
	local t=$1 c why=""
	shift
	for c in "$@"; do
		case $c in
		/*) [ -x "$c" ] ;;
		*) command -v "$c" >/dev/null ;;
		esac || why="${why:+$why, }$c"
	done
	if [ -n "$why" ]; then
		echo "skip $t: needs $why (tools/install-deps.sh)"
		exit 0
	fi
}
