#!/usr/bin/env python3
"""Checks every deploy/compose/*compose*.yml (no Docker engine: nothing is started):

- `docker-compose -f FILE config -q` accepts the file on its own (Debian's docker-compose 1.29);
- every bind-mount source and build context exists, every build target is a Dockerfile stage;
- every published port is bound to 127.0.0.1 (nothing listens beyond loopback by default);
- services with a `build:` run images named voltha-sidecars/<target>;
- the Consul and etcd ensembles are identical except for the KV store, its seeding, envoyd's
  -kv flags and the volumes list.
Usage: check_compose.py REPO_ROOT [DOCKER_COMPOSE]. Exit 1 with one line per problem."""
import glob
import os
import re
import shutil
import subprocess
import sys

import yaml

root = sys.argv[1]
compose = sys.argv[2] if len(sys.argv) > 2 else shutil.which("docker-compose")
problems = []


def fail(msg):
    problems.append(msg)


if not compose:
    print("FAIL docker-compose not found (scripts/install-deps.sh installs it)")
    sys.exit(1)

files = sorted(glob.glob(os.path.join(root, "deploy/compose/*compose*.yml")))
if len(files) < 2:
    fail(f"expected the Consul and the etcd compose files, found {files}")
dockerfile = os.path.join(root, "deploy/docker/Dockerfile")
stages = set(re.findall(r"^FROM\s+\S+\s+AS\s+(\S+)", open(dockerfile).read(), re.M | re.I))
env = dict(os.environ, COMPOSE_PROJECT_NAME="vscheck")
env.pop("DOCKER_HOST", None)
loaded = {}
for f in files:
    rel = os.path.relpath(f, root)
    r = subprocess.run([compose, "-f", f, "config", "-q"], capture_output=True, text=True,
                       timeout=60, env=env)
    if r.returncode != 0 or r.stderr.strip():
        fail(f"{rel}: docker-compose config -q: rc={r.returncode} {r.stderr.strip()}")
    # The resolved form (anchors merged, paths absolute) is what is checked below.
    r = subprocess.run([compose, "-f", f, "config"], capture_output=True, text=True, timeout=60,
                       env=env)
    if r.returncode != 0:
        continue
    doc = yaml.safe_load(r.stdout)
    loaded[rel] = doc
    for name, svc in doc.get("services", {}).items():
        where = f"{rel}: service {name}"
        b = svc.get("build")
        if b:
            ctx = b.get("context", ".")
            if not os.path.isdir(ctx):
                fail(f"{where}: build context {ctx} missing")
            df = os.path.join(ctx, b.get("dockerfile", "Dockerfile"))
            if os.path.realpath(df) != os.path.realpath(dockerfile):
                fail(f"{where}: builds {df}, not deploy/docker/Dockerfile")
            if b.get("target") not in stages:
                fail(f"{where}: build target {b.get('target')} is not a stage of the Dockerfile")
            if not svc.get("image", "").startswith(f"voltha-sidecars/{b.get('target')}:"):
                fail(f"{where}: image {svc.get('image')} is not voltha-sidecars/{b.get('target')}")
        for v in svc.get("volumes", []):
            if isinstance(v, dict) and v.get("type") == "bind" and not os.path.exists(v["source"]):
                fail(f"{where}: bind mount source {v['source']} missing")
        for p in svc.get("ports", []):
            ip = p.get("host_ip") if isinstance(p, dict) else str(p).split(":")[0]
            if ip != "127.0.0.1":
                fail(f"{where}: port {p} is not bound to 127.0.0.1")
        if "healthcheck" in svc and not svc["healthcheck"].get("test"):
            fail(f"{where}: empty healthcheck")


def strip_kv(doc):
    s = dict(doc.get("services", {}))
    for k in ("consul", "etcd", "kv-seed"):
        s.pop(k, None)
    s = {k: dict(v) for k, v in s.items()}
    if "envoyd" in s:
        cmd = list(s["envoyd"].get("command", []))
        for flag in ("-kv", "-kv-svc-name", "-kv-port"):
            if flag in cmd:
                i = cmd.index(flag)
                del cmd[i:i + 2]
        s["envoyd"]["command"] = cmd
        s["envoyd"].pop("depends_on", None)
    return s


base = loaded.get("deploy/compose/docker-compose.yml")
etcd = loaded.get("deploy/compose/docker-compose.etcd.yml")
if base and etcd:
    a, b = strip_kv(base), strip_kv(etcd)
    for name in sorted(set(a) | set(b)):
        if a.get(name) != b.get(name):
            fail(f"service {name} differs between the Consul and the etcd ensembles")
    if "consul" not in base["services"] or "etcd" not in etcd["services"]:
        fail("the Consul file lacks consul or the etcd file lacks etcd")
    for doc, kv in ((base, "consul"), (etcd, "etcd")):
        cmd = doc["services"]["envoyd"]["command"]
        if cmd[cmd.index("-kv") + 1] != kv:
            fail(f"envoyd in the {kv} ensemble uses -kv {cmd[cmd.index('-kv') + 1]}")
for p in problems:
    print("FAIL", p)
print(f"{len(files)} compose file(s) checked, {len(problems)} problem(s)")
sys.exit(1 if problems else 0)
