#!/bin/bash
# The ordered event stream (issue 22): atropos --watch on the daemons' control sockets, and
# --notify-fifo in keepalived's format, in a lab of two routers each running 100 instances in
# one process (-c), VRIDs 1..100:
#   1. r1 (priority 100) alone is master of all; atropos --watch --json and a FIFO reader wait.
#   2. r2 (priority 200) starts: r1 steps down 100 times in a burst; r2 is killed: r1 takes the
#      100 back in a second burst. The stream has all 200 transitions, numbered without a gap,
#      each instance's in order; the FIFO has the same 200 lines, INSTANCE "NAME" STATE PRIO,
#      in the same order.
#   3. A priority change and a tracked file's number are events too (and the FIFO's
#      MASTER_PRIORITY line); text --watch numbers and times each line; "watch SEQ" replays;
#      a link going down is an event before the FAULT it causes.
#   4. A watcher that stops reading through 2000 events does not hold the daemon up, is told
#      what it lost by one gap in seq, and the other watcher loses nothing.
set -u
# shellcheck source=tests/netns/checks.sh
. "$(dirname "${BASH_SOURCE[0]}")/checks.sh"
t_require test_events

N=100
trap lab_down EXIT
trap 'exit 1' INT TERM
lab_up "vev$$"

A() { t_atropos "$@"; }
# conf PRIO: a router's -c file, N instances; VRID 1 is named (--name), the others are not.
conf() {
	local v
	echo "-d 0.2 -p $1 --track-file $LAB_DIR/weight:-1"
	printf 'vrrp {\n -i eth0 -v 1 --name VI_1 10.96.0.1\n}\n'
	for v in $(seq 2 $N); do
		printf 'vrrp {\n -i eth0 -v %d 10.96.0.%d\n}\n' "$v" "$v"
	done
}
# watchers: the connections r1's control sockets hold (a watcher's stays).
watchers() { lab_exec r1 ss -xH state connected | grep -c "$LAB_DIR/r1/vrrpd-eth0-"; }
# states R STATE: how many of R's instances are in STATE.
states() { A "$1" --json -s 2>/dev/null | jq --arg s "$2" '[.instances[] | select(.state == $s)] | length'; }

conf 100 >"$LAB_DIR/r1.conf"
conf 200 >"$LAB_DIR/r2.conf"
FIFO=$LAB_DIR/notify.fifo

# --- 1. r1 alone ------------------------------------------------------------------------------------
t_phase
t_start r1 main --notify-fifo "$FIFO" -c "$LAB_DIR/r1.conf"
t_check events_fifo_created test -p "$FIFO"
t_check events_r1_master_all t_wait_ms 20000 eval '[ "$(states r1 MASTER)" = $N ]'
# The reader keeps the FIFO open for the whole test; what r1 wrote before it came waits in it.
cat "$FIFO" >>"$LAB_DIR/fifo.out" &
LAB_PID[cap.fifo]=$!
t_check events_fifo_startup_lines t_wait_ms 5000 eval \
	'[ "$(grep -c " MASTER 100$" "$LAB_DIR/fifo.out")" = $N ]'
t_check events_fifo_named t_wait_ms 1000 grep -qx 'INSTANCE "VI_1" MASTER 100' "$LAB_DIR/fifo.out"
t_check events_fifo_default_name grep -qx 'INSTANCE "eth0-2" MASTER 100' "$LAB_DIR/fifo.out"
: >"$LAB_DIR/fifo.out"
N0=$(watchers)
A r1 --watch --json >"$LAB_DIR/watch.json" 2>"$LAB_DIR/watch.err" &
LAB_PID[cap.watch]=$!
t_check events_watch_subscribed t_wait_ms 5000 eval '[ "$(watchers)" -gt "$N0" ]'

# --- 2. Two bursts of 100 transitions -----------------------------------------------------------
t_phase
t_start r2 main -c "$LAB_DIR/r2.conf"
t_check events_r2_takes_all t_wait_ms 20000 eval '[ "$(states r1 BACKUP)" = $N ]'
t_stop r2 main KILL
t_check events_r1_takes_back t_wait_ms 20000 eval '[ "$(states r1 MASTER)" = $N ]'
t_check events_watch_has_200 t_wait_ms 5000 eval \
	'[ "$(jq -s "[.[] | select(.type == \"state\")] | length" "$LAB_DIR/watch.json")" -ge $((2 * N)) ]'
