#!/usr/bin/python3
"""The benchmark report (make bench): results.json -> report.md and PNG plots (gnuplot).

    report.py RESULTS_JSON OUTDIR [NOTES_MD]

Writes OUTDIR/report.md (Markdown: the machine, every benchmark's table, the targets of issue 8
with what was measured and whether it was met, then NOTES_MD if given: the analysis a person
wrote) and OUTDIR/plots/*.png; prints the report's tables on stdout. Only the standard library
and gnuplot; a missing gnuplot leaves the plots out and says so in the report.
"""
import json
import os
import shutil
import subprocess
import sys

FAULTS = ["kill9", "linkdown", "sigterm", "priority"]
FAULT_TEXT = {
    "kill9": "kill -9 of the master",
    "linkdown": "master's link down",
    "sigterm": "SIGTERM (priority 0)",
    "priority": "priority lowered at run time",
}
IMPLS = ["vrrpd", "keepalived"]


def fmt(v, nd=2):
    if v is None:
        return "-"
    if isinstance(v, float):
        return f"{v:.{nd}f}"
    return str(v)


def table(head, rows):
    out = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    out += ["| " + " | ".join(fmt(c) for c in r) + " |" for r in rows]
    return "\n".join(out)


def xdp_section(x):
    if not x or "rows" not in x:
        return "Not run.", {}
    rows = []
    by = {}
    for r in x["rows"]:
        by[(r["name"], r["mode"])] = r
        rows.append([r["name"], r["mode"], r.get("ns"), r.get("ratio_to_floor"),
                     r.get("verdict"), r.get("note", "")])
    txt = (f"BPF_PROG_TEST_RUN, repeat {x.get('repeat')}, {x.get('trials')} trials, median "
           "(ns per run, as the kernel reports it); \"syscall\" rows run repeat=1 per call to "
           "restore the frame each time; \"live\" rows use BPF_F_TEST_XDP_LIVE_FRAMES on a "
           "veth, where XDP_TX frames really leave and XDP_PASS frames go up the stack.\n\n")
    txt += table(["case", "mode", "ns", "x floor", "verdict", "note"], rows)
    return txt, by


def failover_rows(f, interval):
    rows = []
    for fault in FAULTS:
        for impl in IMPLS:
            s = next((s for s in f if s["impl"] == impl and s["fault"] == fault
                      and s["interval_ms"] == interval), None)
            if s is None:
                continue
            m = s["summary"]
            rows.append([
                FAULT_TEXT[fault], impl, f"{s['ok']}/{s['runs']}",
                m["advert_ms"]["p50"], m["advert_ms"]["p99"],
                m["error_ms"]["p50"], m["error_ms"]["p99"],
                m["garp_after_advert_ms"]["p50"], m["arp_ms"]["p50"], m["ping_ms"]["p50"],
                m["ping_ms"]["p99"], m["old_arp_after_fault_ms"]["max"],
                s["dual_master_runs"],
            ])
    return rows


def failover_section(f):
    if not f:
        return "Not run."
    out = []
    for interval in sorted({s["interval_ms"] for s in f}, reverse=True):
        s0 = next(s for s in f if s["interval_ms"] == interval)
        out.append(f"#### Interval {interval} ms (Master_Down_Interval {s0['mdi_ms']} ms, "
                   f"Skew_Time {s0['skew_ms']} ms, client probes every {s0['probe_us'] / 1000} ms)\n")
        out.append(table(
            ["fault", "impl", "runs ok", "advert p50", "advert p99", "error p50", "error p99",
             "GARP after advert p50", "ARP answer p50", "ping p50", "ping p99",
             "old master answered ARP until", "dual master"],
            failover_rows(f, interval)))
        # Runs that did not count, and why (a lab not made, no takeover, ...): never left out.
        for sc in f:
            bad = [r for r in sc.get("detail", []) if r["status"] != "ok"]
            if sc["interval_ms"] == interval and (bad or sc["ok"] < sc["runs"]):
                why = "; ".join(f"run {r['run']}: {r['status']}" for r in bad) or "stopped early"
                out.append(f"- {sc['impl']}, {FAULT_TEXT[sc['fault']]}: {sc['ok']} of "
                           f"{sc['runs']} runs counted ({why}).")
        out.append("")
    return ("All times in ms from the fault, from the captures on the switch ports, except "
            "\"error\": the new master's first advert minus the RFC's expectation (the last "
            "advert the backup had to respect + Master_Down_Interval, or the priority-0 advert "
            "+ Skew_Time after SIGTERM), and \"GARP after advert\". \"old master answered ARP "
            "until\": the last ARP answer from the failed master's port after the fault (the "
            "lease; keepalived's kernel answers as long as the address stays). \"dual master\": "
            "runs where the old master still advertised after the new one's first advert.\n\n"
            + "\n".join(out))


