#!/bin/bash
# Ownership and the XDP program, where the kernel's part matters (flock on bpffs directories,
# XDP_FLAGS_REPLACE): run in both lanes. Each section is the regression test of one defect a
# review found (README, Reliability).
#   1. Ownership by a lock the kernel drops: a vrrpd killed with -9 under a parent that never
#      reaps it (a zombie) does not keep its instance; the restart takes over, atropos marks the
#      zombie's instance stale meanwhile.
#   2. The claim is atomic: sixteen vrrpd started at once with the same arguments, one runs,
#      fifteen say why; the one that runs keeps its macvlan (the old check-then-act let two run
#      in two runs of three).
#   3. A program of another build (the same source built for another BPF CPU version: other
#      instructions, other tag) attached with our maps, as a vrrpd before an upgrade leaves it,
#      is replaced by the next vrrpd that starts on the interface, with no ARP request unanswered.
set -u
# shellcheck source=tests/netns/checks.sh
. "$(dirname "${BASH_SOURCE[0]}")/checks.sh"
t_require test_ownership
t_need test_ownership arping
VARIANT=$LAB_ROOT/build/tests/variant.bpf.o
ATTACH_VARIANT=$LAB_ROOT/build/tests/attach_variant

VIP=$LAB_VIP
trap 'own_cleanup; lab_down' EXIT
trap 'exit 1' INT TERM
lab_up "vto$$"
PINS1=/sys/fs/bpf/$LAB_PREFIX-r1
REAPER=""
PIDS=()

# The processes of this script's own that lab_down does not know: by pid.
own_cleanup() {
	local p
	[ -z "$REAPER" ] || kill "$REAPER" 2>/dev/null
	for p in "${PIDS[@]}"; do
		kill "$p" 2>/dev/null
	done
}

# --- 1. A zombie owns nothing ----------------------------------------------------------------
t_phase
# The parent execs into sleep, which never waits for its child: killed, vrrpd stays a zombie
# for as long as that parent lives (as under a container's init that does not reap).
mkdir -p "$LAB_DIR/r1"
nsenter --net="/run/netns/$(lab_ns r1)" bash -c '"$@" >>"'"$LAB_DIR"'/r1.log" 2>&1 & echo $! >"'"$LAB_DIR"'/zombie.pid"; exec sleep 600' \
	- "$VRRPD" --foreground --pin-dir "$PINS1" -f "$LAB_DIR/r1" -i eth0 -v 51 -p 200 -d 0.1 "$VIP" &
REAPER=$!
t_wait_ms 30000 t_log_has r1 "VRRP ID 51 on eth0: started,"
ZOMBIE=$(cat "$LAB_DIR/zombie.pid" 2>/dev/null)
t_check own_zombie_first_master t_wait_ms 3000 t_only r1 "$VIP"
kill -KILL "$ZOMBIE"
t_check own_zombie_is_a_zombie t_wait_ms 3000 grep -q '^State:.*Z' "/proc/$ZOMBIE/status"
OUT=$(t_atropos r1 --state -i eth0 -v 51 2>&1)
if grep -q "stale: vrrpd pid $ZOMBIE is gone" <<<"$OUT"; then
	t_ok own_zombie_atropos_stale
else
	t_fail own_zombie_atropos_stale "atropos --state: $OUT"
fi
t_phase
t_start r1 main -i eth0 -v 51 -p 200 -d 0.1 "$VIP"
t_check own_zombie_restart_takes_over t_log_has r1 \
	"VRRP ID 51 on eth0: taking over from vrrpd pid $ZOMBIE, which is gone"
t_check own_zombie_restart_master t_wait_ms 3000 t_log_has r1 \
	"VRRP ID 51 on eth0: we are now the master"
t_check own_zombie_still_a_zombie grep -q '^State:.*Z' "/proc/$ZOMBIE/status"
t_stop r1
kill "$REAPER" 2>/dev/null
wait "$REAPER" 2>/dev/null
REAPER=""

# --- 2. Sixteen starts at once: one runs, fifteen say why ------------------------------------
# With the program pinned already (the first run above), a start is quick. Each opens a FIFO
# the test holds open (so no open waits), says it is ready, and reads; once all are ready
# (seconds in the VM lane), the test closes the only write end: every read ends at once.
t_phase
PIDS=()
N=${OWN_STARTS:-16}
mkfifo "$LAB_DIR/barrier"
exec 5<>"$LAB_DIR/barrier"
for i in $(seq 1 $N); do
	nsenter --net="/run/netns/$(lab_ns r1)" bash -c \
		'exec 5>&- 4<"$1"; touch "$1.ready$2"; read -r _ <&4; exec 4<&-; shift 2; exec "$@"' \
		- "$LAB_DIR/barrier" "$i" "$VRRPD" --foreground --pin-dir "$PINS1" -f "$LAB_DIR/r1" \
		-i eth0 -v 52 -p 200 -d 0.1 10.99.0.152 >"$LAB_DIR/start$i.log" 2>&1 &
	PIDS+=($!)
