#!/bin/bash
# The up and down scripts (-U, -D; issue 5):
#   1. Every entry into master runs -U and every exit -D, once per transition, in order, with
#      the arguments IFACE VRID STATE PRIORITY VIP... and the VRRPD_* environment, stdin
#      /dev/null, the VIPs in place for -U and gone for -D; their output is in the log. The
#      same with the instance in a -c file (its addresses made by another thread).
#   2. A script that is still running when the next transition comes delays the next script,
#      not the transition: the down script starts after the up script ended.
#   3. A script that sleeps does not delay one advert (gaps on the wire stay near the
#      interval); after --script-timeout it is killed with its process group.
#   4. A failing script is logged with its status; the daemon goes on.
#   5. A missing or non-executable script is a start-up error.
#   6. keepalived's notify commands: --notify-master, -backup (at start-up too), -fault, -stop
#      (from any state, or removed by a reload) run with the words given, --notify after them
#      with INSTANCE NAME STATE PRIO added, after -U/-D, for every change in order; a command
#      nowhere is an error.
set -u
# shellcheck source=tests/netns/checks.sh
. "$(dirname "${BASH_SOURCE[0]}")/checks.sh"
t_require test_hooks
t_need test_hooks tcpdump

VIP=$LAB_VIP
trap lab_down EXIT
trap 'exit 1' INT TERM
lab_up "vth$$"
export REC=$LAB_DIR/rec

# A script that records how it was called, one line per run.
cat >"$LAB_DIR/rec.sh" <<'EOF'
#!/bin/sh
n=$(basename "$0")
in=$(wc -c)
vip=$(ip -4 -o addr show | grep -c " 10.99.0.100/")
sched=$(awk '{ print $41 }' /proc/$$/stat)
echo "$n $* | $VRRPD_IFNAME $VRRPD_VRID $VRRPD_STATE $VRRPD_PREV_STATE $VRRPD_PRIORITY [$VRRPD_VIPS] $VRRPD_REASON | stdin=$in vip=$vip sched=$sched" >>"$REC"
echo "hello from $n"
echo "to stderr" >&2
EOF
chmod +x "$LAB_DIR/rec.sh"
ln -s rec.sh "$LAB_DIR/up.sh"
ln -s rec.sh "$LAB_DIR/down.sh"

# --- 1. Arguments, environment, order ----------------------------------------------------------
t_phase
# transitions R1-ARGS...: r1 (started with those arguments) master, r2 takes over, resigns, r1
# stops: four scripts, each waited for in $REC.
transitions() {
	t_start r1 main "$@"
	t_wait_ms 3000 t_only r1 "$VIP"
	t_wait_ms 2000 eval '[ "$(wc -l <"$REC")" -ge 1 ]'
	t_start r2 main -i eth0 -v 51 -p 200 -d 0.1 "$VIP/24" 10.99.0.101
	t_wait_ms 3000 t_only r2 "$VIP"
	t_wait_ms 2000 eval '[ "$(wc -l <"$REC")" -ge 2 ]'
	t_stop r2 main TERM
	t_wait_ms 3000 t_only r1 "$VIP"
	t_wait_ms 2000 eval '[ "$(wc -l <"$REC")" -ge 3 ]'
	t_stop r1 main TERM
}
# At real-time priority: its scripts must still run at normal priority (sched=0).
transitions --rt-priority 10 -i eth0 -v 51 -p 100 -d 0.1 -U "$LAB_DIR/up.sh" \
	-D "$LAB_DIR/down.sh" "$VIP/24" 10.99.0.101
