#!/usr/bin/env python3
"""`systemd-analyze verify` of deploy/systemd/*.service, offline and without root:

verify refuses a unit whose ExecStart binary does not exist, so the units are copied to a temp
dir with /usr/bin/<daemon> rewritten to the binaries of the build tree (which must be built:
that also proves the unit names real programs). --man=no (man pages are not installed here)
and --generators=no (no generators run in a container). Any message that names one of our
units is a failure, even if verify exits 0 (it does for unknown keys and bad values), so a typo
cannot pass. The units must also keep the policy of docs/DEPLOYMENT.md: Type=exec (no
sd_notify), KillMode=mixed, TimeoutStopSec above the daemon's own shutdown bound, hardening.
Usage: check_units.py REPO_ROOT BUILD_DIR."""
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile

root, build = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
problems = []
units = sorted(glob.glob(os.path.join(root, "deploy/systemd/*.service")))
want = {"envoyd.service", "shovel.service", "kpi-publish.service"}
if {os.path.basename(u) for u in units} != want:
    problems.append(f"expected units {sorted(want)}, found {[os.path.basename(u) for u in units]}")
required = ["NoNewPrivileges=yes", "ProtectSystem=strict", "ProtectHome=yes", "PrivateTmp=yes",
            "CapabilityBoundingSet=", "Type=exec", "KillMode=mixed", "Restart=on-failure",
            "RestartPreventExitStatus=2", "DynamicUser=yes"]
# The daemon's own stop bound (seconds), which TimeoutStopSec must exceed.
own_stop = {"envoyd.service": r"-shutdown-timeout (\d+)s",
            "shovel.service": r"SHOVEL_SHUTDOWN_TIMEOUT=(\d+)",
            "kpi-publish.service": r"KPI_PUBLISH_FLUSH_TIMEOUT=(\d+)"}
with tempfile.TemporaryDirectory() as tmp:
    copies = []
    for u in units:
        name = os.path.basename(u)
        text = open(u).read()
        lines = set(l.strip() for l in text.split("\n"))
        for r in required:
            if r not in lines:
                problems.append(f"{name}: missing {r}")
        m = re.search(r"^TimeoutStopSec=(\d+)s?$", text, re.M)
        o = re.search(own_stop.get(name, "^$"), text)
        if not m or not o or int(m.group(1)) <= int(o.group(1)):
            problems.append(f"{name}: TimeoutStopSec must exceed the daemon's shutdown bound")
        for b in ("shovel", "envoyd", "kpi-publish"):
            exe = os.path.join(build, "src/apps", b)
            if f"/usr/bin/{b}" in text:
                if not os.access(exe, os.X_OK):
                    problems.append(f"{name}: {exe} is not built")
                text = text.replace(f"/usr/bin/{b}", exe)
        dst = os.path.join(tmp, name)
        open(dst, "w").write(text)
        copies.append(dst)
    env = dict(os.environ, SYSTEMD_LOG_LEVEL="notice", LC_ALL="C")
    r = subprocess.run(["systemd-analyze", "verify", "--man=no", "--generators=no"] + copies,
                       capture_output=True, text=True, timeout=120, env=env, cwd=tmp)
    ours = [l for l in (r.stdout + r.stderr).split("\n")
            if any(os.path.basename(c) in l for c in copies)]
    if r.returncode != 0:
        problems.append(f"systemd-analyze verify exited {r.returncode}")
    problems += [f"systemd-analyze: {l}" for l in ours]
for p in problems:
    print("FAIL", p)
print(f"{len(units)} unit(s) verified, {len(problems)} problem(s)")
sys.exit(1 if problems else 0)
