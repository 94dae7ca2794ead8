#!/usr/bin/python3
"""Every command the project runs comes from tools/install-deps.sh.

    check_deps.py [ROOT]

Reads every shell script of the project (tests, tools, the Makefile, .ci/run, packaging) and its
Python scripts, and checks, on this machine, after make deps:

  deps_packages_installed   every package on tools/install-deps.sh --list is installed;
  deps_needed_commands      every command a script checks for before using it (command -v X,
                            t_need TEST X..., [ -x /path ], shutil.which("x")), the checks that
                            turn into a skip when X is missing, is installed, and comes from a
                            package that the list installs;
  deps_used_commands        every word in the scripts' code (not in comments, messages or
                            embedded awk/jq/Python text) that names an installed program comes
                            from a package that the list installs: a tool that happens to be on
                            this machine but would be missing on a fresh one is found here, not
                            by a user;
  deps_python_modules       every module the Python scripts import is there and comes from such
                            a package.

"A package that the list installs": a package on the list, one of their dependencies (Depends
and Pre-Depends, recursively, as apt would install them), or an Essential package, which every
Debian system has. The output is the test runner's: "ok NAME", "not ok NAME: why" (one per
offending command, naming the script and line that needs it). It also checks itself first, on
scripts it writes: with jq taken off the list, running jq is found and jq in a message is not;
a missing program that a script checks for is found.
"""
import os
import re
import subprocess
import sys
import tempfile

PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
PY = "/usr/bin/python3"

# Words in the scripts' code that are installed programs but are not run as such there. Each
# entry says where the word is used; keep this short: every entry is a word the check skips.
NOT_COMMANDS = {
    "arp": "a tcpdump filter word (t_capture ... arp and ...), not net-tools' arp",
    "route": "ip's object (ip route add ...), not net-tools' route",
}

WORD = re.compile(r"[A-Za-z0-9_./+:@%,=-]+")
NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.+-]*$")


# ---------------------------------------------------------------------- the shell's code


