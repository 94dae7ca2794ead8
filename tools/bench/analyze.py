#!/usr/bin/python3
"""Turns the failover benchmark's captures into times (tools/bench/failover.sh).

    analyze.py failover OUTDIR > failover.json

For every scenario directory OUTDIR/IMPL-INTERVAL-FAULT and every run in its runs.txt, the
captures of the two router ports give, after the fault at time F:
  advert   the new master's first advertisement
  garp     its first gratuitous ARP for the VIP
  arp      its first answer to the client's ARP request for the VIP
  ping     its first echo reply to the client
and the RFC's expectation for the first advert: the old master's last advertisement the backup
had to respect (any, after a crash or link loss; one with priority >= the backup's when the
master only lowered its priority, since a preempting backup ignores lower ones) plus the
Master_Down_Interval, or its priority-0 advertisement plus Skew_Time after a SIGTERM. "error" is
the first advert minus that expectation. Also: how long the old master went on answering ARP for
the VIP after the fault (its lease), and whether it sent adverts after the new master's first.
Only the standard library: pcap is read here (nanosecond format, Ethernet).
"""
import json
import os
import struct
import sys

VRRP = 112


def read_pcap(path):
    """(linktype, [(t_ns, frame)]) of a nanosecond or microsecond pcap file."""
    out = []
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 24:
        return 0, out
    magic = struct.unpack("<I", data[:4])[0]
    if magic in (0xA1B23C4D, 0xA1B2C3D4):
        end = "<"
    else:
        end = ">"
        magic = struct.unpack(">I", data[:4])[0]
    scale = 1 if magic == 0xA1B23C4D else 1000
    linktype = struct.unpack(end + "I", data[20:24])[0]
    off = 24
    while off + 16 <= len(data):
        sec, frac, incl, _ = struct.unpack(end + "IIII", data[off:off + 16])
        off += 16
        out.append((sec * 1_000_000_000 + frac * scale, data[off:off + incl]))
        off += incl
    return linktype, out


LINKTYPE_ETHERNET = 1
LINKTYPE_LINUX_SLL2 = 276
PACKET_OUTGOING = 4


def port_frames(path, ifindex):
    """[(t_ns, Ethernet-like frame)] received on port ifindex (sent by the host behind it), from
    a tcpdump -i any capture (SLL2: interface and direction of each frame); the frame gets a
    zero MAC header so that offsets are those of Ethernet."""
    linktype, recs = read_pcap(path)
    if linktype != LINKTYPE_LINUX_SLL2:
        raise SystemExit(f"{path}: linktype {linktype}, want LINUX_SLL2 (tcpdump -i any)")
    out = []
    for t, rec in recs:
        if len(rec) < 20:
            continue
        proto, _, idx, _, pkttype = struct.unpack(">HHIHB", rec[:11])
        if idx == ifindex and pkttype != PACKET_OUTGOING:
            out.append((t, b"\0" * 12 + struct.pack(">H", proto) + rec[20:]))
    return out


def ip4(b):
    return ".".join(str(x) for x in b)


def classify(frame, vip, client):
    """('advert', prio) | ('garp',) | ('arp_reply',) | ('echo_reply',) | None."""
    if len(frame) < 14:
        return None
    etype = struct.unpack(">H", frame[12:14])[0]
    if etype == 0x0806 and len(frame) >= 42:
        op = struct.unpack(">H", frame[20:22])[0]
        spa, tpa = ip4(frame[28:32]), ip4(frame[38:42])
        if spa == vip and tpa == vip:
            return ("garp",)
        if op == 2 and spa == vip and tpa == client:
            return ("arp_reply",)
        return None
    if etype != 0x0800 or len(frame) < 34:
        return None
    ihl = (frame[14] & 0x0F) * 4
    proto = frame[23]
    src = ip4(frame[26:30])
    l4 = frame[14 + ihl:]
    if proto == VRRP and len(l4) >= 3:
        return ("advert", l4[2], l4[1])
    if proto == 1 and len(l4) >= 1 and l4[0] == 0 and src == vip:
        return ("echo_reply",)
    return None


def events(frames, vip, client, vrid):
    """[(t_ns, kind, prio)] of one port's frames, in time order."""
    out = []
    for t, fr in frames:
        c = classify(fr, vip, client)
        if c is None:
            continue
        if c[0] == "advert":
            if c[2] == vrid:
                out.append((t, "advert", c[1]))
        else:
            out.append((t, c[0], None))
    return out


def pct(values, p):
    """The p-th percentile (nearest rank) of values, or None."""
    v = sorted(x for x in values if x is not None)
    if not v:
        return None
    k = max(0, min(len(v) - 1, int(round(p / 100.0 * len(v) + 0.5)) - 1))
    return v[k]


def ms(ns):
    return None if ns is None else round(ns / 1e6, 4)


