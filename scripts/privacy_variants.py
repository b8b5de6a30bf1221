#!/usr/bin/env python3
"""Builds the example report and `candor sample` variants with planted small groups, and runs
the privacy attacker (scripts/privacy_attack.py) on each. Exit 1 if any group is recovered.

Usage: privacy_variants.py CANDOR_BINARY WORK_FOLDER

Variants (each a `candor sample` organisation plus the rows below, in data/usage/planted.csv):
  solo            a team of one person, active all period
  three-plus-one  two small teams (3 people and 1 person): together still below the floor
  quiet-week      a 20-person team of which one person alone is active in one week
  small-tools     two tools with two users each, used inside ordinary teams
"""
import csv
import datetime
import os
import random
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
HEADER = ["date", "user", "team", "tool", "requests", "input_tokens", "output_tokens"]


def days(start, count):
    return [start + datetime.timedelta(days=i) for i in range(count)]


def planted(variant, rng, period):
    """Usage rows and headcount rows for one variant."""
    rows, headcount = [], []
    weekdays = [d for d in period if d.weekday() < 5]

    def use(user, team, day, tool="internal-gpt"):
        rows.append([day.isoformat(), user, team, tool, rng.randint(1, 30), rng.randint(500, 40000), rng.randint(100, 8000)])

    if variant == "solo":
        headcount.append(("Solo", 6))
        for day in weekdays[::2]:
            use("solo-1", "Solo", day)
    elif variant == "three-plus-one":
        headcount += [("Trio", 7), ("Single", 6)]
        for day in weekdays[::3]:
            for i in range(3):
                use("trio-%d" % i, "Trio", day)
            use("single-1", "Single", day)
    elif variant == "quiet-week":
        headcount.append(("Quiet", 20))
        quiet_week = weekdays[len(weekdays) // 2].isocalendar()[:2]
        for day in weekdays:
            if day.isocalendar()[:2] == quiet_week:
                if day.weekday() == 2:
                    use("quiet-0", "Quiet", day)
                continue
            for i in range(20):
                if rng.random() < 0.6:
                    use("quiet-%d" % i, "Quiet", day)
    elif variant == "small-tools":
        for tool, people in (("tiny-a", ("u00001", "u00020")), ("tiny-b", ("u00040", "u00060"))):
            for user in people:
                for day in weekdays[::4]:
                    use(user, None, day, tool)
    return rows, headcount


def team_of(folder):
    """The sample's person → team, for planted rows of existing people."""
    teams = {}
    with open(os.path.join(folder, "data/usage/usage.csv")) as handle:
        for row in csv.DictReader(handle):
            teams.setdefault(row["user"], row["team"])
    return teams


def run(command, **kwargs):
    result = subprocess.run(command, capture_output=True, text=True, **kwargs)
    if result.returncode != 0:
        sys.stderr.write(result.stdout + result.stderr)
        raise SystemExit("failed: " + " ".join(command))
    return result


def attack(candor, content, work, name):
    output = os.path.join(work, name + "-site")
    audit = os.path.join(work, name + "-audit.json")
    shutil.rmtree(output, ignore_errors=True)
    run([candor, "build", "--quiet", "--content", content, "--output", output], env=dict(os.environ, CANDOR_DISCLOSURE_AUDIT=audit))
    result = subprocess.run([sys.executable, os.path.join(HERE, "privacy_attack.py"), output, audit], capture_output=True, text=True)
    sys.stdout.write("%s: %s" % (name, result.stdout.splitlines()[-1] + "\n" if result.stdout else result.stderr))
    if result.returncode != 0:
        sys.stdout.write(result.stdout)
    return result.returncode == 0


def main():
    candor, work = sys.argv[1], sys.argv[2]
    os.makedirs(work, exist_ok=True)
    only = sys.argv[3:]
    ok = True
    if not only or "example" in only:
        ok = attack(candor, os.path.join(HERE, "..", "Content"), work, "example")
    for variant in ("solo", "three-plus-one", "quiet-week", "small-tools"):
        if only and variant not in only:
            continue
        folder = os.path.join(work, variant)
        shutil.rmtree(folder, ignore_errors=True)
        run([candor, "sample", folder, "--users", "400", "--days", "70", "--seed", "11"])
        rng = random.Random(variant)
        period = days(datetime.date(2026, 1, 5), 70)
        rows, headcount = planted(variant, rng, period)
        owners = team_of(folder) if variant == "small-tools" else {}
        with open(os.path.join(folder, "data/usage/planted.csv"), "w", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(HEADER)
            for row in rows:
                if row[2] is None:
                    row[2] = owners[row[1]]
                writer.writerow(row)
        if headcount:
            with open(os.path.join(folder, "data/headcount.csv"), "a") as handle:
                for team, count in headcount:
                    handle.write("%s,%d\n" % (team, count))
        ok = attack(candor, folder, work, variant) and ok
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