def code_only(text):
    """The text with what is not shell code blanked out (lines and columns kept): comments,
    single-quoted strings (unless they follow -c: sh -c '...'), the literal parts of double-quoted
    strings (their $(...) and `...` stay), $'...' strings, ${...} expansions and heredoc bodies."""
    out = list(text)
    n = len(text)

    def blank(a, b):
        for k in range(a, min(b, n)):
            if out[k] != "\n":
                out[k] = " "

    def prev_words(i, count):
        words = []
        j = i - 1
        for _ in range(count):
            while j >= 0 and text[j] in " \t":
                j -= 1
            k = j
            while k >= 0 and not text[k].isspace():
                k -= 1
            words.insert(0, text[k + 1:j + 1])
            j = k
        return words

    def shell_c(i):
        # sh -c '...', bash -c '...': the string is shell code (python3 -c '...' is not).
        shell, opt = prev_words(i, 2)
        return opt == "-c" and os.path.basename(shell.strip('"')) in ("sh", "bash")

    def skip_heredocs(i, pending):
        # i is just past a newline: the bodies of the heredocs opened on the line before.
        for delim, strip_tabs in pending:
            while i < n:
                e = text.find("\n", i)
                e = n if e < 0 else e
                line = text[i:e]
                if (line.lstrip("\t") if strip_tabs else line) == delim:
                    i = e + 1
                    break
                blank(i, e)
                i = e + 1
        return i

    def code(i, close):
        """Scans code from i; returns the index after the `close` character (None: to the end)."""
        depth = 0
        pending = []
        at_word_start = True
        while i < n:
            c = text[i]
            if c == "\\":
                i += 2
                at_word_start = False
                continue
            if c == "\n":
                i += 1
                if pending:
                    i = skip_heredocs(i, pending)
                    pending = []
                at_word_start = True
                continue
            if c == "#" and at_word_start:
                e = text.find("\n", i)
                e = n if e < 0 else e
                blank(i, e)
                i = e
                continue
            if c == "'":
                e = text.find("'", i + 1)
                e = n if e < 0 else e
                if shell_c(i):
                    code_str(i + 1, e)
                else:
                    blank(i + 1, e)
                i = e + 1
                at_word_start = False
                continue
            if c == '"':
                i = dquote(i + 1)
                at_word_start = False
                continue
            if c == "`":
                e = text.find("`", i + 1)
                e = n if e < 0 else e
                code_str(i + 1, e)
                i = e + 1
                continue
            if c == "$" and i + 1 < n:
                d = text[i + 1]
                if d == "'":
                    e = i + 2
                    while e < n and text[e] != "'":
                        e += 2 if text[e] == "\\" else 1
                    blank(i + 2, e)
                    i = e + 1
                    continue
                if d == "{":
                    e = matching(i + 1, "{", "}")
                    blank(i + 2, e)
                    i = e + 1
                    continue
                if d == "(":
                    i = code(i + 2, ")")
                    continue
                i += 1
                while i < n and (text[i].isalnum() or text[i] in "_@#?*!$-"):
                    i += 1
                at_word_start = False
                continue
            if c == "<" and text.startswith("<<", i) and not text.startswith("<<<", i):
                m = re.match(r"<<(-?)\s*(['\"]?)([A-Za-z0-9_]+)\2", text[i:])
                if m:
                    pending.append((m.group(3), m.group(1) == "-"))
                    i += m.end()
                    continue
            if c == "(":
                depth += 1
            elif c == ")":
                if close == ")" and depth == 0:
                    return i + 1
                depth -= 1
            at_word_start = c in " \t;|&(){}!"
            i += 1
        return n

    def code_str(a, b):
        # A string that holds code (sh -c '...', `...`): scanned as code on its own.
        sub = code_only(text[a:b])
        out[a:b] = list(sub)

    def dquote(i):
        # Inside "...": only $(...) and `...` are code. Returns the index after the closing ".
        start = i
        while i < n and text[i] != '"':
            if text[i] == "\\":
                blank(i, i + 2)
                i += 2
                continue
            if text.startswith("$(", i):
                blank(start, i)
                i = code(i + 2, ")")
                start = i
                continue
            if text[i] == "`":
                blank(start, i)
                e = text.find("`", i + 1)
                e = n if e < 0 else e
                code_str(i + 1, e)
                i = e + 1
                start = i
                continue
            i += 1
        blank(start, i)
        return i + 1

    def matching(i, o, c):
        depth = 0
        while i < n:
            if text[i] == o:
                depth += 1
            elif text[i] == c:
                depth -= 1
                if depth == 0:
                    return i
            i += 1
        return n

    code(0, None)
    return "".join(out)


def shell_words(path, rel):
    """(word, "file:line") for the words of a shell script's code that may name a program."""
    text = open(path, errors="replace").read()
    for lineno, line in enumerate(code_only(text).split("\n"), 1):
        for m in WORD.finditer(line):
            w = m.group(0)
            if w.startswith("-"):
                continue
            if "=" in w:  # an assignment: only a program's absolute path counts (PY=/usr/bin/python3)
                w = w.split("=", 1)[1]
                if not w.startswith("/"):
                    continue
            w = w.rstrip(",:;")
            if w.startswith("/") or NAME.match(w):
                yield w, f"{rel}:{lineno}"


def shell_needs(path, rel):
    """(program, "file:line") for what a script checks for before running it."""
    text = code_only(open(path, errors="replace").read())
    for lineno, line in enumerate(text.split("\n"), 1):
        where = f"{rel}:{lineno}"
        for m in re.finditer(r"\bcommand\s+-v\s+([A-Za-z_/][\w./+-]*)", line):
            yield m.group(1), where
        for m in re.finditer(r"\bt_need\s+(?:\"[^\"]*\"|\S+)((?:\s+[A-Za-z_/][\w./+-]*)+)", line):
            for w in m.group(1).split():
                yield w, where
        for m in re.finditer(r"\[\s+!?\s*-x\s+(/[\w./+-]+)\s+\]", line):
            yield m.group(1), where


