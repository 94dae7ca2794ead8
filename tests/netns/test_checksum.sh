#!/bin/bash
# VRRPv3 checksum forms over IPv4 (CONFORMANCE.md C3, C4): the receiver accepts both and counts
# which one matched; the sender uses RFC 9568 until it hears a peer, then the peer's form, unless
# --checksum forces one.
#   1. r1 alone (auto) is master; r2 joins as backup and counts RFC 9568 adverts (csum_rfc9568).
#   2. r2 (--checksum legacy, higher priority) preempts; r1 follows it (counts csum_legacy).
#      r2 stops: r1 takes over and now sends the legacy form it heard; a new backup r2 (auto)
#      counts legacy adverts only.
#   3. --checksum rfc9568 forced on a master that heard legacy: its backup counts rfc9568.
set -u
# shellcheck source=tests/netns/checks.sh
. "$(dirname "${BASH_SOURCE[0]}")/checks.sh"
t_require test_checksum

VIP=$LAB_VIP
trap lab_down EXIT
trap 'exit 1' INT TERM
lab_up "vtc$$"

# stat_grows R VRID FIELD: the counter rises within 2 s (adverts every 0.1 s).
stat_grows() {
	local before
	before=$(t_stat "$1" "$2" "$3") || return 1
	t_wait_ms 2000 stat_above "$1" "$2" "$3" "$before"
}
stat_above() { [ "$(t_stat "$1" "$2" "$3")" -gt "$4" ]; }
# stat_still R VRID FIELD: the counter does not move for 1 s (10 adverts).
stat_still() {
	local before
	before=$(t_stat "$1" "$2" "$3") || return 1
	sleep 1
	[ "$(t_stat "$1" "$2" "$3")" = "$before" ]
}
# r2 runs its instance (its maps are pinned and its log says so).
r2_up() { t_log_has r2 "VRRP ID $1 on eth0: started"; }

# --- 1. RFC 9568 until a peer is heard ---------------------------------------------------------
t_phase
t_start r1 main -i eth0 -v 61 -p 100 -d 0.1 "$VIP"
t_wait_ms 3000 t_only r1 "$VIP"
t_start r2 main -i eth0 -v 61 -p 50 -d 0.1 "$VIP"
t_wait_ms 2000 r2_up 61
t_check csum_default_rfc9568_sent stat_grows r2 61 csum_rfc9568
t_check csum_default_no_legacy stat_still r2 61 csum_legacy
t_stop r2 main TERM

# --- 2. Follow the peer's form -----------------------------------------------------------------
t_phase
t_start r2 main -i eth0 -v 61 -p 200 -d 0.1 --checksum legacy "$VIP"
t_check csum_forced_legacy_master_preempts t_wait_ms 3000 t_only r2 "$VIP"
t_check csum_auto_backup_counts_legacy stat_grows r1 61 csum_legacy
t_stop r2 main TERM
t_check csum_auto_takeover t_wait_ms 3000 t_only r1 "$VIP"
t_start r2 main -i eth0 -v 61 -p 50 -d 0.1 "$VIP"
t_check csum_auto_master_sends_heard_form stat_grows r2 61 csum_legacy
t_check csum_auto_master_sends_no_rfc9568 stat_still r2 61 csum_rfc9568
t_stop r2 main TERM
t_stop r1 main TERM

# --- 3. A forced form wins over what was heard -------------------------------------------------
t_phase
t_start r1 main -i eth0 -v 62 -p 100 -d 0.1 --checksum legacy "$VIP"
t_wait_ms 3000 t_only r1 "$VIP"
t_start r2 main -i eth0 -v 62 -p 200 -d 0.1 --checksum rfc9568 "$VIP"
t_check csum_forced_rfc9568_preempts t_wait_ms 3000 t_only r2 "$VIP"
t_check csum_forced_rfc9568_sent stat_grows r1 62 csum_rfc9568
t_check csum_forced_rfc9568_no_legacy stat_still r1 62 csum_legacy
t_stop r2 main TERM
t_stop r1 main TERM
t_done
