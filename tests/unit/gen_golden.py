#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Generates the golden frames of tests/unit/test_pkt.c, independently of user/pkt.c.

Plain Python 3 and struct only: every header is packed by hand from the wire format of
docs/CONFORMANCE.md (RFC 9568 5.1, RFC 3768 5.1, RFC 826, IEEE 802.1Q). Every checksum is
computed by two unrelated routines (an RFC 1071 word loop, and the residue of the whole buffer as
one big integer modulo 0xffff) that must agree.

Usage: python3 tests/unit/gen_golden.py > /tmp/golden.h
then paste the output between the "gen_golden.py output" markers of test_pkt.c.
"""

import struct
import sys

ETH_P_IP = 0x0800
ETH_P_ARP = 0x0806
ETH_P_8021Q = 0x8100
ETH_P_8021AD = 0x88A8
MCAST_MAC = bytes.fromhex("01005e000012")
BCAST_MAC = b"\xff" * 6
VRRP_GROUP = "224.0.0.18"
PROTO_VRRP = 112
PROTO_UDP = 17


def ip4(s):
    """Dotted quad -> 4 bytes in network order."""
    parts = [int(x) for x in s.split(".")]
    assert len(parts) == 4 and all(0 <= p <= 255 for p in parts)
    return bytes(parts)


def mac(s):
    return bytes(int(x, 16) for x in s.split(":"))


def csum_loop(data):
    """RFC 1071 4.1: add big-endian 16-bit words, fold the carries, complement."""
    if len(data) % 2:
        data += b"\x00"
    total = 0
    for (word,) in struct.iter_unpack("!H", data):
        total += word
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def csum_residue(data):
    """The same sum another way: 2**16 == 1 (mod 0xffff), so the one's complement sum of the
    words is the residue of the whole buffer read as one integer (0xffff standing for a nonzero
    multiple of 0xffff)."""
    if len(data) % 2:
        data += b"\x00"
    n = int.from_bytes(data, "big")
    r = n % 0xFFFF
    if r == 0 and n != 0:
        r = 0xFFFF
    return ~r & 0xFFFF


def csum(data):
    a = csum_loop(data)
    b = csum_residue(data)
    assert a == b, "checksum routines disagree: %04x %04x" % (a, b)
    return a


def pseudo4(src, dst, proto, length):
    """IPv4 pseudo-header (RFC 768 / RFC 5798 5.2.8): src, dst, zero, protocol, length."""
    return src + dst + struct.pack("!BBH", 0, proto, length)


def ipv4(src, dst, proto, payload, ttl=255, tos=0xC0, options=b"", tot_len=None):
    assert len(options) % 4 == 0
    ihl = 5 + len(options) // 4
    if tot_len is None:
        tot_len = ihl * 4 + len(payload)
    # version/IHL, TOS, total length, id 0, flags/fragment 0 (DF clear), TTL, protocol, csum 0
    hdr = struct.pack("!BBHHHBBH4s4s", 0x40 | ihl, tos, tot_len, 0, 0, ttl, proto, 0, src, dst)
    hdr += options
    c = csum(hdr)
    hdr = hdr[:10] + struct.pack("!H", c) + hdr[12:]
    return hdr + payload


def ether(dst, src, ethertype, payload, tags=()):
    """tags: (tpid, vid) outermost first; PCP 0, DEI 0."""
    out = dst + src
    for tpid, vid in tags:
        assert 0 < vid < 4095
        out += struct.pack("!HH", tpid, vid)
    out += struct.pack("!H", ethertype) + payload
    # IEEE 802.3 minimum frame: 60 bytes without the FCS, padded with zeros.
    if len(out) < 60:
        out += b"\x00" * (60 - len(out))
    return out


def vrrp3(vrid, prio, addrs, int_cs, form, src, dst=VRRP_GROUP, vers_type=0x31, count=None,
          rsvd=0, bad_csum=False):
    """RFC 9568 5.1: v3 message; form 'rfc9568' (C3) or 'legacy' (C4)."""
    if count is None:
        count = len(addrs)
    body = b"".join(ip4(x) for x in addrs)
    msg = struct.pack("!BBBBHH", vers_type, vrid, prio, count, (rsvd << 12) | int_cs, 0) + body
    if form == "rfc9568":
        c = csum(msg)
    elif form == "legacy":
        c = csum(pseudo4(ip4(src), ip4(dst), PROTO_VRRP, len(msg)) + msg)
    else:
        raise ValueError(form)
    if bad_csum:
        c ^= 0x0100
    return msg[:6] + struct.pack("!H", c) + msg[8:], c


def vrrp2(vrid, prio, addrs, auth_type, auth, int_s, src=None, dst=VRRP_GROUP, form="c1"):
    """RFC 3768 5.1: v2 message, checksum over the message and the 8 auth bytes (C1)."""
    assert len(auth) <= 8
    auth = auth + b"\x00" * (8 - len(auth))
    body = b"".join(ip4(x) for x in addrs)
    msg = struct.pack("!BBBBBBH", 0x21, vrid, prio, len(addrs), auth_type, int_s, 0) + body + auth
    if form == "c1":
        c = csum(msg)
    else:  # a v2 message wrongly checksummed with the IPv4 pseudo-header
        c = csum(pseudo4(ip4(src), ip4(dst), PROTO_VRRP, len(msg)) + msg)
    return msg[:6] + struct.pack("!H", c) + msg[8:], c


def advert_frame(src_mac, saddr, msg, tags=(), ttl=255, options=b"", tot_len=None):
    ip = ipv4(ip4(saddr), ip4(VRRP_GROUP), PROTO_VRRP, msg, ttl=ttl, options=options,
              tot_len=tot_len)
    return ether(MCAST_MAC, mac(src_mac), ETH_P_IP, ip, tags)


def arp_request_frame(src_mac, spa, tpa, tags=()):
    """RFC 826 request, broadcast, target MAC zero."""
    m = mac(src_mac)
    arp = struct.pack("!HHBBH6s4s6s4s", 1, ETH_P_IP, 6, 4, 1, m, ip4(spa), b"\x00" * 6, ip4(tpa))
    return ether(BCAST_MAC, m, ETH_P_ARP, arp, tags)


def garp_frame(src_mac, vip, tags=()):
    """RFC 5227 / RFC 9568 D4: sender IP = target IP = VIP."""
    return arp_request_frame(src_mac, vip, vip, tags)


def udp_frame(src_mac, saddr):
    """A UDP datagram to 224.0.0.18, TTL 255: IPv4 multicast but not VRRP."""
    payload = b"not vrrp"
    src, dst = ip4(saddr), ip4(VRRP_GROUP)
    udp = struct.pack("!HHHH", 5000, 5000, 8 + len(payload), 0) + payload
    c = csum(pseudo4(src, dst, PROTO_UDP, len(udp)) + udp) or 0xFFFF
    udp = udp[:6] + struct.pack("!H", c) + udp[8:]
    return ether(MCAST_MAC, mac(src_mac), ETH_P_IP, ipv4(src, dst, PROTO_UDP, udp))


def c_array(name, data, comment):
    lines = ["/* %s (%d bytes) */" % (comment, len(data)),
             "static const uint8_t %s[] = {" % name]
    for i in range(0, len(data), 12):
        lines.append("\t" + ", ".join("0x%02x" % b for b in data[i:i + 12]) + ",")
    lines.append("};")
    return "\n".join(lines)


def main():
    out = []
    defs = []

    def emit(name, data, comment):
        out.append(c_array(name, data, comment))

    # v3, RFC 9568 checksum (C3): VRID 51, priority 100, 1 s, one address.
    msg, c = vrrp3(51, 100, ["192.0.2.100"], 100, "rfc9568", "192.0.2.1")
    emit("golden_v3_rfc9568", advert_frame("00:00:5e:00:01:33", "192.0.2.1", msg),
         "v3 C3: vrid 51 prio 100 int 100cs src 192.0.2.1 vip 192.0.2.100")
    defs.append(("GOLDEN_V3_RFC9568_CSUM", c))

    # v3, legacy checksum (C4), as keepalived and FRR send by default.
    src = "10.0.0.2"
    msg, c = vrrp3(1, 200, ["10.0.0.100"], 100, "legacy", src)
    emit("golden_v3_legacy", advert_frame("00:00:5e:00:01:01", src, msg),
         "v3 C4: vrid 1 prio 200 int 100cs src 10.0.0.2 vip 10.0.0.100")
    defs.append(("GOLDEN_V3_LEGACY_CSUM", c))
    # The same message under C3, to show the two forms differ for this frame.
    _, c3 = vrrp3(1, 200, ["10.0.0.100"], 100, "rfc9568", src)
    assert c3 != c
    defs.append(("GOLDEN_V3_LEGACY_AS_C3_CSUM", c3))

    # v2, no authentication (C1): owner, 1 s.
    msg, c = vrrp2(7, 255, ["198.51.100.7"], 0, b"", 1)
    emit("golden_v2_noauth", advert_frame("00:00:5e:00:01:07", "198.51.100.1", msg),
         "v2 C1: vrid 7 prio 255 int 1s auth 0 src 198.51.100.1 vip 198.51.100.7")
    defs.append(("GOLDEN_V2_NOAUTH_CSUM", c))

    # v2, simple password "secret" (auth type 1, RFC 2338 5.3.6.1), 3 s.
    msg, c = vrrp2(8, 150, ["198.51.100.8"], 1, b"secret", 3)
    emit("golden_v2_pass", advert_frame("00:00:5e:00:01:08", "198.51.100.1", msg),
         "v2 C1: vrid 8 prio 150 int 3s auth 1 \"secret\" src 198.51.100.1 vip 198.51.100.8")
    defs.append(("GOLDEN_V2_PASS_CSUM", c))

    # v3 C3 with two addresses behind an 802.1Q tag, VID 100.
    msg, c = vrrp3(42, 120, ["203.0.113.10", "203.0.113.11"], 250, "rfc9568", "203.0.113.2")
    emit("golden_v3_vlan", advert_frame("00:00:5e:00:01:2a", "203.0.113.2", msg,
                                        tags=[(ETH_P_8021Q, 100)]),
         "v3 C3 vlan 100: vrid 42 prio 120 int 250cs src 203.0.113.2 vips .10 .11")
    defs.append(("GOLDEN_V3_VLAN_CSUM", c))

    # Gratuitous ARP for 192.0.2.100 from the VMAC of VRID 51, untagged and tagged.
    emit("golden_garp", garp_frame("00:00:5e:00:01:33", "192.0.2.100"),
         "GARP: mac 00:00:5e:00:01:33 vip 192.0.2.100")
    emit("golden_garp_vlan", garp_frame("00:00:5e:00:01:33", "192.0.2.100",
                                        tags=[(ETH_P_8021Q, 100)]),
         "GARP vlan 100: mac 00:00:5e:00:01:33 vip 192.0.2.100")
    # The magic packet's directed request: VIP 192.0.2.100 asks for the gateway 192.0.2.254.
    emit("golden_arp_magic", arp_request_frame("02:00:00:00:00:01", "192.0.2.100", "192.0.2.254"),
         "ARP request: mac 02:00:00:00:00:01 192.0.2.100 asks for 192.0.2.254")

    # Accepted variants the parser must handle.
    msg, _ = vrrp3(51, 100, ["192.0.2.100"], 100, "legacy", "192.0.2.1")
    emit("frame_qinq", advert_frame("00:00:5e:00:01:33", "192.0.2.1", msg,
                                    tags=[(ETH_P_8021AD, 10), (ETH_P_8021Q, 100)]),
         "accepted: v3 C4 under 802.1ad VID 10 + 802.1Q VID 100")
    msg, _ = vrrp3(51, 100, ["192.0.2.100"], 100, "rfc9568", "192.0.2.1")
    emit("frame_ipopt", advert_frame("00:00:5e:00:01:33", "192.0.2.1", msg,
                                     options=bytes.fromhex("94040000")),
         "accepted: v3 C3 with an IPv4 Router Alert option (IHL 6)")
    msg, _ = vrrp3(51, 100, ["192.0.2.100"], 100, "rfc9568", "192.0.2.1", rsvd=0xF)
    emit("frame_rsvd", advert_frame("00:00:5e:00:01:33", "192.0.2.1", msg),
         "accepted (R10): v3 C3 with the 4 reserved bits set")

    # Rejected: one frame per receive rule, everything else valid (checksums included).
    msg, _ = vrrp3(51, 100, ["192.0.2.100"], 100, "rfc9568", "192.0.2.1")
    emit("bad_ttl", advert_frame("00:00:5e:00:01:33", "192.0.2.1", msg, ttl=254),
         "R1: TTL 254")
    msg, _ = vrrp3(51, 100, ["192.0.2.100"], 100, "rfc9568", "192.0.2.1", vers_type=0x41)
    emit("bad_version", advert_frame("00:00:5e:00:01:33", "192.0.2.1", msg), "R2: version 4")
    msg, _ = vrrp3(51, 100, ["192.0.2.100"], 100, "rfc9568", "192.0.2.1", vers_type=0x32)
    emit("bad_type", advert_frame("00:00:5e:00:01:33", "192.0.2.1", msg), "R3: type 2")
    msg, _ = vrrp3(51, 100, ["192.0.2.100"], 100, "rfc9568", "192.0.2.1", count=2)
    emit("bad_truncated", advert_frame("00:00:5e:00:01:33", "192.0.2.1", msg),
         "R4: count 2 but one address in the IP packet")
    msg, _ = vrrp2(8, 150, ["198.51.100.8"], 1, b"secret", 3)
    emit("bad_v2_noauth_bytes", advert_frame("00:00:5e:00:01:08", "198.51.100.1", msg[:-8]),
         "R4: v2 without its 8 auth bytes")
    msg, _ = vrrp3(51, 100, [], 100, "rfc9568", "192.0.2.1")
    emit("bad_count0", advert_frame("00:00:5e:00:01:33", "192.0.2.1", msg), "R7: count 0")
    msg, _ = vrrp3(51, 100, ["192.0.2.100"], 0, "rfc9568", "192.0.2.1")
    emit("bad_int0", advert_frame("00:00:5e:00:01:33", "192.0.2.1", msg), "R7: v3 interval 0")
    msg, c = vrrp3(51, 100, ["192.0.2.100"], 100, "rfc9568", "192.0.2.1", bad_csum=True)
    good3 = vrrp3(51, 100, ["192.0.2.100"], 100, "rfc9568", "192.0.2.1")[1]
    good4 = vrrp3(51, 100, ["192.0.2.100"], 100, "legacy", "192.0.2.1")[1]
    assert c not in (good3, good4)
    emit("bad_csum", advert_frame("00:00:5e:00:01:33", "192.0.2.1", msg),
         "R5: v3 checksum matching neither C3 nor C4")
    msg, _ = vrrp2(8, 150, ["198.51.100.8"], 1, b"secret", 3, src="198.51.100.1", form="pseudo")
    emit("bad_v2_pseudo", advert_frame("00:00:5e:00:01:08", "198.51.100.1", msg),
         "R5: v2 checksummed with the IPv4 pseudo-header (C1 requires none)")
    emit("frame_udp", udp_frame("00:00:5e:00:01:33", "192.0.2.1"),
         "not VRRP: UDP 5000 -> 224.0.0.18")

    print("/* Generated by tests/unit/gen_golden.py (Python 3 + struct); do not edit by hand. */")
    for name, value in defs:
        print("#define %s 0x%04x" % (name, value))
    print()
    print("\n\n".join(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
