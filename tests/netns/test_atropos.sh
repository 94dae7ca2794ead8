#!/bin/bash
# atropos against real daemons (issue 6):
#   reading: --state while the daemon is frozen (SIGSTOP), --json and its schema, -i/-v
#   selectors, --check's exit codes, --watch's numbered transitions, bpftool's named fields;
#   changing: --backup (holds), --resume, --master, --reduce, --increase, --priority, --garp,
#   each returning once the maps show it; safety: root-only files, a clear refusal for non-root.
set -u
# shellcheck source=tests/netns/checks.sh
. "$(dirname "${BASH_SOURCE[0]}")/checks.sh"
t_require test_atropos
t_need test_atropos setpriv

VIP=$LAB_VIP
trap lab_down EXIT
trap 'exit 1' INT TERM
lab_up "vto$$"

A() { t_atropos "$@"; }
# J R JQ-FILTER: a field of R's --json state for VRID 51.
J() { A "$1" --json -s -v 51 | jq -r ".instances[0] | $2"; }

t_start r1 main -i eth0 -v 51 -p 200 -d 0.2 "$VIP"
t_start r1 other -i eth0 -v 52 -p 200 -d 0.2 10.99.0.102
t_start r2 main -i eth0 -v 51 -p 100 -d 0.2 "$VIP"
t_check atropos_setup t_wait_ms 4000 t_only r1 "$VIP"
t_wait_ms 3000 lab_has_ip r1 10.99.0.102
t_wait_ms 3000 t_log_has r2 "VRRP ID 51 on eth0: master is 10\.99\.0\.1"

# --- Reading ----------------------------------------------------------------------------------------
t_phase
OUT=$(A r1 --state)
t_check atropos_state_lists_both grep -q "^eth0 vrid 52: MASTER" <<<"$OUT"
t_check atropos_state_vips grep -q "^  VIPs: 10.99.0.100$" <<<"$OUT"
t_eq atropos_select_vrid "$(A r1 -v 52 -s | grep -c '^eth0 vrid')" 1
t_eq atropos_select_iface_none "$(A r1 -i eth9 -s)" "no vrrpd instance matches"
t_eq atropos_select_iface "$(A r1 -i eth0 -s | grep -c '^eth0 vrid')" 2
t_eq atropos_v_alone_is_version "$(A r1 -v)" "atropos 2.0.0"

# The schema (atropos(8)): these fields, with these types.
SCHEMA='.instances[0] | [(.ifname|type), (.vrid|type), (.state|type), (.priority|type),
	(.effective_priority|type), (.master_ip|type), (.master_priority|type),
	(.adver_int_ms|type), (.vips|type), (.vmac|type), (.since|type), (.reason|type),
	(.counters.adverts_rcvd|type), (.counters.checksum_errors|type),
	(.counters.vrid_errors|type), (.counters.arp_replies|type)] | join(",")'
t_eq atropos_json_schema "$(A r1 --json -s -v 51 | jq -r "$SCHEMA")" \
	"string,number,string,number,number,string,number,number,array,string,number,string,number,number,number,number"
t_eq atropos_json_values "$(J r2 '[.state, .master_ip, .master_priority, .adver_int_ms, .vips[0], .vmac] | join(" ")')" \
	"BACKUP 10.99.0.1 200 200 10.99.0.100 00:00:5e:00:01:33"

# Frozen daemon: atropos reads the maps, not the daemon.
kill -STOP "$(t_pid r2)"
START_MS=$(t_now_ms)
OUT=$(timeout 2 bash -c "$(declare -f A t_atropos lab_exec lab_ns); LAB_PREFIX=$LAB_PREFIX LAB_DIR=$LAB_DIR \
	ATROPOS=$ATROPOS A r2 --state")
END_MS=$(t_now_ms)
kill -CONT "$(t_pid r2)"
if grep -q "^eth0 vrid 51: BACKUP" <<<"$OUT"; then
	t_ok atropos_state_answers_while_daemon_stopped "$((END_MS - START_MS)) ms"
else
	t_fail atropos_state_answers_while_daemon_stopped "got '$OUT'"
fi

