#!/bin/bash
# make bench: vrrpd against keepalived (Debian's) on this machine, in one run (issue 8).
#   1. xdp       cost per packet of the XDP program (xdp_cost.sh, BPF_PROG_TEST_RUN)
#   2. failover  takeover times after four faults at three intervals (failover.sh, analyze.py)
#   3. flood     spurious transitions under floods (flood.sh, trafgen)
#   4. starve    false takeovers with the backup's controller stopped or at 1 % CPU (starve.sh)
#   5. idle      CPU, wakeups, memory, machine busy time for 1 to 255 instances (idle.sh)
#   6. track     CPU and runs of one health check shared by 255 instances in one process
#                (track.sh)
# Writes BENCH_OUT (default build/bench)/results.json, report.md and plots/*.png, and prints the
# report. BENCH_QUICK=1 runs a small version of each (for make check: it keeps the harness
# working and measures nothing worth reading); BENCH_PARTS="xdp flood" runs only those;
# BENCH_XDP_ARGS adds options to xdp_cost. Exits non-zero if a part failed (its error is in the
# report); a part that measured but found the daemon misbehaving (exit 3) is a finding in the
# report, not a failure. What this machine's kernel cannot run is "not measurable here" in the
# report, with the kernel's reason, and fails nothing: a whole part (exit 4, its reason in
# BENCH_NM: lib.sh's bench_unmeasurable), the live-frame rows of xdp (xdp_cost's live.reason),
# a case of starve (its not_measured).
set -u
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BENCH=$ROOT/tools/bench
OUT=${BENCH_OUT:-$ROOT/build/bench}
QUICK=${BENCH_QUICK:-0}
PARTS=${BENCH_PARTS:-xdp failover flood starve idle track}
PY=/usr/bin/python3
Q=()
[ "$QUICK" = 1 ] && Q=(--quick)

if [ "$(id -u)" != 0 ]; then
	echo "bench: must run as root (network namespaces, XDP, cgroups)" >&2
	exit 1
fi
mkdir -p "$OUT"
rm -rf "$OUT/failover" "$OUT/plots"
ERRORS=()
FINDINGS=()
UNMEASURABLE=()
declare -A SECS

# part NAME CMD...: runs one part, timing it; a failure is recorded and the run goes on.
part() {
	local name=$1 start=$SECONDS rc
	shift
	[[ " $PARTS " == *" $name "* ]] || return 0
	echo "== $name" >&2
	rm -f "$OUT/.$name.nm"
	BENCH_NM=$OUT/.$name.nm "$@"
	rc=$?
	# 3: measured, but the part found the daemon misbehaving (idle.sh: roles that never
	# settled); its rows say which, and the report lists it as a finding.
	if [ $rc -eq 4 ] && [ -s "$OUT/.$name.nm" ]; then
		UNMEASURABLE+=("$(jq -n -c --arg part "$name" --rawfile why "$OUT/.$name.nm" \
			'{part: $part, what: "the whole part", reason: ($why | rtrimstr("\n"))}')")
		rm -f "$OUT/$name.json" "$OUT/.$name.nm"
	elif [ $rc -eq 3 ] && [ -s "$OUT/$name.json" ]; then
		FINDINGS+=("$name: some configurations never settled (see its rows; make bench log)")
	elif [ $rc -ne 0 ]; then
		ERRORS+=("$name failed (exit status $rc; its output is in the make bench log)")
		rm -f "$OUT/$name.json"
	fi
	SECS[$name]=$((SECONDS - start))
}

failover() {
	bash "$BENCH/failover.sh" "${Q[@]}" "$OUT/failover" &&
		"$PY" "$BENCH/analyze.py" failover "$OUT/failover" >"$OUT/failover.json"
}

rm -f "$OUT"/{xdp,failover,flood,starve,idle,track}.json
# shellcheck disable=SC2086 # BENCH_XDP_ARGS: options, split on spaces
part xdp bash "$BENCH/xdp_cost.sh" "${Q[@]}" ${BENCH_XDP_ARGS:-} --json "$OUT/xdp.json"
part failover failover
part flood bash "$BENCH/flood.sh" "${Q[@]}" --json "$OUT/flood.json"
part starve bash "$BENCH/starve.sh" "${Q[@]}" --json "$OUT/starve.json"
part idle bash "$BENCH/idle.sh" "${Q[@]}" --json "$OUT/idle.json"
part track bash "$BENCH/track.sh" "${Q[@]}" --json "$OUT/track.json"

# One results.json: the machine, each part's own JSON (null if not run), the time each took.
# shellcheck source=tools/bench/lib.sh
machine=$(. "$BENCH/lib.sh" && bench_machine)
secs=$(for k in "${!SECS[@]}"; do printf '%s %s\n' "$k" "${SECS[$k]}"; done |
	jq -R -s 'split("\n") | map(select(length > 0) | split(" ") | {(.[0]): (.[1] | tonumber)}) | add // {}')
errors=$(printf '%s\n' "${ERRORS[@]}" | jq -R -s 'split("\n") | map(select(length > 0))')
findings=$(printf '%s\n' "${FINDINGS[@]}" | jq -R -s 'split("\n") | map(select(length > 0))')
# Not measurable here: whole parts, and what the parts that ran left out, with the reason.
unmeasurable=$({
	printf '%s\n' "${UNMEASURABLE[@]}"
	[ ! -s "$OUT/xdp.json" ] || jq -c 'select(.live.status == "skipped") | {part: "xdp",
		what: "live frames (rows empty/live and arp_reply/live)", reason: .live.reason}' \
		"$OUT/xdp.json"
	[ ! -s "$OUT/starve.json" ] || jq -c '.not_measured[]? | {part: "starve",
		what: "\(.impl) \(.case)", reason: .reason}' "$OUT/starve.json"
} | jq -s -c 'map(select(. != null))')
# Each part's JSON by file: an argument is limited to 128 KiB and failover.json is larger.
load() { if [ -s "$OUT/$1.json" ]; then cat "$OUT/$1.json"; else echo null; fi; }
for p in xdp failover flood starve idle track; do load $p >"$OUT/.$p.part"; done
jq -n --argjson machine "$machine" --argjson quick "$([ "$QUICK" = 1 ] && echo true || echo false)" \
	--argjson secs "$secs" --argjson errors "$errors" --argjson findings "$findings" \
	--argjson unmeasurable "$unmeasurable" \
	--slurpfile xdp "$OUT/.xdp.part" --slurpfile failover "$OUT/.failover.part" \
	--slurpfile flood "$OUT/.flood.part" --slurpfile starve "$OUT/.starve.part" \
	--slurpfile idle "$OUT/.idle.part" --slurpfile track "$OUT/.track.part" \
	'{machine: $machine, quick: $quick, seconds: $secs, errors: $errors, findings: $findings,
	  not_measurable: $unmeasurable, xdp: $xdp[0], failover: $failover[0], flood: $flood[0],
	  starve: $starve[0], idle: $idle[0], track: $track[0]}' >"$OUT/results.json" || exit 1
rm -f "$OUT"/.*.part
"$PY" "$BENCH/report.py" "$OUT/results.json" "$OUT" "$BENCH/notes.md" || exit 1
[ ${#ERRORS[@]} -eq 0 ]
