#!/bin/bash
# A flood of valid adverts (issue 19): VRRPv3 has no authentication, so a host on the LAN can
# send adverts for the routers' own VRID that nothing may drop as invalid. r1 (priority 200) is
# master and r2 (100) backup, advertising every 100 ms, when the client sends such adverts
# (VRID 51, priority 1, from its own address) as fast as trafgen goes. Checked, as an operator
# would:
#   1. no transition and the VIP stays on r1 alone;
#   2. r1 answers the flood (RFC 9568 6.4.3, S8) once an interval at most: its adverts stay
#      under twice the normal rate, and the controllers get about one event an interval
#      (the XDP program holds the rest back and counts them: events_held, in atropos too);
#   3. the logs stay quiet;
#   4. SIGTERM to the master during the flood is honoured, and r2 takes over from it as usual.
# Timing goals (1 s for SIGTERM, ...) are make bench's; the bounds here are generous.
set -u
# shellcheck source=tests/netns/checks.sh
. "$(dirname "${BASH_SOURCE[0]}")/checks.sh"
t_require test_flood
t_need test_flood trafgen /usr/bin/python3

VIP=$LAB_VIP
FLOOD_PID=
flood_stop() {
	[ -z "$FLOOD_PID" ] || kill -INT "$FLOOD_PID" 2>/dev/null
	[ -z "$FLOOD_PID" ] || wait "$FLOOD_PID" 2>/dev/null
	FLOOD_PID=
}
trap 'flood_stop; lab_down' EXIT
trap 'exit 1' INT TERM
lab_up "vfl$$"

A() { t_atropos "$@"; }
tx_packets() { lab_exec c ip -j -s link show eth0 | jq '.[0].stats64.tx.packets'; }
lines() { wc -l <"$LAB_DIR/$1.log"; }
# delta BEFORE AFTER: AFTER - BEFORE, or "missing" when either is not a number (t_stat, t_cfg).
delta() {
	if [[ $1 =~ ^[0-9]+$ && $2 =~ ^[0-9]+$ ]]; then echo $(($2 - $1)); else echo missing; fi
}
# within NAME N LO HI WHY: ok if N is a number from LO to HI; WHY is said either way.
within() {
	if [[ $2 =~ ^-?[0-9]+$ ]] && [ "$2" -ge "$3" ] && [ "$2" -le "$4" ]; then
		t_ok "$1" "$5"
	else
		t_fail "$1" "$5 (want $3..$4)"
	fi
}

t_start r1 main -i eth0 -v 51 -p 200 -d 0.1 "$VIP"
t_start r2 main -i eth0 -v 51 -p 100 -d 0.1 "$VIP"
t_check flood_setup_r1_master t_wait_ms 4000 t_only r1 "$VIP"
t_check flood_setup_r2_backup t_wait_ms 4000 t_log_has r2 \
	"VRRP ID 51 on eth0: master is 10\.99\.0\.1, priority 200"

# --- 1-3. The flood, 4 s measured --------------------------------------------------------
t_phase
CONF=$LAB_DIR/valid.trafgen
/usr/bin/python3 "$LAB_ROOT/tests/netns/vrrp_probe.py" trafgen valid "$(t_mac c)" >"$CONF"
T1=$(t_cfg r1 51 master_transitions)
T2=$(t_cfg r2 51 master_transitions)
L1=$(lines r1)
L2=$(lines r2)
TX0=$(tx_packets)
RCVD0=$(t_stat r1 51 adverts_rcvd)
# Under timeout, which passes a signal on to trafgen's whole process group (its workers too),
# and ends the flood after 60 s whatever happens here.
timeout -s INT 60 nsenter --net="/run/netns/$(lab_ns c)" trafgen -o eth0 -i "$CONF" -P 1 -q -n 0 \
	>/dev/null 2>"$LAB_DIR/trafgen.err" &