def flood_section(fl):
    if not fl:
        return "Not run."
    rows = [[r["impl"], r["flood"], "max" if not r["asked_pps"] else r["asked_pps"], r["pps"],
             r["seconds"], r["spurious"], r["master_kept_vip"], r.get("master_max_gap_ms"),
             r.get("capture_dropped", "-"), r.get("master_adverts_per_s", "-")]
            for r in fl["rows"]]
    return (f"Adverts every {fl['interval_ms']} ms; each flood {fl['seconds']} s from the client "
            "(trafgen, one CPU); \"spurious\" = state changes logged by either router; \"master's "
            "longest gap\": between the adverts the master sent (captured as they left it): above "
            "Master_Down_Interval, the master itself went silent (unless the capture lost "
            "frames: \"capture lost\"); \"master's adverts/s\": how "
            "many it sent a second over the flood and the 0.5 s after (normal: 1000 / interval; "
            "far more means it answered the flood advert for advert). The \"valid\" flood: "
            "VRRPv3 adverts for our VRID at priority 1 from the client (no authentication in "
            "VRRPv3: nothing may drop them).\n\n"
            + table(["impl", "flood", "asked pps", "reached pps", "s", "spurious", "master kept VIP",
                     "master's longest gap ms", "capture lost", "master's adverts/s"], rows)
            + during_table(fl.get("during")))


def during_table(during):
    if not during:
        return ""
    dash = lambda v: "-" if v is None else v
    rows = [[r["impl"], dash(r["atropos_ms"]), r["sigterm_exit_ms"],
             dash(r["backup_holds_vip_ms"]), r["log_lines_per_10s"], r["backup_kept_vip"],
             dash(r.get("kill9_vip_ms")), dash(r.get("master_down_interval_ms"))] for r in during]
    return ("\n\nDuring a valid flood at full speed: atropos --state asked after 1 s (vrrpd "
            "only), SIGTERM to the master after 2 s; the log lines of both routers over those "
            "2 s, per 10 s. Then the master again, and kill -9 of it 1 s into another such "
            "flood: when the backup added the VIP (the kernel's address notification), against "
            "its Master_Down_Interval.\n\n"
            + table(["impl", "atropos --state ms", "SIGTERM to exit ms", "backup holds the VIP ms",
                     "log lines / 10 s", "backup kept the VIP", "VIP on the backup after kill -9 ms",
                     "Master_Down_Interval ms"], rows))


def starve_section(st):
    if not st:
        return "Not run."
    rows = [[r["impl"], r["case"], r["repeats"], r["seconds"], r["false_takeovers"],
             r["master_changes"], r.get("master_max_gap_ms"), r.get("throttled")]
            for r in st["rows"]]
    return (f"Adverts every {st['interval_ms']} ms; the backup's controller starved while the "
            "master is healthy (its longest gap between adverts shows it).\n\n"
            + table(["impl", "case", "times", "s each", "false takeovers", "master changes",
                     "master's longest gap ms", "quota throttled"], rows))


