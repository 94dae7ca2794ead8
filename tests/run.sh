#!/bin/bash
# The test runner: bash tests/run.sh [all|deps|unit|fuzz|bpf|netns]... (make check runs "all";
# several groups run in the order given, with one count and one closing line).
#
#   deps   tests/deps/check_deps.py: every program the scripts run comes from a package that
#          tools/install-deps.sh installs (no root)
#   unit   build/tests/test_fsm, test_pkt, test_pkt6, test_opts (no root; ASan/UBSan builds)
#   fuzz   tests/fuzz/run.sh: the libFuzzer harnesses of build/fuzz/, bounded (no root)
#   bpf    build/tests/test_xdp, fuzz_xdp (BPF_PROG_TEST_RUN: root)
#   netns  every tests/netns/test_*.sh, run with bash (root and network namespaces)
#
# Each program prints "ok NAME", "not ok NAME" or "skip NAME: why" on stdout; other stdout lines
# are shown as "#" comments and stderr goes straight through (netns tests, which run side by side,
# have theirs shown when they end, prefixed like the rest). The runner shows every result
# prefixed with GROUP/PROGRAM, and counts them. A program that exits non-zero without printing
# any "not ok" line (a crash, a sanitizer abort, a timeout, an error in a script) counts as one
# failure named after the program, and so does one that reports nothing at all. The last line
# is always "N passed, N failed, N skipped"; the exit status is 1 if anything failed.
set -u
shopt -s lastpipe

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-$ROOT/build}
# Per program, so that a hung test cannot stall the suite (make check takes about 5 minutes).
UNIT_TIMEOUT=${UNIT_TIMEOUT:-120}
NETNS_TIMEOUT=${NETNS_TIMEOUT:-240}
# netns tests side by side (1: one after another); NETNS_ALONE run afterwards by themselves
# (the benchmark's quick run measures, and would disturb the others' timing).
NETNS_JOBS=${NETNS_JOBS:-3}
NETNS_ALONE=${NETNS_ALONE-test_bench}
NETNS_FIRST=${NETNS_FIRST-test_netem test_keepalived}

PASSED=0
FAILED=0
SKIPPED=0

# count_line LABEL LINE: counts and shows one line of a program's output; sets NOTOK and RESULTS.
count_line() {
	local label=$1 line=$2

	case $line in
	"ok "*)
		PASSED=$((PASSED + 1))
		RESULTS=$((RESULTS + 1))
		;;
	"not ok "*)
		FAILED=$((FAILED + 1))
		RESULTS=$((RESULTS + 1))
		NOTOK=1
		;;
	"skip "*)
		SKIPPED=$((SKIPPED + 1))
		RESULTS=$((RESULTS + 1))
		;;
	"#"*) ;;
	*)
		line="# $line"
		;;
	esac
	printf '%s: %s\n' "$label" "$line"
}

# count_end LABEL TIMEOUT RC SECS: a program that failed without saying so, or said nothing.
count_end() {
	local label=$1 secs=$2 rc=$3

	printf '%s: # %d s\n' "$label" "$4"
	if [ "$rc" -ne 0 ] && [ "$NOTOK" -eq 0 ]; then
		if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
			printf '%s: not ok %s: timed out after %s s\n' "$label" "${label##*/}" "$secs"
		else
			printf '%s: not ok %s: exited with status %d without reporting a failure\n' \
				"$label" "${label##*/}" "$rc"
		fi
		FAILED=$((FAILED + 1))
	elif [ "$rc" -eq 0 ] && [ "$RESULTS" -eq 0 ]; then
		printf '%s: not ok %s: reported no results\n' "$label" "${label##*/}"
		FAILED=$((FAILED + 1))
	fi
}

# run_prog LABEL TIMEOUT CMD...: runs one test program and counts its results as they come.
run_prog() {
	local label=$1 secs=$2 line start=$SECONDS
	shift 2

	NOTOK=0
	RESULTS=0
	# --foreground keeps the program in our process group, so that ^C reaches it (and a netns
	# test's trap cleans up); --kill-after ends a program that ignores SIGTERM.
	timeout --foreground --kill-after=20 "$secs" "$@" </dev/null | while IFS= read -r line; do
		count_line "$label" "$line"
	done
	count_end "$label" "$secs" "${PIPESTATUS[0]}" $((SECONDS - start))
}

# Programs run side by side (run_par): their output goes to files in PAR_DIR and is shown and
# counted, in the order they started, as they end. Most netns tests spend their time waiting
# for protocol timers, so two or three at once take about half the time of one after another;
# each has its own namespaces, pin and run directories.
PAR_DIR=
PAR_QUEUE=()
declare -A PAR_PID PAR_START PAR_SECS

