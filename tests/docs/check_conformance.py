#!/usr/bin/python3
"""docs/CONFORMANCE.md is the home of the rule ids that the code and the tests cite.

    check_conformance.py [ROOT]

Checks, without root:

  conformance_ids_documented  every rule id (R1, C4, D2, S10, T1 ...: a letter of R C D S T and a
                              number) written in a file of the repository has a "### ID" section
                              in docs/CONFORMANCE.md;
  conformance_refs_exist      every `path` or `path:name` in backquotes in the document names a
                              file of the repository, and the name (a function, a test row, a
                              check) is a word of that file;
  conformance_rules_tested    every rule section names at least one test (a `tests/...` path);
  hacking_refs_exist          the same as conformance_refs_exist, for HACKING.md;
  conformance_self_contained  no file refers to working notes kept outside the repository (the
                              checklist, design, original-tool and style notes the project was
                              started from): what the code needs is written in docs/.

Shell variables that look like ids (T0=..., $T1, ${R1}) are not citations. The output is the
test runner's: "ok NAME", "not ok NAME: why", one "not ok" per finding. It checks itself first,
on a small tree it writes, with one finding of each kind planted.
"""
import os
import re
import subprocess
import sys
import tempfile

DOC = "docs/CONFORMANCE.md"
HACKING = "HACKING.md"
# An id: one of the rule letters and a number, not part of a longer word, not a shell variable
# being set or expanded, not a command-line option (-D24).
ID_RE = re.compile(r"(?<![\w$\{.-])([RCDST][0-9]{1,2})(?![\w=])")
HEADING_RE = re.compile(r"^### ([RCDST][0-9]{1,2})\s*$", re.M)
REF_RE = re.compile(r"`((?:bpf|user|atropos|include|tests|tools|packaging|docs)/[\w./-]+)(?::(\w+))?`")
SKIP_DIRS = ("tests/fuzz/corpus/",)
# The outside notes, by file name (spelled in pieces so that this file does not cite them).
NOTES_RE = re.compile(r"(?<![\w/])(?:%s)\.md\b|shared/%s" % ("|".join(
    ["RFC", "DESIGN", "ORIGINAL", "STYLE"]), "docs"))


def repo_files(root):
    try:
        out = subprocess.run(["git", "-C", root, "ls-files"], capture_output=True, text=True,
                             check=True).stdout.split("\n")
        return [f for f in out if f]
    except (OSError, subprocess.CalledProcessError):
        files = []
        for d, dirs, names in os.walk(root):
            dirs[:] = [x for x in dirs if x not in (".git", "build")]
            files += [os.path.relpath(os.path.join(d, n), root) for n in names]
        return files


def read_text(path):
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError:
        return None
    if b"\0" in data:
        return None
    return data.decode("utf-8", "replace")


def refs_exist(root, docname, doc, findings):
    """Every `path` and `path:name` of doc names a file, and a word of it."""
    for path, name in REF_RE.findall(doc):
        full = os.path.join(root, path)
        text = read_text(full) if os.path.isfile(full) else None
        if not os.path.exists(full):
            findings.append(f"{docname} names {path}, which does not exist")
        elif name and (text is None or not re.search(rf"\b{re.escape(name)}\b", text)):
            findings.append(f"{docname} names {path}:{name}, not in that file")


def check(root):
    """Returns {check name: [findings]} for the tree at root."""
    found = {"conformance_ids_documented": [], "conformance_refs_exist": [],
             "conformance_rules_tested": [], "conformance_self_contained": [],
             "hacking_refs_exist": []}
    doc = read_text(os.path.join(root, DOC))
    if doc is None:
        found["conformance_ids_documented"].append(f"{DOC} is missing")
        return found
    ids = set(HEADING_RE.findall(doc))

    for rel in repo_files(root):
        if rel == DOC or rel.startswith(SKIP_DIRS):
            continue
        text = read_text(os.path.join(root, rel))
        if text is None:
            continue
        for n, line in enumerate(text.split("\n"), 1):
            if NOTES_RE.search(line):
                found["conformance_self_contained"].append(
                    f"{rel}:{n} refers to {NOTES_RE.search(line).group(0)}, outside the repository")
            for rid in ID_RE.findall(line):
                if rid not in ids:
                    found["conformance_ids_documented"].append(
                        f"{rel}:{n} cites {rid}, which {DOC} does not define")

    refs_exist(root, DOC, doc, found["conformance_refs_exist"])
    hacking = read_text(os.path.join(root, HACKING))
    if hacking is None:
        found["hacking_refs_exist"].append(f"{HACKING} is missing")
    else:
        refs_exist(root, HACKING, hacking, found["hacking_refs_exist"])

    sections = re.split(r"^(?=#{2,3} )", doc, flags=re.M)
    for sec in sections:
        m = HEADING_RE.match(sec)
        if m and not re.search(r"`tests/", sec):
            found["conformance_rules_tested"].append(f"{m.group(1)} names no test")
    return found


def self_test():
    """The check finds one planted finding of each kind, and nothing else."""
    with tempfile.TemporaryDirectory() as t:
        os.makedirs(os.path.join(t, "docs"))
        os.makedirs(os.path.join(t, "tests"))
        with open(os.path.join(t, DOC), "w") as f:
            f.write("### R1\n\nTests: `tests/a.sh:one`.\n\n### R2\n\nUntested.\n\n"
                    "### S1\n\n`tests/a.sh:missing`, `tests/gone.sh`.\n")
        with open(os.path.join(t, HACKING), "w") as f:
            f.write("See `tests/a.sh:one` and `tests/a.sh:gone`.\n")
        with open(os.path.join(t, "tests/a.sh"), "w") as f:
            f.write("# R1 and R2, then R" "13\nT0=1; echo $T0 ${R1}\nrun -D24 one\n# see " + "STYLE" +
                    ".md, not CONFORMANCE.md\n")
        got = check(t)
    want = {"conformance_ids_documented": 1, "conformance_refs_exist": 2,
            "conformance_rules_tested": 1, "conformance_self_contained": 1,
            "hacking_refs_exist": 1}
    return {k: len(v) for k, v in got.items()} == want, got


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "../..")
    ok, got = self_test()
    if ok:
        print("ok conformance_self_test")
    else:
        print(f"not ok conformance_self_test: planted findings not found as planted: {got}")
    failed = not ok
    for name, findings in check(root).items():
        if not findings:
            print(f"ok {name}")
        for why in findings:
            print(f"not ok {name}: {why}")
            failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
