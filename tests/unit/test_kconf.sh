#!/bin/bash
# vrrpd --keepalived (issue 23): keepalived.conf read as keepalived does, no root needed.
#
#   bash tests/unit/test_kconf.sh VRRPD
#
#   1. tests/unit/kconf/full.conf (ours: every VRRP keyword vrrpd reads, an include glob):
#      --print-conf gives the vrrpd lines each keyword becomes, -t the instances; what is
#      left out (router_id, state, label, unicast_src_ip, virtual_server) is a note each.
#   2. Refusals name the keepalived file and line: a keyword with no equivalent, a value vrrpd
#      refuses (found in the translation, said of the keepalived line), a missing definition.
#   3. Debian's keepalived samples with a VRRP part: each read, or refused with its reason.
set -u
VRRPD=$1
DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/kconf
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# ok NAME CMD...: "ok NAME" if CMD succeeds, else "not ok NAME" and what it printed.
ok() {
	local name=$1
	shift
	if "$@" >"$TMP/out" 2>&1; then
		echo "ok $name"
	else
		echo "not ok $name: $(head -c 400 "$TMP/out" | tr '\n' ' ')"
	fi
}
# has TEXT LINE: LINE is a whole line of TEXT.
has() { grep -qxF -- "$2" <<<"$1"; }

# --- 1. Every keyword -------------------------------------------------------------------------
CONF=$("$VRRPD" --print-conf --keepalived "$DIR/full.conf" 2>"$TMP/notes")
RC=$?
ok kconf_print_conf_runs test "$RC" = 0 -a -n "$CONF"
while IFS='|' read -r name line; do
	ok "kconf_$name" has "$CONF" "$line"
done <<'LINES'
global_notify_fifo|--notify-fifo /run/vrrp.fifo
global_garp_refresh|--garp-refresh 60
name|--name WAN
interface|-i eth0
vrid|-v 51
advert_int|-d 0.5
nopreempt|-s
preempt_delay|--preempt-delay 30
accept|--accept
garp_master_repeat|--garp-count 3
vip_dev_same|10.16.1.200/24
vip_plain|10.16.1.201
track_interface_negative|--track eth2:-20
track_interface_positive|--track eth3:-10
track_interface_fault|--track eth4
track_script_included|--track-interval 2 --track-timeout 1 --rise 2 --fall 3 --track-script '/usr/bin/pgrep -x haproxy:-20'
track_script_shell|--track-interval 1 --track-timeout 1 --rise 1 --fall 1 --track-script "/bin/sh -c '</dev/tcp/127.0.0.1/80':-5"
track_process_quorum|--track-process bird:-30:2
track_file|--track-file /run/vrrpd/prio:-2
notify_master|--notify-master /etc/vrrpd/master.sh
notify_backup_args|--notify-backup '/etc/vrrpd/state.sh backup'
notify_fault_user_left_out|--notify-fault '/etc/vrrpd/state.sh fault'
notify_stop|--notify-stop /etc/vrrpd/stop.sh
notify_any|--notify '/usr/bin/logger -t vrrp'
priority_plus_positive_weights|-p 180
version_global|--vrrp-version 3
version_instance|--vrrp-version 2
vmac_default_off|-n
sync_group|-M 2 --group DMZ
auth_pass|-a pw/s3cret
unicast_peer|--peer 10.17.1.3
LINES
ok kconf_use_vmac_keeps_vmac test "$(grep -c '^-n$' <<<"$CONF")" = 1
for note in "full.conf:3: global_defs router_id left out" "full.conf:30: state left out" \
	"full.conf:41: 10.16.1.200/24 label eth0:vip left out" "full.conf:70: unicast_src_ip left out" \
	"full.conf:84: virtual_server left out" "full.conf:79: notify_fault's user nobody left out"; do
	ok "kconf_note_${note%%:*}_${note#*: }" grep -qF "$note" "$TMP/notes"
done
T=$("$VRRPD" -t --keepalived "$DIR/full.conf" 2>/dev/null)
ok kconf_t_exit_0 test $? = 0
ok kconf_t_instances has "$T" "  VRID 51 on eth0: VRRPv3, priority 180, interval 50 cs, 2 VIPs (10.16.1.200, ...)"
ok kconf_t_instances_v2 has "$T" "  VRID 52 on eth1: VRRPv2, priority 100, interval 100 cs, 1 VIP (10.17.1.200)"
# The translation is a -c file vrrpd reads the same.
printf '%s\n' "$CONF" >"$TMP/vrrpd.conf"
ok kconf_translation_is_a_c_file eval "[ \"\$(\"$VRRPD\" -t -c \"$TMP/vrrpd.conf\" | tail -n +2)\" = \"\$(tail -n +2 <<<\"\$T\")\" ]"

