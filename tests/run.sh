#!/bin/bash
# The test runner: bash tests/run.sh [all|deps|unit|fuzz|bpf|netns]... (make check runs "all";
# several groups run in the order given, with one count and one closing line).
#
#   deps   tests/deps/check_deps.py: every program the scripts run comes from a package that
#          tools/install-deps.sh installs; tests/docs/check_conformance.py: every rule id cited
#          is defined in docs/CONFORMANCE.md, and every file and test it names exists (no root)
#   unit   build/tests/test_fsm, test_pkt, test_pkt6, test_opts, test_inst_apply, test_ctl (no
#          root; ASan/UBSan builds);
#          tests/unit/check_symbols.sh: no function of vrrpd or atropos is named like a library's
#          tests/unit/test_kconf.sh: keepalived.conf read by vrrpd --keepalived (no root)
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
# is always "N passed, N failed, N skipped", after the list of the failures (a CI log's tail
# then says what failed); the exit status is 1 if anything failed.
#
# Skips: a skip says why a check did not run. With STRICT_SKIPS=1 (CI sets it; anyone may) a
# skip is a failure unless its reason matches tests/skips.allowed, the short list of kernel
# features a machine may lack; the run lists the skips it allowed, and why, before its last line.
#
# Counts: every program ran as many checks ("ok", "not ok" or "skip" lines: a check skipped
# still counts) as tests/checks.count records for it, or it fails (PROGRAM_check_count): a
# script that stops half-way with status 0, or a loop that lost its items, cannot pass quietly.
# Only a program that skipped as a whole ("skip PROGRAM: why") is exempt. RECORD_COUNTS=1 writes
# the counts of the programs that ran whole, without a failure, into tests/checks.count (after
# adding or removing checks; the diff shows what changed).
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
# NETNS_SERIAL: run by themselves too, once the others are done, but with the sanitizer builds:
# test_scale's 255 instances at 100 ms need the machine's CPUs (beside three ASan suites on two
# CPUs a master went silent past Master_Down_Interval in CI-like runs).
NETNS_SERIAL=${NETNS_SERIAL-test_scale}
NETNS_FIRST=${NETNS_FIRST-test_netem test_keepalived}

PASSED=0
FAILED=0
SKIPPED=0
STRICT_SKIPS=${STRICT_SKIPS:-0}
SKIPS_ALLOWED=$ROOT/tests/skips.allowed
CHECKS_COUNT=$ROOT/tests/checks.count
ALLOWED=() # the skips this run allowed, as "LABEL: skip ..." lines
FAILS=()   # the failures, as "LABEL: not ok ..." lines
NOTOK=0 RESULTS=0 SKIPS=0 WHOLE_SKIP=0 # of the program being counted
declare -A COUNTED # label -> results, for RECORD_COUNTS

# skip_allowed WHY: the reason matches a line of tests/skips.allowed (an extended regular
# expression per line; # starts a comment).
skip_allowed() {
	local why=$1 re
	[ -r "$SKIPS_ALLOWED" ] || return 1
	while IFS= read -r re; do
		re=${re%%#*}
		re=${re%"${re##*[![:space:]]}"}
		[ -n "$re" ] || continue
		[[ $why =~ $re ]] && return 0
	done <"$SKIPS_ALLOWED"
	return 1
}

# fail LINE: shows one failure ("LABEL: not ok NAME: why"), counts it and keeps it for the list.
fail() {
	printf '%s\n' "$1"
	FAILS+=("$1")
	FAILED=$((FAILED + 1))
}

# count_skip LABEL LINE: a "skip NAME: why" line; sets SKIPS and WHOLE_SKIP (the program skipped
# as a whole: NAME is its own name) for the current program.
count_skip() {
	local label=$1 line=$2 why=${2#skip } name prog

	name=${why%%: *}
	why=${why#*: }
	SKIPS=$((SKIPS + 1))
	prog=${label##*/}
	[ "$name" != "${prog%%--*}" ] || WHOLE_SKIP=1
	if skip_allowed "$why"; then
		ALLOWED+=("$label: $line")
	elif [ "$STRICT_SKIPS" = 1 ]; then
		fail "$label: not ok ${line#skip } (a skip; STRICT_SKIPS=1 allows only the missing kernel features of tests/skips.allowed)"
		NOTOK=1
		return
	fi
	SKIPPED=$((SKIPPED + 1))
	printf '%s: %s\n' "$label" "$line"
}

# count_line LABEL LINE: counts and shows one line of a program's output; sets NOTOK and RESULTS.
count_line() {
	local label=$1 line=$2

	case $line in
	"ok "*)
		PASSED=$((PASSED + 1))
		RESULTS=$((RESULTS + 1))
		;;
	"not ok "*)
		RESULTS=$((RESULTS + 1))
		NOTOK=1
		fail "$label: $line"
		return
		;;
	"skip "*)
		RESULTS=$((RESULTS + 1))
		count_skip "$label" "$line"
		return
		;;
	"#"*) ;;
	*)
		line="# $line"
		;;
	esac
	printf '%s: %s\n' "$label" "$line"
}

