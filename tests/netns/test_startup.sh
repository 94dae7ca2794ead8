#!/bin/bash
# Start-up errors: each prints one clear line on stderr and exits non-zero, before detaching,
# and leaves nothing behind (no map entry, no XDP program, no pid file).
set -u
# shellcheck source=tests/netns/checks.sh
. "$(dirname "${BASH_SOURCE[0]}")/checks.sh"
t_require test_startup

trap lab_down EXIT
trap 'exit 1' INT TERM
lab_up "vts$$"
NOTBPF=$LAB_DIR/not-bpffs

# expect NAME RC REGEX ARGS...: vrrpd ARGS (daemon mode, in r1) exits RC with one line on stderr
# matching REGEX.
expect() {
	local name=$1 want_rc=$2 re=$3 err rc lines
	shift 3
	err=$(lab_exec r1 "$VRRPD" -f "$LAB_DIR/r1" "$@" 2>&1 >/dev/null)
	rc=$?
	lines=$(printf '%s\n' "$err" | grep -c .)
	if [ "$rc" = "$want_rc" ] && [ "$lines" = 1 ] && printf '%s' "$err" | grep -Eq -- "$re"; then
		t_ok "$name"
	else
		t_fail "$name" "rc $rc (want $want_rc), stderr: $err"
	fi
}

PIN=(--pin-dir "/sys/fs/bpf/$LAB_PREFIX-r1")
expect startup_unknown_interface 1 "interface 'nosuch0' does not exist" \
	"${PIN[@]}" -i nosuch0 -v 1 10.99.0.100
expect startup_no_vip 2 "no virtual IP address" "${PIN[@]}" -i eth0 -v 1
expect startup_bad_vrid 2 "invalid VRID '0'" "${PIN[@]}" -i eth0 -v 0 10.99.0.100
expect startup_unknown_option 2 "unknown option '--bogus'" "${PIN[@]}" --bogus -i eth0 -v 1 \
	10.99.0.100
mkdir -p "$NOTBPF"
expect startup_no_bpffs 1 "not on a BPF filesystem" --pin-dir "$NOTBPF/pins" -i eth0 -v 1 \
	10.99.0.100

# A slow set-up must not make the backup of a healthy master take over: the Master_Down_Timer
# starts once adverts can be heard. Here the XDP attach is held back by 1 s (strace delays
# sendto, which libbpf's netlink request uses and a backup's loop does not), as a host busy
# with its rtnl lock does; the failover benchmark found a restarted backup taking over that way
# because the timer (360 ms at -d 0.1) had started before the attach.
slow_backup_took_over() { t_log_has r1 'we are now the master'; }
if command -v strace >/dev/null; then
	t_start r2 main -i eth0 -v 7 -p 200 -d 0.1 10.99.0.107
	t_wait_ms 3000 lab_has_ip r2 10.99.0.107
	mkdir -p "$LAB_DIR/r1"
	# LeakSanitizer cannot run under ptrace (a sanitizer build of vrrpd: make check).
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
		nsenter --net="/run/netns/$(lab_ns r1)" strace -f -qq -o /dev/null --seccomp-bpf \
		-e trace=sendto -e inject=sendto:delay_enter=1000000 "$VRRPD" --foreground \
		"${PIN[@]}" -f "$LAB_DIR/r1" -i eth0 -v 7 -p 100 -d 0.1 10.99.0.107 \
		>>"$LAB_DIR/r1.log" 2>&1 &
	STRACE=$!
	t_wait_ms 20000 t_log_has r1 'started,'
	sleep 1
	if slow_backup_took_over; then
		t_fail startup_slow_setup_no_takeover "the backup took over from a healthy master"
	else
		t_ok startup_slow_setup_no_takeover
	fi
	t_check startup_slow_setup_master_kept t_only r2 10.99.0.107
	kill "$(pgrep -P "$STRACE" -x vrrpd)"
	wait "$STRACE"
	t_stop r2 main
else
	echo "skip startup_slow_setup_no_takeover: needs strace"
	echo "skip startup_slow_setup_master_kept: needs strace"
fi

lab_exec r1 ip addr flush dev eth0
expect startup_no_ipv4_address 1 "no IPv4 address to send adverts from" "${PIN[@]}" -i eth0 -v 1 \
	10.99.0.100
# Nothing left behind by the failures.
t_eq startup_no_xdp_left "$(t_xdp_progs r1)" 0
t_eq startup_no_cfg_left "$(t_cfg_vrids r1)" ""
t_eq startup_no_pidfile_left "$(t_count pid ls "$LAB_DIR/r1")" 0
t_done
