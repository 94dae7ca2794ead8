#!/bin/bash
# Hardening: what a silent client, a slow script, file permissions or a forger must not make
# vrrpd lose; the daemon's own work, so run in the host lane only (tests/vm/guest.sh). Each
# section is the regression test of one defect a review found (README, Reliability);
# test_ownership has those where the kernel's part matters.
#   4. Clients that connect to the control socket and say nothing (150 in 3 s, all held open)
#      do not hold the event loop: at -d 0.01 the backup never takes over, and a real request
#      (atropos --garp) is answered meanwhile.
#   5. A script slower than the transitions (0.5 s, 41 forced transitions in about 3 s) overflows
#      the queue of 16: the oldest waiting go in pairs, the scripts still alternate MASTER and
#      BACKUP, and the last one run is the instance's state.
#   6. A script (or a -c file) root can run (read) only through its override of file permissions
#      (another owner, mode 0750 or 0640) is refused at start-up: vrrpd starts scripts, and reads
#      the file again on SIGHUP, without that override. With an x bit for others it runs.
#   7. 3000 adverts forged from a master's address, their priority alternating: the backup
#      follows each, and logs "master is ..." a few times, not 3000.
set -u
# shellcheck source=tests/netns/checks.sh
. "$(dirname "${BASH_SOURCE[0]}")/checks.sh"
t_require test_hardening

VIP=$LAB_VIP
trap lab_down EXIT
trap 'exit 1' INT TERM
lab_up "vth$$"
PINS1=/sys/fs/bpf/$LAB_PREFIX-r1

# --- 4. Silent clients on the control socket ---------------------------------------------------
t_phase
t_start r1 main -i eth0 -v 54 -p 200 -d 0.01 10.99.0.154
t_start r2 main -i eth0 -v 54 -p 100 -d 0.01 10.99.0.154
t_wait_ms 3000 t_log_has r2 "VRRP ID 54 on eth0: master is 10\.99\.0\.1"
t_wait_ms 3000 t_only r1 10.99.0.154
t_phase
# A connection every 20 ms for 3 s, none of them sending, all held until the end.
/usr/bin/python3 -c '
import socket, sys, time
held = []
for _ in range(150):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    s.connect(sys.argv[1])
    held.append(s)
    with open(sys.argv[2], "w") as f:
        f.write(str(len(held)))
    time.sleep(0.02)
' "$LAB_DIR/r1/vrrpd-eth0-54.sock" "$LAB_DIR/silent.count" &
SILENT=$!
# The request goes in once 40 silent clients are connected (more than the slots and the backlog).
silent_at_least() { [ "$(cat "$LAB_DIR/silent.count" 2>/dev/null || echo 0)" -ge "$1" ]; }
t_wait_ms 10000 silent_at_least 40
OUT=$(t_atropos r1 -i eth0 -v 54 --garp 2>&1)
t_check hard_silent_request_answered grep -q "MASTER" <<<"$OUT"
wait "$SILENT"
t_check hard_silent_no_takeover t_log_lacks r2 "VRRP ID 54 on eth0: we are now the master"
t_check hard_silent_master_stays t_log_lacks r1 "VRRP ID 54 on eth0: we are now a backup"
t_stop r2
t_stop r1

# --- 5. A full script queue keeps the last transition --------------------------------------------
t_phase
# Each script waits for $LAB_DIR/go: the queue fills however fast or slow this machine runs the
# rounds below (a script of 0.5 s let a loaded CI drain it as fast as the rounds filled it).
printf '#!/bin/sh\nwhile [ ! -e "%s/go" ]; do sleep 0.05; done\necho "$3" >>"%s/scripts.log"\n' \
	"$LAB_DIR" "$LAB_DIR" >"$LAB_DIR/slow.sh"
chmod 755 "$LAB_DIR/slow.sh"
: >"$LAB_DIR/scripts.log"
t_start r1 main -i eth0 -v 55 -p 200 -d 0.01 -U "$LAB_DIR/slow.sh" -D "$LAB_DIR/slow.sh" 10.99.0.155
is_master() { t_atropos r1 -i eth0 -v 55 --check >/dev/null 2>&1; }
t_wait_ms 3000 is_master
for i in $(seq 1 20); do
	t_atropos r1 -i eth0 -v 55 --backup >/dev/null
	t_atropos r1 -i eth0 -v 55 --resume >/dev/null
	t_wait_ms 3000 is_master
