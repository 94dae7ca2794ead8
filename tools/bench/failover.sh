#!/bin/bash
# Benchmark 2, failover time (issue 8): two routers and a client in namespaces, vrrpd or
# keepalived on both routers (priority 100 each, preemption on, virtual MAC), one VIP. The client
# (build/bench/prober) sends an ARP request for the VIP and an ICMP echo to it every PERIOD;
# tcpdump on the switch's ports records, with nanosecond timestamps, what each router sends
# (adverts, GARPs, ARP answers, echo replies) on its port. Then, RUNS times, at a random phase of the
# advert cycle, a fault hits the master:
#   kill9     kill -9 of the master's daemon (keepalived: parent and VRRP child)
#   linkdown  the switch port of the master goes down (a pulled cable)
#   sigterm   SIGTERM: the master resigns with priority 0
#   priority  the master's priority drops to 50 at run time (atropos --priority; keepalived: a
#             track_file), below the backup's 100, which preempts
# The backup takes over; the fault is undone (restart, port up, priority back to 100): with equal
# priorities the old master stays backup, so the next run hits the other router. Equal
# priorities also make every takeover use the same Master_Down_Interval. tools/bench/analyze.py
# turns the captures into times.
#
#   failover.sh [--quick] OUTDIR
#
# BENCH_IMPLS, BENCH_FAULTS, BENCH_INTERVALS (ms) and BENCH_RUNS narrow a run (without --quick);
# BENCH_VRRPD_ARGS adds words to vrrpd's command lines (e.g. --no-kernel-timer, to compare).
#
# OUTDIR/IMPL-INTERVAL-FAULT/ gets sw.pcap (the switch's ports), runs.txt (one line per
# run: number, fault time in CLOCK_REALTIME microseconds, old master, new master, "ok" or what
# went wrong), params and the daemons' logs. The 1 s interval runs all scenarios at once (each
# in its own lab: a takeover there takes seconds, and runs would otherwise take most of the
# benchmark's time); 100 ms and 10 ms run one scenario at a time.
set -u
# shellcheck source=tools/bench/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

QUICK=0
if [ "${1:-}" = --quick ]; then
	QUICK=1
	shift
fi
OUT=${1:?usage: failover.sh [--quick] OUTDIR}
bench_kernel_check
mkdir -p "$OUT"
PRIO=100
LOW=50

# probe_period_us INT_MS: a tenth of the interval, 0.5 to 5 ms.
probe_period_us() {
	local p=$(($1 * 100))
	[ $p -lt 500 ] && p=500
	[ $p -gt 5000 ] && p=5000
	echo $p
}

# sleep_us US: sleeps US microseconds.
sleep_us() { sleep "$(printf '%d.%06d' $(($1 / 1000000)) $(($1 % 1000000)))"; }

# The state between faults: R1 is master, R2 backup, both have heard each other's adverts.
steady() {
	local impl=$1 m=$2 b=$3 int=$4 limit
	limit=$((3 * $(t_mdi_ms $((int / 10)) $PRIO) + 3000))
	t_wait_ms "$limit" t_only "$m" "$LAB_VIP" || return 1
	t_wait_ms "$limit" bench_is_backup "$impl" "$b" || return 1
	# A few adverts heard by the backup since it became one.
	sleep_us $((int * 5000 > 300000 ? int * 5000 : 300000))
	t_only "$m" "$LAB_VIP"
}

fault() {
	local impl=$1 f=$2 r=$3
	case $f in
	kill9) bench_stop "$impl" "$r" KILL ;;
	sigterm) bench_stop "$impl" "$r" TERM ;;
	linkdown) lab_exec sw ip link set "$LAB_PREFIX-$r" down ;;
	priority) bench_priority "$impl" "$r" $LOW $PRIO ;;
	esac
}

restore() {
	local impl=$1 f=$2 r=$3 int=$4
	case $f in
	kill9 | sigterm) bench_start "$impl" "$r" $PRIO "$int" ;;
	linkdown) lab_exec sw ip link set "$LAB_PREFIX-$r" up ;;
	priority) bench_priority "$impl" "$r" $PRIO $PRIO ;;
	esac
}

# lab_whole: every port of the lab's LAN is there (lab_up says nothing when one is missing).
lab_whole() {
	local h
	for h in r1 r2 c; do
		lab_exec sw ip link show "$LAB_PREFIX-$h" >/dev/null 2>&1 || return 1
		lab_exec "$h" ip link show eth0 >/dev/null 2>&1 || return 1
	done
}

# lab_made PREFIX: lab_up, one at a time among the scenarios that run at once (when they all made
# their namespaces together, one lab of eight once came up without its ports: "Peer netns
# reference is invalid"), and checked; once more if it is not whole.
lab_made() {
	local prefix
	for prefix in "$1" "${1}x"; do
		{
			flock 9
			lab_up "$prefix"
		} 9>"$OUT/.lab.lock"
		lab_whole && return 0
		lab_down
	done
	return 1
}

