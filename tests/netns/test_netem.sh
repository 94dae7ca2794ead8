#!/bin/bash
# Advert loss, delay and reordering with tc netem on the master's port (CONFORMANCE.md S2, S4, T1):
# transitions happen only when the RFC says they must. A backup must take over exactly when no
# advert arrived for Master_Down_Interval, and at no other time. The test captures the adverts
# the backup really received (tcpdump on its eth0; the backup runs with --pass-adverts, so that
# the adverts its XDP program recorded go on to the stack where tcpdump sees them), finds the gaps longer
# than Master_Down_Interval, and compares them with the takeovers in the backup's log:
#   - no takeover without such a gap (no false takeover);
#   - a takeover for every gap clearly longer than it (none missed).
# Gaps within TOL of Master_Down_Interval may go either way (timer and capture jitter).
# Needs the netem qdisc (Debian's kernel: make check-vm).
set -u
# shellcheck source=tests/netns/checks.sh
. "$(dirname "${BASH_SOURCE[0]}")/checks.sh"
t_require test_netem
if ! lab_kernel_has_netem; then
	echo "skip test_netem: this kernel has no netem qdisc (sch_netem); run make check-vm"
	exit 0
fi
t_need test_netem tcpdump

VIP=$LAB_VIP
LAST_GOT=0
SECS=${NETEM_SECS:-20} # per scenario: 100 adverts at -d 0.2
MDI=$(t_mdi_ms 20 100)   # 722 ms for the backup (priority 100, 200 ms interval)
TOL=60
trap lab_down EXIT
trap 'exit 1' INT TERM
lab_up "vtn$$"

t_start r1 main -i eth0 -v 81 -p 200 -d 0.2 "$VIP"
# --pass-adverts: r2's capture below sees r1's adverts (they end in XDP otherwise).
t_start r2 main -i eth0 -v 81 -p 100 -d 0.2 --pass-adverts "$VIP"
t_wait_ms 5000 t_only r1 "$VIP" || t_fail netem_setup "no master"
t_wait_ms 3000 t_log_has r2 "VRRP ID 81 on eth0: master is 10\.99\.0\.1"

takeovers() { grep -c "VRRP ID 81 on eth0: we are now the master router" "$LAB_DIR/r2.log"; }

# scenario NAME NETEM-ARGS...: netem on r1's eth0 for SECS, with r2's capture around it.
scenario() {
	local name=$1 cap=$LAB_DIR/$1.cap pid before after gaps
	shift
	nsenter --net="/run/netns/$(lab_ns r2)" tcpdump -i eth0 -n -tt -l -p \
		'ip proto 112 and src host 10.99.0.1' >"$cap" 2>"$cap.err" &
	pid=$!
	t_wait_ms 5000 grep -q "listening on" "$cap.err"
	before=$(takeovers)
	lab_exec r1 tc qdisc add dev eth0 root netem "$@"
	sleep "$SECS"
	lab_exec r1 tc qdisc del dev eth0 root
	sleep 2 # the last gap ends with the first advert after the loss stops
	after=$(takeovers)
	kill "$pid"
	wait "$pid" 2>/dev/null
	# Gaps between consecutive adverts received, in ms: "over" clearly longer than MDI,
	# "maybe" within TOL of it.
	gaps=$(awk -v mdi="$MDI" -v tol="$TOL" '
		{ t = $1 * 1000; if (n++) { g = t - last; if (g > mdi + tol) over++;
		  else if (g > mdi - tol) maybe++ } last = t }
		END { printf "%d %d %d\n", n, over, maybe }' "$cap")
	set -- $gaps
	local rcvd=$1 over=$2 maybe=$3 got=$((after - before))
	LAST_GOT=$got
	# Without the frames, no gap is found and every check below passes: the capture must see them.
	t_check "netem_${name}_capture_saw_adverts" [ "$rcvd" -ge 10 ]
	echo "# netem_$name: $rcvd adverts received in ${SECS}s, gaps > MDI ($MDI ms): $over" \
		"(+$maybe within ${TOL} ms), takeovers: $got"
	if [ "$got" -le $((over + maybe)) ]; then
		t_ok "netem_${name}_no_false_takeover"
	else
		t_fail "netem_${name}_no_false_takeover" "$got takeovers for $over (+$maybe) gaps"
	fi
	if [ "$got" -ge "$over" ]; then
		t_ok "netem_${name}_no_missed_takeover"
	else
		t_fail "netem_${name}_no_missed_takeover" "$got takeovers for $over gaps"
	fi
	# Whatever happened, the higher priority router is master again afterwards.
	t_check "netem_${name}_r1_master_after" t_wait_ms 3000 t_only r1 "$VIP"
}

scenario loss5 loss 5%
scenario loss20 loss 20%
scenario loss40 loss 40%
# Constant delay and reordering lose nothing: no takeover at all.
scenario delay50 delay 50ms
t_eq netem_delay50_no_takeover "$LAST_GOT" 0
scenario reorder delay 100ms reorder 50%
t_eq netem_reorder_no_takeover "$LAST_GOT" 0
t_stop r1
t_stop r2
t_done