done
t_atropos r1 -i eth0 -v 55 --backup >/dev/null
touch "$LAB_DIR/go"
# Every script that was started has written its line, and none starts or ends within 1 s (a
# queued script starts and ends within a second, so the counts alone could match again).
runs() { t_log_since r1 | grep -c "VRRP ID 55 on eth0: running $LAB_DIR/slow.sh"; }
all_ran() {
	local n
	n=$(runs)
	[ "$n" = "$(wc -l <"$LAB_DIR/scripts.log")" ] && sleep 1.2 &&
		[ "$(runs)" = "$n" ] && [ "$(wc -l <"$LAB_DIR/scripts.log")" = "$n" ]
}
t_wait_ms 30000 all_ran
t_check hard_scripts_queue_overflowed t_log_has r1 \
	"VRRP ID 55 on eth0: 15 changes of state wait for their scripts already: those to (MASTER|BACKUP) and (MASTER|BACKUP), the oldest, not run"
t_eq hard_scripts_last_is_state "$(tail -n 1 "$LAB_DIR/scripts.log")" BACKUP \
	"$(tr '\n' ' ' <"$LAB_DIR/scripts.log")"
t_eq hard_scripts_alternate "$(uniq "$LAB_DIR/scripts.log" | wc -l)" "$(wc -l <"$LAB_DIR/scripts.log")" \
	"$(tr '\n' ' ' <"$LAB_DIR/scripts.log")"
t_check hard_scripts_instance_backup eval '! is_master'
t_stop r1

# --- 6. Scripts and the -c file as vrrpd will read them: without root's override -----------------
t_phase
printf '#!/bin/sh\nexit 0\n' >"$LAB_DIR/other.sh"
chown 65534:65534 "$LAB_DIR/other.sh"
chmod 0750 "$LAB_DIR/other.sh"
# Bounded: a vrrpd that starts instead of refusing would run on.
OUT=$(lab_exec r1 timeout 20 "$VRRPD" --foreground --pin-dir "$PINS1" -f "$LAB_DIR/r1" -i eth0 -v 56 \
	-U "$LAB_DIR/other.sh" 10.99.0.156 2>&1)
RC=$?
t_eq hard_script_override_refused "$RC" 1 "exit status $RC: $OUT"
t_check hard_script_override_says_why grep -q \
	"script '$LAB_DIR/other.sh' for -U can be run by root only through its override of file permissions (owner 65534, group 65534, mode 0750" <<<"$OUT"
# The same script with an x bit for others: root runs it as anyone would.
chmod 0755 "$LAB_DIR/other.sh"
t_start r1 main -i eth0 -v 56 -U "$LAB_DIR/other.sh" 10.99.0.156 && t_ok hard_script_others_x_runs
t_stop r1
printf 'vrrp {\n  -i eth0 -v 57 10.99.0.157\n}\n' >"$LAB_DIR/other.conf"
chown 65534:65534 "$LAB_DIR/other.conf"
chmod 0640 "$LAB_DIR/other.conf"
OUT=$(lab_exec r1 timeout 20 "$VRRPD" --foreground --pin-dir "$PINS1" -f "$LAB_DIR/r1" \
	-c "$LAB_DIR/other.conf" 2>&1)
RC=$?
t_eq hard_conf_override_refused "$RC" 1 "exit status $RC: $OUT"
t_check hard_conf_override_says_why grep -q \
	"$LAB_DIR/other.conf can be read by root only through its override of file permissions" <<<"$OUT"

# --- 7. A forged master whose priority changes with every advert: the log stays short -----------
t_phase
t_start r2 main -i eth0 -v 51 -p 100 -d 0.1 "$VIP"
SENT_AT=$(t_now_ms)
lab_exec c /usr/bin/python3 "$LAB_ROOT/tests/netns/vrrp_probe.py" spoof eth0 10.99.0.1 3000
SPENT=$(($(t_now_ms) - SENT_AT))
FOLLOWED=$(t_log_since r2 | grep -c "VRRP ID 51 on eth0: master is 10\.99\.0\.1, priority 15[01]")
# At most 5 a 10 s window (log.c), and the spoofer took a few seconds: 15 leaves room for two
# windows and the first line.
if [ "$FOLLOWED" -ge 1 ] && [ "$FOLLOWED" -le 15 ]; then
	t_ok hard_log_master_is_limited "$FOLLOWED lines for 3000 adverts in $SPENT ms"
else
	t_fail hard_log_master_is_limited "$FOLLOWED lines for 3000 adverts in $SPENT ms"
fi
t_check hard_log_backup_alive t_running "$(t_pid r2)"
t_stop r2

t_done
