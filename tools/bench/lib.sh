#!/bin/bash
# shellcheck disable=SC2034 # BENCH_* are read by the scripts that source this
# What the benchmarks share on top of the test lab (tests/netns/lib.sh and checks.sh): the two
# implementations started the same way in a router of the lab, faults, and the machine's
# description. Sourced by tools/bench/*.sh.
# shellcheck source=tests/netns/checks.sh
. "$(dirname "${BASH_SOURCE[0]}")/../../tests/netns/checks.sh"

BENCH_ROOT=$LAB_ROOT
BENCH_BIN=$BENCH_ROOT/build/bench
ATROPOS=$BENCH_ROOT/build/atropos
BENCH_VRID=${BENCH_VRID:-51}
BENCH_VMAC=$(t_vmac "$BENCH_VRID")

# bench_args "$@": a part's options, --quick, --json FILE and (idle.sh, track.sh) --window
# SECONDS: sets QUICK (0 or 1), JSON and W (empty: the part's default), or exits 2 with the usage.
bench_args() {
	local usage="usage: $(basename "$0") [--quick] [--window SECONDS] --json FILE"
	QUICK=0
	JSON=
	W=
	while [ $# -gt 0 ]; do
		case $1 in
		--quick) QUICK=1 ;;
		--json | --window)
			if [ $# -lt 2 ]; then
				echo "$usage" >&2
				exit 2
			fi
			if [ "$1" = --json ]; then JSON=$2; else W=$2; fi
			shift
			;;
		*)
			echo "$usage" >&2
			exit 2
			;;
		esac
		shift
	done
	if [ -z "$JSON" ]; then
		echo "$usage" >&2
		exit 2
	fi
}

# bench_unmeasurable WHY: ends a part that this kernel cannot run: the report lists it as "not
# measurable here" with WHY (the kernel's own words), and make bench still succeeds. Exit 4;
# tools/bench/run.sh gives the file in BENCH_NM.
bench_unmeasurable() {
	echo "$(basename "$0"): not measurable here: $*" >&2
	[ -z "${BENCH_NM:-}" ] || printf '%s\n' "$*" >"$BENCH_NM"
	exit 4
}

