#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Generates the golden frames of tests/unit/test_pkt6.c, independently of user/pkt6.c.

Plain Python 3 and struct only: every header is packed by hand from the wire formats (RFC 8200 3
IPv6, RFC 9568 5.1 VRRPv3, RFC 4861 4.3/4.4/4.6.1 Neighbor Discovery, RFC 2464 7 multicast MACs,
RFC 4291 2.7.1 solicited-node addresses, IEEE 802.1Q), and IPv6 addresses are parsed by hand, not
with socket.inet_pton. Every checksum (RFC 8200 8.1: over the IPv6 pseudo-header and the
upper-layer message) is computed by two unrelated routines, an RFC 1071 word loop and the residue
of the whole buffer as one big integer modulo 0xffff, that must agree.

Usage: python3 tests/unit/gen_golden6.py > /tmp/golden6.h
then paste the output between the "gen_golden6.py output" markers of test_pkt6.c.
python3 tests/unit/gen_golden6.py --pcap FILE writes the same frames as a pcap for
tcpdump -vv -r FILE (the names in order on stderr).
"""

import struct
import sys

ETH_P_IPV6 = 0x86DD
ETH_P_8021Q = 0x8100
NH_HOPOPT = 0
NH_ICMPV6 = 58
NH_VRRP = 112
ND_NS = 135
ND_NA = 136
NA_R, NA_S, NA_O = 0x80, 0x40, 0x20


def ip6(s):
    """Text IPv6 address (RFC 4291 2.2, hex groups, at most one "::") -> 16 bytes."""
    if "::" in s:
        head, tail = s.split("::")
        assert "::" not in tail
        head = head.split(":") if head else []
        tail = tail.split(":") if tail else []
        groups = head + ["0"] * (8 - len(head) - len(tail)) + tail
    else:
        groups = s.split(":")
    assert len(groups) == 8, s
    words = [int(g, 16) for g in groups]
    assert all(0 <= w <= 0xFFFF for w in words), s
    return struct.pack("!8H", *words)


def mac(s):
    b = bytes(int(x, 16) for x in s.split(":"))
    assert len(b) == 6
    return b


def mcast_mac(addr):
    """RFC 2464 7: 33:33 and the last 4 bytes of the IPv6 multicast address."""
    assert addr[0] == 0xFF
    return b"\x33\x33" + addr[12:]


def solicited_node(addr):
    """RFC 4291 2.7.1: ff02::1:ff00:0/104 and the low 24 bits of the address."""
    return ip6("ff02::1:ff00:0")[:13] + addr[13:]


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


def pseudo6(src, dst, nh, length):
    """RFC 8200 8.1: src, dst, 32-bit upper-layer length, 3 zero bytes, next header."""
    return src + dst + struct.pack("!I3xB", length, nh)


def ipv6(src, dst, nh, payload, hlim=255, tclass=0, plen=None):
    """RFC 8200 3: version 6, traffic class, flow label 0."""
    if plen is None:
        plen = len(payload)
    vtf = 6 << 28 | tclass << 20
    return struct.pack("!IHBB16s16s", vtf, plen, nh, hlim, src, dst) + payload


def ether(dst, src, payload, vlan=0):
    out = dst + src
    if vlan:
        assert 0 < vlan < 4095
        out += struct.pack("!HH", ETH_P_8021Q, vlan)  # PCP 0, DEI 0
    out += struct.pack("!H", ETH_P_IPV6) + payload
    # Every IPv6 frame here is longer than the 60-byte 802.3 minimum: no padding.
    assert len(out) >= 60
    return out


def with_csum(msg, off, c):
    return msg[:off] + struct.pack("!H", c) + msg[off + 2:]


def vrrp6(src, dst, vrid, prio, addrs, int_cs, vers_type=0x31, count=None, rsvd=0, extra=b"",
          form="c2"):
    """RFC 9568 5.1: the v3 message and its checksum. form "c2" is RFC 9568 5.2.8 over IPv6
    (pseudo-header + message); "nopseudo" is the IPv4 C3 form wrongly applied (message only)."""
    if count is None:
        count = len(addrs)
    msg = struct.pack("!BBBBHH", vers_type, vrid, prio, count, rsvd << 12 | int_cs, 0)
    msg += b"".join(ip6(x) for x in addrs) + extra
    if form == "c2":
        c = csum(pseudo6(src, dst, NH_VRRP, len(msg)) + msg)
    elif form == "nopseudo":
        c = csum(msg)
        assert c != csum(pseudo6(src, dst, NH_VRRP, len(msg)) + msg)
    else:
        raise ValueError(form)
    return with_csum(msg, 6, c), c


def advert_frame(src_mac, saddr, vrid, prio, addrs, int_cs, vlan=0, hlim=255, daddr="ff02::12",
                 dst_mac=None, **kw):
    src, dst = ip6(saddr), ip6(daddr)
    msg, c = vrrp6(src, dst, vrid, prio, addrs, int_cs, **kw)
    if dst_mac is None:
        dst_mac = mcast_mac(dst)
    return ether(dst_mac, mac(src_mac), ipv6(src, dst, NH_VRRP, msg, hlim, tclass=0xC0), vlan), c


def icmp6_frame(dst_mac, src_mac, src, dst, icmp, hlim=255, vlan=0, bad_csum=False):
    c = csum(pseudo6(src, dst, NH_ICMPV6, len(icmp)) + icmp)
    if bad_csum:
        c ^= 0x0100
    icmp = with_csum(icmp, 2, c)
    return ether(dst_mac, src_mac, ipv6(src, dst, NH_ICMPV6, icmp, hlim), vlan)


def lla_opt(opt_type, m, length=1):
    """RFC 4861 4.6.1: type, length in 8-byte units, the MAC (RFC 2464 8: length 1)."""
    body = m + b"\x00" * (8 * length - 8)
    return struct.pack("!BB", opt_type, length) + body


def na_frame(m, target, dst, dst_mac, flags, vlan=0):
    """RFC 4861 4.4: type 136, code 0, R|S|O and 29 reserved bits, target, TLL option."""
    m, target, dst = mac(m), ip6(target), ip6(dst)
    icmp = struct.pack("!BBHB3x16s", ND_NA, 0, 0, flags, target) + lla_opt(2, m)
    return icmp6_frame(dst_mac, m, target, dst, icmp, vlan=vlan)


def ns_frame(m, src, target, sll=None, code=0, hlim=255, dst=None, opts=None, plen_cut=0,
             bad_csum=False):
    """RFC 4861 4.3: type 135, code, reserved, target, options; to the solicited-node group."""
    m, src, target = mac(m), ip6(src), ip6(target)
    dst = solicited_node(target) if dst is None else ip6(dst)
    if opts is None:
        opts = lla_opt(1, m) if sll else b""
    icmp = struct.pack("!BBH4x16s", ND_NS, code, 0, target) + opts
    if plen_cut:
        icmp = icmp[:-plen_cut]
    dst_mac = mcast_mac(dst) if dst[0] == 0xFF else mac("00:00:5e:00:02:33")
    return icmp6_frame(dst_mac, m, src, dst, icmp, hlim=hlim, bad_csum=bad_csum)


def hbh_advert_frame():
    """An advert behind a Hop-by-Hop Options header (RFC 8200 4.3) holding one PadN option: the
    checksum still covers only the VRRP message (RFC 8200 8.1: the upper-layer length)."""
    src, dst = ip6("fe80::a8bb:ccff:fedd:ee01"), ip6("ff02::12")
    msg, _ = vrrp6(src, dst, 1, 100, ["fe80::1"], 100)
    hbh = struct.pack("!BBBB4x", NH_VRRP, 0, 1, 4)  # next header, length 0 (8 bytes), PadN 4
    ip = ipv6(src, dst, NH_HOPOPT, hbh + msg, tclass=0xC0)
    return ether(mcast_mac(dst), mac("00:00:5e:00:02:01"), ip)


def c_array(name, data, comment):
    lines = ["/* %s (%d bytes) */" % (comment, len(data)),
             "static const uint8_t %s[] = {" % name]
    for i in range(0, len(data), 12):
        lines.append("\t" + ", ".join("0x%02x" % b for b in data[i:i + 12]) + ",")
    lines.append("};")
    return "\n".join(lines)


def frames():
    """(name, frame, comment) in output order, and the #defines."""
    out = []
    defs = []
    ll1 = "fe80::a8bb:ccff:fedd:ee01"
    ll2 = "fe80::a8bb:ccff:fedd:ee02"
    vmac33 = "00:00:5e:00:02:33"
    host = "02:00:00:00:00:42"

    def emit(name, data, comment):
        out.append((name, data, comment))

    f, c = advert_frame("00:00:5e:00:02:01", ll1, 1, 100, ["fe80::1"], 100)
    emit("golden6_advert1", f, "advert: vrid 1 prio 100 int 100cs src %s vip fe80::1" % ll1)
    defs.append(("GOLDEN6_ADVERT1_CSUM", c))

    vips3 = ["fe80::33", "2001:db8::100", "2001:db8:0:1::100"]
    f, c = advert_frame(vmac33, "fe80::2", 51, 200, vips3, 250)
    emit("golden6_advert3", f, "advert: vrid 51 prio 200 int 250cs src fe80::2 vips " +
         " ".join(vips3))
    defs.append(("GOLDEN6_ADVERT3_CSUM", c))

    f, c = advert_frame("00:00:5e:00:02:2a", ll2, 42, 255, ["fe80::2a", "2001:db8:100::1"], 4095,
                        vlan=100)
    emit("golden6_advert_vlan", f, "advert vlan 100: vrid 42 prio 255 int 4095cs src %s "
         "vips fe80::2a 2001:db8:100::1" % ll2)
    defs.append(("GOLDEN6_ADVERT_VLAN_CSUM", c))

    all_nodes = ip6("ff02::1")
    emit("golden6_una", na_frame(vmac33, "2001:db8::100", "ff02::1", mcast_mac(all_nodes),
                                 NA_R | NA_O),
         "unsolicited NA (R|O): mac %s target 2001:db8::100 to ff02::1" % vmac33)
    emit("golden6_una_vlan", na_frame(vmac33, "2001:db8::100", "ff02::1", mcast_mac(all_nodes),
                                      NA_R | NA_O, vlan=100),
         "unsolicited NA (R|O) vlan 100: mac %s target 2001:db8::100 to ff02::1" % vmac33)
    emit("golden6_na_reply", na_frame(vmac33, "2001:db8::100", "2001:db8::42", mac(host),
                                      NA_R | NA_S | NA_O),
         "NA (R|S|O): mac %s target 2001:db8::100 to 2001:db8::42 at %s" % (vmac33, host))
    emit("golden6_ns", ns_frame(host, "2001:db8::42", "2001:db8::100", sll=True),
         "NS with SLL: mac %s 2001:db8::42 asks for 2001:db8::100" % host)
    emit("golden6_ns_dad", ns_frame(host, "::", "2001:db8::100"),
         "DAD NS: mac %s from :: for 2001:db8::100" % host)

    # Accepted variants the parsers must handle.
    f, _ = advert_frame("00:00:5e:00:02:01", ll1, 1, 100, ["fe80::1"], 100, rsvd=0xF)
    emit("frame6_rsvd", f, "accepted (R10): the 4 reserved bits set")
    f, _ = advert_frame("00:00:5e:00:02:01", ll1, 1, 100, ["fe80::1"], 100, daddr=ll2,
                        dst_mac=mac("02:00:00:00:00:02"))
    emit("frame6_unicast", f, "accepted: to the unicast %s (the destination is not checked)" % ll2)
    f, _ = advert_frame("00:00:5e:00:02:01", ll1, 1, 100, ["fe80::1"], 100, extra=b"\x00" * 4)
    emit("frame6_trailer", f, "accepted (as IPv4): 4 zero bytes after the address, in the length")
    nonce = struct.pack("!BB6s", 14, 1, bytes.fromhex("0102030405a6"))  # RFC 3971 5.3.2 Nonce
    emit("frame6_ns_opts", ns_frame(host, "2001:db8::42", "2001:db8::100",
                                    opts=nonce + lla_opt(1, mac(host))),
         "accepted NS: an unknown option (Nonce, 14) before the SLL option")
    emit("frame6_ns_nud", ns_frame(host, "2001:db8::42", "2001:db8::100", sll=True,
                                   dst="2001:db8::100"),
         "accepted NS: unicast to the target (NUD, RFC 4861 7.2.2)")

    # Rejected adverts: one per receive rule, everything else valid (checksums included).
    adv = ("00:00:5e:00:02:01", ll1, 1, 100)
    f, _ = advert_frame(*adv, ["fe80::1"], 100, hlim=254)
    emit("bad6_hlim", f, "R1: hop limit 254")
    f, _ = advert_frame(*adv, ["fe80::1"], 100, vers_type=0x21)
    emit("bad6_version", f, "R2: version 2")
    f, _ = advert_frame(*adv, ["fe80::1"], 100, vers_type=0x32)
    emit("bad6_type", f, "R3: type 2")
    f, _ = advert_frame(*adv, ["fe80::1"], 100, count=2)
    emit("bad6_count2", f, "R4: count 2, one address in the payload")
    f, _ = advert_frame(*adv, ["fe80::1"], 100, extra=b"\x00\x00")
    emit("bad6_len26", f, "R4: a 26-byte message, not whole 32-bit words")
    f, _ = advert_frame(*adv, [], 100)
    emit("bad6_count0", f, "R7: count 0")
    f, _ = advert_frame(*adv, ["fe80::1"], 0)
    emit("bad6_int0", f, "R7: interval 0")
    f, _ = advert_frame(*adv, ["fe80::1"], 100, form="nopseudo")
    emit("bad6_nopseudo", f, "R5: checksum without the pseudo-header (the IPv4 C3 form)")
    f, _ = advert_frame(*adv, ["2001:db8::100", "fe80::1"], 100)
    emit("bad6_not_ll", f, "R8: first address 2001:db8::100, not link-local")
    emit("bad6_hbh", hbh_advert_frame(), "not for us: a Hop-by-Hop header before the advert")

    # Rejected NS (RFC 4861 7.1.1), everything else valid.
    ns = (host, "2001:db8::42", "2001:db8::100")
    emit("bad6_ns_hlim", ns_frame(*ns, sll=True, hlim=254), "NS: hop limit 254")
    emit("bad6_ns_csum", ns_frame(*ns, sll=True, bad_csum=True), "NS: checksum off by 0x0100")
    emit("bad6_ns_code", ns_frame(*ns, sll=True, code=1), "NS: code 1")
    emit("bad6_ns_short", ns_frame(*ns, plen_cut=4), "NS: ICMPv6 length 20 (< 24)")
    emit("bad6_ns_mcast", ns_frame(host, "2001:db8::42", "ff02::1", sll=True),
         "NS: multicast target ff02::1")
    emit("bad6_ns_dad_sll", ns_frame(host, "::", "2001:db8::100", sll=True),
         "NS: DAD (from ::) with an SLL option")
    emit("bad6_ns_dad_ucast", ns_frame(host, "::", "2001:db8::100", dst="2001:db8::100"),
         "NS: DAD (from ::) to a unicast destination")
    emit("bad6_ns_opt0", ns_frame(*ns, opts=struct.pack("!BB6x", 1, 0)),
         "NS: an option of length 0")
    emit("bad6_ns_opt_long", ns_frame(*ns, opts=struct.pack("!BB6s", 1, 2, mac(host))),
         "NS: an option of length 2 (16 bytes) with 8 left")
    return out, defs


def write_pcap(path, frames_):
    with open(path, "wb") as fp:
        # pcap global header: magic, v2.4, tz 0, sigfigs 0, snaplen 65535, DLT_EN10MB
        fp.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for i, (_, data, _) in enumerate(frames_):
            fp.write(struct.pack("<IIII", i, 0, len(data), len(data)) + data)


def main():
    out, defs = frames()
    if len(sys.argv) == 3 and sys.argv[1] == "--pcap":
        write_pcap(sys.argv[2], out)
        for name, _, _ in out:
            print(name, file=sys.stderr)
        return 0
    print("/* Generated by tests/unit/gen_golden6.py (Python 3 + struct); do not edit by hand. */")
    for name, value in defs:
        print("#define %s 0x%04x" % (name, value))
    print()
    print("\n\n".join(c_array(n, d, c) for n, d, c in out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
