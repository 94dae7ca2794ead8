#!/usr/bin/python3
"""VRRP frames built with scapy (Debian's python3-scapy), independently of vrrpd's code.

  vrrp_probe.py send IFACE CASE [COUNT]   inject COUNT invalid adverts of CASE (R1..R7),
                                          or of "valid", a correct one (the control)
  vrrp_probe.py unicast IFACE DST DST_MAC [SRC [COUNT]]
                                          send COUNT valid adverts (priority 254) unicast to
                                          DST at DST_MAC, from SRC (default 10.99.0.77)
  vrrp_probe.py rfc9568 IFACE COUNT GAP    send COUNT valid VRRPv3 adverts in RFC 9568's
                                          checksum form (no pseudo-header), VRID 51, priority
                                          1, from 10.99.0.77, GAP seconds apart: a stranger
  vrrp_probe.py spoof IFACE SRC COUNT      send COUNT valid VRRPv3 adverts for VRID 51 from SRC,
                                          their priorities alternating 150 and 151, back to back
  vrrp_probe.py cases                     list the cases and the counter each must increment
  vrrp_probe.py cases2                    the same for VRRPv2 with -a pw/secret at 1 s (R9);
                                          "valid2" is its control
  vrrp_probe.py trafgen FLOOD SRC_MAC     one frame of a flood as a trafgen(8) configuration
                                          (tools/bench/flood.sh): udp (to the VIP through
                                          the VMAC), valid (VRRPv3, VRID 51, priority 1,
                                          from the client), other_vrid (valid, VRID 52),
                                          invalid (VRID 51, priority 254, bad checksum), arp
                                          (who has the VIP)
  vrrp_probe.py csum PCAP FORM            check the checksum of every VRRPv3 advert in PCAP
                                          against scapy's: FORM legacy (IPv4 pseudo-header,
                                          scapy's own VRRPv3) or rfc9568 (no pseudo-header)

Every injected advert claims priority 254 for VRID 51 from 10.99.0.77, so that a valid one would
make any router in the lab a backup: none may change state.
"""
import struct
import sys

from scapy.all import ARP, IP, UDP, Dot1Q, Ether, raw, sendp, rdpcap
from scapy.layers.vrrp import VRRP, VRRPv3
from scapy.utils import checksum

SRC = "10.99.0.77"
VIP = "10.99.0.100"
GROUP = "224.0.0.18"
MAC = "02:00:00:00:00:77"


def v3(vrid=51, prio=254, addrs=(VIP,), adv=20, version=3, type_=1, ipcount=None):
    return VRRPv3(version=version, type=type_, vrid=vrid, priority=prio,
                  ipcount=len(addrs) if ipcount is None else ipcount, adv=adv,
                  addrlist=list(addrs))


def frame(vrrp, ttl=255):
    return Ether(src=MAC, dst="01:00:5e:00:00:12") / IP(src=SRC, dst=GROUP, ttl=ttl) / vrrp


def v2(prio=254, authtype=1, password=b"secret", adv=1):
    """VRRPv2 (RFC 3768), simple password; scapy computes the checksum."""
    return VRRP(version=2, type=1, vrid=51, priority=prio, ipcount=1, authtype=authtype,
                adv=adv, addrlist=[VIP], auth1=struct.unpack("!I", password[:4].ljust(4, b"\0"))[0],
                auth2=struct.unpack("!I", password[4:8].ljust(4, b"\0"))[0])


def bad_checksum():
    f = frame(v3())
    f[VRRPv3].chksum = (raw(f)[14 + 20 + 6] << 8 | raw(f)[14 + 20 + 7]) ^ 0x5555
    return f


def truncated():
    # count 2 but one address: the IP total length covers only what is there.
    return frame(v3(ipcount=2))


def ip_length_lie():
    # The IP header claims 40 bytes more than the frame carries (a VRRP count to match).
    f = frame(v3(addrs=(VIP,), ipcount=11))
    f[IP].len = len(f[IP]) + 40
    return f


def wrong_vlan():
    # A valid advert, but tagged for VLAN 7, where no instance runs.
    return Ether(src=MAC, dst="01:00:5e:00:00:12") / Dot1Q(vlan=7) / IP(
        src=SRC, dst=GROUP, ttl=255) / v3()


# VRRPv2 cases, for a lab running -a pw/secret at 1 s (CONFORMANCE.md R9).
CASES2 = {
    "r9_password": (lambda: frame(v2(password=b"wrong")), "auth_errors", 51),
    "r9_auth_type": (lambda: frame(v2(authtype=0, password=b"")), "auth_errors", 51),
    "r9_interval": (lambda: frame(v2(adv=2)), "adver_interval_errors", 51),
}

# case -> (builder, counter it must increment, on the instance's key or the VRID 0 key)
CASES = {
    "r1_ttl": (lambda: frame(v3(), ttl=254), "ip_ttl_errors", 51),
    "r2_version": (lambda: frame(v3(version=2)), "version_errors", 51),
    "r3_type": (lambda: frame(v3(type_=2)), "invalid_type", 51),
    "r4_truncated": (truncated, "length_errors", 51),
    "r4_ip_length": (ip_length_lie, "length_errors", 0),  # before the VRID is read
    "r5_checksum": (bad_checksum, "checksum_errors", 51),
    "r6_vrid": (lambda: frame(v3(vrid=77)), "vrid_errors", 0),
    "r6_wrong_vlan": (wrong_vlan, "vrid_errors", 0),
    "r7_count0": (lambda: frame(v3(addrs=())), "invalid_count", 51),
    "r7_interval0": (lambda: frame(v3(adv=0)), "invalid_count", 51),
}


