#!/bin/bash
# Long-running and memory checks (issue 9):
#   1. valgrind: vrrpd (the plain build) under memcheck through start-up, takeovers both ways,
#      atropos's requests and a clean stop: no error, no definite leak, no descriptor of its own
#      left open at exit; atropos under memcheck reading and asking: no error, no leak. tests/netns/valgrind.supp holds only false reports of valgrind's bpf(2)
#      wrapper on libbpf's calls.
#   2. soak: SOAK_SECS (60 in make check, make soak: 600) of takeovers back and forth every few
#      hundred ms; the master's and the backup's open descriptors, resident memory and every
#      map's entries are the same at the end as after a warm-up of a few cycles. The plain
#      build: ASan's quarantine would make resident memory meaningless (the sanitizer builds
#      check leaks in the other tests).
set -u
# shellcheck source=tests/netns/checks.sh
. "$(dirname "${BASH_SOURCE[0]}")/checks.sh"
t_require test_soak
t_need test_soak valgrind
SOAK_SECS=${SOAK_SECS:-60}
VRRPD=$LAB_ROOT/build/vrrpd
ATROPOS=$LAB_ROOT/build/atropos
trap lab_down EXIT
trap 'exit 1' INT TERM
lab_up "vts$$"
VIP=$LAB_VIP

# atropos in router R on its VRID 51 instance ($ATROPOS may be a command with arguments).
at() {
	local r=$1
	shift
	# shellcheck disable=SC2086
	lab_exec "$r" $ATROPOS --pin-dir "/sys/fs/bpf/$LAB_PREFIX-$r" -f "$LAB_DIR/$r" -i eth0 -v 51 \
		"$@" >/dev/null
}

# --- 1. valgrind -------------------------------------------------------------------------------
t_phase
VG=$LAB_DIR/valgrind.log
mkdir -p "$LAB_DIR/r1"
nsenter --net="/run/netns/$(lab_ns r1)" valgrind -q --error-exitcode=99 --leak-check=full \
	--errors-for-leak-kinds=definite --track-fds=yes \
	--suppressions="$LAB_ROOT/tests/netns/valgrind.supp" --log-file="$VG" \
	"$VRRPD" --foreground --pin-dir "/sys/fs/bpf/$LAB_PREFIX-r1" -f "$LAB_DIR/r1" \
	-i eth0 -v 51 -p 200 -d 0.2 "$VIP" >>"$LAB_DIR/r1.log" 2>&1 &
LAB_PID[r1.vg]=$!
t_start r2 main -i eth0 -v 51 -p 100 -d 0.2 "$VIP"
t_check soak_valgrind_master t_wait_ms 20000 t_only r1 "$VIP"
for i in 1 2; do
	at r1 --backup
	t_wait_ms 5000 t_only r2 "$VIP" || t_fail "soak_valgrind_step_down_$i"
	at r1 --resume
	t_wait_ms 5000 t_only r1 "$VIP" || t_fail "soak_valgrind_take_back_$i"
done
# atropos too, reading (--state, --json) and asking (--garp).
for args in --state "--state --json" --garp; do
	# shellcheck disable=SC2086 # the arguments are words
	ATROPOS="valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
		--suppressions=$LAB_ROOT/tests/netns/valgrind.supp $LAB_ROOT/build/atropos" at r1 $args
	RC=$?
	t_eq "soak_valgrind_atropos_${args//[ -]/}" "$RC" 0 "valgrind exit $RC"
done
t_stop r1 vg
RC=$?
t_eq soak_valgrind_no_errors_no_leaks "$RC" 0 "valgrind exit $RC: $(head -c 2000 "$VG")"
# Descriptors open at exit that vrrpd opened itself carry a stack ("at 0x...: open", ...); those
# inherited from the test do not.
# First that the report is there at all (--track-fds writes it at exit), then what it says.
t_check soak_valgrind_descriptor_report grep -q '^==[0-9]*== FILE DESCRIPTORS: [0-9]* open' "$VG"
OWN=$(grep -A1 '^==[0-9]*== Open ' "$VG" | grep -c ' at 0x')
t_eq soak_valgrind_no_descriptor_left "$OWN" 0 "$(grep -A3 '^==[0-9]*== Open ' "$VG")"
t_check soak_valgrind_clean_stop t_log_has r1 "VRRP ID 51 on eth0: stopped"
t_stop r2

