#!/bin/bash
# The benchmark harness still works (issue 8): make bench's small version (BENCH_QUICK=1) runs
# every part against vrrpd and keepalived and writes results.json, the report and the plots.
# Nothing here is about speed; what is checked is that each part measured what it claims: the
# XDP cases took their path, every failover run had a takeover with its times in the capture,
# the floods and starvation ran on both implementations, idle rows came with both roles, the
# shared health check ran under both with every instance master.
set -u
# shellcheck source=tests/netns/checks.sh
. "$(dirname "${BASH_SOURCE[0]}")/checks.sh"
t_require test_bench
t_need test_bench keepalived trafgen gnuplot

OUT=$(mktemp -d /tmp/vtb$$.XXXX)
trap 'rm -rf "$OUT"' EXIT
trap 'exit 1' INT TERM
START=$SECONDS
BENCH_QUICK=1 BENCH_OUT=$OUT bash "$LAB_ROOT/tools/bench/run.sh" >"$OUT/log" 2>&1
RC=$?
echo "# make bench (quick) took $((SECONDS - START)) s"
R=$OUT/results.json
if [ $RC -ne 0 ]; then
	t_fail bench_quick_runs "exit status $RC"
	tail -n 40 "$OUT/log" >&2
else
	t_ok bench_quick_runs
fi
q() { jq -r "$1" "$R" 2>/dev/null; }

t_eq bench_results_all_parts "$(q '[.xdp, .failover, .flood, .starve, .idle, .track] | map(. != null) | all')" true
t_eq bench_machine_recorded "$(q '.machine | (.cpu | length > 0) and (.kernel | length > 0)')" true
# xdp_cost exits non-zero when a case does not take its path, so rows mean checked verdicts.
t_eq bench_xdp_cases "$(q '[.xdp.rows[] | select(.mode == "repeat") | .name] | sort | join(" ")')" \
	"advert_bad_csum advert_event advert_fast advert_invalid arp_other empty timestamp udp64"
t_eq bench_xdp_arp_reply_tx "$(q '[.xdp.rows[] | select(.name == "arp_reply") | .verdict] | unique | join(" ")')" \
	XDP_TX
# 2 implementations x 4 faults, every run with a takeover and its first advert in the capture.
t_eq bench_failover_scenarios "$(q '.failover | length')" 8
t_eq bench_failover_all_runs_measured \
	"$(q '[.failover[] | .detail[] | select(.status != "ok" or .advert_ms == null)] | length')" 0 \
	"$(q '[.failover[] | select(.ok != .runs) | "\(.impl) \(.fault): \(.detail | map(.status))"] | join("; ")')"
# The capture kept every frame (a lost one can be a takeover's first advert: read as late): all
# 8 captures say how many they dropped, and none dropped any.
t_eq bench_failover_capture_complete \
	"$(q '[.failover[].capture_dropped | numbers] | "\(length) \(map(select(. > 0)) | length)"')" \
	"8 0" "$(q '[.failover[] | "\(.impl) \(.fault): \(.capture_dropped)"] | join("; ")')"
t_eq bench_failover_errors_measured \
	"$(q '[.failover[] | .detail[] | select(.error_ms == null)] | length')" 0
t_eq bench_flood_both "$(q '[.flood.rows[].impl] | unique | join(" ")')" "keepalived vrrpd"
t_eq bench_flood_rate_reached "$(q '[.flood.rows[] | select(.pps < 1000)] | length')" 0
t_eq bench_flood_valid_both \
	"$(q '[.flood.rows[] | select(.flood == "valid") | .impl] | unique | join(" ")')" \
	"keepalived vrrpd"
# During a valid flood both masters were stopped and both backups took over (with the times).
t_eq bench_flood_during "$(q '[.flood.during[] | select((.sigterm_exit_ms | type) == "number" and (.backup_holds_vip_ms | type) == "number") | .impl] | sort | join(" ")')" \
	"keepalived vrrpd"
t_eq bench_flood_master_rate "$(q '[.flood.rows[] | select(.master_adverts_per_s | type != "number")] | length')" 0
t_eq bench_starve_cases "$(q '[.starve.rows[] | "\(.impl):\(.case)"] | sort | join(" ")')" \
	"keepalived:cpu1pct keepalived:sigstop vrrpd:cpu1pct vrrpd:sigstop"