# check_count LABEL RC: the program ran as many checks as tests/checks.count records (see above).
check_count() {
	local label=$1 rc=$2 want

	[ "$WHOLE_SKIP" -eq 0 ] || return 0
	[ "$rc" -ne 0 ] || [ "$NOTOK" -ne 0 ] || COUNTED[$label]=$RESULTS
	want=$(awk -v l="$label" '$1 == l { print $2; exit }' "$CHECKS_COUNT" 2>/dev/null)
	if [ -z "$want" ]; then
		[ "${RECORD_COUNTS:-0}" = 1 ] && [ -n "${COUNTED[$label]:-}" ] && return 0
		fail "$label: not ok ${label##*/}_check_count: $RESULTS checks, and tests/checks.count has no count for it (RECORD_COUNTS=1 records it)"
	elif [ "$RESULTS" -ne "$want" ]; then
		[ "${RECORD_COUNTS:-0}" = 1 ] && [ -n "${COUNTED[$label]:-}" ] && return 0
		fail "$label: not ok ${label##*/}_check_count: $RESULTS checks where tests/checks.count says $want: a check was lost (or one added: RECORD_COUNTS=1 records the new count)"
	fi
}

# count_end LABEL TIMEOUT RC SECS: a program that failed without saying so, or said nothing;
# then its count of checks.
count_end() {
	local label=$1 secs=$2 rc=$3

	printf '%s: # %d s\n' "$label" "$4"
	if [ "$rc" -ne 0 ] && [ "$NOTOK" -eq 0 ]; then
		if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
			fail "$label: not ok ${label##*/}: timed out after $secs s"
		else
			fail "$label: not ok ${label##*/}: exited with status $rc without reporting a failure"
		fi
	elif [ "$rc" -eq 0 ] && [ "$RESULTS" -eq 0 ]; then
		fail "$label: not ok ${label##*/}: reported no results"
	fi
	check_count "$label" "$rc"
}

