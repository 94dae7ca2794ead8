#!/bin/bash
# The built-in demo lab: two routers and a client on a bridge, in network namespaces. Starts
# vrrpd on both routers, shows who is master, kills the master with SIGKILL, shows the takeover
# and the client still reaching the virtual IP, and removes everything it created.
set -u
cd "$(dirname "$0")/.."
. tests/netns/lib.sh

ATROPOS=$LAB_ROOT/build/atropos
PREFIX=vdemo$$

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
run() {
	printf '$ %s\n' "$*"
	"$@"
}

state() {
	local r
	for r in r1 r2; do
		echo "-- $r ($LAB_NET.${r#r}):"
		lab_exec "$r" "$ATROPOS" --pin-dir "/sys/fs/bpf/$PREFIX-$r" --state | sed 's/^/   /'
	done
}

[ "$(id -u)" = 0 ] || { echo "demo: run as root (sudo make demo)" >&2; exit 1; }
[ -x "$VRRPD" ] || { echo "demo: build first (make)" >&2; exit 1; }
trap lab_down EXIT
trap 'exit 130' INT TERM

say "Lab: switch $PREFIX-sw (a bridge), routers r1 ($LAB_NET.1) and r2 ($LAB_NET.2), client c ($LAB_NET.10)"
lab_up "$PREFIX"

say "Starting vrrpd on both routers (VRID 51, virtual IP $LAB_VIP, 1 s adverts)"
echo "r1: vrrpd -i eth0 -v 51 -p 200 $LAB_VIP"
lab_vrrpd r1 -i eth0 -v 51 -p 200 "$LAB_VIP" >/dev/null
echo "r2: vrrpd -i eth0 -v 51 -p 100 $LAB_VIP"
lab_vrrpd r2 -i eth0 -v 51 -p 100 "$LAB_VIP" >/dev/null

master() {
	if lab_has_ip r1 "$LAB_VIP"; then echo r1; elif lab_has_ip r2 "$LAB_VIP"; then echo r2; fi
}
has_master() { [ -n "$(master)" ]; }
lab_wait 10 has_master || { echo "demo: no master elected"; cat "$LAB_DIR"/*.log; exit 1; }
backup_follows() { grep -q "master is" "$LAB_DIR/r1.log" "$LAB_DIR/r2.log"; }
lab_wait 5 backup_follows
say "Who is master (atropos --state, read from the pinned BPF maps)"
state

M=$(master)
B=$([ "$M" = r1 ] && echo r2 || echo r1)
VMAC=00:00:5e:00:01:33
say "The virtual MAC $VMAC: a macvlan vr51-eth0 on each router, up only on the master"
for r in r1 r2; do
	echo "-- $r:"
	lab_exec "$r" ip -br addr show dev vr51-eth0 | sed 's/^/   /'
done
say "The client reaches the virtual IP, at the virtual MAC"
run lab_exec c ping -c 3 -i 0.2 "$LAB_VIP" | tail -2
run lab_exec c ip neigh show "$LAB_VIP"
# fdb_port: the switch port the bridge learned the VMAC on.
fdb_port() { lab_exec sw bridge fdb show br br0 | awk -v m="$VMAC" '$1 == m && /master br0/ {print $3; exit}'; }
echo "The switch sends $VMAC to port $(fdb_port) ($M)"

say "Killing the master's vrrpd ($M) with SIGKILL: no goodbye, the backup must notice by itself"
{
	kill -9 "${LAB_PID[$M.main]}"
	wait "${LAB_PID[$M.main]}"
} 2>/dev/null
START_S=$(date +%s.%N)
lab_wait 15 lab_has_ip "$B" "$LAB_VIP" || { echo "demo: no takeover"; cat "$LAB_DIR"/*.log; exit 1; }
END_S=$(date +%s.%N)
printf '%s took over %.2f s after the kill (Master_Down_Interval for priority 100: 3.61 s after the last advert)\n' \
	"$B" "$(echo "$END_S - $START_S" | bc -l 2>/dev/null || echo 0)"
fdb_on_b() { [ "$(fdb_port)" = "$PREFIX-$B" ]; }
lab_wait 3 fdb_on_b
echo "The new master's gratuitous ARPs (from $VMAC) moved the VMAC to $B's port on the switch:"
echo "the switch sends $VMAC to port $(fdb_port); the client's ARP entry did not change:"
run lab_exec c ip neigh show "$LAB_VIP"
say "Only the new master answers ARP for $LAB_VIP"
echo "$M still has the address configured (its vrrpd was killed before it could remove it),"
echo "but its lease ran out, so its XDP program drops ARP requests for it instead of answering:"
lab_exec c ip neigh flush dev eth0
run lab_exec c arping -c 3 -w 4 -I eth0 "$LAB_VIP"
say "State after the takeover"
state
say "The client still reaches the virtual IP, now on $B"
run lab_exec c ping -c 3 -i 0.2 "$LAB_VIP" | tail -2

say "The routers' logs"
for r in r1 r2; do
	echo "-- $r:"
	sed 's/^/   /' "$LAB_DIR/$r.log"
done
say "Cleaning up (namespaces, pins, processes)"
