#!/bin/bash
# Benchmark 5 of make bench, "idle cost and scale": what vrrpd and keepalived cost while nothing
# happens. In the test lab (tests/netns/lib.sh), r1 runs N masters (priority 200) and r2 N
# backups (priority 100), VRIDs 1..N, VIP 10.200.VRID.1/32 each, with a virtual MAC on both
# sides (vrrpd's default, keepalived's use_vmac); N is 1, 10, 100 and 255, the advertisement
# interval 1 s and 10 ms, and at 100 ms 255 and 1000. Above 255 the instances are spread over
# as many LANs as it takes (1000: eth0 to eth3, VRIDs 1..250 on each, VIPs 10.20I.VRID.1/32 on
# ethI). Three ways to run them: "vrrpd-c", one vrrpd per router with the N instances in its -c
# file; "vrrpd", one process per instance (as the original did; not above 255); "keepalived",
# one process per router (a parent and its VRRP child) with N vrrp_instance blocks. Once the
# roles have settled, both routers are measured over the same window of W seconds (60 from 100
# instances on, 10 below, and 10 for a configuration that never settled):
#   CPU %       on-CPU time of all the implementation's processes and threads, from
#               /proc/PID/task/TID/schedstat (ns, exact), over W
#   wakeups/s   voluntary context switches (the process slept and was woken), over W
#   preempted/s nonvoluntary context switches (another task took the CPU: here mostly the
#               softirq work of the frames the process sends, deferred to ksoftirqd), over W
#               (/proc/PID/task/TID/status)
#   PSS, RSS    sums of Pss (smaps_rollup) and VmRSS, KiB, at the end of the window
#   machine %   the whole machine's busy time over W (/proc/stat: all but idle and iowait, of
#               all CPUs, softirq included), the same on both routers' rows: the XDP program
#               (vrrpd) and the socket receive path (keepalived) run in softirq context and
#               are charged to no process
#   transitions state changes logged by the router during W (0 when settled)
# BPF maps and sockets are kernel memory, in neither PSS nor RSS. Then, for 255 instances at
# 10 ms that settled, a takeover storm: kill -9 of every process of r1, and when r2 added each
# of the N VIPs (the kernel's address notifications), p50, p99 and the last, against r2's
# Master_Down_Interval (in "storms").
#
#   tools/bench/idle.sh [--quick] [--window S] --json FILE
#
# --quick: N = 1 and 10 at 10 ms only, W = 1 s. IDLE_SIZES, IDLE_INTERVALS (seconds) and
# IDLE_IMPLS override the lists, IDLE_EXTRA the configurations added to them (N@SECONDS: "255@0.1
# 1000@0.1"); --window the windows. Prints a table and writes {"rows":[{"impl",
# "instances","interval_ms","interfaces","role","cpu_pct","wakeups_per_s","preempted_per_s","pss_kib","rss_kib","procs",
# "machine_busy_pct","transitions","window_s","up_ms","settled_ms","all_in_role"}],"storms":[{"impl",
# "instances","interval_ms","n","want","p50_ms","p99_ms","max_ms","master_down_interval_ms"}]} (up_ms: start until every
# instance said it started; settled_ms: until the roles settled, -1 if never). all_in_role says whether every instance was in its expected role at the end
# of the window (r1's master holding its VIP, r2's backup without it), and had been since
# before it (settled, no state change logged during the window); a row where it is false
# measured a broken setup, and a warning says so. A daemon that does not start stops the run at
# once (exit 1). A configuration whose roles do not settle within a generous bound is measured
# all the same (its rows say all_in_role false), stopped with SIGKILL, and the run goes on to
# the others and exits 3 at the end, naming it: a finding about the daemon, not a harness
# failure (run.sh keeps the rows and reports it).
set -u
# shellcheck source=tools/bench/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ATROPOS=$LAB_ROOT/build/atropos
KEEPALIVED=${KEEPALIVED:-/usr/sbin/keepalived}
bench_args "$@"

die() {
	echo "idle.sh: $*" >&2
	exit 1
}

[ "$(id -u)" = 0 ] || die "needs root"
if [ ! -x "$VRRPD" ] || [ ! -x "$ATROPOS" ]; then
	die "$VRRPD or $ATROPOS is not built (make all)"
fi
[ -x "$KEEPALIVED" ] || die "needs keepalived ($KEEPALIVED)"
for c in ip nsenter bpftool jq awk; do
	command -v "$c" >/dev/null || die "needs $c"
done
bench_kernel_check