# --- 2. soak -----------------------------------------------------------------------------------
t_phase
t_start r1 main -i eth0 -v 51 -p 200 -d 0.05 "$VIP"
t_start r2 main -i eth0 -v 51 -p 100 -d 0.05 "$VIP"
t_wait_ms 4000 t_only r1 "$VIP"

maps() {
	local m n out=""
	for m in vrrpd_cfg vrrpd_rx vrrpd_stats vrrpd_vip vrrpd_events vrrpd_group; do
		# An error object ({"error": ...}) has a length too: only an array counts.
		n=$(bpftool -j map dump pinned "/sys/fs/bpf/$LAB_PREFIX-$1/$m" 2>/dev/null |
			jq 'if type == "array" then length else "error" end')
		n=${n:-error}
		out="$out $m=$n"
	done
	echo "${out# }"
}
fds() { find "/proc/$(t_pid "$1")/fd" -mindepth 1 2>/dev/null | wc -l; }
rss_kib() { awk '$1 == "VmRSS:" { print $2 }' "/proc/$(t_pid "$1")/status"; }
CYCLES=0
cycle() {
	at r1 --backup && t_wait_ms 3000 t_only r2 "$VIP" &&
		at r1 --resume && t_wait_ms 3000 t_only r1 "$VIP" && CYCLES=$((CYCLES + 1))
}
# Warm-up: the allocator and libnl's caches settle in the first cycles.
for _ in 1 2 3 4 5; do cycle; done
FD1=$(fds r1) FD2=$(fds r2) RSS1=$(rss_kib r1) RSS2=$(rss_kib r2) M1=$(maps r1) M2=$(maps r2)
# The maps are there to compare: each read as a count.
t_check soak_maps_readable eval '[[ "$M1 $M2" != *error* ]]'
t_check soak_fds_readable eval '[ "$FD1" -gt 0 ] && [ "$FD2" -gt 0 ]' 
T1=$(t_stat r1 51 adverts_rcvd)
END=$((SECONDS + SOAK_SECS))
FAILS=0
while [ $SECONDS -lt $END ]; do
	cycle || FAILS=$((FAILS + 1))
done
echo "# soak: $CYCLES takeover cycles in ${SOAK_SECS}s (+ warm-up), $FAILS slow;" \
	"r1 fds $FD1 -> $(fds r1), RSS $RSS1 -> $(rss_kib r1) KiB;" \
	"r2 fds $FD2 -> $(fds r2), RSS $RSS2 -> $(rss_kib r2) KiB;" \
	"r1 adverts received $(($(t_stat r1 51 adverts_rcvd) - T1))"
t_check soak_cycles_done eval '[ "$CYCLES" -ge 20 ]'
t_eq soak_every_cycle_completed "$FAILS" 0
t_eq soak_master_fds_constant "$(fds r1)" "$FD1"
t_eq soak_backup_fds_constant "$(fds r2)" "$FD2"
t_eq soak_master_maps_constant "$(maps r1)" "$M1"
t_eq soak_backup_maps_constant "$(maps r2)" "$M2"
# Resident memory: pages come and go (stack, libnl's buffers); a leak per cycle would show as
# steady growth. More than 256 KiB over hundreds of cycles is one.
grew() { [ $(($(rss_kib "$1") - $2)) -le 256 ]; }
t_check soak_master_memory_flat grew r1 "$RSS1"
t_check soak_backup_memory_flat grew r2 "$RSS2"
t_check soak_alive eval 't_alive r1 && t_alive r2'
t_stop r1
t_stop r2
t_done