ARGS="eth0 51 %s 100 10.99.0.100/24 10.99.0.101"
ENV="eth0 51 %s %s 100 [10.99.0.100/24 10.99.0.101] %s"
# shellcheck disable=SC2059 # the formats are ours
WANT=$(
	printf "up.sh $ARGS | $ENV | stdin=0 vip=1 sched=0\n" MASTER MASTER BACKUP "master down"
	printf "down.sh $ARGS | $ENV | stdin=0 vip=0 sched=0\n" BACKUP BACKUP MASTER "higher priority advert"
	printf "up.sh $ARGS | $ENV | stdin=0 vip=1 sched=0\n" MASTER MASTER BACKUP "master resigned (priority 0)"
	printf "down.sh $ARGS | $ENV | stdin=0 vip=0 sched=0\n" STOP STOP MASTER shutdown
)
t_eq hooks_once_per_transition_in_order "$(cat "$REC")" "$WANT" "$(cat "$REC")"
t_check hooks_output_logged t_log_has r1 "VRRP ID 51 on eth0: up\.sh: hello from up\.sh"
t_check hooks_stderr_logged t_log_has r1 "VRRP ID 51 on eth0: down\.sh: to stderr"
t_check hooks_exit_logged t_log_has r1 "VRRP ID 51 on eth0: down\.sh STOP finished"

# The same from a -c file, where the addresses are added and removed by vipq's thread and the
# scripts follow them when the thread hands the change back: same scripts, same order, the VIPs
# in place for -U and gone for -D.
: >"$REC"
printf '%s\nvrrp {\n%s\n}\n' "-p 100 -d 0.1" \
	"-i eth0 -v 51 -U $LAB_DIR/up.sh -D $LAB_DIR/down.sh $VIP/24 10.99.0.101" >"$LAB_DIR/r1.conf"
transitions -c "$LAB_DIR/r1.conf"
t_eq hooks_c_file_once_per_transition_in_order "$(cat "$REC")" "$WANT" "$(cat "$REC")"

# --- 2. A slow up script delays the down script, not the transition ------------------------------
t_phase
cat >"$LAB_DIR/slowup.sh" <<'EOF'
#!/bin/sh
echo "up start" >>"$REC"
sleep 1
echo "up end" >>"$REC"
EOF
cat >"$LAB_DIR/fastdown.sh" <<'EOF'
#!/bin/sh
echo "down $3" >>"$REC"
EOF
chmod +x "$LAB_DIR/slowup.sh" "$LAB_DIR/fastdown.sh"
: >"$REC"
t_start r1 main -i eth0 -v 52 -p 100 -d 0.1 -U "$LAB_DIR/slowup.sh" -D "$LAB_DIR/fastdown.sh" "$VIP"
t_wait_ms 3000 t_only r1 "$VIP"
t_start r2 main -i eth0 -v 52 -p 200 -d 0.1 "$VIP"
t_check hooks_transition_not_delayed t_wait_ms 2000 t_only r2 "$VIP"
t_wait_ms 3000 eval '[ "$(wc -l <"$REC")" -ge 3 ]'
t_eq hooks_down_after_up_ended "$(cat "$REC" | tr '\n' ,)" "up start,up end,down BACKUP,"
t_stop r2
t_stop r1

# --- 3. A script that hangs: adverts go on, the timeout kills it -------------------------------
t_phase
cat >"$LAB_DIR/hang.sh" <<'EOF'
#!/bin/sh
echo $$ >"$REC.hang"
sleep 30 &
echo $! >"$REC.hangchild"
wait
EOF
chmod +x "$LAB_DIR/hang.sh"
t_capture adverts sw "$LAB_PREFIX-r1" -Q in ip proto 112
t_start r1 main -i eth0 -v 53 -p 100 -d 0.1 --script-timeout 2 -U "$LAB_DIR/hang.sh" "$VIP"
t_wait_ms 3000 t_only r1 "$VIP"
t_wait_ms 2000 test -s "$REC.hangchild"
sleep 1.5 # the script hangs, the master advertises
t_capture_stop adverts
# The largest gap between adverts from the start of the script (ms).
GAP=$(t_capture_read adverts | awk 'NR > 1 { g = ($1 - p) * 1000; if (g > m) m = g } { p = $1 } END { printf "%d", m }')
N=$(t_capture_read adverts | grep -c .)
if [ "$N" -ge 15 ] && [ "$GAP" -le 300 ]; then
	t_ok hooks_hanging_script_does_not_delay_adverts "$N adverts, largest gap $GAP ms at 100 ms"
