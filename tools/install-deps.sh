#!/bin/bash
# Install every Debian package vrrpd needs to build, run and test.
# Used by the README, by `make deps` and by .ci/run. Idempotent: installs only what is missing.
set -euo pipefail

PKGS=(
	# build
	clang llvm libbpf-dev bpftool libelf-dev zlib1g-dev libnl-3-dev libnl-route-3-dev
	pkg-config make gcc libclang-rt-14-dev
	# run and test
	iproute2 iputils-ping iputils-arping util-linux procps tcpdump psmisc jq bc
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
apt-get install -y -q --no-install-recommends "${missing[@]}"
