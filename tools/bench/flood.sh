#!/bin/bash
# Benchmark 3, floods (issue 8): r1 master (priority 200) and r2 backup (100) advertise every
# 10 ms, vrrpd or keepalived on both, while the client floods the segment with trafgen
# (netsniff-ng), one kind at a time, bounded in packets and time:
#   udp         unicast UDP to the VIP, through the virtual MAC (traffic for the master)
#   valid       valid VRRPv3 adverts for our VRID 51, priority 1, from the client's address:
#               VRRPv3 has no authentication, so nothing may drop them as invalid
#   other_vrid  valid VRRPv3 adverts of VRID 52 (another router pair on the same LAN)
#   invalid     adverts for our VRID 51 with priority 254 and a bad checksum
#   arp         broadcast ARP requests for the VIP
# at several rates (the last one: as fast as trafgen goes here). Over each flood, the state
# changes both routers log are counted: any is spurious, as both routers stay healthy (the
# master's longest gap between adverts, captured as they leave it, tells whether the flood
# silenced the master itself, and their number whether it answered the flood advert for advert).
# The rate reached is read from the client's transmit counter.
# Then, for each implementation, a valid flood at full speed goes on while the operator acts:
# after 1 s atropos --state asks r1 (vrrpd; its latency), after 2 s SIGTERM stops r1 (the time
# until the process is gone, and until r2 holds the VIP); the log lines both routers wrote in
# those first 2 s are counted (per 10 s). Then r1 starts again and takes the VIP back, and 1 s
# into another such flood it is killed with -9: when r2 adds the VIP (the kernel's address
# notification, against Master_Down_Interval).
#
#   flood.sh [--quick] --json FILE
set -u
# shellcheck source=tools/bench/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

bench_args "$@"
bench_kernel_check
command -v trafgen >/dev/null || {
	echo "flood.sh: needs trafgen (Debian package netsniff-ng)" >&2
	exit 1
}

INT=10
if [ $QUICK = 1 ]; then
	SECS=1
	RATES=(max)
	FLOODS=(valid other_vrid)
else
	SECS=10
	RATES=(20000 100000 max)
	FLOODS=(udp valid other_vrid invalid arp)
fi
PROBE=/usr/bin/python3
ROWS=$(mktemp)
trap 'lab_down; rm -f "$ROWS"' EXIT
trap 'exit 1' INT TERM

tx_packets() { lab_exec c ip -j -s link show eth0 | jq '.[0].stats64.tx.packets'; }

# flood IMPL KIND RATE: one flood of SECS seconds; appends a JSON row to ROWS.
flood() {
	local impl=$1 kind=$2 rate=$3 conf=$LAB_DIR/$2.trafgen t1a t2a t1b t2b tx0 tx1 start end gap
	local args=(-n $((rate == 0 ? 0 : rate * SECS)))
	"$PROBE" "$BENCH_ROOT/tests/netns/vrrp_probe.py" trafgen "$kind" "$(t_mac c)" >"$conf"
	[ "$rate" = 0 ] || args+=(-b "${rate}pps")
	t1a=$(bench_changes "$impl" r1)
	t2a=$(bench_changes "$impl" r2)
	tx0=$(tx_packets)
	bench_gaps_start r1
	start=${EPOCHREALTIME/[.,]/}
	timeout -s INT "$SECS" nsenter --net="/run/netns/$(lab_ns c)" trafgen -o eth0 -i "$conf" \
		-P 1 -q "${args[@]}" >/dev/null 2>&1
	end=${EPOCHREALTIME/[.,]/}
	tx1=$(tx_packets)
	# Transitions caused by the flood may come just after it.
	sleep 0.5
	t1b=$(bench_changes "$impl" r1)
	t2b=$(bench_changes "$impl" r2)
	gap=$(bench_gaps_stop r1)
	jq -n -c --arg impl "$impl" --arg kind "$kind" --argjson asked "$rate" \
		--argjson gap "$gap" --argjson sent "$(cat "$LAB_DIR/gaps-r1.n")" \
		--argjson lost "$(cat "$LAB_DIR/gaps-r1.lost")" \
		--argjson pps "$(((tx1 - tx0) * 1000000 / (end - start)))" \
		--argjson secs "$(awk -v u=$((end - start)) 'BEGIN { printf "%.3f", u / 1e6 }')" \
		--argjson r1 $((t1b - t1a)) --argjson r2 $((t2b - t2a)) \
		--argjson held "$(t_only r1 "$LAB_VIP" && echo true || echo false)" \
		'{impl: $impl, flood: $kind, asked_pps: $asked, pps: $pps, seconds: $secs,
		  transitions_master: $r1, transitions_backup: $r2,
		  spurious: ($r1 + $r2), master_kept_vip: $held, master_max_gap_ms: $gap,
		  capture_dropped: $lost,
		  master_adverts_per_s: (($sent / ($secs + 0.5)) * 10 | round / 10)}' >>"$ROWS"
	tail -1 "$ROWS" | jq -r '"# \(.impl) \(.flood) \(.pps) pps: \(.spurious) spurious transitions"'
}