done
all_ready() { [ "$(ls "$LAB_DIR" | grep -c '^barrier\.ready')" = "$N" ]; }
t_wait_ms 60000 all_ready
exec 5>&-
# Each either has started its instance or has exited.
settled() {
	local i
	for i in $(seq 1 $N); do
		grep -q "VRRP ID 52 on eth0: started," "$LAB_DIR/start$i.log" ||
			! t_running "${PIDS[$((i - 1))]}" || return 1
	done
}
t_wait_ms 60000 settled
RUNNING=0
REFUSED=0
WINNER=""
for i in $(seq 1 $N); do
	if t_running "${PIDS[$((i - 1))]}"; then
		RUNNING=$((RUNNING + 1))
		WINNER=$i
	elif grep -Eq "VRID 52 on eth0 is already run by (vrrpd pid [0-9]+|a vrrpd that is starting)" \
		"$LAB_DIR/start$i.log"; then
		REFUSED=$((REFUSED + 1))
	fi
done
t_eq own_concurrent_one_runs "$RUNNING" 1
t_eq own_concurrent_others_say_why "$REFUSED" $((N - 1))
if [ -n "$WINNER" ] && t_wait_ms 3000 lab_has_ip r1 10.99.0.152 vr52-eth0; then
	t_ok own_concurrent_winner_keeps_its_vmac
else
	t_fail own_concurrent_winner_keeps_its_vmac "$(lab_exec r1 ip -br link 2>&1 | tr '\n' ' ')"
fi
if grep -q "removing vr52-eth0" "$LAB_DIR"/start*.log; then
	t_fail own_concurrent_no_leftover_removed "$(grep -h "removing vr52-eth0" "$LAB_DIR"/start*.log)"
else
	t_ok own_concurrent_no_leftover_removed
fi
for p in "${PIDS[@]}"; do
	kill "$p" 2>/dev/null
	wait "$p" 2>/dev/null
done

# --- 3. Another build's program is replaced, without a gap -------------------------------------
t_phase
# The tag of the program attached to r1's eth0 (bpftool: the kernel's hash of its instructions).
attached_tag() {
	local id
	id=$(lab_exec r1 ip -j link show eth0 | jq -r '.[0].xdp.prog.id // empty')
	[ -n "$id" ] && bpftool -j prog show id "$id" | jq -r .tag
}
t_start r1 main -i eth0 -v 51 -p 200 -d 0.1 "$VIP"
t_wait_ms 3000 t_only r1 "$VIP"
OURS=$(attached_tag)
OTHER=$(lab_exec r1 "$ATTACH_VARIANT" "$VARIANT" "$PINS1" eth0 2>&1)
OTHER_ID=${OTHER%% *}
if [ -n "$OURS" ] && [ "${OTHER#* }" != "$OURS" ] && [ "$(attached_tag)" = "${OTHER#* }" ]; then
	t_ok own_build_other_attached "ours $OURS, the other build's ${OTHER#* } (id $OTHER_ID)"
else
	t_fail own_build_other_attached "ours '$OURS', attach_variant said '$OTHER', attached '$(attached_tag)'"
fi
# One request at a time (each arping waits up to 1 s for its reply) from before a second
# instance starts on the interface until after: each answered.
arp_loop() {
	local n=0 ok=0
	while [ ! -e "$LAB_DIR/arp.stop" ] && [ $n -lt 400 ]; do
		n=$((n + 1))
		lab_exec c arping -q -c 1 -w 1 -I eth0 "$VIP" && ok=$((ok + 1))
		echo "$n" >"$LAB_DIR/arp.sent"
	done
	echo "$n $ok" >"$LAB_DIR/arp.count"
}
# sent_at_least N: the loop has sent N requests (answered or not).
sent_at_least() { [ "$(cat "$LAB_DIR/arp.sent" 2>/dev/null || echo 0)" -ge "$1" ]; }
arp_loop &
ARPING=$!
t_wait_ms 10000 sent_at_least 3
t_start r1 v53 -i eth0 -v 53 -p 100 -d 0.1 10.99.0.153
BEFORE=$(cat "$LAB_DIR/arp.sent")
t_wait_ms 10000 sent_at_least $((BEFORE + 3))
touch "$LAB_DIR/arp.stop"
wait "$ARPING"
read -r SENT ANSWERED <"$LAB_DIR/arp.count"
t_check own_build_replaced_logged t_log_has r1 \
	"VRRP ID 53 on eth0: replaced the XDP program of another vrrpd build \(id $OTHER_ID\) with this build's"
t_eq own_build_ours_runs "$(attached_tag)" "$OURS"
if [ "$SENT" -ge 5 ] && [ "$ANSWERED" = "$SENT" ]; then
	t_ok own_build_no_arp_unanswered "$ANSWERED of $SENT requests answered"
else
	t_fail own_build_no_arp_unanswered "$ANSWERED of $SENT requests answered"
fi
t_stop r1 v53
t_stop r1

t_done