# par_flush [all]: shows the programs at the head of the queue that have ended (all: waits).
par_flush() {
	local label f line

	while [ ${#PAR_QUEUE[@]} -gt 0 ]; do
		label=${PAR_QUEUE[0]}
		f=$PAR_DIR/${label//\//_}
		if [ ! -e "$f.rc" ]; then
			[ "${1:-}" = all ] || return 0
			wait "${PAR_PID[$label]}" 2>/dev/null
		fi
		NOTOK=0
		RESULTS=0
		sed "s|^|$label: |" "$f.err" >&2
		while IFS= read -r line; do
			count_line "$label" "$line"
		done <"$f.out"
		count_end "$label" "${PAR_SECS[$label]}" "$(cat "$f.rc")" \
			"$(($(cat "$f.end") - PAR_START[$label]))"
		PAR_QUEUE=("${PAR_QUEUE[@]:1}")
	done
}

par_running() {
	local label n=0

	for label in "${PAR_QUEUE[@]}"; do
		[ -e "$PAR_DIR/${label//\//_}.rc" ] || n=$((n + 1))
	done
	echo $n
}

# run_par JOBS LABEL TIMEOUT CMD...: starts a program once fewer than JOBS are running.
run_par() {
	local jobs=$1 label=$2 secs=$3 f
	shift 3

	[ -n "$PAR_DIR" ] || PAR_DIR=$(mktemp -d /tmp/vrrpd-tests.XXXX)
	while [ "$(par_running)" -ge "$jobs" ]; do
		wait -n 2>/dev/null
		par_flush
	done
	f=$PAR_DIR/${label//\//_}
	PAR_QUEUE+=("$label")
	PAR_SECS[$label]=$secs
	PAR_START[$label]=$SECONDS
	# Without job control a background program ignores SIGINT: par_stop passes ^C on as TERM.
	(
		timeout --kill-after=20 "$secs" "$@" </dev/null >"$f.out" 2>"$f.err"
		rc=$?
		echo $SECONDS >"$f.end"
		echo $rc >"$f.rc"
	) &
	PAR_PID[$label]=$!
	par_flush
}

# par_stop: ^C or a TERM to the runner ends the running programs through their own clean-up.
par_stop() {
	local p

	for p in "${PAR_PID[@]}"; do
		pkill -TERM -P "$p" timeout 2>/dev/null
	done
	wait
	[ -z "$PAR_DIR" ] || rm -rf "$PAR_DIR"
	exit 130
}
# run_bin GROUP NAME: a built test program; a missing one is a failure, not a silent pass.
run_bin() {
	local group=$1 name=$2 bin=$BUILD/tests/$2

	if [ ! -x "$bin" ]; then
		printf '%s/%s: not ok %s: %s is not built (make %s)\n' "$group" "$name" "$name" \
			"$bin" "${bin#"$ROOT"/}"
		FAILED=$((FAILED + 1))
		return
	fi
	run_prog "$group/$name" "$UNIT_TIMEOUT" "$bin"
}

# group_skip GROUP WHY
group_skip() {
	printf '%s: skip %s: %s\n' "$1" "$1" "$2"
	SKIPPED=$((SKIPPED + 1))
}

# Run first: a missing program here is the reason for a skip further on.
suite_deps() {
	run_prog deps/check_deps "$UNIT_TIMEOUT" /usr/bin/python3 "$ROOT/tests/deps/check_deps.py" "$ROOT"
}

suite_unit() {
	local t

	for t in test_fsm test_pkt test_pkt6 test_opts; do
		run_bin unit "$t"
	done
}

# The libFuzzer harnesses (tests/fuzz/), a bounded run each (FUZZ_SECS, 10 s): no root.
suite_fuzz() {
	run_prog fuzz/libfuzzer "$UNIT_TIMEOUT" bash "$ROOT/tests/fuzz/run.sh"
}

suite_bpf() {
	if [ "$(id -u)" != 0 ]; then
		group_skip bpf "needs root (BPF_PROG_TEST_RUN)"
		return
	fi
	run_bin bpf test_xdp
	# The differential fuzzer, bounded (200000 frames or 10 s); make fuzz-xdp runs it long.
	run_bin bpf fuzz_xdp
}

# NETNS_SAN=1 (make check): the netns tests run vrrpd and atropos built with ASan and UBSan
# (build/san/), which write any report to a file of their own; one result says whether there
# was any. The tests run alone (the benchmark) use the plain build: they measure.
SAN_DIR=
san_begin() {
	[ "${NETNS_SAN:-0}" = 1 ] || return 0
	if [ ! -x "$BUILD/san/vrrpd" ] || [ ! -x "$BUILD/san/atropos" ]; then
		echo "netns/sanitizers: not ok sanitizers_built: make build/san/vrrpd build/san/atropos"
		FAILED=$((FAILED + 1))
		return 0
	fi
	SAN_DIR=$(mktemp -d /tmp/vrrpd-san.XXXX)
	export VRRPD=$BUILD/san/vrrpd ATROPOS=$BUILD/san/atropos
	export ASAN_OPTIONS=log_path=$SAN_DIR/asan:detect_leaks=1
	export UBSAN_OPTIONS=log_path=$SAN_DIR/ubsan:print_stacktrace=1:halt_on_error=1
}

san_end() {
	local n

	[ -n "$SAN_DIR" ] || return 0
	unset VRRPD ATROPOS ASAN_OPTIONS UBSAN_OPTIONS
	n=$(find "$SAN_DIR" -type f | wc -l)
	if [ "$n" -eq 0 ]; then
		echo "netns/sanitizers: ok sanitizers_no_reports"
		PASSED=$((PASSED + 1))
	else
		echo "netns/sanitizers: not ok sanitizers_no_reports: $n reports from ASan/UBSan builds"
		head -n 60 "$SAN_DIR"/* >&2
		FAILED=$((FAILED + 1))
	fi
	rm -rf "$SAN_DIR"
	SAN_DIR=
}

# netns_order: the tests, the longest (NETNS_FIRST) first so that the others fill in beside them.
netns_order() {
	local t first

	for first in $NETNS_FIRST; do
		[ -e "$ROOT/tests/netns/$first.sh" ] && echo "$ROOT/tests/netns/$first.sh"
	done
	for t in "$ROOT"/tests/netns/test_*.sh; do
		[ -e "$t" ] || continue
		case " $NETNS_FIRST " in
		*" $(basename "$t" .sh) "*) ;;
		*) echo "$t" ;;
		esac
	done
}

suite_netns() {
	local t name found=0 tests alone=()

	if [ "$(id -u)" != 0 ]; then
		group_skip netns "needs root"
		return
	fi
	if ! command -v ip >/dev/null || ! command -v nsenter >/dev/null ||
		! unshare --net true 2>/dev/null; then
		group_skip netns "no network namespace support (ip, nsenter, unshare --net)"
		return
	fi
	san_begin
	mapfile -t tests < <(netns_order)
	for t in "${tests[@]}"; do
		found=1
		name=$(basename "$t" .sh)
		# NETNS_EXCLUDE: tests another lane runs (the VM lane leaves out what does not
		# depend on the kernel); said on a comment line, neither passed nor skipped.
		# NETNS_ONLY: these tests and no other (make soak).
		if [ -n "${NETNS_ONLY:-}" ] && [[ " $NETNS_ONLY " != *" $name "* ]]; then
			continue
		fi
		case " ${NETNS_EXCLUDE:-} " in
		*" $name "*)
			echo "# netns/$name: not in this lane (NETNS_EXCLUDE)"
			continue
			;;
		esac
		case " $NETNS_ALONE " in
		*" $name "*) alone+=("$t") ;;
		*) run_par "$NETNS_JOBS" "netns/$name" "$NETNS_TIMEOUT" bash "$t" ;;
		esac
	done
	par_flush all
	san_end
	for t in "${alone[@]}"; do
		run_prog "netns/$(basename "$t" .sh)" "$NETNS_TIMEOUT" bash "$t"
	done
	[ "$found" = 1 ] || group_skip netns "no tests/netns/test_*.sh"
}

trap par_stop INT TERM
[ $# -gt 0 ] || set -- all
for group in "$@"; do
	case $group in
	all | deps | unit | fuzz | bpf | netns) ;;
	*)
		echo "usage: bash tests/run.sh [all|deps|unit|fuzz|bpf|netns]..." >&2
		exit 2
		;;
	esac
done
for group in "$@"; do
	case $group in
	all)
		suite_deps
		suite_unit
		suite_fuzz
		suite_bpf
		suite_netns
		;;
	*)
		"suite_$group"
		;;
	esac
done

[ -z "$PAR_DIR" ] || rm -rf "$PAR_DIR"
echo "$PASSED passed, $FAILED failed, $SKIPPED skipped"
[ "$FAILED" -eq 0 ]
