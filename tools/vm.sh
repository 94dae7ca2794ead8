#!/bin/bash
# The second test lane: Debian 12's own kernel under qemu, with this machine's / as the guest's
# root (read-only), so that tests run on a kernel that has what the host's lacks (802.1Q VLAN
# devices, netem, module loading) and on the 6.1 verifier. Used by `make check-vm`.
#
#   tools/vm.sh fetch-kernel [DIR]
#       Downloads the kernel package that Debian's linux-image-amd64 depends on (apt-get
#       download; it is never installed on this machine), unpacks it with dpkg -x into DIR
#       (default $VM_DIR/kernel-<version>) and writes its modules.dep with busybox depmod.
#       Does nothing if DIR already holds that kernel. Prints DIR.
#   tools/vm.sh run [--kernel DIR] SCRIPT [ARGS...]
#       Boots the kernel unpacked in DIR (default: what fetch-kernel gives) and runs SCRIPT
#       ARGS as root in the guest, from the current directory. SCRIPT's stdout and stderr come
#       out on our stdout; our exit status is SCRIPT's, 124 if the VM timed out, 125 if the VM or
#       this harness failed (the kernel log's tail then goes to stderr).
#   tools/vm.sh accel
#       Prints the accelerator that run would use, and why.
#
# The guest: / is this machine's / over virtio-9p, read-only (so the project tree and its
# build/ are there at the same paths); /run is a tmpfs (/var/run -> /run, so `ip netns add`
# works); /tmp, /var/tmp, /etc, /root, /home, /var/lib, /var/log and /var/cache are overlays
# with a tmpfs upper layer (writable; everything written is gone at power-off); bpffs is at
# /sys/fs/bpf, plus debugfs, tracefs and cgroup2. Kernel modules load on demand (8021q,
# sch_netem, veth, bridge, macvlan...) through a busybox modprobe chrooted into the kernel
# directory's lib/modules. No network device. The kernel log goes to a per-run console.log.
#
# Acceleration: KVM only when /dev/kvm is usable, the CPU has VT-x/AMD-V (vmx/svm) and the
# host's KVM is kvm_intel or kvm_amd. A /dev/kvm from kvm_pvm (a paravirtual KVM that cannot
# run an unmodified kernel at a usable speed) means TCG, qemu's emulator: about 6 s to boot on
# our 2-core machines, and slow CPU work, so build on the host and only run tests in the guest.
#
# Environment:
#   VM_DIR=build/vm      the cache: kernel-<ver>/, initramfs-<kver>-<hash>.cpio.gz,
#                        vmlinux-<kver>-<hash> (for PVH boot), run.*/ (per run; removed)
#   VM_KERNEL_PKG=       kernel package (a name) for fetch-kernel; default: the one that
#                        linux-image-amd64 depends on
#   VM_ACCEL=auto        auto, kvm or tcg
#   VM_CPU=              qemu -cpu (default: host with kvm, max with tcg)
#   VM_SMP=2             vCPUs
#   VM_MEM=1G            guest memory
#   VM_TIMEOUT=1200      seconds before the VM is stopped (exit 124)
#   VM_ENV=              names of environment variables to pass to SCRIPT
#   VM_PRELOAD=          kernel modules to load before SCRIPT starts
#   VM_PVH=auto          1: boot the uncompressed vmlinux (extracted from the bzImage, cached)
#                        through the PVH entry (twice as fast under TCG); 0: the bzImage
#   VM_DEBUG=0           1: verbose kernel log, printed to stderr after the run
#   VM_KEEP=0            1: keep the run directory (console.log, launch.sh, rc)
#   VM_TIMING=0          1: print the total wall time to stderr at the end (the boot time is
#                        always printed, on stderr, when SCRIPT starts)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VM_DIR=${VM_DIR:-$ROOT/build/vm}
BB=/bin/busybox