else
	t_fail hooks_hanging_script_does_not_delay_adverts "$N adverts, largest gap $GAP ms"
fi
t_check hooks_timeout_logged t_wait_ms 3000 t_log_has r1 \
	"VRRP ID 53 on eth0: hang\.sh MASTER still running after 2 s: killed"
gone() { ! kill -0 "$(cat "$REC.hang")" 2>/dev/null && ! kill -0 "$(cat "$REC.hangchild")" 2>/dev/null; }
t_check hooks_timeout_kills_process_group t_wait_ms 2000 gone
t_check hooks_daemon_alive_after_timeout t_alive r1
t_stop r1

# --- 4. A failing script ------------------------------------------------------------------------
t_phase
printf '#!/bin/sh\necho failing >&2\nexit 3\n' >"$LAB_DIR/fail.sh"
chmod +x "$LAB_DIR/fail.sh"
t_start r1 main -i eth0 -v 54 -p 100 -d 0.1 -U "$LAB_DIR/fail.sh" "$VIP"
t_check hooks_failure_logged t_wait_ms 4000 t_log_has r1 \
	"VRRP ID 54 on eth0: fail\.sh MASTER exited with status 3"
t_check hooks_daemon_alive_after_failure t_alive r1
t_check hooks_master_after_failure t_only r1 "$VIP"
t_stop r1

# --- 5. Start-up errors -------------------------------------------------------------------------
t_phase
startup() {
	lab_exec r1 "$VRRPD" --foreground --pin-dir "/sys/fs/bpf/$LAB_PREFIX-r1" -f "$LAB_DIR/r1" \
		-i eth0 -v 55 "$@" "$VIP" 2>&1
}
OUT=$(startup -U "$LAB_DIR/missing.sh")
RC=$?
t_eq hooks_missing_script_rc "$RC" 1
t_eq hooks_missing_script_message "$OUT" \
	"vrrpd: script '$LAB_DIR/missing.sh' for -U: No such file or directory"
printf '#!/bin/sh\n' >"$LAB_DIR/noexec.sh"
OUT=$(startup -D "$LAB_DIR/noexec.sh")
RC=$?
t_eq hooks_noexec_script_rc "$RC" 1
t_eq hooks_noexec_script_message "$OUT" \
	"vrrpd: script '$LAB_DIR/noexec.sh' for -D is not an executable file"
# --- 6. keepalived's notify commands (--notify-*, --notify) --------------------------------------
t_phase
# Each records its name, every argument in brackets (the words as split) and the state it was
# told of; -U and -D record too, to see the order within a change.
cat >"$LAB_DIR/kv.sh" <<'EOF'
#!/bin/sh
line=$(basename "$0")
for a; do line="$line [$a]"; done
echo "$line $VRRPD_STATE" >>"$REC"
EOF
chmod +x "$LAB_DIR/kv.sh"
for n in nm nb nf ns na u d; do ln -s kv.sh "$LAB_DIR/$n.sh"; done
: >"$REC"
lines() { [ "$(wc -l <"$REC")" -ge "$1" ]; }
t_start r1 main --name WAN -i eth0 -v 56 -p 100 -d 0.1 -U "$LAB_DIR/u.sh" -D "$LAB_DIR/d.sh" \
	--notify-master "$LAB_DIR/nm.sh m1 'two words'" --notify-backup "$LAB_DIR/nb.sh" \
	--notify-fault "\"$LAB_DIR/nf.sh\" f" --notify-stop "$LAB_DIR/ns.sh" \
	--notify "$LAB_DIR/na.sh x" "$VIP"