t_eq events_watch_nothing_lost "$(jq -s '[.[] | select(has("lost"))] | length' "$LAB_DIR/watch.json")" 0
# Numbered by the daemon without a gap, in the order they came.
t_eq events_watch_seq_consecutive \
	"$(jq -s '[.[].seq] | . as $s | [range(1; length) | select($s[.] != $s[. - 1] + 1)] | length' \
		"$LAB_DIR/watch.json")" 0
# Each instance: MASTER -> BACKUP, then BACKUP -> MASTER, and nothing else.
t_eq events_watch_each_in_order \
	"$(jq -s -r '[.[] | select(.type == "state")] | group_by(.vrid) |
		map([.[] | "\(.from)>\(.to)"] | join(",")) | unique | join(" ")' "$LAB_DIR/watch.json")" \
	"MASTER>BACKUP,BACKUP>MASTER"
t_eq events_watch_instances "$(jq -s '[.[] | select(.type == "state") | .vrid] | unique | length' \
	"$LAB_DIR/watch.json")" $N
t_eq events_watch_fields "$(jq -s -r '[.[] | select(.type == "state")][0] |
	[(.time | type), .iface, .family, (.priority | type), (.reason | type), (.pid | type)] | join(",")' \
	"$LAB_DIR/watch.json")" "number,eth0,inet,number,string,number"
t_check events_watch_named t_jq 'any(.[]; .name == "VI_1" and .vrid == 1)' "$LAB_DIR/watch.json"
# The FIFO: the same transitions, as keepalived writes them, in the same order.
t_check events_fifo_has_200 t_wait_ms 5000 eval '[ "$(grep -c "^INSTANCE " "$LAB_DIR/fifo.out")" -ge $((2 * N)) ]'
t_eq events_fifo_same_order_as_stream \
	"$(grep -E ' (MASTER|BACKUP) 100$' "$LAB_DIR/fifo.out" | awk '{print $2, $3}')" \
	"$(jq -s -r '.[] | select(.type == "state") | "\"\(.name)\" \(.to)"' "$LAB_DIR/watch.json")"

# --- 3. Priority and tracked files; text; replay -------------------------------------------------
t_phase
N0=$(watchers)
A r1 --watch --count 2 -v 1 >"$LAB_DIR/watch.txt" &
TXT=$!
t_check events_text_subscribed t_wait_ms 5000 eval '[ "$(watchers)" -gt "$N0" ]'
A r1 --priority 150 -v 1 >/dev/null
echo 20 >"$LAB_DIR/weight"
wait "$TXT"
t_check events_text_priority grep -Eq \
	'^1 [0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6} eth0 vrid 1: priority 150 \(configured 100, set 150, tracking 0\)$' \
	"$LAB_DIR/watch.txt"
t_check events_text_track grep -Eq \
	"^2 [0-9:.]+ eth0 vrid 1: file $LAB_DIR/weight ok \(weight -20\): holds 20$" "$LAB_DIR/watch.txt"
t_check events_fifo_priority t_wait_ms 3000 grep -qx 'INSTANCE "VI_1" MASTER_PRIORITY 150' "$LAB_DIR/fifo.out"
t_check events_track_file_event t_wait_ms 3000 t_jq \
	'any(.[]; .type == "track" and .kind == "file" and .vrid == 1 and .weight == -20)' "$LAB_DIR/watch.json"
t_check events_priority_after_file t_wait_ms 3000 t_jq \
	'any(.[]; .type == "priority" and .vrid == 1 and .priority == 130 and .tracking == -20)' \
	"$LAB_DIR/watch.json"