FLOOD_PID=$!
# The flood at full speed before anything is measured: 10,000 of its adverts counted by r1.
t_check flood_started t_wait_ms 5000 eval '[ "$(t_stat r1 51 adverts_rcvd)" -ge $((${RCVD0/missing:*/0} + 10000)) ]'
RCVD1=$(t_stat r1 51 adverts_rcvd)
HELD1=$(t_stat r1 51 events_held)
HELD2=$(t_stat r2 51 events_held)
EV1=$(t_stat r1 51 events)
SENT1=$(t_cfg r1 51 adverts_sent)
START=$(t_now_ms)
t_check flood_vip_stays_on_r1 t_holds_ms 4000 t_only r1 "$VIP"
SENT2=$(t_cfg r1 51 adverts_sent)
EV2=$(t_stat r1 51 events)
MS=$(($(t_now_ms) - START))
RCVD2=$(t_stat r1 51 adverts_rcvd)
HELD1B=$(t_stat r1 51 events_held)
HELD2B=$(t_stat r2 51 events_held)
TX1=$(tx_packets)
# A flood that stopped by itself (it once did after 13,500 frames) says so, and what trafgen said.
FLOOD_STATE=
kill -0 "$FLOOD_PID" 2>/dev/null ||
	FLOOD_STATE="; trafgen had exited: $(tail -n 1 "$LAB_DIR/trafgen.err" 2>/dev/null)"

# The positive control: the flood ran and reached r1's XDP program as valid adverts.
FLOODED=$(delta "$RCVD1" "$RCVD2")
within flood_reached_r1 "$FLOODED" 2000 999999999 \
	"$((TX1 - TX0)) sent, $FLOODED valid adverts received in $MS ms$FLOOD_STATE"
t_eq flood_r1_no_transition "$(t_cfg r1 51 master_transitions)" "$T1"
t_eq flood_r2_no_transition "$(t_cfg r2 51 master_transitions)" "$T2"
# Normal: 10 adverts a second; answers once an interval at most: under 20 a second (+ 1 s).
N=$(delta "$SENT1" "$SENT2")
within flood_master_adverts_bounded "$N" 1 $((20 * (MS + 1000) / 1000)) \
	"$N adverts in $MS ms (normal: 10 a second)"
# One event an interval (10/s), not one per advert.
N=$(delta "$EV1" "$EV2")
within flood_events_bounded "$N" 0 $((10 * (MS + 1000) / 1000)) \
	"$N events for $FLOODED adverts in $MS ms"
# What the operator sees: the adverts held back, counted on both routers and in atropos.
N=$(delta "$HELD1" "$HELD1B")
within flood_r1_counts_held "$N" $((${FLOODED/missing/0} / 2)) 999999999 "$N held back"
N=$(delta "$HELD2" "$HELD2B")
within flood_r2_counts_held "$N" 1000 999999999 "$N held back"
SHOWN=$(A r1 --json -s -v 51 | jq -r '.instances[0].counters.events_held')
within flood_atropos_shows_held "$SHOWN" "${HELD1B/missing*/1}" 999999999 "atropos: $SHOWN"
t_check flood_atropos_text_shows_held eval 'A r1 -s -v 51 | grep -q "held back from vrrpd"'
# No line about the flood in either log (a new master, an interval, ...).
if [ $(($(lines r1) - L1)) -le 2 ] && [ $(($(lines r2) - L2)) -le 2 ]; then
	t_ok flood_logs_quiet "$(($(lines r1) - L1)) and $(($(lines r2) - L2)) lines"
else
	t_fail flood_logs_quiet "r1 wrote $(($(lines r1) - L1)) lines, r2 $(($(lines r2) - L2))"
	t_logs
fi

# --- 4. SIGTERM to the master during the flood ----------------------------------------------
t_phase
START=$(t_now_ms)
t_stop r1
RC=$?
MS=$(($(t_now_ms) - START))
if [ "$RC" = 0 ] && [ "$MS" -le 3000 ]; then
	t_ok flood_sigterm_honoured "$MS ms"
else
	t_fail flood_sigterm_honoured "exit status $RC after $MS ms"
fi
t_check flood_r2_takes_over t_wait_ms $((3 * $(t_mdi_ms 10 100) + 1000)) t_only r2 "$VIP"
t_check flood_r2_takeover_reason t_log_has r2 \
	"VRRP ID 51 on eth0: we are now the master router \(master resigned \(priority 0\)\)"
t_check flood_r2_keeps_vip t_holds_ms 1500 t_only r2 "$VIP"
flood_stop
t_stop r2
t_done
