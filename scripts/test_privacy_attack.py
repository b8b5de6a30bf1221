#!/usr/bin/env python3
"""The attacker must find what a naive publication gives away: a self-test of privacy_attack.py.

Two teams over two weeks; team A has one person active in week 2. Published with only that
cell withheld, the team's total minus its other week gives it back exactly: the attacker must
report it. Published with a whole rectangle withheld (A and B, both weeks), it must not.
"""
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))

TRUE = {("A", "2026-W02"): (10, 1000), ("A", "2026-W03"): (1, 300), ("B", "2026-W02"): (12, 1500), ("B", "2026-W03"): (9, 900)}


def report(hidden):
    teams = []
    for team in ("A", "B"):
        weekly = []
        for week in ("2026-W02", "2026-W03"):
            people, tokens = TRUE[(team, week)]
            shown = (team, week) not in hidden
            weekly.append({"week": week, "active_users": people if shown else None, "tokens": tokens if shown else None,
                           "requests": tokens // 100 if shown else None, "suppressed": not shown})
        teams.append({"team": team, "suppressed": False, "active_users": 12 if team == "B" else 10,
                      "tokens": sum(TRUE[(team, w)][1] for w in ("2026-W02", "2026-W03")),
                      "requests": sum(TRUE[(team, w)][1] // 100 for w in ("2026-W02", "2026-W03")),
                      "cost_usd": 0, "weekly": weekly, "retention": []})
    weekly = [{"week": w, "active_users": TRUE[("A", w)][0] + TRUE[("B", w)][0], "tokens": TRUE[("A", w)][1] + TRUE[("B", w)][1],
               "requests": TRUE[("A", w)][1] // 100 + TRUE[("B", w)][1] // 100, "suppressed": False} for w in ("2026-W02", "2026-W03")]
    return {"privacy": {"min_group_size": 5, "protection_pct": 10},
            "org": {"active_users": 22, "tokens": 3700, "requests": 37, "cost_usd": 0},
            "weekly": weekly, "teams": teams, "tools": [], "feedback": {"documents": 0, "themes": [], "by_team": []}}


def audit():
    cells = [{"name": "tw|%s|%s" % key, "status": "frequency" if value[0] < 5 else "secondary", "people": value[0],
              "values": {"people": value[0], "tokens": value[1], "requests": value[1] // 100}} for key, value in TRUE.items()]
    return {"cells": cells, "lines": []}


def attack(hidden):
    folder = tempfile.mkdtemp()
    os.makedirs(folder + "/data")
    json.dump(report(hidden), open(folder + "/data/report.json", "w"))
    json.dump(audit(), open(folder + "/audit.json", "w"))
    return subprocess.run([sys.executable, os.path.join(HERE, "privacy_attack.py"), folder, folder + "/audit.json"], capture_output=True, text=True)


naive = attack({("A", "2026-W03")})
rectangle = attack({("A", "2026-W02"), ("A", "2026-W03"), ("B", "2026-W02"), ("B", "2026-W03")})
failures = 0
if naive.returncode != 1 or "recovered: tw|A|2026-W03 tokens" not in naive.stdout:
    print("the attacker missed a cell given away by subtraction:\n" + naive.stdout + naive.stderr)
    failures += 1
if rectangle.returncode != 0:
    print("the attacker claims to recover a cell protected by a rectangle:\n" + rectangle.stdout + rectangle.stderr)
    failures += 1
print("%d passed, %d failed" % (2 - failures, failures))
sys.exit(1 if failures else 0)