def idle_section(idle):
    if not idle:
        return "Not run."
    rows = [[r["impl"], r["instances"], r["interval_ms"], r.get("interfaces", 1), r["role"],
             r["cpu_pct"], r["wakeups_per_s"], r.get("preempted_per_s", "-"), r["pss_kib"],
             r["rss_kib"], r["procs"],
             r.get("machine_busy_pct", "-"), r.get("transitions", "-"),
             r.get("window_s", idle.get("window_s", "-")), r.get("settled_ms", "-"),
             r["all_in_role"]]
            for r in idle["rows"]]
    out = ("Both routers measured at once over the window, once settled; CPU from schedstat "
           "(ns on CPU), wakeups = voluntary context switches (slept, then woken), preempted = "
           "involuntary ones (another task took the CPU; here mostly ksoftirqd doing the softirq "
           "work of the frames the process sent); machine % = the whole machine's busy time "
           "(softirq included, where XDP runs), % of one CPU, the same on both routers' rows; "
           "transitions = state changes logged in the window; settled ms = from start until "
           "every instance was in its role (-1: never). vrrpd-c: one process per router with "
           "the instances in its -c file; vrrpd: one process per instance.\n\n"
           + table(["impl", "instances", "interval ms", "interfaces", "role", "CPU %",
                    "wakeups/s", "preempted/s", "PSS KiB", "RSS KiB", "processes", "machine %", "transitions",
                    "window s", "settled ms", "all in role"], rows))
    storms = idle.get("storms") or []
    if storms:
        out += ("\n\nTakeover storm: kill -9 of every process of the router holding the N "
                "masters; when the backup router added each VIP (the kernel's address "
                "notifications), after the kill.\n\n"
                + table(["impl", "instances", "interval ms", "VIPs added", "p50 ms", "p99 ms",
                         "last ms", "Master_Down_Interval ms"],
                        [[r["impl"], r["instances"], r["interval_ms"], f"{r['n']} of {r['want']}",
                          r["p50_ms"], r["p99_ms"], r["max_ms"], r["master_down_interval_ms"]]
                         for r in storms]))
    return out


def track_section(tr):
    if not tr or "rows" not in tr:
        return "Not run."
    rows = tr["rows"]
    base = {r["impl"]: r for r in rows if r["check"] == "none"}

    def share(r):
        b = base.get(r["impl"])
        if r["check"] == "none" or not b:
            return None
        return round(r["cpu_ms_per_s"] - b["cpu_ms_per_s"], 3)
    table_rows = [[r["impl"], r["check"], r["instances"], r["window_s"], r["cpu_ms_per_s"],
                   r["daemon_ms_per_s"], r["children_ms_per_s"], share(r), r["runs"],
                   r["runs_per_s"], r["transitions"], r["settled_ms"], r["all_master"]]
                  for r in rows]
    out = (f"{tr['instances']} instances in one process, alone on their LAN (all master), "
           f"adverts every {tr['interval_s']} s; \"script\": every instance tracks the same "
           f"health check, run every {tr['interval_s']} s (vrrpd: `--track-script` on the -c "
           "file's defaults line; keepalived: one `vrrp_script` that every `vrrp_instance` "
           "tracks), a /bin/sh script that appends a line to a file and exits 0; \"none\": the "
           "same instances without it. CPU ms/s = daemon (schedstat of its processes' threads, "
           "ns) + children (the check's runs: cutime + cstime of the processes that reaped them, "
           "in clock ticks of 10 ms), per second of the window; \"check's share\": CPU ms/s with "
           "the check minus without it; runs = lines the check appended during the window.\n\n"
           + table(["impl", "check", "instances", "window s", "CPU ms/s", "daemon ms/s",
                    "children ms/s", "check's share ms/s", "runs", "runs/s", "transitions",
                    "settled ms", "all master"], table_rows))
    notes = []
    for r in rows:
        if r["check"] != "script" or r["runs"] is None:
            continue
        # Once per interval: at most one run more than the window holds intervals.
        once = r["runs"] <= int(r["window_s"] / tr["interval_s"]) + 1
        notes.append(f"{r['impl']} ran the check {r['runs']} times in {r['window_s']} s for "
                     f"{r['instances']} instances: "
                     + ("once per interval." if once else "**more than once per interval**."))
    if notes:
        out += "\n\n" + " ".join(notes)
    return out


def find(seq, **kw):
    return next((r for r in seq if all(r.get(k) == v for k, v in kw.items())), None)


