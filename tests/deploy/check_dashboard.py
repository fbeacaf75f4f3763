#!/usr/bin/env python3
"""Checks the provisioned Grafana dashboard and its provisioning files:

- deploy/grafana/dashboards/*.json is valid JSON with a uid and a title; every panel and target
  uses the datasource uid that deploy/grafana/provisioning/datasources/*.yml provisions;
- every Graphite target parses with graphite-web's own grammar (Debian graphite-web) and calls
  only functions graphite-web 1.1 knows;
- every metric pattern (template variables taken as `*`) matches at least one of the paths that
  kpi-publish and shovel produce (docs/KPI_PUBLISH.md, docs/KPI_FORMATS.md), so no panel is
  empty because of a misspelt path;
- the dashboards provider reads the directory the compose files mount the JSON into.
Usage: check_dashboard.py REPO_ROOT."""
import fnmatch
import glob
import json
import os
import re
import sys
import warnings

import yaml

root = sys.argv[1]
problems = []
warnings.simplefilter("ignore")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "graphite.settings")
import django  # noqa: E402

django.setup()
from graphite.functions import SeriesFunctions  # noqa: E402
from graphite.render.grammar_unsafe import grammar  # noqa: E402  (plain pyparsing)

known = set(SeriesFunctions())
# Paths produced by kpi-publish (diagnostics, host metrics, one simulated OLT) as shovel writes
# them (KpiEvent2: <title>.<device_id>.<port_no>.<counter>).
produced = []
for m in ("rss-mb", "open-fds", "deferreds"):
    produced.append(f"voltha.internal.kpi-publish-1.{m}")
produced += ["voltha.host.kpi-publish-1.cpu.percent"]
produced += [f"voltha.host.kpi-publish-1.memory.{m}" for m in ("total-mb", "available-mb",
                                                               "used-percent")]
produced += [f"voltha.host.kpi-publish-1.load.{m}" for m in ("1m", "5m", "15m")]
for title, port in (("NNI", "65536"), ("PON", "1"), ("PON", "2"), ("Ethernet", "1")):
    for d in ("rx", "tx"):
        for c in ("packets", "bytes", "mcast_packets", "bcast_packets", "error_packets"):
            produced.append(f"{title}.0001a2b3c4d5e6f7.{port}.{d}_{c}")


def expand(pattern):
    m = re.search(r"\{([^{}]*)\}", pattern)
    if not m:
        return [pattern]
    out = []
    for alt in m.group(1).split(","):
        out += expand(pattern[:m.start()] + alt + pattern[m.end():])
    return out


def matches(pattern):
    for p in expand(pattern):
        levels = p.split(".")
        for path in produced:
            parts = path.split(".")
            if len(parts) == len(levels) and all(fnmatch.fnmatchcase(a, b)
                                                 for a, b in zip(parts, levels)):
                return True
    return False


def walk(tok, funcs, paths):
    if isinstance(tok, str):
        return
    if getattr(tok, "call", None):
        funcs.append(tok.call.funcname)
        for a in tok.call.args or []:
            walk(a, funcs, paths)
        return
    if getattr(tok, "pathExpression", None):
        paths.append(tok.pathExpression)
        return
    if getattr(tok, "expression", None) is not None and tok.expression is not tok:
        walk(tok.expression, funcs, paths)
        return
    for t in tok:
        walk(t, funcs, paths)


ds_uids = set()
for f in glob.glob(os.path.join(root, "deploy/grafana/provisioning/datasources/*.yml")):
    for ds in yaml.safe_load(open(f)).get("datasources", []):
        ds_uids.add(ds.get("uid"))
if not ds_uids:
    problems.append("no provisioned datasource")
providers = []
for f in glob.glob(os.path.join(root, "deploy/grafana/provisioning/dashboards/*.yml")):
    providers += yaml.safe_load(open(f)).get("providers", [])
mount_dirs = set()
for f in glob.glob(os.path.join(root, "deploy/compose/*compose*.yml")):
    g = yaml.safe_load(open(f))["services"].get("grafana", {})
    for v in g.get("volumes", []):
        src, dst = v.split(":")[:2]
        if src.rstrip("/").endswith("grafana/dashboards"):
            mount_dirs.add(dst)
for p in providers:
    if p.get("options", {}).get("path") not in mount_dirs:
        problems.append(f"provider {p.get('name')} reads {p.get('options', {}).get('path')}, "
                        f"compose mounts the dashboards at {sorted(mount_dirs)}")
dashboards = glob.glob(os.path.join(root, "deploy/grafana/dashboards/*.json"))
if not dashboards:
    problems.append("no dashboard JSON")
ntargets = 0
for f in dashboards:
    rel = os.path.relpath(f, root)
    try:
        d = json.load(open(f))
    except ValueError as e:
        problems.append(f"{rel}: {e}")
        continue
    if not d.get("uid") or not d.get("title"):
        problems.append(f"{rel}: no uid or title")
    variables = {v["name"] for v in d.get("templating", {}).get("list", [])}
    for v in d.get("templating", {}).get("list", []):
        if v.get("datasource", {}).get("uid") not in ds_uids:
            problems.append(f"{rel}: variable {v['name']}: datasource is not provisioned")
    for panel in d.get("panels", []):
        if panel.get("type") == "row":
            continue
        title = panel.get("title")
        if panel.get("datasource", {}).get("uid") not in ds_uids:
            problems.append(f"{rel}: panel {title}: datasource is not provisioned")
        if not panel.get("targets"):
            problems.append(f"{rel}: panel {title}: no targets")
        for t in panel.get("targets", []):
            ntargets += 1
            expr = t.get("target", "")
            used = set(re.findall(r"\$(\w+)", expr))
            if used - variables:
                problems.append(f"{rel}: panel {title}: undefined variables {used - variables}")
            concrete = re.sub(r"\$\w+", "*", expr)
            try:
                parsed = grammar.parseString(concrete, parseAll=True)
            except Exception as e:  # pyparsing's ParseException
                problems.append(f"{rel}: panel {title}: {expr!r} does not parse: {e}")
                continue
            funcs, paths = [], []
            walk(parsed, funcs, paths)
            for fn in funcs:
                if fn not in known:
                    problems.append(f"{rel}: panel {title}: unknown Graphite function {fn}")
            if not paths:
                problems.append(f"{rel}: panel {title}: {expr!r} has no metric path")
            for p in paths:
                if not matches(p):
                    problems.append(f"{rel}: panel {title}: {p} matches no produced path")
for p in problems:
    print("FAIL", p)
print(f"{len(dashboards)} dashboard(s), {ntargets} target(s) checked, {len(problems)} problem(s)")
sys.exit(1 if problems else 0)