# bench_kernel_check: the lab's parts (failover, flood, starve, idle) need network namespaces,
# veth pairs and a bridge; a kernel without them makes the part not measurable here.
bench_kernel_check() {
	local why
	why=$(unshare --net sh -c 'ip link add vbk0 type veth peer name vbk1 &&
		ip link add vbk2 type bridge' 2>&1) ||
		bench_unmeasurable "cannot make the lab here (a network namespace with a veth pair" \
			"and a bridge): $(paste -sd ' ' <<<"$why")"
}

# bench_changes IMPL R: how many state changes router R's daemon has logged so far.
bench_changes() {
	if [ "$1" = vrrpd ]; then
		grep -c 'we are now' "$LAB_DIR/$2.log"
	else
		grep -c 'Entering .* STATE' "$LAB_DIR/$2.log"
	fi
}

# bench_int_s MS: an interval in ms as the seconds both daemons take (0.01, 0.1, 1).
bench_int_s() { awk -v ms="$1" 'BEGIN { printf "%g", ms / 1000 }'; }

# bench_start IMPL R PRIO INT_MS [VRID VIP]...: one router of the lab as IMPL (vrrpd or
# keepalived), priority PRIO, advertising every INT_MS, with a virtual MAC on both sides:
# vrrpd's default macvlan, keepalived's use_vmac. With no VRID/VIP pairs, one instance
# BENCH_VRID for LAB_VIP. keepalived's priority can be moved at run time through the file
# $LAB_DIR/R.track (a track_file: the value is added to the priority), as atropos --priority
# does for vrrpd. Returns once the daemon runs.
bench_start() {
	local impl=$1 r=$2 prio=$3 int=$4 conf vrid vip
	shift 4
	[ $# -gt 0 ] || set -- "$BENCH_VRID" "$LAB_VIP"
	if [ "$impl" = vrrpd ]; then
		while [ $# -gt 0 ]; do
			# shellcheck disable=SC2086 # BENCH_VRRPD_ARGS: words to add, e.g. --no-kernel-timer
			LAB_TAG=v$1 lab_vrrpd "$r" -i eth0 -v "$1" -p "$prio" -d "$(bench_int_s "$int")" \
				${BENCH_VRRPD_ARGS:-} "$2" >/dev/null
			shift 2
		done
		return 0
	fi
	# What a keepalived killed with -9 left (vrrp.VRID with the VIP, still answering ARP) is
	# removed, as an operator would before starting it again; vrrpd's start does that itself.
	lab_exec "$r" ip -o link show | awk -F': ' '{ sub(/@.*/, "", $2); print $2 }' |
		grep '^vrrp\.' | while read -r k; do lab_exec "$r" ip link del "$k"; done
	conf=$LAB_DIR/$r.keepalived.conf
	{
		printf 'global_defs {\n\trouter_id %s\n\tvrrp_version 3\n}\n' "$r"
		printf 'track_file tf {\n\tfile "%s"\n\tweight 1\n\tinit_file 0 overwrite\n}\n' \
			"$LAB_DIR/$r.track"
		while [ $# -gt 0 ]; do
			vrid=$1 vip=$2
			shift 2
			printf 'vrrp_instance VI_%s {\n\tstate BACKUP\n\tinterface eth0\n' "$vrid"
			printf '\tvirtual_router_id %s\n\tpriority %s\n\tadvert_int %s\n' "$vrid" "$prio" \
				"$(bench_int_s "$int")"
			printf '\tuse_vmac\n\ttrack_file {\n\t\ttf\n\t}\n'
			printf '\tvirtual_ipaddress {\n\t\t%s/32\n\t}\n}\n' "$vip"
		done
	} >"$conf"
	rm -f "$LAB_DIR/$r.ka.pid" "$LAB_DIR/$r.ka-vrrp.pid"
	nsenter --net="/run/netns/$(lab_ns "$r")" keepalived -n -l -G -D -P -f "$conf" \
		-p "$LAB_DIR/$r.ka.pid" -r "$LAB_DIR/$r.ka-vrrp.pid" >>"$LAB_DIR/$r.log" 2>&1 &
	LAB_PID[$r.ka]=$!
	t_wait_ms 5000 test -s "$LAB_DIR/$r.ka-vrrp.pid"
}

# bench_pids IMPL R: the pids of IMPL's processes in router R (keepalived: parent and child).
bench_pids() {
	local k
	if [ "$1" = keepalived ]; then
		echo "${LAB_PID[$2.ka]:-}"
		cat "$LAB_DIR/$2.ka-vrrp.pid" 2>/dev/null
		return 0
	fi
	for k in "${!LAB_PID[@]}"; do
		case $k in "$2".v*) echo "${LAB_PID[$k]}" ;; esac
	done
}

# bench_stop IMPL R [SIGNAL]: stops what bench_start started in R and waits for it. What a
# SIGKILL leaves stays until the next bench_start (so the captures see what it does meanwhile).
bench_stop() {
	local impl=$1 r=$2 sig=${3:-TERM} k child
	if [ "$impl" = keepalived ]; then
		child=$(cat "$LAB_DIR/$r.ka-vrrp.pid" 2>/dev/null)
		if [ "$sig" = KILL ]; then
			# Frozen first, as in test_keepalived: no clean-up on the parent's death.
			kill -STOP "$(t_pid "$r" ka)" ${child:+"$child"} 2>/dev/null
			kill -9 "$(t_pid "$r" ka)" ${child:+"$child"} 2>/dev/null
			t_reap "$r" ka
		else
			t_stop "$r" ka "$sig"
		fi
		return 0
	fi
	for k in "${!LAB_PID[@]}"; do
		case $k in "$r".v*) t_stop "$r" "${k#*.}" "$sig" ;; esac
	done
	return 0
}

# bench_priority IMPL R PRIO BASE: moves R's (only) instance to priority PRIO at run time
# (BASE: the configured one): atropos --priority, or keepalived's track file.
bench_priority() {
	if [ "$1" = vrrpd ]; then
		lab_exec "$2" "$ATROPOS" --pin-dir "/sys/fs/bpf/$LAB_PREFIX-$2" -f "$LAB_DIR/$2" \
			--priority "$3" >/dev/null
	else
		echo $(($3 - $4)) >"$LAB_DIR/$2.track"
	fi
}

# bench_is_backup IMPL R: the log of R says its instance is a backup (last state change).
bench_is_backup() {
	local pat
	if [ "$1" = vrrpd ]; then
		pat='we are now (a backup|the master|in FAULT)'
	else
		pat='Entering (BACKUP|MASTER|FAULT) STATE'
	fi
	grep -Eo "$pat" "$LAB_DIR/$2.log" 2>/dev/null | tail -1 | grep -Eq 'backup|BACKUP'
}

# bench_machine: the machine, as JSON.
bench_machine() {
	local cpu
	cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
	jq -n --arg cpu "$cpu" --arg kernel "$(uname -r)" --argjson cores "$(nproc)" \
		--arg ka "$(keepalived --version 2>&1 | head -1)" --arg date "$(date -u +%FT%TZ)" \
		--arg commit "$(git -C "$BENCH_ROOT" describe --always --dirty 2>/dev/null)" \
		'{cpu: $cpu, cores: $cores, kernel: $kernel, keepalived: $ka, date: $date,
		  commit: $commit}'
}

# bench_gaps_start R: records the adverts router R sends (its own eth0, outgoing), to tell a
# master that really went silent (a loaded host) from a false takeover.
bench_gaps_start() { t_capture "gaps-$1" "$1" eth0 -B 65536 -Q out 'ip proto 112'; }

# bench_gaps_stop R: stops that and prints the longest gap between R's adverts, in ms; how many
# R sent goes into $LAB_DIR/gaps-R.n, how many frames the capture lost into $LAB_DIR/gaps-R.lost
# (a lost advert reads as a longer gap).
bench_gaps_stop() {
	t_capture_stop "gaps-$1"
	awk '/packets dropped by kernel/ { n = $1 } END { print n + 0 }' \
		"$LAB_DIR/gaps-$1.tcpdump.err" >"$LAB_DIR/gaps-$1.lost"
	t_capture_read "gaps-$1" | awk -v nf="$LAB_DIR/gaps-$1.n" '
		{ t = $1 * 1000; if (n++ && t - p > m) m = t - p; p = t }
		END { printf "%.1f\n", m; print n + 0 > nf }'
	rm -f "$LAB_DIR/gaps-$1.pcap"
}

# bench_vip_delays R T0_US REGEX N: from what t_addr_watch R wrote down, the delays from T0_US
# (wall clock, µs since the epoch) until each address matching REGEX was added in R (its first
# addition after T0_US), as JSON:
# {"n", "want", "p50_ms", "p99_ms", "max_ms"} (nulls when none was added).
bench_vip_delays() {
	/usr/bin/python3 - "$LAB_DIR/addrwatch-$1.txt" "$2" "$3" "$4" <<'PY'
import datetime, json, re, sys
path, t0, regex, want = sys.argv[1], int(sys.argv[2]) / 1e6, re.compile(sys.argv[3]), int(sys.argv[4])
first = {}
for line in open(path, errors="replace"):
    m = re.match(r"\[(\S+)\]\s+(Deleted\s+)?\d+:\s+\S+\s+inet6?\s+(\S+)", line)
    if not m or m.group(2) or not regex.search(m.group(3)):
        continue
    t = datetime.datetime.fromisoformat(m.group(1)).timestamp()  # ip prints local time
    if t >= t0 and m.group(3) not in first:
        first[m.group(3)] = (t - t0) * 1000
d = sorted(first.values())
q = lambda p: round(d[min(len(d) - 1, int(p * len(d)))], 3) if d else None
print(json.dumps({"n": len(d), "want": want, "p50_ms": q(0.5), "p99_ms": q(0.99),
                  "max_ms": round(d[-1], 3) if d else None}))
PY
}
