#!/bin/bash
# The Master_Down_Timer kept by the kernel (vrrpd_down, a bpf_timer; RFC 9568 6.4.2, S2), in a
# lab of two routers at -d 0.05 (Master_Down_Interval 180 ms for priority 100; the VM lane's
# emulated CPU keeps that interval):
#   1. The backup sleeps: each of the master's adverts starts its timer again in XDP (the
#      entry's from_ns moves; it fires at most for the odd advert late by nearly a
#      Master_Down_Interval, as the VM lane's emulated CPU makes them), and its controller wakes
#      for its link checks
#      (about once a second) instead of about once per Master_Down_Interval (7 times).
#   2. kill -9 of the master: the timer fires once more and the backup takes over for
#      "master down" within 3 x Master_Down_Interval.
#   3. --no-kernel-timer: the backup keeps the timer itself (no vrrpd_down entry, a wake-up per
#      interval or so) and takes over the same way.
set -u
# shellcheck source=tests/netns/checks.sh
. "$(dirname "${BASH_SOURCE[0]}")/checks.sh"
t_require test_downtimer

VIP=$LAB_VIP
trap lab_down EXIT
trap 'exit 1' INT TERM
lab_up "vtd$$"
MDI=$(t_mdi_ms 5 100)
WINDOW_S=5

# wakes PID: how many times the process has gone to sleep and woken (voluntary switches).
wakes() { awk '/^voluntary_ctxt_switches:/ { print $2 }' "/proc/$1/status"; }

# pair VRID [ARGS]: r1 master (priority 200) and r2 backup (100) at -d 0.05, settled.
pair() {
	local vrid=$1
	shift
	t_phase
	t_start r1 main -i eth0 -v "$vrid" -p 200 -d 0.05 "$@" "$VIP"
	t_start r2 main -i eth0 -v "$vrid" -p 100 -d 0.05 "$@" "$VIP"
	t_started r1 "$vrid" && t_started r2 "$vrid" &&
		t_wait_ms 3000 t_log_has r2 "VRRP ID $vrid on eth0: master is 10\.99\.0\.1" &&
		t_wait_ms 3000 t_only r1 "$VIP"
}

# takeover VRID NAME: kill -9 of r1; r2 holds the VIP within 3 x MDI, for "master down".
takeover() {
	t_stop r1 main KILL
	if t_wait_ms $((3 * MDI)) lab_has_ip r2 "$VIP"; then
		t_ok "$2_kill9_takeover_within_3_mdi" "${T_WAITED} ms, MDI ${MDI} ms"
	else
		t_fail "$2_kill9_takeover_within_3_mdi" "not after ${T_WAITED} ms"
	fi
	t_check "$2_kill9_logs_master_down" t_wait_ms 1000 t_log_has r2 \
		"VRRP ID $1 on eth0: we are now the master router \(master down\)"
}

# --- 1. the backup sleeps ------------------------------------------------------------------
t_check downtimer_setup pair 61
t_wait_ms 3000 t_log_has r2 'Master_Down_Timers in'
if t_log_has r2 'Master_Down_Timers in vrrpd \(this kernel has no bpf_timer'; then
	echo "skip test_downtimer: this kernel has no bpf_timer for XDP programs"
	exit 0
fi
t_check downtimer_log_says_kernel t_log_has r2 'Master_Down_Timers in the kernel \(bpf_timer\)'
F0=$(t_entry vrrpd_down r2 61 from_ns)
FIRED0=$(t_entry vrrpd_down r2 61 fired)
W0=$(wakes "$(t_pid r2)")
sleep "$WINDOW_S"
W1=$(wakes "$(t_pid r2)")
F1=$(t_entry vrrpd_down r2 61 from_ns)
t_check downtimer_restarted_by_adverts eval '[[ $F0 =~ ^[0-9]+$ && $F1 =~ ^[0-9]+$ ]] && ((F1 > F0))'
FIRED1=$(t_entry vrrpd_down r2 61 fired)
# 100 adverts in the window: a fire means one came nearly a Master_Down_Interval late.
if [[ $FIRED0 =~ ^[0-9]+$ && $FIRED1 =~ ^[0-9]+$ ]] && ((FIRED1 - FIRED0 <= 2)); then
	t_ok downtimer_rarely_fires_while_master_lives "$((FIRED1 - FIRED0)) in $WINDOW_S s"
else
	t_fail downtimer_rarely_fires_while_master_lives "fired $FIRED0 then $FIRED1 (want at most 2 more)"
fi
# vrrpd makes the entry when the instance starts; only a backup's fast path starts the timer.
t_eq downtimer_master_not_timed "$(t_entry vrrpd_down r1 61 from_ns)" 0
# Link checks once a second, and the odd read that raced an advert. Keeping the timer itself,
# the backup wakes about 1000 / (MDI - 50) times a second.
WAKES=$((W1 - W0))
if ((WAKES <= 2 * WINDOW_S)); then
	t_ok downtimer_backup_sleeps "$WAKES wake-ups in $WINDOW_S s"
else
	t_fail downtimer_backup_sleeps "$WAKES wake-ups in $WINDOW_S s (want <= $((2 * WINDOW_S)))"
fi
t_check downtimer_still_backup t_only r1 "$VIP"

# --- 2. kill -9 of the master: the kernel's timer fires --------------------------------------
# Counted right before the kill: while the master lives, a late advert may fire it (above), and
# under the VM lane's emulation one did between the window's end and the kill.
FIRED2=$(t_entry vrrpd_down r2 61 fired)
takeover 61 downtimer
t_eq downtimer_fired_once "$(t_entry vrrpd_down r2 61 fired)" $((${FIRED2/missing:*/0} + 1))
t_stop r2 main

# --- 3. --no-kernel-timer: the controller's own timer ----------------------------------------
t_check downtimer_user_setup pair 62 --no-kernel-timer
t_check downtimer_user_log_says_vrrpd t_wait_ms 3000 t_log_has r2 'Master_Down_Timers in vrrpd \(--no-kernel-timer\)'
t_check downtimer_user_no_entry t_no_entry vrrpd_down r2 62
W0=$(wakes "$(t_pid r2)")
sleep "$WINDOW_S"
W1=$(wakes "$(t_pid r2)")
WAKES=$((W1 - W0))
# The positive control of downtimer_backup_sleeps: the count sees a backup that wakes.
if ((WAKES >= 4 * WINDOW_S)); then
	t_ok downtimer_user_backup_wakes "$WAKES wake-ups in $WINDOW_S s"
else
	t_fail downtimer_user_backup_wakes "$WAKES wake-ups in $WINDOW_S s (want >= $((4 * WINDOW_S)))"
fi
takeover 62 downtimer_user
t_stop r2 main

t_done
