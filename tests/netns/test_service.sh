#!/bin/bash
# Running vrrpd as a service (issue 10):
#   1. the systemd units that make install writes (vrrpd's, and the VRRPv3-MIB subagent's) pass
#      systemd-analyze verify, and vrrpd speaks the notification protocol of Type=notify without
#      libsystemd: READY=1 once every instance runs, RELOADING=1 and READY=1 around a SIGHUP
#      reload, STOPPING=1 at SIGTERM;
#   2. the SysV init script starts, reports, reloads and stops a vrrpd -c FILE in a router of
#      the lab, and refuses a file with a mistake without starting anything.
set -u
# shellcheck source=tests/netns/checks.sh
. "$(dirname "${BASH_SOURCE[0]}")/checks.sh"
t_require test_service
PY=/usr/bin/python3
trap 'lab_down; rm -rf "${DEST:-}"' EXIT
trap 'exit 1' INT TERM
lab_up "vts$$"
DEST=$(mktemp -d /tmp/vrrpd-service.XXXX)
CONF=$LAB_DIR/vrrpd.conf
printf -- '-d 0.1\nvrrp {\n -i eth0 -v 51 -p 200 10.99.0.100\n}\n' >"$CONF"

# --- 1. systemd --------------------------------------------------------------------------------------
t_phase
# Installed under DEST itself, so that the units' ExecStart= name a binary that exists.
make -s -C "$LAB_ROOT" install PREFIX="$DEST/usr" SYSCONFDIR="$DEST/etc" >/dev/null
UNITS=$DEST/usr/lib/systemd/system
ln -s vrrpd@.service "$UNITS/vrrpd@eth0-51.service"
if command -v systemd-analyze >/dev/null; then
	for u in vrrpd.service vrrpd@eth0-51.service vrrpd-agentx.service; do
		OUT=$(cd "$UNITS" && systemd-analyze verify --man=no "./$u" 2>&1)
		t_eq "service_unit_verifies_${u%%.*}" "$OUT" "" "$OUT"
	done
else
	echo "skip service_unit_verifies_vrrpd: needs systemd-analyze"
	echo "skip service_unit_verifies_vrrpd@eth0-51: needs systemd-analyze"
	echo "skip service_unit_verifies_vrrpd-agentx: needs systemd-analyze"
fi
t_check service_unit_execstart grep -qx "ExecStart=$DEST/usr/sbin/vrrpd --foreground -c /etc/vrrpd.conf" \
	"$UNITS/vrrpd.service"

# The service manager's side: a datagram socket, every message on a line of NOTES.
NOTES=$LAB_DIR/notify.log
"$PY" -c '
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
with open(sys.argv[2], "a", buffering=1) as f:
    while True:
        f.write(s.recv(4096).decode() + "\n")
' "$LAB_DIR/notify.sock" "$NOTES" &
LAB_PID[c.notify]=$!
t_wait_ms 2000 test -S "$LAB_DIR/notify.sock"
mkdir -p "$LAB_DIR/r1"
NOTIFY_SOCKET=$LAB_DIR/notify.sock nsenter --net="/run/netns/$(lab_ns r1)" "$VRRPD" --foreground \
	-c "$CONF" --pin-dir "/sys/fs/bpf/$LAB_PREFIX-r1" -f "$LAB_DIR/r1" >>"$LAB_DIR/r1.log" 2>&1 &
LAB_PID[r1.main]=$!
t_check service_notify_ready t_wait_ms 3000 grep -qx READY=1 "$NOTES"
t_check service_ready_after_start t_log_has r1 "VRRP ID 51 on eth0: started"
t_check service_master t_wait_ms 3000 t_only r1 10.99.0.100
kill -HUP "$(t_pid r1)"
t_check service_notify_reload t_wait_ms 3000 eval \
	'[ "$(tr "\n" " " <"$NOTES")" = "READY=1 RELOADING=1 READY=1 " ]'
t_stop r1
t_check service_notify_stopping t_wait_ms 2000 eval \
	'[ "$(tail -n 1 "$NOTES")" = STOPPING=1 ]'

# --- 2. SysV ---------------------------------------------------------------------------------------
t_phase
INIT=$DEST/etc/init.d/vrrpd
export DAEMON=$DEST/usr/sbin/vrrpd VRRPD_CONF=$CONF VRRPD_RUN_DIR=$LAB_DIR/r1 \
	VRRPD_OPTS="--pin-dir /sys/fs/bpf/$LAB_PREFIX-r1"
sysv() { lab_exec r1 "$INIT" "$@"; }
t_check service_sysv_start eval 'sysv start 2>>"$LAB_DIR/r1.log"'
t_check service_sysv_master t_wait_ms 3000 t_only r1 10.99.0.100
OUT=$(sysv status)
RC=$?
PID=$(cat "$LAB_DIR/r1/vrrpd.conf.pid" 2>/dev/null)
t_eq service_sysv_status "$RC:$OUT" "0:vrrpd is running (pid $PID)"
printf -- '-d 0.1\nvrrp {\n -i eth0 -v 51 -p 200 10.99.0.100\n}\nvrrp {\n -i eth0 -v 52 -p 200 10.99.0.150\n}\n' \
	>"$CONF"
t_check service_sysv_reload sysv reload
t_check service_sysv_reloaded t_wait_ms 3000 t_only r1 10.99.0.150
t_check service_sysv_stop sysv stop
# Gone, or a zombie left to whichever process reaps orphans here (it detached from us).
gone() { ! kill -0 "$1" 2>/dev/null || [[ $(ps -o stat= -p "$1") == Z* ]]; }
t_check service_sysv_stopped gone "$PID"
t_check service_sysv_stopped_resigned eval 'lab_lacks_ip r1 10.99.0.100 && lab_lacks_ip r1 10.99.0.150'
OUT=$(sysv status)
t_eq service_sysv_status_stopped "$?:$OUT" "3:vrrpd is not running"
printf 'vrrp {\n -i eth0 -v 51 -p 0 10.99.0.100\n}\n' >"$CONF"
OUT=$(sysv start 2>&1)
RC=$?
t_eq service_sysv_refuses_mistake "$RC:$OUT" \
	"1:vrrpd: $CONF:2: invalid priority '0' for -p: must be 1..255 (0 is reserved for a resigning master)"
t_eq service_sysv_nothing_started "$(t_cfg_vrids r1)" ""
t_done