# --check: 0 all master, 1 backup, 2 not running or nothing.
A r1 --check >/dev/null
t_eq atropos_check_master_0 $? 0
A r2 --check >/dev/null
t_eq atropos_check_backup_1 $? 1
t_check atropos_check_one_line eval '[ "$(A r2 --check | wc -l)" = 1 ]'
A r1 --check -v 99 >/dev/null
t_eq atropos_check_none_2 $? 2
t_eq atropos_check_json "$(A r2 --check --json | jq -r '[.status, .masters, .instances] | join(" ")')" "1 0 1"

# bpftool shows the same state with named fields.
BT=$(bpftool -j map dump pinned "/sys/fs/bpf/$LAB_PREFIX-r1/vrrpd_cfg")
t_eq atropos_bpftool_cfg_fields \
	"$(jq -r '.[0].formatted | [(.key | has("vrid")), (.value | has("state")), (.value | has("priority")), (.value | has("lease_until_ns")), (.value | has("vmac"))] | join(",")' <<<"$BT")" \
	"true,true,true,true,true"
t_eq atropos_bpftool_stats_fields \
	"$(bpftool -j map dump pinned "/sys/fs/bpf/$LAB_PREFIX-r2/vrrpd_stats" | jq -r '.[0].formatted.values[0].value | has("adverts_rcvd") and has("checksum_errors")')" \
	true

# --- Changing, watched --------------------------------------------------------------------------------
t_phase
# Subscribed once r1's socket holds the watcher's connection (no time to guess).
conns() { lab_exec r1 ss -xH state connected | grep -c "$LAB_DIR/r1/vrrpd-eth0-51.sock"; }
N0=$(conns)
A r1 --watch --count 2 -v 51 >"$LAB_DIR/watch" &
WATCH=$!
t_check atropos_watch_subscribed t_wait_ms 5000 eval '[ "$(conns)" -gt "$N0" ]'
OUT=$(A r1 -b -v 51)
t_eq atropos_backup_returns_backup "$OUT" "eth0 vrid 51: BACKUP, priority 200 (configured 200)"
t_check atropos_backup_peer_takes_over t_wait_ms 2000 t_only r2 "$VIP"
t_check atropos_backup_holds t_holds_ms 1500 t_only r2 "$VIP"
t_eq atropos_backup_reason "$(J r1 .reason)" "atropos --backup"
A r1 --resume -v 51 >/dev/null
t_check atropos_resume_preempts t_wait_ms 3000 t_only r1 "$VIP"
wait "$WATCH"
t_eq atropos_watch_numbered_in_order "$(cut -d' ' -f1,3-8 "$LAB_DIR/watch")" \
	"1 eth0 vrid 51: MASTER -> BACKUP
2 eth0 vrid 51: BACKUP -> MASTER"
t_check atropos_watch_reason grep -q "(atropos --backup)" "$LAB_DIR/watch"

# --master on the lower priority router: it takes over and stays (priority 254).
OUT=$(A r2 --master)
t_eq atropos_master_returns_master "$OUT" "eth0 vrid 51: MASTER, priority 254 (configured 100)"
t_check atropos_master_holds t_holds_ms 1500 t_only r2 "$VIP"
A r2 --resume >/dev/null
t_check atropos_master_resume_r1_back t_wait_ms 3000 t_only r1 "$VIP"

# Priorities: -r, --increase, --priority N; visible in the maps when atropos returns.
A r1 -r -v 51 >/dev/null
t_eq atropos_reduce "$(J r1 .effective_priority)" 190
A r1 --increase -v 51 >/dev/null
t_eq atropos_increase "$(J r1 .effective_priority)" 200
t_eq atropos_priority_json "$(A r1 --priority 150 -v 51 --json | jq -r '.instances[0].effective_priority')" 150
t_eq atropos_priority "$(J r1 '[.effective_priority, .priority] | join(" ")')" "150 200"
t_eq atropos_priority_bad "$(A r1 --priority 255 -v 51 2>&1)" \
	"atropos: invalid priority '255': must be 1..254"
A r1 --resume -v 51 >/dev/null

