#!/bin/bash
# A lab of network namespaces for vrrpd tests and the demo: a switch (a Linux bridge), two
# routers and a client, joined by veth pairs. Everything is named with a unique prefix and
# removed by name; only the processes started here are stopped, by pid.
#
#   lab_up PREFIX       creates PREFIX-sw, PREFIX-r1, PREFIX-r2, PREFIX-c
#   lab_vrrpd R ARGS    starts vrrpd in router R (r1, r2) in the foreground, in the background
#   lab_down            stops what lab_vrrpd started and removes the namespaces and pins

LAB_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
VRRPD=${VRRPD:-$LAB_ROOT/build/vrrpd}
ATROPOS=${ATROPOS:-$LAB_ROOT/build/atropos}
LAB_NET=10.99.0
LAB_VIP=$LAB_NET.100
LAB_PREFIX=${LAB_PREFIX:-}
LAB_DIR=${LAB_DIR:-}
declare -A LAB_PID

lab_ns() { echo "$LAB_PREFIX-$1"; }

# Runs a command in a namespace, keeping this mount namespace so bpffs stays visible
# (ip netns exec remounts /sys and hides it).
lab_exec() {
	local ns=$1
	shift
	nsenter --net="/run/netns/$(lab_ns "$ns")" "$@"
}

lab_bpffs() {
	if ! mountpoint -q /sys/fs/bpf; then
		mount -t bpf bpf /sys/fs/bpf
	fi
}

lab_up() {
	LAB_PREFIX=$1
	LAB_DIR=$(mktemp -d "/tmp/$LAB_PREFIX.XXXX")
	declare -gA T_LOG_MARK=() # checks.sh's t_phase marks, of the logs of the lab before
	lab_bpffs
	ip netns add "$(lab_ns sw)"
	local h
	for h in r1 r2 c; do
		ip netns add "$(lab_ns $h)"
		lab_exec "$h" ip link set lo up
	done
	lab_lan br0 eth0 "" "$LAB_NET"
}

# lab_lan BRIDGE DEV SUFFIX NET: a LAN: BRIDGE in the switch namespace, a port PREFIX-hSUFFIX
# for each host h, whose end DEV in the host has NET.1 (r1), NET.2 (r2) or NET.10/24 (c).
lab_lan() {
	local br=$1 dev=$2 sfx=$3 net=$4 h port i=1
	# A plain switch: no multicast snooping (which parses IPv4 headers and drops malformed ones
	# before they reach the routers: test_conformance sends some on purpose), and, where
	# br_netfilter is loaded, no iptables on bridged frames.
	lab_exec sw ip link add "$br" type bridge mcast_snooping 0
	lab_exec sw ip link set "$br" up
	local f
	for f in arptables iptables ip6tables; do
		lab_exec sw sysctl -qw "net.bridge.bridge-nf-call-$f=0" 2>/dev/null
	done
	for h in r1 r2 c; do
		port=$LAB_PREFIX-$h$sfx
		ip link add "$port" netns "$(lab_ns sw)" type veth peer name "$dev" netns "$(lab_ns $h)"
		lab_exec sw ip link set "$port" master "$br" up
		# A port is a wire: its 802.1Q tags go in the frame, as on a cable, not beside it in
		# the skb (veth's tx VLAN offload), where the routers' XDP programs could not see them.
		lab_exec sw ethtool -K "$port" txvlan off tx-vlan-stag-hw-insert off >/dev/null 2>&1
		# A veth drops what its peer sends with XDP_TX (the ARP replies vrrpd's XDP program
		# builds) unless it runs an XDP program itself: give the switch ports one that passes.
		lab_exec sw ip link set dev "$port" xdpdrv obj "$LAB_ROOT/build/xdp_pass.bpf.o" sec xdp
		lab_exec "$h" ip link set "$dev" up
		if [ "$h" = c ]; then
			lab_exec "$h" ip addr add "$net.10/24" dev "$dev"
		else
			lab_exec "$h" ip addr add "$net.$i/24" dev "$dev"
		fi
		i=$((i + 1))
	done
}

# lab_lan2: a second LAN, bridge br1 in the switch namespace, eth1 on both routers (NET2.1,
# NET2.2/24) and on the client (NET2.10/24).
LAB_NET2=10.98.0
lab_lan2() { lab_lan br1 eth1 b "$LAB_NET2"; }

# lab_vrrpd ROUTER [vrrpd args...]: pin and run directories are the router's own.
lab_vrrpd() {
	local r=$1 tag=${2}
	shift
	mkdir -p "$LAB_DIR/$r"
	# nsenter execs vrrpd in place, so $! is vrrpd's own pid (a function would add a subshell).
	nsenter --net="/run/netns/$(lab_ns "$r")" "$VRRPD" --foreground --pin-dir "/sys/fs/bpf/$LAB_PREFIX-$r" \
		-f "$LAB_DIR/$r" "$@" >>"$LAB_DIR/$r.log" 2>&1 &
	LAB_PID[$r.${LAB_TAG:-main}]=$!
	echo $!
}