def first(evs, kind, lo, hi):
    for t, k, _ in evs:
        if lo <= t < hi and k == kind:
            return t
    return None


def capture_dropped(d):
    """Frames tcpdump reported lost ("N packets dropped by kernel"), or None if it said nothing:
    a lost frame can be a takeover's first advert, which the run then reads as late."""
    try:
        for line in open(os.path.join(d, "sw.tcpdump.err")):
            words = line.split()
            if words[1:] == ["packets", "dropped", "by", "kernel"]:
                return int(words[0])
    except OSError:
        pass
    return None


def scenario(d, vrid):
    p = dict(line.strip().split("=", 1) for line in open(os.path.join(d, "params")) if "=" in line)
    intv = int(p["interval_ms"]) * 1_000_000
    prio = int(p["priority"])
    skew = (256 - prio) * intv / 256.0
    mdi = 3 * intv + skew
    pcap = os.path.join(d, "sw.pcap")
    runs = []
    lines = [l.split() for l in open(os.path.join(d, "runs.txt")) if l.strip()]
    # A scenario whose lab or capture could not be made has neither (failover.sh says why).
    evs = {r: events(port_frames(pcap, int(p[r + "_port"])), p["vip"], p["client"], vrid)
           for r in ("r1", "r2")} if any(l[4] == "ok" for l in lines) else {}
    faults = [int(l[1]) * 1000 for l in lines]
    for n, l in enumerate(lines):
        run = {"run": int(l[0]), "status": l[4]}
        runs.append(run)
        if l[4] != "ok":
            continue
        tf, old, new = faults[n], l[2], l[3]
        hi = faults[n + 1] if n + 1 < len(faults) else 1 << 62
        adv = first(evs[new], "advert", tf, hi)
        if adv is None:
            run["status"] = "no advert from the new master in the capture"
            continue
        # The old master's adverts before the new master's first one.
        before = [(t, pr) for t, k, pr in evs[old] if k == "advert" and t < adv and t > tf - 10 * intv]
        if p["fault"] == "sigterm":
            zero = [t for t, pr in before if pr == 0]
            base = zero[-1] if zero else None
            expect = None if base is None else base + skew
        else:
            heard = [t for t, pr in before if pr >= prio]
            base = heard[-1] if heard else None
            expect = None if base is None else base + mdi
        garp = first(evs[new], "garp", tf, hi)
        arp = first(evs[new], "arp_reply", tf, hi)
        ping = first(evs[new], "echo_reply", tf, hi)
        old_arp = [t for t, k, _ in evs[old] if k == "arp_reply" and tf <= t < hi]
        late = [t for t, k, pr in evs[old] if k == "advert" and adv < t < hi and pr]
        run.update({
            "fault_ns": tf,
            "old": old,
            "new": new,
            "advert_ms": ms(adv - tf),
            "error_ms": ms(None if expect is None else adv - expect),
            "garp_ms": ms(None if garp is None else garp - tf),
            "garp_after_advert_ms": ms(None if garp is None else garp - adv),
            "arp_ms": ms(None if arp is None else arp - tf),
            "ping_ms": ms(None if ping is None else ping - tf),
            "old_arp_after_fault_ms": ms(old_arp[-1] - tf) if old_arp else None,
            "old_adverts_after_takeover": len(late),
        })
    ok = [r for r in runs if r["status"] == "ok"]
    summary = {}
    for key in ("advert_ms", "error_ms", "garp_ms", "garp_after_advert_ms", "arp_ms", "ping_ms",
                "old_arp_after_fault_ms"):
        vals = [r.get(key) for r in ok]
        summary[key] = {"p50": pct(vals, 50), "p99": pct(vals, 99),
                        "min": pct(vals, 0), "max": pct(vals, 100),
                        "n": len([v for v in vals if v is not None])}
    return {
        "impl": p["impl"],
        "interval_ms": int(p["interval_ms"]),
        "fault": p["fault"],
        "mdi_ms": round(mdi / 1e6, 4),
        "skew_ms": round(skew / 1e6, 4),
        "probe_us": int(p["probe_us"]),
        # The runs asked for: a scenario that stopped early shows how many it did not do.
        "runs": max(int(p.get("runs", len(runs))), len(runs)),
        "ok": len(ok),
        "dual_master_runs": len([r for r in ok if r.get("old_adverts_after_takeover")]),
        "capture_dropped": capture_dropped(d),
        "summary": summary,
        "detail": runs,
    }


def failover(out, vrid=51):
    res = []
    for name in sorted(os.listdir(out)):
        d = os.path.join(out, name)
        if os.path.isfile(os.path.join(d, "params")) and os.path.isfile(os.path.join(d, "runs.txt")):
            res.append(scenario(d, vrid))
    return res


def main():
    if len(sys.argv) != 3 or sys.argv[1] != "failover":
        sys.exit("usage: analyze.py failover OUTDIR")
    json.dump(failover(sys.argv[2]), sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
