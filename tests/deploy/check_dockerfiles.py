#!/usr/bin/env python3
"""Static checks of deploy/docker/Dockerfile* (no Docker engine here, so nothing is built):

- the file parses into instructions (continuations joined, parser directives allowed);
- every `COPY --from=X` names an earlier stage (or a stage-name ARG resolving to an image);
- every FROM names an earlier stage, an image (`name[:tag]`) or an ARG with a default;
- every COPY source without --from exists in the repository, is not excluded by the
  Dockerfile's .dockerignore, and stays inside the build context (the repository root);
- the builder stage installs exactly the build packages of scripts/install-deps.sh;
- each runtime stage has USER (non-root), HEALTHCHECK on /healthz and ENTRYPOINT.
With --configure, the builder's build context is rebuilt in a temp dir from its COPY lines
(minus the .dockerignore) and configured with the builder's cmake -D flags, which proves the
stage copies everything the configuration needs (compiling is left to the real build).
Usage: check_dockerfiles.py REPO_ROOT [--configure]. Exit 1 with one line per problem."""
import fnmatch
import glob
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile

root = sys.argv[1] if len(sys.argv) > 1 else os.getcwd()
problems = []


def fail(msg):
    problems.append(msg)


def instructions(path):
    out, buf, start = [], "", 0
    with open(path) as f:
        lines = f.read().split("\n")
    for n, line in enumerate(lines, 1):
        s = line.strip()
        if not buf and (not s or s.startswith("#")):
            continue
        if buf and s.startswith("#"):
            continue  # comment lines inside a continuation are dropped, as Docker does
        if not buf:
            start = n
        if s.endswith("\\"):
            buf += s[:-1] + " "
            continue
        buf += s
        word, _, rest = buf.partition(" ")
        out.append((start, word.upper(), rest.strip()))
        buf = ""
    if buf:
        fail(f"{path}: unterminated continuation at line {start}")
    return out


def ignore_patterns(dockerfile):
    p = dockerfile + ".dockerignore"
    if not os.path.exists(p):
        p = os.path.join(root, ".dockerignore")
    if not os.path.exists(p):
        return []
    pats = []
    for line in open(p):
        line = line.strip()
        if line and not line.startswith("#"):
            pats.append(line)
    return pats


def ignored(rel, pats):
    # Docker semantics: the last matching pattern wins; "!" re-includes; "dir/" matches below.
    result = False
    for pat in pats:
        neg = pat.startswith("!")
        pat = pat[1:] if neg else pat
        pat = pat.rstrip("/")
        if fnmatch.fnmatch(rel, pat) or rel.startswith(pat + "/") or pat == "*":
            result = not neg
    return result


def install_deps_build_packages():
    text = open(os.path.join(root, "scripts/install-deps.sh")).read()
    body = re.search(r"PACKAGES=\((.*?)\n\)", text, re.S).group(1)
    pkgs, section = [], None
    for line in body.split("\n"):
        s = line.strip()
        if s.startswith("#"):
            section = s.lstrip("# ").split()[0]
            continue
        if section == "build":
            pkgs += s.split()
    return pkgs


def image_ref(s):
    return re.fullmatch(r"[a-z0-9][a-z0-9._/-]*(:[A-Za-z0-9._-]+)?(@sha256:[0-9a-f]{64})?", s)


def configure_builder(body, pats, rel_df):
    with tempfile.TemporaryDirectory() as ctx:
        for _, word, rest in body:
            if word != "COPY" or "--from=" in rest:
                continue
            paths = [t for t in shlex.split(rest) if not t.startswith("--")]
            for src in paths[:-1]:
                for full in glob.glob(os.path.join(root, os.path.normpath(src))):
                    rel = os.path.relpath(full, root)
                    dst = os.path.join(ctx, rel)
                    if os.path.isdir(full):
                        shutil.copytree(full, dst, ignore=lambda d, names: [
                            n for n in names
                            if ignored(os.path.relpath(os.path.join(d, n), root), pats)])
                    elif not ignored(rel, pats):
                        os.makedirs(os.path.dirname(dst), exist_ok=True)
                        shutil.copy2(full, dst)
        runs = " ".join(r for _, w, r in body if w == "RUN")
        m = re.search(r"cmake -S \. -B \S+ (.*?)&&", runs)
        flags = [t for t in shlex.split(m.group(1)) if t.startswith("-D") or t == "-G"
                 or t == "Ninja"] if m else []
        r = subprocess.run(["cmake", "-S", ctx, "-B", os.path.join(ctx, "_b")] + flags,
                           capture_output=True, text=True, timeout=120)
        if r.returncode != 0 or not flags:
            fail(f"{rel_df}: builder context does not configure with {flags}: "
                 f"{(r.stdout + r.stderr)[-2000:]}")
        else:
            print(f"builder context configures: cmake {' '.join(flags)}")