# run_prog LABEL TIMEOUT CMD...: runs one test program and counts its results as they come.
run_prog() {
	local label=$1 secs=$2 line start=$SECONDS
	shift 2

	NOTOK=0
	RESULTS=0
	SKIPS=0
	WHOLE_SKIP=0
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
		SKIPS=0
		WHOLE_SKIP=0
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
# run_bin GROUP NAME [ARGS...]: a built test program; a missing one is a failure, not a silent
# pass. With ARGS, its label is NAME and the first argument (fuzz_xdp--wrong-model).
run_bin() {
	local group=$1 name=$2 bin=$BUILD/tests/$2 label=$2${3:+$3}
	shift 2

	if [ ! -x "$bin" ]; then
		fail "$group/$name: not ok $name: $bin is not built (make ${bin#"$ROOT"/})"
		return
	fi
	run_prog "$group/$label" "$UNIT_TIMEOUT" "$bin" "$@"
}

# group_skip GROUP WHY
group_skip() {
	count_skip "$1" "skip $1: $2"
}

# Run first: a missing program here is the reason for a skip further on.
suite_deps() {
	run_prog deps/check_deps "$UNIT_TIMEOUT" /usr/bin/python3 "$ROOT/tests/deps/check_deps.py" "$ROOT"
	run_prog docs/check_conformance "$UNIT_TIMEOUT" /usr/bin/python3 \
		"$ROOT/tests/docs/check_conformance.py" "$ROOT"
}

suite_unit() {
	local t

	for t in test_fsm test_pkt test_pkt6 test_opts test_inst_apply test_ctl; do
		run_bin unit "$t"
	done
	run_prog unit/check_symbols "$UNIT_TIMEOUT" bash "$ROOT/tests/unit/check_symbols.sh" \
		"$ROOT/build/vrrpd" "$ROOT/build/atropos"
	run_prog unit/test_kconf "$UNIT_TIMEOUT" bash "$ROOT/tests/unit/test_kconf.sh" "$ROOT/build/vrrpd"
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
	# ... and the proof that it can fail: a model with one rule (R2) left out must be caught.
	run_bin bpf fuzz_xdp --wrong-model
	# A seed that once found a disagreement, replayed to its frame: an IPv4 source address
	# whose union's other 12 bytes were left to the stack (bpf/advert.h, record_advert's call).
	run_bin bpf fuzz_xdp --seed 2328348670375 --frames 35680 --seconds 0
}

# NETNS_SAN=1 (make check): the netns tests run vrrpd and atropos built with ASan and UBSan
# (build/san/), which write any report to a file of their own; one result says whether there
# was any. The tests run alone (the benchmark) use the plain build: they measure.
SAN_DIR=
san_begin() {
	local b k n
	[ "${NETNS_SAN:-0}" = 1 ] || return 0
	for b in vrrpd atropos san_probe; do
		if [ ! -x "$BUILD/san/$b" ]; then
			fail "netns/sanitizers: not ok sanitizers_built: make $BUILD/san/$b"
			return 0
		fi
	done
	SAN_DIR=$(mktemp -d /tmp/vrrpd-san.XXXX)
	export VRRPD=$BUILD/san/vrrpd ATROPOS=$BUILD/san/atropos
	export ASAN_OPTIONS=log_path=$SAN_DIR/asan:detect_leaks=1
	export UBSAN_OPTIONS=log_path=$SAN_DIR/ubsan:print_stacktrace=1:halt_on_error=1
	# The positive control of sanitizers_no_reports: the daemons are instrumented, and a report
	# of either sanitizer, made on purpose with the same options, lands where it will look.
	grep -qa AddressSanitizer "$VRRPD" && grep -qa __ubsan_handle "$VRRPD" &&
		grep -qa AddressSanitizer "$ATROPOS" && grep -qa __ubsan_handle "$ATROPOS"
	san_result sanitizers_instrumented $? "$VRRPD or $ATROPOS has no ASan or UBSan"
	for k in asan ubsan; do
		"$BUILD/san/san_probe" "$k" 2>/dev/null
		n=$(find "$SAN_DIR" -type f | wc -l)
		[ "$n" -eq 1 ]
		san_result "sanitizers_${k}_report_collected" $? "$n files in $SAN_DIR"
		rm -f "$SAN_DIR"/*
	done
}

# san_result NAME RC WHY: one result of the sanitizer checks, ok when RC is 0.
san_result() {
	if [ "$2" -eq 0 ]; then
		echo "netns/sanitizers: ok $1"
		PASSED=$((PASSED + 1))
	else
		fail "netns/sanitizers: not ok $1: $3"
	fi
}

san_end() {
	local n

	[ -n "$SAN_DIR" ] || return 0
	unset VRRPD ATROPOS ASAN_OPTIONS UBSAN_OPTIONS
	n=$(find "$SAN_DIR" -type f | wc -l)
	[ "$n" -eq 0 ] || head -n 60 "$SAN_DIR"/* >&2
	[ "$n" -eq 0 ]
	san_result sanitizers_no_reports $? "$n reports from ASan/UBSan builds"
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
	local t name found=0 tests alone=() serial=()

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
		*)
			case " $NETNS_SERIAL " in
			*" $name "*) serial+=("$t") ;;
			*) run_par "$NETNS_JOBS" "netns/$name" "$NETNS_TIMEOUT" bash "$t" ;;
			esac
			;;
		esac
	done
	par_flush all
	for t in "${serial[@]}"; do
		run_prog "netns/$(basename "$t" .sh)" "$NETNS_TIMEOUT" bash "$t"
	done
	san_end
	for t in "${alone[@]}"; do
		run_prog "netns/$(basename "$t" .sh)" "$NETNS_TIMEOUT" bash "$t"
	done
	[ "$found" = 1 ] || group_skip netns "no tests/netns/test_*.sh"
}

trap par_stop INT TERM
[ $# -gt 0 ] || set -- all
if [ "$STRICT_SKIPS" = 1 ]; then
	echo "# STRICT_SKIPS=1: a skip fails the run unless its reason matches tests/skips.allowed:"
	grep -v '^[[:space:]]*\(#\|$\)' "$SKIPS_ALLOWED" 2>/dev/null | sed 's/^/#   /'
fi
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
if [ ${#ALLOWED[@]} -gt 0 ]; then
	echo "# skips allowed (tests/skips.allowed: kernel features this machine lacks):"
	printf '#   %s\n' "${ALLOWED[@]}"
fi
# RECORD_COUNTS=1: the counts of the programs that ran whole (no skip, no failure) go into
# tests/checks.count; the others keep theirs.
if [ "${RECORD_COUNTS:-0}" = 1 ] && [ ${#COUNTED[@]} -gt 0 ]; then
	{
		for label in "${!COUNTED[@]}"; do echo "$label ${COUNTED[$label]}"; done
		awk 'NR == FNR { new[$1] = 1; next } /^#/ || !($1 in new)' \
			<(for label in "${!COUNTED[@]}"; do echo "$label"; done) "$CHECKS_COUNT" 2>/dev/null |
			grep -v '^#'
	} | sort >"$CHECKS_COUNT.tmp"
	{
		echo "# How many checks each test program runs (tests/run.sh compares; RECORD_COUNTS=1 writes)."
		cat "$CHECKS_COUNT.tmp"
	} >"$CHECKS_COUNT"
	rm -f "$CHECKS_COUNT.tmp"
	echo "# recorded the counts of ${#COUNTED[@]} programs in tests/checks.count"
fi
if [ ${#FAILS[@]} -gt 0 ]; then
	echo "# failures:"
	printf '#   %s\n' "${FAILS[@]}"
fi
echo "$PASSED passed, $FAILED failed, $SKIPPED skipped"
[ "$FAILED" -eq 0 ]