# scenario IMPL INT_MS FAULT RUNS PREFIX: one lab, RUNS faults; results in OUT/IMPL-INT-FAULT. A
# scenario that cannot start says why in runs.txt (run 1, fault time 0), so that the report shows
# it with none of its runs done rather than leaving it out.
scenario() {
	local impl=$1 int=$2 f=$3 runs=$4 dir m=r1 b=r2 i tf status mdi
	dir=$OUT/$impl-$int-$f
	mkdir -p "$dir"
	: >"$dir/runs.txt"
	printf 'impl=%s\ninterval_ms=%s\nfault=%s\npriority=%s\nlow=%s\nvip=%s\nclient=%s\nprobe_us=%s\nruns=%s\n' \
		"$impl" "$int" "$f" $PRIO $LOW "$LAB_VIP" "$LAB_NET.10" "$(probe_period_us "$int")" \
		"$runs" >"$dir/params"
	trap lab_down EXIT
	if ! lab_made "$5"; then
		echo "1 0 $m $b lab-not-made" >>"$dir/runs.txt"
		echo "# $impl ${int} ms $f: the lab could not be made (twice)"
		return 1
	fi
	mdi=$(t_mdi_ms $((int / 10)) $PRIO)
	# One capture of every port (-i any: each frame with its port and direction). Each frame is
	# seen on four devices and the prober sends every 0.5 ms at 10 ms: with the default 2 MiB
	# buffer tcpdump lost 19 % of them ("dropped by kernel"), among them takeovers' first
	# adverts, which then read as late by an interval; 64 MiB still lost 56 in a 20-run part.
	if ! t_capture sw sw any -B 262144 'arp or icmp or ip proto 112'; then
		echo "1 0 $m $b capture-failed" >>"$dir/runs.txt"
		return 1
	fi
	bench_start "$impl" r1 $PRIO "$int"
	t_wait_ms $((3 * mdi + 3000)) t_only r1 "$LAB_VIP"
	bench_start "$impl" r2 $PRIO "$int"
	nsenter --net="/run/netns/$(lab_ns c)" "$BENCH_BIN/prober" eth0 "$LAB_NET.10" "$LAB_VIP" "$BENCH_VMAC" \
		"$(probe_period_us "$int")" &
	LAB_PID[c.prober]=$!
	for i in r1 r2; do
		echo "${i}_port=$(lab_exec sw ip -j link show "$LAB_PREFIX-$i" | jq '.[0].ifindex')"
	done >>"$dir/params"
	for ((i = 1; i <= runs; i++)); do
		if ! steady "$impl" "$m" "$b" "$int"; then
			echo "$i 0 $m $b unsteady:$(t_holders "$LAB_VIP")" >>"$dir/runs.txt"
			break
		fi
		sleep_us $((RANDOM * int * 1000 / 32768))
		tf=${EPOCHREALTIME/[.,]/}
		fault "$impl" "$f" "$m"
		status=ok
		t_wait_ms $((3 * mdi + 2000)) lab_has_ip "$b" "$LAB_VIP" || status=no-takeover
		# The first answers to the client's probes, then the fault is undone.
		sleep_us $((int * 3000 > 200000 ? int * 3000 : 200000))
		restore "$impl" "$f" "$m" "$int"
		echo "$i $tf $m $b $status" >>"$dir/runs.txt"
		[ "$status" = ok ] || break
		m=$b
		b=$([ "$m" = r1 ] && echo r2 || echo r1)
	done
	t_stop c prober
	t_capture_stop sw
	cp "$LAB_DIR"/sw.pcap "$LAB_DIR"/sw.tcpdump.err "$dir/"
	cp "$LAB_DIR"/r1.log "$dir/r1.log" 2>/dev/null
	cp "$LAB_DIR"/r2.log "$dir/r2.log" 2>/dev/null
	echo "# $impl ${int} ms $f: $(grep -c ' ok$' "$dir/runs.txt") of $runs runs"
}

read -ra IMPLS <<<"${BENCH_IMPLS:-vrrpd keepalived}"
read -ra FAULTS <<<"${BENCH_FAULTS:-kill9 linkdown sigterm priority}"
if [ $QUICK = 1 ]; then
	INTERVALS=(100)
	RUNS=1
else
	read -ra INTERVALS <<<"${BENCH_INTERVALS:-1000 100 10}"
	RUNS=${BENCH_RUNS:-20}
fi
n=0
for int in "${INTERVALS[@]}"; do
	pids=()
	for impl in "${IMPLS[@]}"; do
		for f in "${FAULTS[@]}"; do
			n=$((n + 1))
			# BENCH_ONLY="IMPL-INT-FAULT ...": only those scenarios (for working on one).
			[ -z "${BENCH_ONLY:-}" ] || [[ " $BENCH_ONLY " == *" $impl-$int-$f "* ]] || continue
			if [ "$int" -ge 1000 ]; then
				(scenario "$impl" "$int" "$f" "$RUNS" "b$$n$n") &
				pids+=($!)
			else
				(scenario "$impl" "$int" "$f" "$RUNS" "b$$n$n")
			fi
		done
	done
	for p in "${pids[@]}"; do
		wait "$p"
	done
done
