#!/bin/bash
# Least privilege (issue 9):
#   1. once started, vrrpd keeps only CAP_NET_ADMIN, CAP_NET_RAW, CAP_SYS_ADMIN and CAP_BPF
#      (where the kernel knows it), nothing inheritable or ambient, and still does all its work
#      (takeover, VIPs, VMAC, atropos's requests, scripts);
#   2. its scripts are executed directly (their parent is vrrpd, no shell in between) with root's
#      capabilities, as the original ran them;
#   3. nothing it creates is writable by group or others; a run directory that is refuses;
#   4. atropos acts on nothing of another user: a control socket of another uid, one served by
#      a process that is not the instance's vrrpd, maps pinned by another uid.
set -u
# shellcheck source=tests/netns/checks.sh
. "$(dirname "${BASH_SOURCE[0]}")/checks.sh"
t_require test_privilege
PY=/usr/bin/python3
HOSTILE=()
cleanup() {
	local p
	for p in "${HOSTILE[@]}"; do
		kill "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	lab_down
}
trap cleanup EXIT
trap 'exit 1' INT TERM
lab_up "vtp$$"
VIP=$LAB_VIP

# The capability mask vrrpd must keep, from the kernel's numbering (linux/capability.h).
want_caps() {
	local m=$(((1 << 12) | (1 << 13) | (1 << 21)))
	[ "$(cat /proc/sys/kernel/cap_last_cap)" -ge 39 ] && m=$((m | (1 << 39)))
	printf '%016x' "$m"
}
cap() { awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/status"; }

REC=$LAB_DIR/up.rec
cat >"$LAB_DIR/up.sh" <<EOF
#!/bin/sh
{ echo "parent \$(cat /proc/\$PPID/comm)"; grep -E '^Cap(Eff|Bnd):' /proc/\$\$/status; } >"$REC"
EOF
chmod 755 "$LAB_DIR/up.sh"

# --- 1, 2: capabilities, and the work still done ------------------------------------------------
t_start r1 main -i eth0 -v 51 -p 200 -d 0.1 -U "$LAB_DIR/up.sh" "$VIP"
t_start r2 main -i eth0 -v 51 -p 100 -d 0.1 "$VIP"
t_check priv_setup_r1_master t_wait_ms 4000 t_only r1 "$VIP"
P1=$(t_pid r1)
t_eq priv_effective_caps "$(cap "$P1" CapEff)" "$(want_caps)"
t_eq priv_permitted_caps "$(cap "$P1" CapPrm)" "$(want_caps)"
t_eq priv_no_inheritable_caps "$(cap "$P1" CapInh)" 0000000000000000
t_eq priv_no_ambient_caps "$(cap "$P1" CapAmb)" 0000000000000000
t_check priv_script_ran t_wait_ms 2000 test -s "$REC"
t_check priv_script_run_directly grep -qx "parent vrrpd" "$REC"
t_eq priv_script_has_root_caps "$(awk '$1 == "CapEff:" { print $2 }' "$REC")" \
	"$(cap "$P1" CapBnd)"
# With what it kept: atropos's request, the step down (VIPs off, VMAC down), the takeover.
t_check priv_atropos_backup_works lab_exec r1 "$ATROPOS" --pin-dir "/sys/fs/bpf/$LAB_PREFIX-r1" \
	-f "$LAB_DIR/r1" -i eth0 -v 51 --backup
t_check priv_step_down_works t_wait_ms 3000 t_only r2 "$VIP"
t_check priv_atropos_resume_works lab_exec r1 "$ATROPOS" --pin-dir "/sys/fs/bpf/$LAB_PREFIX-r1" \
	-f "$LAB_DIR/r1" -i eth0 -v 51 --resume
t_check priv_takeover_works t_wait_ms 3000 t_only r1 "$VIP"

# --- 3. Nothing writable by others ------------------------------------------------------------------
writable() {
	find "/sys/fs/bpf/$LAB_PREFIX-r1" "$LAB_DIR/r1" -perm /022 2>/dev/null
}
t_eq priv_nothing_group_or_world_writable "$(writable)" "" "writable: $(writable | tr '\n' ' ')"
OPEN=$LAB_DIR/open
mkdir -p "$OPEN"
chmod 1777 "$OPEN"
OUT=$(lab_exec r1 "$VRRPD" --foreground --pin-dir "/sys/fs/bpf/$LAB_PREFIX-r1" -f "$OPEN" \
	-i eth0 -v 52 10.99.0.150 2>&1)
RC=$?
t_eq priv_open_run_dir_refused "$RC" 1 "exit status $RC: $OUT"
t_eq priv_open_run_dir_nothing_started "$(t_cfg_vrids r1)" 51
t_eq priv_open_run_dir_message "$OUT" \
	"vrrpd: run directory $OPEN must be root's alone: owner uid 0, mode 777 (writable by others)"

# --- 4. atropos and what is not ours ---------------------------------------------------------------
A=(--pin-dir "/sys/fs/bpf/$LAB_PREFIX-r1" -i eth0 -v 51)
# a. The instance's socket replaced by one of another user (nobody), in a run directory of
# our own: atropos sends nothing to it.
FAKE=$LAB_DIR/fake
chmod 711 "$LAB_DIR" # nobody reaches its own directory below
mkdir -m 0711 "$FAKE"
chown nobody "$FAKE"
SOCK=$FAKE/vrrpd-eth0-51.sock
setpriv --reuid=nobody --regid=nogroup --clear-groups "$PY" -c '
import socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
s.bind(sys.argv[1]); s.listen(1)
c, _ = s.accept(); open(sys.argv[1] + ".got", "w").write(c.recv(100).decode()); time.sleep(5)
' "$SOCK" &
HOSTILE+=($!)
t_wait_ms 2000 test -S "$SOCK"
OUT=$(lab_exec r1 "$ATROPOS" "${A[@]}" -f "$FAKE" --backup 2>&1)
RC=$?
t_check priv_atropos_refuses_foreign_socket eval '[ "$RC" != 0 ]'
t_check priv_atropos_foreign_socket_message grep -q \
	"^atropos: $SOCK is not a socket of uid 0: not using it" <<<"$OUT"
t_check priv_atropos_sent_nothing_to_foreign_socket eval '[ ! -e "$SOCK.got" ]'
# b. A root-owned socket, but served by a process that is not the instance's vrrpd.
ROOTFAKE=$LAB_DIR/rootfake
mkdir -m 0700 "$ROOTFAKE"
SOCK=$ROOTFAKE/vrrpd-eth0-51.sock
"$PY" -c '
import socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
s.bind(sys.argv[1]); s.listen(1)
c, _ = s.accept(); c.settimeout(3)
try: open(sys.argv[1] + ".got", "w").write(c.recv(100).decode())
except OSError: pass
time.sleep(5)
' "$SOCK" &
HOSTILE+=($!)
t_wait_ms 2000 test -S "$SOCK"
OUT=$(lab_exec r1 "$ATROPOS" "${A[@]}" -f "$ROOTFAKE" --backup 2>&1)
RC=$?
t_check priv_atropos_refuses_impostor eval '[ "$RC" != 0 ]'
t_check priv_atropos_impostor_message grep -q \
	"^atropos: $SOCK is served by pid [0-9]* (uid 0), not by vrrpd pid $P1 of eth0 vrid 51: not using it" \
	<<<"$OUT"
t_check priv_atropos_sent_nothing_to_impostor eval '[ ! -s "$SOCK.got" ]'
t_check priv_r1_still_master t_only r1 "$VIP"
# c. Maps pinned by another user.
OTHER=/sys/fs/bpf/$LAB_PREFIX-other
mkdir -p "$OTHER"
for m in vrrpd_cfg vrrpd_stats vrrpd_vip vrrpd_group; do
	bpftool map pin pinned "/sys/fs/bpf/$LAB_PREFIX-r1/$m" "$OTHER/$m"
done
chown nobody "$OTHER/vrrpd_cfg"
OUT=$("$ATROPOS" --pin-dir "$OTHER" --state 2>&1)
RC=$?
t_eq priv_atropos_refuses_foreign_maps "$RC" 2 "exit status $RC: $OUT"
t_check priv_atropos_foreign_maps_message grep -q \
	"^atropos: $OTHER/vrrpd_cfg belongs to uid [0-9]*, not to us: not reading it" <<<"$OUT"
rm -rf "$OTHER"
t_stop r1
t_stop r2
t_done