def imports_of(line):
    """The top-level modules a line of Python imports."""
    m = re.match(r"\s*(?:from\s+([\w.]+)\s+import|import\s+([\w., ]+))", line)
    if not m:
        return []
    names = [m.group(1)] if m.group(1) else m.group(2).split(",")
    return [n for n in (n.strip().split(" ")[0].split(".")[0] for n in names) if n]


def python_needs(path, rel):
    """(program, where) run through subprocess or looked up with shutil.which, and
    (module, where) imported."""
    progs, mods = [], []
    for lineno, line in enumerate(open(path, errors="replace"), 1):
        where = f"{rel}:{lineno}"
        for m in re.finditer(r"(?:subprocess\.\w+|Popen)\(\s*\[\s*[\"']([\w./+-]+)[\"']", line):
            progs.append((m.group(1), where))
        for m in re.finditer(r"shutil\.which\(\s*[\"']([\w./+-]+)[\"']", line):
            progs.append((m.group(1), where))
        mods += [(name, where) for name in imports_of(line)]
    return progs, mods


def shell_python_imports(path, rel):
    """(module, where) imported by the Python snippets of a shell script ("$PY" -c '...')."""
    text = open(path, errors="replace").read()
    for m in re.finditer(r"(?:PY\"?|python3)\s+-c\s+'([^']*)'", text):
        line0 = text.count("\n", 0, m.start(1)) + 1
        for k, line in enumerate(m.group(1).split("\n")):
            for name in imports_of(line):
                yield name, f"{rel}:{line0 + k}"


def project_files(root):
    shells, pys = [], []
    for d, dirs, files in os.walk(root):
        rel_d = os.path.relpath(d, root)
        dirs[:] = [x for x in dirs if x not in (".git", "build") and not x.startswith("corpus")]
        for f in files:
            p = os.path.join(d, f)
            rel = os.path.normpath(os.path.join(rel_d, f))
            if f.endswith(".py"):
                if os.path.abspath(p) != os.path.abspath(__file__):  # names programs in its text
                    pys.append((p, rel))
                continue
            if f.endswith(".sh") or f == "Makefile" or rel in (".ci/run", "packaging/sysv/vrrpd.in"):
                shells.append((p, rel))
                continue
            try:
                with open(p, "rb") as fh:
                    head = fh.readline(64)
            except OSError:
                continue
            if re.match(rb"#!\s*/(usr/)?bin/(env\s+)?(ba)?sh\b", head):
                shells.append((p, rel))
    return sorted(shells), sorted(pys)


# ---------------------------------------------------------------------- packages


def dpkg_db():
    """({package: (essential, [dependency groups])}, {virtual package: [providers]}) of the
    installed packages."""
    out = subprocess.run(
        ["dpkg-query", "-W", "-f=${Package}\t${db:Status-Status}\t${Essential}\t${Provides}\t"
         "${Depends}\t${Pre-Depends}\n"], capture_output=True, text=True, check=True).stdout
    db, provides = {}, {}
    for line in out.splitlines():
        pkg, status, ess, prov, dep, pre = (line.split("\t") + [""] * 6)[:6]
        if status != "installed":
            continue
        groups = [g for g in (dep + "," + pre).split(",") if g.strip()]
        db[pkg] = (ess == "yes", groups)
        for p in prov.split(","):
            p = p.strip().split(" ")[0]
            if p:
                provides.setdefault(p, []).append(pkg)
    return db, provides


def closure(listed, db, provides):
    """The installed packages that installing `listed` brings: them and their dependencies
    (of an "a | b", the first alternative installed here), and the Essential ones and theirs."""
    todo = [p for p in listed if p in db] + [p for p, (ess, _) in db.items() if ess]
    seen = set()
    while todo:
        p = todo.pop()
        if p in seen:
            continue
        seen.add(p)
        for group in db[p][1]:
            for alt in group.split("|"):
                name = alt.strip().split(" ")[0].split(":")[0]
                cands = [name] if name in db else provides.get(name, [])
                if cands:
                    todo += cands
                    break
    return seen


