#!/bin/bash
# Install every Debian package vrrpd needs to build, run and test.
# Used by the README, by `make deps` and by .ci/run. Idempotent: installs only what is missing.
set -euo pipefail

PKGS=(
	# build
	clang llvm libbpf-dev bpftool libelf-dev zlib1g-dev libnl-3-dev libnl-route-3-dev
	pkg-config make gcc libclang-rt-14-dev clang-format
	# run and test
	iproute2 iputils-ping iputils-arping util-linux procps tcpdump psmisc jq bc man-db strace
	ethtool valgrind
	# interoperability and decoding (issue 7): real peers and independent decoders
	keepalived frr tshark python3-scapy
	# the VM test lane (make check-vm, tools/vm.sh): qemu and a static busybox for the
	# initramfs. The guest kernel is never installed here: tools/vm.sh unpacks Debian's
	# kernel package into build/vm/ with dpkg -x.
	qemu-system-x86 busybox-static xz-utils gzip
)

if [ "$(id -u)" != 0 ]; then
	echo "install-deps: must run as root (try: sudo $0)" >&2
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
