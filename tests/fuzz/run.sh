#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Bounded runs of the libFuzzer harnesses, for make check: bash tests/fuzz/run.sh
#
# Each harness (make build/fuzz/fuzz_pkt ... build/fuzz/fuzz_kconf) runs FUZZ_SECS seconds (default
# 10) under nice, on a copy of its seed corpus in a temporary directory: the seeds (regressions
# included) run first, then mutations. Prints "ok fuzz_NAME" or "not ok fuzz_NAME: why" per
# harness, as tests/run.sh counts them; every other line starts with "# " (a summary from
# libFuzzer's final statistics, and the end of its log after a failure). An input that failed is
# kept in $BUILD/fuzz/ (or the temporary directory when that is not writable) and named in the
# "not ok" line: reproduce with build/fuzz/fuzz_NAME FILE. No root needed.
set -u

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD=${BUILD:-$ROOT/build}
FUZZ_SECS=${FUZZ_SECS:-10}
HARNESSES=(pkt opts conf kconf)

TMP=$(mktemp -d "${TMPDIR:-/tmp}/vrrpd-fuzz.XXXXXX") || exit 1
KEEP_TMP=0 # a failing input was written there
trap '[ "$KEEP_TMP" = 1 ] || rm -rf "$TMP"' EXIT
FAILED=0

# fuzz_one NAME: one bounded run; prints its result lines.
fuzz_one() {
	local name=fuzz_$1 bin=$BUILD/fuzz/fuzz_$1 seeds=$ROOT/tests/fuzz/corpus/$1
	local dict=$ROOT/tests/fuzz/$1.dict work=$TMP/$1 artifacts log rc crash stats

	if [ ! -x "$bin" ]; then
		echo "not ok $name: $bin is not built (make ${bin#"$ROOT"/})"
		return 1
	fi
	mkdir -p "$work/corpus"
	cp "$seeds"/* "$work/corpus/"
	artifacts=$BUILD/fuzz/
	mkdir -p "$artifacts" 2>/dev/null && [ -w "$artifacts" ] || artifacts=$work/
	log=$work/log

	# -timeout: one input that takes seconds is a hang; the outer timeout covers libFuzzer itself.
	timeout --kill-after=5 $((FUZZ_SECS + 30)) nice "$bin" -max_total_time="$FUZZ_SECS" \
		-timeout=5 -rss_limit_mb=1024 -print_final_stats=1 -artifact_prefix="$artifacts" \
		-dict="$dict" "$work/corpus" >"$log" 2>&1 </dev/null
	rc=$?

	# "#N DONE cov: C ft: F corp: U/S ..." and "stat::name: value" end a completed run.
	stats=$(awk '
		/^stat::number_of_executed_units:/ { execs = $2 }
		/^stat::average_exec_per_sec:/ { rate = $2 }
		/^Done [0-9]+ runs in/ { secs = $(NF - 1) }
		/DONE +cov:/ {
			for (i = 1; i < NF; i++) {
				if ($i == "cov:") cov = $(i + 1)
				if ($i == "ft:") ft = $(i + 1)
				if ($i == "corp:") corp = $(i + 1)
			}
		}
		END {
			if (execs == "")
				exit
			printf "%s execs", execs
			if (secs != "")
				printf " in %s s (%s/s)", secs, rate
			if (cov != "")
				printf ", cov %s, ft %s, corpus %s", cov, ft, corp
		}' "$log")
	[ -z "$stats" ] || echo "# $name: $stats"
	if [ "$rc" -eq 0 ]; then
		echo "ok $name"
		return 0
	fi
	[ "$artifacts" != "$work/" ] || KEEP_TMP=1
	crash=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -n 1)
	# The property or sanitizer report, the top of its stack and libFuzzer's summary.
	{
		grep -m 1 -E 'property failed|ERROR:' "$log"
		grep -m 4 -E '^ +#[0-9]+ ' "$log"
		grep -m 1 '^SUMMARY:' "$log"
	} | sed 's/^/# /'
	if [ -n "$crash" ]; then
		echo "not ok $name: libFuzzer exit $rc, input $crash"
	elif [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
		echo "not ok $name: did not end within $((FUZZ_SECS + 30)) s"
	else
		cp "$log" "$artifacts$name.log" 2>/dev/null
		echo "not ok $name: libFuzzer exit $rc without an input (log $artifacts$name.log)"
	fi
	return 1
}

for h in "${HARNESSES[@]}"; do
	fuzz_one "$h" || FAILED=1
done
exit "$FAILED"