OWNER_CACHE = {}


def path_twins(path):
    """path, its resolved link, and their /usr-merged twins (dpkg knows one of them)."""
    cands = [path, os.path.realpath(path)]
    for p in list(cands):
        for a, b in (("/usr/bin/", "/bin/"), ("/usr/sbin/", "/sbin/"), ("/usr/lib/", "/lib/")):
            if p.startswith(a):
                cands.append(b + p[len(a):])
            elif p.startswith(b):
                cands.append(a + p[len(b):])
    return cands


def prime_owners(paths):
    """Asks dpkg once for the packages of all these paths (one query per path is slow)."""
    todo = sorted({c for p in paths for c in path_twins(p)} - set(OWNER_CACHE))
    if not todo:
        return
    r = subprocess.run(["dpkg-query", "-S"] + todo, capture_output=True, text=True)
    for p in todo:
        OWNER_CACHE[p] = None
    for line in r.stdout.splitlines():
        if line.startswith("diversion by") or ": " not in line:
            continue
        pkgs, p = line.split(": ", 1)
        if p in OWNER_CACHE and OWNER_CACHE[p] is None:
            OWNER_CACHE[p] = pkgs.split(",")[0].strip().split(":")[0]


def owner(path):
    """The package that installed path, or None."""
    prime_owners([path])
    for p in path_twins(path):
        if OWNER_CACHE.get(p):
            return OWNER_CACHE[p]
    return None


def resolve(word):
    """The program's path, or None if word names no installed program."""
    if word.startswith("/"):
        if not word.startswith(("/usr/", "/bin/", "/sbin/", "/lib/", "/opt/")):
            return None  # data (/etc/resolv.conf may be executable), not a program
        return word if os.path.isfile(word) and os.access(word, os.X_OK) else None
    for d in PATH.split(":"):
        p = os.path.join(d, word)
        if os.path.isfile(p) and os.access(p, os.X_OK):
            return p
    return None


# ---------------------------------------------------------------------- the checks


def check(root, listed, db, provides):
    """([(name, None or why)], programs checked for, programs run) for the project at root."""
    allowed = closure(listed, db, provides)
    shells, pys = project_files(root)
    results = []

    missing = [p for p in listed if p not in db]
    results.append(("deps_packages_installed",
                    None if not missing else "not installed (make deps): " + " ".join(missing)))

    def verdict(prog, where, needed):
        path = resolve(prog)
        if path is None:
            if not needed:
                return None
            return (f"{where} needs {prog}, which is not installed here: run make deps, and if it "
                    "is still missing, add the package that provides it to tools/install-deps.sh")
        pkg = owner(path)
        if pkg is None:
            return f"{where} runs {path}, which no Debian package installed: it will not be on a fresh machine"
        if pkg not in allowed:
            return (f"{where} runs {prog} ({path}, package {pkg}), which tools/install-deps.sh "
                    f"does not install: add {pkg} to its list")
        return None

    reported = set()

    def run_checks(name, items, needed):
        bad, seen = [], set()
        for prog, where in items:
            if prog in seen or prog in reported or prog in NOT_COMMANDS:
                continue
            why = verdict(prog, where, needed)
            if why:
                seen.add(prog)
                reported.add(prog)  # once, under the first check that finds it
                bad.append((f"{name}_{os.path.basename(prog)}", why))
            elif resolve(prog) or needed:
                seen.add(prog)
        if not bad:
            results.append((name, None))
        results.extend(bad)
        return seen

    needs, words, mods = [], [], []
    for p, rel in shells:
        needs += list(shell_needs(p, rel))
        words += list(shell_words(p, rel))
        mods += [(name, where, os.path.dirname(p)) for name, where in shell_python_imports(p, rel)]
    for p, rel in pys:
        progs, m = python_needs(p, rel)
        needs += progs
        mods += [(name, where, os.path.dirname(p)) for name, where in m]
    prime_owners([p for p in (resolve(w) for w, _ in needs + words) if p])
    got_needs = run_checks("deps_needed_commands", needs, True)
    got_words = run_checks("deps_used_commands", words, False)

    bad = []
    mods = [(name, where) for name, where, d in mods if not os.path.exists(os.path.join(d, name + ".py"))]
    names = sorted({name for name, _ in mods})
    r = subprocess.run([PY, "-c", "import importlib.util, sys\n"
                        "for n in sys.argv[1:]:\n"
                        "    s = importlib.util.find_spec(n)\n"
                        "    print(s.origin if s and s.origin else '-')"] + names,
                       capture_output=True, text=True, check=True)
    origins = dict(zip(names, r.stdout.split("\n")))
    prime_owners([o for o in origins.values() if o.startswith("/")])
    for name, where in mods:
        origin = origins.get(name, "-")
        if origin == "-":
            bad.append((f"deps_python_{name}", f"{where} imports {name}, which {PY} cannot find"))
        elif origin.startswith("/"):
            pkg = owner(origin)
            if pkg is None or pkg not in allowed:
                bad.append((f"deps_python_{name}",
                            f"{where} imports {name} ({origin}, package {pkg}), which "
                            "tools/install-deps.sh does not install"))
    if not bad:
        results.append(("deps_python_modules", None))
    results += list(dict(bad).items())  # once per module
    return results, got_needs, got_words