def targets(res, xdp_by):
    """[(target, measured, met)] for the targets of issue 8."""
    out = []
    e = xdp_by.get(("empty", "repeat"))
    u = xdp_by.get(("udp64", "repeat"))
    if e and u:
        d = u["ns"] - e["ns"]
        out.append(("non-VRRP traffic costs no more than the empty program + 1 ns",
                    f"udp64 {u['ns']} ns vs empty {e['ns']} ns: +{d:.1f} ns", d <= 1))
    a = xdp_by.get(("arp_reply", "live"))
    k = xdp_by.get(("empty", "live"))
    if a and k and (a.get("skipped") or k.get("skipped")):
        out.append(("ARP answered in XDP cheaper than by the kernel (anchors: 44 vs 350 ns)",
                    "not measurable here (live frames): " + (a.get("skipped") or k.get("skipped")),
                    None))
    elif a and k:
        out.append(("ARP answered in XDP cheaper than by the kernel (anchors: 44 vs 350 ns)",
                    f"{a['ns']} ns vs {k['ns']} ns (live frames)", a["ns"] < k["ns"]))
    f = res.get("failover") or []
    for interval in sorted({s["interval_ms"] for s in f}):
        for fault in FAULTS:
            v = find(f, impl="vrrpd", fault=fault, interval_ms=interval)
            kk = find(f, impl="keepalived", fault=fault, interval_ms=interval)
            if not v or not kk:
                continue
            ve, ke = v["summary"]["error_ms"]["p50"], kk["summary"]["error_ms"]["p50"]
            if ve is not None and ke is not None:
                out.append((f"takeover precision at least keepalived's ({interval} ms, {fault})",
                            f"|error| p50 {abs(ve):.3f} ms vs keepalived {abs(ke):.3f} ms",
                            abs(ve) <= abs(ke)))
            vg = v["summary"]["garp_after_advert_ms"]["p50"]
            kg = kk["summary"]["garp_after_advert_ms"]["p50"]
            if vg is not None and kg is not None:
                out.append((f"GARP latency at least keepalived's ({interval} ms, {fault})",
                            f"{vg:.3f} ms after the advert vs {kg:.3f} ms", vg <= kg))
    fl = (res.get("flood") or {}).get("rows", [])
    vs = [r for r in fl if r["impl"] == "vrrpd"]
    if vs:
        n = sum(r["spurious"] for r in vs)
        top = max(r["pps"] for r in vs)
        out.append(("zero spurious transitions at every flood rate",
                    f"{n} over {len(vs)} floods up to {top} pps", n == 0))
    fl_int = (res.get("flood") or {}).get("interval_ms", 0)
    v = find((res.get("flood") or {}).get("during") or [], impl="vrrpd")
    if v:
        out.append(("valid flood at full speed: SIGTERM honoured within 1 s",
                    f"{v['sigterm_exit_ms']} ms", v["sigterm_exit_ms"] <= 1000))
        if v["atropos_ms"] is not None:
            out.append(("valid flood at full speed: atropos answers within 100 ms",
                        f"{v['atropos_ms']} ms", v["atropos_ms"] <= 100))
        out.append(("valid flood at full speed: at most 10 log lines per 10 s",
                    f"{v['log_lines_per_10s']}", v["log_lines_per_10s"] <= 10))
        if v.get("master_down_interval_ms") is not None:
            lim = v["master_down_interval_ms"] + fl_int
            k9 = v.get("kill9_vip_ms")
            out.append(("valid flood at full speed: kill -9 takeover within "
                        "Master_Down_Interval + one interval",
                        "no takeover within 5 s" if k9 is None else f"{k9:.1f} ms (limit {lim} ms)",
                        k9 is not None and k9 <= lim))
    st = (res.get("starve") or {}).get("rows", [])
    vs = [r for r in st if r["impl"] == "vrrpd"]
    if vs:
        n = sum(r["false_takeovers"] + r["master_changes"] for r in vs)
        out.append(("zero false takeovers under starvation",
                    f"{n} over {', '.join(r['case'] for r in vs)}", n == 0))
    idle = (res.get("idle") or {}).get("rows", [])
    for n in sorted({r["instances"] for r in idle}):
        v = find(idle, impl="vrrpd-c", instances=n, interval_ms=10, role="backup")
        kk = find(idle, impl="keepalived", instances=n, interval_ms=10, role="backup")
        if v and kk and n == 255 and kk.get("machine_busy_pct") and "machine_busy_pct" in v:
            out.append((f"{n} x 10 ms in one process: machine busy <= 1/4 of keepalived's",
                        f"{v['machine_busy_pct']:.2f} % vs {kk['machine_busy_pct']:.2f} %",
                        v["machine_busy_pct"] <= kk["machine_busy_pct"] / 4))
        if v and n == 255:
            out.append(("255 x 10 ms in one process: a backup wakes at most 10 times a second",
                        f"{v['wakeups_per_s']:.1f} wakeups/s", v["wakeups_per_s"] <= 10))
            tr = sum(r.get("transitions", 0) for r in idle
                     if r["impl"] == "vrrpd-c" and r["instances"] == n
                     and r["interval_ms"] == 10)
            win = v.get("window_s", (res.get("idle") or {}).get("window_s"))
            out.append(("255 x 10 ms in one process: 0 spurious transitions in 60 s",
                        f"{tr} (window {win} s)", tr == 0 and win is not None and win >= 60))
        if v and n == 255 and v.get("settled_ms") is not None:
            out.append(("255 instances with -c up and settled within 5 s (10 ms)",
                         f"{v['settled_ms']} ms", 0 <= v["settled_ms"] <= 5000))
        v = find(idle, impl="vrrpd", instances=n, interval_ms=10, role="backup")
        kk = find(idle, impl="keepalived", instances=n, interval_ms=10, role="backup")
        if v and kk and kk["cpu_pct"]:
            out.append((f"backup idle CPU at 10 ms <= 1/5 of keepalived's ({n} instances)",
                        f"{v['cpu_pct']:.3f} % vs {kk['cpu_pct']:.3f} %",
                        v["cpu_pct"] <= kk["cpu_pct"] / 5))
    out += scale_targets(res.get("idle") or {})
    out += rhythm_targets(res)
    return out


