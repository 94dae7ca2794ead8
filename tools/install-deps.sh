#!/bin/bash
# Every Debian package vrrpd needs to build, run, test, demonstrate and benchmark, and the one
# place that installs them: the README, `make deps` (which make demo, check, check-vm and bench
# run first) and .ci/run all use it. Idempotent: installs only what is missing.
#
#   tools/install-deps.sh                install what is missing (root)
#   tools/install-deps.sh --list         print the packages, one per line (no root)
#   tools/install-deps.sh --check-build  exit 1, saying what is missing, unless the build's own
#                                        tools and libraries are here (make runs it first)
#
# A command that a test, the demo or a benchmark runs must come from a package on this list (or
# one it depends on, or an Essential package): tests/deps/check_deps.py checks that in make check.
set -euo pipefail

PKGS=(
	# build
	clang llvm libbpf-dev bpftool libelf-dev zlib1g-dev libnl-3-dev libnl-route-3-dev
	pkg-config make gcc libclang-rt-14-dev clang-format
	# atropos --agentx: net-snmp's agent library
	libsnmp-dev
	# run and test
	iproute2 iputils-ping iputils-arping util-linux procps tcpdump psmisc jq bc man-db strace
	ethtool valgrind mawk python3 systemd apt
	# the VRRPv3-MIB through Debian's snmpd, read with snmpwalk, notifications to snmptrapd
	snmpd snmp snmptrapd
	# interoperability and decoding (issue 7): real peers and independent decoders
	keepalived frr tshark python3-scapy
	# the benchmarks (make bench): trafgen for the floods, gnuplot for the plots, git for the
	# commit the report names
	netsniff-ng gnuplot-nox git
	# the VM test lane (make check-vm, tools/vm.sh): qemu and a static busybox for the
	# initramfs. The guest kernel is never installed here: tools/vm.sh unpacks Debian's
	# kernel package into build/vm/ with dpkg -x.
	qemu-system-x86 busybox-static xz-utils gzip
	# the fresh-machine lane (tools/fresh-machine.sh, .ci/run): a bare Debian 12 to run the
	# README's set-up in
	debootstrap
)

# The build's own needs, as make sees them: commands, and pkg-config modules.
BUILD_CMDS=(clang bpftool pkg-config cc)
BUILD_PC=(libbpf libelf zlib libnl-3.0 libnl-route-3.0 netsnmp-agent)

check_build() {
	local c m missing=()

	for c in "${BUILD_CMDS[@]}"; do
		command -v "$c" >/dev/null || missing+=("$c")
	done
	if command -v pkg-config >/dev/null; then
		for m in "${BUILD_PC[@]}"; do
			pkg-config --exists "$m" || missing+=("$m (pkg-config)")
		done
	fi
	[ ${#missing[@]} -eq 0 ] && return 0
	echo "make: the build needs ${missing[*]}: run 'make deps' as root (or bash tools/install-deps.sh)," \
		"which installs every package vrrpd needs" >&2
	return 1
}

case ${1:-} in
--list)
	printf '%s\n' "${PKGS[@]}"
	exit 0
	;;
--check-build)
	check_build
	exit
	;;
"") ;;
*)
	echo "usage: tools/install-deps.sh [--list | --check-build]" >&2
	exit 2
	;;
esac

if [ "$(id -u)" != 0 ]; then
	echo "install-deps: must run as root (try: sudo $0, or su -c '$0')" >&2
	exit 1
fi

missing=()
for p in "${PKGS[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		missing+=("$p")
	fi
done

if [ ${#missing[@]} -eq 0 ]; then
	echo "install-deps: all dependencies present"
	exit 0
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
# None of these may bring in a kernel: the VM lane boots one that tools/vm.sh unpacks.
plan=$(apt-get install -s -q --no-install-recommends "${missing[@]}")
if grep -q '^Inst linux-image-' <<<"$plan"; then
	echo "install-deps: refusing: this would install a kernel on this machine" >&2
	exit 1
fi
apt-get install -y -q --no-install-recommends "${missing[@]}"
