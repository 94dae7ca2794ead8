#!/bin/bash
# Benchmark 1 of make bench: the XDP program's cost per packet (tools/bench/xdp_cost.c).
#
#   tools/bench/xdp_cost.sh [--quick] [--json FILE] [other xdp_cost options...]
#
# Runs build/bench/xdp_cost in a network namespace of its own (vbx<pid>-xdp) holding a veth
# pair for the live-frame rows: vbx<pid>a has 192.0.2.100/24 (the address the ARP requests ask
# for, so that the kernel answers them when the empty program passes them up), vbx<pid>b runs
# build/xdp_pass.bpf.o in driver mode (a veth drops what its peer sends with XDP_TX or a
# redirect unless it runs an XDP program) and counts the replies. IPv6 is off in the namespace
# so that nothing else crosses the pair. lo and a second pair, vbx<pid>c/d, keep the three
# benchmarked programs attached for the run, so that the kernel calls them through the XDP
# dispatcher in every mode (xdp_cost.c, hold()). If the namespace or the pairs cannot be set
# up, the live rows are reported as skipped with the reason. The namespace is always removed,
# by name; only the benchmark process started here is stopped. Root.
set -u

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-$ROOT/build}
BIN=$BUILD/bench/xdp_cost
PASS_OBJ=$BUILD/xdp_pass.bpf.o
NS=vbx$$-xdp
DEV=vbx$$a
PEER=vbx$$b
HOLD1=vbx$$c
HOLD2=vbx$$d
VIP_CIDR=192.0.2.100/24
child=

die() {
	echo "xdp_cost.sh: $*" >&2
	exit 1
}

# shellcheck disable=SC2317 # run by the EXIT trap
cleanup() {
	if [ -n "$child" ] && kill -0 "$child" 2>/dev/null; then
		kill "$child" 2>/dev/null
		wait "$child" 2>/dev/null
	fi
	ip netns del "$NS" 2>/dev/null
}

[ "$(id -u)" = 0 ] || die "run as root (BPF, network namespaces)"
[ -x "$BIN" ] || die "build first: make $BIN"
[ -f "$PASS_OBJ" ] || die "build first: make all"

trap cleanup EXIT
trap 'exit 130' INT TERM

# The live pair; prints why not on failure.
setup_live() {
	ip netns exec "$NS" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
		net.ipv6.conf.default.disable_ipv6=1 2>&1 || return 1
	ip -n "$NS" link add "$DEV" type veth peer name "$PEER" 2>&1 || return 1
	ip -n "$NS" addr add "$VIP_CIDR" dev "$DEV" 2>&1 || return 1
	ip -n "$NS" link set "$DEV" up 2>&1 || return 1
	ip -n "$NS" link set "$PEER" up 2>&1 || return 1
	# nsenter keeps our mount namespace (ip netns exec remounts /sys).
	nsenter --net="/run/netns/$NS" ip link set dev "$PEER" xdpdrv obj "$PASS_OBJ" sec xdp 2>&1
}

run=() hold_args=() live_args=()
if why=$(ip netns add "$NS" 2>&1 && ip -n "$NS" link set lo up 2>&1); then
	run=(nsenter --net="/run/netns/$NS")
	# lo and a pair that carries nothing hold the three programs (xdp_cost.c, hold()).
	if ip -n "$NS" link add "$HOLD1" type veth peer name "$HOLD2" 2>/dev/null; then
		hold_args=(--hold-devs "lo,$HOLD1,$HOLD2")
	fi
	if why=$(setup_live); then
		live_args=(--live-dev "$DEV" --live-peer "$PEER")
	else
		live_args=(--live-skip "cannot set up the veth pair: $(paste -sd ' ' <<<"$why")")
	fi
else
	# Then the program runs here, on lo only; it pins nothing and attaches nothing.
	live_args=(--live-skip "cannot create a network namespace: $(paste -sd ' ' <<<"$why")")
fi

# In the background so that a signal to this script reaches the trap, which stops it.
"${run[@]}" "$BIN" "${hold_args[@]}" "${live_args[@]}" "$@" &
child=$!
wait "$child"
rc=$?
child=
exit $rc