def scale_targets(idle):
    """[(target, measured, met)] for the scale targets of issue 19."""
    out = []
    rows = idle.get("rows", [])

    def steady(impl, n, ms, want_win=60):
        rs = [r for r in rows if r["impl"] == impl and r["instances"] == n
              and r["interval_ms"] == ms]
        if not rs:
            return None
        tr = sum(r["transitions"] for r in rs)
        win = min(r.get("window_s", 0) for r in rs)
        settled = all(r["all_in_role"] for r in rs) and rs[0]["settled_ms"] >= 0
        return (f"settled in {rs[0]['settled_ms']} ms, {tr} transitions in {win} s"
                if settled else "never settled"), settled and tr == 0 and win >= want_win, rs[0]
    s = steady("vrrpd-c", 1000, 100)
    if s:
        out.append(("1000 x 100 ms in one process: settled within 15 s, 0 spurious "
                    "transitions in 60 s", s[0], s[1] and 0 <= s[2]["settled_ms"] <= 15000))
    s = steady("vrrpd", 255, 100)
    if s:
        out.append(("255 single-instance processes at 100 ms: settle, 0 spurious transitions "
                    "in 60 s", s[0], s[1]))
    for ms in (1000, 100):
        v = find(rows, impl="vrrpd", instances=255, interval_ms=ms, role="backup")
        if v:
            out.append((f"255 single-instance processes up and settled within 30 s ({ms} ms)",
                        f"{v['settled_ms']} ms", 0 <= v["settled_ms"] <= 30000))
    for st in idle.get("storms") or []:
        if st["impl"] != "vrrpd-c":
            continue
        lim = st["master_down_interval_ms"] + 20
        out.append((f"takeover storm of {st['instances']} x {st['interval_ms']} ms: every VIP "
                    "within Master_Down_Interval + 20 ms (p99)",
                    f"p99 {st['p99_ms']} ms, {st['n']} of {st['want']} VIPs (limit {lim} ms)",
                    st["n"] == st["want"] and st["p99_ms"] is not None and st["p99_ms"] <= lim))
    return out


