#!/bin/bash
# atropos --agentx: the VRRPv3-MIB (RFC 6527) through Debian's snmpd, which the test runs in each
# router's namespace (on that namespace's 127.0.0.1, with a configuration and an AgentX socket of
# its own), with snmptrapd beside r2's for the notifications:
#   1. without snmpd, --agentx says it cannot reach the socket, exit 1;
#   2. r1 (-c: IPv4 VRID 51 and IPv6 VRID 52, priority 200) and r2 (the same, priority 100), a
#      subagent each: snmpwalk -On of 1.3.6.1.2.1.207 has a row per instance with what
#      atropos --json shows (state, priority, master address, VMAC, interval in centiseconds,
#      preempt, accept, the number of VIPs), and the VIPs in the address table; every OID and
#      type the walks hold is one of RFC 6527's, as the table below copies them from it, every
#      object served is there, the one not served is not;
#   3. r1 stops: r2's rows become master(3), their transitions 1 and the reason
#      masterNoResponse (r1 resigned), and snmptrapd receives vrrpv3NewMaster with the master
#      address and the reason; the up time goes on from r2's start;
#   4. crafted adverts from the client (vrrp_probe.py) move vrrpv3RouterChecksumErrors,
#      vrrpv3RouterVersionErrors, vrrpv3RouterVrIdErrors and the row's IP TTL, invalid type and
#      length errors, each by what was sent, and snmptrapd receives vrrpv3ProtoError with each
#      reason (ipTtlError, versionError, checksumError);
#   5. the subagent stops on SIGTERM with status 0, and snmpd no longer serves the MIB.
set -u
# shellcheck source=tests/netns/checks.sh
. "$(dirname "${BASH_SOURCE[0]}")/checks.sh"
t_require test_snmp
t_need test_snmp snmpd snmptrapd snmpwalk snmpget
PY=/usr/bin/python3
if ! "$PY" -c 'import scapy' 2>/dev/null; then
	echo "skip test_snmp: needs python3-scapy"
	exit 0
fi
if [ ! -e /proc/sys/net/ipv6 ]; then
	echo "skip test_snmp: the kernel has no IPv6"
	exit 0
fi
PROBE=$LAB_ROOT/tests/netns/vrrp_probe.py
trap lab_down EXIT
trap 'exit 1' INT TERM
lab_up "vsn$$"