# during IMPL: the valid flood at full speed while r1 is asked and stopped; a JSON row in DURING.
during() {
	local impl=$1 conf=$LAB_DIR/during.trafgen fpid l0 l1 t0 atr=null stop vip=null ok
	"$PROBE" "$BENCH_ROOT/tests/netns/vrrp_probe.py" trafgen valid "$(t_mac c)" >"$conf"
	l0=$(cat "$LAB_DIR/r1.log" "$LAB_DIR/r2.log" | wc -l)
	timeout -s INT $((SECS + 5)) nsenter --net="/run/netns/$(lab_ns c)" trafgen -o eth0 \
		-i "$conf" -P 1 -q >/dev/null 2>&1 &
	fpid=$!
	sleep 1
	if [ "$impl" = vrrpd ]; then
		t0=$(t_now_ms)
		lab_exec r1 "$ATROPOS" --pin-dir "/sys/fs/bpf/$LAB_PREFIX-r1" -f "$LAB_DIR/r1" --state \
			>/dev/null 2>&1 && atr=$(($(t_now_ms) - t0))
	fi
	sleep 1
	l1=$(cat "$LAB_DIR/r1.log" "$LAB_DIR/r2.log" | wc -l)
	t0=$(t_now_ms)
	bench_stop "$impl" r1 TERM
	stop=$(($(t_now_ms) - t0))
	t_wait_ms 5000 t_only r2 "$LAB_VIP" && vip=$(($(t_now_ms) - t0))
	kill -INT "$fpid" 2>/dev/null
	wait "$fpid" 2>/dev/null
	ok=$(t_only r2 "$LAB_VIP" && echo true || echo false)
	kill9 "$impl"
	jq -n -c --arg impl "$impl" --argjson atr "$atr" --argjson stop "$stop" --argjson vip "$vip" \
		--argjson lines $(((l1 - l0) * 5)) --argjson ok "$ok" --argjson k9 "$K9" \
		--argjson mdi "$(t_mdi_ms $((INT / 10)) 100)" \
		'{impl: $impl, atropos_ms: $atr, sigterm_exit_ms: $stop, backup_holds_vip_ms: $vip,
		  log_lines_per_10s: $lines, backup_kept_vip: $ok, kill9_vip_ms: $k9,
		  master_down_interval_ms: $mdi}' >>"$DURING"
	tail -1 "$DURING" | jq -r '"# \(.impl) during a valid flood: atropos \(.atropos_ms) ms, SIGTERM \(.sigterm_exit_ms) ms, VIP on r2 \(.backup_holds_vip_ms) ms, \(.log_lines_per_10s) log lines / 10 s, VIP on r2 \(.kill9_vip_ms) ms after kill -9"'
}

# kill9 IMPL: r1 master again, then kill -9 of it 1 s into a valid flood at full speed; K9:
# when r2 added the VIP, in ms after the kill (from the kernel's address notifications; null
# if it did not within 5 s).
kill9() {
	local impl=$1 conf=$LAB_DIR/during.trafgen fpid t0
	K9=null
	bench_start "$impl" r1 200 $INT
	t_wait_ms 5000 t_only r1 "$LAB_VIP" || {
		echo "flood.sh: $impl: r1 did not take the VIP back" >&2
		return 0
	}
	sleep 0.5
	timeout -s INT $((SECS + 5)) nsenter --net="/run/netns/$(lab_ns c)" trafgen -o eth0 \
		-i "$conf" -P 1 -q >/dev/null 2>&1 &
	fpid=$!
	sleep 1
	t_addr_watch r2
	t0=${EPOCHREALTIME/[.,]/}
	bench_stop "$impl" r1 KILL
	t_wait_ms 5000 lab_has_ip r2 "$LAB_VIP"
	kill -INT "$fpid" 2>/dev/null
	wait "$fpid" 2>/dev/null
	t_addr_unwatch r2
	K9=$(bench_vip_delays r2 "$t0" "^${LAB_VIP//./\\.}/" 1 | jq '.max_ms')
}

DURING=$(mktemp)
trap 'lab_down; rm -f "$ROWS" "$DURING"' EXIT
for impl in vrrpd keepalived; do
	lab_up "bfl$$"
	mdi=$(t_mdi_ms 1 100)
	bench_start "$impl" r1 200 $INT
	t_wait_ms 5000 t_only r1 "$LAB_VIP" || {
		echo "flood.sh: $impl: r1 did not become master" >&2
		exit 1
	}
	bench_start "$impl" r2 100 $INT
	t_wait_ms 5000 bench_is_backup "$impl" r2 || {
		echo "flood.sh: $impl: r2 did not become backup" >&2
		exit 1
	}
	sleep $((mdi > 500 ? 1 : 0)).5
	for kind in "${FLOODS[@]}"; do
		for rate in "${RATES[@]}"; do
			[ "$rate" = max ] && rate=0
			flood "$impl" "$kind" "$rate"
			# A flood that moved the VIP: back to the starting point before the next one.
			t_wait_ms 5000 t_only r1 "$LAB_VIP"
		done
	done
	during "$impl"
	lab_down
done
jq -s --slurpfile during "$DURING" '{interval_ms: '$INT', seconds: '$SECS', rows: ., during: $during}' \
	"$ROWS" >"$JSON"