t_wait_ms 3000 t_only r1 "$VIP"
t_wait_ms 3000 lines 5
lab_exec r1 ip link set eth0 down
t_wait_ms 3000 lines 8
lab_exec r1 ip link set eth0 up
t_wait_ms 3000 t_only r1 "$VIP"
t_wait_ms 3000 lines 13
t_stop r1 main TERM
t_wait_ms 3000 lines 16
D="[eth0] [56]"
WANT="nb.sh BACKUP
na.sh [x] [INSTANCE] [WAN] [BACKUP] [100] BACKUP
u.sh $D [MASTER] [100] [$VIP] MASTER
nm.sh [m1] [two words] MASTER
na.sh [x] [INSTANCE] [WAN] [MASTER] [100] MASTER
d.sh $D [FAULT] [100] [$VIP] FAULT
nf.sh [f] FAULT
na.sh [x] [INSTANCE] [WAN] [FAULT] [100] FAULT
nb.sh BACKUP
na.sh [x] [INSTANCE] [WAN] [BACKUP] [100] BACKUP
u.sh $D [MASTER] [100] [$VIP] MASTER
nm.sh [m1] [two words] MASTER
na.sh [x] [INSTANCE] [WAN] [MASTER] [100] MASTER
d.sh $D [STOP] [100] [$VIP] STOP
ns.sh STOP
na.sh [x] [INSTANCE] [WAN] [STOP] [100] STOP"
t_eq hooks_notify_every_change_in_order "$(cat "$REC")" "$WANT" "$(cat "$REC")"
# From Backup, a stop has its scripts too (never -D: it was not Master).
: >"$REC"
t_start r2 main -i eth0 -v 56 -p 200 -d 0.1 "$VIP"
t_wait_ms 3000 t_only r2 "$VIP"
t_start r1 main --name WAN -i eth0 -v 56 -p 100 -d 0.1 -D "$LAB_DIR/d.sh" \
	--notify-stop "$LAB_DIR/ns.sh" --notify "$LAB_DIR/na.sh" "$VIP"
t_wait_ms 3000 lines 1
t_stop r1 main TERM
t_wait_ms 3000 lines 3
t_eq hooks_notify_stop_from_backup "$(cat "$REC")" "na.sh [INSTANCE] [WAN] [BACKUP] [100] BACKUP
ns.sh STOP
na.sh [INSTANCE] [WAN] [STOP] [100] STOP" "$(cat "$REC")"
# A reload that removes the instance stops it: its STOP scripts run (vrrpd goes on).
: >"$REC"
printf 'vrrp {\n%s\n}\n' "--name WAN -i eth0 -v 56 -p 100 -d 0.1 --notify-stop $LAB_DIR/ns.sh $VIP" \
	>"$LAB_DIR/r1.conf"
t_start r1 main -c "$LAB_DIR/r1.conf"
t_wait_ms 3000 t_log_has r1 "VRRP ID 56 on eth0: we are now a backup router"
printf 'vrrp {\n%s\n}\n' "-i eth0 -v 57 -p 100 -d 0.1 10.99.0.157" >"$LAB_DIR/r1.conf"
kill -HUP "$(t_pid r1)"
t_wait_ms 3000 lines 1
t_eq hooks_notify_stop_on_reload "$(cat "$REC")" "ns.sh STOP" "$(cat "$REC")"
t_stop r1
t_stop r2
# A bare name is looked up in PATH; one that is nowhere is a start-up error.
OUT=$(startup --notify "no-such-notify-cmd arg")
RC=$?
t_eq hooks_notify_not_in_path_rc "$RC" 1
t_eq hooks_notify_not_in_path_message "$OUT" \
	"vrrpd: command 'no-such-notify-cmd arg' for --notify: no 'no-such-notify-cmd' in PATH"
OUT=$(startup --notify-fault "$LAB_DIR/missing.sh f")
t_eq hooks_notify_missing_message "$OUT" \
	"vrrpd: script '$LAB_DIR/missing.sh' for --notify-fault: No such file or directory"
t_done