say() { echo "vm: $*" >&2; }
die() {
	say "$*"
	exit 125
}
usage() {
	sed -n '2,/^set -euo/{/^set -euo/d; s/^# \{0,1\}//; p}' "$0" >&2
	exit 125
}

# A path the guest can see at the same place: not on a file system the guest mounts afresh.
INVISIBLE="the guest cannot see it (not under /run, /proc, /sys or /dev; no spaces)"
guest_visible() {
	case "$1/" in
	/run/* | /proc/* | /sys/* | /dev/*) return 1 ;;
	*[[:space:]]*) return 1 ;;
	esac
	return 0
}

need_busybox() {
	# Its list read whole first: busybox writes it a name at a time, and with pipefail a
	# grep -q that stops at the match made it die of SIGPIPE, failing the pipeline (CI saw it).
	local list
	list=$("$BB" --list 2>/dev/null) || list=
	if [ ! -x "$BB" ] || ! grep -qx switch_root <<<"$list"; then
		die "needs a static busybox at $BB (apt-get install busybox-static; make deps)"
	fi
	case "$(LC_ALL=C ldd "$BB" 2>&1)" in
	*'not a dynamic'*) ;;
	*) die "$BB is not static (apt-get install busybox-static; make deps)" ;;
	esac
}

# ------------------------------------------------------------------------ fetch-kernel

# Prints the kernel package to fetch, or nothing.
kernel_pkg() {
	if [ -n "${VM_KERNEL_PKG:-}" ]; then
		echo "$VM_KERNEL_PKG"
		return
	fi
	apt-cache depends linux-image-amd64 2>/dev/null |
		awk '/Depends: linux-image-[0-9]/ { print $2; exit }'
}

# The newest complete kernel directory in the cache, or nothing.
cached_kernel() {
	local d
	for d in $(printf '%s\n' "$VM_DIR"/kernel-* | sort -rV); do
		if [ -e "$d/.complete" ]; then
			echo "$d"
			return
		fi
	done
}

fetch_kernel() {
	local dest=${1:-} pkg ver kver debs deb
	[ "$(dpkg --print-architecture)" = amd64 ] || die "fetch-kernel: only amd64 is supported"
	pkg=$(kernel_pkg)
	if [ -z "$pkg" ]; then
		apt-get update -q >&2 || true
		pkg=$(kernel_pkg)
	fi
	if [ -z "$pkg" ]; then
		# No package lists (and no network to get them): the newest kernel already here.
		dest=${dest:-$(cached_kernel)}
		if [ -z "$dest" ] || [ ! -e "$dest/.complete" ]; then
			die "fetch-kernel: cannot resolve linux-image-amd64 (apt-get update?)"
		fi
		say "fetch-kernel: cannot resolve linux-image-amd64, using $dest"
		echo "$dest"
		return
	fi
	kver=${pkg#linux-image-}
	dest=${dest:-$VM_DIR/kernel-$kver}
	if [ -e "$dest/.complete" ] && [ -e "$dest/boot/vmlinuz-$kver" ]; then
		echo "$dest"
		return
	fi
	guest_visible "$(realpath -m "$dest")" || die "fetch-kernel: $dest: $INVISIBLE"
	# Replaces only what it made itself.
	if [ -e "$dest" ] && [ ! -e "$dest/.complete" ] && [ -n "$(ls -A "$dest")" ]; then
		die "fetch-kernel: $dest exists and is not a kernel that fetch-kernel unpacked"
	fi
	debs=$VM_DIR/debs
	mkdir -p "$debs"
	ver=$(apt-cache policy "$pkg" | awk '/Candidate:/ { print $2 }')
	say "fetch-kernel: $pkg $ver (apt-get download, unpacked with dpkg -x; not installed)"
	# The lists may be older than the archive (404): update once and try again.
	if ! (cd "$debs" && apt-get download -q -o APT::Sandbox::User=root "$pkg" >&2); then
		apt-get update -q >&2 || true
		(cd "$debs" && apt-get download -q -o APT::Sandbox::User=root "$pkg" >&2) ||
			die "fetch-kernel: apt-get download $pkg failed"
	fi
	deb=$(find "$debs" -maxdepth 1 -name "${pkg}_*.deb" | sort -V | tail -n1)
	rm -rf "$dest.tmp"
	mkdir -p "$dest.tmp"
	dpkg -x "$deb" "$dest.tmp" || die "fetch-kernel: dpkg -x $deb failed"
	# dpkg -x does not run the package's postinst, which would run depmod (and this machine
	# has no kmod): busybox writes modules.dep and modules.alias.
	need_busybox
	"$BB" depmod -b "$dest.tmp" "$kver" || die "fetch-kernel: busybox depmod failed"
	echo "$pkg $ver" >"$dest.tmp/.complete"
	rm -rf "$dest"
	mv "$dest.tmp" "$dest"
	rm -f "$deb"
	say "fetch-kernel: $pkg $ver in $dest"
	echo "$dest"
}

# ------------------------------------------------------------------------ accel

# Sets ACCEL (kvm or tcg) and WHY.
pick_accel() {
	ACCEL=${VM_ACCEL:-auto}
	WHY="VM_ACCEL=$ACCEL"
	[ "$ACCEL" = auto ] || return 0
	ACCEL=tcg
	if [ ! -e /dev/kvm ]; then
		WHY="no /dev/kvm"
	elif [ ! -r /dev/kvm ] || [ ! -w /dev/kvm ]; then
		WHY="/dev/kvm is not usable by $(id -un)"
	elif [ -d /sys/module/kvm_pvm ]; then
		WHY="/dev/kvm is kvm_pvm (paravirtual: cannot run an unmodified kernel)"
	elif ! grep -qwE 'vmx|svm' /proc/cpuinfo; then
		WHY="the CPU has no VT-x/AMD-V (no vmx/svm in /proc/cpuinfo)"
	elif [ ! -d /sys/module/kvm_intel ] && [ ! -d /sys/module/kvm_amd ]; then
		WHY="/dev/kvm is neither kvm_intel nor kvm_amd"
	else
		ACCEL=kvm
		WHY="VT-x/AMD-V and /dev/kvm"
	fi
}

# ------------------------------------------------------------------------ the guest's init

# Stage 1: PID 1 in the initramfs. Loads the modules the root needs, mounts this machine's /
# over 9p, makes the writable parts, and switches to it.
read -r -d '' STAGE1 <<'EOF_STAGE1' || true
#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
log() { echo "vm-init: $*" >/dev/ttyS1; }
fail() { log "FATAL: $*"; echo "init failed" >/dev/ttyS2; sleep 1; poweroff -f; }
for x in $(cat /proc/cmdline); do
	case "$x" in
	vm.kdir=*) KDIR=${x#vm.kdir=} ;;
	vm.ovl=*) OVL=$(echo "${x#vm.ovl=}" | tr , ' ') ;;
	esac
done
KVER=$(uname -r)
# Progress marks, so that a VM that times out says how far it got (the kernel log is quiet).
log "stage 1: loading modules, uptime $(cut -d' ' -f1 /proc/uptime)"
while read -r m; do insmod "/mods/$m" || log "insmod $m failed"; done </mods/order
R=/newroot
mkdir -p $R
i=0
until mount -t 9p -o trans=virtio,version=9p2000.L,ro,msize=262144,cache=loose vmroot $R; do
	i=$((i + 1))
	[ $i -gt 50 ] && fail "cannot mount the 9p root"
	sleep 0.1
done
log "9p root mounted"
mount -t tmpfs -o mode=755 tmpfs $R/run || fail "tmpfs on /run"
V=$R/run/vm
mkdir -p $V/bin $V/ovl $V/modroot/bin $V/modroot/proc $V/modroot/sys \
	$V/modroot/lib/modules/$KVER $R/run/lock $R/run/netns
cp /bin/busybox $V/bin/busybox
ln $V/bin/busybox $V/modroot/bin/busybox
cp /stage2 $V/stage2
# Module tools for the kernel (request_module) and for the guest's PATH: busybox's, chrooted
# into a tree where lib/modules/KVER is the kernel directory's.
for t in modprobe lsmod insmod rmmod modinfo; do
	printf '#!/run/vm/bin/busybox sh\nexec /run/vm/bin/busybox chroot /run/vm/modroot %s %s "$@"\n' \
		/bin/busybox $t >$V/bin/$t
	chmod 755 $V/bin/$t
done
mount --bind "$R$KDIR/lib/modules/$KVER" $V/modroot/lib/modules/$KVER || fail "bind the modules"
mount -t proc proc $V/modroot/proc
mount -t sysfs sysfs $V/modroot/sys
echo /run/vm/bin/modprobe >/proc/sys/kernel/modprobe
for d in $OVL; do
	[ -d "$R$d" ] || continue
	n=$(echo "$d" | tr / _)
	mkdir -p $V/ovl/$n/u $V/ovl/$n/w
	mount -t overlay overlay -o lowerdir=$R$d,upperdir=$V/ovl/$n/u,workdir=$V/ovl/$n/w $R$d ||
		fail "overlay on $d"
done
# Debian's /var/run is a link to /run; a root where it is not gets a bind mount.
[ -L $R/var/run ] || mount --bind $R/run $R/var/run
log "overlays made, switching root"
mount --move /dev $R/dev
mount --move /proc $R/proc
mount --move /sys $R/sys
exec switch_root $R /run/vm/bin/busybox sh /run/vm/stage2
EOF_STAGE1

# Stage 2: PID 1 on the shared root. Mounts what the tests use, runs the script with its output
# on ttyS0, writes its status on ttyS2 and powers off.
read -r -d '' STAGE2 <<'EOF_STAGE2' || true
BB=/run/vm/bin/busybox
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/run/vm/bin
log() { echo "vm-stage2: $*" >/dev/ttyS1; }
for x in $($BB cat /proc/cmdline); do case "$x" in vm.run=*) RUN=${x#vm.run=} ;; esac; done
log "stage 2: mounting, uptime $($BB cut -d' ' -f1 /proc/uptime)"
$BB mkdir -p /dev/pts /dev/shm
$BB mount -t devpts -o gid=5,mode=620,ptmxmode=666 devpts /dev/pts
$BB mount -t tmpfs -o mode=1777 tmpfs /dev/shm
$BB ln -sf /proc/self/fd /dev/fd
$BB ln -sf /proc/self/fd/0 /dev/stdin
$BB ln -sf /proc/self/fd/1 /dev/stdout
$BB ln -sf /proc/self/fd/2 /dev/stderr
$BB mount -t bpf bpf /sys/fs/bpf || log "cannot mount bpffs"
$BB mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
$BB mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null
$BB mount -t cgroup2 cgroup2 /sys/fs/cgroup 2>/dev/null
$BB hostname vm
$BB ip link set lo up
for m in $($BB cat "$RUN/preload"); do /run/vm/bin/modprobe "$m" || log "modprobe $m failed"; done
$BB stty -F /dev/ttyS0 raw -echo || log "stty ttyS0 failed"
log "VM-SCRIPT-START uptime=$($BB cut -d' ' -f1 /proc/uptime)"
/bin/bash "$RUN/launch.sh" >/dev/ttyS0 2>&1 </dev/null
rc=$?
log "VM-SCRIPT-END rc=$rc uptime=$($BB cut -d' ' -f1 /proc/uptime)"
echo "$rc" >/dev/ttyS2
$BB sync
$BB poweroff -f
EOF_STAGE2

# Prints the paths (relative to lib/modules/KVER) of MODULES and what they need, in load order.
resolve_mods() {
	awk -v want="$*" '
	function base(p,   b) {
		b = p; sub(/.*\//, "", b); sub(/\.ko(\.[a-z]+)?$/, "", b); gsub(/-/, "_", b); return b }
	{ k = $1; sub(/:$/, "", k); path[base(k)] = k; deps[base(k)] = ""
	  for (i = 2; i <= NF; i++) deps[base(k)] = deps[base(k)] " " base($i) }
	function visit(m,   n, a, i) {
		if (m in seen) return; seen[m] = 1
		if (!(m in path)) { print "vm: no module " m > "/dev/stderr"; bad = 1; return }
		n = split(deps[m], a, " "); for (i = n; i >= 1; i--) visit(a[i]); print path[m] }
	END { n = split(want, w, " "); for (i = 1; i <= n; i++) { m = w[i]; gsub(/-/, "_", m); visit(m) }
	      exit bad }
	' "$MODDIR/modules.dep"
}

# Builds (or finds in the cache) the initramfs for the kernel; sets INITRD.
make_initramfs() {
	local mods hash t m out
	# Built in or modules: these are what the 9p root and the overlays need.
	mods=$(resolve_mods virtio_pci 9pnet_virtio 9p overlay) ||
		die "$KDIR: cannot resolve the boot modules (virtio_pci 9pnet_virtio 9p overlay)"
	hash=$({
		echo "$KVER"
		echo "$mods"
		echo "$STAGE1"
		echo "$STAGE2"
		sha256sum "$BB" "$VMLINUZ"
	} | sha256sum | cut -c1-16)
	INITRD=$VM_DIR/initramfs-$KVER-$hash.cpio.gz
	[ -s "$INITRD" ] && return
	say "building $INITRD"
	t=$(mktemp -d "$VM_DIR/initramfs.XXXXXX")
	mkdir -p "$t"/{bin,dev,proc,sys,mods,newroot}
	cp "$BB" "$t/bin/busybox"
	printf '%s\n' "$STAGE1" >"$t/init"
	chmod 755 "$t/init"
	printf '%s\n' "$STAGE2" >"$t/stage2"
	: >"$t/mods/order"
	for m in $mods; do
		out=${m%.xz}
		mkdir -p "$t/mods/$(dirname "$m")"
		case $m in
		*.ko.xz) xz -dc "$MODDIR/$m" >"$t/mods/$out" ;;
		*) cp "$MODDIR/$m" "$t/mods/$out" ;;
		esac
		echo "$out" >>"$t/mods/order"
	done
	(cd "$t" && find . | "$BB" cpio -o -H newc 2>/dev/null | gzip -1 >"$INITRD.tmp") ||
		die "cannot build the initramfs"
	rm -f "$VM_DIR/initramfs-$KVER-"*.cpio.gz # older versions of this script's
	mv "$INITRD.tmp" "$INITRD"
	rm -rf "$t"
}

# The kernel image to boot; sets KIMG. With CONFIG_PVH=y (Debian's), the ELF vmlinux inside the
# bzImage boots through the PVH entry, skipping the real-mode set-up and the decompressor.
pick_kimg() {
	local pvh=${VM_PVH:-auto} off img
	KIMG=$VMLINUZ
	if [ "$pvh" = auto ]; then
		pvh=0
		grep -qx 'CONFIG_PVH=y' "$KDIR/boot/config-$KVER" 2>/dev/null && pvh=1
	fi
	[ "$pvh" = 1 ] || return 0
	img=$VM_DIR/vmlinux-$KVER-$(sha256sum "$VMLINUZ" | cut -c1-16)
	if [ ! -s "$img" ]; then
		off=$(LC_ALL=C grep -obUaP '\xfd7zXZ\x00' "$VMLINUZ" | head -n1 | cut -d: -f1 || true)
		if [ -n "$off" ]; then
			tail -c +$((off + 1)) "$VMLINUZ" | xz -dc >"$img.tmp" 2>/dev/null || true
			if [ "$(head -c4 "$img.tmp" | od -An -c | tr -d ' ')" = '177ELF' ]; then
				mv "$img.tmp" "$img"
			fi
			rm -f "$img.tmp"
		fi
	fi
	if [ -s "$img" ]; then
		KIMG=$img
	else
		say "no ELF vmlinux in $VMLINUZ (not xz?): booting the bzImage"
	fi
}

# ------------------------------------------------------------------------ run

run() {
	local kdir="" script q v rundir t0 t1 rc qrc poller="" ovl append cpu
	while [ $# -gt 0 ]; do
		case $1 in
		--kernel)
			[ $# -ge 2 ] || usage
			kdir=$2
			shift 2
			;;
		--kernel=*)
			kdir=${1#--kernel=}
			shift
			;;
		--) shift; break ;;
		-*) usage ;;
		*) break ;;
		esac
	done
	[ $# -ge 1 ] || usage
	script=$(realpath -e "$1") || die "no such script: $1"
	shift
	guest_visible "$script" || die "$script: $INVISIBLE"
	guest_visible "$PWD" || die "the current directory $PWD: $INVISIBLE"

	need_busybox
	command -v qemu-system-x86_64 >/dev/null ||
		die "needs qemu-system-x86_64 (apt-get install qemu-system-x86; make deps)"
	mkdir -p "$VM_DIR"
	VM_DIR=$(realpath "$VM_DIR")
	guest_visible "$VM_DIR" || die "VM_DIR=$VM_DIR: $INVISIBLE"

	[ -n "$kdir" ] || kdir=$(fetch_kernel)
	KDIR=$(realpath -e "$kdir") || die "no such kernel directory: $kdir"
	guest_visible "$KDIR" || die "$KDIR: $INVISIBLE"
	VMLINUZ=$(find "$KDIR/boot" -maxdepth 1 -name 'vmlinuz-*' 2>/dev/null | sort -V | tail -n1)
	[ -n "$VMLINUZ" ] || die "$KDIR: no boot/vmlinuz-* (an unpacked linux-image package?)"
	KVER=${VMLINUZ##*/vmlinuz-}
	MODDIR=$KDIR/lib/modules/$KVER
	[ -d "$MODDIR" ] || die "$KDIR: no lib/modules/$KVER"
	if [ ! -s "$MODDIR/modules.dep" ] || [ ! -s "$MODDIR/modules.alias" ]; then
		say "busybox depmod for $KVER in $KDIR"
		"$BB" depmod -b "$KDIR" "$KVER" || die "busybox depmod failed"
	fi

	make_initramfs
	pick_kimg
	pick_accel

	rundir=$(mktemp -d "$VM_DIR/run.XXXXXX")
	chmod 755 "$rundir"
	# shellcheck disable=SC2064 # expand now: rundir is local
	trap "[ '${VM_KEEP:-0}' = 1 ] && say 'kept $rundir' || rm -rf '$rundir'" EXIT
	{
		printf 'cd %q 2>/dev/null || cd /\n' "$PWD"
		echo "export HOME=/root LANG=C.UTF-8 TERM=dumb VM_GUEST=1"
		for v in ${VM_ENV:-}; do
			[ -n "${!v+set}" ] && printf 'export %s=%q\n' "$v" "${!v}"
		done
		q=$(printf '%q' "$script")
		[ -x "$script" ] || q="/bin/bash $q"
		printf 'exec %s' "$q"
		for v in "$@"; do printf ' %q' "$v"; done
		echo
	} >"$rundir/launch.sh"
	echo "${VM_PRELOAD:-}" >"$rundir/preload"
	: >"$rundir/rc"
	: >"$rundir/console.log"

	# shellcheck disable=SC2054 # the commas are qemu's
	if [ "$ACCEL" = kvm ]; then
		cpu=(-accel kvm -cpu "${VM_CPU:-host}")
	else
		cpu=(-accel tcg,thread=multi -cpu "${VM_CPU:-max}")
	fi
	ovl="/etc /root /home /tmp /var/tmp /var/lib /var/log /var/cache"
	append="console=ttyS1 panic=-1 oops=panic rdinit=/init"
	append+=" i8042.noaux=1 i8042.nomux=1 i8042.nopnp=1 i8042.dumbkbd=1"
	append+=" tsc=reliable no_timer_check random.trust_cpu=on mitigations=off"
	if [ "${VM_DEBUG:-0}" = 1 ]; then append+=" loglevel=7"; else append+=" quiet loglevel=3"; fi
	append+=" vm.run=$rundir vm.kdir=$KDIR vm.ovl=${ovl// /,}"
	# shellcheck disable=SC2054 # the commas are qemu's
	local qemu=(qemu-system-x86_64 -nodefaults -no-user-config -display none -no-reboot
		-machine q35 "${cpu[@]}" -smp "${VM_SMP:-2}" -m "${VM_MEM:-1G}"
		-kernel "$KIMG" -initrd "$INITRD" -append "$append"
		-virtfs local,path=/,mount_tag=vmroot,security_model=none,readonly=on,multidevs=remap
		-chardev stdio,id=out,signal=off -serial chardev:out
		-serial "file:$rundir/console.log"
		-serial "file:$rundir/rc")

	t0=$EPOCHREALTIME
	# Says how long the boot took when the script starts (the kernel log has a marker).
	(
		while sleep 0.05; do
			if grep -q VM-SCRIPT-START "$rundir/console.log" 2>/dev/null; then
				say "$KVER up in $(awk "BEGIN { printf \"%.1f\", $EPOCHREALTIME - $t0 }") s" \
					"($ACCEL: $WHY; ${VM_SMP:-2} vCPUs, ${VM_MEM:-1G})"
				break
			fi
		done
	) &
	poller=$!
	set +e
	timeout --foreground -k 5 "${VM_TIMEOUT:-1200}" "${qemu[@]}" </dev/null
	qrc=$?
	set -e
	kill "$poller" 2>/dev/null || true
	wait "$poller" 2>/dev/null || true
	t1=$EPOCHREALTIME

	rc=$(tr -dc '0-9' <"$rundir/rc")
	if grep -q 'init failed' "$rundir/rc"; then
		say "the guest's init failed; the kernel log's end:"
		tail -n 60 "$rundir/console.log" >&2
		rc=125
	elif [ "$qrc" = 124 ] || [ "$qrc" = 137 ]; then
		if grep -q VM-SCRIPT-START "$rundir/console.log"; then
			say "timed out after ${VM_TIMEOUT:-1200} s (VM_TIMEOUT) in the script;" \
				"the kernel log's end:"
		else
			say "timed out after ${VM_TIMEOUT:-1200} s (VM_TIMEOUT) before the script" \
				"started: the guest never finished booting; the kernel log's end:"
		fi
		tail -n 30 "$rundir/console.log" >&2
		rc=124
	elif [ -z "$rc" ]; then
		say "the guest reported no exit status (qemu exited with $qrc); the kernel log's end:"
		tail -n 60 "$rundir/console.log" >&2
		rc=125
	fi
	if [ "${VM_DEBUG:-0}" = 1 ]; then
		echo "---- kernel log ----" >&2
		cat "$rundir/console.log" >&2
	fi
	[ "${VM_TIMING:-0}" != 1 ] ||
		say "total $(awk "BEGIN { printf \"%.1f\", $t1 - $t0 }") s, exit status $rc"
	return "$rc"
}

case ${1:-} in
fetch-kernel)
	shift
	[ $# -le 1 ] || usage
	fetch_kernel "${1:-}"
	;;
run)
	shift
	rc=0
	run "$@" || rc=$?
	exit "$rc"
	;;
accel)
	pick_accel
	echo "$ACCEL: $WHY"
	;;
*) usage ;;
esac