def longest_gap(part, what, name):
    """The vrrpd master's longest gap between its adverts over a part's rows, as a target row."""
    ms = part.get("interval_ms")
    vs = [r for r in part.get("rows", []) if r["impl"] == "vrrpd"
          and r.get("master_max_gap_ms") is not None]
    if not ms or not vs:
        return None, vs, ms
    top = max(vs, key=lambda r: r["master_max_gap_ms"])
    return ((f"{what}: the master's longest gap between its adverts at most 2 intervals",
             f"{top['master_max_gap_ms']} ms ({name(top)})", top["master_max_gap_ms"] <= 2 * ms),
            vs, ms)


def rhythm_targets(res):
    """The master keeps its rhythm: longest gap and advert rate under the floods, starvation."""
    out = []
    row, vs, ms = longest_gap(res.get("flood") or {}, "floods",
                              lambda r: f"{r['flood']}, {r['asked_pps'] or 'max'} pps")
    if row:
        out.append(row)
        va = [r for r in vs if r["flood"] == "valid" and r.get("master_adverts_per_s")]
        if va:
            top = max(va, key=lambda r: r["master_adverts_per_s"])
            out.append(("valid floods: the master's advert rate at most twice its normal rate",
                        f"{top['master_adverts_per_s']}/s (normal {1000 // ms}/s)",
                        top["master_adverts_per_s"] <= 2 * 1000 / ms))
    row, _, _ = longest_gap(res.get("starve") or {}, "starvation", lambda r: r["case"])
    if row:
        out.append(row)
    return out


def gnuplot(script, outdir):
    if not shutil.which("gnuplot"):
        return False
    subprocess.run(["gnuplot"], input=script, text=True, cwd=outdir, check=True)
    return True


def plots(res, outdir):
    """The PNGs made, as (title, file)."""
    made = []
    pdir = os.path.join(outdir, "plots")
    os.makedirs(pdir, exist_ok=True)
    f = res.get("failover") or []
    for interval in sorted({s["interval_ms"] for s in f}, reverse=True):
        for key, what in (("advert_ms", "failover time: new master's first advert after the fault (ms)"),
                          ("error_ms", "error against the RFC's expectation (ms)")):
            panels = []
            for fault in FAULTS:
                series = []
                for impl in IMPLS:
                    s = find(f, impl=impl, fault=fault, interval_ms=interval)
                    vals = [r[key] for r in (s or {}).get("detail", []) if r.get(key) is not None]
                    if not vals:
                        continue
                    name = f"{interval}-{fault}-{impl}-{key}.dat"
                    with open(os.path.join(pdir, name), "w") as fh:
                        fh.write("\n".join(str(v) for v in vals) + "\n")
                    series.append((impl, name, vals))
                if series:
                    panels.append((fault, series))
            if not panels:
                continue
            allv = [v for _, s in panels for _, _, vals in s for v in vals]
            lo, hi = min(allv), max(allv)
            width = max((hi - lo) / 40.0, 1e-3)
            png = f"failover-{interval}ms-{key.replace('_ms', '')}.png"
            sc = [f'set terminal pngcairo size 1200,800 font ",10"', f'set output "{png}"',
                  f'set multiplot layout 2,2 title "{interval} ms interval: {what}"',
                  f"bw={width}", "bin(x)=bw*floor(x/bw)+bw/2", "set style fill solid 0.5",
                  "set boxwidth bw*0.9", "set ylabel \"runs\""]
            for fault, series in panels:
                sc.append(f'set title "{FAULT_TEXT[fault]}"')
                parts = [f'"{name}" using (bin($1)):(1.0) smooth frequency with boxes title "{impl}"'
                         for impl, name, _ in series]
                sc.append("plot " + ", ".join(parts))
            sc.append("unset multiplot")
            if gnuplot("\n".join(sc) + "\n", pdir):
                made.append((f"{interval} ms: {what}", f"plots/{png}"))
    fl = (res.get("flood") or {}).get("rows", [])
    if fl:
        series = []
        for impl in IMPLS:
            for kind in sorted({r["flood"] for r in fl}):
                pts = sorted((r["pps"], r["spurious"]) for r in fl
                             if r["impl"] == impl and r["flood"] == kind)
                if not pts:
                    continue
                name = f"flood-{impl}-{kind}.dat"
                with open(os.path.join(pdir, name), "w") as fh:
                    fh.write("\n".join(f"{x} {y}" for x, y in pts) + "\n")
                series.append((f"{impl} {kind}", name))
        sc = ['set terminal pngcairo size 1000,600 font ",10"', 'set output "flood.png"',
              'set title "Spurious state changes during a flood (adverts every 10 ms)"',
              'set xlabel "flood rate reached (packets/s)"', 'set ylabel "spurious transitions"',
              "set logscale x", "set key outside right", "set yrange [-0.5:*]"]
        sc.append("plot " + ", ".join(f'"{n}" using 1:2 with linespoints title "{t}"'
                                      for t, n in series))
        if gnuplot("\n".join(sc) + "\n", pdir):
            made.append(("flood rate vs spurious transitions", "plots/flood.png"))
    return made