if [ "$QUICK" = 1 ]; then
	SIZES=${IDLE_SIZES:-1 10}
	INTERVALS=${IDLE_INTERVALS:-0.01}
	EXTRA=${IDLE_EXTRA-}
	W=${W:-1}
else
	SIZES=${IDLE_SIZES:-1 10 100 255}
	INTERVALS=${IDLE_INTERVALS:-1 0.01}
	EXTRA=${IDLE_EXTRA-255@0.1 1000@0.1}
fi
IMPLS=${IDLE_IMPLS:-vrrpd-c vrrpd keepalived}
[[ "${W:-0}" =~ ^[0-9]+(\.[0-9]+)?$ ]] || die "--window wants seconds, not '$W'"
# window N: the measuring window of a configuration of N instances (--window: all of them).
window() {
	if [ -n "$W" ]; then
		echo "$W"
	elif [ "$1" -ge 100 ]; then
		echo 60
	else
		echo 10
	fi
}

ROWS=()
STORMS=()
WARNINGS=0
UNSETTLED=()
KA_CHILD=()
STRAGGLERS=()

# keepalived's VRRP child is not our child: stop it only if it still runs our configuration.
ka_child_ours() {
	local pid=$1
	[ -n "$pid" ] && { tr '\0' ' ' <"/proc/$pid/cmdline"; } 2>/dev/null | grep -qF -- "$LAB_DIR/"
}

