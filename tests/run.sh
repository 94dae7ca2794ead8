#!/bin/bash
# The test runner: bash tests/run.sh [all|unit|bpf|netns]... (make check runs "all"; several
# groups run in the order given, with one count and one closing line).
#
#   unit   build/tests/test_fsm, test_pkt, test_opts (no root; ASan/UBSan builds)
#   bpf    build/tests/test_xdp (BPF_PROG_TEST_RUN: root)
#   netns  every tests/netns/test_*.sh, run with bash (root and network namespaces)
#
# Each program prints "ok NAME", "not ok NAME" or "skip NAME: why" on stdout; other stdout lines
# are shown as "#" comments and stderr goes straight through. The runner shows every result
# prefixed with GROUP/PROGRAM, and counts them. A program that exits non-zero without printing
# any "not ok" line (a crash, a sanitizer abort, a timeout, an error in a script) counts as one
# failure named after the program, and so does one that reports nothing at all. The last line
# is always "N passed, N failed, N skipped"; the exit status is 1 if anything failed.
set -u
shopt -s lastpipe

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-$ROOT/build}
# Per program, so that a hung test cannot stall the suite (all of it takes about a minute).
UNIT_TIMEOUT=${UNIT_TIMEOUT:-120}
NETNS_TIMEOUT=${NETNS_TIMEOUT:-240}

PASSED=0
FAILED=0
SKIPPED=0

# run_prog LABEL TIMEOUT CMD...: runs one test program and counts its results.
run_prog() {
	local label=$1 secs=$2 line rc notok=0 results=0 start=$SECONDS
	shift 2

	# --foreground keeps the program in our process group, so that ^C reaches it (and a netns
	# test's trap cleans up); --kill-after ends a program that ignores SIGTERM.
	timeout --foreground --kill-after=20 "$secs" "$@" </dev/null | while IFS= read -r line; do
		case $line in
		"ok "*)
			PASSED=$((PASSED + 1))
			results=$((results + 1))
			;;
		"not ok "*)
			FAILED=$((FAILED + 1))
			results=$((results + 1))
			notok=1
			;;
		"skip "*)
			SKIPPED=$((SKIPPED + 1))
			results=$((results + 1))
			;;
		"#"*) ;;
		*)
			line="# $line"
			;;
		esac
		printf '%s: %s\n' "$label" "$line"
	done
	rc=${PIPESTATUS[0]}
	printf '%s: # %d s\n' "$label" $((SECONDS - start))
	if [ "$rc" -ne 0 ] && [ "$notok" -eq 0 ]; then
		if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
			printf '%s: not ok %s: timed out after %s s\n' "$label" "${label##*/}" "$secs"
		else
			printf '%s: not ok %s: exited with status %d without reporting a failure\n' \
				"$label" "${label##*/}" "$rc"
		fi
		FAILED=$((FAILED + 1))
	elif [ "$rc" -eq 0 ] && [ "$results" -eq 0 ]; then
		printf '%s: not ok %s: reported no results\n' "$label" "${label##*/}"
		FAILED=$((FAILED + 1))
	fi
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

suite_unit() {
	local t

	for t in test_fsm test_pkt test_opts; do
		run_bin unit "$t"
	done
}

suite_bpf() {
	if [ "$(id -u)" != 0 ]; then
		group_skip bpf "needs root (BPF_PROG_TEST_RUN)"
		return
	fi
	run_bin bpf test_xdp
}

suite_netns() {
	local t found=0

	if [ "$(id -u)" != 0 ]; then
		group_skip netns "needs root"
		return
	fi
	if ! command -v ip >/dev/null || ! command -v nsenter >/dev/null ||
		! unshare --net true 2>/dev/null; then
		group_skip netns "no network namespace support (ip, nsenter, unshare --net)"
		return
	fi
	for t in "$ROOT"/tests/netns/test_*.sh; do
		[ -e "$t" ] || continue
		found=1
		# NETNS_EXCLUDE: tests another lane runs (the VM lane leaves out what does not
		# depend on the kernel); said on a comment line, neither passed nor skipped.
		case " ${NETNS_EXCLUDE:-} " in
		*" $(basename "$t" .sh) "*)
			echo "# netns/$(basename "$t" .sh): not in this lane (NETNS_EXCLUDE)"
			continue
			;;
		esac
		run_prog "netns/$(basename "$t" .sh)" "$NETNS_TIMEOUT" bash "$t"
	done
	[ "$found" = 1 ] || group_skip netns "no tests/netns/test_*.sh"
}

[ $# -gt 0 ] || set -- all
for group in "$@"; do
	case $group in
	all | unit | bpf | netns) ;;
	*)
		echo "usage: bash tests/run.sh [all|unit|bpf|netns]..." >&2
		exit 2
		;;
	esac
done
for group in "$@"; do
	case $group in
	all)
		suite_unit
		suite_bpf
		suite_netns
		;;
	*)
		"suite_$group"
		;;
	esac
done

echo "$PASSED passed, $FAILED failed, $SKIPPED skipped"
[ "$FAILED" -eq 0 ]