MIB=.1.3.6.1.2.1.207
# RFC 6527, the VRRPV3-MIB module: each object served, its OID under vrrpv3MIB (mib-2 207), its
# SYNTAX, and the type snmpwalk shows for that SYNTAX (InetAddress and MacAddress are OCTET
# STRINGs, Unsigned32 a Gauge32, TimeStamp a TimeTicks; -Ox prints strings in hex).
RFC_OBJECTS="1.1.1.1.3 vrrpv3OperationsMasterIpAddr InetAddress Hex-STRING
1.1.1.1.4 vrrpv3OperationsPrimaryIpAddr InetAddress Hex-STRING
1.1.1.1.5 vrrpv3OperationsVirtualMacAddr MacAddress Hex-STRING
1.1.1.1.6 vrrpv3OperationsStatus INTEGER INTEGER
1.1.1.1.7 vrrpv3OperationsPriority Unsigned32 Gauge32
1.1.1.1.8 vrrpv3OperationsAddrCount Integer32 INTEGER
1.1.1.1.9 vrrpv3OperationsAdvInterval TimeInterval INTEGER
1.1.1.1.10 vrrpv3OperationsPreemptMode TruthValue INTEGER
1.1.1.1.11 vrrpv3OperationsAcceptMode TruthValue INTEGER
1.1.1.1.12 vrrpv3OperationsUpTime TimeTicks Timeticks
1.1.1.1.13 vrrpv3OperationsRowStatus RowStatus INTEGER
1.1.2.1.2 vrrpv3AssociatedIpAddrRowStatus RowStatus INTEGER
1.2.1 vrrpv3RouterChecksumErrors Counter64 Counter64
1.2.2 vrrpv3RouterVersionErrors Counter64 Counter64
1.2.3 vrrpv3RouterVrIdErrors Counter64 Counter64
1.2.4 vrrpv3GlobalStatisticsDiscontinuityTime TimeStamp Timeticks
1.2.5.1.1 vrrpv3StatisticsMasterTransitions Counter32 Counter32
1.2.5.1.2 vrrpv3StatisticsNewMasterReason INTEGER INTEGER
1.2.5.1.3 vrrpv3StatisticsRcvdAdvertisements Counter64 Counter64
1.2.5.1.4 vrrpv3StatisticsAdvIntervalErrors Counter64 Counter64
1.2.5.1.5 vrrpv3StatisticsIpTtlErrors Counter64 Counter64
1.2.5.1.6 vrrpv3StatisticsProtoErrReason INTEGER INTEGER
1.2.5.1.7 vrrpv3StatisticsRcvdPriZeroPackets Counter64 Counter64
1.2.5.1.8 vrrpv3StatisticsSentPriZeroPackets Counter64 Counter64
1.2.5.1.9 vrrpv3StatisticsRcvdInvalidTypePackets Counter64 Counter64
1.2.5.1.11 vrrpv3StatisticsPacketLengthErrors Counter64 Counter64
1.2.5.1.12 vrrpv3StatisticsRowDiscontinuityTime TimeStamp Timeticks
1.2.5.1.13 vrrpv3StatisticsRefreshRate Unsigned32 Gauge32"
# Not served: vrrpd does not count adverts whose address list differs from its own (README).
NOT_SERVED="1.2.5.1.10 vrrpv3StatisticsAddressListErrors"
# RFC 6527: vrrpv3Notifications 1 and 2.
NEW_MASTER=$MIB.0.1
PROTO_ERROR=$MIB.0.2

export SNMP_PERSISTENT_DIR=$LAB_DIR/snmp-persist MIBS=
SNMP=(-v2c -c public -On -Ox -m '' -r 1 -t 3 127.0.0.1)
sock() { echo "$LAB_DIR/agentx-$1.sock"; }
pins() { echo "/sys/fs/bpf/$LAB_PREFIX-$1"; }

# snmpd_start R [TRAPSINK]: snmpd in R's namespace, its own files, on udp 127.0.0.1:161 there.
snmpd_start() {
	local r=$1 conf=$LAB_DIR/snmpd-$1.conf
	{
		echo "master agentx"
		echo "agentXSocket $(sock "$r")"
		echo "agentXPerms 0600 0700"
		echo "view vrrp included .1.3.6.1.2.1.207"
		echo "view vrrp included .1.3.6.1.2.1.1"
		echo "rocommunity public 127.0.0.1 -V vrrp"
		[ -z "${2:-}" ] || echo "trap2sink $2 public"
	} >"$conf"
	nsenter --net="/run/netns/$(lab_ns "$r")" snmpd -f -Lf "$LAB_DIR/snmpd-$r.log" -C -c "$conf" \
		udp:127.0.0.1:161 &
	LAB_PID[cap.snmpd-$r]=$!
	t_wait_ms 10000 test -S "$(sock "$r")"
}

# agentx_start R: the subagent for R's vrrpd, attached to R's snmpd; returns once it serves.
agentx_start() {
	local r=$1
	nsenter --net="/run/netns/$(lab_ns "$r")" "$ATROPOS" --pin-dir "$(pins "$r")" \
		--agentx "$(sock "$r")" 2>>"$LAB_DIR/agentx-$r.log" &
	LAB_PID[cap.agentx-$r]=$!
	t_wait_ms 10000 eval '[ -n "$(walk "$r" | grep -F "$MIB.1.1.1.1.6.")" ]'
}