cleanup() {
	local p
	for p in "${!LAB_PID[@]}"; do
		kill -KILL "${LAB_PID[$p]}" 2>/dev/null
	done
	for p in "${KA_CHILD[@]}"; do
		ka_child_ours "$p" && kill -KILL "$p" 2>/dev/null
	done
	# Checks that outlived their bound (see bounded) finish once the daemons are gone.
	for p in "${STRAGGLERS[@]}"; do
		wait "$p" 2>/dev/null
	done
	lab_down
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# Warnings go to fd 4, the script's stderr, so that they pass where stderr is silenced.
exec 4>&2
warn() {
	echo "WARNING: $*" >&4
	WARNINGS=$((WARNINGS + 1))
}

fail_setup() {
	echo "idle.sh: $*" >&2
	t_logs >&2
	exit 1
}

# bounded MS CMD...: runs CMD in the background and waits at most MS for it; its output goes to
# BOUNDED_OUT. Listing addresses takes the rtnl lock, which a setup in trouble (hundreds of
# daemons adding and removing addresses and macvlans) can keep busy for minutes: a check stuck
# behind it is left to finish on its own (cleanup waits for it), and returns 124 here.
BOUNDED_OUT=""
BOUNDED_N=0
VIPS=""
REPORT=""
WHY_NOT=""
bounded() {
	local ms=$1 f pid deadline
	shift
	BOUNDED_N=$((BOUNDED_N + 1))
	f=$LAB_DIR/bounded.$BOUNDED_N
	"$@" >"$f" 2>/dev/null &
	pid=$!
	deadline=$(($(t_now_ms) + ms))
	while kill -0 "$pid" 2>/dev/null && [ "$(t_now_ms)" -lt "$deadline" ]; do
		sleep 0.02
	done
	if kill -0 "$pid" 2>/dev/null; then
		STRAGGLERS+=("$pid")
		BOUNDED_OUT=""
		return 124
	fi
	wait "$pid"
	BOUNDED_OUT=$(<"$f")
}

# ms to seconds, for keepalived's advert_int and vrrpd's -d.
ms_to_s() { awk -v ms="$1" 'BEGIN { printf "%g", ms / 1000 }'; }

# --- Starting and stopping ------------------------------------------------------------------

# vrrpd_start N INT_S: N processes per router, all in the background at once (each loads its own
# copy of the XDP program, verifier included, and then uses the one already attached); the
# caller waits for them. Not t_start, which waits for each in turn: 100 per router then took
# 40 s, of which the daemons needed 5 (255 at 10 ms: 649 s).
vrrpd_start() {
	local n=$1 int=$2 v
	for ((v = 1; v <= n; v++)); do
		LAB_TAG=v$v lab_vrrpd r1 -i eth0 -v "$v" -p 200 -d "$int" "10.200.$v.1/32" >/dev/null
		LAB_TAG=v$v lab_vrrpd r2 -i eth0 -v "$v" -p 100 -d "$int" "10.200.$v.1/32" >/dev/null
	done
}

# spread N: the instances of a configuration of N, one "IFACE VRID" line each: up to 255 on
# eth0, above that spread evenly over as many LANs as it takes (1000: 250 on each of eth0..3).
spread() {
	local n=$1 k per j
	k=$(((n + 254) / 255))
	per=$(((n + k - 1) / k))
	for ((j = 0; j < n; j++)); do
		echo "$((j / per)) $((j % per + 1))"
	done
}

# lans N: the lab has the LANs that N instances need (eth1 to eth3 beside eth0).
lans() {
	local k=$((($1 + 254) / 255)) i
	for ((i = 1; i < k; i++)); do
		lab_exec r1 ip link show "eth$i" >/dev/null 2>&1 ||
			lab_lan "br$i" "eth$i" "l$i" "10.$((99 - i)).0"
	done
}

# vrrpdc_start N INT_S: one vrrpd per router, its N instances in a -c file.
vrrpdc_start() {
	local n=$1 int=$2 r prio i v
	for r in r1 r2; do
		prio=100
		[ "$r" = r1 ] && prio=200
		{
			echo "-p $prio -d $int"
			spread "$n" | while read -r i v; do
				printf 'vrrp {\n -i eth%d -v %d 10.%d.%d.1/32\n}\n' "$i" "$v" $((200 + i)) "$v"
			done
		} >"$LAB_DIR/$r.conf"
		mkdir -p "$LAB_DIR/$r"
		nsenter --net="/run/netns/$(lab_ns "$r")" "$VRRPD" --foreground \
			--pin-dir "/sys/fs/bpf/$LAB_PREFIX-$r" -f "$LAB_DIR/$r" -c "$LAB_DIR/$r.conf" \
			>>"$LAB_DIR/$r.log" 2>&1 &
		LAB_PID[$r.c]=$!
	done
}

# How many vrrpd instances of router R said they started.
vrrpd_started() { grep -c ': started, VRRPv3' "$LAB_DIR/$1.log" 2>/dev/null; }

# ka_conf R PRIO N INT_S: keepalived's configuration for router R. vrrp_garp_master_delay 0:
# no second burst of gratuitous ARPs 5 s after a takeover (vrrpd sends one burst), which would
# fall into the window.
# Beyond eth0, instance names VI_I_VRID and macvlans vrrpI.VRID (keepalived's default name,
# vrrp.VRID, would be the same on every interface).
ka_conf() {
	local r=$1 prio=$2 n=$3 int=$4 i v
	printf 'global_defs {\n\trouter_id %s\n\tvrrp_version 3\n\tvrrp_garp_master_delay 0\n}\n' "$r"
	spread "$n" | while read -r i v; do
		if [ "$i" = 0 ]; then
			printf 'vrrp_instance VI_%d {\n\tstate BACKUP\n\tinterface eth0\n\tuse_vmac\n' "$v"
		else
			printf 'vrrp_instance VI_%d_%d {\n\tstate BACKUP\n\tinterface eth%d\n' "$i" "$v" "$i"
			printf '\tuse_vmac vrrp%d.%d\n' "$i" "$v"
		fi
		printf '\tvirtual_router_id %d\n\tpriority %d\n\tadvert_int %s\n' "$v" "$prio" "$int"
		printf '\tvirtual_ipaddress {\n\t\t10.%d.%d.1/32\n\t}\n}\n' $((200 + i)) "$v"
	done
}

# ka_start N INT_S: keepalived in r1 (priority 200) and r2 (100), in the foreground, logging to
# $LAB_DIR/ka-R.log; returns once both have their VRRP child.
ka_start() {
	local n=$1 int=$2 r prio
	for r in r1 r2; do
		prio=100
		[ "$r" = r1 ] && prio=200
		ka_conf "$r" "$prio" "$n" "$int" >"$LAB_DIR/ka-$r.conf"
		rm -f "$LAB_DIR/ka-$r.pid" "$LAB_DIR/ka-$r-vrrp.pid"
		: >"$LAB_DIR/ka-$r.log"
		nsenter --net="/run/netns/$(lab_ns "$r")" "$KEEPALIVED" -n -l -G -D -P \
			-f "$LAB_DIR/ka-$r.conf" -p "$LAB_DIR/ka-$r.pid" -r "$LAB_DIR/ka-$r-vrrp.pid" \
			>>"$LAB_DIR/ka-$r.log" 2>&1 &
		LAB_PID[$r.ka]=$!
	done
	for r in r1 r2; do
		t_wait_ms 10000 test -s "$LAB_DIR/ka-$r-vrrp.pid" ||
			fail_setup "keepalived in $r did not start its VRRP child"
		KA_CHILD+=("$(cat "$LAB_DIR/ka-$r-vrrp.pid")")
	done
}

# stop_keys PREFIX SIGNAL: SIGNAL to every daemon whose LAB_PID key starts with PREFIX, all at
# once, then waits for each (SIGKILL and a warning after 10 s). Quiet: bash would report each
# daemon that a signal ended.
stop_keys() { stop_keys_ "$@" 2>/dev/null; }
stop_keys_() {
	local pre=$1 sig=$2 k keys=() deadline
	for k in "${!LAB_PID[@]}"; do
		[[ "$k" == "$pre"* ]] && keys+=("$k")
	done
	[ ${#keys[@]} -gt 0 ] || return 0
	for k in "${keys[@]}"; do
		kill "-$sig" "${LAB_PID[$k]}" 2>/dev/null
	done
	deadline=$(($(t_now_ms) + 10000))
	for k in "${keys[@]}"; do
		while kill -0 "${LAB_PID[$k]}" 2>/dev/null && [ "$(t_now_ms)" -lt "$deadline" ]; do
			sleep 0.05
		done
		if kill -0 "${LAB_PID[$k]}" 2>/dev/null; then
			warn "$k (pid ${LAB_PID[$k]}) did not exit on SIG$sig within 10 s: SIGKILL"
			kill -KILL "${LAB_PID[$k]}" 2>/dev/null
		fi
		wait "${LAB_PID[$k]}" 2>/dev/null
		unset "LAB_PID[$k]"
	done
}

# stop_all SIGNAL IMPL: stops everything. vrrpd with SIGTERM: the backups first (r2), so that
# the masters' priority-0 adverts find nobody to take over. keepalived takes seconds to stop
# (more than 5 s with 255 instances, when its parent kills the VRRP child still removing its
# macvlans): both routers at once. Then nothing may be left: what is (keepalived's vrrp.VRID
# macvlans) is removed, with a warning where it should not be. After a SIGKILL (a setup that
# never settled), the lab is built anew.
stop_all() {
	local sig=$1 what=$2 r p left
	if [ "$sig" = TERM ] && [ "$what" != keepalived ]; then
		stop_keys r2. TERM
		stop_keys r1. TERM
	else
		stop_keys r "$sig"
	fi
	for p in "${KA_CHILD[@]}"; do
		t_wait_ms 5000 eval "! ka_child_ours $p" ||
			{
				warn "keepalived's VRRP child $p outlived its parent: SIGKILL"
				kill -KILL "$p" 2>/dev/null
			}
	done
	KA_CHILD=()
	if [ "$sig" = KILL ]; then
		# Hundreds of macvlans, VIPs and the XDP program are left: deleting the namespaces
		# removes them in one batch, where ip link del takes an RCU grace period each.
		for p in "${STRAGGLERS[@]}"; do
			wait "$p" 2>/dev/null
		done
		STRAGGLERS=()
		lab_down
		lab_up "$LAB_PREFIX"
		return
	fi
	for r in r1 r2; do
		left=$(lab_exec "$r" ip -o link show | awk -F': ' '$2 ~ /^(vr[0-9]+-eth[0-9]|vrrp[0-9]*\.[0-9]+)@/ {
			sub(/@.*/, "", $2); print $2 }')
		if [ -n "$left" ]; then
			p="$(echo "$left" | wc -l) interfaces left in $r ($(echo "$left" | head -3 | tr '\n' ' ')...)"
			if [ "$what" = keepalived ]; then
				echo "# $p: deleted"
			else
				warn "$p: deleting"
			fi
			# shellcheck disable=SC2001 # one line per interface
			sed 's/^/link del /' <<<"$left" | lab_exec "$r" ip -force -batch - 2>/dev/null
		fi
		if lab_exec "$r" ip -4 -o addr show | grep -q ' 10\.20[0-9]\.'; then
			warn "$r: VIPs left: deleting"
			lab_exec "$r" ip -4 -o addr show | awk '$4 ~ /^10\.20[0-9]\./ { print "addr del", $4, "dev", $2 }' |
				lab_exec "$r" ip -force -batch - 2>/dev/null
		fi
		for p in $(lab_exec "$r" ip -o link show | awk -F': ' '$2 ~ /^eth[0-9]+$/ { print $2 }'); do
			if lab_exec "$r" ip -j link show dev "$p" | jq -e '.[0].xdp' >/dev/null; then
				warn "$r: an XDP program is still attached to $p: detaching"
				lab_exec "$r" ip link set dev "$p" xdp off
			fi
		done
		rm -rf "/sys/fs/bpf/$LAB_PREFIX-$r" "${LAB_DIR:?}/$r"
		: >"$LAB_DIR/$r.log"
	done
}

# --- Roles ----------------------------------------------------------------------------------

# vips R: VIPS, how many of the VIPs router R holds ("?" if the lookup is stuck). Not to be
# called in a subshell (bounded keeps track of what it leaves behind).
vips() {
	VIPS="?"
	bounded 5000 lab_exec "$1" ip -4 -o addr show || return 0
	VIPS=$(grep -cE ' 10\.20[0-9]\.[0-9]+\.1/32 ' <<<"$BOUNDED_OUT")
	return 0
}

# in_state IMPL R STATE N: how many of router R's N instances are in STATE as the daemon says
# it: vrrpd's from the pinned vrrpd_cfg map (atropos would also ask for the XDP mode, an rtnl
# dump per instance), keepalived's from the last "Entering ... STATE" line of each instance.
# Every advert sent rewrites a vrrpd_cfg entry, and a hash map walked while it changes may show
# an entry twice or not at all: duplicates are dropped, and a walk short of N is done again.
in_state() {
	local impl=$1 r=$2 st=$3 n=$4 i out
	if [ "$impl" != keepalived ]; then
		for i in 1 2 3; do
			out=$(bpftool -j map dump pinned "/sys/fs/bpf/$LAB_PREFIX-$r/vrrpd_cfg" 2>/dev/null |
				jq -r --argjson s "$([ "$st" = MASTER ] && echo 2 || echo 1)" \
					'[.[].formatted | {v: "\(.key.ifindex)/\(.key.vrid)", s: .value.state}] | unique_by(.v) |
					"\(length) \(map(select(.s == $s)) | length)"' 2>/dev/null)
			[ "${out% *}" != "$n" ] || break
		done
		echo "${out#* }"
	else
		awk -v s="$st" 'match($0, /\(VI_[0-9_]+\) Entering [A-Z]+ STATE/) {
				split(substr($0, RSTART, RLENGTH), f, /[() ]+/); last[f[2]] = f[4] }
			END { n = 0; for (i in last) if (last[i] == s) n++; print n }' "$LAB_DIR/ka-$r.log"
	fi
}

# alive IMPL: are all the daemons we started still running?
alive() {
	local k
	for k in "${!LAB_PID[@]}"; do
		kill -0 "${LAB_PID[$k]}" 2>/dev/null || return 1
	done
	if [ "$1" = keepalived ]; then
		for k in "${KA_CHILD[@]}"; do
			ka_child_ours "$k" || return 1
		done
	fi
	return 0
}

# in_role IMPL N: every daemon runs, r1's N instances are master and r2's backup, r1 holds the
# N VIPs and r2 none.
# WHY_NOT: the first condition that failed.
in_role() {
	local impl=$1 n=$2 k
	WHY_NOT="a daemon exited"
	alive "$impl" || return 1
	k=$(in_state "$impl" r1 MASTER "$n")
	WHY_NOT="r1: $k master"
	[ "$k" = "$n" ] || return 1
	k=$(in_state "$impl" r2 BACKUP "$n")
	WHY_NOT="r2: $k backup"
	[ "$k" = "$n" ] || return 1
	vips r1
	WHY_NOT="r1: $VIPS VIPs"
	[ "$VIPS" = "$n" ] || return 1
	vips r2
	WHY_NOT="r2: $VIPS VIPs"
	[ "$VIPS" = 0 ]
}

# role_report IMPL N: REPORT, where the instances are.
role_report() {
	local v1
	vips r1
	v1=$VIPS
	vips r2
	REPORT="r1: $(in_state "$1" r1 MASTER "$2") master, $v1 VIPs; r2: $(in_state "$1" r2 BACKUP "$2")"
	REPORT+=" backup,"
	REPORT+=" $VIPS VIPs (want $2 $2; $2 0)"
}

# State changes so far in router R's log (to see whether any happened in the window).
changes() {
	if [ "$1" != keepalived ]; then
		grep -c ': we are now ' "$LAB_DIR/$2.log" 2>/dev/null
	else
		grep -cE '\(VI_[0-9_]+\) Entering [A-Z]+ STATE' "$LAB_DIR/ka-$2.log" 2>/dev/null
	fi
}

# until_ms MS PERIOD IMPL CMD...: CMD every PERIOD seconds until it succeeds (0) or MS pass
# (1); one of IMPL's daemons exiting ends the wait at once (2). T_WAITED: how long it took.
until_ms() {
	local ms=$1 period=$2 impl=$3 start
	shift 3
	start=$(t_now_ms)
	while :; do
		alive "$impl" || return 2
		"$@" && break
		[ $(($(t_now_ms) - start)) -lt "$ms" ] || return 1
		sleep "$period"
	done
	T_WAITED=$(($(t_now_ms) - start))
}

vrrpd_all_started() {
	[ "$(vrrpd_started r1)" -ge "$2" ] && [ "$(vrrpd_started r2)" -ge "$2" ]
}

# --- Measuring ------------------------------------------------------------------------------

# tree PID: PID and its descendants, into TREE.
tree() {
	local p=$1 f c kids
	[ -d "/proc/$p" ] || return 0
	TREE+=("$p")
	for f in "/proc/$p"/task/*/children; do
		kids=()
		read -r -a kids <"$f" 2>/dev/null
		for c in "${kids[@]}"; do
			tree "$c"
		done
	done
}

# procs R: the processes of router R (the daemons we started there and their children).
procs() {
	local k
	TREE=()
	for k in "${!LAB_PID[@]}"; do
		[[ "$k" == "$1".* ]] && tree "${LAB_PID[$k]}"
	done
	echo "${TREE[@]}"
}

# sample PIDS...: "CPU_NS WAKEUPS PREEMPTIONS" (voluntary and nonvoluntary context switches)
# summed over the processes' threads. cat goes on past a thread that has gone; schedstat is one
# line of three numbers, status has named fields.
sample() {
	local p files=()
	for p in "$@"; do
		files+=("/proc/$p/task/"*/schedstat "/proc/$p/task/"*/status)
	done
	cat "${files[@]}" 2>/dev/null | awk '/^[0-9]+ [0-9]+ [0-9]+$/ { ns += $1 }
		/^voluntary_ctxt_switches:/ { sw += $2 } /^nonvoluntary_ctxt_switches:/ { pre += $2 }
		END { printf "%.0f %.0f %.0f\n", ns, sw, pre }'
}

# memory PIDS...: "PSS_KIB RSS_KIB PROCS".
memory() {
	local p files=()
	for p in "$@"; do
		files+=("/proc/$p/smaps_rollup" "/proc/$p/status")
	done
	cat "${files[@]}" 2>/dev/null | awk '/^Pss:/ { pss += $2 } /^VmRSS:/ { rss += $2; n++ }
		END { printf "%.0f %.0f %d\n", pss, rss, n }'
}

# busy: "BUSY TOTAL" jiffies of all CPUs (/proc/stat's first line; busy is all but idle and
# iowait, softirq included).
busy() { awk '$1 == "cpu" { t = 0; for (i = 2; i <= NF; i++) t += $i; print t - $5 - $6, t; exit }' /proc/stat; }

# A clock in µs.
now_us() { echo "${EPOCHREALTIME/[.,]/}"; }

# measure IMPL N INT_MS: one configuration, from start to stop: one table row per router.
measure() {
	local impl=$1 n=$2 ms=$3 name="$1 $2 x $3 ms" int t0 t_up t_set bound period r rc \
		p1 p2 a b c d m1 m2 ta tb tc td ok=true ch0 ch1 role cpu wk pss rss np per sig=TERM \
		busy0 busy1 mach tr up_ms set_ms=-1 w k
	int=$(ms_to_s "$ms")
	w=$(window "$n")
	k=$(((n + 254) / 255))
	lans "$n"
	period=0.1
	[ "$n" -le 10 ] || period=0.25
	t0=$(t_now_ms)
	if [ "$impl" != keepalived ]; then
		if [ "$impl" = vrrpd-c ]; then
			vrrpdc_start "$n" "$int"
		else
			vrrpd_start "$n" "$int"
		fi
		until_ms $((30000 + 200 * n)) "$period" "$impl" vrrpd_all_started "$impl" "$n"
		rc=$?
		[ "$rc" = 2 ] && fail_setup "$name: a vrrpd exited during start-up"
		[ "$rc" = 0 ] || fail_setup "$name: only $(vrrpd_started r1) + $(vrrpd_started r2) of" \
			"$n + $n instances started"
	else
		ka_start "$n" "$int"
	fi
	t_up=$(($(t_now_ms) - t0))
	up_ms=$t_up
	# Settled within the backups' Master_Down_Interval (priority 100) three times over, plus
	# 20 s for hundreds of processes to find their feet (vrrpd 100 x 10 ms has taken 14 s).
	# Then a margin for the takeovers' gratuitous ARPs (vrrpd: 5, 100 ms apart; keepalived: 5
	# at once): the window sees only the steady state.
	bound=$((3 * $(t_mdi_ms $((ms / 10)) 100) + 20000))
	until_ms "$bound" "$period" "$impl" in_role "$impl" "$n"
	rc=$?
	[ "$rc" = 2 ] && fail_setup "$name: a daemon exited before the roles settled"
	if [ "$rc" = 0 ]; then
		t_set="roles settled $T_WAITED ms later"
		set_ms=$((t_up + T_WAITED))
		sleep 0.5
	else
		t_set="roles NOT settled after $bound ms"
		role_report "$impl" "$n"
		warn "$name: the roles did not settle within $bound ms ($WHY_NOT): $REPORT;" \
			"measured all the same, then stopped with SIGKILL"
		UNSETTLED+=("$name")
		sig=KILL
		[ -n "$W" ] || w=10
	fi

	p1=$(procs r1)
	p2=$(procs r2)
	ch0="$(changes "$impl" r1) $(changes "$impl" r2)"
	# shellcheck disable=SC2086 # the pid lists are meant to split
	{
		ta=$(now_us)
		busy0=$(busy)
		a=$(sample $p1)
		b=$(sample $p2)
		tb=$(now_us)
		sleep "$w"
		tc=$(now_us)
		c=$(sample $p1)
		d=$(sample $p2)
		busy1=$(busy)
		td=$(now_us)
		m1=$(memory $p1)
		m2=$(memory $p2)
	}
	ch1="$(changes "$impl" r1) $(changes "$impl" r2)"
	# Busy jiffies over all jiffies of all CPUs, as a percentage of one CPU (2 CPUs: 0..200).
	mach=$(awk -v a="$busy0" -v b="$busy1" -v cpus="$(nproc)" 'BEGIN {
		split(a, x, " "); split(b, y, " "); t = y[2] - x[2]
		printf "%.2f", (t > 0 ? (y[1] - x[1]) / t * 100 * cpus : 0) }')
	[ "$sig" = TERM ] || ok=false
	# Three looks: a map entry read while the daemon rewrites it can show a stale state.
	if ! in_role "$impl" "$n" && ! { sleep 0.2 && in_role "$impl" "$n"; } &&
		! { sleep 0.2 && in_role "$impl" "$n"; }; then
		ok=false
		role_report "$impl" "$n"
		warn "$name: not every instance in its role at the end of the window ($WHY_NOT):" \
			"$REPORT"
	fi
	if [ "$ch0" != "$ch1" ]; then
		ok=false
		warn "$name: state changes during the window (r1 r2: $ch0 -> $ch1)"
	fi

	for r in r1 r2; do
		if [ "$r" = r1 ]; then
			role=master
			set -- "$a" "$c" "$m1"
			tr=$((${ch1% *} - ${ch0% *}))
		else
			role=backup
			set -- "$b" "$d" "$m2"
			tr=$((${ch1#* } - ${ch0#* }))
		fi
		# The window: between the middles of the two samples.
		read -r cpu wk pre pss rss np per < <(awk -v a="$1" -v c="$2" -v m="$3" -v n="$n" \
			-v us=$(((tc + td) / 2 - (ta + tb) / 2)) 'BEGIN {
				split(a, x, " "); split(c, y, " "); split(m, z, " "); s = us / 1e6
				printf "%.3f %.1f %.1f %d %d %d %.0f\n", (y[1] - x[1]) / 1e9 / s * 100,
					(y[2] - x[2]) / s, (y[3] - x[3]) / s, z[1], z[2], z[3], z[1] / n }')
		printf '%-10s %5d %6d ms %-6s %8.3f %10.1f %10.1f %10d %10d %9d %5d %9s %5d %s\n' "$impl" \
			"$n" "$ms" "$role" "$cpu" "$wk" "$pre" "$pss" "$rss" "$per" "$np" "$mach" "$tr" "$ok"
		ROWS+=("$(printf '{"impl":"%s","instances":%d,"interval_ms":%d,"interfaces":%d,"role":"%s","cpu_pct":%s,"wakeups_per_s":%s,"preempted_per_s":%s,"pss_kib":%d,"rss_kib":%d,"procs":%d,"machine_busy_pct":%s,"transitions":%d,"window_s":%s,"up_ms":%d,"settled_ms":%d,"all_in_role":%s}' \
			"$impl" "$n" "$ms" "$k" "$role" "$cpu" "$wk" "$pre" "$pss" "$rss" "$np" "$mach" "$tr" "$w" "$up_ms" "$set_ms" "$ok")")
	done
	if [ "$sig" = TERM ] && [ "$n" = 255 ] && [ "$ms" = 10 ]; then
		storm "$impl" "$n" "$ms"
		sig=KILL
	fi
	t0=$(t_now_ms)
	stop_all "$sig" "$impl"
	echo "# $name: up in $t_up ms, $t_set, stopped (SIG$sig) in $(($(t_now_ms) - t0)) ms"
}

# storm_added N: r2 has added N VIPs since t_addr_watch.
storm_added() {
	[ "$(grep -v Deleted "$LAB_DIR/addrwatch-r2.txt" | grep -cE ' 10\.20[0-9]\.[0-9]+\.1/32 ')" -ge "$1" ]
}

# storm IMPL N MS: kill -9 of every process of r1 (keepalived's frozen first, as bench_stop
# does), then when r2 added each VIP; a JSON row in STORMS. r1's leftovers stay: stop_all KILL
# builds the lab anew.
storm() {
	local impl=$1 n=$2 ms=$3 key pids t0 res
	t_addr_watch r2
	read -r -a pids <<<"$(procs r1)"
	[ "$impl" != keepalived ] || kill -STOP "${pids[@]}" 2>/dev/null
	t0=$(now_us)
	kill -KILL "${pids[@]}" 2>/dev/null
	for key in "${!LAB_PID[@]}"; do
		if [[ "$key" == r1.* ]]; then
			wait "${LAB_PID[$key]}" 2>/dev/null
			unset "LAB_PID[$key]"
		fi
	done
	t_wait_ms 10000 storm_added "$n"
	t_addr_unwatch r2
	res=$(bench_vip_delays r2 "$t0" '^10\.20[0-9]\.[0-9]+\.1/32$' "$n")
	STORMS+=("$(jq -c --arg impl "$impl" --argjson n "$n" --argjson ms "$ms" \
		--argjson mdi "$(t_mdi_ms $((ms / 10)) 100)" \
		'{impl: $impl, instances: $n, interval_ms: $ms} + . + {master_down_interval_ms: $mdi}' \
		<<<"$res")")
	jq -r '"# \(.impl) \(.instances) x \(.interval_ms) ms: kill -9 of r1, r2 added \(.n) of \(.want) VIPs: p50 \(.p50_ms) ms, p99 \(.p99_ms) ms, last \(.max_ms) ms (Master_Down_Interval \(.master_down_interval_ms) ms)"' <<<"${STORMS[-1]}"
}

T_START=$(t_now_ms)
lab_up "vbi$$"
printf '%-10s %5s %8s %-6s %8s %10s %10s %10s %10s %9s %5s %9s %5s %s\n' impl N interval role \
	"CPU %" wakeups/s preempt/s "PSS KiB" "RSS KiB" PSS/inst procs machine% trans in-role
CONFIGS=()
for int_s in $INTERVALS; do
	for n in $SIZES; do
		CONFIGS+=("$n@$int_s")
	done
done
# shellcheck disable=SC2206 # N@SECONDS words
CONFIGS+=($EXTRA)
for c in "${CONFIGS[@]}"; do
	[[ "$c" =~ ^[0-9]+@[0-9.]+$ ]] || die "IDLE_EXTRA wants N@SECONDS words, not '$c'"
	n=${c%@*}
	ms=$(awk -v s="${c#*@}" 'BEGIN { printf "%d", s * 1000 + 0.5 }')
	for impl in $IMPLS; do
		if [ "$impl" = vrrpd ] && [ "$n" -gt 255 ]; then
			echo "# vrrpd $n x $ms ms: not run ($n processes per router; one per instance runs up to 255)"
			continue
		fi
		measure "$impl" "$n" "$ms"
	done
done

{
	printf '{"rows":['
	(
		IFS=,
		printf '%s' "${ROWS[*]}"
	)
	printf '],"storms":['
	(
		IFS=,
		printf '%s' "${STORMS[*]}"
	)
	printf ']}\n'
} >"$JSON"
jq -e . "$JSON" >/dev/null || die "$JSON is not valid JSON"
echo "# ${#ROWS[@]} rows and ${#STORMS[@]} storms in $JSON, $(($(t_now_ms) - T_START)) ms in all," \
	"$WARNINGS warnings"
if [ ${#UNSETTLED[@]} -gt 0 ]; then
	printf -v p '%s, ' "${UNSETTLED[@]}"
	echo "idle.sh: the roles never settled for: ${p%, } (their rows say all_in_role false)" >&2
	exit 3
fi