def send(iface, case, count):
    # "valid": the control, a correct advert that must be taken (and win, at 254).
    if case == "valid":
        build = lambda: frame(v3())  # noqa: E731
    elif case == "valid2":
        build = lambda: frame(v2())  # noqa: E731
    else:
        build = {**CASES, **CASES2}[case][0]
    sendp([build() for _ in range(count)], iface=iface, verbose=False)


def flood_frame(kind, src_mac):
    """The frame a flood repeats, as trafgen's configuration (a list of bytes)."""
    client = "10.99.0.10"
    if kind == "udp":
        f = (Ether(src=src_mac, dst="00:00:5e:00:01:33") / IP(src=client, dst=VIP)
             / UDP(sport=40000, dport=9) / (b"\0" * 18))
    elif kind == "valid":
        # A valid advert for the routers' own VRID 51 from the client's own address, priority
        # 1: VRRPv3 has no authentication, so nothing may drop it as invalid.
        f = frame(v3(vrid=51, prio=1, adv=10))
        f[Ether].src = src_mac
        f[IP].src = client
    elif kind == "other_vrid":
        f = frame(v3(vrid=52, prio=100, addrs=("10.99.0.150",), adv=1))
        f[Ether].src = src_mac
    elif kind == "invalid":
        f = bad_checksum()
        f[Ether].src = src_mac
    elif kind == "arp":
        f = (Ether(src=src_mac, dst="ff:ff:ff:ff:ff:ff")
             / ARP(op=1, hwsrc=src_mac, psrc=client, pdst=VIP))
    else:
        raise SystemExit(f"unknown flood {kind}")
    b = raw(f).ljust(60, b"\0")
    return "{ " + ", ".join(f"0x{x:02x}" for x in b) + " }"


def csum_check(path, form):
    """0 if every VRRPv3 advert in path carries scapy's checksum for form."""
    bad = n = 0
    for p in rdpcap(path):
        if VRRPv3 not in p or p[VRRPv3].version != 3:
            continue
        n += 1
        got = p[VRRPv3].chksum
        if form == "legacy":
            q = p.copy()
            q[VRRPv3].chksum = None
            want = Ether(raw(q))[VRRPv3].chksum  # scapy recomputes with the pseudo-header
        else:
            msg = bytearray(raw(p[VRRPv3]))[: 8 + 4 * p[VRRPv3].ipcount]
            msg[6:8] = b"\0\0"
            want = checksum(bytes(msg))
        if got != want:
            bad += 1
            print(f"advert {n}: checksum {got:#06x}, scapy says {want:#06x}")
    print(f"{n} adverts, {bad} with another checksum than scapy's {form} form")
    return 0 if n and not bad else 1


def unicast(iface, dst, dst_mac, src=SRC, count=1):
    """A correct advert, but to one router's own address (what a --peer sends)."""
    f = Ether(src=MAC, dst=dst_mac) / IP(src=src, dst=dst, ttl=255) / v3()
    sendp([f] * count, iface=iface, verbose=False)


def rfc9568(iface, count, gap):
    """A stranger's valid adverts at priority 1, checksummed without the IPv4 pseudo-header."""
    f = frame(v3(prio=1))
    msg = bytearray(raw(f[VRRPv3]))
    msg[6:8] = b"\0\0"
    f[VRRPv3].chksum = checksum(bytes(msg))
    sendp(f, iface=iface, count=count, inter=gap, verbose=False)


def spoof(iface, src, count):
    """A master's adverts, forged, whose priority changes with every one."""
    frames = []
    for prio in (150, 151):
        f = frame(v3(prio=prio))
        f[IP].src = src
        frames.append(Ether(raw(f)))
    sendp([frames[i % 2] for i in range(count)], iface=iface, verbose=False)


def main(argv):
    if len(argv) >= 4 and argv[0] == "unicast":
        unicast(argv[1], argv[2], argv[3], *argv[4:5], *[int(c) for c in argv[5:6]])
        return 0
    if len(argv) >= 3 and argv[0] == "send":
        send(argv[1], argv[2], int(argv[3]) if len(argv) > 3 else 1)
        return 0
    if argv and argv[0] in ("cases", "cases2"):
        for name, (_, counter, vrid) in (CASES if argv[0] == "cases" else CASES2).items():
            print(name, counter, vrid)
        return 0
    if len(argv) == 3 and argv[0] == "trafgen":
        print(flood_frame(argv[1], argv[2]))
        return 0
    if len(argv) == 4 and argv[0] == "spoof":
        spoof(argv[1], argv[2], int(argv[3]))
        return 0
    if len(argv) == 4 and argv[0] == "rfc9568":
        rfc9568(argv[1], int(argv[2]), float(argv[3]))
        return 0
    if len(argv) == 3 and argv[0] == "csum":
        return csum_check(argv[1], argv[2])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