# walk R [OID]: snmpwalk of OID (the MIB) from R's snmpd, "OID = TYPE: VALUE" a line (the
# endOfMibView line of a walk that reaches the end of the view left out).
walk() {
	lab_exec "$1" snmpwalk "${SNMP[@]}" "${2:-$MIB}" 2>&1 | grep -v '^.* = No more variables'
}
# val FILE OID: the value of OID in a walk's output (Timeticks: the number, strings: the hex).
val() {
	awk -v o="$2" '$1 == o { sub(/^[^=]*= [^:]*: */, ""); sub(/ +$/, ""); print; exit }' "$1" |
		sed -E 's/^\(([0-9]+)\).*/\1/'
}
# hexip ADDR: an address's bytes as snmpwalk -Ox shows them; oidip ADDR: as an index (RFC 4001).
hexip() { "$PY" -c 'import ipaddress,sys; print(" ".join("%02X" % b for b in ipaddress.ip_address(sys.argv[1]).packed))' "$1"; }
oidip() { "$PY" -c 'import ipaddress,sys; b=ipaddress.ip_address(sys.argv[1]).packed; print(".".join(map(str, [len(b), *b])))' "$1"; }
hexmac() { tr a-f A-F <<<"${1//:/ }"; }
J() { t_atropos "$1" --json -s -v "$2" | jq -r ".instances[0] | $3"; }

# row R VRID: what the operations row says, in atropos --json's order, from the walk in FILE.
row() {
	local f=$1 idx=$2
	echo "$(val "$f" "$MIB.1.1.1.1.6.$idx") $(val "$f" "$MIB.1.1.1.1.7.$idx")" \
		"$(val "$f" "$MIB.1.1.1.1.3.$idx")|$(val "$f" "$MIB.1.1.1.1.5.$idx")" \
		"$(val "$f" "$MIB.1.1.1.1.9.$idx") $(val "$f" "$MIB.1.1.1.1.10.$idx")" \
		"$(val "$f" "$MIB.1.1.1.1.11.$idx") $(val "$f" "$MIB.1.1.1.1.8.$idx")"
}
# want R VRID: the same from atropos --json.
want() {
	local st pr mip vmac cs pre acc n
	read -r st pr mip vmac cs pre acc n < <(J "$1" "$2" '[.state, .effective_priority,
		.master_ip, .arp_mac, .adver_int_ms / 10, .preempt, .accept_mode, (.vips | length)] |
		map(tostring) | join(" ")')
	case $st in MASTER) st=3 ;; BACKUP) st=2 ;; *) st=1 ;; esac
	[ "$pre" = true ] && pre=1 || pre=2
	[ "$acc" = true ] && acc=1 || acc=2
	echo "$st $pr $(hexip "$mip")|$(hexmac "$vmac") $cs $pre $acc $n"
}
# vips_in_walk FILE IDX: the address table's rows of a virtual router, as indexes, sorted.
vips_in_walk() {
	awk -v p="$MIB.1.1.2.1.2.$2." 'index($1, p) == 1 { print substr($1, length(p) + 1) }' "$1" |
		sort
}
vips_of() {
	local a
	for a in $(J "$1" "$2" '.vips[]'); do oidip "$a"; done | sort
}

# --- 1. No snmpd --------------------------------------------------------------------------------
# conf PRIORITY: the -c file of both routers, at PRIORITY.
conf() {
	cat <<EOF
-d 0.2 -p $1
vrrp {
	-i eth0 -v 51 10.99.0.100/24
}
vrrp {
	-i eth0 -v 52 2001:db8::100/64 fe80::1
}
EOF
}
conf 200 >"$LAB_DIR/r1.conf"
conf 100 >"$LAB_DIR/r2.conf"
lladdr() { lab_exec "$1" ip -j -6 addr show dev eth0 scope link | jq -r '.[0].addr_info[] | select(.tentative != true) | .local' | head -1; }
t_wait_ms 5000 eval '[ -n "$(lladdr r1)" ] && [ -n "$(lladdr r2)" ]'
t_start r1 main -c "$LAB_DIR/r1.conf"
t_start r2 main -c "$LAB_DIR/r2.conf"
t_check snmp_setup_r1_master t_wait_ms 5000 t_only r1 10.99.0.100
t_wait_ms 3000 eval '[ "$(J r2 51 .master_ip)" = 10.99.0.1 ] && [ "$(J r2 52 .state)" = BACKUP ]'
OUT=$(t_atropos r1 --agentx "$(sock r1)" 2>&1)
RC=$?
t_eq snmp_no_snmpd_status "$RC" 1 "$OUT"
t_check snmp_no_snmpd_says_so grep -q "^atropos: cannot connect to snmpd's AgentX socket $(sock r1): is snmpd running" <<<"$OUT"