# "watch 0": what the daemon still keeps, from its first event (its ring holds 512).
REPLAY=$(lab_exec r1 /usr/bin/python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
s.connect(sys.argv[1]); s.send(b"watch 0"); print(s.recv(512).decode())
s.settimeout(1)
try:
    while True: print(s.recv(1024).decode())
except socket.timeout: pass' "$LAB_DIR/r1/vrrpd-eth0-1.sock")
t_check events_replay_ok grep -Eq '^ok watching [0-9]+$' <<<"$REPLAY"
t_eq events_replay_in_order "$(grep '^seq=' <<<"$REPLAY" | sed -E 's/^seq=([0-9]+) .*/\1/' | sort -n -c && echo sorted)" sorted
t_check events_replay_kept eval '[ "$(grep -c "^seq=" <<<"$REPLAY")" -ge 300 ]'
t_eq events_unknown_watch_arg "$(lab_exec r1 /usr/bin/python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
s.connect(sys.argv[1]); s.send(b"watch x"); print(s.recv(512).decode())' "$LAB_DIR/r1/vrrpd-eth0-1.sock")" \
	"error unknown request 'watch x'"
# A link change: an event, then the transition it causes, in that order; FAULT on the FIFO.
lab_exec r1 ip link set eth0 down
t_check events_link_down t_wait_ms 5000 t_jq \
	'[.[] | select(.vrid == 1 and (.type == "link" or .type == "state"))] | .[-2:] |
	(.[0].type == "link" and .[0].state == "down" and .[1].to == "FAULT")' "$LAB_DIR/watch.json"
t_check events_fifo_fault t_wait_ms 3000 grep -Eq '^INSTANCE "VI_1" FAULT [0-9]+$' "$LAB_DIR/fifo.out"
lab_exec r1 ip link set eth0 up
t_check events_link_up t_wait_ms 5000 t_jq \
	'any(.[]; .vrid == 1 and .type == "link" and .state == "up")' "$LAB_DIR/watch.json"
# --- 4. A watcher that reads nothing: the daemon goes on, the watcher learns what it lost -----
# It subscribes, then sleeps through 2000 events: its socket fills, the daemon keeps 512 for it
# and drops the older ones; when it reads again it gets what is kept, after one gap in seq.
cat >"$LAB_DIR/slow.py" <<'PY'
import os, socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
s.connect(sys.argv[1])
s.send(b"watch")
print(s.recv(512).decode(), flush=True)
while not os.path.exists(sys.argv[2]):
    time.sleep(0.05)
s.settimeout(2)
try:
    while True:
        print(s.recv(1024).decode().split(" ")[0], flush=True)
except socket.timeout:
    pass
PY
lab_exec r1 /usr/bin/python3 "$LAB_DIR/slow.py" "$LAB_DIR/r1/vrrpd-eth0-1.sock" "$LAB_DIR/go" \
	>"$LAB_DIR/slow.out" 2>&1 &
SLOW=$!
t_wait_ms 5000 grep -q '^ok watching' "$LAB_DIR/slow.out"
# 2000 priority changes, 100 instances at a time: more than the socket and the 512 kept hold.
for p in 110 120 110 120 110 120 110 120 110 120 110 120 110 120 110 120 110 120 110 120; do
	A r1 --priority "$p" >/dev/null
done
A r1 --resume >/dev/null # back to 100, less the tracked file's 20
t_check events_slow_watcher_daemon_goes_on t_wait_ms 5000 eval \
	'[ "$(states r1 MASTER)" = $N ] && [ "$(t_cfg r1 1 priority)" = 80 ]'
touch "$LAB_DIR/go"
wait "$SLOW"
LAST=$(jq -s '[.[].seq | numbers] | max' "$LAB_DIR/watch.json")
# One gap, then every event to the last the daemon made.
t_eq events_slow_watcher_one_gap_then_all "$(sed -n 's/^seq=//p' "$LAB_DIR/slow.out" |
	awk -v last="$LAST" 'NR > 1 && $1 != prev + 1 { gaps++ } { prev = $1 }
		END { print (gaps == 1 && prev == last) ? "yes" : "no: " gaps " gaps, last " prev " of " last }')" yes
t_eq events_others_lost_nothing "$(jq -s '[.[] | select(has("lost"))] | length' "$LAB_DIR/watch.json")" 0
t_stop cap watch
t_stop r1
t_check events_fifo_stop t_wait_ms 3000 grep -Eq '^INSTANCE "VI_1" STOP [0-9]+$' "$LAB_DIR/fifo.out"
t_stop cap fifo
t_done