t_eq bench_idle_roles "$(q '[.idle.rows[] | "\(.impl):\(.role)"] | unique | join(" ")')" \
	"keepalived:backup keepalived:master vrrpd-c:backup vrrpd-c:master vrrpd:backup vrrpd:master"
t_eq bench_idle_in_role "$(q '[.idle.rows[] | select(.all_in_role != true)] | length')" 0
t_eq bench_idle_machine_busy \
	"$(q '[.idle.rows[] | select((.machine_busy_pct | type) != "number" or .machine_busy_pct <= 0 or (.transitions | type) != "number")] | length')" 0
# The check ran during the window (its runs counted) under both, every instance master, the
# daemon's CPU measured.
t_eq bench_track_both \
	"$(q '[.track.rows[] | select(.check == "script" and .runs >= 1 and .all_master and .cpu_ms_per_s > 0) | .impl] | sort | join(" ")')" \
	"keepalived vrrpd" "$(q '.track.rows | map(tostring) | join("; ")')"
t_check bench_report_targets grep -q '^## Targets' "$OUT/report.md"
# What this kernel could not run is in the report with a reason (on this machine: nothing).
t_eq bench_unmeasurable_reasons "$(q '[.not_measurable[] | select((.reason | length) == 0)] | length')" 0
t_eq bench_unmeasurable_reported \
	"$(q '.not_measurable | length')" "$(grep -c '^- .*: ' <(sed -n '/^## Not measurable here/,/^## /p' "$OUT/report.md"))"
t_check bench_plot_failover test -s "$OUT/plots/failover-100ms-advert.png"
t_check bench_plot_flood test -s "$OUT/plots/flood.png"

# A kernel that refuses live frames (here: a flag it does not know, EINVAL; a locked-down kernel
# answers EPERM): the xdp part measures the rest, the report says the live rows are not
# measurable here and why, and make bench succeeds.
R=$OUT/refused/results.json
BENCH_QUICK=1 BENCH_PARTS=xdp BENCH_OUT=$OUT/refused BENCH_XDP_ARGS="--live-extra-flags 2147483648" \
	bash "$LAB_ROOT/tools/bench/run.sh" >"$OUT/refused.log" 2>&1
RC=$?
t_eq bench_refused_live_succeeds "$RC" 0 "exit status $RC: $(tail -n 5 "$OUT/refused.log")"
WHY=$(q '.not_measurable[] | select(.part == "xdp") | .reason')
t_eq bench_refused_live_reason "$(grep -c 'refused BPF_PROG_TEST_RUN .*Invalid argument (EINVAL)' <<<"$WHY")" 1 \
	"the reason is \"$WHY\""
t_eq bench_refused_live_others_measured \
	"$(q '[.xdp.rows[] | select(.mode != "live" and .ns == null)] | length')" 0
t_eq bench_refused_live_rows_skipped "$(q '[.xdp.rows[] | select(.mode == "live" and .ns == null)] | length')" 2
t_check bench_refused_live_in_report grep -q '^- xdp, live frames .*EINVAL' "$OUT/refused/report.md"
t_check bench_refused_live_target grep -q '^| ARP answered in XDP .*| not measurable here |$' \
	"$OUT/refused/report.md"

# A part that cannot make its lab here (without CAP_NET_ADMIN and CAP_SYS_ADMIN, no namespace):
# not measurable, with the reason, and make bench succeeds.
R=$OUT/nolab/results.json
BENCH_QUICK=1 BENCH_PARTS=starve BENCH_OUT=$OUT/nolab \
	setpriv --bounding-set=-net_admin,-sys_admin bash "$LAB_ROOT/tools/bench/run.sh" >"$OUT/nolab.log" 2>&1
RC=$?
t_eq bench_nolab_succeeds "$RC" 0 "exit status $RC: $(tail -n 5 "$OUT/nolab.log")"
t_eq bench_nolab_whole_part "$(q '.not_measurable[] | "\(.part): \(.what)"')" "starve: the whole part"
t_check bench_nolab_in_report grep -q '^Not measurable here: cannot make the lab here .*unshare' \
	"$OUT/nolab/report.md"
t_eq bench_no_namespace_left "$(ip netns list | grep -cE '^(b[0-9]+n|bfl|bst|vbi|vbt|vbx)[0-9]')" 0
t_done
