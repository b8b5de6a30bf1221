#!/usr/bin/env python3
"""Candor's cell suppression against τ-ARGUS on the same table (a dev-time reference test).

Usage: tauargus_reference.py CANDOR_BINARY WORK_FOLDER

Builds the example report with the frequency rule alone (dominance_p: 0, as τ-ARGUS is run
here), takes the team × week table of tokens with its margins (teams, weeks, organisation) from
the audit file, and protects the same table with PyPI's pytauargus (τ-ARGUS's engine with the
HiGHS solver): microdata of one record per person, team and week, safety rule FREQ(5,10), the
modular (MOD) and optimal (OPT) methods. Candor must withhold no more than 1.2 × the cells
τ-ARGUS withholds on that table; that Candor's pattern holds against an attacker is checked by
privacy_attack.py. Prints both counts; the last line is 'N passed, M failed'.
"""
import json
import os
import re
import shutil
import subprocess
import sys
from collections import Counter

from pytauargus import protect

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    candor, work = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    os.makedirs(work, exist_ok=True)
    os.chdir(work)  # τ-ARGUS writes its logs into the working folder
    content = os.path.join(work, "tauargus-content")
    shutil.rmtree(content, ignore_errors=True)
    shutil.copytree(os.path.join(HERE, "..", "Content"), content)
    settings = os.path.join(content, "report.yml")
    text = open(settings).read()
    text, count = re.subn(r"privacy: \{min_group_size: (\d+)\}", r"privacy: {min_group_size: \1, dominance_p: 0}", text)
    assert count == 1, "report.yml of the example has no privacy line to extend"
    open(settings, "w").write(text)
    audit_path = os.path.join(work, "tauargus-audit.json")
    subprocess.run([candor, "build", "--quiet", "--content", content, "--output", os.path.join(work, "tauargus-site")],
                   check=True, env=dict(os.environ, CANDOR_DISCLOSURE_AUDIT=audit_path))
    audit = json.load(open(audit_path))

    # Candor's pattern on the team × week table and its margins.
    ours = Counter()
    microdata = {"Team": [], "Week": [], "Tokens": []}
    for cell in audit["cells"]:
        name = cell["name"]
        if not (name.startswith("tw|") or name.startswith("t|") or name.startswith("w|") or name == "o"):
            continue
        if cell["status"] in ("frequency", "dominance"):
            ours["primary"] += 1
        elif cell["status"] == "secondary":
            ours["secondary"] += 1
        if name.startswith("tw|"):
            _, team, week = name.split("|")
            for _person, tokens in cell.get("parts", []):
                microdata["Team"].append(re.sub(r"\W", "_", team))
                microdata["Week"].append(week)
                microdata["Tokens"].append(tokens)
    candor_total = ours["primary"] + ours["secondary"]
    print("candor: %d primary, %d secondary on the team × week table of tokens" % (ours["primary"], ours["secondary"]))

    passed = failed = 0
    for method in ("MOD(1,5,1,0,0)", "OPT(1,5)"):
        result = protect(microdata, tables=[["Team", "Week"]], response="Tokens", safety_rules="FREQ(5,10)",
                         suppress=method, decimals=0, workdir=os.path.join(work, "tauargus-" + method.split("(")[0]))
        status = Counter(result.tables[0].status())
        theirs = status["U"] + status["M"]
        ratio = candor_total / theirs if theirs else float("inf")
        print("tau-argus %s: %d primary, %d secondary; candor withholds %.2f × as many cells" % (method, status["U"], status["M"], ratio))
        if ratio <= 1.2:
            passed += 1
        else:
            failed += 1
    print("%d passed, %d failed" % (passed, failed))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
