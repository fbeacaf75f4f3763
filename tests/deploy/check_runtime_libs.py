#!/usr/bin/env python3
"""The runtime image can run the daemons: every shared library a built daemon needs (its
DT_NEEDED entries, `objdump -p`) belongs to a Debian package (`dpkg -S`) that the `runtime`
stage of deploy/docker/Dockerfile installs, or to one that debian:bookworm-slim already has
(libc6, libstdc++6, libgcc-s1). The binaries are this host's bookworm build, as in the image;
a sanitizer build's own runtime libraries are left out.
Usage: check_runtime_libs.py REPO_ROOT BUILD_DIR."""
import os
import re
import subprocess
import sys

root, build = sys.argv[1], sys.argv[2]
problems = []
df = open(os.path.join(root, "deploy/docker/Dockerfile")).read()
stage = df.split("AS runtime", 1)[1].split("\nFROM ", 1)[0].replace("\\\n", " ")
m = re.search(r"apt-get install -y --no-install-recommends\s+(.*?)\s*&&", stage, re.S)
installed = set(m.group(1).split()) if m else set()
if not installed:
    problems.append("no apt-get install in the runtime stage")
base = {"libc6", "libstdc++6", "libgcc-s1"}
checked = 0
for d in ("shovel", "envoyd", "kpi-publish"):
    exe = os.path.join(build, "src/apps", d)
    out = subprocess.run(["objdump", "-p", exe], capture_output=True, text=True, check=True).stdout
    for lib in re.findall(r"^\s*NEEDED\s+(\S+)", out, re.M):
        if re.match(r"lib(a|ub|t|l|hwa)san\.", lib):
            continue  # a sanitizer build's runtime; images are release builds
        r = subprocess.run(["dpkg", "-S", lib], capture_output=True, text=True)
        pkgs = {line.split(":")[0] for line in r.stdout.splitlines()
                if line.split(": ", 1)[-1].endswith("/" + lib)}
        checked += 1
        if not pkgs:
            problems.append(f"{d}: {lib} belongs to no Debian package here")
        elif not pkgs & (installed | base):
            problems.append(f"{d}: needs {lib} from {sorted(pkgs)}, which the runtime stage "
                            f"does not install")
for p in problems:
    print("FAIL", p)
print(f"{checked} library needs checked against {sorted(installed)}; {len(problems)} problem(s)")
sys.exit(1 if problems else 0)