# --- 2. Refusals, at the keepalived line ------------------------------------------------------
# refused NAME WANT: the file $TMP/k.conf is refused (exit 2) with WANT in the message.
refused() {
	local out rc
	out=$("$VRRPD" -t --keepalived "$TMP/k.conf" 2>&1)
	rc=$?
	if [ $rc = 2 ] && grep -qF -- "$2" <<<"$out"; then
		echo "ok $1"
	else
		echo "not ok $1: exit $rc: $(tr '\n' ' ' <<<"$out" | head -c 400)"
	fi
}
inst() { printf 'vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 51\n%b\n virtual_ipaddress {\n  10.0.0.1\n }\n}\n' "$1"; }
inst ' priority 300' >"$TMP/k.conf"
refused kconf_bad_priority_at_its_line "$TMP/k.conf:4: invalid priority '300'"
inst ' virtual_routes {\n  10.1.0.0/16 via 10.0.0.254\n }' >"$TMP/k.conf"
refused kconf_no_equivalent "$TMP/k.conf:4: vrrp_instance VI_1: 'virtual_routes' has no equivalent in vrrpd"
inst ' notify_deleted' >"$TMP/k.conf"
refused kconf_notify_deleted "$TMP/k.conf:4: notify_deleted: vrrpd tells the scripts STOP"
inst ' notify_master_rx_lower_pri /x.sh' >"$TMP/k.conf"
refused kconf_notify_no_equivalent "$TMP/k.conf:4: notify_master_rx_lower_pri: no equivalent in vrrpd"
# A command that needs a shell gets one; --notify's four words reach it through $@.
inst ' notify "/x.sh >>/run/x.log"\n notify_master "/x.sh &"' >"$TMP/k.conf"
out=$("$VRRPD" --print-conf --keepalived "$TMP/k.conf" 2>&1)
ok kconf_notify_shell has "$out" "--notify \"/bin/sh -c '/x.sh >>/run/x.log \$@' sh\""
ok kconf_notify_master_shell has "$out" "--notify-master \"/bin/sh -c '/x.sh &'\""
inst ' track_script {\n  nothere\n }' >"$TMP/k.conf"
refused kconf_missing_script "$TMP/k.conf:5: track_script nothere: no vrrp_script of that name"
inst ' authentication {\n  auth_type AH\n  auth_pass x\n }' >"$TMP/k.conf"
refused kconf_auth_ah "$TMP/k.conf:4: auth_type AH: vrrpd has the simple password (PASS) only"
inst ' priority 250\n track_interface {\n  eth1 weight 10\n }' >"$TMP/k.conf"
refused kconf_bonus_above_254 "$TMP/k.conf:4: priority 250 with 10 of positive weights"
printf 'include nothere/*.conf\n' >"$TMP/k.conf"
refused kconf_include_missing "$TMP/k.conf:1: include nothere/*.conf: no such file"
printf 'vrrp_instance VI_1 {\n interface eth0\n' >"$TMP/k.conf"
refused kconf_unclosed "$TMP/k.conf:1: '{' without its '}'"
printf 'global_defs {\n vrrp_check_unicast_src\n}\n' >"$TMP/k.conf"
refused kconf_unknown_vrrp_global "$TMP/k.conf:2: global_defs: vrrp_check_unicast_src has no equivalent"

# --- 3. Debian's samples ------------------------------------------------------------------------
SAMPLES=/usr/share/doc/keepalived/samples
if [ ! -d "$SAMPLES" ]; then
	echo "not ok kconf_samples: $SAMPLES is missing (tools/install-deps.sh installs keepalived)"
	exit 0
fi
# NAME|EXPECTED: "N" instances read, or the reason of the refusal.
while IFS='|' read -r name want; do
	out=$("$VRRPD" -t --keepalived "$SAMPLES/keepalived.conf.$name" 2>&1)
	if [[ $want =~ ^[0-9]+$ ]]; then
		ok "kconf_sample_${name}" grep -qxF "$SAMPLES/keepalived.conf.$name: $want instance$([ "$want" = 1 ] || echo s)" <<<"$out"
	else
		ok "kconf_sample_${name}" grep -qF "$want" <<<"$out"
	fi
done <<'SAMPLES'
sample|1
vrrp.localcheck|9
vrrp.lvs_syncd|3
SSL_GET|auth_type AH: vrrpd has the simple password (PASS) only
conditional_conf|conditional configuration (@ID) is not read by vrrpd
track_interface|dev eth1: vrrpd puts the VIPs on the instance's interface
vrrp|duplicate virtual IP address '192.168.200.18'
vrrp.routes|dev eth1: vrrpd puts the VIPs on the instance's interface
vrrp.rules|dev eth1: vrrpd puts the VIPs on the instance's interface
vrrp.scripts|vrrp_sync_group: notify_backup: vrrpd runs scripts for each instance, not for a group
vrrp.static_ipaddress|'virtual_routes' has no equivalent in vrrpd
vrrp.sync|vrrp_sync_group: notify_backup: vrrpd runs scripts for each instance, not for a group
SAMPLES
# vrrp.scripts without its group's scripts: the instances' own, arguments and all.
sed '/^  notify_/d' "$SAMPLES/keepalived.conf.vrrp.scripts" >"$TMP/scripts.conf"
out=$("$VRRPD" --print-conf --keepalived "$TMP/scripts.conf" 2>&1)
ok kconf_sample_scripts_instances_notify has "$out" "--notify-backup '/usr/local/bin/vrrp.sh  BACKUP   VI_1'"
# Every sample with a vrrp_instance is in the list above.
for f in $(grep -l '^[[:space:]]*vrrp_instance' "$SAMPLES"/keepalived.conf.*); do
	n=${f##*/keepalived.conf.}
	ok "kconf_sample_listed_$n" grep -q "^$n|" "${BASH_SOURCE[0]}"
done
