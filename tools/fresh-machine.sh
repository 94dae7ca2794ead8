#!/bin/bash
# The fresh-machine lane: the README's set-up as a new user meets it, on a bare Debian 12.
#
#   tools/fresh-machine.sh [--keep] [COMMAND]        (root)
#
# Makes a minimal Debian 12 root (debootstrap --variant=minbase, plus make, the one thing the
# README asks a user to have) in FRESH_DIR, puts a fresh clone of this repository's HEAD in its
# /root/vrrpd, and runs COMMAND there (default: "make demo", the README's first command) in a
# chroot, as root, with a clean environment: nothing of this machine's packages is there, so a
# build or test step that only works where a package happens to be installed fails here. The
# exit status is COMMAND's; its output goes to stdout.
#
# The root shares this machine's kernel: /proc, /sys (with bpffs) and /dev are this machine's,
# /run and /tmp its own. What the demo and the tests create (network namespaces, pins) they
# name with their own prefixes and remove, as on any machine. At the end everything mounted is
# unmounted and the root removed (--keep: left in FRESH_DIR/root, unmounted, for a look).
#
# Environment:
#   FRESH_DIR=build/fresh                   where the root is made (FRESH_DIR/root)
#   FRESH_MIRROR=http://deb.debian.org/debian
#   FRESH_SECURITY=http://deb.debian.org/debian-security
#   FRESH_SUITE=bookworm
# .ci/run runs it (README, "Tests"): make demo, then what make check builds, and the dependency
# check (tests/deps/check_deps.py), which in a root of only the listed packages finds a program
# the tests need that the list does not install.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DIR=${FRESH_DIR:-$ROOT/build/fresh}
MIRROR=${FRESH_MIRROR:-http://deb.debian.org/debian}
SECURITY=${FRESH_SECURITY:-http://deb.debian.org/debian-security}
SUITE=${FRESH_SUITE:-bookworm}
KEEP=0
if [ "${1:-}" = --keep ]; then
	KEEP=1
	shift
fi
CMD=${1:-make demo}
[ $# -le 1 ] || {
	echo "usage: tools/fresh-machine.sh [--keep] [COMMAND]" >&2
	exit 2
}

say() { echo "fresh-machine: $*" >&2; }
die() {
	say "$*"
	exit 1
}

[ "$(id -u)" = 0 ] || die "must run as root (debootstrap, chroot, mounts)"
command -v debootstrap >/dev/null || die "needs debootstrap (make deps)"
command -v git >/dev/null || die "needs git (make deps)"
git -C "$ROOT" rev-parse --git-dir >/dev/null 2>&1 || die "$ROOT is not a git checkout"

R=$DIR/root
mounted() { awk -v r="$R" '$5 == r || index($5, r "/") == 1 { print $5 }' /proc/self/mountinfo; }

# Unmounts what this script mounted, deepest first; the root is removed only when nothing is
# mounted under it any more (its /sys and /dev are this machine's).
cleanup() {
	local m
	for m in $(mounted | sort -r); do
		umount -l "$m" 2>/dev/null || true
	done
	if [ -n "$(mounted)" ]; then
		say "still mounted under $R, left in place: $(mounted | tr '\n' ' ')"
		return
	fi
	if [ $KEEP = 1 ]; then
		say "root kept in $R"
	else
		rm -rf --one-file-system "$R"
	fi
}

[ -z "$(mounted)" ] || die "something is mounted under $R (a run still going?)"
rm -rf --one-file-system "$R"
mkdir -p "$DIR"
trap cleanup EXIT
trap 'exit 130' INT TERM

start=$SECONDS
say "debootstrap --variant=minbase $SUITE into $R ($MIRROR)"
debootstrap --variant=minbase --include=make "$SUITE" "$R" "$MIRROR" >"$DIR/debootstrap.log" 2>&1 ||
	{
		tail -n 20 "$DIR/debootstrap.log" >&2
		die "debootstrap failed (log: $DIR/debootstrap.log)"
	}
cat >"$R/etc/apt/sources.list" <<EOF
deb $MIRROR $SUITE main
deb $MIRROR $SUITE-updates main
deb $SECURITY $SUITE-security main
EOF
cp /etc/resolv.conf "$R/etc/resolv.conf"
say "root ready in $((SECONDS - start)) s"

# The root is a mount point of its own, as / is on a machine: unshare -m and ip netns exec
# change the propagation of / and fail with EINVAL in a chroot whose / is not one.
mount --bind "$R" "$R"
mount -t proc proc "$R/proc"
mount --rbind /sys "$R/sys"
mount --make-rslave "$R/sys"
mount --rbind /dev "$R/dev"
mount --make-rslave "$R/dev"
mount -t tmpfs -o mode=0755 tmpfs "$R/run"
mount -t tmpfs -o mode=1777 tmpfs "$R/tmp"

# As the README's user has it: a clone of the repository (committed work only).
git clone --quiet --no-local "$ROOT" "$R/root/vrrpd"
say "in $R/root/vrrpd: $CMD"
rc=0
chroot "$R" /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
	HOME=/root LANG=C.UTF-8 TERM=dumb /bin/bash -c "cd /root/vrrpd && $CMD" || rc=$?
say "'$CMD' exited with status $rc after $((SECONDS - start)) s"
exit $rc
