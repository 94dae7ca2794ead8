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

# t_eq NAME GOT WANT [WHY]: ok if GOT is WANT; WHY says what GOT means when it is not.
t_eq() {
	if [ "$2" = "$3" ]; then
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

# t_holds_ms MS CMD...: CMD succeeds at every poll (every ~150 ms) for MS.
t_holds_ms() {
	local limit=$1 start now
	shift
	start=$(t_now_ms)
	while :; do
		"$@" || return 1
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
	[ "$sig" = 0 ] || kill "-$sig" "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	rc=$?
	unset "LAB_PID[$key]"
	return "$rc"
}

# t_reap R [TAG]: waits for a daemon that was signalled by hand; returns its exit status.
t_reap() { t_stop "$1" "${2:-main}" 0; }

# t_alive R [TAG]: is the daemon still running?
t_alive() {
	local pid
	pid=$(t_pid "$@")
	[ -n "$pid" ] && kill -0 "$pid" 2>/dev/null
}

# t_start R [TAG] ARGS...: lab_vrrpd with a tag, without printing the pid; returns once the daemon
# has logged its instance started, or exited (a refusal), or after 30 s: what a test times then
# runs from there, not from before the XDP program's load (seconds in the VM lane's emulated CPU).
t_start() {
	local r=$1 tag=$2 n
	shift 2
	n=$(t_starts "$r")
	LAB_TAG=$tag lab_vrrpd "$r" "$@" >/dev/null
	t_wait_ms 30000 eval '[ "$(t_starts "$r")" -gt "$n" ] || ! t_running "$(t_pid "$r" "$tag")"'
}
# t_starts R: how many times R's log says an instance started.
t_starts() { cat "$LAB_DIR/$1.log" 2>/dev/null | grep -c ': started, VRRPv'; }
# t_running PID: alive and not a zombie (an exited child stays one until the test waits for it).
t_running() { [ -n "$1" ] && [ -e "/proc/$1" ] && ! grep -q '^State:.*Z' "/proc/$1/status" 2>/dev/null; }

# Who holds ADDR: "r1", "r2", "r1 r2" or "".
t_holders() {
	local r out=""
	for r in r1 r2; do
		lab_has_ip "$r" "$1" && out="${out:+$out }$r"
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

# t_capture_stop NAME: stops the capture, once what it saw is written.
t_capture_stop() {
	sleep 0.2
	t_stop cap "$1" INT >/dev/null
}

# t_capture_read NAME [FILTER...]: the captured frames, one line each (-e: with MACs).
t_capture_read() {
	local name=$1
	shift
	tcpdump -n -e -r "$LAB_DIR/$name.pcap" --time-stamp-precision=nano -tt "$@" 2>/dev/null
}

# t_log_has R REGEX: a line of router R's log (all its daemons) matches.
t_log_has() { grep -Eq -- "$2" "$LAB_DIR/$1.log"; }
# t_started R VRID [IFACE]: waits (up to 30 s) for R's daemon to have started the instance, so that
# a protocol bound is timed from there: loading the XDP program (the verifier) takes seconds in
# the VM lane's emulated CPU.
t_started() { t_wait_ms 30000 t_log_has "$1" "VRRP ID $2 on ${3:-eth0}: started,"; }

# bpftool -j prints the BTF-named fields under "formatted".
# t_stat R VRID FIELD: a vrrpd_stats counter of router R's instance, summed over the CPUs.
t_stat() {
	bpftool -j map dump pinned "/sys/fs/bpf/$LAB_PREFIX-$1/vrrpd_stats" 2>/dev/null |
		jq --argjson vrid "$2" --arg f "$3" \
			'[.[].formatted | select(.key.vrid == $vrid) | .values[].value[$f]] | add // 0'
}

# t_cfg_vrids R: the VRIDs in router R's vrrpd_cfg, sorted, space separated.
t_cfg_vrids() {
	bpftool -j map dump pinned "/sys/fs/bpf/$LAB_PREFIX-$1/vrrpd_cfg" 2>/dev/null |
		jq -r '[.[].formatted.key.vrid] | sort | map(tostring) | join(" ")'
}

# t_xdp_progs R: how many XDP programs are attached to R's eth0.
t_xdp_progs() {
	lab_exec "$1" ip -d link show eth0 | grep -c 'prog/xdp'
}

# cg_make [NAME]: a CPU cgroup of our own that holds its threads to 1 % of a CPU: v2 if the
# unified hierarchy has the cpu controller, else v1. Returns 1 if there is no CPU controller.
# CG_TASKS is the file that takes thread ids (v2: cgroup.threads, v1: tasks).
cg_make() {
	local name=${1:-vrrpd-test-$$}
	if [ -f /sys/fs/cgroup/cgroup.controllers ] && grep -qw cpu /sys/fs/cgroup/cgroup.controllers; then
		grep -qw cpu /sys/fs/cgroup/cgroup.subtree_control ||
			echo +cpu >/sys/fs/cgroup/cgroup.subtree_control
		CG=/sys/fs/cgroup/$name
		CG_TASKS=cgroup.threads
		mkdir "$CG" && echo threaded >"$CG/cgroup.type" && echo "1000 100000" >"$CG/cpu.max"
	elif [ -d /sys/fs/cgroup/cpu ]; then
		CG=/sys/fs/cgroup/cpu/$name
		CG_TASKS=tasks
		mkdir "$CG" && echo 100000 >"$CG/cpu.cfs_period_us" && echo 1000 >"$CG/cpu.cfs_quota_us"
	else
		return 1
	fi
}

# cg_add PID...: every thread of each PID into the cgroup.
cg_add() {
	local p t
	for p in "$@"; do
		for t in /proc/"$p"/task/*; do
			echo "${t##*/}" >"$CG/$CG_TASKS"
		done
	done
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

# The end of a test script: its exit status says whether anything failed.
t_done() {
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