def main():
    if len(sys.argv) not in (3, 4):
        sys.exit("usage: report.py RESULTS_JSON OUTDIR [NOTES_MD]")
    res = json.load(open(sys.argv[1]))
    outdir = sys.argv[2]
    m = res.get("machine", {})
    xtxt, xby = xdp_section(res.get("xdp"))
    unmeasurable = res.get("not_measurable") or []
    whole = {u["part"]: u["reason"] for u in unmeasurable if u["what"] == "the whole part"}
    sections = [
        ("1. Cost per packet in the XDP program", xtxt),
        ("2. Failover time", failover_section(res.get("failover"))),
        ("3. Floods", flood_section(res.get("flood"))),
        ("4. Starvation", starve_section(res.get("starve"))),
        ("5. Idle cost and scale", idle_section(res.get("idle"))),
        ("6. A health check shared by many instances", track_section(res.get("track"))),
    ]
    tg = targets(res, xby)
    made = plots(res, outdir)
    md = ["# vrrpd benchmarks", ""]
    md.append(f"`make bench`{' (BENCH_QUICK=1: a small version, numbers not meaningful)' if res.get('quick') else ''}"
              f" on {m.get('date', '?')}, commit {m.get('commit', '?')}: {m.get('cpu', '?')}, "
              f"{m.get('cores', '?')} cores, kernel {m.get('kernel', '?')}; {m.get('keepalived', '?')} "
              "from Debian in the same run and topology. Parts took "
              + ", ".join(f"{k} {v} s" for k, v in res.get("seconds", {}).items()) + ".")
    if res.get("errors"):
        md += ["", "**Parts that failed:** " + "; ".join(res["errors"])]
    if res.get("findings"):
        md += ["", "**Findings:** " + "; ".join(res["findings"])]
    md += ["", "## Targets (issues 8 and 19)", "",
           table(["target", "measured", "met"],
                 [[t, v, "not measurable here" if ok is None else "yes" if ok else "**no**"]
                  for t, v, ok in tg])]
    if unmeasurable:
        md += ["", "## Not measurable here", "",
               "What this machine's kernel cannot run, and the kernel's reason; the rest of the "
               "run measured as usual.", ""]
        md += [f"- {u['part']}, {u['what']}: {u['reason']}" for u in unmeasurable]
    for title, body in sections:
        part = {"1": "xdp", "2": "failover", "3": "flood", "4": "starve", "5": "idle",
                "6": "track"}[title[0]]
        if part in whole:
            body = f"Not measurable here: {whole[part]}"
        md += ["", f"## {title}", "", body]
    if made:
        md += ["", "## Plots", ""] + [f"![{t}]({p})" for t, p in made]
    elif res.get("failover") or res.get("flood"):
        md += ["", "No plots: gnuplot is not installed."]
    if len(sys.argv) == 4 and os.path.exists(sys.argv[3]):
        md += ["", open(sys.argv[3]).read().rstrip()]
    text = "\n".join(md) + "\n"
    with open(os.path.join(outdir, "report.md"), "w") as fh:
        fh.write(text)
    print(text)


if __name__ == "__main__":
    main()