# --- 2. The rows, as atropos shows them ----------------------------------------------------------
t_phase
nsenter --net="/run/netns/$(lab_ns r2)" snmptrapd -f -Lf "$LAB_DIR/snmptrapd.log" -C \
	-c /dev/null --disableAuthorization=yes -On -Ox -F 'trap %V|%v\n' udp:127.0.0.1:1162 &
LAB_PID[cap.snmptrapd]=$!
t_wait_ms 5000 grep -qs 'NET-SNMP version' "$LAB_DIR/snmptrapd.log"
snmpd_start r1
snmpd_start r2 127.0.0.1:1162
t_check snmp_agentx_r1_serves agentx_start r1
t_check snmp_agentx_r2_serves agentx_start r2
IF1=$(J r1 51 .ifindex)
IF2=$(J r2 51 .ifindex)
walk r1 >"$LAB_DIR/walk-r1"
walk r2 >"$LAB_DIR/walk-r2"
for r in r1 r2; do
	f=$LAB_DIR/walk-$r
	i=$IF1
	[ $r = r2 ] && i=$IF2
	t_eq "snmp_${r}_vrid51_is_atropos" "$(row "$f" "$i.51.1")" "$(want $r 51)"
	t_eq "snmp_${r}_vrid52_ipv6_is_atropos" "$(row "$f" "$i.52.2")" "$(want $r 52)"
done
t_eq snmp_vmac_ipv4 "$(val "$LAB_DIR/walk-r1" "$MIB.1.1.1.1.5.$IF1.51.1")" "00 00 5E 00 01 33"
t_eq snmp_vmac_ipv6 "$(val "$LAB_DIR/walk-r1" "$MIB.1.1.1.1.5.$IF1.52.2")" "00 00 5E 00 02 34"
t_eq snmp_r1_addresses_ipv4 "$(vips_in_walk "$LAB_DIR/walk-r1" "$IF1.51.1")" "$(vips_of r1 51)"
t_eq snmp_r1_addresses_ipv6 "$(vips_in_walk "$LAB_DIR/walk-r1" "$IF1.52.2" | tr '\n' ' ')" \
	"$(vips_of r1 52 | tr '\n' ' ')"
t_eq snmp_r2_backup_master_address "$(val "$LAB_DIR/walk-r2" "$MIB.1.1.1.1.3.$IF2.51.1")" "0A 63 00 01"
t_eq snmp_r2_primary_address "$(val "$LAB_DIR/walk-r2" "$MIB.1.1.1.1.4.$IF2.51.1")" "0A 63 00 02"
t_eq snmp_r2_not_master_yet "$(val "$LAB_DIR/walk-r2" "$MIB.1.2.5.1.2.$IF2.51.1")" 0
t_eq snmp_r1_reason_master_down "$(val "$LAB_DIR/walk-r1" "$MIB.1.2.5.1.2.$IF1.51.1")" 3
t_eq snmp_r1_transitions "$(val "$LAB_DIR/walk-r1" "$MIB.1.2.5.1.1.$IF1.51.1")" "$(J r1 51 .master_transitions)"
t_eq snmp_no_proto_error_yet "$(val "$LAB_DIR/walk-r2" "$MIB.1.2.5.1.6.$IF2.51.1")" 0
t_eq snmp_refresh_rate "$(val "$LAB_DIR/walk-r2" "$MIB.1.2.5.1.13.$IF2.51.1")" 100
# r2 left Initialize at its start (vrrpd_cfg says so); r1 became master before its subagent came,
# which cannot know when it left Initialize: no up time for r1's rows.
UP=$(lab_exec r2 snmpget "${SNMP[@]}" "$MIB.1.1.1.1.12.$IF2.51.1" | sed -nE 's/.*Timeticks: \(([0-9]+)\).*/\1/p')
SINCE=$(J r2 51 .since)
t_eq snmp_r2_up_time_since_start "$(echo "d = ${UP:-0} / 100 - $SINCE; d < 1 && d > -1" | bc -l)" 1 \
	"up time ${UP:-none} cs, atropos says $SINCE s since its last change, its start"