# lab_kill KEY SIG: the process LAB_PID[KEY], and for a capture or a helper (cap.*), its children:
# a function run in the background (A r1 --watch &) is a subshell, and what it runs is its child,
# which outlives the subshell's kill (atropos --watch processes were left running).
lab_kill() {
	local p=${LAB_PID[$1]}
	case $1 in cap.*) pkill "-$2" -P "$p" 2>/dev/null ;; esac
	kill "-$2" "$p" 2>/dev/null
}

lab_down() {
	local p h k
	[ -n "$LAB_PREFIX" ] || return 0
	for k in "${!LAB_PID[@]}"; do
		lab_kill "$k" TERM
	done
	for p in "${LAB_PID[@]}"; do
		wait "$p" 2>/dev/null
	done
	for h in sw r1 r2 c; do
		ip netns del "$(lab_ns $h)" 2>/dev/null
	done
	rm -rf "/sys/fs/bpf/$LAB_PREFIX-r1" "/sys/fs/bpf/$LAB_PREFIX-r2"
	[ -z "$LAB_DIR" ] || rm -rf "$LAB_DIR"
	LAB_PID=()
}

# lab_has_ip R ADDR [DEV]: does router R hold ADDR, on DEV if given (on any interface: with
# a VMAC the VIP is on the macvlan vr<VRID>-eth0)? 0 yes, 1 no (DEV not existing is a no), 2
# could not tell (ip failed otherwise: why on stderr), which is neither.
lab_has_ip() {
	local out
	if ! out=$(lab_exec "$1" ip -4 -o addr show ${3:+dev "$3"} 2>&1); then
		[ -n "${3:-}" ] && [[ $out == "Device \"$3\" does not exist."* ]] && return 1
		echo "lab_has_ip: cannot list $1's addresses: $out" >&2
		return 2
	fi
	grep -q " $2/" <<<"$out"
}

# lab_lacks_ip R ADDR [DEV]: router R's addresses could be listed, and ADDR is not among them
# (not "! lab_has_ip", which a failing ip would satisfy).
lab_lacks_ip() {
	local rc
	lab_has_ip "$@"
	rc=$?
	[ $rc = 1 ]
}

# Waits up to SECS for a command to succeed.
lab_wait() {
	local secs=$1 t=0
	shift
	while ! "$@"; do
		sleep 0.1
		t=$((t + 1))
		[ $t -ge $((secs * 10)) ] && return 1
	done
	return 0
}

# lab_vlan VID NET: an 802.1Q device eth0.VID on both routers and the client, addresses NET.1,
# NET.2 and NET.10/24. The switch becomes VLAN-aware, as real ones are: it learns MACs per
# VLAN, so the same VMAC may be on one port in VLAN 100 and another in VLAN 200.
lab_vlan() {
	local vid=$1 net=$2 h i=1
	lab_exec sw ip link set br0 type bridge vlan_filtering 1 || return 1
	for h in r1 r2 c; do
		lab_exec sw bridge vlan add vid "$vid" dev "$LAB_PREFIX-$h" || return 1
	done
	for h in r1 r2 c; do
		lab_exec "$h" ip link add link eth0 name "eth0.$vid" type vlan id "$vid" || return 1
		lab_exec "$h" ip link set "eth0.$vid" up
		if [ "$h" = c ]; then
			lab_exec "$h" ip addr add "$net.10/24" dev "eth0.$vid"
		else
			lab_exec "$h" ip addr add "$net.$i/24" dev "eth0.$vid"
		fi
		i=$((i + 1))
	done
}

# Can this kernel create 802.1Q devices (module 8021q)? Tried in a scratch namespace.
lab_kernel_has_vlan() {
	local ns=vlanprobe$$ ok=1
	ip netns add "$ns" || return 1
	if ip -n "$ns" link add vp0 type veth peer name vp1 2>/dev/null &&
		ip -n "$ns" link add link vp0 name vp0.7 type vlan id 7 2>/dev/null; then
		ok=0
	fi
	ip netns del "$ns"
	return $ok
}

# Does this kernel have the netem qdisc?
lab_kernel_has_netem() {
	local ns=netemprobe$$ ok=1
	ip netns add "$ns" || return 1
	if ip -n "$ns" link add vp0 type veth peer name vp1 2>/dev/null &&
		ip -n "$ns" link set vp0 up &&
		ip -n "$ns" link set vp1 up &&
		ip netns exec "$ns" tc qdisc add dev vp0 root netem delay 1ms 2>/dev/null; then
		ok=0
	fi
	ip netns del "$ns"
	return $ok
}
