#!/bin/bash
# Runs inside the VM of `make check-vm` (tools/vm.sh run, Debian 12's kernel): the test groups
# that need root and a real kernel, the same as on the host. bpf runs the XDP program through
# this kernel's verifier and BPF_PROG_TEST_RUN; netns runs the daemons in namespaces (native
# XDP on veth), and test_vlan and test_netem, which skip on a kernel without 802.1Q devices or
# netem but must run here. The last line is the runner's "N passed, N failed, N skipped".
set -u
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1

echo "# kernel $(uname -r) $(uname -v), $(nproc) CPUs, up $(cut -d' ' -f1 /proc/uptime) s"

# What this lane is for: a kernel that cannot do it would turn test_vlan and test_netem into
# skips and the lane into a quiet pass.
ns=vmprobe$$
ip netns add "$ns"
if ! ip -n "$ns" link add vp0 type veth peer name vp1 ||
	! ip -n "$ns" link add link vp0 name vp0.7 type vlan id 7 ||
	! ip -n "$ns" link set vp0 up ||
	! ip netns exec "$ns" tc qdisc add dev vp0 root netem delay 1ms; then
	echo "check-vm: this kernel cannot make veth, 802.1Q or netem devices (module loading?)" >&2
	ip netns del "$ns"
	exit 1
fi
ip netns del "$ns"

# Under TCG the daemons' work is a few times slower than on the host: more time per program,
# and two at a time rather than three.
export NETNS_TIMEOUT=${NETNS_TIMEOUT:-360}
export NETNS_JOBS=${NETNS_JOBS:-2}
# What does not depend on the kernel runs in the host lane (make check) only, to keep the two
# lanes within the 15 minutes: installation and man pages, the hook scripts (fork/exec), atropos
# and the -M groups (userspace over the maps), the peers and decoders (keepalived, FRR, tshark,
# whose side of the wire is userspace), the scapy probes and Accept_Mode (the same XDP verdicts
# as bpf/test_xdp, which runs here), the command-line table, the privilege checks and the soak
# (valgrind and a minute of takeovers: userspace), the service files (units, init script), and
# the controller under a flood of valid adverts (what it rests on in the kernel, the XDP program
# holding adverts back, is bpf/test_xdp's, which runs here; and trafgen sent 1 frame in 5 s in
# this VM, where the host sends 470,000 a second), and 255 instances in one process (the event
# loop's work, userspace, which TCG makes several times slower than any real machine), and the
# hardening of the daemon's own work (silent control clients at -d 0.01, slow scripts, file
# permissions, log limits: test_ownership has the sections where the kernel's part matters), the
# event stream and its FIFO (userspace, 200 instances), the tracked processes (/proc, pidfd),
# keepalived.conf read by both daemons (keepalived: userspace, as test_keepalived), and the
# VRRPv3-MIB through snmpd (snmpd, snmptrapd and atropos --agentx reading the maps: userspace, as
# test_atropos; the drops it reads the counters of are the scapy probes', bpf/test_xdp's here).
export NETNS_EXCLUDE=${NETNS_EXCLUDE-test_install test_hooks test_atropos test_group test_keepalived test_keepalived6 test_frr test_decode test_conformance test_accept test_bench test_cli test_privilege test_soak test_service test_flood test_scale test_hardening test_events test_track_process test_kconf_interop test_snmp}
exec bash tests/run.sh bpf netns