dockerfiles = sorted(glob.glob(os.path.join(root, "deploy/docker/Dockerfile*")))
dockerfiles = [d for d in dockerfiles if not d.endswith(".dockerignore")]
if not dockerfiles:
    fail("no deploy/docker/Dockerfile*")
for df in dockerfiles:
    rel_df = os.path.relpath(df, root)
    ins = instructions(df)
    pats = ignore_patterns(df)
    args = {}
    stages = {}  # name -> list of (line, word, rest)
    current = None
    for line, word, rest in ins:
        where = f"{rel_df}:{line}"
        if word == "ARG":
            name, _, default = rest.partition("=")
            if current is None:
                args[name] = default
        elif word == "FROM":
            parts = rest.split()
            parts = [p for p in parts if not p.startswith("--platform")]
            src = parts[0]
            m = re.fullmatch(r"\$\{?(\w+)\}?", src)
            if m:
                if not args.get(m.group(1)):
                    fail(f"{where}: FROM ${m.group(1)}: no ARG with a default before the first FROM")
                    src = ""
                else:
                    src = args[m.group(1)]
            if src and src not in stages and not image_ref(src):
                fail(f"{where}: FROM {src}: neither an earlier stage nor an image reference")
            if len(parts) >= 3 and parts[1].upper() == "AS":
                current = parts[2]
                if current in stages:
                    fail(f"{where}: stage {current} defined twice")
            else:
                current = f"#{len(stages)}"
            stages[current] = []
        else:
            if current is None:
                fail(f"{where}: {word} before the first FROM")
                continue
            stages[current].append((line, word, rest))
            if word in ("COPY", "ADD"):
                toks = shlex.split(rest)
                opts = [t for t in toks if t.startswith("--")]
                paths = [t for t in toks if not t.startswith("--")]
                if len(paths) < 2:
                    fail(f"{where}: {word} needs a source and a destination")
                    continue
                frm = [o.split("=", 1)[1] for o in opts if o.startswith("--from=")]
                if frm:
                    f0 = frm[0]
                    if f0 not in stages or f0 == current:
                        fail(f"{where}: COPY --from={f0}: no earlier stage of that name (copy "
                             "from images through a named FROM stage)")
                    continue
                for src in paths[:-1]:
                    norm = os.path.normpath(src)
                    if norm.startswith("..") or os.path.isabs(norm):
                        fail(f"{where}: COPY {src}: outside the build context")
                        continue
                    full = os.path.join(root, norm)
                    if not glob.glob(full):
                        fail(f"{where}: COPY {src}: not in the repository")
                    elif ignored(norm, pats):
                        fail(f"{where}: COPY {src}: excluded by the .dockerignore")
    for name, body in stages.items():
        words = [w for _, w, _ in body]
        if name == "builder":
            text = " ".join(r for _, w, r in body if w == "RUN")
            m = re.search(r"apt-get install[^&]*?--no-install-recommends\s+(.*?)\s*&&", text)
            got = m.group(1).split() if m else []
            want = install_deps_build_packages()
            if sorted(got) != sorted(want):
                fail(f"{rel_df}: builder installs {sorted(got)}; scripts/install-deps.sh's "
                     f"build part is {sorted(want)}")
        if "ENTRYPOINT" in words:
            users = [r for _, w, r in body if w == "USER"]
            if not users or users[-1].split(":")[0] in ("root", "0"):
                fail(f"{rel_df}: stage {name}: runs as root (no USER)")
            hc = [r for _, w, r in body if w == "HEALTHCHECK"]
            if not hc or "/healthz" not in hc[-1]:
                fail(f"{rel_df}: stage {name}: no HEALTHCHECK on /healthz")
    for want in ("shovel", "kpi-publish", "envoyd", "builder"):
        if want not in stages:
            fail(f"{rel_df}: no stage {want}")
    if "--configure" in sys.argv and "builder" in stages:
        configure_builder(stages["builder"], pats, rel_df)
    envoyd = " ".join(r for _, w, r in stages.get("envoyd", []) if w == "COPY")
    if "/usr/local/bin/envoy " not in envoyd + " ":
        fail(f"{rel_df}: the envoyd stage does not copy the envoy binary")

for p in problems:
    print("FAIL", p)
print(f"{len(dockerfiles)} Dockerfile(s) checked, {len(problems)} problem(s)")
sys.exit(1 if problems else 0)