def self_test(listed, db, provides):
    """The check finds what it must and only that, on scripts written for it."""
    if "jq" not in listed:
        return [("deps_check_finds_unlisted", "jq is not on the list (the self-test runs jq)")]
    out = []
    with tempfile.TemporaryDirectory() as d:
        os.makedirs(os.path.join(d, "tests"))
        with open(os.path.join(d, "tests", "a.sh"), "w") as fh:
            fh.write("#!/bin/bash\n# jq in a comment\necho 'jq in single quotes' \"and jq here\"\n"
                     "x=$(jq -r .a f)\ncat <<EOF\njq in a heredoc\nEOF\n"
                     "command -v vrrpd-test-no-such-program >/dev/null || exit 0\n")
        res, _, _ = check(d, [p for p in listed if p != "jq"], db, provides)
        names = {n: why for n, why in res}
        jq_where = (names.get("deps_used_commands_jq") or "").split(" ")[0]
        out.append(("deps_check_finds_unlisted", None if jq_where == "tests/a.sh:4" else
                    f"with jq off the list, running jq on line 4 was reported as {jq_where!r}"))
        out.append(("deps_check_finds_missing",
                    None if "deps_needed_commands_vrrpd-test-no-such-program" in names else
                    "a script that checks for a program that is not installed was not reported"))
    return out


def main():
    root = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else
                           os.path.join(os.path.dirname(__file__), "..", ".."))
    listed = subprocess.run(["bash", os.path.join(root, "tools", "install-deps.sh"), "--list"],
                            capture_output=True, text=True, check=True).stdout.split()
    db, provides = dpkg_db()
    results = self_test(listed, db, provides)
    res, needs, words = check(root, listed, db, provides)
    results += res
    print(f"# {len(listed)} packages listed; {len(needs)} programs checked for before use, "
          f"{len(words)} installed programs named in the scripts' code")
    # Positive control: the scan sees what the tests are known to need and run.
    for prog in ("keepalived", "trafgen", "tcpdump", "jq", "ip", "bpftool"):
        if prog not in needs | words:
            results.append((f"deps_scan_sees_{prog}", f"the scripts' use of {prog} was not found"))
    for name, why in results:
        print(f"ok {name}" if why is None else f"not ok {name}: {why}")
    return 1 if any(why for _, why in results) else 0


if __name__ == "__main__":
    sys.exit(main())