# --garp: a burst of gratuitous ARPs from the master, now (after the takeover's burst is over).
sleep 0.6
t_capture garp c eth0 arp and ether src 00:00:5e:00:01:33
A r1 --garp -v 51 >/dev/null
garps() { t_capture_read garp | grep -c "who-has $VIP tell $VIP"; }
t_wait_ms 3000 eval '[ "$(garps)" -ge 5 ]'
t_capture_stop garp
t_eq atropos_garp_burst "$(garps)" 5
t_eq atropos_garp_backup_refused "$(A r2 --garp -v 51 -i eth0 2>&1)" "atropos: eth0 vrid 51: not master"

# --- Prometheus -------------------------------------------------------------------------------------
t_phase
# The text format: "# HELP"/"# TYPE" once per family, before its samples; each sample
# NAME{interface="...",vrid="N"} VALUE. The values are the maps'.
B0=$(t_stat r2 51 adverts_rcvd)
PROM=$(A r2 --prometheus)
B1=$(t_stat r2 51 adverts_rcvd)
BAD=$(awk '
	/^# HELP [a-z_0-9]+ ./ { next }
	/^# TYPE [a-z_0-9]+ (gauge|counter)$/ { typed[$3] = 1; next }
	/^[a-z_0-9]+\{interface="[^"]*",vrid="[0-9]+"\} [0-9.]+$/ {
		split($0, p, "{"); if (p[1] in typed) next }
	{ print NR ": " $0 }' <<<"$PROM")
t_eq atropos_prometheus_format "$BAD" "" "lines not in the format: $BAD"
prom() { awk -v k="$1{interface=\"eth0\",vrid=\"51\"}" '$1 == k { print $2 }' <<<"$2"; }
t_eq atropos_prometheus_backup_state "$(prom vrrpd_state "$PROM")" 1
t_eq atropos_prometheus_master_state "$(prom vrrpd_state "$(A r1 --prometheus)")" 2
t_eq atropos_prometheus_up "$(prom vrrpd_up "$PROM")" 1
t_eq atropos_prometheus_priority "$(prom vrrpd_configured_priority "$PROM")" 100
t_eq atropos_prometheus_interval "$(prom vrrpd_advert_interval_seconds "$PROM")" 0.200
V=$(prom vrrpd_adverts_rcvd_total "$PROM")
t_check atropos_prometheus_counter_is_the_maps eval '[ "$V" -ge "$B0" ] && [ "$V" -le "$B1" ] && [ "$V" -gt 0 ]'
# Nine families of state, three of tracked objects, and one per counter of vrrpd_stats (as
# bpftool names them).
NSTATS=$(bpftool -j map dump pinned "/sys/fs/bpf/$LAB_PREFIX-r2/vrrpd_stats" |
	jq '[.[0].formatted.values[0].value | keys[] | select(. != "spare")] | length')
t_eq atropos_prometheus_families "$(grep -c '^# TYPE' <<<"$PROM")" $((9 + 3 + NSTATS))

# --- Safety -------------------------------------------------------------------------------------------
t_phase
t_eq atropos_socket_root_only "$(stat -c %a "$LAB_DIR/r1/vrrpd-eth0-51.sock")" 600
t_eq atropos_pidfile_root_only "$(stat -c %a "$LAB_DIR/r1/vrrpd-eth0-51.pid")" 600
t_start r1 fresh -i eth0 -v 53 -f "$LAB_DIR/fresh-run" -d 0.2 10.99.0.103
t_wait_ms 2000 test -S "$LAB_DIR/fresh-run/vrrpd-eth0-53.sock"
t_eq atropos_run_dir_root_only "$(stat -c %a "$LAB_DIR/fresh-run")" 700
OUT=$(lab_exec r1 setpriv --reuid=65534 --regid=65534 --clear-groups "$ATROPOS" \
	--pin-dir "/sys/fs/bpf/$LAB_PREFIX-r1" --state 2>&1)
RC=$?
t_eq atropos_nonroot_rc "$RC" 2
t_check atropos_nonroot_permission_denied grep -q "permission denied.*run atropos as root" <<<"$OUT"
t_done
