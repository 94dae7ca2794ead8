#!/bin/bash
# What vrrpd puts on the wire, decoded by tools that do not share its code (issue 7):
#   - tshark decodes our VRRPv3 and VRRPv2 adverts with the right fields, and reports a good
#     checksum for the form it expects (the IPv4 pseudo-header one, as keepalived and FRR);
#   - scapy recomputes the checksum of the adverts vrrpd sent in each form: RFC 9568's (no
#     pseudo-header) and the legacy one; tshark flags RFC 9568's, which it does not know.
set -u
# shellcheck source=tests/netns/checks.sh
. "$(dirname "${BASH_SOURCE[0]}")/checks.sh"
t_require test_decode
PY=/usr/bin/python3
t_need test_decode tshark
if ! "$PY" -c 'import scapy' 2>/dev/null; then
	echo "skip test_decode: needs python3-scapy (tools/install-deps.sh)"
	exit 0
fi
PROBE=$LAB_ROOT/tests/netns/vrrp_probe.py
trap lab_down EXIT
trap 'exit 1' INT TERM
lab_up "vtd$$"
echo "# $(tshark --version 2>/dev/null | head -1)"

# capture NAME VRRPD-ARGS...: 1 s of r1's adverts, seen from the client.
capture() {
	local name=$1
	shift
	t_capture "$name" c eth0 ip proto 112
	t_start r1 main -i eth0 -v 51 -p 200 -d 0.1 "$@" 10.99.0.100 10.99.0.101
	sleep 1.2
	t_stop r1
	t_capture_stop "$name"
}
# fields NAME: the distinct decodings of the adverts in a capture (1 = checksum good).
fields() {
	tshark -r "$LAB_DIR/$1.pcap" -Y vrrp -T fields -E separator=' ' -e vrrp.version \
		-e vrrp.type -e vrrp.virt_rtr_id -e vrrp.prio -e vrrp.addr_count -e vrrp.adver_int \
		-e vrrp.ip_addr -e vrrp.checksum.status 2>/dev/null | grep -v ' 0 [0-9]*$' | sort -u
}
status() {
	tshark -r "$LAB_DIR/$1.pcap" -Y vrrp -T fields -e vrrp.checksum.status 2>/dev/null | sort -u
}

capture v3legacy --checksum legacy
# Priority 0 at the stop is a valid advert too; the steady ones are what we compare.
t_eq decode_v3_fields "$(fields v3legacy | grep ' 200 ')" "3 1 51 200 2  10.99.0.100,10.99.0.101 1"
t_eq decode_v3_legacy_checksum_good "$(status v3legacy)" 1
t_check decode_v3_legacy_matches_scapy "$PY" "$PROBE" csum "$LAB_DIR/v3legacy.pcap" legacy

capture v3rfc --checksum rfc9568
t_check decode_v3_rfc9568_matches_scapy "$PY" "$PROBE" csum "$LAB_DIR/v3rfc.pcap" rfc9568
t_eq decode_v3_rfc9568_flagged_by_tshark "$(status v3rfc)" 0

# The owner (255) is master at once: 1 s adverts fill the capture without waiting for MDI.
capture v2 --vrrp-version 2 -d 1 -a pw/secret -p 255
t_eq decode_v2_fields "$(tshark -r "$LAB_DIR/v2.pcap" -Y 'vrrp.prio == 255' -T fields \
	-E separator=' ' -e vrrp.version -e vrrp.virt_rtr_id -e vrrp.addr_count -e vrrp.adver_int \
	-e vrrp.auth_type -e vrrp.auth_string -e vrrp.checksum.status 2>/dev/null | sort -u)" \
	"2 51 2 1 1 secret 1"
t_done