t_eq snmp_r1_up_time_unknown_not_served "$(grep -c "^$MIB.1.1.1.1.12\." "$LAB_DIR/walk-r1")" 0

# Every object of the walks is one of RFC 6527's, with its type; every one served is there.
cat "$LAB_DIR/walk-r1" "$LAB_DIR/walk-r2" >"$LAB_DIR/walks"
BAD=$(awk -v mib="$MIB." -v objs="$RFC_OBJECTS" '
	BEGIN { n = split(objs, l, "\n"); for (i = 1; i <= n; i++) { split(l[i], f, " "); t[mib f[1] "."] = f[4] } }
	{ ok = 0; for (p in t) if (index($1, p) == 1 && $3 == t[p] ":") ok = 1; if (!ok) print }' "$LAB_DIR/walks")
t_eq snmp_walk_only_rfc_objects_and_types "$BAD" "" "not RFC 6527's, or not of its type: $BAD"
while read -r oid name syntax type; do
	n=$(awk -v p="$MIB.$oid." -v t="$type:" 'index($1, p) == 1 && $3 == t' "$LAB_DIR/walks" | wc -l)
	t_check "snmp_type_${name}_${syntax}" test "$n" -gt 0
done <<<"$RFC_OBJECTS"
read -r oid name <<<"$NOT_SERVED"
t_eq "snmp_not_served_$name" "$(grep -c "^$MIB.$oid\." "$LAB_DIR/walks")" 0

# --- 3. Takeover ---------------------------------------------------------------------------------
t_phase
UP0=$UP
t_stop r1
t_check snmp_takeover_r2_master t_wait_ms 5000 eval \
	'walk r2 >"$LAB_DIR/walk-r2b"; [ "$(val "$LAB_DIR/walk-r2b" "$MIB.1.1.1.1.6.$IF2.51.1")" = 3 ] &&
	[ "$(val "$LAB_DIR/walk-r2b" "$MIB.1.1.1.1.6.$IF2.52.2")" = 3 ]'
# A walk is many requests, each answered from the reading of its time: the one that saw the
# takeover may have read the master address (column 3) before it, the status (6) after. The
# values are taken from a walk made once it is over.
F=$LAB_DIR/walk-r2b
walk r2 >"$F"
t_eq snmp_takeover_is_atropos "$(row "$F" "$IF2.51.1")" "$(want r2 51)"
t_eq snmp_takeover_transitions "$(val "$F" "$MIB.1.2.5.1.1.$IF2.51.1")" 1
t_eq snmp_takeover_reason "$(val "$F" "$MIB.1.2.5.1.2.$IF2.51.1")" 3
t_eq snmp_takeover_master_is_self "$(val "$F" "$MIB.1.1.1.1.3.$IF2.51.1")" "0A 63 00 02"
t_eq snmp_takeover_pri_zero_rcvd "$(val "$F" "$MIB.1.2.5.1.7.$IF2.51.1")" "$(J r2 51 .counters.pri_zero_rcvd)"
UP1=$(val "$F" "$MIB.1.1.1.1.12.$IF2.51.1")
t_check snmp_takeover_up_time_goes_on test "${UP1:-0}" -ge "${UP0:-1}"
# vrrpv3NewMaster: snmpTrapOID.0, then vrrpv3OperationsMasterIpAddr and
# vrrpv3StatisticsNewMasterReason of the row.
traps() { grep -F "= OID: $1|" "$LAB_DIR/snmptrapd.log" 2>/dev/null; }
t_check snmp_trap_new_master t_wait_ms 5000 eval '[ -n "$(traps $NEW_MASTER | grep -F ".$IF2.51.1 ")" ]'
T=$(traps $NEW_MASTER | grep -F ".$IF2.51.1 " | head -1)
t_eq snmp_trap_new_master_varbinds "$(cut -d'|' -f3- <<<"$T" | sed 's/ *|/|/g; s/ *$//')" \
	"$MIB.1.1.1.1.3.$IF2.51.1 = Hex-STRING: 0A 63 00 02|$MIB.1.2.5.1.2.$IF2.51.1 = INTEGER: 3"
t_check snmp_trap_new_master_ipv6 eval '[ -n "$(traps $NEW_MASTER | grep -F "$MIB.1.1.1.1.3.$IF2.52.2 ")" ]'

# --- 4. Crafted adverts --------------------------------------------------------------------------
t_phase
walk r2 >"$LAB_DIR/walk-r2c"
scalar() { val "$1" "$MIB.1.2.$2.0"; }
stat51() { val "$1" "$MIB.1.2.5.1.$2.$IF2.51.1"; }
# send CASE N: N adverts of vrrp_probe.py's CASE from the client, then a reading's time.
send() {
	lab_exec c "$PY" "$PROBE" send eth0 "$1" "$2"
	sleep 0.3
}
send r5_checksum 3
send r2_version 4
send r6_vrid 5
send r1_ttl 2
send r3_type 3
send r4_truncated 2
# Until the last ones sent are there, both (the earlier ones were sent a second or more before).
t_wait_ms 3000 eval 'walk r2 >"$LAB_DIR/walk-r2d";
	[ $(($(stat51 "$LAB_DIR/walk-r2d" 11) - $(stat51 "$LAB_DIR/walk-r2c" 11))) -ge 2 ]'
A=$LAB_DIR/walk-r2c
B=$LAB_DIR/walk-r2d
t_eq snmp_router_checksum_errors $(($(scalar "$B" 1) - $(scalar "$A" 1))) 3
t_eq snmp_router_version_errors $(($(scalar "$B" 2) - $(scalar "$A" 2))) 4
t_eq snmp_router_vrid_errors $(($(scalar "$B" 3) - $(scalar "$A" 3))) 5
t_eq snmp_row_ip_ttl_errors $(($(stat51 "$B" 5) - $(stat51 "$A" 5))) 2
t_eq snmp_row_invalid_type $(($(stat51 "$B" 9) - $(stat51 "$A" 9))) 3
t_eq snmp_row_length_errors $(($(stat51 "$B" 11) - $(stat51 "$A" 11))) 2
t_eq snmp_row_ip_ttl_errors_is_atropos "$(stat51 "$B" 5)" "$(J r2 51 .counters.ip_ttl_errors)"
t_eq snmp_global_discontinuity_none "$(scalar "$B" 4)" 0
# vrrpv3ProtoError: snmpTrapOID.0, then the row's vrrpv3StatisticsProtoErrReason: each reason.
for want in "3 checksumError" "2 versionError" "1 ipTtlError"; do
	t_check "snmp_trap_proto_error_${want#* }" t_wait_ms 5000 eval \
		'[ -n "$(traps $PROTO_ERROR | grep -F "|$MIB.1.2.5.1.6.$IF2.51.1 = INTEGER: ${want%% *}")" ]'
done
t_eq snmp_proto_err_reason_last "$(stat51 "$B" 6)" 1

# --- 5. The subagent stops ------------------------------------------------------------------------
t_phase
t_stop cap agentx-r2
t_eq snmp_agentx_sigterm_status $? 0
t_check snmp_agentx_gone_unregistered t_wait_ms 5000 eval \
	'[ -z "$(walk r2 | grep -F "$MIB.1.1.1.1.6.")" ]'
t_check snmp_daemons_alive t_lab_alive
t_done
